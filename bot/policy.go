package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/complaintbot/complaintbot/scheduler"
)

// Timing is the case policy's clock: every duration is a setting (zero
// means the default in brackets).
type Timing struct {
	IntakeReminder    time.Duration // INTAKE_REMINDER (10m)
	IntakeGiveUp      time.Duration // INTAKE_GIVEUP (24h)
	UnclaimedReminder time.Duration // UNCLAIMED_REMINDER (5m, business time)
	OwnerNudge        time.Duration // OWNER_NUDGE (30m, business time)
	OwnerEscalate     time.Duration // OWNER_ESCALATE (2h, business time)
	CheckinAfter      time.Duration // CHECKIN_AFTER (24h, business time)
	CheckinOwnerGrace time.Duration // CHECKIN_OWNER_GRACE (4h)
	PromiseReminder   time.Duration // PROMISE_REMINDER (1h)
	ResolveAskAgain   time.Duration // RESOLVE_ASK_AGAIN (24h)
	FollowUpAfter     time.Duration // FOLLOWUP_AFTER (72h)
	AutocloseAfter    time.Duration // AUTOCLOSE_AFTER (168h)
	// Business is business hours; nil means always open (wall time).
	Business *scheduler.Calendar
	// QuietHours are when no check-in reaches a customer; nil means none.
	// (The command's QUIET_HOURS default, 22:00–08:00, is set by cmd.)
	QuietHours *scheduler.Calendar
}

func (t *Timing) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.IntakeReminder, 10*time.Minute)
	def(&t.IntakeGiveUp, 24*time.Hour)
	def(&t.UnclaimedReminder, 5*time.Minute)
	def(&t.OwnerNudge, 30*time.Minute)
	def(&t.OwnerEscalate, 2*time.Hour)
	def(&t.CheckinAfter, 24*time.Hour)
	def(&t.CheckinOwnerGrace, 4*time.Hour)
	def(&t.PromiseReminder, time.Hour)
	def(&t.ResolveAskAgain, 24*time.Hour)
	def(&t.FollowUpAfter, 72*time.Hour)
	def(&t.AutocloseAfter, 168*time.Hour)
}

// Timed actions of the case policy. Each is recorded in the case's history
// as an EvTimed event whose Detail is the name (autoclose as EvClosed), and
// in Case.Done under a key that carries the time it is for, so that a rule
// that can recur (a new customer message, a new promise, a reopened case)
// acts once per occasion and a wake-up handled twice acts once.
const (
	// Unclaimed: the team channel is reminded once (UNCLAIMED_REMINDER of
	// business time after opening); at FirstResponseDue the supervisors
	// are alerted, and the customer gets an apology and a new window
	// (quiet hours permitting), which sets a new FirstResponseDue.
	TimedUnclaimedReminder   = "unclaimed_reminder"
	TimedFirstResponseMissed = "first_response_missed"
	TimedFirstResponseSorry  = "first_response_apology"
	// Waiting on the owner: a customer message unanswered for OWNER_NUDGE
	// of business time nudges the owner; for OWNER_ESCALATE, alerts the
	// supervisors.
	TimedOwnerNudge    = "owner_nudge"
	TimedOwnerEscalate = "owner_escalate"
	// Progress: no news to the customer for CHECKIN_AFTER of business time
	// nudges the owner; CHECKIN_OWNER_GRACE later, if still no news, the
	// bot tells the customer who is on it (which is news).
	TimedCheckinOwner    = "checkin_owner"
	TimedCheckinCustomer = "checkin_customer"
	// Promise: the owner is reminded PROMISE_REMINDER before it; once it
	// passes unresolved, supervisors are alerted and the customer gets an
	// apology.
	TimedPromiseReminder = "promise_reminder"
	TimedPromiseMissed   = "promise_missed"
	TimedPromiseSorry    = "promise_apology"
	// After resolve: "is it solved?" asked once more (RESOLVE_ASK_AGAIN
	// after it was asked), the follow-up (FOLLOWUP_AFTER after ResolvedAt),
	// and, with no answer, autoclose (a resolved case closes; a confirmed
	// one stops waiting for the follow-up's answer). The answer window is
	// AUTOCLOSE_AFTER − FOLLOWUP_AFTER from the follow-up, so by default a
	// case closes seven days after it was resolved.
	TimedAskSolvedAgain     = "solved_ask_again"
	TimedFollowUp           = "followup"
	TimedAutoclose          = "autoclose"
	TimedFollowUpUnanswered = "followup_unanswered"
	// TimedScoreUnanswered stops waiting, silently, for a score the
	// customer was asked for after saying all is fine.
	TimedScoreUnanswered = "score_unanswered"
)

