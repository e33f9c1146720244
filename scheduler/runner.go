package scheduler

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
)

// Handler acts on one due wake-up. due is the score the wake-up had when it
// was claimed. Returning nil finishes the wake-up (unless it was rescheduled
// meanwhile); returning a Reschedule finishes it and sets it again;
// returning any other error, or panicking, leaves it leased so that it is
// tried again when the lease runs out. ctx ends when the lease does.
//
// While the handler runs, the Runner renews the wake-up's lease every third
// of WithLease, so a slow handler keeps its wake-up and a dead replica's
// wake-ups are taken over one lease (plus a tick) after it stopped
// renewing. ctx ends when the lease does: when renewals have failed for a
// whole lease (Redis unreachable), since another replica may then claim it.
//
// A handler may run more than once for one due time, and, if the wake-up is
// rescheduled to a time before its lease ends, twice at once on different
// replicas. It must re-read the state it acts on.
type Handler func(ctx context.Context, name string, due time.Time) error

// Runner hands due wake-ups of one WakeUps set to a Handler. Every replica
// runs one; the claims keep them from handling a wake-up twice while its
// lease lasts.
//
// A Runner looks for due wake-ups when it starts, on every tick (robfig/cron
// drives it; DefaultTick is 1 s), when Poke asks it to, and at the earliest
// due time it saw in the set if that comes before the next tick, so that a
// wake-up it knew about is handled within milliseconds of falling due. Each
// look claims wake-ups in batches for as long as batches come back full.
// Handlers run on at most WithConcurrency goroutines; the Runner holds at
// most twice that many claimed wake-ups, so a claimed wake-up waits for a
// worker no longer than one handler takes.
type Runner struct {
	w     *WakeUps
	h     Handler
	o     options
	held  chan struct{} // one token per claimed, unfinished wake-up
	work  chan *job     // claimed wake-ups waiting for a worker
	kick  chan struct{} // asks the claim loop to look for due wake-ups
	acks  *acker
	renew *renewer
	cron  *cron.Cron
	ctx   context.Context // handlers' parent; cancelled when Stop gives up waiting
	abort context.CancelFunc

	ticks atomic.Int64 // ticks cron delivered, for tests
	looks atomic.Int64 // claims made, for tests

	mu       sync.Mutex
	started  bool
	stopped  bool
	timer    *time.Timer // the earliest extra wake-up armed by Poke or a claim
	timerAt  time.Time
	stopping chan struct{} // closed by Stop: claim no more
	loopDone chan struct{} // closed when the claim loop has returned
	workers  sync.WaitGroup
	stopOnce sync.Once
	finished chan struct{} // closed when everything has returned
}

// job is a claimed wake-up, held (and its lease renewed) from its claim
// until its handler returns. c.Lease moves with each renewal; the renewer's
// lock guards it.
type job struct {
	c      Claimed
	ctx    context.Context // the handler's; ends with the lease
	cancel context.CancelFunc
	timer  *time.Timer // cancels ctx when the lease ends
	since  time.Time   // the claim, on the Runner's clock
	name   string      // c.Name and c.Due, for the handler without the lock
	due    time.Time
}

// NewRunner returns a Runner that hands the due wake-ups of w to h. It reads
// WithTick, WithLease, WithConcurrency, WithBatch, WithLogger and WithClock.
// It does nothing until Start.
func NewRunner(w *WakeUps, h Handler, opts ...Option) *Runner {
	o := buildOptions(opts)
	if o.batch > 2*o.concurrency {
		o.batch = 2 * o.concurrency
	}
	ctx, abort := context.WithCancel(context.Background())
	r := &Runner{
		w:        w,
		h:        h,
		o:        o,
		held:     make(chan struct{}, 2*o.concurrency),
		work:     make(chan *job, 2*o.concurrency),
		kick:     make(chan struct{}, 1),
		ctx:      ctx,
		abort:    abort,
		stopping: make(chan struct{}),
		loopDone: make(chan struct{}),
		finished: make(chan struct{}),
	}
	r.acks = newAcker(w, o.logger, 2*o.concurrency)
	r.renew = newRenewer(w, o.logger, o.lease, o.clock)
	log := cronLogger{o.logger}
	r.cron = cron.New(
		cron.WithLogger(log),
		cron.WithChain(cron.Recover(log)),
	)
	r.cron.Schedule(every(o.tick), cron.FuncJob(func() {
		r.ticks.Add(1)
		r.wake()
	}))
	return r
}

// every is a cron schedule that fires a fixed interval after the last fire.
// Unlike robfig's "@every", which rounds to whole seconds and is at least one
// second, any positive interval works.
type every time.Duration

func (e every) Next(t time.Time) time.Time { return t.Add(time.Duration(e)) }

// Start starts ticking, the claim loop and the workers, and looks for due
// wake-ups at once (so wake-ups that fell due while no replica ran are
// handled straight away). Calling Start again, or after Stop, does nothing.
func (r *Runner) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started || r.stopped {
		return
	}
	r.started = true
	r.acks.start()
	r.renew.start(r.ctx)
	r.workers.Add(r.o.concurrency)
	for i := 0; i < r.o.concurrency; i++ {
		go r.worker()
	}
	go r.loop()
	r.cron.Start()
	r.wake()
}

