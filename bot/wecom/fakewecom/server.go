package fakewecom

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// WeCom's error codes the fake answers with.
const (
	ErrBusy          = -1
	ErrBadSecret     = 40001
	ErrBadToken      = 40014 // invalid access_token
	ErrTokenExpired  = 42001 // access_token expired
	ErrFrequency     = 45009 // API calls too frequent
	ErrBadKfID       = 95000
	ErrBadMsgToken   = 95007 // sync_msg: invalid or expired callback token
	ErrOverBudget    = 95001 // more than 5 messages since the customer last wrote
	ErrOutOfWindow   = 95018 // more than 48 hours since the customer last wrote
	ErrBadWelcome    = 95002 // welcome code used, expired or unknown
	ErrBadMsgType    = 40008
	ErrBadUser       = 40003 // unknown external_userid
	ErrContentLength = 44004 // empty or too long content
	// Session states (service_state). The codes are the ones WeCom's
	// error table is reported to use; they are not checked against the
	// live service.
	ErrSessionClosed = 95013 // send_msg: the session has ended (state 4)
	ErrNotServicer   = 95014 // trans: the userid is not a servicer of the account
	ErrBadTransition = 95016 // trans: that change of state is not allowed
	ErrHeld          = 95018 // send_msg: a servicer holds the session (state 3); the same code as ErrOutOfWindow
)

// Session states of service_state/get and trans.
const (
	StateUntreated = 0 // new, nobody has answered
	StateBot       = 1 // the API (the "smart assistant") answers
	StatePool      = 2 // waiting for a servicer
	StateServicer  = 3 // a servicer (接待人员) answers in WeCom's own client
	StateEnded     = 4 // ended; the customer's next message starts a new session
)

// ClosingWindow is how long the msg_code a change to state 4 returns can
// be used, once, with send_msg_on_event.
const ClosingWindow = 20 * time.Second

// Limits of the customer service API.
const (
	ReplyWindow   = 48 * time.Hour
	ReplyBudget   = 5
	WelcomeWindow = 20 * time.Second
	TokenLifetime = 2 * time.Hour
	SyncTokenLife = 10 * time.Minute
)

// Customer is a WeChat user who writes to the account.
type Customer struct {
	ExternalUserID string
	Nickname       string
}

// Sent is one message the business sent a customer.
type Sent struct {
	MsgID    string
	ToUser   string
	OpenKfID string
	MsgType  string // text, msgmenu, image, …
	Text     string // text.content, or the menu's head and tail
	Menu     []MenuItem
	Welcome  bool // sent with a welcome code (send_msg_on_event)
	Closing  bool // sent with the closing msg_code of a change to state 4 (send_msg_on_event)
	// Seq orders what the fake accepted: messages sent and sessions
	// moved (Transfer.Seq) share it.
	Seq int
	At  time.Time
	Raw json.RawMessage
}

// MenuItem is one click item of a menu message.
type MenuItem struct {
	ID      string
	Content string
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	t      testing.TB
	srv    *httptest.Server
	corpID string
	secret string
	token  string
	aesKey string
	kfID   string

	mu        sync.Mutex
	offset    time.Duration        // the fake's clock is the real one moved on by offset
	now       time.Time            // set at each request, under mu
	tokens    map[string]time.Time // access token → expiry
	customers map[string]Customer
	log       []map[string]any // the message log sync_msg pages through
	syncToks  map[string]time.Time
	welcome   map[string]welcomeCode
	sent      []Sent
	lastWrote map[string]time.Time // customer → when they last wrote
	since     map[string]int       // customer → messages sent since
	seq       int
	calls     map[string]int
	failSends []int // errcodes the next send_msg calls answer with
	failSyncs []int
	pageMax   int
	refused   []int          // errcodes send_msg answered with
	served    map[string]int // msgid → times sync_msg returned it
	servicers map[string]bool
	sessions  map[string]session // customer → their session's state
	transfers []Transfer
	accepted  int // Sent.Seq and Transfer.Seq
}

type welcomeCode struct {
	user    string
	at      time.Time
	used    bool
	closing bool // a msg_code of trans to state 4, not a welcome code
}

// session is a customer's service_state.
type session struct {
	state    int
	servicer string
}

