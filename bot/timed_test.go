package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// These tests run the case policy against a real redis-server with the
// scheduler's Runner really running, on durations of a fraction of a
// second to a second or two. Nothing sleeps for a race to pass: every wait
// polls a condition against a deadline.

var timedLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// timedConfig is a bot whose whole case life takes a few seconds.
func timedConfig() bot.Config {
	return bot.Config{
		Staff:         []string{"alice", "bob"},
		Supervisors:   []string{"sue"},
		Quiet:         50 * time.Millisecond,
		FirstResponse: time.Second,
		Location:      shanghai,
		Timing: bot.Timing{
			IntakeReminder:    300 * time.Millisecond,
			IntakeGiveUp:      900 * time.Millisecond,
			UnclaimedReminder: 400 * time.Millisecond,
			OwnerNudge:        300 * time.Millisecond,
			OwnerEscalate:     700 * time.Millisecond,
			CheckinAfter:      800 * time.Millisecond,
			CheckinOwnerGrace: 400 * time.Millisecond,
			PromiseReminder:   400 * time.Millisecond,
			ResolveAskAgain:   400 * time.Millisecond,
			FollowUpAfter:     900 * time.Millisecond,
			AutocloseAfter:    1700 * time.Millisecond,
		},
	}
}

// timedNode is one replica: a store, an engine and a running scheduler.
type timedNode struct {
	eng    *bot.Engine
	store  *redisstore.Store
	runner *scheduler.Runner
}

func startTimedNode(t *testing.T, srv *redistest.Server, cfg bot.Config) *timedNode {
	t.Helper()
	rdb := srv.Client(t)
	n := &timedNode{store: redisstore.New(rdb, redisstore.Options{})}
	w := scheduler.NewWakeUps(rdb, n.store.WakeUpKeys()...)
	n.runner = scheduler.NewRunner(w, func(ctx context.Context, name string, due time.Time) error {
		return n.eng.WakeUp(ctx, name, due)
	}, scheduler.WithTick(100*time.Millisecond), scheduler.WithLease(5*time.Second), scheduler.WithLogger(timedLog))
	n.eng = bot.NewEngine(n.store, cfg, bot.WithPoke(n.runner.Poke), bot.WithLogger(timedLog))
	n.runner.Start()
	t.Cleanup(func() { n.stop(t) })
	return n
}

// stop stops the node's scheduler, waiting for the wake-ups in hand.
func (n *timedNode) stop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.runner.Stop(ctx); err != nil {
		t.Errorf("stop the scheduler: %v", err)
	}
}

// timedOutbox collects everything queued on the web channel.
type timedOutbox struct {
	t     *testing.T
	store *redisstore.Store
	all   []bot.Outbound
}

func (o *timedOutbox) read() []bot.Outbound {
	o.t.Helper()
	ctx := context.Background()
	for {
		items, err := o.store.ReadOutbox(ctx, "web", "timed-test", 200, 0)
		if err != nil {
			o.t.Fatal(err)
		}
		if len(items) == 0 {
			return o.all
		}
		for _, it := range items {
			o.all = append(o.all, it.Message)
			if err := o.store.AckOutbox(ctx, "web", it.StreamID); err != nil {
				o.t.Fatal(err)
			}
		}
	}
}

// waitUntil polls cond every 10 ms and fails the test if it is not true
// within timeout.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func loadCase(t *testing.T, eng *bot.Engine, id string) *bot.Case {
	t.Helper()
	v, err := eng.Case(context.Background(), id)
	if err != nil {
		t.Fatalf("case %s: %v", id, err)
	}
	return v.Case
}

// timedEvents counts the case's timed actions by name.
func timedEvents(c *bot.Case) map[string]int {
	n := map[string]int{}
	for _, ev := range c.History {
		if ev.What == bot.EvTimed || ev.What == bot.EvClosed && ev.Who == "bot" {
			n[ev.Detail]++
		}
	}
	return n
}

// hasTimed returns a condition: the case has had the timed action at least
// once since `since`.
func hasTimed(t *testing.T, eng *bot.Engine, id, name string, since time.Time) func() bool {
	return func() bool {
		for _, ev := range loadCase(t, eng, id).History {
			if (ev.What == bot.EvTimed || ev.What == bot.EvClosed) && ev.Detail == name && !ev.At.Before(since) {
				return true
			}
		}
		return false
	}
}

