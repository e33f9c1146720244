package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/slack"
	"github.com/complaintbot/complaintbot/bot/web"
	"github.com/complaintbot/complaintbot/bot/wecom"
	"github.com/complaintbot/complaintbot/scheduler"
)

// setting is one configuration value: read from the environment, overridable
// by a flag of the same name in lower case with dashes (QUIET_WINDOW →
// --quiet-window).
type setting struct {
	Env     string
	Default string
	Help    string
	// Secret settings are never printed (not even their defaults).
	Secret bool
}

// settings lists every setting, in the order --help shows them. The
// environment names are fixed: operators' scripts use them.
var settings = []setting{
	{Env: "REDIS_URL", Help: "Redis to keep everything in: redis://[user:pass@]host:port/db, rediss:// for TLS, unix:///path/to/socket, or redis-cluster://[user:pass@]host:port,host:port for Redis Cluster (Sentinel: see REDIS_MODE). Empty: an embedded in-process store whose data is lost on exit.", Secret: true},
	{Env: "REDIS_MODE", Help: "how to reach Redis when it is more than one server: cluster (Redis Cluster; REDIS_ADDRS are some of its nodes) or sentinel (REDIS_ADDRS are the Sentinels, REDIS_MASTER the primary's name); empty for one server"},
	{Env: "REDIS_ADDRS", Help: "comma-separated host:port of Redis Cluster nodes or Sentinels, for REDIS_MODE; use instead of REDIS_URL"},
	{Env: "REDIS_MASTER", Help: "the name the Sentinels know the primary by (REDIS_MODE=sentinel)"},
	{Env: "REDIS_PASSWORD", Help: "password for REDIS_ADDRS (the servers; Sentinels too, when they have one)", Secret: true},
	{Env: "REDIS_SYNC_REPLICAS", Default: "0", Help: "make every commit wait until this many replicas have it (WAIT, up to 1 s) and fail otherwise, so a Sentinel failover loses nothing acknowledged; 0 for none; ignored on Redis Cluster"},
	{Env: "WEB_ADDR", Default: "127.0.0.1:8080", Help: "address of the built-in web channel (customer chat, team feed, JSON API); port 0 picks a free one"},
	{Env: "TEAM_TOKEN", Help: "bearer token required by the team and case endpoints (and /metrics); required when WEB_ADDR is not a loopback address", Secret: true},
	{Env: "WEB_SECRET", Help: "secret (at least 16 bytes) signing web customers' session tokens and checking embedding websites' user hashes (HMAC-SHA256). Empty: one is generated and kept in Redis, shared by every replica", Secret: true},
	{Env: "WEB_TRUSTED_PROXIES", Help: "comma-separated addresses or networks (CIDR) of the reverse proxies in front of WEB_ADDR; for their requests the client's address is read from X-Forwarded-For (the limit of failed session attempts counts per client). Empty: the header is ignored"},
	{Env: "WEB_SESSION_TTL", Default: "720h", Help: "how long a web customer's session token lasts"},
	{Env: "METRICS_ADDR", Help: "address of a separate listener for Prometheus /metrics (no token needed there). Empty: /metrics on WEB_ADDR, behind TEAM_TOKEN when one is set"},
	{Env: "STAFF", Help: "comma-separated staff names allowed to run staff commands in the team channel"},
	{Env: "SUPERVISORS", Help: "comma-separated supervisor names or handles (alerted on urgent cases and escalations; they are staff too)"},
	{Env: "STAFF_FILE", Help: "TOML file of the staff directory: [[person]] tables with name, id, role (staff or supervisor) and a handle per platform (web, slack, wechat)"},
	{Env: "TEAM_CHANNEL", Default: "web", Help: "the platform the team channel lives on (cards, threads, claims): web, or an enabled platform"},
	{Env: "QUIET_WINDOW", Default: "3s", Help: "how long the bot waits after a customer's last message before answering the burst"},
	{Env: "FIRST_RESPONSE_TARGET", Default: "15m", Help: "time within which a person must answer a new case; told to the customer as the time window"},
	{Env: "TZ", Default: "Local", Help: "the bot's time zone (IANA name, e.g. Asia/Shanghai): relative dates in customer text, business and quiet hours, cron specs and the times shown to staff"},
	{Env: "TEAM_LANG", Default: "en", Help: "language of the team channel: en or zh"},
	{Env: "MESSAGES_FILE", Help: "TOML file overriding the bot's wording ([zh] and [en] tables of catalogue keys)"},
	{Env: "LOG_LEVEL", Default: "info", Help: "debug, info, warn or error"},
	{Env: "LOG_FORMAT", Default: "text", Help: "text (logfmt) or json (one JSON object a line, go-redis's own lines included)"},

	// Slack (issue 9): on when SLACK_BOT_TOKEN is set.
	{Env: "SLACK_BOT_TOKEN", Help: "the Slack app's bot token (xoxb-…); turns Slack on", Secret: true},
	{Env: "SLACK_APP_TOKEN", Help: "app-level token (xapp-…, connections:write) for Socket Mode, the default transport", Secret: true},
	{Env: "SLACK_SIGNING_SECRET", Help: "signing secret for the HTTP Events API at /slack/events, /slack/interactions, /slack/commands on WEB_ADDR", Secret: true},
	{Env: "SLACK_TEAM_CHANNEL", Help: "id of the Slack channel the team works in (C…); required with TEAM_CHANNEL=slack"},
	{Env: "SLACK_API_URL", Default: "https://slack.com/api/", Help: "Slack's Web API base URL, ending in /; for proxies, Enterprise Grid and tests"},
	{Env: "SLACK_SEND_RATE", Default: "1/s burst 3", Help: "pace of sends per Slack channel (N/period, burst N, jitter D, hour N; off)"},

	// Keeping time (issue 4). Every duration is a Go duration (90s, 15m,
	// 2h30m) and must be more than zero; "business time" counts only
	// BUSINESS_HOURS when it is set, wall time otherwise.
	{Env: "TICK", Default: "1s", Help: "how often the scheduler looks for due wake-ups (wake-ups this replica sets itself fire on time regardless)"},
	{Env: "INTAKE_REMINDER", Default: "10m", Help: "a customer who stops answering mid-intake gets one gentle reminder after this"},
	{Env: "INTAKE_GIVEUP", Default: "24h", Help: "an intake left unanswered this long opens the case anyway with what is known, marked incomplete"},
	{Env: "UNCLAIMED_REMINDER", Default: "5m", Help: "business time after which an unclaimed case is recalled to the team channel (at FIRST_RESPONSE_TARGET supervisors are alerted)"},
	{Env: "OWNER_NUDGE", Default: "30m", Help: "business time a customer message may wait for the owner's answer before the owner is nudged"},
	{Env: "OWNER_ESCALATE", Default: "2h", Help: "business time a customer message may wait for the owner's answer before supervisors are alerted"},
	{Env: "CHECKIN_AFTER", Default: "24h", Help: "business time without news to the customer after which the owner is asked to send an update"},
	{Env: "CHECKIN_OWNER_GRACE", Default: "4h", Help: "if the owner sends no update within this, the bot tells the customer the case is still being worked on"},
	{Env: "PROMISE_REMINDER", Default: "1h", Help: "how long before a promised time (promise command) the owner is reminded"},
	{Env: "RESOLVE_ASK_AGAIN", Default: "24h", Help: "after resolve, if the customer has not said whether it is solved, they are asked once more after this"},
	{Env: "FOLLOWUP_AFTER", Default: "72h", Help: "after resolve, the follow-up (still fine? satisfaction 1-5) is sent after this"},
	{Env: "AUTOCLOSE_AFTER", Default: "168h", Help: "a resolved case whose customer never answers is closed after this"},
	{Env: "BUSINESS_HOURS", Help: `business hours as cron specs of open minutes joined by ";", each optionally prefixed CRON_TZ=<zone> (e.g. "* 9-17 * * 1-5" is Mon-Fri 09:00-18:00). Empty: always open`},
	{Env: "QUIET_HOURS", Default: "22:00-08:00", Help: `daily range in TZ when no check-in reaches a customer (an en dash works too); "off" for none`},
	{Env: "HOLIDAYS", Help: "comma-separated dates (YYYY-MM-DD, in TZ) closed all day in business time"},
	{Env: "DIGEST_CRON", Default: "0 9 * * 1-5", Help: `cron spec (in TZ unless prefixed CRON_TZ=<zone>) of the digest of open cases posted to the team channel; "off" for none`},
	{Env: "REVIEW_CRON", Default: "30 9 * * 1", Help: `cron spec of the week's voice-of-the-customer review posted to the team channel; "off" for none`},
	{Env: "RECONCILE_CRON", Default: "* * * * *", Help: `cron spec of the sweep that repairs cases whose wake-up went missing; "off" for none`},
}

