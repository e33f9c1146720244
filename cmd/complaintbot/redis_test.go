package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// TestRedisSettingsRefused: a combination of Redis settings that cannot
// work stops the bot at start with an error naming the setting.
func TestRedisSettingsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"unknown mode", map[string]string{"REDIS_MODE": "ring", "REDIS_ADDRS": "127.0.0.1:1"}, "REDIS_MODE:"},
		{"url and addrs", map[string]string{"REDIS_URL": "redis://127.0.0.1:1/0", "REDIS_ADDRS": "127.0.0.1:1"}, "REDIS_ADDRS:"},
		{"cluster without addrs", map[string]string{"REDIS_MODE": "cluster"}, "REDIS_ADDRS:"},
		{"sentinel without master", map[string]string{"REDIS_MODE": "sentinel", "REDIS_ADDRS": "127.0.0.1:1"}, "REDIS_MASTER:"},
		{"sentinel without addrs", map[string]string{"REDIS_MODE": "sentinel", "REDIS_MASTER": "m"}, "REDIS_ADDRS:"},
		{"master without sentinel", map[string]string{"REDIS_ADDRS": "127.0.0.1:1", "REDIS_MASTER": "m"}, "REDIS_MASTER:"},
		{"master on a cluster", map[string]string{"REDIS_MODE": "cluster", "REDIS_ADDRS": "127.0.0.1:1", "REDIS_MASTER": "m"}, "REDIS_MASTER:"},
		{"several addrs without a mode", map[string]string{"REDIS_ADDRS": "127.0.0.1:1,127.0.0.1:2"}, "REDIS_MODE:"},
		{"addr without a port", map[string]string{"REDIS_MODE": "cluster", "REDIS_ADDRS": "localhost"}, "REDIS_ADDRS:"},
		{"sentinel with a cluster url", map[string]string{"REDIS_MODE": "sentinel", "REDIS_URL": "redis-cluster://127.0.0.1:1"}, "REDIS_MODE:"},
		{"cluster mode with a server url", map[string]string{"REDIS_MODE": "cluster", "REDIS_URL": "redis://127.0.0.1:1/0"}, "REDIS_MODE:"},
		{"empty cluster url", map[string]string{"REDIS_URL": "redis-cluster://"}, "REDIS_URL:"},
		{"password beside a url", map[string]string{"REDIS_URL": "redis://127.0.0.1:1/0", "REDIS_PASSWORD": "x"}, "REDIS_PASSWORD:"},
		{"sync replicas not a number", map[string]string{"REDIS_SYNC_REPLICAS": "two"}, "REDIS_SYNC_REPLICAS:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"WEB_ADDR": "127.0.0.1:0"}
			for k, v := range tc.env {
				env[k] = v
			}
			var stdout, stderr syncBuffer
			err := run(context.Background(), nil, getenv(env), &stdout, &stderr, nil)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("run = %v, want an error starting %q", err, tc.want)
			}
		})
	}
}

// TestRunsOnRedisCluster: the bot started with a redis-cluster:// URL, and
// with REDIS_MODE=cluster and REDIS_ADDRS, takes a customer's message
// through the web channel and answers.
func TestRunsOnRedisCluster(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	for i, env := range []map[string]string{
		{"REDIS_URL": c.URL()},
		{"REDIS_MODE": "cluster", "REDIS_ADDRS": c.Addrs[1]},
	} {
		env["WEB_ADDR"], env["QUIET_WINDOW"], env["TICK"], env["STAFF"], env["TZ"] = "127.0.0.1:0", "200ms", "100ms", "alice", "UTC"
		b := startBot(t, env)
		if !strings.Contains(b.stderr.String(), "mode=cluster") {
			t.Errorf("the log does not say it uses the cluster:\n%s", b.stderr.String())
		}
		if r := b.do(t, http.MethodGet, "/readyz", nil); r.status != http.StatusOK {
			t.Errorf("/readyz on the cluster = %d %s", r.status, r.body)
		}
		customer := "rita" + string(rune('a'+i))
		b.say(t, customer, customer+"-1", "My new washing machine flooded the kitchen yesterday. I want a replacement.")
		if got := b.replies(t, customer, 0); got[0].From != "bot" || strings.TrimSpace(got[0].Text) == "" {
			t.Fatalf("first reply on the cluster = %+v", got[0])
		}
		if err := b.stop(t); err != nil {
			t.Fatalf("stop: %v", err)
		}
	}
}

// TestRunsOnSentinel: the bot started with REDIS_MODE=sentinel finds the
// primary through the Sentinel and answers a customer.
func TestRunsOnSentinel(t *testing.T) {
	s := redistest.StartSentinel(t)
	b := startBot(t, map[string]string{"REDIS_MODE": "sentinel", "REDIS_ADDRS": s.Addr, "REDIS_MASTER": s.MasterName,
		"REDIS_SYNC_REPLICAS": "1", "WEB_ADDR": "127.0.0.1:0", "QUIET_WINDOW": "200ms", "TICK": "100ms", "STAFF": "alice", "TZ": "UTC"})
	if !strings.Contains(b.stderr.String(), "mode=sentinel") {
		t.Errorf("the log does not say it uses Sentinel:\n%s", b.stderr.String())
	}
	if r := b.do(t, http.MethodGet, "/readyz", nil); r.status != http.StatusOK {
		t.Errorf("/readyz behind Sentinel = %d %s", r.status, r.body)
	}
	b.say(t, "sara", "sara-1", "My new washing machine flooded the kitchen yesterday. I want a replacement.")
	if got := b.replies(t, "sara", 0); got[0].From != "bot" || strings.TrimSpace(got[0].Text) == "" {
		t.Fatalf("first reply behind Sentinel = %+v", got[0])
	}
	if err := b.stop(t); err != nil {
		t.Fatalf("stop: %v", err)
	}
}
