package wecom_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/web"
	"github.com/complaintbot/complaintbot/bot/wecom"
	"github.com/complaintbot/complaintbot/bot/wecom/fakewecom"
)

// receptionPeople is a team where alice and carol are servicers of the
// WeCom account (their userids are their wecom handles) and bob is not.
func receptionPeople() []bot.Person {
	return []bot.Person{
		{ID: "alice", Name: "alice", Handles: map[string]string{web.Channel: "alice", wecom.Channel: "zhangsan"}},
		{ID: "carol", Name: "carol", Handles: map[string]string{web.Channel: "carol", wecom.Channel: "lisi"}},
		{ID: "bob", Name: "bob", Handles: map[string]string{web.Channel: "bob"}},
		{ID: "sue", Name: "sue", Role: bot.RoleSupervisor, Handles: map[string]string{web.Channel: "sue"}},
	}
}

func receptionHarness(t *testing.T, o options) *harness {
	t.Helper()
	o.people = receptionPeople()
	if o.fake == nil {
		o.fake = []fakewecom.Option{fakewecom.WithServicer("zhangsan"), fakewecom.WithServicer("lisi")}
	}
	return newHarness(t, o)
}

const kettle = "The kettle I bought online arrived with a cracked lid. Order B71. I want a refund."

// heldByAlice plays sam's intake and alice's claim, and waits until the
// session is hers (zhangsan); it returns the case id.
func (h *harness) heldByAlice() string {
	h.t.Helper()
	id := h.intake(sam, kettle)
	h.staff("alice", "", "claim "+id)
	h.waitState(sam, fakewecom.StateServicer, "zhangsan")
	return id
}

// resolveHeld has alice resolve the case and returns the closing question
// sent with the end of the session.
func (h *harness) resolveHeld(id string) fakewecom.Sent {
	h.t.Helper()
	n := len(h.f.Sent(sam))
	h.staff("alice", id, "resolve "+id+" product product defect sent a new one")
	return h.f.WaitSent(sam, n, "the closing question", func(s fakewecom.Sent) bool { return s.Closing })
}

// waitState waits until the customer's session is in state, with
// servicer ("" for any).
func (h *harness) waitState(user string, state int, servicer string) {
	h.t.Helper()
	h.f.WaitUntil("the session of "+user+" to be in state "+string(rune('0'+state))+" "+servicer, func() bool {
		st, who := h.f.State(user)
		return st == state && (servicer == "" || who == servicer)
	})
}

