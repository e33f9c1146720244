package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler"
)

// The case policy, tested as the pure function it is: a case and a time
// in, the actions due and the next wake-up out. The clock is whatever time
// each case passes.

func policyZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

func policyCalendar(tb testing.TB, spec string, loc *time.Location) *scheduler.Calendar {
	tb.Helper()
	c, err := scheduler.ParseCalendar(spec, nil, loc)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func policyQuiet(tb testing.TB, r string, loc *time.Location) *scheduler.Calendar {
	tb.Helper()
	c, err := scheduler.ParseDailyRange(r, loc)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// defaults returns Timing with every default filled in, changed by fn.
func timingWith(fn func(*Timing)) Timing {
	var t Timing
	if fn != nil {
		fn(&t)
	}
	t.setDefaults()
	return t
}

func actionNames(acts []action) []string {
	out := []string{}
	for _, a := range acts {
		out = append(out, a.Name)
	}
	return out
}

func TestPolicyPlan(t *testing.T) {
	sh := policyZone(t, "Asia/Shanghai")
	// Monday 2026-11-23 10:00 in Shanghai.
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, sh)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	quiet := policyQuiet(t, "22:00-08:00", sh)
	business := policyCalendar(t, "* 9-17 * * 1-5", sh) // Mon–Fri 09:00–18:00

	unclaimed := func(opened time.Time) *Case {
		return &Case{ID: "7", Status: Open, Opened: opened, FirstResponseDue: opened.Add(15 * time.Minute)}
	}
	claimed := func(fn func(*Case)) *Case {
		c := &Case{ID: "7", Status: Claimed, Owner: "alice", Opened: t0, ClaimedAt: t0.Add(5 * time.Minute), FirstResponseDue: t0.Add(15 * time.Minute)}
		c.NewsAt = c.ClaimedAt
		if fn != nil {
			fn(c)
		}
		return c
	}
	resolved := func(status Status, fn func(*Case)) *Case {
		c := &Case{ID: "7", Status: status, Owner: "alice", Opened: t0, ClaimedAt: t0, ResolvedAt: at(time.Hour),
			Awaiting: AskSolved, AskedAt: at(time.Hour)}
		if status == Confirmed {
			c.Awaiting, c.AskedAt, c.CustomerConfirmed = "", time.Time{}, true
		}
		if fn != nil {
			fn(c)
		}
		return c
	}
	done := func(c *Case, keys ...string) *Case {
		c.Done = map[string]time.Time{}
		for _, k := range keys {
			c.Done[k] = t0
		}
		return c
	}
	ms := func(t time.Time) string { return fmt.Sprint(t.UnixMilli()) }

	tests := []struct {
		name   string
		timing Timing
		c      *Case
		now    time.Time
		want   []string
		next   time.Time
	}{
		// Unclaimed.
		{"unclaimed, just opened", timingWith(nil), unclaimed(t0), at(time.Minute), []string{}, at(5 * time.Minute)},
		{"unclaimed reminder due", timingWith(nil), unclaimed(t0), at(5 * time.Minute), []string{TimedUnclaimedReminder}, at(15 * time.Minute)},
		{"unclaimed reminder once", timingWith(nil), done(unclaimed(t0), TimedUnclaimedReminder), at(6 * time.Minute), []string{}, at(15 * time.Minute)},
		{"first response missed: escalate and apologise", timingWith(nil), done(unclaimed(t0), TimedUnclaimedReminder), at(15 * time.Minute),
			[]string{TimedFirstResponseMissed, TimedFirstResponseSorry}, time.Time{}},
		{"reminder after the target is skipped", timingWith(func(t *Timing) { t.UnclaimedReminder = 20 * time.Minute }), unclaimed(t0), at(time.Minute), []string{}, at(15 * time.Minute)},
		{"claimed case is not unclaimed", timingWith(nil), claimed(nil), at(20 * time.Minute), []string{}, at(5*time.Minute + 24*time.Hour)},

		// Quiet hours: the team hears at once, the customer at 08:00.
		{"missed at night: escalate now, apologise at 08:00", timingWith(func(t *Timing) { t.QuietHours = quiet }),
			done(unclaimed(t0.Add(11*time.Hour+50*time.Minute)), TimedUnclaimedReminder), t0.Add(12*time.Hour + 5*time.Minute),
			[]string{TimedFirstResponseMissed}, time.Date(2026, 11, 24, 8, 0, 0, 0, sh)},
		{"apology waits for the morning", timingWith(func(t *Timing) { t.QuietHours = quiet }),
			done(unclaimed(t0.Add(11*time.Hour+50*time.Minute)), TimedUnclaimedReminder, "first_response_missed@"+ms(t0.Add(12*time.Hour+5*time.Minute))),
			t0.Add(13 * time.Hour), []string{}, time.Date(2026, 11, 24, 8, 0, 0, 0, sh)},
		{"apology in the morning", timingWith(func(t *Timing) { t.QuietHours = quiet }),
			done(unclaimed(t0.Add(11*time.Hour+50*time.Minute)), TimedUnclaimedReminder, "first_response_missed@"+ms(t0.Add(12*time.Hour+5*time.Minute))),
			time.Date(2026, 11, 24, 8, 0, 0, 0, sh), []string{TimedFirstResponseSorry}, time.Time{}},

		// Waiting on the owner.
		{"customer waiting: nudge due", timingWith(nil), claimed(func(c *Case) { c.WaitingSince = at(time.Hour) }), at(90 * time.Minute),
			[]string{TimedOwnerNudge}, at(3 * time.Hour)},
		{"customer waiting: escalate due", timingWith(nil), done(claimed(func(c *Case) { c.WaitingSince = at(time.Hour) }), "owner_nudge@"+ms(at(time.Hour))),
			at(3 * time.Hour), []string{TimedOwnerEscalate}, at(5*time.Minute + 24*time.Hour)},
		{"a new customer message nudges again", timingWith(nil),
			done(claimed(func(c *Case) { c.WaitingSince = at(4 * time.Hour) }), "owner_nudge@"+ms(at(time.Hour)), "owner_escalate@"+ms(at(time.Hour))),
			at(4*time.Hour + 30*time.Minute), []string{TimedOwnerNudge}, at(6 * time.Hour)},
		{"nudges are team-side: sent in quiet hours", timingWith(func(t *Timing) { t.QuietHours = quiet }),
			claimed(func(c *Case) { c.WaitingSince = at(12*time.Hour + 30*time.Minute) }), at(13 * time.Hour),
			[]string{TimedOwnerNudge}, at(14*time.Hour + 30*time.Minute)},
		{"weekend: 15 business minutes after Friday 17:55 is Monday 09:10",
			timingWith(func(t *Timing) { t.Business, t.OwnerNudge, t.OwnerEscalate = business, 15*time.Minute, 3*time.Hour }),
			claimed(func(c *Case) {
				c.WaitingSince = time.Date(2026, 11, 27, 17, 55, 0, 0, sh)
				c.NewsAt = c.WaitingSince
			}),
			time.Date(2026, 11, 27, 18, 30, 0, 0, sh), []string{}, time.Date(2026, 11, 30, 9, 10, 0, 0, sh)},
		{"weekend: nudge on Monday 09:10",
			timingWith(func(t *Timing) { t.Business, t.OwnerNudge, t.OwnerEscalate = business, 15*time.Minute, 3*time.Hour }),
			claimed(func(c *Case) {
				c.WaitingSince = time.Date(2026, 11, 27, 17, 55, 0, 0, sh)
				c.NewsAt = c.WaitingSince
			}),
			time.Date(2026, 11, 30, 9, 10, 0, 0, sh), []string{TimedOwnerNudge}, time.Date(2026, 11, 30, 11, 55, 0, 0, sh)},

		// Progress check-in.
		{"no news for a day: nudge the owner", timingWith(nil), claimed(nil), at(5*time.Minute + 24*time.Hour),
			[]string{TimedCheckinOwner}, at(5*time.Minute + 28*time.Hour)},
		{"still no news: tell the customer", timingWith(nil), done(claimed(nil), "checkin_owner@"+ms(at(5*time.Minute))), at(5*time.Minute + 28*time.Hour),
			[]string{TimedCheckinCustomer}, time.Time{}},
		{"news resets the check-in", timingWith(nil), done(claimed(func(c *Case) { c.NewsAt = at(20 * time.Hour) }), "checkin_owner@"+ms(at(5*time.Minute))),
			at(25 * time.Hour), []string{}, at(44 * time.Hour)},
		{"check-in to the customer waits out quiet hours", timingWith(func(t *Timing) { t.QuietHours = quiet }),
			done(claimed(func(c *Case) { c.NewsAt = at(10 * time.Hour) }), "checkin_owner@"+ms(at(10*time.Hour))), // due 00:00+4h = 04:00
			at(38 * time.Hour), []string{}, time.Date(2026, 11, 25, 8, 0, 0, 0, sh)},
		{"check-in counts business hours", timingWith(func(t *Timing) { t.Business = business; t.CheckinAfter = 9 * time.Hour }),
			claimed(func(c *Case) { c.NewsAt = at(4 * time.Hour) }), at(5 * time.Hour), // Mon 14:00 + 9 business hours = Tue 14:00
			[]string{}, time.Date(2026, 11, 24, 14, 0, 0, 0, sh)},

		// Promise.
		{"promise: remind the owner an hour before", timingWith(nil),
			claimed(func(c *Case) { c.Promise = &Promise{Due: at(6 * time.Hour), At: at(time.Hour), By: "alice"} }), at(5 * time.Hour),
			[]string{TimedPromiseReminder}, at(6 * time.Hour)},
		{"promise passed: escalate and apologise", timingWith(nil),
			done(claimed(func(c *Case) { c.Promise = &Promise{Due: at(6 * time.Hour), At: at(time.Hour), By: "alice"} }), "promise_reminder@"+ms(at(6*time.Hour))), at(6 * time.Hour),
			[]string{TimedPromiseMissed, TimedPromiseSorry}, at(5*time.Minute + 24*time.Hour)},
		{"promise made within the hour: no reminder", timingWith(nil),
			claimed(func(c *Case) {
				c.Promise = &Promise{Due: at(6 * time.Hour), At: at(5*time.Hour + 30*time.Minute), By: "alice"}
			}), at(5*time.Hour + 31*time.Minute),
			[]string{}, at(6 * time.Hour)},
		{"a resolved case keeps no promise", timingWith(nil),
			resolved(Resolved, func(c *Case) { c.Promise = &Promise{Due: at(6 * time.Hour), At: at(time.Minute)} }), at(7 * time.Hour),
			[]string{}, at(25 * time.Hour)},

		// After resolve.
		{"no answer to 'is it solved?': ask again", timingWith(nil), resolved(Resolved, nil), at(25 * time.Hour),
			[]string{TimedAskSolvedAgain}, at(73 * time.Hour)},
		{"follow-up after three days", timingWith(nil), done(resolved(Resolved, nil), "solved_ask_again@"+ms(at(time.Hour))), at(73 * time.Hour),
			[]string{TimedFollowUp}, time.Time{}},
		{"follow-up of a confirmed case", timingWith(nil), resolved(Confirmed, nil), at(73 * time.Hour),
			[]string{TimedFollowUp}, time.Time{}},
		{"follow-up in quiet hours waits", timingWith(func(t *Timing) { t.QuietHours = quiet }), resolved(Confirmed, func(c *Case) { c.ResolvedAt = at(13 * time.Hour) }),
			at(85 * time.Hour), []string{}, time.Date(2026, 11, 27, 8, 0, 0, 0, sh)},
		{"no follow-up once rated", timingWith(nil), resolved(Confirmed, func(c *Case) { c.Satisfaction = 4 }), at(100 * time.Hour), []string{}, time.Time{}},
		{"no answer to the follow-up: autoclose", timingWith(nil),
			func() *Case {
				c := resolved(Resolved, func(c *Case) { c.Awaiting, c.AskedAt = AskFollowUp, at(73*time.Hour) })
				c.Done = map[string]time.Time{"followup@" + ms(at(time.Hour)): at(73 * time.Hour), "solved_ask_again@" + ms(at(time.Hour)): at(25 * time.Hour)}
				return c
			}(), at(169 * time.Hour), []string{TimedAutoclose}, time.Time{}},
		{"waiting for the follow-up's answer", timingWith(nil),
			func() *Case {
				c := resolved(Resolved, func(c *Case) { c.Awaiting, c.AskedAt = AskFollowUp, at(73*time.Hour) })
				c.Done = map[string]time.Time{"followup@" + ms(at(time.Hour)): at(73 * time.Hour), "solved_ask_again@" + ms(at(time.Hour)): at(25 * time.Hour)}
				return c
			}(), at(100 * time.Hour), []string{}, at(169 * time.Hour)},
		{"confirmed case stops waiting for the follow-up", timingWith(nil),
			func() *Case {
				c := resolved(Confirmed, func(c *Case) { c.Awaiting, c.AskedAt = AskFollowUp, at(73*time.Hour) })
				c.Done = map[string]time.Time{"followup@" + ms(at(time.Hour)): at(73 * time.Hour)}
				return c
			}(), at(169 * time.Hour), []string{TimedFollowUpUnanswered}, time.Time{}},
		{"all fine, score asked: waiting for it", timingWith(nil),
			func() *Case {
				c := resolved(Confirmed, func(c *Case) { c.Awaiting, c.AskedAt, c.CustomerConfirmed = AskScore, at(74*time.Hour), true })
				c.Done = map[string]time.Time{"followup@" + ms(at(time.Hour)): at(73 * time.Hour), "score_asked": at(74 * time.Hour)}
				return c
			}(), at(100 * time.Hour), []string{}, at(170 * time.Hour)},
		{"all fine, no score given: stop waiting, say nothing", timingWith(nil),
			func() *Case {
				c := resolved(Confirmed, func(c *Case) { c.Awaiting, c.AskedAt, c.CustomerConfirmed = AskScore, at(74*time.Hour), true })
				c.Done = map[string]time.Time{"followup@" + ms(at(time.Hour)): at(73 * time.Hour), "score_asked": at(74 * time.Hour)}
				return c
			}(), at(170 * time.Hour), []string{TimedScoreUnanswered}, time.Time{}},
		{"follow-up answered: nothing more", timingWith(nil),
			func() *Case {
				c := resolved(Confirmed, func(c *Case) { c.Satisfaction = 5 })
				c.Done = map[string]time.Time{"followup@" + ms(at(time.Hour)): at(73 * time.Hour)}
				return c
			}(), at(500 * time.Hour), []string{}, time.Time{}},
		{"reopened and resolved again: a new follow-up", timingWith(nil),
			func() *Case {
				c := resolved(Confirmed, func(c *Case) { c.ResolvedAt = at(100 * time.Hour) })
				c.Done = map[string]time.Time{"followup@" + ms(at(time.Hour)): at(73 * time.Hour)}
				return c
			}(), at(101 * time.Hour), []string{}, at(172 * time.Hour)},

		// Nothing to do.
		{"closed", timingWith(nil), &Case{ID: "7", Status: Closed, Opened: t0}, at(1000 * time.Hour), []string{}, time.Time{}},
		{"withdrawn", timingWith(nil), &Case{ID: "7", Status: Withdrawn, Opened: t0, FirstResponseDue: at(15 * time.Minute)}, at(time.Hour), []string{}, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := policy{t: tc.timing, firstResponse: 15 * time.Minute}
			acts, next := p.plan(tc.c, tc.now)
			if got := actionNames(acts); !slices.Equal(got, tc.want) {
				t.Errorf("actions at %v = %v, want %v", tc.now, got, tc.want)
			}
			if !next.Equal(tc.next) {
				t.Errorf("next = %v, want %v", next, tc.next)
			}
		})
	}
}

