package bot_test

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// roundTrips counts requests to Redis: every command or pipeline sent is one
// round trip.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}

var complaints = []string{
	"我上周三在南京西路店买的衣柜,送来就是坏的",
	"The delivery was three days late and nobody told me",
	"订单号B7731,还没发货",
	"I want a refund",
	"门都关不上!!",
}

// BenchmarkHandleCustomerMessage measures the inbound path of one customer
// message through the engine: load the conversation, let flows take it in,
// commit the change atomically, against a real redis-server. It reports
// messages per second, p50 and p99 latency, and Redis round trips per
// message (sequential: the engine makes them one after another).
//
// Each customer writes a burst of four messages (a realistic start of a
// complaint) before the next customer starts, so conversations stay the
// size they have in production. "closed" runs the workers flat out (the
// throughput ceiling; with 64 always-busy writers, latency is 64 ÷
// throughput by Little's law); "paced" offers 5,000 messages/s from 64
// customers and measures each message's latency from when it was due, so
// stalls count in full. The "cluster" variants run the same on a
// three-master Redis Cluster started on this machine.
//
//	go test ./bot/ -run '^$' -bench BenchmarkHandleCustomerMessage -benchtime 20000x
func BenchmarkHandleCustomerMessage(b *testing.B) {
	for _, tc := range []struct {
		name    string
		workers int
		rate    float64 // messages per second offered; 0 = closed loop
		cluster bool    // a three-master Redis Cluster instead of one server
	}{
		{"customers=1/closed", 1, 0, false},
		{"customers=64/closed", 64, 0, false},
		{"customers=64/paced-5000", 64, 5000, false},
		{"customers=64/closed/cluster", 64, 0, true},
		{"customers=64/paced-5000/cluster", 64, 5000, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var rdb redis.UniversalClient
			if tc.cluster {
				c := redistest.StartCluster(b, 3)
				rdb = redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs, PoolSize: 128})
			} else {
				srv := redistest.Start(b)
				rdb = redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 128})
			}
			defer rdb.Close()
			rt := &roundTrips{}
			rdb.AddHook(rt)
			store := redisstore.New(rdb, redisstore.Options{})
			eng := bot.NewEngine(store, bot.Config{Location: shanghai, FloodLimit: 1 << 30})
			ctx := context.Background()

			lat := make([]time.Duration, b.N)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			rt.n.Store(0)
			begin := time.Now()
			for w := 0; w < tc.workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sent := 0
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						due := time.Now()
						if tc.rate > 0 {
							due = begin.Add(time.Duration(float64(i) / tc.rate * float64(time.Second)))
							if d := time.Until(due); d > 0 {
								time.Sleep(d)
							}
						}
						// Workers own disjoint customers: messages of one
						// customer racing each other are tested, not
						// benchmarked, in TestConcurrentMessagesOfOneCustomerLoseNothing.
						in := bot.Inbound{Channel: "web", Role: bot.CustomerRole,
							User: fmt.Sprintf("w%d-c%d", w, sent/4), ID: fmt.Sprintf("m%d", i),
							Text: complaints[sent%len(complaints)]}
						sent++
						if _, err := eng.Handle(ctx, in); err != nil {
							b.Error(err)
							return
						}
						lat[i] = time.Since(due)
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(begin)
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(float64(lat[b.N/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[b.N*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/msg")
		})
	}
}

// BenchmarkAnswerBurst measures the other half of a conversation turn: the
// wake-up that answers a burst (load, read the text, decide the reply,
// commit it with the outbox message).
//
//	go test ./bot/ -run '^$' -bench BenchmarkAnswerBurst -benchtime 2000x
func BenchmarkAnswerBurst(b *testing.B) {
	srv := redistest.Start(b)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	rt := &roundTrips{}
	rdb.AddHook(rt)
	store := redisstore.New(rdb, redisstore.Options{})
	clk := &clock{t: start}
	eng := bot.NewEngine(store, bot.Config{Location: shanghai}, bot.WithClock(clk.Now))
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		in := bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: fmt.Sprintf("c%d", i), Text: complaints[i%len(complaints)]}
		if _, err := eng.Handle(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	clk.Add(time.Minute)
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	rt.n.Store(0)
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := eng.Wake(ctx, bot.ConvWakeUp(fmt.Sprintf("web:c%d", i)), clk.Now()); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(t0)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[b.N/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[b.N*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(rt.n.Load())/float64(b.N), "roundtrips/turn")
}
