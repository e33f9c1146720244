package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Delivery is an outbound message ready for a platform, with what the
// platform needs looked up at send time, not when the message was queued.
type Delivery struct {
	Outbound
	// Address is where the customer can be reached on the platform now
	// (Audience ToCustomer): the address the engine last saw on one of
	// their inbound messages. WeChat's web protocol renames every contact
	// at each login, so it is resolved when the message is sent.
	Address string
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
	// it (a Slack channel and timestamp, a feed number…), or "" when the
	// platform gives none. Deliveries are at least once: Deliver should
	// treat a second delivery of the same Outbound.ID as done where the
	// platform allows it.
	//
	// A *RetryError asks the sender to wait before trying again (rate
	// limits, Retry-After); a *PermanentError says the platform will never
	// take the message (the customer blocked the bot, the channel is
	// gone): it goes to the dead-letter list and a person is told. Any
	// other error is retried with backoff.
	Deliver(ctx context.Context, d Delivery) (ref string, err error)
}

// PaceKeyer is implemented by a Channel whose platform limits something
// other than the recipient (Outbound.Recipient): PaceKey names the
// destination a delivery counts against. For Slack it is the conversation
// the message is posted in, so that every case thread of the team channel
// shares one budget. Deliveries with the same key share one pace (Pace)
// and are paused together by a *RetryError. "" means the recipient.
type PaceKeyer interface {
	PaceKey(d Delivery) string
}

// RetryError is returned by a Channel that is rate limited or temporarily
// unavailable. After is how long the platform asked to wait (0: the
// sender's own backoff). The wait holds back only the destination of the
// delivery (see PaceKeyer), or, when Platform is set, every delivery to the
// platform (the whole account is limited).
type RetryError struct {
	After    time.Duration
	Platform bool
	Err      error
}

func (e *RetryError) Error() string { return fmt.Sprintf("retry after %s: %v", e.After, e.Err) }
func (e *RetryError) Unwrap() error { return e.Err }

// PermanentError is returned by a Channel when the platform refused a
// message for good. Reason is a short stable word for staff and logs
// ("blocked", "channel_not_found").
type PermanentError struct {
	Reason string
	Err    error
}

func (e *PermanentError) Error() string {
	if e.Err == nil {
		return "undeliverable: " + e.Reason
	}
	return fmt.Sprintf("undeliverable: %s: %v", e.Reason, e.Err)
}
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent wraps err as a *PermanentError with reason.
func Permanent(reason string, err error) error { return &PermanentError{Reason: reason, Err: err} }

// IsPermanent reports whether err says the platform will never take the
// message.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}
