package fakewechat

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"
)

// Error codes of the web protocol (BaseResponse.Ret, synccheck retcode, login ret).
// openwechat returns them as openwechat.Ret values: errors.As(err, &ret).
const (
	RetLoginWarn    = 1100 // "failed login warn": logged out (on the phone); the bot stops
	RetLoginCheck   = 1101 // "failed login check": the session is gone; the bot stops
	RetCookie       = 1102 // "cookie invalid"; the bot stops
	RetLoginEnv     = 1203 // "login environmental abnormality"; at login: the account may not use web WeChat
	RetNotContact   = 1204 // webwxsendmsg to a UserName that is not a contact in this session (openwechat: "Ret(1204)")
	RetTooOften     = 1205 // "operate too often": sending too fast
	RetParam        = 1    // "param error"
	RetSystem       = -1   // "sys error"
	LoginEnvMessage = "为了你的帐号安全，此微信号不能登录网页微信。你可以使用Windows微信或Mac微信在电脑端登录。"
)

// Always, as the count given to Inject, applies the fault to every request until
// ClearFaults.
const Always = -1

// Fault is how the fake misbehaves on one request. Fields combine in this order: Delay,
// then the first of Reset (without AfterEffect), Status/Body, Ret, Reset with
// AfterEffect.
type Fault struct {
	// Delay holds the answer this long (or until the client gives up).
	Delay time.Duration
	// Reset drops the connection with a TCP reset: the client gets a transport error
	// and openwechat's Client.do tries again, up to 5 attempts in all.
	Reset bool
	// AfterEffect, with Reset, lets the request take effect first (a message is
	// delivered, a login ticket spent) and loses only the answer: the case that makes
	// the library's retry send a message twice.
	AfterEffect bool
	// Status and Body answer verbatim (Status 0 means 200), without taking effect.
	// E.g. Body `{"BaseResponse":{"Ret":0}}` on webwxsync: an answer without SyncKey,
	// which panics in openwechat's sync goroutine and kills the process.
	Status int
	Body   string
	// Ret answers the endpoint's own error form with this code, without taking effect:
	// BaseResponse.Ret for JSON calls (webwxsync still carries the client's SyncKey),
	// retcode for synccheck, window.code for login, ret for webwxnewloginpage and
	// webwxpushloginurl.
	Ret    int
	ErrMsg string
}

// Inject makes the next n requests to endpoint misbehave as f; n = Always for every
// request until ClearFaults. endpoint is the last element of the path, as in
// Request.Endpoint: "webwxsendmsg", "synccheck", "webwxsync", "login", "webwxinit",
// "webwxnewloginpage", "webwxpushloginurl", "webwxuploadmedia", ... Faults queue: two
// Inject calls for one endpoint apply one after the other.
func (s *Server) Inject(endpoint string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults[endpoint]
	if q == nil {
		q = &faultQueue{}
		s.faults[endpoint] = q
	}
	if n == Always {
		q.forever = &f
		return
	}
	for range n {
		q.next = append(q.next, f)
	}
}

// faultQueue holds an endpoint's injected faults: next ones first, then forever.
type faultQueue struct {
	next    []Fault
	forever *Fault
}

// ClearFaults drops every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string]*faultQueue{}
}

func (s *Server) takeFaultLocked(endpoint string) (Fault, bool) {
	q := s.faults[endpoint]
	switch {
	case q == nil:
		return Fault{}, false
	case len(q.next) > 0:
		f := q.next[0]
		q.next = q.next[1:]
		return f, true
	case q.forever != nil:
		return *q.forever, true
	}
	return Fault{}, false
}

func (s *Server) serveFault(c *call, f Fault, h func(*call)) {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
			t.Stop()
			s.answer(c, "client gave up during delay")
			return
		}
	}
	switch {
	case f.Reset && !f.AfterEffect:
		s.answer(c, "reset")
		resetConn(c.w)
	case f.Status != 0 || f.Body != "":
		st := f.Status
		if st == 0 {
			st = http.StatusOK
		}
		s.answer(c, "status %d, injected body", st)
		c.w.WriteHeader(st)
		_, _ = c.w.Write([]byte(f.Body))
	case f.Ret != 0:
		s.answer(c, "Ret %d (injected)", f.Ret)
		s.writeRet(c, f.Ret, f.ErrMsg)
	case f.Reset:
		rec := httptest.NewRecorder()
		real := *c
		real.w = rec
		h(&real)
		s.mu.Lock()
		s.log[c.idx].Answer += "; then reset"
		s.mu.Unlock()
		resetConn(c.w)
	default:
		h(c)
	}
}