// TestReceptionClaimHoldResolve: with WeCom's own reception on, alice's
// claim tells the customer her name and then hands the session to her
// WeCom userid; while she holds it her words in the thread are kept as
// notes (she is told to answer in WeCom), a promise is recorded, and the
// customer's message reaches her without the bot answering it; resolve
// ends the session and the "is it solved?" menu goes with the closing
// code; the customer's tap starts a new session with the bot.
func TestReceptionClaimHoldResolve(t *testing.T) {
	t.Parallel()
	h := receptionHarness(t, options{reception: true})
	id := h.intake(sam, kettle)
	n := len(h.f.Sent(sam))
	h.staff("alice", "", "claim "+id)
	named := h.waitSaid(sam, n, "alice")
	h.waitState(sam, fakewecom.StateServicer, "zhangsan")
	tr := h.f.Transfers()
	if len(tr) != 1 || tr[0].To != fakewecom.StateServicer || tr[0].Servicer != "zhangsan" {
		t.Fatalf("transfers: %+v", tr)
	}
	if tr[0].Seq < named.Seq {
		t.Errorf("the session moved (seq %d) before the customer read alice's name (seq %d)", tr[0].Seq, named.Seq)
	}
	h.waitTeam("alice", "coming to you (zhangsan)")
	h.waitTeam("alice", "#"+id, "own app with alice") // the card

	h.staff("alice", id, "Hi Sam, I'm on it")
	h.waitTeam("alice", "chat is with alice", "kept your words as a note")
	h.staff("alice", id, "promise "+id+" tomorrow 18:00")
	h.waitTeam("alice", "Promise noted for")
	h.waitCase(id, "the promise", func(c *bot.CaseView) bool { return c.Promise != nil })

	gets := h.f.Calls("service_state/get")
	h.say(sam, "any news on my kettle?")
	h.waitTeam("alice", "any news on my kettle?")
	// The session is checked again (it may have been started anew), and
	// the burst is over without the bot answering it.
	h.f.WaitUntil("the session to be checked again", func() bool { return h.f.Calls("service_state/get") > gets })
	h.f.WaitUntil("the customer's burst to be over", func() bool { return h.snapshot(sam).Conv.AckAt.IsZero() })

	h.staff("alice", id, "resolve "+id+" product product defect sent a new one")
	closing := h.f.WaitSent(sam, n, "the closing question", func(s fakewecom.Sent) bool { return s.Closing })
	if st, _ := h.f.State(sam); st != fakewecom.StateEnded {
		t.Errorf("after resolve the session is in state %d", st)
	}
	if closing.MsgType != "msgmenu" || len(closing.Menu) != 2 {
		t.Errorf("the closing message: %+v", closing)
	}
	// Nothing but the name and the closing question reached the customer
	// since the claim, and nothing was refused.
	for _, s := range h.f.Sent(sam)[n:] {
		if s.Seq != named.Seq && s.Seq != closing.Seq {
			t.Errorf("the bot wrote to a held session: %q", s.Text)
		}
	}
	if r := h.f.Refused(); len(r) != 0 {
		t.Errorf("send_msg refused %v", r)
	}
	v := h.waitCase(id, "the session no longer held", func(c *bot.CaseView) bool { return c.HeldBy == "" && c.SessionEnded })
	var note, asked bool
	for _, e := range v.Transcript {
		switch {
		case e.From == bot.FromStaff && e.Text == "Hi Sam, I'm on it":
			note = e.Internal
		case e.From == bot.FromBot && e.Text == closing.Text:
			asked = true
		}
	}
	if !note || !asked {
		t.Errorf("the transcript: the reply kept as a note %v, the closing question %v", note, asked)
	}

	n = len(h.f.Sent(sam))
	h.f.MenuClick(sam, closing.Menu[0])
	h.notify(0)
	h.waitCase(id, "the customer to confirm", func(c *bot.CaseView) bool { return c.Status == bot.Confirmed && !c.SessionEnded })
	thanks := h.f.WaitSent(sam, n, "the bot's thanks", func(s fakewecom.Sent) bool { return !s.Closing && !s.Welcome })
	if thanks.Text == "" {
		t.Error("the thanks is empty")
	}
	if st, _ := h.f.State(sam); st != fakewecom.StateBot {
		t.Errorf("the new session is in state %d, want the bot's", st)
	}
}

// TestReceptionCheckinIsTheOwnersTask: while alice holds the session, the
// check-in the bot would send the customer becomes a task for her.
func TestReceptionCheckinIsTheOwnersTask(t *testing.T) {
	t.Parallel()
	h := receptionHarness(t, options{reception: true, timing: bot.Timing{CheckinAfter: 300 * time.Millisecond, CheckinOwnerGrace: 300 * time.Millisecond}})
	id := h.intake(sam, kettle)
	n := len(h.f.Sent(sam))
	h.staff("alice", "", "claim "+id)
	h.waitState(sam, fakewecom.StateServicer, "zhangsan")
	h.waitTeam("alice", "#"+id, "update on their case", "chat is with alice")
	v := h.waitCase(id, "the task recorded", func(c *bot.CaseView) bool {
		for _, e := range c.History {
			if e.What == bot.EvReachTask && e.Detail == bot.TimedCheckinCustomer {
				return true
			}
		}
		return false
	})
	for _, e := range v.History {
		if e.What == bot.EvTimed && e.Detail == bot.TimedCheckinCustomer {
			t.Error("the check-in was sent to the customer")
		}
	}
	if got := len(h.f.Sent(sam)) - n; got != 1 {
		t.Errorf("%d messages reached the customer after the claim, want the name only", got)
	}
}

