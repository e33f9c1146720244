package fakewechat

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

type loginState int

const (
	stateWaiting loginState = iota
	stateScanned
	stateConfirmed
	stateExpired
	stateUsed
)

func (st loginState) String() string {
	return [...]string{"waiting", "scanned", "confirmed", "expired", "used"}[st]
}

// qrLogin is one login attempt: a QR code (jslogin) or a push to the phone.
type qrLogin struct {
	uuid         string
	push         bool
	state        loginState
	scanReported bool
	ticket       string
	polls        int
}

// PendingLogin is a login the library is waiting on.
type PendingLogin struct {
	UUID string // what the QR code encodes (https://login.weixin.qq.com/l/<UUID>)
	Push bool   // a push login: the phone was asked to confirm, nothing to scan
}

// WaitLogin waits until the library polls a login that is still waiting for the phone
// (a QR code not yet scanned, a push not yet confirmed), and returns the newest such.
func (s *Server) WaitLogin(timeout time.Duration) (PendingLogin, error) {
	var p PendingLogin
	ok := s.await(context.Background(), timeout, func() bool {
		for i := len(s.logins) - 1; i >= 0; i-- {
			l := s.logins[i]
			if l.polls > 0 && l.state == stateWaiting {
				p = PendingLogin{UUID: l.uuid, Push: l.push}
				return true
			}
		}
		return false
	})
	if !ok {
		return p, fmt.Errorf("%w waiting for a login poll", errTimeout)
	}
	return p, nil
}

// Scan has the phone scan the QR code uuid: the next poll answers 201 with an avatar.
func (s *Server) Scan(uuid string) error {
	return s.moveLogin(uuid, func(l *qrLogin) error {
		if l.push || l.state != stateWaiting {
			return fmt.Errorf("fakewechat: cannot scan %s login %s", l.state, uuid)
		}
		l.state = stateScanned
		return nil
	})
}

// Confirm has the phone confirm the login uuid (a scanned QR code, or a push login):
// the next poll answers 200 with a redirect_uri.
func (s *Server) Confirm(uuid string) error {
	return s.moveLogin(uuid, func(l *qrLogin) error {
		if (!l.push && l.state != stateScanned) || (l.push && l.state != stateWaiting) {
			return fmt.Errorf("fakewechat: cannot confirm %s login %s", l.state, uuid)
		}
		s.confirmLocked(l)
		return nil
	})
}

// Expire lets the QR code or push login uuid expire: the next poll answers 400, and
// openwechat's Login returns ErrLoginTimeout.
func (s *Server) Expire(uuid string) error {
	return s.moveLogin(uuid, func(l *qrLogin) error {
		if l.state != stateWaiting && l.state != stateScanned {
			return fmt.Errorf("fakewechat: cannot expire %s login %s", l.state, uuid)
		}
		l.state = stateExpired
		return nil
	})
}

func (s *Server) moveLogin(uuid string, move func(*qrLogin) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.logins {
		if l.uuid == uuid {
			if err := move(l); err != nil {
				return err
			}
			s.wakeLocked()
			return nil
		}
	}
	return fmt.Errorf("fakewechat: no login %q", uuid)
}

func (s *Server) confirmLocked(l *qrLogin) {
	l.state = stateConfirmed
	l.ticket = "A" + randHex(12) + "@qrticket_0"
	s.tickets[l.ticket] = l
}

