package bot

import (
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
func (e *Engine) caseSays(c *Case, ch *Change, text string, now time.Time) {
	if c.Lang == flows.ZH {
		text = flows.ToScript(text, c.Script)
	}
	c.SentSince++
	ch.Outbox = append(ch.Outbox, Outbound{ID: newID(), Channel: c.Channel, Audience: ToCustomer, Customer: c.Customer, Case: c.ID, Kind: KindText, Text: text, At: now})
	ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: c.Session, Entries: []Entry{{At: now, From: FromBot, Text: text}}})
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
