// Command complaintbot runs the complaint bot: the engine, the scheduler that
// keeps time for every case, the outbox senders and the platform adapters,
// over one Redis (or, with nothing configured, an embedded in-process store).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/export"
	"github.com/complaintbot/complaintbot/bot/metrics"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/web"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "complaintbot:", err)
		os.Exit(1)
	}
}

// shutdownGrace bounds how long a graceful shutdown waits for work in flight.
const shutdownGrace = 10 * time.Second

// run starts the bot and serves until ctx ends, then shuts down gracefully:
// it stops taking messages, finishes what is in flight, and closes Redis.
// ready, when not nil, receives the web channel's address once it listens.
//
// run with "export" or "healthcheck" first runs that sub-command instead
// (runExport, runHealthcheck).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready chan<- string) error {
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return runExport(ctx, args[1:], getenv, stdout, stderr)
		case "healthcheck":
			return runHealthcheck(ctx, args[1:], getenv, stdout, stderr)
		}
	}
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	// go-redis logs through a process-wide logger of its own (dial
	// failures, bad connections); send it through slog too, so that every
	// line of a JSON log is JSON.
	redis.SetLogger(redisLogger{log.With("component", "go-redis")})
	// The Chinese word list (0.1–0.2 s, 28 MB) and the date parser's
	// English expressions (20–75 ms, 8 MB) load on the first message that
	// needs them, not at start: that message is read after it has been
	// accepted and while the bot waits out the quiet window, so nobody
	// waits for them, a bot that serves only one language never loads
	// the other's, and an idle bot stays under 40 MB (docs/production.md).

	rdb, closeRedis, err := openRedis(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeRedis()

	var overrides []map[flows.Lang]map[string]any
	if cfg.MessagesFile != "" {
		data, err := os.ReadFile(cfg.MessagesFile)
		if err != nil {
			return fmt.Errorf("MESSAGES_FILE: %w", err)
		}
		o, err := flows.ParseOverrides(data)
		if err != nil {
			return fmt.Errorf("MESSAGES_FILE %s: %w", cfg.MessagesFile, err)
		}
		overrides = append(overrides, o)
	}
	catalog, err := flows.NewCatalog(overrides...)
	if err != nil {
		return fmt.Errorf("MESSAGES_FILE %s: %w", cfg.MessagesFile, err)
	}

	replica := replicaName()
	store := redisstore.New(rdb, storeOptions(cfg))
	wakeups := scheduler.NewWakeUps(rdb, store.WakeUpKeys()...)

	var engine *bot.Engine
	platformChecks := map[string]func(context.Context) error{}
	mx := metrics.New(metrics.Options{
		Platforms: platformChecks,
		State: func(ctx context.Context) (metrics.State, error) {
			return gaugeState(ctx, cfg, store, wakeups, engine)
		},
	})
	runner := scheduler.NewRunner(wakeups, func(ctx context.Context, name string, due time.Time) error {
		err := engine.WakeUp(ctx, name, due)
		mx.WakeUp(due, time.Now(), err)
		return err
	}, scheduler.WithLogger(log), scheduler.WithTick(cfg.Tick))
	engine = bot.NewEngine(store, bot.Config{
		Team:          cfg.TeamChannel,
		TeamLang:      flows.Lang(cfg.TeamLang),
		People:        cfg.People,
		Platforms:     mentions(cfg),
		Quiet:         cfg.Quiet,
		FirstResponse: cfg.FirstResponse,
		Location:      cfg.Location,
		Catalog:       catalog,
		Timing:        cfg.Timing,
		// A sweep of 16 partitions of a small store takes some 6 s; one of
		// 100,000 open cases about 30 s.
		SweepPause: 200 * time.Millisecond,
	}, bot.WithLogger(log), bot.WithPoke(runner.Poke), bot.WithObserver(mx))

	periodic, err := periodicJobs(cfg, rdb, store.Options().Prefix+":periodic", replica, engine, log, mx)
	if err != nil {
		return err
	}

	var staffNames, supNames []string
	for _, p := range cfg.People.People() {
		if h := p.Handle(web.Channel); h != "" {
			if p.Supervisor() {
				supNames = append(supNames, h)
			} else {
				staffNames = append(staffNames, h)
			}
		}
	}
	secret := cfg.WebSecret
	if secret == nil {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		secret, err = store.Secret(sctx, "web")
		cancel()
		if err != nil {
			return fmt.Errorf("WEB_SECRET: not set, and the one kept in Redis could not be read: %w", err)
		}
		if cfg.RedisURL == "" {
			log.Info("WEB_SECRET not set: generated one in the embedded store; customers' sessions end when the bot exits")
		} else {
			log.Info("WEB_SECRET not set: using the one kept in Redis (shared by every replica on it)")
		}
	}
	webServer := web.New(web.Options{
		Secret:         secret,
		SessionTTL:     cfg.SessionTTL,
		Location:       cfg.Location,
		TrustedProxies: cfg.TrustedProxies,
		Export: func(ctx context.Context, w io.Writer, q web.ExportQuery) error {
			_, err := export.Cases(ctx, store, w, export.Query{Format: q.Format, Transcripts: q.Transcripts,
				From: q.From, To: q.To, Statuses: q.Statuses, Location: cfg.Location})
			return err
		},
		Engine:      engine,
		Feed:        store,
		Staff:       staffNames,
		Supervisors: supNames,
		Token:       cfg.TeamToken,
		Addr:        cfg.WebAddr,
		Logger:      log,
	})

	webServer.AddReadiness("redis", func(ctx context.Context) error {
		// A primary that answers (every shard, on Cluster): during a
		// Sentinel failover the old primary is gone or a replica.
		if err := store.Ready(ctx); err != nil {
			return fmt.Errorf("unreachable: %w", err)
		}
		return nil
	})
	var metricsServer *http.Server
	if cfg.MetricsAddr == "" {
		webServer.MountTeam("/metrics", mx.Handler())
	} else {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("METRICS_ADDR %s: %w", cfg.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", mx.Handler())
		metricsServer = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = metricsServer.Serve(mln) }()
		defer metricsServer.Close()
		log.Info("metrics", "addr", "http://"+mln.Addr().String()+"/metrics")
	}

	ln, err := net.Listen("tcp", cfg.WebAddr)
	if err != nil {
		return fmt.Errorf("WEB_ADDR %s: %w", cfg.WebAddr, err)
	}
	httpServer := &http.Server{
		Handler:           webServer.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		// Long polls wait up to a minute; leave room for the answer.
		WriteTimeout: 90 * time.Second,
		IdleTimeout:  2 * time.Minute,
	}
	// End the long polls at once on shutdown instead of waiting them out.
	httpServer.RegisterOnShutdown(webServer.Close)

	// Every enabled platform: its adapter and the sender that drains its
	// outbox.
	pp := &parts{cfg: cfg, log: log, engine: engine, store: store, web: webServer, replica: replica,
		ready: func(name string, check func(context.Context) error) {
			webServer.AddReadiness(name, check)
			platformChecks[name] = check
		}}
	var senders []*bot.Sender
	var inboxes []*bot.Inbox
	var stops []func(context.Context)
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		for _, b := range inboxes {
			b.Stop(sctx)
		}
		for _, s := range senders {
			s.Stop(sctx)
		}
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i](sctx)
		}
	}()
	for _, p := range enabledPlatforms(cfg) {
		ch, stop, err := p.start(ctx, pp)
		if err != nil {
			return err
		}
		if stop != nil {
			stops = append(stops, stop)
		}
		sd := bot.NewSender(store, p.name, mx.Channel(p.name, ch), replica, log)
		sd.Pace = cfg.Paces[p.name]
		name := p.name
		sd.OnDead = func(ctx context.Context, m bot.Outbound, reason string) error {
			mx.DeadLetter(name)
			log.Warn("message undeliverable, moved to the dead letters", "platform", name, "case", m.Case, "reason", reason)
			return engine.Undelivered(ctx, m, reason)
		}
		senders = append(senders, sd)
		inboxes = append(inboxes, bot.NewInbox(engine, p.name, replica, log))
	}

	runner.Start()
	periodic.Start()
	for _, s := range senders {
		s.Start()
	}
	for _, b := range inboxes {
		b.Start()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(web.JSONErrors(ln)) }()

	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(stdout, "complaintbot: web channel on %s\n", url)
	log.Info("started", "web", url, "replica", replica, "team_channel", cfg.TeamChannel,
		"staff", len(cfg.People.People()), "supervisors", len(cfg.People.Supervisors()))
	if ready != nil {
		ready <- ln.Addr().String()
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			log.Error("web channel stopped", "err", err)
		}
	}

	// Stop taking messages, finish those in flight, then stop the
	// background loops and close Redis (deferred).
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := httpServer.Shutdown(sctx); err != nil {
		log.Warn("web channel shutdown", "err", err)
	}
	if err := runner.Stop(sctx); err != nil {
		log.Warn("scheduler shutdown", "err", err)
	}
	if err := periodic.Stop(sctx); err != nil {
		log.Warn("periodic jobs shutdown", "err", err)
	}
	for _, b := range inboxes {
		b.Stop(sctx)
	}
	for _, s := range senders {
		s.Stop(sctx)
	}
	log.Info("stopped")
	return nil
}

