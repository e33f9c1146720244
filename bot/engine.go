package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/complaintbot/complaintbot/flows"
)

// Config is what the engine needs from the deployment. Zero values get the
// defaults documented on each field.
type Config struct {
	// Team is the channel the team works in (its feed, threads, cards):
	// "web" by default.
	Team string
	// SweepPause is the pause between the pages of the reconcile sweep,
	// so that a sweep is spread over time rather than all at the minute
	// boundary (at most maxSweepSpread of pauses in one sweep). Zero
	// pauses nothing.
	SweepPause time.Duration
	// TeamLang is the language of the team channel; English by default.
	TeamLang flows.Lang
	// People is the staff directory: who may run staff commands, who
	// supervises, and their handles on each platform. When nil it is
	// made from Staff and Supervisors (names, handles on every platform).
	People *Directory
	// Staff and Supervisors may run staff commands when People is nil.
	// Supervisors are staff.
	Staff       []string
	Supervisors []string
	// Platforms describes the platforms the engine talks to, by name; a
	// platform not listed gets the defaults of Platform.
	Platforms map[string]Platform
	// Quiet is how long the bot waits after a customer's last message
	// before it answers the burst (QUIET_WINDOW, default 3 s).
	Quiet time.Duration
	// FirstResponse is the first-response target (FIRST_RESPONSE_TARGET,
	// default 15 min), told to the customer as the time window.
	FirstResponse time.Duration
	// Location is the bot's time zone; relative dates in customer text are
	// read in it. UTC by default.
	Location *time.Location
	// Catalog is the wording; the default catalogue when nil.
	Catalog *flows.Catalog
	// FloodLimit messages within FloodWindow make the customer a flooder,
	// who is asked (once per window) to slow down; nothing is dropped.
	// Defaults: 20 messages in 10 s.
	FloodLimit  int
	FloodWindow time.Duration
	// Timing is the case policy's clock (see Timing).
	Timing Timing
}

// Platform is what the engine knows of a platform: how it writes a
// mention of a person, for the texts staff read there, and what it lets
// the bot send a customer.
type Platform struct {
	// Mention writes a person as staff see them on the platform (Slack:
	// "<@U123>"); nil writes their display name.
	Mention func(p Person) string
	// Limits are the platform's rules for writing to a customer (WeCom:
	// 48 hours and 5 messages); the zero value is no limit.
	Limits Limits
	// Reception is set when the platform has a reception of its own that
	// a session can be handed to (WeCom's 接待人员, WECOM_RECEPTION=on): a
	// case's owner with a handle there (Person.Handles[platform], their
	// userid) gets the customer's session and answers in the platform's
	// own client while the bot keeps quiet (Case.HeldBy).
	Reception bool
}

// Limits are what a platform lets a business send a customer: only within
// Window of the customer's last message, and at most Budget messages until
// they write again. Zero means no limit of that kind.
type Limits struct {
	Window time.Duration
	Budget int
	// Text is the longest text one message carries, in TextUnit (WeCom:
	// 2,048 bytes); a longer text goes as several messages
	// (SplitText), and each counts against Budget. Zero: one message.
	Text     int
	TextUnit TextUnit
}

// messages is how many of the platform's messages a text costs.
func (l Limits) messages(text string) int {
	if l.Text <= 0 {
		return 1
	}
	return len(SplitText(text, l.Text, l.TextUnit))
}

// None reports whether the limits limit nothing.
func (l Limits) None() bool { return l.Window <= 0 && l.Budget <= 0 }

