package flows

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// benchNow is a Monday morning in Shanghai.
var benchNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// BenchmarkAnalyze measures typical two-sentence complaints, 16 KiB of
// complaint, and 16 KiB made of the needles of the costliest rules.
func BenchmarkAnalyze(b *testing.B) {
	cases := []struct{ name, text string }{
		{"zh", "我上周三在南京西路店买的洗衣机,用了两天就坏了,漏水漏了一地!客服态度还很差,我要退款,订单号B77。"},
		{"en", "I bought a washing machine from your Oxford Street store on November 3rd and it stopped working after two days. Nobody called me back and I want a refund!!"},
		{"zh_16KiB", strings.Repeat("我上周三在南京西路店买的洗衣机坏了,客服态度很差,我要退款!订单号B77,电话13812345678。", 16<<10/130)},
		{"en_16KiB", strings.Repeat("I bought a washing machine on November 3rd and it broke. Nobody called me back, I want a refund! Order B77, call me on +1 415 867 5309. ", 16<<10/140)},
		{"dates_16KiB", strings.Repeat("上周三 3月5日 nov 3 2 days ago 2026-11-03 ", 16<<10/50)},
		{"digits_16KiB", strings.Repeat("1234567890", 16<<10/10)},
	}
	Prepare()
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := Context{Now: benchNow}
			b.SetBytes(int64(len(c.text)))
			for b.Loop() {
				Analyze(c.text, ctx)
			}
		})
	}
}

// BenchmarkAnalyzeCorpusMessages measures Analyze on every customer
// message of the conversation corpus (testdata/corpus), as the intake
// calls it, and reports the median, the 99th percentile and the slowest
// call per message. The Chinese word list and the date library are
// loaded before the clock starts, as a running bot has them.
//
//	go test ./flows -run '^$' -bench AnalyzeCorpusMessages -benchtime 20x
func BenchmarkAnalyzeCorpusMessages(b *testing.B) {
	var texts []string
	for _, c := range loadCorpus(b) {
		for _, t := range c.Turns {
			texts = append(texts, t.Say...)
		}
	}
	Prepare()
	ctx := Context{Now: benchNow, Expect: Order}
	for _, t := range texts {
		Analyze(t, ctx)
	}
	var durations []time.Duration
	b.ResetTimer()
	for b.Loop() {
		for _, t := range texts {
			start := time.Now()
			Analyze(t, ctx)
			durations = append(durations, time.Since(start))
		}
	}
	b.StopTimer()
	slices.Sort(durations)
	at := func(q float64) float64 { return float64(durations[int(q*float64(len(durations)-1))].Microseconds()) }
	b.ReportMetric(at(0.5), "µs-p50/msg")
	b.ReportMetric(at(0.99), "µs-p99/msg")
	b.ReportMetric(float64(durations[len(durations)-1].Microseconds()), "µs-max/msg")
	b.ReportMetric(float64(len(texts)), "msgs")
}