// periodicJobs sets up the digest, the weekly review and the reconcile
// sweep on their cron specs (read in TZ unless they name a zone). Across
// replicas each fire runs once, under a Redis lock. A job that fails is
// logged by the scheduler with the error, which carries no settings.
func periodicJobs(cfg *config, rdb redis.UniversalClient, prefix, replica string, engine *bot.Engine, log *slog.Logger, mx *metrics.Metrics) (*scheduler.Periodic, error) {
	p := scheduler.NewPeriodic(rdb, prefix,
		scheduler.WithLocation(cfg.Location), scheduler.WithReplica(replica), scheduler.WithLogger(log))
	jobs := []struct {
		env, name, spec string
		fn              scheduler.JobFunc
	}{
		{"DIGEST_CRON", "digest", cfg.DigestCron, func(ctx context.Context, fire time.Time) error {
			if err := engine.PostDigest(ctx, fire); err != nil {
				return fmt.Errorf("digest: %w", err)
			}
			return nil
		}},
		{"REVIEW_CRON", "review", cfg.ReviewCron, func(ctx context.Context, fire time.Time) error {
			if err := engine.PostReview(ctx, fire); err != nil {
				return fmt.Errorf("review: %w", err)
			}
			return nil
		}},
		{"RECONCILE_CRON", "reconcile", cfg.ReconcileCron, func(ctx context.Context, fire time.Time) error {
			n, err := engine.Reconcile(ctx, fire)
			mx.Repaired(n)
			if n > 0 {
				log.Warn("reconcile: repaired missing wake-ups", "count", n)
			}
			if err != nil {
				return fmt.Errorf("reconcile: %w", err)
			}
			return nil
		}},
	}
	for _, j := range jobs {
		if j.spec == "" {
			log.Info("periodic job off", "job", j.name, "setting", j.env)
			continue
		}
		if err := p.Add(j.name, j.spec, j.fn); err != nil {
			return nil, fmt.Errorf("%s: %w", j.env, err)
		}
	}
	return p, nil
}