func (c *Config) setDefaults() {
	if c.Team == "" {
		c.Team = "web"
	}
	if c.People == nil {
		d, err := StaffDirectory(c.Staff, c.Supervisors)
		if err != nil {
			panic("bot: Config.Staff, Config.Supervisors: " + err.Error())
		}
		c.People = d
	}
	if c.TeamLang == "" {
		c.TeamLang = flows.EN
	}
	if c.Quiet <= 0 {
		c.Quiet = 3 * time.Second
	}
	if c.FirstResponse <= 0 {
		c.FirstResponse = 15 * time.Minute
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.Catalog == nil {
		c.Catalog = flows.MustCatalog()
	}
	if c.FloodLimit <= 0 {
		c.FloodLimit = 20
	}
	if c.FloodWindow <= 0 {
		c.FloodWindow = 10 * time.Second
	}
	c.Timing.setDefaults()
}

// Engine applies inbound messages and wake-ups to the store: it loads what
// a message touches, decides (with flows for the intake), and commits the
// result as one atomic change, retrying from a fresh load when the state
// moved underneath.
type Engine struct {
	store Store
	cfg   Config
	now   func() time.Time
	log   *slog.Logger
	// poke is told about every wake-up committed, so the local scheduler
	// can fire it on time instead of at its next tick.
	poke func(time.Time)
	// obs is told what the engine did, for metrics; never nil.
	obs Observer
	// idents are the identity maps of platforms without a stable user id
	// (WeChat), by platform: the facts of their cases are indexed there
	// (noteFacts).
	idents sync.Map
}

// Observer is told what the engine does, for metrics. Its methods are
// called on the engine's paths, so they must be quick and never block.
type Observer interface {
	// Handled is called once per inbound message Handle was given, with
	// how long it took and what it returned.
	Handled(channel string, role Role, took time.Duration, err error)
	// Committed is called once per successful commit, with the number of
	// conflicts (reload and decide again) it took.
	Committed(op string, conflicts int)
	// CaseEvent is called once per event added to a case's history and
	// committed.
	CaseEvent(c *Case, ev Event)
}

type noObserver struct{}

func (noObserver) Handled(string, Role, time.Duration, error) {}
func (noObserver) Committed(string, int)                      {}
func (noObserver) CaseEvent(*Case, Event)                     {}

// WithObserver registers the observer told what the engine does (metrics).
func WithObserver(o Observer) Option { return func(e *Engine) { e.obs = o } }

// Option configures an Engine.
type Option func(*Engine)

// WithClock makes the engine read time from now instead of the system clock.
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.now = now } }

// WithLogger sets the engine's logger.
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// WithPoke registers a function told about the time of every wake-up the
// engine commits.
func WithPoke(poke func(time.Time)) Option { return func(e *Engine) { e.poke = poke } }

// NewEngine returns an engine over the store.
func NewEngine(store Store, cfg Config, opts ...Option) *Engine {
	cfg.setDefaults()
	e := &Engine{store: store, cfg: cfg, now: time.Now, log: slog.Default(), obs: noObserver{}}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Config returns the engine's configuration, defaults filled in.
func (e *Engine) Config() Config { return e.cfg }

// Receipt tells the sender of an inbound message what became of it.
type Receipt struct {
	// ID is the message's id: the platform's, or one the engine made up.
	ID string
	// Duplicate is set when the message had been received before and was
	// dropped.
	Duplicate bool
}

// maxAttempts bounds the optimistic-concurrency retries of one message. A
// customer's state is only contended by that customer's own messages, their
// case's staff and their wake-ups, so a handful of attempts is plenty; the
// bound turns a livelock into an error instead of a hang.
const maxAttempts = 50

// Handle applies one inbound message. It returns once the message and
// everything it causes are committed (replies are queued in the outbox, not
// yet delivered). Bad input returns an EINVALID or ETOOLARGE *Error and
// changes nothing; staff commands from non-staff return EFORBIDDEN.
func (e *Engine) Handle(ctx context.Context, in Inbound) (rc Receipt, err error) {
	start := time.Now()
	defer func() { e.obs.Handled(in.Channel, in.Role, time.Since(start), err) }()
	in, err = Normalize(in)
	if err != nil {
		return Receipt{}, err
	}
	dedupe := ""
	if in.ID != "" {
		dedupe = in.Channel + ":" + in.ID
	} else {
		in.ID = newID()
	}
	switch in.Role {
	case CustomerRole:
		return e.handleCustomer(ctx, in, dedupe)
	case StaffRole:
		return e.handleStaff(ctx, in, dedupe)
	case ReceptionRole:
		return e.handleReception(ctx, in, dedupe)
	}
	return Receipt{}, Errorf(EINVALID, "message", "role must be customer, staff or reception")
}

// errNeedCaseNumber is what a decision returns when it would open a case
// but the snapshot holds no reserved case number: update reserves one and
// decides again, so that a decision retried after a conflict never burns a
// number.
var errNeedCaseNumber = errors.New("a case number must be reserved first")

// update runs one load → decide → commit cycle, retrying on conflict. decide
// returns nil when there is nothing to commit. decide is pure: it reads
// only the snapshot and the time, so running it again is safe.
func (e *Engine) update(ctx context.Context, op string, q LoadQuery, decide func(*Snapshot, time.Time) (*Change, error)) (dup bool, err error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		snap, err := e.store.Load(ctx, q)
		if err != nil {
			return false, fmt.Errorf("%s: load %s: %w", op, q.Customer, err)
		}
		if snap.Seen {
			return true, nil
		}
		now := e.now().In(e.cfg.Location)
		ch, err := decide(snap, now)
		if errors.Is(err, errNeedCaseNumber) {
			if _, err := e.store.ReserveCaseID(ctx, q.Customer); err != nil {
				return false, fmt.Errorf("%s: reserve a case number for %s: %w", op, q.Customer, err)
			}
			continue
		}
		if err != nil || ch == nil {
			return false, err
		}
		ch.Customer, ch.Version, ch.Dedupe = q.Customer, snap.Version, q.Dedupe
		switch err := e.store.Commit(ctx, ch); {
		case err == nil:
			e.poked(ch)
			e.obs.Committed(op, attempt)
			e.caseEvents(ch, now)
			e.noteFacts(ctx, ch)
			return false, nil
		case errors.Is(err, ErrDuplicate):
			return true, nil
		case errors.Is(err, ErrConflict):
			backoff(ctx, attempt)
			continue
		default:
			return false, fmt.Errorf("%s: commit %s: %w", op, q.Customer, err)
		}
	}
	return false, &Error{Code: ECONFLICT, Op: op, Message: "too much contention; try again"}
}

