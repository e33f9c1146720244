package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/flows"
)

// This file tests what makes the engine ready for real platforms: the
// staff directory, customers' addresses, platform references, structured
// commands, and a team channel on another platform than the customers'.
// "test" is a platform faked at its edge: its handles look like Slack's
// (U1), it mentions people as Slack does (<@U1>), and its messages are read
// from its outbox stream.

// slackLike writes a mention the way Slack does.
func slackLike(p bot.Person) string { return "<@" + p.Handles["test"] + ">" }

// teamOnTest is a configuration with the team channel on the test
// platform: alice (U1) and bob (U2) are staff there, sue (U9) supervises.
func teamOnTest(t *testing.T) bot.Config {
	t.Helper()
	dir, err := bot.NewDirectory([]bot.Person{
		{Name: "Alice", ID: "alice", Handles: map[string]string{"test": "U1", "web": "alice"}},
		{Name: "Bob", ID: "bob", Handles: map[string]string{"test": "U2"}},
		{Name: "Sue", ID: "sue", Role: bot.RoleSupervisor, Handles: map[string]string{"test": "U9"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return bot.Config{Team: "test", People: dir, Platforms: map[string]bot.Platform{"test": {Mention: slackLike}}}
}

// act sends a structured command from handle on the test platform, as a
// button or a modal would.
func (h *harness) act(handle, id string, cmd bot.Command) (bot.Receipt, error) {
	h.t.Helper()
	return h.eng.Handle(h.ctx, bot.Inbound{Channel: "test", Role: bot.StaffRole, User: handle, ID: id, Command: &cmd})
}

// posted records that the test platform showed message m as ref, as the
// sender does after a delivery.
func (h *harness) posted(m bot.Outbound, ref string) {
	h.t.Helper()
	if err := h.store.Delivered(h.ctx, m.Channel, bot.OutboxItem{Message: m}, ref); err != nil {
		h.t.Fatal(err)
	}
}

func TestTeamOnAnotherPlatformWholeCaseLife(t *testing.T) {
	h := newHarness(t, teamOnTest(t))
	c := h.confirmIntake("amy", "en")
	cards := only(h.log, func(m bot.Outbound) bool { return m.Kind == bot.KindCard })
	if len(cards) != 1 || cards[0].Channel != "test" || cards[0].Card.Rev == 0 {
		t.Fatalf("cards = %+v; want one card on the test platform", cards)
	}
	if got := cards[0].Card.Actions; len(got) == 0 || got[0] != bot.CmdClaim {
		t.Errorf("an unclaimed card offers %v; want claim first", got)
	}
	h.posted(cards[0], "C1/100.1")

	// A Claim click, twice (a double click): one claim.
	click := bot.ActionID(c.ID, cards[0].Card.Rev, bot.CmdClaim, "U1")
	if _, err := h.act("U1", click, bot.Command{Verb: bot.CmdClaim, Case: c.ID}); err != nil {
		t.Fatal(err)
	}
	if r, err := h.act("U1", click, bot.Command{Verb: bot.CmdClaim, Case: c.ID}); err != nil || !r.Duplicate {
		t.Errorf("second click = %+v, %v; want a duplicate", r, err)
	}
	out := h.outbox()
	told := only(out, toCustomer("amy"))
	if len(told) != 1 || !strings.Contains(told[0].Text, "Alice") || strings.Contains(told[0].Text, "<@") {
		t.Errorf("customer told %q; want one message with Alice's display name, no mention", texts(told))
	}
	thread := only(out, inThread(c.ID))
	if len(thread) == 0 || !strings.Contains(thread[0].Text, "<@U1>") {
		t.Errorf("thread says %q; want Alice's mention <@U1>", texts(thread))
	}
	for _, m := range thread {
		if m.Channel != "test" {
			t.Errorf("thread message on %q, want the test platform", m.Channel)
		}
	}
	card := only(out, func(m bot.Outbound) bool { return m.Kind == bot.KindCard })
	if len(card) != 1 || card[0].Edits != "card:"+c.ID || card[0].Card.OwnerID != "alice" || card[0].Card.OwnerHandle != "U1" ||
		card[0].Card.Owner != "Alice" || card[0].Card.Actions[0] != bot.CmdResolve {
		t.Errorf("card after the claim = %+v", card)
	}
	if card[0].Card.Rev == cards[0].Card.Rev {
		t.Errorf("card revision did not move on the claim (%d)", card[0].Card.Rev)
	}

	// Another click on the old card, by bob: told who owns it, privately.
	if _, err := h.act("U2", bot.ActionID(c.ID, cards[0].Card.Rev, bot.CmdClaim, "U2"), bot.Command{Verb: bot.CmdClaim, Case: c.ID}); err != nil {
		t.Fatal(err)
	}
	out = h.outbox()
	if n := only(out, noticeFor("bob")); len(n) != 1 || !strings.Contains(n[0].Text, "<@U1>") || n[0].ToHandle != "U2" || n[0].Channel != "test" {
		t.Errorf("bob was told %+v; want one notice on the test platform naming <@U1>", n)
	}

	// The owner replies under the card (a thread reply the platform names by
	// its root): it reaches the customer on the web under her name.
	if _, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "test", Role: bot.StaffRole, User: "U1", ID: "m1", ThreadRef: "C1/100.1", Text: "Hi Amy, a refund is on its way."}); err != nil {
		t.Fatal(err)
	}
	out = h.outbox()
	told = only(out, toCustomer("amy"))
	if len(told) != 1 || told[0].Channel != "web" || told[0].Staff != "Alice" || told[0].StaffID != "alice" || told[0].Text != "Hi Amy, a refund is on its way." {
		t.Errorf("relayed = %+v; want Alice's words on the web", told)
	}

	// The customer answers: the thread on the test platform shows it.
	n := len(h.log)
	h.turn("amy", "thanks, when will it arrive?")
	out = h.log[n:]
	if th := only(out, inThread(c.ID)); len(th) == 0 || !strings.Contains(th[0].Text, "when will it arrive") {
		t.Errorf("thread got %q", texts(th))
	}
	if dm := only(out, dmFor("alice")); len(dm) == 0 || dm[0].ToHandle != "U1" || dm[0].Channel != "test" {
		t.Errorf("owner's direct copy = %+v; want a DM to U1 on the test platform", dm)
	}

	// Hand over from a modal, naming bob by his mention.
	if _, err := h.act("U1", "modal-1", bot.Command{Verb: bot.CmdHandover, Case: c.ID, To: "<@U2>", Text: "he handles refunds"}); err != nil {
		t.Fatal(err)
	}
	out = h.outbox()
	if got := h.caseView(c.ID); got.Owner != "bob" || got.Handovers != 1 {
		t.Fatalf("after the hand-over: owner %q, hand-overs %d", got.Owner, got.Handovers)
	}
	if dm := only(out, dmFor("bob")); len(dm) != 1 || !strings.Contains(dm[0].Text, "he handles refunds") || !strings.Contains(dm[0].Text, "when will it arrive") {
		t.Errorf("bob's brief = %q; want the reason and the whole transcript", texts(dm))
	}
	if told := only(out, toCustomer("amy")); len(told) != 1 || !strings.Contains(told[0].Text, "Bob") {
		t.Errorf("customer told %q; want Bob's name", texts(told))
	}

	// Resolve from a modal; the customer says it is not solved; then it is.
	resolve := bot.Command{Verb: bot.CmdResolve, Case: c.ID, Category: "product", Cause: "product_defect", Text: "refunded in full", Action: "check the batch"}
	if _, err := h.act("U2", "modal-2", resolve); err != nil {
		t.Fatal(err)
	}
	if got := h.caseView(c.ID); got.Status != bot.Resolved || got.Resolution == nil || got.Resolution.Action != "check the batch" {
		t.Fatalf("after resolve: %+v", got.Case)
	}
	h.outbox()
	h.turn("amy", "no, the money has not arrived")
	if got := h.caseView(c.ID); got.Status != bot.Claimed || got.Owner != "bob" || got.Reopens != 1 {
		t.Fatalf("after 'not solved': status %q owner %q reopens %d", got.Status, got.Owner, got.Reopens)
	}
	h.outbox()
	if _, err := h.act("U2", "modal-3", resolve); err != nil {
		t.Fatal(err)
	}
	h.turn("amy", "yes it's there now, thank you")
	if got := h.caseView(c.ID); got.Status != bot.Confirmed || !got.CustomerConfirmed {
		t.Fatalf("at the end: status %q confirmed %v", got.Status, got.CustomerConfirmed)
	}
}

func TestCustomersOnAnotherPlatformTeamOnWeb(t *testing.T) {
	h := newHarness(t, bot.Config{})
	say := func(id, addr, text string) {
		t.Helper()
		if _, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "test", Role: bot.CustomerRole, User: "T1:U7", Address: addr, ID: id, Name: "Kim", Text: text}); err != nil {
			t.Fatal(err)
		}
		h.clock.Add(time.Second)
	}
	wake := func() {
		t.Helper()
		now := h.clock.Add(h.eng.Config().Quiet + time.Millisecond)
		if err := h.eng.Wake(h.ctx, bot.ConvWakeUp("test:T1:U7"), now); err != nil {
			t.Fatal(err)
		}
	}
	key := "test:T1:U7"
	say("k1", "D7", "The blender I ordered online arrived with a cracked jug. Order B555. I want a replacement.")
	wake()
	for i := 0; i < 6; i++ {
		snap, err := h.store.Load(h.ctx, bot.LoadQuery{Customer: key})
		if err != nil {
			t.Fatal(err)
		}
		if snap.Conv.Intake == nil {
			break
		}
		say("k"+string(rune('2'+i)), "D7", map[bool]string{true: "yes", false: "that's all"}[snap.Conv.Intake.Phase == "confirming"])
		wake()
	}
	snap, err := h.store.Load(h.ctx, bot.LoadQuery{Customer: key})
	if err != nil || snap.Conv.Case == "" {
		t.Fatalf("no case opened: %v", err)
	}
	id := snap.Conv.Case
	out := h.outbox()
	for _, m := range out {
		if m.Audience == bot.ToCustomer && (m.Channel != "test" || m.Customer != key) {
			t.Errorf("a customer message went to %s/%s", m.Channel, m.Customer)
		}
		if m.Kind == bot.KindCard && m.Channel != "web" {
			t.Errorf("the card went to %s, want the web team channel", m.Channel)
		}
	}
	if a, err := h.store.Address(h.ctx, key, "test"); err != nil || a != "D7" {
		t.Errorf("address = %q, %v; want D7", a, err)
	}

	// The customer's address changes (a new login): the next reply goes
	// to the new one, because the sender looks the address up when it
	// sends.
	if err := h.staff("alice", id, "claim"); err != nil {
		t.Fatal(err)
	}
	say("k9", "D8", "any news?")
	if a, _ := h.store.Address(h.ctx, key, "test"); a != "D8" {
		t.Errorf("after a message from D8 the address is %q", a)
	}
	h.outbox()
	if err := h.staff("alice", id, "Hi Kim, a new jug ships today."); err != nil {
		t.Fatal(err)
	}
	told := only(h.outbox(), func(m bot.Outbound) bool { return m.Audience == bot.ToCustomer })
	if len(told) != 1 || told[0].Channel != "test" || told[0].Customer != key || told[0].Staff != "alice" {
		t.Errorf("reply = %+v; want one message to %s on the test platform", told, key)
	}
}

