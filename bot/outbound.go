package bot

import (
	"fmt"
	"slices"
	"time"

	"github.com/complaintbot/complaintbot/flows"
)

// This file holds the small builders every part of the engine uses to say
// something about a case: to its thread, to one staff member, to the
// supervisors, to the customer.

// inThread returns a message to the case's thread in the team channel.
func (e *Engine) inThread(c *Case, text string, now time.Time) Outbound {
	return e.toTeam(c.ID, c.ID, KindText, text, now)
}

// toStaff returns a direct message to one staff member (a Person.ID), on
// the team's platform.
func (e *Engine) toStaff(id, caseID, text string, now time.Time) Outbound {
	return Outbound{ID: newID(), Channel: e.cfg.Team, Audience: ToStaff, To: id, ToHandle: e.handleOf(id), Case: caseID, Kind: KindText, Text: text, At: now}
}

// alertSupervisors posts text in the case's thread and sends it to every
// supervisor directly (P12). With no supervisors configured, the thread
// alert stands alone.
func (e *Engine) alertSupervisors(c *Case, ch *Change, text string, now time.Time) {
	ch.Outbox = append(ch.Outbox, e.inThread(c, text, now))
	for _, s := range e.cfg.People.Supervisors() {
		ch.Outbox = append(ch.Outbox, e.toStaff(s.ID, c.ID, text, now))
	}
}

// caseSays sends text from the bot to the case's customer and writes it to
// the case's transcript.
//
// A customer who writes traditional characters reads them (Case.Script).
//
// While a person of the platform's own reception holds the customer's
// session (Case.HeldBy), the bot says nothing: the person answers in the
// platform's client, and the platform would refuse the bot anyway.
func (e *Engine) caseSays(c *Case, ch *Change, text string, now time.Time) {
	if c.held() {
		return
	}
	if c.Lang == flows.ZH {
		text = flows.ToScript(text, c.Script)
	}
	if e.unreachable(c, ch, text, now) {
		return
	}
	c.SentSince += e.policy().limits[c.Channel].messages(text)
	ch.Outbox = append(ch.Outbox, Outbound{ID: newID(), Channel: c.Channel, Audience: ToCustomer, Customer: c.Customer, Case: c.ID, Kind: KindText, Text: text, At: now})
	ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: c.Session, Entries: []Entry{{At: now, From: FromBot, Text: text}}})
}

// unreachable reports whether the case's platform lets nobody write to
// the customer now (its reply window closed, its message budget spent,
// the session ended); then what the bot would have said goes to the owner
// (or, with none, the case's thread) instead, so that it is neither sent
// into a refusal nor lost, and the transcript keeps it as an internal
// entry.
func (e *Engine) unreachable(c *Case, ch *Change, text string, now time.Time) bool {
	lim, ok := e.policy().limits[c.Channel]
	if !ok || lim.None() && !c.SessionEnded {
		return false
	}
	until, left := c.reach(lim)
	closed := !until.IsZero() && !now.Before(until)
	if left != 0 && !closed {
		return false
	}
	data := map[string]any{"ID": c.ID, "Customer": c.DisplayName(), "Platform": c.Channel, "Text": text,
		"Ended": c.SessionEnded, "Closed": closed, "Until": e.teamTime(until)}
	note := e.teamSay("notice.unreachable", data)
	if c.Owner != "" {
		ch.Outbox = append(ch.Outbox, e.toStaff(c.Owner, c.ID, note, now))
	} else {
		ch.Outbox = append(ch.Outbox, e.inThread(c, note, now))
	}
	ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: c.Session, Entries: []Entry{{At: now, From: FromBot, Text: text, Internal: true}}})
	c.History = append(c.History, Event{At: now, Who: "bot", What: EvReachTask, Detail: "message"})
	return true
}

// asks attaches the answers to question q to the last message the change
// sends the case's customer, so that platforms with menus let them tap.
func (e *Engine) asks(c *Case, ch *Change, q Question) {
	choices := e.choices(c, q)
	for i := len(ch.Outbox) - 1; i >= 0; i-- {
		if m := &ch.Outbox[i]; m.Audience == ToCustomer && m.Case == c.ID && m.Kind == KindText {
			m.Choices = choices
			return
		}
	}
}

// choices returns the answers to question q in the customer's language
// (and script): an offer's options, yes or no, the scores. Each label
// reads, typed, as the answer it stands for.
func (e *Engine) choices(c *Case, q Question) []Choice {
	lang := c.Lang
	label := func(key string, data map[string]any) string {
		t := e.say(lang, key, data)
		if lang == flows.ZH {
			t = flows.ToScript(t, c.Script)
		}
		return t
	}
	var out []Choice
	switch q {
	case AskPick:
		if c.Offer == nil {
			return nil
		}
		for i := range c.Offer.Options {
			out = append(out, Choice{Label: fmt.Sprintf("%d. %s", i+1, e.optionWords(c, i, lang)), Pick: i + 1})
		}
	case AskSolved:
		out = []Choice{{Label: label("choice.yes_solved", nil)}, {Label: label("choice.not_solved", nil)}}
	case AskFollowUp, AskScore:
		for s := 5; s >= 1; s-- {
			out = append(out, Choice{Label: label("choice.score", map[string]any{"Score": s})})
		}
		if q == AskFollowUp {
			out = append(out, Choice{Label: label("choice.not_fine", nil)})
		}
	}
	return out
}

// caseSaysVaried is caseSays with a catalogue entry in the customer's
// language, varied so the customer does not get the same sentence twice in
// a row. conv may be nil (the variant is then the first).
func (e *Engine) caseSaysVaried(conv *Conversation, c *Case, ch *Change, key string, data map[string]any, now time.Time) {
	var text string
	if conv != nil {
		text = e.sayVaried(conv, c.Lang, key, data)
	} else {
		text = e.say(c.Lang, key, data)
	}
	e.caseSays(c, ch, text, now)
}

// teamSay words a catalogue entry in the team's language.
func (e *Engine) teamSay(key string, data map[string]any) string {
	return e.say(e.cfg.TeamLang, key, data)
}

// changed records that the case changed: it is written with the change,
// its card is updated in place, its next wake-up recomputed and an event
// added to its history (what "" adds none).
func (e *Engine) changed(c *Case, ch *Change, now time.Time, who, what, detail string) {
	if what != "" {
		c.History = append(c.History, Event{At: now, Who: who, What: what, Detail: detail})
	}
	// One card update per change, the last state wins.
	ch.Outbox = slices.DeleteFunc(ch.Outbox, func(m Outbound) bool { return m.Kind == KindCard && m.Edits == "card:"+c.ID })
	ch.Outbox = append(ch.Outbox, e.card(c, now, true))
	e.save(c, ch, now)
}

// save writes the case with the change and recomputes its next wake-up,
// for changes the card does not show.
func (e *Engine) save(c *Case, ch *Change, now time.Time) {
	c.Updated = now
	if !slices.Contains(ch.Cases, c) {
		ch.Cases = append(ch.Cases, c)
	}
	if ch.WakeUps == nil {
		ch.WakeUps = map[string]time.Time{}
	}
	e.schedule(c, ch, now)
}

// did reports whether the timed action key was already taken on the case,
// and marks it taken (at now) if not.
func (c *Case) did(key string, now time.Time) bool {
	if _, ok := c.Done[key]; ok {
		return true
	}
	if c.Done == nil {
		c.Done = map[string]time.Time{}
	}
	c.Done[key] = now
	return false
}
