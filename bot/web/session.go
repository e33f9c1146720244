package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/complaintbot/complaintbot/bot"
)

// Customer sessions.
//
// A web customer is whoever holds a session token for their id. The token
// is stateless: "v1.<id, base64url>.<expiry, unix seconds>.<mac, base64url>",
// where mac is HMAC-SHA256 over "v1", the id and the expiry under a key
// derived from the server secret (WEB_SECRET). Nothing is stored per
// session, so every replica that shares the secret accepts every token,
// and a token cannot be revoked before it expires except by changing the
// secret (which ends every session).
//
// Two ways to get one, both POST /api/sessions:
//
//   - A guest (the page's default): an empty body. The server makes a new
//     id, "guest-" and 32 hex digits (128 random bits).
//   - An embedding website's logged-in user (identity verification, as
//     Intercom's and Chatwoot's): {"user_id": "…", "user_hash": "…"}, where
//     user_hash is hex(HMAC-SHA256(WEB_SECRET, user_id)), computed by the
//     website's own server. The customer id is the website's user id, so
//     cases name the user as the website knows them. Ids starting with
//     "guest-" are refused, so the two kinds can never meet.
//
// The customer routes need the token, in "Authorization: Bearer <token>" or
// in the cookie SessionCookie that POST /api/sessions sets (HttpOnly,
// SameSite=Strict), and answer 401 when it is missing, malformed, forged,
// expired, or for another customer. Failed attempts are counted per client
// address (an IPv6 address by its /64); past the limit, every request of
// that address that needs a credential gets 429 with Retry-After until the
// bucket refills.

// SessionCookie is the name of the cookie holding a customer's session.
const SessionCookie = "complaintbot_session"

// DefaultSessionTTL is how long a session token lasts when
// Options.SessionTTL is not set.
const DefaultSessionTTL = 30 * 24 * time.Hour

// guestPrefix starts every guest id; verified user ids may not.
const guestPrefix = "guest-"

// Limits of failed credential checks per client address when
// Options.FailBurst and Options.FailEvery are not set: 10 at once, then
// one more every 6 seconds (10 a minute).
const (
	DefaultFailBurst = 10
	DefaultFailEvery = 6 * time.Second
)

// UserHash returns what an embedding website sends as user_hash for its
// user userID: hex(HMAC-SHA256(secret, userID)). The website computes it on
// its server, never in the browser.
func UserHash(secret []byte, userID string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(userID))
	return hex.EncodeToString(m.Sum(nil))
}

// sessions issues and checks session tokens.
type sessions struct {
	key []byte // derived from the secret; the secret's own use is UserHash
	// secret is kept only to check user hashes.
	secret []byte
	ttl    time.Duration
	now    func() time.Time
}

func newSessions(secret []byte, ttl time.Duration, now func() time.Time) *sessions {
	// A separate key for tokens: a user hash (HMAC of a user id under the
	// secret itself) can then never pass as a token's mac, whatever the id.
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("complaintbot web session key v1"))
	return &sessions{key: m.Sum(nil), secret: secret, ttl: ttl, now: now}
}

func (s *sessions) mac(id, exp string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("v1\x00" + id + "\x00" + exp))
	return m.Sum(nil)
}

// issue returns a token for customer id and when it expires.
func (s *sessions) issue(id string) (string, time.Time) {
	exp := s.now().Add(s.ttl).Truncate(time.Second)
	e := strconv.FormatInt(exp.Unix(), 10)
	b64 := base64.RawURLEncoding
	return "v1." + b64.EncodeToString([]byte(id)) + "." + e + "." + b64.EncodeToString(s.mac(id, e)), exp
}

// check returns the customer id of a valid, unexpired token, or "" and
// false.
func (s *sessions) check(tok string) (string, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 4 || parts[0] != "v1" {
		return "", false
	}
	b64 := base64.RawURLEncoding
	rawID, err1 := b64.DecodeString(parts[1])
	got, err2 := b64.DecodeString(parts[3])
	exp, err3 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return "", false
	}
	id := string(rawID)
	if !hmac.Equal(got, s.mac(id, parts[2])) {
		return "", false
	}
	if !s.now().Before(time.Unix(exp, 0)) {
		return "", false
	}
	return id, true
}

// checkUser reports whether hash is the user hash of userID.
func (s *sessions) checkUser(userID, hash string) bool {
	got, err := hex.DecodeString(strings.TrimSpace(hash))
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(userID))
	return hmac.Equal(got, m.Sum(nil))
}

// newGuestID returns "guest-" and 128 random bits in hex.
func newGuestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return guestPrefix + hex.EncodeToString(b[:])
}

// guard counts failed credential checks per client address.
type guard struct {
	mu     sync.Mutex
	m      map[string]*rate.Limiter
	every  time.Duration
	burst  int
	now    func() time.Time
	sweeps int
}

func newGuard(burst int, every time.Duration, now func() time.Time) *guard {
	return &guard{m: map[string]*rate.Limiter{}, burst: burst, every: every, now: now}
}

// blocked reports whether addr has used up its failed attempts, and how
// long until it may try again.
func (g *guard) blocked(addr string) (time.Duration, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	l := g.m[addr]
	if l == nil {
		return 0, false
	}
	now := g.now()
	if l.TokensAt(now) >= 1 {
		return 0, false
	}
	r := l.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return max(d, time.Second), true
}

