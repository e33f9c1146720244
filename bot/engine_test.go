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
)

func TestIntakeOpensACaseWithCardAndTranscript(t *testing.T) {
	h := newHarness(t, bot.Config{})
	first := h.turn("amy", "我上周三在南京西路店买的衣柜", "送来就是坏的!!门都关不上", "太过分了")
	if !flows.HasHan(first) || strings.Count(first, "?")+strings.Count(first, "？") != 1 {
		t.Fatalf("first reply %q: want one Chinese message with one question", first)
	}
	h.turn("amy", "我要退款")
	h.turn("amy", "订单号B77")
	summary := h.turn("amy", "没有了")
	for _, want := range []string{"B77", "11月18日", "南京西路", "退款"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary %q lacks %q", summary, want)
		}
	}

	for _, m := range []string{"对的"} {
		h.send("amy", m)
	}
	h.wake("amy")
	out := h.outbox()
	var toCustomer, cards []bot.Outbound
	for _, m := range out {
		switch {
		case m.Audience == bot.ToCustomer:
			toCustomer = append(toCustomer, m)
		case m.Kind == bot.KindCard:
			cards = append(cards, m)
		}
	}
	if len(toCustomer) != 1 || !strings.Contains(toCustomer[0].Text, "#1") || !strings.Contains(toCustomer[0].Text, "15 分钟") {
		t.Fatalf("closing messages %+v: want one with the case number and the window", toCustomer)
	}
	if len(cards) != 1 || cards[0].Ref != "card:1" || cards[0].Card == nil || cards[0].Card.Case != "1" {
		t.Fatalf("cards %+v: want one card for case 1 with ref card:1", cards)
	}
	card := cards[0].Card
	if card.Status != bot.Open || card.Outcome == "" || card.Summary == "" || card.Emotion < flows.Upset {
		t.Errorf("card %+v lacks status, outcome, summary or emotion", card)
	}

	v := h.caseView("1")
	if v.Status != bot.Open || v.Customer != "web:amy" || v.Channel != "web" || v.Lang != flows.ZH || v.Intake != flows.Confirmed {
		t.Errorf("case = %+v", v.Case)
	}
	if got := v.Facts[flows.Order].Value; got != "B77" && !strings.HasPrefix(got, "B77") {
		t.Errorf("order = %q", got)
	}
	if got := v.Facts[flows.When].Date; got != "2026-11-18" {
		t.Errorf("when = %q", got)
	}
	if len(v.Facts[flows.When].Source) == 0 {
		t.Errorf("when has no source message")
	}
	if v.RepeatAsks != 0 {
		t.Errorf("repeat asks = %d", v.RepeatAsks)
	}
	if !v.FirstResponseDue.Equal(v.Opened.Add(15 * time.Minute)) {
		t.Errorf("first response due %v, opened %v", v.FirstResponseDue, v.Opened)
	}
	// The transcript holds every customer and bot message, in order.
	var customer, botSaid int
	for _, e := range v.Transcript {
		switch e.From {
		case bot.FromCustomer:
			customer++
		case bot.FromBot:
			botSaid++
		}
	}
	if customer != 7 || botSaid != 5 {
		t.Errorf("transcript has %d customer and %d bot entries, want 7 and 5: %+v", customer, botSaid, v.Transcript)
	}
	if last := v.Transcript[len(v.Transcript)-1]; last.From != bot.FromBot || !strings.Contains(last.Text, "#1") {
		t.Errorf("last transcript entry %+v should be the closing message", last)
	}
	if snap := h.snapshot("amy"); snap.Conv.Intake != nil || snap.Conv.Case != "1" {
		t.Errorf("conversation after the intake: %+v", snap.Conv)
	}
}

func TestRestartMidIntakeContinuesWhereItStopped(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.turn("ben", "My parcel never arrived and the tracking says delivered!!")
	h.turn("ben", "I want my money back")
	asked := h.snapshot("ben").Conv.Intake.Asked

	// The bot restarts: a new engine and store over the same Redis.
	h.restart()
	reply := h.turn("ben", "order 99887766")
	if reply == "" {
		t.Fatal("no answer after the restart")
	}
	st := h.snapshot("ben").Conv.Intake
	for slot, n := range asked {
		if st.Asked[slot] != n {
			t.Errorf("after the restart %s was asked %d times, before %d", slot, st.Asked[slot], n)
		}
	}
	if st.Facts[flows.Outcome].Kinds[0] != flows.Refund || !st.Facts[flows.Order].Known() {
		t.Errorf("facts lost over the restart: %+v", st.Facts)
	}
	for slot, n := range st.Asked {
		if n > 1 {
			t.Errorf("%s asked %d times", slot, n)
		}
	}
}

