package bot

import (
	"maps"
	"strconv"
	"time"

	"github.com/complaintbot/complaintbot/flows"
)

// This file turns the case policy's actions into messages and case changes.
// The policy (policy.go) decides what is due; nothing here decides.

// runPolicy takes every timed action due on the case at now, records each
// in its history and Done, writes the case if anything changed, and sets
// its next wake-up. conv, when not nil, is the customer's conversation,
// used to vary the bot's words; it is written with the change if used.
func (e *Engine) runPolicy(conv *Conversation, c *Case, ch *Change, now time.Time) {
	p := e.policy()
	acted, card, spoke := false, false, false
	// Each round's actions can make others due (the follow-up starts the
	// answer window); Done makes every action happen once, so this ends.
	for round := 0; round < 8; round++ {
		acts, _ := p.plan(c, now)
		if len(acts) == 0 {
			break
		}
		for _, a := range acts {
			if c.did(a.Key, now) {
				continue
			}
			r := e.act(conv, c, ch, a, now)
			acted = true
			card = card || r.card
			spoke = spoke || r.spoke
		}
	}
	if spoke && conv != nil {
		ch.Conv = conv
	}
	switch {
	case card:
		e.changed(c, ch, now, "", "", "") // the card shows status and due times
	case acted:
		e.save(c, ch, now)
	default:
		// Nothing was due (a duplicate, or a wake-up a change left behind):
		// the wake-up is set again, and the case written only if its
		// next wake-up moved (as when quiet hours defer a message).
		before := c.Wake
		e.schedule(c, ch, now)
		if !c.Wake.Equal(before) {
			ch.Cases = append(ch.Cases, c)
		}
	}
}

// acted says what taking one action touched.
type acted struct {
	card  bool // something the case's card shows changed
	spoke bool // the customer was told something (conv's variants moved)
}

// act takes one timed action.
func (e *Engine) act(conv *Conversation, c *Case, ch *Change, a action, now time.Time) acted {
	var r acted
	t := e.cfg.Timing
	// Staff read the owner's mention; the customer reads their name.
	data := map[string]any{"ID": c.ID, "Customer": c.DisplayName(), "Owner": e.mention(c.Owner)}
	team := func(key string) string { return e.cfg.Catalog.Text(e.cfg.TeamLang, key, len(c.History)+1, data) }
	tell := func(key string) {
		d := maps.Clone(data)
		d["Owner"] = e.nameOf(c.Owner)
		e.tellCustomer(conv, c, ch, key, d, now)
		r.spoke = true
	}
	what := EvTimed
	if a.Task {
		return e.reachTask(c, ch, a, data, now)
	}
	switch a.Name {
	case TimedUnclaimedReminder:
		data["Waited"] = e.teamDuration(now.Sub(c.Opened))
		data["Due"] = e.teamTime(c.FirstResponseDue)
		ch.Outbox = append(ch.Outbox, e.toTeam(c.ID, "", KindText, team("time.unclaimed.remind"), now))
	case TimedFirstResponseMissed:
		data["Due"] = e.teamTime(a.Due)
		e.alertSupervisors(c, ch, team("time.first_response.missed"), now)
		c.Escalations++
	case TimedFirstResponseSorry:
		c.FirstResponseDue = e.firstResponseDue(now)
		data["When"] = e.whenWords(c.Lang, c.FirstResponseDue, now)
		tell("time.first_response.apology")
		c.NewsAt = now
		r.card = true
	case TimedOwnerNudge:
		data["Waited"] = e.teamDuration(now.Sub(c.WaitingSince))
		ch.Outbox = append(ch.Outbox, e.toStaff(c.Owner, c.ID, team("time.owner.nudge"), now))
	case TimedOwnerEscalate:
		data["Waited"] = e.teamDuration(now.Sub(c.WaitingSince))
		e.alertSupervisors(c, ch, team("time.owner.escalate"), now)
		c.Escalations++
	case TimedCheckinOwner:
		data["Quiet"] = e.teamDuration(now.Sub(c.lastNews()))
		data["Grace"] = e.teamDuration(t.CheckinOwnerGrace)
		ch.Outbox = append(ch.Outbox, e.toStaff(c.Owner, c.ID, team("time.checkin.owner"), now))
	case TimedCheckinCustomer:
		tell("time.checkin.customer")
		c.NewsAt = now
	case TimedPromiseReminder:
		data["Due"] = e.teamTime(c.Promise.Due)
		data["Left"] = e.teamDuration(c.Promise.Due.Sub(now))
		ch.Outbox = append(ch.Outbox, e.toStaff(c.Owner, c.ID, team("time.promise.remind"), now))
	case TimedPromiseMissed:
		data["Due"] = e.teamTime(a.Due)
		e.alertSupervisors(c, ch, team("time.promise.missed"), now)
		c.Escalations++
	case TimedPromiseSorry:
		data["Due"] = e.clockWords(c.Lang, a.Due, now)
		tell("time.promise.apology")
		c.NewsAt = now
	case TimedAskSolvedAgain:
		tell("time.solved.again")
		e.asks(c, ch, AskSolved)
		c.AskedAt = now
	case TimedFollowUp:
		// Say how long it really was: "a few days" is wrong after an hour.
		data["Elapsed"] = e.cfg.Catalog.Duration(c.Lang, now.Sub(c.ResolvedAt))
		tell("time.followup.ask_elapsed")
		e.asks(c, ch, AskFollowUp)
		c.Awaiting, c.AskedAt = AskFollowUp, now
	case TimedAutoclose:
		tell("time.autoclose.customer")
		data["Since"] = e.teamDuration(now.Sub(c.ResolvedAt))
		ch.Outbox = append(ch.Outbox, e.inThread(c, team("time.autoclose.team"), now))
		c.Status, c.ClosedAt = Closed, now
		c.Awaiting, c.AskedAt = "", time.Time{}
		what, r.card = EvClosed, true
	case TimedFollowUpUnanswered:
		ch.Outbox = append(ch.Outbox, e.inThread(c, team("time.followup.unanswered"), now))
		c.Awaiting, c.AskedAt = "", time.Time{}
	case TimedScoreUnanswered:
		// They said all is fine; a score was only welcome.
		c.Awaiting, c.AskedAt = "", time.Time{}
	}
	c.History = append(c.History, Event{At: now, Who: "bot", What: what, Detail: a.Name})
	return r
}

