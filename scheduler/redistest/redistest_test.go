package redistest_test

import (
	"context"
	"testing"

	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

func TestStartRestartKeepsAppendOnlyData(t *testing.T) {
	ctx := context.Background()
	s := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	c := s.Client(t)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Restart(t, "--appendonly", "yes")
	got, err := c.Get(ctx, "k").Result()
	if err != nil || got != "v" {
		t.Fatalf("after restart GET k = %q, %v; want v", got, err)
	}
	s.Stop()
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("PING succeeded after Stop")
	}
}

func TestStartClusterServesEverySlot(t *testing.T) {
	ctx := context.Background()
	c := redistest.StartCluster(t, 3)
	rdb := c.Client(t)
	masters := map[string]bool{}
	for i := 0; i < 30; i++ {
		key := "k{" + string(rune('a'+i)) + "}"
		if err := rdb.Set(ctx, key, i, 0).Err(); err != nil {
			t.Fatal(err)
		}
		slot, err := rdb.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		slots, _ := rdb.ClusterSlots(ctx).Result()
		for _, s := range slots {
			if int64(s.Start) <= slot && slot <= int64(s.End) {
				masters[s.Nodes[0].Addr] = true
			}
		}
	}
	if len(masters) != 3 {
		t.Errorf("30 keys landed on %d masters, want all 3", len(masters))
	}
}
