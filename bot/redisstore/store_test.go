package redisstore

import (
	"errors"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

func TestLoadEmptyCustomer(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{})
		for _, tc := range []struct {
			name           string
			caseID, dedupe string
		}{
			{"open case", "", ""},
			{"named case", "7", ""},
			{"with message id", "", "m1"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := mustLoad(t, s, "web:nobody", tc.caseID, tc.dedupe)
				want := &bot.Snapshot{Customer: "web:nobody"}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("Load = %+v, want %+v", got, want)
				}
			})
		}
	})
}

func TestCommitRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{})
		ctx := ctxT(t)
		const cust = "web:alice"
		conv := sampleConv(cust, "1")
		case1 := sampleCase("1", cust, bot.Open, t0)
		case2 := sampleCase("2", cust, bot.Confirmed, t0.Add(-time.Hour))
		tx1 := []bot.Entry{
			{At: t0, From: bot.FromCustomer, ID: "m1", Text: "衣柜门坏了!!", Attachments: []bot.Attachment{{Kind: bot.Voice, URL: "v://1"}}},
			{At: t0.Add(time.Second), From: bot.FromBot, Text: "I'm sorry to hear that."},
		}
		tx2 := []bot.Entry{{At: t0, From: bot.FromStaff, Staff: "bob", Text: "note", Internal: true}}
		out := []bot.Outbound{
			{ID: "o1", Channel: "web", Audience: bot.ToCustomer, Customer: "alice", Kind: bot.KindText, Text: "hi", At: t0},
			{ID: "o2", Channel: "slack", Audience: bot.ToTeam, Case: "1", Kind: bot.KindCard, Ref: "card:1",
				Card: &bot.Card{Case: "1", Status: bot.Open, Risks: case1.Risks, Facts: case1.Facts, Opened: t0, Due: t0}, At: t0},
		}
		due := t0.Add(15 * time.Minute)
		mustCommit(t, s, &bot.Change{
			Customer:   cust,
			Dedupe:     "m1",
			Conv:       conv,
			Cases:      []*bot.Case{case1, case2},
			Transcript: []bot.TranscriptAppend{{Session: 2, Entries: tx1[:1]}, {Session: 1, Entries: tx2}, {Session: 2, Entries: tx1[1:]}},
			Outbox:     out,
			WakeUps:    map[string]time.Time{"case:1": due, "conv:" + cust: t0.Add(time.Minute)},
		})

		t.Run("load", func(t *testing.T) {
			want := &bot.Snapshot{Customer: cust, Version: 1, Conv: conv, Case: case1}
			if got := mustLoad(t, s, cust, "", ""); !reflect.DeepEqual(got, want) {
				t.Errorf("Load open case:\n got %+v\nwant %+v", got, want)
			}
			want = &bot.Snapshot{Customer: cust, Version: 1, Conv: conv, Case: case2, Seen: true}
			if got := mustLoad(t, s, cust, "2", "m1"); !reflect.DeepEqual(got, want) {
				t.Errorf("Load case 2 with m1:\n got %+v\nwant %+v", got, want)
			}
			if got := mustLoad(t, s, cust, "3", "m2"); got.Case != nil || got.Seen {
				t.Errorf("Load of a case the customer does not have = %+v", got)
			}
		})
		t.Run("transcripts", func(t *testing.T) {
			if got := mustTranscript(t, s, cust, 2); !reflect.DeepEqual(got, tx1) {
				t.Errorf("transcript 2 = %+v, want %+v", got, tx1)
			}
			if got := mustTranscript(t, s, cust, 1); !reflect.DeepEqual(got, tx2) {
				t.Errorf("transcript 1 = %+v, want %+v", got, tx2)
			}
			if got := mustTranscript(t, s, cust, 3); got != nil {
				t.Errorf("transcript 3 = %+v, want none", got)
			}
		})
		t.Run("outbox", func(t *testing.T) {
			for i, ch := range []string{"web", "slack"} {
				items := mustRead(t, s, ch, "a", 10)
				if len(items) != 1 || !reflect.DeepEqual(items[0].Message, out[i]) || items[0].StreamID == "" {
					t.Errorf("outbox %s = %+v, want %+v", ch, items, out[i])
				}
			}
		})
		t.Run("indexes", func(t *testing.T) {
			for _, id := range []string{"1", "2"} {
				if c, err := New(rdb, Options{}).CustomerOf(ctx, id); err != nil || c != cust {
					t.Errorf("CustomerOf(%s) = %q, %v", id, c, err)
				}
			}
			wake, err := rdb.ZRangeWithScores(ctx, s.wakeUpKey(s.partitionOf(cust)), 0, -1).Result()
			if err != nil {
				t.Fatal(err)
			}
			wantWake := []redis.Z{
				{Score: float64(t0.Add(time.Minute).UnixMilli()), Member: "conv:" + cust},
				{Score: float64(due.UnixMilli()), Member: "case:1"},
			}
			if !reflect.DeepEqual(wake, wantWake) {
				t.Errorf("wake-ups = %v, want %v", wake, wantWake)
			}
			assertStatusSets(t, rdb, map[bot.Status][]redis.Z{
				bot.Open:      {{Score: float64(t0.UnixMilli()), Member: "1"}},
				bot.Confirmed: {{Score: float64(t0.Add(-time.Hour).UnixMilli()), Member: "2"}},
			})
		})
		t.Run("status move and wake-up clear", func(t *testing.T) {
			snap := mustLoad(t, s, cust, "", "")
			claimed := *snap.Case
			claimed.Status, claimed.Owner = bot.Claimed, "bob"
			conv2 := *snap.Conv
			conv2.Case = ""
			mustCommit(t, s, &bot.Change{
				Customer: cust, Version: snap.Version,
				Conv:    &conv2,
				Cases:   []*bot.Case{&claimed},
				WakeUps: map[string]time.Time{"conv:" + cust: {}},
			})
			assertStatusSets(t, rdb, map[bot.Status][]redis.Z{
				bot.Claimed:   {{Score: float64(t0.UnixMilli()), Member: "1"}},
				bot.Confirmed: {{Score: float64(t0.Add(-time.Hour).UnixMilli()), Member: "2"}},
			})
			got := mustLoad(t, s, cust, "", "")
			if got.Version != 2 || got.Case != nil || got.Conv.Case != "" {
				t.Errorf("after closing the conversation's case: %+v", got)
			}
			if k, err := s.Case(ctx, "1"); err != nil || !reflect.DeepEqual(k, &claimed) {
				t.Errorf("Case(1) = %+v, %v", k, err)
			}
			if n, _ := rdb.ZCard(ctx, s.wakeUpKey(s.partitionOf(cust))).Result(); n != 1 {
				t.Errorf("%d wake-ups, want 1 (case:1)", n)
			}
			if open, _ := rdb.HGet(ctx, s.customerHash("web:alice"), "open").Result(); open != "" {
				t.Errorf("open = %q, want empty", open)
			}
		})
	})
}

