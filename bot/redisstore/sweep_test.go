package redisstore

import (
	"sort"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

// TestSweepPages: MissingWakeUps names exactly the cases (and pending
// conversations) whose wake-up is gone, UnscheduledCases the active cases
// committed without one, and EachCase hands over every case of every
// partition; on redis-server and on the embedded store.
func TestSweepPages(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		ctx := ctxT(t)
		s := New(rdb, Options{})
		due := time.Now().Add(time.Hour).Truncate(time.Millisecond)
		const n = 1200 // more than a page of the sweep over the partitions together
		for i := 1; i <= n; i++ {
			cust := "web:s" + itoa(i)
			k := sampleCase(itoa(i), cust, bot.Claimed, t0)
			ch := &bot.Change{Customer: cust, Cases: []*bot.Case{k}}
			if i%100 != 0 { // every hundredth is committed with no wake-up at all
				k.Wake = due
				ch.WakeUps = map[string]time.Time{bot.CaseWakeUp(k.ID): due}
			}
			if i <= 3 {
				conv := sampleConv(cust, "")
				conv.AckAt = due // needs a wake-up: the conversation is pending
				ch.Conv = conv
				ch.WakeUps[bot.ConvWakeUp(cust)] = due
			}
			mustCommit(t, s, ch)
		}
		lost := []string{"7", "501", "1111"}
		for _, id := range lost {
			cust := "web:s" + id
			if err := rdb.ZRem(ctx, s.wakeUpKey(s.partitionOf(cust)), bot.CaseWakeUp(id)).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if err := rdb.ZRem(ctx, s.wakeUpKey(s.partitionOf("web:s2")), bot.ConvWakeUp("web:s2")).Err(); err != nil {
			t.Fatal(err)
		}

		var cases, convs []string
		for cursor := ""; ; {
			c, v, next, err := s.MissingWakeUps(ctx, cursor)
			if err != nil {
				t.Fatal(err)
			}
			cases, convs = append(cases, c...), append(convs, v...)
			if next == "" {
				break
			}
			cursor = next
		}
		sort.Strings(cases)
		if want := []string{"1111", "501", "7"}; !equal(cases, want) {
			t.Errorf("missing case wake-ups %v, want %v", cases, want)
		}
		if want := []string{"web:s2"}; !equal(convs, want) {
			t.Errorf("missing conversation wake-ups %v, want %v", convs, want)
		}

		var bare []string
		for part := 0; part < s.Partitions(); part++ {
			for cursor := ""; ; {
				cs, next, err := s.UnscheduledCases(ctx, part, cursor, bot.Open, bot.Claimed)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range cs {
					bare = append(bare, c.ID)
				}
				if next == "" {
					break
				}
				cursor = next
			}
		}
		if len(bare) != n/100 {
			t.Errorf("UnscheduledCases found %d cases, want the %d committed without a wake-up: %v", len(bare), n/100, bare)
		}
		for _, id := range bare {
			if id[len(id)-2:] != "00" {
				t.Errorf("UnscheduledCases found case %s, which has a wake-up", id)
			}
		}

		seen := map[string]int{}
		if err := s.EachCase(ctx, []bot.Status{bot.Claimed}, time.Time{}, time.Time{}, func(c *bot.Case) error {
			seen[c.ID]++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(seen) != n {
			t.Errorf("EachCase handed over %d cases, want %d", len(seen), n)
		}
		if err := s.Ready(ctx); err != nil {
			t.Errorf("Ready = %v", err)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