// gaugeState reads the metrics' gauges: cases by status (and, for open
// and claimed ones, by priority), outbox and dead-letter depths by
// platform, and the wake-ups due.
func gaugeState(ctx context.Context, cfg *config, store *redisstore.Store, wakeups *scheduler.WakeUps, engine *bot.Engine) (metrics.State, error) {
	var names []string
	for _, p := range enabledPlatforms(cfg) {
		names = append(names, p.name)
	}
	c, err := store.Counts(ctx, names)
	if err != nil {
		return metrics.State{}, err
	}
	st := metrics.State{Cases: c.ByStatus, Outbox: c.Outbox, Dead: c.Dead, Open: map[[2]string]int64{}}
	// A page at a time: a scrape must not hold every open case in memory.
	err = store.EachCase(ctx, []bot.Status{bot.Open, bot.Claimed}, time.Time{}, time.Time{}, func(cs *bot.Case) error {
		st.Open[[2]string{string(cs.Status), string(cs.Priority)}]++
		return nil
	})
	if err != nil {
		return metrics.State{}, err
	}
	if st.WakeUpsDue, err = wakeups.DueCount(ctx, time.Now()); err != nil {
		return metrics.State{}, err
	}
	return st, nil
}

// newLogger returns the process's logger: logfmt text, or one JSON object
// a line with LOG_FORMAT=json.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	o := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, o))
	}
	return slog.New(slog.NewTextHandler(w, o))
}

// redisLogger is go-redis's logger on slog. Its lines are about
// connections (dial failures, a connection closed with unread data), so
// they are warnings.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: "))
}

// replicaName names this process to the store and the scheduler: host, pid
// and a random suffix, unique among replicas.
func replicaName() string {
	host, _ := os.Hostname()
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
