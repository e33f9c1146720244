package flows

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// monday is the base time of the tests: Monday 2026-11-23, 10:00 in
// Shanghai.
var monday = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// expectation is what a test wants of an analysis. Nil fields are not
// checked; an empty, non-nil slice wants none.
type expectation struct {
	lang      *Lang
	trad      *bool
	emotion   *Emotion
	minEmo    *Emotion // at least
	maxEmo    *Emotion // at most
	intents   []Intent // exactly these
	risks     []Risk   // exactly these
	hints     []Complainer
	noHints   []Complainer
	signals   []string // at least these
	venting   *bool
	complaint *bool
	// has lists findings that must be present, written
	// "slot[:kind]=value": "when=2026-11-18", "where:store=南京西路店",
	// "grievance=洗衣机坏了" (the main grievance), "grievance:side=…".
	// A leading "!" wants the finding negated; "~=" wants it approximate.
	has []string
	// none lists slots that must have no finding that is not negated.
	none []Slot
	// count, when set, wants exactly this many findings of a slot
	// (negated ones included).
	count map[Slot]int
}

func lang(l Lang) *Lang            { return &l }
func emo(e Emotion) *Emotion       { return &e }
func yes(b bool) *bool             { return &b }
func intents(i ...Intent) []Intent { return append([]Intent{}, i...) }
func risks(r ...Risk) []Risk       { return append([]Risk{}, r...) }

// describe prints an analysis for failure messages.
func describe(a Analysis) string {
	var b strings.Builder
	fmt.Fprintf(&b, "lang=%q trad=%v emotion=%s signals=%v venting=%v complaint=%v\n  intents=%v risks=%v hints=%v", a.Lang, a.Traditional, a.Emotion, a.Signals, a.Venting, a.Complaint, a.Intents, a.Risks, a.Hints)
	for _, f := range a.Findings {
		fmt.Fprintf(&b, "\n  %s:%s=%q span=%q neg=%v approx=%v", f.Slot, f.Kind, f.Value, f.Span, f.Negated, f.Approx)
	}
	return b.String()
}

// findingMatches reports whether f is what spec describes.
func findingMatches(f Finding, spec string) bool {
	negated := strings.HasPrefix(spec, "!")
	spec = strings.TrimPrefix(spec, "!")
	approx := false
	key, value, ok := strings.Cut(spec, "~=")
	if ok {
		approx = true
	} else {
		key, value, _ = strings.Cut(spec, "=")
	}
	slot, kind, hasKind := strings.Cut(key, ":")
	if Slot(slot) != f.Slot || f.Value != value || f.Negated != negated {
		return false
	}
	if f.Slot == Grievance && !hasKind && f.Kind != "" {
		return false // the main grievance
	}
	if hasKind && f.Kind != kind {
		return false
	}
	return f.Slot != When || f.Approx == approx
}

// check asserts an analysis against an expectation.
func (e expectation) check(t *testing.T, a Analysis) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf(format+"\ngot: %s", append(args, describe(a))...)
	}
	if e.lang != nil && a.Lang != *e.lang {
		fail("lang: want %q", *e.lang)
	}
	if e.trad != nil && a.Traditional != *e.trad {
		fail("traditional: want %v", *e.trad)
	}
	if e.emotion != nil && a.Emotion != *e.emotion {
		fail("emotion: want %s", *e.emotion)
	}
	if e.minEmo != nil && a.Emotion < *e.minEmo {
		fail("emotion: want at least %s", *e.minEmo)
	}
	if e.maxEmo != nil && a.Emotion > *e.maxEmo {
		fail("emotion: want at most %s", *e.maxEmo)
	}
	if e.intents != nil && !sameSet(a.Intents, e.intents) {
		fail("intents: want %v", e.intents)
	}
	if e.risks != nil && !sameSet(a.Risks, e.risks) {
		fail("risks: want %v", e.risks)
	}
	for _, h := range e.hints {
		if !slices.Contains(a.Hints, h) {
			fail("hints: want %s", h)
		}
	}
	for _, h := range e.noHints {
		if slices.Contains(a.Hints, h) {
			fail("hints: want no %s", h)
		}
	}
	for _, s := range e.signals {
		if !slices.Contains(a.Signals, s) {
			fail("signals: want %s", s)
		}
	}
	if e.venting != nil && a.Venting != *e.venting {
		fail("venting: want %v", *e.venting)
	}
	if e.complaint != nil && a.Complaint != *e.complaint {
		fail("complaint: want %v", *e.complaint)
	}
	for _, spec := range e.has {
		if !slices.ContainsFunc(a.Findings, func(f Finding) bool { return findingMatches(f, spec) }) {
			fail("findings: want %s", spec)
		}
	}
	for _, s := range e.none {
		if len(a.Found(s)) > 0 {
			fail("findings: want no %s", s)
		}
	}
	for s, n := range e.count {
		k := 0
		for _, f := range a.Findings {
			if f.Slot == s {
				k++
			}
		}
		if k != n {
			fail("findings: want %d of %s, got %d", n, s, k)
		}
	}
}

// sameSet reports whether a and b hold the same elements.
func sameSet[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

// analyzeCase is one text and what its analysis must say.
type analyzeCase struct {
	name   string
	text   string
	expect Slot
	want   expectation
}

// runAnalyzeCases runs cases at the base time.
func runAnalyzeCases(t *testing.T, cases []analyzeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := analyze(c.text, Context{Now: monday, Expect: c.expect})
			c.want.check(t, a)
			checkInvariants(t, c.text, monday, a)
		})
	}
}

// checkInvariants asserts what Analyze guarantees for any text.
func checkInvariants(t testing.TB, text string, now time.Time, a Analysis) {
	t.Helper()
	src := analyzedText(text)
	limit := now.AddDate(0, 0, 1)
	for _, f := range a.Findings {
		if !isValidUTF8(f.Value) || !isValidUTF8(f.Span) {
			t.Fatalf("finding %+v is not valid UTF-8", f)
		}
		if f.Value == "" {
			t.Fatalf("finding %+v has no value", f)
		}
		if f.Span != "" && !strings.Contains(src, f.Span) {
			t.Fatalf("span %q is not in the text %q", f.Span, text)
		}
		if f.Slot == Deadline && !now.IsZero() && f.Date.Before(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())) {
			t.Fatalf("deadline %v is before today %v", f.Date, now)
		}
		if f.Slot != Deadline && !f.Date.IsZero() && f.Date.After(limit) {
			t.Fatalf("date %v is after %v", f.Date, limit)
		}
		if f.Slot == When && f.Date.IsZero() && f.Kind != WhenUses {
			t.Fatalf("when finding %+v has no date", f)
		}
	}
	for _, s := range a.Signals {
		if !slices.Contains([]string{signalAngryWord, signalInsult, signalCaps, signalExclaim, signalEmoji, signalRepeat, signalDistress, signalQuestionMarks,
			signalRhetorical, signalThreat}, s) {
			t.Fatalf("unknown signal %q", s)
		}
	}
	if a.Complaint != slices.ContainsFunc(a.Findings, func(f Finding) bool { return f.Slot == Grievance && f.Kind == "" }) {
		t.Fatalf("Complaint %v does not match the main grievance: %s", a.Complaint, describe(a))
	}
}

