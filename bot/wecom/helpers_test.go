package wecom_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/web"
	"github.com/complaintbot/complaintbot/bot/wecom"
	"github.com/complaintbot/complaintbot/bot/wecom/fakewecom"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// Customers of the tests.
const (
	sam  = "wmSAM0001"
	chen = "wmCHEN0002"
)

// replica is one complaintbot process: the engine, the WeCom adapter and
// its sender and inbox, and the web channel (where the team works), with
// its sender, over a shared Redis.
type replica struct {
	eng     *bot.Engine
	ad      *wecom.Adapter
	web     *web.Server
	store   *redisstore.Store
	senders []*bot.Sender
	inbox   *bot.Inbox
	runner  *scheduler.Runner
}

// harness is a fake WeCom and a Redis, with replicas on them.
type harness struct {
	t   *testing.T
	f   *fakewecom.Server
	srv *redistest.Server
	rdb *redis.Client
	cfg bot.Config
	r   []*replica
}

type options struct {
	lang     flows.Lang
	replicas int
	clock    func() time.Time // the engine's clock; real time when nil
	// fakeClock makes the engine read WeCom's clock (fakewecom.Advance).
	fakeClock bool
	poll      time.Duration // the adapter's PollEvery; 1 min when 0
	leaseTTL  time.Duration // the adapter's LeaseTTL; 30 s when 0
	timing    bot.Timing
	fake      []fakewecom.Option
	redis     []string // redis-server's arguments
	// reception turns WeCom's own reception on (WECOM_RECEPTION=on);
	// people, when set, is the staff directory (with wecom handles).
	reception bool
	people    []bot.Person
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newHarness(t *testing.T, o options) *harness {
	t.Helper()
	h := &harness{t: t, f: fakewecom.New(t, append([]fakewecom.Option{
		fakewecom.WithCustomer(fakewecom.Customer{ExternalUserID: sam, Nickname: "Sam"}),
		fakewecom.WithCustomer(fakewecom.Customer{ExternalUserID: chen, Nickname: "陈静"})}, o.fake...)...)}
	h.srv = redistest.Start(t, o.redis...)
	h.rdb = h.srv.Client(t)
	if o.fakeClock {
		o.clock = h.f.Now
	}
	lang := o.lang
	if lang == "" {
		lang = flows.EN
	}
	h.cfg = bot.Config{
		Team: web.Channel, TeamLang: lang, Staff: []string{"alice", "bob"}, Supervisors: []string{"sue"},
		Platforms: map[string]bot.Platform{web.Channel: {}, wecom.Channel: {Limits: wecom.Limits, Reception: o.reception}},
		Quiet:     150 * time.Millisecond, Location: time.UTC, Timing: o.timing,
	}
	if o.people != nil {
		h.cfg.People = bot.MustDirectory(o.people)
	}
	for i := 0; i < max(o.replicas, 1); i++ {
		h.r = append(h.r, h.start(o, i))
	}
	return h
}

func (h *harness) start(o options, i int) *replica {
	t := h.t
	name := "r" + string(rune('0'+i))
	r := &replica{store: redisstore.New(h.srv.Client(t), redisstore.Options{})}
	wakeups := scheduler.NewWakeUps(h.srv.Client(t), r.store.WakeUpKeys()...)
	r.runner = scheduler.NewRunner(wakeups, func(ctx context.Context, n string, due time.Time) error {
		return r.eng.WakeUp(ctx, n, due)
	}, scheduler.WithTick(50*time.Millisecond), scheduler.WithLogger(quiet))
	opts := []bot.Option{bot.WithLogger(quiet), bot.WithPoke(r.runner.Poke)}
	if o.clock != nil {
		opts = append(opts, bot.WithClock(o.clock))
	}
	r.eng = bot.NewEngine(r.store, h.cfg, opts...)
	r.web = web.New(web.Options{Engine: r.eng, Feed: r.store, Secret: []byte("wecom-tests-web-secret"), Staff: []string{"alice", "bob"}, Supervisors: []string{"sue"}, Addr: "127.0.0.1:0", Logger: quiet, PollEvery: 20 * time.Millisecond})
	ad, err := wecom.New(wecom.Options{CorpID: h.f.CorpID(), Secret: h.f.Secret(), Token: h.f.Token(), AESKey: h.f.AESKey(), KfID: h.f.KfID(),
		APIURL: h.f.URL(), Engine: r.eng, State: r.store, Replica: name, Logger: quiet, PollEvery: o.poll, LeaseTTL: o.leaseTTL, Now: h.f.Now})
	if err != nil {
		t.Fatal(err)
	}
	for p, handler := range ad.Routes() {
		r.web.Mount(p, handler)
	}
	if err := ad.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.ad = ad
	for _, ch := range []struct {
		name string
		c    bot.Channel
	}{{wecom.Channel, ad}, {web.Channel, r.web}} {
		s := bot.NewSender(r.store, ch.name, ch.c, name, quiet)
		s.OnDead = r.eng.Undelivered
		s.Backoff = 20 * time.Millisecond
		r.senders = append(r.senders, s)
	}
	r.inbox = bot.NewInbox(r.eng, wecom.Channel, name, quiet)
	r.inbox.Block = 100 * time.Millisecond
	webInbox := bot.NewInbox(r.eng, web.Channel, name, quiet)
	webInbox.Block = 100 * time.Millisecond
	r.runner.Start()
	for _, s := range r.senders {
		s.Start()
	}
	r.inbox.Start()
	webInbox.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.inbox.Stop(ctx)
		webInbox.Stop(ctx)
		ad.Stop(ctx)
		for _, s := range r.senders {
			s.Stop(ctx)
		}
		_ = r.runner.Stop(ctx)
	})
	return r
}