// assertStatusSets checks every status set against want (absent = empty).
func assertStatusSets(t *testing.T, rdb redis.UniversalClient, want map[bot.Status][]redis.Z) {
	t.Helper()
	for _, st := range bot.Statuses {
		s := New(rdb, Options{})
		var got []redis.Z
		for n := 0; n < s.opts.Partitions; n++ {
			zs, err := rdb.ZRangeWithScores(ctxT(t), s.statusKey(n, s.statusIndex[st]), 0, -1).Result()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, zs...)
		}
		sort.SliceStable(got, func(i, j int) bool { return got[i].Score < got[j].Score })
		if len(got) == 0 && len(want[st]) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want[st]) {
			t.Errorf("status %s = %v, want %v", st, got, want[st])
		}
	}
}

func TestCommitConflict(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{})
		ctx := ctxT(t)
		const cust = "web:bob"
		mustCommit(t, s, &bot.Change{Customer: cust, Conv: sampleConv(cust, "")})

		a := mustLoad(t, s, cust, "", "")
		b := mustLoad(t, s, cust, "", "")
		change := func(snap *bot.Snapshot, who string) *bot.Change {
			conv := *snap.Conv
			conv.Name = who
			return &bot.Change{
				Customer: cust, Version: snap.Version, Dedupe: "msg-" + who, Conv: &conv,
				Cases:      []*bot.Case{sampleCase("c-"+who, cust, bot.Open, t0)},
				Transcript: []bot.TranscriptAppend{{Session: 9, Entries: []bot.Entry{{From: who, Text: who}}}},
				Outbox:     []bot.Outbound{{ID: who, Channel: "web", Text: who}},
				WakeUps:    map[string]time.Time{"w-" + who: t0},
			}
		}
		errA := s.Commit(ctx, change(a, "a"))
		errB := s.Commit(ctx, change(b, "b"))
		if errA != nil {
			t.Fatalf("first commit: %v", errA)
		}
		if !errors.Is(errB, bot.ErrConflict) || bot.ErrorCode(errB) != bot.ECONFLICT {
			t.Fatalf("second commit = %v, want ErrConflict", errB)
		}

		got := mustLoad(t, s, cust, "", "msg-b")
		if got.Version != 2 || got.Conv.Name != "a" || got.Seen {
			t.Errorf("after the conflict: version %d, name %q, seen %v; want 2, a, false", got.Version, got.Conv.Name, got.Seen)
		}
		if tx := mustTranscript(t, s, cust, 9); len(tx) != 1 || tx[0].Text != "a" {
			t.Errorf("transcript = %+v, want only a's entry", tx)
		}
		if items := mustRead(t, s, "web", "x", 10); len(items) != 1 || items[0].Message.ID != "a" {
			t.Errorf("outbox = %+v, want only a's message", items)
		}
		if n, _ := rdb.ZScore(ctx, s.wakeUpKey(s.partitionOf(cust)), "w-b").Result(); n != 0 {
			t.Errorf("b's wake-up was written")
		}
		// The case index took c-b for the customer before the commit (it
		// lives in another slot); the case itself was not written.
		if _, err := s.Case(ctx, "c-b"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("Case(c-b) = %v, want ENOTFOUND", err)
		}
		if n, _ := rdb.ZCard(ctx, s.statusKey(s.partitionOf(cust), s.statusIndex[bot.Open])).Result(); n != 1 {
			t.Errorf("%d open cases, want 1", n)
		}
	})
}

