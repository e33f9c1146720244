package bot

import (
	"context"
	"strings"
	"time"
)

// EvUndelivered is the history event of a message a platform refused for
// good.
const EvUndelivered = "undelivered"

// deadPrefix starts the ids of the messages that tell people about a
// message that could not be delivered: when one of those cannot be
// delivered either, nobody is told again (no loop).
const deadPrefix = "dead:"

// Undelivered records that a platform refused a message for good (the
// sender has moved it to the dead-letter list) and tells a person, in the
// team's language: the case's owner directly, or the case's thread when
// nobody owns it, or when the message that failed was the owner's own.
// The case's history keeps every refusal; people are told once per
// recipient and hour, so a customer who blocked the bot does not flood the
// owner. A message about no case is told to the team channel. Telling is
// committed like any change, de-duplicated on the message's id, so a
// refusal handled twice tells once.
func (e *Engine) Undelivered(ctx context.Context, m Outbound, reason string) error {
	if strings.HasPrefix(m.ID, deadPrefix) {
		e.log.Error("a message about an undelivered message could not be delivered either", "channel", m.Channel, "reason", reason)
		return nil
	}
	text := clipRunes(m.Text, 200)
	who := e.recipientWords(m)
	data := map[string]any{"ID": m.Case, "Who": who, "Platform": m.Channel, "Reason": reason, "Text": text}
	dedupe := deadPrefix + m.Channel + ":" + m.ID
	if m.Case == "" {
		_, err := e.update(ctx, "undelivered", LoadQuery{Customer: TeamKey, Dedupe: dedupe}, func(_ *Snapshot, now time.Time) (*Change, error) {
			out := e.toTeam("", "", KindText, e.teamSay("team.undelivered.nocase", data), now)
			out.ID = deadPrefix + out.ID
			return &Change{Outbox: []Outbound{out}}, nil
		})
		return err
	}
	customer, err := e.store.CustomerOf(ctx, m.Case)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = e.update(ctx, "undelivered", LoadQuery{Customer: customer, Case: m.Case, Dedupe: dedupe}, func(snap *Snapshot, now time.Time) (*Change, error) {
		c := snap.Case
		if c == nil || c.ID != m.Case {
			return nil, nil
		}
		ch := &Change{WakeUps: map[string]time.Time{}}
		c.History = append(c.History, Event{At: now, Who: "bot", What: EvUndelivered, Detail: m.Channel + " " + m.Recipient() + ": " + reason})
		if m.Kind == KindSession {
			// Told every time: a refused hand-over changes who speaks.
			e.sessionRefused(c, ch, m, data, now)
			return ch, nil
		}
		key := "team.undelivered.staff"
		if m.Audience == ToCustomer {
			key = "team.undelivered.customer"
			data["Who"] = c.DisplayName()
		}
		if !c.did("undelivered:"+m.Recipient()+"@"+now.Truncate(time.Hour).Format(time.RFC3339), now) {
			text := e.teamSay(key, data)
			var out Outbound
			if c.Owner != "" && !(m.Audience == ToStaff && m.To == c.Owner) {
				out = e.toStaff(c.Owner, c.ID, text, now)
			} else {
				out = e.inThread(c, text, now)
			}
			out.ID = deadPrefix + out.ID
			ch.Outbox = append(ch.Outbox, out)
		}
		e.save(c, ch, now)
		return ch, nil
	})
	return err
}

// recipientWords names who a message was for, for staff.
func (e *Engine) recipientWords(m Outbound) string {
	switch {
	case m.Audience == ToCustomer:
		return m.Customer
	case m.To != "":
		return e.mention(m.To)
	case m.Thread != "":
		return e.teamSay("team.thread_of", map[string]any{"ID": m.Thread})
	}
	return e.teamSay("team.channel", nil)
}
