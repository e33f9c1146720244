package wechat_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/wechat"
	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// BenchmarkInboundThroughLibrary measures inbound messages end to end
// through the real openwechat client: the fake holds b.N messages from 200
// friends, the library fetches them (synccheck, webwxsync) and runs the
// adapter's handler on each, which accepts it durably into the inbox on a
// real redis-server. It includes the library's and the fake's work, so it
// is a lower bound of the adapter's throughput:
//
//	go test ./bot/wechat -run '^$' -bench ThroughLibrary -cpu 1 -benchtime 20000x
func BenchmarkInboundThroughLibrary(b *testing.B) {
	f := fakewechat.New(fakewechat.WithAutoConfirm(), fakewechat.WithLongPoll(50*time.Millisecond))
	defer f.Close()
	const friends = 200
	for i := 0; i < friends; i++ {
		must(b, f.AddContact(fakewechat.Contact{ID: fmt.Sprintf("f%d", i), NickName: fmt.Sprintf("客户%d", i)}))
	}
	srv := redistest.Start(b)
	rdb := srv.Client(b)
	store := redisstore.New(rdb, redisstore.Options{})
	dir := bot.MustDirectory(nil)
	dir.Open()
	eng := bot.NewEngine(store, bot.Config{Team: "web", People: dir}, bot.WithLogger(quiet))
	ad, err := wechat.New(wechat.Options{Engine: eng, Store: store, Replica: "bench", Endpoint: f.URL(), Logger: quiet})
	must(b, err)
	must(b, ad.Start(context.Background()))
	defer ad.Stop(context.Background())
	deadline := time.Now().Add(wait)
	for ad.Ready() != nil {
		if time.Now().After(deadline) {
			b.Fatal("no login")
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := f.PushText(fmt.Sprintf("f%d", i%friends), "我的订单A20391还没到，已经等了一个星期了"); err != nil {
			b.Fatal(err)
		}
	}
	for {
		n, err := rdb.XLen(context.Background(), "cb:inbox:wechat").Result()
		must(b, err)
		if n >= int64(b.N) {
			break
		}
		if time.Now().After(start.Add(2 * time.Minute)) {
			b.Fatalf("%d of %d accepted", n, b.N)
		}
		time.Sleep(time.Millisecond)
	}
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/el.Seconds(), "msgs/s")
}
