package flows

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

var shanghai = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// base is Monday 2026-11-23 10:00 in Shanghai.
var base = time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai)

func testConfig(tb testing.TB) Config {
	tb.Helper()
	return Config{Catalog: MustCatalog(), Quiet: 3 * time.Second, Window: 15 * time.Minute}
}

// chat drives one intake the way the engine does: each burst is received a
// second apart, then answered once its quiet window has passed.
type chat struct {
	t    *testing.T
	cfg  Config
	st   State
	now  time.Time
	n    int
	seen []string // every reply, in order
}

func newChat(t *testing.T) *chat {
	return &chat{t: t, cfg: testConfig(t), now: base}
}

// say sends one burst and returns the bot's answer.
func (c *chat) say(msgs ...string) Turn {
	c.t.Helper()
	for _, m := range msgs {
		c.n++
		c.now = c.now.Add(time.Second)
		c.st.Receive(Message{ID: "m" + itoa(c.n), Text: m, At: c.now}, c.cfg)
	}
	if early := c.st.Answer(c.now.Add(c.cfg.Quiet-time.Millisecond), c.cfg); early.Reply != "" || early.End != "" {
		c.t.Fatalf("answered before the quiet window ended: %+v", early)
	}
	c.now = c.now.Add(c.cfg.Quiet)
	turn := c.st.Answer(c.now, c.cfg)
	if turn.Reply != "" {
		c.seen = append(c.seen, turn.Reply)
	}
	c.now = c.now.Add(20 * time.Second)
	return turn
}

func itoa(n int) string { return fmt.Sprintf("%02d", n) }

// says reports whether text contains one of the variants of key in lang,
// filled with data (one map, or none).
func says(cat *Catalog, lang Lang, key, text string, data ...map[string]any) bool {
	var d map[string]any
	if len(data) > 0 {
		d = data[0]
	}
	for i := 1; i <= cat.Variants(lang, key); i++ {
		if strings.Contains(FoldText(text), FoldText(cat.Text(lang, key, i, d))) {
			return true
		}
	}
	return false
}

var questionMarks = regexp.MustCompile(`[?？]`)

func questions(s string) int { return len(questionMarks.FindAllString(s, -1)) }

func (c *chat) expectAsk(turn Turn, slot Slot) {
	c.t.Helper()
	asked := says(c.cfg.Catalog, c.st.Lang, "ask."+string(slot), turn.Reply)
	if f := c.fact(Order); slot == Order && f.Product != "" {
		// A product was named: the bot asks for its order number by name.
		asked = says(c.cfg.Catalog, c.st.Lang, "ask.order_for", turn.Reply, map[string]any{"Product": f.Product})
	}
	if !asked {
		c.t.Fatalf("reply %q does not ask for %s (state expects %q)", turn.Reply, slot, c.st.Expect)
	}
	if q := questions(turn.Reply); q != 1 {
		c.t.Fatalf("reply %q has %d questions, want exactly 1", turn.Reply, q)
	}
}

func (c *chat) expectNoRepeats() {
	c.t.Helper()
	for slot, n := range c.st.Asked {
		if n > 1 {
			c.t.Errorf("%s was asked %d times", slot, n)
		}
	}
	if c.st.RepeatAsks != 0 {
		c.t.Errorf("RepeatAsks = %d, want 0", c.st.RepeatAsks)
	}
	for i := 1; i < len(c.seen); i++ {
		if c.seen[i] == c.seen[i-1] {
			c.t.Errorf("the bot said the same thing twice in a row: %q", c.seen[i])
		}
	}
}

func (c *chat) fact(slot Slot) Fact { return c.st.Facts[slot] }

