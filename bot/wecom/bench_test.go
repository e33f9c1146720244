package wecom_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/wecom"
	"github.com/complaintbot/complaintbot/bot/wecom/fakewecom"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// BenchmarkInbound measures the adapter's inbound path: WeCom's log read
// with sync_msg (pages of 1,000), each message turned into a bot.Inbound
// and accepted durably into Redis (bot.Engine.Accept), the cursor advanced
// per page. Handling by the engine (the Inbox) is not included: it is the
// same for every platform. It reports messages per second.
func BenchmarkInbound(b *testing.B) {
	f := fakewecom.New(b)
	srv := redistest.Start(b)
	store := redisstore.New(srv.Client(b), redisstore.Options{})
	eng := bot.NewEngine(store, bot.Config{Platforms: map[string]bot.Platform{wecom.Channel: {Limits: wecom.Limits}}, Location: time.UTC}, bot.WithLogger(quiet))
	ad, err := wecom.New(wecom.Options{CorpID: f.CorpID(), Secret: f.Secret(), Token: f.Token(), AESKey: f.AESKey(), KfID: f.KfID(),
		APIURL: f.URL(), Engine: eng, State: store, Replica: "bench", Logger: quiet, PollEvery: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	if err := ad.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer ad.Stop(context.Background())
	for i := 0; i < b.N; i++ {
		f.Text(fmt.Sprintf("wmBENCH%03d", i%200), fmt.Sprintf("My order B%d has not arrived and nobody answers the phone", i))
	}
	b.ResetTimer()
	start := time.Now()
	// Pull returns at once while the pull Start kicked off holds the lease.
	for len(f.Served()) < b.N {
		if err := ad.Pull(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	if n := len(f.Served()); n != b.N {
		b.Fatalf("%d of %d messages read", n, b.N)
	}
}