// TestReceptionRefusedTransKeepsTheBot: WeCom refuses to hand the session
// to alice (she is not a servicer of the account): alice is told, the
// case is not held, and her words reach the customer through the bot.
func TestReceptionRefusedTransKeepsTheBot(t *testing.T) {
	t.Parallel()
	h := receptionHarness(t, options{reception: true, fake: []fakewecom.Option{fakewecom.WithServicer("lisi")}})
	id := h.intake(sam, kettle)
	n := len(h.f.Sent(sam))
	h.staff("alice", "", "claim "+id)
	h.waitSaid(sam, n, "alice")
	h.waitTeam("alice", "#"+id, "wouldn't hand the customer's chat to alice", "not_a_servicer")
	h.waitCase(id, "the case not held", func(c *bot.CaseView) bool { return c.HeldBy == "" && c.Owner == "alice" })
	n = len(h.f.Sent(sam))
	h.staff("alice", id, "Hi Sam, a new lid is on its way")
	if got := h.waitSaid(sam, n, "a new lid is on its way"); !strings.HasPrefix(got.Text, "alice: ") {
		t.Errorf("relayed as %q", got.Text)
	}
	if tr := h.f.Transfers(); len(tr) != 0 {
		t.Errorf("transfers: %+v", tr)
	}
	if st, _ := h.f.State(sam); st != fakewecom.StateBot {
		t.Errorf("the session is in state %d, want the bot's", st)
	}
}

// TestReceptionOff: without WECOM_RECEPTION the bot never asks WeCom about
// sessions, even for an owner with a WeCom userid.
func TestReceptionOff(t *testing.T) {
	t.Parallel()
	h := receptionHarness(t, options{reception: false})
	id := h.intake(sam, kettle)
	n := len(h.f.Sent(sam))
	h.staff("alice", "", "claim "+id)
	h.waitSaid(sam, n, "alice")
	h.staff("alice", id, "Hi Sam, a new lid is on its way")
	h.waitSaid(sam, n, "alice: Hi Sam")
	h.staff("alice", id, "resolve "+id+" product product defect sent a new one")
	ask := h.f.WaitSent(sam, n, "is it solved?", func(s fakewecom.Sent) bool { return s.MsgType == "msgmenu" })
	if ask.Closing {
		t.Error("the question went with a closing code")
	}
	for _, api := range []string{"service_state/get", "service_state/trans"} {
		if c := h.f.Calls(api); c != 0 {
			t.Errorf("%s was called %d times", api, c)
		}
	}
	if v := h.waitCase(id, "resolved", func(c *bot.CaseView) bool { return c.Status == bot.Resolved }); v.HeldBy != "" || v.SessionEnded {
		t.Errorf("held by %q, ended %v", v.HeldBy, v.SessionEnded)
	}
}

// TestReceptionHandover: alice (servicer zhangsan) hands the case to carol
// (lisi): the session goes from one servicer to the other. carol hands it
// to bob, who is no servicer: the session comes back to the bot first,
// then the customer reads bob's name, and bob's words reach them.
func TestReceptionHandover(t *testing.T) {
	t.Parallel()
	h := receptionHarness(t, options{reception: true})
	id := h.heldByAlice()
	h.staff("alice", id, "handover "+id+" carol she knows kettles")
	h.waitState(sam, fakewecom.StateServicer, "lisi")
	h.waitCase(id, "carol holds it", func(c *bot.CaseView) bool { return c.HeldBy == "carol" })

	n := len(h.f.Sent(sam))
	h.staff("carol", id, "handover "+id+" bob back-office refund")
	h.waitState(sam, fakewecom.StateBot, "")
	named := h.waitSaid(sam, n, "bob")
	tr := h.f.Transfers()
	last := tr[len(tr)-1]
	if last.From != fakewecom.StateServicer || last.To != fakewecom.StateBot || last.Seq > named.Seq {
		t.Errorf("the last transfer %+v, the name at seq %d", last, named.Seq)
	}
	if len(tr) != 3 {
		t.Errorf("transfers: %+v", tr)
	}
	h.waitCase(id, "the bot holds it", func(c *bot.CaseView) bool { return c.HeldBy == "" && c.Owner == "bob" })
	n = len(h.f.Sent(sam))
	h.staff("bob", id, "Your refund is on its way")
	h.waitSaid(sam, n, "bob: Your refund is on its way")
}

