package flows

import (
	"time"
)

// Phase is where an intake is.
type Phase string

// Phases of an intake, in order.
const (
	// Listening: the customer has started writing; nothing answered yet.
	Listening Phase = "listening"
	// Asking: the bot has acknowledged and asks for what is missing.
	Asking Phase = "asking"
	// AnythingElse: every fact is known or skipped; the bot asked whether
	// there is anything else before it summarises (P2).
	AnythingElse Phase = "anything_else"
	// Confirming: the summary was shown; the customer confirms or corrects.
	Confirming Phase = "confirming"
	// Done: the intake ended (confirmed, handed to a person, withdrawn or
	// given up); the case carries on.
	Done Phase = "done"
)

// End says how an intake ended.
type End string

// Ends of an intake. Every one opens a case: nothing a customer said is
// ever discarded (P17).
const (
	Confirmed  End = "confirmed"  // the customer confirmed the summary
	HumanAsked End = "human"      // the customer asked for a person
	Withdrew   End = "withdrawn"  // the customer withdrew the complaint
	GaveUp     End = "incomplete" // the customer stopped answering
)

// Message is one customer message as the conversation sees it.
type Message struct {
	ID   string `json:"id,omitempty"`
	Text string `json:"text,omitempty"`
	// Media lists the kinds of the attachments that came with it (image,
	// voice, file, video).
	Media []string  `json:"media,omitempty"`
	At    time.Time `json:"at"`
}

// State is a guided intake in progress. It is plain data, stored between
// messages as JSON. Its methods change it in place and do no I/O; time
// comes in as arguments.
type State struct {
	Phase   Phase     `json:"phase"`
	Lang    Lang      `json:"lang,omitempty"`
	Started time.Time `json:"started"`
	// LastHeard is when the customer last wrote.
	LastHeard time.Time `json:"last_heard"`
	// LastAnswered is when the bot last answered a burst.
	LastAnswered time.Time `json:"last_answered,omitzero"`
	Facts        Facts     `json:"facts"`
	// Side holds side complaints: kept, but not mistaken for the main one.
	Side []string `json:"side,omitempty"`
	// Also holds what the customer added that fits no slot.
	Also []string `json:"also,omitempty"`
	// Asked counts how often each slot was asked for.
	Asked map[Slot]int `json:"asked,omitempty"`
	// Expect is the slot the bot just asked for, "" if none.
	Expect Slot `json:"expect,omitempty"`
	// Fixing is set after the customer said the summary is wrong without
	// saying what is.
	Fixing bool `json:"fixing,omitempty"`
	// Burst holds the messages received since the bot last answered.
	Burst []Message `json:"burst,omitempty"`
	// BurstStart is when the first message of the burst arrived.
	BurstStart time.Time `json:"burst_start,omitzero"`
	// AnswerAt is when the burst will be answered if nothing else arrives.
	AnswerAt time.Time `json:"answer_at,omitzero"`
	// Emotion is the strongest emotion seen; LastEmotion that of the
	// latest burst.
	Emotion     Emotion            `json:"emotion"`
	LastEmotion Emotion            `json:"last_emotion"`
	Risks       []Risk             `json:"risks,omitempty"`
	Hints       map[Complainer]int `json:"hints,omitempty"`
	Media       int                `json:"media,omitempty"`
	// Said remembers the variant last used for each catalogue key, so the
	// next use says it differently.
	Said map[string]int `json:"said,omitempty"`
	// Turns counts the bursts answered.
	Turns       int `json:"turns"`
	Corrections int `json:"corrections,omitempty"`
	// RepeatAsks counts questions about a fact that was already given. The
	// state machine never does that; the counter proves it on every case.
	RepeatAsks int `json:"repeat_asks"`
	// Reminded is when the bot last nudged a silent customer.
	Reminded time.Time `json:"reminded,omitzero"`

	// Script is how the customer writes Chinese (traditional characters
	// are answered in traditional characters); "" is simplified.
	Script Script `json:"script,omitempty"`
	// ZhUnits and EnUnits measure how much the customer wrote in each
	// language (a Chinese character counts one, an English word two): the
	// bot answers in the conversation's main language, not the last
	// message's. LangAsked is set when the customer asked for a language.
	ZhUnits   int  `json:"zh_units,omitempty"`
	EnUnits   int  `json:"en_units,omitempty"`
	LangAsked bool `json:"lang_asked,omitempty"`
	// Notes keeps what the customer said that is no fact of the
	// complaint: questions about something else, chit-chat, remarks and
	// urgings said with a confirmation. They go with the case; they are
	// not in the summary.
	Notes []string `json:"notes,omitempty"`
	// Urged is set when the customer asked for speed (赶紧处理, "please
	// hurry").
	Urged bool `json:"urged,omitempty"`
	// Topic is the kind of complaint, for the options the bot offers:
	// perishable, billing, delivery, service, or "".
	Topic string `json:"topic,omitempty"`
	// Hazard is the kind of safety hazard told (Hazard* constants).
	Hazard string `json:"hazard,omitempty"`
	// FixChoices are the facts offered by number after a bare "that's
	// wrong"; FixSlot is the fact being corrected, whose new value the
	// next answer gives.
	FixChoices []Slot `json:"fix_choices,omitempty"`
	FixSlot    Slot   `json:"fix_slot,omitempty"`

	pendingSides []string // side complaints of the burst being absorbed
	cat          *Catalog // the catalogue of the turn being answered
	// End is how the intake ended, once Phase is Done.
	End End `json:"end,omitempty"`
}

// Config is what the conversation needs from the deployment.
type Config struct {
	Catalog *Catalog
	// Quiet is how long the bot waits after a customer's last message
	// before it answers the burst (QUIET_WINDOW).
	Quiet time.Duration
	// MaxListen caps how long a burst can keep the bot waiting, counted
	// from its first message; zero means 20 × Quiet (at least 30 s).
	MaxListen time.Duration
	// Window is the first-response target told to the customer.
	Window time.Duration
	// Within, when set, is how the closing message words when a person
	// will answer ("by Monday at 09:10" when business hours push the
	// answer past the window); "within <Window>" otherwise.
	Within string
	// Lang is the language used before the customer has written any words.
	Lang Lang
}

func (c Config) maxListen() time.Duration {
	if c.MaxListen > 0 {
		return c.MaxListen
	}
	d := 20 * c.Quiet
	if d < 30*time.Second {
		d = 30 * time.Second
	}
	return d
}

// Open reports whether the intake is still going.
func (s *State) Open() bool { return s != nil && s.Phase != Done }

// Pending reports whether customer messages are waiting for an answer.
func (s *State) Pending() bool { return len(s.Burst) > 0 }
