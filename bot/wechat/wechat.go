// Package wechat is the WeChat platform on a personal account driven
// through the web (desktop, UOS) protocol by github.com/eatmoreapple/openwechat:
// friends who write to the account privately are customers, and the team
// may work cases in a WeChat group (WECHAT_TEAM_GROUP).
//
// Like every adapter it decides nothing. Messages are accepted durably
// (bot.Engine.Accept) as soon as the library hands them over, keyed by
// their MsgId; who a contact is across logins is bot.Identities' decision;
// outbound messages are rendered as plain text.
//
// One process drives the account: the replica that holds the lease of the
// platform's sender (bot.Sender's "sender:wechat", under the same replica
// name) logs in and syncs, and the others stand by and take over, by hot
// login from the session kept in Redis, when the lease lapses. The login
// ladder is hot login, then push login (the phone confirms), then a QR code
// drawn in the terminal and shown at /wechat/login, refreshed on expiry.
//
// The web protocol can get an account blocked: docs/wechat.md says how the
// adapter limits the risk and what to do.
package wechat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eatmoreapple/openwechat"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
	"github.com/complaintbot/complaintbot/flows"
)

// Channel is the platform's name in bot.Inbound.Channel and
// bot.Outbound.Channel.
const Channel = "wechat"

// Engine is what the adapter needs of bot.Engine.
type Engine interface {
	Accept(ctx context.Context, in bot.Inbound) error
	PostTeam(ctx context.Context, id, text string) error
	People() *bot.Directory
	Config() bot.Config
	Identities(platform string, store bot.IdentityStore) *bot.Identities
}

var _ Engine = (*bot.Engine)(nil)

// Store is what the adapter keeps in Redis, through bot/redisstore: the
// lease that says which replica drives the account, the hot-login session,
// and the identity map (bot.Identities).
type Store interface {
	bot.IdentityStore
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, name, holder string) error
	Session(ctx context.Context, name string) ([]byte, error)
	SaveSession(ctx context.Context, name string, data []byte, ttl time.Duration) error
}

// Options configures an Adapter.
type Options struct {
	// Engine receives the messages. Required.
	Engine Engine
	// Store keeps the lease, the session and the identity map. Required.
	Store Store
	// Replica names this process; it must be the name the platform's
	// bot.Sender runs under, so that the replica that drives the account is
	// the one that sends. Required.
	Replica string
	// TeamGroup is the name of the WeChat group the team works in
	// (WECHAT_TEAM_GROUP), when TEAM_CHANNEL=wechat; "" otherwise.
	TeamGroup string
	// Endpoint, when set, sends every request of the library to this base
	// URL (WECHAT_ENDPOINT): for tests and an operator's proxy.
	Endpoint string
	// Token, when set, is required to see /wechat/login (TEAM_TOKEN).
	Token string
	// Terminal gets the QR code drawn in characters; nil for none.
	Terminal io.Writer
	// Logger gets the adapter's logs; slog.Default() when nil.
	Logger *slog.Logger
	// LeaseTTL is how long the lease lasts without renewal (default
	// bot.DefaultSenderLeaseTTL, the sender's).
	LeaseTTL time.Duration
	// Heartbeat is how long without an answer to the sync long poll makes
	// the adapter unready and alerts the team (default 2 min).
	Heartbeat time.Duration
	// SessionTTL is how long the hot-login session is kept in Redis after
	// its last write (default 48 h).
	SessionTTL time.Duration
	// Backoff is the first wait after a sync error or a failed login,
	// doubled up to a minute (default 1 s).
	Backoff time.Duration
	// FriendsPerHour is how many friend requests the adapter accepts in any
	// hour (WECHAT_ACCEPT_FRIENDS); 0, the default, accepts none: staff
	// accept on the phone. Never in bulk: WeChat limits adding friends
	// more strictly than anything else.
	FriendsPerHour int
	// SlowDown is the pause of every send after WeChat answers 1205 ("too
	// often"), doubled at each further 1205 within the hour up to an hour
	// (default 1 min).
	SlowDown time.Duration
}

// CheckOptions returns an error naming the setting when the combination
// cannot work. team says whether the team channel is on WeChat.
func CheckOptions(o Options, team bool) error {
	switch {
	case team && strings.TrimSpace(o.TeamGroup) == "":
		return errors.New("WECHAT_TEAM_GROUP: required with TEAM_CHANNEL=wechat (the group's name, as WeChat shows it)")
	case !team && o.TeamGroup != "":
		return errors.New("WECHAT_TEAM_GROUP: set, but TEAM_CHANNEL is not wechat; set TEAM_CHANNEL=wechat or leave it empty")
	case o.Endpoint != "":
		u, err := url.Parse(o.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("WECHAT_ENDPOINT: %q is not a base URL (e.g. http://127.0.0.1:9000)", o.Endpoint)
		}
	}
	return nil
}

// Adapter is the WeChat platform: the bot.Channel that delivers outbound
// messages and the driver of the account's session.
type Adapter struct {
	o      Options
	engine Engine
	store  Store
	ids    *bot.Identities
	log    *slog.Logger
	cat    *flows.Catalog
	lang   flows.Lang
	base   *url.URL

	health  bot.Health
	standby atomic.Bool
	cur     atomic.Pointer[session]
	qr      qrState
	sent    sentLog
	cards   cardStates
	// friends are when friend requests were accepted in the last hour.
	friendsMu sync.Mutex
	friends   []time.Time
	slow      slowDown

	cancel context.CancelFunc
	done   chan struct{}

	// hook, set by tests, runs before each message is handled.
	hook func(*openwechat.Message)
}