func TestConcurrentMessagesOfOneCustomerLoseNothing(t *testing.T) {
	h := newHarness(t, bot.Config{FloodLimit: 1000})
	replicas := []*bot.Engine{h.eng, h.replica()}
	const each = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for r, eng := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, err := eng.Handle(h.ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "cat", ID: fmt.Sprintf("r%d-%d", r, i), Text: fmt.Sprintf("message %d from replica %d", i, r)})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	snap := h.snapshot("cat")
	if got := len(snap.Conv.Intake.Burst); got != 2*each {
		t.Errorf("burst holds %d messages, want %d", got, 2*each)
	}
	tx, err := h.store.Transcript(h.ctx, "web:cat", snap.Conv.Session)
	if err != nil {
		t.Fatal(err)
	}
	if len(tx) != 2*each {
		t.Fatalf("transcript holds %d entries, want %d", len(tx), 2*each)
	}
	seen := map[string]bool{}
	for _, e := range tx {
		seen[e.ID] = true
	}
	if len(seen) != 2*each {
		t.Errorf("%d distinct messages in the transcript, want %d", len(seen), 2*each)
	}
}

func TestDuplicateMessageIDsAreDropped(t *testing.T) {
	h := newHarness(t, bot.Config{})
	in := bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "dee", ID: "client-1", Text: "the app charged me twice"}
	var wg sync.WaitGroup
	dups := make(chan bool, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := h.eng.Handle(h.ctx, in)
			if err != nil {
				t.Error(err)
				return
			}
			if r.ID != "client-1" {
				t.Errorf("receipt id %q", r.ID)
			}
			dups <- r.Duplicate
		}()
	}
	wg.Wait()
	close(dups)
	fresh := 0
	for d := range dups {
		if !d {
			fresh++
		}
	}
	if fresh != 1 {
		t.Fatalf("%d deliveries were taken as new, want exactly 1", fresh)
	}
	snap := h.snapshot("dee")
	tx, _ := h.store.Transcript(h.ctx, "web:dee", snap.Conv.Session)
	if len(tx) != 1 || len(snap.Conv.Intake.Burst) != 1 {
		t.Fatalf("transcript %d entries, burst %d messages; want 1 and 1", len(tx), len(snap.Conv.Intake.Burst))
	}
	// The same id on another channel is another message.
	if r, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "eve", ID: "client-1", Text: "hi"}); err != nil || r.Duplicate {
		t.Fatalf("same id from another customer: %+v %v", r, err)
	}
}

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	h := newHarness(t, bot.Config{})
	before := h.keys()
	long := strings.Repeat("啊", bot.MaxText/3+1)
	for name, tc := range map[string]struct {
		in   bot.Inbound
		code string
	}{
		"empty":                {bot.Inbound{Text: ""}, bot.EINVALID},
		"only spaces":          {bot.Inbound{Text: " \n\t "}, bot.EINVALID},
		"only control chars":   {bot.Inbound{Text: "\x00\x01\x02"}, bot.EINVALID},
		"too long":             {bot.Inbound{Text: long}, bot.ETOOLARGE},
		"id too long":          {bot.Inbound{Text: "hi", ID: strings.Repeat("x", 129)}, bot.EINVALID},
		"id with control char": {bot.Inbound{Text: "hi", ID: "a\nb"}, bot.EINVALID},
		"customer too long":    {bot.Inbound{Text: "hi", User: strings.Repeat("u", 129)}, bot.EINVALID},
		"customer empty":       {bot.Inbound{Text: "hi", User: "-"}, ""},
		"bad attachment kind":  {bot.Inbound{Text: "hi", Attachments: []bot.Attachment{{Kind: "exe", URL: "x"}}}, bot.EINVALID},
		"too many attachments": {bot.Inbound{Attachments: slices.Repeat([]bot.Attachment{{Kind: "image", URL: "u"}}, 11)}, bot.EINVALID},
		"staff not on list":    {bot.Inbound{Role: bot.StaffRole, User: "mallory", Text: "claim 1"}, bot.EFORBIDDEN},
		"reception, nobody":    {bot.Inbound{Role: bot.ReceptionRole, Text: "hi"}, bot.EINVALID},
		"reception command":    {bot.Inbound{Role: bot.ReceptionRole, Servicer: "zs", Command: &bot.Command{Verb: bot.CmdClaim, Case: "1"}}, bot.EINVALID},
		"unknown role":         {bot.Inbound{Role: "admin", Text: "claim 1"}, bot.EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			in := tc.in
			in.Channel = "web"
			if in.Role == "" {
				in.Role = bot.CustomerRole
			}
			if in.User == "" {
				in.User = "fay"
			}
			if in.User == "-" {
				in.User = ""
				tc.code = bot.EINVALID
			}
			_, err := h.eng.Handle(h.ctx, in)
			if got := bot.ErrorCode(err); got != tc.code {
				t.Fatalf("error %v (code %q), want code %q", err, got, tc.code)
			}
			if msg := bot.ErrorMessage(err); msg == "" || msg == "internal error" {
				t.Errorf("error message %q does not say what is wrong", msg)
			}
		})
	}
	if after := h.keys(); !slices.Equal(before, after) {
		t.Fatalf("bad input changed Redis: keys before %v, after %v", before, after)
	}
}