// Stop stops ticking and claiming, lets the workers finish the wake-ups
// already claimed, and waits for that (and for their Done) until ctx ends.
// If ctx ends first, Stop cancels the handlers' context, leaves the wake-ups
// not yet started to their leases, and returns ctx.Err(). It is safe to call
// more than once; later calls wait the same way.
func (r *Runner) Stop(ctx context.Context) error {
	r.stopOnce.Do(func() {
		r.mu.Lock()
		r.stopped = true
		started := r.started
		if r.timer != nil {
			r.timer.Stop()
			r.timer = nil
		}
		r.mu.Unlock()
		if !started {
			close(r.finished)
			return
		}
		<-r.cron.Stop().Done() // the tick job only signals, so this is quick
		close(r.stopping)
		go func() {
			<-r.loopDone
			close(r.work)
			r.workers.Wait()
			r.renew.stop()
			r.acks.stop()
			close(r.finished)
		}()
	})
	select {
	case <-r.finished:
		return nil
	case <-ctx.Done():
		r.abort()
		return ctx.Err()
	}
}

// Poke makes this Runner look for due wake-ups at at (at once if at has
// passed), instead of waiting for its next tick. Call it after scheduling a
// wake-up that falls due before the next tick. Of several pokes, the earliest
// pending one stands; a poke before Start or after Stop does nothing.
func (r *Runner) Poke(at time.Time) {
	r.wakeAfter(at.Sub(r.o.clock.Now()))
}

// wakeAfter arms the extra timer unless one is armed for an earlier time.
func (r *Runner) wakeAfter(d time.Duration) {
	if d < 0 {
		d = 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.started || r.stopped {
		return
	}
	at := r.o.clock.Now().Add(d)
	if r.timer != nil {
		if !r.timerAt.After(at) {
			return
		}
		r.timer.Stop()
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		r.mu.Lock()
		if r.timer == t {
			r.timer = nil
		}
		r.mu.Unlock()
		r.wake()
	})
	r.timer, r.timerAt = t, at
}

// wake asks the claim loop to look for due wake-ups; asks made while it is
// busy are merged into one.
func (r *Runner) wake() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// loop is the claim loop: one goroutine, so claims by one replica never
// race each other.
func (r *Runner) loop() {
	defer close(r.loopDone)
	for {
		select {
		case <-r.stopping:
			return
		case <-r.kick:
		}
		r.drain()
	}
}

// drain claims due wake-ups and queues them for the workers until a claim
// comes back short. It claims only as many as it has room for, waiting for
// room when the workers are all busy.
//
// The first claim of a drain asks every key; the following ones only the
// keys that gave all they were asked for, since the others had no more due.
func (r *Runner) drain() {
	var from []string
	for {
		select {
		case r.held <- struct{}{}:
		case <-r.stopping:
			return
		}
		n := 1
	room:
		for n < r.o.batch {
			select {
			case r.held <- struct{}{}:
				n++
			default:
				break room
			}
		}
		start := r.o.clock.Now()
		cs, seen, err := r.w.claim(r.ctx, n, r.o.lease, from)
		r.looks.Add(1)
		for i := len(cs); i < n; i++ {
			<-r.held
		}
		if err != nil {
			if r.ctx.Err() != nil {
				return // Stop gave up waiting; the error is only the cancellation.
			}
			r.o.logger.Error("scheduler: claim wake-ups failed; trying again at the next tick",
				"key", r.w.Key(), "err", err)
			return
		}
		// The lease began no earlier than start, so ending handlers at
		// start+lease ends them before another replica can claim again.
		for _, c := range cs {
			r.work <- r.renew.hold(r.ctx, c, start) // room was taken above
		}
		from = seen.full
		if !seen.more {
			if seen.ok {
				if d := seen.next.Sub(seen.now); d < r.o.tick {
					r.wakeAfter(d)
				}
			}
			return
		}
	}
}

// worker runs handlers until the work queue is closed.
func (r *Runner) worker() {
	defer r.workers.Done()
	for j := range r.work {
		r.handle(j)
		<-r.held
	}
}

// handle runs the handler for one claimed wake-up and queues its Done.
func (r *Runner) handle(j *job) {
	if r.ctx.Err() != nil {
		r.renew.release(j)
		return // Stop gave up waiting: leave the wake-up to its lease.
	}
	err := r.call(j.ctx, j.name, j.due)
	c := r.renew.release(j) // the lease as last renewed
	var again Reschedule
	if errors.As(err, &again) {
		c.Next, err = again.At, nil
	}
	if err != nil {
		r.o.logger.Error("scheduler: wake-up handler failed; retrying when the lease ends",
			"key", c.Key, "name", c.Name, "due", c.Due, "lease_until", time.UnixMilli(c.Lease), "err", err)
		return
	}
	r.acks.add(c)
}

// call runs the handler, turning a panic into an error.
func (r *Runner) call(ctx context.Context, name string, due time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return r.h(ctx, name, due)
}
