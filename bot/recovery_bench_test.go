package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// BenchmarkRecovery measures how long the work a replica held when it
// crashed waits for another replica, with the default leases (wake-ups 4 s
// renewed every 1.3 s, the sender's 4 s). The crash cuts the replica's
// Redis connections and abandons its goroutines: nothing is released.
//
//	go test -run '^$' -bench BenchmarkRecovery -benchtime 3x ./bot/
//
// WakeUps: replica A holds 64 due wake-ups in handlers that never return;
// takeover-s is from the crash until replica B has handled the last of
// them. Sender: A holds the channel's lease; takeover-s is from the crash
// until B delivered a message queued at the crash.
func BenchmarkRecovery(b *testing.B) {
	b.Run("WakeUps", func(b *testing.B) {
		var total time.Duration
		for i := 0; i < b.N; i++ {
			total += wakeUpTakeover(b)
		}
		b.ReportMetric(total.Seconds()/float64(b.N), "takeover-s")
	})
	b.Run("Sender", func(b *testing.B) {
		var total time.Duration
		for i := 0; i < b.N; i++ {
			total += senderTakeover(b)
		}
		b.ReportMetric(total.Seconds()/float64(b.N), "takeover-s")
	})
}

func wakeUpTakeover(b *testing.B) time.Duration {
	srv := redistest.Start(b)
	ctx := context.Background()
	keys := redisstore.New(srv.Client(b), redisstore.Options{}).WakeUpKeys()
	seed := scheduler.NewWakeUps(srv.Client(b), keys...)
	for i := 0; i < 64; i++ {
		if err := seed.Set(ctx, fmt.Sprintf("case:%d", i), time.Now().Add(-time.Second)); err != nil {
			b.Fatal(err)
		}
	}
	quiet := slog.New(slog.DiscardHandler)
	aClient := redis.NewClient(&redis.Options{Addr: srv.Addr, Protocol: 2, MaxRetries: -1})
	var held sync.Map
	count := make(chan struct{}, 64)
	never := make(chan struct{})
	defer close(never)
	a := scheduler.NewRunner(scheduler.NewWakeUps(aClient, keys...), func(ctx context.Context, name string, _ time.Time) error {
		held.Store(name, true)
		count <- struct{}{}
		<-never
		return nil
	}, scheduler.WithLogger(quiet), scheduler.WithConcurrency(32))
	a.Start()
	for i := 0; i < 32; i++ { // all its workers are busy
		<-count
	}
	time.Sleep(2 * time.Second) // long enough that A renewed its leases
	aClient.Close()
	crash := time.Now()
	gone, cancel := context.WithCancel(ctx)
	cancel()
	_ = a.Stop(gone)

	var mu sync.Mutex
	var last time.Time
	left := 0
	held.Range(func(any, any) bool { left++; return true })
	done := make(chan struct{})
	bRunner := scheduler.NewRunner(scheduler.NewWakeUps(srv.Client(b), keys...), func(ctx context.Context, name string, _ time.Time) error {
		if _, ok := held.Load(name); ok {
			mu.Lock()
			left--
			last = time.Now()
			if left == 0 {
				close(done)
			}
			mu.Unlock()
		}
		return nil
	}, scheduler.WithLogger(quiet))
	bRunner.Start()
	defer bRunner.Stop(ctx)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		b.Fatal("the dead replica's wake-ups were not taken over within 30 s")
	}
	mu.Lock()
	defer mu.Unlock()
	return last.Sub(crash)
}

func senderTakeover(b *testing.B) time.Duration {
	srv := redistest.Start(b)
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	p := newFakePlatform()
	aClient := redis.NewClient(&redis.Options{Addr: srv.Addr, Protocol: 2, MaxRetries: -1})
	a := bot.NewSender(redisstore.New(aClient, redisstore.Options{}), "fake", p, "a", quiet)
	a.Block = 50 * time.Millisecond
	a.Start()
	store := redisstore.New(srv.Client(b), redisstore.Options{})
	// A holds the channel once it delivered something.
	mustQueue(b, store, "warm", "w1")
	for len(p.accepted("")) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	bs := bot.NewSender(redisstore.New(srv.Client(b), redisstore.Options{}), "fake", p, "b", quiet)
	bs.Block = 50 * time.Millisecond
	bs.Start()
	defer bs.Stop(ctx)
	time.Sleep(2 * time.Second) // A renewed, B asked in vain

	aClient.Close()
	crash := time.Now()
	gone, cancel := context.WithCancel(ctx)
	cancel()
	a.Stop(gone)
	mustQueue(b, store, "after", "x1")
	for len(p.accepted("customer:fake:after")) == 0 {
		if time.Since(crash) > 30*time.Second {
			b.Fatal("no delivery within 30 s of the crash")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return p.accepted("customer:fake:after")[0].At.Sub(crash)
}

func mustQueue(b *testing.B, s *redisstore.Store, customer, id string) {
	b.Helper()
	if err := s.Commit(context.Background(), &bot.Change{Customer: "fake:" + customer + id, Outbox: []bot.Outbound{toFake(customer, id)}}); err != nil {
		b.Fatal(err)
	}
}
