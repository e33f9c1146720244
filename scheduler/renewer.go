package scheduler

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// renewer keeps the leases of the wake-ups a Runner holds: every third of
// the lease it extends all of them in one round trip per key (Extend), and
// moves each handler's deadline to the new lease's end. A wake-up whose
// score changed meanwhile (the handler or another writer rescheduled or
// cleared it) is no longer renewed; its handler carries on, and Done leaves
// the new state alone. If Redis cannot be reached, renewals fail and each
// handler's context ends when its last lease does, before another replica
// can claim the wake-up again.
//
// A handler is renewed for at most maxHold (or one lease, if longer): a
// handler stuck beyond that loses its wake-up to the next claim, as one
// whose replica died does.
type renewer struct {
	w      *WakeUps
	logger *slog.Logger
	lease  time.Duration
	clock  Clock

	// mu guards held and every held job's c.Lease. A renewal holds it for
	// its round trip, so a handler that finishes meanwhile waits for the
	// new lease rather than finishing with the old one.
	mu   sync.Mutex
	held map[*job]struct{}

	quit chan struct{}
	done chan struct{}
}

func newRenewer(w *WakeUps, logger *slog.Logger, lease time.Duration, clock Clock) *renewer {
	return &renewer{w: w, logger: logger, lease: lease, clock: clock, held: map[*job]struct{}{},
		quit: make(chan struct{}), done: make(chan struct{})}
}

// start starts renewing every lease/3.
// It stops renewing for good when ctx ends (Stop gave up waiting for the
// handlers: their wake-ups go back to the leases).
func (r *renewer) start(ctx context.Context) { go r.run(ctx) }

// maxHold bounds how long one handler keeps its wake-up through renewals.
const maxHold = 30 * time.Second

// stop stops renewing and waits for the renewal in flight.
func (r *renewer) stop() {
	close(r.quit)
	<-r.done
}

// hold registers a wake-up claimed at start (on the Runner's clock) and
// returns its job, whose context ends when the lease does.
func (r *renewer) hold(parent context.Context, c Claimed, start time.Time) *job {
	ctx, cancel := context.WithCancel(parent)
	j := &job{c: c, ctx: ctx, cancel: cancel, since: start, name: c.Name, due: c.Due}
	j.timer = time.AfterFunc(start.Add(r.lease).Sub(r.clock.Now()), cancel)
	r.mu.Lock()
	r.held[j] = struct{}{}
	r.mu.Unlock()
	return j
}

// release stops renewing j, ends its context and returns the wake-up with
// the lease it last had.
func (r *renewer) release(j *job) Claimed {
	r.mu.Lock()
	delete(r.held, j)
	c := j.c
	r.mu.Unlock()
	j.timer.Stop()
	j.cancel()
	return c
}

func (r *renewer) run(ctx context.Context) {
	defer close(r.done)
	every := max(r.lease/3, time.Millisecond)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-r.quit:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		r.renewAll(every)
	}
}

// renewAll extends every held lease, within timeout.
func (r *renewer) renewAll(timeout time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	jobs := make([]*job, 0, len(r.held))
	cs := make([]Claimed, 0, len(r.held))
	limit := max(maxHold, r.lease)
	for j := range r.held {
		if r.clock.Now().Sub(j.since) > limit {
			delete(r.held, j)
			continue
		}
		jobs = append(jobs, j)
		cs = append(cs, j.c)
	}
	if len(jobs) == 0 {
		return
	}
	start := r.clock.Now()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ok, err := r.w.Extend(ctx, r.lease, cs)
	if err != nil {
		r.logger.Warn("scheduler: renewing wake-up leases failed; handlers stop when their leases end",
			"count", len(cs), "err", err)
		return
	}
	end := start.Add(r.lease)
	for i, j := range jobs {
		if !ok[i] {
			delete(r.held, j) // changed by someone: no longer ours to keep
			continue
		}
		j.c.Lease = cs[i].Lease
		j.timer.Reset(end.Sub(r.clock.Now()))
	}
}