func TestStructuredCommandsAreAuthorizedLikeTypedOnes(t *testing.T) {
	h := newHarness(t, teamOnTest(t))
	c := h.confirmIntake("amy", "en")
	h.outbox()
	before := h.keys()

	// A handle that is not staff, on the team platform: refused, nothing written.
	_, err := h.act("U404", "x1", bot.Command{Verb: bot.CmdClaim, Case: c.ID})
	if bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Fatalf("claim by a stranger: %v; want EFORBIDDEN", err)
	}
	// A staff member's web name is no handle on the test platform.
	if _, err := h.act("alice", "x2", bot.Command{Verb: bot.CmdClaim, Case: c.ID}); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("claim as 'alice' on the test platform: %v; want EFORBIDDEN", err)
	}
	if after := h.keys(); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("a refused command wrote keys: %v → %v", before, after)
	}
	// A customer cannot send a staff command, structured or typed.
	if _, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "amy", ID: "x3", Text: "claim " + c.ID}); err != nil {
		t.Fatal(err)
	}
	if got := h.caseView(c.ID); got.Owner != "" {
		t.Fatalf("a customer's 'claim' made %q the owner", got.Owner)
	}

	// A non-owner's resolve click is refused like a typed resolve.
	if _, err := h.act("U1", "x4", bot.Command{Verb: bot.CmdClaim, Case: c.ID}); err != nil {
		t.Fatal(err)
	}
	h.outbox()
	if _, err := h.act("U2", "x5", bot.Command{Verb: bot.CmdResolve, Case: c.ID, Category: "product", Cause: "unknown", Text: "done"}); err != nil {
		t.Fatal(err)
	}
	if n := only(h.outbox(), noticeFor("bob")); len(n) != 1 || !strings.Contains(n[0].Text, "<@U1>") {
		t.Errorf("bob was told %q; want 'owned by <@U1>'", texts(n))
	}
	if got := h.caseView(c.ID); got.Status != bot.Claimed {
		t.Errorf("a non-owner's resolve changed the status to %q", got.Status)
	}

	// Structured commands are checked as typed ones are: usage, privately.
	for _, tc := range []struct {
		name string
		cmd  bot.Command
	}{
		{"no reason to hand over", bot.Command{Verb: bot.CmdHandover, Case: c.ID, To: "U2"}},
		{"unknown category", bot.Command{Verb: bot.CmdResolve, Case: c.ID, Category: "weather", Cause: "unknown", Text: "done"}},
		{"one option", bot.Command{Verb: bot.CmdOffer, Case: c.ID, Options: []string{"refund"}}},
		{"a promise in the past", bot.Command{Verb: bot.CmdPromise, Case: c.ID, Due: start.Add(-time.Hour)}},
		{"a verb nobody knows", bot.Command{Verb: "explode", Case: c.ID}},
		{"a customer's pick from staff", bot.Command{Verb: bot.CmdPick, Case: c.ID, Option: 1}},
		{"no case", bot.Command{Verb: bot.CmdEscalate, Text: "why"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := h.act("U1", "", tc.cmd); err != nil {
				t.Fatal(err)
			}
			out := h.outbox()
			if n := only(out, noticeFor("alice")); len(n) != 1 || len(out) != 1 {
				t.Errorf("got %q; want one private usage notice", texts(out))
			}
		})
	}
	if got := h.caseView(c.ID); got.Status != bot.Claimed || got.Offer != nil || got.Promise != nil || got.Handovers != 0 {
		t.Errorf("refused commands changed the case: %+v", got.Case)
	}
}

