package bot_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// start is Monday 2026-11-23 10:00 in Shanghai.
var start = time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai)

// clock is a test clock that only moves when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// harness is one bot over a real redis-server, with a test clock.
type harness struct {
	t   *testing.T
	ctx context.Context
	srv *redistest.Server // nil on a cluster
	rdb redis.UniversalClient
	// connect opens another client to the same Redis (a replica's own).
	connect func() redis.UniversalClient
	store   *redisstore.Store
	eng     *bot.Engine
	clock   *clock
	cfg     bot.Config
	// log is everything outbox() ever read, in order.
	log []bot.Outbound
	// channel is the customers' platform; "" is web.
	channel string
}

// customers is the customers' platform.
func (h *harness) customers() string {
	if h.channel == "" {
		return "web"
	}
	return h.channel
}

func newHarness(t *testing.T, cfg bot.Config) *harness {
	t.Helper()
	if cfg.Location == nil {
		cfg.Location = shanghai
	}
	if len(cfg.Staff) == 0 {
		cfg.Staff = []string{"alice", "bob", "carol"}
	}
	if len(cfg.Supervisors) == 0 {
		cfg.Supervisors = []string{"sue"}
	}
	h := &harness{t: t, ctx: context.Background(), clock: &clock{t: start}, cfg: cfg}
	h.srv = redistest.Start(t)
	h.connect = func() redis.UniversalClient { return h.srv.Client(t) }
	h.rdb = h.connect()
	h.restart()
	return h
}

// harnesses are the Redis deployments the engine's main tests run on.
var harnesses = []struct {
	name  string
	start func(*testing.T, bot.Config) *harness
}{
	{"server", newHarness},
	{"cluster", newClusterHarness},
}

// newClusterHarness is newHarness on a Redis Cluster of three masters
// started for the test.
func newClusterHarness(t *testing.T, cfg bot.Config) *harness {
	t.Helper()
	c := redistest.StartCluster(t, 3)
	h := newHarnessOn(t, cfg, func() redis.UniversalClient { return c.Client(t) })
	return h
}

// newHarnessOn is newHarness on the Redis connect reaches.
func newHarnessOn(t *testing.T, cfg bot.Config, connect func() redis.UniversalClient) *harness {
	t.Helper()
	if cfg.Location == nil {
		cfg.Location = shanghai
	}
	if len(cfg.Staff) == 0 {
		cfg.Staff = []string{"alice", "bob", "carol"}
	}
	if len(cfg.Supervisors) == 0 {
		cfg.Supervisors = []string{"sue"}
	}
	h := &harness{t: t, ctx: context.Background(), clock: &clock{t: start}, cfg: cfg, connect: connect}
	h.rdb = connect()
	h.restart()
	return h
}

// restart builds a new store and engine over the same Redis, as a
// restarted bot would.
func (h *harness) restart() {
	h.store = redisstore.New(h.rdb, redisstore.Options{})
	h.eng = bot.NewEngine(h.store, h.cfg, bot.WithClock(h.clock.Now))
}

// replica returns another engine over the same Redis: a second replica.
func (h *harness) replica() *bot.Engine {
	return bot.NewEngine(redisstore.New(h.connect(), redisstore.Options{}), h.cfg, bot.WithClock(h.clock.Now))
}

func (h *harness) send(customer, text string, atts ...bot.Attachment) bot.Receipt {
	h.t.Helper()
	r, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: h.customers(), Role: bot.CustomerRole, User: customer, Text: text, Attachments: atts})
	if err != nil {
		h.t.Fatalf("customer %s says %q: %v", customer, text, err)
	}
	return r
}

func (h *harness) staff(name, thread, text string) error {
	h.t.Helper()
	_, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "web", Role: bot.StaffRole, User: name, Thread: thread, Text: text})
	return err
}

// wake lets the quiet window pass and runs the customer's wake-up, as the
// scheduler would.
func (h *harness) wake(customer string) {
	h.t.Helper()
	now := h.clock.Add(h.eng.Config().Quiet + time.Millisecond)
	if err := h.eng.Wake(h.ctx, bot.ConvWakeUp(h.customers()+":"+customer), now); err != nil {
		h.t.Fatalf("wake %s: %v", customer, err)
	}
}

// turn sends a burst and returns what the bot said to the customer.
func (h *harness) turn(customer string, msgs ...string) string {
	h.t.Helper()
	for _, m := range msgs {
		h.send(customer, m)
		h.clock.Add(time.Second)
	}
	h.wake(customer)
	var said []string
	for _, m := range h.outbox() {
		if m.Audience == bot.ToCustomer && m.Customer == h.customers()+":"+customer {
			said = append(said, m.Text)
		}
	}
	h.clock.Add(10 * time.Second)
	return strings.Join(said, "\n")
}

