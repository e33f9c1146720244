// Package bot is the domain of complaintbot: customers, staff, cases,
// ownership, the staff command grammar, the case policy, the engine that
// applies inbound messages and wake-ups, and the outbox.
//
// It knows no platform's wire format. Adapters (bot/web, bot/slack,
// bot/wechat) turn platform events into Inbound messages and deliver
// Outbound ones; bot/redisstore keeps everything in Redis.
package bot

import (
	"time"

	"github.com/complaintbot/complaintbot/flows"
)

// Role says who sent an inbound message.
type Role string

// Roles.
const (
	CustomerRole Role = "customer"
	StaffRole    Role = "staff"
	// ReceptionRole is a message a person of the platform's own reception
	// wrote to the customer in the platform's client (WeCom's 接待人员):
	// it reached the customer already. User is the customer; Servicer the
	// person's handle on the platform.
	ReceptionRole Role = "reception"
)

// Attachment kinds.
const (
	Image = "image"
	Voice = "voice"
	File  = "file"
	Video = "video"
)

// Attachment is a picture, voice note, file or video that came with a
// message. The bot keeps the reference; the bytes stay on the platform.
type Attachment struct {
	Kind string `json:"kind"`
	URL  string `json:"url,omitempty"`
	Name string `json:"name,omitempty"`
}

// Inbound is one message from a platform, already turned into our terms.
type Inbound struct {
	// Channel is the platform: "web", "slack", "wechat".
	Channel string
	// ID is the platform's message id. Two messages with the same ID on the
	// same channel are one message: the second is dropped. Empty means the
	// platform gave none and the message is never de-duplicated. For an
	// action (Command), the id names the click: the same button of the same
	// card clicked twice has one id (see ActionID).
	ID string
	// Role says whether a customer or a staff member wrote it.
	Role Role
	// User is who wrote it: the customer's stable id on the channel (the
	// customer key is CustomerKey(Channel, User)), or the staff member's
	// handle on the channel, which the staff directory resolves to a
	// person.
	User string
	// Address is where the customer can be reached on the channel now,
	// when that differs from User (WeChat's web protocol gives every
	// contact a new UserName at each login); "" means User.
	Address string
	// Name is a display name, when the platform gives one.
	Name string
	// Servicer is, for ReceptionRole, the handle on the platform of the
	// person who wrote (their WeCom userid).
	Servicer string `json:",omitempty"`
	// Thread is, for staff messages, the id of the case whose thread the
	// message was written in; empty outside a thread.
	Thread string
	// ThreadRef is the platform's reference of the message a staff message
	// replies to or was written under (a Slack thread's root, a quoted
	// WeChat message). When Thread is empty the engine looks the reference
	// up among the messages the bot posted about cases (Store.CaseOfRef).
	ThreadRef string
	// Place is where on the platform a staff message was written (a Slack
	// channel or DM id), when private answers should go back there rather
	// than to the team channel; "" for the team channel.
	Place string
	// Text is what was written. It may be empty when there are attachments
	// or a Command.
	Text        string
	Attachments []Attachment
	// Command is a structured command from a button, a menu, a modal or a
	// slash command, already in our terms. It goes through the same
	// authorization and application as a typed one; Text is then only
	// what the platform showed (a button's label) and is not parsed.
	// From a customer only CmdPick is accepted (an offer's option).
	Command *Command
	// At is when the platform received the message; zero means now.
	At time.Time
}

// CustomerKey returns the key that identifies a customer across the system:
// the channel and the platform's id, "web:alice".
func CustomerKey(channel, user string) string { return channel + ":" + user }

// Audience says who an outbound message is for.
type Audience string

// Audiences.
const (
	ToCustomer Audience = "customer" // the customer, in their chat
	ToTeam     Audience = "team"     // the team channel (or one case's thread in it)
	ToStaff    Audience = "direct"   // one staff member, directly
)

// Kinds of outbound message.
const (
	KindText   = "text"
	KindCard   = "card"
	KindNotice = "notice" // to the team channel, seen only by Outbound.To
	// KindSession moves the customer's session on a platform with a
	// reception of its own (Platform.Reception, WeCom's 接待人员): to a
	// person, who then answers in the platform's own client, back to the
	// bot, or to its end (Outbound.Session says which). It is addressed
	// to the customer, so it is delivered in order with what the bot
	// tells them. It carries no text, except that the end may carry a
	// closing message (Text, Choices) the platform lets the bot send as
	// the session ends.
	KindSession = "session"
)

