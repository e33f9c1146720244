package main

import (
	"context"
	"log/slog"
	"strings"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/slack"
	"github.com/complaintbot/complaintbot/bot/web"
	"github.com/complaintbot/complaintbot/bot/wechat"
)

// platform is one messaging platform the bot serves customers on and may
// keep the team channel on (TEAM_CHANNEL). Adding a platform is one entry
// here and its adapter package.
type platform struct {
	name string
	// enabledBy says which settings turn the platform on, for messages.
	enabledBy string
	enabled   func(*config) bool
	// paceEnv is the setting of the platform's sending pace (bot.ParsePace);
	// "" for none.
	paceEnv string
	// mention writes a person as staff see them on the platform; nil for
	// the display name.
	mention func(bot.Person) string
	// limits are what the platform lets the bot send a customer (a reply
	// window, a message budget); zero for none.
	limits bot.Limits
	// reception reports whether the settings hand sessions to the
	// platform's own reception (bot.Platform.Reception); nil for never.
	reception func(*config) bool
	// start builds the platform's adapter on the shared parts and starts
	// what it needs; stop (which may be nil) undoes it at shutdown.
	start func(ctx context.Context, p *parts) (ch bot.Channel, stop func(context.Context), err error)
}

// parts are what every platform's adapter is built on.
type parts struct {
	cfg     *config
	log     *slog.Logger
	engine  *bot.Engine
	store   *redisstore.Store
	web     *web.Server
	replica string
	// ready registers a readiness check of the platform: /readyz and the
	// platform_connected metric.
	ready func(name string, check func(context.Context) error)
}

// platforms lists every platform the bot knows, web first. The web channel
// is always on: it also serves the health checks and the HTTP endpoints
// other platforms call.
var platforms = []platform{
	{
		name: web.Channel, enabledBy: "always on", enabled: func(*config) bool { return true },
		start: func(_ context.Context, p *parts) (bot.Channel, func(context.Context), error) { return p.web, nil, nil },
	},
	{
		name: slack.Channel, enabledBy: "set SLACK_BOT_TOKEN", paceEnv: "SLACK_SEND_RATE",
		enabled: func(c *config) bool { return c.Slack.BotToken != "" },
		mention: slack.Mention,
		start:   startSlack,
	},
	{
		name: wechat.Channel, enabledBy: "set WECHAT=on", paceEnv: "WECHAT_SEND_RATE",
		enabled: func(c *config) bool { return c.WeChat.On },
		mention: wechat.Mention,
		start:   startWeChat,
	},
	wecomPlatform,
}

// startSlack connects the Slack app: auth.test (a refused token stops the
// bot), the team channel's members as staff, Socket Mode when there is an
// app token, and the HTTP Events API's routes when there is a signing
// secret.
func startSlack(ctx context.Context, p *parts) (bot.Channel, func(context.Context), error) {
	o := p.cfg.Slack
	o.Engine, o.Logger = p.engine, p.log
	a, err := slack.New(o)
	if err != nil {
		return nil, nil, err
	}
	if o.SigningSecret != "" {
		for pattern, h := range a.Routes() {
			p.web.Mount(pattern, h)
		}
	}
	if err := a.Start(ctx); err != nil {
		return nil, nil, err
	}
	// Not ready while the socket is down or a token is revoked.
	p.ready(slack.Channel, func(context.Context) error { return a.Ready() })
	return a, a.Stop, nil
}

func platformNamed(name string) platform {
	for _, p := range platforms {
		if p.name == name {
			return p
		}
	}
	return platform{}
}

func platformNames() string {
	var names []string
	for _, p := range platforms {
		names = append(names, p.name)
	}
	return strings.Join(names, ", ")
}

// enabledPlatforms returns the platforms the settings turn on.
func enabledPlatforms(cfg *config) []platform {
	var out []platform
	for _, p := range platforms {
		if p.enabled(cfg) {
			out = append(out, p)
		}
	}
	return out
}

// mentions returns the engine's platform descriptions: how each writes a
// mention, its limits, and whether sessions go to its own reception.
func mentions(cfg *config) map[string]bot.Platform {
	out := map[string]bot.Platform{}
	for _, p := range enabledPlatforms(cfg) {
		out[p.name] = bot.Platform{Mention: p.mention, Limits: p.limits, Reception: p.reception != nil && p.reception(cfg)}
	}
	return out
}
