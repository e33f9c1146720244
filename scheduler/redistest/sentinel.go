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

// Sentinel is a primary, one replica and one Sentinel watching them, owned
// by a test. The Sentinel is redis-server in sentinel mode (the same
// binary; Debian's redis-sentinel package is only a link to it). It
// declares the primary down after a second, so a failover takes a few
// seconds.
type Sentinel struct {
	// MasterName is the name the Sentinel knows the primary by.
	MasterName string
	// Addr is the Sentinel's host:port.
	Addr    string
	Master  *Server
	Replica *Server

	cmd    *exec.Cmd
	exited chan struct{}
}

// StartSentinel starts the three processes, waits until the replica is in
// sync and the Sentinel watches both, and stops them when tb ends.
func StartSentinel(tb testing.TB) *Sentinel {
	tb.Helper()
	master := Start(tb, "--appendonly", "yes", "--appendfsync", "always")
	host, port, _ := splitAddr(master.Addr)
	replica := Start(tb, "--replicaof", host, port, "--appendonly", "yes", "--appendfsync", "always")
	ctx := context.Background()
	waitFor(tb, 10*time.Second, "the replica to sync", func() bool {
		c := redis.NewClient(&redis.Options{Addr: replica.Addr})
		defer c.Close()
		info, err := c.Info(ctx, "replication").Result()
		return err == nil && strings.Contains(info, "master_link_status:up")
	})
	s := &Sentinel{MasterName: "complaintbot", Master: master, Replica: replica}
	bin, err := Binary()
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		p, err := freePort()
		if err != nil {
			tb.Fatal(err)
		}
		conf := filepath.Join(dir, "sentinel.conf")
		body := fmt.Sprintf("port %d\nbind 127.0.0.1\nprotected-mode no\ndir %s\nsentinel monitor %s %s %s 1\n"+
			"sentinel down-after-milliseconds %s 1000\nsentinel failover-timeout %s 10000\nsentinel parallel-syncs %s 1\n",
			p, dir, s.MasterName, host, port, s.MasterName, s.MasterName, s.MasterName)
		if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
			tb.Fatal(err)
		}
		logf, err := os.Create(filepath.Join(dir, "sentinel.log"))
		if err != nil {
			tb.Fatal(err)
		}
		cmd := exec.Command(bin, conf, "--sentinel")
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			logf.Close()
			tb.Fatal(err)
		}
		logf.Close()
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		addr := "127.0.0.1:" + strconv.Itoa(p)
		ok := false
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			select {
			case <-exited:
				lastErr = fmt.Errorf("sentinel exited at start: %s", tail(filepath.Join(dir, "sentinel.log")))
			default:
			}
			if lastErr != nil {
				break
			}
			if ping(addr) {
				ok = true
				break
			}
		}
		if !ok {
			_ = cmd.Process.Kill()
			<-exited
			continue
		}
		s.Addr, s.cmd, s.exited = addr, cmd, exited
		tb.Cleanup(s.Stop)
		break
	}
	if s.cmd == nil {
		tb.Fatalf("redistest: start sentinel: %v", lastErr)
	}
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addr})
	defer sc.Close()
	waitFor(tb, 15*time.Second, "the sentinel to see the replica", func() bool {
		rs, err := sc.Replicas(ctx, s.MasterName).Result()
		return err == nil && len(rs) == 1
	})
	return s
}

// Client returns a go-redis client that finds the primary through the
// Sentinel and follows a failover; closed when tb ends.
func (s *Sentinel) Client(tb testing.TB) *redis.Client {
	tb.Helper()
	c := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: s.MasterName, SentinelAddrs: []string{s.Addr}, Protocol: 2})
	tb.Cleanup(func() { c.Close() })
	return c
}

// MasterAddr returns the primary's address as the Sentinel reports it.
func (s *Sentinel) MasterAddr(tb testing.TB) string {
	tb.Helper()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addr})
	defer sc.Close()
	a, err := sc.GetMasterAddrByName(context.Background(), s.MasterName).Result()
	if err != nil {
		tb.Fatal(err)
	}
	return a[0] + ":" + a[1]
}

// Stop stops the Sentinel (the servers stop with their tests).
func (s *Sentinel) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

func splitAddr(addr string) (host, port string, err error) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i], addr[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("no port in %q", addr)
}

// waitFor polls cond every 10 ms until it holds, failing tb after timeout.
func waitFor(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("redistest: timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