func TestIntakeChineseWholeConversation(t *testing.T) {
	c := newChat(t)
	cat := c.cfg.Catalog

	// The customer writes in a burst; the bot answers once.
	turn := c.say("我上周三在南京西路店买的衣柜", "送来就是坏的!!门都关不上", "太过分了")
	if c.st.Lang != ZH {
		t.Fatalf("lang = %q, want zh", c.st.Lang)
	}
	ack := false
	for _, lvl := range []string{"upset", "angry", "furious"} {
		if strings.HasPrefix(turn.Reply, firstSentenceOf(cat, ZH, "ack."+lvl, turn.Reply)) && says(cat, ZH, "ack."+lvl, turn.Reply) {
			ack = true
		}
	}
	if !ack {
		t.Fatalf("first reply %q does not open by acknowledging the feeling", turn.Reply)
	}
	if !says(cat, ZH, "thanks", turn.Reply) {
		t.Errorf("first reply %q does not thank the customer", turn.Reply)
	}
	c.expectAsk(turn, Outcome) // grievance, when and where are known; order comes after outcome
	if got := c.fact(When).Date; got != "2026-11-18" {
		t.Errorf("when = %q, want 2026-11-18 (上周三 from Monday 23 Nov)", got)
	}
	if got := c.fact(Where).Value; !strings.Contains(got, "南京西路") {
		t.Errorf("where = %q, want the Nanjing West Road store", got)
	}
	if src := c.fact(When).Source; len(src) != 1 || src[0] != "m01" {
		t.Errorf("when came from %v, want [m01]", src)
	}

	turn = c.say("我要退款")
	c.expectAsk(turn, Order)
	if k := c.fact(Outcome).Kinds; len(k) != 1 || k[0] != Refund {
		t.Errorf("outcome kinds = %v, want [refund]", k)
	}

	turn = c.say("订单号B71")
	if !says(cat, ZH, "anything_else", turn.Reply) {
		t.Fatalf("after every fact, reply %q should ask whether there is anything else", turn.Reply)
	}

	turn = c.say("没有了")
	for _, want := range []string{"B71", "11月18日", "南京西路", "退款"} {
		if !strings.Contains(turn.Reply, want) {
			t.Errorf("summary %q lacks %q", turn.Reply, want)
		}
	}
	if !says(cat, ZH, "summary.ask", turn.Reply) || c.st.Phase != Confirming {
		t.Fatalf("summary %q does not ask whether it is right (phase %s)", turn.Reply, c.st.Phase)
	}

	turn = c.say("订单号不对,是B77,不是B71")
	if !says(cat, ZH, "corrected.one", turn.Reply, map[string]any{"Label": "订单号", "Value": "B77"}) || !strings.Contains(turn.Reply, "B77") || strings.Contains(turn.Reply, "B71") {
		t.Fatalf("after correcting the order the summary is %q; want B77 and no B71", turn.Reply)
	}

	turn = c.say("不是上周三,是上周四")
	if !strings.Contains(turn.Reply, "11月19日") || strings.Contains(turn.Reply, "11月18日") {
		t.Fatalf("after correcting the day the summary is %q; want 11月19日 only", turn.Reply)
	}

	turn = c.say("对")
	if turn.End != Confirmed || c.st.Phase != Done {
		t.Fatalf("confirming gave end %q phase %q", turn.End, c.st.Phase)
	}
	closing := c.st.Close("42", c.cfg)
	for _, want := range []string{"#42", "15 分钟"} {
		if !strings.Contains(closing, want) {
			t.Errorf("closing %q lacks %q", closing, want)
		}
	}
	for _, never := range []string{"保证", "一定给您退", "肯定退款"} {
		if strings.Contains(closing, never) {
			t.Errorf("closing %q promises an outcome (%q)", closing, never)
		}
	}
	if got := c.st.CaseSummary(cat); !strings.Contains(got, "B77") || c.st.OutcomeWords(cat, ZH) != "退款" {
		t.Errorf("case summary %q / outcome %q lacks the corrected facts", got, c.st.OutcomeWords(cat, ZH))
	}
	c.expectNoRepeats()
}

// firstSentenceOf returns the variant of key that text starts with, or "".
func firstSentenceOf(cat *Catalog, lang Lang, key, text string) string {
	for i := 1; i <= cat.Variants(lang, key); i++ {
		if v := cat.Text(lang, key, i, nil); strings.HasPrefix(text, v) {
			return v
		}
	}
	return "\x00"
}

