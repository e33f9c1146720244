package bot_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

var chaosLong = flag.Bool("chaos.long", false, "run TestChaos with 600 customers and a crash every 3 s for a minute (a benchmark of recovery, not a CI test)")

// chaosReplica is one bot process: its own Redis connections, store,
// engine, scheduler and sender. crash ends it abruptly: its connections
// are closed under everything it is doing (nothing it holds is released or
// finished; its leases and unacknowledged messages are left to run out),
// as kill -9 would leave them.
type chaosReplica struct {
	name   string
	rdb    *redis.Client
	eng    *bot.Engine
	runner *scheduler.Runner
	sender *bot.Sender
}

func startChaosReplica(srv *redistest.Server, name string, p bot.Channel, cfg bot.Config) *chaosReplica {
	r := &chaosReplica{name: name, rdb: redis.NewClient(&redis.Options{Addr: srv.Addr, Protocol: 2, MaxRetries: -1})}
	store := redisstore.New(r.rdb, redisstore.Options{})
	quiet := slog.New(slog.DiscardHandler)
	r.runner = scheduler.NewRunner(scheduler.NewWakeUps(r.rdb, store.WakeUpKeys()...), func(ctx context.Context, n string, due time.Time) error {
		return r.eng.WakeUp(ctx, n, due)
	}, scheduler.WithTick(100*time.Millisecond), scheduler.WithLogger(quiet))
	r.eng = bot.NewEngine(store, cfg, bot.WithPoke(r.runner.Poke), bot.WithLogger(quiet))
	r.sender = bot.NewSender(store, "web", p, name, quiet)
	r.sender.Block = 50 * time.Millisecond
	r.runner.Start()
	r.sender.Start()
	return r
}

func (r *chaosReplica) crash() {
	r.rdb.Close()
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	_ = r.runner.Stop(gone)
	r.sender.Stop(gone)
}

// TestChaos runs three replicas on one Redis while scripted customers
// complain (an intake of three turns each, every message sent to a random
// live replica and sent again elsewhere if that one fails), and crashes a
// replica and starts a fresh one again and again. Nothing the bot
// acknowledged is lost, no customer gets two cases, and every customer
// gets every answer; it reports the duplicate deliveries per crash and the
// slowest answer (at-least-once delivery, bounded by the 4 s leases).
// With -chaos.long it runs for a minute with 600 customers.
func TestChaos(t *testing.T) {
	customers, every, crashes := 60, 1500*time.Millisecond, 3
	if *chaosLong {
		customers, every, crashes = 600, 3*time.Second, 20
	}
	srv := redistest.Start(t)
	p := newFakePlatform()
	cfg := bot.Config{Staff: []string{"alice"}, Quiet: 100 * time.Millisecond}

	var mu sync.Mutex
	replicas := make([]*chaosReplica, 3)
	for i := range replicas {
		replicas[i] = startChaosReplica(srv, fmt.Sprintf("r%d", i), p, cfg)
	}
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range replicas {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = r.runner.Stop(ctx)
			r.sender.Stop(ctx)
			cancel()
			r.rdb.Close()
		}
	}()
	pick := func() *chaosReplica {
		mu.Lock()
		defer mu.Unlock()
		return replicas[rand.IntN(len(replicas))]
	}

	done := make(chan struct{})
	crashed := 0
	go func() {
		defer close(done)
		for crashed < crashes {
			time.Sleep(every)
			mu.Lock()
			i := rand.IntN(len(replicas))
			old := replicas[i]
			old.crash()
			crashed++
			replicas[i] = startChaosReplica(srv, fmt.Sprintf("r%d-%d", i, crashed), p, cfg)
			mu.Unlock()
		}
	}()

	script := []string{
		"The hair dryer I bought yesterday at your Oxford Street store broke after one use. Order A1234. I want a refund.",
		"no, that's all",
		"yes",
	}
	var slowest time.Duration
	var acked []bot.Inbound
	var wg sync.WaitGroup
	errs := make(chan error, customers)
	for c := 0; c < customers; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("chaos%04d", c)
			recipient := "customer:web:" + user
			time.Sleep(time.Duration(rand.IntN(int(every))) * time.Duration(crashes) / 2) // spread over the crashes
			for turn, text := range script {
				before := len(distinctIDs(p.accepted(recipient)))
				in := bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: user, ID: fmt.Sprintf("%s-%d", user, turn), Text: text}
				sent := time.Now()
				for {
					ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
					_, err := pick().eng.Handle(ctx, in)
					cancel()
					if err == nil {
						break
					}
					if time.Since(sent) > 30*time.Second {
						errs <- fmt.Errorf("%s turn %d: not accepted within 30 s: %v", user, turn, err)
						return
					}
					time.Sleep(10 * time.Millisecond)
				}
				mu.Lock()
				acked = append(acked, in)
				mu.Unlock()
				for len(distinctIDs(p.accepted(recipient))) == before {
					if time.Since(sent) > 30*time.Second {
						errs <- fmt.Errorf("%s turn %d: no answer within 30 s", user, turn)
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
				mu.Lock()
				slowest = max(slowest, time.Since(sent))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	<-done
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// Count on a fresh connection, after the dust settled.
	check := redisstore.New(srv.Client(t), redisstore.Options{})
	ctx := context.Background()
	lost := 0
	for _, in := range acked {
		snap, err := check.Load(ctx, bot.LoadQuery{Customer: "web:" + in.User, Dedupe: "web:" + in.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !snap.Seen {
			lost++
		}
	}
	twice := 0
	for c := 0; c < customers; c++ {
		cs, err := check.CustomerCases(ctx, fmt.Sprintf("web:chaos%04d", c))
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 {
			twice++
			t.Errorf("customer chaos%04d has %d cases, want 1", c, len(cs))
		}
	}
	all := p.accepted("")
	dups := len(all) - len(distinctIDs(all))
	if lost != 0 {
		t.Errorf("%d acknowledged messages lost", lost)
	}
	t.Logf("%d customers, %d crashes: %d messages acknowledged, %d lost, %d customers with other than one case, %d deliveries, %d duplicates (%.1f per crash), slowest answer %v",
		customers, crashed, len(acked), lost, twice, len(all), dups, float64(dups)/float64(max(crashed, 1)), slowest.Round(time.Millisecond))
}

func distinctIDs(ds []fakeDelivery) map[string]bool {
	m := make(map[string]bool, len(ds))
	for _, d := range ds {
		m[d.ID] = true
	}
	return m
}
