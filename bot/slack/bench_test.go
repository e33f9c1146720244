package slack_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/slack"
	"github.com/complaintbot/complaintbot/bot/slack/fakeslack"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// BenchmarkInboundEvent measures the adapter's own cost per inbound event
// on the HTTP Events API: check the signature, parse, build the message,
// and hand it to the engine (Accept: one XADD to the inbox on a real
// redis-server). Nothing handles the inbox meanwhile, so the figure is the
// adapter's alone. Run it on one core:
//
//	go test ./bot/slack -run '^$' -bench InboundEvent -cpu 1 -benchtime 20000x
//
// It reports events/s and the p50/p99 time from the request to its answer
// (the acknowledgement Slack waits for), with 16 requests in flight.
func BenchmarkInboundEvent(b *testing.B) {
	f := fakeslack.New(b, append(workspace(), fakeslack.WithSigningSecret("bench-secret"), fakeslack.WithWaitTimeout(time.Minute))...)
	srv := redistest.Start(b)
	store := redisstore.New(srv.Client(b), redisstore.Options{})
	dir := bot.MustDirectory(nil)
	dir.Open()
	eng := bot.NewEngine(store, bot.Config{Team: slack.Channel, People: dir}, bot.WithLogger(quiet))
	ad, err := slack.New(slack.Options{BotToken: f.BotToken(), SigningSecret: f.SigningSecret(), TeamChannel: team, APIURL: f.APIURL(), Engine: eng, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	if err := ad.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer ad.Stop(context.Background())
	h := ad.Routes()["/slack/events"]

	// Customers (their names are looked up once, then cached) and the
	// signed requests, built before the clock starts: signing is Slack's
	// work, not ours.
	var users []string
	for i := 0; i < 16; i++ {
		u := fmt.Sprintf("U0B%04d", i)
		f.AddUser(fakeslack.User{ID: u, DisplayName: "customer " + u})
		users = append(users, u)
	}
	type signed struct {
		body   []byte
		header http.Header
	}
	reqs := make([]signed, b.N)
	for i := range reqs {
		r := f.EventRequest("/slack/events", f.DirectMessage(users[i%len(users)], fmt.Sprintf("my order %d never arrived", i)))
		body, _ := io.ReadAll(r.Body)
		reqs[i] = signed{body: body, header: r.Header}
	}
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var failed atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			r := httptest.NewRequest(http.MethodPost, "/slack/events", bytesReader(reqs[i].body))
			r.Header = reqs[i].header.Clone()
			w := httptest.NewRecorder()
			t0 := time.Now()
			h.ServeHTTP(w, r)
			lat[i] = time.Since(t0)
			if w.Code != http.StatusOK {
				failed.Add(1)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d events were not acknowledged with 200", n, b.N)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	if n, err := srv.Client(b).XLen(context.Background(), "cb:inbox:slack").Result(); err != nil || n != int64(b.N) {
		b.Fatalf("inbox holds %d (%v), want every event once: %d", n, err, b.N)
	}
}

func bytesReader(b []byte) io.Reader { return &byteReader{b: b} }

type byteReader struct {
	b []byte
	i int
}

func (r *byteReader) Read(p []byte) (int, error) {
	if r.i >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.i:])
	r.i += n
	return n, nil
}