func TestAnalyzeLanguage(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "simplified", text: "洗衣机坏了", want: expectation{lang: lang(ZH), trad: yes(false)}},
		{name: "traditional", text: "洗衣機壞了", want: expectation{lang: lang(ZH), trad: yes(true)}},
		{name: "english", text: "my washing machine broke", want: expectation{lang: lang(EN)}},
		{name: "mixed, Han carries the sentence", text: "我的order B77 还没到!!", want: expectation{lang: lang(ZH)}},
		{name: "mixed, English carries the sentence", text: "My order from 京东 has not arrived yet", want: expectation{lang: lang(EN)}},
		{name: "one Han word", text: "好", want: expectation{lang: lang(ZH)}},
		{name: "emoji only", text: "😡😡😡", want: expectation{lang: lang(""), minEmo: emo(Angry)}},
		{name: "digits only", text: "123456", want: expectation{lang: lang("")}},
		{name: "punctuation only", text: "？？？！！！", want: expectation{lang: lang(""), minEmo: emo(Upset)}},
		{name: "order number only", text: "B77", want: expectation{lang: lang("")}},
		{name: "empty", text: "", want: expectation{lang: lang(""), emotion: emo(Calm), intents: intents(), complaint: yes(false)}},
		{name: "ambiguous character alone is not traditional", text: "於是我就去了", want: expectation{lang: lang(ZH), trad: yes(false)}},
	})
}

func TestAnalyzeTraditionalMatchesSimplified(t *testing.T) {
	pairs := [][2]string{
		{"我上周三在南京西路店买的,坏了,我要退款", "我上週三在南京西路店買的,壞了,我要退款"},
		{"客服态度太差了,我要投诉到消费者协会,还要找记者曝光", "客服態度太差了,我要投訴到消費者協會,還要找記者曝光"},
		{"孩子被烫伤了,去医院花了三百块,没有人联系我", "孩子被燙傷了,去醫院花了三百塊,沒有人聯繫我"},
		{"转人工", "轉人工"},
		{"没有了,谢谢", "沒有了,謝謝"},
		{"上个月15号在天猫买的冰箱漏水,订单号123456789", "上個月15號在天貓買的冰箱漏水,訂單號123456789"},
	}
	for _, p := range pairs {
		t.Run(p[1], func(t *testing.T) {
			s := analyze(p[0], Context{Now: monday})
			h := analyze(p[1], Context{Now: monday})
			if !h.Traditional || s.Traditional {
				t.Fatalf("traditional flags: simplified %v, traditional %v", s.Traditional, h.Traditional)
			}
			if s.Emotion != h.Emotion || !slices.Equal(s.Intents, h.Intents) || !slices.Equal(s.Risks, h.Risks) || !slices.Equal(s.Hints, h.Hints) || s.Complaint != h.Complaint {
				t.Fatalf("readings differ:\nsimplified: %s\ntraditional: %s", describe(s), describe(h))
			}
			if len(s.Findings) != len(h.Findings) {
				t.Fatalf("findings differ:\nsimplified: %s\ntraditional: %s", describe(s), describe(h))
			}
			for i := range s.Findings {
				fs, fh := s.Findings[i], h.Findings[i]
				if fs.Slot != fh.Slot || fs.Kind != fh.Kind || fs.Negated != fh.Negated || !fs.Date.Equal(fh.Date) || fs.Amount != fh.Amount ||
					toHans(fh.Value) != fs.Value || fh.Span != "" && !strings.Contains(p[1], fh.Span) {
					t.Fatalf("finding %d differs: %+v vs %+v", i, fs, fh)
				}
			}
		})
	}
}

func TestAnalyzeEmotion(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "facts only are calm", text: "我上周三买的洗衣机坏了", want: expectation{emotion: emo(Calm), venting: yes(false)}},
		{name: "facts only in English", text: "The washing machine I bought stopped working.", want: expectation{emotion: emo(Calm), venting: yes(false)}},
		{name: "disappointed is upset", text: "I'm disappointed, the order is late", want: expectation{emotion: emo(Upset), venting: yes(true), signals: []string{signalAngryWord}}},
		{name: "失望 is upset", text: "很失望", want: expectation{emotion: emo(Upset)}},
		{name: "气死 is angry", text: "气死我了", want: expectation{emotion: emo(Angry), signals: []string{signalAngryWord}}},
		{name: "太差 with !!! is angry", text: "太差了!!!", want: expectation{emotion: emo(Angry), signals: []string{signalAngryWord, signalExclaim}}},
		{name: "insult is angry at least", text: "垃圾公司", want: expectation{minEmo: emo(Angry), signals: []string{signalInsult}, hints: []Complainer{Emotional}}},
		{name: "insults and exclamations are furious", text: "垃圾公司,骗子!!!气死我了", want: expectation{emotion: emo(Furious), venting: yes(true), hints: []Complainer{Emotional}, complaint: yes(false)}},
		{name: "english insults", text: "You idiots, this is a scam!!!", want: expectation{emotion: emo(Furious), signals: []string{signalInsult, signalExclaim}}},
		{name: "caps shouting", text: "WHY IS NOBODY ANSWERING MY CALLS", want: expectation{minEmo: emo(Angry), signals: []string{signalCaps}}},
		{name: "one caps word", text: "this is NOT acceptable", want: expectation{minEmo: emo(Upset), signals: []string{signalCaps}}},
		{name: "acronyms are not shouting", text: "my TV from IKEA came via DHL", want: expectation{emotion: emo(Calm)}},
		{name: "angry emoji", text: "订单还没到😡😡", want: expectation{minEmo: emo(Angry), signals: []string{signalEmoji}}},
		{name: "repetition in Chinese", text: "快点快点快点", want: expectation{minEmo: emo(Upset), signals: []string{signalRepeat}, venting: yes(true)}},
		{name: "repetition in English", text: "why why why", want: expectation{minEmo: emo(Upset), signals: []string{signalRepeat}}},
		{name: "stretched letters", text: "sooooo slow", want: expectation{signals: []string{signalRepeat}}},
		{name: "question marks", text: "为什么还没发货？？？", want: expectation{minEmo: emo(Upset), signals: []string{signalQuestionMarks}}},
		{name: "distress", text: "我已经失眠好几天了,整个人都崩溃了", want: expectation{venting: yes(true), signals: []string{signalDistress}, has: []string{"impact:distress=我已经失眠好几天了"}}},
		{name: "distress in English", text: "I'm so stressed I can't sleep", want: expectation{venting: yes(true), signals: []string{signalDistress}}},
		{name: "crying emoji", text: "😭😭", want: expectation{signals: []string{signalEmoji, signalDistress}}},
		{name: "laughter is not repetition", text: "哈哈哈哈", want: expectation{emotion: emo(Calm)}},
		{name: "treatment makes venting", text: "店员态度很差,一直推来推去", want: expectation{venting: yes(true), complaint: yes(true)}},
		{name: "ridiculous unacceptable", text: "This is ridiculous and unacceptable", want: expectation{minEmo: emo(Angry)}},
		{name: "furious word", text: "I am furious, absolutely disgusted with your service", want: expectation{minEmo: emo(Angry), hints: []Complainer{Emotional}}},
	})
}

