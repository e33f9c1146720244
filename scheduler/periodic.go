package scheduler

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/robfig/cron/v3"
)

// JobFunc is a periodic job. fire is the scheduled time of the fire it runs
// for (the same on every replica), not the time it started.
type JobFunc func(ctx context.Context, fire time.Time) error

// Periodic runs named jobs on cron schedules such that, across all replicas
// running the same jobs, each fire runs on exactly one replica.
//
// Every replica's cron (robfig/cron) fires every job; before running it, a
// replica takes the lock `SET <prefix>:lock:<job>:<fire Unix ms> <replica> NX`
// with an expiry of WithLockTTL (PX, or EX for whole seconds) and runs the job
// only if it got it. Fire times come from the
// schedule, not from the replica's clock, so the replicas agree on the key.
// The lock is left to expire rather than deleted, so a replica that reaches
// the fire late cannot run it again.
//
// Guarantees and limits: a fire runs at most once while its lock lives (see
// WithLockTTL), and once if at least one replica reaches it and Redis
// answers. A fire that falls while every replica is down is not made up for
// later, so jobs should work out what is due themselves (a reconcile sweep)
// or tolerate a missed day. Runs of one job may overlap if a run outlasts
// the interval to the next fire.
type Periodic struct {
	rdb     redis.UniversalClient
	prefix  string
	o       options
	parser  cron.Parser
	replica string
	cron    *cron.Cron
	ctx     context.Context // jobs' parent; cancelled when Stop gives up waiting
	abort   context.CancelFunc

	mu      sync.Mutex
	names   map[string]bool
	started bool
	stopped bool
}

// NewPeriodic returns a Periodic whose locks live under prefix. It reads
// WithLockTTL, WithLocation, WithReplica, WithSeconds, WithLogger and
// WithClock. It does nothing until Start.
func NewPeriodic(rdb redis.UniversalClient, prefix string, opts ...Option) *Periodic {
	o := buildOptions(opts)
	fields := cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor
	if o.seconds {
		fields |= cron.SecondOptional
	}
	replica := o.replica
	if replica == "" {
		host, _ := os.Hostname()
		replica = host + ":" + strconv.Itoa(os.Getpid())
	}
	log := cronLogger{o.logger}
	ctx, abort := context.WithCancel(context.Background())
	return &Periodic{
		rdb:     rdb,
		prefix:  prefix,
		o:       o,
		parser:  cron.NewParser(fields),
		replica: replica,
		cron: cron.New(
			cron.WithLocation(o.location),
			cron.WithLogger(log),
			cron.WithChain(cron.Recover(log)),
		),
		ctx:   ctx,
		abort: abort,
		names: map[string]bool{},
	}
}

// Add registers the job name to run fn on spec. A spec has five fields
// (minute hour day-of-month month day-of-week; six with WithSeconds), an
// optional CRON_TZ= or TZ= prefix, or is a descriptor such as "@daily" or
// "@every 5m"; without a prefix it is read in the WithLocation zone. "@every"
// fires are aligned to multiples of the interval since the Unix epoch, so
// that replicas agree on them. Add returns an error naming the job and the
// spec if the spec does not parse or never fires, and never panics. Names
// must be unique and not empty. Jobs may be added before or after Start.
func (p *Periodic) Add(name, spec string, fn JobFunc) error {
	s, err := p.parse(spec)
	if err != nil {
		return fmt.Errorf("scheduler: periodic job %q: spec %q: %w", name, spec, err)
	}
	return p.AddSchedule(name, s, fn)
}

