package fakeslack

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// Defaults for the workspace the fake plays. Every one can be changed with an Option.
const (
	DefaultBotToken      = "xoxb-1000000001-2000000002-fakebottokenfakebot"
	DefaultAppToken      = "xapp-1-A0FAKEAPP01-3000000003-fakeapptokenfakeapptoken"
	DefaultSigningSecret = "8f742231b10e8888abcd99aaabbb85a5"
	DefaultTeamID        = "T0FAKETEAM1"
	DefaultTeamDomain    = "complaintbot-test"
	DefaultBotUserID     = "U0FAKEBOT01"
	DefaultBotID         = "B0FAKEBOT01"
	DefaultAppID         = "A0FAKEAPP01"
	DefaultBotName       = "complaintbot"

	// VerificationToken is the deprecated verification token Slack still puts in
	// every payload's "token" field. The fake uses a fixed value; nothing checks it.
	VerificationToken = "fakeVerificationTokenX1234"
)

// Slack's limits that the fake enforces (see the package documentation).
const (
	// MaxTextLength is the longest text chat.postMessage, chat.update and
	// chat.postEphemeral accept, in characters; a longer one gets msg_too_long.
	MaxTextLength = 40000
	// DisplayTextLength is how much of a message's text Slack shows before it
	// truncates the display. The fake stores and accepts more (up to
	// MaxTextLength); Message.OverDisplayLimit reports texts past it.
	DisplayTextLength = 4000
	// MaxMessageBlocks is the most blocks a message may carry.
	MaxMessageBlocks = 50
	// MaxViewBlocks is the most blocks a modal or App Home view may carry.
	MaxViewBlocks = 100
	// MaxSectionText is the longest text of a section block, in characters.
	MaxSectionText = 3000
)

// Option configures a Server.
type Option func(*config)

type config struct {
	botToken, appToken, signingSecret string
	teamID, teamDomain                string
	botUserID, botID, appID, botName  string
	users                             []User
	channels                          []Channel
	ackTimeout                        time.Duration
	maxRetries                        int
	pingInterval                      time.Duration
	waitTimeout                       time.Duration
	triggerTTL                        time.Duration
	seed                              uint64
	seeded                            bool
}

// WithBotToken sets the bot token (xoxb-…) the Web API accepts.
func WithBotToken(token string) Option { return func(c *config) { c.botToken = token } }

// WithAppToken sets the app-level token (xapp-…) apps.connections.open accepts.
func WithAppToken(token string) Option { return func(c *config) { c.appToken = token } }

// WithSigningSecret sets the secret the HTTP-mode helpers sign requests with.
func WithSigningSecret(secret string) Option { return func(c *config) { c.signingSecret = secret } }

// WithTeam sets the workspace's id (T…) and domain (the "x" of x.slack.com).
func WithTeam(id, domain string) Option {
	return func(c *config) { c.teamID, c.teamDomain = id, domain }
}

// WithBotUser sets the bot's user id (U…), bot id (B…) and name.
func WithBotUser(userID, botID, name string) Option {
	return func(c *config) { c.botUserID, c.botID, c.botName = userID, botID, name }
}

// WithAppID sets the app's id (A…).
func WithAppID(id string) Option { return func(c *config) { c.appID = id } }

// WithUser adds a user of the workspace, known to users.info and conversations.open.
func WithUser(u User) Option { return func(c *config) { c.users = append(c.users, u) } }

// WithChannel adds a public or private channel. The bot is a member unless
// Channel.WithoutBot is set.
func WithChannel(ch Channel) Option { return func(c *config) { c.channels = append(c.channels, ch) } }

// WithAckTimeout sets how long an events_api envelope may stay un-acked before
// the fake redelivers it (default 3 s, as Slack). Zero or less turns redelivery off.
func WithAckTimeout(d time.Duration) Option { return func(c *config) { c.ackTimeout = d } }

// WithMaxRetries sets how many times an un-acked events_api envelope is
// redelivered (default 3, as Slack).
func WithMaxRetries(n int) Option { return func(c *config) { c.maxRetries = n } }

// WithPingInterval sets how often the fake sends a WebSocket PING on each Socket
// Mode connection (default 500 ms; slack-go reconnects when none arrives within
// its OptionPingInterval, 30 s by default).
func WithPingInterval(d time.Duration) Option { return func(c *config) { c.pingInterval = d } }

