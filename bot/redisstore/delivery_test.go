package redisstore

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

// queueTo commits messages to a channel's outbox and returns them.
func queueTo(t testing.TB, s *Store, customer string, out ...bot.Outbound) []bot.Outbound {
	t.Helper()
	snap := mustLoad(t, s, customer, "", "")
	mustCommit(t, s, &bot.Change{Customer: customer, Version: snap.Version, Outbox: out})
	return out
}

// outboxLeft returns how many messages the channel's stream holds and how
// many of them are pending.
func outboxLeft(t testing.TB, s *Store, rdb redis.UniversalClient, channel string) (stream, pending int64) {
	t.Helper()
	ctx := ctxT(t)
	for _, key := range s.outboxStreams(channel) {
		n, err := rdb.XLen(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		stream += n
		if n == 0 {
			continue
		}
		p, err := rdb.XPending(ctx, key, senders).Result()
		if err != nil {
			t.Fatal(err)
		}
		pending += p.Count
	}
	return stream, pending
}

func TestAddress(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := ctxT(t)
		s := New(rdb, Options{})
		if a, err := s.Address(ctx, "web:amy", "web"); err != nil || a != "" {
			t.Fatalf("Address before any commit = %q, %v; want \"\"", a, err)
		}
		conv := sampleConv("web:amy", "")
		conv.Addresses = map[string]string{"web": "amy-1", "wechat": "@abc"}
		mustCommit(t, s, &bot.Change{Customer: "web:amy", Conv: conv})
		conv.Addresses["web"] = "amy-2"
		mustCommit(t, s, &bot.Change{Customer: "web:amy", Version: 1, Conv: conv})
		for platform, want := range map[string]string{"web": "amy-2", "wechat": "@abc", "slack": ""} {
			if a, err := s.Address(ctx, "web:amy", platform); err != nil || a != want {
				t.Errorf("Address(web:amy, %s) = %q, %v; want %q", platform, a, err, want)
			}
		}
	})
}

func TestDelivered(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := ctxT(t)
		s := New(rdb, Options{})
		card := bot.Outbound{ID: "c", Channel: "web", Audience: bot.ToTeam, Kind: bot.KindCard, Case: "7", Ref: "card:7", Text: "card", At: t0}
		reply := bot.Outbound{ID: "r", Channel: "web", Audience: bot.ToCustomer, Customer: "web:amy", Case: "7", Kind: bot.KindText, Text: "hi", At: t0}
		queueTo(t, s, "web:amy", card, reply)
		items := mustRead(t, s, "web", "a", 10)
		if len(items) != 2 {
			t.Fatalf("read %d messages, want 2", len(items))
		}
		if err := s.Delivered(ctx, "web", items[0], "ts-1"); err != nil {
			t.Fatal(err)
		}
		if err := s.Delivered(ctx, "web", items[1], "ts-2"); err != nil {
			t.Fatal(err)
		}
		if ref, err := s.Ref(ctx, "web", "card:7"); err != nil || ref != "ts-1" {
			t.Errorf("Ref(card:7) = %q, %v; want ts-1", ref, err)
		}
		for ref, want := range map[string]string{"ts-1": "7", "ts-2": "", "nope": "", "": ""} {
			if c, err := s.CaseOfRef(ctx, "web", ref); err != nil || c != want {
				t.Errorf("CaseOfRef(%q) = %q, %v; want %q (only what the team sees points back to a case)", ref, c, err, want)
			}
		}
		if c, _ := s.CaseOfRef(ctx, "slack", "ts-1"); c != "" {
			t.Errorf("CaseOfRef on another channel = %q, want \"\"", c)
		}
		if n, p := outboxLeft(t, s, rdb, "web"); n != 0 || p != 0 {
			t.Errorf("after Delivered the stream holds %d, %d pending; want none", n, p)
		}
		// A delivery recorded twice (a retried record) is harmless.
		if err := s.Delivered(ctx, "web", items[0], "ts-1"); err != nil {
			t.Errorf("second Delivered: %v", err)
		}
		// No platform reference: acknowledged, nothing remembered.
		queueTo(t, s, "web:amy", bot.Outbound{ID: "c2", Channel: "web", Audience: bot.ToTeam, Kind: bot.KindCard, Case: "8", Ref: "card:8", At: t0})
		items = mustRead(t, s, "web", "a", 10)
		if err := s.Delivered(ctx, "web", items[0], ""); err != nil {
			t.Fatal(err)
		}
		if ref, _ := s.Ref(ctx, "web", "card:8"); ref != "" {
			t.Errorf("Ref(card:8) = %q after a delivery without reference", ref)
		}
		if n, p := outboxLeft(t, s, rdb, "web"); n != 0 || p != 0 {
			t.Errorf("stream holds %d, %d pending; want none", n, p)
		}
	})
}

