// Package scheduler keeps time for complaintbot: durable named wake-ups in
// Redis, a Runner that hands due wake-ups to a handler on every replica,
// periodic jobs that run once per fire across replicas, and calendars
// (business hours, quiet hours, holidays) with business-time arithmetic.
//
// The package knows nothing about cases. A wake-up is an opaque name (such as
// "case:42" or "conv:web:alice") with one due time; what waking up means is
// the handler's business. Every guarantee is at-least-once: a handler may run
// twice for one due time (a replica died after acting but before finishing,
// or a lease ran out), so handlers must re-read state and be idempotent.
//
// Time inside Redis is Redis's own TIME, so the clocks of the replicas may
// disagree without a wake-up being claimed early or twice. Time in Go is read
// from a Clock, which tests may replace.
package scheduler

import (
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Clock tells the time on the Go side: when a poke is due and when a
// handler's lease ends. Runner and Periodic use the system clock unless
// WithClock gives another. Timers still run on real time.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Defaults, applied when an option is not given (or given a value that is
// not positive).
const (
	// DefaultTick is how often a Runner looks for due wake-ups.
	DefaultTick = time.Second
	// DefaultLease is how long a claimed wake-up stays leased to the
	// replica that claimed it; the Runner renews it every third of it while
	// the handler runs, so a dead replica's wake-ups are taken over about
	// one lease plus a tick after it died.
	DefaultLease = 4 * time.Second
	// DefaultConcurrency is how many handlers a Runner runs at once.
	DefaultConcurrency = 32
	// DefaultBatch is the most wake-ups a Runner claims in one Claim.
	DefaultBatch = 256
	// DefaultLockTTL is how long the lock of one periodic fire is kept.
	DefaultLockTTL = time.Hour
)

// Option configures a Runner or a Periodic. Each option says which of the two
// it applies to; the other ignores it.
type Option func(*options)

type options struct {
	logger      *slog.Logger
	clock       Clock
	tick        time.Duration
	lease       time.Duration
	concurrency int
	batch       int
	lockTTL     time.Duration
	location    *time.Location
	replica     string
	seconds     bool
}

func buildOptions(opts []Option) options {
	o := options{}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	if o.clock == nil {
		o.clock = systemClock{}
	}
	if o.tick <= 0 {
		o.tick = DefaultTick
	}
	if o.lease <= 0 {
		o.lease = DefaultLease
	}
	if o.concurrency <= 0 {
		o.concurrency = DefaultConcurrency
	}
	if o.batch <= 0 {
		o.batch = DefaultBatch
	}
	if o.lockTTL <= 0 {
		o.lockTTL = DefaultLockTTL
	}
	if o.location == nil {
		o.location = time.UTC
	}
	return o
}

// WithLogger sets where a Runner or Periodic logs failed handlers, failed
// jobs, recovered panics and Redis errors. The default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithClock sets the Go-side clock of a Runner or Periodic (Redis-side time
// is always Redis's TIME). The default is the system clock.
func WithClock(c Clock) Option { return func(o *options) { o.clock = c } }

// WithTick sets how often a Runner looks for due wake-ups when nothing else
// wakes it. Ticks below a second work. The default is DefaultTick (1 s).
func WithTick(d time.Duration) Option { return func(o *options) { o.tick = d } }

// WithLease sets how long a wake-up claimed by a Runner stays leased: the
// handler's context ends when the lease does, and if the replica dies the
// wake-up is claimed again once the lease has run out. The default is
// DefaultLease (4 s).
func WithLease(d time.Duration) Option { return func(o *options) { o.lease = d } }

// WithConcurrency sets how many handlers a Runner runs at once. The default
// is DefaultConcurrency (32).
func WithConcurrency(n int) Option { return func(o *options) { o.concurrency = n } }

// WithBatch sets the most wake-ups a Runner takes in one Claim. A Runner
// never holds more claimed wake-ups than twice its concurrency, so the
// effective batch is the smaller of the two. The default is DefaultBatch
// (256).
func WithBatch(n int) Option { return func(o *options) { o.batch = n } }

// WithLockTTL sets how long a Periodic keeps the lock of one fire. It must
// exceed the largest difference between the replicas' clocks plus the
// longest a replica may be late to a fire, or a late replica may run the
// fire again. The default is DefaultLockTTL (1 h).
func WithLockTTL(d time.Duration) Option { return func(o *options) { o.lockTTL = d } }

// WithLocation sets the time zone in which a Periodic reads specs that carry
// no CRON_TZ= or TZ= prefix. The default is UTC.
func WithLocation(loc *time.Location) Option { return func(o *options) { o.location = loc } }

// WithReplica names this replica in the Periodic locks it takes (the value
// of the lock key), for operators reading Redis. The default is
// "<hostname>:<pid>".
func WithReplica(name string) Option { return func(o *options) { o.replica = name } }

// WithSeconds lets a Periodic's specs start with an optional seconds field
// ("*/10 * * * * *" fires every ten seconds); five-field specs keep working.
// Without it, specs have exactly five fields and fire on whole minutes.
func WithSeconds() Option { return func(o *options) { o.seconds = true } }

// cronLogger adapts slog to robfig/cron's logger. Cron's routine messages
// (one per wake-up of its loop) go to Debug; its errors, which include
// recovered panics with their stack, go to Error.
type cronLogger struct{ l *slog.Logger }

var _ cron.Logger = cronLogger{}

func (c cronLogger) Info(msg string, kv ...any) {
	c.l.Debug("cron: "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