// SessionMove is where a KindSession message moves the customer's session.
type SessionMove string

// Session moves.
const (
	// SessionToPerson hands the session to the person Outbound.To, whose
	// handle on the platform is Outbound.ToHandle (a WeCom userid).
	SessionToPerson SessionMove = "person"
	// SessionToBot hands the session back to the bot (the API).
	SessionToBot SessionMove = "bot"
	// SessionEnd ends the session, with the closing message, if any.
	SessionEnd SessionMove = "end"
)

// Outbound is one message the bot sends. Outbound messages are written to
// the outbox in the same commit as the change that caused them, and
// delivered by a sender afterwards, at least once: adapters de-duplicate on
// ID where the platform allows.
type Outbound struct {
	ID       string   `json:"id"`
	Channel  string   `json:"channel"`
	Audience Audience `json:"audience"`
	// Customer is the customer's key (CustomerKey) for Audience
	// ToCustomer. The customer's address on Channel is looked up when the
	// message is sent (Delivery.Address).
	Customer string `json:"customer,omitempty"`
	// To is the person (Person.ID) a direct message or a private notice is
	// for, and ToHandle their handle on Channel.
	To       string `json:"to,omitempty"`
	ToHandle string `json:"to_handle,omitempty"`
	// Case is the case the message is about, if any.
	Case string `json:"case,omitempty"`
	// Thread is the case whose thread a team message belongs in; empty for
	// the channel itself.
	Thread string `json:"thread,omitempty"`
	Kind   string `json:"kind"`
	Text   string `json:"text"`
	Card   *Card  `json:"card,omitempty"`
	// Place is where a private notice is shown: the place on the platform
	// the command it answers came from (Inbound.Place); "" for the team
	// channel.
	Place string `json:"place,omitempty"`
	// Ref names this message so that a later one can replace it ("card:42").
	Ref string `json:"ref,omitempty"`
	// Edits is the Ref of the message this one replaces in place.
	Edits string `json:"edits,omitempty"`
	// Staff is the display name of the staff member a relayed message is
	// from (what the customer sees); empty for the bot. StaffID is their
	// Person.ID.
	Staff   string `json:"staff,omitempty"`
	StaffID string `json:"staff_id,omitempty"`
	// Choices are the answers a customer message's question offers (an
	// offer's options, "is it solved?", a score), for platforms that
	// show answers to tap (WeCom's menu messages); the text asks the
	// question in full, so platforms without menus ignore them.
	Choices []Choice `json:"choices,omitempty"`
	// Session is where a KindSession message moves the session.
	Session SessionMove `json:"session,omitempty"`
	At      time.Time   `json:"at"`
}

// Choice is one answer to the question a customer message asks. Label is
// what the customer sees and, tapped, sends back: the engine reads it as
// the answer as if it were typed (so every label reads as the answer it
// stands for). Pick, for an offer's option, is its 1-based number: a tap
// on it is a structured pick (CmdPick with Command.Option), not text.
type Choice struct {
	Label string `json:"label"`
	Pick  int    `json:"pick,omitempty"`
}

// Recipient names the ordered stream of messages this one belongs to:
// messages to one recipient are delivered in the order they were
// committed, and recipients are independent of each other. One customer's
// chat, one case (its card, thread and the notices in it), one staff
// member's direct messages, and the team channel itself are recipients.
func (m *Outbound) Recipient() string {
	switch {
	case m.Audience == ToCustomer:
		return "customer:" + m.Customer
	case m.Audience == ToStaff:
		return "staff:" + m.To
	case m.Thread != "":
		return "case:" + m.Thread
	case m.Kind == KindCard && m.Case != "":
		return "case:" + m.Case
	case m.Kind == KindNotice:
		return "staff:" + m.To
	}
	return "team"
}

// Status is where a case is in its life.
type Status string

