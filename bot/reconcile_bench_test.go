package bot_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/flows"
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
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		repaired, err := eng.Reconcile(ctx, time.Now())
		if err != nil || repaired != 0 {
			b.Fatalf("Reconcile repaired %d (%v), want 0", repaired, err)
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
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
	ctx := context.Background()
	now := time.Now()
	wake := now.Add(time.Hour).Truncate(time.Millisecond)
	var wg sync.WaitGroup
	var failed atomic.Value
	next := atomic.Int64{}
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1))
				if k > n {
					return
				}
				user := fmt.Sprintf("sweep%06d", k)
				customer := bot.CustomerKey("web", user)
				opened := now.Add(-48 * time.Hour)
				c := &bot.Case{
					ID: strconv.Itoa(k), Status: bot.Claimed, Priority: bot.Normal, Emotion: flows.Upset, Lang: flows.ZH,
					Channel: "web", Customer: customer, CustomerID: user, CustomerName: "客户" + user,
					Facts: flows.Facts{
						flows.Grievance: {Value: "衣柜送来就是坏的,门关不上"},
						flows.Order:     {Value: "B" + strconv.Itoa(77000+k)},
						flows.Outcome:   {Value: "退款", Kinds: []string{flows.Refund}},
					},
					Summary: "“衣柜送来就是坏的,门关不上”。订单/商品:B77。希望:退款。",
					Session: 1, Opened: opened, Updated: now, FirstResponseDue: opened.Add(15 * time.Minute),
					Owner: "alice", ClaimedAt: opened.Add(5 * time.Minute), FirstReplyAt: opened.Add(8 * time.Minute),
					NewsAt: now, Intake: flows.Confirmed, Tip: strings.Repeat("x", 80), Wake: wake,
					History: []bot.Event{
						{At: opened, Who: "bot", What: bot.EvOpened, Detail: "confirmed"},
						{At: opened.Add(5 * time.Minute), Who: "alice", What: bot.EvClaimed},
						{At: opened.Add(time.Hour), Who: "alice", What: bot.EvPromised, Detail: "tomorrow 18:00"},
					},
				}
				err := store.Commit(ctx, &bot.Change{Customer: customer, Cases: []*bot.Case{c},
					Conv:    &bot.Conversation{Customer: customer, Channel: "web", User: user, Session: 1, Case: c.ID, Lang: flows.ZH},
					WakeUps: map[string]time.Time{bot.CaseWakeUp(c.ID): wake}})
				if err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		b.Fatal(err)
	}
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

// cpuTime is the CPU this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