// TestPolicyDST checks business hours and quiet hours on the days the
// clocks change.
func TestPolicyDST(t *testing.T) {
	ny := policyZone(t, "America/New_York")
	berlin := policyZone(t, "Europe/Berlin")
	nyBusiness := policyCalendar(t, "CRON_TZ=America/New_York * 9-17 * * 1-5", nil)
	berlinQuiet := policyQuiet(t, "22:00-08:00", berlin)
	tests := []struct {
		name   string
		timing Timing
		c      *Case
		now    time.Time
		next   time.Time
	}{
		{
			// 2026-03-08 is the spring-forward Sunday in New York: Friday
			// 17:55 EST + 15 business minutes is Monday 09:10 EDT.
			"New York business hours over the spring-forward weekend",
			timingWith(func(t *Timing) {
				t.Business = nyBusiness
				t.OwnerNudge = 15 * time.Minute
			}),
			&Case{ID: "1", Status: Claimed, Owner: "alice", Opened: time.Date(2026, 3, 6, 17, 0, 0, 0, ny),
				ClaimedAt: time.Date(2026, 3, 6, 17, 0, 0, 0, ny), NewsAt: time.Date(2026, 3, 9, 9, 0, 0, 0, ny),
				WaitingSince: time.Date(2026, 3, 6, 17, 55, 0, 0, ny)},
			time.Date(2026, 3, 6, 18, 0, 0, 0, ny),
			time.Date(2026, 3, 9, 13, 10, 0, 0, time.UTC),
		},
		{
			// 2026-11-01 falls back in New York: Friday 17:00 EDT + 2 business
			// hours is Monday 10:00 EST.
			"New York business hours over the fall-back weekend",
			timingWith(func(t *Timing) {
				t.Business = nyBusiness
			}),
			&Case{ID: "1", Status: Claimed, Owner: "alice", Opened: time.Date(2026, 10, 30, 16, 0, 0, 0, ny),
				ClaimedAt: time.Date(2026, 10, 30, 16, 0, 0, 0, ny), NewsAt: time.Date(2026, 11, 2, 9, 0, 0, 0, ny),
				WaitingSince: time.Date(2026, 10, 30, 17, 0, 0, 0, ny), Done: map[string]time.Time{
					doneKey(TimedOwnerNudge, time.Date(2026, 10, 30, 17, 0, 0, 0, ny)): time.Date(2026, 10, 30, 17, 30, 0, 0, ny)}},
			time.Date(2026, 10, 30, 17, 31, 0, 0, ny),
			time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC),
		},
		{
			// 2026-03-29 springs forward in Berlin: quiet hours 22:00–08:00
			// end at 08:00 CEST, 06:00 UTC, not 07:00.
			"Berlin quiet hours end at 08:00 summer time",
			timingWith(func(t *Timing) { t.QuietHours = berlinQuiet }),
			&Case{ID: "1", Status: Claimed, Owner: "alice", Opened: time.Date(2026, 3, 27, 9, 0, 0, 0, berlin),
				ClaimedAt: time.Date(2026, 3, 27, 19, 0, 0, 0, berlin), Done: map[string]time.Time{
					doneKey(TimedCheckinOwner, time.Date(2026, 3, 27, 19, 0, 0, 0, berlin)): {}}},
			time.Date(2026, 3, 28, 23, 0, 0, 0, berlin), // the customer check-in fell due at 23:00
			time.Date(2026, 3, 29, 6, 0, 0, 0, time.UTC),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := policy{t: tc.timing}
			acts, next := p.plan(tc.c, tc.now)
			if len(acts) != 0 {
				t.Errorf("actions %v, want none", actionNames(acts))
			}
			if !next.Equal(tc.next) {
				t.Errorf("next = %v (%v), want %v", next, next.UTC(), tc.next)
			}
		})
	}
}

