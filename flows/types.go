// Package flows is the guided complaint conversation: a pure state machine
// (no I/O, no clock reads: time is passed in), the understanding of customer
// text (language, emotion, risk, facts) and the wording catalogues (zh, en).
//
// It imports nothing of ours. The bot package feeds it customer messages and
// the moment a burst of them is over, and carries out what it decides.
package flows

import (
	"strings"
	"time"
)

// Lang is the language the bot speaks to a customer in.
type Lang string

// The languages the bot speaks. Traditional Chinese is understood and
// answered in Chinese.
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// Emotion is how strongly a customer feels, from the words, punctuation,
// repetition, capitals, emoji and insults of what they wrote.
type Emotion int

// Emotion levels, weakest first.
const (
	Calm Emotion = iota
	Upset
	Angry
	Furious
)

var emotionNames = [...]string{"calm", "upset", "angry", "furious"}

// String returns calm, upset, angry or furious.
func (e Emotion) String() string {
	if e < Calm || e > Furious {
		return "calm"
	}
	return emotionNames[e]
}

// ParseEmotion is the inverse of Emotion.String; unknown names are Calm.
func ParseEmotion(s string) Emotion {
	for i, n := range emotionNames {
		if n == s {
			return Emotion(i)
		}
	}
	return Calm
}

// MarshalText writes the emotion by name, so stored state stays readable.
func (e Emotion) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads an emotion written by MarshalText.
func (e *Emotion) UnmarshalText(b []byte) error { *e = ParseEmotion(string(b)); return nil }

// Slot names one item of the fact sheet.
type Slot string

// The fact sheet. The JSON API uses these names as keys under "facts".
const (
	Grievance Slot = "grievance" // what went wrong, in the customer's words
	Order     Slot = "order"     // order, product, model or serial number
	When      Slot = "when"      // when it happened (a date, resolved against the message time)
	Where     Slot = "where"     // store, city, or online shop
	Impact    Slot = "impact"    // money lost, injury, safety hazard, distress
	Outcome   Slot = "outcome"   // what the customer wants
	Contact   Slot = "contact"   // phone number or how they want to be reached
	// Deadline is the time by which the customer asks for the outcome
	// ("by Friday", "周六之前必须换好"): Fact.Date is its day.
	Deadline Slot = "deadline"
)

// Slots lists every slot in the order the fact sheet shows them.
var Slots = []Slot{Grievance, Order, When, Where, Impact, Outcome, Deadline, Contact}

// AskOrder is the order in which missing facts are asked for: what happened,
// what they want, which order or product, when, where. Impact and contact are
// recorded when offered but never asked for.
var AskOrder = []Slot{Grievance, Outcome, Order, When, Where}

// Outcome kinds (Finding.Kind for the Outcome slot).
const (
	Refund       = "refund"
	Replacement  = "replacement"
	Repair       = "repair"
	Apology      = "apology"
	Explanation  = "explanation"
	Compensation = "compensation"
	OtherOutcome = "other"
)

// Where kinds (Finding.Kind for the Where slot).
const (
	WhereStore  = "store"
	WhereCity   = "city"
	WhereOnline = "online"
	WhereOther  = "other"
)

// WhenUses is the Finding.Kind of a When read from a count of uses (才用了
// 两次, "after 3 uses"): it has no Date; its Value is the words said.
const WhenUses = "uses"

// Impact kinds (Finding.Kind for the Impact slot).
const (
	ImpactMoney    = "money"
	ImpactInjury   = "injury"
	ImpactSafety   = "safety"
	ImpactDistress = "distress"
	ImpactTime     = "time" // time wasted: days without the product, trips, calls
	// ImpactDamage is damage to something else than the product: the
	// floor a robot scratched, the curtain a heater burnt (Fact.Damaged
	// names it).
	ImpactDamage = "damage"
)

