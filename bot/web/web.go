// Package web is the built-in web channel: a small HTTP server with a JSON
// API and one page that shows a customer chat beside the team channel.
//
// Like every adapter it decides nothing. It turns HTTP requests into
// bot.Inbound messages for the engine, renders the engine's outbound
// messages as JSON entries of numbered feeds (one per customer, one for the
// team channel), and answers long polls on those feeds. It reaches Redis only
// through the Feed it is given, so any number of replicas can serve the
// same feeds.
//
// The routes:
//
//	GET  /                                 the page
//	GET  /healthz                          liveness: {"ok": true}
//	GET  /readyz                           readiness: 200, or 503 with the failing checks (AddReadiness)
//	GET  /api/config                       the bot's time zone, for the page
//	POST /api/sessions                     a customer session: a new guest, or an embedding site's verified user
//	POST /api/customers/{id}/messages      a customer writes
//	GET  /api/customers/{id}/messages      what was sent to the customer (long poll)
//	POST /api/team/messages                a staff member writes (team channel or a case's thread)
//	GET  /api/team/messages                the team channel as one staff member sees it (long poll)
//	GET  /api/team/config                  the staff picker's names
//	GET  /api/cases                        cases, by status
//	GET  /api/cases/{id}                   one case with its transcript
//	GET  /api/export                       cases as CSV or NDJSON, streamed (export.go)
//
// Posting. POST /api/customers/{id}/messages takes {"text", "name",
// "attachments": [{"kind", "url", "name"}], "id"} and POST /api/team/messages
// takes {"staff", "text", "thread", "id"}; both answer 202 {"id": "…"}, with
// "duplicate": true when the id had been received before (the message is then
// dropped). "id" is the client's message id, for safe retries; "thread" is the
// case whose thread the staff message is written in ("" for the channel).
// "staff" must be on the staff list (STAFF or SUPERVISORS): 400 when missing,
// 403 when unknown, before the engine sees anything. Staff commands are
// parsed by the engine, never here.
//
// Reading. Every feed read takes ?after={seq} (default 0) and ?wait={seconds}
// (0 to 60, fractions allowed) and answers {"messages": [...], "next": n};
// "messages" is never null, and "next" is what to pass as after to read on.
// A customer's entries are {"seq", "from": "bot"|"staff", "staff", "text",
// "at"}. Team entries are
//
//	{"seq", "kind": "card"|"text"|"notice"|"direct", "from": "bot"|"staff",
//	 "case", "thread", "to", "staff", "edits": seq|null, "text",
//	 "card": {...bot.Card...} (cards only), "at"}
//
// Of these:
//
//   - A card is posted once per case; each update of it is a new entry whose
//     "edits" is the seq of the card's first entry, and replaces that card
//     in place (the page keys cards by case).
//   - "thread" is the case whose thread the entry belongs in ("" for the
//     channel itself).
//   - "to" names the only staff member who sees the entry: private notices
//     (kind "notice": command errors and usage, "already claimed by …") and
//     direct messages (kind "direct"). Direct messages are not a feed of
//     their own: they are kept in the team feed and shown only to their
//     reader, so one long poll gives the page the channel, its threads, the
//     viewer's notices and the viewer's direct messages in order.
//   - A staff member's own message is echoed into the team feed once the
//     engine has accepted it, as the platform would show it: "from": "staff",
//     "staff": the writer, "thread" and "case": the thread it was posted in.
//     The echo is de-duplicated on the message id. What the engine answers
//     arrives as separate entries.
//
// Who sees what. GET /api/team/messages?as={staff} reads the team channel
// as that staff member: every entry without "to", and those whose "to" is
// them. "as" must be on the staff list (403 otherwise); "staff" is accepted
// as its older name. Without it the reader sees only what everyone sees: no
// notice or direct message is ever returned to a reader who has not said who
// they are. The team token identifies the team, not the person, so "as" is a
// view, not a credential: anyone holding the token can read as any staff
// member, as anyone in a shared Slack workspace's admin seat could. A
// customer's feed holds only what was sent to that customer; no customer
// route reads the team feed.
//
// The team and case routes need Authorization: Bearer <TEAM_TOKEN> when a
// token is configured, and are refused outright when the server listens on
// a non-loopback address without one. The customer routes need the
// customer's session token (session.go): 401 without it, 429 once an
// address has failed too often.
//
// Errors are {"error": {"code", "message"}} with the status of one table
// (errors.go): 400 invalid (malformed JSON, a missing or unusable name or
// id), 401 unauthorized, 403 forbidden, 404 not_found, 405
// method_not_allowed, 413 too_large (text over 16 KiB, a body over 1 MiB),
// 429 too_many_requests, 503 unavailable (Redis unreachable, with
// Retry-After). JSONErrors makes net/http's own refusals JSON too. A
// refused request changes nothing.
package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/complaintbot/complaintbot/bot"
)

