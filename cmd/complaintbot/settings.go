package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"
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
	{Env: "REDIS_URL", Help: "Redis to keep everything in (redis://[user:pass@]host:port/db, rediss:// for TLS). Empty: an embedded in-process store whose data is lost on exit.", Secret: true},
	{Env: "WEB_ADDR", Default: "127.0.0.1:8080", Help: "address of the built-in web channel (customer chat, team feed, JSON API)"},
	{Env: "TEAM_TOKEN", Help: "bearer token required by the team and case endpoints; required when WEB_ADDR is not a loopback address", Secret: true},
	{Env: "STAFF", Help: "comma-separated staff names allowed to run staff commands in the team channel"},
	{Env: "SUPERVISORS", Help: "comma-separated supervisor names (alerted on urgent cases and escalations; they are staff too)"},
	{Env: "QUIET_WINDOW", Default: "3s", Help: "how long the bot waits after a customer's last message before answering the burst"},
	{Env: "FIRST_RESPONSE_TARGET", Default: "15m", Help: "time within which a person must answer a new case; told to the customer as the time window"},
	{Env: "TZ", Default: "Local", Help: "the bot's time zone (IANA name, e.g. Asia/Shanghai): relative dates in customer text, business hours and the times shown to staff"},
	{Env: "TEAM_LANG", Default: "en", Help: "language of the team channel: en or zh"},
	{Env: "MESSAGES_FILE", Help: "TOML file overriding the bot's wording ([zh] and [en] tables of catalogue keys)"},
	{Env: "LOG_LEVEL", Default: "info", Help: "debug, info, warn or error"},
}

// config is the parsed settings.
type config struct {
	RedisURL      string
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
	if c.RedisURL != "" {
		u, err := url.Parse(c.RedisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
			return nil, fmt.Errorf("REDIS_URL: want redis://host:port/db, rediss://… or unix://…")
		}
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
	if c.WebAddr == "" {
		return nil, fmt.Errorf("WEB_ADDR: empty (use host:port, e.g. 127.0.0.1:8080)")
	}
	for _, name := range append(append([]string{}, c.Staff...), c.Supervisors...) {
		if strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("STAFF/SUPERVISORS: %q contains a space; names are single words", name)
		}
	}
	return c, nil
}

func duration(env, v string, least time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a duration (examples: 3s, 15m, 2h)", env, v)
	}
	if d <= 0 || d < least {
		return 0, fmt.Errorf("%s: %s is too short (at least %s)", env, d, max(least, time.Nanosecond))
	}
	return d, nil
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
