package bot

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Sender delivers one channel's outbox through the channel's adapter.
//
// Messages keep their order within each recipient (Outbound.Recipient: one
// customer's chat, one case, one staff member's direct messages, the team
// channel), and recipients are independent: a recipient that is slow, rate
// limited or failing holds back nobody else. The sender reads the outbox
// stream into one queue per recipient, in memory, and works the queues
// concurrently. Each delivery is paced (Pace), retried with backoff on
// failure, and acknowledged only after the platform accepted it, so a crash
// between delivery and acknowledgement re-delivers (adapters de-duplicate
// on Outbound.ID) and never loses a message.
//
// A message the platform refuses for good (*PermanentError), or that keeps
// failing for GiveUpAfter, is moved to the channel's dead-letter list
// (Store.DeadLetter) and then handed to OnDead, which tells a person
// (Engine.Undelivered). Nothing is dropped silently or retried for ever.
//
// Several replicas may run a Sender for the same channel. Only the holder
// of the channel's lease (sender:<channel>) reads and delivers, so pacing
// state can live in its memory. When it takes the lease it first takes
// over every message others read and did not acknowledge
// (Store.TakeOverOutbox), so a recipient's order survives a hand-over. When
// it loses the lease it stops delivering at once and forgets its queues;
// when it stops, it finishes the deliveries in flight and gives the lease
// back, and another replica takes over within LeaseTTL/10.
//
// Set the exported fields before Start, which reads them once (zero or
// negative values take the defaults).
type Sender struct {
	store    Store
	channel  string
	adapter  Channel
	consumer string
	log      *slog.Logger

	// Pace is how fast deliveries may go to one destination and to the
	// whole platform (default off).
	Pace Pace
	// OnDead, when set, is called after a message was moved to the
	// dead-letter list, with the message and the reason (the
	// PermanentError's Reason, or "gave_up"). Engine.Undelivered is meant
	// for it. It must be idempotent: after a crash a message may be
	// dead-lettered and told twice. It is retried a few times on error.
	OnDead func(ctx context.Context, m Outbound, reason string) error

	// Batch is how many messages one read of the outbox takes (default
	// 64); Block how long a read waits for new messages (default 1 s),
	// which is also how long Stop may wait for a read to end.
	Batch int
	Block time.Duration
	// Backoff is the first wait after a failed delivery, doubled on each
	// further failure of the same message up to MaxBackoff, with a random
	// half of it taken off (defaults 500 ms and 30 s). A *RetryError with
	// an After waits that long instead.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// GiveUpAfter is how long after it was queued a message that keeps
	// failing (anything but a *PermanentError) is dead-lettered with the
	// reason "gave_up" (default 24 h). The time is the outbox's, of the
	// commit that queued the message.
	GiveUpAfter time.Duration
	// LeaseTTL is how long this sender keeps the channel once it stops
	// renewing (default 4 s, so that a replica that died holding the
	// channel is replaced within about 4.5 s). It renews every LeaseTTL/3, stops
	// delivering when it has not renewed for 2/3 of it, and, while another
	// holds the lease, asks for it every LeaseTTL/10.
	LeaseTTL time.Duration
	// MaxInFlight bounds the messages read and not yet finished (default
	// 10,000): beyond it the sender stops reading until some are
	// delivered. Each costs the size of its Outbound in memory.
	MaxInFlight int
	// Concurrency bounds the deliveries in progress at once across all
	// recipients (default 32). A recipient waiting its turn or backing off
	// takes no part of it.
	Concurrency int
	// AttemptTimeout bounds one call of the adapter (default 1 min); an
	// attempt that times out is a transient failure.
	AttemptTimeout time.Duration

	pacer    *pacer
	stopping chan struct{} // closed by Stop: start no new attempt
	hard     context.CancelFunc
	done     chan struct{}
	once     sync.Once
}

// Defaults of the Sender's settings.
const (
	DefaultSenderBatch       = 64
	DefaultSenderBlock       = time.Second
	DefaultSenderBackoff     = 500 * time.Millisecond
	DefaultSenderMaxBackoff  = 30 * time.Second
	DefaultSenderGiveUpAfter = 24 * time.Hour
	DefaultSenderLeaseTTL    = 4 * time.Second
	DefaultSenderMaxInFlight = 10_000
	DefaultSenderConcurrency = 32
	DefaultSenderAttempt     = time.Minute
)

