package bot_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler"
)

// only returns the messages of out that match keep.
func only(out []bot.Outbound, keep func(bot.Outbound) bool) []bot.Outbound {
	var r []bot.Outbound
	for _, m := range out {
		if keep(m) {
			r = append(r, m)
		}
	}
	return r
}

func toCustomer(name string) func(bot.Outbound) bool {
	return func(m bot.Outbound) bool { return m.Audience == bot.ToCustomer && m.Customer == "web:"+name }
}

func noticeFor(name string) func(bot.Outbound) bool {
	return func(m bot.Outbound) bool { return m.Kind == bot.KindNotice && m.To == name }
}

func dmFor(name string) func(bot.Outbound) bool {
	return func(m bot.Outbound) bool { return m.Audience == bot.ToStaff && m.To == name }
}

func inThread(id string) func(bot.Outbound) bool {
	return func(m bot.Outbound) bool {
		return m.Audience == bot.ToTeam && m.Thread == id && m.Kind == bot.KindText
	}
}

func texts(out []bot.Outbound) string {
	var s []string
	for _, m := range out {
		s = append(s, m.Text)
	}
	return strings.Join(s, "\n---\n")
}

func TestClaimRaceAcrossReplicas(t *testing.T) {
	for _, b := range harnesses {
		t.Run(b.name, func(t *testing.T) { testClaimRace(t, b.start) })
	}
}

func testClaimRace(t *testing.T, newH func(*testing.T, bot.Config) *harness) {
	var staff []string
	for i := range 50 {
		staff = append(staff, fmt.Sprintf("s%02d", i))
	}
	h := newH(t, bot.Config{Staff: staff})
	c := h.confirmIntake("amy", "zh")
	h.outbox()

	engines := []*bot.Engine{h.eng, h.replica()}
	var wg sync.WaitGroup
	errs := make(chan error, len(staff))
	for i, name := range staff {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := engines[i%2]
			_, err := e.Handle(h.ctx, bot.Inbound{Channel: "web", Role: bot.StaffRole, User: name, ID: "claim-" + name, Text: "认领 " + c.ID})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("claim: %v", err)
		}
	}

	got := h.caseView(c.ID)
	if got.Owner == "" || !slices.Contains(staff, got.Owner) || got.Status != bot.Claimed {
		t.Fatalf("after the race: owner %q status %q", got.Owner, got.Status)
	}
	claims := 0
	for _, ev := range got.History {
		if ev.What == bot.EvClaimed {
			claims++
		}
	}
	if claims != 1 {
		t.Errorf("history has %d claims, want 1: %+v", claims, got.History)
	}
	out := h.outbox()
	told := only(out, toCustomer("amy"))
	if len(told) != 1 || !strings.Contains(told[0].Text, got.Owner) {
		t.Errorf("customer was told %q; want exactly one message naming %s", texts(told), got.Owner)
	}
	for _, name := range staff {
		if name == got.Owner {
			if n := len(only(out, noticeFor(name))); n != 0 {
				t.Errorf("winner %s got %d notices", name, n)
			}
			continue
		}
		ns := only(out, noticeFor(name))
		if len(ns) != 1 || !strings.Contains(ns[0].Text, got.Owner) {
			t.Errorf("loser %s was told %q; want one notice naming %s", name, texts(ns), got.Owner)
		}
	}
	if m := got.Metrics(); m.TimeToClaim < 0 || m.Handovers != 0 || m.RepeatAsks != 0 {
		t.Errorf("metrics %+v", m)
	}
}

