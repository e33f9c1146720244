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
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
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
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready chan<- string) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	// Load the Chinese word list in the background, so the first Chinese
	// customer does not wait for it.
	go flows.Prepare()

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
	runner := scheduler.NewRunner(wakeups, func(ctx context.Context, name string, due time.Time) error {
		return engine.WakeUp(ctx, name, due)
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
	}, bot.WithLogger(log), bot.WithPoke(runner.Poke))

	periodic, err := periodicJobs(cfg, rdb, store.Options().Prefix+":periodic", replica, engine, log)
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
	webServer := web.New(web.Options{
		Engine:      engine,
		Feed:        store,
		Staff:       staffNames,
		Supervisors: supNames,
		Token:       cfg.TeamToken,
		Addr:        cfg.WebAddr,
		Logger:      log,
	})

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
	pp := &parts{cfg: cfg, log: log, engine: engine, store: store, web: webServer, replica: replica}
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
		sd := bot.NewSender(store, p.name, ch, replica, log)
		sd.Pace = cfg.Paces[p.name]
		sd.OnDead = engine.Undelivered
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
	go func() { serveErr <- httpServer.Serve(ln) }()

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
func periodicJobs(cfg *config, rdb redis.UniversalClient, prefix, replica string, engine *bot.Engine, log *slog.Logger) (*scheduler.Periodic, error) {
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

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// replicaName names this process to the store and the scheduler: host, pid
// and a random suffix, unique among replicas.
func replicaName() string {
	host, _ := os.Hostname()
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
