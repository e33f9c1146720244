package bot

import (
	"context"
	"time"

	"github.com/complaintbot/complaintbot/flows"
)

// This file hands a customer's session over on platforms with a reception
// of their own (Platform.Reception: WeCom's 接待人员, who answer in WeCom's
// client). The core decides; the adapter moves the session when it
// delivers the KindSession message, in order with what the bot tells the
// customer, and a refusal comes back through Undelivered.

// servicerOf returns the handle of the person with the id on the case's
// platform when that platform has a reception of its own and the person
// has a handle of their own there (their WeCom userid); "" otherwise. A
// person configured by name only has no such handle: a name is not a
// userid.
func (e *Engine) servicerOf(c *Case, id string) string {
	if id == "" || !e.cfg.Platforms[c.Channel].Reception {
		return ""
	}
	p, ok := e.cfg.People.Get(id)
	if !ok {
		return ""
	}
	return p.Handles[c.Channel]
}

// held reports whether a person of the platform's reception holds the
// case's session: the bot then tells the customer nothing itself.
func (c *Case) held() bool { return c.HeldBy != "" }

// sessionMove returns the KindSession message that moves the case's
// session.
func (e *Engine) sessionMove(c *Case, move SessionMove, to string, now time.Time) Outbound {
	m := Outbound{ID: newID(), Channel: c.Channel, Audience: ToCustomer, Customer: c.Customer, Case: c.ID, Kind: KindSession, Session: move, At: now}
	if move == SessionToPerson {
		m.To, m.ToHandle = to, e.servicerOf(c, to)
	}
	return m
}

// releaseSession hands the session back to the bot when a person holds
// it and the case's owner (just changed) is not a person of the reception,
// so that the bot can tell the customer who looks after them now. It runs
// before that message is queued.
func (e *Engine) releaseSession(c *Case, ch *Change, now time.Time) {
	if !c.held() || (c.Status.Active() && e.servicerOf(c, c.Owner) != "") {
		return
	}
	ch.Outbox = append(ch.Outbox, e.sessionMove(c, SessionToBot, "", now))
	c.History = append(c.History, Event{At: now, Who: "bot", What: EvSession, Detail: "→ bot (" + c.HeldBy + " had it)"})
	c.HeldBy, c.HeldAt = "", time.Time{}
}

// holdSession hands the session to the case's owner when they are a
// person of the platform's reception and do not hold it yet. It runs
// after the customer was told who looks after them (the claim, the
// hand-over, the reopening), so they read the name first. A session the
// bot ended is not moved (the platform allows no change to an ended
// session): it is handed over when the customer writes again.
func (e *Engine) holdSession(c *Case, ch *Change, now time.Time) {
	handle := e.servicerOf(c, c.Owner)
	if handle == "" || c.HeldBy == c.Owner || c.SessionEnded || c.Status != Claimed {
		return
	}
	ch.Outbox = append(ch.Outbox, e.sessionMove(c, SessionToPerson, c.Owner, now))
	c.History = append(c.History, Event{At: now, Who: "bot", What: EvSession, Detail: "→ " + c.Owner + " (" + handle + ")"})
	ch.Outbox = append(ch.Outbox, e.toStaff(c.Owner, c.ID, e.teamSay("dm.held", map[string]any{"ID": c.ID, "Platform": c.Channel, "Handle": handle}), now))
	c.HeldBy, c.HeldAt = c.Owner, now
}

// customerWrote keeps the session where it belongs when the customer
// writes to their case: a session the bot ended is new now, and one a
// person held may have been ended by the platform (WeCom ends a session
// after 48 hours) and started again without them. Either way the session
// is handed (again) to the owner if they hold it or should; the adapter
// first reads where the session is, so a session already with them is
// not moved.
func (e *Engine) customerWrote(c *Case, ch *Change, now time.Time) {
	ended := c.SessionEnded
	c.SessionEnded = false
	switch {
	case c.held() && c.HeldBy == c.Owner && c.Status == Claimed:
		ch.Outbox = append(ch.Outbox, e.sessionMove(c, SessionToPerson, c.Owner, now))
	case ended:
		e.holdSession(c, ch, now)
	}
}

// endSession ends a held session at resolve: the platform then lets the
// bot send one closing message, which is the question text (with its
// answers, q) instead of an ordinary message. The customer's next message
// starts a new session with the bot.
func (e *Engine) endSession(c *Case, ch *Change, text string, q Question, now time.Time) {
	if c.Lang == flows.ZH {
		text = flows.ToScript(text, c.Script)
	}
	m := e.sessionMove(c, SessionEnd, "", now)
	m.Text, m.Choices = text, e.choices(c, q)
	ch.Outbox = append(ch.Outbox, m)
	ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: c.Session, Entries: []Entry{{At: now, From: FromBot, Text: text}}})
	c.History = append(c.History, Event{At: now, Who: "bot", What: EvSession, Detail: "ended (" + c.HeldBy + " had it)"})
	c.HeldBy, c.HeldAt, c.SessionEnded = "", time.Time{}, true
}