func TestAnalyzeRisks(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "regulator media social", text: "我要投诉到12315,还要找记者曝光,发到微博上", want: expectation{risks: risks(RiskMedia, RiskSocial, RiskRegulator), hints: []Complainer{Prepared, Influential}}},
		{name: "lawyer court recording", text: "I'm a lawyer and I will sue you. I have screenshots.", want: expectation{risks: risks(RiskLawyer, RiskCourt, RiskRecording), hints: []Complainer{Prepared, Influential}}},
		{name: "consumer law", text: "按照消费者权益保护法,你们应该退一赔三", want: expectation{risks: risks(RiskConsumerLaw), hints: []Complainer{Prepared}, has: []string{"outcome:compensation=compensation"}}},
		{name: "三包", text: "还在三包期内,凭什么不给修", want: expectation{risks: risks(RiskConsumerLaw)}},
		{name: "injury", text: "孩子的手被烫伤了,去医院花了300块", want: expectation{risks: risks(RiskInjury), has: []string{"impact:injury=孩子的手被烫伤了", "impact:money=¥300"}, complaint: yes(true)}},
		{name: "injury denied", text: "没有人受伤,但是冒烟了", want: expectation{risks: risks(RiskSafety), has: []string{"impact:safety=但是冒烟了"}}},
		{name: "injury denied in English", text: "Nobody was hurt but the charger caught fire", want: expectation{risks: risks(RiskSafety)}},
		{name: "nobody hurt alone", text: "luckily no one was injured", want: expectation{risks: risks(), none: []Slot{Impact}}},
		{name: "safety words", text: "插上电就冒烟,还漏电,太危险了", want: expectation{risks: risks(RiskSafety), complaint: yes(true)}},
		{name: "food poisoning", text: "We got food poisoning from your takeaway and ended up in hospital", want: expectation{risks: risks(RiskInjury), complaint: yes(true)}},
		{name: "gas leak", text: "there is a gas leak from the new cooker, it's dangerous", want: expectation{risks: risks(RiskSafety)}},
		{name: "social media review", text: "I'll leave a bad review on Trustpilot and post it online", want: expectation{risks: risks(RiskSocial)}},
		{name: "press and TV", text: "I'm going to the press, maybe the local news too", want: expectation{risks: risks(RiskMedia), hints: []Complainer{Influential}}},
		{name: "a TV is a product, not the media", text: "my TV is broken", want: expectation{risks: risks(), complaint: yes(true)}},
		{name: "food court is no court", text: "I bought it at the food court", want: expectation{risks: risks()}},
		{name: "工商银行 is a bank", text: "用工商银行卡付的款", want: expectation{risks: risks()}},
		{name: "regulator by office", text: "我已经投诉到市场监督管理局了", want: expectation{risks: risks(RiskRegulator)}},
		{name: "trading standards", text: "I will report this to Trading Standards and the ombudsman", want: expectation{risks: risks(RiskRegulator)}},
		{name: "consumer rights act", text: "Under the Consumer Rights Act I am entitled to a refund", want: expectation{risks: risks(RiskConsumerLaw), has: []string{"outcome:refund=refund"}}},
		{name: "recording in Chinese", text: "你们客服说的话我都录音了,聊天记录也截图了", want: expectation{risks: risks(RiskRecording), hints: []Complainer{Prepared}}},
		{name: "traditional risks", text: "我要找律師起訴你們", want: expectation{risks: risks(RiskLawyer, RiskCourt)}},
		{name: "small claims", text: "see you in small claims court", want: expectation{risks: risks(RiskCourt)}},
	})
}