// outbox reads and acknowledges everything queued on every channel used in
// the tests.
func (h *harness) outbox() []bot.Outbound {
	h.t.Helper()
	var out []bot.Outbound
	for _, ch := range []string{"web", "test", h.channel} {
		if ch == "" {
			continue
		}
		for {
			items, err := h.store.ReadOutbox(h.ctx, ch, "test", 100, 0)
			if err != nil {
				h.t.Fatal(err)
			}
			if len(items) == 0 {
				break
			}
			for _, it := range items {
				out = append(out, it.Message)
				h.log = append(h.log, it.Message)
				if err := h.store.AckOutbox(h.ctx, ch, it.StreamID); err != nil {
					h.t.Fatal(err)
				}
			}
		}
	}
	return out
}

func (h *harness) snapshot(customer string) *bot.Snapshot {
	h.t.Helper()
	s, err := h.store.Load(h.ctx, bot.LoadQuery{Customer: h.customers() + ":" + customer})
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func (h *harness) caseView(id string) *bot.CaseView {
	h.t.Helper()
	v, err := h.eng.Case(h.ctx, id)
	if err != nil {
		h.t.Fatalf("case %s: %v", id, err)
	}
	return v
}

// keys returns every key in Redis, sorted.
func (h *harness) keys() []string {
	h.t.Helper()
	ks, err := h.rdb.Keys(h.ctx, "*").Result()
	if err != nil {
		h.t.Fatal(err)
	}
	slices.Sort(ks)
	return ks
}

// confirmIntake plays a short, complete intake for customer and returns the
// case it opened.
func (h *harness) confirmIntake(customer, lang string) *bot.CaseView {
	h.t.Helper()
	if lang == "zh" {
		h.turn(customer, "昨天在南京西路店买的吹风机,用了一次就坏了,订单号A1234,我要退款")
		h.turn(customer, "没有了")
		h.turn(customer, "对")
	} else {
		h.turn(customer, "The hair dryer I bought yesterday at your Oxford Street store broke after one use. Order A1234. I want a refund.")
		h.turn(customer, "no, that's all")
		h.turn(customer, "yes")
	}
	snap := h.snapshot(customer)
	if snap.Conv == nil || snap.Conv.Case == "" {
		h.t.Fatalf("intake of %s opened no case", customer)
	}
	return h.caseView(snap.Conv.Case)
}

// finishIntake answers whatever the bot asks (skipping questions, nothing
// else to add, confirming the summary) until the intake opens a case, and
// returns it.
func (h *harness) finishIntake(customer string) *bot.CaseView {
	h.t.Helper()
	for i := 0; i < 10; i++ {
		snap := h.snapshot(customer)
		if snap.Conv.Intake == nil {
			return h.caseView(snap.Conv.Case)
		}
		zh := snap.Conv.Intake.Lang == flows.ZH
		answer := map[flows.Phase][2]string{
			flows.Asking:       {"skip", "不记得了"},
			flows.AnythingElse: {"that's all", "没有了"},
			flows.Confirming:   {"yes", "对"},
		}[snap.Conv.Intake.Phase]
		a := answer[0]
		if zh {
			a = answer[1]
		}
		if a == "" {
			h.t.Fatalf("intake of %s in phase %q", customer, snap.Conv.Intake.Phase)
		}
		h.turn(customer, a)
	}
	h.t.Fatalf("intake of %s did not end", customer)
	return nil
}

// outboxLen counts the messages in every partition's outbox stream of the
// channel (default prefix).
func outboxLen(tb testing.TB, rdb redis.UniversalClient, channel string) int64 {
	tb.Helper()
	n, _ := outboxPending(tb, rdb, channel)
	return n
}

// outboxPending counts the messages in the channel's outbox streams, and
// the summary of those read and not acknowledged (count and per consumer).
func outboxPending(tb testing.TB, rdb redis.UniversalClient, channel string) (int64, *redis.XPending) {
	tb.Helper()
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, "cb:{*}:outbox:"+channel).Result()
	if err != nil {
		tb.Fatal(err)
	}
	var n int64
	sum := &redis.XPending{Consumers: map[string]int64{}}
	for _, k := range keys {
		l, err := rdb.XLen(ctx, k).Result()
		if err != nil {
			tb.Fatal(err)
		}
		n += l
		p, err := rdb.XPending(ctx, k, "senders").Result()
		if err != nil {
			continue // no group yet
		}
		sum.Count += p.Count
		for c, v := range p.Consumers {
			sum.Consumers[c] += v
		}
	}
	return n, sum
}
