package redisstore

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

func queue(t testing.TB, s *Store, channel string, ids ...string) []bot.Outbound {
	t.Helper()
	var out []bot.Outbound
	for _, id := range ids {
		out = append(out, bot.Outbound{ID: id, Channel: channel, Audience: bot.ToCustomer, Kind: bot.KindText, Text: "text " + id, At: t0})
	}
	mustCommit(t, s, &bot.Change{Customer: "web:q-" + ids[0], Outbox: out})
	return out
}

func messages(items []bot.OutboxItem) []bot.Outbound {
	var out []bot.Outbound
	for _, it := range items {
		out = append(out, it.Message)
	}
	return out
}

func streamIDs(items []bot.OutboxItem) []string {
	var ids []string
	for _, it := range items {
		ids = append(ids, it.StreamID)
	}
	return ids
}

func TestOutbox(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := ctxT(t)

		t.Run("in order, ack removes", func(t *testing.T) {
			s := New(rdb, Options{Prefix: "order"})
			want := queue(t, s, "web", "1", "2", "3")
			items := mustRead(t, s, "web", "a", 10)
			if got := messages(items); !reflect.DeepEqual(got, want) {
				t.Fatalf("read %+v, want %+v", got, want)
			}
			if again := mustRead(t, s, "web", "b", 10); len(again) != 0 {
				t.Fatalf("messages held by a were handed to b: %+v", again)
			}
			if err := s.AckOutbox(ctx, "web", streamIDs(items)...); err != nil {
				t.Fatal(err)
			}
			if n, p := outboxLeft(t, s, rdb, "web"); n != 0 || p != 0 {
				t.Errorf("%d messages left in the stream after ack, %d pending", n, p)
			}
			if err := s.AckOutbox(ctx, "web", streamIDs(items)...); err != nil {
				t.Errorf("second ack: %v", err)
			}
		})

		t.Run("max", func(t *testing.T) {
			s := New(rdb, Options{Prefix: "max"})
			queue(t, s, "web", "1", "2", "3", "4", "5")
			var got [][]string
			for range 4 {
				var ids []string
				for _, m := range messages(mustRead(t, s, "web", "a", 2)) {
					ids = append(ids, m.ID)
				}
				got = append(got, ids)
			}
			if want := [][]string{{"1", "2"}, {"3", "4"}, {"5"}, nil}; !reflect.DeepEqual(got, want) {
				t.Errorf("reads of 2 = %v, want %v", got, want)
			}
			if _, err := s.ReadOutbox(ctx, "web", "a", 0, 0); bot.ErrorCode(err) != bot.EINVALID {
				t.Errorf("max 0: %v, want EINVALID", err)
			}
		})

		t.Run("unacknowledged messages go to another consumer", func(t *testing.T) {
			const claimAfter = 200 * time.Millisecond
			s := New(rdb, Options{Prefix: "claim", ClaimAfter: claimAfter})
			want := queue(t, s, "web", "1", "2")
			read := time.Now()
			if got := mustRead(t, s, "web", "dead", 10); len(got) != 2 {
				t.Fatalf("dead sender read %d messages, want 2", len(got))
			}
			if got := mustRead(t, s, "web", "b", 10); len(got) != 0 && time.Since(read) < claimAfter {
				t.Fatalf("b took over %d messages at once, before ClaimAfter", len(got))
			}
			var got []bot.OutboxItem
			waitFor(t, 5*time.Second, "b to take over", func() bool {
				got = mustRead(t, s, "web", "b", 10)
				return len(got) > 0
			})
			// Redis measures idle time on its own millisecond clock.
			if waited := time.Since(read); waited < claimAfter-5*time.Millisecond {
				t.Errorf("taken over after %v, before ClaimAfter %v", waited, claimAfter)
			}
			if !reflect.DeepEqual(messages(got), want) {
				t.Fatalf("b took over %+v, want %+v", messages(got), want)
			}
			if err := s.AckOutbox(ctx, "web", streamIDs(got)...); err != nil {
				t.Fatal(err)
			}
			if n, _ := outboxLeft(t, s, rdb, "web"); n != 0 {
				t.Errorf("%d messages left after b acknowledged", n)
			}
		})

		t.Run("block returns when a message arrives", func(t *testing.T) {
			s := New(rdb, Options{Prefix: "block"})
			mustRead(t, s, "web", "a", 1) // creates the group
			const block = 10 * time.Second
			type result struct {
				items []bot.OutboxItem
				err   error
				took  time.Duration
			}
			done := make(chan result, 1)
			go func() {
				start := time.Now()
				items, err := s.ReadOutbox(ctx, "web", "a", 10, block)
				done <- result{items, err, time.Since(start)}
			}()
			waitBlocked(t, rdb)
			want := queue(t, s, "web", "late")
			select {
			case r := <-done:
				if r.err != nil || !reflect.DeepEqual(messages(r.items), want) || r.took >= block {
					t.Errorf("blocked read = %+v, %v after %v", messages(r.items), r.err, r.took)
				}
			case <-time.After(block):
				t.Fatal("the blocked read did not return when a message arrived")
			}
		})

		t.Run("block 0 does not wait", func(t *testing.T) {
			s := New(rdb, Options{Prefix: "noblock"})
			done := make(chan error, 1)
			go func() {
				_, err := s.ReadOutbox(ctx, "web", "a", 10, 0)
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("ReadOutbox with block 0 waited")
			}
		})

		t.Run("group recreated after the stream vanished", func(t *testing.T) {
			s := New(rdb, Options{Prefix: "vanish"})
			mustRead(t, s, "web", "a", 1)
			if err := rdb.Del(ctx, s.outboxStreams("web")...).Err(); err != nil {
				t.Fatal(err)
			}
			want := queue(t, s, "web", "1")
			if got := messages(mustRead(t, s, "web", "a", 10)); !reflect.DeepEqual(got, want) {
				t.Errorf("read %+v, want %+v", got, want)
			}
		})

		t.Run("undecodable message is acknowledged and skipped", func(t *testing.T) {
			s := New(rdb, Options{Prefix: "poison"})
			poison := s.outboxKey(s.partitionOf("web:q-good"), "web")
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: poison, Values: []string{"m", "{not json"}}).Err(); err != nil {
				t.Fatal(err)
			}
			want := queue(t, s, "web", "good")
			if got := messages(mustRead(t, s, "web", "a", 10)); !reflect.DeepEqual(got, want) {
				t.Errorf("read %+v, want only the good message", got)
			}
			if p, _ := rdb.XPending(ctx, poison, senders).Result(); p.Count != 1 {
				t.Errorf("%d pending, want 1 (the good message)", p.Count)
			}
		})
	})
}

// waitBlocked waits until a client is blocked on the server. miniredis does
// not report blocked clients; there the test only proves the read returns.
func waitBlocked(t *testing.T, rdb redis.UniversalClient) {
	t.Helper()
	info, err := rdb.Info(ctxT(t), "clients").Result()
	if err != nil || !strings.Contains(info, "blocked_clients:") {
		return
	}
	waitFor(t, 5*time.Second, "a blocked client", func() bool {
		info, err := rdb.Info(ctxT(t), "clients").Result()
		return err == nil && !strings.Contains(info, "blocked_clients:0\r")
	})
}
