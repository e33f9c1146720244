package wechat_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eatmoreapple/openwechat"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/wechat"
	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
)

// TestSyncFaults: a synccheck answering 1205 and dropped connections are
// waited out with backoff, not spun on, and no message is lost; the
// errors logged carry no session secret (the library quotes its URLs).
func TestSyncFaults(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	h := newHarness(t, options{slowDown: 50 * time.Millisecond, log: logs})
	h.driving()
	before := h.f.Count("synccheck")
	h.f.Inject("synccheck", 3, fakewechat.Fault{Ret: fakewechat.RetTooOften})
	h.f.Inject("synccheck", 3, fakewechat.Fault{Reset: true})
	h.say("wang", "在吗")
	waitFor(t, "the message after the faults", func() bool { return len(h.said("wang")) == 1 })
	// openwechat polls again at once after an error; with our backoff the
	// faulty answers cost a handful of polls, not thousands. (A synccheck
	// 1205 also slows sending down, as the service asks.)
	if n := h.f.Count("synccheck") - before; n > 40 {
		t.Errorf("%d synccheck polls around 6 faults: the sync loop spins", n)
	}
	if err := h.r[0].ad.Ready(); err != nil {
		t.Errorf("not ready after the faults: %v", err)
	}
	out := logs.String()
	if !strings.Contains(out, "sync error") {
		t.Errorf("the network error was not logged:\n%s", out)
	}
	for _, secret := range []string{"skey=", "sid=", "pass_ticket=", "uin="} {
		if strings.Contains(out, secret) {
			t.Errorf("the log carries %s…", secret)
		}
	}
}

// TestHandlerPanic: a panic while handling one message is recovered on the
// sync goroutine; the session and the next message go on.
func TestHandlerPanic(t *testing.T) {
	t.Parallel()
	var boom atomic.Bool
	boom.Store(true)
	h := newHarness(t, options{prepare: func(_ int, a *wechat.Adapter) {
		wechat.SetHook(a, func(m *openwechat.Message) {
			if strings.Contains(m.Content, "boom") && boom.Swap(false) {
				panic("boom")
			}
		})
	}})
	h.driving()
	h.say("wang", "boom")
	h.say("wang", "我的订单没到")
	waitFor(t, "the next message answered", func() bool { return len(h.said("wang")) == 1 })
	if err := h.r[0].ad.Ready(); err != nil || boom.Load() {
		t.Errorf("ready = %v, panicked = %v", err, !boom.Load())
	}
}

// TestSendTooOften: a send answered 1205 slows the whole account down and
// alerts the team; the message is sent after the pause, not lost. (The
// second fault may fall on the alert itself: both wait the pause.)
func TestSendTooOften(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{lang: "en", slowDown: 300 * time.Millisecond})
	h.driving()
	h.f.Inject("webwxsendmsg", 2, fakewechat.Fault{Ret: fakewechat.RetTooOften})
	start := time.Now()
	h.say("dan", "My order never arrived")
	waitFor(t, "the answer after the pause", func() bool { return len(h.said("dan")) == 1 })
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("answered after %s; want the 1205 pause first", d)
	}
	h.waitSaid("team", 0, "1205")
}

// TestSendLostAnswer: the library retries a send whose answer was lost, so
// WeChat may show it twice (at least once, never lost); the sender records
// it delivered once.
func TestSendLostAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	h.driving()
	h.f.Inject("webwxsendmsg", 1, fakewechat.Fault{Reset: true, AfterEffect: true})
	h.say("wang", "我的订单没到")
	waitFor(t, "the answer", func() bool { return len(h.said("wang")) >= 1 })
	sent := h.said("wang")
	if len(sent) > 2 || (len(sent) == 2 && !sent[1].Repeat) {
		t.Errorf("sent %d times: %+v", len(sent), sent)
	}
}

