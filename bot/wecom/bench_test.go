package wecom_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/wecom"
	"github.com/complaintbot/complaintbot/bot/wecom/fakewecom"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// benchBot is one bot over a fresh Redis and fake, for the benchmarks.
func benchBot(b *testing.B) (*fakewecom.Server, *redis.Client, *bot.Engine, *wecom.Adapter) {
	f := fakewecom.New(b)
	srv := redistest.Start(b)
	rdb := srv.Client(b)
	store := redisstore.New(rdb, redisstore.Options{})
	eng := bot.NewEngine(store, bot.Config{Platforms: map[string]bot.Platform{wecom.Channel: {Limits: wecom.Limits}}, Location: time.UTC}, bot.WithLogger(quiet))
	ad, err := wecom.New(wecom.Options{CorpID: f.CorpID(), Secret: f.Secret(), Token: f.Token(), AESKey: f.AESKey(), KfID: f.KfID(),
		APIURL: f.URL(), Engine: eng, State: store, Replica: "bench", Logger: quiet, PollEvery: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	if err := ad.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ad.Stop(context.Background()) })
	for i := 0; i < b.N; i++ {
		f.Text(fmt.Sprintf("wmBENCH%03d", i%200), fmt.Sprintf("My order B%d has not arrived and nobody answers the phone", i))
	}
	return f, rdb, eng, ad
}

// pullAll pulls until WeCom has served every message once (Pull returns
// at once while the pull Start kicked off holds the lease).
func pullAll(b *testing.B, f *fakewecom.Server, ad *wecom.Adapter) {
	for len(f.Served()) < b.N {
		if err := ad.Pull(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInboundHandled is BenchmarkInbound with the engine's handling:
// the clock stops when the inbox is empty, every message applied to its
// customer's conversation (intakes under way).
func BenchmarkInboundHandled(b *testing.B) {
	f, rdb, eng, ad := benchBot(b)
	in := bot.NewInbox(eng, wecom.Channel, "bench", quiet)
	b.ResetTimer()
	start := time.Now()
	pullAll(b, f, ad)
	in.Start()
	defer in.Stop(context.Background())
	for rdb.XLen(context.Background(), "cb:inbox:"+wecom.Channel).Val() > 0 {
		time.Sleep(time.Millisecond) // polling Redis for the end, not waiting out a race
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

// BenchmarkInbound measures the adapter's inbound path: WeCom's log read
// with sync_msg (pages of 1,000), each message turned into a bot.Inbound
// and accepted durably into Redis (bot.Engine.Accept), the cursor advanced
// per page. Handling by the engine (the Inbox) is not included: it is the
// same for every platform. It reports messages per second.
func BenchmarkInbound(b *testing.B) {
	f, _, _, ad := benchBot(b)
	b.ResetTimer()
	start := time.Now()
	pullAll(b, f, ad)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	if n := len(f.Served()); n != b.N {
		b.Fatalf("%d of %d messages read", n, b.N)
	}
}
