package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func TestLeaseTakeRenewRelease(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := context.Background()
		s := New(rdb, Options{})
		take := func(holder string) bool {
			t.Helper()
			ok, err := s.Lease(ctx, "sender:web", holder, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !take("a") || !take("a") {
			t.Fatal("a could not take and renew a free lease")
		}
		if take("b") {
			t.Fatal("b took a's lease")
		}
		// Only the holder can give it up.
		if err := s.Release(ctx, "sender:web", "b"); err != nil {
			t.Fatal(err)
		}
		if take("b") {
			t.Fatal("b's release dropped a's lease")
		}
		if err := s.Release(ctx, "sender:web", "a"); err != nil {
			t.Fatal(err)
		}
		if !take("b") {
			t.Fatal("b could not take the lease a released")
		}
	})
}

func TestPendingWakeUps(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := context.Background()
		s := New(rdb, Options{})
		due := time.UnixMilli(time.Now().Add(time.Hour).UnixMilli())
		if err := rdb.ZAdd(ctx, s.WakeUpKeys()[3], redis.Z{Member: "case:1", Score: float64(due.UnixMilli())}).Err(); err != nil {
			t.Fatal(err)
		}
		got, err := s.PendingWakeUps(ctx, "case:1", "case:2")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !got["case:1"].Equal(due) {
			t.Errorf("PendingWakeUps = %v, want only case:1 at %v", got, due)
		}
	})
}
