package bot

import (
	"strings"
	"time"

	"github.com/complaintbot/complaintbot/flows"
)

// caseMessage adds a customer's message to their open case: to its
// transcript, to the case's thread in the team channel, and acknowledges it
// once the customer's burst is over. Nothing a customer says is lost or left
// unacknowledged.
func (e *Engine) caseMessage(conv *Conversation, c *Case, ch *Change, entry Entry, now time.Time) {
	ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: c.Session, Entries: []Entry{entry}})
	c.Updated = now
	c.Attachments = append(c.Attachments, entry.Attachments...)
	ch.Cases = append(ch.Cases, c)
	ch.Outbox = append(ch.Outbox, e.toTeam(c.ID, c.ID, KindText, e.relayText(c, entry), now))
	conv.AckAt = now.Add(e.cfg.Quiet)
	ch.WakeUps[ConvWakeUp(conv.Customer)] = conv.AckAt
}

// relayText is how a customer's message to their case reads in the team
// channel.
func (e *Engine) relayText(c *Case, entry Entry) string {
	text := entry.Text
	if n := len(entry.Attachments); n > 0 {
		var ks []string
		for _, a := range entry.Attachments {
			ks = append(ks, a.Kind)
		}
		att := e.say(e.cfg.TeamLang, "team.attachments", map[string]any{"Count": n, "Kinds": strings.Join(ks, ", ")})
		text = strings.TrimSpace(text + " " + att)
	}
	return e.say(e.cfg.TeamLang, "team.customer_says", map[string]any{"Customer": c.DisplayName(), "Text": text})
}

// ackCaseMessages tells the customer their latest messages were added to
// their case.
func (e *Engine) ackCaseMessages(conv *Conversation, c *Case, ch *Change, now time.Time) {
	conv.AckAt = time.Time{}
	if c == nil || !c.Status.Active() {
		return
	}
	key := "case.added"
	if c.Owner == "" {
		key = "case.added_waiting"
	}
	lang := c.Lang
	text := e.sayVaried(conv, lang, key, map[string]any{"ID": c.ID, "Owner": c.Owner})
	ch.Outbox = append(ch.Outbox, e.toCustomer(conv, c.ID, text, now))
	ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: c.Session, Entries: []Entry{{At: now, From: FromBot, Text: text}}})
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

// caseOpened does what a new case needs at once.
func (e *Engine) caseOpened(c *Case, ch *Change, now time.Time) {}
