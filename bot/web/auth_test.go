package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/complaintbot/complaintbot/bot/web"
)

// teamRoutes are the routes behind the team token, with a request each
// answers 200 or 202 to when let in.
var teamRoutes = []struct {
	method, path, body string
}{
	{"GET", "/api/team/messages", ""},
	{"GET", "/api/team/messages?as=bob", ""},
	{"POST", "/api/team/messages", `{"staff": "alice", "text": "cases"}`},
	{"GET", "/api/team/config", ""},
	{"GET", "/api/cases", ""},
	{"GET", "/api/cases?status=open", ""},
}

func body(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

func TestTeamToken(t *testing.T) {
	const token = "s3cret-team-token-value"
	for _, addr := range []string{"127.0.0.1:8080", "0.0.0.0:8080"} {
		t.Run(addr, func(t *testing.T) {
			e := newEnv(t, func(o *web.Options) { o.Token, o.Addr = token, addr })
			for _, rt := range teamRoutes {
				for _, tt := range []struct {
					name   string
					header string
					status int
				}{
					{"no token", "", http.StatusUnauthorized},
					{"wrong token", "Authorization: Bearer not-the-token", http.StatusUnauthorized},
					{"token prefix", "Authorization: Bearer s3cret", http.StatusUnauthorized},
					{"other scheme", "Authorization: Basic " + token, http.StatusUnauthorized},
					{"the token", "Authorization: Bearer " + token, 0},
					{"lower-case scheme", "Authorization: bearer " + token, 0},
				} {
					var hs []string
					if tt.header != "" {
						hs = append(hs, tt.header)
					}
					r := e.do(t, rt.method, rt.path, body(rt.body), hs...)
					ok := r.status == http.StatusOK || r.status == http.StatusAccepted
					switch {
					case tt.status == 0 && !ok:
						t.Errorf("%s %s with %s = %d %s, want it let in", rt.method, rt.path, tt.name, r.status, r.body)
					case tt.status != 0 && r.status != tt.status:
						t.Errorf("%s %s with %s = %d %s, want %d", rt.method, rt.path, tt.name, r.status, r.body, tt.status)
					case tt.status == http.StatusUnauthorized && (r.errCode() != "unauthorized" || r.header.Get("WWW-Authenticate") == ""):
						t.Errorf("%s %s with %s: %s, %q; want an unauthorized error and WWW-Authenticate", rt.method, rt.path, tt.name, r.body, r.header.Get("WWW-Authenticate"))
					}
				}
			}
			// The customer routes need no team token, only the
			// customer's own session (which e.post sends), and the team
			// token is no customer's session.
			if r := e.post(t, "/api/customers/kay/messages", map[string]string{"text": "hello"}); r.status != http.StatusAccepted {
				t.Errorf("customer POST = %d %s, want 202 without a team token", r.status, r.body)
			}
			if r := e.do(t, http.MethodGet, "/api/customers/kay/messages", nil); r.status != http.StatusOK {
				t.Errorf("customer GET = %d %s, want 200 without a team token", r.status, r.body)
			}
			if r := e.do(t, http.MethodGet, "/api/customers/kay/messages", nil, "Authorization: Bearer "+token); r.status != http.StatusUnauthorized {
				t.Errorf("customer GET with the team token = %d, want 401", r.status)
			}
			if strings.Contains(e.logs.String(), token) {
				t.Errorf("the token appears in the logs:\n%s", e.logs)
			}
		})
	}
}

func TestNonLoopbackWithoutToken(t *testing.T) {
	for _, addr := range []string{":8080", "0.0.0.0:8080", "192.168.1.5:8080", "[::]:8080", ""} {
		t.Run(addr, func(t *testing.T) {
			e := newEnv(t, func(o *web.Options) { o.Addr = addr })
			if logs := e.logs.String(); !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "TEAM_TOKEN") {
				t.Errorf("no loud warning at New:\n%s", logs)
			}
			for _, rt := range teamRoutes {
				r := e.do(t, rt.method, rt.path, body(rt.body), "Authorization: Bearer anything")
				if r.status != http.StatusForbidden || !strings.Contains(r.errMessage(), "TEAM_TOKEN") {
					t.Errorf("%s %s = %d %s, want 403 saying TEAM_TOKEN must be set", rt.method, rt.path, r.status, r.body)
				}
			}
			if r := e.post(t, "/api/customers/lu/messages", map[string]string{"text": "hello"}); r.status != http.StatusAccepted {
				t.Errorf("customer POST = %d %s, want 202", r.status, r.body)
			}
		})
	}
}

func TestLoopbackWithoutToken(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080"} {
		t.Run(addr, func(t *testing.T) {
			e := newEnv(t, func(o *web.Options) { o.Addr = addr })
			if strings.Contains(e.logs.String(), "TEAM_TOKEN") {
				t.Errorf("warning on a loopback address:\n%s", e.logs)
			}
			for _, rt := range teamRoutes {
				if r := e.do(t, rt.method, rt.path, body(rt.body)); r.status != http.StatusOK && r.status != http.StatusAccepted {
					t.Errorf("%s %s = %d %s, want it let in", rt.method, rt.path, r.status, r.body)
				}
			}
		})
	}

	// Without a token, being on this machine is the credential: a page of
	// another site in the user's browser must not borrow it.
	e := newEnv(t)
	for _, tt := range []struct {
		name   string
		header string
		status int
	}{
		{"the page itself", "Origin: " + e.srv.URL, http.StatusAccepted},
		{"same-origin fetch", "Sec-Fetch-Site: same-origin", http.StatusAccepted},
		{"another site", "Origin: https://evil.example", http.StatusForbidden},
		{"another port", "Origin: http://127.0.0.1:1", http.StatusForbidden},
		{"cross-site fetch", "Sec-Fetch-Site: cross-site", http.StatusForbidden},
		{"a rebound DNS name", "Host: evil.example", http.StatusForbidden},
	} {
		r := e.do(t, http.MethodPost, "/api/team/messages", []byte(`{"staff": "alice", "text": "cases"}`), tt.header)
		if r.status != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, r.status, r.body, tt.status)
		}
	}
}