func TestConcurrentIncrements(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		const workers, each = 2, 200
		const cust = "web:counter"
		var wg sync.WaitGroup
		conflicts := make([]int, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := New(rdb, Options{}) // a replica of its own
				for i := range each {
					conflicts[w] += commitRetry(t, s, cust, func(snap *bot.Snapshot) *bot.Change {
						conv := &bot.Conversation{Customer: cust}
						if snap.Conv != nil {
							conv = snap.Conv
						}
						conv.Name = itoa(atoi(conv.Name) + 1)
						return &bot.Change{
							Customer: cust, Version: snap.Version, Conv: conv,
							Dedupe:     "w" + itoa(w) + "-" + itoa(i),
							Transcript: []bot.TranscriptAppend{{Session: 1, Entries: []bot.Entry{{Text: conv.Name}}}},
						}
					})
				}
			}()
		}
		wg.Wait()
		s := New(rdb, Options{})
		got := mustLoad(t, s, cust, "", "")
		if got.Conv.Name != itoa(workers*each) || got.Version != workers*each {
			t.Errorf("counter %s at version %d, want %d at %d", got.Conv.Name, got.Version, workers*each, workers*each)
		}
		tx := mustTranscript(t, s, cust, 1)
		for i, e := range tx {
			if e.Text != itoa(i+1) {
				t.Fatalf("transcript entry %d = %q, want %d: a conflicting commit wrote something", i, e.Text, i+1)
			}
		}
		if len(tx) != workers*each {
			t.Errorf("%d transcript entries, want %d", len(tx), workers*each)
		}
		t.Logf("conflicts retried: %v", conflicts)
	})
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestDedupe(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{DedupeTTL: time.Hour})
		ctx := ctxT(t)
		const cust = "wechat:carol"
		msg := func(version int64, id string) *bot.Change {
			return &bot.Change{
				Customer: cust, Version: version, Dedupe: id,
				Transcript: []bot.TranscriptAppend{{Session: 1, Entries: []bot.Entry{{ID: id, Text: "hello"}}}},
				Outbox:     []bot.Outbound{{ID: "reply-" + id, Channel: "wechat", Text: "hi"}},
			}
		}
		mustCommit(t, s, msg(0, "m1"))
		if snap := mustLoad(t, s, cust, "", "m1"); !snap.Seen || snap.Version != 1 {
			t.Fatalf("Load after commit of m1 = %+v, want Seen at version 1", snap)
		}
		if snap := mustLoad(t, s, cust, "", "m2"); snap.Seen {
			t.Fatalf("m2 reported seen")
		}
		for _, tc := range []struct {
			name    string
			version int64
		}{
			{"at the current version", 1},
			{"at a stale version", 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if err := s.Commit(ctx, msg(tc.version, "m1")); !errors.Is(err, bot.ErrDuplicate) {
					t.Fatalf("second commit of m1 = %v, want ErrDuplicate", err)
				}
				if snap := mustLoad(t, s, cust, "", ""); snap.Version != 1 {
					t.Errorf("version %d after a duplicate, want 1", snap.Version)
				}
				if tx := mustTranscript(t, s, cust, 1); len(tx) != 1 {
					t.Errorf("%d transcript entries after a duplicate, want 1", len(tx))
				}
				if n, _ := rdb.XLen(ctx, s.outboxKey(s.partitionOf(cust), "wechat")).Result(); n != 1 {
					t.Errorf("%d outbox messages after a duplicate, want 1", n)
				}
			})
		}
		t.Run("remembered for DedupeTTL", func(t *testing.T) {
			ttl, err := rdb.PTTL(ctx, s.customerBase("wechat:carol")+":seen:m1").Result()
			if err != nil || ttl <= 59*time.Minute || ttl > time.Hour {
				t.Errorf("PTTL = %v, %v; want about an hour", ttl, err)
			}
		})
		t.Run("per customer", func(t *testing.T) {
			c := msg(0, "m1")
			c.Customer = "wechat:dave"
			mustCommit(t, s, c)
		})
	})
}