// reachTask tells the owner (or, with none, the case's thread) what the bot
// would have said to a customer the platform no longer lets it reach in
// time, and until when a person still can: "the 48-hour window with this
// customer closes at 14:05; send the update now, or call them". While a
// person of the platform's reception holds the session, it is theirs to
// say there. Autoclose still closes the case, without the message.
func (e *Engine) reachTask(c *Case, ch *Change, a action, data map[string]any, now time.Time) acted {
	lim := e.policy().limits[c.Channel]
	until, left := c.reach(lim)
	data["What"] = e.teamSay("time.reach.what."+a.Name, nil)
	data["Platform"] = c.Channel
	data["Until"] = e.teamTime(until)
	data["Open"] = !until.IsZero() && now.Before(until) && left != 0
	data["Left"] = left
	key := "time.reach.task"
	switch {
	case c.held():
		key = "time.held.task"
		data["Holder"] = e.mention(c.HeldBy)
	case c.SessionEnded:
		key = "time.ended.task"
	}
	text := e.cfg.Catalog.Text(e.cfg.TeamLang, key, 1, data)
	if c.Owner != "" {
		ch.Outbox = append(ch.Outbox, e.toStaff(c.Owner, c.ID, text, now))
	} else {
		ch.Outbox = append(ch.Outbox, e.inThread(c, text, now))
	}
	r := acted{}
	if a.Name == TimedAutoclose {
		c.Status, c.ClosedAt = Closed, now
		c.Awaiting, c.AskedAt = "", time.Time{}
		c.History = append(c.History, Event{At: now, Who: "bot", What: EvClosed, Detail: a.Name})
		r.card = true
	}
	c.History = append(c.History, Event{At: now, Who: "bot", What: EvReachTask, Detail: a.Name})
	return r
}

// tellCustomer says a catalogue entry to the case's customer, varied from
// the last time it was said, and shows what was said in the case's thread.
func (e *Engine) tellCustomer(conv *Conversation, c *Case, ch *Change, key string, data map[string]any, now time.Time) {
	var text string
	if conv != nil {
		text = e.sayVaried(conv, c.Lang, key, data)
	} else {
		text = e.cfg.Catalog.Text(c.Lang, key, len(c.History)+1, data)
	}
	e.caseSays(c, ch, text, now)
	ch.Outbox = append(ch.Outbox, e.inThread(c, e.teamSay("time.thread.told", map[string]any{"Text": text}), now))
}

// teamTime writes a time for staff, as the card does.
func (e *Engine) teamTime(t time.Time) string {
	return t.In(e.cfg.Location).Format("2006-01-02 15:04")
}

// teamDuration words a duration for staff.
func (e *Engine) teamDuration(d time.Duration) string {
	return e.cfg.Catalog.Duration(e.cfg.TeamLang, d)
}

// whenWords tells a customer when something will happen: "within 15
// minutes" when it is a few hours away at most, else "by tomorrow at
// 09:15".
func (e *Engine) whenWords(lang flows.Lang, due, now time.Time) string {
	if d := due.Sub(now); d > 0 && d <= 6*time.Hour {
		return e.say(lang, "time.within", map[string]any{"Window": e.cfg.Catalog.Duration(lang, d)})
	}
	return e.say(lang, "time.by", map[string]any{"At": e.clockWords(lang, due, now)})
}

// clockWords names a time of day for a customer relative to now, in the
// bot's zone: "today at 18:00", "tomorrow at 09:15", "Monday at 10:00",
// "2 December at 18:00"; "今天18:00", "明天09:15", "周一10:00",
// "12月2日18:00".
func (e *Engine) clockWords(lang flows.Lang, t, now time.Time) string {
	lt, ln := t.In(e.cfg.Location), now.In(e.cfg.Location)
	data := map[string]any{"Clock": lt.Format("15:04")}
	key := "time.at.date"
	switch days := civilDay(lt) - civilDay(ln); {
	case days == 0:
		key = "time.at.today"
	case days == 1:
		key = "time.at.tomorrow"
	case days == -1:
		key = "time.at.yesterday"
	case days > 1 && days < 7:
		key = "time.at.weekday"
		data["Weekday"] = e.say(lang, "time.weekday."+strconv.Itoa(int(lt.Weekday())), nil)
	default:
		data["Day"], data["Month"], data["MonthNum"] = lt.Day(), lt.Month().String(), int(lt.Month())
	}
	return e.say(lang, key, data)
}

// civilDay numbers the calendar day of t's wall clock (days since
// 1970-01-01), so that days can be subtracted across DST changes.
func civilDay(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}