func TestInvalidUTF8IsReplacedNotRejected(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.send("gus", "my order \xff\xfe is broken")
	snap := h.snapshot("gus")
	got := snap.Conv.Intake.Burst[0].Text
	if got != "my order \uFFFD is broken" {
		t.Fatalf("stored %q", got)
	}
}

func TestFloodIsSlowedDownButNothingIsLost(t *testing.T) {
	h := newHarness(t, bot.Config{})
	for i := 0; i < 25; i++ {
		h.send("hal", fmt.Sprintf("hello %d", i))
	}
	notices := 0
	for _, m := range h.outbox() {
		if m.Audience == bot.ToCustomer {
			notices++
			// A new customer writing English is asked in English.
			if hasHan(m.Text) {
				t.Errorf("flood notice %q is in Chinese; the customer wrote English", m.Text)
			}
		}
	}
	if notices != 1 {
		t.Fatalf("%d flood notices, want exactly 1", notices)
	}
	snap := h.snapshot("hal")
	if len(snap.Conv.Intake.Burst) != 25 {
		t.Fatalf("burst has %d messages, want all 25", len(snap.Conv.Intake.Burst))
	}
	// The burst is still answered once, as one turn.
	h.wake("hal")
	replies := 0
	for _, m := range h.outbox() {
		if m.Audience == bot.ToCustomer {
			replies++
		}
	}
	if replies != 1 {
		t.Fatalf("%d replies to the burst, want 1", replies)
	}
}

func TestHumanRequestOpensTheCaseWithWhatItHas(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.turn("ivy", "我的洗衣机漏水,上周买的")
	reply := h.turn("ivy", "转人工")
	if !strings.Contains(reply, "#1") {
		t.Fatalf("reply %q lacks the case number", reply)
	}
	v := h.caseView("1")
	if v.Status != bot.Open || v.Intake != flows.HumanAsked {
		t.Fatalf("case status %s intake %s", v.Status, v.Intake)
	}
	if !v.Facts[flows.Grievance].Known() {
		t.Errorf("the grievance given before the request was lost: %+v", v.Facts)
	}
}

func TestWithdrawalIsRecordedNotDiscarded(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.turn("jon", "the courier was rude to me")
	reply := h.turn("jon", "never mind, forget it")
	if !strings.Contains(reply, "#1") {
		t.Fatalf("reply %q lacks the case number", reply)
	}
	v := h.caseView("1")
	if v.Status != bot.Withdrawn || v.Priority != bot.Low {
		t.Fatalf("case status %s priority %s, want withdrawn, low", v.Status, v.Priority)
	}
	cases, err := h.eng.Cases(h.ctx, bot.Withdrawn)
	if err != nil || len(cases) != 1 {
		t.Fatalf("withdrawn cases: %v %v", cases, err)
	}
	// The next message starts a new intake.
	h.turn("jon", "actually, my refund never came")
	if snap := h.snapshot("jon"); snap.Conv.Session != 2 || snap.Conv.Intake == nil {
		t.Fatalf("no new intake after the withdrawal: %+v", snap.Conv)
	}
}

// TestNearDeadlineMakesTheCaseHigh: a customer whose deadline is tomorrow
// (the cake for their daughter's birthday) cannot wait at the usual pace;
// one whose deadline is weeks away can.
func TestNearDeadlineMakesTheCaseHigh(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.turn("ann", "明天就是我女儿生日，在你们网店订的蛋糕还没送到，订单号A123456")
	v := h.finishIntake("ann")
	if v.Facts[flows.Deadline].Date != start.AddDate(0, 0, 1).Format(time.DateOnly) || v.Priority != bot.High {
		t.Errorf("deadline %+v, priority %s; want tomorrow and high", v.Facts[flows.Deadline], v.Priority)
	}
	h.turn("ben", "The cake I ordered online hasn't been confirmed, and I need it by December 30. Order A654321.")
	if v := h.finishIntake("ben"); v.Facts[flows.Deadline].Date != "2026-12-30" || v.Priority != bot.Normal {
		t.Errorf("deadline %+v, priority %s; want December 30 and normal", v.Facts[flows.Deadline], v.Priority)
	}
}