// WithWaitTimeout sets how long the Wait… methods wait before they fail the
// test (default 5 s).
func WithWaitTimeout(d time.Duration) Option { return func(c *config) { c.waitTimeout = d } }

// WithTriggerTTL sets how long a trigger_id stays valid for views.open and
// views.push (default 3 s, as Slack).
func WithTriggerTTL(d time.Duration) Option { return func(c *config) { c.triggerTTL = d } }

// WithSeed makes the choice among open Socket Mode connections, and the random
// parts of ids, reproducible.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed, c.seeded = seed, true } }

// Server is a fake Slack: the Web API, Socket Mode and the signing side of the
// HTTP Events API, with the state a test asserts on. All methods are safe for
// concurrent use. The Wait… methods and the builders that check their input
// (Click, ViewSubmission, the request builders…) fail the testing.TB given to
// New, so call them from that test's goroutine, not from a t.Run subtest or
// another goroutine.
type Server struct {
	tb  testing.TB
	cfg config
	srv *httptest.Server

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change of state
	closed  bool
	done    chan struct{}
	wg      sync.WaitGroup
	rnd     *rand.Rand

	revoked   map[string]bool
	users     map[string]*User
	userOrder []string
	channels  map[string]*channel
	dms       map[string]string // user id → D… channel
	views     map[string]*View
	homes     map[string]string // user id → id of the published home view
	triggers  map[string]*trigger
	files     map[string]*File
	calls     []Call
	faults    []*activeFault
	responses []Response
	hooks     map[string]hook // response_url path → what it answers for

	tickets    map[string]bool
	conns      []*Conn // every connection ever opened, by id-1
	open       []*Conn // open connections, in order of opening
	deliveries []*delivery
	envelopes  map[string]*delivery
	acks       []Ack

	lastMicro int64
	seq       int
}

// New starts a fake Slack for the test; it is closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := config{
		botToken:      DefaultBotToken,
		appToken:      DefaultAppToken,
		signingSecret: DefaultSigningSecret,
		teamID:        DefaultTeamID,
		teamDomain:    DefaultTeamDomain,
		botUserID:     DefaultBotUserID,
		botID:         DefaultBotID,
		appID:         DefaultAppID,
		botName:       DefaultBotName,
		ackTimeout:    3 * time.Second,
		maxRetries:    3,
		pingInterval:  500 * time.Millisecond,
		waitTimeout:   5 * time.Second,
		triggerTTL:    3 * time.Second,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if !cfg.seeded {
		cfg.seed = rand.Uint64()
	}
	f := &Server{
		tb:        tb,
		cfg:       cfg,
		changed:   make(chan struct{}),
		done:      make(chan struct{}),
		rnd:       rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x5eed)),
		revoked:   map[string]bool{},
		users:     map[string]*User{},
		channels:  map[string]*channel{},
		dms:       map[string]string{},
		views:     map[string]*View{},
		homes:     map[string]string{},
		triggers:  map[string]*trigger{},
		files:     map[string]*File{},
		hooks:     map[string]hook{},
		tickets:   map[string]bool{},
		envelopes: map[string]*delivery{},
	}
	f.addUserLocked(User{ID: cfg.botUserID, Name: cfg.botName, RealName: cfg.botName, IsBot: true})
	for _, u := range cfg.users {
		f.addUserLocked(u)
	}
	for _, ch := range cfg.channels {
		f.addChannelLocked(ch)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", f.serveAPI)
	mux.HandleFunc("/ws", f.serveWebSocket)
	mux.HandleFunc("/hooks/", f.serveHook)
	mux.HandleFunc("/files-pri/", f.serveFile)
	mux.HandleFunc("/signin", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<html><body>Sign in to Slack</body></html>")
	})
	f.srv = httptest.NewServer(mux)
	tb.Cleanup(f.Close)
	return f
}

