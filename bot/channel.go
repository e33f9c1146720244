package bot

import (
	"context"
	"fmt"
	"time"
)

// Delivery is an outbound message ready for a platform, with the platform
// references it needs already looked up.
type Delivery struct {
	Outbound
	// EditsRef is the platform's reference of the message this one
	// replaces (Outbound.Edits resolved), "" if unknown.
	EditsRef string
	// ThreadRef is the platform's reference of the root of the case's
	// thread (the card), "" if the message is not in a thread or the root
	// is unknown.
	ThreadRef string
}

// Channel is a platform adapter's sending side.
type Channel interface {
	// Deliver sends one message and returns the platform's reference for
	// it (a Slack timestamp, a feed number…). Deliveries are at least once:
	// Deliver must treat a second delivery of the same Outbound.ID as done.
	// A *RetryError asks the sender to wait before trying again.
	Deliver(ctx context.Context, d Delivery) (ref string, err error)
}

// RetryError is returned by a Channel that is rate limited or temporarily
// unavailable.
type RetryError struct {
	After time.Duration
	Err   error
}

func (e *RetryError) Error() string { return fmt.Sprintf("retry after %s: %v", e.After, e.Err) }
func (e *RetryError) Unwrap() error { return e.Err }
