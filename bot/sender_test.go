package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// fakePlatform is the test platform: a bot.Channel faked at its edge. It
// records every attempt and every accepted delivery with its time, and can
// be told to rate-limit a recipient, refuse one for good, fail a message
// transiently a number of times, or hang on a recipient.
type fakePlatform struct {
	mu       sync.Mutex
	tries    []fakeDelivery // every call, in order
	got      []fakeDelivery // accepted, in order
	limitFor map[string]time.Duration
	limitTo  map[string]time.Time // recipient → limited until
	platform map[string]bool      // recipient → its limit is the whole platform's
	refuse   map[string]string    // recipient → reason
	fail     map[string]int       // message id → transient failures left
	failAll  map[string]bool      // recipient → fails transiently for ever
	hang     map[string]bool      // recipient → the call waits for ctx
}

type fakeDelivery struct {
	bot.Delivery
	At  time.Time
	Err error
}

func newFakePlatform() *fakePlatform {
	return &fakePlatform{limitFor: map[string]time.Duration{}, limitTo: map[string]time.Time{}, platform: map[string]bool{},
		refuse: map[string]string{}, fail: map[string]int{}, failAll: map[string]bool{}, hang: map[string]bool{}}
}

var _ bot.Channel = (*fakePlatform)(nil)

// limit makes the recipient's next attempt answer "rate limited, retry
// after d", and every attempt within d of it too (with what is left).
func (p *fakePlatform) limit(recipient string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limitFor[recipient] = d
}

func (p *fakePlatform) Deliver(ctx context.Context, d bot.Delivery) (string, error) {
	p.mu.Lock()
	now := time.Now()
	r := d.Recipient()
	var err error
	switch {
	case p.hang[r]:
		p.tries = append(p.tries, fakeDelivery{d, now, nil})
		p.mu.Unlock()
		<-ctx.Done()
		return "", ctx.Err()
	case p.refuse[r] != "":
		err = bot.Permanent(p.refuse[r], errors.New("the platform says no"))
	case p.limitFor[r] > 0:
		p.limitTo[r] = now.Add(p.limitFor[r])
		delete(p.limitFor, r)
		err = &bot.RetryError{After: p.limitTo[r].Sub(now), Platform: p.platform[r], Err: errors.New("429")}
	case now.Before(p.limitTo[r]):
		err = &bot.RetryError{After: p.limitTo[r].Sub(now), Platform: p.platform[r], Err: errors.New("429")}
	case p.failAll[r]:
		err = errors.New("connection reset")
	case p.fail[d.ID] > 0:
		p.fail[d.ID]--
		err = errors.New("connection reset")
	}
	p.tries = append(p.tries, fakeDelivery{d, now, err})
	if err == nil {
		p.got = append(p.got, fakeDelivery{d, now, nil})
	}
	p.mu.Unlock()
	return "ref-" + d.ID, err
}

// accepted returns what the platform accepted so far, for recipient ("" for
// all).
func (p *fakePlatform) accepted(recipient string) []fakeDelivery {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []fakeDelivery
	for _, d := range p.got {
		if recipient == "" || d.Recipient() == recipient {
			out = append(out, d)
		}
	}
	return out
}

// attempts returns every call for the message id.
func (p *fakePlatform) attempts(id string) []fakeDelivery {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []fakeDelivery
	for _, d := range p.tries {
		if d.ID == id {
			out = append(out, d)
		}
	}
	return out
}

// acceptedIDs returns the ids of what the platform accepted for recipient.
func (p *fakePlatform) acceptedIDs(recipient string) []string {
	var ids []string
	for _, d := range p.accepted(recipient) {
		ids = append(ids, d.ID)
	}
	return ids
}

// keyedPlatform is a fakePlatform whose destinations are named by key
// (bot.PaceKeyer).
type keyedPlatform struct {
	*fakePlatform
	key func(bot.Delivery) string
}

func (p keyedPlatform) PaceKey(d bot.Delivery) string { return p.key(d) }

// senderEnv is a real redis-server with a store, for the sender's tests.
type senderEnv struct {
	t     *testing.T
	ctx   context.Context
	srv   *redistest.Server
	rdb   *redis.Client
	store *redisstore.Store
}