func TestDeadLetter(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := ctxT(t)
		s := New(rdb, Options{})
		if _, err := s.DeadLetters(ctx, "web", 0); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("DeadLetters max 0: %v, want EINVALID", err)
		}
		if got, err := s.DeadLetters(ctx, "web", 10); err != nil || len(got) != 0 {
			t.Fatalf("DeadLetters of an empty list = %+v, %v", got, err)
		}
		want := queueTo(t, s, "web:amy",
			bot.Outbound{ID: "1", Channel: "web", Audience: bot.ToCustomer, Customer: "web:amy", Case: "7", Kind: bot.KindText, Text: "one", At: t0},
			bot.Outbound{ID: "2", Channel: "web", Audience: bot.ToStaff, To: "bob", Case: "7", Kind: bot.KindText, Text: "two", At: t0},
			bot.Outbound{ID: "3", Channel: "web", Audience: bot.ToTeam, Kind: bot.KindText, Text: "three", At: t0})
		items := mustRead(t, s, "web", "a", 10)
		before := time.Now().Add(-time.Second)
		if err := s.DeadLetter(ctx, "web", items[0], "blocked"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeadLetter(ctx, "web", items[1], "gave_up"); err != nil {
			t.Fatal(err)
		}
		// The first two left the outbox; the third is still pending there.
		if n, p := outboxLeft(t, s, rdb, "web"); n != 1 || p != 1 {
			t.Errorf("outbox holds %d, %d pending; want the one message not dead-lettered", n, p)
		}
		got, err := s.DeadLetters(ctx, "web", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("DeadLetters = %+v, want 2", got)
		}
		for i, reason := range []string{"blocked", "gave_up"} {
			d := got[i]
			if !reflect.DeepEqual(d.Message, want[i]) || d.Reason != reason || d.At.Before(before) || d.At.After(time.Now().Add(time.Second)) {
				t.Errorf("dead letter %d = %+v, want %+v with reason %s, at about now", i, d, want[i], reason)
			}
		}
		if got, _ := s.DeadLetters(ctx, "web", 1); len(got) != 1 || got[0].Message.ID != "1" {
			t.Errorf("DeadLetters max 1 = %+v, want the oldest", got)
		}
		if got, _ := s.DeadLetters(ctx, "slack", 10); len(got) != 0 {
			t.Errorf("another channel's dead letters = %+v", got)
		}
	})
}

func TestTakeOverOutbox(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := ctxT(t)
		// A claim timeout far beyond the test: only TakeOverOutbox can
		// hand the messages over.
		s := New(rdb, Options{ClaimAfter: time.Hour})
		if got, err := s.TakeOverOutbox(ctx, "web", "b"); err != nil || len(got) != 0 {
			t.Fatalf("TakeOverOutbox of an empty outbox = %+v, %v", got, err)
		}
		if _, err := s.TakeOverOutbox(ctx, "web", ""); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("no consumer: %v, want EINVALID", err)
		}
		want := queue(t, s, "web", "1", "2", "3", "4")
		if got := mustRead(t, s, "web", "dead", 2); len(got) != 2 {
			t.Fatalf("dead read %d, want 2", len(got))
		}
		if got := mustRead(t, s, "web", "b", 1); len(got) != 1 {
			t.Fatalf("b read %d, want 1", len(got))
		}
		// "4" is not read by anybody: it is not taken over, it is read.
		got, err := s.TakeOverOutbox(ctx, "web", "b")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(messages(got), want[:3]) {
			t.Fatalf("b took over %+v, want the three read messages in order", messages(got))
		}
		if again := mustRead(t, s, "web", "dead", 10); !reflect.DeepEqual(messages(again), want[3:]) {
			t.Errorf("dead then read %+v, want only the unread message", messages(again))
		}
		// What b holds now is b's: acknowledging it empties the outbox of
		// the three.
		if err := s.AckOutbox(ctx, "web", streamIDs(got)...); err != nil {
			t.Fatal(err)
		}
		if n, p := outboxLeft(t, s, rdb, "web"); n != 1 || p != 1 {
			t.Errorf("outbox holds %d, %d pending; want only the fourth", n, p)
		}
		// Many pages.
		s2 := New(rdb, Options{Prefix: "many", ClaimAfter: time.Hour})
		var ids []string
		for i := range takeOverPage + 5 {
			ids = append(ids, strconv.Itoa(i))
		}
		queue(t, s2, "web", ids...)
		if n := len(mustRead(t, s2, "web", "dead", len(ids))); n != len(ids) {
			t.Fatalf("dead read %d, want %d", n, len(ids))
		}
		got, err = s2.TakeOverOutbox(ctx, "web", "b")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ids) || got[0].Message.ID != ids[0] || got[len(got)-1].Message.ID != ids[len(ids)-1] {
			t.Errorf("took over %d over several pages, want %d in order", len(got), len(ids))
		}
	})
}
