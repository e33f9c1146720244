package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Accept checks an inbound message and keeps it durably in its platform's
// inbox, to be handled by an Inbox; it returns once the message is in
// Redis. An adapter that must acknowledge its platform quickly (Slack
// wants an answer within 3 s; WeChat's sync moves on whether we handled a
// message or not) calls Accept, acknowledges, and lets the Inbox do the
// work: a crash after the acknowledgement loses nothing.
//
// Bad input is refused here, with the same *Error Handle would return, so
// an adapter can answer it at once; nothing is queued then. The message
// keeps its platform id, so a platform's retry of a message already
// accepted is dropped when handled.
func (e *Engine) Accept(ctx context.Context, in Inbound) error {
	in, err := Normalize(in)
	if err != nil {
		return err
	}
	if in.Role != CustomerRole && in.Role != StaffRole && in.Role != ReceptionRole {
		return Errorf(EINVALID, "message", "role must be customer, staff or reception")
	}
	if in.At.IsZero() {
		in.At = e.now()
	}
	return e.store.Enqueue(ctx, in.Channel, in)
}

// Inbox handles one platform's accepted messages (Engine.Accept), in the
// order they were accepted, and removes each from the inbox once handled.
// A message that cannot be handled because of the store (Redis away) is
// retried, with backoff, before any later one; a message the engine
// refuses (bad input, a stranger's command) is logged and dropped, since
// retrying cannot change the answer.
//
// Every replica may run an Inbox for each platform: they share the
// platform's inbox, and a message one of them read but did not finish is
// handed to another after the store's claim timeout.
type Inbox struct {
	engine   *Engine
	channel  string
	consumer string
	log      *slog.Logger

	// Batch is how many messages one read takes (default 64); Block how
	// long a read waits for new ones (default 1 s); Backoff the first wait
	// after a failure, doubled up to 30 s (default 200 ms).
	Batch   int
	Block   time.Duration
	Backoff time.Duration

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// NewInbox returns an inbox worker for channel's accepted messages.
// consumer names this replica to the store; it must be unique among
// running replicas.
func NewInbox(engine *Engine, channel, consumer string, log *slog.Logger) *Inbox {
	if log == nil {
		log = slog.Default()
	}
	return &Inbox{engine: engine, channel: channel, consumer: consumer, log: log,
		Batch: 64, Block: time.Second, Backoff: 200 * time.Millisecond}
}

// Start begins handling in the background.
func (b *Inbox) Start() {
	b.stop = make(chan struct{})
	b.done = make(chan struct{})
	go b.run()
}

// Stop stops after the message in hand, waiting for it or for ctx to end.
// It is safe to call more than once.
func (b *Inbox) Stop(ctx context.Context) {
	if b.stop == nil {
		return
	}
	b.once.Do(func() { close(b.stop) })
	select {
	case <-b.done:
	case <-ctx.Done():
	}
}

func (b *Inbox) run() {
	defer close(b.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-b.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	store := b.engine.store
	wait := b.Backoff
	var queue []InboxItem
	for {
		select {
		case <-b.stop:
			return
		default:
		}
		if len(queue) == 0 {
			items, err := store.ReadInbox(ctx, b.channel, b.consumer, b.Batch, b.Block)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				b.log.Error("read inbox", "channel", b.channel, "err", err)
				if !b.pause(wait) {
					return
				}
				wait = min(wait*2, 30*time.Second)
				continue
			}
			queue = items
		}
		for len(queue) > 0 {
			it := queue[0]
			if err := b.handle(ctx, it); err != nil {
				if ctx.Err() != nil {
					return
				}
				b.log.Warn("inbound message not handled; will retry", "channel", b.channel, "id", it.Message.ID, "err", err)
				if !b.pause(wait) {
					return
				}
				wait = min(wait*2, 30*time.Second)
				break
			}
			queue = queue[1:]
			wait = b.Backoff
		}
	}
}

// handle handles one accepted message and acknowledges it, unless the
// failure is one a retry may cure.
func (b *Inbox) handle(ctx context.Context, it InboxItem) error {
	_, err := b.engine.Handle(ctx, it.Message)
	switch code := ErrorCode(err); code {
	case "":
	case EINVALID, ETOOLARGE, EFORBIDDEN, ENOTFOUND, EDUPLICATE:
		// The answer will not change: drop it (its text is not logged).
		b.log.Warn("inbound message refused", "channel", b.channel, "id", it.Message.ID, "role", it.Message.Role, "code", code, "err", ErrorMessage(err))
	default:
		return err
	}
	return b.engine.store.AckInbox(ctx, b.channel, it.StreamID)
}

// pause waits for d or until Stop; it reports whether to go on.
func (b *Inbox) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-b.stop:
		return false
	case <-t.C:
		return true
	}
}