// writeRet answers an endpoint's error form.
func (s *Server) writeRet(c *call, ret int, msg string) {
	switch c.endpoint {
	case "synccheck":
		writeText(c, fmt.Sprintf(`window.synccheck={retcode:"%d",selector:"0"}`, ret))
	case "login":
		writeText(c, fmt.Sprintf("window.code=%d;", ret))
	case "jslogin":
		writeText(c, fmt.Sprintf(`window.QRLogin.code = %d; window.QRLogin.error = "%s";`, ret, msg))
	case "webwxnewloginpage":
		c.w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(c.w, "<error><ret>%d</ret><message>%s</message></error>", ret, xmlEscape(msg))
	case "webwxpushloginurl":
		s.okJSON(c, map[string]any{"ret": fmt.Sprint(ret), "msg": msg, "uuid": ""})
	case "webwxsync":
		var body struct{ SyncKey *wireSyncKey }
		c.decode(&body)
		sk := body.SyncKey
		if sk == nil || len(sk.List) == 0 {
			s.mu.Lock()
			k := makeSyncKey(s.seq)
			s.mu.Unlock()
			sk = &k
		}
		s.okJSON(c, map[string]any{"BaseResponse": baseResponse{ret, msg}, "AddMsgCount": 0, "AddMsgList": []any{},
			"ModContactCount": 0, "ModContactList": []any{}, "SyncKey": sk, "SyncCheckKey": sk, "ContinueFlag": 0})
	case "webwxsendmsg", "webwxsendmsgimg", "webwxsendappmsg", "webwxsendvideomsg", "webwxsendemoticon":
		s.okJSON(c, map[string]any{"BaseResponse": baseResponse{ret, msg}, "MsgID": "", "LocalID": ""})
	case "webwxuploadmedia":
		s.okJSON(c, map[string]any{"BaseResponse": baseResponse{ret, msg}, "MediaId": ""})
	default:
		s.okJSON(c, map[string]any{"BaseResponse": baseResponse{ret, msg}})
	}
}

// Request is one request the library made, as the fake received it.
type Request struct {
	Seq      int // 1 for the first request the fake received
	Time     time.Time
	Method   string
	Host     string // the WeChat host it was meant for: login.wx.qq.com, webpush.wx.qq.com, ...
	Path     string
	Endpoint string // the last element of Path: "webwxsendmsg", "synccheck", "qrcode", ...
	Query    url.Values
	Header   http.Header
	Body     []byte
	JSON     map[string]any // the body decoded, when it is a JSON object
	Answer   string         // how the fake answered, in a few words: "408", "selector 2", "Ret 1205 (injected)", "reset"
}

// Requests returns the requests received so far to endpoint, or all of them for "".
func (s *Server) Requests(endpoint string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requestsLocked(endpoint)
}

func (s *Server) requestsLocked(endpoint string) []Request {
	var out []Request
	for _, r := range s.log {
		if endpoint == "" || r.Endpoint == endpoint {
			out = append(out, r)
		}
	}
	return out
}

// Count returns how many requests to endpoint ("" for all) the fake has received.
func (s *Server) Count(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if endpoint == "" || r.Endpoint == endpoint {
			n++
		}
	}
	return n
}

// WaitRequests waits until the fake has received at least n requests to endpoint and
// returns them all, or fails after timeout.
func (s *Server) WaitRequests(endpoint string, n int, timeout time.Duration) ([]Request, error) {
	var out []Request
	ok := s.await(context.Background(), timeout, func() bool {
		out = s.requestsLocked(endpoint)
		return len(out) >= n
	})
	if !ok {
		return out, fmt.Errorf("%w waiting for %d %s requests (got %d)", errTimeout, n, endpoint, len(out))
	}
	return out, nil
}
