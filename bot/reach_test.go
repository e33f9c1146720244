package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
)

// This file tests channel limits: a customer platform that lets a business
// write only within 48 hours of the customer's last message, and at most 5
// messages until they write again (WeCom customer service's rules), with
// the test clock moved by hand.

var wecomLike = bot.Limits{Window: 48 * time.Hour, Budget: 5}

// limited is a harness whose "test" platform has wecomLike's limits.
func limited(t *testing.T, timing bot.Timing) *harness {
	t.Helper()
	return newHarness(t, bot.Config{Platforms: map[string]bot.Platform{"test": {Limits: wecomLike}}, Timing: timing})
}

// sayOn sends a customer message on the test platform.
func (h *harness) sayOn(user, text string) {
	h.t.Helper()
	if _, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "test", Role: bot.CustomerRole, User: user, Text: text}); err != nil {
		h.t.Fatal(err)
	}
	h.clock.Add(time.Second)
}

// intakeOn plays an intake for a customer of the test platform and returns
// the case.
func (h *harness) intakeOn(user string) *bot.CaseView {
	h.t.Helper()
	key := "test:" + user
	wake := func() {
		now := h.clock.Add(h.eng.Config().Quiet + time.Millisecond)
		if err := h.eng.Wake(h.ctx, bot.ConvWakeUp(key), now); err != nil {
			h.t.Fatal(err)
		}
	}
	h.sayOn(user, "The blender I ordered online arrived with a cracked jug. Order B555. I want a replacement.")
	wake()
	for i := 0; i < 6; i++ {
		snap, err := h.store.Load(h.ctx, bot.LoadQuery{Customer: key})
		if err != nil {
			h.t.Fatal(err)
		}
		if snap.Conv.Intake == nil {
			return h.caseView(snap.Conv.Case)
		}
		h.sayOn(user, map[flows.Phase]string{flows.Asking: "I don't remember", flows.AnythingElse: "that's all", flows.Confirming: "yes"}[snap.Conv.Intake.Phase])
		wake()
	}
	h.t.Fatal("the intake did not end")
	return nil
}

// wakeCaseAt moves the clock to at and runs the case's wake-up, returning
// what it queued.
func (h *harness) wakeCaseAt(id string, at time.Time) []bot.Outbound {
	h.t.Helper()
	h.clock.Add(at.Sub(h.clock.Now()))
	if err := h.eng.Wake(h.ctx, bot.CaseWakeUp(id), h.clock.Now()); err != nil {
		h.t.Fatal(err)
	}
	return h.outbox()
}

func toTestCustomer(m bot.Outbound) bool { return m.Audience == bot.ToCustomer && m.Channel == "test" }

// TestFollowUpPlannedInsideTheWindow: the 72-hour follow-up would come
// after the 48-hour window closes, so it is sent inside it, before it
// closes; once the customer writes, the window starts again.
func TestFollowUpPlannedInsideTheWindow(t *testing.T) {
	h := limited(t, bot.Timing{})
	c := h.intakeOn("kim")
	for _, cmd := range []string{"claim", "resolve product defect sent a new jug"} {
		if err := h.staff("alice", c.ID, cmd); err != nil {
			t.Fatal(err)
		}
	}
	h.outbox()
	v := h.caseView(c.ID)
	until := v.LastCustomerAt.Add(48 * time.Hour)
	if v.Wake.IsZero() || !v.Wake.Before(until) {
		t.Fatalf("next wake-up %s; want one before the window closes at %s", v.Wake, until)
	}
	// Walk the wake-ups until the window closes: every message to the
	// customer is sent before it does, and the follow-up is sent inside it
	// or handed to the owner before it closes.
	followedUp, handed := false, false
	for i := 0; i < 10; i++ {
		v = h.caseView(c.ID)
		if v.Wake.IsZero() || !v.Wake.Before(until) {
			break
		}
		out := h.wakeCaseAt(c.ID, v.Wake)
		for _, m := range only(out, toTestCustomer) {
			if !h.clock.Now().Before(until) {
				t.Errorf("sent %q at %s, after the window closed at %s", m.Text, h.clock.Now(), until)
			}
			followedUp = followedUp || strings.Contains(m.Text, "1 (poor)")
		}
		for _, m := range only(out, dmFor("alice")) {
			handed = handed || (strings.Contains(m.Text, "follow-up") && h.clock.Now().Before(until))
		}
	}
	if followedUp == handed {
		t.Errorf("follow-up sent %v, handed to the owner in time %v; want exactly one; history %+v", followedUp, handed, h.caseView(c.ID).History)
	}
	if v := h.caseView(c.ID); v.SentSince == 0 || v.SentSince > wecomLike.Budget {
		t.Errorf("messages since the customer wrote: %d; want 1..%d", v.SentSince, wecomLike.Budget)
	}
	// The customer writes: the count starts again.
	h.sayOn("kim", "yes all fine, 5")
	if v := h.caseView(c.ID); v.SentSince != 0 {
		t.Errorf("after the customer wrote, %d messages counted; want 0", v.SentSince)
	}
}

