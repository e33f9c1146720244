package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// fireLog records which replica ran which fire.
type fireLog struct {
	mu   sync.Mutex
	runs map[int64][]string // fire Unix ms -> replicas that ran it
}

func (l *fireLog) add(fire time.Time, replica string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.runs == nil {
		l.runs = map[int64][]string{}
	}
	l.runs[fire.UnixMilli()] = append(l.runs[fire.UnixMilli()], replica)
}

func (l *fireLog) snapshot() map[int64][]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[int64][]string{}
	for k, v := range l.runs {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// startReplicas starts n Periodics, each with its own client, running one
// job that records its fires in log.
func startReplicas(t *testing.T, srv *redistest.Server, n int, log *fireLog, add func(p *scheduler.Periodic, fn scheduler.JobFunc) error, opts ...scheduler.Option) {
	t.Helper()
	for i := 0; i < n; i++ {
		replica := fmt.Sprintf("replica-%d", i)
		p := scheduler.NewPeriodic(srv.Client(t), "sched",
			append([]scheduler.Option{scheduler.WithReplica(replica), scheduler.WithLogger(quietLogger())}, opts...)...)
		err := add(p, func(ctx context.Context, fire time.Time) error {
			log.add(fire, replica)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		p.Start()
		stopAtEnd(t, p)
	}
}

// checkOncePerFire fails unless each recorded fire ran on exactly one
// replica and the fires follow each other every period with no gap.
func checkOncePerFire(t *testing.T, runs map[int64][]string, period time.Duration) {
	t.Helper()
	var fires []int64
	for fire, replicas := range runs {
		fires = append(fires, fire)
		if len(replicas) != 1 {
			t.Errorf("fire %v ran on %v, want exactly one replica", time.UnixMilli(fire), replicas)
		}
	}
	sort.Slice(fires, func(i, j int) bool { return fires[i] < fires[j] })
	for i, f := range fires {
		if f%period.Milliseconds() != 0 {
			t.Errorf("fire %d is not on a multiple of %v", f, period)
		}
		if i > 0 && f-fires[i-1] != period.Milliseconds() {
			t.Errorf("fires %d and %d are not one period apart: a fire was missed", fires[i-1], f)
		}
	}
}

func TestPeriodicRunsEachFireOnOneReplica(t *testing.T) {
	srv := redistest.Start(t)
	const period = 100 * time.Millisecond
	var log fireLog
	startReplicas(t, srv, 3, &log, func(p *scheduler.Periodic, fn scheduler.JobFunc) error {
		return p.AddSchedule("sweep", scheduler.Every(period), fn)
	})
	eventually(t, 10*time.Second, "ten fires", func() bool { return len(log.snapshot()) >= 10 })
	runs := log.snapshot()
	checkOncePerFire(t, runs, period)

	// The lock of a fire is the documented key, held by the replica that ran it.
	rdb := srv.Client(t)
	for fire, replicas := range runs {
		key := fmt.Sprintf("sched:lock:sweep:%d", fire)
		got, err := rdb.Get(context.Background(), key).Result()
		if err != nil || got != replicas[0] {
			t.Errorf("GET %s = %q, %v; want %q", key, got, err, replicas[0])
		}
		if ttl := rdb.PTTL(context.Background(), key).Val(); ttl <= 0 || ttl > scheduler.DefaultLockTTL {
			t.Errorf("PTTL %s = %v, want (0, %v]", key, ttl, scheduler.DefaultLockTTL)
		}
	}
}

func TestPeriodicSecondsSpecRunsEachFireOnOneReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for two whole-second fires")
	}
	srv := redistest.Start(t)
	var log fireLog
	startReplicas(t, srv, 3, &log, func(p *scheduler.Periodic, fn scheduler.JobFunc) error {
		return p.Add("digest", "* * * * * *", fn)
	}, scheduler.WithSeconds())
	eventually(t, 10*time.Second, "two fires", func() bool { return len(log.snapshot()) >= 2 })
	checkOncePerFire(t, log.snapshot(), time.Second)
}

func TestPeriodicPassesTheFireTimeInItsZone(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	fires := make(chan time.Time, 10)
	p := scheduler.NewPeriodic(rdb, "sched", scheduler.WithLocation(shanghai))
	if err := p.AddSchedule("tick", scheduler.Every(50*time.Millisecond), func(ctx context.Context, fire time.Time) error {
		fires <- fire
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p.Start()
	stopAtEnd(t, p)
	select {
	case f := <-fires:
		if f.Location() != shanghai || f.UnixMilli()%50 != 0 {
			t.Fatalf("fire %v (%v), want a multiple of 50ms in Asia/Shanghai", f, f.Location())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no fire within 5s")
	}
}

func TestPeriodicAddRejectsBadInput(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	ok := func(context.Context, time.Time) error { return nil }
	tests := []struct {
		name    string
		job     string
		spec    string
		fn      scheduler.JobFunc
		wantErr string // substring; "" means Add must succeed
	}{
		{"Daily", "digest", "@daily", ok, ""},
		{"WeeklyInZone", "review", "CRON_TZ=Asia/Shanghai 0 9 * * 1", ok, ""},
		{"EveryFiveMinutes", "reconcile", "@every 5m", ok, ""},
		{"TZPrefix", "tz", "TZ=Europe/Berlin 30 2 * * *", ok, ""},
		{"DescriptorInZone", "zoned", "CRON_TZ=Asia/Shanghai @daily", ok, ""},
		{"TZWithoutSpecPanicsInRobfig", "bad1", "TZ=0", ok, `"TZ=0"`},
		{"CronTZWithoutSpec", "bad2", "CRON_TZ=UTC", ok, "CRON_TZ=UTC"},
		{"UnknownZone", "bad3", "CRON_TZ=Mars/Olympus 0 9 * * *", ok, "Mars/Olympus"},
		{"MinuteOutOfRange", "bad4", "61 * * * *", ok, "61"},
		{"SixFieldsWithoutSeconds", "bad5", "* * * * * *", ok, "bad5"},
		{"NeverFires", "bad6", "0 0 30 2 *", ok, "never fires"},
		{"Empty", "bad7", "", ok, "empty"},
		{"UnknownDescriptor", "bad8", "@fortnightly", ok, "@fortnightly"},
		{"EmptyName", "", "@daily", ok, "name"},
		{"NameWithSpace", "a b", "@daily", ok, "name"},
		{"NilFunc", "nilfn", "@daily", nil, "nil"},
		{"Duplicate", "digest", "@hourly", ok, "already added"},
	}
	p := scheduler.NewPeriodic(rdb, "sched")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("Add(%q, %q) panicked: %v", tt.job, tt.spec, r)
					}
				}()
				err = p.Add(tt.job, tt.spec, tt.fn)
			}()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Add(%q, %q) = %v, want success", tt.job, tt.spec, err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("Add(%q, %q) succeeded, want an error mentioning %q", tt.job, tt.spec, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("Add(%q, %q) = %v, want it to mention %q", tt.job, tt.spec, err, tt.wantErr)
			}
		})
	}
}