// GaveUp is the dead-letter reason of a message that kept failing for
// Sender.GiveUpAfter.
const GaveUp = "gave_up"

// NewSender returns a sender for channel's outbox, delivering through
// adapter, with the default settings. consumer names this replica to the
// store and holds the lease; it must be unique among running replicas. A
// nil log logs to slog.Default.
func NewSender(store Store, channel string, adapter Channel, consumer string, log *slog.Logger) *Sender {
	if log == nil {
		log = slog.Default()
	}
	return &Sender{store: store, channel: channel, adapter: adapter, consumer: consumer, log: log.With("channel", channel),
		Batch: DefaultSenderBatch, Block: DefaultSenderBlock, Backoff: DefaultSenderBackoff, MaxBackoff: DefaultSenderMaxBackoff,
		GiveUpAfter: DefaultSenderGiveUpAfter, LeaseTTL: DefaultSenderLeaseTTL, MaxInFlight: DefaultSenderMaxInFlight,
		Concurrency: DefaultSenderConcurrency, AttemptTimeout: DefaultSenderAttempt}
}

// Start begins delivering in the background. Call it once.
func (s *Sender) Start() {
	s.Batch = orDefault(s.Batch, DefaultSenderBatch)
	s.Block = orDefault(s.Block, DefaultSenderBlock)
	s.Backoff = orDefault(s.Backoff, DefaultSenderBackoff)
	s.MaxBackoff = max(orDefault(s.MaxBackoff, DefaultSenderMaxBackoff), s.Backoff)
	s.GiveUpAfter = orDefault(s.GiveUpAfter, DefaultSenderGiveUpAfter)
	s.LeaseTTL = orDefault(s.LeaseTTL, DefaultSenderLeaseTTL)
	s.MaxInFlight = orDefault(s.MaxInFlight, DefaultSenderMaxInFlight)
	s.Concurrency = orDefault(s.Concurrency, DefaultSenderConcurrency)
	s.AttemptTimeout = orDefault(s.AttemptTimeout, DefaultSenderAttempt)
	s.pacer = newPacer(s.Pace)
	s.stopping = make(chan struct{})
	s.done = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	s.hard = cancel
	go s.run(ctx)
}

func orDefault[T int | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// Stop stops the sender: it starts no new delivery, waits for those in
// progress to finish and be recorded, and gives the lease back, so that
// another replica takes over at once. Messages read but not delivered stay
// in the outbox for the next holder. If ctx ends first, deliveries in
// progress are cancelled and Stop returns without waiting further. It is
// safe to call more than once.
func (s *Sender) Stop(ctx context.Context) {
	if s.done == nil {
		return
	}
	s.once.Do(func() { close(s.stopping) })
	select {
	case <-s.done:
	case <-ctx.Done():
		s.hard()
	}
}

func (s *Sender) leaseName() string { return "sender:" + s.channel }

// stopped reports whether Stop was called.
func (s *Sender) stopped() bool {
	select {
	case <-s.stopping:
		return true
	default:
		return false
	}
}

func (s *Sender) run(ctx context.Context) {
	defer close(s.done)
	defer func() {
		rctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.store.Release(rctx, s.leaseName(), s.consumer); err != nil {
			s.log.Warn("sender lease release", "err", err)
		}
	}()
	for !s.stopped() && ctx.Err() == nil {
		asked := time.Now()
		ok, err := s.store.Lease(ctx, s.leaseName(), s.consumer, s.LeaseTTL)
		if err != nil && ctx.Err() == nil {
			s.log.Error("sender lease", "err", err)
		}
		if ok && err == nil {
			s.log.Info("sender holds the channel", "consumer", s.consumer)
			s.hold(ctx, asked)
			continue
		}
		if sleep(ctx, s.stopping, s.LeaseTTL/10) != nil {
			return
		}
	}
}

// hold delivers while this sender holds the lease, taken at okAt. It
// returns when the lease is lost or the sender stops, after every
// delivery of the term has ended and the lease is no longer renewed.
func (s *Sender) hold(parent context.Context, okAt time.Time) {
	ctx, lost := context.WithCancel(parent)
	t := &term{s: s, ctx: ctx,
		queues:   map[string]*queue{},
		inflight: map[string]struct{}{},
		finished: map[string]time.Time{},
		space:    make(chan struct{}, 1),
		slots:    make(chan struct{}, s.Concurrency)}
	var keeper sync.WaitGroup
	keeper.Go(func() { s.keep(ctx, lost, okAt) })
	t.read()
	t.workers.Wait()
	lost()
	keeper.Wait()
}

// keep renews the lease every LeaseTTL/3 until ctx ends. It calls lost
// when another holder has the lease, or when it could not renew for 2/3 of
// LeaseTTL (so that it stops before the lease can run out under it).
func (s *Sender) keep(ctx context.Context, lost context.CancelFunc, okAt time.Time) {
	every := s.LeaseTTL / 3
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		asked := time.Now()
		lctx, cancel := context.WithTimeout(ctx, every)
		ok, err := s.store.Lease(lctx, s.leaseName(), s.consumer, s.LeaseTTL)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err == nil && ok:
			okAt = asked
		case err == nil:
			s.log.Warn("sender lost the channel to another replica; it stops delivering")
			lost()
			return
		case time.Since(okAt) >= s.LeaseTTL*2/3:
			s.log.Error("sender cannot renew its lease; it stops delivering", "err", err)
			lost()
			return
		default:
			s.log.Warn("sender lease renewal", "err", err)
		}
	}
}