// TestReceptionReopenAndNewSession: the customer answers the closing
// question "not yet": the case reopens with alice, the customer reads so
// from the bot, and the new session goes to alice again. Later WeCom ends
// her session by itself (its 48 hours): the customer's next message
// starts a new one, which goes to alice again.
func TestReceptionReopenAndNewSession(t *testing.T) {
	t.Parallel()
	h := receptionHarness(t, options{reception: true})
	id := h.heldByAlice()
	n := len(h.f.Sent(sam))
	closing := h.resolveHeld(id)
	h.f.MenuClick(sam, closing.Menu[1]) // not yet
	h.notify(0)
	h.waitCase(id, "the case reopened and held", func(c *bot.CaseView) bool { return c.Status == bot.Claimed && c.HeldBy == "alice" })
	reopened := h.waitSaid(sam, n, "alice", "#"+id)
	h.waitState(sam, fakewecom.StateServicer, "zhangsan")
	tr := h.f.Transfers()
	if last := tr[len(tr)-1]; last.From != fakewecom.StateBot || last.To != fakewecom.StateServicer || last.Seq < reopened.Seq {
		t.Errorf("the hand-over after the reopening: %+v (the reopening at seq %d)", last, reopened.Seq)
	}

	h.f.SetState(sam, fakewecom.StateEnded, "")
	moves := len(h.f.Transfers())
	h.say(sam, "hello? the new one is broken too")
	h.waitState(sam, fakewecom.StateServicer, "zhangsan")
	if tr := h.f.Transfers(); len(tr) != moves+1 || tr[moves].From != fakewecom.StateUntreated {
		t.Errorf("transfers after WeCom ended the session: %+v", tr[moves:])
	}
}

// TestReceptionRepliesInWeComAreOnTheCase: what a receptionist writes in
// WeCom's own client (origin 5) is on the case's transcript as theirs, the
// thread shows it, and it counts as the owner's answer: the first reply is
// recorded and the customer no longer waits, so nobody is nudged for a
// customer who was answered. Nothing is sent to the customer, who has it
// already. A receptionist who is not on the staff list is named by their
// WeCom userid.
func TestReceptionRepliesInWeComAreOnTheCase(t *testing.T) {
	t.Parallel()
	h := receptionHarness(t, options{reception: true})
	id := h.heldByAlice()
	h.say(sam, "any news on my kettle?")
	h.waitCase(id, "the customer waiting", func(c *bot.CaseView) bool { return !c.WaitingSince.IsZero() })
	if v := h.waitCase(id, "the case", func(*bot.CaseView) bool { return true }); !v.FirstReplyAt.IsZero() {
		t.Fatalf("a first reply before anyone answered: %v", v.FirstReplyAt)
	}
	n := len(h.f.Sent(sam))

	msg := h.f.ServicerText(sam, "zhangsan", "Sam, a new kettle ships today")
	h.notify(0)
	v := h.waitCase(id, "the receptionist's answer on the case", func(c *bot.CaseView) bool {
		return slices.ContainsFunc(c.Transcript, func(e bot.Entry) bool { return e.ID == msg })
	})
	e := v.Transcript[slices.IndexFunc(v.Transcript, func(e bot.Entry) bool { return e.ID == msg })]
	if e.From != bot.FromStaff || e.Staff != "alice" || e.Internal || e.Text != "Sam, a new kettle ships today" {
		t.Errorf("the transcript entry: %+v", e)
	}
	if v.FirstReplyAt.IsZero() || !v.WaitingSince.IsZero() {
		t.Errorf("the answer did not count: first reply %v, waiting since %v", v.FirstReplyAt, v.WaitingSince)
	}
	h.waitTeam("alice", "→ customer", "a new kettle ships today")

	other := h.f.ServicerText(sam, "wangwu", "我是王五，也在跟进")
	h.notify(0)
	v = h.waitCase(id, "the second receptionist's words", func(c *bot.CaseView) bool {
		return slices.ContainsFunc(c.Transcript, func(e bot.Entry) bool { return e.ID == other && e.Staff == "wangwu" })
	})
	if got := len(h.f.Sent(sam)); got != n {
		t.Errorf("the bot wrote %d messages to the customer about what the receptionists said", got-n)
	}
	// Read again from the start of the log (the cursor lost), the
	// messages are on the transcript once.
	if _, err := h.r[0].store.TakeState(context.Background(), "wecom:cursor:"+h.f.CorpID()+":"+h.f.KfID()); err != nil {
		t.Fatal(err)
	}
	if err := h.r[0].ad.Pull(context.Background()); err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, e := range h.waitCase(id, "the case", func(*bot.CaseView) bool { return true }).Transcript {
		if e.ID == msg {
			count++
		}
	}
	if count != 1 {
		t.Errorf("the receptionist's message is %d times on the transcript", count)
	}
}