func newSenderEnv(t *testing.T) *senderEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	e := &senderEnv{t: t, ctx: ctx, srv: redistest.Start(t)}
	e.rdb = e.srv.Client(t)
	e.store = redisstore.New(e.rdb, redisstore.Options{})
	return e
}

// fastSender returns a started sender for channel "fake" over store with
// short timings, stopped when the test ends.
func fastSender(t *testing.T, store bot.Store, consumer string, p bot.Channel, tune func(s *bot.Sender)) *bot.Sender {
	t.Helper()
	s := bot.NewSender(store, "fake", p, consumer, slog.New(slog.DiscardHandler))
	s.Block = 20 * time.Millisecond
	s.Backoff = 20 * time.Millisecond
	s.MaxBackoff = 200 * time.Millisecond
	s.LeaseTTL = time.Second
	if tune != nil {
		tune(s)
	}
	s.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Stop(ctx)
	})
	return s
}

// toFake returns a text message to a customer of the fake platform; its At
// is the time it is committed (now).
func toFake(customer, id string) bot.Outbound {
	return bot.Outbound{ID: id, Channel: "fake", Audience: bot.ToCustomer, Customer: "fake:" + customer, Kind: bot.KindText, Text: "text " + id, At: time.Now()}
}

// queue commits messages to the outbox, as the engine does, and returns
// the time of the commit.
func (e *senderEnv) queue(msgs ...bot.Outbound) time.Time {
	e.t.Helper()
	const key = "fake:committer"
	snap, err := e.store.Load(e.ctx, bot.LoadQuery{Customer: key})
	if err != nil {
		e.t.Fatal(err)
	}
	at := time.Now()
	for i := range msgs {
		msgs[i].At = at
	}
	if err := e.store.Commit(e.ctx, &bot.Change{Customer: key, Version: snap.Version, Outbox: msgs}); err != nil {
		e.t.Fatal(err)
	}
	return at
}

// awaitCond waits for cond, checking often, and fails the test when it
// does not hold within the time given.
func awaitCond(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// warmUp delivers one message through p, so that the sender holds the
// lease and its reader runs before the test measures anything.
func (e *senderEnv) warmUp(p *fakePlatform, name string) {
	e.t.Helper()
	e.queue(toFake(name, name))
	awaitCond(e.t, 10*time.Second, "the sender to deliver "+name, func() bool { return len(p.accepted("customer:fake:"+name)) == 1 })
}

func ids(prefix string, n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("%s%d", prefix, i))
	}
	return out
}

// TestRateLimitedRecipientDelaysNobodyElse: one recipient answers "rate
// limited, retry after 2 s"; the messages committed after its own reach
// everybody else at once, and its own arrive after the 2 s, in order.
func TestRateLimitedRecipientDelaysNobodyElse(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	p := newFakePlatform()
	fastSender(t, e.store, "a", p, nil)
	e.warmUp(p, "warm")

	const limit = 2 * time.Second
	p.limit("customer:fake:slow", limit)
	var msgs []bot.Outbound
	slow := ids("slow-", 3)
	for _, id := range slow {
		msgs = append(msgs, toFake("slow", id))
	}
	const others = 50
	for i := range others {
		for j := range 2 {
			msgs = append(msgs, toFake(fmt.Sprint("c", i), fmt.Sprintf("c%d-%d", i, j)))
		}
	}
	committed := e.queue(msgs...)

	awaitCond(t, 10*time.Second, "every other recipient's messages", func() bool { return len(p.accepted("")) == 1+2*others })
	var worst time.Duration
	for _, d := range p.accepted("") {
		if d.Recipient() == "customer:fake:warm" {
			continue
		}
		if d.Recipient() == "customer:fake:slow" {
			t.Fatalf("the rate-limited recipient got %s within its 2 s", d.ID)
		}
		worst = max(worst, d.At.Sub(committed))
	}
	t.Logf("others: slowest delivery %v after the commit", worst)
	if worst >= limit/2 {
		t.Errorf("the others waited up to %v, not far below the %v limit of another recipient", worst, limit)
	}

	awaitCond(t, 10*time.Second, "the rate-limited recipient's messages", func() bool { return len(p.accepted("customer:fake:slow")) == len(slow) })
	limited := p.attempts(slow[0])[0]
	var rerr *bot.RetryError
	if !errors.As(limited.Err, &rerr) {
		t.Fatalf("first attempt to the slow recipient: %v, want a rate limit", limited.Err)
	}
	got := p.accepted("customer:fake:slow")
	for _, d := range got {
		if wait := d.At.Sub(limited.At); wait < limit {
			t.Errorf("%s delivered %v after the rate limit, before the %v asked", d.ID, wait, limit)
		}
	}
	if g := p.acceptedIDs("customer:fake:slow"); !slices.Equal(g, slow) {
		t.Errorf("slow recipient got %v, want %v", g, slow)
	}
}