func (h *harness) eng() *bot.Engine { return h.r[0].eng }

// notify posts WeCom's notice to replica i's /wecom/callback and checks
// it was answered "success".
func (h *harness) notify(i int) {
	h.t.Helper()
	resp := fakewecom.Serve(h.r[i].web.Handler(), h.f.Notice(wecom.CallbackPath))
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(b) != "success" {
		h.t.Fatalf("the notice was answered %d %q", resp.StatusCode, b)
	}
}

// say is a customer writing: the message joins WeCom's log and the notice
// goes to the first replica.
func (h *harness) say(user, text string) string {
	h.t.Helper()
	id := h.f.Text(user, text)
	h.notify(0)
	return id
}

// staff posts a staff message to the web team channel, as the page does.
func (h *harness) staff(who, thread, text string) {
	h.t.Helper()
	b, _ := json.Marshal(map[string]string{"staff": who, "text": text, "thread": thread})
	req := httptest.NewRequest(http.MethodPost, "/api/team/messages", bytes.NewReader(b))
	req.RemoteAddr, req.Host = "127.0.0.1:40000", "127.0.0.1:8080"
	rec := httptest.NewRecorder()
	h.r[0].web.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusAccepted {
		h.t.Fatalf("team message %q: %d %s", text, rec.Code, rec.Body)
	}
}

// teamSaw returns the texts of the team feed as who sees it.
func (h *harness) teamSaw(who string) []string {
	h.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api/team/messages?as="+url.QueryEscape(who)+"&after=0", nil)
	req.RemoteAddr, req.Host = "127.0.0.1:40000", "127.0.0.1:8080"
	rec := httptest.NewRecorder()
	h.r[0].web.Handler().ServeHTTP(rec, req)
	var feed struct {
		Messages []struct {
			Text string `json:"text"`
			To   string `json:"to"`
		} `json:"messages"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &feed)
	var out []string
	for _, m := range feed.Messages {
		out = append(out, m.Text)
	}
	return out
}

// waitTeam waits until who's team feed has an entry with every sub.
func (h *harness) waitTeam(who string, subs ...string) string {
	h.t.Helper()
	var got string
	h.f.WaitUntil("the team feed of "+who+" to say "+strings.Join(subs, " … "), func() bool {
		for _, m := range h.teamSaw(who) {
			if containsAll(m, subs...) {
				got = m
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

// waitCase waits until case id satisfies cond.
func (h *harness) waitCase(id, what string, cond func(*bot.CaseView) bool) *bot.CaseView {
	h.t.Helper()
	var v *bot.CaseView
	h.f.WaitUntil(what, func() bool {
		var err error
		v, err = h.eng().Case(context.Background(), id)
		return err == nil && cond(v)
	})
	return v
}

// waitSaid waits for a message to user, after the n-th, containing subs.
func (h *harness) waitSaid(user string, n int, subs ...string) fakewecom.Sent {
	h.t.Helper()
	return h.f.WaitSent(user, n, "the bot to say "+strings.Join(subs, " … ")+" to "+user, func(s fakewecom.Sent) bool { return containsAll(s.Text, subs...) })
}

// snapshot loads a customer's state.
func (h *harness) snapshot(user string) *bot.Snapshot {
	h.t.Helper()
	snap, err := h.r[0].store.Load(context.Background(), bot.LoadQuery{Customer: bot.CustomerKey(wecom.Channel, user)})
	if err != nil {
		h.t.Fatal(err)
	}
	return snap
}

// intake plays a customer's whole intake, answering what the bot asks,
// and returns the case it opened.
func (h *harness) intake(user, first string) string {
	h.t.Helper()
	seen := len(h.f.Sent(user))
	h.say(user, first)
	for i := 0; i < 8; i++ {
		h.f.WaitUntil("the bot to answer "+user, func() bool { return len(h.f.Sent(user)) > seen })
		seen = len(h.f.Sent(user))
		snap := h.snapshot(user)
		if snap.Conv.Intake == nil && snap.Conv.Case != "" {
			return snap.Conv.Case
		}
		zh := snap.Conv.Intake.Lang == flows.ZH
		answer := map[flows.Phase][2]string{
			flows.Asking:       {"I don't remember", "不记得了"},
			flows.AnythingElse: {"no, that's all", "没有了"},
			flows.Confirming:   {"yes", "对"},
		}[snap.Conv.Intake.Phase]
		a := answer[0]
		if zh {
			a = answer[1]
		}
		h.say(user, a)
	}
	h.t.Fatalf("the intake of %s did not end", user)
	return ""
}
