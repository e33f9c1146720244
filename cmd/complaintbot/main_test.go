package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot/web"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// syncBuffer is an io.Writer the bot's goroutines write to while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runningBot is one run() of the command, serving until stop.
type runningBot struct {
	addr           string
	base           string
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan error

	secret string // WEB_SECRET
	mu     sync.Mutex
	tokens map[string]string // customers' session tokens by id
}

// testWebSecret is WEB_SECRET for bots whose test does not set one.
const testWebSecret = "test-web-secret-0123456789abcdef"

// getenv serves settings from m only, so the tests do not depend on the
// environment they run in.
func getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// startBot runs the command with env and waits until its web channel
// listens. The bot is stopped when the test ends, if the test did not.
// WEB_SECRET is testWebSecret unless env has the key (empty: the bot keeps
// one in Redis).
func startBot(t *testing.T, env map[string]string, args ...string) *runningBot {
	t.Helper()
	if _, ok := env["WEB_SECRET"]; !ok {
		env["WEB_SECRET"] = testWebSecret
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &runningBot{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1),
		secret: env["WEB_SECRET"], tokens: map[string]string{}}
	ready := make(chan string, 1)
	go func() { b.done <- run(ctx, args, getenv(env), b.stdout, b.stderr, ready) }()
	select {
	case b.addr = <-ready:
	case err := <-b.done:
		cancel()
		t.Fatalf("run returned before it was ready: %v\nstderr:\n%s", err, b.stderr)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("run was not ready within 30s\nstderr:\n%s", b.stderr)
	}
	b.base = "http://" + b.addr
	t.Cleanup(func() {
		cancel()
		select {
		case <-b.done:
		case <-time.After(20 * time.Second):
			t.Errorf("run did not return within 20s of the end of its context")
		}
	})
	return b
}

// stop ends the bot's context and returns what run returned.
func (b *runningBot) stop(t *testing.T) error {
	t.Helper()
	b.cancel()
	select {
	case err := <-b.done:
		b.done <- err // for the cleanup
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("run did not return within 20s of the end of its context\nstderr:\n%s", b.stderr)
		return nil
	}
}

type response struct {
	status int
	body   []byte
	header http.Header
}

// do sends a request to the bot. A request to a customer's route carries
// that customer's session token, got as an embedding website's page gets
// one (see session).
func (b *runningBot) do(t *testing.T, method, path string, body any, headers ...string) response {
	t.Helper()
	if rest, ok := strings.CutPrefix(path, "/api/customers/"); ok && len(headers) == 0 {
		id, _, _ := strings.Cut(rest, "/")
		headers = append(headers, "Authorization: Bearer "+b.session(t, id))
	}
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, b.base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return response{res.StatusCode, data, res.Header}
}

// session returns a session token for web customer id: POST
// /api/sessions with the id and its user hash under the bot's WEB_SECRET,
// as an embedding website's logged-in page does.
func (b *runningBot) session(t *testing.T, id string) string {
	t.Helper()
	b.mu.Lock()
	tok, ok := b.tokens[id]
	b.mu.Unlock()
	if ok {
		return tok
	}
	r := b.do(t, http.MethodPost, "/api/sessions", map[string]string{"user_id": id, "user_hash": web.UserHash([]byte(b.secret), id)})
	var a struct{ Customer, Token string }
	if err := json.Unmarshal(r.body, &a); err != nil || r.status != http.StatusCreated || a.Customer != id {
		t.Fatalf("POST /api/sessions for %q = %d %s", id, r.status, r.body)
	}
	b.mu.Lock()
	b.tokens[id] = a.Token
	b.mu.Unlock()
	return a.Token
}

// say posts a customer message and checks it was accepted.
func (b *runningBot) say(t *testing.T, customer, id, text string) response {
	t.Helper()
	r := b.do(t, http.MethodPost, "/api/customers/"+customer+"/messages", map[string]string{"id": id, "text": text})
	if r.status != http.StatusAccepted {
		t.Fatalf("POST message %q = %d %s", text, r.status, r.body)
	}
	return r
}