// TestPlatformWideRateLimitPausesEveryone: a rate limit the adapter says is
// the whole account's holds back every recipient for its time.
func TestPlatformWideRateLimitPausesEveryone(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	p := newFakePlatform()
	fastSender(t, e.store, "a", p, nil)
	e.warmUp(p, "warm")

	const limit = 500 * time.Millisecond
	p.mu.Lock()
	p.platform["customer:fake:first"] = true
	p.mu.Unlock()
	p.limit("customer:fake:first", limit)
	e.queue(toFake("first", "f1"))
	awaitCond(t, 5*time.Second, "the first attempt", func() bool { return len(p.attempts("f1")) > 0 })
	limited := p.attempts("f1")[0].At
	e.queue(toFake("other", "o1"), toFake("another", "a1"))
	awaitCond(t, 5*time.Second, "every message", func() bool { return len(p.accepted("")) == 4 })
	for _, d := range p.accepted("")[1:] {
		if wait := d.At.Sub(limited); wait < limit {
			t.Errorf("%s delivered %v after a platform-wide limit of %v", d.ID, wait, limit)
		}
	}
}

// TestOrderHoldsAcrossRetries: within a recipient, messages arrive in the
// order they were committed, whatever fails on the way; other recipients
// go on meanwhile.
func TestOrderHoldsAcrossRetries(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	p := newFakePlatform()
	fastSender(t, e.store, "a", p, nil)

	a, b := ids("a", 6), ids("b", 6)
	p.mu.Lock()
	p.fail["a2"] = 3
	p.fail["a5"] = 1
	p.fail["b3"] = 2
	p.mu.Unlock()
	var msgs []bot.Outbound
	for i := range a {
		msgs = append(msgs, toFake("a", a[i]), toFake("b", b[i]))
	}
	e.queue(msgs[:6]...)
	// a4 is rate limited once, briefly, when it is tried.
	awaitCond(t, 10*time.Second, "a3", func() bool { return slices.Contains(p.acceptedIDs("customer:fake:a"), "a3") })
	p.limit("customer:fake:a", 100*time.Millisecond)
	e.queue(msgs[6:]...)

	awaitCond(t, 10*time.Second, "every message", func() bool { return len(p.accepted("")) == 12 })
	if got := p.acceptedIDs("customer:fake:a"); !slices.Equal(got, a) {
		t.Errorf("a got %v, want %v", got, a)
	}
	if got := p.acceptedIDs("customer:fake:b"); !slices.Equal(got, b) {
		t.Errorf("b got %v, want %v", got, b)
	}
	for id, want := range map[string]int{"a1": 1, "a2": 4, "a4": 2, "a5": 2, "b3": 3, "b4": 1} {
		if n := len(p.attempts(id)); n != want {
			t.Errorf("%s tried %d times, want %d", id, n, want)
		}
	}
	if n := outboxLen(t, e.rdb, "fake"); n != 0 {
		t.Errorf("%d messages left in the outbox", n)
	}
}