// Identities returns platform's identity map, kept in store, made on first
// use. The engine indexes the facts of the platform's cases in it after
// each commit, so that a customer whose look changed can be recognised by
// the phone or order number they gave (Identities.Recognise).
func (e *Engine) Identities(platform string, store IdentityStore) *Identities {
	if v, ok := e.idents.Load(platform); ok {
		return v.(*Identities)
	}
	v, _ := e.idents.LoadOrStore(platform, NewIdentities(store, platform))
	return v.(*Identities)
}

// noteFacts indexes the facts of the cases ch committed, on platforms with
// an identity map. A failure is only logged: a fact missing from the index
// costs a question to the team later, never a wrong merge.
func (e *Engine) noteFacts(ctx context.Context, ch *Change) {
	for _, c := range ch.Cases {
		v, ok := e.idents.Load(c.Channel)
		if !ok || c.CustomerID == "" {
			continue
		}
		keys := FactKeys(c.Facts)
		if len(keys) == 0 {
			continue
		}
		if err := v.(*Identities).noteFacts(ctx, c.CustomerID, keys); err != nil {
			e.log.Warn("index a case's facts", "case", c.ID, "platform", c.Channel, "err", err)
		}
	}
}

// caseEvents logs, and tells the observer of, the events this change added
// to its cases' histories: those stamped with the decision's time. The
// log line names the case, its platform and the event, never what anyone
// wrote (a rating's comment, a resolution's words): the customer's text
// stays out of the logs at info.
func (e *Engine) caseEvents(ch *Change, now time.Time) {
	for _, c := range ch.Cases {
		first := len(c.History)
		for first > 0 && c.History[first-1].At.Equal(now) {
			first--
		}
		for _, ev := range c.History[first:] {
			e.obs.CaseEvent(c, ev)
			attrs := []any{"case", c.ID, "platform", c.Channel, "event", ev.What, "by", ev.Who, "status", c.Status, "priority", c.Priority}
			if ev.What == EvTimed {
				attrs = append(attrs, "timer", ev.Detail)
			}
			e.log.Info("case event", attrs...)
		}
	}
}

func (e *Engine) poked(ch *Change) {
	if e.poke == nil {
		return
	}
	for _, at := range ch.WakeUps {
		if !at.IsZero() {
			e.poke(at)
		}
	}
}

