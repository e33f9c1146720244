// Package slack is the Slack platform: customers write to the support app
// in a direct message (from the workspace or a Slack Connect one), and the
// team works cases in a channel, on the real slack-go client.
//
// Like every adapter it decides nothing. It turns Slack's events, button
// clicks, modal submissions and slash commands into bot.Inbound messages,
// accepted durably (bot.Engine.Accept) before Slack is acknowledged, and it
// renders the engine's outbound messages natively: a Block Kit card that is
// updated in place, a thread per case under it, ephemeral notices, direct
// messages, and an App Home.
//
// Two transports share the same handlers: Socket Mode (SLACK_APP_TOKEN),
// and the HTTP Events API on the web server (SLACK_SIGNING_SECRET), whose
// every request is signature-checked.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
)

// Channel is the platform's name in bot.Inbound.Channel and
// bot.Outbound.Channel.
const Channel = "slack"

// DefaultAPIURL is Slack's Web API.
const DefaultAPIURL = "https://slack.com/api/"

// Engine is what the adapter needs of bot.Engine.
type Engine interface {
	Accept(ctx context.Context, in bot.Inbound) error
	Query(ctx context.Context, platform, handle, text string) (string, bool, error)
	Cases(ctx context.Context, statuses ...bot.Status) ([]*bot.Case, error)
	People() *bot.Directory
	Config() bot.Config
}

var _ Engine = (*bot.Engine)(nil)

// Options configures an Adapter.
type Options struct {
	// BotToken is the bot's token (SLACK_BOT_TOKEN, xoxb-…). Required.
	BotToken string
	// AppToken is the app-level token for Socket Mode (SLACK_APP_TOKEN,
	// xapp-…); "" for no Socket Mode.
	AppToken string
	// SigningSecret verifies the HTTP Events API's requests
	// (SLACK_SIGNING_SECRET); "" for no HTTP mode.
	SigningSecret string
	// TeamChannel is the id of the team channel (SLACK_TEAM_CHANNEL, C…),
	// when the team works on Slack; "" otherwise.
	TeamChannel string
	// APIURL is the Web API's base URL, ending in "/" (SLACK_API_URL).
	APIURL string
	// Engine receives what Slack sends. Required.
	Engine Engine
	// Logger gets the adapter's logs; slog.Default() when nil.
	Logger *slog.Logger
	// HTTPClient makes the Web API calls; a client with a 30 s timeout
	// when nil.
	HTTPClient *http.Client
	// PingInterval is how long Socket Mode waits for Slack's ping before
	// it reconnects; slack-go's default (30 s) when zero.
	PingInterval time.Duration
}

// CheckOptions returns an error naming the setting when the combination
// cannot work: a bot token is needed, and a way to hear from Slack (an app
// token for Socket Mode or a signing secret for the HTTP Events API);
// tokens must have their kind's prefix; the team channel must be a channel
// id; the API URL must end in "/". team says whether the team channel is
// on Slack (TEAM_CHANNEL=slack).
func CheckOptions(o Options, team bool) error {
	switch {
	case o.BotToken == "":
		return fmt.Errorf("SLACK_BOT_TOKEN: required for Slack (xoxb-…)")
	case !strings.HasPrefix(o.BotToken, "xoxb-"):
		return fmt.Errorf("SLACK_BOT_TOKEN: not a bot token (it starts with xoxb-)")
	case o.AppToken == "" && o.SigningSecret == "":
		return fmt.Errorf("SLACK_APP_TOKEN: Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP Events API)")
	case o.AppToken != "" && !strings.HasPrefix(o.AppToken, "xapp-"):
		return fmt.Errorf("SLACK_APP_TOKEN: not an app-level token (it starts with xapp-)")
	case team && o.TeamChannel == "":
		return fmt.Errorf("SLACK_TEAM_CHANNEL: required with TEAM_CHANNEL=slack (the channel's id, C…)")
	case o.TeamChannel != "" && !isChannelID(o.TeamChannel):
		return fmt.Errorf("SLACK_TEAM_CHANNEL: %q is not a channel id (C… or G…; copy it from the channel's details)", o.TeamChannel)
	case o.APIURL != "" && !strings.HasSuffix(o.APIURL, "/"):
		return fmt.Errorf("SLACK_API_URL: %q must end in /", o.APIURL)
	}
	return nil
}