func TestIntakeEnglishWholeConversation(t *testing.T) {
	c := newChat(t)
	cat := c.cfg.Catalog

	turn := c.say("My washing machine arrived with a cracked door.", "It leaked all over the kitchen floor!!")
	if c.st.Lang != EN {
		t.Fatalf("lang = %q, want en", c.st.Lang)
	}
	if !says(cat, EN, "thanks", turn.Reply) {
		t.Errorf("first reply %q does not thank the customer", turn.Reply)
	}
	if q := questions(turn.Reply); q != 1 {
		t.Errorf("first reply %q has %d questions, want 1", turn.Reply, q)
	}
	c.expectAsk(turn, Outcome)

	turn = c.say("I want a replacement")
	c.expectAsk(turn, Order)

	turn = c.say("the order is B71")
	c.expectAsk(turn, When)

	turn = c.say("two days ago")
	if got := c.fact(When).Date; got != "2026-11-21" {
		t.Errorf("when = %q, want 2026-11-21", got)
	}
	c.expectAsk(turn, Where)

	turn = c.say("online, from your website")
	if !says(cat, EN, "anything_else", turn.Reply) {
		t.Fatalf("reply %q should ask for anything else", turn.Reply)
	}

	turn = c.say("that's all")
	for _, want := range []string{"B71", "Saturday 21 November", "a replacement"} {
		if !strings.Contains(turn.Reply, want) {
			t.Errorf("summary %q lacks %q", turn.Reply, want)
		}
	}

	turn = c.say("the order is B77, not B71")
	if !strings.Contains(turn.Reply, "B77") || strings.Contains(turn.Reply, "B71") {
		t.Fatalf("summary after correction = %q; want B77 and no B71", turn.Reply)
	}

	turn = c.say("yes that's right")
	if turn.End != Confirmed {
		t.Fatalf("end = %q, want confirmed", turn.End)
	}
	if closing := c.st.Close("7", c.cfg); !strings.Contains(closing, "#7") || !strings.Contains(closing, "15 minutes") {
		t.Errorf("closing %q lacks the case number or the window", closing)
	}
	c.expectNoRepeats()
}

func TestIntakeNeverAsksForWhatWasGiven(t *testing.T) {
	// Everything is in the first message: the bot asks nothing but
	// whether there is anything else.
	c := newChat(t)
	turn := c.say("昨天在上海徐家汇店买的电饭煲,订单号A12345,一插电就冒烟,吓死我了,我要退货退款!")
	if !says(c.cfg.Catalog, ZH, "anything_else", turn.Reply) {
		t.Fatalf("reply %q should go straight to anything-else", turn.Reply)
	}
	for _, slot := range AskOrder {
		if c.st.Asked[slot] != 0 {
			t.Errorf("asked for %s, which was given", slot)
		}
	}
	if !contains(c.st.Risks, RiskSafety) {
		t.Errorf("risks %v lack the safety hazard (冒烟)", c.st.Risks)
	}
	c.expectNoRepeats()
}

func contains[T comparable](s []T, x T) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func TestIntakeSkippedQuestionIsNotAskedAgain(t *testing.T) {
	c := newChat(t)
	c.say("The blender you sold me stopped working and I want a refund")
	if c.st.Expect != Order {
		t.Fatalf("expect %q, want order", c.st.Expect)
	}
	turn := c.say("I don't remember")
	if !c.fact(Order).Skipped {
		t.Errorf("order not marked skipped")
	}
	if !says(c.cfg.Catalog, EN, "skipped", turn.Reply) {
		t.Errorf("reply %q does not accept the skip kindly", turn.Reply)
	}
	c.expectAsk(turn, When)
	turn = c.say("no idea")
	c.expectAsk(turn, Where)
	turn = c.say("skip")
	if !says(c.cfg.Catalog, EN, "anything_else", turn.Reply) {
		t.Fatalf("reply %q should ask anything else", turn.Reply)
	}
	c.expectNoRepeats()
}

func TestIntakeHumanRequestEndsAtOnce(t *testing.T) {
	for name, tc := range map[string]struct {
		msgs []string
		lang Lang
	}{
		"zh 转人工":         {[]string{"洗衣机漏水了", "转人工"}, ZH},
		"zh 人工客服":        {[]string{"我要人工客服"}, ZH},
		"en human":       {[]string{"my order never arrived", "I want to talk to a human"}, EN},
		"en real person": {[]string{"can I speak to a real person please"}, EN},
		"en agent":       {[]string{"agent"}, EN},
	} {
		t.Run(name, func(t *testing.T) {
			c := newChat(t)
			turn := c.say(tc.msgs...)
			if turn.End != HumanAsked || turn.Reply != "" {
				t.Fatalf("turn = %+v, want the intake to end for a person", turn)
			}
			closing := c.st.Close("9", c.cfg)
			if !says(c.cfg.Catalog, tc.lang, "open.human", closing) && !strings.Contains(closing, "#9") {
				t.Errorf("closing %q is not the hand-over message", closing)
			}
			if questions(closing) != 0 {
				t.Errorf("closing %q asks a question after the customer asked for a person", closing)
			}
		})
	}
}