type customerMsg struct {
	Seq  int64  `json:"seq"`
	From string `json:"from"`
	Text string `json:"text"`
}

// replies long-polls the customer's feed after seq until the bot says
// something, failing the test at the deadline.
func (b *runningBot) replies(t *testing.T, customer string, after int64) []customerMsg {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r := b.do(t, http.MethodGet, "/api/customers/"+customer+"/messages?wait=2&after="+strconv.FormatInt(after, 10), nil)
		if r.status != http.StatusOK {
			t.Fatalf("GET customer feed = %d %s", r.status, r.body)
		}
		var p struct {
			Messages []customerMsg `json:"messages"`
		}
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatalf("customer feed: %v: %s", err, r.body)
		}
		if len(p.Messages) > 0 {
			return p.Messages
		}
	}
	t.Fatalf("the bot said nothing to %s after #%d within 30s", customer, after)
	return nil
}

// TestRestartKeepsEverything drives a customer through part of an intake,
// shuts the bot down gracefully, starts it again on the same Redis and
// finishes the intake: the case holds the facts given before the restart.
func TestRestartKeepsEverything(t *testing.T) {
	srv := redistest.Start(t)
	env := map[string]string{
		"REDIS_URL":    srv.URL(),
		"WEB_ADDR":     "127.0.0.1:0",
		"QUIET_WINDOW": "200ms",
		"TICK":         "100ms",
		"STAFF":        "alice",
		"TZ":           "UTC",
		"LOG_LEVEL":    "debug",
	}

	b := startBot(t, env)
	if host, port, err := net.SplitHostPort(b.addr); err != nil || host != "127.0.0.1" || port == "0" {
		t.Fatalf("ready reported %q, want the real 127.0.0.1 address", b.addr)
	}
	if !strings.Contains(b.stdout.String(), "http://"+b.addr+"/") {
		t.Errorf("stdout = %q, want the web channel's URL", b.stdout)
	}
	if r := b.do(t, http.MethodGet, "/healthz", nil); r.status != http.StatusOK {
		t.Fatalf("healthz = %d %s", r.status, r.body)
	}

	const first = "My new washing machine (order 88231) flooded the kitchen yesterday at your Berlin store. I want a replacement."
	b.say(t, "ruth", "ruth-1", first)
	ack := b.replies(t, "ruth", 0)
	if ack[0].Seq != 1 || ack[0].From != "bot" || strings.TrimSpace(ack[0].Text) == "" {
		t.Fatalf("first reply = %+v", ack[0])
	}
	if err := b.stop(t); err != nil {
		t.Fatalf("graceful shutdown returned %v, want nil", err)
	}
	if !strings.Contains(b.stderr.String(), "msg=stopped") {
		t.Errorf("no 'stopped' in the log:\n%s", b.stderr)
	}

	b = startBot(t, env)
	// The feed survived: the acknowledgement is still there.
	if got := b.replies(t, "ruth", 0); got[0].Text != ack[0].Text {
		t.Errorf("after the restart the feed starts with %q, want %q", got[0].Text, ack[0].Text)
	}
	// So did the de-duplication of message ids.
	if r := b.say(t, "ruth", "ruth-1", first); !strings.Contains(string(r.body), `"duplicate":true`) {
		t.Errorf("re-sent message = %s, want it recognised as a duplicate", r.body)
	}

	// The first answer after the restart may take up to the sender's lease
	// (10 s): the stopped process does not give its lease back (see
	// docs/design-notes.md); replies waits up to 30 s.
	b.say(t, "ruth", "ruth-2", "No, that's all.")
	summary := b.replies(t, "ruth", ack[len(ack)-1].Seq)
	last := summary[len(summary)-1]
	if !strings.Contains(last.Text, "88231") {
		t.Fatalf("after the restart the bot said %q, want the summary with the order given before it", last.Text)
	}
	b.say(t, "ruth", "ruth-3", "Yes, that's right.")
	b.replies(t, "ruth", last.Seq)

	var caseID string
	deadline := time.Now().Add(30 * time.Second)
	for caseID == "" && time.Now().Before(deadline) {
		r := b.do(t, http.MethodGet, "/api/cases", nil)
		var list struct {
			Cases []struct {
				ID         string `json:"id"`
				CustomerID string `json:"customer_id"`
			} `json:"cases"`
		}
		if r.status != http.StatusOK || json.Unmarshal(r.body, &list) != nil {
			t.Fatalf("GET /api/cases = %d %s", r.status, r.body)
		}
		for _, c := range list.Cases {
			if c.CustomerID == "ruth" {
				caseID = c.ID
			}
		}
		if caseID == "" {
			b.do(t, http.MethodGet, "/api/team/messages?wait=0.5&after=1000000", nil) // wait a little, on the server
		}
	}
	if caseID == "" {
		t.Fatalf("no case for ruth within 30s; customer feed: %+v", b.replies(t, "ruth", 0))
	}

	r := b.do(t, http.MethodGet, "/api/cases/"+caseID, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/cases/%s = %d %s", caseID, r.status, r.body)
	}
	var c struct {
		Facts map[string]struct {
			Value string `json:"value"`
		} `json:"facts"`
		Transcript []struct {
			From string `json:"from"`
			ID   string `json:"id"`
			Text string `json:"text"`
		} `json:"transcript"`
	}
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Facts["order"].Value, "88231") || !strings.Contains(c.Facts["outcome"].Value, "replacement") {
		t.Errorf("facts = %+v, want the order and the outcome given before the restart", c.Facts)
	}
	var ids []string
	for _, e := range c.Transcript {
		if e.From == "customer" {
			ids = append(ids, e.ID)
		}
	}
	if strings.Join(ids, ",") != "ruth-1,ruth-2,ruth-3" {
		t.Errorf("customer messages in the transcript = %v, want ruth-1,ruth-2,ruth-3 (once each)", ids)
	}
	if len(c.Transcript) < 2 || c.Transcript[1].Text != ack[0].Text {
		t.Errorf("transcript = %+v, want the acknowledgement sent before the restart second", c.Transcript)
	}

	// The case's card reached the team feed.
	team := b.do(t, http.MethodGet, "/api/team/messages?wait=5", nil)
	if !strings.Contains(string(team.body), `"kind":"card"`) || !strings.Contains(string(team.body), `"case":"`+caseID+`"`) {
		t.Errorf("team feed = %s, want the card of case %s", team.body, caseID)
	}
	t.Logf("DEBUG before stop")
	if err := b.stop(t); err != nil {
		t.Fatalf("graceful shutdown returned %v, want nil", err)
	}
	t.Logf("DEBUG stderr:\n%s", b.stderr)
}

