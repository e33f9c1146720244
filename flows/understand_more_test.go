package flows

import (
	"slices"
	"strings"
	"testing"
)

func TestScriptOf(t *testing.T) {
	for _, tc := range []struct {
		text string
		want Script
	}{
		{"我上周买的电饭煲坏了", Simplified},
		{"我上週買的電飯煲壞了", Traditional},
		{"我喺你哋旺角店買嘅耳機", TraditionalHK},
		{"the kettle is broken", Simplified},
		{"訂單號 TW-88123", Traditional},
		{"于是我去了", Simplified}, // 于 is ordinary simplified text
	} {
		if got := ScriptOf(tc.text); got != tc.want {
			t.Errorf("ScriptOf(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestToScript(t *testing.T) {
	for _, tc := range []struct {
		text string
		sc   Script
		want string
	}{
		{"这个电饭煲的订单号是多少？", Traditional, "這個電飯煲的訂單號是多少？"},
		{"为什么着急", Traditional, "為什麼著急"},
		{"为什么着急", TraditionalHK, "為什麼着急"},
		{"这个电饭煲", Simplified, "这个电饭煲"},
		{"Order B77, kettle", Traditional, "Order B77, kettle"},
		{"同事 bob 会跟进 #12", Traditional, "同事 bob 會跟進 #12"},
		// The customer's own words, quoted back, stay as written.
		{"您反映：“這台吹風機太坑了”。这样理解对吗？", Traditional, "您反映：“這台吹風機太坑了”。這樣理解對嗎？"},
		{"您说“台灯坏了”，还有“台", Traditional, "您說“台灯坏了”，還有“台"},
	} {
		if got := ToScript(tc.text, tc.sc); got != tc.want {
			t.Errorf("ToScript(%q, %q) = %q, want %q", tc.text, tc.sc, got, tc.want)
		}
	}
	cat := MustCatalog()
	if got := cat.TextIn(ZH, Traditional, "flood", 1, nil); got == cat.Text(ZH, "flood", 1, nil) || replyScript(got) != "hant" {
		t.Errorf("TextIn(zh, hant, flood) = %q, want it in traditional characters", got)
	}
	if got := cat.TextIn(EN, Traditional, "flood", 1, nil); got != cat.Text(EN, "flood", 1, nil) {
		t.Errorf("TextIn(en, hant) = %q changed English", got)
	}
}

func TestZhTypography(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"我们的同事bob已经接手", "我们的同事 bob 已经接手"},
		{"这个iPhone 15的订单号", "这个 iPhone 15 的订单号"},
		{"好的,记下了!", "好的，记下了！"},
		{"11月18日（周三）15 分钟", "11月18日（周三）15 分钟"},
		{"时间：10:00", "时间：10:00"},
		{"您反映：“送来就是坏的,门关不上abc”。", "您反映：“送来就是坏的,门关不上abc”。"},
		{"plain English, stays", "plain English, stays"},
	} {
		if got := zhTypography(tc.in); got != tc.want {
			t.Errorf("zhTypography(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDetectLang(t *testing.T) {
	for _, tc := range []struct {
		texts []string
		want  Lang
	}{
		{[]string{"hello", "my order is late"}, EN},
		{[]string{"你好", "我的订单还没到"}, ZH},
		{[]string{"我的order B77 还没到!!"}, ZH},
		{[]string{"my 电饭煲 rice cooker from your store is broken"}, EN},
		// A brand in a Chinese clause is not English.
		{[]string{"我訂的 iPhone 15 手機殼還沒到，it's been 2 weeks already"}, ZH},
		{[]string{"我买的 Samsung Galaxy S24 Ultra 屏幕坏了"}, ZH},
		{[]string{"B77", "12345"}, "fallback"},
		{nil, "fallback"},
	} {
		if got := DetectLang("fallback", tc.texts...); got != tc.want {
			t.Errorf("DetectLang(%q) = %q, want %q", tc.texts, got, tc.want)
		}
	}
}

func TestResolveAskKeyFitsTheOutcome(t *testing.T) {
	cat := MustCatalog()
	for _, tc := range []struct {
		kinds []string
		want  string
	}{
		{[]string{Refund}, "case.resolved_ask.refund"},
		{[]string{Compensation, Replacement}, "case.resolved_ask.replacement"},
		{[]string{Repair}, "case.resolved_ask.repair"},
		{[]string{Apology, Explanation}, "case.resolved_ask.apology"},
		{[]string{Explanation}, "case.resolved_ask"},
		{nil, "case.resolved_ask"},
	} {
		got := ResolveAskKey(tc.kinds)
		if got != tc.want {
			t.Errorf("ResolveAskKey(%v) = %q, want %q", tc.kinds, got, tc.want)
		}
		for _, lang := range []Lang{ZH, EN} {
			if cat.Variants(lang, got) == 0 {
				t.Errorf("%s has no %s wording", got, lang)
			}
		}
	}
}

// TestCatalogNeverCheersOrSaysTA checks every sentence of the catalogue:
// no "好消息", "太好了", "Good news", "Great!", "Glad" (they jar with an
// angry customer and with a grudging "算是解决了吧"), no "TA", and Chinese
// typography (a space around Latin words, no half-width punctuation after
// a Chinese character).
func TestCatalogNeverCheersOrSaysTA(t *testing.T) {
	cat := MustCatalog()
	data := map[string]any{"Owner": "bob", "ID": "12", "Customer": "amy", "Who": "bob", "To": "carol", "Product": "iPhone 15"}
	for _, key := range cat.Keys() {
		for _, lang := range []Lang{ZH, EN} {
			for i := 1; i <= cat.Variants(lang, key); i++ {
				s := cat.Text(lang, key, i, data)
				for _, p := range replyProblems(s, lang) {
					if strings.Contains(p, "template error") {
						continue // keys rendered without all their data
					}
					t.Errorf("%s %s #%d: %s", lang, key, i, p)
				}
				if strings.Contains(s, "Glad") {
					t.Errorf("%s %s #%d cheers: %q", lang, key, i, s)
				}
			}
		}
	}
}

func TestAnalyzeAsides(t *testing.T) {
	for _, tc := range []struct {
		text   string
		want   Intent
		expect Slot
	}{
		{"btw do u guys sell phone cases for the pixel 9? lol", Questions, Order},
		{"你们门店晚上几点关门？", Questions, ""},
		{"请问你们周末上班吗", Questions, ""},
		{"哈哈哈你们回复还挺快的", ChitChat, Outcome},
		{"it's freezing here lol, is it cold where you are?", ChitChat, ""},
		{"你是机器人吗", AsksBot, ""},
		{"are you a bot?", AsksBot, ""},
	} {
		a := Analyze(tc.text, Context{Now: monday, Expect: tc.expect})
		if !a.Has(tc.want) {
			t.Errorf("%q: intents %v, want %s", tc.text, a.Intents, tc.want)
		}
		if a.Has(WantsHuman) {
			t.Errorf("%q: read as a request for a person", tc.text)
		}
	}
	for _, text := range []string{
		"can you refund me?",               // a request
		"为什么我的订单还没到？",                      // a complaint
		"你们就是这样服务客户的吗？",                    // indignant
		"the screen is cracked, what now?", // a complaint
	} {
		if a := Analyze(text, Context{Now: monday}); a.Has(Questions) || a.Has(ChitChat) {
			t.Errorf("%q: read as an aside (%v)", text, a.Intents)
		}
	}
}

func TestAnalyzeDurationsAndDeadlines(t *testing.T) {
	for _, tc := range []struct {
		text string
		has  []string
		none []Slot
	}{
		{"冰箱买了才半年就不制冷了", []string{"when~=2026-05-23"}, nil},
		{"刚用了几天就坏了", []string{"when~=2026-11-20"}, nil},
		{"it stopped charging after two weeks", []string{"when~=2026-11-09"}, nil},
		{"it has been 3 weeks and nothing", []string{"when~=2026-11-02"}, nil},
		{"10月下旬买的大衣", []string{"when~=2026-10-21"}, nil},
		{"618买的", []string{"when=2026-06-18"}, nil},
		{"订单号JD20250618991", nil, []Slot{When}},
		{"周六之前必须给我换好", []string{"deadline=2026-11-28"}, []Slot{When}},
		{"我周日要出差", nil, []Slot{When}},
		{"I want a replacement sent by Friday", []string{"deadline=2026-11-27"}, []Slot{When}},
		{"it was supposed to arrive by Friday", nil, []Slot{Deadline}},
		{"three days ago", []string{"when=2026-11-20"}, []Slot{Deadline}},
		{"三天内给我答复", []string{"deadline=2026-11-26"}, nil},
		// The day of an event the customer needs the thing for.
		{"明天就是我女儿生日，蛋糕还没送到", []string{"deadline=2026-11-24"}, []Slot{When}},
		{"My daughter's birthday is tomorrow and the cake hasn't arrived", []string{"deadline=2026-11-24"}, []Slot{When}},
		{"tomorrow is my son's birthday", []string{"deadline=2026-11-24"}, []Slot{When}},
		{"下周一我就要出国了，护照还在你们那", []string{"deadline=2026-11-30"}, []Slot{When}},
		{"婚礼是这周六，礼服还没改好", []string{"deadline=2026-11-28"}, []Slot{When}},
		{"婚禮是這週六，禮服還沒改好", []string{"deadline=2026-11-28"}, []Slot{When}},
		{"I fly out on Friday and my passport is still with you", []string{"deadline=2026-11-27"}, []Slot{When}},
		{"上周六是我生日，蛋糕没到", []string{"when=2026-11-21"}, []Slot{Deadline}},
		{"my birthday was yesterday and the cake never came", nil, []Slot{Deadline}},
		// A day of next week is never the day something happened.
		{"下个星期三买的", nil, []Slot{When}},
		{"下周一再说吧", nil, []Slot{When}},
		{"明年一月再说", nil, []Slot{When}},
		{"去年一月买的", []string{"when~=2025-01-01"}, nil},
		{"I ordered it last Friday and I need it next Monday", []string{"when=2026-11-20", "deadline=2026-11-30"}, nil},
		{"下周末前能到吗", []string{"deadline=2026-12-04"}, []Slot{When}},
	} {
		a := Analyze(tc.text, Context{Now: monday})
		for _, spec := range tc.has {
			if !slices.ContainsFunc(a.Findings, func(f Finding) bool { return findingMatches(f, spec) }) {
				t.Errorf("%q: want %s\n%s", tc.text, spec, describe(a))
			}
		}
		for _, slot := range tc.none {
			if len(a.Found(slot)) > 0 {
				t.Errorf("%q: want no %s\n%s", tc.text, slot, describe(a))
			}
		}
	}
}

func TestAnalyzeProductNotWhatItDamaged(t *testing.T) {
	for _, tc := range []struct{ text, product, damaged string }{
		{"这台扫地机器人前天买的，今天把我家的木地板刮花了", "扫地机器人", "地板"},
		{"买的小太阳取暖器把窗帘烤焦了", "取暖器", "窗帘"},
		{"快递员把我买的台灯摔坏了", "台灯", ""},
		{"The washing machine you installed leaked and ruined my kitchen floor", "washing machine", "kitchen floor"},
		{"The paint I bought stained my carpet", "paint", "carpet"},
		{"这款筋膜枪用了三次就没劲了", "筋膜枪", ""},
		{"My Dyson V11 stopped charging", "Dyson V11", ""},
		{"型号X200的洗衣机漏水", "洗衣机 X200", ""},
		{"我訂的 iPhone 15 手機殼還沒到", "iPhone 15 手機殼", ""},
		{"我买的 Samsung Galaxy S24 Ultra 屏幕坏了", "Galaxy S24 Ultra", ""},
		{"买的小米13手机充不进电", "小米13手机", ""},
	} {
		a := Analyze(tc.text, Context{Now: monday})
		var product, damaged string
		for _, f := range a.Findings {
			if f.Slot == Order && f.Kind == OrderProduct && !f.Negated {
				product = f.Value
			}
			if f.Slot == Impact && f.Kind == ImpactDamage {
				damaged = f.Value
			}
		}
		if !strings.Contains(product, tc.product) || (tc.damaged == "") != (damaged == "") || !strings.Contains(damaged, tc.damaged) {
			t.Errorf("%q: product %q damaged %q, want %q and %q\n%s", tc.text, product, damaged, tc.product, tc.damaged, describe(a))
		}
	}
}

func TestAnalyzeHarmNeedsAnEvent(t *testing.T) {
	for _, tc := range []struct {
		text   string
		injury bool
	}{
		{"I have bad allergies so I ordered the fragrance-free one", false},
		{"我是过敏体质，所以备注了不要花生", false},
		{"my son had an allergic reaction after eating it", true},
		{"用了第二天脸上就起了一片红疹", true},
		{"电热毯冒烟了，还好没有人受伤", false},
	} {
		a := Analyze(tc.text, Context{Now: monday})
		if got := slices.Contains(a.Risks, RiskInjury); got != tc.injury {
			t.Errorf("%q: injury %v, want %v\n%s", tc.text, got, tc.injury, describe(a))
		}
	}
}

func TestTopicFollowsTheProductsHeadNoun(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"买的生日蛋糕送来的时候全压烂了", TopicPerishable},
		{"买的电饭煲送来就是坏的", ""},
		{"the birthday cake I ordered arrived crushed", TopicPerishable},
		{"the cake stand I ordered arrived broken", ""},
		{"the cupcakes were stale", ""},
		{"约了师傅上门保养空调，等到下午四点都没人来", TopicService},
		{"the engineer was booked for 9 and never showed", TopicService},
		{"买的电饭煲坏了，客服电话一直没人接", ""},
	} {
		if got := analyze(tc.text, Context{Now: monday}).Topic; got != tc.want {
			t.Errorf("%q: topic %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestBookedVisitIsNotTheOutcome(t *testing.T) {
	for _, tc := range []struct {
		text   string
		repair bool
	}{
		{"上周六约了师傅上门保养空调，说好上午十点到", false},
		{"I booked an engineer visit to repair the boiler and nobody came", false},
		{"我想预约师傅上门维修", true},
		{"I need to book a repair for the boiler", true},
	} {
		got := false
		for _, f := range analyze(tc.text, Context{Now: monday}).Found(Outcome) {
			got = got || f.Kind == Repair && !f.Negated
		}
		if got != tc.repair {
			t.Errorf("%q: repair wanted = %v, want %v", tc.text, got, tc.repair)
		}
	}
}

func TestCantoneseAnswers(t *testing.T) {
	for _, tc := range []struct {
		text   string
		expect Slot
		want   Intent
	}{
		{"係", "", Yes},
		{"係呀", "", Yes},
		{"冇錯", "", Yes},
		{"唔係", "", No},
		{"冇啦", Where, NothingElse},
		{"唔記得", When, Skips},
	} {
		if got := Analyze(tc.text, Context{Now: monday, Expect: tc.expect}).Intents; !slices.Contains(got, tc.want) {
			t.Errorf("%q: intents %v, want %s", tc.text, got, tc.want)
		}
	}
	// 系统 is a system, not a yes.
	if got := Analyze("系统坏了", Context{Now: monday}).Intents; slices.Contains(got, Yes) {
		t.Errorf("系统坏了 read as yes: %v", got)
	}
}

func TestWhereAnswerThatSaysSomethingElse(t *testing.T) {
	for _, text := range []string{"我要一个说法", "I want a refund", "昨天"} {
		for _, f := range Analyze(text, Context{Now: monday, Expect: Where}).Findings {
			if f.Slot == Where {
				t.Errorf("%q, asked where, read as the place %q", text, f.Value)
			}
		}
	}
	if got := Analyze("南京西路那家", Context{Now: monday, Expect: Where}).Findings; len(got) == 0 || got[0].Slot != Where {
		t.Errorf("南京西路那家, asked where: %+v, want the place", got)
	}
}

func TestAPlaceTheyCannotGoToIsNotWhere(t *testing.T) {
	for _, tc := range []struct {
		text  string
		where bool
	}{
		{"my Pixel 9 screen went black. I have bad allergies so I cant go to the store easily", false},
		{"the kettle broke and I don't want to drive to the store again", false},
		{"I bought it at the mall and it broke", true},
	} {
		got := len(analyze(tc.text, Context{Now: monday}).Found(Where)) > 0
		if got != tc.where {
			t.Errorf("%q: where found = %v, want %v", tc.text, got, tc.where)
		}
	}
}

// TestAnalyzeHomeVisits: a visit to the customer's home is where it
// happened, and the repair it was for is what went wrong, not what they
// ask for; a visit asked for is an outcome, and says nothing of where.
func TestAnalyzeHomeVisits(t *testing.T) {
	for _, tc := range []struct {
		text     string
		has      []string
		notWhere bool
		noRepair bool
	}{
		{"昨天你们的安装师傅上门装空调，把我家墙弄坏了，我要赔偿", []string{"where:other=home", "outcome:compensation=compensation"}, false, true},
		{"Your technician came to my house yesterday to fix the dishwasher and now it leaks everywhere. I want compensation.",
			[]string{"where:other=home", "outcome:compensation=compensation"}, false, true},
		{"洗衣机坏了，请派师傅上门修", []string{"outcome:repair=repair"}, true, false},
		{"Can you send someone to fix the boiler?", []string{"outcome:repair=repair"}, true, false},
		{"网上买的冰箱，送货师傅到我家时把门撞坏了", []string{"where:online=online"}, false, false},
	} {
		a := Analyze(tc.text, Context{Now: monday})
		for _, spec := range tc.has {
			if !slices.ContainsFunc(a.Findings, func(f Finding) bool { return findingMatches(f, spec) }) {
				t.Errorf("%q: want %s\n%s", tc.text, spec, describe(a))
			}
		}
		if tc.notWhere && len(a.Found(Where)) > 0 {
			t.Errorf("%q: a visit asked for was read as where it happened\n%s", tc.text, describe(a))
		}
		if tc.noRepair && slices.ContainsFunc(a.Findings, func(f Finding) bool { return f.Slot == Outcome && f.Kind == Repair }) {
			t.Errorf("%q: the visit that went wrong was read as a repair asked for\n%s", tc.text, describe(a))
		}
		if n := len(a.Found(Where)); n > 1 {
			t.Errorf("%q: %d places\n%s", tc.text, n, describe(a))
		}
	}
}