func TestCustomerPicksAnOptionByButton(t *testing.T) {
	h := newHarness(t, bot.Config{})
	c := h.confirmIntake("amy", "en")
	if err := h.staff("alice", c.ID, "claim"); err != nil {
		t.Fatal(err)
	}
	if err := h.staff("alice", c.ID, "offer full refund | a new kettle tomorrow"); err != nil {
		t.Fatal(err)
	}
	h.outbox()
	pick := func(n int) {
		t.Helper()
		_, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "amy", ID: "pick-" + string(rune('0'+n)), Text: "a new kettle tomorrow", Command: &bot.Command{Verb: bot.CmdPick, Option: n}})
		if err != nil {
			t.Fatal(err)
		}
	}
	pick(2)
	got := h.caseView(c.ID)
	if got.Offer == nil || got.Offer.Picked != 2 || got.Awaiting != "" {
		t.Fatalf("after the pick: %+v awaiting %q", got.Offer, got.Awaiting)
	}
	out := h.outbox()
	if dm := only(out, dmFor("alice")); len(dm) != 1 || !strings.Contains(dm[0].Text, "a new kettle tomorrow") {
		t.Errorf("owner told %q; want the option picked, in the words offered", texts(dm))
	}
	// A stale click after the answer changes nothing but the transcript.
	pick(1)
	if got := h.caseView(c.ID); got.Offer.Picked != 2 {
		t.Errorf("a stale click changed the pick to %d", got.Offer.Picked)
	}
}

