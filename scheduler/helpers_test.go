package scheduler_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// eventually fails the test unless cond becomes true within timeout. It
// polls every 5 ms.
func eventually(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// redisNow returns Redis's clock.
func redisNow(tb testing.TB, rdb redis.UniversalClient) time.Time {
	tb.Helper()
	now, err := rdb.Time(context.Background()).Result()
	if err != nil {
		tb.Fatal(err)
	}
	return now
}

// quietLogger discards logs; tests that expect errors would otherwise fill
// the output.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// counts counts calls per name from many goroutines.
type counts struct {
	mu sync.Mutex
	m  map[string]int
}

func newCounts() *counts { return &counts{m: map[string]int{}} }

func (c *counts) add(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[name]++
	return c.m[name]
}

func (c *counts) get(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[name]
}

func (c *counts) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// stop stops a Runner or Periodic when the test ends, failing it if that
// takes more than five seconds.
func stopAtEnd(tb testing.TB, s interface{ Stop(context.Context) error }) {
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Stop(ctx); err != nil {
			tb.Errorf("stop: %v", err)
		}
	})
}

// redisZ is a sorted-set entry in the wake-up layout: score = Unix ms.
func redisZ(at time.Time, name string) redis.Z {
	return redis.Z{Score: float64(at.UnixMilli()), Member: name}
}

func itoa(i int) string { return strconv.Itoa(i) }
