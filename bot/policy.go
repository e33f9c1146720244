package bot

import (
	"context"
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

// schedule recomputes the case's next wake-up after any change to it and
// puts it in the change (cleared when the case needs none).
func (e *Engine) schedule(c *Case, ch *Change, now time.Time) {}

// wakeCase runs the case policy.
func (e *Engine) wakeCase(ctx context.Context, id string) error { return nil }
