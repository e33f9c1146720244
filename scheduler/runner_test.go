package scheduler_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

func TestRunnerHandlesEveryWakeUpOnceAcrossTwoReplicas(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	const n = 5000
	seed := scheduler.NewWakeUps(srv.Client(t), "wake")
	due := redisNow(t, srv.Client(t))
	pipe := srv.Client(t).Pipeline()
	for i := 0; i < n; i++ {
		pipe.ZAdd(ctx, seed.Key(), redisZ(due, "case:"+itoa(i)))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}

	handled := newCounts()
	var byReplica [2]atomic.Int64
	for i := range 2 {
		// Each replica has its own client, as separate processes would.
		w := scheduler.NewWakeUps(srv.Client(t), "wake")
		r := scheduler.NewRunner(w, func(ctx context.Context, name string, _ time.Time) error {
			handled.add(name)
			byReplica[i].Add(1)
			return nil
		}, scheduler.WithTick(20*time.Millisecond), scheduler.WithLease(5*time.Second), scheduler.WithLogger(quietLogger()))
		r.Start()
		stopAtEnd(t, r)
	}
	eventually(t, 20*time.Second, "every wake-up to be handled and finished", func() bool {
		left, err := seed.Len(ctx)
		return err == nil && left == 0 && handled.len() == n
	})
	for i := 0; i < n; i++ {
		if c := handled.get("case:" + itoa(i)); c != 1 {
			t.Errorf("case:%d handled %d times, want once", i, c)
		}
	}
	t.Logf("replica 0 handled %d, replica 1 handled %d", byReplica[0].Load(), byReplica[1].Load())
}

func TestRunnerDeadReplicasWakeUpsAreHandledAfterTheirLease(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	const n, lease = 2000, 500 * time.Millisecond
	seed := scheduler.NewWakeUps(srv.Client(t), "wake")
	due := redisNow(t, srv.Client(t))
	pipe := srv.Client(t).Pipeline()
	for i := 0; i < n; i++ {
		pipe.ZAdd(ctx, seed.Key(), redisZ(due, "case:"+itoa(i)))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}

	// Replica A "dies" holding what it claimed: its handler never returns
	// (until the test ends) and it never finishes those wake-ups.
	gone := make(chan struct{})
	defer close(gone)
	var dead sync.Map // name -> struct{}
	var deadCount atomic.Int64
	a := scheduler.NewRunner(scheduler.NewWakeUps(srv.Client(t), "wake"),
		func(ctx context.Context, name string, _ time.Time) error {
			dead.Store(name, struct{}{})
			deadCount.Add(1)
			<-gone
			return errors.New("replica is dead")
		}, scheduler.WithConcurrency(8), scheduler.WithLease(lease), scheduler.WithTick(20*time.Millisecond),
		scheduler.WithLogger(quietLogger()))
	a.Start()
	eventually(t, 5*time.Second, "replica A to hold all the work it can", func() bool { return deadCount.Load() == 8 })
	stopCtx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	if err := a.Stop(stopCtx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop of the stuck replica = %v, want a deadline error", err)
	}
	cancel()

	// Replica B handles everything: what A never held at once, and what A
	// held once its lease has run out.
	handled := newCounts()
	var lateDue sync.Map // name -> due passed to the handler
	b := scheduler.NewRunner(scheduler.NewWakeUps(srv.Client(t), "wake"),
		func(ctx context.Context, name string, due time.Time) error {
			handled.add(name)
			if _, ok := dead.Load(name); ok {
				lateDue.Store(name, due)
			}
			return nil
		}, scheduler.WithLease(lease), scheduler.WithTick(20*time.Millisecond), scheduler.WithLogger(quietLogger()))
	b.Start()
	stopAtEnd(t, b)
	eventually(t, 20*time.Second, "every wake-up to be handled and finished", func() bool {
		left, err := seed.Len(ctx)
		return err == nil && left == 0 && handled.len() == n
	})
	for i := 0; i < n; i++ {
		if c := handled.get("case:" + itoa(i)); c != 1 {
			t.Errorf("case:%d handled %d times by the live replica, want once", i, c)
		}
	}
	retried := 0
	dead.Range(func(k, _ any) bool {
		retried++
		d, ok := lateDue.Load(k)
		if !ok {
			t.Errorf("%s, held by the dead replica, was not handled by the live one", k)
		} else if !d.(time.Time).After(due) {
			t.Errorf("%s was handled again as due %v, want the end of the dead replica's lease", k, d)
		}
		return true
	})
	if retried != 8 {
		t.Errorf("%d wake-ups were held by the dead replica, want 8", retried)
	}
}