// Transfer is one accepted service_state/trans call.
type Transfer struct {
	User     string
	From, To int
	Servicer string
	MsgCode  string // the code returned, "" for none
	At       time.Time
	Seq      int // orders transfers and messages sent (Sent.Seq)
}

// WithServicer makes userid a servicer (接待人员) of the account, "on
// duty": trans may hand sessions to them. A trans to anyone else is
// refused with ErrNotServicer.
func WithServicer(userid string) Option {
	return func(s *Server) { s.servicers[userid] = true }
}

// Option configures a Server.
type Option func(*Server)

// WithCustomer adds a customer (any customer who writes is known anyway,
// with their id as nickname).
func WithCustomer(c Customer) Option {
	return func(s *Server) { s.customers[c.ExternalUserID] = c }
}

// WithPageSize caps the messages one sync_msg answer returns, so tests see
// has_more.
func WithPageSize(n int) Option { return func(s *Server) { s.pageMax = n } }

// New starts a fake on a loopback port; it stops when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s := &Server{t: t, corpID: "wwfakecorp" + randHex(4), secret: "secret-" + randHex(8), token: "tok" + randHex(6),
		aesKey: strings.TrimRight(base64.StdEncoding.EncodeToString(key), "="), kfID: "wkFAKE" + randHex(4),
		tokens: map[string]time.Time{}, customers: map[string]Customer{}, syncToks: map[string]time.Time{},
		welcome: map[string]welcomeCode{}, lastWrote: map[string]time.Time{}, since: map[string]int{}, calls: map[string]int{}, pageMax: 1000, served: map[string]int{},
		servicers: map[string]bool{}, sessions: map[string]session{}}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/cgi-bin/gettoken", s.getToken)
	mux.HandleFunc("/cgi-bin/kf/sync_msg", s.api(s.syncMsg))
	mux.HandleFunc("/cgi-bin/kf/send_msg", s.api(s.sendMsg))
	mux.HandleFunc("/cgi-bin/kf/send_msg_on_event", s.api(s.sendOnEvent))
	mux.HandleFunc("/cgi-bin/kf/customer/batchget", s.api(s.batchGet))
	mux.HandleFunc("/cgi-bin/kf/service_state/get", s.api(s.stateGet))
	mux.HandleFunc("/cgi-bin/kf/service_state/trans", s.api(s.stateTrans))
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// URL is the API's base URL (WECOM_API_URL), without a trailing slash.
func (s *Server) URL() string { return s.srv.URL }

// CorpID, Secret, Token, AESKey and KfID are the account's settings
// (WECOM_CORP_ID, WECOM_SECRET, WECOM_TOKEN, WECOM_AES_KEY, WECOM_KF_ID).
func (s *Server) CorpID() string { return s.corpID }
func (s *Server) Secret() string { return s.secret }
func (s *Server) Token() string  { return s.token }
func (s *Server) AESKey() string { return s.aesKey }
func (s *Server) KfID() string   { return s.kfID }

// Now is the fake's clock: the real time, moved on by every Advance.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Add(s.offset)
}

// Advance moves the fake's clock on: tokens, windows and codes age.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.mu.Unlock()
}

// lock takes the lock and reads the clock.
func (s *Server) lock() {
	s.mu.Lock()
	s.now = time.Now().Add(s.offset)
}

// Calls returns how many times an endpoint ("gettoken", "sync_msg",
// "send_msg", …) was called.
func (s *Server) Calls(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[endpoint]
}

// ExpireTokens makes every access token handed out so far expired (42001).
func (s *Server) ExpireTokens() {
	s.lock()
	defer s.mu.Unlock()
	for k := range s.tokens {
		s.tokens[k] = s.now.Add(-time.Second)
	}
}

// FailSends makes the next send_msg calls answer with these errcodes, one
// each, before the limits are looked at.
func (s *Server) FailSends(codes ...int) {
	s.mu.Lock()
	s.failSends = append(s.failSends, codes...)
	s.mu.Unlock()
}

// FailSyncs makes the next sync_msg calls answer with these errcodes.
func (s *Server) FailSyncs(codes ...int) {
	s.mu.Lock()
	s.failSyncs = append(s.failSyncs, codes...)
	s.mu.Unlock()
}

