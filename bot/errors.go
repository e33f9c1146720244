package bot

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
)

// Error codes. They are stable: adapters map them to platform answers (HTTP
// statuses, notices) in one table each.
const (
	EINVALID   = "invalid"   // the request is malformed
	ETOOLARGE  = "too_large" // the request is bigger than allowed
	ENOTFOUND  = "not_found" // no such case or customer
	EFORBIDDEN = "forbidden" // the sender may not do this
	ECONFLICT  = "conflict"  // the state moved under us; retry
	EDUPLICATE = "duplicate" // the message was handled before
	EINTERNAL  = "internal"  // our fault
	// EUNAVAILABLE means a dependency (Redis) could not be reached: not a
	// bug, and retrying later is the right answer.
	EUNAVAILABLE = "unavailable"
)

// Error is the one error type of the domain: a stable code, the operation
// that failed, a message fit to show the person who caused it, and the
// underlying error, if any.
type Error struct {
	Code    string
	Op      string
	Message string
	Err     error
}

func (e *Error) Error() string {
	s := e.Op
	if s != "" {
		s += ": "
	}
	if e.Message != "" {
		s += e.Message
	} else {
		s += e.Code
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, op, format string, args ...any) *Error {
	return &Error{Code: code, Op: op, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil. Whether an internal error is an
// outage rather than a bug is told by Unreachable.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Unreachable reports whether err says a server could not be reached or
// stopped answering, so that an internal error is an outage (EUNAVAILABLE
// to a client, with a retry later) rather than a bug: a network error (refused, reset, timed out), a
// connection closed under a request, or an error marked EUNAVAILABLE.
func Unreachable(err error) bool {
	var e *Error
	for x := err; errors.As(x, &e); x = e.Err {
		if e.Code == EUNAVAILABLE {
			return true
		}
	}
	var ne net.Error
	switch {
	case errors.As(err, &ne):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		// A Redis connection closed mid-reply; wire formats that can end
		// in EOF (JSON bodies) are checked, and coded, before this.
		return true
	case errors.Is(err, ErrUnreachable):
		return true
	}
	return false
}

// ErrUnreachable may be wrapped by stores for failures that are outages
// but carry no network error (a connection pool exhausted while Redis is
// down).
var ErrUnreachable = errors.New("server unreachable")

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic one for internal errors (whose details are logged, not shown).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL && e.Message != "" {
		return e.Message
	}
	return "internal error"
}

// Sentinel errors of the store.
var (
	// ErrConflict means the customer's state changed since it was loaded.
	ErrConflict = &Error{Code: ECONFLICT, Op: "commit", Message: "state changed since it was loaded"}
	// ErrDuplicate means the message was already committed. It takes
	// precedence over ErrConflict.
	ErrDuplicate = &Error{Code: EDUPLICATE, Op: "commit", Message: "message already handled"}
)