// backoff waits a little, more after each failed attempt, so that writers
// contending for one customer take turns instead of colliding forever.
func backoff(ctx context.Context, attempt int) {
	if attempt == 0 {
		return
	}
	limit := time.Duration(min(attempt, 10)) * time.Millisecond
	n, _ := rand.Int(rand.Reader, big.NewInt(int64(limit)))
	t := time.NewTimer(time.Duration(n.Int64()))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// ConvWakeUp names the wake-up of a customer's conversation.
func ConvWakeUp(customer string) string { return "conv:" + customer }

// CaseWakeUp names the wake-up of a case.
func CaseWakeUp(id string) string { return "case:" + id }

func (e *Engine) handleCustomer(ctx context.Context, in Inbound, dedupe string) (Receipt, error) {
	customer := CustomerKey(in.Channel, in.User)
	dup, err := e.update(ctx, "customer message", LoadQuery{Customer: customer, Dedupe: dedupe}, func(snap *Snapshot, now time.Time) (*Change, error) {
		return e.customerMessage(snap, in, now)
	})
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{ID: in.ID, Duplicate: dup}, nil
}

// customerMessage decides what one customer message changes.
func (e *Engine) customerMessage(snap *Snapshot, in Inbound, now time.Time) (*Change, error) {
	conv := snap.Conv
	if conv == nil {
		conv = &Conversation{Customer: snap.Customer, Channel: in.Channel, User: in.User}
	}
	if in.Name != "" {
		conv.Name = in.Name
	}
	// Where the customer can be reached now: every message refreshes it,
	// and the sender reads it when it sends (WeChat renames contacts at
	// each login).
	addr := in.Address
	if addr == "" {
		addr = in.User
	}
	if conv.Addresses == nil {
		conv.Addresses = map[string]string{}
	}
	conv.Addresses[in.Channel] = addr
	conv.LastAt, conv.RemindedAt = now, time.Time{}
	ch := &Change{Conv: conv, WakeUps: map[string]time.Time{}}
	entry := Entry{At: now, From: FromCustomer, ID: in.ID, Text: in.Text, Attachments: in.Attachments}

	e.floodControl(conv, ch, in.Text, now)

	if c := snap.Case; c != nil && conv.Case == c.ID && (c.Status.Active() || c.Awaiting != "") && !wantsNewComplaint(in.Text) {
		e.caseMessage(conv, c, ch, entry, in.Command, now)
		return ch, nil
	}

	if conv.Intake == nil || !conv.Intake.Open() {
		conv.Session++
		conv.Intake = &flows.State{}
		conv.Case = ""
		conv.Attachments = nil
	}
	conv.Attachments = append(conv.Attachments, in.Attachments...)
	at := conv.Intake.Receive(flows.Message{ID: in.ID, Text: in.Text, Media: kinds(in.Attachments), At: now}, e.flowsConfig())
	ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: conv.Session, Entries: []Entry{entry}})
	ch.WakeUps[ConvWakeUp(conv.Customer)] = at
	return ch, nil
}

// wantsNewComplaint reports whether a customer with an open case is starting
// another one ("新投诉", "new complaint").
func wantsNewComplaint(text string) bool {
	a := flows.Analyze(text, flows.Context{})
	return a.Has(flows.NewComplaint)
}

// floodControl asks a customer who sends more than FloodLimit messages in
// FloodWindow to slow down, once per window. Every message is still kept
// and answered: nothing a customer says is lost.
//
// The notice is in the customer's language: the conversation's when it is
// known, else the language of the message that tipped it over.
func (e *Engine) floodControl(conv *Conversation, ch *Change, text string, now time.Time) {
	cut := now.Add(-e.cfg.FloodWindow)
	recent := conv.Recent[:0]
	for _, t := range conv.Recent {
		if t.After(cut) {
			recent = append(recent, t)
		}
	}
	conv.Recent = append(recent, now)
	if len(conv.Recent) <= e.cfg.FloodLimit || conv.FloodNoticeAt.After(cut) {
		return
	}
	conv.FloodNoticeAt = now
	lang, script := e.customerLang(conv), conv.Script
	if st := conv.Intake; st != nil && st.Lang != "" {
		script = st.Script
	}
	if (conv.Intake == nil || conv.Intake.Lang == "") && conv.Lang == "" {
		lang, script = flows.DetectLang(lang, text), flows.ScriptOf(text)
	}
	ch.Outbox = append(ch.Outbox, e.toCustomer(conv, "", flows.ToScript(e.say(lang, "flood", nil), script), now))
	ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: max(conv.Session, 1), Entries: []Entry{{At: now, From: FromBot, Text: ch.Outbox[len(ch.Outbox)-1].Text}}})
}

func (e *Engine) customerLang(conv *Conversation) flows.Lang {
	if conv.Intake != nil && conv.Intake.Lang != "" {
		return conv.Intake.Lang
	}
	if conv.Lang != "" {
		return conv.Lang
	}
	return flows.ZH
}

func kinds(as []Attachment) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Kind)
	}
	return out
}

func (e *Engine) flowsConfig() flows.Config {
	return flows.Config{Catalog: e.cfg.Catalog, Quiet: e.cfg.Quiet, Window: e.cfg.FirstResponse}
}

