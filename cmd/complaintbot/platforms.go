package main

import (
	"context"
	"log/slog"
	"strings"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/web"
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
}

// platforms lists every platform the bot knows, web first. The web channel
// is always on: it also serves the health checks and the HTTP endpoints
// other platforms call.
var platforms = []platform{
	{
		name: web.Channel, enabledBy: "always on", enabled: func(*config) bool { return true },
		start: func(_ context.Context, p *parts) (bot.Channel, func(context.Context), error) { return p.web, nil, nil },
	},
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
// mention.
func mentions(cfg *config) map[string]bot.Platform {
	out := map[string]bot.Platform{}
	for _, p := range enabledPlatforms(cfg) {
		out[p.name] = bot.Platform{Mention: p.mention}
	}
	return out
}