func TestAnalyzeIntents(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "对", text: "对", want: expectation{intents: intents(Yes), complaint: yes(false)}},
		{name: "是的", text: "是的", want: expectation{intents: intents(Yes)}},
		{name: "嗯嗯", text: "嗯嗯", want: expectation{intents: intents(Yes)}},
		{name: "好的谢谢", text: "好的谢谢", want: expectation{intents: intents(Yes, Thanks)}},
		{name: "对的没错", text: "对的,没错", want: expectation{intents: intents(Yes)}},
		{name: "yes", text: "yes", want: expectation{intents: intents(Yes)}},
		{name: "yes that's right", text: "Yes, that's right", want: expectation{intents: intents(Yes)}},
		{name: "yep", text: "yep!", want: expectation{intents: intents(Yes)}},
		{name: "ok", text: "ok", want: expectation{intents: intents(Yes)}},
		{name: "不对 with a date", text: "不对,是上周四", want: expectation{intents: intents(No, Corrects), has: []string{"when=2026-11-19"}}},
		{name: "不是 correction", text: "不是上周三,是上周四", want: expectation{intents: intents(No, Corrects), has: []string{"!when=2026-11-18", "when=2026-11-19"}}},
		{name: "no alone", text: "no", want: expectation{intents: intents(No)}},
		{name: "nope", text: "Nope.", want: expectation{intents: intents(No)}},
		{name: "no with a date", text: "No, it was last Thursday", want: expectation{intents: intents(No), has: []string{"when=2026-11-19"}}},
		{name: "wrong", text: "that's wrong, it was B71", want: expectation{intents: intents(No), has: []string{"order:order=B71"}}},
		{name: "是 starting a sentence is not yes", text: "是上周四", want: expectation{intents: intents(), has: []string{"when=2026-11-19"}}},
		{name: "对了 is not yes", text: "对了,还有一件事,他们态度很差", want: expectation{intents: intents(), complaint: yes(true)}},
		{name: "没有了谢谢", text: "没有了,谢谢", want: expectation{intents: intents(NothingElse, Thanks)}},
		{name: "就这些", text: "就这些", want: expectation{intents: intents(NothingElse)}},
		{name: "that's all", text: "that's all", want: expectation{intents: intents(NothingElse)}},
		{name: "no that's it", text: "no that's it", want: expectation{intents: intents(NothingElse)}},
		{name: "no, that's all, thanks", text: "No, that's all, thanks", want: expectation{intents: intents(NothingElse, Thanks)}},
		{name: "没有 alone is no", text: "没有", want: expectation{intents: intents(No)}},
		{name: "钱没了 is no answer", text: "我的钱没了,你们赶紧处理", want: expectation{intents: intents(Urges)}},
		{name: "skip in Chinese", text: "不知道", want: expectation{intents: intents(Skips)}},
		{name: "skip: forgot the order number", text: "订单号忘了", want: expectation{intents: intents(Skips)}},
		{name: "skip: 没有订单号", text: "没有订单号", expect: Order, want: expectation{intents: intents(Skips), none: []Slot{Order}}},
		{name: "skip: 没有 to the order question", text: "没有", expect: Order, want: expectation{intents: intents(Skips, No), none: []Slot{Order}}},
		{name: "skip in English", text: "I don't remember", want: expectation{intents: intents(Skips)}},
		{name: "no idea", text: "no idea, sorry", want: expectation{intents: intents(Skips)}},
		{name: "not sure", text: "not sure", want: expectation{intents: intents(Skips)}},
		{name: "don't know why is no skip", text: "I don't know why it broke", want: expectation{intents: intents(), complaint: yes(true)}},
		{name: "不知道为什么 is no skip", text: "不知道为什么就坏了", want: expectation{intents: intents(), complaint: yes(true)}},
		{name: "human", text: "转人工", want: expectation{intents: intents(WantsHuman)}},
		{name: "human in a complaint", text: "洗衣机坏了,我要找人工客服", want: expectation{intents: intents(WantsHuman), complaint: yes(true), has: []string{"grievance=洗衣机坏了"}}},
		{name: "find the boss", text: "叫你们领导出来", want: expectation{intents: intents(WantsHuman)}},
		{name: "real person", text: "I want to talk to a real person", want: expectation{intents: intents(WantsHuman)}},
		{name: "agent", text: "agent please", want: expectation{intents: intents(WantsHuman)}},
		{name: "the agent told me is no request", text: "the agent told me to wait", want: expectation{intents: intents()}},
		{name: "withdraw", text: "算了,不投诉了", want: expectation{intents: intents(Withdraws)}},
		{name: "never mind", text: "never mind", want: expectation{intents: intents(Withdraws)}},
		{name: "cancel my complaint", text: "please cancel my complaint, it's sorted", want: expectation{intents: intents(Withdraws)}},
		{name: "算了 in a long complaint is no withdraw", text: "算了,我也不想多说了,你们的洗衣机三天就坏了,客服还不理人,我要退款", want: expectation{complaint: yes(true), noHints: nil, intents: intents()}},
		{name: "new complaint", text: "我还有一个投诉", want: expectation{intents: intents(NewComplaint)}},
		{name: "another complaint", text: "I have another complaint", want: expectation{intents: intents(NewComplaint)}},
		{name: "greeting", text: "你好", want: expectation{intents: intents(Greets), complaint: yes(false)}},
		{name: "greeting in English", text: "hi there", want: expectation{intents: intents(Greets)}},
		{name: "greeting with a complaint is no greeting", text: "你好,我的洗衣机坏了", want: expectation{intents: intents(), complaint: yes(true), has: []string{"grievance=我的洗衣机坏了"}}},
		{name: "在吗 is a greeting", text: "在吗", want: expectation{intents: intents(Greets)}},
		{name: "在吗? chases", text: "在吗？", want: expectation{intents: intents(Greets, Chases)}},
		{name: "hello?? chases", text: "hello??", want: expectation{intents: intents(Greets, Chases)}},
		{name: "有人吗", text: "有人吗", want: expectation{intents: intents(Chases)}},
		{name: "怎么还没人理我", text: "怎么还没人理我", want: expectation{intents: intents(Chases)}},
		{name: "any update", text: "any update?", want: expectation{intents: intents(Chases)}},
		{name: "thanks", text: "thank you!", want: expectation{intents: intents(Thanks)}},
		{name: "thanks for nothing is no thanks", text: "thanks for nothing", want: expectation{intents: intents()}},
		{name: "traditional", text: "對", want: expectation{intents: intents(Yes), trad: yes(true)}},
	})
}

func TestAnalyzeGrievance(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "main complaint without the request", text: "我上周三在南京西路店买的,坏了,我要退款",
			want: expectation{complaint: yes(true), has: []string{"grievance=我上周三在南京西路店买的,坏了", "when=2026-11-18", "where:store=南京西路店", "outcome:refund=refund"}}},
		{name: "traditional keeps its characters", text: "我上週三在南京西路店買的,壞了,我要退款",
			want: expectation{complaint: yes(true), has: []string{"grievance=我上週三在南京西路店買的,壞了", "when=2026-11-18", "outcome:refund=refund"}}},
		{name: "outcome alone is no grievance", text: "我要退款", want: expectation{complaint: yes(false), has: []string{"outcome:refund=refund"}, none: []Slot{Grievance}}},
		{name: "refund alone in English", text: "I want a refund please", want: expectation{complaint: yes(false), has: []string{"outcome:refund=refund"}}},
		{name: "english story", text: "I bought a washing machine from your Oxford Street store on November 3rd. It stopped working after two days and nobody called me back!!! I want a refund.",
			want: expectation{lang: lang(EN), complaint: yes(true), has: []string{
				"grievance=It stopped working after two days and nobody called me back", "when=2026-11-03", "where:store=Oxford Street store",
				"outcome:refund=refund", "order:product=washing machine"}}},
		{name: "side complaints", text: "洗衣机用了两天就坏了,漏水漏了一地。另外送货师傅态度也很差。",
			want: expectation{complaint: yes(true), has: []string{"grievance=洗衣机用了两天就坏了,漏水漏了一地", "grievance:side=另外送货师傅态度也很差"}}},
		{name: "ranter", text: "东西是坏的。快递还晚了三天。客服态度差。退款也不给退。你们的APP还总是闪退。",
			want: expectation{complaint: yes(true), hints: []Complainer{Ranter}, count: map[Slot]int{Grievance: 5}}},
		{name: "long grievance is cut", text: strings.Repeat("洗衣机坏了而且漏水", 20),
			want: expectation{complaint: yes(true)}},
		{name: "only venting", text: "你们这些骗子!!!", want: expectation{complaint: yes(false), venting: yes(true)}},
		{name: "greeting only", text: "您好", want: expectation{complaint: yes(false)}},
		{name: "treatment", text: "客服挂我电话,还骂人", want: expectation{complaint: yes(true), venting: yes(true)}},
		{name: "delivery late", text: "My parcel still hasn't arrived after three weeks", want: expectation{complaint: yes(true)}},
		{name: "overcharged", text: "You charged me twice for the same order #A1234", want: expectation{complaint: yes(true), has: []string{"order:order=A1234"}}},
		{name: "expect grievance takes any telling", text: "送来的沙发颜色和图片上完全不是一回事", expect: Grievance,
			want: expectation{complaint: yes(true), has: []string{"grievance=送来的沙发颜色和图片上完全不是一回事"}}},
		{name: "expect grievance, english", text: "the sofa they delivered is the wrong colour", expect: Grievance,
			want: expectation{complaint: yes(true)}},
		{name: "expect grievance but a skip", text: "不知道怎么说", expect: Grievance, want: expectation{complaint: yes(true)}},
		{name: "expect grievance but a greeting", text: "你好", expect: Grievance, want: expectation{complaint: yes(false), intents: intents(Greets)}},
		{name: "injury is a grievance", text: "the kettle burned my hand", want: expectation{complaint: yes(true), risks: risks(RiskInjury)}},
	})
}