func TestIntakeWithdrawalIsRecorded(t *testing.T) {
	for name, msgs := range map[string][]string{
		"zh 算了":         {"快递三天了还没到", "算了"},
		"en never mind": {"my parcel is three days late", "never mind"},
		"en forget it":  {"forget it"},
	} {
		t.Run(name, func(t *testing.T) {
			c := newChat(t)
			turn := c.say(msgs...)
			if turn.End != Withdrew {
				t.Fatalf("end = %q, want withdrawn", turn.End)
			}
			if closing := c.st.Close("3", c.cfg); !strings.Contains(closing, "#3") {
				t.Errorf("closing %q should still give the case number", closing)
			}
		})
	}
}

func TestIntakeGreetingFirstAsksWhatHappened(t *testing.T) {
	c := newChat(t)
	turn := c.say("你好")
	if !says(c.cfg.Catalog, ZH, "greet", turn.Reply) {
		t.Fatalf("reply %q does not greet", turn.Reply)
	}
	c.expectAsk(turn, Grievance)
	for _, lvl := range []string{"calm", "upset", "angry", "furious"} {
		if says(c.cfg.Catalog, ZH, "ack."+lvl, turn.Reply) {
			t.Errorf("reply %q apologises before anything was said", turn.Reply)
		}
	}
}

func TestIntakeTraditionalChineseIsUnderstood(t *testing.T) {
	c := newChat(t)
	turn := c.say("我上週三在南京西路店買的衣櫃,送來就是壞的,我要退款")
	if c.st.Lang != ZH {
		t.Fatalf("lang = %q, want zh", c.st.Lang)
	}
	if got := c.fact(When).Date; got != "2026-11-18" {
		t.Errorf("when = %q, want 2026-11-18", got)
	}
	if k := c.fact(Outcome).Kinds; !contains(k, Refund) {
		t.Errorf("outcome %v lacks refund", k)
	}
	c.expectAsk(turn, Order)
}

func TestIntakeReacknowledgesVenting(t *testing.T) {
	c := newChat(t)
	c.say("我的快递丢了")
	turn := c.say("你们这什么破公司!!!气死我了!!!")
	ok := says(c.cfg.Catalog, ZH, "reack.angry", turn.Reply) || says(c.cfg.Catalog, ZH, "reack.upset", turn.Reply)
	if !ok {
		t.Fatalf("reply %q does not acknowledge the venting", turn.Reply)
	}
	if q := questions(turn.Reply); q > 1 {
		t.Errorf("reply %q asks %d questions", turn.Reply, q)
	}
}

func TestIntakeEmotionScalesTheAcknowledgement(t *testing.T) {
	cat := MustCatalog()
	for name, tc := range map[string]struct {
		text string
		want []string // acceptable ack levels
	}{
		"calm":    {"The parcel arrived a day late.", []string{"calm"}},
		"furious": {"THIS IS THE WORST SERVICE EVER!!! You are all useless idiots 😡😡", []string{"angry", "furious"}},
		"zh 愤怒":   {"你们是骗子吗?!!!垃圾公司!!!气死我了", []string{"angry", "furious"}},
	} {
		t.Run(name, func(t *testing.T) {
			c := newChat(t)
			turn := c.say(tc.text)
			found := ""
			for _, lvl := range []string{"calm", "upset", "angry", "furious"} {
				if says(cat, c.st.Lang, "ack."+lvl, turn.Reply) {
					found = lvl
				}
			}
			if !contains(tc.want, found) {
				t.Fatalf("reply %q acknowledges at level %q, want one of %v", turn.Reply, found, tc.want)
			}
		})
	}
}