// TestOutOfReachGoesToTheOwner: with the window closed, a timed message to
// the customer becomes a task for the owner, and the owner's own reply is
// kept as a note with a private explanation: nothing is sent into a
// refusal, nothing dropped.
func TestOutOfReachGoesToTheOwner(t *testing.T) {
	h := limited(t, bot.Timing{})
	c := h.intakeOn("lee")
	// A promise three days out: when it is missed, the window is long closed.
	for _, cmd := range []string{"claim", "promise 2026-11-26 12:00"} {
		if err := h.staff("alice", c.ID, cmd); err != nil {
			t.Fatal(err)
		}
	}
	h.outbox()
	promised := time.Date(2026, 11, 26, 12, 0, 0, 0, shanghai)
	var task []bot.Outbound
	for i := 0; i < 12 && len(task) == 0; i++ {
		v := h.caseView(c.ID)
		if v.Wake.IsZero() {
			break
		}
		out := h.wakeCaseAt(c.ID, v.Wake)
		if told := only(out, toTestCustomer); len(told) > 0 && !h.clock.Now().Before(v.LastCustomerAt.Add(48*time.Hour)) {
			t.Errorf("told the customer %q after the window closed", texts(told))
		}
		task = only(out, func(m bot.Outbound) bool {
			return m.Audience == bot.ToStaff && strings.Contains(m.Text, "missed promise")
		})
		if len(task) > 0 && h.clock.Now().Before(promised) {
			t.Errorf("the apology for the missed promise was handed over at %s, before the promise at %s", h.clock.Now(), promised)
		}
	}
	if len(task) != 1 || !strings.Contains(task[0].Text, "#"+c.ID) || !strings.Contains(task[0].Text, "call") {
		t.Fatalf("the owner got %q; want one task naming the case, saying to call", texts(task))
	}
	v := h.caseView(c.ID)
	found := false
	for _, ev := range v.History {
		found = found || ev.What == bot.EvReachTask
	}
	if !found {
		t.Errorf("history has no %s event: %+v", bot.EvReachTask, v.History)
	}
	// The owner writes in the thread: told privately, kept as a note.
	if err := h.staff("alice", c.ID, "Hi Lee, the new jug ships today."); err != nil {
		t.Fatal(err)
	}
	out := h.outbox()
	if told := only(out, toTestCustomer); len(told) != 0 {
		t.Errorf("the owner's words were sent out of the window: %q", texts(told))
	}
	if n := only(out, noticeFor("alice")); len(n) != 1 || !strings.Contains(n[0].Text, "note") {
		t.Errorf("alice was told %q; want one private explanation", texts(n))
	}
	kept := false
	for _, e := range h.caseView(c.ID).Transcript {
		kept = kept || (e.Internal && strings.Contains(e.Text, "new jug ships"))
	}
	if !kept {
		t.Error("the owner's words were not kept")
	}
	// The customer writes: the owner can answer again.
	h.sayOn("lee", "any news?")
	h.outbox()
	if err := h.staff("alice", c.ID, "Yes: it ships today."); err != nil {
		t.Fatal(err)
	}
	if told := only(h.outbox(), toTestCustomer); len(told) != 1 {
		t.Errorf("after the customer wrote, the owner's reply went out %d times; want once", len(told))
	}
}

// TestTheLastMessageIsKeptForAPerson: with one message left before the
// customer writes again, a timed message from the bot does not spend it.
func TestTheLastMessageIsKeptForAPerson(t *testing.T) {
	h := limited(t, bot.Timing{CheckinAfter: 2 * time.Hour, CheckinOwnerGrace: time.Hour})
	c := h.intakeOn("mo")
	if err := h.staff("alice", c.ID, "claim"); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"one", "two"} { // with the closing and the claim: 4 of 5
		if err := h.staff("alice", c.ID, "reply "+c.ID+" "+text); err != nil {
			t.Fatal(err)
		}
	}
	h.outbox()
	if v := h.caseView(c.ID); v.SentSince != wecomLike.Budget-1 {
		t.Fatalf("%d messages counted; want %d", v.SentSince, wecomLike.Budget-1)
	}
	for i := 0; i < 6; i++ {
		v := h.caseView(c.ID)
		if v.Wake.IsZero() || v.Wake.After(h.clock.Now().Add(10*time.Hour)) {
			break
		}
		if told := only(h.wakeCaseAt(c.ID, v.Wake), toTestCustomer); len(told) != 0 {
			t.Errorf("a timed message spent the last one: %q", texts(told))
		}
	}
	if v := h.caseView(c.ID); v.SentSince != wecomLike.Budget-1 {
		t.Errorf("%d messages counted after the timers; want still %d", v.SentSince, wecomLike.Budget-1)
	}
}

// TestALongReplyCostsEveryMessageItTakes: on a platform whose messages
// carry at most 100 bytes, a 250-byte reply goes as three messages and
// counts three of the budget.
func TestALongReplyCostsEveryMessageItTakes(t *testing.T) {
	short := bot.Limits{Window: 48 * time.Hour, Budget: 5, Text: 100, TextUnit: bot.Bytes}
	h := newHarness(t, bot.Config{Platforms: map[string]bot.Platform{"test": {Limits: short}}})
	c := h.intakeOn("lu")
	if err := h.staff("alice", c.ID, "claim"); err != nil {
		t.Fatal(err)
	}
	h.outbox()
	before := h.caseView(c.ID).SentSince
	long := strings.TrimSpace(strings.Repeat("We are sorting it out today. ", 9)) // 260 bytes
	if want := len(bot.SplitText(long, 100, bot.Bytes)); want != 3 {
		t.Fatalf("the reply splits into %d, want 3", want)
	}
	if err := h.staff("alice", c.ID, "reply "+c.ID+" "+long); err != nil {
		t.Fatal(err)
	}
	if got := h.caseView(c.ID).SentSince - before; got != 3 {
		t.Errorf("a reply of three messages counted %d", got)
	}
}