// Sent returns what was sent to a customer ("" for everyone), in order.
func (s *Server) Sent(user string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, m := range s.sent {
		if user == "" || m.ToUser == user {
			out = append(out, m)
		}
	}
	return out
}

// WaitSent waits (up to 10 s, failing the test then) until a customer has
// been sent a message after the first n that satisfies ok, and returns it.
func (s *Server) WaitSent(user string, n int, what string, ok func(Sent) bool) Sent {
	s.t.Helper()
	var got Sent
	s.WaitUntil(what, func() bool {
		ms := s.Sent(user)
		for i := n; i < len(ms); i++ {
			if ok(ms[i]) {
				got = ms[i]
				return true
			}
		}
		return false
	})
	return got
}

// WaitUntil polls cond every 5 ms for up to 10 s, failing the test with
// what when it never holds.
func (s *Server) WaitUntil(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			s.t.Fatalf("fakewecom: timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ---- what customers do ----

func (s *Server) customer(user string) {
	if _, ok := s.customers[user]; !ok {
		s.customers[user] = Customer{ExternalUserID: user, Nickname: user}
	}
}

// add appends a customer's message to the log and returns its msgid.
func (s *Server) add(user, msgtype string, body map[string]any) string {
	s.lock()
	defer s.mu.Unlock()
	s.customer(user)
	s.seq++
	id := fmt.Sprintf("msg%06d%s", s.seq, randHex(3))
	m := map[string]any{"msgid": id, "open_kfid": s.kfID, "external_userid": user, "send_time": s.now.Unix(), "origin": 3, "msgtype": msgtype}
	for k, v := range body {
		m[k] = v
	}
	s.log = append(s.log, m)
	s.lastWrote[user], s.since[user] = s.now, 0
	if ss, ok := s.sessions[user]; !ok || ss.state == StateEnded {
		s.sessions[user] = session{state: StateUntreated} // a new session
	}
	return id
}

// ServicerText is a text a receptionist wrote to the customer in WeCom's
// own client (origin 5): it is in sync_msg's log, and it neither opens
// the 48-hour window nor renews the customer's five messages.
func (s *Server) ServicerText(user, servicer, text string) string {
	s.lock()
	defer s.mu.Unlock()
	s.seq++
	id := fmt.Sprintf("msg%06d%s", s.seq, randHex(3))
	s.log = append(s.log, map[string]any{"msgid": id, "open_kfid": s.kfID, "external_userid": user, "send_time": s.now.Unix(),
		"origin": 5, "servicer_userid": servicer, "msgtype": "text", "text": map[string]any{"content": text}})
	return id
}

// Text is a customer's text message.
func (s *Server) Text(user, text string) string {
	return s.add(user, "text", map[string]any{"text": map[string]any{"content": text}})
}

// MenuClick is a customer's tap on an item of a menu message: WeCom sends
// the item's content as their text, with its id.
func (s *Server) MenuClick(user string, item MenuItem) string {
	return s.add(user, "text", map[string]any{"text": map[string]any{"content": item.Content, "menu_id": item.ID}})
}

// Image, Voice, Video and File are media messages (media ids only).
func (s *Server) Image(user string) string {
	return s.add(user, "image", map[string]any{"image": map[string]any{"media_id": "media-img-" + randHex(4)}})
}
func (s *Server) Voice(user string) string {
	return s.add(user, "voice", map[string]any{"voice": map[string]any{"media_id": "media-voice-" + randHex(4)}})
}
func (s *Server) Video(user string) string {
	return s.add(user, "video", map[string]any{"video": map[string]any{"media_id": "media-video-" + randHex(4)}})
}
func (s *Server) File(user string) string {
	return s.add(user, "file", map[string]any{"file": map[string]any{"media_id": "media-file-" + randHex(4)}})
}

// Location is a shared location.
func (s *Server) Location(user, name, address string, lat, lng float64) string {
	return s.add(user, "location", map[string]any{"location": map[string]any{"name": name, "address": address, "latitude": lat, "longitude": lng}})
}

// Link is a shared link.
func (s *Server) Link(user, title, desc, url string) string {
	return s.add(user, "link", map[string]any{"link": map[string]any{"title": title, "desc": desc, "url": url, "pic_url": ""}})
}

// event appends a system event (origin 4) and returns its msgid.
func (s *Server) event(ev map[string]any) string {
	s.lock()
	defer s.mu.Unlock()
	s.seq++
	id := fmt.Sprintf("evt%06d%s", s.seq, randHex(3))
	ev["open_kfid"] = s.kfID
	s.log = append(s.log, map[string]any{"msgid": id, "send_time": s.now.Unix(), "origin": 4, "msgtype": "event", "event": ev})
	return id
}

// Session changes a receptionist makes in WeCom's own client, as
// session_status_change events report them.
const (
	ChangeTaken   = 1 // taken from the pool
	ChangePassed  = 2 // passed on to another receptionist
	ChangeEnded   = 3
	ChangeRetaken = 4 // taken up again
)

// SessionChange is a receptionist moving the customer's session in
// WeCom's own client: the session's state changes (to the new servicer,
// or ended) and a session_status_change event is logged for sync_msg.
func (s *Server) SessionChange(user string, change int, oldServicer, newServicer string) string {
	s.mu.Lock()
	if change == ChangeEnded {
		s.sessions[user] = session{state: StateEnded}
	} else {
		s.sessions[user] = session{state: StateServicer, servicer: newServicer}
	}
	s.mu.Unlock()
	ev := map[string]any{"event_type": "session_status_change", "external_userid": user, "change_type": change}
	if change == ChangePassed || change == ChangeEnded {
		ev["old_servicer_userid"] = oldServicer
	}
	if change != ChangeEnded {
		ev["new_servicer_userid"] = newServicer
	}
	if change == ChangeTaken || change == ChangeEnded {
		ev["msg_code"] = "mc-" + randHex(6)
	}
	return s.event(ev)
}

// EnterSession is a customer opening the chat (a link, a QR code): the
// event carries a welcome code, valid once for 20 s. It returns the code.
func (s *Server) EnterSession(user string) string {
	code := "wc" + randHex(8)
	s.lock()
	s.customer(user)
	s.welcome[code] = welcomeCode{user: user, at: s.now}
	s.mu.Unlock()
	s.event(map[string]any{"event_type": "enter_session", "external_userid": user, "scene": "", "scene_param": "", "welcome_code": code})
	return code
}

// SendFailEvent is WeCom telling, after the fact, that a message it had
// accepted could not reach the customer (fail_type 10: the user refuses
// messages; 4: the session expired).
func (s *Server) SendFailEvent(user, failMsgID string, failType int) string {
	return s.event(map[string]any{"event_type": "msg_send_fail", "external_userid": user, "fail_msgid": failMsgID, "fail_type": failType})
}

// Refused returns the errcodes send_msg refused messages with, in order
// (injected failures included).
func (s *Server) Refused() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.refused...)
}