// TestShutdownEndsLongPolls: a long poll in progress does not hold up the
// shutdown (the web server's Close runs on HTTP shutdown); it is answered
// at once with what there is.
func TestShutdownEndsLongPolls(t *testing.T) {
	srv := redistest.Start(t)
	b := startBot(t, map[string]string{"REDIS_URL": srv.URL(), "WEB_ADDR": "127.0.0.1:0"})
	// The poll is known to be in progress once Redis sees it read ivy's
	// feed (a request read after the shutdown began would be dropped by
	// net/http, not answered).
	polling := watchRedis(t, srv.Addr, "customer:ivy")
	tok := b.session(t, "ivy")

	type result struct {
		status int
		body   string
		err    error
	}
	polled := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, b.base+"/api/customers/ivy/messages?wait=50", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			polled <- result{err: err}
			return
		}
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		polled <- result{res.StatusCode, string(data), err}
	}()
	select {
	case <-polling:
	case r := <-polled:
		t.Fatalf("the long poll ended at once: %+v", r)
	case <-time.After(10 * time.Second):
		t.Fatal("the long poll did not reach Redis within 10s")
	}

	start := time.Now()
	if err := b.stop(t); err != nil {
		t.Fatalf("graceful shutdown returned %v, want nil", err)
	}
	if took := time.Since(start); took > shutdownGrace/2 {
		t.Errorf("shutdown took %s with a long poll open, want it cut short", took)
	}
	select {
	case r := <-polled:
		if r.err != nil || r.status != http.StatusOK || !strings.Contains(r.body, `"messages":[]`) {
			t.Errorf("the long poll got %d %q (%v), want 200 with no messages\nstderr:\n%s", r.status, r.body, r.err, b.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the long poll was not answered within 10s of the shutdown")
	}
}

// watchRedis returns a channel closed once the redis-server at addr runs a
// command mentioning substr (seen through MONITOR).
func watchRedis(t *testing.T, addr, substr string) <-chan struct{} {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	rd := bufio.NewReader(conn)
	if _, err := conn.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatal(err)
	}
	if line, err := rd.ReadString('\n'); err != nil || !strings.HasPrefix(line, "+OK") {
		t.Fatalf("MONITOR = %q, %v", line, err)
	}
	seen := make(chan struct{})
	go func() {
		for {
			line, err := rd.ReadString('\n')
			if err != nil {
				return
			}
			if strings.Contains(line, substr) {
				close(seen)
				return
			}
		}
	}()
	return seen
}

