package wechat_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLoginByQRCode: the QR code is drawn in the terminal and shown at
// /wechat/login (behind the team token) until the phone scans it; an
// expired code is replaced by a new one; a logout makes the adapter
// unready and tells the team, and the push login confirmed on the phone
// brings it back.
func TestLoginByQRCode(t *testing.T) {
	t.Parallel()
	term := &syncBuffer{}
	h := newHarness(t, options{manual: true, terminal: term, lang: "en"})
	mux := http.NewServeMux()
	for p, handler := range h.r[0].ad.Routes() {
		mux.Handle(p, handler)
	}
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}

	p, err := h.f.WaitLogin(wait)
	must(t, err)
	if code, _ := get("/wechat/login"); code != http.StatusUnauthorized {
		t.Errorf("the login page without the token answered %d", code)
	}
	waitFor(t, "the QR image", func() bool { c, _ := get("/wechat/login.png?token=t0ken"); return c == 200 })
	_, page := get("/wechat/login?token=t0ken")
	if !strings.Contains(page, "/wechat/login.png?gen=1") {
		t.Errorf("the page shows no QR code: %s", page)
	}
	if out := term.String(); !strings.Contains(out, "█") && !strings.Contains(out, "▀") {
		t.Errorf("the terminal shows no QR drawing: %q", out)
	}
	// The code expires: a new one is shown.
	must(t, h.f.Expire(p.UUID))
	p2, err := h.f.WaitLogin(wait)
	must(t, err)
	if p2.UUID == p.UUID {
		t.Fatal("no new QR code after the expiry")
	}
	waitFor(t, "the new QR code on the page", func() bool {
		_, page := get("/wechat/login?token=t0ken")
		return strings.Contains(page, "gen=2")
	})
	if h.r[0].ad.Ready() == nil {
		t.Error("ready before any login")
	}
	must(t, h.f.Scan(p2.UUID))
	must(t, h.f.Confirm(p2.UUID))
	h.driving()
	if c, _ := get("/wechat/login.png?token=t0ken"); c != http.StatusNotFound {
		t.Errorf("the QR image is still served after the login (%d)", c)
	}

	// Logged out from the phone: unready, the team is told; the push
	// login is confirmed on the phone and the account is back.
	h.f.ForceLogout(fakewechat.RetLoginWarn)
	waitFor(t, "unready", func() bool { return h.r[0].ad.Ready() != nil })
	push, err := h.f.WaitLogin(wait)
	must(t, err)
	if !push.Push {
		t.Errorf("after a logout the adapter asked for %+v; want a push login first", push)
	}
	must(t, h.f.Confirm(push.UUID))
	h.driving()
	h.waitSaid("team", 0, "logged out")
}

// TestLoginRefused: a login the service refuses (Ret 1203, the account may
// not use web WeChat) is logged, makes the adapter unready, is retried with
// backoff, and is told to the team.
func TestLoginRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{lang: "en", manual: true})
	p, err := h.f.WaitLogin(wait)
	must(t, err)
	h.f.Inject("webwxnewloginpage", 1, fakewechat.Fault{Ret: fakewechat.RetLoginEnv, ErrMsg: fakewechat.LoginEnvMessage})
	must(t, h.f.Scan(p.UUID))
	must(t, h.f.Confirm(p.UUID))
	waitFor(t, "the refusal seen", func() bool {
		err := h.r[0].ad.Ready()
		return err != nil && strings.Contains(err.Error(), "login failed")
	})
	p, err = h.f.WaitLogin(wait)
	must(t, err)
	must(t, h.f.Scan(p.UUID))
	must(t, h.f.Confirm(p.UUID))
	h.driving()
	h.waitSaid("team", 0, "the login failed", "此微信号不能登录网页微信")
}
