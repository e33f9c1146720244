package slack_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/slack"
	"github.com/complaintbot/complaintbot/bot/slack/fakeslack"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// The workspace of the tests: alice and bob are members of the team
// channel, sue supervises, and two customers write to the app.
const (
	team     = "C0TEAM"
	alice    = "U0ALICE"
	bob      = "U0BOB"
	sue      = "U0SUE"
	customer = "U0CUST"
	chen     = "U0CHEN"
	stranger = "U0RANDOM"
)

func workspace(extra ...fakeslack.Option) []fakeslack.Option {
	return append([]fakeslack.Option{
		fakeslack.WithUser(fakeslack.User{ID: alice, RealName: "Alice Wang", DisplayName: "Alice"}),
		fakeslack.WithUser(fakeslack.User{ID: bob, RealName: "Bob Li", DisplayName: "Bob"}),
		fakeslack.WithUser(fakeslack.User{ID: sue, RealName: "Sue Park", DisplayName: "Sue"}),
		fakeslack.WithUser(fakeslack.User{ID: customer, RealName: "Sam Jones", DisplayName: "Sam"}),
		fakeslack.WithUser(fakeslack.User{ID: chen, RealName: "陈静", DisplayName: "陈静"}),
		fakeslack.WithUser(fakeslack.User{ID: stranger, RealName: "Rand Om"}),
		fakeslack.WithChannel(fakeslack.Channel{ID: team, Name: "complaints", Members: []string{alice, bob, sue, stranger}}),
	}, extra...)
}

// replica is one complaintbot process on the Slack platform: engine,
// adapter, sender, inbox and scheduler, over a shared Redis.
type replica struct {
	eng    *bot.Engine
	ad     *slack.Adapter
	sender *bot.Sender
	inbox  *bot.Inbox
	runner *scheduler.Runner
	store  *redisstore.Store
}

// harness is a fake Slack and a Redis, with replicas on them.
type harness struct {
	t   *testing.T
	f   *fakeslack.Server
	srv *redistest.Server
	rdb *redis.Client
	cfg bot.Config
	r   []*replica
	// mux serves the HTTP Events API of the first replica in HTTP mode;
	// nil in Socket Mode.
	mux *http.ServeMux
}

// options tune the harness.
type options struct {
	fake    []fakeslack.Option
	secret  bool // HTTP mode only: a signing secret, no app token
	lang    flows.Lang
	staff   []bot.Person // a configured directory; nil for an open one
	replica int
}

func newHarness(t *testing.T, o options) *harness {
	t.Helper()
	fo := workspace(o.fake...)
	if o.secret {
		fo = append(fo, fakeslack.WithSigningSecret("s3cr3t-signing"))
	}
	h := &harness{t: t, f: fakeslack.New(t, fo...)}
	h.srv = redistest.Start(t)
	h.rdb = h.srv.Client(t)
	dir := bot.MustDirectory(o.staff)
	if o.staff == nil {
		dir = bot.MustDirectory([]bot.Person{{Name: sue, Role: bot.RoleSupervisor}})
		dir.Open()
	}
	lang := o.lang
	if lang == "" {
		lang = flows.EN
	}
	h.cfg = bot.Config{
		Team: slack.Channel, TeamLang: lang, People: dir,
		Platforms: map[string]bot.Platform{slack.Channel: {Mention: slack.Mention}},
		Quiet:     150 * time.Millisecond, Location: time.UTC,
	}
	n := max(o.replica, 1)
	for i := 0; i < n; i++ {
		h.r = append(h.r, h.start(o, i))
	}
	if !o.secret {
		h.f.WaitOpen(n) // every replica connected: nothing waits for a retry
	} else {
		h.mux = http.NewServeMux()
		for p, handler := range h.r[0].ad.Routes() {
			h.mux.Handle(p, handler)
		}
	}
	return h
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func (h *harness) start(o options, i int) *replica {
	t := h.t
	name := "r" + string(rune('0'+i))
	r := &replica{store: redisstore.New(h.srv.Client(t), redisstore.Options{})}
	wakeups := scheduler.NewWakeUps(h.srv.Client(t), r.store.WakeUpKeys()...)
	r.runner = scheduler.NewRunner(wakeups, func(ctx context.Context, n string, due time.Time) error {
		return r.eng.WakeUp(ctx, n, due)
	}, scheduler.WithTick(50*time.Millisecond), scheduler.WithLogger(quiet))
	r.eng = bot.NewEngine(r.store, h.cfg, bot.WithLogger(quiet), bot.WithPoke(r.runner.Poke))
	so := slack.Options{BotToken: h.f.BotToken(), TeamChannel: team, APIURL: h.f.APIURL(), Engine: r.eng, Logger: quiet, PingInterval: 2 * time.Second}
	if o.secret {
		so.SigningSecret = h.f.SigningSecret()
	} else {
		so.AppToken = h.f.AppToken()
	}
	ad, err := slack.New(so)
	if err != nil {
		t.Fatal(err)
	}
	if err := ad.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.ad = ad
	r.sender = bot.NewSender(r.store, slack.Channel, ad, name, quiet)
	r.sender.OnDead = r.eng.Undelivered
	r.sender.Backoff = 50 * time.Millisecond
	r.inbox = bot.NewInbox(r.eng, slack.Channel, name, quiet)
	r.inbox.Block = 100 * time.Millisecond
	r.runner.Start()
	r.sender.Start()
	r.inbox.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.inbox.Stop(ctx)
		r.sender.Stop(ctx)
		_ = r.runner.Stop(ctx)
		ad.Stop(ctx)
	})
	return r
}

