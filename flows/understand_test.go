package flows

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestUnderstandLexiconIsNormalised(t *testing.T) {
	seen := map[string]bool{}
	for _, lx := range expandLexGroups(allLexGroups...) {
		w := lx.word
		switch {
		case w != strings.TrimSpace(w):
			t.Errorf("keyword %q has spaces at an end", w)
		case toHans(w) != w:
			t.Errorf("keyword %q is not in simplified characters", w)
		case strings.ToLower(w) != w:
			t.Errorf("keyword %q is not lower case", w)
		case strings.ContainsAny(w, "’‘“”，。！？：；（）"):
			t.Errorf("keyword %q has curly quotes or full-width punctuation", w)
		case strings.Contains(w, "  "):
			t.Errorf("keyword %q has a double space", w)
		}
		u := prepareUtterance(w)
		if u.norm != w {
			t.Errorf("keyword %q normalises to %q: it can never match", w, u.norm)
		}
		key := fmt.Sprintf("%s|%d|%s", w, lx.sense, lx.arg)
		if seen[key] {
			t.Errorf("keyword %q is listed twice with the same sense", w)
		}
		seen[key] = true
	}
}

func TestUnderstandMatcher(t *testing.T) {
	m := newLexMatcher([]lexeme{{word: "对"}, {word: "不对"}, {word: "no"}, {word: "no idea"}, {word: "app"}, {word: "订单号"}, {word: "单号"}})
	words := func(s string) []string {
		var out []string
		for _, h := range dropContained(m.find(s)) {
			out = append(out, s[h.start:h.end])
		}
		return out
	}
	for _, c := range []struct {
		text string
		want []string
	}{
		{"对", []string{"对"}},
		{"不对", []string{"不对"}},
		{"no idea", []string{"no idea"}},
		{"no", []string{"no"}},
		{"nothing", nil},               // whole words only
		{"apple app", []string{"app"}}, // not inside "apple"
		{"在app上", []string{"app"}},
		{"订单号", []string{"订单号"}},
		{"单号 对 no", []string{"单号", "对", "no"}},
	} {
		if got := words(c.text); !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}
}

// allScans lists every pattern searched with nearScan.
func allScans() map[string]nearScan {
	scans := map[string]nearScan{
		"isoDate": isoDateScan, "slashDate": slashDateScan, "fallbackWord": fallbackDateWordScan,
		"moneyPrefix": moneyPrefixScan, "moneySuffix": moneySuffixScan, "moneyWan": moneyWanScan, "moneyHan": moneyHanScan,
		"phone": phoneCandidateScan, "email": emailScan, "wechat": wechatScan, "qq": qqScan, "influence": influenceScan,
		"orderKey": orderKeyScan, "productModel": productModelScan, "zhStore": zhStoreScan, "enStore": enStoreScan,
		"enGenericStore": enGenericStoreScan,
	}
	for _, r := range zhDateRules {
		scans["zh "+r.name] = r.scan()
	}
	for _, r := range enDateRules {
		scans["en "+r.name] = r.scan()
	}
	for i, s := range timeLostRes {
		scans[fmt.Sprintf("timeLost %d", i)] = s
	}
	return scans
}

// scanCorpus is text for checking that searching near needles finds what a
// search of the whole text finds.
var scanCorpus = []string{
	"我上周三在南京西路店买的洗衣机,用了两天就坏了,漏水漏了一地!客服态度还很差,我要退款,订单号B77。",
	"I bought a washing machine from your Oxford Street store on November 3rd and it stopped working after two days.",
	"二〇二五年十二月一日买的,去年12月20日又买了一次,上个月15号第三次,三个多月前还有一次,上上个星期三也有。",
	"花了¥1,299.00,还有3,999元,1.5万,两千五百块钱,RMB 300, $12.50, 20 quid, HK$300 and 300 dollars.",
	"call me at (415) 867-5309 or +86 138 1234 5678 or 021-12345678, email john.doe@example.com, 微信号 abc12345, QQ号 12345678",
	"order #12345, order number is B77, tracking number SF1234567890, 快递单号YT9876543210, 型号X200, SN: ABC123, iPhone 15 Pro Max",
	"I waited for 3 weeks, called you 5 times, took a day off work, spent 2 hours on hold for nothing, wasted my whole weekend.",
	"跑了三趟,等了两个多星期,请了一天假,打了十几次电话,耽误了我好几天的工作。",
	"the Tuesday before last, last Tuesday, on Wed, two days ago, a couple of weeks back, mid-October, in March 2025, 3rd of Nov, 12/20, 2026-11-03",
	"我是记者, my husband is a lawyer, 我朋友是律师, I'm an influencer",
	"at the mall, in your King's Road branch, from the local supermarket, 在徐家汇的门店, 万达广场专卖店, 宝马4s店",
}

// randomScanText mixes pieces of the corpus, with noise, so that needles
// fall near the ends of the text and near each other.
func randomScanText(rng *rand.Rand) string {
	noise := []string{" ", "，", "!", "x", "订", "a1", "。", "\n", "😡", "the ", "号", "月", "ago", "$", "@", "7"}
	var b strings.Builder
	for k := rng.IntN(6); k >= 0; k-- {
		src := scanCorpus[rng.IntN(len(scanCorpus))]
		i, j := rng.IntN(len(src)+1), rng.IntN(len(src)+1)
		if i > j {
			i, j = j, i
		}
		b.WriteString(strings.ToValidUTF8(src[i:j], ""))
		b.WriteString(noise[rng.IntN(len(noise))])
	}
	return b.String()
}

func TestUnderstandNearScanFindsWhatAWholeScanFinds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	texts := append([]string{}, scanCorpus...)
	for i := 0; i < 400; i++ {
		texts = append(texts, randomScanText(rng))
	}
	for name, scan := range allScans() {
		for _, text := range texts {
			// The normalised form, as the patterns see it.
			n := prepareUtterance(text).norm
			if name == "enStore" {
				n = text // enStoreScan runs on the text as written
			}
			want := scan.re.FindAllStringSubmatchIndex(n, -1)
			got := scan.findAll(n)
			if len(want) == 0 && len(got) == 0 {
				continue
			}
			if !slices.EqualFunc(want, got, slices.Equal[[]int]) {
				t.Errorf("%s on %q:\nwhole scan %v\nnear scan  %v", name, n, want, got)
			}
		}
	}
}

func TestUnderstandUtteranceSpans(t *testing.T) {
	u := prepareUtterance("訂單號：Ｂ７７，ＡＢＣ 壞了!!")
	if u.norm != "订单号:b77,abc 坏了!!" {
		t.Fatalf("norm = %q", u.norm)
	}
	i := strings.Index(u.norm, "b77")
	if got := u.source(i, i+3); got != "Ｂ７７" {
		t.Fatalf("source of b77 = %q", got)
	}
	if len(u.clauses) != 3 || len(u.sentences) != 1 {
		t.Fatalf("clauses %v sentences %v", u.clauses, u.sentences)
	}
	if !u.traditional {
		t.Fatalf("not traditional")
	}
}

func TestUnderstandSentences(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
	}{
		{"It broke. I want a refund.", 2},
		{"It cost 1.5 million. Really.", 2},
		{"坏了。我要退款!", 2},
		{"see www.example.com for details", 1},
		{"why??? why!!!", 2},
		{"第一行\n第二行", 2},
	} {
		if got := len(prepareUtterance(c.text).sentences); got != c.want {
			t.Errorf("%q: %d sentences, want %d", c.text, got, c.want)
		}
	}
}
