// Package redistest starts throwaway redis-server processes for tests.
//
// Every test that needs Redis gets a real redis-server, started on a free
// loopback port in a temporary directory and stopped when the test ends. There
// is no mock: the scripts, transactions and streams the product relies on run
// on the same server they run on in production.
//
// It lives under scheduler because scheduler is the lowest package of ours
// that talks to Redis, and every other package may import it (dependencies
// point from cmd and bot towards scheduler, never back).
package redistest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is one redis-server process owned by a test.
type Server struct {
	// Addr is the host:port the server listens on.
	Addr string

	bin    string
	dir    string
	port   int
	cmd    *exec.Cmd
	exited chan struct{} // closed when the running process has been reaped
}

// Binary returns the redis-server executable the tests use: $REDIS_SERVER if
// set, otherwise redis-server from $PATH or the usual install locations.
// When there is none, it installs Debian's redis-server package with
// apt-get (as root, or through password-less sudo), saying so on stderr;
// test binaries running at the same time wait for one another.
func Binary() (string, error) {
	if p := os.Getenv("REDIS_SERVER"); p != "" {
		return p, nil
	}
	if p := find(); p != "" {
		return p, nil
	}
	installOnce.Do(func() { installErr = install() })
	if p := find(); p != "" {
		return p, nil
	}
	return "", fmt.Errorf("redis-server not found and could not be installed (%v): install it (apt-get install redis-server, brew install redis) or set REDIS_SERVER to its path", installErr)
}

func find() string {
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server", "/opt/homebrew/bin/redis-server"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

var (
	installOnce sync.Once
	installErr  error
)

// install installs redis-server from Debian's packages.
func install() error {
	return InstallPackage("redis-server", func() bool { return find() != "" },
		"redistest: redis-server is missing; installing Debian's redis-server package with apt-get (the tests start their own throwaway servers)")
}

// InstallPackage installs a Debian package with apt-get, as root or through
// password-less sudo, unless found reports it is there already; it says
// why on stderr first. One lock file keeps the test binaries of one
// `go test ./...` (separate processes) from running apt-get at the same
// time, and a package a binary installed while another waited is not
// installed twice. A fresh machine with no package lists gets them.
func InstallPackage(pkg string, found func() bool, why string) error {
	apt, err := exec.LookPath("apt-get")
	if err != nil {
		return fmt.Errorf("no apt-get on this machine")
	}
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "complaintbot-apt-install.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if found() {
		return nil // another test binary installed it while we waited
	}
	var prefix []string
	if os.Geteuid() != 0 {
		sudo, err := exec.LookPath("sudo")
		if err != nil {
			return fmt.Errorf("not root and no sudo")
		}
		prefix = []string{sudo, "-n"}
	}
	fmt.Fprintln(os.Stderr, why)
	runApt := func(args ...string) error {
		argv := append(append(append([]string{}, prefix...), apt), args...)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("apt-get %s: %v: %s", strings.Join(args, " "), err, tailString(string(out)))
		}
		return nil
	}
	if err := runApt("install", "-y", "-qq", "--no-install-recommends", pkg); err != nil {
		// A fresh machine may have no package lists yet.
		if err := runApt("update", "-qq"); err != nil {
			return err
		}
		if err := runApt("install", "-y", "-qq", "--no-install-recommends", pkg); err != nil {
			return err
		}
	}
	return nil
}

// Start starts a fresh, empty redis-server for tb and stops it when tb ends.
// It fails the test (never skips it) when no redis-server can be started.
func Start(tb testing.TB, extraArgs ...string) *Server {
	tb.Helper()
	bin, err := Binary()
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{bin: bin, dir: tb.TempDir()}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			tb.Fatalf("redistest: find a free port: %v", err)
		}
		s.port = port
		if lastErr = s.start(extraArgs); lastErr == nil {
			tb.Cleanup(s.Stop)
			return s
		}
	}
	tb.Fatalf("redistest: start redis-server: %v", lastErr)
	return nil
}

// URL returns a redis:// URL for the server, as REDIS_URL would hold it.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Client returns a go-redis client connected to the server, closed when tb
// ends. It speaks RESP2, as complaintbot's own client does: nothing uses
// RESP3, and go-redis checks for RESP3 push notifications on every reply.
func (s *Server) Client(tb testing.TB) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: 2})
	tb.Cleanup(func() { c.Close() })
	return c
}

// Stop stops the server and waits for it to exit. It is safe to call twice.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// Restart stops the server and starts it again on the same port. With
// persistence enabled (Start(tb, "--appendonly", "yes")) the data survives.
func (s *Server) Restart(tb testing.TB, extraArgs ...string) {
	tb.Helper()
	if s.cmd != nil {
		// SHUTDOWN lets the server write its append-only file before exiting.
		c := redis.NewClient(&redis.Options{Addr: s.Addr})
		_ = c.Shutdown(context.Background()).Err()
		c.Close()
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		s.cmd = nil
	}
	if err := s.start(extraArgs); err != nil {
		tb.Fatalf("redistest: restart redis-server: %v", err)
	}
}

func (s *Server) start(extraArgs []string) error {
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	args := []string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--dir", s.dir,
		"--save", "",
		"--appendonly", "no",
		"--protected-mode", "no",
		"--daemonize", "no",
		"--loglevel", "warning",
	}
	args = append(args, extraArgs...)
	cmd := exec.Command(s.bin, args...)
	logf, err := os.Create(filepath.Join(s.dir, "redis.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd.Stdout = logf
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		// The only Wait on the process: Stop and Restart wait on exited.
		_ = cmd.Wait()
		close(exited)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("redis-server exited at start: %s", tail(filepath.Join(s.dir, "redis.log")))
		default:
		}
		if ping(s.Addr) {
			s.cmd, s.exited = cmd, exited
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-exited
	return fmt.Errorf("redis-server did not answer PING within 10s: %s", tail(filepath.Join(s.dir, "redis.log")))
}

func ping(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+PONG")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	return tailString(string(b))
}

func tailString(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 500 {
		s = s[len(s)-500:]
	}
	return s
}

// UsedMemory returns the server's used_memory (INFO memory), for
// benchmarks that measure what Redis keeps per item.
func UsedMemory(tb testing.TB, rdb redis.UniversalClient) int64 {
	tb.Helper()
	info, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return n
		}
	}
	tb.Fatal("no used_memory in INFO memory")
	return 0
}