func TestRunnerFiresWakeUpsThatFellDueWhileNoReplicaRan(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	handled := newCounts()
	h := func(ctx context.Context, name string, _ time.Time) error { handled.add(name); return nil }

	first := scheduler.NewRunner(w, h, scheduler.WithTick(20*time.Millisecond))
	first.Start()
	if err := first.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	due := redisNow(t, rdb).Add(100 * time.Millisecond)
	for _, name := range []string{"case:1", "case:2", "conv:web:alice"} {
		if err := w.Set(ctx, name, due); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 5*time.Second, "the wake-ups to fall due", func() bool { return !redisNow(t, rdb).Before(due) })
	if handled.len() != 0 {
		t.Fatalf("a stopped runner handled %d wake-ups", handled.len())
	}

	// A long tick: only the look at start can find them quickly.
	second := scheduler.NewRunner(w, h, scheduler.WithTick(time.Hour))
	second.Start()
	stopAtEnd(t, second)
	eventually(t, 5*time.Second, "the new runner to handle them", func() bool { return handled.len() == 3 })
}

func TestRunnerLooksAtTheEarliestDueTimeItSaw(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	due := redisNow(t, rdb).Add(400 * time.Millisecond)
	if err := w.Set(ctx, "case:7", due); err != nil {
		t.Fatal(err)
	}
	handled := make(chan time.Time, 1)
	r := scheduler.NewRunner(w, func(ctx context.Context, name string, d time.Time) error {
		handled <- d
		return nil
	}, scheduler.WithTick(2*time.Second))
	start := time.Now()
	r.Start() // the first look sees case:7 coming and arms a timer for it
	stopAtEnd(t, r)
	select {
	case <-handled:
		if took := time.Since(start); took > 1500*time.Millisecond {
			t.Fatalf("handled after %v, want about 400ms, before the 2s tick", took)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("not handled within 5s")
	}
}

func TestRunnerRetriesFailedAndPanickingHandlers(t *testing.T) {
	tests := []struct {
		name string
		fail func() error
	}{
		{"Error", func() error { return errors.New("try later") }},
		{"Panic", func() error { panic("handler bug") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			rdb := redistest.Start(t).Client(t)
			w := scheduler.NewWakeUps(rdb, "wake")
			due := redisNow(t, rdb).Add(-time.Second).Truncate(time.Millisecond)
			if err := w.Set(ctx, "case:9", due); err != nil {
				t.Fatal(err)
			}
			var calls atomic.Int64
			var dues []time.Time
			var mu sync.Mutex
			r := scheduler.NewRunner(w, func(ctx context.Context, name string, d time.Time) error {
				mu.Lock()
				dues = append(dues, d)
				mu.Unlock()
				if calls.Add(1) == 1 {
					return tt.fail()
				}
				return nil
			}, scheduler.WithTick(20*time.Millisecond), scheduler.WithLease(150*time.Millisecond), scheduler.WithLogger(quietLogger()))
			r.Start()
			stopAtEnd(t, r)
			eventually(t, 5*time.Second, "the retry to succeed and finish", func() bool {
				n, _ := w.Len(ctx)
				return calls.Load() == 2 && n == 0
			})
			mu.Lock()
			defer mu.Unlock()
			if !dues[0].Equal(due) || !dues[1].After(dues[0].Add(100*time.Millisecond)) {
				t.Fatalf("handler saw due times %v; want %v, then the lease's end", dues, due)
			}
		})
	}
}

func TestRunnerKeepsATimeTheHandlerSet(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	if err := w.Set(ctx, "case:1", redisNow(t, rdb)); err != nil {
		t.Fatal(err)
	}
	next := redisNow(t, rdb).Add(time.Hour).Truncate(time.Millisecond)
	var calls atomic.Int64
	r := scheduler.NewRunner(w, func(ctx context.Context, name string, _ time.Time) error {
		calls.Add(1)
		return w.Set(ctx, name, next) // as the bot does: the policy's next wake-up
	}, scheduler.WithTick(20*time.Millisecond))
	r.Start()
	eventually(t, 5*time.Second, "the handler to run", func() bool { return calls.Load() == 1 })
	if err := r.Stop(ctx); err != nil { // Stop waits for Done
		t.Fatal(err)
	}
	if got, ok, err := w.Due(ctx, "case:1"); err != nil || !ok || !got.Equal(next) {
		t.Fatalf("Due after handling = %v, %v, %v; want the %v the handler set", got, ok, err, next)
	}
}

func TestRunnerStop(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	if err := w.Set(ctx, "case:slow", redisNow(t, rdb)); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	started := make(chan struct{})
	var finished atomic.Bool
	r := scheduler.NewRunner(w, func(ctx context.Context, name string, _ time.Time) error {
		close(started)
		<-release
		finished.Store(true)
		return nil
	}, scheduler.WithTick(20*time.Millisecond))
	r.Start()
	r.Start() // a second Start does nothing
	<-started

	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if err := r.Stop(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop while a handler runs = %v, want a deadline error", err)
	}
	close(release)
	if err := r.Stop(ctx); err != nil { // a second Stop waits for the handler
		t.Fatalf("second Stop = %v", err)
	}
	if !finished.Load() {
		t.Fatal("Stop returned before the handler finished")
	}
	if n, _ := w.Len(ctx); n != 0 {
		t.Fatalf("%d wake-ups left; the handled one should be finished", n)
	}
	r.Poke(time.Now()) // after Stop: does nothing, and does not panic
	r.Start()          // after Stop: does nothing

	idle := scheduler.NewRunner(w, nil)
	if err := idle.Stop(ctx); err != nil {
		t.Fatalf("Stop of a runner never started = %v", err)
	}
}

func TestRunnerCarriesOnAcrossARedisRestart(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	rdb := srv.Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	handled := newCounts()
	r := scheduler.NewRunner(w, func(ctx context.Context, name string, _ time.Time) error {
		handled.add(name)
		return nil
	}, scheduler.WithTick(20*time.Millisecond), scheduler.WithLogger(quietLogger()))
	r.Start()
	stopAtEnd(t, r)

	if err := w.Set(ctx, "case:before", redisNow(t, rdb).Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	srv.Restart(t, "--appendonly", "yes")
	if err := w.Set(ctx, "case:after", redisNow(t, rdb)); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "both wake-ups to be handled after the restart", func() bool {
		return handled.get("case:before") == 1 && handled.get("case:after") == 1
	})
}

func TestRunnerReschedulesWhenTheHandlerSaysSo(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	for _, name := range []string{"case:1", "case:2", "case:3"} {
		if err := w.Set(ctx, name, redisNow(t, rdb)); err != nil {
			t.Fatal(err)
		}
	}
	next := redisNow(t, rdb).Add(time.Hour).Truncate(time.Millisecond)
	moved := next.Add(time.Hour)
	var calls atomic.Int64
	r := scheduler.NewRunner(w, func(ctx context.Context, name string, _ time.Time) error {
		calls.Add(1)
		switch name {
		case "case:2":
			// Changed meanwhile (as a commit would): that time stands.
			if err := w.Set(ctx, name, moved); err != nil {
				return err
			}
		case "case:3":
			return scheduler.Reschedule{} // zero: never again
		}
		return scheduler.Reschedule{At: next}
	}, scheduler.WithTick(20*time.Millisecond))
	r.Start()
	eventually(t, 5*time.Second, "the handler to run thrice", func() bool { return calls.Load() == 3 })
	if err := r.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]time.Time{"case:1": next, "case:2": moved} {
		if got, ok, err := w.Due(ctx, name); err != nil || !ok || !got.Equal(want) {
			t.Errorf("%s due %v, %v, %v; want %v", name, got, ok, err, want)
		}
	}
	if _, ok, _ := w.Due(ctx, "case:3"); ok {
		t.Errorf("case:3 still pending after a zero Reschedule")
	}
	if calls.Load() != 3 {
		t.Errorf("handler ran %d times, want 3 (a Reschedule is not a failure)", calls.Load())
	}
}