// term is one spell of holding the lease: the queues read during it, and
// the workers delivering them. It ends when its ctx does (the lease is
// lost) or the sender stops.
type term struct {
	s       *Sender
	ctx     context.Context
	workers sync.WaitGroup
	slots   chan struct{} // Concurrency
	space   chan struct{} // signalled when a message is finished

	mu     sync.Mutex
	queues map[string]*queue // by recipient; a queue has one worker
	// inflight holds the stream ids read and not finished: a read that
	// hands one back (XAUTOCLAIM returns the holder's own messages too
	// once they are idle for the claim timeout) is ignored.
	inflight map[string]struct{}
	// finished holds the stream ids finished since the read in progress
	// began: its answer may still carry them.
	finished map[string]time.Time
}

type queue struct {
	recipient string
	items     []*entry
}

type entry struct {
	it       OutboxItem
	queued   time.Time
	attempts int
}

// over reports whether the term has ended or the sender is stopping.
func (t *term) over() bool { return t.ctx.Err() != nil || t.s.stopped() }

// read feeds the queues: first with what earlier holders left, then with
// new messages, as long as fewer than MaxInFlight are in flight.
func (t *term) read() {
	s := t.s
	wait := s.Backoff
	for !t.over() {
		items, err := s.store.TakeOverOutbox(t.ctx, s.channel, s.consumer)
		if err == nil {
			if len(items) > 0 {
				s.log.Info("sender took over unacknowledged messages", "n", len(items))
			}
			t.add(items, time.Now())
			break
		}
		if t.ctx.Err() == nil {
			s.log.Error("take over outbox", "err", err)
		}
		if sleep(t.ctx, s.stopping, wait) != nil {
			return
		}
		wait = min(wait*2, s.MaxBackoff)
	}
	wait = s.Backoff
	for !t.over() {
		room := t.room()
		if room <= 0 {
			return
		}
		began := time.Now()
		items, err := s.store.ReadOutbox(t.ctx, s.channel, s.consumer, min(s.Batch, room), s.Block)
		if t.ctx.Err() != nil {
			return
		}
		if err != nil {
			s.log.Error("read outbox", "err", err)
			if sleep(t.ctx, s.stopping, wait) != nil {
				return
			}
			wait = min(wait*2, s.MaxBackoff)
			continue
		}
		wait = s.Backoff
		t.add(items, began)
	}
}

// room waits until fewer than MaxInFlight messages are in flight and
// returns how many more may be read, or 0 when the term is over.
func (t *term) room() int {
	for {
		t.mu.Lock()
		n := t.s.MaxInFlight - len(t.inflight)
		t.mu.Unlock()
		if n > 0 {
			return n
		}
		select {
		case <-t.space:
		case <-t.ctx.Done():
			return 0
		case <-t.s.stopping:
			return 0
		}
	}
}

