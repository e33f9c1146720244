package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot/wecom"
	"github.com/complaintbot/complaintbot/bot/wecom/fakewecom"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// notifyBot posts WeCom's notice to the running bot's /wecom/callback
// over HTTP.
func notifyBot(t *testing.T, b *runningBot, f *fakewecom.Server) {
	t.Helper()
	r := f.Notice(wecom.CallbackPath)
	req, err := http.NewRequest(r.Method, b.base+r.URL.RequestURI(), r.Body)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the notice was answered %d", res.StatusCode)
	}
}

// TestWeComCustomerTeamOnWeb runs the command with customers on WeCom (a
// fake the adapter talks to) and the team on the web channel: the intake
// runs through sync_msg and send_msg, a claim on the web reaches the
// customer, and no secret appears in the output.
func TestWeComCustomerTeamOnWeb(t *testing.T) {
	f := fakewecom.New(t, fakewecom.WithCustomer(fakewecom.Customer{ExternalUserID: "wmWENDY", Nickname: "Wendy"}))
	srv := redistest.Start(t)
	b := startBot(t, map[string]string{
		"REDIS_URL": srv.URL(), "WEB_ADDR": "127.0.0.1:0", "QUIET_WINDOW": "200ms", "TICK": "100ms", "STAFF": "alice",
		"WECOM_CORP_ID": f.CorpID(), "WECOM_SECRET": f.Secret(), "WECOM_TOKEN": f.Token(), "WECOM_AES_KEY": f.AESKey(),
		"WECOM_KF_ID": f.KfID(), "WECOM_API_URL": f.URL(),
	})
	if !strings.Contains(b.stderr.String(), "wecom: connected") {
		t.Errorf("the log does not say WeCom is connected:\n%s", b.stderr)
	}
	answers := []string{"The vacuum I bought online broke after a week. Order V11-2. I want a replacement."}
	for i := 0; i < 7; i++ {
		seen := len(f.Sent("wmWENDY"))
		f.Text("wmWENDY", answers[min(i, len(answers)-1)])
		notifyBot(t, b, f)
		got := f.WaitSent("wmWENDY", seen, "the bot's answer", func(fakewecom.Sent) bool { return true })
		if strings.Contains(got.Text, "#1") {
			break
		}
		switch {
		case strings.Contains(got.Text, "right?"):
			answers = append(answers, "yes")
		case strings.Contains(got.Text, "anything else"):
			answers = append(answers, "no, that's all")
		default:
			answers = append(answers, "I don't remember")
		}
		answers = answers[len(answers)-1:]
		if i == 6 {
			t.Fatal("the intake did not end")
		}
	}
	seen := len(f.Sent("wmWENDY"))
	if r := b.do(t, http.MethodPost, "/api/team/messages", map[string]string{"staff": "alice", "text": "claim 1"}); r.status != http.StatusAccepted {
		t.Fatalf("claim: %d %s", r.status, r.body)
	}
	f.WaitSent("wmWENDY", seen, "the claim told", func(s fakewecom.Sent) bool { return strings.Contains(s.Text, "alice") })
	out := b.stderr.String() + b.stdout.String()
	for _, secret := range []string{f.Secret(), f.AESKey(), f.Token()} {
		if strings.Contains(out, secret) {
			t.Errorf("a WeCom secret appears in the output")
		}
	}
}