func TestCommitInvalid(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{})
		ctx := ctxT(t)
		mustCommit(t, s, &bot.Change{Customer: "web:owner", Cases: []*bot.Case{sampleCase("1", "web:owner", bot.Open, t0)}})
		for _, tc := range []struct {
			name   string
			change *bot.Change
		}{
			{"no customer", &bot.Change{}},
			{"another customer's case id", &bot.Change{Customer: "web:thief", Cases: []*bot.Case{sampleCase("1", "", bot.Open, t0)},
				Transcript: []bot.TranscriptAppend{{Session: 1, Entries: []bot.Entry{{Text: "x"}}}}}},
			{"case of another customer", &bot.Change{Customer: "web:thief", Cases: []*bot.Case{sampleCase("2", "web:owner", bot.Open, t0)}}},
			{"case without an id", &bot.Change{Customer: "web:thief", Cases: []*bot.Case{sampleCase("", "web:thief", bot.Open, t0)}}},
			{"unknown status", &bot.Change{Customer: "web:thief", Cases: []*bot.Case{sampleCase("3", "web:thief", "lost", t0)}}},
			{"conversation of another customer", &bot.Change{Customer: "web:thief", Conv: sampleConv("web:owner", "")}},
			{"outbound without a channel", &bot.Change{Customer: "web:thief", Outbox: []bot.Outbound{{ID: "o"}}}},
			{"wake-up without a name", &bot.Change{Customer: "web:thief", WakeUps: map[string]time.Time{"": t0}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if err := s.Commit(ctx, tc.change); bot.ErrorCode(err) != bot.EINVALID {
					t.Fatalf("Commit = %v, want EINVALID", err)
				}
			})
		}
		if snap := mustLoad(t, s, "web:thief", "1", ""); snap.Version != 0 || snap.Case != nil {
			t.Errorf("an invalid change wrote something: %+v", snap)
		}
		if tx := mustTranscript(t, s, "web:thief", 1); tx != nil {
			t.Errorf("an invalid change wrote its transcript: %+v", tx)
		}
		if c, _ := s.CustomerOf(ctx, "1"); c != "web:owner" {
			t.Errorf("case 1 now belongs to %q", c)
		}
	})
}

