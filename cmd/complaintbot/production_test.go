package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

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

// TestMetricsAfterACaseLife: /metrics, behind TEAM_TOKEN, parsed with
// Prometheus's own text parser after a case is opened and claimed, shows
// the messages, commits, case events, case gauges, delivery and store
// state with the right values.
func TestMetricsAfterACaseLife(t *testing.T) {
	srv := redistest.Start(t)
	const token = "team-token-for-metrics-0123"
	b := startBot(t, map[string]string{"REDIS_URL": srv.URL(), "WEB_ADDR": "127.0.0.1:0", "QUIET_WINDOW": "100ms",
		"TICK": "100ms", "STAFF": "alice", "TEAM_TOKEN": token})
	b.say(t, "mia", "mia-1", "My parcel was lost. I want a real person.")
	b.say(t, "mia", "mia-2", "human")
	var seq int64
	for deadline := time.Now().Add(30 * time.Second); ; {
		ms := b.replies(t, "mia", seq)
		seq = ms[len(ms)-1].Seq
		if strings.Contains(ms[len(ms)-1].Text, "#1") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no case opened")
		}
	}
	if r := b.do(t, http.MethodPost, "/api/team/messages", map[string]string{"staff": "alice", "text": "claim 1"}, "Authorization: Bearer "+token); r.status != http.StatusAccepted {
		t.Fatalf("claim = %d %s", r.status, r.body)
	}
	if ms := b.replies(t, "mia", seq); !strings.Contains(ms[len(ms)-1].Text, "alice") {
		t.Fatalf("the customer was not told the owner: %q", ms[len(ms)-1].Text)
	}
	if r := b.do(t, http.MethodGet, "/metrics", nil); r.status != http.StatusUnauthorized {
		t.Errorf("/metrics without the team token = %d, want 401", r.status)
	}
	r := b.do(t, http.MethodGet, "/metrics", nil, "Authorization: Bearer "+token)
	if r.status != http.StatusOK {
		t.Fatalf("/metrics = %d %s", r.status, r.body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("the Prometheus text parser refused /metrics: %v", err)
	}
	value := func(name string, labels map[string]string) (float64, bool) {
		f := fams[name]
		if f == nil {
			return 0, false
		}
	next:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue(), true
			case m.Gauge != nil:
				return m.GetGauge().GetValue(), true
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount()), true
			}
		}
		return 0, false
	}
	for _, tc := range []struct {
		name   string
		labels map[string]string
		min    float64
		max    float64
	}{
		{"complaintbot_inbound_messages_total", map[string]string{"platform": "web", "role": "customer", "result": "ok"}, 2, 2},
		{"complaintbot_inbound_messages_total", map[string]string{"platform": "web", "role": "staff", "result": "ok"}, 1, 1},
		{"complaintbot_handle_seconds", map[string]string{"platform": "web"}, 3, 3},
		{"complaintbot_commits_total", nil, 1, 1e9},
		{"complaintbot_case_events_total", map[string]string{"event": "opened", "platform": "web"}, 1, 1},
		{"complaintbot_case_events_total", map[string]string{"event": "claimed", "platform": "web"}, 1, 1},
		{"complaintbot_cases", map[string]string{"status": "claimed"}, 1, 1},
		{"complaintbot_cases", map[string]string{"status": "open"}, 0, 0},
		{"complaintbot_open_cases", map[string]string{"status": "claimed"}, 1, 1},
		{"complaintbot_deliveries_total", map[string]string{"platform": "web", "result": "ok"}, 3, 1e9},
		{"complaintbot_delivery_latency_seconds", map[string]string{"platform": "web"}, 3, 1e9},
		{"complaintbot_wakeups_handled_total", map[string]string{"result": "ok"}, 1, 1e9},
		{"complaintbot_store_up", nil, 1, 1},
		{"complaintbot_outbox_depth", map[string]string{"platform": "web"}, 0, 1e9},
		{"complaintbot_wakeups_due", nil, 0, 1e9},
		{"complaintbot_dead_letters", map[string]string{"platform": "web"}, 0, 0},
	} {
		v, ok := value(tc.name, tc.labels)
		if !ok || v < tc.min || v > tc.max {
			t.Errorf("%s%v = %v (found %v), want %v..%v", tc.name, tc.labels, v, ok, tc.min, tc.max)
		}
	}
	if strings.Contains(string(r.body), `"mia"`) || strings.Contains(string(r.body), "=\"mia") || strings.Contains(string(r.body), "parcel") {
		t.Errorf("/metrics names a customer or their words")
	}
	if strings.Contains(b.stderr.String(), "parcel") {
		t.Errorf("the log at info holds the customer's words")
	}
	if !strings.Contains(b.stderr.String(), "case event") || !strings.Contains(b.stderr.String(), "event=claimed") {
		t.Errorf("the log has no case event lines:\n%s", b.stderr)
	}
}