// policy is the case policy as a pure function of the case and the time:
// which timed actions are due, and when the case next needs waking. It
// reads what was already done from Case.Done, so planning twice is
// harmless.
type policy struct {
	t Timing
	// firstResponse is the window a customer is told after the first
	// response target was missed (FIRST_RESPONSE_TARGET).
	firstResponse time.Duration
	// limits are each customer platform's rules for writing to a customer.
	limits map[string]Limits
}

func (e *Engine) policy() policy {
	lim := map[string]Limits{}
	for name, p := range e.cfg.Platforms {
		if !p.Limits.None() {
			lim[name] = p.Limits
		}
	}
	return policy{t: e.cfg.Timing, firstResponse: e.cfg.FirstResponse, limits: lim}
}

// action is one timed action due now.
type action struct {
	Name string    // one of the Timed… names
	Key  string    // its key in Case.Done
	Due  time.Time // when the rule fell due (before any quiet-hours wait)
	// Task is set when the action would speak to a customer the platform
	// no longer lets the bot reach in time (its reply window, its message
	// budget): the owner is told instead, so only a person spends what
	// is left.
	Task bool
}

// rule is one timed action the case may need, and when.
type rule struct {
	name     string
	key      string
	due      time.Time
	customer bool // it speaks to the customer: never in quiet hours
}

