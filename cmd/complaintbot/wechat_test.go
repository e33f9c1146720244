package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// TestWeChatSettingsRefused: combinations of the WeChat settings that
// cannot work stop the bot at start, naming the setting.
func TestWeChatSettingsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"not on or off", map[string]string{"WECHAT": "maybe"}, "WECHAT:"},
		{"group without WeChat", map[string]string{"WECHAT_TEAM_GROUP": "客服团队"}, "WECHAT_TEAM_GROUP:"},
		{"endpoint without WeChat", map[string]string{"WECHAT_ENDPOINT": "http://127.0.0.1:9"}, "WECHAT_ENDPOINT:"},
		{"team on WeChat without a group", map[string]string{"WECHAT": "on", "TEAM_CHANNEL": "wechat"}, "WECHAT_TEAM_GROUP:"},
		{"a group while the team is elsewhere", map[string]string{"WECHAT": "on", "WECHAT_TEAM_GROUP": "客服团队"}, "WECHAT_TEAM_GROUP:"},
		{"team on WeChat while it is off", map[string]string{"TEAM_CHANNEL": "wechat"}, "TEAM_CHANNEL:"},
		{"a bad endpoint", map[string]string{"WECHAT": "on", "WECHAT_ENDPOINT": "127.0.0.1:9000"}, "WECHAT_ENDPOINT:"},
		{"a bad pace", map[string]string{"WECHAT": "on", "WECHAT_SEND_RATE": "fast"}, "WECHAT_SEND_RATE:"},
		{"friends in bulk", map[string]string{"WECHAT": "on", "WECHAT_ACCEPT_FRIENDS": "500"}, "WECHAT_ACCEPT_FRIENDS:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig(nil, getenv(tc.env), io.Discard)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("parseConfig = %v; want an error starting %q", err, tc.want)
			}
		})
	}
	c, err := parseConfig(nil, getenv(map[string]string{"WECHAT": "on", "TEAM_CHANNEL": "wechat", "WECHAT_TEAM_GROUP": "客服团队"}), io.Discard)
	if err != nil || !c.WeChat.On || c.Paces["wechat"].String() != defaultWeChatPace {
		t.Fatalf("parseConfig = %+v, %v", c, err)
	}
}

// TestWeChatThroughRun runs the command with customers and the team on
// WeChat (the real openwechat client against the fake, through
// WECHAT_ENDPOINT): a friend's complaint becomes a card in the team group,
// and the login page is served.
func TestWeChatThroughRun(t *testing.T) {
	f := fakewechat.New(fakewechat.WithAutoConfirm(), fakewechat.WithLongPoll(200*time.Millisecond))
	t.Cleanup(f.Close)
	if err := f.AddContact(fakewechat.Contact{ID: "wang", NickName: "王女士"}); err != nil {
		t.Fatal(err)
	}
	if err := f.AddGroup(fakewechat.Group{ID: "team", NickName: "客服团队", Members: []fakewechat.GroupMember{{ID: "bob", NickName: "Bob"}}}); err != nil {
		t.Fatal(err)
	}
	srv := redistest.Start(t)
	b := startBot(t, map[string]string{
		"REDIS_URL": srv.URL(), "WEB_ADDR": "127.0.0.1:0", "QUIET_WINDOW": "200ms", "TICK": "100ms",
		"TEAM_CHANNEL": "wechat", "WECHAT": "on", "WECHAT_TEAM_GROUP": "客服团队", "WECHAT_ENDPOINT": f.URL(),
		"WECHAT_SEND_RATE": "off", "STAFF": "Bob",
	})
	if _, err := f.WaitRequests("webwxinit", 1, 20*time.Second); err != nil {
		t.Fatalf("no login: %v\n%s", err, b.stderr)
	}
	resp, err := http.Get(b.base + "/wechat/login")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /wechat/login = %v, %v", resp, err)
	}
	resp.Body.Close()
	// /readyz has the WeChat check, ok once logged in.
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(b.base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 && strings.Contains(string(body), `"wechat":"ok"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz = %d %s", resp.StatusCode, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := f.PushText("wang", "我在网上买的电饭煲送来就是坏的，订单号A20391，我要换货"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WaitSent(1, 20*time.Second); err != nil {
		t.Fatalf("the bot did not answer: %v\n%s", err, b.stderr)
	}
	// Answer the intake until the card reaches the team group.
	card := ""
	for i := 0; i < 8 && card == ""; i++ {
		sent := f.Sent()
		for _, s := range sent {
			if s.To == "team" && strings.Contains(s.Content, "#1") {
				card = s.Content
			}
		}
		if card != "" {
			break
		}
		last := sent[len(sent)-1].Content
		answer := "不记得了"
		switch {
		case strings.Contains(last, "对吗"):
			answer = "对"
		case strings.Contains(last, "补充"):
			answer = "没有了"
		}
		if _, err := f.PushText("wang", answer); err != nil {
			t.Fatal(err)
		}
		if _, err := f.WaitSent(len(sent)+1, 20*time.Second); err != nil {
			t.Fatalf("the bot did not answer: %v", err)
		}
	}
	if card == "" {
		t.Fatalf("no card in the team group; sent %+v", f.Sent())
	}
	if strings.Contains(b.stderr.String(), "webwx_data_ticket=") || strings.Contains(b.stderr.String(), "pass_ticket=") {
		t.Error("the log carries session secrets")
	}
}