// TestDuplicateMessage: the same MsgId twice (a resumed session, a
// takeover) is one message.
func TestDuplicateMessage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	h.driving()
	id := h.say("wang", "我的订单没到")
	_, err := h.f.Push(fakewechat.Message{From: "wang", Text: "我的订单没到", Raw: map[string]any{"MsgId": id}})
	must(t, err)
	h.say("wang", "订单号A1")
	waitFor(t, "the answers", func() bool { return len(h.said("wang")) >= 1 })
	u := h.userOf(h.f.UserName("wang"))
	waitFor(t, "the last message kept", func() bool {
		snap := h.conversation(u)
		tr, _ := h.r[0].store.Transcript(context.Background(), snap.Customer, snap.Conv.Session)
		return transcriptHas(tr, "订单号A1")
	})
	snap := h.conversation(u)
	tr, err := h.r[0].store.Transcript(context.Background(), snap.Customer, snap.Conv.Session)
	must(t, err)
	n := 0
	for _, e := range tr {
		if e.Text == "我的订单没到" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the message is %d times in the transcript", n)
	}
}

// TestCustomerTextIsNeverACommand: a customer typing a staff command in
// private, even one whose nickname is a staff member's group name, is a
// customer saying words; a stranger in the team group is ignored.
func TestCustomerTextIsNeverACommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	must(t, h.f.AddContact(fakewechat.Contact{ID: "fakebob", NickName: "鲍勃"}))
	h.driving()
	id := h.intake("wang", "我在网上买的电饭煲送来就是坏的，订单号A20391，我要换货")
	h.waitSaid("team", 0, "#"+id)
	h.say("fakebob", "认领 "+id)
	h.say("wang", "认领 "+id)
	h.sayInGroup("eve", "认领 "+id)
	waitFor(t, "the customers' words answered", func() bool { return len(h.said("fakebob")) >= 1 })
	u := h.userOf(h.f.UserName("wang"))
	waitFor(t, "wang's words on the case", func() bool {
		snap := h.conversation(u)
		tr, _ := h.r[0].store.Transcript(context.Background(), snap.Customer, snap.Conv.Session)
		return transcriptHas(tr, "认领 "+id)
	})
	if v := h.caseView(id); v.Owner != "" || v.Status != bot.Open {
		t.Errorf("the case was claimed by %q through a customer's words", v.Owner)
	}
}

// TestStaffNameTakenInTheGroup: a member who gives themselves a staff
// member's group name (Eve as 鲍勃) cannot act as them: neither is staff
// until the names differ again.
func TestStaffNameTakenInTheGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	must(t, h.f.UpdateGroup("team", func(g *fakewechat.Group) {
		for i := range g.Members {
			if g.Members[i].ID == "eve" {
				g.Members[i].DisplayName = "鲍勃"
			}
		}
	}))
	h.driving()
	id := h.intake("wang", "我在网上买的电饭煲送来就是坏的，订单号A20391，我要换货")
	h.waitSaid("team", 0, "#"+id)
	h.sayInGroup("eve", "认领 "+id)
	h.sayInGroup("bob", "认领 "+id)
	// Carol's claim shows the two were read and refused.
	h.sayInGroup("carol", "认领 "+id)
	h.waitCase(id, "carol to own it", func(c *bot.CaseView) bool { return c.Owner != "" })
	if v := h.caseView(id); h.eng().People().Name(v.Owner) != "Carol" {
		t.Errorf("the case went to %q; a forged name claimed it", h.eng().People().Name(v.Owner))
	}
}

// TestStaffWritesPrivately: a member of the team group who writes to the
// account privately (say, answering its direct message) is staff there,
// and private answers come back to that chat; a friend who merely has a
// staff member's name is not (TestCustomerTextIsNeverACommand).
func TestStaffWritesPrivately(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{lang: "en"})
	h.driving()
	id := h.intake("dan", "The kettle I bought online arrived with a cracked lid. Order B71. I want a refund.")
	h.waitSaid("team", 0, "#"+id)
	h.say("bob", "claim "+id)
	h.waitCase(id, "bob to own it", func(c *bot.CaseView) bool { return h.eng().People().Name(c.Owner) == "Bob" })
	waitFor(t, "the claim's answers", func() bool { return len(h.said("team")) >= 3 })
	n := len(h.said("bob"))
	h.say("bob", "case 99")
	waitFor(t, "the answer in bob's chat", func() bool { return len(h.said("bob")) > n })
	if h.userOf(h.f.UserName("bob")) != "" {
		t.Error("a staff member's private message made them a customer")
	}
}
