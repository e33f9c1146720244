package web_test

import (
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot/web"
)

// clock is a settable clock for session expiry and the failed-attempt
// limit.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type session struct {
	Customer string    `json:"customer"`
	Token    string    `json:"token"`
	Expires  time.Time `json:"expires"`
}

func newGuest(t *testing.T, e *env) (session, response) {
	t.Helper()
	r := e.do(t, http.MethodPost, "/api/sessions", nil)
	if r.status != http.StatusCreated {
		t.Fatalf("POST /api/sessions = %d %s", r.status, r.body)
	}
	var s session
	if err := json.Unmarshal(r.body, &s); err != nil {
		t.Fatal(err)
	}
	return s, r
}

// TestGuestSession: the page's way in. A guest gets a new id with 128 bits
// of randomness and a token that opens that id's routes, in the header or
// in the cookie, and no other.
func TestGuestSession(t *testing.T) {
	e := newEnv(t)
	a, r := newGuest(t, e)
	b, _ := newGuest(t, e)
	if !regexp.MustCompile(`^guest-[0-9a-f]{32}$`).MatchString(a.Customer) || a.Customer == b.Customer {
		t.Fatalf("guest ids %q and %q: want guest- and 32 hex digits (128 bits), different", a.Customer, b.Customer)
	}
	cookie := ""
	for _, c := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, web.SessionCookie+"=") {
			cookie = c
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/api/customers/", a.Token} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %q", cookie, want)
		}
	}
	path := "/api/customers/" + a.Customer + "/messages"
	if r := e.post(t, path, map[string]string{"text": "my parcel is lost"}, "Authorization: Bearer "+a.Token); r.status != http.StatusAccepted {
		t.Fatalf("POST with the header = %d %s", r.status, r.body)
	}
	if r := e.do(t, http.MethodGet, path, nil, "Cookie: "+web.SessionCookie+"="+a.Token); r.status != http.StatusOK {
		t.Fatalf("GET with the cookie = %d %s", r.status, r.body)
	}
	if r := e.do(t, http.MethodGet, path, nil, "Cookie: "+web.SessionCookie+"="+a.Token, "Sec-Fetch-Site: cross-site"); r.status != http.StatusUnauthorized {
		t.Errorf("GET with the cookie from another site = %d %s, want 401", r.status, r.body)
	}
	if strings.Contains(e.logs.String(), a.Token) {
		t.Errorf("a session token appears in the log")
	}
	if !strings.Contains(e.logs.String(), `msg="web: request" method=POST path=/api/sessions status=201`) {
		t.Errorf("no debug line for the request in the log:\n%s", e.logs)
	}
}

// TestSessionRefusals: without a token, with a wrong, forged, expired or
// another customer's token, a customer route answers 401 and nothing is
// stored or read.
func TestSessionRefusals(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	e := newEnv(t, func(o *web.Options) { o.Now = clk.now; o.SessionTTL = time.Hour; o.FailBurst = 100 })
	victim, _ := newGuest(t, e)
	other, _ := newGuest(t, e)
	// A token made with another secret, for the victim's id.
	forger := newEnv(t)
	forged := forger.post(t, "/api/sessions", map[string]string{"user_id": victim.Customer[len("guest-"):] + "x", "user_hash": web.UserHash(testSecret, victim.Customer[len("guest-"):]+"x")})
	var f session
	_ = json.Unmarshal(forged.body, &f)
	parts := strings.Split(f.Token, ".")
	if len(parts) != 4 {
		t.Fatalf("token %q has not 4 parts", f.Token)
	}
	// Same shape, the victim's id, the forger's mac.
	vparts := strings.Split(victim.Token, ".")
	forgedTok := strings.Join([]string{vparts[0], vparts[1], vparts[2], parts[3]}, ".")
	later := strings.Join([]string{vparts[0], vparts[1], strconv.FormatInt(clk.now().Add(100*time.Hour).Unix(), 10), vparts[3]}, ".")

	path := "/api/customers/" + victim.Customer + "/messages"
	for _, tc := range []struct{ name, header string }{
		{"without", noSession},
		{"wrong", "Authorization: Bearer nonsense"},
		{"not bearer", "Authorization: Basic " + victim.Token},
		{"another customer's", "Authorization: Bearer " + other.Token},
		{"forged", "Authorization: Bearer " + forgedTok},
		{"expiry moved", "Authorization: Bearer " + later},
		{"cookie of another customer", "Cookie: " + web.SessionCookie + "=" + other.Token},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				var body []byte
				if method == http.MethodPost {
					body = []byte(`{"text":"never mind"}`)
				}
				r := e.do(t, method, path, body, tc.header)
				if r.status != http.StatusUnauthorized || r.errCode() != "unauthorized" || r.header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s = %d %s, want 401 unauthorized with WWW-Authenticate", method, r.status, r.body)
				}
			}
		})
	}
	t.Run("expired", func(t *testing.T) {
		ok := e.do(t, http.MethodGet, path, nil, "Authorization: Bearer "+victim.Token)
		if ok.status != http.StatusOK {
			t.Fatalf("before expiry: %d %s", ok.status, ok.body)
		}
		clk.add(time.Hour)
		if r := e.do(t, http.MethodGet, path, nil, "Authorization: Bearer "+victim.Token); r.status != http.StatusUnauthorized {
			t.Errorf("after expiry: %d %s, want 401", r.status, r.body)
		}
	})
	if tx := e.transcript(t, victim.Customer, 1); len(tx) != 0 {
		t.Errorf("refused posts reached the victim's transcript: %v", tx)
	}
}