// ForceLogout ends the current login session as the service does when the account is
// logged out on the phone or elsewhere: held and later synccheck polls answer retcode
// ret, other calls with the session's credentials answer Ret ret. openwechat's default
// error handler stops the bot on 1100, 1101 and 1102 (Block returns openwechat.Ret(ret)).
// ret 0 means RetLoginCheck (1101).
func (s *Server) ForceLogout(ret int) {
	if ret == 0 {
		ret = RetLoginCheck
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current != nil && !s.current.ended {
		s.current.ended = true
		s.current.endRet = ret
	}
	s.wakeLocked()
}

func (s *Server) newLoginLocked(push bool) *qrLogin {
	l := &qrLogin{uuid: base64.StdEncoding.EncodeToString([]byte(randHex(4)))[:10] + "==", push: push}
	s.logins = append(s.logins, l)
	s.wakeLocked()
	return l
}

func (s *Server) handleJSLogin(c *call) {
	s.mu.Lock()
	l := s.newLoginLocked(false)
	s.mu.Unlock()
	s.answer(c, "uuid %s", l.uuid)
	writeText(c, fmt.Sprintf(`window.QRLogin.code = 200; window.QRLogin.uuid = "%s";`, l.uuid))
}

func (s *Server) handleQRCode(c *call) {
	s.answer(c, "png")
	c.w.Header().Set("Content-Type", "image/jpeg")
	_, _ = c.w.Write(tinyPNG)
}

// handleCheckLogin serves the login long poll: 408 waiting, 201 scanned (once), 200
// confirmed with redirect_uri, 400 expired.
func (s *Server) handleCheckLogin(c *call) {
	uuid := c.query("uuid")
	s.mu.Lock()
	var l *qrLogin
	for _, x := range s.logins {
		if x.uuid == uuid {
			l = x
		}
	}
	if l == nil {
		s.mu.Unlock()
		s.answer(c, "400 (unknown uuid)")
		writeText(c, "window.code=400;")
		return
	}
	l.polls++
	if s.cfg.autoConfirm {
		switch {
		case l.push && l.state == stateWaiting:
			s.confirmLocked(l)
		case !l.push && l.state == stateWaiting:
			l.state = stateScanned
		case !l.push && l.state == stateScanned && l.scanReported:
			s.confirmLocked(l)
		}
	}
	s.wakeLocked()
	s.mu.Unlock()

	s.await(c.r.Context(), s.cfg.longPoll, func() bool {
		return l.state != stateWaiting && !(l.state == stateScanned && l.scanReported)
	})

	s.mu.Lock()
	var answer, text string
	switch l.state {
	case stateScanned:
		if !l.scanReported {
			l.scanReported = true
			answer = "201"
			text = "window.code=201;window.userAvatar = 'data:img/jpg;base64," + base64.StdEncoding.EncodeToString(tinyPNG) + "';"
			if s.cfg.autoConfirm {
				s.confirmLocked(l)
			}
		} else {
			answer, text = "408", "window.code=408;"
		}
	case stateConfirmed, stateUsed:
		answer = "200"
		text = fmt.Sprintf("window.code=200;\nwindow.redirect_uri=\"https://%s/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=%s&uuid=%s&lang=zh_CN&scan=%d\";",
			s.cfg.domain, l.ticket, l.uuid, time.Now().Unix())
	case stateExpired:
		answer, text = "400", "window.code=400;"
	default:
		answer, text = "408", "window.code=408;"
	}
	s.wakeLocked()
	s.mu.Unlock()
	s.answer(c, "%s", answer)
	writeText(c, text)
}

// handleNewLoginPage spends a login ticket: a new session, its credentials in XML and
// its cookies, domain-wide as the service sets them.
func (s *Server) handleNewLoginPage(c *call) {
	if !s.cfg.webLogin && (c.r.Header.Get("extspam") == "" || c.r.Header.Get("client-version") == "") {
		s.answer(c, "ret 1203 (not desktop mode)")
		s.writeRet(c, RetLoginEnv, LoginEnvMessage)
		return
	}
	s.mu.Lock()
	l, ok := s.tickets[c.query("ticket")]
	if !ok || l.state != stateConfirmed {
		s.mu.Unlock()
		s.answer(c, "ret 1 (bad ticket)")
		s.writeRet(c, RetParam, "ticket无效")
		return
	}
	l.state = stateUsed
	sess := s.newSessionLocked()
	uin := s.uin
	s.mu.Unlock()
	s.answer(c, "session %d", sess.n)
	for _, ck := range sessionCookies(sess, uin, s.cfg.domain) {
		http.SetCookie(c.w, ck)
	}
	c.w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(c.w, "<error><ret>0</ret><message></message><skey>%s</skey><wxsid>%s</wxsid><wxuin>%d</wxuin><pass_ticket>%s</pass_ticket><isgrayscale>1</isgrayscale></error>",
		sess.skey, sess.sid, uin, sess.passTicket)
}

// sessionCookies are the cookies webwxnewloginpage sets, for the whole domain (so the
// file. and webpush. hosts get them too).
func sessionCookies(sess *session, uin int64, domain string) []*http.Cookie {
	exp := time.Now().Add(12 * time.Hour)
	mk := func(name, value string) *http.Cookie {
		return &http.Cookie{Name: name, Value: value, Domain: domain, Path: "/", Expires: exp}
	}
	return []*http.Cookie{
		mk("wxuin", strconv.FormatInt(uin, 10)),
		mk("wxsid", sess.sid),
		mk("wxloadtime", strconv.FormatInt(time.Now().Unix(), 10)),
		mk("mm_lang", "zh_CN"),
		mk("webwx_data_ticket", sess.dataTicket),
		mk("webwx_auth_ticket", sess.authTicket),
	}
}

// handlePushLoginURL starts a push login for the account's uin: the phone is asked to
// confirm.
func (s *Server) handlePushLoginURL(c *call) {
	uin, _ := strconv.ParseInt(c.query("uin"), 10, 64)
	s.mu.Lock()
	if uin != s.uin || len(s.sessions) == 0 {
		s.mu.Unlock()
		s.answer(c, "ret 1 (unknown uin)")
		s.writeRet(c, RetParam, "uin无效")
		return
	}
	l := s.newLoginLocked(true)
	s.mu.Unlock()
	s.answer(c, "uuid %s", l.uuid)
	s.okJSON(c, map[string]any{"ret": "0", "msg": "all ok", "uuid": l.uuid})
}

// handleLogout ends the session. The real answer to webwxlogout?redirect=1 is not
// known (openwechat parses it as JSON); the fake answers {"BaseResponse":{"Ret":0}}.
func (s *Server) handleLogout(c *call) {
	sess, ret := s.sessionOf(c)
	if ret == 0 {
		s.mu.Lock()
		sess.ended = true
		sess.endRet = RetLoginCheck
		s.wakeLocked()
		s.mu.Unlock()
	}
	s.answer(c, "Ret 0")
	s.okJSON(c, map[string]any{"BaseResponse": baseResponse{}})
}

// sessionOf finds the session a request belongs to, from its BaseRequest (JSON body) or
// its query (skey, sid, uin), and says what is wrong with it: 0 when it is live.
func (s *Server) sessionOf(c *call) (*session, int) {
	var body struct{ BaseRequest *baseRequest }
	c.decode(&body)
	var sid, skey string
	var uin int64
	if body.BaseRequest != nil {
		sid, skey, uin = body.BaseRequest.Sid, body.BaseRequest.Skey, body.BaseRequest.Uin
	} else if strings.HasPrefix(c.r.Header.Get("Content-Type"), "multipart/") {
		if f, err := multipartFields(c); err == nil {
			var up struct{ BaseRequest *baseRequest }
			_ = jsonUnmarshal([]byte(f["uploadmediarequest"]), &up)
			if up.BaseRequest != nil {
				sid, skey, uin = up.BaseRequest.Sid, up.BaseRequest.Skey, up.BaseRequest.Uin
			}
		}
	}
	if skey == "" {
		skey, sid = c.query("skey"), c.query("sid")
		uin, _ = strconv.ParseInt(c.query("uin"), 10, 64)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sess *session
	dataTicket := c.query("webwx_data_ticket") // webwxgetmedia names its session only so
	for _, x := range s.sessions {
		switch {
		case skey != "" && x.skey == skey && (sid == "" || x.sid == sid) && (uin == 0 || uin == s.uin):
			sess = x
		case skey == "" && dataTicket != "" && x.dataTicket == dataTicket:
			sess = x
		}
	}
	switch {
	case sess == nil:
		return nil, RetLoginCheck
	case sess.ended:
		return sess, sess.endRet
	case s.cfg.cookieCheck && !s.cookiesMatch(c.r, sess):
		return sess, RetCookie
	}
	return sess, 0
}

func (s *Server) cookiesMatch(r *http.Request, sess *session) bool {
	sid, err1 := r.Cookie("wxsid")
	uin, err2 := r.Cookie("wxuin")
	return err1 == nil && err2 == nil && sid.Value == sess.sid && uin.Value == strconv.FormatInt(s.uin, 10)
}
