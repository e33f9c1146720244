package flows

import (
	"strings"
	"testing"
)

// FuzzAnalyze checks what Analyze guarantees for any text and any expected
// slot: it does not panic (the fuzz target calls analyze, which has no
// guard), every Value is valid UTF-8, every Span is a substring of the text
// as read (analyzedText: invalid UTF-8 replaced, cut to 32 KiB), and every
// Date is midnight of a day not after the day following Now.
//
// Run it with: go test -fuzz=FuzzAnalyze ./flows
// The seeds below and those in testdata/fuzz/FuzzAnalyze run with every
// go test.
func FuzzAnalyze(f *testing.F) {
	seeds := []string{
		"",
		"我上周三在南京西路店买的,坏了,我要退款",
		"我上週三在南京西路店買的,壞了,我要退款",
		"I bought a washing machine from your Oxford Street store on November 3rd. It stopped working!!! I want a refund.",
		"我的order B77 还没到!!",
		"不对,是上周四",
		"the order is B77, not B71",
		"订单号13812345678,我的手机13912345678",
		"花了三百块,还有1.5万,两千五百元,RMB 300, $12.50",
		"call me at (415) 867-5309 or email a@b.co",
		"二〇二五年十二月一日 上个月15号 the Tuesday before last 3/5/26 2026-11-03",
		"\xff\xfe订单\xc3号B77",
		strings.Repeat("😡", 100),
		"没有",
		"南京西路那家",
	}
	for i, s := range seeds {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, text string, expect uint8) {
		ctx := Context{Now: monday}
		if k := int(expect) % (len(Slots) + 1); k < len(Slots) {
			ctx.Expect = Slots[k]
		}
		a := analyze(text, ctx)
		checkInvariants(t, text, monday, a)
		for _, f := range a.Findings {
			if f.Slot == When && (f.Date.Hour() != 0 || f.Date.Minute() != 0) {
				t.Fatalf("date %v is not midnight", f.Date)
			}
		}
	})
}
