package redisstore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/scheduler"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// TestClusterSpreadsPartitionsAndFiresEveryOne commits a wake-up for
// customers of every partition on a three-master Redis Cluster: the
// partitions' wake-up sets live on all three masters, one Runner claiming
// from every partition handles each wake-up once, and the reconcile sweep
// finds, inside each partition's slot, the one wake-up removed behind the
// store's back.
func TestClusterSpreadsPartitionsAndFiresEveryOne(t *testing.T) {
	ctx := ctxT(t)
	c := redistest.StartCluster(t, 3)
	rdb := c.Client(t)
	s := New(rdb, Options{})

	// Customers until every partition has two.
	perPart := map[int][]string{}
	for i := 0; len(perPart) < s.opts.Partitions || minLen(perPart) < 2; i++ {
		cust := fmt.Sprintf("web:c%d", i)
		perPart[s.partitionOf(cust)] = append(perPart[s.partitionOf(cust)], cust)
	}
	now, err := rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, custs := range perPart {
		for _, cust := range custs[:2] {
			id, err := s.ReserveCaseID(ctx, cust)
			if err != nil {
				t.Fatal(err)
			}
			k := sampleCase(id, cust, bot.Open, t0)
			k.Wake = now
			mustCommit(t, s, &bot.Change{Customer: cust, Conv: sampleConv(cust, id), Cases: []*bot.Case{k},
				WakeUps: map[string]time.Time{bot.CaseWakeUp(id): now}})
			names = append(names, bot.CaseWakeUp(id))
		}
	}

	masters := map[string]bool{}
	for _, key := range s.WakeUpKeys() {
		slot, err := rdb.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		masters[masterOf(t, rdb, slot)] = true
	}
	if len(masters) != 3 {
		t.Errorf("the %d partitions' wake-up sets are on %d masters, want all 3", s.opts.Partitions, len(masters))
	}

	// The sweep, before any wake-up fires: one removed behind the store's
	// back in partition 5 is the only one missing.
	w := scheduler.NewWakeUps(rdb, s.WakeUpKeys()...)
	lost := bot.CaseWakeUp(mustCaseOf(t, s, perPart[5][0]))
	if err := w.Clear(ctx, lost); err != nil {
		t.Fatal(err)
	}
	var missing []string
	pages := 0
	for cursor := ""; ; pages++ {
		cases, _, next, err := s.MissingWakeUps(ctx, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range cases {
			missing = append(missing, bot.CaseWakeUp(id))
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(missing) != 1 || missing[0] != lost {
		t.Errorf("the sweep found %v missing, want only %s", missing, lost)
	}
	if pages < s.opts.Partitions {
		t.Errorf("the sweep took %d pages, want at least one per partition", pages)
	}
	if err := w.Set(ctx, lost, now); err != nil { // repaired
		t.Fatal(err)
	}

	var mu sync.Mutex
	handled := map[string]int{}
	r := scheduler.NewRunner(w, func(ctx context.Context, name string, _ time.Time) error {
		mu.Lock()
		handled[name]++
		mu.Unlock()
		return nil
	}, scheduler.WithTick(20*time.Millisecond), scheduler.WithConcurrency(4))
	r.Start()
	defer r.Stop(context.Background())
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := w.Len(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		done := len(handled) == len(names)
		mu.Unlock()
		if n == 0 && done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %d wake-ups left, %d of %d handled", n, len(handled), len(names))
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, name := range names {
		if handled[name] != 1 {
			t.Errorf("%s handled %d times, want once", name, handled[name])
		}
	}
}

func minLen(m map[int][]string) int {
	n := -1
	for _, v := range m {
		if n < 0 || len(v) < n {
			n = len(v)
		}
	}
	return n
}

func mustCaseOf(t *testing.T, s *Store, customer string) string {
	t.Helper()
	cs, err := s.CustomerCases(ctxT(t), customer)
	if err != nil || len(cs) == 0 {
		t.Fatalf("cases of %s: %v %v", customer, cs, err)
	}
	return cs[0].ID
}

// masterOf returns the address of the master serving slot.
func masterOf(t *testing.T, rdb *redis.ClusterClient, slot int64) string {
	t.Helper()
	slots, err := rdb.ClusterSlots(ctxT(t)).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range slots {
		if int64(s.Start) <= slot && slot <= int64(s.End) {
			return s.Nodes[0].Addr
		}
	}
	t.Fatalf("no master serves slot %d", slot)
	return ""
}