// TestReceptionChangesMadeInWeCom: what receptionists do with a session in
// WeCom's own client (session_status_change) is followed. Carol takes an
// unclaimed customer from WeCom's pool: the case is held by her and the
// thread says so. Alice claims: the session moves to her, and WeCom's
// report of that move changes nothing more. Alice ends the chat in WeCom:
// the case stays hers and open, she is told, and the customer's next
// message hands the new session to her again.
func TestReceptionChangesMadeInWeCom(t *testing.T) {
	t.Parallel()
	h := receptionHarness(t, options{reception: true})
	id := h.intake(sam, kettle)
	h.f.SessionChange(sam, fakewecom.ChangeTaken, "", "lisi")
	h.notify(0)
	h.waitCase(id, "carol holding the session", func(c *bot.CaseView) bool { return c.HeldBy == "carol" && c.Owner == "" })
	h.waitTeam("alice", "#"+id, "carol took the customer's chat")

	h.staff("alice", "", "claim "+id)
	h.waitState(sam, fakewecom.StateServicer, "zhangsan")
	v := h.waitCase(id, "alice holding the session", func(c *bot.CaseView) bool { return c.HeldBy == "alice" && c.Owner == "alice" })
	events := len(v.History)
	// WeCom reports the bot's own move; a receptionist's message read after
	// it shows the report was handled (a pull handles the log in order).
	h.f.SessionChange(sam, fakewecom.ChangePassed, "lisi", "zhangsan")
	marker := h.f.ServicerText(sam, "zhangsan", "Hi Sam, Alice here")
	h.notify(0)
	v = h.waitCase(id, "the receptionist's message", func(c *bot.CaseView) bool {
		return slices.ContainsFunc(c.Transcript, func(e bot.Entry) bool { return e.ID == marker })
	})
	for _, e := range v.History[events:] {
		if e.What == bot.EvSession {
			t.Errorf("WeCom's report of the bot's own move was applied again: %+v", e)
		}
	}

	h.f.SessionChange(sam, fakewecom.ChangeEnded, "zhangsan", "")
	h.notify(0)
	v = h.waitCase(id, "the session ended", func(c *bot.CaseView) bool { return c.SessionEnded && c.HeldBy == "" })
	if v.Status != bot.Claimed || v.Owner != "alice" {
		t.Errorf("ending the chat in WeCom changed the case: %s, owner %q", v.Status, v.Owner)
	}
	h.waitTeam("alice", "#"+id, "was ended in")

	h.say(sam, "sorry, one more thing about the kettle")
	h.waitState(sam, fakewecom.StateServicer, "zhangsan")
	h.waitCase(id, "alice holding the new session", func(c *bot.CaseView) bool { return c.HeldBy == "alice" && !c.SessionEnded })
}

// TestReceptionStaffReopenAfterTheEnd: staff reopen a case whose session
// the resolve ended. WeCom lets nobody write to the customer until they
// write again, so the bot's "we reopened your case" is not sent into a
// refusal: alice reads it, to tell the customer another way, and the
// transcript keeps it. The customer's next message hands the new session
// to alice.
func TestReceptionStaffReopenAfterTheEnd(t *testing.T) {
	t.Parallel()
	h := receptionHarness(t, options{reception: true})
	id := h.heldByAlice()
	h.resolveHeld(id)
	n := len(h.f.Sent(sam))

	h.staff("alice", id, "reopen "+id)
	told := h.waitTeam("alice", "#"+id, "couldn't tell", "chat has ended")
	v := h.waitCase(id, "the case reopened", func(c *bot.CaseView) bool { return c.Status == bot.Claimed })
	if !slices.ContainsFunc(v.Transcript, func(e bot.Entry) bool { return e.From == bot.FromBot && e.Internal && strings.Contains(told, e.Text) }) {
		t.Errorf("the transcript does not keep what the bot could not say (%q)", told)
	}
	if r := h.f.Refused(); len(r) != 0 {
		t.Errorf("the bot wrote into a refusal: %v", r)
	}
	if got := len(h.f.Sent(sam)); got != n {
		t.Errorf("%d messages reached the customer after the end", got-n)
	}

	h.say(sam, "the new kettle leaks too")
	h.waitState(sam, fakewecom.StateServicer, "zhangsan")
	h.waitCase(id, "alice holding the new session", func(c *bot.CaseView) bool { return c.HeldBy == "alice" && !c.SessionEnded })
}