// eng is the first replica's engine.
func (h *harness) eng() *bot.Engine { return h.r[0].eng }

// caseOf returns a case, failing the test if there is none.
func (h *harness) caseOf(id string) *bot.CaseView {
	h.t.Helper()
	v, err := h.eng().Case(context.Background(), id)
	if err != nil {
		h.t.Fatalf("case %s: %v", id, err)
	}
	return v
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

// botSaid returns the bot's messages in a channel, oldest first.
func (h *harness) botSaid(channel string) []fakeslack.Message {
	var out []fakeslack.Message
	for _, m := range h.f.Messages(channel) {
		if m.BotID != "" {
			out = append(out, m)
		}
	}
	return out
}

// waitBot waits for a message of the bot in channel whose text contains
// every one of subs, posted after the n-th of the bot's messages there.
func (h *harness) waitBot(channel string, after int, subs ...string) fakeslack.Message {
	h.t.Helper()
	var got fakeslack.Message
	h.f.WaitUntil("the bot to say "+strings.Join(subs, " … ")+" in "+channel, func() bool {
		ms := h.botSaid(channel)
		for i := after; i < len(ms); i++ {
			if containsAll(ms[i].Text, subs...) {
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

// say pushes a customer's direct message over Socket Mode and waits for
// its acknowledgement.
func (h *harness) say(user, text string) {
	h.t.Helper()
	h.deliver(h.f.DirectMessage(user, text))
}

// deliver sends Slack's payload the harness's way: over Socket Mode,
// waiting for the acknowledgement, or as a signed HTTP request, checking
// it was answered 200.
func (h *harness) deliver(p fakeslack.Payload) {
	h.t.Helper()
	if h.mux == nil {
		h.f.Push(p).WaitAck()
		return
	}
	var r *http.Request
	switch x := p.(type) {
	case fakeslack.Event:
		r = h.f.EventRequest("/slack/events", x)
	case fakeslack.Interaction:
		r = h.f.InteractionRequest("/slack/interactions", x)
	case fakeslack.Command:
		r = h.f.CommandRequest("/slack/commands", x)
	}
	if resp := fakeslack.Serve(h.mux, r); resp.StatusCode != http.StatusOK {
		h.t.Fatalf("Slack's request answered %d", resp.StatusCode)
	}
}

// card returns the team channel's card of a case.
func (h *harness) card(id string) fakeslack.Message {
	h.t.Helper()
	var card fakeslack.Message
	h.f.WaitUntil("the card of case #"+id, func() bool {
		for _, m := range h.botSaid(team) {
			if m.ThreadTS == "" && strings.Contains(string(m.Blocks), `"value":"`+id+`:`) {
				card = m
				return true
			}
		}
		return false
	})
	return card
}

// blocksText returns every text of a message's blocks, joined.
func blocksText(raw json.RawMessage) string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if t, ok := x["text"].(string); ok {
				out = append(out, t)
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	var v any
	_ = json.Unmarshal(raw, &v)
	walk(v)
	return strings.Join(out, "\n")
}
