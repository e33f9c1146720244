package wecom_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/wecom"
	"github.com/complaintbot/complaintbot/bot/wecom/fakewecom"
)

// travel moves WeCom's clock and the bot's (the same clock) to at, and
// runs the case's wake-up as the scheduler would.
func (h *harness) travel(id string, at time.Time) {
	h.t.Helper()
	if d := at.Sub(h.f.Now()); d > 0 {
		h.f.Advance(d)
	}
	if err := h.eng().Wake(context.Background(), bot.CaseWakeUp(id), h.f.Now()); err != nil {
		h.t.Fatal(err)
	}
}

// TestFollowUpInsideTheWindow: the 72-hour follow-up would come after
// WeCom's 48-hour window closes, so it is sent before it closes, and
// WeCom takes it.
func TestFollowUpInsideTheWindow(t *testing.T) {
	t.Parallel()
	h := newLimitHarness(t)
	id := h.intake(sam, "The kettle I bought online arrived with a cracked lid. Order B71. I want a refund.")
	h.staff("alice", "", "claim "+id)
	h.waitCase(id, "the claim", func(c *bot.CaseView) bool { return c.Owner != "" })
	n := len(h.f.Sent(sam))
	h.staff("alice", id, "resolve "+id+" product product defect refunded in full")
	ask := h.f.WaitSent(sam, n, "is it solved?", func(s fakewecom.Sent) bool { return s.MsgType == "msgmenu" })
	h.f.MenuClick(sam, ask.Menu[0])
	wrote := h.f.Now()
	h.notify(0)
	v := h.waitCase(id, "the confirmation", func(c *bot.CaseView) bool { return c.Status == bot.Confirmed && c.SentSince <= 1 })
	closes := wrote.Add(wecom.Limits.Window)
	if v.Wake.IsZero() || !v.Wake.Before(closes) || v.Wake.Before(wrote.Add(24*time.Hour)) {
		t.Fatalf("the follow-up is planned at %s; the window closes at %s", v.Wake, closes)
	}
	n = len(h.f.Sent(sam))
	h.travel(id, v.Wake.Add(time.Second))
	fu := h.f.WaitSent(sam, n, "the follow-up", func(s fakewecom.Sent) bool { return s.MsgType == "msgmenu" && len(s.Menu) == 6 })
	if !fu.At.Before(closes) {
		t.Errorf("the follow-up went at %s, after the window closed at %s", fu.At, closes)
	}
	if r := h.f.Refused(); len(r) > 0 {
		t.Errorf("WeCom refused messages: %v", r)
	}
}

// TestOutOfReachBecomesTheOwnersTask: the customer does not answer "is it
// solved?"; the ask-again goes out inside the window; the follow-up would
// spend the last of the five messages after the window, so the owner is
// told in time instead, and nothing is sent into a refusal. When the
// customer writes again the budget starts afresh.
func TestOutOfReachBecomesTheOwnersTask(t *testing.T) {
	t.Parallel()
	h := newLimitHarness(t)
	id := h.intake(sam, "The kettle I bought online arrived with a cracked lid. Order B71. I want a refund.")
	wrote := h.f.Now()
	h.staff("alice", "", "claim "+id)
	h.waitCase(id, "the claim", func(c *bot.CaseView) bool { return c.Owner != "" })
	n := len(h.f.Sent(sam))
	h.staff("alice", id, "resolve "+id+" product product defect refunded in full")
	h.f.WaitSent(sam, n, "is it solved?", func(s fakewecom.Sent) bool { return s.MsgType == "msgmenu" })
	v := h.waitCase(id, "the question", func(c *bot.CaseView) bool { return c.Status == bot.Resolved })

	// 24 hours on: asked again, inside the window.
	n = len(h.f.Sent(sam))
	h.travel(id, v.Wake.Add(time.Second))
	h.f.WaitSent(sam, n, "the question asked again", func(s fakewecom.Sent) bool { return s.MsgType == "msgmenu" })
	v = h.waitCase(id, "four messages sent", func(c *bot.CaseView) bool { return c.SentSince == 4 })
	closes := wrote.Add(wecom.Limits.Window)
	if !v.Wake.Before(closes) {
		t.Fatalf("next wake-up at %s, after the window closes at %s", v.Wake, closes)
	}
	n = len(h.f.Sent(sam))
	h.travel(id, v.Wake.Add(time.Second))
	task := h.waitTeam("alice", "#"+id, "wecom", "one more message")
	if !strings.Contains(task, "follow-up") {
		t.Errorf("the owner's task reads %q", task)
	}
	if got := h.f.Sent(sam); len(got) != n {
		t.Errorf("the customer was sent %d more messages; the last one is kept for a person", len(got)-n)
	}
	if r := h.f.Refused(); len(r) > 0 {
		t.Errorf("WeCom refused messages: %v", r)
	}

	// The customer writes: the budget starts again, and the owner's
	// words go through.
	h.say(sam, "the refund has not arrived yet")
	h.waitCase(id, "the budget reset", func(c *bot.CaseView) bool { return c.SentSince == 0 || c.Status == bot.Claimed })
	n = len(h.f.Sent(sam))
	h.staff("alice", id, "I'm checking with the bank now")
	h.waitSaid(sam, n, "checking with the bank")
}

// newLimitHarness is a harness whose bot reads WeCom's clock, so both
// travel in time together.
func newLimitHarness(t *testing.T) *harness {
	t.Helper()
	return newHarness(t, options{fakeClock: true})
}

// TestHandoverAfterTheWindowIsToldToTheOwner: two days after the
// customer's last message, alice hands the case to bob. WeCom would refuse
// the bot's "bob is looking after your case", so it is not sent: bob, the
// new owner, reads it, to reach the customer another way.
func TestHandoverAfterTheWindowIsToldToTheOwner(t *testing.T) {
	t.Parallel()
	h := newLimitHarness(t)
	id := h.intake(sam, "The kettle I bought online arrived with a cracked lid. Order B71. I want a refund.")
	n := len(h.f.Sent(sam))
	h.staff("alice", "", "claim "+id)
	h.waitSaid(sam, n, "alice") // delivered inside the window
	h.f.Advance(wecom.Limits.Window + time.Hour)
	n = len(h.f.Sent(sam))
	h.staff("alice", id, "handover "+id+" bob refunds are his")
	h.waitCase(id, "the hand-over", func(c *bot.CaseView) bool { return c.Owner == "bob" })
	told := h.waitTeam("bob", "#"+id, "couldn't tell", "bob")
	if !strings.Contains(told, "stopped letting us write") {
		t.Errorf("bob is not told the window closed: %q", told)
	}
	if got := len(h.f.Sent(sam)); got != n {
		t.Errorf("%d messages went to the customer after the window closed", got-n)
	}
	if r := h.f.Refused(); len(r) != 0 {
		t.Errorf("WeCom refused messages: %v", r)
	}
}