func TestAnalyzeOrders(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "订单号 B77", text: "订单号 B77", want: expectation{has: []string{"order:order=B77"}}},
		{name: "订单号是 digits", text: "订单号是123456789", want: expectation{has: []string{"order:order=123456789"}, none: []Slot{Contact}}},
		{name: "order #", text: "order #12345 never arrived", want: expectation{has: []string{"order:order=12345"}, complaint: yes(true)}},
		{name: "order number is", text: "the order number is B77", want: expectation{has: []string{"order:order=B77"}}},
		{name: "model", text: "model X200", want: expectation{has: []string{"order:product=X200"}}},
		{name: "型号", text: "型号X200的洗衣机漏水", want: expectation{has: []string{"order:product=洗衣机 X200"}, complaint: yes(true)}},
		{name: "serial", text: "SN: ABC123", want: expectation{has: []string{"order:serial=ABC123"}, emotion: emo(Calm)}},
		{name: "tracking", text: "tracking number SF1234567890", want: expectation{has: []string{"order:tracking=SF1234567890"}}},
		{name: "快递单号", text: "快递单号YT9876543210一直不更新", want: expectation{has: []string{"order:tracking=YT9876543210"}, complaint: yes(true)}},
		{name: "bare alphanumeric", text: "我的order B77 还没到!!", want: expectation{has: []string{"order:order=B77", "grievance=我的order B77 还没到"}}},
		{name: "A1B2C3", text: "it's A1B2C3", want: expectation{has: []string{"order:order=A1B2C3"}}},
		{name: "long digits", text: "我买的东西20261123001一直没到", want: expectation{has: []string{"order:order=20261123001"}}},
		{name: "mobile-like digits after 订单号 are an order", text: "订单号13812345678", want: expectation{has: []string{"order:order=13812345678"}, none: []Slot{Contact}}},
		{name: "not an order: measures", text: "it is 300ml and 5kg, delivered at 3pm on the 2nd", want: expectation{none: []Slot{Order}}},
		{name: "not an order: 4k TV", text: "the 4k TV with usb-c", want: expectation{none: []Slot{Order}}},
		{name: "correction", text: "the order is B77, not B71", want: expectation{has: []string{"order:order=B77", "!order:order=B71"}}},
		{name: "product brand and model", text: "iPhone 15 Pro screen cracked", want: expectation{has: []string{"order:product=iPhone 15 Pro"}, complaint: yes(true)}},
		{name: "product in Chinese", text: "你好,我的洗衣机坏了", want: expectation{has: []string{"order:product=洗衣机"}}},
		{name: "product without a complaint is not read", text: "我想买一台洗衣机", want: expectation{none: []Slot{Order}}},
		{name: "expect order: bare token", text: "B77", expect: Order, want: expectation{has: []string{"order:order=B77"}}},
		{name: "expect order: bare digits", text: "123456", expect: Order, want: expectation{has: []string{"order:order=123456"}}},
		{name: "expect order: a mobile-like number is the order", text: "13812345678", expect: Order, want: expectation{has: []string{"order:order=13812345678"}, none: []Slot{Contact}}},
		{name: "expect order: 是 prefix", text: "是B77", expect: Order, want: expectation{has: []string{"order:order=B77"}}},
		{name: "expect order: product", text: "洗衣机", expect: Order, want: expectation{has: []string{"order:product=洗衣机"}}},
		{name: "url is no order", text: "see https://example.com/a1b2c3/x9", want: expectation{none: []Slot{Order}}},
		{name: "email is no order", text: "mail ab12@example.com", want: expectation{none: []Slot{Order}, has: []string{"contact:email=ab12@example.com"}}},
	})
}

func TestAnalyzePlaces(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "named store", text: "我在南京西路店买的", want: expectation{has: []string{"where:store=南京西路店"}, count: map[Slot]int{Where: 1}}},
		{name: "store with 的", text: "在徐家汇的门店买的", want: expectation{has: []string{"where:store=徐家汇的门店"}}},
		{name: "专卖店", text: "在XX专卖店买的", want: expectation{has: []string{"where:store=XX专卖店"}}},
		{name: "店员 is no store", text: "店员态度很差", want: expectation{none: []Slot{Where}}},
		{name: "这家店 has no name", text: "这家店太差了", want: expectation{none: []Slot{Where}}},
		{name: "the Oxford Street store", text: "I bought it at the Oxford Street store", want: expectation{has: []string{"where:store=Oxford Street store"}}},
		{name: "King's Road branch", text: "your King's Road branch was closed", want: expectation{has: []string{"where:store=King's Road branch"}}},
		{name: "at the mall", text: "I got it at the mall", want: expectation{has: []string{"where:store=the mall"}}},
		{name: "city", text: "我在上海买的", want: expectation{has: []string{"where:city=上海"}}},
		{name: "city in English", text: "I live in Shanghai", want: expectation{has: []string{"where:city=Shanghai"}}},
		{name: "world city", text: "bought in London last week", want: expectation{has: []string{"where:city=London", "when~=2026-11-16"}}},
		{name: "street is no city", text: "南京路上那家", want: expectation{none: []Slot{Where}}},
		{name: "online platform", text: "在京东买的", want: expectation{has: []string{"where:online=online (京东)"}}},
		{name: "online generic", text: "网上买的", want: expectation{has: []string{"where:online=online"}}},
		{name: "app", text: "在APP上下的单", want: expectation{has: []string{"where:online=online (app)"}}},
		{name: "amazon", text: "ordered it on Amazon", want: expectation{has: []string{"where:online=online (Amazon)"}}},
		{name: "淘宝店", text: "在淘宝店买的", want: expectation{has: []string{"where:online=online (淘宝)"}, count: map[Slot]int{Where: 1}}},
		{name: "抖音商城 is a shop, 抖音 alone social", text: "在抖音商城买的", want: expectation{has: []string{"where:online=online (抖音商城)"}, risks: risks()}},
		{name: "traditional online", text: "在天貓買的", want: expectation{has: []string{"where:online=online (天貓)"}}},
		{name: "chain store", text: "在宜家买的衣柜坏了", want: expectation{has: []string{"where:store=宜家"}}},
		{name: "expect where: free answer", text: "南京西路那家", expect: Where, want: expectation{has: []string{"where:other=南京西路那家"}}},
		{name: "expect where: online", text: "online", expect: Where, want: expectation{has: []string{"where:online=online"}}},
		{name: "expect where: Pudong store", text: "in the Pudong store", expect: Where, want: expectation{has: []string{"where:store=Pudong store"}}},
		{name: "expect where: skip", text: "不记得了", expect: Where, want: expectation{intents: intents(Skips), none: []Slot{Where}}},
		{name: "expect where: 在 prefix", text: "在人民广场那边", expect: Where, want: expectation{has: []string{"where:other=人民广场那边"}}},
	})
}