// TestPeriodicJobsRun: the digest, review and reconcile jobs are wired on
// their cron specs, each fire taking its Redis lock.
func TestPeriodicJobsRun(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	b := startBot(t, map[string]string{
		"REDIS_URL":      srv.URL(),
		"WEB_ADDR":       "127.0.0.1:0",
		"DIGEST_CRON":    "@every 1s",
		"REVIEW_CRON":    "@every 1s",
		"RECONCILE_CRON": "@every 1s",
		"LOG_LEVEL":      "debug",
	})
	ctx := context.Background()
	for _, job := range []string{"digest", "review", "reconcile"} {
		deadline := time.Now().Add(20 * time.Second)
		for {
			keys, err := rdb.Keys(ctx, "cb:periodic:lock:"+job+":*").Result()
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("job %s never took its lock within 20s\nstderr:\n%s", job, b.stderr)
			}
			// Wait on Redis's side rather than sleeping here.
			rdb.BLPop(ctx, 200*time.Millisecond, "cb:test:nothing")
		}
	}
	if err := b.stop(t); err != nil {
		t.Fatalf("graceful shutdown returned %v, want nil", err)
	}
	if s := b.stderr.String(); strings.Contains(s, "periodic job failed") {
		t.Errorf("a periodic job failed:\n%s", s)
	}
}

// TestHelp lists every setting with its default, and no secret.
func TestHelp(t *testing.T) {
	var stdout, stderr syncBuffer
	secret := "pa55-w0rd-in-url"
	env := map[string]string{"REDIS_URL": "redis://:" + secret + "@127.0.0.1:1/0", "TEAM_TOKEN": "tok-" + secret}
	for _, args := range [][]string{{"--help"}, {"-h"}} {
		err := run(context.Background(), args, getenv(env), &stdout, &stderr, nil)
		if !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("run(%v) = %v, want flag.ErrHelp", args, err)
		}
	}
	out := stderr.String()
	lines := strings.Split(out, "\n")
	for _, s := range settings {
		def := s.Default
		if def == "" {
			def = "(none)"
		}
		found := false
		for _, l := range lines {
			if f := strings.Fields(l); len(f) > 1 && f[0] == s.Env && strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(l, s.Env)), def) {
				found = true
			}
		}
		if !found {
			t.Errorf("--help has no line for %s with its default %q", s.Env, def)
		}
	}
	for _, name := range []string{"TICK", "INTAKE_REMINDER", "INTAKE_GIVEUP", "UNCLAIMED_REMINDER", "FIRST_RESPONSE_TARGET",
		"OWNER_NUDGE", "OWNER_ESCALATE", "CHECKIN_AFTER", "CHECKIN_OWNER_GRACE", "PROMISE_REMINDER", "RESOLVE_ASK_AGAIN",
		"FOLLOWUP_AFTER", "AUTOCLOSE_AFTER", "BUSINESS_HOURS", "QUIET_HOURS", "HOLIDAYS", "DIGEST_CRON", "REVIEW_CRON",
		"RECONCILE_CRON", "REDIS_URL", "WEB_ADDR", "QUIET_WINDOW", "STAFF", "SUPERVISORS", "TZ"} {
		if !strings.Contains(out, "\n"+name+" ") {
			t.Errorf("--help does not list %s", name)
		}
	}
	if strings.Contains(out+stdout.String(), secret) {
		t.Errorf("--help printed a secret:\n%s", out)
	}
}