// Engine is what the web channel needs of bot.Engine.
type Engine interface {
	Handle(ctx context.Context, in bot.Inbound) (bot.Receipt, error)
	Case(ctx context.Context, id string) (*bot.CaseView, error)
	Cases(ctx context.Context, statuses ...bot.Status) ([]*bot.Case, error)
	// IsStaff reports whether handle on platform (here: a name on the
	// web channel) is on the staff list: who may write in, and read, the
	// team channel.
	IsStaff(platform, handle string) bool
}

var _ Engine = (*bot.Engine)(nil)

// Channel is the name of this platform in bot.Inbound.Channel and
// bot.Outbound.Channel.
const Channel = "web"

// DefaultPollEvery is how often a waiting long poll re-reads its feed when
// Options.PollEvery is not set.
const DefaultPollEvery = 250 * time.Millisecond

// MaxBody is the largest request body accepted, whatever it holds; larger
// bodies are refused with 413 before they are parsed. Message content has
// its own, smaller limits, checked by the engine (bot.Normalize).
const MaxBody = 1 << 20

// MaxWait is the longest a long poll waits, in seconds; larger waits are
// cut to it.
const MaxWait = 60

// Options configures a Server.
type Options struct {
	// Engine handles the messages the server receives. Required.
	Engine Engine
	// Feed holds the customer and team feeds the server writes and reads.
	// Required.
	Feed Feed
	// Staff and Supervisors are the names offered in the page's staff
	// picker (STAFF, SUPERVISORS). Who may write in and read the team
	// channel is asked of Engine.IsStaff, not read from these.
	Staff       []string
	Supervisors []string
	// Token is the team token (TEAM_TOKEN). When set, the team and case
	// routes require it as a bearer token on every address.
	Token string
	// Addr is the address the server listens on (WEB_ADDR). Without a
	// Token, the team and case routes only work when it is a loopback
	// address.
	Addr string
	// Location is the bot's time zone (TZ): the page shows every time in
	// it, as the case text does. UTC when nil.
	Location *time.Location
	// Logger receives the server's logs; slog.Default() when nil.
	Logger *slog.Logger
	// Secret is the server secret (WEB_SECRET) that signs customer session
	// tokens and checks embedding websites' user hashes. Required: at
	// least 16 bytes.
	Secret []byte
	// SessionTTL is how long a customer session token lasts;
	// DefaultSessionTTL when zero.
	SessionTTL time.Duration
	// FailBurst and FailEvery limit failed credential checks per client
	// address: FailBurst at once, then one more per FailEvery;
	// DefaultFailBurst and DefaultFailEvery when zero.
	FailBurst int
	FailEvery time.Duration
	// TrustedProxies are the networks of the reverse proxies in front of
	// the server (WEB_TRUSTED_PROXIES): for requests from them, the client
	// address (of the failed-attempt limit and the logs) is read from
	// X-Forwarded-For. None by default: the header is then ignored, as
	// any client could write it.
	TrustedProxies []*net.IPNet
	// Export serves GET /api/export (a team route); nil for none.
	Export Exporter
	// Now is the clock of session expiry and the failed-attempt limit;
	// time.Now when nil.
	Now func() time.Time
	// PollEvery is how often a waiting long poll re-reads its feed, to see
	// deliveries made by other replicas (those made by this one wake it at
	// once); DefaultPollEvery when zero.
	PollEvery time.Duration
}