func TestClaimTellsCustomerAndBriefsOwner(t *testing.T) {
	h := newHarness(t, bot.Config{})
	earlier := h.confirmIntake("amy", "en")
	h.turn("amy", "new complaint")
	c := h.finishIntake("amy")
	if c.ID == earlier.ID {
		t.Fatalf("new complaint reused case %s", c.ID)
	}
	h.outbox()
	h.clock.Add(3 * time.Minute)
	if err := h.staff("bob", "", "claim "+c.ID); err != nil {
		t.Fatal(err)
	}
	out := h.outbox()
	told := only(out, toCustomer("amy"))
	if len(told) != 1 || !strings.Contains(told[0].Text, "bob") || flows.HasHan(told[0].Text) {
		t.Fatalf("customer told %q; want one English message naming bob", texts(told))
	}
	thread := texts(only(out, inThread(c.ID)))
	for _, want := range []string{"bob claimed", "Transcript:", "new complaint", "#" + earlier.ID, c.Summary} {
		if !strings.Contains(thread, want) {
			t.Errorf("thread lacks %q:\n%s", want, thread)
		}
	}
	cards := only(out, func(m bot.Outbound) bool { return m.Kind == bot.KindCard })
	if len(cards) != 1 || cards[0].Edits != "card:"+c.ID || cards[0].Card.Owner != "bob" || cards[0].Card.Status != bot.Claimed {
		t.Errorf("card updates %+v: want one edit of card:%s showing bob", cards, c.ID)
	}
	got := h.caseView(c.ID)
	if got.Metrics().TimeToClaim < 3*time.Minute {
		t.Errorf("time to claim %v", got.Metrics().TimeToClaim)
	}

	// A second claim, by the owner or anybody else, changes nothing.
	if err := h.staff("carol", "", "claim "+c.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.staff("bob", "", "claim "+c.ID); err != nil {
		t.Fatal(err)
	}
	out = h.outbox()
	if n := len(only(out, toCustomer("amy"))); n != 0 {
		t.Errorf("second claims told the customer %d things", n)
	}
	if ns := only(out, noticeFor("carol")); len(ns) != 1 || !strings.Contains(ns[0].Text, "bob") {
		t.Errorf("carol told %q", texts(ns))
	}
	if ns := only(out, noticeFor("bob")); len(ns) != 1 || !strings.Contains(ns[0].Text, "already yours") {
		t.Errorf("bob told %q", texts(ns))
	}
}

func TestBridgeBothWays(t *testing.T) {
	h := newHarness(t, bot.Config{})
	c := h.confirmIntake("amy", "zh")
	h.outbox()

	// Before the claim, the customer's words reach the thread and she is
	// told they were added.
	h.send("amy", "还有,客服电话一直打不通")
	h.wake("amy")
	out := h.outbox()
	if th := texts(only(out, inThread(c.ID))); !strings.Contains(th, "客服电话一直打不通") {
		t.Errorf("thread lacks the customer's message: %q", th)
	}
	if told := only(out, toCustomer("amy")); len(told) != 1 || !strings.Contains(told[0].Text, "#"+c.ID) {
		t.Errorf("customer told %q; want one acknowledgement", texts(told))
	}

	if err := h.staff("bob", "", "认领 "+c.ID); err != nil {
		t.Fatal(err)
	}
	h.outbox()
	h.clock.Add(time.Minute)

	// The owner's plain message in the thread goes to the customer under
	// his name; carol's is an internal note, and she is told so once.
	if err := h.staff("bob", c.ID, "您好,我是王经理,马上帮您处理"); err != nil {
		t.Fatal(err)
	}
	if err := h.staff("carol", c.ID, "这个客户上个月也投诉过"); err != nil {
		t.Fatal(err)
	}
	if err := h.staff("carol", c.ID, "我去查一下仓库"); err != nil {
		t.Fatal(err)
	}
	out = h.outbox()
	told := only(out, toCustomer("amy"))
	if len(told) != 1 || told[0].Staff != "bob" || told[0].Text != "您好,我是王经理,马上帮您处理" {
		t.Fatalf("customer got %+v; want only bob's message, under his name", told)
	}
	if ns := only(out, noticeFor("carol")); len(ns) != 1 || !strings.Contains(ns[0].Text, "bob") {
		t.Errorf("carol's hints %q: want exactly one naming the owner", texts(ns))
	}
	v := h.caseView(c.ID)
	var internal, fromBob int
	for _, e := range v.Transcript {
		if e.From == bot.FromStaff && e.Internal && e.Staff == "carol" {
			internal++
		}
		if e.From == bot.FromStaff && !e.Internal && e.Staff == "bob" {
			fromBob++
		}
	}
	if internal != 2 || fromBob != 1 {
		t.Errorf("transcript has %d internal notes from carol and %d messages from bob; want 2 and 1", internal, fromBob)
	}
	if v.FirstReplyAt.IsZero() || v.Metrics().TimeToFirstReply <= 0 {
		t.Errorf("first reply not recorded: %+v", v.Metrics())
	}

	// After the claim, the customer's message reaches the thread and the
	// owner directly; the acknowledgement names him.
	h.send("amy", "好的,谢谢")
	h.wake("amy")
	out = h.outbox()
	if dms := only(out, dmFor("bob")); len(dms) != 1 || !strings.Contains(dms[0].Text, "好的,谢谢") {
		t.Errorf("bob's direct messages %q", texts(dms))
	}
	if told := only(out, toCustomer("amy")); len(told) != 1 || !strings.Contains(told[0].Text, "bob") {
		t.Errorf("customer told %q; want an acknowledgement naming bob", texts(told))
	}
	// When the owner answers within the burst, no acknowledgement is needed.
	h.send("amy", "大概什么时候能好?")
	if err := h.staff("bob", c.ID, "今天下班前给您答复"); err != nil {
		t.Fatal(err)
	}
	h.wake("amy")
	if told := only(h.outbox(), toCustomer("amy")); len(told) != 1 || told[0].Staff != "bob" {
		t.Errorf("customer got %q; want only bob's answer", texts(told))
	}
}

func TestStaffAuthorization(t *testing.T) {
	h := newHarness(t, bot.Config{})
	c := h.confirmIntake("amy", "en")
	h.outbox()

	// Not staff: refused, nothing changes.
	err := h.staff("mallory", "", "claim "+c.ID)
	var be *bot.Error
	if !errors.As(err, &be) || be.Code != bot.EFORBIDDEN {
		t.Fatalf("mallory's claim: %v, want EFORBIDDEN", err)
	}
	if v := h.caseView(c.ID); v.Owner != "" {
		t.Fatalf("mallory owns the case")
	}

	// A customer typing a command is a customer talking about her case.
	h.send("amy", "claim "+c.ID)
	h.wake("amy")
	if v := h.caseView(c.ID); v.Owner != "" || v.Status != bot.Open {
		t.Fatalf("customer's 'claim' changed the case: owner %q status %q", v.Owner, v.Status)
	}
	h.outbox()

	// Non-owners cannot reply, offer, promise or resolve.
	if err := h.staff("bob", "", "claim "+c.ID); err != nil {
		t.Fatal(err)
	}
	h.outbox()
	for _, cmd := range []string{
		"reply " + c.ID + " hello from carol",
		"offer " + c.ID + " refund | repair",
		"promise " + c.ID + " tomorrow 18:00",
		"resolve " + c.ID + " product defect replaced it",
	} {
		if err := h.staff("carol", "", cmd); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		out := h.outbox()
		if told := only(out, toCustomer("amy")); len(told) != 0 {
			t.Errorf("%q reached the customer: %q", cmd, texts(told))
		}
		if ns := only(out, noticeFor("carol")); len(ns) != 1 || !strings.Contains(ns[0].Text, "bob") {
			t.Errorf("%q: carol told %q; want one notice naming the owner", cmd, texts(ns))
		}
	}
	if v := h.caseView(c.ID); v.Status != bot.Claimed || v.Offer != nil || v.Promise != nil || v.Resolution != nil {
		t.Errorf("non-owner commands changed the case: %+v", v.Case)
	}

	// Unknown commands and commands on missing cases get a private answer.
	for cmd, want := range map[string]string{
		"frobnicate 1":   "help",
		"claim 999":      "no case #999",
		"resolve":        "",
		"handover 1 bob": "",
	} {
		if err := h.staff("carol", "", cmd); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		ns := only(h.outbox(), noticeFor("carol"))
		if len(ns) != 1 || ns[0].Text == "" || !strings.Contains(ns[0].Text, want) || strings.Contains(ns[0].Text, "[usage.") || strings.Contains(ns[0].Text, "[notice.") {
			t.Errorf("%q: carol told %q; want one notice containing %q", cmd, texts(ns), want)
		}
	}
}

func TestUrgentCaseAlertsSupervisors(t *testing.T) {
	h := newHarness(t, bot.Config{Supervisors: []string{"sue", "sam"}})
	h.turn("amy", "The heater you sold me caught fire and burned my hand. I'm calling my lawyer.")
	c := h.finishIntake("amy")
	if !c.Urgent {
		t.Fatalf("case not urgent: %+v", c.Case)
	}
	h.outbox()
	out := h.log
	for _, s := range []string{"sue", "sam"} {
		if dms := only(out, dmFor(s)); len(dms) != 1 || !strings.Contains(dms[0].Text, "#"+c.ID) {
			t.Errorf("%s got %q; want one urgent alert", s, texts(dms))
		}
	}
	if th := texts(only(out, inThread(c.ID))); !strings.Contains(th, "Urgent") {
		t.Errorf("thread lacks the urgent alert: %q", th)
	}
}

func TestListingsAndCaseView(t *testing.T) {
	h := newHarness(t, bot.Config{})
	a := h.confirmIntake("amy", "en")
	h.clock.Add(time.Hour)
	b := h.confirmIntake("ben", "zh")
	if err := h.staff("bob", "", "claim "+b.ID); err != nil {
		t.Fatal(err)
	}
	h.outbox()
	if err := h.staff("bob", "", "cases"); err != nil {
		t.Fatal(err)
	}
	list := texts(only(h.outbox(), noticeFor("bob")))
	ia, ib := strings.Index(list, "#"+a.ID+" "), strings.Index(list, "#"+b.ID+" ")
	if ia < 0 || ib < 0 || ia > ib || !strings.Contains(list, "2 open cases") {
		t.Errorf("cases listing (oldest first) = %q", list)
	}
	if err := h.staff("bob", "", "我的"); err != nil {
		t.Fatal(err)
	}
	mine := texts(only(h.outbox(), noticeFor("bob")))
	if !strings.Contains(mine, "#"+b.ID) || strings.Contains(mine, "#"+a.ID+" ") || !flows.HasHan(mine) {
		t.Errorf("mine (in Chinese) = %q", mine)
	}
	if err := h.staff("carol", "", "case "+b.ID); err != nil {
		t.Fatal(err)
	}
	out := h.outbox()
	view := texts(only(out, noticeFor("carol")))
	if !strings.Contains(view, "Transcript:") || !strings.Contains(view, "A1234") {
		t.Errorf("case view = %q", view)
	}
	if n := len(out) - len(only(out, noticeFor("carol"))); n != 0 {
		t.Errorf("case view sent %d other messages", n)
	}
}

func TestHandoverNamesAndReasons(t *testing.T) {
	h := newHarness(t, bot.Config{})
	c := h.confirmIntake("amy", "en")
	if err := h.staff("bob", "", "claim "+c.ID); err != nil {
		t.Fatal(err)
	}
	h.outbox()
	for _, tc := range []struct{ cmd, want string }{
		{"handover " + c.ID + " zed going home", `"zed" is not on the staff list`},
		{"handover " + c.ID + " carol", "reason"},
		{"handover " + c.ID + " bob same person", "already owns"},
	} {
		if err := h.staff("bob", "", tc.cmd); err != nil {
			t.Fatal(err)
		}
		if ns := only(h.outbox(), noticeFor("bob")); len(ns) != 1 || !strings.Contains(ns[0].Text, tc.want) {
			t.Errorf("%q: bob told %q, want %q", tc.cmd, texts(ns), tc.want)
		}
	}
	if v := h.caseView(c.ID); v.Owner != "bob" || v.Handovers != 0 {
		t.Fatalf("refused hand-overs changed the case: owner %q handovers %d", v.Owner, v.Handovers)
	}
	if err := h.staff("bob", "", "转交 "+c.ID+" @Carol 她更熟悉这个产品"); err != nil {
		t.Fatal(err)
	}
	out := h.outbox()
	if v := h.caseView(c.ID); v.Owner != "carol" || v.Handovers != 1 {
		t.Fatalf("after hand-over: owner %q handovers %d", v.Owner, v.Handovers)
	}
	if told := only(out, toCustomer("amy")); len(told) != 1 || !strings.Contains(told[0].Text, "carol") {
		t.Errorf("customer told %q; want the new owner's name once", texts(told))
	}
	if dms := texts(only(out, dmFor("carol"))); !strings.Contains(dms, "她更熟悉这个产品") || !strings.Contains(dms, "A1234") {
		t.Errorf("carol's brief %q lacks the reason or the case", dms)
	}
	v := h.caseView(c.ID)
	last := v.History[len(v.History)-1]
	if last.What != bot.EvHandover || last.Who != "bob" || !strings.Contains(last.Detail, "carol") {
		t.Errorf("history ends with %+v", last)
	}
}

func TestClosingMessageTellsTheRealTimeAfterHours(t *testing.T) {
	cal, err := scheduler.ParseCalendar("* 9-17 * * 1-5", nil, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, bot.Config{Timing: bot.Timing{Business: cal}})
	// Friday 27 November, 17:55: fifteen business minutes end on Monday.
	// (The three turns below take 32 s of test time.)
	h.clock.Add(time.Date(2026, 11, 27, 17, 54, 28, 0, shanghai).Sub(h.clock.Now()))
	h.turn("amy", "昨天在南京西路店买的吹风机,用了一次就坏了,订单号A1234,我要退款")
	h.turn("amy", "没有了")
	closing := h.turn("amy", "对")
	c := h.caseView(h.snapshot("amy").Conv.Case)
	if want := time.Date(2026, 11, 30, 9, 10, 0, 0, shanghai); c.FirstResponseDue.Sub(want).Abs() > time.Second {
		t.Errorf("first response due %v, want %v", c.FirstResponseDue, want)
	}
	if !strings.Contains(closing, "周一") || !strings.Contains(closing, "09:10") || strings.Contains(closing, "15 分钟") {
		t.Errorf("closing message %q: want Monday 09:10, not 15 minutes", closing)
	}
}

func TestReconcileRepairsAConversationsLostWakeUp(t *testing.T) {
	for _, b := range harnesses {
		t.Run(b.name, func(t *testing.T) { testReconcileConversation(t, b.start(t, bot.Config{})) })
	}
}

func testReconcileConversation(t *testing.T, h *harness) {
	w := scheduler.NewWakeUps(h.rdb, h.store.WakeUpKeys()...)
	name := bot.ConvWakeUp("web:amy")
	h.turn("amy", "我买的吹风机用了一次就坏了!!")
	due, ok, err := w.Due(h.ctx, name)
	if err != nil || !ok {
		t.Fatalf("no wake-up for the intake: %v", err)
	}
	if got, _ := h.store.PendingConversations(h.ctx); !slices.Contains(got, "web:amy") {
		t.Fatalf("pending conversations %v lack web:amy", got)
	}
	if err := w.Clear(h.ctx, name); err != nil {
		t.Fatal(err)
	}
	n, err := h.eng.Reconcile(h.ctx, h.clock.Now())
	if err != nil || n != 1 {
		t.Fatalf("Reconcile repaired %d (%v), want 1", n, err)
	}
	if again, _, err := w.Due(h.ctx, name); err != nil || !again.Equal(due) {
		t.Fatalf("wake-up after the repair: %v (%v), want %v as before", again, err, due)
	}
	if n, err := h.eng.Reconcile(h.ctx, h.clock.Now()); err != nil || n != 0 {
		t.Errorf("second Reconcile repaired %d (%v), want 0", n, err)
	}
	h.finishIntake("amy")
	if got, _ := h.store.PendingConversations(h.ctx); slices.Contains(got, "web:amy") {
		t.Errorf("pending conversations %v still hold web:amy after the intake ended", got)
	}
}
