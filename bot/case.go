package bot

import (
	"strconv"
	"strings"
	"time"

	"github.com/complaintbot/complaintbot/flows"
)

// caseMessage adds a customer's message to their open case: to its
// transcript, to the case's thread in the team channel (and to the owner
// directly), and acknowledges it once the customer's burst is over.
// Nothing a customer says is lost or left unacknowledged.
//
// A structured pick (a customer's click on an offer's option) is the
// answer to the offer at once, not text to read.
func (e *Engine) caseMessage(conv *Conversation, c *Case, ch *Change, entry Entry, cmd *Command, now time.Time) {
	if cmd != nil && cmd.Verb == CmdPick {
		ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: c.Session, Entries: []Entry{entry}})
		c.LastCustomerAt, c.SentSince = now, 0
		e.customerWrote(c, ch, now)
		if c.Awaiting == AskPick && c.Offer != nil && cmd.Option >= 1 && cmd.Option <= len(c.Offer.Options) {
			e.picked(conv, c, ch, cmd.Option, now)
			return
		}
		// A stale button (the offer was answered or replaced): the click is
		// kept, and the customer told what it was for.
		e.save(c, ch, now)
		return
	}
	ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: c.Session, Entries: []Entry{entry}})
	c.Attachments = append(c.Attachments, entry.Attachments...)
	c.LastCustomerAt, c.SentSince = now, 0
	e.customerWrote(c, ch, now)
	if c.WaitingSince.IsZero() {
		c.WaitingSince = now
	}
	relay := e.relayText(c, entry)
	ch.Outbox = append(ch.Outbox, e.toTeam(c.ID, c.ID, KindText, relay, now))
	if c.Owner != "" {
		ch.Outbox = append(ch.Outbox, e.toStaff(c.Owner, c.ID, relay, now))
	}
	if entry.Text != "" {
		conv.CaseBurst = append(conv.CaseBurst, Line{At: now, Text: entry.Text})
	}
	conv.AckAt = now.Add(e.cfg.Quiet)
	ch.WakeUps[ConvWakeUp(conv.Customer)] = conv.AckAt
	e.save(c, ch, now)
}

// relayText is how a customer's message to their case reads in the team
// channel.
func (e *Engine) relayText(c *Case, entry Entry) string {
	text := entry.Text
	if n := len(entry.Attachments); n > 0 {
		att := e.say(e.cfg.TeamLang, "team.attachments", map[string]any{"Count": n, "Kinds": strings.Join(kinds(entry.Attachments), ", ")})
		text = strings.TrimSpace(text + " " + att)
	}
	return e.say(e.cfg.TeamLang, "team.customer_says", map[string]any{"ID": c.ID, "Customer": c.DisplayName(), "Text": text})
}

// ackCaseMessages runs when the customer's burst to their case is over. If
// the bot had asked them something, the burst is read as the answer first;
// otherwise they are told their messages were added to the case — unless
// the owner already answered them.
func (e *Engine) ackCaseMessages(conv *Conversation, c *Case, ch *Change, now time.Time) {
	conv.AckAt = time.Time{}
	lines := conv.CaseBurst
	conv.CaseBurst = nil
	if c == nil {
		return
	}
	// Only what was written after the question can answer it.
	var answer []string
	for _, l := range lines {
		if !l.At.Before(c.AskedAt) {
			answer = append(answer, l.Text)
		}
	}
	if c.Awaiting != "" && len(answer) > 0 && e.answered(conv, c, ch, strings.Join(answer, "\n"), now) {
		return
	}
	if !c.Status.Active() || (c.Owner != "" && c.WaitingSince.IsZero()) {
		return
	}
	key := "case.added"
	if c.Owner == "" {
		key = "case.added_waiting"
	}
	text := e.sayVaried(conv, c.Lang, key, map[string]any{"ID": c.ID, "Owner": e.nameOf(c.Owner)})
	e.caseSays(c, ch, text, now)
}