var (
	_ bot.Channel   = (*Adapter)(nil)
	_ bot.PaceKeyer = (*Adapter)(nil)
)

// New returns an adapter; Start runs it.
func New(o Options) (*Adapter, error) {
	if err := CheckOptions(o, o.TeamGroup != ""); err != nil {
		return nil, err
	}
	if o.Engine == nil || o.Store == nil || o.Replica == "" {
		return nil, errors.New("wechat.New: Options.Engine, Store and Replica are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = bot.DefaultSenderLeaseTTL
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 2 * time.Minute
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 48 * time.Hour
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.SlowDown <= 0 {
		o.SlowDown = time.Minute
	}
	cfg := o.Engine.Config()
	a := &Adapter{o: o, engine: o.Engine, store: o.Store, ids: o.Engine.Identities(Channel, o.Store),
		log: o.Logger.With("platform", Channel), cat: cfg.Catalog, lang: cfg.TeamLang}
	if a.cat == nil {
		a.cat = flows.MustCatalog()
	}
	if a.lang == "" {
		a.lang = flows.EN
	}
	if o.Endpoint != "" {
		a.base, _ = url.Parse(o.Endpoint)
	}
	a.sent.init(10_000)
	a.slow.base = o.SlowDown
	a.health.Set(errors.New("wechat: not started"))
	return a, nil
}

// Start runs the adapter in the background: it waits for the lease, logs
// in and serves until Stop. It returns at once.
func (a *Adapter) Start(context.Context) error {
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel, a.done = cancel, make(chan struct{})
	go func() {
		defer close(a.done)
		a.run(ctx)
	}()
	return nil
}

// Stop ends the session by cancelling its context (never Bot.Exit, which
// races with the sync goroutine), gives the lease back, and waits for it
// or for ctx.
func (a *Adapter) Stop(ctx context.Context) {
	if a.cancel == nil {
		return
	}
	a.cancel()
	select {
	case <-a.done:
	case <-ctx.Done():
	}
}

// Ready returns nil while this replica drives a logged-in account whose
// sync answers, or stands by while another replica drives it; otherwise
// why not: not started, waiting for a login, logged out, no heartbeat, the
// lease unreadable.
func (a *Adapter) Ready() error { return a.health.Err() }

// StandingBy reports whether another replica drives the account.
func (a *Adapter) StandingBy() bool { return a.standby.Load() }

// Driving reports whether this replica holds the account now.
func (a *Adapter) Driving() bool { return a.cur.Load() != nil }

// Mention writes a person for the WeChat team group: "@" and their handle
// (their name in the group).
func Mention(p bot.Person) string {
	h := p.Handles[Channel]
	if h == "" {
		h = p.Name
	}
	return "@" + h
}

// word says a catalogue sentence in the team's language.
func (a *Adapter) word(key string, data map[string]any) string {
	return a.cat.Text(a.lang, key, 1, data)
}

// tell posts a notice to the team channel, once per id; a failure is
// logged (a notice is never worth a lost message).
func (a *Adapter) tell(ctx context.Context, id, key string, data map[string]any) {
	a.post(ctx, id, key, data, false)
}

// notify posts a notice about the account itself (scanned, logged in) to
// the team channel only when it is elsewhere: the group sees the account
// anyway.
func (a *Adapter) notify(ctx context.Context, id, key string, data map[string]any) {
	a.post(ctx, id, key, data, true)
}

func (a *Adapter) post(ctx context.Context, id, key string, data map[string]any, elsewhere bool) {
	if elsewhere && a.engine.Config().Team == Channel {
		return
	}
	if err := a.engine.PostTeam(ctx, "wechat:"+id, a.word(key, data)); err != nil {
		a.log.Warn("wechat: could not post a notice to the team", "notice", key, "err", err)
	}
}

// acceptFriend reports whether a friend request may be accepted now, and
// counts it.
func (a *Adapter) acceptFriend(now time.Time) bool {
	a.friendsMu.Lock()
	defer a.friendsMu.Unlock()
	kept := a.friends[:0]
	for _, t := range a.friends {
		if now.Sub(t) < time.Hour {
			kept = append(kept, t)
		}
	}
	a.friends = kept
	if len(a.friends) >= a.o.FriendsPerHour {
		return false
	}
	a.friends = append(a.friends, now)
	return true
}

// leaseName is the sender's lease (bot.Sender): the replica that sends
// drives the account.
func leaseName() string { return "sender:" + Channel }

// install points the library's client at the endpoint, when one is set.
func (a *Adapter) install(b *openwechat.Bot) {
	if a.base != nil {
		b.Caller.Client.HTTPClient().Transport = fakewechat.Rewrite(a.base, nil)
	}
}

// secretQuery matches the query of a URL in an error message: the
// library's errors quote request URLs, whose queries carry the session's
// skey, sid, uin and pass_ticket.
var secretQuery = regexp.MustCompile(`\?[^\s"']*`)

// clean returns err with every URL query in its message cut out, for logs
// and for the sender (which logs what Deliver returns); errors.Is and As
// still see the original.
func clean(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if !strings.Contains(msg, "?") {
		return err
	}
	return &cleanError{msg: secretQuery.ReplaceAllString(msg, "?…"), err: err}
}

type cleanError struct {
	msg string
	err error
}

func (e *cleanError) Error() string { return e.msg }
func (e *cleanError) Unwrap() error { return e.err }