// config is the parsed settings.
type config struct {
	RedisURL      string
	Redis         redisConfig
	WebAddr       string
	TeamToken     string
	Staff         []string
	Supervisors   []string
	Quiet         time.Duration
	FirstResponse time.Duration
	Location      *time.Location
	TeamLang      string
	MessagesFile  string
	LogLevel      string
	LogFormat     string
	// WebSecret signs web sessions (WEB_SECRET); nil to use the one kept
	// in Redis.
	WebSecret  []byte
	SessionTTL time.Duration
	// TrustedProxies are WEB_TRUSTED_PROXIES.
	TrustedProxies []*net.IPNet
	// MetricsAddr is a separate listener for /metrics; "" for none.
	MetricsAddr string
	// People is the staff directory (STAFF_FILE, STAFF, SUPERVISORS).
	People *bot.Directory
	// Slack holds the Slack settings (SLACK_*); BotToken "" when off.
	Slack slack.Options
	// WeChat holds the WeChat settings (WECHAT_*).
	WeChat wechatConfig
	// WeCom holds the WeCom settings (WECOM_*); CorpID "" when off.
	WeCom wecom.Options
	// WeComReception is WECOM_RECEPTION: sessions are handed to WeCom's
	// own reception.
	WeComReception bool
	// Paces are the sending paces of the platforms, by name.
	Paces map[string]bot.Pace
	// TeamChannel is the platform of the team channel (TEAM_CHANNEL).
	TeamChannel string
	// Tick is the scheduler runner's tick (TICK).
	Tick time.Duration
	// Timing is the case policy's clock: durations and calendars.
	Timing bot.Timing
	// DigestCron, ReviewCron and ReconcileCron are the periodic jobs'
	// specs; "" when the job is off.
	DigestCron, ReviewCron, ReconcileCron string
}

