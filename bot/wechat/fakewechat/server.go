package fakewechat

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/eatmoreapple/openwechat"
)

// Server is a fake WeChat web service on a loopback httptest.Server. All its methods
// are safe for concurrent use.
type Server struct {
	srv       *httptest.Server
	base      *url.URL
	transport *http.Transport
	rt        http.RoundTripper
	cfg       config

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change
	closed  bool

	self     Contact
	uin      int64
	contacts map[string]*Contact
	groups   map[string]*Group
	order    []string // contact and group IDs, in the order they were added

	logins   []*qrLogin
	tickets  map[string]*qrLogin
	sessions []*session
	current  *session

	seq     int64 // sequence number of the newest queued message
	msgs    []*queued
	nextMsg int64
	uploads map[string]*Upload
	parts   map[string]*partialUpload

	log    []Request
	sent   []Sent
	faults map[string]*faultQueue
}

type config struct {
	selfName    string
	domain      string
	longPoll    time.Duration
	pageSize    int
	autoConfirm bool
	webLogin    bool
	cookieCheck bool
}

// Option configures a Server.
type Option func(*config)

// WithSelf names the logged-in account (its NickName); the default is "SupportBot".
func WithSelf(nickName string) Option { return func(c *config) { c.selfName = nickName } }

// WithDomain sets the host the login redirects to, and so the library's Domain:
// "wx.qq.com" (the default) or e.g. "wx2.qq.com". Its webpush. and file. hosts follow.
func WithDomain(domain string) Option { return func(c *config) { c.domain = domain } }

// WithLongPoll sets how long login and synccheck polls are held when nothing happens
// (the real service holds about 25 s); the default is 2 s. Polls end early when
// something changes, so tests never wait for it.
func WithLongPoll(d time.Duration) Option { return func(c *config) { c.longPoll = d } }

// WithContactPageSize makes webwxgetcontact answer in pages of n, chained by Seq; the
// default 0 answers everything in one page.
func WithContactPageSize(n int) Option { return func(c *config) { c.pageSize = n } }

// WithAutoConfirm makes the phone scan and confirm every QR login, and confirm every
// push login, as soon as the library polls it.
func WithAutoConfirm() Option { return func(c *config) { c.autoConfirm = true } }

// WithWebLogin accepts logins from openwechat's Normal (web) mode. By default the fake
// behaves like the service does for most accounts: webwxnewloginpage without the
// desktop (UOS) headers answers ret 1203 "此微信号不能登录网页微信".
func WithWebLogin() Option { return func(c *config) { c.webLogin = true } }

// WithCookieCheck makes every request after login carry the session's wxsid and wxuin
// cookies, answering Ret 1102 (cookie invalid) otherwise. Whether the real service
// checks them is not known; this exposes openwechat's hot-login cookie loss (see the
// package documentation).
func WithCookieCheck() Option { return func(c *config) { c.cookieCheck = true } }

// New starts a fake WeChat service. Close it when done, after stopping every bot that
// uses it (a bot whose server is gone retries in a tight loop).
func New(opts ...Option) *Server {
	cfg := config{selfName: "SupportBot", domain: "wx.qq.com", longPoll: 2 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg:      cfg,
		changed:  make(chan struct{}),
		uin:      2100000000 + int64(randUint32()%90000000),
		contacts: map[string]*Contact{},
		groups:   map[string]*Group{},
		tickets:  map[string]*qrLogin{},
		uploads:  map[string]*Upload{},
		parts:    map[string]*partialUpload{},
		faults:   map[string]*faultQueue{},
		nextMsg:  4000000000000000000 + int64(randUint32())*1000,
	}
	s.self = Contact{ID: SelfID, NickName: cfg.selfName, AvatarSeq: avatarSeq(SelfID)}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.base, _ = url.Parse(s.srv.URL)
	s.transport = &http.Transport{
		Proxy:               nil,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
	}
	s.rt = Rewrite(s.base, s.transport)
	return s
}

// Close wakes every held poll, shuts the server down and closes idle connections.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.wakeLocked()
	s.mu.Unlock()
	s.srv.Close()
	s.transport.CloseIdleConnections()
}

// URL returns the fake's base URL, e.g. "http://127.0.0.1:43210": what WECHAT_ENDPOINT
// would be set to.
func (s *Server) URL() string { return s.srv.URL }

// Transport returns a RoundTripper that sends every request to the fake (Rewrite with
// the fake's URL, over the fake's own connection pool).
func (s *Server) Transport() http.RoundTripper { return s.rt }

// Install points bot at the fake by replacing the transport of the library's own HTTP
// client; the library's cookie jar stays.
func (s *Server) Install(bot *openwechat.Bot) {
	bot.Caller.Client.HTTPClient().Transport = s.rt
}

// NewBot returns an openwechat bot in desktop mode living in ctx (cancel ctx to stop
// it: Bot.Exit races with the sync goroutine), installed on the fake, with the default
// callbacks removed: no xdg-open for the QR code, no log line per heartbeat.
func (s *Server) NewBot(ctx context.Context, prepares ...openwechat.BotPreparer) *openwechat.Bot {
	p := append([]openwechat.BotPreparer{openwechat.Desktop, openwechat.WithContextOption(ctx)}, prepares...)
	bot := openwechat.DefaultBot(p...)
	bot.UUIDCallback = nil
	bot.ScanCallBack = nil
	bot.LoginCallBack = nil
	bot.SyncCheckCallback = nil
	s.Install(bot)
	return bot
}