func TestRiskMakesTheCaseUrgent(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.turn("kim", "你们卖的热水壶漏电,我孩子被电了一下!我要去12315投诉,还要找媒体曝光!")
	v := h.finishIntake("kim")
	if !v.Urgent || v.Priority != bot.Urgent {
		t.Fatalf("case priority %s urgent %v, want urgent", v.Priority, v.Urgent)
	}
	for _, r := range []flows.Risk{flows.RiskRegulator, flows.RiskMedia} {
		if !slices.Contains(v.Risks, r) {
			t.Errorf("risks %v lack %s", v.Risks, r)
		}
	}
	if !slices.Contains(v.Risks, flows.RiskSafety) && !slices.Contains(v.Risks, flows.RiskInjury) {
		t.Errorf("risks %v lack the electric shock", v.Risks)
	}
	if v.Tip == "" || v.Complainer == "" {
		t.Errorf("no complainer type or tip: %q %q", v.Complainer, v.Tip)
	}
}

func TestAttachmentsAreAcknowledgedAndKept(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.send("lee", "", bot.Attachment{Kind: bot.Image, URL: "https://example.com/broken.jpg"})
	h.clock.Add(time.Second)
	h.send("lee", "the screen arrived cracked")
	h.wake("lee")
	var reply string
	for _, m := range h.outbox() {
		if m.Audience == bot.ToCustomer {
			reply = m.Text
		}
	}
	if !strings.Contains(strings.ToLower(reply), "photo") {
		t.Fatalf("reply %q does not acknowledge the photo", reply)
	}
	h.turn("lee", "replacement please")
	h.turn("lee", "human please")
	snap := h.snapshot("lee")
	v := h.caseView(snap.Conv.Case)
	if len(v.Attachments) != 1 || v.Attachments[0].URL != "https://example.com/broken.jpg" {
		t.Fatalf("case attachments %+v", v.Attachments)
	}
	found := false
	for _, e := range v.Transcript {
		if len(e.Attachments) == 1 && e.Attachments[0].Kind == bot.Image {
			found = true
		}
	}
	if !found {
		t.Errorf("the photo is not in the transcript")
	}
}

func TestMessagesToAnOpenCaseAreKeptRelayedAndAcknowledged(t *testing.T) {
	h := newHarness(t, bot.Config{})
	v := h.confirmIntake("max", "en")
	h.outbox()
	h.send("max", "Also, the box was wet when it arrived")
	h.clock.Add(time.Second)
	h.send("max", "and the receipt is missing")
	out := h.outbox()
	relayed := 0
	for _, m := range out {
		if m.Audience == bot.ToTeam && m.Thread == v.ID && strings.Contains(m.Text, "box was wet") || strings.Contains(m.Text, "receipt is missing") {
			relayed++
		}
		if m.Audience == bot.ToCustomer {
			t.Errorf("acknowledged before the burst ended: %q", m.Text)
		}
	}
	if relayed != 2 {
		t.Fatalf("%d messages relayed to the case thread, want 2: %+v", relayed, out)
	}
	h.wake("max")
	acks := 0
	for _, m := range h.outbox() {
		if m.Audience == bot.ToCustomer && strings.Contains(m.Text, "#"+v.ID) {
			acks++
		}
	}
	if acks != 1 {
		t.Fatalf("%d acknowledgements, want one for the burst", acks)
	}
	v = h.caseView(v.ID)
	n := 0
	for _, e := range v.Transcript {
		if e.From == bot.FromCustomer && (strings.Contains(e.Text, "box was wet") || strings.Contains(e.Text, "receipt")) {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d of the 2 messages are in the case transcript", n)
	}
}

func TestNewComplaintStartsANewIntake(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.confirmIntake("ned", "zh")
	h.outbox()
	h.turn("ned", "新投诉:快递员态度很差")
	snap := h.snapshot("ned")
	if snap.Conv.Intake == nil || snap.Conv.Session != 2 {
		t.Fatalf("no new intake: %+v", snap.Conv)
	}
	if snap.Case != nil && snap.Conv.Case != "" {
		t.Errorf("the conversation still points at the old case")
	}
}

func TestCasesQueryRefusesUnknownStatus(t *testing.T) {
	h := newHarness(t, bot.Config{})
	if _, err := h.eng.Cases(h.ctx, "lost"); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("err %v", err)
	}
	if _, err := h.eng.Case(h.ctx, "404"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("err %v", err)
	}
	var e *bot.Error
	if _, err := h.eng.Case(h.ctx, "a\x00"); !errors.As(err, &e) || e.Code != bot.EINVALID {
		t.Fatalf("err %v", err)
	}
}