func TestAnalyzeImpactAndMoney(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "yuan", text: "花了300元", want: expectation{has: []string{"impact:money=¥300"}}},
		{name: "kuai", text: "赔我三百块", want: expectation{has: []string{"impact:money=¥300", "outcome:compensation=compensation"}}},
		{name: "wan", text: "一共1.5万", want: expectation{has: []string{"impact:money=¥15000"}}},
		{name: "qian", text: "2千元", want: expectation{has: []string{"impact:money=¥2000"}}},
		{name: "colloquial", text: "两千五百元", want: expectation{has: []string{"impact:money=¥2500"}}},
		{name: "rmb", text: "RMB 300", want: expectation{has: []string{"impact:money=¥300"}}},
		{name: "dollars", text: "I paid $300 for it", want: expectation{has: []string{"impact:money=$300"}}},
		{name: "usd", text: "USD 49.99", want: expectation{has: []string{"impact:money=$49.99"}}},
		{name: "euro", text: "€50 lost", want: expectation{has: []string{"impact:money=€50"}}},
		{name: "pounds", text: "it cost me 20 pounds", want: expectation{has: []string{"impact:money=£20"}}},
		{name: "three pieces of cake are no money", text: "买了三块蛋糕", want: expectation{none: []Slot{Impact}}},
		{name: "time: trips", text: "为了这事跑了三趟", want: expectation{has: []string{"impact:time=跑了三趟"}}},
		{name: "time: waited", text: "I waited 3 weeks for a reply", want: expectation{has: []string{"impact:time=waited 3 weeks"}}},
		{name: "time: day off", text: "I took a day off work for the delivery", want: expectation{has: []string{"impact:time=took a day off"}}},
		{name: "injury in English", text: "my son cut his finger on the broken glass", want: expectation{has: []string{"impact:injury=my son cut his finger on the broken glass"}, risks: risks(RiskInjury)}},
		{name: "distress", text: "孩子吓哭了", want: expectation{has: []string{"impact:distress=孩子吓哭了"}}},
		{name: "safety", text: "the battery swelled and started smoking", want: expectation{risks: risks(RiskSafety), has: []string{"impact:safety=the battery swelled and started smoking"}}},
	})
}

func TestAnalyzeOutcomes(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "refund", text: "我要退款", want: expectation{has: []string{"outcome:refund=refund"}}},
		{name: "退货 is refund", text: "我要退货", want: expectation{has: []string{"outcome:refund=refund"}}},
		{name: "replacement", text: "给我换一个新的", want: expectation{has: []string{"outcome:replacement=replacement"}}},
		{name: "repair", text: "安排上门维修吧", want: expectation{has: []string{"outcome:repair=repair"}}},
		{name: "apology", text: "你们必须给我道歉", want: expectation{has: []string{"outcome:apology=apology"}, hints: []Complainer{Stubborn}}},
		{name: "explanation", text: "给个说法", want: expectation{has: []string{"outcome:explanation=explanation"}}},
		{name: "compensation", text: "要求赔偿损失", want: expectation{has: []string{"outcome:compensation=compensation"}}},
		{name: "several outcomes", text: "退款,再道歉", want: expectation{has: []string{"outcome:refund=refund", "outcome:apology=apology"}}},
		{name: "refused outcome", text: "我不要退款,我要换货", want: expectation{has: []string{"!outcome:refund=refund", "outcome:replacement=replacement"}}},
		{name: "refused in English", text: "I don't want a refund, I want a replacement", want: expectation{has: []string{"!outcome:refund=refund", "outcome:replacement=replacement"}}},
		{name: "other: cancel order", text: "取消订单", want: expectation{has: []string{"outcome:other=取消订单"}}},
		{name: "other: manager fired", text: "I want the manager fired", want: expectation{has: []string{"outcome:other=I want the manager fired"}}},
		{name: "english money back", text: "I just want my money back", want: expectation{has: []string{"outcome:refund=refund"}}},
		{name: "send a new one", text: "please send a new one", want: expectation{has: []string{"outcome:replacement=replacement"}}},
		{name: "fix it", text: "just fix it", expect: Outcome, want: expectation{has: []string{"outcome:repair=repair"}}},
		{name: "退钱就行", text: "退钱就行", expect: Outcome, want: expectation{has: []string{"outcome:refund=refund"}}},
		{name: "apologise", text: "an apology would be nice", want: expectation{has: []string{"outcome:apology=apology"}}},
		{name: "why is a weak explanation", text: "为什么这么久还没发货", want: expectation{has: []string{"outcome:explanation=explanation"}}},
		{name: "why with a refund is only a refund", text: "为什么不发货?我要退款", want: expectation{has: []string{"outcome:refund=refund"}, count: map[Slot]int{Outcome: 1}}},
		{name: "expect outcome: free answer", text: "让他们把门修好再说", expect: Outcome, want: expectation{has: []string{"outcome:repair=repair"}}},
		{name: "expect outcome: other", text: "给我一张优惠券补一下", expect: Outcome, want: expectation{count: map[Slot]int{Outcome: 1}}},
		{name: "stubborn repeats", text: "退款!退款!我只接受退款!", want: expectation{hints: []Complainer{Stubborn}}},
	})
}

func TestAnalyzeContacts(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "cn mobile", text: "我的手机13812345678", want: expectation{has: []string{"contact:phone=+8613812345678"}, none: []Slot{Order}}},
		{name: "cn mobile with +86", text: "电话 +86 138 1234 5678", want: expectation{has: []string{"contact:phone=+8613812345678"}}},
		{name: "landline", text: "座机021-12345678", want: expectation{has: []string{"contact:phone=+862112345678"}}},
		{name: "us number", text: "my number is +1 415 867 5309", want: expectation{has: []string{"contact:phone=+14158675309"}}},
		{name: "us formatted", text: "call me at (415) 867-5309", want: expectation{has: []string{"contact:phone=+14158675309", "contact:call=call"}}},
		{name: "uk number", text: "reach me on +44 20 7946 0958", want: expectation{has: []string{"contact:phone=+442079460958"}}},
		{name: "order and phone side by side", text: "订单号13812345678,我的手机13912345678", want: expectation{has: []string{"order:order=13812345678", "contact:phone=+8613912345678"}}},
		{name: "hotline is no contact", text: "打了你们400-800-1234好几次都没人接", want: expectation{none: []Slot{Contact}}},
		{name: "email", text: "email me at John.Doe@example.com", want: expectation{has: []string{"contact:email=John.Doe@example.com"}}},
		{name: "wechat", text: "微信号 abc12345", want: expectation{has: []string{"contact:wechat=abc12345"}}},
		{name: "call me", text: "打电话给我", want: expectation{has: []string{"contact:call=call"}}},
		{name: "reply here", text: "please reply here, I can't take calls", want: expectation{has: []string{"contact:chat=chat"}}},
		{name: "就在这里联系", text: "就在这里联系吧", want: expectation{has: []string{"contact:chat=chat"}}},
		{name: "email me", text: "please email me", want: expectation{has: []string{"contact:email=email"}}},
		{name: "short digits are no phone", text: "我等了12345分钟", want: expectation{none: []Slot{Contact}}},
	})
}

