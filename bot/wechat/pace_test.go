package wechat_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
)

// TestPaceUnderABurst: a burst of 100 messages is sent within
// WECHAT_SEND_RATE (here 50/s, so at least 20 ms apart, account-wide), in
// order, and none is lost.
func TestPaceUnderABurst(t *testing.T) {
	t.Parallel()
	pace, err := bot.ParsePace("50/s jitter 5ms hour 1000")
	must(t, err)
	h := newHarness(t, options{pace: pace, lang: "en"})
	h.driving()
	base := len(h.said("team"))
	for i := 0; i < 100; i++ {
		must(t, h.eng().PostTeam(context.Background(), fmt.Sprintf("burst-%d", i), fmt.Sprintf("burst message %03d", i)))
	}
	var got []time.Time
	waitFor(t, "100 messages", func() bool { return len(h.said("team")) >= base+100 })
	seen := map[string]bool{}
	for _, s := range h.said("team")[base:] {
		seen[s.Content] = true
		got = append(got, s.Time)
	}
	if len(seen) != 100 {
		t.Errorf("%d distinct messages of 100", len(seen))
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Before(got[j]) })
	// The pace is kept at the sender; the fake records when each request
	// arrived, so a single gap may shrink by the requests' own jitter: any
	// ten consecutive messages span at least ten gaps, less that jitter.
	var short int
	for i := 10; i < len(got); i++ {
		if got[i].Sub(got[i-10]) < 10*20*time.Millisecond-30*time.Millisecond {
			short++
		}
	}
	if span := got[len(got)-1].Sub(got[0]); short > 0 || span < 99*20*time.Millisecond-30*time.Millisecond {
		t.Errorf("%d runs of ten faster than the pace; 100 messages in %s (want at least %s)", short, span, 99*20*time.Millisecond)
	}
}

// TestHourlyCap: past the hourly cap nothing more is sent; the rest waits.
func TestHourlyCap(t *testing.T) {
	t.Parallel()
	pace, err := bot.ParsePace("hour 5")
	must(t, err)
	h := newHarness(t, options{pace: pace, lang: "en"})
	h.driving()
	// The login notice is not posted (the team is on WeChat): the cap is
	// all the burst's.
	for i := 0; i < 8; i++ {
		must(t, h.eng().PostTeam(context.Background(), fmt.Sprintf("cap-%d", i), fmt.Sprintf("capped message %d", i)))
	}
	waitFor(t, "5 messages", func() bool { return len(h.said("team")) >= 5 })
	// The sender holds the rest: wait until it has read all 8 (the outbox's
	// pending entries), then check nothing beyond the cap went out.
	waitFor(t, "the sender to hold the rest", func() bool {
		// The outbox is one stream per partition: count them all.
		ctx := context.Background()
		keys, err := h.rdb.Keys(ctx, "cb:{*}:outbox:wechat").Result()
		var pending int64
		for _, k := range keys {
			if p, perr := h.rdb.XPending(ctx, k, "senders").Result(); perr == nil {
				pending += p.Count
			}
		}
		return err == nil && pending == 3
	})
	if n := len(h.said("team")); n != 5 {
		t.Errorf("%d messages sent; the cap is 5 an hour", n)
	}
}