// TestOwnMessagesHandedBackAreDeliveredOnce: messages held back longer
// than the store's claim timeout come back to their own sender from the
// outbox read (XAUTOCLAIM); it delivers them once all the same.
func TestOwnMessagesHandedBackAreDeliveredOnce(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	const claimAfter = 50 * time.Millisecond
	store := redisstore.New(e.rdb, redisstore.Options{ClaimAfter: claimAfter})
	p := newFakePlatform()
	fastSender(t, store, "a", p, nil)
	e.warmUp(p, "warm")
	p.limit("customer:fake:held", 10*claimAfter)
	held := ids("h", 3)
	e.queue(toFake("held", held[0]), toFake("held", held[1]), toFake("held", held[2]))
	awaitCond(t, 10*time.Second, "the held messages", func() bool { return len(p.accepted("customer:fake:held")) >= 3 })
	// Let the reader go round the pending list again before looking.
	e.warmUp(p, "later")
	if got := p.acceptedIDs("customer:fake:held"); !slices.Equal(got, held) {
		t.Errorf("held recipient got %v, want %v once each", got, held)
	}
}

// TestTransientFailureGivesUp: a message that keeps failing is
// dead-lettered as gave_up once GiveUpAfter has passed since its commit,
// the hook is told, and the recipient's next message goes.
func TestTransientFailureGivesUp(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	p := newFakePlatform()
	type told struct {
		id, reason string
	}
	var mu sync.Mutex
	var hook []told
	const giveUp = 300 * time.Millisecond
	fastSender(t, e.store, "a", p, func(s *bot.Sender) {
		s.GiveUpAfter = giveUp
		s.OnDead = func(_ context.Context, m bot.Outbound, reason string) error {
			mu.Lock()
			defer mu.Unlock()
			hook = append(hook, told{m.ID, reason})
			return nil
		}
	})
	p.mu.Lock()
	p.fail["g1"] = 1 << 30
	p.mu.Unlock()
	committed := e.queue(toFake("g", "g1"), toFake("g", "g2"))
	awaitCond(t, 10*time.Second, "g2", func() bool { return len(p.accepted("customer:fake:g")) == 1 })
	dead, err := e.store.DeadLetters(e.ctx, "fake", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].Message.ID != "g1" || dead[0].Reason != bot.GaveUp {
		t.Fatalf("dead letters %+v, want g1 gave_up", dead)
	}
	tries := p.attempts("g1")
	if len(tries) < 2 {
		t.Errorf("g1 tried %d times before giving up, want retries", len(tries))
	}
	if last := tries[len(tries)-1].At; last.Sub(committed) < giveUp-10*time.Millisecond {
		t.Errorf("gave up %v after the commit, before %v", last.Sub(committed), giveUp)
	}
	if g2 := p.accepted("customer:fake:g")[0]; g2.ID != "g2" || g2.At.Before(tries[len(tries)-1].At) {
		t.Errorf("g2 = %+v, want it after g1's last try", g2)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(hook, []told{{"g1", bot.GaveUp}}) {
		t.Errorf("hook told %+v, want g1 gave_up once", hook)
	}
}

// TestPermanentRefusalIsDeadLetteredAndTheOwnerTold runs a real engine: the
// platform refuses the owner's reply to a blocked customer for good; the
// reply ends in the dead-letter list, the owner is told in the team's
// language, and other recipients are served as before.
func TestPermanentRefusalIsDeadLetteredAndTheOwnerTold(t *testing.T) {
	t.Parallel()
	h := newHarness(t, bot.Config{})
	c := h.confirmIntake("amy", "en")
	if err := h.staff("bob", "", "claim "+c.ID); err != nil {
		t.Fatal(err)
	}
	h.outbox()

	p := newFakePlatform()
	p.refuse["customer:web:amy"] = "blocked"
	var hookErr error
	var mu sync.Mutex
	s := bot.NewSender(h.store, "web", p, "sender", slog.New(slog.DiscardHandler))
	s.Block = 20 * time.Millisecond
	s.OnDead = func(ctx context.Context, m bot.Outbound, reason string) error {
		err := h.eng.Undelivered(ctx, m, reason)
		mu.Lock()
		hookErr = errors.Join(hookErr, err)
		mu.Unlock()
		return err
	}
	s.Start()
	defer s.Stop(context.Background())

	const reply = "Hello Amy, the refund is on its way."
	if err := h.staff("bob", c.ID, reply); err != nil {
		t.Fatal(err)
	}
	var dead []bot.DeadLetter
	awaitCond(t, 10*time.Second, "the reply in the dead-letter list", func() bool {
		var err error
		dead, err = h.store.DeadLetters(h.ctx, "web", 10)
		return err == nil && len(dead) > 0
	})
	if len(dead) != 1 || dead[0].Message.Text != reply || dead[0].Reason != "blocked" || dead[0].Message.Customer != "web:amy" {
		t.Fatalf("dead letters %+v, want bob's reply, blocked", dead)
	}
	var notice fakeDelivery
	awaitCond(t, 10*time.Second, "bob to be told", func() bool {
		for _, d := range p.accepted("staff:bob") {
			if strings.HasPrefix(d.ID, "dead:") {
				notice = d
				return true
			}
		}
		return false
	})
	for _, want := range []string{"#" + c.ID, "blocked", "refund is on its way", "another way"} {
		if !strings.Contains(notice.Text, want) {
			t.Errorf("bob was told %q; it lacks %q", notice.Text, want)
		}
	}
	if notice.Case != c.ID {
		t.Errorf("the notice is about case %q, want %q", notice.Case, c.ID)
	}
	v := h.caseView(c.ID)
	if !slices.ContainsFunc(v.History, func(ev bot.Event) bool {
		return ev.What == bot.EvUndelivered && strings.Contains(ev.Detail, "blocked")
	}) {
		t.Errorf("case history lacks the refusal: %+v", v.History)
	}
	mu.Lock()
	if hookErr != nil {
		t.Errorf("Engine.Undelivered: %v", hookErr)
	}
	mu.Unlock()
	for _, d := range p.accepted("customer:web:amy") {
		t.Errorf("the blocked customer got %q", d.Text)
	}

	// Another customer, later, is served as before.
	h.send("zoe", "My parcel never arrived and nobody answers the phone.")
	h.wake("zoe")
	awaitCond(t, 10*time.Second, "the bot's answer to zoe", func() bool { return len(p.accepted("customer:web:zoe")) > 0 })
}

// TestAddressChangeReachesTheNewAddress: the customer writes from a new
// address mid-case (WeChat renames contacts at each login); the next reply
// goes there, even one queued before the change.
func TestAddressChangeReachesTheNewAddress(t *testing.T) {
	t.Parallel()
	h := newHarness(t, bot.Config{})
	c := h.confirmIntake("amy", "en")
	if err := h.staff("bob", "", "claim "+c.ID); err != nil {
		t.Fatal(err)
	}
	h.outbox()
	p := newFakePlatform()
	s := bot.NewSender(h.store, "web", p, "sender", slog.New(slog.DiscardHandler))
	s.Block = 20 * time.Millisecond
	s.Start()
	defer s.Stop(context.Background())

	from := func(addr, text string) {
		t.Helper()
		if _, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "amy", Address: addr, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	replyTo := func(text string) fakeDelivery {
		t.Helper()
		var got fakeDelivery
		awaitCond(t, 10*time.Second, "the reply "+text, func() bool {
			for _, d := range p.accepted("customer:web:amy") {
				if d.Text == text {
					got = d
					return true
				}
			}
			return false
		})
		return got
	}

	from("amy@1", "Any news?")
	if err := h.staff("bob", c.ID, "first"); err != nil {
		t.Fatal(err)
	}
	if d := replyTo("first"); d.Address != "amy@1" {
		t.Errorf("first reply went to %q, want amy@1", d.Address)
	}
	from("amy@2", "I logged in again")
	if err := h.staff("bob", c.ID, "second"); err != nil {
		t.Fatal(err)
	}
	if d := replyTo("second"); d.Address != "amy@2" {
		t.Errorf("second reply went to %q, want amy@2", d.Address)
	}

	// Queued while the address is amy@2, held back by a rate limit, and
	// sent after the customer came back as amy@3.
	p.limit("customer:web:amy", 2*time.Second)
	if err := h.staff("bob", c.ID, "third"); err != nil {
		t.Fatal(err)
	}
	var tried []fakeDelivery
	awaitCond(t, 10*time.Second, "the first try of the third reply", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		tried = slices.DeleteFunc(slices.Clone(p.tries), func(d fakeDelivery) bool { return d.Text != "third" })
		return len(tried) > 0
	})
	if tried[0].Address != "amy@2" || tried[0].Err == nil {
		t.Fatalf("first try of the third reply: %+v, want a refused try to amy@2", tried[0])
	}
	from("amy@3", "new phone")
	if d := replyTo("third"); d.Address != "amy@3" {
		t.Errorf("third reply went to %q, want amy@3 (the address at send time)", d.Address)
	}
}

// TestLeaseOneSenderDeliversAndHandsOver: of two senders on one channel
// only the lease holder delivers; when it stops, the other takes over at
// once, not when the lease would have run out.
func TestLeaseOneSenderDeliversAndHandsOver(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	const ttl = 3 * time.Second
	pa, pb := newFakePlatform(), newFakePlatform()
	sa := fastSender(t, e.store, "a", pa, func(s *bot.Sender) { s.LeaseTTL = ttl })
	e.warmUp(pa, "warm")
	fastSender(t, redisstore.New(e.srv.Client(t), redisstore.Options{}), "b", pb, func(s *bot.Sender) { s.LeaseTTL = ttl })

	var msgs []bot.Outbound
	for i := range 20 {
		msgs = append(msgs, toFake(fmt.Sprint("r", i%5), fmt.Sprint("m", i)))
	}
	e.queue(msgs...)
	awaitCond(t, 10*time.Second, "a to deliver everything", func() bool { return len(pa.accepted("")) == 21 })
	// b asked for the lease several times meanwhile (every ttl/10).
	if got := pb.accepted(""); len(got) != 0 {
		t.Errorf("b delivered %d messages while a held the lease", len(got))
	}

	stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	sa.Stop(stopCtx)
	cancel()
	stopped := time.Now()
	e.queue(toFake("r0", "after"))
	awaitCond(t, 10*time.Second, "b to deliver after a stopped", func() bool { return len(pb.accepted("")) == 1 })
	if took := pb.accepted("")[0].At.Sub(stopped); took > ttl/2 {
		t.Errorf("b took over %v after a stopped; the lease was not handed over (ttl %v)", took, ttl)
	}
	if n := len(pa.accepted("")); n != 21 {
		t.Errorf("a delivered %d after it stopped", n-21)
	}
}

// TestKilledSendersMessagesAreDeliveredByAnother: a sender that read
// messages and dies before delivering them (its Redis connection is cut
// while the platform hangs) leaves them to the next holder, which delivers
// them in order, once.
func TestKilledSendersMessagesAreDeliveredByAnother(t *testing.T) {
	t.Parallel()
	e := newSenderEnv(t)
	const ttl = time.Second
	pc, pd := newFakePlatform(), newFakePlatform()
	pc.hang["customer:fake:x"] = true
	crashing := e.srv.Client(t)
	sc := bot.NewSender(redisstore.New(crashing, redisstore.Options{}), "fake", pc, "c", slog.New(slog.DiscardHandler))
	sc.Block, sc.LeaseTTL = 20*time.Millisecond, ttl
	sc.Start()
	defer sc.Stop(context.Background())
	e.warmUp(pc, "warm")

	x := ids("x", 3)
	e.queue(toFake("x", x[0]), toFake("y", "y1"), toFake("x", x[1]), toFake("x", x[2]))
	awaitCond(t, 10*time.Second, "c to deliver y1 and hang on x1", func() bool {
		return len(pc.accepted("customer:fake:y")) == 1 && len(pc.attempts("x1")) == 1
	})
	// y1 is acknowledged; x1..x3 are read by c and pending.
	awaitCond(t, 10*time.Second, "y1's acknowledgement", func() bool {
		return outboxLen(t, e.rdb, "fake") == 3
	})
	if _, p := outboxPending(t, e.rdb, "fake"); p.Count != 3 || p.Consumers["c"] != 3 {
		t.Fatalf("pending %+v; want x1..x3 held by c", p)
	}

	fastSender(t, redisstore.New(e.srv.Client(t), redisstore.Options{}), "d", pd, func(s *bot.Sender) { s.LeaseTTL = ttl })
	crashing.Close() // c can no longer renew, acknowledge or read

	awaitCond(t, 10*time.Second, "d to deliver x1..x3", func() bool { return len(pd.accepted("customer:fake:x")) == 3 })
	if got := pd.acceptedIDs("customer:fake:x"); !slices.Equal(got, x) {
		t.Errorf("d delivered %v, want %v", got, x)
	}
	if got := pc.accepted("customer:fake:x"); len(got) != 0 {
		t.Errorf("c delivered %d of x although it hung", len(got))
	}
	awaitCond(t, 5*time.Second, "the outbox to empty", func() bool {
		return outboxLen(t, e.rdb, "fake") == 0
	})
	if got := pd.accepted(""); len(got) != 3 {
		t.Errorf("d delivered %d messages, want only the 3 c left (y1 was acknowledged): %v", len(got), pd.acceptedIDs(""))
	}
}

// TestPacing: with "2/s burst 1", messages to one destination go one every
// 500 ms; recipients an adapter names as one destination share its pace.
func TestPacing(t *testing.T) {
	t.Parallel()
	t.Run("2/s burst 1", func(t *testing.T) {
		t.Parallel()
		e := newSenderEnv(t)
		p := newFakePlatform()
		pace, err := bot.ParsePace("2/s burst 1")
		if err != nil {
			t.Fatal(err)
		}
		fastSender(t, e.store, "a", p, func(s *bot.Sender) { s.Pace = pace })
		const n = 5
		var msgs []bot.Outbound
		for _, id := range ids("p", n) {
			msgs = append(msgs, toFake("paced", id))
		}
		e.queue(msgs...)
		awaitCond(t, 10*time.Second, "every paced message", func() bool { return len(p.accepted("")) == n })
		got := p.accepted("")
		// At is taken when the fake receives a message, a little after the
		// pace let it go, and that delay varies on a busy machine: a late
		// message shortens the gap after it. Unpaced, the gaps would be a
		// few milliseconds; allow 100 ms of that delay.
		const slack = 100 * time.Millisecond
		for i := 1; i < n; i++ {
			if gap := got[i].At.Sub(got[i-1].At); gap < 500*time.Millisecond-slack {
				t.Errorf("gap %d is %v, want about the 500 ms of 2/s", i, gap)
			}
		}
		if took := got[n-1].At.Sub(got[0].At); took < (n-1)*500*time.Millisecond-slack {
			t.Errorf("%d messages took %v, want at least %v", n, took, (n-1)*500*time.Millisecond)
		}
	})
	t.Run("one destination for two recipients", func(t *testing.T) {
		t.Parallel()
		e := newSenderEnv(t)
		p := newFakePlatform()
		kp := keyedPlatform{p, func(d bot.Delivery) string {
			if strings.HasPrefix(d.Customer, "fake:room") {
				return "room"
			}
			return ""
		}}
		fastSender(t, e.store, "a", kp, func(s *bot.Sender) { s.Pace = bot.Pace{Count: 4, Per: time.Second, Burst: 1} })
		var msgs []bot.Outbound
		for i := range 3 {
			msgs = append(msgs, toFake("room1", fmt.Sprint("r1-", i)), toFake("room2", fmt.Sprint("r2-", i)), toFake("alone", fmt.Sprint("x-", i)))
		}
		e.queue(msgs...)
		awaitCond(t, 10*time.Second, "every message", func() bool { return len(p.accepted("")) == 9 })
		var room []time.Time
		for _, d := range p.accepted("") {
			if strings.HasPrefix(d.Customer, "fake:room") {
				room = append(room, d.At)
			}
		}
		if took := room[5].Sub(room[0]); took < 5*250*time.Millisecond-10*time.Millisecond {
			t.Errorf("6 messages to one destination took %v, want at least 1.25 s at 4/s", took)
		}
		alone := p.accepted("customer:fake:alone")
		if took := alone[2].At.Sub(alone[0].At); took < 2*250*time.Millisecond-10*time.Millisecond {
			t.Errorf("3 messages to another destination took %v, want at least 500 ms at 4/s", took)
		}
	})
}