// conflictOnce is the real store, except that the first commit that opens
// a case loses a race: another change to the same customer is committed
// between its load and its commit, as a message arriving at that moment
// would be.
type conflictOnce struct {
	*redisstore.Store
	raced bool
}

func (s *conflictOnce) Commit(ctx context.Context, c *bot.Change) error {
	if !s.raced && len(c.Cases) > 0 {
		s.raced = true
		if err := s.Store.Commit(ctx, &bot.Change{Customer: c.Customer, Version: c.Version}); err != nil {
			return err
		}
	}
	return s.Store.Commit(ctx, c)
}

func TestConflictDoesNotSkipACaseNumber(t *testing.T) {
	h := newHarness(t, bot.Config{})
	racing := &conflictOnce{Store: h.store}
	h.eng = bot.NewEngine(racing, h.cfg, bot.WithClock(h.clock.Now))
	a := h.confirmIntake("amy", "en")
	if !racing.raced {
		t.Fatal("the commit never raced")
	}
	b := h.confirmIntake("ben", "zh")
	if a.ID != "1" || b.ID != "2" {
		t.Errorf("case numbers %s and %s; want 1 and 2 (the conflict burned none)", a.ID, b.ID)
	}
	seq, err := h.rdb.Get(h.ctx, "cb:caseseq").Result()
	if err != nil || seq != "2" {
		t.Errorf("case sequence at %q (%v); want 2", seq, err)
	}
}

