package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// TestPublicAddressNeedsTeamToken: a non-loopback WEB_ADDR without
// TEAM_TOKEN does not start, and says why; with a token it starts.
func TestPublicAddressNeedsTeamToken(t *testing.T) {
	var stdout, stderr syncBuffer
	ready := make(chan string, 1)
	err := run(context.Background(), nil, getenv(map[string]string{"WEB_ADDR": "0.0.0.0:0"}), &stdout, &stderr, ready)
	if err == nil || !strings.Contains(err.Error(), "TEAM_TOKEN") || len(ready) > 0 {
		t.Fatalf("run on 0.0.0.0 without TEAM_TOKEN = %v (ready %d), want a refusal naming TEAM_TOKEN", err, len(ready))
	}
	b := startBot(t, map[string]string{"WEB_ADDR": "0.0.0.0:0", "TEAM_TOKEN": "team-token-0123456789"})
	if r := b.do(t, http.MethodGet, "/api/cases", nil); r.status != http.StatusUnauthorized {
		t.Errorf("the case API without the token = %d, want 401", r.status)
	}
}

// TestGeneratedWebSecretIsKept: without WEB_SECRET the bot makes one and
// keeps it in Redis, so a session made before a restart (or on another
// replica) still works after it.
func TestGeneratedWebSecretIsKept(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{"REDIS_URL": srv.URL(), "WEB_ADDR": "127.0.0.1:0", "WEB_SECRET": ""}
	a := startBot(t, env)
	r := a.do(t, http.MethodPost, "/api/sessions", nil)
	var s struct{ Customer, Token string }
	if err := json.Unmarshal(r.body, &s); err != nil || r.status != http.StatusCreated {
		t.Fatalf("POST /api/sessions = %d %s", r.status, r.body)
	}
	if err := a.stop(t); err != nil {
		t.Fatal(err)
	}
	kept, err := srv.Client(t).Get(context.Background(), "cb:secret:web").Result()
	if err != nil || len(kept) < 32 {
		t.Fatalf("the kept secret = %q, %v; want 32 bytes or more", kept, err)
	}
	b := startBot(t, env)
	path := "/api/customers/" + s.Customer + "/messages"
	if r := b.do(t, http.MethodGet, path, nil, "Authorization: Bearer "+s.Token); r.status != http.StatusOK {
		t.Errorf("the session after a restart = %d %s, want 200", r.status, r.body)
	}
	if r := b.do(t, http.MethodGet, path, nil, "Authorization: Bearer x"+s.Token); r.status != http.StatusUnauthorized {
		t.Errorf("a wrong token = %d, want 401", r.status)
	}
	if out := a.stderr.String() + b.stderr.String(); strings.Contains(out, kept) || strings.Contains(out, s.Token) {
		t.Errorf("the secret or a session token was logged")
	}
}

// TestRedisOutage: with Redis stopped, /readyz answers 503 naming Redis,
// /healthz stays ok, and a customer's message gets 503 with Retry-After and
// the code "unavailable" (not a bug's "internal"); once Redis is back the
// bot is ready again, the retried message is taken and answered, and what
// was said before the outage is still there. Every line of the JSON log is
// JSON, go-redis's own included.
func TestRedisOutage(t *testing.T) {
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	b := startBot(t, map[string]string{"REDIS_URL": srv.URL(), "WEB_ADDR": "127.0.0.1:0", "QUIET_WINDOW": "100ms",
		"TICK": "100ms", "LOG_FORMAT": "json", "LOG_LEVEL": "debug"})
	if r := b.do(t, http.MethodGet, "/readyz", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"redis":"ok"`) {
		t.Fatalf("readyz before the outage = %d %s", r.status, r.body)
	}
	b.say(t, "oz", "oz-1", "My order never arrived.")
	first := b.replies(t, "oz", 0)

	srv.Stop()
	r := b.do(t, http.MethodGet, "/readyz", nil)
	if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "redis: unreachable") {
		t.Errorf("readyz during the outage = %d %s, want 503 naming redis", r.status, r.body)
	}
	if r := b.do(t, http.MethodGet, "/healthz", nil); r.status != http.StatusOK {
		t.Errorf("healthz during the outage = %d, want 200 (liveness)", r.status)
	}
	res := b.do(t, http.MethodPost, "/api/customers/oz/messages", map[string]string{"id": "oz-2", "text": "Order A1."})
	if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" || !strings.Contains(string(res.body), `"code":"unavailable"`) {
		t.Errorf("a message during the outage = %d %v %s, want 503 unavailable with Retry-After", res.status, res.header, res.body)
	}

	srv.Restart(t, "--appendonly", "yes", "--appendfsync", "always")
	deadline := time.Now().Add(20 * time.Second)
	for b.do(t, http.MethodGet, "/readyz", nil).status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("not ready within 20s of Redis coming back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.say(t, "oz", "oz-2", "Order A1.")
	if more := b.replies(t, "oz", first[len(first)-1].Seq); len(more) == 0 {
		t.Error("no answer after the outage")
	}
	if err := b.stop(t); err != nil {
		t.Fatal(err)
	}
	redisLines := 0
	for _, line := range strings.Split(strings.TrimSpace(b.stderr.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("a log line is not JSON: %q", line)
			continue
		}
		if m["component"] == "go-redis" {
			redisLines++
		}
	}
	if redisLines == 0 {
		t.Errorf("no go-redis line in the log; the outage should have made some:\n%s", b.stderr)
	}
}