// add queues items read by a read that began at began, each behind the
// messages to the same recipient, starting a worker for a recipient that
// had none. Items already in flight or just finished are ignored.
func (t *term) add(items []OutboxItem, began time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, it := range items {
		if _, ok := t.inflight[it.StreamID]; ok {
			continue
		}
		if _, ok := t.finished[it.StreamID]; ok {
			continue
		}
		t.inflight[it.StreamID] = struct{}{}
		r := it.Message.Recipient()
		q := t.queues[r]
		if q == nil {
			q = &queue{recipient: r}
			t.queues[r] = q
			t.workers.Go(func() { t.work(q) })
		}
		q.items = append(q.items, &entry{it: it, queued: queuedAt(it.StreamID)})
	}
	// What finished before this read began cannot be in a later answer.
	for id, at := range t.finished {
		if at.Before(began) {
			delete(t.finished, id)
		}
	}
}

// queuedAt returns when the outbox took a message: the milliseconds of
// its stream id ("1700000000000-0"), or now when the id has none.
func queuedAt(streamID string) time.Time {
	ms, _, _ := strings.Cut(streamID, "-")
	if n, err := strconv.ParseInt(ms, 10, 64); err == nil && n > 0 {
		return time.UnixMilli(n)
	}
	return time.Now()
}

// work delivers a recipient's queue in order until it is empty or the term
// is over.
func (t *term) work(q *queue) {
	for {
		t.mu.Lock()
		if len(q.items) == 0 || t.over() {
			delete(t.queues, q.recipient)
			t.mu.Unlock()
			return
		}
		e := q.items[0]
		t.mu.Unlock()
		if !t.deliver(e) {
			t.mu.Lock()
			delete(t.queues, q.recipient)
			t.mu.Unlock()
			return
		}
		t.mu.Lock()
		q.items[0] = nil
		q.items = q.items[1:]
		delete(t.inflight, e.it.StreamID)
		t.finished[e.it.StreamID] = time.Now()
		t.mu.Unlock()
		select {
		case t.space <- struct{}{}:
		default:
		}
	}
}

// deliver tries a message until the platform accepted it and that is
// recorded, or it is dead-lettered; it reports whether the message is
// finished. It returns false, leaving the message in the outbox for the
// next holder, when the term ends or the sender stops first.
func (t *term) deliver(e *entry) bool {
	s := t.s
	m := e.it.Message
	for !t.over() {
		d, err := t.prepare(m)
		key := m.Recipient()
		if err == nil {
			key = t.paceKey(d)
			var waited time.Duration
			if waited, err = s.pacer.wait(t.ctx, s.stopping, key); err != nil {
				return false
			}
			if waited > 50*time.Millisecond {
				// Look again: the address may have changed while it
				// waited (for a pause, its turn, the hourly cap).
				d, err = t.prepare(m)
			}
		}
		var ref string
		if err == nil {
			if ref, err = t.attempt(d); err == nil {
				return t.delivered(e, ref)
			}
		}
		if t.ctx.Err() != nil {
			return false // the lease is lost: the failure is ours, not the platform's
		}
		e.attempts++
		var perm *PermanentError
		if errors.As(err, &perm) {
			reason := perm.Reason
			if reason == "" {
				reason = "refused"
			}
			s.log.Warn("platform refused a message for good", "message", m.ID, "recipient", m.Recipient(), "reason", reason, "err", err)
			return t.dead(e, reason)
		}
		if time.Since(e.queued) >= s.GiveUpAfter {
			s.log.Error("delivery kept failing; giving up", "message", m.ID, "recipient", m.Recipient(), "attempts", e.attempts, "err", err)
			return t.dead(e, GaveUp)
		}
		wait := s.backoff(e.attempts)
		var retry *RetryError
		if errors.As(err, &retry) {
			if retry.After > 0 {
				wait = retry.After
			}
			now := time.Now()
			switch {
			case retry.Platform:
				s.pacer.pauseAll(now.Add(wait))
			case retry.After > 0:
				s.pacer.pause(key, now.Add(wait), now)
			}
			s.log.Info("platform asks to wait", "message", m.ID, "recipient", m.Recipient(), "destination", key, "wait", wait, "platform", retry.Platform)
			if retry.Platform || retry.After > 0 {
				continue // the pacer waits out the pause
			}
		} else {
			s.log.Warn("delivery failed; will retry", "message", m.ID, "recipient", m.Recipient(), "attempts", e.attempts, "wait", wait, "err", err)
		}
		if sleep(t.ctx, s.stopping, wait) != nil {
			return false
		}
	}
	return false
}