// Served returns how many times sync_msg has returned each message, by
// msgid.
func (s *Server) Served() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.served))
	for k, v := range s.served {
		out[k] = v
	}
	return out
}

// Log returns how many messages and events the log holds.
func (s *Server) Log() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

// ---- the API ----

type errAnswer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, errAnswer{ErrCode: code, ErrMsg: fmt.Sprintf("%s, hint: [fake%d]", msg, code)})
}

func (s *Server) getToken(w http.ResponseWriter, r *http.Request) {
	s.lock()
	defer s.mu.Unlock()
	s.calls["gettoken"]++
	q := r.URL.Query()
	if q.Get("corpid") != s.corpID || q.Get("corpsecret") != s.secret {
		fail(w, ErrBadSecret, "invalid credential")
		return
	}
	tok := "at-" + randHex(12)
	s.tokens[tok] = s.now.Add(TokenLifetime)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": int(TokenLifetime / time.Second)})
}

// api checks the access token and reads the JSON body, then hands over
// with the lock held.
func (s *Server) api(h func(w http.ResponseWriter, body map[string]any, raw []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/cgi-bin/kf/")
		raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		s.lock()
		defer s.mu.Unlock()
		s.calls[name]++
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		exp, ok := s.tokens[r.URL.Query().Get("access_token")]
		switch {
		case !ok:
			fail(w, ErrBadToken, "invalid access_token")
			return
		case !s.now.Before(exp):
			fail(w, ErrTokenExpired, "access_token expired")
			return
		}
		var body map[string]any
		if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&body); err != nil {
			fail(w, 47001, "data format error")
			return
		}
		h(w, body, raw)
	}
}

