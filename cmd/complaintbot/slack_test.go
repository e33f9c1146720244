package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot/slack/fakeslack"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// TestWebCustomerTeamOnSlack runs the command with the team channel on
// Slack (a fake Slack the real slack-go client talks to) and a customer on
// the web: the card reaches the Slack channel, a Claim click there makes
// the owner, and the web customer hears the owner's name; the owner's
// reply in the card's thread reaches the web customer.
func TestWebCustomerTeamOnSlack(t *testing.T) {
	f := fakeslack.New(t,
		fakeslack.WithUser(fakeslack.User{ID: "U0ALICE", DisplayName: "Alice"}),
		fakeslack.WithChannel(fakeslack.Channel{ID: "C0TEAM", Name: "complaints", Members: []string{"U0ALICE"}}),
		fakeslack.WithWaitTimeout(20*time.Second))
	srv := redistest.Start(t)
	b := startBot(t, map[string]string{
		"REDIS_URL": srv.URL(), "WEB_ADDR": "127.0.0.1:0", "QUIET_WINDOW": "200ms", "TICK": "100ms",
		"TEAM_CHANNEL": "slack", "SLACK_BOT_TOKEN": f.BotToken(), "SLACK_APP_TOKEN": f.AppToken(),
		"SLACK_TEAM_CHANNEL": "C0TEAM", "SLACK_API_URL": f.APIURL(),
	})
	f.WaitConn(1)
	// The Slack adapter's readiness is on /readyz and in the metrics.
	ready := false
	for deadline := time.Now().Add(10 * time.Second); !ready && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r := b.do(t, http.MethodGet, "/readyz", nil)
		ready = r.status == http.StatusOK && strings.Contains(string(r.body), `"slack":"ok"`)
	}
	if !ready {
		t.Errorf("/readyz never said slack ok: %s", b.do(t, http.MethodGet, "/readyz", nil).body)
	}
	if m := b.do(t, http.MethodGet, "/metrics", nil); !strings.Contains(string(m.body), `complaintbot_platform_connected{platform="slack"} 1`) {
		t.Errorf("/metrics lacks the Slack connection state")
	}
	if !strings.Contains(b.stderr.String(), "slack: connected") {
		t.Errorf("the log does not say which workspace it connected to:\n%s", b.stderr)
	}
	var seq int64
	next := func() []customerMsg {
		t.Helper()
		ms := b.replies(t, "wendy", seq)
		seq = ms[len(ms)-1].Seq
		return ms
	}
	b.say(t, "wendy", "w1", "The vacuum I bought online broke after a week. Order V11-2. I want a replacement.")
	for i := 0; i < 6; i++ {
		ms := next()
		last := ms[len(ms)-1].Text
		if strings.Contains(last, "#1") {
			break
		}
		answer := "no, that's all"
		switch {
		case strings.Contains(last, "right?"):
			answer = "yes"
		case strings.Contains(last, "?") && !strings.Contains(last, "anything else"):
			answer = "I don't remember"
		}
		b.say(t, "wendy", "w"+string(rune('2'+i)), answer)
	}
	var card fakeslack.Message
	f.WaitUntil("the card in the Slack channel", func() bool {
		for _, m := range f.Messages("C0TEAM") {
			if m.BotID != "" && m.HasAction("cb_claim") {
				card = m
				return true
			}
		}
		return false
	})
	f.Push(f.Click("U0ALICE", "C0TEAM", card.TS, "cb_claim")).WaitAck()
	if ms := next(); !strings.Contains(ms[len(ms)-1].Text, "Alice") {
		t.Errorf("the web customer was told %q; want Alice's name", ms[len(ms)-1].Text)
	}
	f.Push(f.ChannelMessage("C0TEAM", "U0ALICE", "Hi Wendy, a new vacuum ships today.", fakeslack.InThread(card.TS))).WaitAck()
	if ms := next(); ms[len(ms)-1].Text != "Hi Wendy, a new vacuum ships today." || ms[len(ms)-1].From != "staff" {
		t.Errorf("the owner's reply reached the customer as %+v", ms[len(ms)-1])
	}
	for _, secret := range []string{f.BotToken(), f.AppToken()} {
		if strings.Contains(b.stderr.String()+b.stdout.String(), secret) {
			t.Errorf("a Slack token appears in the output")
		}
	}
}
