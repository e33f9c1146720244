package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Sender drains one channel's outbox: it reads queued messages, delivers
// them through the channel's adapter in order, and acknowledges each only
// after the platform accepted it. A crash between delivery and
// acknowledgement re-delivers (adapters de-duplicate on Outbound.ID); it
// never loses a message.
//
// Several replicas may run a Sender for the same channel: one of them at a
// time (the holder of the channel's lease) drains it, so messages reach the
// platform in commit order; if it dies, another takes the lease over and
// the messages it held are handed out again after the store's claim timeout.
type Sender struct {
	store    Store
	channel  string
	adapter  Channel
	consumer string
	log      *slog.Logger

	// Batch is how many messages one read takes (default 64); Block how
	// long a read waits for new messages (default 1 s); Backoff the first
	// wait after a failed delivery, doubled on each failure up to 30 s
	// (default 500 ms).
	Batch   int
	Block   time.Duration
	Backoff time.Duration
	// LeaseTTL is how long this sender keeps the channel once it stops
	// renewing (default 10 s): a replica that dies hands the channel to
	// another within that time.
	LeaseTTL time.Duration

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// NewSender returns a sender for channel's outbox. consumer names this
// replica to the store; it must be unique among running replicas.
func NewSender(store Store, channel string, adapter Channel, consumer string, log *slog.Logger) *Sender {
	if log == nil {
		log = slog.Default()
	}
	return &Sender{store: store, channel: channel, adapter: adapter, consumer: consumer, log: log,
		Batch: 64, Block: time.Second, Backoff: 500 * time.Millisecond, LeaseTTL: 10 * time.Second}
}

// Start begins draining in the background.
func (s *Sender) Start() {
	s.stop = make(chan struct{})
	s.done = make(chan struct{})
	go s.run()
}

// Stop stops draining after the delivery in flight, waiting for it or for
// ctx to end. It is safe to call more than once.
func (s *Sender) Stop(ctx context.Context) {
	if s.stop == nil {
		return
	}
	s.once.Do(func() { close(s.stop) })
	select {
	case <-s.done:
	case <-ctx.Done():
	}
}

func (s *Sender) run() {
	defer close(s.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// On the way out, hand the channel to another replica at once.
	defer func() {
		rctx, rcancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer rcancel()
		if err := s.store.Release(rctx, "sender:"+s.channel, s.consumer); err != nil {
			s.log.Warn("sender lease release", "channel", s.channel, "err", err)
		}
	}()
	wait := s.Backoff
	var queue []OutboxItem // read, not yet delivered, in order
	leader := false
	var leaseAt time.Time
	for {
		select {
		case <-s.stop:
			return
		default:
		}
		// One replica at a time drains a channel, so messages reach the
		// platform in the order they were committed.
		if time.Since(leaseAt) > s.LeaseTTL/3 {
			ok, err := s.store.Lease(ctx, "sender:"+s.channel, s.consumer, s.LeaseTTL)
			if err != nil {
				s.log.Error("sender lease", "channel", s.channel, "err", err)
			}
			leader, leaseAt = ok && err == nil, time.Now()
		}
		if !leader {
			queue = nil
			if !s.pause(s.LeaseTTL / 3) {
				return
			}
			continue
		}
		if len(queue) == 0 {
			items, err := s.store.ReadOutbox(ctx, s.channel, s.consumer, s.Batch, s.Block)
			if err != nil {
				s.log.Error("read outbox", "channel", s.channel, "err", err)
				if !s.pause(wait) {
					return
				}
				wait = min(wait*2, 30*time.Second)
				continue
			}
			queue = items
		}
		for len(queue) > 0 {
			it := queue[0]
			if err := s.deliver(ctx, it); err != nil {
				var retry *RetryError
				pauseFor := wait
				if errors.As(err, &retry) && retry.After > 0 {
					pauseFor = retry.After
				}
				s.log.Warn("delivery failed; will retry", "channel", s.channel, "message", it.Message.ID, "err", err)
				if !s.pause(pauseFor) {
					return
				}
				wait = min(wait*2, 30*time.Second)
				// The failed message is retried first: later ones must not
				// overtake it.
				break
			}
			queue = queue[1:]
			wait = s.Backoff
		}
	}
}

// pause waits for d or until Stop; it reports whether to go on.
func (s *Sender) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.stop:
		return false
	case <-t.C:
		return true
	}
}

// deliver delivers one queued message: it looks up what the platform needs
// at send time (the customer's current address, the references of the
// message it replaces and of its thread's root), hands it to the adapter,
// and records the delivery (the platform's reference, the acknowledgement).
func (s *Sender) deliver(ctx context.Context, it OutboxItem) error {
	m := it.Message
	d := Delivery{Outbound: m}
	var err error
	if m.Audience == ToCustomer {
		if d.Address, err = s.store.Address(ctx, m.Customer, s.channel); err != nil {
			return err
		}
		if d.Address == "" {
			// No address recorded yet: the customer key's own id.
			_, d.Address, _ = strings.Cut(m.Customer, ":")
		}
	}
	if m.Edits != "" {
		if d.EditsRef, err = s.store.Ref(ctx, s.channel, m.Edits); err != nil {
			return err
		}
	}
	if m.Thread != "" {
		if d.ThreadRef, err = s.store.Ref(ctx, s.channel, "card:"+m.Thread); err != nil {
			return err
		}
	}
	ref, err := s.adapter.Deliver(ctx, d)
	if err != nil {
		return err
	}
	return s.store.Delivered(ctx, s.channel, it, ref)
}
