package bot_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestInboxHandlesAcceptedMessagesInOrder(t *testing.T) {
	h := newHarness(t, bot.Config{})
	accept := func(id, text string) {
		t.Helper()
		if err := h.eng.Accept(h.ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "amy", ID: id, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	// Bad input is refused at once, with the engine's error; nothing is queued.
	if err := h.eng.Accept(h.ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "amy"}); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("empty message: %v; want EINVALID", err)
	}
	accept("m1", "my parcel never came")
	accept("m2", "it was order A1")
	accept("m1", "my parcel never came") // the platform's retry
	// A stranger's command is refused when handled, and dropped.
	if err := h.eng.Accept(h.ctx, bot.Inbound{Channel: "web", Role: bot.StaffRole, User: "mallory", ID: "s1", Text: "claim 1"}); err != nil {
		t.Fatal(err)
	}
	accept("m3", "and nobody answers the phone")

	in := bot.NewInbox(h.eng, "web", "r1", slog.New(slog.NewTextHandler(io.Discard, nil)))
	in.Block = 50 * time.Millisecond
	in.Start()
	defer in.Stop(context.Background())
	burst := func() []string {
		snap := h.snapshot("amy")
		if snap.Conv == nil || snap.Conv.Intake == nil {
			return nil
		}
		var out []string
		for _, m := range snap.Conv.Intake.Burst {
			out = append(out, m.Text)
		}
		return out
	}
	waitFor(t, 5*time.Second, "three messages handled", func() bool { return len(burst()) == 3 })
	got := burst()
	if got[0] != "my parcel never came" || got[1] != "it was order A1" || got[2] != "and nobody answers the phone" {
		t.Errorf("handled %q; want the three messages once each, in order", got)
	}
	waitFor(t, 5*time.Second, "the inbox to empty", func() bool {
		n, err := h.rdb.XLen(h.ctx, "cb:inbox:web").Result()
		return err == nil && n == 0
	})

}

// TestInboxSurvivesARedisOutage: a message accepted before Redis went away
// is handled once it is back; while it is away Accept says so.
func TestInboxSurvivesARedisOutage(t *testing.T) {
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	rdb := srv.Client(t)
	eng := bot.NewEngine(redisstore.New(rdb, redisstore.Options{}), bot.Config{Staff: []string{"alice"}})
	ctx := context.Background()
	if err := eng.Accept(ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "amy", ID: "m1", Text: "hello?"}); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	if err := eng.Accept(ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "amy", ID: "m2", Text: "anyone?"}); bot.ErrorCode(err) != bot.EINTERNAL {
		t.Errorf("Accept with Redis away: %v; want an internal error", err)
	}
	in := bot.NewInbox(eng, "web", "r1", slog.New(slog.NewTextHandler(io.Discard, nil)))
	in.Block, in.Backoff = 50*time.Millisecond, 20*time.Millisecond
	in.Start()
	defer in.Stop(context.Background())
	srv.Restart(t, "--appendonly", "yes", "--appendfsync", "always")
	waitFor(t, 10*time.Second, "the message accepted before the outage", func() bool {
		keys, _ := rdb.Keys(ctx, "cb:{*}:c:{web:amy}:h").Result()
		if len(keys) != 1 {
			return false
		}
		raw, err := rdb.HGet(ctx, keys[0], "conv").Result()
		return err == nil && strings.Contains(raw, "hello?")
	})
	waitFor(t, 5*time.Second, "the inbox to empty", func() bool {
		n, err := rdb.XLen(ctx, "cb:inbox:web").Result()
		return err == nil && n == 0
	})
}