// seedCase commits a new, open case for customer directly through the
// store, as the end of an intake would, and lets the engine schedule it.
func seedCase(t *testing.T, eng *bot.Engine, store *redisstore.Store, user string, lang flows.Lang) string {
	t.Helper()
	ctx := context.Background()
	customer := bot.CustomerKey("web", user)
	id, err := store.ReserveCaseID(ctx, customer)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := store.Load(ctx, bot.LoadQuery{Customer: customer})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c := &bot.Case{ID: id, Status: bot.Open, Priority: bot.Normal, Lang: lang, Channel: "web", Customer: customer, CustomerID: user,
		CustomerName: user, Facts: flows.Facts{}, Summary: "The parcel never arrived.", Session: 1, Opened: now, Updated: now,
		FirstResponseDue: now.Add(eng.Config().FirstResponse), Intake: flows.Confirmed}
	conv := &bot.Conversation{Customer: customer, Channel: "web", User: user, Session: 1, Case: id, Lang: lang}
	if err := store.Commit(ctx, &bot.Change{Customer: customer, Version: snap.Version, Conv: conv, Cases: []*bot.Case{c}}); err != nil {
		t.Fatal(err)
	}
	// Schedule it, as caseOpened does.
	if err := eng.EditCase(ctx, id, "bot", "", func(*bot.Case, time.Time) {}); err != nil {
		t.Fatal(err)
	}
	return id
}

func claim(t *testing.T, eng *bot.Engine, id, owner string) {
	t.Helper()
	err := eng.EditCase(context.Background(), id, owner, bot.EvClaimed, func(c *bot.Case, now time.Time) {
		c.Owner, c.Status, c.ClaimedAt, c.NewsAt = owner, bot.Claimed, now, now
	})
	if err != nil {
		t.Fatal(err)
	}
}

