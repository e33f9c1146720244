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
	// NextCase is the case number reserved for the customer's next case
	// (Store.ReserveCaseID), "" when none is. The commit that writes a case
	// with this number uses the reservation up.
	NextCase string
	// Transcript is the transcript of Case's session, when the load asked
	// for it (LoadQuery.Transcript).
	Transcript []Entry
	// Cases are every case of the customer, oldest first, when the load
	// asked for them (LoadQuery.Cases).
	Cases []*Case
}

// LoadQuery names what one decision reads: a customer's conversation and
// one of their cases, and, when the decision needs them, the case's
// transcript and the customer's other cases, all at one version.
type LoadQuery struct {
	Customer string
	// Case names the case; "" means the conversation's open case.
	Case string
	// Dedupe, when not empty, is checked against the remembered message
	// ids (Snapshot.Seen).
	Dedupe string
	// Transcript asks for the transcript of the case's session; Cases for
	// every case of the customer.
	Transcript bool
	Cases      bool
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

// InboxItem is one queued inbound message, with the id the store uses to
// acknowledge it.
type InboxItem struct {
	StreamID string
	Message  Inbound
}

// DeadLetter is a message a platform refused for good, kept for people to
// look at and, if they choose, send again by other means.
type DeadLetter struct {
	Message Outbound  `json:"message"`
	Reason  string    `json:"reason"`
	At      time.Time `json:"at"`
}

// Store keeps conversations, cases, transcripts, the outbox and the
// de-duplication memory. bot/redisstore implements it on Redis.
type Store interface {
	// Load reads what q names in one round trip, at one version.
	Load(ctx context.Context, q LoadQuery) (*Snapshot, error)
	// CustomerOf returns the customer key a case belongs to, or ENOTFOUND.
	CustomerOf(ctx context.Context, caseID string) (string, error)
	// ReserveCaseID reserves a new, never reused, case number for the
	// customer's next case, or returns the one already reserved. A
	// decision that opens a case uses Snapshot.NextCase, so a commit
	// retried after a conflict never burns a number.
	ReserveCaseID(ctx context.Context, customer string) (string, error)
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
	// Delivered records that a queued message reached the platform as
	// platformRef ("" when the platform gave none): it remembers the
	// reference under the message's Ref (a card) and, for a message about
	// a case, maps the reference back to the case (CaseOfRef), and
	// acknowledges the message; in one round trip.
	Delivered(ctx context.Context, channel string, it OutboxItem, platformRef string) error
	// DeadLetter moves a message the platform refused for good from the
	// channel's outbox to its dead-letter list, with the reason.
	DeadLetter(ctx context.Context, channel string, it OutboxItem, reason string) error
	// DeadLetters returns up to max messages of the channel's dead-letter
	// list, oldest first.
	DeadLetters(ctx context.Context, channel string, max int) ([]DeadLetter, error)
	// Address returns the customer's current address on the platform
	// (the one their latest inbound message there came from), or "" when
	// none is known.
	Address(ctx context.Context, customer, platform string) (string, error)
	// CaseOfRef returns the case a platform reference (of a message the
	// bot posted about a case) belongs to, or "" when it is not known.
	CaseOfRef(ctx context.Context, channel, platformRef string) (string, error)
	// SetRef remembers the platform's reference for a named message (for
	// example the Slack timestamp of case 42's card).
	SetRef(ctx context.Context, channel, ref, value string) error
	// Ref returns what SetRef stored, or "" when nothing was.
	Ref(ctx context.Context, channel, ref string) (string, error)
	// Enqueue keeps an inbound message durably in the platform's inbox,
	// for an Inbox to handle; ReadInbox and AckInbox read and remove
	// them, as ReadOutbox and AckOutbox do for outbound messages.
	Enqueue(ctx context.Context, channel string, in Inbound) error
	ReadInbox(ctx context.Context, channel, consumer string, max int, block time.Duration) ([]InboxItem, error)
	AckInbox(ctx context.Context, channel string, streamIDs ...string) error
	// Lease takes the named lease for holder, or renews it if holder has
	// it, for ttl; it reports whether holder holds it.
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// Release gives the named lease up if holder holds it.
	Release(ctx context.Context, name, holder string) error
	// TakeOverOutbox hands consumer every message of the channel's outbox
	// that was read and not acknowledged, by any consumer and however
	// recently, oldest first. A sender calls it when it takes the
	// channel's lease: only the lease holder delivers, so what others hold
	// is abandoned, and taking it over before reading new messages keeps
	// each recipient's order. What it returns is bounded by what senders
	// keep in flight.
	TakeOverOutbox(ctx context.Context, channel, consumer string) ([]OutboxItem, error)
}
