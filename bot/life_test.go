package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
)

// lifeScript is one language's words for a whole case life.
type lifeScript struct {
	lang                      string
	claim, offer, handover    string
	promise, resolve, reopen  string
	pick, notSolved, solved   string
	wantPick, wantPromiseWord string
}

var lifeScripts = []lifeScript{
	{
		lang: "zh", claim: "认领 %s", offer: "方案 %s 退款 | 换货", handover: "转交 %s carol 我明天休假，carol 接手",
		promise: "承诺 %s 明天下午6点", resolve: "解决 %s 产品 产品缺陷 已换新并退运费 改进：加强出库检查",
		pick: "第二个吧", notSolved: "还是没好，新的也有问题", solved: "好了，解决了，谢谢",
		wantPick: "换货", wantPromiseWord: "18:00",
	},
	{
		lang: "en", claim: "claim %s", offer: "offer %s refund | replacement", handover: "handover %s carol I'm off tomorrow, carol takes over",
		promise: "promise %s tomorrow 6pm", resolve: "resolve %s product product defect sent a new one action: check stock before dispatch",
		pick: "the replacement please", notSolved: "no, it's still broken", solved: "yes, it works now, thanks",
		wantPick: "eplacement", wantPromiseWord: "18:00",
	},
}

// TestWholeCaseLife runs on one Redis server and on a three-master Redis
// Cluster: the same life, the same words.
func TestWholeCaseLife(t *testing.T) {
	for _, s := range lifeScripts {
		for _, b := range harnesses {
			t.Run(s.lang+"/"+b.name, func(t *testing.T) {
				testWholeCaseLife(t, s, b.start(t, bot.Config{}))
			})
		}
	}
}

func testWholeCaseLife(t *testing.T, s lifeScript, h *harness) {
	c := h.confirmIntake("amy", s.lang)
	id := c.ID
	h.outbox()
	do := func(who, format string) []bot.Outbound {
		t.Helper()
		text := format
		if strings.Contains(format, "%s") {
			text = strings.Replace(format, "%s", id, 1)
		}
		if err := h.staff(who, "", text); err != nil {
			t.Fatalf("%s: %q: %v", who, text, err)
		}
		out := h.outbox()
		if ns := only(out, noticeFor(who)); len(ns) > 0 && strings.Contains(texts(ns), "[notice.") {
			t.Fatalf("%q: %s was told %q", text, who, texts(ns))
		}
		return out
	}
	customerSays := func(text string) []bot.Outbound {
		t.Helper()
		h.send("amy", text)
		h.wake("amy")
		return h.outbox()
	}
	wantLang := func(what string, out []bot.Outbound) string {
		t.Helper()
		told := only(out, toCustomer("amy"))
		if len(told) == 0 {
			t.Fatalf("%s: the customer was told nothing", what)
		}
		all := texts(told)
		if flows.HasHan(all) != (s.lang == "zh") {
			t.Errorf("%s: customer told %q, not in %s", what, all, s.lang)
		}
		return all
	}

	h.clock.Add(2 * time.Minute)
	wantLang("claim", do("bob", s.claim))

	// Offer and pick.
	offer := wantLang("offer", do("bob", s.offer))
	if !strings.Contains(offer, "1.") || !strings.Contains(offer, "2.") {
		t.Errorf("offer %q lacks numbered options", offer)
	}
	out := customerSays(s.pick)
	if got := wantLang("pick", out); !strings.Contains(got, s.wantPick) {
		t.Errorf("pick confirmation %q lacks %q", got, s.wantPick)
	}
	if dms := only(out, dmFor("bob")); !strings.Contains(texts(dms), "2") {
		t.Errorf("bob was not told the pick: %q", texts(dms))
	}
	if v := h.caseView(id); v.Offer == nil || v.Offer.Picked != 2 || v.Awaiting != "" {
		t.Fatalf("offer after pick: %+v awaiting %q", v.Offer, v.Awaiting)
	}

	// Hand-over: the new owner gets the whole case; the customer is
	// told the new name.
	out = do("bob", s.handover)
	if dms := texts(only(out, dmFor("carol"))); !strings.Contains(dms, c.Summary) {
		t.Errorf("carol's hand-over brief lacks the summary: %q", dms)
	}
	if got := wantLang("handover", out); !strings.Contains(got, "carol") {
		t.Errorf("customer not told the new owner: %q", got)
	}
	// bob is no longer the owner: his thread text is a note now.
	if err := h.staff("bob", id, "bob again"); err != nil {
		t.Fatal(err)
	}
	if told := only(h.outbox(), toCustomer("amy")); len(told) != 0 {
		t.Errorf("former owner's message reached the customer: %q", texts(told))
	}

	// Promise.
	if got := wantLang("promise", do("carol", s.promise)); !strings.Contains(got, s.wantPromiseWord) || !strings.Contains(got, "carol") {
		t.Errorf("promise %q lacks the time or the owner", got)
	}

	// Resolve; the customer says it is not solved: reopened to carol.
	out = do("carol", s.resolve)
	asked := wantLang("resolve", out)
	if strings.Contains(asked, "check stock") || strings.Contains(asked, "出库检查") {
		t.Errorf("the customer saw the internal account: %q", asked)
	}
	if v := h.caseView(id); v.Status != bot.Resolved || v.Resolution == nil || v.Resolution.Category != "product" || v.Resolution.Cause != "product_defect" || v.Resolution.Action == "" {
		t.Fatalf("after resolve: %+v %+v", v.Status, v.Resolution)
	}
	out = customerSays(s.notSolved)
	wantLang("not solved", out)
	if dms := only(out, dmFor("carol")); len(dms) == 0 {
		t.Errorf("carol was not alerted of the reopening")
	}
	if v := h.caseView(id); v.Status != bot.Claimed || v.Owner != "carol" || v.Reopens != 1 {
		t.Fatalf("after 'not solved': status %q owner %q reopens %d", v.Status, v.Owner, v.Reopens)
	}

	// Resolve again; confirmed.
	do("carol", s.resolve)
	wantLang("confirmed", customerSays(s.solved))
	v := h.caseView(id)
	if v.Status != bot.Confirmed || !v.CustomerConfirmed {
		t.Fatalf("after 'solved': status %q confirmed %v", v.Status, v.CustomerConfirmed)
	}
	m := v.Metrics()
	if m.TimeToClaim < 2*time.Minute || m.TimeToFirstReply != 0 && m.TimeToFirstReply < m.TimeToClaim || m.Handovers != 1 || m.RepeatAsks != 0 || !m.CustomerConfirmed || m.Reopens != 1 {
		t.Errorf("metrics %+v", m)
	}
	var events []string
	for _, e := range v.History {
		events = append(events, e.Who+":"+e.What)
	}
	want := []string{"bot:opened", "bob:claimed", "bob:offered", "customer:picked", "bob:handover", "carol:promised", "carol:resolved", "customer:reopened", "carol:resolved", "customer:confirmed"}
	if got := strings.Join(events, " "); got != strings.Join(want, " ") {
		t.Errorf("history\n got %s\nwant %s", got, strings.Join(want, " "))
	}
}