func wakeUpAt(t *testing.T, rdb redis.UniversalClient, keys []string, name string) (time.Time, bool) {
	t.Helper()
	at, ok, err := scheduler.NewWakeUps(rdb, keys...).Due(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return at, ok
}

// TestTimedLifeOfACase follows one case through every rule of the policy
// with the scheduler running: the customer goes quiet mid-intake (one
// reminder, then the case opens incomplete), nobody claims it (team
// reminder, then escalation and an apology with a new window), the owner
// leaves a message unanswered (nudge, escalation), gives no news (owner
// nudged, then the customer told), misses a promise (reminder, escalation,
// apology), and after the resolution the customer never answers (asked
// again, follow-up, autoclose).
func TestTimedLifeOfACase(t *testing.T) {
	srv := redistest.Start(t)
	n := startTimedNode(t, srv, timedConfig())
	ctx := context.Background()
	out := &timedOutbox{t: t, store: n.store}
	cat := flows.MustCatalog()
	toAmy := func() []bot.Outbound {
		var msgs []bot.Outbound
		for _, m := range out.read() {
			if m.Audience == bot.ToCustomer && m.Customer == "web:amy" {
				msgs = append(msgs, m)
			}
		}
		return msgs
	}
	isVariant := func(lang flows.Lang, key, text string) bool {
		for i := 1; i <= cat.Variants(lang, key); i++ {
			if cat.Text(lang, key, i, nil) == text {
				return true
			}
		}
		return false
	}

	// Intake: the customer says one thing, the bot asks, the customer goes
	// quiet.
	if _, err := n.eng.Handle(ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "amy", Text: "My parcel never arrived and the tracking says delivered!!"}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 3*time.Second, "the bot's first answer", func() bool { return len(toAmy()) >= 1 })
	var caseID string
	waitUntil(t, 5*time.Second, "the abandoned intake to open a case", func() bool {
		snap, err := n.store.Load(ctx, bot.LoadQuery{Customer: "web:amy"})
		if err != nil {
			t.Fatal(err)
		}
		caseID = snap.Conv.Case
		return caseID != ""
	})
	said := toAmy()
	var reminders int
	for _, m := range said {
		if isVariant(flows.EN, "time.intake.remind.asking", m.Text) {
			reminders++
		}
	}
	if reminders != 1 || len(said) != 3 || !strings.Contains(said[2].Text, "#"+caseID) {
		t.Fatalf("to the customer during the intake: %q; want the answer, one reminder, the closing words with #%s", joinTexts(said), caseID)
	}
	c := loadCase(t, n.eng, caseID)
	if !c.Incomplete || c.Intake != flows.GaveUp || c.Status != bot.Open {
		t.Fatalf("case after the give-up: incomplete %v intake %q status %s", c.Incomplete, c.Intake, c.Status)
	}
	firstDue := c.FirstResponseDue

	// Unclaimed: reminder, then the target passes.
	waitUntil(t, 3*time.Second, "the unclaimed reminder", hasTimed(t, n.eng, caseID, bot.TimedUnclaimedReminder, c.Opened))
	waitUntil(t, 3*time.Second, "the first-response escalation", hasTimed(t, n.eng, caseID, bot.TimedFirstResponseMissed, c.Opened))
	waitUntil(t, 3*time.Second, "the apology for the missed target", hasTimed(t, n.eng, caseID, bot.TimedFirstResponseSorry, c.Opened))
	if c = loadCase(t, n.eng, caseID); !c.FirstResponseDue.After(firstDue) {
		t.Errorf("after the apology the first response is due %v, before %v: want a new window", c.FirstResponseDue, firstDue)
	}
	staff := func(who, thread, text string) {
		t.Helper()
		if _, err := n.eng.Handle(ctx, bot.Inbound{Channel: "web", Role: bot.StaffRole, User: who, Thread: thread, Text: text}); err != nil {
			t.Fatalf("%s: %q: %v", who, text, err)
		}
	}
	staff("alice", "", "claim "+caseID)
	if c = loadCase(t, n.eng, caseID); c.Owner != "alice" || c.Status != bot.Claimed {
		t.Fatalf("after claim: owner %q status %s", c.Owner, c.Status)
	}

	// Waiting on the owner: the customer writes, nobody answers.
	asked := time.Now()
	if _, err := n.eng.Handle(ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "amy", Text: "Any news? I still have nothing."}); err != nil {
		t.Fatal(err)
	}
	if c = loadCase(t, n.eng, caseID); c.WaitingSince.IsZero() {
		t.Fatal("the customer's message left WaitingSince zero")
	}
	waitUntil(t, 3*time.Second, "the owner nudge", hasTimed(t, n.eng, caseID, bot.TimedOwnerNudge, asked))
	waitUntil(t, 3*time.Second, "the owner escalation", hasTimed(t, n.eng, caseID, bot.TimedOwnerEscalate, asked))
	replied := time.Now()
	staff("alice", caseID, "Sorry for the wait, I'm chasing the courier now.")
	if c = loadCase(t, n.eng, caseID); !c.WaitingSince.IsZero() {
		t.Fatalf("the owner's reply left WaitingSince %v", c.WaitingSince)
	}

	// No news: the owner is nudged, then the customer hears who is on it.
	waitUntil(t, 3*time.Second, "the check-in nudge to the owner", hasTimed(t, n.eng, caseID, bot.TimedCheckinOwner, replied))
	waitUntil(t, 3*time.Second, "the check-in to the customer", hasTimed(t, n.eng, caseID, bot.TimedCheckinCustomer, replied))

	// A promise that is missed. (The promise command takes times to the
	// minute; this test needs one under a second away, so it sets the
	// promise as the command does.)
	promised := time.Now()
	if err := n.eng.EditCase(ctx, caseID, "alice", bot.EvPromised, func(c *bot.Case, now time.Time) {
		c.Promise = &bot.Promise{Due: now.Add(900 * time.Millisecond), Text: "soon", By: "alice", At: now}
	}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 3*time.Second, "the promise reminder", hasTimed(t, n.eng, caseID, bot.TimedPromiseReminder, promised))
	waitUntil(t, 3*time.Second, "the missed promise's escalation", hasTimed(t, n.eng, caseID, bot.TimedPromiseMissed, promised))
	waitUntil(t, 3*time.Second, "the missed promise's apology", hasTimed(t, n.eng, caseID, bot.TimedPromiseSorry, promised))

	// Resolved, and the customer never answers.
	resolved := time.Now()
	staff("alice", "", "resolve "+caseID+" delivery partner re-sent the parcel")
	if c = loadCase(t, n.eng, caseID); c.Status != bot.Resolved || c.Awaiting != bot.AskSolved {
		t.Fatalf("after resolve: status %s awaiting %q", c.Status, c.Awaiting)
	}
	waitUntil(t, 3*time.Second, "'is it solved?' asked again", hasTimed(t, n.eng, caseID, bot.TimedAskSolvedAgain, resolved))
	waitUntil(t, 3*time.Second, "the follow-up", hasTimed(t, n.eng, caseID, bot.TimedFollowUp, resolved))
	if c = loadCase(t, n.eng, caseID); c.Status == bot.Resolved && c.Awaiting != bot.AskFollowUp {
		t.Errorf("after the follow-up the case awaits %q, want %q", c.Awaiting, bot.AskFollowUp)
	}
	waitUntil(t, 4*time.Second, "the autoclose", func() bool { return loadCase(t, n.eng, caseID).Status == bot.Closed })

	c = loadCase(t, n.eng, caseID)
	if c.ClosedAt.IsZero() || !c.Wake.IsZero() {
		t.Errorf("closed at %v, next wake %v: want a close time and no wake-up", c.ClosedAt, c.Wake)
	}
	if at, ok := wakeUpAt(t, srv.Client(t), n.store.WakeUpKeys(), bot.CaseWakeUp(caseID)); ok {
		t.Errorf("the closed case still has a wake-up at %v", at)
	}
	ev := timedEvents(c)
	for _, once := range []string{bot.TimedUnclaimedReminder, bot.TimedOwnerNudge, bot.TimedOwnerEscalate, bot.TimedPromiseReminder,
		bot.TimedPromiseMissed, bot.TimedPromiseSorry, bot.TimedAskSolvedAgain, bot.TimedFollowUp, bot.TimedAutoclose} {
		if ev[once] != 1 {
			t.Errorf("%s happened %d times, want once (all: %v)", once, ev[once], ev)
		}
	}
	var total int
	for _, k := range ev {
		total += k
	}
	if total != len(c.Done) {
		t.Errorf("%d timed events in the history, %d actions in Done", total, len(c.Done))
	}

	// Everything the customer heard is in English, and the check-in named
	// the owner.
	var checkin bool
	for _, m := range toAmy() {
		if flows.HasHan(m.Text) || strings.Contains(m.Text, "[time.") {
			t.Errorf("to the customer: %q", m.Text)
		}
		checkin = checkin || isVariant(flows.EN, "time.checkin.customer", strings.ReplaceAll(strings.ReplaceAll(m.Text, "#"+caseID, "#<no value>"), "alice", "<no value>"))
	}
	if !checkin {
		t.Errorf("no check-in naming alice among %q", joinTexts(toAmy()))
	}
	var toSue, toAlice int
	for _, m := range out.read() {
		if m.Audience == bot.ToStaff && m.To == "sue" {
			toSue++
		}
		if m.Audience == bot.ToStaff && m.To == "alice" {
			toAlice++
		}
	}
	if toSue < 3 || toAlice < 4 {
		t.Errorf("direct messages: %d to the supervisor, %d to the owner; want escalations and nudges", toSue, toAlice)
	}
}