func TestPeriodicSurvivesFailingAndPanickingJobs(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	var failed, panicked, fine atomic.Int64
	p := scheduler.NewPeriodic(rdb, "sched", scheduler.WithLogger(quietLogger()))
	jobs := map[string]scheduler.JobFunc{
		"fails":  func(context.Context, time.Time) error { failed.Add(1); return errors.New("no") },
		"panics": func(context.Context, time.Time) error { panicked.Add(1); panic("job bug") },
		"fine":   func(context.Context, time.Time) error { fine.Add(1); return nil },
	}
	for name, fn := range jobs {
		if err := p.AddSchedule(name, scheduler.Every(30*time.Millisecond), fn); err != nil {
			t.Fatal(err)
		}
	}
	p.Start()
	stopAtEnd(t, p)
	eventually(t, 5*time.Second, "every job to run three times", func() bool {
		return failed.Load() >= 3 && panicked.Load() >= 3 && fine.Load() >= 3
	})
}

func TestPeriodicStopWaitsForRunningJobs(t *testing.T) {
	rdb := redistest.Start(t).Client(t)
	started := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	var done atomic.Bool
	p := scheduler.NewPeriodic(rdb, "sched")
	if err := p.AddSchedule("slow", scheduler.Every(20*time.Millisecond), func(ctx context.Context, _ time.Time) error {
		once.Do(func() {
			close(started)
			<-release
			done.Store(true)
		})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p.Start()
	<-started
	short, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := p.Stop(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop while a job runs = %v, want a deadline error", err)
	}
	close(release)
	if err := p.Stop(context.Background()); err != nil {
		t.Fatalf("second Stop = %v", err)
	}
	if !done.Load() {
		t.Fatal("Stop returned before the job finished")
	}
}

func TestEveryIsAlignedToTheEpoch(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		d    time.Duration
		from time.Time
		want time.Time
	}{
		{"SubSecond", 100 * time.Millisecond,
			time.Date(2026, 3, 6, 9, 0, 0, 150_000_000, time.UTC), time.Date(2026, 3, 6, 9, 0, 0, 200_000_000, time.UTC)},
		{"OnABoundaryGoesToTheNext", 100 * time.Millisecond,
			time.Date(2026, 3, 6, 9, 0, 0, 200_000_000, time.UTC), time.Date(2026, 3, 6, 9, 0, 0, 300_000_000, time.UTC)},
		{"FiveMinutes", 5 * time.Minute,
			time.Date(2026, 3, 6, 9, 7, 0, 0, time.UTC), time.Date(2026, 3, 6, 9, 10, 0, 0, time.UTC)},
		{"KeepsTheZone", time.Hour,
			time.Date(2026, 3, 29, 1, 30, 0, 0, berlin), time.Date(2026, 3, 29, 3, 0, 0, 0, berlin)},
		{"NotPositiveNeverFires", 0, time.Date(2026, 3, 6, 9, 0, 0, 0, time.UTC), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scheduler.Every(tt.d).Next(tt.from)
			if !got.Equal(tt.want) || (!got.IsZero() && got.Location() != tt.from.Location()) {
				t.Fatalf("Every(%v).Next(%v) = %v, want %v", tt.d, tt.from, got, tt.want)
			}
		})
	}
}