func TestWeComSettingsRefused(t *testing.T) {
	full := map[string]string{"WECOM_CORP_ID": "wwcorp", "WECOM_SECRET": "s3cret-value", "WECOM_TOKEN": "tok3n-value",
		"WECOM_AES_KEY": strings.Repeat("a", 43), "WECOM_KF_ID": "wkKF"}
	without := func(k string) map[string]string {
		m := map[string]string{}
		for kk, v := range full {
			if kk != k {
				m[kk] = v
			}
		}
		return m
	}
	with := func(k, v string) map[string]string {
		m := without(k)
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		env  map[string]string
		name string
	}{
		{without("WECOM_CORP_ID"), "WECOM_CORP_ID"},
		{without("WECOM_SECRET"), "WECOM_SECRET"},
		{without("WECOM_TOKEN"), "WECOM_TOKEN"},
		{without("WECOM_AES_KEY"), "WECOM_AES_KEY"},
		{with("WECOM_AES_KEY", "short"), "WECOM_AES_KEY"},
		{with("WECOM_AES_KEY", strings.Repeat("!", 43)), "WECOM_AES_KEY"},
		{without("WECOM_KF_ID"), "WECOM_KF_ID"},
		{with("WECOM_API_URL", "qyapi.weixin.qq.com"), "WECOM_API_URL"},
		{with("TEAM_CHANNEL", "wecom"), "TEAM_CHANNEL"},
		{map[string]string{"TEAM_CHANNEL": "wecom"}, "TEAM_CHANNEL"},
		{map[string]string{"WECOM_RECEPTION": "on"}, "WECOM_RECEPTION"},
		{with("WECOM_RECEPTION", "sometimes"), "WECOM_RECEPTION"},
		// On, but nobody has a WeCom userid: nothing would be handed over.
		{with("WECOM_RECEPTION", "on"), "WECOM_RECEPTION"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"REDIS_URL": "redis://127.0.0.1:1/0", "WEB_ADDR": "127.0.0.1:0"}
			for k, v := range tc.env {
				env[k] = v
			}
			var stdout, stderr syncBuffer
			err := run(context.Background(), nil, getenv(env), &stdout, &stderr, nil)
			if err == nil || !strings.HasPrefix(err.Error(), tc.name+":") {
				t.Fatalf("run = %v, want an error starting %q", err, tc.name+":")
			}
			for _, secret := range []string{"s3cret-value", "tok3n-value", strings.Repeat("a", 43)} {
				if strings.Contains(err.Error()+stderr.String(), secret) {
					t.Errorf("the refusal shows a secret: %v", err)
				}
			}
		})
	}
	// A secret WeCom refuses stops the bot at start, naming the setting.
	f := fakewecom.New(t)
	srv := redistest.Start(t)
	env := map[string]string{"REDIS_URL": srv.URL(), "WEB_ADDR": "127.0.0.1:0", "WECOM_CORP_ID": f.CorpID(), "WECOM_SECRET": "not-the-secret",
		"WECOM_TOKEN": f.Token(), "WECOM_AES_KEY": f.AESKey(), "WECOM_KF_ID": f.KfID(), "WECOM_API_URL": f.URL()}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var stdout, stderr syncBuffer
	if err := run(ctx, nil, getenv(env), &stdout, &stderr, nil); err == nil || !strings.HasPrefix(err.Error(), "WECOM_SECRET:") || strings.Contains(err.Error(), "not-the-secret") {
		t.Errorf("run with a refused secret = %v", err)
	}
}

// TestWeComReceptionSetting: WECOM_RECEPTION=on with a receptionist's
// WeCom userid in STAFF_FILE makes WeCom a platform whose sessions go to
// its own reception; off (the default) does not.
func TestWeComReceptionSetting(t *testing.T) {
	staff := filepath.Join(t.TempDir(), "staff.toml")
	if err := os.WriteFile(staff, []byte("[[person]]\nname = \"alice\"\nweb = \"alice\"\nwecom = \"zhangsan\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		value string
		want  bool
	}{{"on", true}, {"off", false}, {"", false}} {
		env := map[string]string{"WEB_ADDR": "127.0.0.1:0", "STAFF_FILE": staff, "WECOM_CORP_ID": "wwcorp", "WECOM_SECRET": "s3cret-value",
			"WECOM_TOKEN": "tok3n-value", "WECOM_AES_KEY": strings.Repeat("a", 43), "WECOM_KF_ID": "wkKF", "WECOM_RECEPTION": tc.value}
		c, err := parseConfig(nil, getenv(env), io.Discard)
		if err != nil {
			t.Fatalf("WECOM_RECEPTION=%q: %v", tc.value, err)
		}
		if got := mentions(c)[wecom.Channel].Reception; got != tc.want || c.WeComReception != tc.want {
			t.Errorf("WECOM_RECEPTION=%q: reception %v, want %v", tc.value, got, tc.want)
		}
		if p, ok := c.People.Get("alice"); !ok || p.Handles[wecom.Channel] != "zhangsan" {
			t.Errorf("alice's wecom handle: %+v", p)
		}
	}
}
