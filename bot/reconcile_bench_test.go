package bot_test

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// BenchmarkReconcileOpenCases measures one reconcile sweep over many
// active cases that all have their wake-up (nothing to repair): the
// replica's CPU per sweep (user+system, from getrusage: Redis's own work is
// in another process), the peak growth of its resident memory during the
// sweeps (sampled every 2 ms from /proc/self/statm), and the Go heap it
// allocated. RECONCILE_CASES sets the number of cases (default 100,000).
//
//	go test -run '^$' -bench BenchmarkReconcileOpenCases -benchtime 3x ./bot/
func BenchmarkReconcileOpenCases(b *testing.B) {
	n := 100_000
	if v := os.Getenv("RECONCILE_CASES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	srv := redistest.Start(b)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 64, Protocol: 2})
	defer rdb.Close()
	seedScheduledCases(b, redisstore.New(rdb, redisstore.Options{}), n)
	eng := bot.NewEngine(redisstore.New(rdb, redisstore.Options{}), bot.Config{}, bot.WithLogger(timedLog))
	ctx := context.Background()

	runtime.GC()
	debug.FreeOSMemory()
	base := rss()
	var peak atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if r := rss(); r > peak.Load() {
					peak.Store(r)
				}
			}
		}
	}()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := processCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		repaired, err := eng.Reconcile(ctx, time.Now())
		if err != nil || repaired != 0 {
			b.Fatalf("Reconcile repaired %d (%v), want 0", repaired, err)
		}
	}
	b.StopTimer()
	cpu := processCPU() - cpu0
	runtime.ReadMemStats(&ms1)
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/sweep")
	b.ReportMetric(float64(max(peak.Load()-base, 0))/(1<<20), "rss-growth-MB")
	b.ReportMetric(float64(base)/(1<<20), "rss-base-MB")
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MB/sweep")
}

// seedScheduledCases commits n claimed cases, each of its own customer and
// with its next wake-up (an hour away) in the same commit, as the engine
// leaves them.
func seedScheduledCases(b *testing.B, store *redisstore.Store, n int) {
	b.Helper()
	now := time.Now()
	wake := now.Add(time.Hour).Truncate(time.Millisecond)
	seedCases(b, store, n, "sweep", 32, func(c *bot.Case, ch *bot.Change) {
		c.NewsAt, c.Wake = now, wake
		ch.WakeUps = map[string]time.Time{bot.CaseWakeUp(c.ID): wake}
	})
}

// rss is this process's resident set size, in bytes.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
