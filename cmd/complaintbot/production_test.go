package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

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