// Contact kinds (Finding.Kind for the Contact slot).
const (
	ContactPhone  = "phone"
	ContactEmail  = "email"
	ContactWeChat = "wechat"
	ContactCall   = "call" // asked to be phoned (number may be elsewhere)
	ContactChat   = "chat" // prefers to keep to this chat
	ContactOther  = "other"
)

// Order kinds (Finding.Kind for the Order slot).
const (
	OrderNumber   = "order"   // order / 订单号
	OrderProduct  = "product" // product name or model
	OrderSerial   = "serial"  // serial number
	OrderTracking = "tracking"
	// OrderGuess is added to the kinds of an Order fact whose number was
	// guessed from a bare token (B77): a number announced later replaces it.
	OrderGuess = "guess"
)

// Risk is a named reason to treat a complaint as urgent (P12, P13).
type Risk string

// Risk flags.
const (
	RiskMedia       Risk = "media"        // journalists, TV, newspapers, 曝光
	RiskSocial      Risk = "social_media" // Weibo, Douyin, Xiaohongshu, posting online, reviews
	RiskLawyer      Risk = "lawyer"
	RiskCourt       Risk = "court"        // suing, 起诉, 法院
	RiskRegulator   Risk = "regulator"    // 12315, 消协, 市场监管, consumer protection agencies
	RiskConsumerLaw Risk = "consumer_law" // cites consumer law, 消法, 三包, 退一赔三
	RiskInjury      Risk = "injury"
	RiskSafety      Risk = "safety_hazard"
	RiskRecording   Risk = "recording" // says they record or have kept evidence (有备而来)
)

// Intent is something the customer asks the bot to do, or a short answer.
type Intent string

// Intents recognised in customer text.
const (
	WantsHuman   Intent = "human"         // 转人工, real person, agent
	Withdraws    Intent = "withdraw"      // 算了, never mind, forget it
	Skips        Intent = "skip"          // 不知道, don't remember, skip
	Yes          Intent = "yes"           // 对, 是的, yes, correct
	No           Intent = "no"            // 不对, no, that's wrong
	NothingElse  Intent = "nothing_else"  // 没有了, that's all
	NewComplaint Intent = "new_complaint" // 新投诉, new complaint
	Greets       Intent = "greeting"      // 你好, hello (and nothing else of substance)
	Thanks       Intent = "thanks"        // 谢谢, thanks
	Chases       Intent = "chase"         // 怎么还没人理, any update?, hello??

	// Questions is a question about something else than the complaint
	// ("你们门店几点关门?", "do you sell phone cases?"); ChitChat is a
	// remark or a joke that tells nothing about it ("哈哈你们回复还挺快",
	// "it's freezing here lol"). Neither is read for facts.
	Questions Intent = "question"
	ChitChat  Intent = "chat"
	// Urges asks for speed: 赶紧处理, 麻烦快一点, "please hurry", asap.
	Urges Intent = "urge"
	// AlreadySaid says the bot is asking for what it was told:
	// 我刚刚不是讲了吗, "I already told you".
	AlreadySaid Intent = "already_said"
	// AsksBot asks whether a person is writing: 你是机器人吗, "are you a
	// bot?". It is answered; it is not a request for a person.
	AsksBot Intent = "asks_bot"
	// SpeaksZH and SpeaksEN ask for a language: 可以说中文吗, "English
	// please".
	SpeaksZH Intent = "speak_zh"
	SpeaksEN Intent = "speak_en"
	// Corrects says the text corrects something said before: 不是…是…,
	// 说错了, "sorry, typo", "actually", "I meant".
	Corrects Intent = "correct"
)

