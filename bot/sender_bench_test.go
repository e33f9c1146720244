package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// benchPlatform accepts everything at once, except that one recipient is
// rate limited: it takes one message, then answers "retry after 2 s" for
// two seconds, and so on. It keeps the latency from commit (Outbound.At)
// to delivery of every other message.
type benchPlatform struct {
	slow string

	mu        sync.Mutex
	until     time.Time
	latencies []time.Duration
	slowGot   int
}

func (p *benchPlatform) Deliver(_ context.Context, d bot.Delivery) (string, error) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if d.Recipient() == p.slow {
		if now.Before(p.until) {
			return "", &bot.RetryError{After: p.until.Sub(now), Err: errors.New("429")}
		}
		p.until = now.Add(2 * time.Second)
		p.slowGot++
		return "", nil
	}
	p.latencies = append(p.latencies, now.Sub(d.At))
	return "", nil
}

func (p *benchPlatform) delivered() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.latencies)
}

// BenchmarkSender commits messages to 1,000 recipients at a steady 2,000
// a second (each recipient gets one every half second) and measures, for
// every recipient but the slow one, the latency from the commit to the
// platform's Deliver: with all recipients healthy, and with one of them
// rate limited (it can take one message per 2 s, so its queue only grows).
// The target is no measurable difference.
//
//	go test ./bot -run '^$' -bench Sender -benchtime 10000x
func BenchmarkSender(b *testing.B) {
	for _, tc := range []struct {
		name string
		slow bool
	}{{"healthy", false}, {"one-rate-limited", true}} {
		b.Run(tc.name, func(b *testing.B) { benchSender(b, tc.slow) })
	}
}

func benchSender(b *testing.B, slow bool) {
	const (
		recipients = 1000
		perSecond  = 2000
	)
	ctx := context.Background()
	srv := redistest.Start(b)
	store := redisstore.New(srv.Client(b), redisstore.Options{})
	p := &benchPlatform{}
	if slow {
		p.slow = "customer:bench:r0"
	}
	s := bot.NewSender(store, "bench", p, "bench", slog.New(slog.DiscardHandler))
	s.Block = 50 * time.Millisecond
	s.Start()
	defer s.Stop(ctx)

	versions := make([]int64, recipients)
	commit := func(i int) {
		r := i % recipients
		key := fmt.Sprintf("bench:r%d", r)
		m := bot.Outbound{ID: fmt.Sprint("m", i), Channel: "bench", Audience: bot.ToCustomer, Customer: key, Kind: bot.KindText, Text: "hello", At: time.Now()}
		if err := store.Commit(ctx, &bot.Change{Customer: key, Version: versions[r], Outbox: []bot.Outbound{m}}); err != nil {
			b.Fatal(err)
		}
		versions[r]++
	}
	// Warm up: one message to every recipient, delivered, not measured.
	for i := range recipients {
		commit(i)
	}
	warm := recipients
	if slow {
		warm--
	}
	awaitCond(b, time.Minute, "the warm-up", func() bool { return p.delivered() >= warm })
	p.mu.Lock()
	p.latencies = p.latencies[:0]
	p.mu.Unlock()

	b.ResetTimer()
	began := time.Now()
	want := 0
	for n := range b.N {
		i := recipients + n
		if next := began.Add(time.Duration(n) * time.Second / perSecond); time.Until(next) > 0 {
			time.Sleep(time.Until(next))
		}
		commit(i)
		if !slow || i%recipients != 0 {
			want++
		}
	}
	awaitCond(b, time.Minute, "every message to the healthy recipients", func() bool { return p.delivered() >= want })
	b.StopTimer()

	p.mu.Lock()
	lat := slices.Clone(p.latencies)
	slowGot := p.slowGot
	p.mu.Unlock()
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	q := func(f float64) float64 {
		return float64(lat[min(len(lat)-1, int(f*float64(len(lat))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(1), "max-ms")
	if slow {
		b.ReportMetric(float64(slowGot), "slow-delivered")
	}
}