// say words a catalogue entry (first variant) in lang.
func (e *Engine) say(lang flows.Lang, key string, data map[string]any) string {
	return e.cfg.Catalog.Text(lang, key, 1, data)
}

func (e *Engine) toCustomer(conv *Conversation, caseID, text string, now time.Time) Outbound {
	return Outbound{ID: newID(), Channel: conv.Channel, Audience: ToCustomer, Customer: conv.Customer, Case: caseID, Kind: KindText, Text: text, At: now}
}

func (e *Engine) toTeam(caseID, thread, kind, text string, now time.Time) Outbound {
	return Outbound{ID: newID(), Channel: e.cfg.Team, Audience: ToTeam, Case: caseID, Thread: thread, Kind: kind, Text: text, At: now}
}

// Wake runs what a wake-up is for: answering a burst of customer messages
// after the quiet window, or the case policy. It is safe to run twice for
// the same wake-up (it reads what was already done from the state) and it
// always leaves the name's next wake-up set, or cleared when there is none.
func (e *Engine) Wake(ctx context.Context, name string, due time.Time) error {
	switch {
	case strings.HasPrefix(name, "conv:"):
		customer := strings.TrimPrefix(name, "conv:")
		_, err := e.update(ctx, "wake "+name, LoadQuery{Customer: customer}, func(snap *Snapshot, now time.Time) (*Change, error) {
			return e.wakeConversation(snap, now)
		})
		return err
	case strings.HasPrefix(name, "case:"):
		return e.wakeCase(ctx, strings.TrimPrefix(name, "case:"))
	}
	e.log.Warn("unknown wake-up ignored", "name", name)
	return nil
}

// wakeConversation answers the customer's pending burst when it is due,
// acknowledges messages added to an open case, and keeps time for an intake
// the customer left unfinished: one gentle reminder INTAKE_REMINDER after
// they went quiet, and INTAKE_GIVEUP after it the case opens anyway with
// what is known, marked incomplete, so nothing is lost. Neither reaches the
// customer in quiet hours; they wait for the end. It always leaves the
// conversation's next wake-up set, or cleared when none is needed.
func (e *Engine) wakeConversation(snap *Snapshot, now time.Time) (*Change, error) {
	conv := snap.Conv
	if conv == nil {
		return nil, nil
	}
	ch := &Change{WakeUps: map[string]time.Time{}}
	name := ConvWakeUp(conv.Customer)
	if conv.AckAt.IsZero() && (conv.Intake == nil || !conv.Intake.Pending() && !conv.Intake.AwaitsCustomer()) {
		ch.WakeUps[name] = time.Time{}
		return ch, nil
	}
	ch.Conv = conv
	var next time.Time
	soonest := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	if !conv.AckAt.IsZero() {
		if now.Before(conv.AckAt) {
			soonest(conv.AckAt)
		} else {
			e.ackCaseMessages(conv, snap.Case, ch, now)
		}
	}
	if st := conv.Intake; st != nil && st.Pending() {
		if now.Before(st.AnswerAt) {
			soonest(st.AnswerAt)
		} else {
			turn := st.Answer(now, e.flowsConfig())
			if turn.Reply != "" {
				e.botSays(conv, "", ch, turn.Reply, now)
			}
			if turn.End != "" {
				if err := e.openCase(snap, conv, ch, now); err != nil {
					return nil, err
				}
			}
		}
	}
	if st := conv.Intake; st != nil && st.AwaitsCustomer() {
		at, err := e.abandonedIntake(snap, conv, ch, now)
		if err != nil {
			return nil, err
		}
		soonest(at)
	}
	// A case opened here gets its first wake-up (scheduling twice is
	// harmless: the result is the same).
	for _, c := range ch.Cases {
		e.schedule(c, ch, now)
	}
	ch.WakeUps[name] = next
	return ch, nil
}

