package bot

import (
	"context"
	"time"
)

// Snapshot is everything one customer message, staff command or wake-up may
// change, loaded in one round trip: the customer's conversation and one of
// their cases, at one version.
type Snapshot struct {
	// Customer is the customer key the snapshot belongs to.
	Customer string
	// Version is the version of everything the customer owns (conversation
	// and cases). Commit fails with ErrConflict if it moved since the load.
	Version int64
	// Conv is the conversation, or nil when the customer is new.
	Conv *Conversation
	// Case is the case asked for (or the conversation's open case when none
	// was named); nil when there is none.
	Case *Case
	// Seen is set when the message id passed to the load was already
	// committed: the message is a duplicate and must change nothing.
	Seen bool
}

// TranscriptAppend adds entries to one of a customer's transcripts.
type TranscriptAppend struct {
	Session int
	Entries []Entry
}

// Change is the result of applying one message or wake-up: everything it
// alters, committed atomically, once.
type Change struct {
	// Customer is the customer key all of it belongs to (one hash tag).
	Customer string
	// Version is Snapshot.Version from the load this change was computed
	// from. The commit checks it and fails with ErrConflict if it moved.
	Version int64
	// Dedupe is the id under which the message that caused the change is
	// remembered (for seven days); "" for none. If it was already
	// remembered, the commit fails with ErrDuplicate and changes nothing.
	Dedupe string
	// Conv replaces the conversation; nil leaves it as it is.
	Conv *Conversation
	// Cases are written whole, new or changed. The store keeps the global
	// indexes (case id to customer, cases by status) in step.
	Cases []*Case
	// Transcript entries are appended to the customer's transcripts.
	Transcript []TranscriptAppend
	// Outbox messages are queued for delivery on their channel.
	Outbox []Outbound
	// WakeUps sets (or, with a zero time, clears) named wake-ups.
	WakeUps map[string]time.Time
}

// Empty reports whether committing the change would alter nothing but the
// version.
func (c *Change) Empty() bool {
	return c.Conv == nil && len(c.Cases) == 0 && len(c.Transcript) == 0 &&
		len(c.Outbox) == 0 && len(c.WakeUps) == 0 && c.Dedupe == ""
}

// OutboxItem is one queued outbound message, with the id the store uses to
// acknowledge it.
type OutboxItem struct {
	StreamID string
	Message  Outbound
}

// Store keeps conversations, cases, transcripts, the outbox and the
// de-duplication memory. bot/redisstore implements it on Redis.
type Store interface {
	// Load reads the customer's conversation and a case in one round trip.
	// caseID names the case; "" means the conversation's open case. dedupe,
	// when not empty, is checked against the remembered message ids.
	Load(ctx context.Context, customer, caseID, dedupe string) (*Snapshot, error)
	// CustomerOf returns the customer key a case belongs to, or ENOTFOUND.
	CustomerOf(ctx context.Context, caseID string) (string, error)
	// NextCaseID allocates a new, never reused, case number.
	NextCaseID(ctx context.Context) (string, error)
	// Commit applies the change atomically: all of it or, on ErrConflict or
	// ErrDuplicate, none of it.
	Commit(ctx context.Context, c *Change) error

	// Case returns one case, or an ENOTFOUND error.
	Case(ctx context.Context, id string) (*Case, error)
	// Cases lists cases with the given statuses (all when none are given),
	// oldest first.
	Cases(ctx context.Context, statuses ...Status) ([]*Case, error)
	// CustomerCases lists every case of one customer, oldest first.
	CustomerCases(ctx context.Context, customer string) ([]*Case, error)
	// Transcript returns one of a customer's transcripts, oldest first.
	Transcript(ctx context.Context, customer string, session int) ([]Entry, error)

	// ReadOutbox returns up to max queued messages for the channel that no
	// other consumer holds, waiting up to block for one to arrive. Messages
	// a consumer read but did not acknowledge within the store's claim
	// timeout are handed out again.
	ReadOutbox(ctx context.Context, channel, consumer string, max int, block time.Duration) ([]OutboxItem, error)
	// AckOutbox removes delivered messages from the channel's outbox.
	AckOutbox(ctx context.Context, channel string, streamIDs ...string) error
	// SetRef remembers the platform's reference for a named message (for
	// example the Slack timestamp of case 42's card).
	SetRef(ctx context.Context, channel, ref, value string) error
	// Ref returns what SetRef stored, or "" when nothing was.
	Ref(ctx context.Context, channel, ref string) (string, error)
	// Lease takes the named lease for holder, or renews it if holder has
	// it, for ttl; it reports whether holder holds it.
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// Release gives the named lease up if holder holds it.
	Release(ctx context.Context, name, holder string) error
}

// FeedEntry is one numbered entry of a Feed.
type FeedEntry struct {
	Seq  int64
	Data []byte
}

// Feed is a numbered, append-only log kept by the store, which long-polling
// clients read: the web channel's mailboxes and team feed. Numbers start at 1
// and have no gaps.
type Feed interface {
	// Append adds data to the named log unless an entry with the same id was
	// appended before, and returns the entry's number either way.
	Append(ctx context.Context, log, id string, data []byte) (int64, error)
	// Read returns up to max entries numbered after `after`, oldest first.
	Read(ctx context.Context, log string, after int64, max int) ([]FeedEntry, error)
}