func TestIntakeAttachmentsAreAcknowledged(t *testing.T) {
	c := newChat(t)
	c.n++
	c.st.Receive(Message{ID: "p1", Media: []string{"image"}, At: c.now}, c.cfg)
	c.now = c.now.Add(c.cfg.Quiet)
	turn := c.st.Answer(c.now, c.cfg)
	if !says(c.cfg.Catalog, ZH, "media.image", turn.Reply) && !says(c.cfg.Catalog, EN, "media.image", turn.Reply) {
		t.Fatalf("reply %q does not acknowledge the photo", turn.Reply)
	}
	if c.st.Expect != Grievance {
		t.Errorf("after a photo alone the bot should ask what happened, expects %q", c.st.Expect)
	}
	if c.st.Media != 1 {
		t.Errorf("media = %d, want 1", c.st.Media)
	}
}

func TestReceiveWaitsForTheBurstToEnd(t *testing.T) {
	cfg := testConfig(t)
	var s State
	at := s.Receive(Message{ID: "1", Text: "hello", At: base}, cfg)
	if !at.Equal(base.Add(3 * time.Second)) {
		t.Fatalf("first answer at %v, want +3s", at)
	}
	at = s.Receive(Message{ID: "2", Text: "my order", At: base.Add(2 * time.Second)}, cfg)
	if !at.Equal(base.Add(5 * time.Second)) {
		t.Fatalf("answer moved to %v, want +5s (3s after the last message)", at)
	}
	if turn := s.Answer(base.Add(4*time.Second), cfg); turn.Reply != "" {
		t.Fatalf("answered mid-burst: %q", turn.Reply)
	}
	// A customer who never stops typing is still answered, after MaxListen.
	var long State
	for i := 0; i < 100; i++ {
		at = long.Receive(Message{ID: itoa(i), Text: "x", At: base.Add(time.Duration(i) * 2 * time.Second)}, cfg)
	}
	if limit := base.Add(cfg.maxListen()); at.After(limit) {
		t.Fatalf("answer at %v, after the listening limit %v", at, limit)
	}
	if turn := s.Answer(base.Add(5*time.Second), cfg); turn.Reply == "" {
		t.Fatal("no answer once the burst was over")
	}
	if s.Pending() {
		t.Error("burst still pending after the answer")
	}
}

func TestAnswerTwiceDoesNothing(t *testing.T) {
	cfg := testConfig(t)
	var s State
	s.Receive(Message{ID: "1", Text: "我的订单一直没发货", At: base}, cfg)
	if turn := s.Answer(base.Add(time.Minute), cfg); turn.Reply == "" {
		t.Fatal("no answer")
	}
	if turn := s.Answer(base.Add(2*time.Minute), cfg); turn.Reply != "" || turn.End != "" {
		t.Fatalf("second answer of the same burst: %+v", turn)
	}
}

