package bot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// BenchmarkCaseWakeUps holds 100,000 pending case wake-ups in Redis, 10,000
// of which fall due in the same second, and measures one replica — a fresh
// store (its case → customer cache cold, as after a restart), an engine and
// a scheduler.Runner with its defaults (1 s tick, 32 workers, 4 s lease)
// — running the real case policy on them. The other 90,000 fall due an
// hour later. The policy sends nothing; each wake-up goes the whole way:
// claim, CustomerOf, load, plan, commit, done.
//
//	go test ./bot -run '^$' -bench BenchmarkCaseWakeUps -benchtime 1x
//
// Two kinds of wake-up that send nothing (and the first again on a store
// whose case → customer cache is warm, "nothing-due-warm"):
//
//	nothing-due  the wake-up finds nothing to do (a duplicate, or one left
//	             behind by a change): the policy recomputes the same next
//	             wake-up, and the commit writes only the wake-up
//	quiet-hours  a check-in to the customer falls due in quiet hours: the
//	             policy defers it to the end of the quiet hours, and the
//	             commit writes the case (its new Wake) and the wake-up
//
// It reports:
//
//	drain-ms        from the second they fell due until all 10,000 were handled
//	p50-late-ms     median lateness (committed minus due)
//	p99-late-ms     99th-percentile lateness
//	handled/s       10,000 divided by the time from the first to the last handled
//	go-us/wake      CPU time of this process per wake-up while draining
//	redis-us/wake   CPU time of redis-server per wake-up while draining
//	B/pending       Redis used_memory growth per pending wake-up written
//	B/pending-zset  MEMORY USAGE of the wake-up set per pending wake-up
//
// The two CPU figures say what the machine could do if nothing else ran on
// it: 2 cores ÷ (go-us + redis-us) wake-ups per second.
func BenchmarkCaseWakeUps(b *testing.B) {
	b.Run("nothing-due", func(b *testing.B) { benchCaseWakeUps(b, false, false) })
	b.Run("nothing-due-warm", func(b *testing.B) { benchCaseWakeUps(b, false, true) })
	b.Run("quiet-hours", func(b *testing.B) { benchCaseWakeUps(b, true, false) })
}

