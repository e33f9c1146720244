package bot_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// TestSentinelFailoverLosesNothingAcknowledged: customers keep writing
// while the primary is killed and the Sentinel promotes the replica. The
// store is not ready from the kill until the client follows the new
// primary; a message whose Handle failed is sent again with the same id
// (as every platform and the inbox do), and every message the engine
// acknowledged is still remembered afterwards.
func TestSentinelFailoverLosesNothingAcknowledged(t *testing.T) {
	s := redistest.StartSentinel(t)
	store := redisstore.New(s.Client(t), redisstore.Options{SyncReplicas: 1, SyncTimeout: 200 * time.Millisecond})
	eng := bot.NewEngine(store, bot.Config{Staff: []string{"alice"}}, bot.WithLogger(timedLog))
	ctx := context.Background()
	if err := store.Ready(ctx); err != nil {
		t.Fatalf("Ready before the failover: %v", err)
	}

	var mu sync.Mutex
	var acked []bot.Inbound
	var failed int
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				in := bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: fmt.Sprintf("f%d", c),
					ID: fmt.Sprintf("f%d-%d", c, i), Text: fmt.Sprintf("message %d: the parcel never came", i)}
				for {
					select {
					case <-stop:
						return
					default:
					}
					hctx, cancel := context.WithTimeout(ctx, 3*time.Second)
					_, err := eng.Handle(hctx, in)
					cancel()
					if err == nil {
						mu.Lock()
						acked = append(acked, in)
						mu.Unlock()
						break
					}
					mu.Lock()
					failed++
					mu.Unlock()
					time.Sleep(20 * time.Millisecond) // a platform's retry
				}
			}
		}()
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	waitUntil(t, 10*time.Second, "messages before the failover", func() bool { return count() >= 40 })

	s.Master.Stop()
	if err := store.Ready(ctx); err == nil {
		t.Fatal("Ready with the primary gone, before the Sentinel acted")
	}
	before := count()
	waitUntil(t, 30*time.Second, "the store to be ready on the new primary", func() bool {
		rctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		return store.Ready(rctx) == nil
	})
	if got := s.MasterAddr(t); got != s.Replica.Addr {
		t.Fatalf("the primary is %s, want the promoted replica %s", got, s.Replica.Addr)
	}
	// The new primary has no replica left, so its commits are not
	// confirmed: each is retried and then found committed (a duplicate).
	waitUntil(t, 15*time.Second, "messages after the failover", func() bool { return count() >= before+8 })
	close(stop)
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	if failed == 0 {
		t.Error("no Handle failed during the failover; the test did not exercise it")
	}
	for _, in := range acked {
		snap, err := store.Load(ctx, bot.LoadQuery{Customer: "web:" + in.User, Dedupe: "web:" + in.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !snap.Seen {
			t.Errorf("message %s was acknowledged before the failover but is lost", in.ID)
		}
	}
	t.Logf("%d messages acknowledged, %d attempts failed and were retried", len(acked), failed)
}