func TestAnalyzeHints(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "justice", text: "我投诉不是为了钱,是为了别人不再受骗", want: expectation{hints: []Complainer{Justice}}},
		{name: "justice in English", text: "I'm telling you so it doesn't happen to others.", want: expectation{hints: []Complainer{Justice}}},
		{name: "stubborn", text: "我就要退款,别的都不接受", want: expectation{hints: []Complainer{Stubborn}}},
		{name: "stubborn in English", text: "I will only accept a full refund", want: expectation{hints: []Complainer{Stubborn}}},
		{name: "prepared by date and amount", text: "我11月3日在你们店花了3999元买的电视,第二天就黑屏了", want: expectation{hints: []Complainer{Prepared}}},
		{name: "influential", text: "我是记者,你们看着办", want: expectation{hints: []Complainer{Influential}, risks: risks(RiskMedia)}},
		{name: "influential connection", text: "我认识你们领导", want: expectation{hints: []Complainer{Influential}}},
		{name: "influential in English", text: "My husband is a lawyer", want: expectation{hints: []Complainer{Influential}}},
		{name: "resigned", text: "算我倒霉吧,东西坏了也就这样了", want: expectation{hints: []Complainer{Resigned}}},
		{name: "resigned in English", text: "whatever, just my luck I guess", want: expectation{hints: []Complainer{Resigned}}},
		{name: "reasoner", text: "我理解你们快递多,但是我已经等了两个星期了。本来说好三天到,结果一直没到,我打电话问,客服说在路上,可是物流一直不更新。" +
			"我觉得这不是我一个人的问题,因为我也看到别人在说,所以希望你们认真处理一下,给我一个解释。",
			want: expectation{hints: []Complainer{Reasoner}, noHints: []Complainer{Emotional}}},
		{name: "calm facts have no hints", text: "洗衣机坏了", want: expectation{hints: nil, noHints: []Complainer{Emotional, Justice, Stubborn, Prepared, Influential, Resigned, Reasoner, Ranter}}},
	})
}

func TestAnalyzeNastyInput(t *testing.T) {
	nasty := []struct{ name, text string }{
		{"empty", ""},
		{"spaces", "   \t\n  "},
		{"invalid utf-8", "\xff\xfe订单\xc3号B77\x80坏了"},
		{"lone continuation bytes", "\x80\x80\x80"},
		{"nul bytes", "a\x00b\x00订单号\x00123"},
		{"only punctuation", "!!!???。。。,,,"},
		{"10k emoji", strings.Repeat("😡", 10000)},
		{"16 KiB of Chinese", strings.Repeat("我上周三在南京西路店买的洗衣机坏了,我要退款!", 16<<10/60)},
		{"16 KiB of English", strings.Repeat("I bought it last Tuesday and it broke, refund please! ", 16<<10/50)},
		{"64 KiB", strings.Repeat("订单号B77 ", 64<<10/11)},
		{"digits", strings.Repeat("1234567890", 2000)},
		{"slashes", strings.Repeat("1/2/", 3000)},
		{"combining marks", "e\u0301\u0301\u0301 订\u0301单"},
		{"right-to-left", "\u202eorder B77\u202c"},
		{"ZWJ emoji", "👨‍👩‍👧‍👦👨‍👩‍👧‍👦"},
		{"huge number", "花了99999999999999999999999999元"},
		{"many dates", strings.Repeat("上周三 3月5日 yesterday 2026-11-03 ", 400)},
		{"cut after a lead", "订单号"},
		{"dangling currency", "¥"},
	}
	for _, c := range nasty {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			a := analyze(c.text, Context{Now: monday})
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %v", d)
			}
			checkInvariants(t, c.text, monday, a)
			b := Analyze(c.text, Context{Now: monday})
			if b.Lang != a.Lang || len(b.Findings) != len(a.Findings) {
				t.Fatalf("Analyze and analyze differ")
			}
		})
	}
	t.Run("only punctuation says nothing", func(t *testing.T) {
		a := analyze("...,,,;;;", Context{Now: monday})
		if a.Lang != "" || len(a.Findings) != 0 || len(a.Intents) != 0 || a.Complaint {
			t.Fatalf("want nothing, got %s", describe(a))
		}
	})
	t.Run("10k emoji is furious and says no facts", func(t *testing.T) {
		a := analyze(strings.Repeat("😡", 10000), Context{Now: monday})
		if a.Emotion != Furious || len(a.Findings) != 0 {
			t.Fatalf("got %s", describe(a))
		}
	})
	t.Run("invalid utf-8 is still read", func(t *testing.T) {
		a := analyze("\xff订单号B77\xfe坏了", Context{Now: monday})
		if !slices.ContainsFunc(a.Findings, func(f Finding) bool { return f.Slot == Order && f.Value == "B77" }) || !a.Complaint {
			t.Fatalf("got %s", describe(a))
		}
	})
}

func TestAnalyzeMixedLanguage(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "chinese with english order word", text: "我的order B77 还没到!!", want: expectation{lang: lang(ZH), has: []string{"order:order=B77"}, complaint: yes(true)}},
		{name: "english with chinese store", text: "I bought it at 南京西路店 last Tuesday and it's broken", want: expectation{lang: lang(EN), has: []string{"where:store=南京西路店", "when=2026-11-17"}, complaint: yes(true)}},
		{name: "chinese with english refund", text: "质量太差了,我要refund", want: expectation{lang: lang(ZH), has: []string{"outcome:refund=refund"}, complaint: yes(true)}},
		{name: "full-width punctuation and digits", text: "订单号：Ｂ７７，昨天坏了！！", want: expectation{has: []string{"order:order=Ｂ７７", "when=2026-11-22"}, complaint: yes(true), signals: []string{signalExclaim}}},
	})
}