func TestReserveCaseID(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{})
		ctx := ctxT(t)
		reserve := func(customer, want string) {
			t.Helper()
			id, err := s.ReserveCaseID(ctx, customer)
			if err != nil || id != want {
				t.Fatalf("ReserveCaseID(%s) = %q, %v; want %s", customer, id, err, want)
			}
		}
		reserve("web:a", "1")
		reserve("web:a", "1") // asked again (a retried decision): the same number
		reserve("web:b", "2")
		snap := mustLoad(t, s, "web:a", "", "")
		if snap.NextCase != "1" {
			t.Fatalf("snapshot's NextCase = %q, want 1", snap.NextCase)
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		c := &bot.Case{ID: "1", Status: bot.Open, Customer: "web:a", Opened: now, Updated: now}
		if err := s.Commit(ctx, &bot.Change{Customer: "web:a", Version: snap.Version, Cases: []*bot.Case{c}}); err != nil {
			t.Fatal(err)
		}
		if snap := mustLoad(t, s, "web:a", "", ""); snap.NextCase != "" {
			t.Errorf("after case 1 was committed, NextCase = %q, want none", snap.NextCase)
		}
		reserve("web:a", "3") // the next case: a new number
		reserve("web:b", "2") // b's reservation still stands
	})
}

func TestCaseNotFound(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{})
		ctx := ctxT(t)
		if _, err := s.Case(ctx, "404"); bot.ErrorCode(err) != bot.ENOTFOUND || !strings.Contains(err.Error(), "no case 404") {
			t.Errorf("Case(404) = %v, want ENOTFOUND no case 404", err)
		}
		if _, err := s.CustomerOf(ctx, "404"); bot.ErrorCode(err) != bot.ENOTFOUND {
			t.Errorf("CustomerOf(404) = %v, want ENOTFOUND", err)
		}
	})
}

func TestCasesListing(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{})
		ctx := ctxT(t)
		// id, customer, status, opened (minutes after t0)
		all := []struct {
			id, customer string
			status       bot.Status
			opened       int
		}{
			{"10", "web:a", bot.Open, 5},
			{"9", "web:b", bot.Open, 5},
			{"3", "web:a", bot.Claimed, 1},
			{"4", "slack:T1:U2", bot.Open, 0},
			{"5", "web:b", bot.Closed, 2},
			{"6", "web:a", bot.Resolved, 3},
		}
		byCustomer := map[string][]*bot.Case{}
		for _, c := range all {
			byCustomer[c.customer] = append(byCustomer[c.customer], sampleCase(c.id, c.customer, c.status, t0.Add(time.Duration(c.opened)*time.Minute)))
		}
		for cust, cases := range byCustomer {
			mustCommit(t, s, &bot.Change{Customer: cust, Cases: cases})
		}
		fresh := New(rdb, Options{}) // nothing cached: the index is read
		for _, tc := range []struct {
			name     string
			store    *Store
			statuses []bot.Status
			want     []string
		}{
			{"open", s, []bot.Status{bot.Open}, []string{"4", "9", "10"}},
			{"open uncached", fresh, []bot.Status{bot.Open}, []string{"4", "9", "10"}},
			{"active", fresh, []bot.Status{bot.Open, bot.Claimed, bot.Resolved}, []string{"4", "3", "6", "9", "10"}},
			{"all", s, nil, []string{"4", "3", "5", "6", "9", "10"}},
			{"repeated status", s, []bot.Status{bot.Closed, bot.Closed}, []string{"5"}},
			{"none withdrawn", s, []bot.Status{bot.Withdrawn}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := tc.store.Cases(ctx, tc.statuses...)
				if err != nil {
					t.Fatal(err)
				}
				if ids := caseIDs(got); !reflect.DeepEqual(ids, tc.want) {
					t.Errorf("Cases(%v) = %v, want %v", tc.statuses, ids, tc.want)
				}
			})
		}
		if _, err := s.Cases(ctx, "lost"); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("Cases(lost) = %v, want EINVALID", err)
		}
		t.Run("customer cases", func(t *testing.T) {
			for cust, want := range map[string][]string{
				"web:a":       {"3", "6", "10"},
				"web:b":       {"5", "9"},
				"slack:T1:U2": {"4"},
				"web:nobody":  nil,
			} {
				got, err := s.CustomerCases(ctx, cust)
				if err != nil {
					t.Fatal(err)
				}
				if ids := caseIDs(got); !reflect.DeepEqual(ids, want) {
					t.Errorf("CustomerCases(%s) = %v, want %v", cust, ids, want)
				}
			}
		})
	})
}