// TestInvalidSettings: a bad value is an error naming the setting, found
// before anything starts (the Redis below cannot be reached, so a check
// that came after connecting would fail on REDIS_URL instead).
func TestInvalidSettings(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		name string
	}{
		{env: map[string]string{"QUIET_WINDOW": "banana"}, name: "QUIET_WINDOW"},
		{env: map[string]string{"TICK": "0"}, name: "TICK"},
		{args: []string{"--tick=-1s"}, name: "TICK"},
		{env: map[string]string{"OWNER_NUDGE": "-5m"}, name: "OWNER_NUDGE"},
		{env: map[string]string{"AUTOCLOSE_AFTER": "7d"}, name: "AUTOCLOSE_AFTER"},
		{env: map[string]string{"HOLIDAYS": "2026-10-01,2026-13-01"}, name: "HOLIDAYS"},
		{env: map[string]string{"DIGEST_CRON": "bad"}, name: "DIGEST_CRON"},
		{env: map[string]string{"REVIEW_CRON": "TZ=0"}, name: "REVIEW_CRON"},
		{env: map[string]string{"REVIEW_CRON": "CRON_TZ=Mars/Olympus 0 9 * * 1"}, name: "REVIEW_CRON"},
		{env: map[string]string{"RECONCILE_CRON": "0 9 30 2 *"}, name: "RECONCILE_CRON"},
		{env: map[string]string{"BUSINESS_HOURS": "* 9-17 * * 1-5; TZ="}, name: "BUSINESS_HOURS"},
		{env: map[string]string{"BUSINESS_HOURS": "@daily"}, name: "BUSINESS_HOURS"},
		{env: map[string]string{"BUSINESS_HOURS": "Mon-Fri 09:00-18:00"}, name: "BUSINESS_HOURS"},
		{env: map[string]string{"QUIET_HOURS": "25:00-08:00"}, name: "QUIET_HOURS"},
		{env: map[string]string{"QUIET_HOURS": "08:00-08:00"}, name: "QUIET_HOURS"},
		{env: map[string]string{"TZ": "Mars/Olympus"}, name: "TZ"},
		{env: map[string]string{"TEAM_LANG": "fr"}, name: "TEAM_LANG"},
		{env: map[string]string{"LOG_LEVEL": "loud"}, name: "LOG_LEVEL"},
		{env: map[string]string{"WEB_ADDR": ""}, args: []string{"--web-addr="}, name: "WEB_ADDR"},
		{env: map[string]string{"WEB_ADDR": "0.0.0.0:0"}, name: "WEB_ADDR"},
		{env: map[string]string{"WEB_ADDR": ":8080"}, name: "WEB_ADDR"},
		{env: map[string]string{"WEB_ADDR": "[::]:8080"}, name: "WEB_ADDR"},
		{env: map[string]string{"WEB_SECRET": "short"}, name: "WEB_SECRET"},
		{env: map[string]string{"WEB_SESSION_TTL": "1s"}, name: "WEB_SESSION_TTL"},
		{env: map[string]string{"LOG_FORMAT": "xml"}, name: "LOG_FORMAT"},
		{env: map[string]string{"WEB_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}, name: "WEB_TRUSTED_PROXIES"},
		{env: map[string]string{"WEB_TRUSTED_PROXIES": "10.0.0.0/33"}, name: "WEB_TRUSTED_PROXIES"},
		{env: map[string]string{"TEAM_CHANNEL": "pigeon"}, name: "TEAM_CHANNEL"},
		{env: map[string]string{"TEAM_CHANNEL": "slack"}, name: "TEAM_CHANNEL"},
		{env: map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, name: "SLACK_BOT_TOKEN"},
		{env: map[string]string{"SLACK_BOT_TOKEN": "xapp-1", "SLACK_APP_TOKEN": "xapp-1"}, name: "SLACK_BOT_TOKEN"},
		{env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, name: "SLACK_APP_TOKEN"},
		{env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, name: "SLACK_APP_TOKEN"},
		{env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "TEAM_CHANNEL": "slack"}, name: "SLACK_TEAM_CHANNEL"},
		{env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_TEAM_CHANNEL": "#support"}, name: "SLACK_TEAM_CHANNEL"},
		{env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_API_URL": "http://x/api"}, name: "SLACK_API_URL"},
		{env: map[string]string{"SLACK_SEND_RATE": "fast"}, name: "SLACK_SEND_RATE"},
		{env: map[string]string{"STAFF_FILE": "/nonexistent/staff.toml"}, name: "STAFF_FILE"},
		{env: map[string]string{"STAFF_FILE": writeFile(t, "[[person]]\nname = 'a'\nslack = 'U1'\n[[person]]\nname = 'b'\nslack = 'U1'\n")}, name: "STAFF_FILE/STAFF/SUPERVISORS"},
		{env: map[string]string{"STAFF_FILE": writeFile(t, "[[person]]\nrole = 'boss'\nname = 'x'\n")}, name: "STAFF_FILE/STAFF/SUPERVISORS"},
		{env: map[string]string{"STAFF_FILE": writeFile(t, "[[person]]\nslack = 'U1'\n")}, name: "STAFF_FILE"},
		{env: map[string]string{"STAFF_FILE": writeFile(t, "[[person]]\nname = 'x'\nslack = 7\n")}, name: "STAFF_FILE"},
		{env: map[string]string{"STAFF_FILE": writeFile(t, "[people]\nname = 'x'\n")}, name: "STAFF_FILE"},
		{env: map[string]string{"STAFF_FILE": writeFile(t, "[[person]\n")}, name: "STAFF_FILE"},
	} {
		t.Run(tc.name+fmt.Sprint(tc.env, tc.args), func(t *testing.T) {
			env := map[string]string{"REDIS_URL": "redis://127.0.0.1:1/0", "WEB_ADDR": "127.0.0.1:0"}
			for k, v := range tc.env {
				env[k] = v
			}
			var stdout, stderr syncBuffer
			ready := make(chan string, 1)
			err := run(context.Background(), tc.args, getenv(env), &stdout, &stderr, ready)
			if err == nil || !strings.HasPrefix(err.Error(), tc.name+":") {
				t.Fatalf("run = %v, want an error starting %q", err, tc.name+":")
			}
			if len(ready) > 0 || stdout.String() != "" {
				t.Errorf("something started: ready=%d stdout=%q", len(ready), stdout.String())
			}
		})
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f.toml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStaffFile: the staff directory from STAFF_FILE, with STAFF and
// SUPERVISORS naming people of the file or adding people known by name.
func TestStaffFile(t *testing.T) {
	file := writeFile(t, `
[[person]]
name = "Alice Wang"
id = "alice"
web = "alice"
slack = "U0AAA"
wechat = "王小丽"

[[person]]
name = "Bob"
slack = "U0BBB"
`)
	c, err := parseConfig(nil, getenv(map[string]string{"STAFF_FILE": file, "STAFF": "carol", "SUPERVISORS": "U0BBB,dan"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	d := c.People
	for _, tc := range []struct {
		platform, handle, id string
		sup                  bool
	}{
		{"slack", "U0AAA", "alice", false},
		{"wechat", "王小丽", "alice", false},
		{"web", "alice", "alice", false},
		{"slack", "U0BBB", "Bob", true},
		{"web", "carol", "carol", false},
		{"slack", "dan", "dan", true},
	} {
		p, ok := d.ByHandle(tc.platform, tc.handle)
		if !ok || p.ID != tc.id || p.Supervisor() != tc.sup {
			t.Errorf("%s %s = %+v, %v; want %s (supervisor %v)", tc.platform, tc.handle, p, ok, tc.id, tc.sup)
		}
	}
	if _, ok := d.ByHandle("slack", "alice"); ok {
		t.Error("alice has a Slack id; her name is no Slack handle")
	}
	if got := d.Name("alice"); got != "Alice Wang" {
		t.Errorf("alice's display name = %q", got)
	}
	if c.TeamChannel != "web" {
		t.Errorf("TEAM_CHANNEL default = %q, want web", c.TeamChannel)
	}
}

// TestSettingsMapped: the timekeeping settings reach the engine's Timing,
// the runner's tick and the jobs.
func TestSettingsMapped(t *testing.T) {
	env := map[string]string{
		"TZ":                  "Asia/Shanghai",
		"TICK":                "250ms",
		"INTAKE_REMINDER":     "1s",
		"INTAKE_GIVEUP":       "2s",
		"UNCLAIMED_REMINDER":  "3s",
		"OWNER_NUDGE":         "4s",
		"OWNER_ESCALATE":      "5s",
		"CHECKIN_AFTER":       "6s",
		"CHECKIN_OWNER_GRACE": "7s",
		"PROMISE_REMINDER":    "8s",
		"RESOLVE_ASK_AGAIN":   "9s",
		"FOLLOWUP_AFTER":      "10s",
		"AUTOCLOSE_AFTER":     "11s",
		"BUSINESS_HOURS":      "* 9-17 * * 1-5",
		"HOLIDAYS":            "2026-10-01, 2026-10-02",
		"QUIET_HOURS":         "22:00–08:00",
		"DIGEST_CRON":         "CRON_TZ=Europe/Berlin 0 8 * * *",
		"REVIEW_CRON":         "off",
	}
	c, err := parseConfig(nil, getenv(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	tm := c.Timing
	got := []time.Duration{c.Tick, tm.IntakeReminder, tm.IntakeGiveUp, tm.UnclaimedReminder, tm.OwnerNudge, tm.OwnerEscalate,
		tm.CheckinAfter, tm.CheckinOwnerGrace, tm.PromiseReminder, tm.ResolveAskAgain, tm.FollowUpAfter, tm.AutocloseAfter}
	want := []time.Duration{250 * time.Millisecond, 1e9, 2e9, 3e9, 4e9, 5e9, 6e9, 7e9, 8e9, 9e9, 10e9, 11e9}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("durations = %v, want %v", got, want)
	}
	sh := c.Location
	if tm.Business == nil || tm.QuietHours == nil {
		t.Fatalf("calendars = %v, %v; want both", tm.Business, tm.QuietHours)
	}
	for _, x := range []struct {
		cal  string
		at   time.Time
		open bool
	}{
		{"business", time.Date(2026, 9, 30, 10, 0, 0, 0, sh), true},  // a Wednesday
		{"business", time.Date(2026, 9, 30, 18, 0, 0, 0, sh), false}, // after hours
		{"business", time.Date(2026, 10, 1, 10, 0, 0, 0, sh), false}, // a holiday
		{"business", time.Date(2026, 10, 3, 10, 0, 0, 0, sh), false}, // Saturday
		{"quiet", time.Date(2026, 9, 30, 23, 0, 0, 0, sh), true},
		{"quiet", time.Date(2026, 9, 30, 7, 59, 0, 0, sh), true},
		{"quiet", time.Date(2026, 9, 30, 8, 0, 0, 0, sh), false},
		{"quiet", time.Date(2026, 9, 30, 12, 0, 0, 0, sh), false},
	} {
		cal := tm.Business
		if x.cal == "quiet" {
			cal = tm.QuietHours
		}
		if cal.Open(x.at) != x.open {
			t.Errorf("%s open at %s = %v, want %v", x.cal, x.at, !x.open, x.open)
		}
	}
	if c.DigestCron != env["DIGEST_CRON"] || c.ReviewCron != "" || c.ReconcileCron != "* * * * *" {
		t.Errorf("cron specs = %q %q %q", c.DigestCron, c.ReviewCron, c.ReconcileCron)
	}

	// The defaults: always open (wall time), quiet 22:00-08:00 in TZ.
	c, err = parseConfig(nil, getenv(map[string]string{"TZ": "UTC"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Timing.Business != nil || c.Timing.QuietHours == nil || !c.Timing.QuietHours.Open(time.Date(2026, 1, 1, 23, 30, 0, 0, time.UTC)) {
		t.Errorf("default calendars: business %v, quiet %v", c.Timing.Business, c.Timing.QuietHours)
	}
	if c.Tick != time.Second || c.Timing.AutocloseAfter != 168*time.Hour || c.DigestCron != "0 9 * * 1-5" || c.ReviewCron != "30 9 * * 1" {
		t.Errorf("defaults = tick %s, autoclose %s, digest %q, review %q", c.Tick, c.Timing.AutocloseAfter, c.DigestCron, c.ReviewCron)
	}
	c, err = parseConfig([]string{"--quiet-hours=off"}, getenv(nil), io.Discard)
	if err != nil || c.Timing.QuietHours != nil {
		t.Errorf("QUIET_HOURS=off: %v, %v; want no quiet hours", c, err)
	}
}

// TestRedisPasswordNeverPrinted: a password in REDIS_URL appears in no log
// line and no error, whether it is right, wrong or the URL is malformed.
func TestRedisPasswordNeverPrinted(t *testing.T) {
	const secret = "Sup3r-s3cret-pw"
	srv := redistest.Start(t)
	// redistest.Start cannot start a server with --requirepass (it waits
	// for an unauthenticated PING), so the password is set afterwards.
	if err := srv.Client(t).ConfigSet(context.Background(), "requirepass", secret).Err(); err != nil {
		t.Fatal(err)
	}
	url := "redis://:" + secret + "@" + srv.Addr + "/0"

	b := startBot(t, map[string]string{"REDIS_URL": url, "WEB_ADDR": "127.0.0.1:0", "LOG_LEVEL": "debug", "QUIET_WINDOW": "100ms",
		"TEAM_TOKEN": "token-" + secret})
	b.say(t, "kim", "kim-1", "The delivery was three days late and the box was crushed.")
	b.replies(t, "kim", 0)
	if err := b.stop(t); err != nil {
		t.Fatalf("graceful shutdown returned %v, want nil", err)
	}
	if out := b.stdout.String() + b.stderr.String(); strings.Contains(out, secret) {
		t.Errorf("the password or the team token was printed:\n%s", out)
	} else if !strings.Contains(out, srv.Addr) {
		t.Errorf("the log does not say which Redis it uses:\n%s", out)
	}

	for _, bad := range []string{
		"redis://:wrong-" + secret + "@" + srv.Addr + "/0", // refused by the server
		"redis://:" + secret + "@" + srv.Addr + "/banana",  // bad database
		"redis://:" + secret + "%zz@" + srv.Addr + "/0",    // bad escape
		"http://:" + secret + "@" + srv.Addr + "/0",        // wrong scheme
	} {
		var stdout, stderr syncBuffer
		err := run(context.Background(), nil, getenv(map[string]string{"REDIS_URL": bad, "WEB_ADDR": "127.0.0.1:0"}), &stdout, &stderr, nil)
		if err == nil {
			t.Errorf("REDIS_URL %s: run succeeded", bad)
			continue
		}
		if !strings.HasPrefix(err.Error(), "REDIS_URL:") {
			t.Errorf("error %q does not name REDIS_URL", err)
		}
		if out := err.Error() + stdout.String() + stderr.String(); strings.Contains(out, secret) {
			t.Errorf("a bad REDIS_URL printed its password: %s", out)
		}
	}
}