// Finding is one fact found in a piece of text.
type Finding struct {
	Slot  Slot   `json:"slot"`
	Value string `json:"value"`          // normalised and readable: "B77", "2026-11-18", "¥300", "refund", "南京西路店"
	Kind  string `json:"kind,omitempty"` // sub-kind, see the *Kind constants above
	Span  string `json:"span,omitempty"` // the words it was read from, as written

	// Negated is set when the value was said as rejected: "不是上周三" / "not B71".
	Negated bool `json:"negated,omitempty"`
	// Guess is set for an order number read from a bare token (B77)
	// rather than announced ("订单号 B77", "order #B77"); an announced
	// number wins over a guess.
	Guess bool `json:"guess,omitempty"`

	// Amount and Currency are set for money (Impact, Kind money).
	Amount   float64 `json:"amount,omitempty"`
	Currency string  `json:"currency,omitempty"` // CNY, USD, EUR, GBP, …
	// Date is set for When: the calendar day meant, at midnight in the
	// message's location. Approx is set when the text named a span
	// ("last week", "上个月") rather than a day.
	Date   time.Time `json:"date,omitzero"`
	Approx bool      `json:"approx,omitempty"`
}

// Complainer is the kind of complainer (P14), with a handling tip for the owner.
type Complainer string

// Complainer types, from the playbook's two typologies.
const (
	Emotional   Complainer = "emotional"   // 感情用事 / 情绪愤怒型: let them vent first
	Justice     Complainer = "justice"     // 以正义感表达: thank them for speaking up
	Stubborn    Complainer = "stubborn"    // 固执己见: explain policy calmly, more than once
	Prepared    Complainer = "prepared"    // 有备而来: knows the law, records: be exact
	Influential Complainer = "influential" // 有社会背景: media, lawyer, official: escalate, be careful
	Resigned    Complainer = "resigned"    // 自认倒霉型: quiet, low expectations: over-deliver
	Reasoner    Complainer = "reasoner"    // 说理诉苦型: wants to be heard and understood
	Ranter      Complainer = "ranter"      // 大发牢骚型: many side complaints: find the main one
)

// Analysis is what one piece of customer text says.
type Analysis struct {
	Lang        Lang    `json:"lang,omitempty"` // "" when the text has no words (emoji, digits only)
	Traditional bool    `json:"traditional,omitempty"`
	Emotion     Emotion `json:"emotion"`
	// Signals says why Emotion is what it is: "angry_word", "insult", "caps",
	// "exclaim", "emoji", "repeat", "distress_word", "question_marks".
	Signals []string `json:"signals,omitempty"`
	Venting bool     `json:"venting,omitempty"` // expresses feelings, not only facts
	Risks   []Risk   `json:"risks,omitempty"`
	// Hazard is the kind of safety hazard named (Hazard* constants), or "".
	Hazard string `json:"hazard,omitempty"`
	// Topic is the kind of complaint (Topic* constants), or "".
	Topic    string       `json:"topic,omitempty"`
	Intents  []Intent     `json:"intents,omitempty"`
	Findings []Finding    `json:"findings,omitempty"`
	Hints    []Complainer `json:"hints,omitempty"` // complainer types this text suggests

	// Complaint is set when the text describes a problem (not only a
	// greeting, a short answer, or a request to talk to a person).
	Complaint bool `json:"complaint,omitempty"`
}

// Has reports whether the analysis contains the intent.
func (a Analysis) Has(i Intent) bool {
	for _, x := range a.Intents {
		if x == i {
			return true
		}
	}
	return false
}

// Found returns the findings for slot s that are not negated.
func (a Analysis) Found(s Slot) []Finding {
	var out []Finding
	for _, f := range a.Findings {
		if f.Slot == s && !f.Negated {
			out = append(out, f)
		}
	}
	return out
}

// Context is what Analyze needs besides the text.
type Context struct {
	// Now is when the message was sent; relative dates are resolved against
	// it, in its location.
	Now time.Time
	// Expect is the slot the bot just asked for, or "". A short answer is
	// read as that slot ("B77" after "what is the order number?").
	Expect Slot
}

// normalizeSpace trims and collapses runs of white space.
func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