func flagName(env string) string { return strings.ToLower(strings.ReplaceAll(env, "_", "-")) }

// parseConfig reads the settings from the environment and the flags (flags
// win). It fails fast, naming the setting and why, on any bad value.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("complaintbot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	values := map[string]*string{}
	for _, s := range settings {
		v := getenv(s.Env)
		if v == "" {
			v = s.Default
		}
		values[s.Env] = fs.String(flagName(s.Env), v, s.Help)
	}
	fs.Usage = func() { usage(stderr) }
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (settings are flags or environment variables; see --help)", fs.Arg(0))
	}
	get := func(env string) string { return strings.TrimSpace(*values[env]) }

	c := &config{
		RedisURL:     get("REDIS_URL"),
		WebAddr:      get("WEB_ADDR"),
		TeamToken:    get("TEAM_TOKEN"),
		Staff:        list(get("STAFF")),
		Supervisors:  list(get("SUPERVISORS")),
		TeamLang:     get("TEAM_LANG"),
		MessagesFile: get("MESSAGES_FILE"),
		LogLevel:     get("LOG_LEVEL"),
		LogFormat:    get("LOG_FORMAT"),
		MetricsAddr:  get("METRICS_ADDR"),
	}
	if v := get("WEB_SECRET"); v != "" {
		if len(v) < 16 {
			return nil, fmt.Errorf("WEB_SECRET: too short (%d bytes); use at least 16 random bytes, e.g. openssl rand -hex 32", len(v))
		}
		c.WebSecret = []byte(v)
	}
	var err error
	if c.Quiet, err = duration("QUIET_WINDOW", get("QUIET_WINDOW"), 0); err != nil {
		return nil, err
	}
	if c.FirstResponse, err = duration("FIRST_RESPONSE_TARGET", get("FIRST_RESPONSE_TARGET"), time.Minute); err != nil {
		return nil, err
	}
	if c.Location, err = location(get("TZ")); err != nil {
		return nil, err
	}
	if c.TrustedProxies, err = networks("WEB_TRUSTED_PROXIES", get("WEB_TRUSTED_PROXIES")); err != nil {
		return nil, err
	}
	if c.SessionTTL, err = duration("WEB_SESSION_TTL", get("WEB_SESSION_TTL"), time.Minute); err != nil {
		return nil, err
	}
	if c.Tick, err = duration("TICK", get("TICK"), 0); err != nil {
		return nil, err
	}
	t := &c.Timing
	for _, d := range []struct {
		env string
		to  *time.Duration
	}{
		{"INTAKE_REMINDER", &t.IntakeReminder},
		{"INTAKE_GIVEUP", &t.IntakeGiveUp},
		{"UNCLAIMED_REMINDER", &t.UnclaimedReminder},
		{"OWNER_NUDGE", &t.OwnerNudge},
		{"OWNER_ESCALATE", &t.OwnerEscalate},
		{"CHECKIN_AFTER", &t.CheckinAfter},
		{"CHECKIN_OWNER_GRACE", &t.CheckinOwnerGrace},
		{"PROMISE_REMINDER", &t.PromiseReminder},
		{"RESOLVE_ASK_AGAIN", &t.ResolveAskAgain},
		{"FOLLOWUP_AFTER", &t.FollowUpAfter},
		{"AUTOCLOSE_AFTER", &t.AutocloseAfter},
	} {
		if *d.to, err = duration(d.env, get(d.env), 0); err != nil {
			return nil, err
		}
	}
	holidays, err := holidayList(get("HOLIDAYS"))
	if err != nil {
		return nil, err
	}
	if t.Business, err = businessHours(get("BUSINESS_HOURS"), holidays, c.Location); err != nil {
		return nil, err
	}
	if t.QuietHours, err = quietHours(get("QUIET_HOURS"), c.Location); err != nil {
		return nil, err
	}
	for _, j := range []struct {
		env string
		to  *string
	}{
		{"DIGEST_CRON", &c.DigestCron},
		{"REVIEW_CRON", &c.ReviewCron},
		{"RECONCILE_CRON", &c.ReconcileCron},
	} {
		if *j.to, err = cronSpec(j.env, get(j.env), c.Location); err != nil {
			return nil, err
		}
	}
	if c.Redis, err = parseRedis(c.RedisURL, get); err != nil {
		return nil, err
	}
	switch c.TeamLang {
	case "en", "zh":
	default:
		return nil, fmt.Errorf("TEAM_LANG: %q is not en or zh", c.TeamLang)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return nil, fmt.Errorf("LOG_LEVEL: %q is not debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return nil, fmt.Errorf("LOG_FORMAT: %q is not text or json", c.LogFormat)
	}
	if c.WebAddr == "" {
		return nil, fmt.Errorf("WEB_ADDR: empty (use host:port, e.g. 127.0.0.1:8080)")
	}
	if !web.IsLoopback(c.WebAddr) && c.TeamToken == "" {
		return nil, fmt.Errorf("WEB_ADDR: %s is not a loopback address, and TEAM_TOKEN is not set: "+
			"anyone who can reach it could work the cases. Set TEAM_TOKEN (e.g. openssl rand -hex 32), or listen on 127.0.0.1", c.WebAddr)
	}
	for _, name := range append(append([]string{}, c.Staff...), c.Supervisors...) {
		if strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("STAFF/SUPERVISORS: %q contains a space; names are single words", name)
		}
	}
	var file []bot.Person
	if f := get("STAFF_FILE"); f != "" {
		if file, err = readStaffFile(f); err != nil {
			return nil, err
		}
	}
	if c.People, err = staffDirectory(file, c.Staff, c.Supervisors); err != nil {
		return nil, err
	}
	c.Slack = slack.Options{
		BotToken: get("SLACK_BOT_TOKEN"), AppToken: get("SLACK_APP_TOKEN"), SigningSecret: get("SLACK_SIGNING_SECRET"),
		TeamChannel: get("SLACK_TEAM_CHANNEL"), APIURL: get("SLACK_API_URL"),
	}
	if c.Slack.BotToken != "" || c.Slack.AppToken != "" || c.Slack.SigningSecret != "" || c.Slack.TeamChannel != "" {
		if err := slack.CheckOptions(c.Slack, strings.EqualFold(get("TEAM_CHANNEL"), slack.Channel)); err != nil {
			return nil, err
		}
	}
	if c.WeChat, err = parseWeChat(get, get("TEAM_CHANNEL")); err != nil {
		return nil, err
	}
	if err := parseWeCom(get, c); err != nil {
		return nil, err
	}
	c.Paces = map[string]bot.Pace{}
	for _, p := range platforms {
		if p.paceEnv == "" {
			continue
		}
		if c.Paces[p.name], err = bot.ParsePace(get(p.paceEnv)); err != nil {
			return nil, fmt.Errorf("%s: %s", p.paceEnv, bot.ErrorMessage(err))
		}
	}
	c.TeamChannel = strings.ToLower(get("TEAM_CHANNEL"))
	if !slices.ContainsFunc(platforms, func(p platform) bool { return p.name == c.TeamChannel }) {
		return nil, fmt.Errorf("TEAM_CHANNEL: %q is not a platform (one of %s)", c.TeamChannel, platformNames())
	}
	if p := platformNamed(c.TeamChannel); !p.enabled(c) {
		return nil, fmt.Errorf("TEAM_CHANNEL: %s is not enabled (%s)", c.TeamChannel, p.enabledBy)
	}
	return c, nil
}