func caseIDs(cases []*bot.Case) []string {
	var ids []string
	for _, c := range cases {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestHostileCustomerIDs(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{})
		ctx := ctxT(t)
		hostile := []string{"web:{evil}", "web:}{", "web:{", "web:%7B", "web:%", "web:%25", "web:a b", "web:😡 客户", "web:", "web:{c:web:x}"}
		for i, cust := range hostile {
			id := itoa(100 + i)
			mustCommit(t, s, &bot.Change{
				Customer: cust, Dedupe: "m",
				Conv:       &bot.Conversation{Customer: cust, Name: cust, Case: id},
				Cases:      []*bot.Case{{ID: id, Status: bot.Open, Customer: cust}},
				Transcript: []bot.TranscriptAppend{{Session: 1, Entries: []bot.Entry{{Text: cust}}}},
			})
		}
		for i, cust := range hostile {
			t.Run(cust, func(t *testing.T) {
				snap := mustLoad(t, s, cust, "", "m")
				if snap.Version != 1 || snap.Conv.Name != cust || snap.Case.ID != itoa(100+i) || !snap.Seen {
					t.Errorf("Load = %+v (conv %+v)", snap, snap.Conv)
				}
				if tx := mustTranscript(t, s, cust, 1); len(tx) != 1 || tx[0].Text != cust {
					t.Errorf("transcript = %+v", tx)
				}
				if c, err := New(rdb, Options{}).CustomerOf(ctx, itoa(100+i)); c != cust {
					t.Errorf("CustomerOf = %q, %v", c, err)
				}
				// Every key of the customer hashes on the same, intact tag.
				base := s.customerBase(cust)
				tag := strconv.Itoa(s.partitionOf(cust))
				keys, err := rdb.Keys(ctx, escapeGlob(base)+"*").Result()
				if err != nil {
					t.Fatal(err)
				}
				if len(keys) != 3 {
					t.Errorf("keys of %q = %q, want hash, seen and transcript", cust, keys)
				}
				for _, k := range keys {
					if got := hashTag(k); got != tag {
						t.Errorf("hash tag of %q = %q, want %q", k, got, tag)
					}
				}
			})
		}
	})
}

// hashTag returns the part of key Redis Cluster hashes: between the first
// '{' and the next '}', when that is not empty; the whole key otherwise.
func hashTag(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}

func TestRefs(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{})
		ctx := ctxT(t)
		if v, err := s.Ref(ctx, "slack", "card:1"); v != "" || err != nil {
			t.Fatalf("Ref before SetRef = %q, %v", v, err)
		}
		if err := s.SetRef(ctx, "slack", "card:1", "1700000000.000100"); err != nil {
			t.Fatal(err)
		}
		if v, err := s.Ref(ctx, "slack", "card:1"); v != "1700000000.000100" || err != nil {
			t.Fatalf("Ref = %q, %v", v, err)
		}
		if v, _ := s.Ref(ctx, "web", "card:1"); v != "" {
			t.Fatalf("refs leak across channels: %q", v)
		}
	})
}

