package scheduler_test

import (
	"context"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

func TestWakeUpsSetOverwriteClear(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	base := time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC)

	type step struct {
		set   *time.Time // Set to this time, or
		clear bool       // Clear
	}
	at := func(d time.Duration) *time.Time { t := base.Add(d); return &t }
	tests := []struct {
		name    string
		steps   []step
		wantDue *time.Time // nil: no wake-up
	}{
		{"SetOnce", []step{{set: at(0)}}, at(0)},
		{"OverwriteLater", []step{{set: at(0)}, {set: at(time.Hour)}}, at(time.Hour)},
		{"OverwriteEarlier", []step{{set: at(time.Hour)}, {set: at(-time.Hour)}}, at(-time.Hour)},
		{"Clear", []step{{set: at(0)}, {clear: true}}, nil},
		{"ClearNothing", []step{{clear: true}}, nil},
		{"SetAfterClear", []step{{set: at(0)}, {clear: true}, {set: at(time.Minute)}}, at(time.Minute)},
		{"Milliseconds", []step{{set: at(1234567 * time.Microsecond)}}, at(1234 * time.Millisecond)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "case:" + tt.name
			for _, s := range tt.steps {
				var err error
				if s.clear {
					err = w.Clear(ctx, name)
				} else {
					err = w.Set(ctx, name, *s.set)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			due, ok, err := w.Due(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.wantDue == nil && ok:
				t.Fatalf("Due = %v, want no wake-up", due)
			case tt.wantDue != nil && (!ok || !due.Equal(*tt.wantDue)):
				t.Fatalf("Due = %v, %v; want %v", due, ok, *tt.wantDue)
			}
			// The layout is a contract: member = name, score = Unix ms.
			score, err := rdb.ZScore(ctx, w.Key(), name).Result()
			if tt.wantDue != nil && (err != nil || int64(score) != tt.wantDue.UnixMilli()) {
				t.Fatalf("ZSCORE %s %s = %v, %v; want %d", w.Key(), name, score, err, tt.wantDue.UnixMilli())
			}
		})
	}
	if n, err := w.Len(ctx); err != nil || n != 5 {
		t.Fatalf("Len = %d, %v; want 5", n, err)
	}
	if err := w.Set(ctx, "", base); err == nil {
		t.Fatal("Set with an empty name succeeded")
	}
}

func TestClaimTakesOnlyDueWakeUpsByRedisTime(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	now := redisNow(t, rdb)
	for name, at := range map[string]time.Time{
		"case:1": now.Add(-time.Hour),
		"case:2": now.Add(-time.Second),
		"case:3": now.Add(time.Hour),
		"case:4": now.Add(24 * time.Hour),
	} {
		if err := w.Set(ctx, name, at); err != nil {
			t.Fatal(err)
		}
	}
	// The external store writes the same layout with its own ZADD.
	if err := rdb.ZAdd(ctx, w.Key(), redisZ(now.Add(-time.Minute), "conv:web:alice")).Err(); err != nil {
		t.Fatal(err)
	}

	got, err := w.Claim(ctx, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"case:1", "conv:web:alice", "case:2"} // earliest first
	if len(got) != len(want) {
		t.Fatalf("Claim = %+v, want %v", got, want)
	}
	for i, c := range got {
		if c.Name != want[i] {
			t.Errorf("claimed[%d] = %q, want %q", i, c.Name, want[i])
		}
		due, _, _ := w.Due(ctx, c.Name)
		if due.UnixMilli() != c.Lease {
			t.Errorf("%s: score %d after claim, want the lease %d", c.Name, due.UnixMilli(), c.Lease)
		}
		if d := time.UnixMilli(c.Lease).Sub(now); d < time.Minute-time.Millisecond || d > time.Minute+5*time.Second {
			t.Errorf("%s: lease ends %v after Redis's now, want about a minute", c.Name, d)
		}
	}
	if !got[0].Due.Equal(now.Add(-time.Hour).Truncate(time.Millisecond)) {
		t.Errorf("case:1 Due = %v, want %v", got[0].Due, now.Add(-time.Hour))
	}
	again, err := w.Claim(ctx, 10, time.Minute)
	if err != nil || len(again) != 0 {
		t.Fatalf("second Claim = %+v, %v; want nothing while the leases last", again, err)
	}
}

func TestClaimLimitsAndArguments(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	past := redisNow(t, rdb).Add(-time.Minute)
	for i := 0; i < 5; i++ {
		if err := w.Set(ctx, "case:"+string(rune('a'+i)), past); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		max     int
		lease   time.Duration
		want    int
		wantErr bool
	}{
		{"ZeroMax", 0, time.Minute, 0, false},
		{"SubMillisecondLease", 3, time.Microsecond, 0, true},
		{"Two", 2, time.Minute, 2, false},
		{"RestOfThem", 10, time.Minute, 3, false},
		{"NoneLeft", 10, time.Minute, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.Claim(ctx, tt.max, tt.lease)
			if (err != nil) != tt.wantErr || len(got) != tt.want {
				t.Fatalf("Claim(%d, %v) = %d wake-ups, %v; want %d (error %v)", tt.max, tt.lease, len(got), err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestClaimAgainAfterLeaseRunsOut(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	if err := w.Set(ctx, "case:42", redisNow(t, rdb).Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	first, err := w.Claim(ctx, 10, 100*time.Millisecond)
	if err != nil || len(first) != 1 {
		t.Fatalf("Claim = %+v, %v", first, err)
	}
	var second []scheduler.Claimed
	eventually(t, 5*time.Second, "the lease to run out", func() bool {
		second, err = w.Claim(ctx, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return len(second) == 1
	})
	if second[0].Name != "case:42" || second[0].Due.UnixMilli() != first[0].Lease {
		t.Fatalf("re-claimed %+v, want case:42 due at the first lease's end %d", second[0], first[0].Lease)
	}
	if now := redisNow(t, rdb); now.Before(time.UnixMilli(first[0].Lease)) {
		t.Fatalf("re-claimed at %v, before the first lease ended at %v", now, time.UnixMilli(first[0].Lease))
	}
}

func TestDoneRemovesOnlyUnchangedWakeUps(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	later := redisNow(t, rdb).Add(time.Hour).Truncate(time.Millisecond)
	otherLease := func(c scheduler.Claimed) time.Time { return time.UnixMilli(c.Lease + 5000) }

	tests := []struct {
		name string
		// between runs between Claim and Done.
		between func(t *testing.T, c scheduler.Claimed)
		// want is the due time that must stand after Done; nil: none.
		want func(c scheduler.Claimed) *time.Time
	}{
		{
			name:    "Unchanged",
			between: func(*testing.T, scheduler.Claimed) {},
			want:    func(scheduler.Claimed) *time.Time { return nil },
		},
		{
			name: "RescheduledByHandler",
			between: func(t *testing.T, c scheduler.Claimed) {
				if err := w.Set(ctx, c.Name, later); err != nil {
					t.Fatal(err)
				}
			},
			want: func(scheduler.Claimed) *time.Time { return &later },
		},
		{
			name: "Cleared",
			between: func(t *testing.T, c scheduler.Claimed) {
				if err := w.Clear(ctx, c.Name); err != nil {
					t.Fatal(err)
				}
			},
			want: func(scheduler.Claimed) *time.Time { return nil },
		},
		{
			// The lease ran out and another replica claimed it: its lease stands.
			name: "ClaimedAgainByAnotherReplica",
			between: func(t *testing.T, c scheduler.Claimed) {
				if err := rdb.ZAdd(ctx, w.Key(), redisZ(otherLease(c), c.Name)).Err(); err != nil {
					t.Fatal(err)
				}
			},
			want: func(c scheduler.Claimed) *time.Time { at := otherLease(c); return &at },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "case:" + tt.name
			if err := w.Set(ctx, name, redisNow(t, rdb).Add(-time.Second)); err != nil {
				t.Fatal(err)
			}
			cs, err := w.Claim(ctx, 1, time.Minute)
			if err != nil || len(cs) != 1 || cs[0].Name != name {
				t.Fatalf("Claim = %+v, %v", cs, err)
			}
			tt.between(t, cs[0])
			want := tt.want(cs[0])
			if err := w.Done(ctx, cs[0]); err != nil {
				t.Fatal(err)
			}
			due, ok, err := w.Due(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			if want == nil && ok {
				t.Fatalf("after Done the wake-up is due %v, want it gone", due)
			}
			if want != nil && (!ok || !due.Equal(*want)) {
				t.Fatalf("after Done Due = %v, %v; want %v to stand", due, ok, *want)
			}
		})
	}
}

func TestDoneFinishesManyInOneCall(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	w := scheduler.NewWakeUps(rdb, "wake")
	past := redisNow(t, rdb).Add(-time.Second)
	for i := 0; i < 300; i++ {
		if err := w.Set(ctx, "case:"+itoa(i), past); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := w.Claim(ctx, 1000, time.Minute)
	if err != nil || len(cs) != 300 {
		t.Fatalf("Claim = %d, %v; want 300", len(cs), err)
	}
	if err := w.Set(ctx, cs[7].Name, past.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := w.Done(ctx, cs...); err != nil {
		t.Fatal(err)
	}
	if n, err := w.Len(ctx); err != nil || n != 1 {
		t.Fatalf("Len after Done = %d, %v; want 1 (the rescheduled one)", n, err)
	}
	if err := w.Done(ctx); err != nil {
		t.Fatalf("Done of nothing: %v", err)
	}
}
