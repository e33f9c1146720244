package wechat

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/eatmoreapple/openwechat"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// BenchmarkHandle measures the adapter's own cost per inbound message: what
// the message handler does once the library has parsed a message of a
// friend (the kind, the text, who it is through bot.Identities, and the
// durable Accept: one XADD to the inbox on a real redis-server). Nothing
// handles the inbox meanwhile, so the figure is the adapter's alone. The
// handler runs on openwechat's one sync goroutine, so messages go one at a
// time. Run it on one core:
//
//	go test ./bot/wechat -run '^$' -bench Handle -cpu 1 -benchtime 20000x
func BenchmarkHandle(b *testing.B) {
	srv := redistest.Start(b)
	store := redisstore.New(srv.Client(b), redisstore.Options{})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := bot.MustDirectory(nil)
	dir.Open()
	eng := bot.NewEngine(store, bot.Config{Team: "web", People: dir}, bot.WithLogger(quiet))
	a, err := New(Options{Engine: eng, Store: store, Replica: "bench", Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	s := &session{login: "@self", self: "@self", contacts: map[string]bot.Contact{}, ready: make(chan struct{}),
		staff: map[string]string{}, byHandle: map[string]string{}}
	close(s.ready)
	s.bot = openwechat.DefaultBot(openwechat.Desktop)
	defer s.bot.ExitWith(context.Canceled)
	var all []bot.Contact
	const friends = 200
	for i := 0; i < friends; i++ {
		c := bot.Contact{Address: fmt.Sprintf("@friend%03d", i), Nick: fmt.Sprintf("客户%d", i), Avatar: strconv.Itoa(1000 + i)}
		s.contacts[c.Address] = c
		all = append(all, c)
	}
	if err := a.ids.Login(context.Background(), s.login, all); err != nil {
		b.Fatal(err)
	}
	msgs := make([]*openwechat.Message, b.N)
	for i := range msgs {
		msgs[i] = &openwechat.Message{MsgType: openwechat.MsgTypeText, MsgId: strconv.Itoa(4_000_000_000 + i),
			FromUserName: fmt.Sprintf("@friend%03d", i%friends), ToUserName: "@self",
			Content: "我的订单A20391还没到，已经等了一个星期了", CreateTime: time.Now().Unix()}
	}
	b.ResetTimer()
	start := time.Now()
	for _, m := range msgs {
		a.handle(s, m)
	}
	el := time.Since(start)
	b.StopTimer()
	n, _ := srv.Client(b).XLen(context.Background(), "cb:inbox:wechat").Result()
	if n != int64(b.N) {
		b.Fatalf("%d messages accepted of %d", n, b.N)
	}
	b.ReportMetric(float64(b.N)/el.Seconds(), "msgs/s")
}
