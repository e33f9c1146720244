package wechat_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/wechat"
	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// The account's phone: two customers (王女士 and Dan), the team group 客服团队
// with Bob (鲍勃 in the group) and Carol, who are staff, and Eve, who is a
// member but not staff.
const (
	groupName = "客服团队"
	wait      = 15 * time.Second
)

func phone(t *testing.T, f *fakewechat.Server) {
	t.Helper()
	for _, c := range []fakewechat.Contact{
		{ID: "wang", NickName: "王女士", Sex: 2},
		{ID: "dan", NickName: "Dan"},
		{ID: "carol", NickName: "Carol"},
		{ID: "bob", NickName: "Bob"},
	} {
		must(t, f.AddContact(c))
	}
	must(t, f.AddGroup(fakewechat.Group{ID: "team", NickName: groupName, Members: []fakewechat.GroupMember{
		{ID: "bob", DisplayName: "鲍勃"},
		{ID: "carol"},
		{ID: "eve", NickName: "Eve"},
		{ID: fakewechat.SelfID, DisplayName: "客服小微"},
	}}))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// staff is the configured directory: Bob by his group name, Carol by her
// nickname, and a supervisor on the web.
func staff() []bot.Person {
	return []bot.Person{
		{Name: "Bob", Role: bot.RoleStaff, Handles: map[string]string{wechat.Channel: "鲍勃"}},
		{Name: "Carol", Role: bot.RoleStaff, Handles: map[string]string{wechat.Channel: "Carol"}},
		{Name: "Sue", Role: bot.RoleSupervisor, Handles: map[string]string{"web": "sue"}},
	}
}

type replica struct {
	name   string
	eng    *bot.Engine
	ad     *wechat.Adapter
	sender *bot.Sender
	inbox  *bot.Inbox
	runner *scheduler.Runner
	store  *redisstore.Store
	rc     *redis.Client
	stop   func()
}

// kill stops a replica as kill -9 would: its Redis connection is gone, so
// it neither renews nor gives back its leases, and its WeChat session
// stops polling.
func (r *replica) kill() {
	_ = r.rc.Close()
	r.stop()
}

type harness struct {
	t   *testing.T
	f   *fakewechat.Server
	srv *redistest.Server
	rdb *redis.Client
	cfg bot.Config
	r   []*replica
}

type options struct {
	lang      flows.Lang
	replicas  int
	lease     time.Duration
	pace      bot.Pace
	fake      []fakewechat.Option
	noPhone   bool
	slowDown  time.Duration
	heartbeat time.Duration
	log       io.Writer // gets the adapters' logs (debug level)
	friends   int       // friend requests accepted an hour
	manual    bool      // the test plays the phone: no automatic scan and confirm
	terminal  io.Writer // gets the QR drawing
	// prepare runs on each replica's adapter before it starts.
	prepare func(i int, a *wechat.Adapter)
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func logger() *slog.Logger {
	if os.Getenv("WECHAT_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return quiet
}

func (o options) logger() *slog.Logger {
	if o.log != nil {
		return slog.New(slog.NewTextHandler(o.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return logger()
}

func newHarness(t *testing.T, o options) *harness {
	t.Helper()
	fo := []fakewechat.Option{fakewechat.WithLongPoll(200 * time.Millisecond)}
	if !o.manual {
		fo = append(fo, fakewechat.WithAutoConfirm())
	}
	f := fakewechat.New(append(fo, o.fake...)...)
	t.Cleanup(f.Close)
	if !o.noPhone {
		phone(t, f)
	}
	h := &harness{t: t, f: f, srv: redistest.Start(t)}
	h.rdb = h.srv.Client(t)
	lang := o.lang
	if lang == "" {
		lang = flows.ZH
	}
	h.cfg = bot.Config{
		Team: wechat.Channel, TeamLang: lang, People: bot.MustDirectory(staff()),
		Platforms: map[string]bot.Platform{wechat.Channel: {Mention: wechat.Mention}},
		Quiet:     100 * time.Millisecond, Location: time.UTC,
	}
	for i := 0; i < max(o.replicas, 1); i++ {
		h.r = append(h.r, h.start(o, i))
	}
	return h
}

func (h *harness) start(o options, i int) *replica {
	t := h.t
	rc := h.srv.Client(t)
	r := &replica{name: "r" + string(rune('0'+i)), rc: rc, store: redisstore.New(rc, redisstore.Options{})}
	wakeups := scheduler.NewWakeUps(h.srv.Client(t), r.store.WakeUpKeys()...)
	r.runner = scheduler.NewRunner(wakeups, func(ctx context.Context, n string, due time.Time) error {
		return r.eng.WakeUp(ctx, n, due)
	}, scheduler.WithTick(50*time.Millisecond), scheduler.WithLogger(quiet))
	r.eng = bot.NewEngine(r.store, h.cfg, bot.WithLogger(quiet), bot.WithPoke(r.runner.Poke))
	lease := o.lease
	if lease == 0 {
		lease = 3 * time.Second
	}
	ad, err := wechat.New(wechat.Options{Engine: r.eng, Store: r.store, Replica: r.name, TeamGroup: groupName,
		Endpoint: h.f.URL(), Logger: o.logger().With("replica", r.name), LeaseTTL: lease, Backoff: 50 * time.Millisecond, SlowDown: o.slowDown, Heartbeat: o.heartbeat, FriendsPerHour: o.friends, Terminal: o.terminal, Token: "t0ken"})
	must(t, err)
	if o.prepare != nil {
		o.prepare(i, ad)
	}
	must(t, ad.Start(context.Background()))
	r.ad = ad
	r.sender = bot.NewSender(r.store, wechat.Channel, ad, r.name, quiet)
	r.sender.OnDead = r.eng.Undelivered
	r.sender.Backoff = 20 * time.Millisecond
	r.sender.LeaseTTL = lease
	r.sender.Pace = o.pace
	r.inbox = bot.NewInbox(r.eng, wechat.Channel, r.name, quiet)
	r.inbox.Block = 100 * time.Millisecond
	r.runner.Start()
	r.sender.Start()
	r.inbox.Start()
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			r.inbox.Stop(ctx)
			r.sender.Stop(ctx)
			_ = r.runner.Stop(ctx)
			ad.Stop(ctx)
		})
	}
	t.Cleanup(r.stop)
	return r
}

func (h *harness) eng() *bot.Engine { return h.r[0].eng }

// waitFor polls cond until it holds; the test fails after wait.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// driving waits until one replica drives a logged-in account, and returns it.
func (h *harness) driving() *replica {
	h.t.Helper()
	var got *replica
	waitFor(h.t, "a replica to log in", func() bool {
		for _, r := range h.r {
			if r.ad.Ready() == nil && r.ad.Driving() {
				got = r
				return true
			}
		}
		return false
	})
	return got
}

// said returns the bot's messages to a contact or group (a fake ID).
func (h *harness) said(to string) []fakewechat.Sent {
	var out []fakewechat.Sent
	for _, s := range h.f.Sent() {
		if s.To == to {
			out = append(out, s)
		}
	}
	return out
}

// waitSaid waits for a message to `to` containing every one of subs after
// the first `after` ones, and returns it.
func (h *harness) waitSaid(to string, after int, subs ...string) fakewechat.Sent {
	h.t.Helper()
	var got fakewechat.Sent
	waitFor(h.t, "the bot to say "+strings.Join(subs, " … ")+" to "+to, func() bool {
		ms := h.said(to)
		for i := after; i < len(ms); i++ {
			if containsAll(ms[i].Content, subs...) {
				got = ms[i]
				return true
			}
		}
		return false
	})
	return got
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

func (h *harness) say(from, text string) string {
	h.t.Helper()
	id, err := h.f.PushText(from, text)
	must(h.t, err)
	return id
}

func (h *harness) sayInGroup(from, text string) string {
	h.t.Helper()
	id, err := h.f.PushGroupText("team", from, text)
	must(h.t, err)
	return id
}

func (h *harness) waitCase(id, what string, cond func(*bot.CaseView) bool) *bot.CaseView {
	h.t.Helper()
	var v *bot.CaseView
	waitFor(h.t, what, func() bool {
		var err error
		v, err = h.eng().Case(context.Background(), id)
		return err == nil && cond(v)
	})
	return v
}

// customerKey returns the customer key the bot gave a fake contact, from
// the case list.
func (h *harness) conversation(user string) *bot.Snapshot {
	h.t.Helper()
	snap, err := h.r[0].store.Load(context.Background(), bot.LoadQuery{Customer: bot.CustomerKey(wechat.Channel, user)})
	must(h.t, err)
	return snap
}

// intake plays a customer's intake, answering what the bot asks, until a
// case opens; it returns the case id.
func (h *harness) intake(from string, first ...string) string {
	h.t.Helper()
	seen := len(h.said(from))
	for _, m := range first {
		h.say(from, m)
	}
	for i := 0; i < 8; i++ {
		waitFor(h.t, "the bot to answer "+from, func() bool { return len(h.said(from)) > seen })
		seen = len(h.said(from))
		c := h.caseOf(from)
		if c != nil && c.Conv != nil && c.Conv.Intake == nil && c.Conv.Case != "" {
			return c.Conv.Case
		}
		if c == nil || c.Conv == nil || c.Conv.Intake == nil {
			continue
		}
		zh := c.Conv.Intake.Lang == flows.ZH
		answer := map[flows.Phase][2]string{
			flows.Asking:       {"I don't remember", "不记得了"},
			flows.AnythingElse: {"no, that's all", "没有了"},
			flows.Confirming:   {"yes", "对"},
		}[c.Conv.Intake.Phase]
		a := answer[0]
		if zh {
			a = answer[1]
		}
		h.say(from, a)
	}
	h.t.Fatalf("the intake of %s did not end", from)
	return ""
}

// caseOf finds the conversation of a fake contact: the customer whose last
// address is the contact's UserName in the current login.
func (h *harness) caseOf(from string) *bot.Snapshot {
	h.t.Helper()
	addr := h.f.UserName(from)
	user := h.userOf(addr)
	if user == "" {
		return nil
	}
	return h.conversation(user)
}

// userOf returns the customer id the identity map gives an address of the
// current login.
func (h *harness) userOf(addr string) string {
	vals, err := h.rdb.HGetAll(context.Background(), "cb:ident:{wechat}").Result()
	must(h.t, err)
	for k, v := range vals {
		if strings.HasPrefix(k, "a:") && strings.HasSuffix(k, ":"+addr) {
			return v
		}
	}
	return ""
}

func (h *harness) caseView(id string) *bot.CaseView {
	h.t.Helper()
	v, err := h.eng().Case(context.Background(), id)
	must(h.t, err)
	return v
}

func (h *harness) conversationOn(r *replica, user string) *bot.Snapshot {
	h.t.Helper()
	snap, err := r.store.Load(context.Background(), bot.LoadQuery{Customer: bot.CustomerKey(wechat.Channel, user)})
	must(h.t, err)
	return snap
}