// Server is the web channel: an http.Handler for the API and the page, and
// the bot.Channel that delivers outbound messages into the feeds.
type Server struct {
	engine      Engine
	feed        Feed
	staff       []string
	supervisors []string
	tokenHash   [sha256.Size]byte // of Options.Token; the token itself is not kept
	hasToken    bool
	loopback    bool
	log         *slog.Logger
	pollEvery   time.Duration

	sessions *sessions
	guard    *guard
	loc      *time.Location
	proxies  []*net.IPNet
	export   Exporter
	checks   []readiness

	mux       *http.ServeMux
	bells     bells
	closing   chan struct{}
	closeOnce sync.Once
	handler   http.Handler
}

var _ bot.Channel = (*Server)(nil)

// New returns a server. It panics when Engine or Feed is missing, which is
// a wiring mistake. When the team routes are unusable (a non-loopback Addr
// without a Token) it says so loudly in the log, once.
func New(o Options) *Server {
	if o.Engine == nil || o.Feed == nil {
		panic("web.New: Options.Engine and Options.Feed are required")
	}
	if len(o.Secret) < 16 {
		panic("web.New: Options.Secret is required (at least 16 bytes)")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.FailBurst <= 0 {
		o.FailBurst = DefaultFailBurst
	}
	if o.FailEvery <= 0 {
		o.FailEvery = DefaultFailEvery
	}
	s := &Server{
		engine:      o.Engine,
		feed:        o.Feed,
		staff:       nonNil(slices.Clone(o.Staff)),
		supervisors: nonNil(slices.Clone(o.Supervisors)),
		hasToken:    o.Token != "",
		loopback:    isLoopback(o.Addr),
		log:         o.Logger,
		pollEvery:   o.PollEvery,
		bells:       bells{m: map[string]*bell{}},
		closing:     make(chan struct{}),
		sessions:    newSessions(slices.Clone(o.Secret), o.SessionTTL, o.Now),
		guard:       newGuard(o.FailBurst, o.FailEvery, o.Now),
		loc:         o.Location,
		proxies:     slices.Clone(o.TrustedProxies),
		export:      o.Export,
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.hasToken {
		s.tokenHash = sha256.Sum256([]byte(o.Token))
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.pollEvery <= 0 {
		s.pollEvery = DefaultPollEvery
	}
	if !s.hasToken && !s.loopback {
		s.log.Warn("web: TEAM_TOKEN IS NOT SET and the server listens on a non-loopback address: "+
			"the team and case API (and the page's team view) will refuse every request until TEAM_TOKEN is set",
			"addr", o.Addr)
	}
	s.handler = s.routes()
	return s
}

// Mount serves h at pattern (http.ServeMux syntax) on the web server: the
// HTTP endpoints other platforms call (Slack's Events API, WeCom's
// callback). Call it before the server starts serving. h gets the same
// security headers as every other route.
func (s *Server) Mount(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// MountTeam is Mount for endpoints only the team may use (/metrics): they
// get the team routes' guard (TEAM_TOKEN, or on loopback without one, this
// machine's own tools only).
func (s *Server) MountTeam(pattern string, h http.Handler) { s.mux.Handle(pattern, s.teamOnly(h)) }

// Handler returns the handler serving the API and the page.
func (s *Server) Handler() http.Handler { return s.handler }

// Close ends the long polls in progress at once (each answers with what it
// has) and makes later ones answer without waiting. Call it when the HTTP
// server shuts down (http.Server.RegisterOnShutdown), so that shutdown does
// not wait for polls of up to a minute. Deliver keeps working.
func (s *Server) Close() { s.closeOnce.Do(func() { close(s.closing) }) }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.mux = mux
	mux.Handle("/{$}", methods{http.MethodGet: s.page})
	mux.Handle("/healthz", methods{http.MethodGet: s.health})
	mux.Handle("/readyz", methods{http.MethodGet: s.ready})
	mux.Handle("/api/sessions", methods{http.MethodPost: s.postSession})
	mux.Handle("/api/config", methods{http.MethodGet: s.config})
	mux.Handle("/api/customers/{id}/messages", methods{
		http.MethodPost: s.customerOnly(s.postCustomerMessage),
		http.MethodGet:  s.customerOnly(s.getCustomerMessages),
	})
	mux.Handle("/api/team/messages", s.teamOnly(methods{
		http.MethodPost: s.postTeamMessage,
		http.MethodGet:  s.getTeamMessages,
	}))
	mux.Handle("/api/team/config", s.teamOnly(methods{http.MethodGet: s.teamConfig}))
	mux.Handle("/api/cases", s.teamOnly(methods{http.MethodGet: s.listCases}))
	mux.Handle("/api/cases/{id}", s.teamOnly(methods{http.MethodGet: s.getCase}))
	mux.Handle("/api/export", s.teamOnly(methods{http.MethodGet: s.getExport}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, bot.Errorf(bot.ENOTFOUND, "web", "no route for %s %s", r.Method, r.URL.Path))
	})
	return s.logRequests(secure(mux))
}

// logRequests logs one line per request at debug: method, path, status,
// duration and client address. Never the query (it is not secret here, but
// it is not needed), a header or a body: tokens travel in headers.
func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.log.Enabled(r.Context(), slog.LevelDebug) {
			h.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		s.log.Debug("web: request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"ms", time.Since(start).Milliseconds(), "client", s.clientAddr(r))
	})
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// secure sets the headers every response carries. The page replaces the
// Content-Security-Policy with its own.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// methods routes one path by request method and answers 405 for the others.
type methods map[string]http.HandlerFunc

func (m methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := m[r.Method]
	if h == nil && r.Method == http.MethodHead {
		h = m[http.MethodGet]
	}
	if h == nil {
		var allow []string
		for k := range m {
			allow = append(allow, k)
		}
		slices.Sort(allow)
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, &bot.Error{Code: codeMethodNotAllowed, Op: "web",
			Message: "method " + r.Method + " is not allowed here; use " + strings.Join(allow, " or ")})
		return
	}
	h(w, r)
}

// teamOnly guards the team and case routes: with a token, the request must
// carry it; without one, the server must listen on loopback only and the
// request must come from this machine's own pages or tools.
func (s *Server) teamOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case s.hasToken:
			if !s.authorized(r) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="complaintbot team"`)
				s.fail(w, r, &bot.Error{Code: codeUnauthorized, Op: "web",
					Message: "the team API needs the header Authorization: Bearer <TEAM_TOKEN>"})
				return
			}
		case !s.loopback:
			s.fail(w, r, bot.Errorf(bot.EFORBIDDEN, "web",
				"the team API is disabled: the server listens on a non-loopback address and TEAM_TOKEN is not set; set TEAM_TOKEN"))
			return
		default:
			if err := sameMachine(r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// authorized reports whether the request carries the team token. Both sides
// are hashed first so the comparison takes the same time whatever the
// length of what was sent.
func (s *Server) authorized(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	return subtle.ConstantTimeCompare(got[:], s.tokenHash[:]) == 1
}

// sameMachine refuses, when the team API runs without a token on loopback,
// requests that a browser makes on behalf of another site (cross-site
// requests, or a DNS name rebound to 127.0.0.1): without a token, being on
// this machine is the only credential, and a web page elsewhere must not
// borrow it.
func sameMachine(r *http.Request) error {
	forbid := func(why string) error {
		return bot.Errorf(bot.EFORBIDDEN, "web", "%s; without TEAM_TOKEN the team API only answers this machine's own page and tools", why)
	}
	if !isLoopback(r.Host) {
		return forbid("the request's host is not a loopback name")
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return forbid("cross-site request")
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return forbid("cross-origin request")
		}
	}
	return nil
}

// IsLoopback reports whether addr (host:port, or a bare host) names only
// this machine: what decides whether the team API may run without a token.
func IsLoopback(addr string) bool { return isLoopback(addr) }

// isLoopback reports whether addr (host:port, or a bare host) names only
// this machine. An empty host (":8080") listens on every interface and is
// not loopback.
func isLoopback(addr string) bool {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