// TestWakeUpsDueWhileEveryReplicaWasDownFireOnStart stops the only replica
// before its cases' wake-ups fall due, lets them fall due, and starts a new
// replica: they fire at once.
func TestWakeUpsDueWhileEveryReplicaWasDownFireOnStart(t *testing.T) {
	srv := redistest.Start(t)
	cfg := timedConfig()
	a := startTimedNode(t, srv, cfg)
	unclaimed := seedCase(t, a.eng, a.store, "ann", flows.ZH)
	waiting := seedCase(t, a.eng, a.store, "ben", flows.EN)
	claim(t, a.eng, waiting, "bob")
	if err := a.eng.EditCase(context.Background(), waiting, "customer", "", func(c *bot.Case, now time.Time) { c.WaitingSince = now }); err != nil {
		t.Fatal(err)
	}
	a.stop(t)
	stopped := time.Now()
	for _, id := range []string{unclaimed, waiting} {
		if ev := timedEvents(loadCase(t, a.eng, id)); len(ev) != 0 {
			t.Fatalf("case %s acted before it was due: %v", id, ev)
		}
	}

	// Every replica is down while the wake-ups fall due.
	due := loadCase(t, a.eng, unclaimed).Wake
	if w := loadCase(t, a.eng, waiting).Wake; w.After(due) {
		due = w
	}
	waitUntil(t, 3*time.Second, "the wake-ups to fall due", func() bool { return time.Now().After(due.Add(200 * time.Millisecond)) })
	for _, id := range []string{unclaimed, waiting} {
		if ev := timedEvents(loadCase(t, a.eng, id)); len(ev) != 0 {
			t.Fatalf("case %s acted with no replica running: %v", id, ev)
		}
	}

	b := startTimedNode(t, srv, cfg)
	started := time.Now()
	waitUntil(t, time.Second, "the unclaimed reminder after the restart", hasTimed(t, b.eng, unclaimed, bot.TimedUnclaimedReminder, stopped))
	waitUntil(t, time.Second, "the owner nudge after the restart", hasTimed(t, b.eng, waiting, bot.TimedOwnerNudge, stopped))
	t.Logf("due wake-ups handled %v after the new replica started", time.Since(started))
}