// plan returns the timed actions due at now, in the order to take them,
// and the time the case next needs waking for an action not yet due (zero
// when none will be). Taking the actions changes the case, so the caller
// plans again afterwards for the real next wake-up. Actions that speak to
// the customer wait for the end of quiet hours.
func (p policy) plan(c *Case, now time.Time) (acts []action, next time.Time) {
	for _, r := range p.rules(c) {
		if r.due.IsZero() || !r.due.Before(scheduler.Never) {
			continue
		}
		if _, done := c.Done[r.key]; done {
			continue
		}
		at, task := r.due, false
		switch {
		case r.customer && c.held():
			// A person of the platform's reception holds the session:
			// the bot would be refused, so the owner is told when it is
			// due, to say it themselves.
			task = true
		case r.customer:
			lim, limited := p.limits[c.Channel]
			if at = p.customerAt(r.due, now); at.IsZero() && !limited {
				continue
			}
			if limited {
				at, task = p.reachAt(c, r, at, now, lim)
			}
		}
		if !at.After(now) {
			acts = append(acts, action{Name: r.name, Key: r.key, Due: r.due, Task: task})
			continue
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return acts, next
}

// next returns when the case next needs waking: now if an action is due,
// zero if none ever will be.
func (p policy) next(c *Case, now time.Time) time.Time {
	acts, next := p.plan(c, now)
	if len(acts) > 0 {
		return now
	}
	return next
}

// rules lists every timed action the case may still need, in the order
// they are taken when several are due at once.
func (p policy) rules(c *Case) []rule {
	var rs []rule
	add := func(name string, due, occasion time.Time, customer bool) {
		rs = append(rs, rule{name: name, key: doneKey(name, occasion), due: due, customer: customer})
	}
	switch c.Status {
	case Open:
		if c.Owner != "" {
			break
		}
		frd := c.FirstResponseDue
		if r := p.business(c.Opened, p.t.UnclaimedReminder); frd.IsZero() || r.Before(frd) {
			add(TimedUnclaimedReminder, r, time.Time{}, false)
		}
		if !frd.IsZero() {
			add(TimedFirstResponseMissed, frd, frd, false)
			add(TimedFirstResponseSorry, frd, frd, true)
		}
	case Claimed:
		if c.Owner == "" {
			break
		}
		if ws := c.WaitingSince; !ws.IsZero() {
			add(TimedOwnerNudge, p.business(ws, p.t.OwnerNudge), ws, false)
			add(TimedOwnerEscalate, p.business(ws, p.t.OwnerEscalate), ws, false)
		}
		news := c.lastNews()
		owner := p.business(news, p.t.CheckinAfter)
		add(TimedCheckinOwner, owner, news, false)
		add(TimedCheckinCustomer, owner.Add(p.t.CheckinOwnerGrace), news, true)
		if pr := c.Promise; pr != nil && !pr.Due.IsZero() {
			if r := pr.Due.Add(-p.t.PromiseReminder); r.After(pr.At) {
				add(TimedPromiseReminder, r, pr.Due, false)
			}
			add(TimedPromiseMissed, pr.Due, pr.Due, false)
			add(TimedPromiseSorry, pr.Due, pr.Due, true)
		}
	case Resolved, Confirmed:
		resolved := c.ResolvedAt
		if resolved.IsZero() {
			break
		}
		if c.Status == Resolved && c.Awaiting == AskSolved && !c.AskedAt.IsZero() {
			add(TimedAskSolvedAgain, c.AskedAt.Add(p.t.ResolveAskAgain), resolved, true)
		}
		sent, followed := c.Done[doneKey(TimedFollowUp, resolved)]
		switch {
		case !followed && c.Satisfaction == 0:
			add(TimedFollowUp, resolved.Add(p.t.FollowUpAfter), resolved, true)
		case followed && c.Awaiting == AskFollowUp && c.Status == Resolved:
			add(TimedAutoclose, sent.Add(p.answerWindow()), resolved, true)
		case followed && c.Awaiting == AskFollowUp:
			add(TimedFollowUpUnanswered, sent.Add(p.answerWindow()), resolved, false)
		case c.Awaiting == AskScore && !c.AskedAt.IsZero():
			add(TimedScoreUnanswered, c.AskedAt.Add(p.answerWindow()), c.AskedAt, false)
		}
	}
	return rs
}

// answerWindow is how long the follow-up waits for an answer before the
// case closes: what AUTOCLOSE_AFTER leaves after FOLLOWUP_AFTER, or, if
// that is nothing, RESOLVE_ASK_AGAIN.
func (p policy) answerWindow() time.Duration {
	if w := p.t.AutocloseAfter - p.t.FollowUpAfter; w > 0 {
		return w
	}
	return p.t.ResolveAskAgain
}

// business returns t plus d of business time (wall time without business
// hours); scheduler.Never when the business calendar never opens.
func (p policy) business(t time.Time, d time.Duration) time.Time {
	if p.t.Business == nil {
		return t.Add(d)
	}
	return p.t.Business.Add(t, d)
}

// customerAt returns when something due at due may be said to the customer,
// given that it is now: due itself, or the end of the quiet hours it falls
// in (now's, if due has passed). Zero means never (quiet hours that never
// end).
func (p policy) customerAt(due, now time.Time) time.Time {
	q := p.t.QuietHours
	if q == nil {
		return due
	}
	at := due
	if at.Before(now) {
		at = now
	}
	if !q.Open(at) {
		return due
	}
	if end := q.NextClosed(at); end.Before(scheduler.Never) {
		return end
	}
	return time.Time{}
}

// reachMargin is how long before a platform's reply window closes the bot
// stops counting on it: a message planned later is sent earlier, by then.
func reachMargin(l Limits) time.Duration { return min(time.Hour, l.Window/10) }

// reach returns until when (zero: no window) and how many more messages
// (negative: no budget) the platform lets the bot send the case's
// customer, counted from their last message.
func (c *Case) reach(l Limits) (until time.Time, left int) {
	since := c.LastCustomerAt
	if since.IsZero() {
		since = c.Opened
	}
	if l.Window > 0 {
		until = since.Add(l.Window)
	}
	left = -1
	if l.Budget > 0 {
		left = max(l.Budget-c.SentSince, 0)
	}
	if c.SessionEnded {
		// The bot ended the session: nobody can write until they do.
		left = 0
	}
	return until, left
}

// reachAt plans a timed message to a customer on a platform with limits:
// when to act (at, which quiet hours may already have moved), and whether
// the action becomes a task for the owner. A message that would fall
// outside the reply window is sent earlier, while it still can be (not in
// quiet hours); when it cannot, or when the platform's last allowed
// message would be spent (kept for a person's own words), the owner is
// told in time instead. Nothing is sent into a refusal, and nothing is
// dropped silently.
func (p policy) reachAt(c *Case, r rule, at, now time.Time, l Limits) (time.Time, bool) {
	until, left := c.reach(l)
	latest := scheduler.Never
	if !until.IsZero() {
		latest = until.Add(-reachMargin(l))
	}
	if left >= 0 && left <= 1 {
		// Tell the owner while they can still use the last message.
		if r.due.After(latest) && movable(r.name) {
			return latest, true
		}
		return r.due, true
	}
	if until.IsZero() || (!at.IsZero() && !at.After(latest)) {
		return at, false
	}
	if !movable(r.name) {
		// An apology or a question that only makes sense when it is due:
		// then, the owner (the window has closed by then).
		return r.due, true
	}
	// It would come too late: as late as the window allows, now at the
	// latest; past its end only the owner can still do something.
	target := latest
	if now.After(target) {
		target = now
	}
	switch {
	case !target.Before(until):
		return r.due, true
	case p.t.QuietHours != nil && p.t.QuietHours.Open(target):
		return target, true
	}
	return target, false
}

// movable reports whether a timed message to the customer may be sent
// earlier than planned to stay inside a platform's reply window: a
// progress check-in and the follow-up may; an apology for a missed time or
// a question that follows one may not.
func movable(name string) bool { return name == TimedCheckinCustomer || name == TimedFollowUp }

// lastNews is when the customer last heard how their case stands: NewsAt,
// or the claim (they were told who owns it), or the opening.
func (c *Case) lastNews() time.Time {
	t := c.Opened
	for _, u := range []time.Time{c.ClaimedAt, c.NewsAt} {
		if u.After(t) {
			t = u
		}
	}
	return t
}

// doneKey is the Case.Done key of a timed action for one occasion (a
// customer message, a promise, a resolution), to the millisecond; without
// an occasion, the action happens once in the case's life.
func doneKey(name string, occasion time.Time) string {
	if occasion.IsZero() {
		return name
	}
	return name + "@" + strconv.FormatInt(occasion.UnixMilli(), 10)
}

// schedule recomputes the case's next wake-up after any change to it and
// puts it in the change (cleared when the case needs none). A wake-up that
// is due already is set to now, so the scheduler runs the policy at once.
func (e *Engine) schedule(c *Case, ch *Change, now time.Time) {
	next := e.policy().next(c, now)
	c.Wake = next
	if ch.WakeUps == nil {
		ch.WakeUps = map[string]time.Time{}
	}
	ch.WakeUps[CaseWakeUp(c.ID)] = next
}

// wakeCase runs the case policy: it takes every timed action due, records
// each in the case's history, and always leaves the case's next wake-up
// set, or cleared when it needs none. A case that no longer exists has its
// wake-up cleared.
func (e *Engine) wakeCase(ctx context.Context, id string) error {
	return e.wakeCaseOr(ctx, id, false)
}

// wakeCaseOr is wakeCase; with lazy set, a wake-up that changes nothing
// but its own next time commits nothing and returns a scheduler.Reschedule
// instead, which the Runner applies when it finishes the wake-up — only if
// nothing rescheduled it since the claim (any commit that touches the case
// does), so a concurrent change always wins.
func (e *Engine) wakeCaseOr(ctx context.Context, id string, lazy bool) error {
	customer, err := e.store.CustomerOf(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		e.log.Warn("wake-up of an unknown case dropped", "case", id)
		return nil
	}
	if err != nil {
		return err
	}
	var again *scheduler.Reschedule
	_, err = e.update(ctx, "wake case "+id, LoadQuery{Customer: customer, Case: id}, func(snap *Snapshot, now time.Time) (*Change, error) {
		ch := &Change{WakeUps: map[string]time.Time{}}
		c := snap.Case
		if c == nil || c.ID != id {
			ch.WakeUps[CaseWakeUp(id)] = time.Time{}
			return ch, nil
		}
		e.runPolicy(snap.Conv, c, ch, now)
		if lazy && ch.Conv == nil && len(ch.Cases) == 0 && len(ch.Outbox) == 0 && len(ch.Transcript) == 0 && len(ch.WakeUps) == 1 {
			again = &scheduler.Reschedule{At: ch.WakeUps[CaseWakeUp(id)]}
			return nil, nil
		}
		again = nil
		return ch, nil
	})
	if err == nil && again != nil {
		return *again
	}
	return err
}

// WakeUp is Wake for the scheduler's Runner: a case wake-up that finds
// nothing to do hands its next time back as a scheduler.Reschedule rather
// than committing it, which saves a write per idle wake-up.
func (e *Engine) WakeUp(ctx context.Context, name string, due time.Time) error {
	if id, ok := strings.CutPrefix(name, "case:"); ok {
		return e.wakeCaseOr(ctx, id, true)
	}
	return e.Wake(ctx, name, due)
}