// Case statuses.
const (
	Open      Status = "open"      // waiting for an owner
	Claimed   Status = "claimed"   // an owner is working on it
	Resolved  Status = "resolved"  // the owner says it is fixed; waiting for the customer
	Confirmed Status = "confirmed" // the customer says it is fixed
	Closed    Status = "closed"    // closed without the customer's answer
	Withdrawn Status = "withdrawn" // the customer withdrew it; kept, never discarded
)

// Statuses lists every status, for indexes and listings.
var Statuses = []Status{Open, Claimed, Resolved, Confirmed, Closed, Withdrawn}

// Active reports whether a case with this status still needs the team.
func (s Status) Active() bool { return s == Open || s == Claimed || s == Resolved }

// Priority orders cases for the team.
type Priority string

// Priorities, most pressing first.
const (
	Urgent Priority = "urgent"
	High   Priority = "high"
	Normal Priority = "normal"
	Low    Priority = "low"
)

// Event is one line of a case's history: who did what, when.
type Event struct {
	At     time.Time `json:"at"`
	Who    string    `json:"who"` // staff name, "customer" or "bot"
	What   string    `json:"what"`
	Detail string    `json:"detail,omitempty"`
}

// Case is one complaint, from the moment the intake ends to its close.
type Case struct {
	ID         string           `json:"id"`
	Status     Status           `json:"status"`
	Priority   Priority         `json:"priority"`
	Urgent     bool             `json:"urgent"`
	Risks      []flows.Risk     `json:"risks"`
	Emotion    flows.Emotion    `json:"emotion"`
	Complainer flows.Complainer `json:"complainer_type"`
	Tip        string           `json:"tip"`
	Lang       flows.Lang       `json:"language"`
	// Script is how the customer writes Chinese: the bot answers them in
	// traditional characters when they write them.
	Script  flows.Script `json:"script,omitempty"`
	Channel string       `json:"channel"`
	// Customer is the customer's key (CustomerKey); CustomerID their id on
	// Channel and CustomerName their display name.
	Customer     string      `json:"customer"`
	CustomerID   string      `json:"customer_id"`
	CustomerName string      `json:"customer_name,omitempty"`
	Facts        flows.Facts `json:"facts"`
	Summary      string      `json:"summary"`
	// Notes are what the customer said during the intake that is no fact:
	// a remark, a question, an urging. Staff see them; the summary does
	// not hold them.
	Notes       []string     `json:"notes,omitempty"`
	Incomplete  bool         `json:"incomplete,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// Session numbers the customer's conversations; the case's transcript
	// is the transcript of the session it came from.
	Session int       `json:"session"`
	Opened  time.Time `json:"opened"`
	Updated time.Time `json:"updated"`
	// FirstResponseDue is when a person must have answered (P5).
	FirstResponseDue time.Time `json:"first_response_due"`
	Owner            string    `json:"owner,omitempty"`
	History          []Event   `json:"history"`
	// Intake says how the intake ended: confirmed, human, withdrawn or
	// incomplete.
	Intake flows.End `json:"intake"`
	// RepeatAsks counts the times the customer was asked for something
	// they had already given. It must stay 0.
	RepeatAsks int `json:"repeat_asks"`

	// Ownership (P6) and its metrics.
	ClaimedAt         time.Time `json:"claimed_at,omitzero"`
	FirstReplyAt      time.Time `json:"first_reply_at,omitzero"` // the owner's first message to the customer
	Handovers         int       `json:"handovers"`
	Reopens           int       `json:"reopens"`
	Escalations       int       `json:"escalations"`
	CustomerConfirmed bool      `json:"customer_confirmed"`
	// Offer is the owner's latest proposal to the customer; Promise the
	// resolution time the customer was told; Resolution the owner's account
	// of the fix (P16).
	Offer      *Offer      `json:"offer,omitempty"`
	Promise    *Promise    `json:"promise,omitempty"`
	Resolution *Resolution `json:"resolution,omitempty"`
	ResolvedAt time.Time   `json:"resolved_at,omitzero"`
	ClosedAt   time.Time   `json:"closed_at,omitzero"`
	// Awaiting is what the bot waits for the customer to answer: an offer's
	// pick, "is it solved?", the follow-up or a satisfaction score. The
	// customer's next burst is read as that answer first.
	Awaiting Question `json:"awaiting,omitempty"`
	// AskedAt is when the question Awaiting was asked.
	AskedAt time.Time `json:"asked_at,omitzero"`
	// Satisfaction is the customer's score, 1–5 (0: none given), and
	// their comment.
	Satisfaction        int    `json:"satisfaction,omitempty"`
	SatisfactionComment string `json:"satisfaction_comment,omitempty"`

	// Timekeeping (the case policy).
	// LastCustomerAt is when the customer last wrote about the case;
	// WaitingSince when the oldest customer message the owner has not
	// answered came (zero when none waits); NewsAt when the customer last
	// heard from a person or about progress.
	LastCustomerAt time.Time `json:"last_customer_at,omitzero"`
	// SentSince counts the messages sent to the customer since they last
	// wrote, for platforms that allow only so many (Limits.Budget).
	SentSince    int       `json:"sent_since,omitempty"`
	WaitingSince time.Time `json:"waiting_since,omitzero"`
	NewsAt       time.Time `json:"news_at,omitzero"`
	// Done records the timed actions already taken, by key, with when, so
	// that a wake-up handled twice acts once. Keys that can recur carry
	// the time they are for ("owner_nudge@<unix>").
	Done map[string]time.Time `json:"done,omitempty"`
	// Wake is the case's next wake-up; zero when none is due.
	Wake time.Time `json:"wake,omitzero"`
	// NoteHinted lists staff who were told, once, that their plain
	// messages in this case's thread are internal notes.
	NoteHinted []string `json:"note_hinted,omitempty"`

	// Reception (platforms with a reception of their own, WeCom's
	// 接待人员). HeldBy is the person (Person.ID) the customer's session was
	// handed to: while it is set the person answers in the platform's own
	// client and the bot tells the customer nothing itself. HeldAt is
	// when it was handed over. SessionEnded is set when the bot ended the
	// session (at resolve) and cleared when the customer writes again:
	// until then the platform lets nobody write to them.
	HeldBy       string    `json:"held_by,omitempty"`
	HeldAt       time.Time `json:"held_at,omitzero"`
	SessionEnded bool      `json:"session_ended,omitempty"`
}

// Question is what the bot asked a customer about their case and waits for.
type Question string

// Questions.
const (
	AskPick     Question = "pick"     // which of the offer's options
	AskSolved   Question = "solved"   // is it solved? (after resolve)
	AskFollowUp Question = "followup" // still fine? and a score 1–5
	AskScore    Question = "score"    // a score 1–5, after they said all is fine
)

// Offer is what an owner proposed, in numbered options.
type Offer struct {
	Options  []string  `json:"options"`
	Kinds    []string  `json:"kinds"` // outcome kind of each option, "" where none
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Picked   int       `json:"picked,omitempty"` // 1-based; 0 until the customer chooses
	PickedAt time.Time `json:"picked_at,omitzero"`
}

// Promise is a resolution time the owner gave and the customer was told.
type Promise struct {
	Due  time.Time `json:"due"`
	Text string    `json:"text"` // as the owner wrote it
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// Resolution is how a case was resolved, in the taxonomy of P16.
type Resolution struct {
	Category string    `json:"category"` // product, service, delivery, billing, staff_attitude, other
	Cause    string    `json:"cause"`    // product_defect, service_failure, partner, customer_misuse, policy, unknown
	Done     string    `json:"done"`     // what was done
	Action   string    `json:"action,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Metrics are a case's handling figures.
type Metrics struct {
	TimeToClaim       time.Duration `json:"time_to_claim"`       // 0 while unclaimed
	TimeToFirstReply  time.Duration `json:"time_to_first_reply"` // from opening; 0 while none
	Handovers         int           `json:"handovers"`
	RepeatAsks        int           `json:"repeat_asks"`
	CustomerConfirmed bool          `json:"customer_confirmed"`
	Reopens           int           `json:"reopens"`
}

// Metrics returns the case's handling figures.
func (c *Case) Metrics() Metrics {
	m := Metrics{Handovers: c.Handovers, RepeatAsks: c.RepeatAsks, CustomerConfirmed: c.CustomerConfirmed, Reopens: c.Reopens}
	if !c.ClaimedAt.IsZero() {
		m.TimeToClaim = c.ClaimedAt.Sub(c.Opened)
	}
	if !c.FirstReplyAt.IsZero() {
		m.TimeToFirstReply = c.FirstReplyAt.Sub(c.Opened)
	}
	return m
}

// Event names of a case's history.
const (
	EvOpened      = "opened"
	EvClaimed     = "claimed"
	EvHandover    = "handover"
	EvEscalated   = "escalated"
	EvOffered     = "offered"
	EvPicked      = "picked"
	EvPromised    = "promised"
	EvResolved    = "resolved"
	EvReopened    = "reopened"
	EvConfirmed   = "confirmed"
	EvClosed      = "closed"
	EvRated       = "rated"
	EvTimed       = "timer" // a timed action of the case policy; Detail names it
	EvUrgentAlert = "urgent_alert"
	// EvReachTask: a timed message the platform would not let the bot
	// send in time was handed to the owner.
	EvReachTask = "reach_task"
	// EvSession: the customer's session was handed to a person of the
	// platform's own reception, back to the bot, or ended (Detail says
	// which).
	EvSession = "session"
)

// Entry is one line of a transcript: every customer, bot and staff message,
// attachments included, in order.
type Entry struct {
	At          time.Time    `json:"at"`
	From        string       `json:"from"` // customer, bot, staff
	Staff       string       `json:"staff,omitempty"`
	ID          string       `json:"id,omitempty"` // platform message id of customer and staff messages
	Text        string       `json:"text"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// Internal entries (staff notes) are never shown to the customer.
	Internal bool `json:"internal,omitempty"`
}

// Transcript senders.
const (
	FromCustomer = "customer"
	FromBot      = "bot"
	FromStaff    = "staff"
)

// Line is one message's text and when it came.
type Line struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Conversation is what the bot knows about one customer between messages.
type Conversation struct {
	Customer string `json:"customer"` // CustomerKey
	Channel  string `json:"channel"`
	User     string `json:"user"`
	Name     string `json:"name,omitempty"`
	// Addresses holds where the customer can be reached now, by platform:
	// the address of their latest inbound message there. The store keeps
	// a copy the sender reads at send time (Store.Address).
	Addresses map[string]string `json:"addresses,omitempty"`
	// Session is the number of the customer's current (or last) intake.
	Session int `json:"session"`
	// Intake is the guided conversation in progress; nil when none is.
	Intake *flows.State `json:"intake,omitempty"`
	// Case is the id of the open case the customer is talking about.
	Case string `json:"case,omitempty"`
	// Recent holds the times of the customer's latest messages, for flood
	// control.
	Recent []time.Time `json:"recent,omitempty"`
	// FloodNoticeAt is when the customer was last asked to slow down.
	FloodNoticeAt time.Time `json:"flood_notice_at,omitzero"`
	// Lang is the language the customer last spoke in, and Script how
	// they write Chinese.
	Lang   flows.Lang   `json:"lang,omitempty"`
	Script flows.Script `json:"script,omitempty"`
	// Attachments collects what came with the intake's messages; they move
	// onto the case when it opens.
	Attachments []Attachment `json:"attachments,omitempty"`
	// AckAt is when the customer's latest messages to their open case are
	// acknowledged, once per burst; zero when nothing waits.
	AckAt time.Time `json:"ack_at,omitzero"`
	// CaseBurst holds the texts of the customer's latest messages to their
	// case, read together when the burst is over (an answer to the bot's
	// question may come in pieces).
	CaseBurst []Line `json:"case_burst,omitempty"`
	// LastAt is when the customer last wrote; RemindedAt when they were
	// last reminded of an intake they left unfinished (zero: not since
	// their last message).
	LastAt     time.Time `json:"last_at,omitzero"`
	RemindedAt time.Time `json:"reminded_at,omitzero"`
	// Said remembers the variant last used for each catalogue key said to
	// this customer outside an intake, so the bot varies its words.
	Said map[string]int `json:"said,omitempty"`
}

// NeedsWakeUp reports whether the conversation still needs its wake-up: an
// intake under way, or customer messages to a case still to acknowledge.
func (c *Conversation) NeedsWakeUp() bool {
	return c != nil && (c.Intake.Open() || !c.AckAt.IsZero())
}