// TestIdentityVerification: an embedding website signs its user's id with
// the secret; the bot accepts that user as the customer of that id, and
// refuses a wrong hash and ids in the guests' namespace.
func TestIdentityVerification(t *testing.T) {
	e := newEnv(t)
	r := e.post(t, "/api/sessions", map[string]string{"user_id": "shop-user-42", "user_hash": web.UserHash(testSecret, "shop-user-42")})
	var s session
	if err := json.Unmarshal(r.body, &s); err != nil || r.status != http.StatusCreated || s.Customer != "shop-user-42" {
		t.Fatalf("verified session = %d %s", r.status, r.body)
	}
	if r := e.post(t, "/api/customers/shop-user-42/messages", map[string]string{"text": "hello"}, "Authorization: Bearer "+s.Token); r.status != http.StatusAccepted {
		t.Errorf("POST as the verified user = %d %s", r.status, r.body)
	}
	for _, tc := range []struct {
		name   string
		body   map[string]string
		status int
	}{
		{"wrong hash", map[string]string{"user_id": "shop-user-42", "user_hash": web.UserHash([]byte("another secret, 32 bytes long..."), "shop-user-42")}, 401},
		{"hash of another user", map[string]string{"user_id": "shop-user-42", "user_hash": web.UserHash(testSecret, "shop-user-43")}, 401},
		{"no hash", map[string]string{"user_id": "shop-user-42"}, 401},
		{"guest namespace", map[string]string{"user_id": "guest-00", "user_hash": web.UserHash(testSecret, "guest-00")}, 400},
		{"hash without id", map[string]string{"user_hash": "00"}, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := e.post(t, "/api/sessions", tc.body); r.status != tc.status {
				t.Errorf("= %d %s, want %d", r.status, r.body, tc.status)
			}
		})
	}
}

// TestGuessingIsRateLimited: a scanner walking customer ids gets 401s
// until its address has used its failed attempts, then 429 with
// Retry-After for everything that needs a credential, even a right one;
// other addresses are not affected, and the address may try again once
// the bucket refills.
func TestGuessingIsRateLimited(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	e := newEnv(t, func(o *web.Options) { o.Now = clk.now; o.FailBurst = 5; o.FailEvery = 10 * time.Second })
	mine, _ := newGuest(t, e)
	statuses := map[int]int{}
	for i := range 20 {
		r := e.do(t, http.MethodGet, "/api/customers/guest-"+strconv.Itoa(1000+i)+"/messages", nil, noSession)
		statuses[r.status]++
		if r.status == http.StatusTooManyRequests {
			if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 || ra > 10 {
				t.Errorf("Retry-After = %q, want 1..10 s", r.header.Get("Retry-After"))
			}
			if r.errCode() != "too_many_requests" {
				t.Errorf("429 body %s", r.body)
			}
		}
	}
	if statuses[401] != 5 || statuses[429] != 15 {
		t.Errorf("answers to 20 guesses: %v, want 5×401 then 15×429", statuses)
	}
	if n := strings.Count(e.logs.String(), "too many failed credential attempts"); n != 1 {
		t.Errorf("the block was warned about %d times, want once", n)
	}
	// Wrong user hashes count too.
	if r := e.post(t, "/api/sessions", map[string]string{"user_id": "u1", "user_hash": "00"}); r.status != http.StatusTooManyRequests {
		t.Errorf("identity verification while blocked = %d, want 429", r.status)
	}
	if r := e.do(t, http.MethodGet, "/api/customers/"+mine.Customer+"/messages", nil, "Authorization: Bearer "+mine.Token); r.status != http.StatusTooManyRequests {
		t.Errorf("a right token from a blocked address = %d, want 429", r.status)
	}
	clk.add(10 * time.Second)
	if r := e.do(t, http.MethodGet, "/api/customers/"+mine.Customer+"/messages", nil, "Authorization: Bearer "+mine.Token); r.status != http.StatusOK {
		t.Errorf("after the bucket refilled = %d %s, want 200", r.status, r.body)
	}
}

// TestTrustedProxies: behind a trusted proxy, failed attempts count per
// client (X-Forwarded-For), so one scanner does not lock out every customer
// behind the proxy; from an untrusted peer the header is ignored, so a
// scanner cannot escape the limit by writing it.
func TestTrustedProxies(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	guess := func(e *env, xff string) int {
		return e.do(t, http.MethodGet, "/api/customers/guest-1/messages", nil, noSession, "X-Forwarded-For: "+xff).status
	}
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8")
	behind := newEnv(t, func(o *web.Options) { o.Now = clk.now; o.FailBurst = 3; o.TrustedProxies = []*net.IPNet{loopback} })
	for range 3 {
		guess(behind, "203.0.113.9")
	}
	if got := guess(behind, "203.0.113.9"); got != http.StatusTooManyRequests {
		t.Errorf("the scanner behind the proxy: %d, want 429", got)
	}
	if got := guess(behind, "198.51.100.7, 203.0.113.77"); got != http.StatusUnauthorized {
		t.Errorf("another client behind the proxy: %d, want 401 (its own bucket)", got)
	}
	if got := guess(behind, "203.0.113.9, 127.0.0.5"); got != http.StatusTooManyRequests {
		t.Errorf("the scanner through two trusted proxies: %d, want 429", got)
	}

	direct := newEnv(t, func(o *web.Options) { o.Now = clk.now; o.FailBurst = 3 })
	for i := range 3 {
		guess(direct, "192.0.2."+strconv.Itoa(i))
	}
	if got := guess(direct, "192.0.2.200"); got != http.StatusTooManyRequests {
		t.Errorf("an untrusted peer writing X-Forwarded-For: %d, want 429 (the header ignored)", got)
	}
}
