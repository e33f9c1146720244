package scheduler

import (
	"context"
	"log/slog"
	"time"
)

const (
	// ackBatch is the most finished wake-ups one Done call carries.
	ackBatch = 256
	// ackTimeout bounds one Done call. A Done that fails or times out only
	// means the wake-up runs again after its lease.
	ackTimeout = 5 * time.Second
)

// acker finishes handled wake-ups in the background, batching whatever has
// piled up since its last Done into the next one, so that a busy Runner
// spends one round trip on many wake-ups and an idle one finishes each at
// once. It has no interval: it runs when there is something to finish.
type acker struct {
	w      *WakeUps
	logger *slog.Logger
	in     chan Claimed
	done   chan struct{}
}

func newAcker(w *WakeUps, logger *slog.Logger, queue int) *acker {
	return &acker{w: w, logger: logger, in: make(chan Claimed, queue), done: make(chan struct{})}
}

// start starts the acker's goroutine.
func (a *acker) start() { go a.run() }

// add queues a handled wake-up to be finished. It blocks while the queue is
// full, which slows the workers down to what Redis takes.
func (a *acker) add(c Claimed) { a.in <- c }

// stop finishes what is queued and waits for that. add must not be called
// after or during stop.
func (a *acker) stop() {
	close(a.in)
	<-a.done
}

func (a *acker) run() {
	defer close(a.done)
	batch := make([]Claimed, 0, ackBatch)
	for c := range a.in {
		batch = append(batch[:0], c)
	more:
		for len(batch) < ackBatch {
			select {
			case c, ok := <-a.in:
				if !ok {
					break more
				}
				batch = append(batch, c)
			default:
				break more
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), ackTimeout)
		if err := a.w.Done(ctx, batch...); err != nil {
			a.logger.Error("scheduler: finishing handled wake-ups failed; they run again after their lease",
				"key", a.w.Key(), "count", len(batch), "err", err)
		}
		cancel()
	}
}
