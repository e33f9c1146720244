package flows

import (
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestHantKnownCharacters(t *testing.T) {
	for _, c := range []struct{ trad, simp string }{
		{"壞", "坏"}, {"買", "买"}, {"賣", "卖"}, {"週", "周"}, {"號", "号"}, {"說", "说"}, {"説", "说"}, {"為", "为"}, {"爲", "为"},
		{"裡", "里"}, {"裏", "里"}, {"臺", "台"}, {"髮", "发"}, {"發", "发"}, {"醫", "医"}, {"訂單", "订单"}, {"態度", "态度"},
		{"消費者協會", "消费者协会"}, {"轉人工", "转人工"}, {"謝謝", "谢谢"}, {"沒有", "没有"}, {"換貨", "换货"}, {"維修", "维修"},
		{"賠償", "赔偿"}, {"禮拜", "礼拜"}, {"東西", "东西"}, {"這個", "这个"}, {"還沒", "还没"}, {"錢", "钱"}, {"貨", "货"},
	} {
		if got := toHans(c.trad); got != c.simp {
			t.Errorf("toHans(%q) = %q, want %q", c.trad, got, c.simp)
		}
	}
}

func TestHantTable(t *testing.T) {
	if n := len(hantToHans); n < 1500 {
		t.Fatalf("the map has %d characters, want at least 1500", n)
	}
	for trad, simp := range hantToHans {
		if trad == simp {
			t.Fatalf("%q maps to itself", trad)
		}
		if _, chained := hantToHans[simp]; chained {
			t.Fatalf("%q maps to %q, which maps again: conversion must be idempotent", trad, simp)
		}
	}
	for _, s := range []string{"", "abc", "我上週三在南京西路店買的", "\xff\xfe壞", "😡壞😡"} {
		h := toHans(s)
		if utf8.RuneCountInString(h) != utf8.RuneCountInString(s) {
			t.Errorf("toHans(%q) = %q changes the number of characters", s, h)
		}
		if toHans(h) != h {
			t.Errorf("toHans is not idempotent on %q", s)
		}
	}
	for _, r := range hantAmbiguous {
		if _, trad := hansRune(r); trad {
			t.Errorf("%q alone must not mark a text traditional", r)
		}
	}
}

// hansToHant is the reverse map: every traditional form of a simplified
// character, in code point order.
func hansToHant() map[rune][]rune {
	rev := map[rune][]rune{}
	for trad, simp := range hantToHans {
		rev[simp] = append(rev[simp], trad)
	}
	for _, v := range rev {
		sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	}
	return rev
}

// traditionalForms returns the keyword written in traditional characters:
// once with the first traditional form of every character, and once more
// for every other traditional form of each character.
func traditionalForms(word string, rev map[rune][]rune) []string {
	runes := []rune(word)
	first := make([]rune, len(runes))
	for i, r := range runes {
		first[i] = r
		if v := rev[r]; len(v) > 0 {
			first[i] = v[0]
		}
	}
	out := []string{string(first)}
	for i, r := range runes {
		for _, alt := range rev[r] {
			if alt == first[i] {
				continue
			}
			variant := append([]rune{}, first...)
			variant[i] = alt
			out = append(out, string(variant))
		}
	}
	return out
}

func TestHantEveryKeywordInTraditional(t *testing.T) {
	rev := hansToHant()
	checked := 0
	for _, lx := range expandLexGroups(allLexGroups...) {
		if !strings.ContainsFunc(lx.word, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			continue
		}
		for _, trad := range traditionalForms(lx.word, rev) {
			u := prepareUtterance(trad)
			if u.norm != lx.word {
				t.Errorf("keyword %q written %q normalises to %q", lx.word, trad, u.norm)
				continue
			}
			found := false
			for _, h := range lexicon().find(u.norm) {
				if h.lex.word == lx.word && h.start == 0 && h.end == len(u.norm) {
					found = true
				}
			}
			if !found {
				t.Errorf("keyword %q written %q is not recognised", lx.word, trad)
			}
			checked++
		}
	}
	if checked < 1000 {
		t.Fatalf("checked only %d traditional keywords", checked)
	}
}

// chineseRulesSources lists the patterns and needles with Chinese words
// that are matched against the normalised text.
func chineseRulesSources() []string {
	var out []string
	for _, r := range zhDateRules {
		out = append(out, r.re.String())
		out = append(out, r.needles...)
	}
	out = append(out, moneyPrefixRe.String(), moneySuffixRe.String(), moneyWanRe.String(), moneyHanRe.String(), orderKeyRe.String(),
		productModelRe.String(), zhStoreSuffixRe.String(), complaintToAuthorityRe.String(), influenceRe.String(), wechatRe.String(),
		zhStoreNameStops, hanAmount)
	for _, s := range timeLostRes {
		out = append(out, s.re.String())
		out = append(out, s.words...)
	}
	out = append(out, orderKeyNeedles...)
	out = append(out, productBrandNeedles...)
	out = append(out, influenceNeedles...)
	out = append(out, phoneCues...)
	out = append(out, orderCues...)
	out = append(out, correctionCues...)
	out = append(out, correctionFillers...)
	out = append(out, harmCuesZH...)
	out = append(out, refusalCues...)
	out = append(out, deadlineCues...)
	out = append(out, answerLeads...)
	out = append(out, whWords...)
	return out
}

func TestHantRulesAreSimplified(t *testing.T) {
	for _, s := range chineseRulesSources() {
		if h := toHans(s); h != s {
			t.Errorf("rule %q has traditional characters (simplified: %q); traditional text would not match it", s, h)
		}
	}
}

func TestHantTraditionalRulesMatch(t *testing.T) {
	// Every kind of Chinese rule, written in traditional characters.
	cases := []struct {
		text string
		want string
	}{
		{"上個禮拜三買的", "when=2026-11-18"},
		{"兩週前買的", "when~=2026-11-09"},
		{"花了兩千塊錢", "impact:money=¥2000"},
		{"訂單號B77", "order:order=B77"},
		{"在徐家匯的門店買的", "where:store=徐家匯的門店"},
		{"為了這事跑了三趟", "impact:time=跑了三趟"},
		{"我們投訴到質監局了", ""},
		{"電話13812345678", "contact:phone=+8613812345678"},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			a := analyze(c.text, Context{Now: monday})
			if !a.Traditional {
				t.Fatalf("not read as traditional")
			}
			if c.want == "" {
				if len(a.Risks) == 0 || a.Risks[0] != RiskRegulator {
					t.Fatalf("want the regulator risk, got %s", describe(a))
				}
				return
			}
			for _, f := range a.Findings {
				if findingMatches(f, c.want) {
					return
				}
			}
			t.Fatalf("want %s, got %s", c.want, describe(a))
		})
	}
}