// benchCaseWakeUps runs one scenario; warm keeps the store that wrote the
// cases, whose case → customer cache saves a round trip per wake-up, as on
// a replica that has been running.
func benchCaseWakeUps(b *testing.B, quiet, warm bool) {
	const pending, due = 100_000, 10_000
	ctx := context.Background()
	srv := redistest.Start(b)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 128})
	b.Cleanup(func() { rdb.Close() })
	cfg := bot.Config{Staff: []string{"alice"}, Location: shanghai}
	if quiet {
		// Quiet hours from an hour ago to two hours on, whatever the time.
		now := time.Now().In(shanghai)
		q, err := scheduler.ParseDailyRange(now.Add(-time.Hour).Format("15:04")+"-"+now.Add(2*time.Hour).Format("15:04"), shanghai)
		if err != nil {
			b.Fatal(err)
		}
		cfg.Timing.QuietHours = q
	}

	var drain, p50, p99, rate, goCPU, redisCPU, memPer, zsetPer float64
	for i := 0; i < b.N; i++ {
		if err := rdb.FlushAll(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		seed := redisstore.New(rdb, redisstore.Options{})
		key := seed.WakeUpKeys()
		seedClaimedCases(b, seed, due, quiet)

		before := redistest.UsedMemory(b, rdb)
		at := redisClock(b, rdb).Add(2 * time.Second).Truncate(time.Second)
		pipe := rdb.Pipeline()
		for n := 1; n <= pending; n++ {
			score := at
			if n > due {
				score = at.Add(time.Hour)
			}
			pipe.ZAdd(ctx, seed.WakeUpKeyOf(bot.CustomerKey("web", fmt.Sprintf("bench%06d", n))), redis.Z{Score: float64(score.UnixMilli()), Member: bot.CaseWakeUp(strconv.Itoa(n))})
			if n%1000 == 0 {
				if _, err := pipe.Exec(ctx); err != nil {
					b.Fatal(err)
				}
			}
		}
		memPer += float64(redistest.UsedMemory(b, rdb)-before) / pending
		var usage int64
		for _, k := range key {
			u, err := rdb.MemoryUsage(ctx, k, 0).Result()
			if err != nil && !errors.Is(err, redis.Nil) {
				b.Fatal(err)
			}
			usage += u
		}
		zsetPer += float64(usage) / pending

		store := redisstore.New(rdb, redisstore.Options{}) // a fresh replica
		if warm {
			store = seed
		}
		w := scheduler.NewWakeUps(rdb, key...)
		var eng *bot.Engine
		late := make([]time.Duration, due)
		handledAt := make([]time.Time, due)
		var count atomic.Int64
		all := make(chan struct{})
		runner := scheduler.NewRunner(w, func(ctx context.Context, name string, d time.Time) error {
			err := eng.WakeUp(ctx, name, d)
			var again scheduler.Reschedule
			if err != nil && !errors.As(err, &again) {
				return err
			}
			now := time.Now()
			if k := count.Add(1) - 1; k < due {
				late[k], handledAt[k] = now.Sub(d), now
				if k == due-1 {
					close(all)
				}
			}
			return err // nil, or the Reschedule the runner applies
		}, scheduler.WithLogger(timedLog))
		eng = bot.NewEngine(store, cfg, bot.WithPoke(runner.Poke), bot.WithLogger(timedLog))

		// CPU is counted from the instant they fall due.
		waitFor := time.Until(at)
		runner.Start()
		time.Sleep(waitFor)
		go0, redis0 := processCPU(), redisCPUTime(b, rdb)
		b.ResetTimer()
		select {
		case <-all:
		case <-time.After(60 * time.Second):
			b.Fatalf("only %d of %d handled within 60s", count.Load(), due)
		}
		b.StopTimer()
		goCPU += float64(processCPU()-go0) / float64(time.Microsecond) / due
		redisCPU += float64(redisCPUTime(b, rdb)-redis0) / float64(time.Microsecond) / due
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := runner.Stop(sctx); err != nil {
			b.Fatal(err)
		}
		cancel()

		// Every case handled is rescheduled, none lost, nothing sent.
		if n, _ := w.Len(ctx); n != pending {
			b.Fatalf("%d wake-ups pending after the run, want %d", n, pending)
		}
		if d, ok, _ := w.Due(ctx, bot.CaseWakeUp("1")); !ok || !d.After(at.Add(30*time.Minute)) {
			b.Fatalf("case 1's next wake-up %v (%v), want it moved on", d, ok)
		}
		if n := outboxLen(b, rdb, "web"); n != 0 {
			b.Fatalf("the policy sent %d messages; this benchmark wants none", n)
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
	b.ReportMetric(goCPU/n, "go-us/wake")
	b.ReportMetric(redisCPU/n, "redis-us/wake")
	b.ReportMetric(memPer/n, "B/pending")
	b.ReportMetric(zsetPer/n, "B/pending-zset")
}

// seedClaimedCases commits cases "1" … "n", each of its own customer, each
// claimed by alice, written as the engine leaves them, without wake-ups.
// Without quiet, alice gave news just now, so the policy has nothing to do
// for a day and the case's Wake says so. With quiet, the customer's check-in
// is due now (the owner was nudged already).
func seedClaimedCases(b *testing.B, store *redisstore.Store, n int, quiet bool) {
	b.Helper()
	t := bot.NewEngine(store, bot.Config{}).Config().Timing // the defaults
	now := time.Now()
	seedCases(b, store, n, "bench", 16, func(c *bot.Case, ch *bot.Change) {
		if quiet {
			c.NewsAt = now.Add(-t.CheckinAfter - t.CheckinOwnerGrace - time.Minute)
			c.Done = map[string]time.Time{bot.TimedCheckinOwner + "@" + strconv.FormatInt(c.NewsAt.UnixMilli(), 10): now}
			c.Wake = now
		} else {
			c.NewsAt = now
			c.Wake = now.Add(t.CheckinAfter)
		}
	})
}

// seedCases commits cases "1" … "n", each of its own customer (user
// prefix plus the number), claimed by alice two days ago, from workers
// goroutines; edit sets what differs (the case's timing, the change's
// wake-ups) before each commit.
func seedCases(b *testing.B, store *redisstore.Store, n int, prefix string, workers int, edit func(*bot.Case, *bot.Change)) {
	b.Helper()
	ctx := context.Background()
	now := time.Now()
	var wg sync.WaitGroup
	var failed atomic.Value
	next := atomic.Int64{}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1))
				if k > n {
					return
				}
				user := fmt.Sprintf("%s%06d", prefix, k)
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
					Intake: flows.Confirmed, Tip: strings.Repeat("x", 80),
					History: []bot.Event{
						{At: opened, Who: "bot", What: bot.EvOpened, Detail: "confirmed"},
						{At: opened.Add(5 * time.Minute), Who: "alice", What: bot.EvClaimed},
						{At: opened.Add(time.Hour), Who: "alice", What: bot.EvPromised, Detail: "tomorrow 18:00"},
					},
				}
				ch := &bot.Change{Customer: customer, Cases: []*bot.Case{c},
					Conv: &bot.Conversation{Customer: customer, Channel: "web", User: user, Session: 1, Case: c.ID, Lang: flows.ZH}}
				edit(c, ch)
				if err := store.Commit(ctx, ch); err != nil {
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

// processCPU is the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// redisCPUTime is the CPU time redis-server has used (INFO cpu).
func redisCPUTime(tb testing.TB, rdb *redis.Client) time.Duration {
	tb.Helper()
	info, err := rdb.Info(context.Background(), "cpu").Result()
	if err != nil {
		tb.Fatal(err)
	}
	var total float64
	for _, line := range strings.Split(info, "\r\n") {
		for _, f := range []string{"used_cpu_sys:", "used_cpu_user:"} {
			if v, ok := strings.CutPrefix(line, f); ok {
				s, err := strconv.ParseFloat(v, 64)
				if err != nil {
					tb.Fatal(err)
				}
				total += s
			}
		}
	}
	return time.Duration(total * float64(time.Second))
}

func redisClock(tb testing.TB, rdb *redis.Client) time.Time {
	tb.Helper()
	now, err := rdb.Time(context.Background()).Result()
	if err != nil {
		tb.Fatal(err)
	}
	return now
}
