package scheduler_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// BenchmarkWakeUps holds 100,000 pending wake-ups in Redis, 10,000 of which
// fall due at the same instant, and measures one Runner with default
// settings (1 s tick, 32 workers, 4 s lease) whose handler does nothing.
// Run it with -benchtime=1x; each iteration takes a few seconds of wall
// time, most of it waiting for the wake-ups to fall due.
//
// SeenAhead writes all 100,000 before the runner starts, due 1–2 s later, so
// the runner sees them coming (as it does for anything written at least a
// tick ahead). WrittenWhenDue starts the runner first and then writes the
// 10,000 already due, without a Poke: only the next tick finds them, which is
// the worst case, up to one tick late.
//
// It reports:
//
//	drain-ms        from the instant they fell due until all 10,000 were handled
//	p50-late-ms     median lateness (handled minus due)
//	p99-late-ms     99th-percentile lateness
//	handled/s       10,000 divided by the time from the first to the last handled
//	B/pending       Redis used_memory growth per pending wake-up (SeenAhead)
//	B/pending-zset  MEMORY USAGE of the set per pending wake-up (SeenAhead)
//
// The Partitions16 variants spread the same wake-ups over 16 keys, as
// bot/redisstore lays them out, the Runner claiming from every one.
func BenchmarkWakeUps(b *testing.B) {
	b.Run("SeenAhead", func(b *testing.B) { benchWakeUps(b, true, 1) })
	b.Run("WrittenWhenDue", func(b *testing.B) { benchWakeUps(b, false, 1) })
	b.Run("SeenAhead/Partitions16", func(b *testing.B) { benchWakeUps(b, true, 16) })
	b.Run("WrittenWhenDue/Partitions16", func(b *testing.B) { benchWakeUps(b, false, 16) })
}

func benchWakeUps(b *testing.B, ahead bool, parts int) {
	const pending, due = 100_000, 10_000
	ctx := context.Background()
	srv := redistest.Start(b)
	rdb := srv.Client(b)
	write := func(w *scheduler.WakeUps, from, to int, at func(n int) time.Time) {
		pipe := rdb.Pipeline()
		for n := from; n < to; n++ {
			pipe.ZAdd(ctx, w.Keys()[n%parts], redisZ(at(n), fmt.Sprintf("case:%06d", n)))
			if n%1000 == 999 {
				if _, err := pipe.Exec(ctx); err != nil {
					b.Fatal(err)
				}
			}
		}
		if _, err := pipe.Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	var drain, p50, p99, rate, memPer, zsetPer float64
	for i := 0; i < b.N; i++ {
		if err := rdb.FlushAll(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		keys := []string{"wake"}
		if parts > 1 {
			keys = nil
			for p := 0; p < parts; p++ {
				keys = append(keys, fmt.Sprintf("wake:{%d}", p))
			}
		}
		w := scheduler.NewWakeUps(rdb, keys...)
		before := redistest.UsedMemory(b, rdb)
		at := redisNow(b, rdb).Add(2 * time.Second).Truncate(time.Second)
		later := at.Add(time.Hour)
		if ahead {
			write(w, 0, pending, func(n int) time.Time {
				if n < due {
					return at
				}
				return later
			})
			memPer += float64(redistest.UsedMemory(b, rdb)-before) / pending
			for _, k := range w.Keys() {
				usage, err := rdb.MemoryUsage(ctx, k, 0).Result()
				if err != nil {
					b.Fatal(err)
				}
				zsetPer += float64(usage) / pending
			}
		} else {
			write(w, due, pending, func(int) time.Time { return later })
		}

		late := make([]time.Duration, due)
		handledAt := make([]time.Time, due)
		var count atomic.Int64
		all := make(chan struct{})
		r := scheduler.NewRunner(w, func(_ context.Context, name string, d time.Time) error {
			now := time.Now()
			k := count.Add(1) - 1
			if k < due {
				late[k], handledAt[k] = now.Sub(d), now
				if k == due-1 {
					close(all)
				}
			}
			return nil
		}, scheduler.WithLogger(quietLogger()))
		r.Start()
		if !ahead {
			// Wait for the look at start to pass, then write the 10,000 due
			// now; the runner only finds them at its next tick.
			time.Sleep(100 * time.Millisecond)
			at = redisNow(b, rdb).Truncate(time.Millisecond)
			write(w, 0, due, func(int) time.Time { return at })
		}
		select {
		case <-all:
		case <-time.After(30 * time.Second):
			b.Fatalf("only %d of %d handled within 30s", count.Load(), due)
		}
		if err := r.Stop(ctx); err != nil {
			b.Fatal(err)
		}
		if left, _ := w.Len(ctx); left != pending-due {
			b.Fatalf("%d wake-ups left, want %d", left, pending-due)
		}

		slices.Sort(late)
		first, last := slices.MinFunc(handledAt, time.Time.Compare), slices.MaxFunc(handledAt, time.Time.Compare)
		drain += float64(last.Sub(at)) / float64(time.Millisecond)
		p50 += float64(late[due/2]) / float64(time.Millisecond)
		p99 += float64(late[due*99/100]) / float64(time.Millisecond)
		rate += due / last.Sub(first).Seconds()
	}
	n := float64(b.N)
	b.ReportMetric(drain/n, "drain-ms")
	b.ReportMetric(p50/n, "p50-late-ms")
	b.ReportMetric(p99/n, "p99-late-ms")
	b.ReportMetric(rate/n, "handled/s")
	if ahead { // only then are all 100,000 pending at once
		b.ReportMetric(memPer/n, "B/pending")
		b.ReportMetric(zsetPer/n, "B/pending-zset")
	}
}

// BenchmarkCalendarAdd measures business-time arithmetic: a week of business
// hours (45 h of "* 9-17 * * 1-5") added from a Friday afternoon.
func BenchmarkCalendarAdd(b *testing.B) {
	c := mustCalendar(b, "* 9-17 * * 1-5", []string{"2026-03-11"}, mustZone(b, "Europe/Berlin"))
	from := time.Date(2026, 3, 6, 15, 0, 0, 0, time.UTC)
	for b.Loop() {
		c.Add(from, 45*time.Hour)
	}
}