func str(m map[string]any, k string) string { v, _ := m[k].(string); return v }

func (s *Server) syncMsg(w http.ResponseWriter, body map[string]any, _ []byte) {
	if len(s.failSyncs) > 0 {
		code := s.failSyncs[0]
		s.failSyncs = s.failSyncs[1:]
		fail(w, code, "injected failure")
		return
	}
	if kf := str(body, "open_kfid"); kf != "" && kf != s.kfID {
		fail(w, ErrBadKfID, "invalid open_kfid")
		return
	}
	if tok := str(body, "token"); tok != "" {
		if at, ok := s.syncToks[tok]; !ok || s.now.Sub(at) > SyncTokenLife {
			fail(w, ErrBadMsgToken, "invalid msg token")
			return
		}
	}
	from := 0
	if c := str(body, "cursor"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "cur"))
		if err != nil || !strings.HasPrefix(c, "cur") || n < 0 || n > len(s.log) {
			fail(w, 40058, "invalid cursor")
			return
		}
		from = n
	}
	limit := s.pageMax
	if l, ok := body["limit"].(float64); ok && l > 0 && int(l) < limit {
		limit = int(l)
	}
	to := min(from+limit, len(s.log))
	list := make([]map[string]any, 0, to-from)
	list = append(list, s.log[from:to]...)
	for _, m := range list {
		s.served[str(m, "msgid")]++
	}
	more := 0
	if to < len(s.log) {
		more = 1
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "next_cursor": "cur" + strconv.Itoa(to), "has_more": more, "msg_list": list})
}

// send records a message to a customer after checking the limits.
func (s *Server) send(w http.ResponseWriter, body map[string]any, raw []byte, welcome bool) {
	refuse := func(code int, msg string) {
		if !welcome {
			s.refused = append(s.refused, code)
		}
		fail(w, code, msg)
	}
	msgtype := str(body, "msgtype")
	m := Sent{MsgID: str(body, "msgid"), ToUser: str(body, "touser"), OpenKfID: str(body, "open_kfid"), MsgType: msgtype, Welcome: welcome, At: s.now, Raw: append([]byte(nil), raw...)}
	if m.MsgID == "" {
		m.MsgID = "sent" + randHex(8)
	}
	switch msgtype {
	case "text":
		t, _ := body["text"].(map[string]any)
		m.Text = str(t, "content")
		if m.Text == "" || len(m.Text) > 2048 {
			refuse(ErrContentLength, "content size out of limit")
			return
		}
	case "msgmenu":
		mm, _ := body["msgmenu"].(map[string]any)
		m.Text = strings.TrimSpace(str(mm, "head_content") + "\n" + str(mm, "tail_content"))
		list, _ := mm["list"].([]any)
		if len(list) == 0 || len(list) > 10 || len(str(mm, "head_content")) > 1024 || len(str(mm, "tail_content")) > 1024 {
			refuse(ErrContentLength, "menu size out of limit")
			return
		}
		for _, it := range list {
			item, _ := it.(map[string]any)
			click, _ := item["click"].(map[string]any)
			if str(item, "type") != "click" || str(click, "id") == "" || len(str(click, "id")) > 64 || str(click, "content") == "" || len(str(click, "content")) > 128 {
				refuse(ErrContentLength, "menu item invalid")
				return
			}
			m.Menu = append(m.Menu, MenuItem{ID: str(click, "id"), Content: str(click, "content")})
		}
	case "image", "voice", "video", "file", "link", "miniprogram", "location":
	default:
		refuse(ErrBadMsgType, "invalid message type")
		return
	}
	if welcome {
		code := str(body, "code")
		wc, ok := s.welcome[code]
		window := WelcomeWindow
		if wc.closing {
			window = ClosingWindow
		}
		if !ok || wc.used || s.now.Sub(wc.at) > window {
			refuse(ErrBadWelcome, "invalid code")
			return
		}
		wc.used = true
		s.welcome[code] = wc
		m.ToUser = wc.user
		m.Welcome, m.Closing = !wc.closing, wc.closing
	} else {
		if len(s.failSends) > 0 {
			code := s.failSends[0]
			s.failSends = s.failSends[1:]
			refuse(code, "injected failure")
			return
		}
		if m.OpenKfID != s.kfID {
			refuse(ErrBadKfID, "invalid open_kfid")
			return
		}
		if _, ok := s.customers[m.ToUser]; !ok {
			refuse(ErrBadUser, "invalid external_userid")
			return
		}
		last, wrote := s.lastWrote[m.ToUser]
		switch {
		case !wrote || s.now.Sub(last) > ReplyWindow:
			refuse(ErrOutOfWindow, "send msg out of 48 hours")
			return
		case s.since[m.ToUser] >= ReplyBudget:
			refuse(ErrOverBudget, "send msg count exceed 5")
			return
		}
		switch ss := s.sessions[m.ToUser]; ss.state {
		case StateServicer:
			refuse(ErrHeld, "session is served by a servicer, api can not send msg")
			return
		case StateEnded:
			refuse(ErrSessionClosed, "session is ended")
			return
		case StateUntreated:
			// The API answered: the smart assistant has the session.
			s.sessions[m.ToUser] = session{state: StateBot}
		}
		s.since[m.ToUser]++
	}
	s.accepted++
	m.Seq = s.accepted
	s.sent = append(s.sent, m)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": m.MsgID})
}

