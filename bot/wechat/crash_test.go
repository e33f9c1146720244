package wechat_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/wechat"
	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// TestLibraryPanicThenRestart: a webwxsync answer without SyncKey makes
// openwechat dereference nil in its own goroutine, which no recover of ours
// can catch: the process dies (docs/wechat.md: run under a supervisor). The
// test runs the adapter in a child process, kills it that way, starts it
// again as a supervisor would, and checks that the restart is a hot login
// (no scan) and that the message of the fatal sync is not lost.
func TestLibraryPanicThenRestart(t *testing.T) {
	t.Parallel()
	f := fakewechat.New(fakewechat.WithAutoConfirm(), fakewechat.WithLongPoll(200*time.Millisecond))
	t.Cleanup(f.Close)
	phone(t, f)
	srv := redistest.Start(t)
	rdb := srv.Client(t)

	child := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "WECHAT_CHILD_REDIS="+srv.Addr, "WECHAT_CHILD_FAKE="+f.URL())
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		must(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd, out
	}
	cmd, out := child()
	if _, err := f.WaitRequests("synccheck", 1, wait); err != nil {
		t.Fatalf("the child did not log in: %v\n%s", err, out)
	}
	logins := f.Count("webwxnewloginpage")

	f.Inject("webwxsync", 1, fakewechat.Fault{Body: `{"BaseResponse":{"Ret":0}}`})
	_, err := f.PushText("wang", "我的订单没到")
	must(t, err)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || !bytes.Contains(out.Bytes(), []byte("nil pointer")) {
			t.Fatalf("the child ended with %v; want the library's nil-pointer panic\n%s", err, out)
		}
	case <-time.After(wait):
		t.Fatalf("the child survived a sync without SyncKey\n%s", out)
	}

	// The supervisor starts it again: a hot login, and the message arrives.
	_, out2 := child()
	waitFor(t, "the message accepted after the restart", func() bool {
		n, _ := rdb.XLen(context.Background(), "cb:inbox:wechat").Result()
		return n == 1
	})
	if f.Count("webwxnewloginpage") != logins {
		t.Errorf("the restart needed a new login (QR or push); want a hot login\n%s", out2)
	}
}

// TestMain runs the child process of TestLibraryPanicThenRestart when asked
// to (an engine and the adapter, no inbox: the parent reads what is
// accepted, until the child dies or is killed), and the tests otherwise.
func TestMain(m *testing.M) {
	addr, fake := os.Getenv("WECHAT_CHILD_REDIS"), os.Getenv("WECHAT_CHILD_FAKE")
	if addr == "" {
		os.Exit(m.Run())
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	store := redisstore.New(rdb, redisstore.Options{})
	eng := bot.NewEngine(store, bot.Config{Team: "web", People: bot.MustDirectory(staff())}, bot.WithLogger(quiet))
	ad, err := wechat.New(wechat.Options{Engine: eng, Store: store, Replica: "child", Endpoint: fake, Logger: logger(),
		LeaseTTL: 500 * time.Millisecond, Backoff: 50 * time.Millisecond})
	if err == nil {
		err = ad.Start(context.Background())
	}
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	<-ctx.Done()
	os.Exit(0)
}