func isChannelID(s string) bool {
	if len(s) < 2 || (s[0] != 'C' && s[0] != 'G') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Adapter is the Slack platform: the bot.Channel that delivers outbound
// messages, the receiver of Socket Mode and HTTP events, and the keeper of
// the team channel's members as staff.
type Adapter struct {
	o      Options
	api    *slackapi.Client
	engine Engine
	log    *slog.Logger
	cat    *flows.Catalog
	lang   flows.Lang
	loc    *time.Location

	// Set by Start (auth.test).
	teamID, botUser, botID, workspace string

	users   *userCache
	dms     sync.Map // user id → DM channel id
	home    *homes
	health  bot.Health
	cancel  context.CancelFunc
	done    chan struct{}
	started bool
}

var (
	_ bot.Channel   = (*Adapter)(nil)
	_ bot.PaceKeyer = (*Adapter)(nil)
)

// New returns an adapter; Start connects it.
func New(o Options) (*Adapter, error) {
	if err := CheckOptions(o, false); err != nil {
		return nil, err
	}
	if o.Engine == nil {
		return nil, errors.New("slack.New: Options.Engine is required")
	}
	if o.APIURL == "" {
		o.APIURL = DefaultAPIURL
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	opts := []slackapi.Option{slackapi.OptionAPIURL(o.APIURL), slackapi.OptionHTTPClient(o.HTTPClient)}
	if o.AppToken != "" {
		opts = append(opts, slackapi.OptionAppLevelToken(o.AppToken))
	}
	cfg := o.Engine.Config()
	a := &Adapter{
		o: o, api: slackapi.New(o.BotToken, opts...), engine: o.Engine, log: o.Logger.With("platform", Channel),
		cat: cfg.Catalog, lang: cfg.TeamLang, loc: cfg.Location,
		users: newUserCache(10_000, time.Hour),
	}
	a.home = newHomes(a)
	a.health.Set(errors.New("slack: not started"))
	return a, nil
}

// Mention writes a person for a Slack text: the engine's texts carry it as
// a marker that no customer can type (control characters are removed from
// everything customers and staff write), and Deliver turns it into Slack's
// mention <@U123> after escaping the rest of the text.
func Mention(p bot.Person) string { return mentionOpen + p.Handles[Channel] + mentionClose }

const (
	mentionOpen  = "\x01"
	mentionClose = "\x02"
)

// Start checks the token (auth.test says which workspace and bot user it
// is), learns the team channel's members as staff, and, with an app token,
// connects Socket Mode in the background. A bad token is an error here.
func (a *Adapter) Start(ctx context.Context) error {
	auth, err := a.api.AuthTestContext(ctx)
	if err != nil {
		a.health.Set(fmt.Errorf("slack: auth.test: %w", err))
		return fmt.Errorf("SLACK_BOT_TOKEN: Slack refused it (auth.test: %v)", err)
	}
	a.teamID, a.botUser, a.botID, a.workspace = auth.TeamID, auth.UserID, auth.BotID, auth.Team
	a.log.Info("slack: connected", "workspace", auth.Team, "team_id", auth.TeamID, "bot_user", auth.UserID)
	if a.o.TeamChannel != "" {
		if err := a.loadMembers(ctx); err != nil {
			a.log.Error("slack: the team channel's members could not be read; staff are only those configured", "channel", a.o.TeamChannel, "err", err)
		}
	}
	runCtx, cancel := context.WithCancel(context.Background())
	a.cancel, a.done, a.started = cancel, make(chan struct{}), true
	if a.o.AppToken == "" {
		a.health.Set(nil)
		close(a.done)
		return nil
	}
	go func() {
		defer close(a.done)
		a.runSocket(runCtx)
	}()
	return nil
}

// Stop disconnects Socket Mode and waits for it, or for ctx.
func (a *Adapter) Stop(ctx context.Context) {
	if !a.started {
		return
	}
	a.cancel()
	a.home.stop()
	select {
	case <-a.done:
	case <-ctx.Done():
	}
}

// Ready returns nil while the adapter can talk to Slack, or why not: not
// started, Socket Mode disconnected, the token revoked.
func (a *Adapter) Ready() error { return a.health.Err() }

// loadMembers learns the team channel's members (conversations.members,
// paged) as staff, with their names from users.info. The bot itself is a
// member and is left out.
func (a *Adapter) loadMembers(ctx context.Context) error {
	cursor := ""
	for {
		ids, next, err := a.api.GetUsersInConversationContext(ctx, &slackapi.GetUsersInConversationParameters{ChannelID: a.o.TeamChannel, Cursor: cursor, Limit: 200})
		if err != nil {
			return err
		}
		for _, id := range ids {
			a.learn(ctx, id)
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}

// learn adds a member of the team channel to the staff directory (which
// keeps them only if the configuration allows: see bot.Directory.Learn).
func (a *Adapter) learn(ctx context.Context, user string) {
	if user == a.botUser {
		return
	}
	u, err := a.user(ctx, user)
	if err != nil {
		a.log.Warn("slack: users.info failed; learning the member by id", "user", user, "err", err)
	}
	if u.bot {
		return
	}
	if p := a.engine.People().Learn(Channel, user, u.name); p != nil {
		a.log.Debug("slack: staff member", "user", user, "person", p.ID)
	}
}

// slackUser is what the adapter keeps of a Slack user.
type slackUser struct {
	name string
	bot  bool
}

// user returns a user's display name (cached for an hour).
func (a *Adapter) user(ctx context.Context, id string) (slackUser, error) {
	if u, ok := a.users.get(id); ok {
		return u, nil
	}
	info, err := a.api.GetUserInfoContext(ctx, id)
	if err != nil {
		return slackUser{name: id}, err
	}
	u := slackUser{name: info.Profile.DisplayName, bot: info.IsBot}
	if u.name == "" {
		u.name = info.RealName
	}
	if u.name == "" {
		u.name = info.Name
	}
	a.users.put(id, u)
	return u, nil
}

// userCache is a small map of users with an age limit, bounded in size.
type userCache struct {
	mu   sync.Mutex
	max  int
	ttl  time.Duration
	byID map[string]cachedUser
}

type cachedUser struct {
	u  slackUser
	at time.Time
}

func newUserCache(max int, ttl time.Duration) *userCache {
	return &userCache{max: max, ttl: ttl, byID: map[string]cachedUser{}}
}

func (c *userCache) get(id string) (slackUser, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[id]
	if !ok || time.Since(e.at) > c.ttl {
		return slackUser{}, false
	}
	return e.u, true
}

func (c *userCache) put(id string, u slackUser) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byID) >= c.max {
		for k := range c.byID { // drop any one: the cache only saves calls
			delete(c.byID, k)
			break
		}
	}
	c.byID[id] = cachedUser{u: u, at: time.Now()}
}

// runSocket keeps Socket Mode connected until ctx ends. slack-go reconnects
// by itself on a disconnect or a missed ping; it gives up only on a dead
// token, which is logged as an error once and makes Ready fail. Events are
// read as they come (a slow reader would stall slack-go's connection), and
// each is acknowledged once accepted.
func (a *Adapter) runSocket(ctx context.Context) {
	opts := []socketmode.Option{}
	if a.o.PingInterval > 0 {
		opts = append(opts, socketmode.OptionPingInterval(a.o.PingInterval))
	}
	sm := socketmode.New(a.api, opts...)
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-errc
			return
		case err := <-errc:
			if ctx.Err() == nil {
				a.health.Set(fmt.Errorf("slack: Socket Mode stopped: %v", err))
				a.log.Error("slack: Socket Mode gave up; check SLACK_APP_TOKEN (no retries)", "err", err)
			}
			<-ctx.Done()
			return
		case ev := <-sm.Events:
			a.socketEvent(ctx, sm, ev)
		}
	}
}