// fail records a failed attempt of addr, and reports whether that used up
// its attempts (the first refusal of a run of them).
func (g *guard) fail(addr string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	l := g.m[addr]
	if l == nil {
		// Forget addresses whose bucket is full again, now and then, so
		// the map stays as small as the set of recent offenders.
		if g.sweeps++; g.sweeps%1024 == 0 {
			for k, v := range g.m {
				if v.TokensAt(now) >= float64(g.burst) {
					delete(g.m, k)
				}
			}
		}
		l = rate.NewLimiter(rate.Every(g.every), g.burst)
		g.m[addr] = l
	}
	l.AllowN(now, 1)
	return l.TokensAt(now) < 1
}

// clientAddr is the address failed attempts are counted by: the peer's IP
// or, when the peer is a trusted proxy, the right-most address of
// X-Forwarded-For that is not a trusted proxy (the one the first trusted
// proxy saw; those left of it are the client's say-so); an IPv6 address
// by its /64, which one subscriber usually holds whole.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if s.trusted(ip) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop := net.ParseIP(strings.TrimSpace(hops[i]))
			if hop == nil {
				break
			}
			ip = hop
			if !s.trusted(hop) {
				break
			}
		}
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}

func (s *Server) trusted(ip net.IP) bool {
	for _, n := range s.proxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// customerCredential returns the session token a request carries: the
// bearer token, or else the session cookie (only from the same site).
func customerCredential(r *http.Request) (string, bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return "", true
		}
		return strings.TrimSpace(tok), true
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return "", false
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" {
		// SameSite=Strict should keep the cookie off such requests; a
		// browser that sent it anyway does not get to use it.
		return "", true
	}
	return c.Value, true
}

// customerOnly guards a customer route: the request must carry a session
// token for the customer id in its path. The id is checked first (a bad
// id is 400 whoever asks), then the address's failed attempts (429), then
// the token (401, counted as a failed attempt).
func (s *Server) customerOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if err := bot.CheckID("customer id", id); err != nil {
			s.fail(w, r, err)
			return
		}
		addr := s.clientAddr(r)
		if wait, ok := s.guard.blocked(addr); ok {
			s.tooMany(w, r, addr, wait)
			return
		}
		tok, given := customerCredential(r)
		got, ok := s.sessions.check(tok)
		if !ok || got != id {
			s.failed(addr)
			why := "missing"
			switch {
			case given && !ok:
				why = "invalid or expired"
			case ok:
				why = "another customer's"
			}
			s.log.Info("web: customer request refused", "why", why, "client", addr, "method", r.Method, "path", r.URL.Path)
			w.Header().Set("WWW-Authenticate", `Bearer realm="complaintbot customer"`)
			s.fail(w, r, &bot.Error{Code: codeUnauthorized, Op: "web",
				Message: "this customer's messages need their session token (Authorization: Bearer <token>, or the session cookie); get one with POST /api/sessions"})
			return
		}
		h(w, r)
	}
}

// failed counts a failed attempt of addr, and warns once when that blocks
// the address (a scanner's every later request is logged at debug only).
func (s *Server) failed(addr string) {
	if s.guard.fail(addr) {
		s.log.Warn("web: too many failed credential attempts; refusing this client's credentials for now", "client", addr)
	}
}

func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, addr string, wait time.Duration) {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.log.Debug("web: refused: too many failed attempts", "client", addr, "retry_after_s", secs)
	s.fail(w, r, &bot.Error{Code: codeTooManyRequests, Op: "web",
		Message: "too many failed attempts from this address; try again in " + strconv.Itoa(secs) + " s"})
}

// sessionPost is the body of POST /api/sessions: empty for a guest, or an
// embedding website's user with its user hash.
type sessionPost struct {
	UserID   string `json:"user_id"`
	UserHash string `json:"user_hash"`
}

// sessionAnswer is the answer of POST /api/sessions.
type sessionAnswer struct {
	Customer string    `json:"customer"`
	Token    string    `json:"token"`
	Expires  time.Time `json:"expires"`
}

func (s *Server) postSession(w http.ResponseWriter, r *http.Request) {
	var p sessionPost
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		s.fail(w, r, bot.Errorf(bot.ETOOLARGE, "request body", "the request body is over the limit of %d bytes (1 MiB)", MaxBody))
		return
	}
	if len(bytes.TrimSpace(body)) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := decode(w, r, &p); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	id := newGuestID()
	if p.UserID != "" || p.UserHash != "" {
		if err := bot.CheckID("user_id", p.UserID); err != nil {
			s.fail(w, r, err)
			return
		}
		if strings.HasPrefix(p.UserID, guestPrefix) {
			s.fail(w, r, bot.Errorf(bot.EINVALID, "user_id", "user ids may not start with %q (kept for guests)", guestPrefix))
			return
		}
		addr := s.clientAddr(r)
		if wait, ok := s.guard.blocked(addr); ok {
			s.tooMany(w, r, addr, wait)
			return
		}
		if !s.sessions.checkUser(p.UserID, p.UserHash) {
			s.failed(addr)
			s.log.Info("web: identity verification failed", "client", addr)
			s.fail(w, r, &bot.Error{Code: codeUnauthorized, Op: "web",
				Message: "user_hash is not the HMAC-SHA256 of user_id under WEB_SECRET"})
			return
		}
		id = p.UserID
	}
	tok, exp := s.sessions.issue(id)
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: tok, Path: "/api/customers/", Expires: exp,
		MaxAge: int(s.sessions.ttl / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"),
	})
	s.log.Debug("web: session issued", "verified", id == p.UserID)
	writeJSON(w, http.StatusCreated, sessionAnswer{Customer: id, Token: tok, Expires: exp})
}