func TestNoticeWithoutThreadFindsItsCaseByReference(t *testing.T) {
	h := newHarness(t, teamOnTest(t))
	c := h.confirmIntake("amy", "en")
	h.posted(only(h.log, func(m bot.Outbound) bool { return m.Kind == bot.KindCard })[0], "C1/5.5")
	// A typed command written under the card: the case is the thread's.
	if _, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "test", Role: bot.StaffRole, User: "U2", ID: "t1", ThreadRef: "C1/5.5", Text: "claim"}); err != nil {
		t.Fatal(err)
	}
	if got := h.caseView(c.ID); got.Owner != "bob" {
		t.Errorf("owner = %q; want bob, who claimed under the card", got.Owner)
	}
	// An unknown reference is the channel itself: a bare "claim" there
	// needs a case number.
	if _, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "test", Role: bot.StaffRole, User: "U1", ID: "t2", ThreadRef: "C1/9.9", Text: "claim"}); err != nil {
		t.Fatal(err)
	}
	if n := only(h.outbox(), noticeFor("alice")); len(n) != 1 {
		t.Errorf("alice was told %q; want one usage notice", texts(n))
	}
}

func TestDirectory(t *testing.T) {
	d, err := bot.NewDirectory([]bot.Person{
		{Name: "Alice Wang", ID: "alice", Handles: map[string]string{"slack": "U1", "wechat": "小王"}},
		{Name: "bob"},
		{Name: "Sue", Role: bot.RoleSupervisor},
		{Name: "bob", Role: bot.RoleSupervisor}, // in STAFF and SUPERVISORS
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ platform, ref, want string }{
		{"slack", "<@U1>", "alice"},
		{"slack", "<@U1|alice>", "alice"},
		{"slack", "U1", "alice"},
		{"web", "alice", "alice"},
		{"slack", "@Alice Wang", "alice"},
		{"slack", "alice wang", "alice"},
		{"wechat", "@小王", "alice"},
		{"wechat", "＠小王", "alice"},
		{"web", "U1", "alice"}, // a handle on another platform
		{"slack", "@BOB", "bob"},
		{"web", "bob", "bob"},
		{"slack", "<@U404>", ""},
		{"slack", "", ""},
		{"slack", "@", ""},
	} {
		p, ok := d.Resolve(tc.platform, tc.ref)
		if got := map[bool]string{true: p.ID}[ok]; got != tc.want {
			t.Errorf("Resolve(%s, %q) = %q; want %q", tc.platform, tc.ref, got, tc.want)
		}
	}
	if p, ok := d.ByHandle("slack", "bob"); !ok || !p.Supervisor() {
		t.Errorf("bob (STAFF and SUPERVISORS) = %+v, %v; want a supervisor known by name everywhere", p, ok)
	}
	if _, ok := d.ByHandle("slack", "Bob"); ok {
		t.Error("handles match exactly: Bob is not bob's handle")
	}
	if _, ok := d.ByHandle("slack", "alice"); ok {
		t.Error("alice has a Slack handle of her own; her name is not one there")
	}
	// A closed directory: channel members who are not configured are not staff.
	if p := d.Learn("slack", "U77", "Mallory"); p != nil {
		t.Errorf("Learn of a stranger in a configured directory = %+v; want nil", p)
	}
	if p := d.Learn("slack", "U5", "Sue"); p == nil || p.ID != "Sue" {
		t.Errorf("Learn(U5, Sue) = %+v; want Sue's handle attached", p)
	}
	if p, ok := d.ByHandle("slack", "U5"); !ok || p.ID != "Sue" || !p.Supervisor() {
		t.Errorf("U5 = %+v, %v; want Sue", p, ok)
	}
	if _, err := bot.NewDirectory([]bot.Person{{Name: "a", Handles: map[string]string{"slack": "U1"}}, {Name: "b", Handles: map[string]string{"slack": "U1"}}}); err == nil {
		t.Error("a handle used by two people was accepted")
	}

	// An open directory: the platform's members are the staff.
	open := bot.MustDirectory(nil)
	p := open.Learn("slack", "U3", "Carol")
	if p == nil || p.ID != "slack:U3" || p.Name != "Carol" {
		t.Fatalf("Learn in an open directory = %+v", p)
	}
	if !open.Promote("slack", "<@U3>") || !open.IsSupervisor("slack:U3") {
		t.Error("Promote of a learned person failed")
	}
	if q, ok := open.Resolve("slack", "carol"); !ok || q.ID != "slack:U3" {
		t.Errorf("Resolve(carol) = %+v, %v", q, ok)
	}
	open.Learn("slack", "U3", "Carol Chen") // renamed on the platform
	if open.Name("slack:U3") != "Carol Chen" {
		t.Errorf("name after a rename = %q", open.Name("slack:U3"))
	}
	open.Forget("slack", "U3")
	if _, ok := open.ByHandle("slack", "U3"); ok {
		t.Error("a member who left is still staff")
	}
	if got := open.Name("slack:U3"); got != "U3" {
		t.Errorf("name of a person who left = %q; want their handle", got)
	}
	if !errors.Is(nil, nil) {
		t.Fatal()
	}
}

// TestStaffLanguageRule: what everyone in the team channel reads (cards,
// thread posts, direct alerts) is in TEAM_LANG; a private answer follows
// the language of the command it answers, and a button (no words of its
// own) is answered in TEAM_LANG.
func TestStaffLanguageRule(t *testing.T) {
	h := newHarness(t, teamOnTest(t)) // TEAM_LANG en
	c := h.confirmIntake("amy", "en")
	h.outbox()
	if _, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "test", Role: bot.StaffRole, User: "U1", ID: "z1", Text: "认领 " + c.ID}); err != nil {
		t.Fatal(err)
	}
	out := h.outbox()
	for _, m := range only(out, inThread(c.ID)) {
		if hasHan(m.Text) && !strings.Contains(m.Text, "认领") {
			t.Errorf("a thread post is in Chinese with TEAM_LANG=en: %q", m.Text)
		}
	}
	for _, tc := range []struct {
		name string
		in   bot.Inbound
		zh   bool
	}{
		{"typed in Chinese", bot.Inbound{Text: "认领 " + c.ID}, true},
		{"typed in English", bot.Inbound{Text: "claim " + c.ID}, false},
		{"a button", bot.Inbound{Command: &bot.Command{Verb: bot.CmdClaim, Case: c.ID}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Channel, in.Role, in.User = "test", bot.StaffRole, "U2"
			if _, err := h.eng.Handle(h.ctx, in); err != nil {
				t.Fatal(err)
			}
			n := only(h.outbox(), noticeFor("bob"))
			if len(n) != 1 || hasHan(n[0].Text) != tc.zh {
				t.Errorf("bob was told %q; want one notice, Chinese %v", texts(n), tc.zh)
			}
		})
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// TestStaffSeeTheWordsOffered: with an English team and a Chinese
// customer, the thread shows the options as the owner wrote them, not as
// outcome kinds ("1. a refund 2. a refund"), and so does the pick.
func TestStaffSeeTheWordsOffered(t *testing.T) {
	h := newHarness(t, bot.Config{})
	c := h.confirmIntake("amy", "zh")
	if err := h.staff("alice", c.ID, "claim"); err != nil {
		t.Fatal(err)
	}
	h.outbox()
	if err := h.staff("alice", c.ID, "方案 全額退款 / 退款加重做一個蛋糕免費送到府"); err != nil {
		t.Fatal(err)
	}
	th := texts(only(h.outbox(), inThread(c.ID)))
	if !strings.Contains(th, "1. 全額退款") || !strings.Contains(th, "2. 退款加重做一個蛋糕免費送到府") {
		t.Errorf("thread shows %q; want the options in the owner's words", th)
	}
	h.turn("amy", "2")
	var owner []bot.Outbound
	for _, m := range h.log {
		if m.Audience == bot.ToStaff && m.To == "alice" {
			owner = append(owner, m)
		}
	}
	if len(owner) == 0 || !strings.Contains(owner[len(owner)-1].Text, "退款加重做一個蛋糕免費送到府") {
		t.Errorf("the owner was told %q; want the option picked in the words offered", texts(owner))
	}
}

// TestTraditionalWriterReadsTraditional: a customer who writes traditional
// characters reads the bot's case messages in them too, not only the
// intake's; an urging at the confirmation raises the priority and is kept
// as a note staff see.
func TestTraditionalWriterReadsTraditional(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.turn("may", "我昨天在網上買的電飯鍋，用了一次就壞了，訂單號A5566，我要退款")
	for i := 0; i < 6; i++ {
		snap := h.snapshot("may")
		if snap.Conv.Intake == nil {
			break
		}
		a := map[flows.Phase]string{flows.Asking: "不記得了", flows.AnythingElse: "沒有了", flows.Confirming: "對 就是這樣 趕緊處理"}[snap.Conv.Intake.Phase]
		h.turn("may", a)
	}
	snap := h.snapshot("may")
	if snap.Conv.Case == "" {
		t.Fatal("no case opened")
	}
	c := h.caseView(snap.Conv.Case)
	if c.Script == "" || c.Priority == bot.Normal || c.Priority == bot.Low || len(c.Notes) == 0 {
		t.Errorf("case: script %q priority %q notes %q; want traditional, raised, the urging kept", c.Script, c.Priority, c.Notes)
	}
	if err := h.staff("alice", c.ID, "claim"); err != nil {
		t.Fatal(err)
	}
	told := only(h.outbox(), toCustomer("may"))
	if len(told) != 1 || flows.ScriptOf(told[0].Text) == flows.Simplified {
		t.Errorf("told %q; want one message in traditional characters", texts(told))
	}
	for _, m := range only(h.log, func(m bot.Outbound) bool { return m.Kind == bot.KindCard }) {
		if m.Card.Case == c.ID && len(m.Card.Notes) == 0 {
			t.Errorf("the card %q does not show the customer's note", m.Text)
		}
	}
}