// sessionRefused is Undelivered for a KindSession message: the platform
// would not move the session. A hand-over to a person that failed leaves
// the session with the bot (the case is no longer held by them), so the
// bot speaks for the owner again; whoever owns the case is told what
// happened and what to do.
func (e *Engine) sessionRefused(c *Case, ch *Change, m Outbound, data map[string]any, now time.Time) {
	key := "team.session.refused.bot"
	switch m.Session {
	case SessionToPerson:
		key = "team.session.refused.person"
		data["Who"] = e.mention(m.To)
		if c.HeldBy == m.To {
			c.HeldBy, c.HeldAt = "", time.Time{}
		}
	case SessionEnd:
		key = "team.session.refused.end"
	}
	text := e.teamSay(key, data)
	var out Outbound
	if c.Owner != "" {
		out = e.toStaff(c.Owner, c.ID, text, now)
	} else {
		out = e.inThread(c, text, now)
	}
	out.ID = deadPrefix + out.ID
	ch.Outbox = append(ch.Outbox, out)
	e.changed(c, ch, now, "bot", "", "")
}

// handleReception records what a person of the platform's own reception
// wrote to the customer in the platform's client: it is on the case's
// transcript as theirs, the case's thread shows it, and it counts as an
// answer (the first reply, no more waiting), so that nobody is nudged or
// escalated for a customer who was answered. Nothing is sent: the
// customer has it already. A message outside any open case is only
// logged. The person need not be on the staff list (WeCom's receptionists
// may take sessions from its pool without the bot): they are named by
// their handle then.
func (e *Engine) handleReception(ctx context.Context, in Inbound, dedupe string) (Receipt, error) {
	staff := in.Servicer
	if p, ok := e.cfg.People.ByHandle(in.Channel, in.Servicer); ok {
		staff = p.ID
	}
	q := LoadQuery{Customer: CustomerKey(in.Channel, in.User), Dedupe: dedupe}
	none := false
	dup, err := e.update(ctx, "reception", q, func(snap *Snapshot, now time.Time) (*Change, error) {
		c := snap.Case
		none = c == nil || !c.Status.Active()
		if none {
			return nil, nil
		}
		ch := &Change{WakeUps: map[string]time.Time{}}
		ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: c.Session, Entries: []Entry{{At: now, From: FromStaff, Staff: staff, ID: in.ID, Text: in.Text, Attachments: in.Attachments}}})
		text := in.Text
		if text == "" {
			text = "📎"
		}
		ch.Outbox = append(ch.Outbox, e.inThread(c, e.teamSay("team.replied", map[string]any{"ID": c.ID, "Who": e.mention(staff), "Text": text}), now))
		first := c.FirstReplyAt.IsZero()
		if first {
			c.FirstReplyAt = now
		}
		c.WaitingSince, c.NewsAt = time.Time{}, now
		if first {
			e.changed(c, ch, now, staff, "first_reply", "")
		} else {
			e.save(c, ch, now)
		}
		return ch, nil
	})
	if err == nil && none && !dup {
		e.log.Info("a reception message outside any open case", "platform", in.Channel, "id", in.ID)
	}
	return Receipt{ID: in.ID, Duplicate: dup}, err
}

// SessionMoved records what the platform reports a person of its reception
// did with a customer's session in the platform's own client: took it
// (from the pool, or passed on to them: servicer is their handle), gave it
// back to the bot (servicer ""), or ended it (ended). While a person holds
// it the bot stays quiet, as for a session it handed over itself; an ended
// session starts again when the customer writes. The case's owner (or its
// thread, when nobody owns it) is told, unless the owner did it. A report
// of what the bot did itself changes nothing. id is the report's platform
// id: a report read twice is applied once.
func (e *Engine) SessionMoved(ctx context.Context, channel, id, user, servicer string, ended bool) error {
	dedupe := ""
	if id != "" {
		dedupe = channel + ":" + id
	}
	if err := CheckID("customer id", user); err != nil {
		return err
	}
	q := LoadQuery{Customer: CustomerKey(channel, user), Dedupe: dedupe}
	_, err := e.update(ctx, "session moved", q, func(snap *Snapshot, now time.Time) (*Change, error) {
		c := snap.Case
		if c == nil || !c.Status.Active() {
			return nil, nil
		}
		holder := ""
		if !ended && servicer != "" {
			holder = servicer
			if p, ok := e.cfg.People.ByHandle(channel, servicer); ok {
				holder = p.ID
			}
		}
		if holder == c.HeldBy && ended == c.SessionEnded {
			return nil, nil
		}
		ch := &Change{WakeUps: map[string]time.Time{}}
		data := map[string]any{"ID": c.ID, "Platform": c.Channel, "Holder": e.mention(holder)}
		key, detail := "team.session.back", "→ bot (in "+c.Channel+")"
		switch {
		case ended:
			key, detail = "team.session.ended_there", "ended in "+c.Channel
		case holder != "":
			key, detail = "team.session.taken", "→ "+holder+" (in "+c.Channel+")"
		}
		if holder != c.HeldBy {
			c.HeldAt = now
		}
		c.HeldBy, c.SessionEnded = holder, ended
		if holder == "" {
			c.HeldAt = time.Time{}
		}
		switch {
		case c.Owner == "":
			ch.Outbox = append(ch.Outbox, e.inThread(c, e.teamSay(key, data), now))
		case holder != c.Owner:
			ch.Outbox = append(ch.Outbox, e.toStaff(c.Owner, c.ID, e.teamSay(key, data), now))
		}
		e.changed(c, ch, now, "bot", EvSession, detail)
		return ch, nil
	})
	return err
}
