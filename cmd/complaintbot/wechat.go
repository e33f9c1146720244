package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/wechat"
)

// The WeChat settings (issue 10), shown in --help after Slack's. The names
// are fixed: other tools rely on them.
var wechatSettings = []setting{
	{Env: "WECHAT", Default: "off", Help: "on: serve customers who are friends of a personal WeChat account, through the web (desktop) protocol; see docs/wechat.md for the ban risk"},
	{Env: "WECHAT_TEAM_GROUP", Help: "name of the WeChat group the team works in (saved to contacts on the phone); required with TEAM_CHANNEL=wechat"},
	{Env: "WECHAT_ENDPOINT", Help: "base URL every WeChat request goes to instead (tests, an operator's proxy); empty in production"},
	{Env: "WECHAT_SEND_RATE", Default: defaultWeChatPace, Help: "pace of the WeChat account's sends, all chats together (N/period, burst N, jitter D, hour N; off)"},
	{Env: "WECHAT_ACCEPT_FRIENDS", Default: "0", Help: "friend requests accepted automatically in any hour (0: none, staff accept on the phone; at most 20)"},
}

// defaultWeChatPace is one message every 2 to 4 s and 300 an hour: well
// below the bursts users report as triggering 1205 or a ban (about 120
// messages at 0.5 s, 50 broadcasts).
const defaultWeChatPace = "1/2s jitter 2s hour 300"

func init() {
	i := slices.IndexFunc(settings, func(s setting) bool { return s.Env == "SLACK_SEND_RATE" }) + 1
	settings = slices.Insert(settings, i, wechatSettings...)
}

// wechatConfig holds the WeChat settings; On is false when WECHAT is off.
type wechatConfig struct {
	On      bool
	Options wechat.Options
}

// parseWeChat reads the WeChat settings and refuses combinations that
// cannot work, naming the setting.
func parseWeChat(get func(string) string, team string) (wechatConfig, error) {
	var c wechatConfig
	switch v := strings.ToLower(get("WECHAT")); v {
	case "on", "true", "1", "yes":
		c.On = true
	case "off", "", "false", "0", "no":
	default:
		return c, fmt.Errorf("WECHAT: %q is neither on nor off", get("WECHAT"))
	}
	c.Options = wechat.Options{TeamGroup: get("WECHAT_TEAM_GROUP"), Endpoint: get("WECHAT_ENDPOINT")}
	n, err := strconv.Atoi(get("WECHAT_ACCEPT_FRIENDS"))
	if err != nil || n < 0 || n > 20 {
		return c, fmt.Errorf("WECHAT_ACCEPT_FRIENDS: %q is not a number from 0 to 20 (WeChat limits adding friends strictly)", get("WECHAT_ACCEPT_FRIENDS"))
	}
	c.Options.FriendsPerHour = n
	if !c.On {
		for _, env := range []string{"WECHAT_TEAM_GROUP", "WECHAT_ENDPOINT"} {
			if get(env) != "" {
				return c, fmt.Errorf("%s: set, but WECHAT is off (set WECHAT=on)", env)
			}
		}
		return c, nil
	}
	return c, wechat.CheckOptions(c.Options, strings.EqualFold(team, wechat.Channel))
}

// startWeChat starts the WeChat adapter: it waits for the account's lease
// (the WeChat sender's, under this replica's name), logs in (hot, push,
// then a QR code drawn on standard output and shown at /wechat/login) and
// serves in the background; it returns at once.
func startWeChat(ctx context.Context, p *parts) (bot.Channel, func(context.Context), error) {
	o := p.cfg.WeChat.Options
	o.Engine, o.Store, o.Replica, o.Logger, o.Token, o.Terminal = p.engine, p.store, p.replica, p.log, p.cfg.TeamToken, os.Stdout
	if p.cfg.RedisURL == "" {
		p.log.Warn("WECHAT: with the embedded store the login is lost at every exit: each start needs a new QR scan (set REDIS_URL)")
	}
	a, err := wechat.New(o)
	if err != nil {
		return nil, nil, err
	}
	for pattern, h := range a.Routes() {
		p.web.Mount(pattern, h)
	}
	if err := a.Start(ctx); err != nil {
		return nil, nil, err
	}
	// Unready while this replica drives an account that is logged out or
	// silent; a stand-by replica is ready.
	p.ready(wechat.Channel, func(context.Context) error { return a.Ready() })
	return a, a.Stop, nil
}