func TestAnalyzeNeverPanicsOnRecoveredBug(t *testing.T) {
	// Analyze must return, whatever the text; an empty Context (zero Now)
	// is a legal call.
	a := Analyze("昨天在上海的店里买的,坏了", Context{})
	if a.Lang != ZH || !a.Complaint || len(a.Found(When)) != 0 {
		t.Fatalf("got %s", describe(a))
	}
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// TestAnalyzeLongTextsStayLinear reads 32 KiB (all Analyze reads) of texts
// made to be costly: every rule's needle, over and over. The bound is far
// above the few milliseconds they take, so it fails only when a rule's cost
// grows faster than the text.
func TestAnalyzeLongTextsStayLinear(t *testing.T) {
	units := map[string]string{
		"digits": "1234567890", "spaced digits": "138 1234 5678 ", "phones": "手机13812345678,", "dollars": "$1 ", "at": "a@b.cc ",
		"order": "order #a1 ", "store": "At The Big Red Store ", "week": "上周三", "month": "月", "hao": "1号", "slash": "1/2 ",
		"dash": "2026-11-03 ", "monday": "monday ", "ago": "2 days ago ", "han": "我的洗衣机坏了", "kuai": "三百块", "alnum": "a1",
		"hyphen": "a-", "emoji": "😡", "bangs": "!", "yes": "对,", "caps": "WHY ", "nov": "nov 3 ", "before last": "the tuesday before last ",
		"numerals": "一二三四五六七八九十百千万", "wechat": "微信号abcdef1 ", "ordinals": "the 1st ", "store suffix": "店",
	}
	for name, unit := range units {
		t.Run(name, func(t *testing.T) {
			text := strings.Repeat(unit, maxAnalyzedBytes/len(unit)+1)
			start := time.Now()
			a := analyze(text, Context{Now: monday})
			if d := time.Since(start); d > time.Second {
				t.Fatalf("took %v", d)
			}
			checkInvariants(t, text, monday, a)
			for _, s := range Slots {
				if n := len(a.Found(s)); n > maxFindingsPerSlot+maxSideGrievances {
					t.Fatalf("%d findings of %s", n, s)
				}
			}
		})
	}
}

func TestAnalyzeWholeComplaints(t *testing.T) {
	runAnalyzeCases(t, []analyzeCase{
		{name: "angry chinese burst", text: "你们这是什么破服务!!!我上个月在京东买的海尔冰箱,用了不到两周就不制冷了,打了五次客服电话都说在处理,到现在也没人上门。" +
			"我家里还有老人孩子,吃的东西全坏了,损失至少两千块。我要求退货退款,还要赔偿!再不处理我就去12315投诉,发微博曝光你们!",
			want: expectation{lang: lang(ZH), minEmo: emo(Angry), venting: yes(true), complaint: yes(true),
				risks: risks(RiskMedia, RiskSocial, RiskRegulator), hints: []Complainer{Emotional, Prepared, Influential},
				has: []string{
					"grievance=我上个月在京东买的海尔冰箱,用了不到两周就不制冷了,打了五次客服电话都说在处理,到现在也没人上门",
					"grievance:side=我家里还有老人孩子,吃的东西全坏了,损失至少两千块",
					"when~=2026-10-01", "where:online=online (京东)", "order:product=海尔冰箱", "impact:money=¥2000",
					"impact:time=打了五次客服电话", "outcome:refund=refund", "outcome:compensation=compensation",
				}}},
		{name: "calm english letter", text: "Hi, I ordered a sofa (order #SO-88213) on Nov 3 from your website. It was delivered yesterday with a big tear on the left arm " +
			"and one leg missing. The driver was rude and left it in the hallway. I'd like a replacement or a full refund. You can reach me at " +
			"07911 123456 or jane.smith@example.co.uk. Thanks.",
			want: expectation{lang: lang(EN), maxEmo: emo(Upset), venting: yes(true), complaint: yes(true), intents: intents(Thanks), risks: risks(),
				has: []string{
					"grievance=It was delivered yesterday with a big tear on the left arm and one leg missing",
					"grievance:side=The driver was rude and left it in the hallway",
					"order:order=SO-88213", "order:product=sofa", "when=2026-11-03", "when=2026-11-22", "where:online=online",
					"outcome:replacement=replacement", "outcome:refund=refund", "contact:phone=+447911123456",
					"contact:email=jane.smith@example.co.uk",
				}}},
		{name: "resigned withdrawal", text: "算了,也没指望你们能解决,就当买个教训吧",
			want: expectation{intents: intents(Withdraws), hints: []Complainer{Resigned}, complaint: yes(false)}},
		{name: "justice with a store and a day", text: "我是为了别人着想才投诉的,你们这样的门店不应该存在,上周六在中山路店买的面包吃出了头发",
			want: expectation{hints: []Complainer{Justice}, complaint: yes(true), has: []string{"when=2026-11-21", "where:store=中山路店"}, none: []Slot{Impact}}},
		{name: "prepared english", text: "Your app charged me twice for the same ride on Tuesday. $23.40 each time. I have screenshots.",
			want: expectation{risks: risks(RiskRecording), hints: []Complainer{Prepared}, complaint: yes(true),
				has: []string{"when=2026-11-17", "where:online=online (app)", "impact:money=$23.40"}}},
		{name: "yes with a phone", text: "好的,那我等你们电话,我的手机是13912345678",
			want: expectation{intents: intents(Yes), has: []string{"contact:phone=+8613912345678"}, complaint: yes(false)}},
		{name: "shouting twice is angry", text: "快点处理!!!我已经等了三天了!!!",
			want: expectation{minEmo: emo(Angry), intents: intents(Chases), complaint: yes(true), has: []string{"impact:time=等了三天"}}},
		{name: "a threat is no grievance", text: "再不处理我就去12315投诉",
			want: expectation{complaint: yes(false), risks: risks(RiskRegulator), minEmo: emo(Upset)}},
	})
}

func TestAnalyzeConcurrently(t *testing.T) {
	texts := []string{
		"我上周三在南京西路店买的,坏了,我要退款",
		"It arrived on the Tuesday before last and I want my money back",
		"订单号B77,手机13812345678",
		"the invoice is from October 2025",
	}
	want := make([]Analysis, len(texts))
	for i, s := range texts {
		want[i] = Analyze(s, Context{Now: monday})
	}
	done := make(chan error)
	for g := 0; g < 8; g++ {
		go func() {
			for k := 0; k < 20; k++ {
				i := (g + k) % len(texts)
				got := Analyze(texts[i], Context{Now: monday})
				if describe(got) != describe(want[i]) {
					done <- fmt.Errorf("%q read differently at once: %s vs %s", texts[i], describe(got), describe(want[i]))
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestAnalyzeGrievanceIsCut(t *testing.T) {
	text := strings.Repeat("洗衣机坏了而且漏水,", 30)
	a := analyze(text, Context{Now: monday})
	g := a.Found(Grievance)
	if len(g) == 0 {
		t.Fatalf("no grievance: %s", describe(a))
	}
	v := []rune(g[0].Value)
	if len(v) > maxGrievanceRunes+1 || v[len(v)-1] != '…' {
		t.Fatalf("grievance of %d characters, want at most %d ending in …: %q", len(v), maxGrievanceRunes+1, g[0].Value)
	}
	if !strings.HasPrefix(text, strings.TrimSuffix(g[0].Value, "…")) || g[0].Span != strings.TrimRight(text, ",") {
		t.Fatalf("value %q / span %q are not the text as written", g[0].Value, g[0].Span)
	}
}