func TestFirstResponseDueCountsBusinessTime(t *testing.T) {
	sh := policyZone(t, "Asia/Shanghai")
	e := NewEngine(nil, Config{Location: sh, Timing: Timing{Business: policyCalendar(t, "* 9-17 * * 1-5", sh)}})
	from := time.Date(2026, 11, 27, 17, 55, 0, 0, sh) // Friday
	if got, want := e.firstResponseDue(from), time.Date(2026, 11, 30, 9, 10, 0, 0, sh); !got.Equal(want) {
		t.Errorf("first response due after Friday 17:55 = %v, want %v", got, want)
	}
	e = NewEngine(nil, Config{Location: sh})
	if got, want := e.firstResponseDue(from), from.Add(15*time.Minute); !got.Equal(want) {
		t.Errorf("without business hours: %v, want %v", got, want)
	}
}

// testEngine is an engine without a store, enough for the policy's
// applier, which only builds a change.
func policyEngine(t *testing.T, timing Timing) *Engine {
	t.Helper()
	return NewEngine(nil, Config{Location: policyZone(t, "Asia/Shanghai"), Supervisors: []string{"sue"}, Timing: timing})
}

// TestRunPolicyActs checks what each action sends and changes.
func TestRunPolicyActs(t *testing.T) {
	sh := policyZone(t, "Asia/Shanghai")
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, sh)
	type sent struct {
		aud  Audience
		to   string
		text string
	}
	tests := []struct {
		name  string
		c     *Case
		now   time.Time
		sends []sent // in order; text is a substring
		check func(t *testing.T, c *Case)
	}{
		{"unclaimed reminder to the team channel", &Case{ID: "5", Status: Open, Lang: flows.EN, Opened: t0, FirstResponseDue: t0.Add(15 * time.Minute), CustomerName: "Amy"},
			t0.Add(5 * time.Minute), []sent{{ToTeam, "", "claim 5"}}, nil},
		{"first response missed: supervisors, then an apology with a new window", &Case{ID: "5", Status: Open, Lang: flows.EN, Opened: t0, FirstResponseDue: t0.Add(15 * time.Minute),
			Done: map[string]time.Time{TimedUnclaimedReminder: t0}},
			t0.Add(15 * time.Minute), []sent{{ToTeam, "", "first-reply target"}, {ToStaff, "sue", "first-reply target"}, {ToCustomer, "", "within 15 minutes"}, {ToTeam, "", "Sent to the customer"}},
			func(t *testing.T, c *Case) {
				if want := t0.Add(30 * time.Minute); !c.FirstResponseDue.Equal(want) {
					t.Errorf("new first response due %v, want %v", c.FirstResponseDue, want)
				}
				if !c.NewsAt.Equal(t0.Add(15*time.Minute)) || c.Escalations != 1 {
					t.Errorf("news at %v, escalations %d", c.NewsAt, c.Escalations)
				}
			}},
		{"owner nudge is a direct message", &Case{ID: "5", Status: Claimed, Lang: flows.ZH, Owner: "alice", Opened: t0, ClaimedAt: t0, NewsAt: t0, WaitingSince: t0.Add(time.Minute)},
			t0.Add(31 * time.Minute), []sent{{ToStaff, "alice", "30 minutes"}}, nil},
		{"check-in tells the customer in their language who is on it", &Case{ID: "5", Status: Claimed, Lang: flows.ZH, Owner: "alice", Opened: t0, ClaimedAt: t0, NewsAt: t0,
			Done: map[string]time.Time{doneKey(TimedCheckinOwner, t0): t0}},
			t0.Add(28 * time.Hour), []sent{{ToCustomer, "", "alice"}, {ToTeam, "", "Sent to the customer"}},
			func(t *testing.T, c *Case) {
				if !c.NewsAt.Equal(t0.Add(28 * time.Hour)) {
					t.Errorf("check-in is news: NewsAt %v", c.NewsAt)
				}
				if want := t0.Add(52 * time.Hour); !c.Wake.Equal(want) {
					t.Errorf("next wake %v, want %v (a day after the check-in)", c.Wake, want)
				}
			}},
		{"promise missed: supervisors and an apology naming the time", &Case{ID: "5", Status: Claimed, Lang: flows.EN, Owner: "alice", Opened: t0, ClaimedAt: t0, NewsAt: t0,
			Promise: &Promise{Due: t0.Add(8 * time.Hour), At: t0.Add(7*time.Hour + 30*time.Minute), By: "alice"}},
			t0.Add(8 * time.Hour), []sent{{ToTeam, "", "18:00"}, {ToStaff, "sue", "18:00"}, {ToCustomer, "", "today at 18:00"}, {ToTeam, "", "Sent"}}, nil},
		{"follow-up asks for a score", &Case{ID: "5", Status: Confirmed, Lang: flows.EN, Owner: "alice", Opened: t0, ResolvedAt: t0},
			t0.Add(72 * time.Hour), []sent{{ToCustomer, "", "5"}, {ToTeam, "", "Sent"}},
			func(t *testing.T, c *Case) {
				if c.Awaiting != AskFollowUp || !c.AskedAt.Equal(t0.Add(72*time.Hour)) {
					t.Errorf("awaiting %q asked %v", c.Awaiting, c.AskedAt)
				}
				if want := t0.Add(168 * time.Hour); !c.Wake.Equal(want) {
					t.Errorf("wake %v, want %v", c.Wake, want)
				}
			}},
		{"autoclose closes a resolved case", &Case{ID: "5", Status: Resolved, Lang: flows.EN, Owner: "alice", Opened: t0, ResolvedAt: t0, Awaiting: AskFollowUp, AskedAt: t0.Add(72 * time.Hour),
			Done: map[string]time.Time{doneKey(TimedFollowUp, t0): t0.Add(72 * time.Hour), doneKey(TimedAskSolvedAgain, t0): t0.Add(24 * time.Hour)}},
			t0.Add(168 * time.Hour), []sent{{ToCustomer, "", "closed case #5"}, {ToTeam, "", "Sent"}, {ToTeam, "", "closed automatically"}},
			func(t *testing.T, c *Case) {
				if c.Status != Closed || !c.ClosedAt.Equal(t0.Add(168*time.Hour)) || c.Awaiting != "" || !c.Wake.IsZero() {
					t.Errorf("status %s closed %v awaiting %q wake %v", c.Status, c.ClosedAt, c.Awaiting, c.Wake)
				}
				if last := c.History[len(c.History)-1]; last.What != EvClosed || last.Detail != TimedAutoclose {
					t.Errorf("last event %+v", last)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := policyEngine(t, Timing{})
			ch := &Change{WakeUps: map[string]time.Time{}}
			conv := &Conversation{Customer: "web:amy", Channel: "web", User: "amy"}
			tc.c.Channel, tc.c.CustomerID, tc.c.Customer = "web", "amy", "web:amy"
			doneBefore := len(tc.c.Done)
			e.runPolicy(conv, tc.c, ch, tc.now)
			var got []Outbound
			for _, m := range ch.Outbox {
				if m.Kind != KindCard {
					got = append(got, m)
				}
			}
			if len(got) != len(tc.sends) {
				t.Fatalf("sent %d messages, want %d: %+v", len(got), len(tc.sends), got)
			}
			for i, want := range tc.sends {
				m := got[i]
				if m.Audience != want.aud || (want.to != "" && m.To != want.to) || !strings.Contains(m.Text, want.text) || strings.Contains(m.Text, "[") && strings.Contains(m.Text, "time.") {
					t.Errorf("message %d = %s to %q: %q; want %s to %q containing %q", i, m.Audience, m.To, m.Text, want.aud, want.to, want.text)
				}
				if m.Audience == ToCustomer && tc.c.Lang == flows.ZH && !strings.ContainsRune(m.Text, '处') {
					t.Errorf("message to a Chinese customer not in Chinese: %q", m.Text)
				}
			}
			if len(ch.Cases) != 1 || ch.Cases[0] != tc.c {
				t.Fatalf("change writes %d cases, want the case", len(ch.Cases))
			}
			if w, ok := ch.WakeUps[CaseWakeUp(tc.c.ID)]; !ok || !w.Equal(tc.c.Wake) {
				t.Errorf("wake-up in the change %v (set %v), case.Wake %v", w, ok, tc.c.Wake)
			}
			var timed int
			for _, ev := range tc.c.History {
				if ev.What == EvTimed || ev.What == EvClosed {
					timed++
				}
			}
			if timed == 0 || timed != len(tc.c.Done)-doneBefore {
				t.Errorf("history has %d timed events for %d new Done keys", timed, len(tc.c.Done))
			}
			if tc.check != nil {
				tc.check(t, tc.c)
			}
			// Running again at the same time does nothing more.
			ch2 := &Change{WakeUps: map[string]time.Time{}}
			e.runPolicy(conv, tc.c, ch2, tc.now)
			if len(ch2.Outbox) != 0 {
				t.Errorf("second run sent %d messages", len(ch2.Outbox))
			}
		})
	}
}
