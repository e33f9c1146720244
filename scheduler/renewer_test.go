package scheduler_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// TestRunnerRenewsTheLeaseOfASlowHandler: a handler that runs for four
// leases keeps its wake-up, because the live holder renews the lease;
// another replica claiming all along never gets it, and the wake-up is
// finished once, by its holder.
func TestRunnerRenewsTheLeaseOfASlowHandler(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	keys := []string{"wake:{0}", "wake:{1}", "wake:{2}"}
	w := scheduler.NewWakeUps(rdb, keys...)
	if err := w.Set(ctx, "case:slow", redisNow(t, rdb)); err != nil {
		t.Fatal(err)
	}
	const lease = 300 * time.Millisecond
	var a, b atomic.Int64
	finished := make(chan struct{})
	ra := scheduler.NewRunner(w, func(ctx context.Context, _ string, _ time.Time) error {
		a.Add(1)
		select {
		case <-time.After(4 * lease):
		case <-ctx.Done():
			t.Error("the slow handler's context ended although its holder is alive")
		}
		close(finished)
		return nil
	}, scheduler.WithLease(lease), scheduler.WithTick(20*time.Millisecond), scheduler.WithLogger(quietLogger()))
	ra.Start()
	eventually(t, 5*time.Second, "replica A to start the handler", func() bool { return a.Load() == 1 })
	rb := scheduler.NewRunner(scheduler.NewWakeUps(rdb, keys...), func(context.Context, string, time.Time) error {
		b.Add(1)
		return nil
	}, scheduler.WithLease(lease), scheduler.WithTick(20*time.Millisecond), scheduler.WithLogger(quietLogger()))
	rb.Start()
	stopAtEnd(t, rb)
	<-finished
	if err := ra.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.Len(ctx); n != 0 {
		t.Errorf("%d wake-ups left after the holder finished, want 0", n)
	}
	if a.Load() != 1 || b.Load() != 0 {
		t.Errorf("handled %d times by the holder and %d by the other replica, want 1 and 0", a.Load(), b.Load())
	}
}

// TestExtendLeavesAChangedWakeUpAlone: Extend moves only leases still
// held; a wake-up rescheduled since the claim keeps its new time.
func TestExtendLeavesAChangedWakeUpAlone(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := scheduler.NewWakeUps(rdb, "wake:{0}", "wake:{1}")
	now := redisNow(t, rdb)
	for _, n := range []string{"case:1", "case:2"} {
		if err := w.Set(ctx, n, now.Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := w.Claim(ctx, 10, time.Second)
	if err != nil || len(cs) != 2 {
		t.Fatalf("Claim = %v, %v", cs, err)
	}
	later := now.Add(time.Hour).Truncate(time.Millisecond)
	moved := cs[0].Name
	if err := w.Set(ctx, moved, later); err != nil {
		t.Fatal(err)
	}
	old := cs[1].Lease
	ok, err := w.Extend(ctx, 5*time.Second, cs)
	if err != nil {
		t.Fatal(err)
	}
	if ok[0] || !ok[1] {
		t.Fatalf("Extend = %v, want the rescheduled one left alone and the other extended", ok)
	}
	if cs[1].Lease <= old {
		t.Errorf("lease %d not moved past %d", cs[1].Lease, old)
	}
	if at, _, _ := w.Due(ctx, moved); !at.Equal(later) {
		t.Errorf("the rescheduled wake-up is due %v, want %v", at, later)
	}
	if err := w.Done(ctx, cs...); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.Len(ctx); n != 1 {
		t.Errorf("%d wake-ups after Done, want 1 (the rescheduled one)", n)
	}
}
