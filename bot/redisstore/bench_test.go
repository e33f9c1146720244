package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// benchConv is a conversation in the middle of an intake, about 1.5 KB of
// JSON: a fact sheet with sources, ten recent message times.
func benchConv(customer string) *bot.Conversation {
	c := &bot.Conversation{
		Customer: customer, Channel: "web", User: customer[4:], Name: "王小明 (Wang Xiaoming)", Session: 3,
		Intake: &flows.State{Phase: flows.Phase("asking"), Lang: flows.ZH, Facts: flows.Facts{
			flows.Grievance: {Value: "上周三在南京西路店买的衣柜，送货的时候门就是坏的，安装师傅说不是他们的问题，客服电话打了三次都没人接，到现在一个星期了还没有人给我一个说法，家里的衣服只能堆在床上", Source: []string{"wm-1001", "wm-1002", "wm-1003", "wm-1006", "wm-1007"}},
			flows.Order:     {Value: "B77-2026-11-18-004512", Kinds: []string{flows.OrderNumber}, Source: []string{"wm-1002"}},
			flows.When:      {Value: "2026-11-18", Date: "2026-11-18", Source: []string{"wm-1001"}},
			flows.Where:     {Value: "南京西路店", Kinds: []string{flows.WhereStore}, Source: []string{"wm-1001"}},
			flows.Impact:    {Value: "¥300 安装费", Kinds: []string{flows.ImpactMoney, flows.ImpactTime}, Amount: 300, Currency: "CNY", Source: []string{"wm-1004"}},
			flows.Outcome:   {Value: "refund", Kinds: []string{flows.Refund, flows.Apology}, Source: []string{"wm-1005"}},
			flows.Contact:   {Value: "138 0013 8000", Kinds: []string{flows.ContactPhone, flows.ContactCall}, Source: []string{"wm-1008"}},
		}},
	}
	for i := range 10 {
		c.Recent = append(c.Recent, t0.Add(time.Duration(i)*time.Second))
	}
	return c
}

// BenchmarkLoadCommit measures one customer message: Load, then Commit of a
// small change (the conversation, one transcript entry, one wake-up, the
// message id), each customer's messages one after the other (as the engine
// handles them).
//
//   - customers=1 and customers=64: closed loop, every customer sends its next
//     message as soon as the last is committed: the most the store sustains.
//     With 64 always-busy customers the latency is 64 / throughput by
//     Little's law, whatever the store does.
//   - customers=64/rate=5000: open loop, 64 customers sending 5,000
//     messages/s between them on a fixed schedule; latency is measured from
//     when a message was due, so a stall is counted in full.
//
// go test ./bot/redisstore/ -run '^$' -bench BenchmarkLoadCommit -benchtime 20000x
func BenchmarkLoadCommit(b *testing.B) {
	srv := redistest.Start(b)
	for _, tc := range []struct {
		customers int
		rate      float64 // messages per second offered; 0 = as fast as possible
	}{
		{1, 0},
		{64, 0},
		{64, 5000},
	} {
		name := fmt.Sprintf("customers=%d", tc.customers)
		if tc.rate > 0 {
			name += fmt.Sprintf("/rate=%.0f", tc.rate)
		}
		b.Run(name, func(b *testing.B) {
			customers := tc.customers
			rdb := srv.Client(b)
			if err := rdb.FlushAll(context.Background()).Err(); err != nil {
				b.Fatal(err)
			}
			var rt roundTrips
			rdb.AddHook(&rt)
			s := New(rdb, Options{})
			ctx := context.Background()
			convBytes, _ := json.Marshal(benchConv("web:customer-00"))

			message := func(cust string, n int) error {
				id := fmt.Sprintf("wm-%d", n)
				snap, err := s.Load(ctx, bot.LoadQuery{Customer: cust, Dedupe: id})
				if err != nil {
					return err
				}
				conv := snap.Conv
				if conv == nil {
					conv = benchConv(cust)
				}
				at := t0.Add(time.Duration(n) * time.Second)
				conv.Recent = append(conv.Recent[1:], at)
				return s.Commit(ctx, &bot.Change{
					Customer: cust, Version: snap.Version, Dedupe: id, Conv: conv,
					Transcript: []bot.TranscriptAppend{{Session: conv.Session, Entries: []bot.Entry{
						{At: at, From: bot.FromCustomer, ID: id, Text: "还有，安装师傅态度很差，我要求退款并道歉。"},
					}}},
					WakeUps: map[string]time.Time{"conv:" + cust: at.Add(20 * time.Second)},
				})
			}
			for w := range customers { // warm the script cache and the pool
				if err := message(fmt.Sprintf("web:customer-%02d", w), -1-w); err != nil {
					b.Fatal(err)
				}
			}

			var next atomic.Int64
			lat := make([][]time.Duration, customers)
			var wg sync.WaitGroup
			b.ResetTimer()
			rt.n.Store(0)
			start := time.Now()
			interval := time.Duration(float64(customers) / tc.rate * float64(time.Second))
			for w := range customers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					cust := fmt.Sprintf("web:customer-%02d", w)
					due := start.Add(interval * time.Duration(w) / time.Duration(customers))
					for {
						n := int(next.Add(1))
						if n > b.N {
							return
						}
						t := time.Now()
						if tc.rate > 0 {
							time.Sleep(time.Until(due)) // pacing: the open-loop schedule
							t = due
							due = due.Add(interval)
						}
						if err := message(cust, n); err != nil {
							b.Error(err)
							return
						}
						lat[w] = append(lat[w], time.Since(t))
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()

			all := slices.Concat(lat...)
			slices.Sort(all)
			pct := func(p float64) float64 {
				return float64(all[int(p*float64(len(all)-1))]) / float64(time.Millisecond)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/msg")
			b.ReportMetric(float64(len(convBytes)), "conv-bytes")
		})
	}
}