func TestCatalogIsCompleteAndOverridable(t *testing.T) {
	cat := MustCatalog()
	for _, key := range cat.Keys() {
		for _, lang := range []Lang{ZH, EN} {
			for i := 1; i <= cat.Variants(lang, key); i++ {
				s := cat.Text(lang, key, i, map[string]any{"ID": "1", "Window": "x", "Count": 2, "Amount": "¥1", "Grievance": "g"})
				if s == "["+key+"]" {
					t.Errorf("%s %s#%d does not render", lang, key, i)
				}
				if lang == EN && hasHan(s) && !strings.HasPrefix(key, "summary.") {
					t.Errorf("English %s#%d contains Chinese: %q", key, i, s)
				}
			}
		}
	}
	o, err := ParseOverrides([]byte("[en]\n\"thanks\" = [\"Cheers for telling us.\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	cat2, err := NewCatalog(o)
	if err != nil {
		t.Fatal(err)
	}
	if got := cat2.Text(EN, "thanks", 1, nil); got != "Cheers for telling us." {
		t.Errorf("override not applied: %q", got)
	}
	if got := cat2.Text(ZH, "thanks", 1, nil); got == "Cheers for telling us." {
		t.Errorf("English override leaked into Chinese")
	}
	for name, bad := range map[string]string{
		"unknown key":    "[en]\n\"no.such.key\" = \"x\"\n",
		"unknown lang":   "[fr]\n\"thanks\" = \"merci\"\n",
		"broken tmpl":    "[en]\n\"thanks\" = \"{{.Oops\"\n",
		"not toml":       "[en\n",
		"number variant": "[en]\n\"thanks\" = [1, 2]\n",
	} {
		t.Run(name, func(t *testing.T) {
			o, err := ParseOverrides([]byte(bad))
			if err == nil {
				_, err = NewCatalog(o)
			}
			if err == nil {
				t.Fatalf("override %q accepted", bad)
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

func TestDurationWords(t *testing.T) {
	cat := MustCatalog()
	for _, tc := range []struct {
		d      time.Duration
		zh, en string
	}{
		{15 * time.Minute, "15 分钟", "15 minutes"},
		{time.Minute, "1 分钟", "1 minute"},
		{90 * time.Minute, "1 小时 30 分钟", "1 hour 30 minutes"},
		{26 * time.Hour, "1 天 2 小时", "1 day 2 hours"},
	} {
		if got := cat.Duration(ZH, tc.d); got != tc.zh {
			t.Errorf("zh %v = %q, want %q", tc.d, got, tc.zh)
		}
		if got := cat.Duration(EN, tc.d); got != tc.en {
			t.Errorf("en %v = %q, want %q", tc.d, got, tc.en)
		}
	}
}

func TestFirstTellingKeepsItsShortComplaintsTogether(t *testing.T) {
	st := &State{}
	cfg := Config{Catalog: MustCatalog(), Quiet: time.Second}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for _, m := range []string{"我上周三在南京西路店买的衣柜", "送来就是坏的!!门都关不上", "太过分了"} {
		st.Receive(Message{Text: m, At: now}, cfg)
	}
	st.Answer(now.Add(2*time.Second), cfg)
	g := st.Facts[Grievance].Value
	if !strings.Contains(g, "送来就是坏的") || !strings.Contains(g, "门都关不上") {
		t.Errorf("grievance %q: want both complaints of the first telling", g)
	}
}

func TestOnlinePurchaseIsWordedInTheCustomersLanguage(t *testing.T) {
	cat := MustCatalog()
	for _, tc := range []struct {
		lang    Lang
		v, want string
	}{
		{ZH, "online (京东)", "网上（京东）"},
		{ZH, "online", "网上"},
		{EN, "online (JD)", "online (JD)"},
		{ZH, "南京西路店", "南京西路店"},
	} {
		if got := WhereWords(cat, tc.lang, tc.v); got != tc.want {
			t.Errorf("WhereWords(%s, %q) = %q, want %q", tc.lang, tc.v, got, tc.want)
		}
	}
}

func TestFirstReplyCaresAboutHarmFirst(t *testing.T) {
	cat := MustCatalog()
	cfg := Config{Catalog: cat, Quiet: time.Second}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		text  string
		cares []string // the care keys said, in order (prefixes)
	}{
		{"你们卖的空气净化器冒烟了，差点着火", []string{"care.safety"}},
		{"The kettle exploded and burned my hand", []string{"care.injury", "care.safety.fire"}},
		// Someone hurt by a hazard is also told how to stay safe.
		{"前天買的吹風機，今天用的時候把我的頭髮燒焦了一塊", []string{"care.injury", "care.safety.electric"}},
		{"the charger sparked and gave me a shock", []string{"care.injury", "care.safety.electric"}},
		{"洗衣机坏了，没有人受伤，但是很生气", nil},
	} {
		st := &State{}
		st.Receive(Message{Text: tc.text, At: now}, cfg)
		turn := st.Answer(now.Add(2*time.Second), cfg)
		reply := turn.Reply
		var cares []string
		for _, key := range turn.Keys {
			if strings.HasPrefix(key, "care.") {
				cares = append(cares, key)
			}
		}
		ok := len(cares) == len(tc.cares)
		for i := 0; ok && i < len(cares); i++ {
			ok = strings.HasPrefix(cares[i], tc.cares[i])
		}
		if !ok {
			t.Errorf("%q: reply %q says %v, want %v", tc.text, reply, cares, tc.cares)
		}
		if strings.Count(reply, "?")+strings.Count(reply, "？") > 1 {
			t.Errorf("%q: reply %q asks more than one question", tc.text, reply)
		}
	}
}
