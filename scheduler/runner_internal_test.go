package scheduler

import (
	"context"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

func TestEveryScheduleAddsTheInterval(t *testing.T) {
	base := time.Date(2026, 3, 29, 1, 59, 59, 990_000_000, time.UTC)
	tests := []struct {
		name string
		tick time.Duration
	}{
		{"TenMilliseconds", 10 * time.Millisecond},
		{"SubSecond", 250 * time.Millisecond},
		{"OneAndAHalfSeconds", 1500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := every(tt.tick).Next(base), base.Add(tt.tick); !got.Equal(want) {
				t.Fatalf("Next = %v, want %v", got, want)
			}
		})
	}
}

func TestSubSecondTicksFire(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	r := NewRunner(NewWakeUps(rdb, "wake"), func(context.Context, string, time.Time) error { return nil },
		WithTick(20*time.Millisecond))
	start := time.Now()
	r.Start()
	defer r.Stop(context.Background())
	deadline := time.Now().Add(5 * time.Second)
	for r.ticks.Load() < 10 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d ticks of 20ms in 5s", r.ticks.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Ten 20ms ticks cannot take the second or more that robfig's "@every"
	// would round them up to.
	if took := time.Since(start); took >= time.Second {
		t.Fatalf("10 ticks took %v, want well under a second", took)
	}
}

func TestPokeLooksBeforeTheNextTick(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := NewWakeUps(rdb, "wake")
	handledAt := make(chan time.Time, 1)
	r := NewRunner(w, func(ctx context.Context, name string, due time.Time) error {
		handledAt <- time.Now()
		return nil
	}, WithTick(time.Hour))
	r.Start()
	defer r.Stop(ctx)
	// Wait for the look at start to have found the set empty, so that only
	// the poke can make the runner look again within the hour.
	deadline := time.Now().Add(5 * time.Second)
	for r.looks.Load() < 1 {
		if time.Now().After(deadline) {
			t.Fatal("no look at start")
		}
		time.Sleep(5 * time.Millisecond)
	}

	at := time.Now().Add(300 * time.Millisecond)
	if err := w.Set(ctx, "conv:web:alice", at); err != nil {
		t.Fatal(err)
	}
	r.Poke(at.Add(5 * time.Millisecond)) // allow for Redis's clock being a little behind
	select {
	case got := <-handledAt:
		if late := got.Sub(at); late < 0 || late > 500*time.Millisecond {
			t.Fatalf("handled %v after due, want within 500ms (and not before)", late)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a poked runner with an hour's tick did not handle the wake-up within 5s")
	}
	if n := r.looks.Load(); n != 2 {
		t.Fatalf("%d looks, want 2 (at start, and the poke)", n)
	}
}

// aheadClock is a clock an hour ahead of the system's.
type aheadClock struct{}

func (aheadClock) Now() time.Time { return time.Now().Add(time.Hour) }

func TestPokeReadsTheInjectedClock(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := NewWakeUps(rdb, "wake")
	handled := make(chan struct{}, 1)
	r := NewRunner(w, func(context.Context, string, time.Time) error {
		handled <- struct{}{}
		return nil
	}, WithTick(time.Hour), WithClock(aheadClock{}))
	r.Start()
	defer r.Stop(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for r.looks.Load() < 1 {
		if time.Now().After(deadline) {
			t.Fatal("no look at start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := w.Set(ctx, "case:1", time.Now().Add(100*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	// On the injected clock the wake-up is due in 100ms; read from the
	// system clock this poke would be an hour away.
	r.Poke(aheadClock{}.Now().Add(150 * time.Millisecond))
	select {
	case <-handled:
	case <-time.After(5 * time.Second):
		t.Fatal("the poke was not read on the injected clock")
	}
}
