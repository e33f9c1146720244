package redisstore

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// backend is a Redis the store is tested on: a real redis-server, and the
// in-process miniredis the binary embeds when no Redis is configured, so
// every script is proven to run on both.
type backend struct {
	name   string
	client func(tb testing.TB) redis.UniversalClient
}

func backends() []backend {
	return []backend{
		{"redis", func(tb testing.TB) redis.UniversalClient {
			tb.Helper()
			return redistest.Start(tb).Client(tb)
		}},
		{"miniredis", func(tb testing.TB) redis.UniversalClient {
			tb.Helper()
			m := miniredis.RunT(tb)
			c := redis.NewClient(&redis.Options{Addr: m.Addr()})
			tb.Cleanup(func() { c.Close() })
			return c
		}},
	}
}

// eachBackend runs f once per backend, each with a fresh, empty server.
func eachBackend(t *testing.T, f func(t *testing.T, rdb redis.UniversalClient)) {
	t.Helper()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			f(t, b.client(t))
		})
	}
}

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func ctxT(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustLoad(t testing.TB, s *Store, customer, caseID, dedupe string) *bot.Snapshot {
	t.Helper()
	snap, err := s.Load(ctxT(t), bot.LoadQuery{Customer: customer, Case: caseID, Dedupe: dedupe})
	if err != nil {
		t.Fatalf("Load(%q, %q, %q): %v", customer, caseID, dedupe, err)
	}
	return snap
}

func mustCommit(t testing.TB, s *Store, c *bot.Change) {
	t.Helper()
	if err := s.Commit(ctxT(t), c); err != nil {
		t.Fatalf("Commit(%s at v%d): %v", c.Customer, c.Version, err)
	}
}

func mustTranscript(t testing.TB, s *Store, customer string, session int) []bot.Entry {
	t.Helper()
	tx, err := s.Transcript(ctxT(t), customer, session)
	if err != nil {
		t.Fatalf("Transcript(%q, %d): %v", customer, session, err)
	}
	return tx
}

func mustRead(t testing.TB, s *Store, channel, consumer string, max int) []bot.OutboxItem {
	t.Helper()
	items, err := s.ReadOutbox(ctxT(t), channel, consumer, max, 0)
	if err != nil {
		t.Fatalf("ReadOutbox(%q, %q): %v", channel, consumer, err)
	}
	return items
}

// sampleConv is a conversation with every field set, the intake included.
func sampleConv(customer, openCase string) *bot.Conversation {
	return &bot.Conversation{
		Customer: customer,
		Channel:  "web",
		User:     "alice",
		Name:     "Alice Chen 陈",
		Session:  2,
		Intake: &flows.State{
			Phase: flows.Phase("asking"),
			Lang:  flows.ZH,
			Facts: flows.Facts{
				flows.Grievance: {Value: "衣柜门坏了", Source: []string{"m1", "m2"}},
				flows.When:      {Value: "2026-11-18", Date: "2026-11-18", Source: []string{"m1"}},
				flows.Impact:    {Value: "¥300", Kinds: []string{flows.ImpactMoney}, Amount: 300, Currency: "CNY"},
				flows.Where:     {Approx: true, Skipped: true},
			},
		},
		Case:          openCase,
		Recent:        []time.Time{t0, t0.Add(time.Second)},
		FloodNoticeAt: t0.Add(2 * time.Second),
	}
}

// sampleCase is a case with every field set.
func sampleCase(id, customer string, status bot.Status, opened time.Time) *bot.Case {
	return &bot.Case{
		ID:           id,
		Status:       status,
		Priority:     bot.High,
		Urgent:       true,
		Risks:        []flows.Risk{flows.RiskMedia, flows.RiskLawyer},
		Emotion:      flows.Angry,
		Complainer:   flows.Prepared,
		Tip:          "be exact",
		Lang:         flows.EN,
		Channel:      "web",
		Customer:     customer,
		CustomerID:   "alice",
		CustomerName: "Alice",
		Facts: flows.Facts{
			flows.Order:   {Value: "B77", Kinds: []string{flows.OrderNumber}, Source: []string{"m3"}},
			flows.Outcome: {Value: "refund", Kinds: []string{flows.Refund}},
		},
		Summary:          "Wardrobe door broke; wants a refund.",
		Incomplete:       true,
		Attachments:      []bot.Attachment{{Kind: bot.Image, URL: "https://x/1.png", Name: "door.png"}},
		Session:          2,
		Opened:           opened,
		Updated:          opened.Add(time.Minute),
		FirstResponseDue: opened.Add(15 * time.Minute),
		Owner:            "",
		History:          []bot.Event{{At: opened, Who: "bot", What: "opened", Detail: "intake confirmed"}},
	}
}

// commitRetry applies f to a fresh load until the commit does not conflict.
func commitRetry(t testing.TB, s *Store, customer string, f func(snap *bot.Snapshot) *bot.Change) (conflicts int) {
	t.Helper()
	for {
		snap, err := s.Load(ctxT(t), bot.LoadQuery{Customer: customer})
		if err != nil {
			t.Error(err)
			return conflicts
		}
		c := f(snap)
		err = s.Commit(ctxT(t), c)
		if errors.Is(err, bot.ErrConflict) {
			conflicts++
			continue
		}
		if err != nil {
			t.Error(err)
		}
		return conflicts
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// roundTrips counts the commands and pipelines a client sends: each is one
// round trip. The handshake of a new connection (HELLO, CLIENT) is not
// counted: the pool pays it once per connection, not per call.
type roundTrips struct{ n atomic.Int64 }

func handshake(cmd redis.Cmder) bool {
	return cmd.Name() == "hello" || cmd.Name() == "client"
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !handshake(cmd) {
			r.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && !handshake(cmds[0]) {
			r.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