func (s *Server) sendMsg(w http.ResponseWriter, body map[string]any, raw []byte) {
	s.send(w, body, raw, false)
}

func (s *Server) sendOnEvent(w http.ResponseWriter, body map[string]any, raw []byte) {
	s.send(w, body, raw, true)
}

func (s *Server) batchGet(w http.ResponseWriter, body map[string]any, _ []byte) {
	ids, _ := body["external_userid_list"].([]any)
	list := []map[string]any{}
	invalid := []string{}
	for _, v := range ids {
		id, _ := v.(string)
		c, ok := s.customers[id]
		if !ok {
			invalid = append(invalid, id)
			continue
		}
		list = append(list, map[string]any{"external_userid": c.ExternalUserID, "nickname": c.Nickname, "avatar": "", "gender": 0, "unionid": ""})
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "customer_list": list, "invalid_external_userid": invalid})
}

// State returns a customer's session state and, in state 3, its servicer.
// A customer who never wrote is in state 4 (no session).
func (s *Server) State(user string) (state int, servicer string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.sessions[user]
	if !ok {
		return StateEnded, ""
	}
	return ss.state, ss.servicer
}

// SetState puts a customer's session in a state, as a servicer or WeCom's
// own routing would (a servicer taking a session from the pool in WeCom's
// client, ending it there).
func (s *Server) SetState(user string, state int, servicer string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[user] = session{state: state, servicer: servicer}
}

// Transfers returns the accepted service_state/trans calls, in order.
func (s *Server) Transfers() []Transfer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Transfer(nil), s.transfers...)
}

// allowed are the changes of state trans accepts, from → to. WeCom's own
// table lists 3 → 3 and 3 → 4 only; the fake also lets a servicer's
// session go back to the API (3 → 1), which the bot asks for when a case
// moves to an owner who is not a servicer (unconfirmed: see docs/wecom.md).
var allowed = map[int][]int{
	StateUntreated: {StateBot, StatePool, StateServicer, StateEnded},
	StateBot:       {StateBot, StatePool, StateServicer, StateEnded},
	StatePool:      {StatePool, StateServicer, StateEnded},
	StateServicer:  {StateBot, StateServicer, StateEnded},
}

// stateCustomer checks the account and the customer of a service_state
// call, answering the error itself when one is wrong.
func (s *Server) stateCustomer(w http.ResponseWriter, body map[string]any) (string, bool) {
	if str(body, "open_kfid") != s.kfID {
		fail(w, ErrBadKfID, "invalid open_kfid")
		return "", false
	}
	user := str(body, "external_userid")
	if _, ok := s.customers[user]; !ok {
		fail(w, ErrBadUser, "invalid external_userid")
		return "", false
	}
	return user, true
}

func (s *Server) stateGet(w http.ResponseWriter, body map[string]any, _ []byte) {
	user, ok := s.stateCustomer(w, body)
	if !ok {
		return
	}
	ss, ok := s.sessions[user]
	if !ok {
		ss = session{state: StateEnded}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "service_state": ss.state, "servicer_userid": ss.servicer})
}