// TestTwoReplicasSendEachCheckInOnce runs two replicas, plus a third engine
// that wakes every case again and again while the scheduler does (as a
// replica whose lease ran out would): every check-in round is sent once,
// and none is missed.
func TestTwoReplicasSendEachCheckInOnce(t *testing.T) {
	srv := redistest.Start(t)
	cfg := timedConfig()
	cfg.Timing.CheckinAfter, cfg.Timing.CheckinOwnerGrace = time.Second, 300*time.Millisecond
	a := startTimedNode(t, srv, cfg)
	b := startTimedNode(t, srv, cfg)
	ctx := context.Background()
	const cases = 40
	var ids []string
	for i := 0; i < cases; i++ {
		eng := a.eng
		if i%2 == 1 {
			eng = b.eng
		}
		id := seedCase(t, eng, a.store, fmt.Sprintf("c%02d", i), flows.EN)
		claim(t, eng, id, "alice")
		ids = append(ids, id)
	}
	// Every case last gave news at the same instant, so all of them fall
	// due together, on both replicas.
	base := time.Now()
	for _, id := range ids {
		if err := a.eng.EditCase(ctx, id, "alice", "", func(c *bot.Case, _ time.Time) { c.NewsAt = base }); err != nil {
			t.Fatal(err)
		}
	}

	rogue := bot.NewEngine(redisstore.New(srv.Client(t), redisstore.Options{}), cfg, bot.WithLogger(timedLog))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			for _, id := range ids {
				select {
				case <-stop:
					return
				default:
				}
				if err := rogue.Wake(ctx, bot.CaseWakeUp(id), time.Now()); err != nil {
					t.Errorf("rogue wake %s: %v", id, err)
					return
				}
			}
		}
	}()

	all := func() bool {
		for _, id := range ids {
			if timedEvents(loadCase(t, a.eng, id))[bot.TimedCheckinCustomer] == 0 {
				return false
			}
		}
		return true
	}
	waitUntil(t, 15*time.Second, "every case's check-in to the customer", all)
	close(stop)
	wg.Wait()
	stopped := time.Now()
	a.stop(t)
	b.stop(t)

	out := (&timedOutbox{t: t, store: a.store}).read()
	for _, id := range ids {
		c := loadCase(t, a.eng, id)
		ev := timedEvents(c)
		var toCustomer, toOwner, rounds int
		for _, m := range out {
			switch {
			case m.Case != id:
			case m.Audience == bot.ToCustomer:
				toCustomer++
			case m.Audience == bot.ToStaff && m.To == "alice":
				toOwner++
			}
		}
		for k := range c.Done {
			if strings.HasPrefix(k, bot.TimedCheckinCustomer+"@") {
				rounds++
			}
		}
		// Each round (normally one; a slow machine may have begun the
		// next) is sent exactly once to each.
		if ev[bot.TimedCheckinCustomer] != rounds || toCustomer != rounds || rounds < 1 ||
			toOwner != ev[bot.TimedCheckinOwner] || toOwner < rounds || toOwner > rounds+1 {
			t.Errorf("case %s: events %v, %d rounds; sent %d to the customer and %d to the owner", id, ev, rounds, toCustomer, toOwner)
		}
		// None missed: whatever was due before the replicas stopped was
		// handled, so the next wake-up lies (nearly) after the stop.
		if c.Wake.Before(stopped.Add(-2 * time.Second)) {
			t.Errorf("case %s: wake-up %v was overdue when the replicas stopped at %v", id, c.Wake, stopped)
		}
	}
}

