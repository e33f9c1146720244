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