func (s *Server) stateTrans(w http.ResponseWriter, body map[string]any, _ []byte) {
	user, ok := s.stateCustomer(w, body)
	if !ok {
		return
	}
	to, ok := body["service_state"].(float64)
	if !ok {
		fail(w, 40035, "invalid service_state")
		return
	}
	servicer := str(body, "servicer_userid")
	cur, known := s.sessions[user]
	if !known {
		cur = session{state: StateEnded}
	}
	switch {
	case !slices.Contains(allowed[cur.state], int(to)):
		fail(w, ErrBadTransition, fmt.Sprintf("service_state %d to %d not allowed", cur.state, int(to)))
		return
	case int(to) == StateServicer && !s.servicers[servicer]:
		fail(w, ErrNotServicer, "invalid servicer_userid")
		return
	}
	next := session{state: int(to)}
	if next.state == StateServicer {
		next.servicer = servicer
	}
	s.sessions[user] = next
	tr := Transfer{User: user, From: cur.state, To: next.state, Servicer: next.servicer, At: s.now}
	if next.state == StateEnded {
		tr.MsgCode = "mc" + randHex(8)
		s.welcome[tr.MsgCode] = welcomeCode{user: user, at: s.now, closing: true}
	}
	s.accepted++
	tr.Seq = s.accepted
	s.transfers = append(s.transfers, tr)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msg_code": tr.MsgCode})
}

// ---- callbacks ----

// Notice builds the callback WeCom posts when there are new messages:
// POST target?msg_signature=&timestamp=&nonce= with the encrypted XML
// envelope, carrying a fresh sync token (valid 10 minutes).
func (s *Server) Notice(target string) *http.Request {
	s.t.Helper()
	tok := "st" + randHex(10)
	s.lock()
	s.syncToks[tok] = s.now
	now := s.now
	s.mu.Unlock()
	inner := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType>"+
		"<Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[%s]]></Token><OpenKfId><![CDATA[%s]]></OpenKfId></xml>", s.corpID, now.Unix(), tok, s.kfID)
	return s.signed(target, []byte(inner))
}

// signed encrypts inner and wraps it as WeCom does.
func (s *Server) signed(target string, inner []byte) *http.Request {
	s.t.Helper()
	enc, err := util.EncryptMsg([]byte(randHex(8)), inner, s.corpID, s.aesKey)
	if err != nil {
		s.t.Fatal(err)
	}
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), randHex(5)
	sig := util.Signature(s.token, ts, nonce, string(enc))
	body := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>", s.corpID, enc)
	r := httptest.NewRequest(http.MethodPost, target+"?msg_signature="+sig+"&timestamp="+ts+"&nonce="+nonce, strings.NewReader(body))
	r.Header.Set("Content-Type", "text/xml")
	return r
}

// Forged is a notice signed with the wrong token.
func (s *Server) Forged(target string) *http.Request {
	r := s.Notice(target)
	q := r.URL.Query()
	q.Set("msg_signature", util.Signature("not-the-token", q.Get("timestamp"), q.Get("nonce"), "x"))
	r.URL.RawQuery = q.Encode()
	r.RequestURI = r.URL.RequestURI()
	return r
}

// URLCheck builds the GET WeCom sends when the callback URL is saved in
// the admin console; the answer must be the decrypted echostr, which it
// returns too.
func (s *Server) URLCheck(target string) (*http.Request, string) {
	s.t.Helper()
	plain := "echo-" + randHex(6)
	enc, err := util.EncryptMsg([]byte(randHex(8)), []byte(plain), s.corpID, s.aesKey)
	if err != nil {
		s.t.Fatal(err)
	}
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), randHex(5)
	sig := util.Signature(s.token, ts, nonce, string(enc))
	q := "msg_signature=" + sig + "&timestamp=" + ts + "&nonce=" + nonce + "&echostr=" + urlEscape(string(enc))
	return httptest.NewRequest(http.MethodGet, target+"?"+q, nil), plain
}

func urlEscape(s string) string {
	return strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(s)
}

// Serve runs a request against a handler and returns the response.
func Serve(h http.Handler, r *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Result()
}