// networks reads comma-separated addresses (a whole network of one
// address) or CIDR networks.
func networks(env, v string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, item := range list(v) {
		if !strings.Contains(item, "/") {
			ip := net.ParseIP(item)
			if ip == nil {
				return nil, fmt.Errorf("%s: %q is not an address or a network (e.g. 10.0.0.5 or 10.0.0.0/8)", env, item)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(item)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an address or a network (e.g. 10.0.0.5 or 10.0.0.0/8)", env, item)
		}
		out = append(out, n)
	}
	return out, nil
}

func duration(env, v string, least time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a duration (examples: 3s, 15m, 2h)", env, v)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%s: %q must be more than zero", env, v)
	}
	if d < least {
		return 0, fmt.Errorf("%s: %s is too short (at least %s)", env, d, least)
	}
	return d, nil
}

// off reports whether a setting's value switches its feature off.
func off(v string) bool {
	switch strings.ToLower(v) {
	case "", "off", "none":
		return true
	}
	return false
}

// holidayList reads HOLIDAYS: comma-separated YYYY-MM-DD dates.
func holidayList(v string) ([]string, error) {
	days := list(v)
	for _, d := range days {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			return nil, fmt.Errorf("HOLIDAYS: %q is not a date (want YYYY-MM-DD, e.g. 2026-10-01)", d)
		}
	}
	return days, nil
}