// backoff returns the wait after the n-th failure of a message:
// Backoff·2ⁿ⁻¹ up to MaxBackoff, less a random part of up to half, so
// that recipients failing together do not retry together.
func (s *Sender) backoff(n int) time.Duration {
	d := s.Backoff
	for i := 1; i < n && d < s.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, s.MaxBackoff)
	return d - rand.N(d/2+1)
}

// prepare looks up what the platform needs at send time: the customer's
// current address (falling back to the id in the customer key when none
// is recorded), and the references of the message this one replaces and
// of its thread's root.
func (t *term) prepare(m Outbound) (Delivery, error) {
	s := t.s
	d := Delivery{Outbound: m}
	var err error
	if m.Audience == ToCustomer {
		if d.Address, err = s.store.Address(t.ctx, m.Customer, s.channel); err != nil {
			return d, err
		}
		if d.Address == "" {
			_, d.Address, _ = strings.Cut(m.Customer, ":")
		}
	}
	if m.Edits != "" {
		if d.EditsRef, err = s.store.Ref(t.ctx, s.channel, m.Edits); err != nil {
			return d, err
		}
	}
	if m.Thread != "" {
		if d.ThreadRef, err = s.store.Ref(t.ctx, s.channel, "card:"+m.Thread); err != nil {
			return d, err
		}
	}
	return d, nil
}

// paceKey names the destination a delivery counts against.
func (t *term) paceKey(d Delivery) string {
	if pk, ok := t.s.adapter.(PaceKeyer); ok {
		if k := pk.PaceKey(d); k != "" {
			return k
		}
	}
	return d.Recipient()
}

// attempt hands one delivery to the adapter, within the concurrency bound
// and AttemptTimeout.
func (t *term) attempt(d Delivery) (string, error) {
	select {
	case t.slots <- struct{}{}:
	case <-t.ctx.Done():
		return "", t.ctx.Err()
	}
	defer func() { <-t.slots }()
	ctx, cancel := context.WithTimeout(t.ctx, t.s.AttemptTimeout)
	defer cancel()
	return t.s.adapter.Deliver(ctx, d)
}

// delivered records an accepted delivery (the platform's reference, the
// acknowledgement), retrying the record, not the delivery, until it
// succeeds. If the term ends first it tries once more and gives up: the
// message stays in the outbox and the next holder delivers it again.
func (t *term) delivered(e *entry, ref string) bool {
	return t.retryStore("record delivery", e, func(ctx context.Context) error {
		return t.s.store.Delivered(ctx, t.s.channel, e.it, ref)
	})
}

// dead moves a message to the dead-letter list, then tells OnDead. It
// reports whether the message left the outbox.
func (t *term) dead(e *entry, reason string) bool {
	s := t.s
	if !t.retryStore("dead-letter", e, func(ctx context.Context) error {
		return s.store.DeadLetter(ctx, s.channel, e.it, reason)
	}) {
		return false
	}
	if s.OnDead == nil {
		return true
	}
	wait := s.Backoff
	for try := 1; ; try++ {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.ctx), 10*time.Second)
		err := s.OnDead(ctx, e.it.Message, reason)
		cancel()
		if err == nil {
			return true
		}
		if try == 5 || sleep(t.ctx, nil, wait) != nil {
			s.log.Error("nobody was told of an undeliverable message (it is in the dead-letter list)", "message", e.it.Message.ID, "reason", reason, "err", err)
			return true
		}
		wait = min(wait*2, s.MaxBackoff)
	}
}

// retryStore runs a store write that must not be lost until it succeeds,
// with backoff; after the term ended it tries once. Stopping does not
// interrupt it: the delivery it records has happened.
func (t *term) retryStore(what string, e *entry, write func(ctx context.Context) error) bool {
	wait := t.s.Backoff
	for {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.ctx), 5*time.Second)
		err := write(ctx)
		cancel()
		if err == nil {
			return true
		}
		t.s.log.Error(what, "message", e.it.Message.ID, "err", err)
		if t.ctx.Err() != nil || sleep(t.ctx, nil, wait) != nil {
			return false
		}
		wait = min(wait*2, t.s.MaxBackoff)
	}
}