// TestRoundTrips pins the cost of the hot path: Load and Commit are one
// round trip each, and CustomerOf is free once a case was seen.
func TestRoundTrips(t *testing.T) {
	eachBackend(t, func(t *testing.T, rdb redis.UniversalClient) {
		s := New(rdb, Options{})
		ctx := ctxT(t)
		// Warm the script cache: the first Run of a script may add an EVAL.
		mustCommit(t, s, &bot.Change{Customer: "web:warm", Cases: []*bot.Case{{ID: "1", Status: bot.Open}}})
		mustLoad(t, s, "web:warm", "", "")
		// As after the reservation (or a load) of case 2 in this process.
		s.customers.put("2", "web:x")
		var rt roundTrips
		rdb.AddHook(&rt)
		for _, tc := range []struct {
			name string
			do   func() error
			want int64
		}{
			{"Load", func() error { _, err := s.Load(ctx, bot.LoadQuery{Customer: "web:x", Dedupe: "m1"}); return err }, 1},
			{"Commit", func() error {
				return s.Commit(ctx, &bot.Change{Customer: "web:x", Dedupe: "m1", Conv: sampleConv("web:x", "2"),
					Cases:      []*bot.Case{sampleCase("2", "web:x", bot.Open, t0)},
					Transcript: []bot.TranscriptAppend{{Session: 1, Entries: []bot.Entry{{Text: "a"}}}},
					Outbox:     []bot.Outbound{{ID: "o", Channel: "web"}}, WakeUps: map[string]time.Time{"x": t0}})
			}, 1},
			{"CustomerOf cached", func() error { _, err := s.CustomerOf(ctx, "2"); return err }, 0},
			{"Case cached", func() error { _, err := s.Case(ctx, "1"); return err }, 1},
			{"AckOutbox", func() error { return s.AckOutbox(ctx, "web", "0-1/0") }, 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := rt.n.Load()
				if err := tc.do(); err != nil {
					t.Fatal(err)
				}
				if got := rt.n.Load() - before; got != tc.want {
					t.Errorf("%d round trips, want %d", got, tc.want)
				}
			})
		}
	})
}

func TestCustomerCache(t *testing.T) {
	c := newCustomerCache(4)
	for i := range 10 {
		c.put(itoa(i), "c"+itoa(i))
		if _, ok := c.get("0"); !ok { // kept alive by use
			t.Fatalf("case 0 evicted after %d puts although used", i)
		}
	}
	if n := len(c.cur) + len(c.old); n > 4 {
		t.Errorf("cache holds %d entries, bound 4", n)
	}
	if v, ok := c.get("9"); !ok || v != "c9" {
		t.Errorf("get(9) = %q, %v", v, ok)
	}
	if _, ok := c.get("1"); ok {
		t.Errorf("case 1, unused, survived")
	}
}

func TestEscapeTag(t *testing.T) {
	for in, want := range map[string]string{
		"web:alice": "web:alice",
		"web:{x}":   "web:%7Bx%7D",
		"web:%7B":   "web:%257B",
		"web:%":     "web:%25",
		"web:😡":     "web:😡",
	} {
		if got := escapeTag(in); got != want {
			t.Errorf("escapeTag(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		rdb  redis.UniversalClient
		opts Options
	}{
		{"brace in prefix", redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}), Options{Prefix: "cb{1}"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.rdb.Close()
			defer func() {
				if recover() == nil {
					t.Errorf("New accepted it")
				}
			}()
			New(tc.rdb, tc.opts)
		})
	}
}

func TestOptionsDefaults(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	got := New(rdb, Options{}).Options()
	want := Options{Prefix: "cb", Partitions: DefaultPartitions, DedupeTTL: 7 * 24 * time.Hour, ClaimAfter: 5 * time.Second}
	if got != want {
		t.Errorf("defaults = %+v, want %+v", got, want)
	}
	if got := New(rdb, Options{Prefix: "x"}).WakeUpKeys(); len(got) != DefaultPartitions || got[0] != "x:{0}:wakeups" {
		t.Errorf("WakeUpKeys with prefix x = %q", got)
	}
}