// businessHours reads BUSINESS_HOURS, with the holidays closed. Nil (wall
// time) when neither is set; with holidays only, every other day is open.
func businessHours(spec string, holidays []string, loc *time.Location) (*scheduler.Calendar, error) {
	if spec == "" && len(holidays) == 0 {
		return nil, nil
	}
	cal, err := scheduler.ParseCalendar(spec, holidays, loc)
	if err != nil {
		return nil, fmt.Errorf("BUSINESS_HOURS: %s (write cron specs of open minutes joined by \";\", e.g. \"* 9-17 * * 1-5\" for Mon-Fri 09:00-18:00)",
			strings.TrimPrefix(err.Error(), "scheduler: "))
	}
	return cal, nil
}

// quietHours reads QUIET_HOURS: a daily range in loc, or off.
func quietHours(v string, loc *time.Location) (*scheduler.Calendar, error) {
	if off(v) {
		return nil, nil
	}
	cal, err := scheduler.ParseDailyRange(v, loc)
	if err != nil {
		return nil, fmt.Errorf("QUIET_HOURS: %s (e.g. 22:00-08:00, or off)", strings.TrimPrefix(err.Error(), "scheduler: "))
	}
	return cal, nil
}

// cronSpec checks a periodic job's spec with the parser the job will run
// on (scheduler.Periodic, which turns robfig/cron's panics into errors)
// and returns it, or "" when the job is off.
func cronSpec(env, spec string, loc *time.Location) (string, error) {
	if off(spec) {
		return "", nil
	}
	check := scheduler.NewPeriodic(nil, "check", scheduler.WithLocation(loc))
	err := check.Add(env, spec, func(context.Context, time.Time) error { return nil })
	if err != nil {
		why := strings.TrimPrefix(err.Error(), fmt.Sprintf("scheduler: periodic job %q: ", env))
		if u := errors.Unwrap(err); u != nil {
			why = u.Error()
		}
		return "", fmt.Errorf("%s: %q is not a usable cron spec: %s (want five fields: minute hour day-of-month month day-of-week, e.g. \"0 9 * * 1-5\"; or off)", env, spec, why)
	}
	return spec, nil
}

func location(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("TZ: %q is not a time zone (use an IANA name such as Asia/Shanghai)", name)
	}
	return loc, nil
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// usage prints every setting with its default.
func usage(w io.Writer) {
	fmt.Fprintln(w, "complaintbot: handles customer complaints in chat, the way the best human complaint handlers do.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: complaintbot [--setting=value ...]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every setting is an environment variable; a flag of the same name in lower case")
	fmt.Fprintln(w, "(QUIET_WINDOW → --quiet-window) overrides it.")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tDEFAULT\tMEANING")
	for _, s := range settings {
		def := s.Default
		if def == "" {
			def = "(none)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Env, def, s.Help)
	}
	tw.Flush()
}