// answered reads the customer's burst as the answer to the question the
// bot is waiting on, and acts on it. It reports false when the burst does
// not answer it (the question stays open; the message is on the case).
func (e *Engine) answered(conv *Conversation, c *Case, ch *Change, burst string, now time.Time) bool {
	switch c.Awaiting {
	case AskPick:
		if c.Offer == nil {
			c.Awaiting = ""
			return false
		}
		i, ok := flows.ReadChoice(burst, c.Offer.Options, c.Offer.Kinds)
		if !ok {
			return false
		}
		e.picked(conv, c, ch, i, now)
		return true

	case AskSolved:
		switch flows.ReadYesNo(burst) {
		case flows.AnswerYes:
			e.confirm(conv, c, ch, now)
			return true
		case flows.AnswerNo:
			e.reopen(conv, c, ch, now, "customer", burst)
			return true
		}
		return false

	case AskFollowUp:
		score, comment, scored := flows.ReadScore(burst)
		yn := flows.ReadYesNo(burst)
		if scored {
			c.Satisfaction, c.SatisfactionComment = score, comment
			c.History = append(c.History, Event{At: now, Who: "customer", What: EvRated, Detail: strings.TrimSpace(strconv.Itoa(score) + " " + comment)})
		}
		switch {
		case (scored && score <= 2) || yn == flows.AnswerNo:
			e.alertSupervisors(c, ch, e.teamSay("team.followup_low", map[string]any{"ID": c.ID, "Owner": e.ownerWords(c), "Score": score, "Scored": scored, "Words": burst}), now)
			e.reopen(conv, c, ch, now, "customer", burst)
			return true
		case scored:
			c.Awaiting, c.AskedAt = "", time.Time{}
			if c.Status == Resolved {
				c.Status, c.CustomerConfirmed = Confirmed, true
			}
			e.caseSaysVaried(conv, c, ch, "followup.thanks", nil, now)
			ch.Outbox = append(ch.Outbox, e.inThread(c, e.teamSay("team.rated", map[string]any{"ID": c.ID, "Score": score, "Comment": comment}), now))
			e.changed(c, ch, now, "customer", "", "")
			return true
		case yn == flows.AnswerYes:
			// All is fine: that is the answer that matters, recorded at
			// once. A score is then asked for once, and only welcome.
			c.CustomerConfirmed = true
			if c.Status == Resolved {
				c.Status = Confirmed
			}
			if c.did("score_asked", now) {
				c.Awaiting, c.AskedAt = "", time.Time{}
				e.caseSaysVaried(conv, c, ch, "followup.thanks", nil, now)
			} else {
				c.Awaiting, c.AskedAt = AskScore, now
				e.caseSaysVaried(conv, c, ch, "followup.ask_score", nil, now)
				e.asks(c, ch, AskScore)
			}
			e.changed(c, ch, now, "customer", EvConfirmed, "")
			return true
		}
		return false

	case AskScore:
		score, comment, scored := flows.ReadScore(burst)
		if !scored {
			return false
		}
		c.Satisfaction, c.SatisfactionComment = score, comment
		c.History = append(c.History, Event{At: now, Who: "customer", What: EvRated, Detail: strings.TrimSpace(strconv.Itoa(score) + " " + comment)})
		c.Awaiting, c.AskedAt = "", time.Time{}
		if score <= 2 {
			e.alertSupervisors(c, ch, e.teamSay("team.followup_low", map[string]any{"ID": c.ID, "Owner": e.ownerWords(c), "Score": score, "Scored": true, "Words": burst}), now)
		}
		e.caseSaysVaried(conv, c, ch, "followup.thanks", nil, now)
		ch.Outbox = append(ch.Outbox, e.inThread(c, e.teamSay("team.rated", map[string]any{"ID": c.ID, "Score": score, "Comment": comment}), now))
		e.changed(c, ch, now, "customer", "", "")
		return true
	}
	return false
}

// picked records the customer's choice of option i (1-based) of the offer,
// thanks them and tells the owner.
func (e *Engine) picked(conv *Conversation, c *Case, ch *Change, i int, now time.Time) {
	c.Offer.Picked, c.Offer.PickedAt = i, now
	c.Awaiting, c.AskedAt = "", time.Time{}
	e.caseSaysVaried(conv, c, ch, "case.picked", map[string]any{"Choice": e.optionWords(c, i-1, c.Lang), "Owner": e.nameOf(c.Owner)}, now)
	e.tellOwner(c, ch, e.teamSay("team.picked", map[string]any{"ID": c.ID, "Customer": c.DisplayName(), "N": i, "Choice": c.Offer.Options[i-1]}), now)
	e.changed(c, ch, now, "customer", EvPicked, c.Offer.Options[i-1])
}

// confirm records that the customer says their problem is solved.
func (e *Engine) confirm(conv *Conversation, c *Case, ch *Change, now time.Time) {
	c.Status, c.CustomerConfirmed = Confirmed, true
	c.Awaiting, c.AskedAt = "", time.Time{}
	c.WaitingSince = time.Time{}
	e.caseSaysVaried(conv, c, ch, "case.confirmed", map[string]any{"Owner": e.nameOf(c.Owner)}, now)
	e.tellOwner(c, ch, e.teamSay("team.customer_confirmed", map[string]any{"ID": c.ID, "Customer": c.DisplayName()}), now)
	e.changed(c, ch, now, "customer", EvConfirmed, "")
}

// tellOwner posts text in the case's thread and sends it to the owner.
func (e *Engine) tellOwner(c *Case, ch *Change, text string, now time.Time) {
	ch.Outbox = append(ch.Outbox, e.inThread(c, text, now))
	if c.Owner != "" {
		ch.Outbox = append(ch.Outbox, e.toStaff(c.Owner, c.ID, text, now))
	}
}

// sayVaried words a catalogue entry for a customer, choosing the variant
// after the one last said to them, so the bot does not repeat itself.
func (e *Engine) sayVaried(conv *Conversation, lang flows.Lang, key string, data map[string]any) string {
	if conv.Said == nil {
		conv.Said = map[string]int{}
	}
	n := conv.Said[key] + 1
	if v := e.cfg.Catalog.Variants(lang, key); v > 0 && n > v {
		n = 1
	}
	conv.Said[key] = n
	return e.cfg.Catalog.Text(lang, key, n, data)
}

// caseOpened does what a new case needs at once: urgent cases alert the
// supervisors, in the thread and directly (P12); the case policy takes the
// case's clock.
func (e *Engine) caseOpened(c *Case, ch *Change, now time.Time) {
	if c.Urgent {
		var risks []string
		for _, r := range c.Risks {
			risks = append(risks, e.teamSay("risk."+string(r), nil))
		}
		e.alertSupervisors(c, ch, e.teamSay("team.urgent", map[string]any{"ID": c.ID, "Risks": strings.Join(risks, ", "), "Summary": c.Summary, "Outcome": e.outcomeWords(c), "Customer": c.DisplayName()}), now)
		c.History = append(c.History, Event{At: now, Who: "bot", What: EvUrgentAlert, Detail: strings.Join(risks, ", ")})
	}
	e.schedule(c, ch, now)
}