// TestExportCommand: `complaintbot export` reads the cases a bot kept in
// Redis: CSV that encoding/csv reads back, NDJSON with the transcript, and
// bad flags refused with the flag named.
func TestExportCommand(t *testing.T) {
	srv := redistest.Start(t)
	b := startBot(t, map[string]string{"REDIS_URL": srv.URL(), "WEB_ADDR": "127.0.0.1:0", "QUIET_WINDOW": "100ms", "TICK": "100ms", "TZ": "Asia/Shanghai"})
	b.say(t, "exa", "exa-1", "The blender arrived broken, order Z9. I want a real person.")
	b.say(t, "exa", "exa-2", "human")
	var seq int64
	for deadline := time.Now().Add(30 * time.Second); ; {
		ms := b.replies(t, "exa", seq)
		seq = ms[len(ms)-1].Seq
		if strings.Contains(ms[len(ms)-1].Text, "#1") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no case opened")
		}
	}
	// The same through the team API, as a download.
	r := b.do(t, http.MethodGet, "/api/export?format=csv&status=open,claimed", nil)
	if rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll(); r.status != http.StatusOK || err != nil || len(rows) != 2 ||
		!strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("GET /api/export = %d %v %s (%v)", r.status, r.header, r.body, err)
	}
	if r := b.do(t, http.MethodGet, "/api/export?format=xml", nil); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"invalid"`) {
		t.Errorf("GET /api/export?format=xml = %d %s, want 400 invalid", r.status, r.body)
	}
	if r := b.do(t, http.MethodGet, "/api/export?from=2026-13-01", nil); r.status != http.StatusBadRequest {
		t.Errorf("a bad from = %d, want 400", r.status)
	}
	if err := b.stop(t); err != nil {
		t.Fatal(err)
	}
	env := getenv(map[string]string{"REDIS_URL": srv.URL(), "TZ": "Asia/Shanghai"})
	var out, errOut syncBuffer
	if err := run(context.Background(), []string{"export", "--format=csv", "--status=open"}, env, &out, &errOut, nil); err != nil {
		t.Fatalf("export: %v\n%s", err, errOut.String())
	}
	rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "1" || !strings.HasSuffix(rows[1][8], "+08:00") {
		t.Fatalf("CSV export = %v, %v", rows, err)
	}
	out = syncBuffer{}
	if err := run(context.Background(), []string{"export", "--transcripts"}, env, &out, &errOut, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"transcript":[`) || !strings.Contains(out.String(), "blender") || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("NDJSON export = %s", out.String())
	}
	for _, bad := range [][]string{{"--format=xml"}, {"--from=yesterday"}, {"--status=lost"}, {"--format=csv", "--transcripts"}} {
		err := run(context.Background(), append([]string{"export"}, bad...), env, &out, &errOut, nil)
		flagName := strings.SplitN(strings.TrimPrefix(bad[len(bad)-1], "--"), "=", 2)[0]
		if err == nil || !strings.Contains(err.Error(), "--"+flagName) {
			t.Errorf("export %v = %v, want an error naming --%s", bad, err, flagName)
		}
	}
}