// wakeLocked tells every waiter that something changed. s.mu must be held.
func (s *Server) wakeLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// await waits until ready (called with s.mu held) is true, ctx is done, timeout passes
// or the server closes, and says whether ready became true.
func (s *Server) await(ctx context.Context, timeout time.Duration, ready func() bool) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if ready() {
			s.mu.Unlock()
			return true
		}
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		if closed {
			return false
		}
		select {
		case <-ch:
		case <-timer.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// call is one request being served.
type call struct {
	w        http.ResponseWriter
	r        *http.Request
	body     []byte
	endpoint string
	idx      int // index in s.log
}

func (c *call) query(k string) string { return c.r.URL.Query().Get(k) }

// decode unmarshals the JSON body into v, ignoring errors (a malformed body then looks
// like an empty one, which the handlers refuse).
func (c *call) decode(v any) { _ = json.Unmarshal(c.body, v) }

// endpointOf names the endpoint of a path: its last element ("webwxsendmsg"), or
// "qrcode" and "l" for the QR code paths.
func endpointOf(p string) string {
	switch {
	case strings.HasPrefix(p, "/qrcode/"):
		return "qrcode"
	case strings.HasPrefix(p, "/l/"):
		return "l"
	}
	return path.Base(p)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c := &call{w: w, r: r, body: body, endpoint: endpointOf(r.URL.Path)}
	req := Request{
		Time:     time.Now(),
		Method:   r.Method,
		Host:     hostOnly(r.Host),
		Path:     r.URL.Path,
		Endpoint: c.endpoint,
		Query:    r.URL.Query(),
		Header:   r.Header.Clone(),
		Body:     body,
	}
	if len(body) > 0 && (body[0] == '{' || body[0] == '[') {
		var v map[string]any
		if json.Unmarshal(body, &v) == nil {
			req.JSON = v
		}
	}
	s.mu.Lock()
	c.idx = len(s.log)
	req.Seq = c.idx + 1
	s.log = append(s.log, req)
	f, faulty := s.takeFaultLocked(c.endpoint)
	s.wakeLocked()
	s.mu.Unlock()

	h := s.handler(c.endpoint)
	if faulty {
		s.serveFault(c, f, h)
		return
	}
	h(c)
}

// answer notes in the request log how the fake answered.
func (s *Server) answer(c *call, format string, args ...any) {
	s.mu.Lock()
	s.log[c.idx].Answer = fmt.Sprintf(format, args...)
	s.wakeLocked()
	s.mu.Unlock()
}

func (s *Server) handler(endpoint string) func(*call) {
	switch endpoint {
	case "jslogin":
		return s.handleJSLogin
	case "login":
		return s.handleCheckLogin
	case "qrcode", "l":
		return s.handleQRCode
	case "webwxnewloginpage":
		return s.handleNewLoginPage
	case "webwxpushloginurl":
		return s.handlePushLoginURL
	case "webwxinit":
		return s.handleInit
	case "webwxstatusnotify":
		return s.handleStatusNotify
	case "synccheck":
		return s.handleSyncCheck
	case "webwxsync":
		return s.handleSync
	case "webwxgetcontact":
		return s.handleGetContact
	case "webwxbatchgetcontact":
		return s.handleBatchGetContact
	case "webwxsendmsg", "webwxsendmsgimg", "webwxsendappmsg", "webwxsendvideomsg", "webwxsendemoticon":
		return s.handleSend
	case "webwxuploadmedia":
		return s.handleUpload
	case "webwxcheckupload":
		return s.handleCheckUpload
	case "webwxgetmsgimg", "webwxgetvoice", "webwxgetvideo", "webwxgetmedia":
		return s.handleDownload
	case "webwxgeticon", "webwxgetheadimg":
		return s.handleAvatar
	case "webwxlogout":
		return s.handleLogout
	case "webwxrevokemsg":
		return s.handleRevoke
	case "webwxverifyuser":
		return s.handleVerifyUser
	case "webwxoplog":
		return s.handleOplog
	}
	return s.handleUnknown
}

func (s *Server) handleUnknown(c *call) {
	s.answer(c, "not implemented")
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusNotFound)
	writeJSON(c.w, map[string]any{"BaseResponse": baseResponse{Ret: -1, ErrMsg: "fakewechat: " + c.endpoint + " not implemented"}})
}

type baseResponse struct {
	Ret    int
	ErrMsg string
}

// baseRequest is the BaseRequest every JSON call carries.
type baseRequest struct {
	Uin      int64
	Sid      string
	Skey     string
	DeviceID string
}

func writeJSON(w io.Writer, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) okJSON(c *call, v any) {
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	writeJSON(c.w, v)
}

func writeText(c *call, text string) {
	c.w.Header().Set("Content-Type", "text/javascript")
	_, _ = io.WriteString(c.w, text)
}

// resetConn drops the connection with a TCP reset, so the client sees a transport error.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("fakewechat: the response writer cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randUint32() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

var errTimeout = errors.New("fakewechat: timed out")