// AddSchedule registers the job name to run fn on the schedule s. Every
// replica must compute the same fire times from s whatever time it is asked
// from (cron specs and Every do; a schedule that counts from its own start
// does not), or the replicas' locks will not meet and a fire may run more
// than once.
func (p *Periodic) AddSchedule(name string, s cron.Schedule, fn JobFunc) error {
	if name == "" || strings.ContainsAny(name, " \t\r\n") {
		return fmt.Errorf("scheduler: periodic job name %q: must be non-empty and without spaces", name)
	}
	if fn == nil {
		return fmt.Errorf("scheduler: periodic job %q: nil function", name)
	}
	if next := s.Next(p.o.clock.Now().In(p.o.location)); next.IsZero() {
		return fmt.Errorf("scheduler: periodic job %q: schedule never fires", name)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.names[name] {
		return fmt.Errorf("scheduler: periodic job %q: already added", name)
	}
	p.names[name] = true
	f := &fires{Schedule: s}
	p.cron.Schedule(f, cron.FuncJob(func() {
		at, ok := f.take()
		if !ok {
			p.o.logger.Error("scheduler: periodic fire without a fire time; skipped", "job", name)
			return
		}
		p.fire(name, at, fn)
	}))
	return nil
}

// parse parses a spec, turning the parser's panics (robfig/cron #470, #554:
// "TZ=0" and other bad prefixes) into errors.
func (p *Periodic) parse(spec string) (s cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("does not parse (%v)", r)
		}
	}()
	if hasZone(spec) && !strings.Contains(strings.TrimSpace(spec), " ") {
		return nil, fmt.Errorf("a zone prefix needs a spec after it")
	}
	s, err = p.parser.Parse(spec)
	if err != nil {
		return nil, err
	}
	if c, ok := s.(cron.ConstantDelaySchedule); ok {
		return Every(c.Delay), nil
	}
	return s, nil
}

// Start starts firing the jobs. Calling Start again, or after Stop, does
// nothing.
func (p *Periodic) Start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started || p.stopped {
		return
	}
	p.started = true
	p.cron.Start()
}

// Stop stops firing and waits until the running jobs return or ctx ends; in
// the latter case it cancels the jobs' context and returns ctx.Err(). It is
// safe to call more than once.
func (p *Periodic) Stop(ctx context.Context) error {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	done := p.cron.Stop() // safe when not started or already stopped
	select {
	case <-done.Done():
		return nil
	case <-ctx.Done():
		p.abort()
		return ctx.Err()
	}
}

// LockKey returns the key of the lock for job's fire at fire.
func (p *Periodic) LockKey(job string, fire time.Time) string {
	return p.prefix + ":lock:" + job + ":" + strconv.FormatInt(fire.UnixMilli(), 10)
}

// fire runs one fire of a job if this replica wins its lock.
func (p *Periodic) fire(name string, at time.Time, fn JobFunc) {
	key := p.LockKey(name, at)
	err := p.rdb.SetArgs(p.ctx, key, p.replica, redis.SetArgs{Mode: "NX", TTL: p.o.lockTTL}).Err()
	if errors.Is(err, redis.Nil) {
		return // another replica runs this fire
	}
	if err != nil {
		p.o.logger.Error("scheduler: periodic lock failed; this replica skips the fire",
			"job", name, "fire", at, "err", err)
		return
	}
	start := p.o.clock.Now()
	if err := runJob(p.ctx, fn, at); err != nil {
		p.o.logger.Error("scheduler: periodic job failed", "job", name, "fire", at, "err", err)
		return
	}
	p.o.logger.Debug("scheduler: periodic job done", "job", name, "fire", at, "took", p.o.clock.Now().Sub(start))
}

// runJob runs fn, turning a panic into an error.
func runJob(ctx context.Context, fn JobFunc, at time.Time) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("job panicked: %v\n%s", r, debug.Stack())
		}
	}()
	return fn(ctx, at)
}

// fires wraps a job's schedule to remember the fire times robfig/cron asked
// it for. The cron loop asks Next once when it schedules the job and once
// after each fire, always before the following fire, so the job, which cron
// does not tell its fire time, takes them off the front in order.
type fires struct {
	cron.Schedule
	mu      sync.Mutex
	pending []time.Time
}

func (f *fires) Next(t time.Time) time.Time {
	n := f.Schedule.Next(t)
	if !n.IsZero() {
		f.mu.Lock()
		f.pending = append(f.pending, n)
		f.mu.Unlock()
	}
	return n
}

func (f *fires) take() (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.pending) == 0 {
		return time.Time{}, false
	}
	n := f.pending[0]
	f.pending = f.pending[1:]
	return n, true
}

// Every returns a schedule that fires at every multiple of d since the Unix
// epoch (so every replica computes the same fires), in the location of the
// time it is asked from. d may be under a second; a d that is not positive
// never fires.
func Every(d time.Duration) cron.Schedule { return aligned(d) }

type aligned time.Duration

func (a aligned) Next(t time.Time) time.Time {
	d := int64(a)
	if d <= 0 {
		return time.Time{}
	}
	n := t.UnixNano()
	next := (n/d + 1) * d
	if n < 0 && n%d != 0 {
		next -= d
	}
	return time.Unix(0, next).In(t.Location())
}