// readerStore is the store with PendingWakeUps, which Reconcile uses to
// find lost wake-ups before they fall due.
type readerStore struct {
	*redisstore.Store
	w *scheduler.WakeUps
}

func (r readerStore) PendingWakeUps(ctx context.Context, names ...string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	for _, name := range names {
		at, ok, err := r.w.Due(ctx, name)
		if err != nil {
			return nil, err
		}
		if ok {
			out[name] = at
		}
	}
	return out, nil
}

// TestReconcileRepairsALostWakeUp removes case wake-ups from Redis behind
// the engine's back; the reconcile sweep puts them back and they fire.
func TestReconcileRepairsALostWakeUp(t *testing.T) {
	srv := redistest.Start(t)
	cfg := timedConfig()
	cfg.Timing.OwnerNudge, cfg.Timing.OwnerEscalate = time.Second, time.Hour
	cfg.Timing.CheckinAfter = time.Hour
	n := startTimedNode(t, srv, cfg)
	ctx := context.Background()
	rdb := srv.Client(t)
	key := n.store.WakeUpKeys()

	waitingCase := func(user string) string {
		id := seedCase(t, n.eng, n.store, user, flows.EN)
		claim(t, n.eng, id, "alice")
		if err := n.eng.EditCase(ctx, id, "customer", "", func(c *bot.Case, now time.Time) { c.WaitingSince = now }); err != nil {
			t.Fatal(err)
		}
		if err := scheduler.NewWakeUps(rdb, key...).Clear(ctx, bot.CaseWakeUp(id)); err != nil {
			t.Fatal(err)
		}
		return id
	}

	// With a store that can list wake-ups, the loss is found at once.
	lost := waitingCase("lou")
	lostAt := time.Now()
	reader := bot.NewEngine(readerStore{Store: redisstore.New(rdb, redisstore.Options{}), w: scheduler.NewWakeUps(rdb, key...)}, cfg, bot.WithLogger(timedLog))
	repaired, err := reader.Reconcile(ctx, time.Now())
	if err != nil || repaired != 1 {
		t.Fatalf("Reconcile repaired %d (%v), want 1", repaired, err)
	}
	if at, ok := wakeUpAt(t, rdb, key, bot.CaseWakeUp(lost)); !ok || !at.Equal(loadCase(t, n.eng, lost).Wake.Truncate(time.Millisecond)) {
		t.Errorf("wake-up after the repair: %v %v, case says %v", at, ok, loadCase(t, n.eng, lost).Wake)
	}
	waitUntil(t, 3*time.Second, "the repaired case's nudge", hasTimed(t, n.eng, lost, bot.TimedOwnerNudge, lostAt))
	if repaired, err := reader.Reconcile(ctx, time.Now()); err != nil || repaired != 0 {
		t.Errorf("second Reconcile repaired %d (%v), want 0", repaired, err)
	}

	// Without one, a lost wake-up is found once it is overdue.
	plain := bot.NewEngine(plainStore{redisstore.New(rdb, redisstore.Options{})}, cfg, bot.WithLogger(timedLog))
	lost2 := waitingCase("liv")
	if repaired, err := plain.Reconcile(ctx, time.Now()); err != nil || repaired != 0 {
		t.Fatalf("Reconcile before the wake-up is overdue repaired %d (%v), want 0", repaired, err)
	}
	waitUntil(t, 3*time.Second, "the lost wake-up to fall due", func() bool { return time.Now().After(loadCase(t, n.eng, lost2).Wake) })
	if ev := timedEvents(loadCase(t, n.eng, lost2)); ev[bot.TimedOwnerNudge] != 0 {
		t.Fatalf("the lost wake-up fired: %v", ev)
	}
	// The sweep runs later (its now is three minutes on).
	if repaired, err := plain.Reconcile(ctx, time.Now().Add(3*time.Minute)); err != nil || repaired != 1 {
		t.Fatalf("Reconcile of the overdue case repaired %d (%v), want 1", repaired, err)
	}
	waitUntil(t, 3*time.Second, "the repaired case's nudge", hasTimed(t, n.eng, lost2, bot.TimedOwnerNudge, lostAt))

	// A case written with no wake-up at all (Wake zero) is repaired too.
	snap, err := n.store.Load(ctx, bot.LoadQuery{Customer: "web:lou", Case: lost})
	if err != nil {
		t.Fatal(err)
	}
	bare := snap.Case
	bare.Wake = time.Time{}
	bare.WaitingSince = time.Now()
	if err := n.store.Commit(ctx, &bot.Change{Customer: "web:lou", Version: snap.Version, Cases: []*bot.Case{bare}, WakeUps: map[string]time.Time{bot.CaseWakeUp(lost): {}}}); err != nil {
		t.Fatal(err)
	}
	bareAt := time.Now()
	// The index says nothing is missing; the minute's deep check of one
	// partition finds it, within as many minutes as there are partitions.
	total := 0
	for m := 0; m < n.store.Partitions(); m++ {
		repaired, err := n.eng.Reconcile(ctx, bareAt.Add(time.Duration(m)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		total += repaired
	}
	if total != 1 {
		t.Fatalf("Reconciles over every partition repaired %d cases with no wake-up, want 1", total)
	}
	waitUntil(t, 3*time.Second, "the nudge of the case that had no wake-up", hasTimed(t, n.eng, lost, bot.TimedOwnerNudge, bareAt))
}

// TestAbandonedIntakeRemindsOnceThenOpensTheCase drives the intake's
// timers with a test clock: one reminder after INTAKE_REMINDER, none in
// quiet hours, and the case opened incomplete after INTAKE_GIVEUP.
func TestAbandonedIntakeRemindsOnceThenOpensTheCase(t *testing.T) {
	h := newHarness(t, bot.Config{Timing: bot.Timing{QuietHours: mustQuiet(t, "22:00-08:00")}})
	key := h.store.WakeUpKeys()
	name := bot.ConvWakeUp("web:amy")
	first := h.turn("amy", "我买的吹风机用了一次就坏了!!")
	if first == "" {
		t.Fatal("no first answer")
	}
	silent := h.snapshot("amy").Conv.Intake.SilentSince()
	if at, ok := wakeUpAt(t, h.rdb, key, name); !ok || !at.Equal(silent.Add(10*time.Minute)) {
		t.Fatalf("wake-up after the answer: %v %v, want the reminder at %v", at, ok, silent.Add(10*time.Minute))
	}

	wake := func(at time.Time) []bot.Outbound {
		t.Helper()
		h.clock.Add(at.Sub(h.clock.Now()))
		if err := h.eng.Wake(h.ctx, name, at); err != nil {
			t.Fatal(err)
		}
		return saidTo(h.outbox(), "amy")
	}
	if said := wake(silent.Add(9 * time.Minute)); len(said) != 0 {
		t.Fatalf("early wake-up said %q", joinTexts(said))
	}
	said := wake(silent.Add(10 * time.Minute))
	if len(said) != 1 || !flows.HasHan(said[0].Text) {
		t.Fatalf("reminder: %q; want one, in Chinese", joinTexts(said))
	}
	if said := wake(silent.Add(11 * time.Minute)); len(said) != 0 {
		t.Fatalf("a second reminder: %q", joinTexts(said))
	}
	if at, _ := wakeUpAt(t, h.rdb, key, name); !at.Equal(silent.Add(24 * time.Hour)) {
		t.Fatalf("wake-up after the reminder %v, want the give-up at %v", at, silent.Add(24*time.Hour))
	}
	said = wake(silent.Add(24 * time.Hour))
	snap := h.snapshot("amy")
	if snap.Conv.Intake != nil || snap.Conv.Case == "" || len(said) != 1 || !strings.Contains(said[0].Text, "#"+snap.Conv.Case) {
		t.Fatalf("after the give-up: conv %+v said %q", snap.Conv, joinTexts(said))
	}
	c := h.caseView(snap.Conv.Case)
	if !c.Incomplete || c.Intake != flows.GaveUp || c.Status != bot.Open || c.Wake.IsZero() {
		t.Errorf("case: incomplete %v intake %q status %s wake %v", c.Incomplete, c.Intake, c.Status, c.Wake)
	}
	if at, ok := wakeUpAt(t, h.rdb, key, bot.CaseWakeUp(c.ID)); !ok || !at.Equal(c.Wake) {
		t.Errorf("the opened case's wake-up %v %v, want %v", at, ok, c.Wake)
	}
	if _, ok := wakeUpAt(t, h.rdb, key, name); ok {
		t.Errorf("the conversation still has a wake-up")
	}

	// In quiet hours the reminder waits for 08:00.
	h.clock.Add(time.Date(2026, 11, 25, 21, 55, 0, 0, shanghai).Sub(h.clock.Now()))
	h.turn("ben", "My parcel never arrived!!")
	silent = h.snapshot("ben").Conv.Intake.SilentSince()
	h.clock.Add(silent.Add(10 * time.Minute).Sub(h.clock.Now()))
	if err := h.eng.Wake(h.ctx, bot.ConvWakeUp("web:ben"), h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if said := saidTo(h.outbox(), "ben"); len(said) != 0 {
		t.Fatalf("reminder in quiet hours: %q", joinTexts(said))
	}
	morning := time.Date(2026, 11, 26, 8, 0, 0, 0, shanghai)
	if at, _ := wakeUpAt(t, h.rdb, key, bot.ConvWakeUp("web:ben")); !at.Equal(morning) {
		t.Errorf("quiet-hours reminder scheduled %v, want %v", at, morning)
	}
}

// saidTo keeps the messages to one customer.
func saidTo(out []bot.Outbound, user string) []bot.Outbound {
	var keep []bot.Outbound
	for _, m := range out {
		if m.Audience == bot.ToCustomer && m.Customer == "web:"+user {
			keep = append(keep, m)
		}
	}
	return keep
}

func joinTexts(out []bot.Outbound) string {
	var s []string
	for _, m := range out {
		s = append(s, m.Text)
	}
	return strings.Join(s, " | ")
}

func mustQuiet(t *testing.T, r string) *scheduler.Calendar {
	t.Helper()
	c, err := scheduler.ParseDailyRange(r, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// plainStore is a store that cannot list pending wake-ups: embedding the
// interface hides redisstore's PendingWakeUps.
type plainStore struct{ bot.Store }

// TestReconcileIsSpreadOverTime: with SweepPause, the sweep rests between
// its pages (one at least per partition), so it is spread over time rather
// than all at the minute boundary; it still repairs what is missing.
func TestReconcileIsSpreadOverTime(t *testing.T) {
	srv := redistest.Start(t)
	cfg := timedConfig()
	cfg.Timing.OwnerNudge, cfg.Timing.OwnerEscalate = time.Second, time.Hour
	n := startTimedNode(t, srv, cfg)
	ctx := context.Background()
	rdb := srv.Client(t)
	id := seedCase(t, n.eng, n.store, "spa", flows.EN)
	claim(t, n.eng, id, "alice")
	if err := n.eng.EditCase(ctx, id, "customer", "", func(c *bot.Case, now time.Time) { c.WaitingSince = now }); err != nil {
		t.Fatal(err)
	}
	if err := scheduler.NewWakeUps(rdb, n.store.WakeUpKeys()...).Clear(ctx, bot.CaseWakeUp(id)); err != nil {
		t.Fatal(err)
	}
	const pause = 20 * time.Millisecond
	paced := cfg
	paced.SweepPause = pause
	eng := bot.NewEngine(redisstore.New(rdb, redisstore.Options{}), paced, bot.WithLogger(timedLog))
	began := time.Now()
	repaired, err := eng.Reconcile(ctx, time.Now())
	took := time.Since(began)
	if err != nil || repaired != 1 {
		t.Fatalf("Reconcile repaired %d (%v), want 1", repaired, err)
	}
	if parts := redisstore.DefaultPartitions; took < time.Duration(parts-1)*pause {
		t.Errorf("the sweep took %v; with a %v pause between pages of %d partitions it cannot take less than %v", took, pause, parts, time.Duration(parts-1)*pause)
	}
}