// abandonedIntake reminds a customer who stopped answering mid-intake, once,
// or gives up on them and opens the case, when that is due. It returns when
// the conversation next needs waking for it (zero: never, the case opened).
func (e *Engine) abandonedIntake(snap *Snapshot, conv *Conversation, ch *Change, now time.Time) (time.Time, error) {
	st, t, p := conv.Intake, e.cfg.Timing, e.policy()
	since := st.SilentSince()
	giveUp := p.customerAt(since.Add(t.IntakeGiveUp), now)
	if !giveUp.IsZero() && !giveUp.After(now) {
		if snap.NextCase == "" {
			return time.Time{}, errNeedCaseNumber
		}
		st.GiveUp()
		return time.Time{}, e.openCase(snap, conv, ch, now)
	}
	reminded := !conv.RemindedAt.IsZero() && !conv.RemindedAt.Before(since)
	if remindAt := since.Add(t.IntakeReminder); !reminded && remindAt.Before(since.Add(t.IntakeGiveUp)) {
		at := p.customerAt(remindAt, now)
		if at.IsZero() || at.After(now) {
			if at.IsZero() || (!giveUp.IsZero() && giveUp.Before(at)) {
				return giveUp, nil
			}
			return at, nil
		}
		e.botSays(conv, "", ch, st.Remind(now, e.flowsConfig()), now)
		conv.RemindedAt = now
	}
	return giveUp, nil
}

// botSays queues a bot message to the customer and writes it to the
// transcript of the customer's current session.
func (e *Engine) botSays(conv *Conversation, caseID string, ch *Change, text string, now time.Time) {
	ch.Outbox = append(ch.Outbox, e.toCustomer(conv, caseID, text, now))
	ch.Transcript = append(ch.Transcript, TranscriptAppend{Session: conv.Session, Entries: []Entry{{At: now, From: FromBot, Text: text}}})
}

// openCase turns the finished intake into a case: numbered (with the
// number reserved for the customer, snap.NextCase), assessed, summarised,
// with its transcript, announced to the team, and closed to the customer
// with the case number, what happens next and when (P7). Without a
// reserved number it returns errNeedCaseNumber and changes nothing.
func (e *Engine) openCase(snap *Snapshot, conv *Conversation, ch *Change, now time.Time) error {
	id := snap.NextCase
	if id == "" {
		return errNeedCaseNumber
	}
	st := conv.Intake
	c := e.newCase(id, conv, st, now)
	fc := e.flowsConfig()
	fc.Within = e.whenWords(st.Lang, c.FirstResponseDue, now)
	e.botSays(conv, id, ch, st.Close(id, fc), now)
	conv.Case = id
	conv.Lang, conv.Script = st.Lang, st.Script
	conv.Intake = nil
	conv.Attachments = nil
	ch.Cases = append(ch.Cases, c)
	ch.Outbox = append(ch.Outbox, e.card(c, now, false))
	e.caseOpened(c, ch, now)
	return nil
}

// newCase builds the case record from a finished intake.
func (e *Engine) newCase(id string, conv *Conversation, st *flows.State, now time.Time) *Case {
	status := Open
	if st.End == flows.Withdrew {
		status = Withdrawn
	}
	c := &Case{
		ID:           id,
		Status:       status,
		Emotion:      st.Emotion,
		Risks:        append([]flows.Risk{}, st.Risks...),
		Lang:         st.Lang,
		Script:       st.Script,
		Notes:        append([]string(nil), st.Notes...),
		Channel:      conv.Channel,
		Customer:     conv.Customer,
		CustomerID:   conv.User,
		CustomerName: conv.Name,
		Facts:        st.Facts,
		Summary:      st.CaseSummary(e.cfg.Catalog),
		Incomplete:   st.End == flows.GaveUp,
		Attachments:  conv.Attachments,
		Session:      conv.Session,
		Opened:       now,
		Updated:      now,
		// The customer wrote last just now; the closing message below is
		// the first the bot sends them since.
		LastCustomerAt: conv.LastAt,
		SentSince:      1,
		Intake:         st.End,
		RepeatAsks:     st.RepeatAsks,
	}
	if c.Facts == nil {
		c.Facts = flows.Facts{}
	}
	c.Complainer = st.Complainer()
	c.Tip = e.say(e.cfg.TeamLang, "tip."+string(c.Complainer), nil)
	c.Priority, c.Urgent = assess(st, now)
	if status == Withdrawn {
		c.Priority, c.Urgent = Low, false
	}
	c.FirstResponseDue = e.firstResponseDue(now)
	c.History = append(c.History, Event{At: now, Who: "bot", What: "opened", Detail: string(st.End)})
	return c
}

// firstResponseDue is when a person must have answered a case opened (or
// apologised for) at now: FIRST_RESPONSE_TARGET of business time.
func (e *Engine) firstResponseDue(now time.Time) time.Time {
	return e.policy().business(now, e.cfg.FirstResponse)
}

// newID returns a random identifier for outbound messages.
func newID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
