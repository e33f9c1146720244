package wechat_test

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
)

// TestOneReplicaDrives: of two replicas exactly one drives the account;
// after it is killed the other takes over by hot login from the session in
// Redis (the same session: no QR code, the same UserNames), and the
// customer's messages sent meanwhile are not lost.
func TestOneReplicaDrives(t *testing.T) {
	t.Parallel()
	// The fake checks cookies on every request after login, so the hot login
	// works only with the cookie-domain fix of the session storage.
	h := newHarness(t, options{replicas: 2, lease: 900 * time.Millisecond, fake: []fakewechat.Option{fakewechat.WithCookieCheck()}})
	first := h.driving()
	var both atomic.Bool
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if h.r[0].ad.Driving() && h.r[1].ad.Driving() {
				both.Store(true)
			}
			time.Sleep(time.Millisecond)
		}
	}()
	h.say("wang", "我的快递丢了")
	waitFor(t, "an answer", func() bool { return len(h.said("wang")) == 1 })
	u := h.userOf(h.f.UserName("wang"))
	logins := h.f.Count("webwxnewloginpage")
	for _, r := range h.r {
		if r != first {
			waitFor(t, "the other replica to stand by", r.ad.StandingBy)
			if err := r.ad.Ready(); err != nil || r.ad.Driving() {
				t.Errorf("the stand-by replica: ready = %v, driving = %v; want a ready stand-by", err, r.ad.Driving())
			}
		}
	}

	first.kill()
	h.say("wang", "单号是SF123456")
	var second *replica
	waitFor(t, "the other replica to drive", func() bool {
		for _, r := range h.r {
			if r != first && r.ad.Driving() && r.ad.Ready() == nil {
				second = r
				return true
			}
		}
		return false
	})
	waitFor(t, "the message sent during the takeover to be answered", func() bool { return len(h.said("wang")) >= 2 })
	if h.f.Count("webwxnewloginpage") != logins {
		t.Error("the takeover needed a new login (QR or push); want a hot login")
	}
	if got := h.userOf(h.f.UserName("wang")); got != u {
		t.Errorf("after the takeover wang is %q, was %q", got, u)
	}
	snap := h.conversationOn(second, u)
	if snap.Conv == nil {
		t.Fatal("no conversation")
	}
	tr, err := second.store.Transcript(context.Background(), snap.Customer, snap.Conv.Session)
	must(t, err)
	if !transcriptHas(tr, "我的快递丢了") || !transcriptHas(tr, "SF123456") {
		t.Errorf("the conversation lost a message: %+v", tr)
	}
	// The saved session keeps its cookies for every host, never "Jar": null.
	raw, err := h.rdb.Get(context.Background(), "cb:session:wechat").Bytes()
	must(t, err)
	var doc struct{ Jar map[string]json.RawMessage }
	must(t, json.Unmarshal(raw, &doc))
	if len(doc.Jar) != 3 {
		t.Errorf("the saved jar has hosts %v; want the base, file. and webpush. hosts", maps.Keys(doc.Jar))
	}
	if both.Load() {
		t.Error("both replicas drove the account at once")
	}
}

func transcriptHas(tr []bot.Entry, text string) bool {
	for _, e := range tr {
		if strings.Contains(e.Text, text) {
			return true
		}
	}
	return false
}