// Close shuts the fake down: it stops redeliveries, drops every Socket Mode
// connection and closes the HTTP server. It is safe to call more than once.
func (f *Server) Close() {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return
	}
	f.closed = true
	close(f.done)
	for _, d := range f.deliveries {
		if d.timer != nil {
			d.timer.Stop()
		}
	}
	// Every connection, not only the open ones: one told to disconnect may
	// not have closed yet.
	conns := append([]*Conn(nil), f.conns...)
	f.mu.Unlock()
	for _, c := range conns {
		c.drop()
	}
	f.srv.Close()
	f.wg.Wait()
}

// URL is the fake's base URL, without a trailing slash.
func (f *Server) URL() string { return f.srv.URL }

// APIURL is the Web API base URL, ending in "/", for slack.OptionAPIURL.
func (f *Server) APIURL() string { return f.srv.URL + "/api/" }

// BotToken is the bot token (xoxb-…) the Web API accepts.
func (f *Server) BotToken() string { return f.cfg.botToken }

// AppToken is the app-level token (xapp-…) apps.connections.open accepts.
func (f *Server) AppToken() string { return f.cfg.appToken }

// SigningSecret is the secret the HTTP-mode helpers sign with.
func (f *Server) SigningSecret() string { return f.cfg.signingSecret }

// TeamID is the workspace's id.
func (f *Server) TeamID() string { return f.cfg.teamID }

// BotUserID is the bot's user id.
func (f *Server) BotUserID() string { return f.cfg.botUserID }

// BotID is the bot's bot id (B…), the bot_id of its messages.
func (f *Server) BotID() string { return f.cfg.botID }

// AppID is the app's id.
func (f *Server) AppID() string { return f.cfg.appID }

// Client returns a real slack-go client that talks to the fake with the bot
// and app tokens; opts are applied after those.
func (f *Server) Client(opts ...slack.Option) *slack.Client {
	all := append([]slack.Option{slack.OptionAPIURL(f.APIURL()), slack.OptionAppLevelToken(f.cfg.appToken)}, opts...)
	return slack.New(f.cfg.botToken, all...)
}

// RevokeToken makes every later call with token fail with token_revoked. When
// it is the app token, the open Socket Mode connections are also told to
// disconnect (reason "link_disabled"), so a client's reconnect meets the
// revoked token.
func (f *Server) RevokeToken(token string) {
	f.mu.Lock()
	f.revoked[token] = true
	var conns []*Conn
	if token == f.cfg.appToken {
		conns = append(conns, f.open...)
	}
	f.notifyLocked()
	f.mu.Unlock()
	for _, c := range conns {
		c.Disconnect("link_disabled")
	}
}

// notifyLocked wakes every waiter; the caller holds f.mu.
func (f *Server) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *Server) changes() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changed
}

// WaitUntil blocks until cond returns true, re-checking it after every change
// of the fake's state, and fails the test after the wait timeout. cond may
// call the fake's methods.
func (f *Server) WaitUntil(what string, cond func() bool) {
	f.tb.Helper()
	if !f.waitFor(cond) {
		f.tb.Fatalf("fakeslack: timed out after %v waiting for %s", f.cfg.waitTimeout, what)
	}
}

// waitFor reports whether cond became true within the wait timeout.
func (f *Server) waitFor(cond func() bool) bool {
	timer := time.NewTimer(f.cfg.waitTimeout)
	defer timer.Stop()
	for {
		ch := f.changes()
		if cond() {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return cond()
		}
	}
}

// nextTSLocked returns a message timestamp like "1733000000.000123": Unix
// seconds and microseconds, unique and increasing within the fake.
func (f *Server) nextTSLocked() string {
	m := time.Now().UnixMicro()
	if m <= f.lastMicro {
		m = f.lastMicro + 1
	}
	f.lastMicro = m
	return fmt.Sprintf("%d.%06d", m/1e6, m%1e6)
}

// idLocked returns a Slack-looking id: prefix and 10 upper-case characters.
func (f *Server) idLocked(prefix string) string {
	f.seq++
	const digits = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	b := []byte(fmt.Sprintf("%04d", f.seq%10000))
	for len(b) < 10 {
		b = append(b, digits[f.rnd.IntN(len(digits))])
	}
	return prefix + string(b)
}

func (f *Server) hexLocked(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "%x", f.rnd.IntN(16))
	}
	return sb.String()
}

func (f *Server) uuidLocked() string {
	h := f.hexLocked(32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("fakeslack: " + err.Error())
	}
	return b
}
