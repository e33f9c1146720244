package redistest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cluster is a Redis Cluster of masters (no replicas) owned by a test:
// several redis-server processes started with cluster-enabled on free
// ports, joined with redis-cli --cluster create, and stopped when the test
// ends.
type Cluster struct {
	// Addrs are the masters' host:port, in start order.
	Addrs   []string
	Servers []*Server
}

// StartCluster starts a Redis Cluster of the given number of masters (at
// least 3, redis-cli's minimum) and waits until every node agrees that all
// 16,384 slots are served. It fails the test (never skips it) when the
// cluster cannot be built.
func StartCluster(tb testing.TB, masters int) *Cluster {
	tb.Helper()
	if masters < 3 {
		tb.Fatalf("redistest: a cluster needs at least 3 masters, not %d", masters)
	}
	c := &Cluster{}
	for i := 0; i < masters; i++ {
		// Start calls TempDir, so every node gets its own nodes.conf.
		s := Start(tb, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "yes")
		c.Servers = append(c.Servers, s)
		c.Addrs = append(c.Addrs, s.Addr)
	}
	cli, err := CLI()
	if err != nil {
		tb.Fatal(err)
	}
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	out, err := exec.Command(cli, args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("redistest: redis-cli --cluster create: %v: %s", err, tailString(string(out)))
	}
	ctx := context.Background()
	deadline := time.Now().Add(20 * time.Second)
	for _, addr := range c.Addrs {
		n := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2})
		for {
			info, err := n.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, "cluster_slots_ok:16384") &&
				strings.Contains(info, "cluster_known_nodes:"+strconv.Itoa(masters)) {
				break
			}
			if time.Now().After(deadline) {
				n.Close()
				tb.Fatalf("redistest: cluster node %s not ready: %v %s", addr, err, info)
			}
			time.Sleep(20 * time.Millisecond)
		}
		n.Close()
	}
	return c
}

// Client returns a go-redis cluster client for the cluster, closed when tb
// ends; RESP2, as complaintbot's own client.
func (c *Cluster) Client(tb testing.TB) *redis.ClusterClient {
	tb.Helper()
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs, Protocol: 2})
	tb.Cleanup(func() { rdb.Close() })
	if err := rdb.ForEachShard(context.Background(), func(ctx context.Context, s *redis.Client) error {
		return s.Ping(ctx).Err()
	}); err != nil {
		tb.Fatalf("redistest: cluster client: %v", err)
	}
	return rdb
}

// URL returns the cluster as complaintbot's REDIS_URL takes it:
// redis-cluster://host1:port,host2:port,…
func (c *Cluster) URL() string { return "redis-cluster://" + strings.Join(c.Addrs, ",") }

// CLI returns the redis-cli executable next to the redis-server the tests
// use (Debian's redis-server package brings it, through redis-tools), or
// the one on $PATH.
func CLI() (string, error) {
	bin, err := Binary()
	if err != nil {
		return "", err
	}
	if p := filepath.Join(filepath.Dir(bin), "redis-cli"); fileExists(p) {
		return p, nil
	}
	if p, err := exec.LookPath("redis-cli"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("redis-cli not found next to %s or on $PATH", bin)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
