package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/bot/web"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// quiet is the engine's quiet window in these tests.
const quiet = 50 * time.Millisecond

// env is one web channel over a real engine, store and redis-server.
type env struct {
	redis  *redistest.Server
	rdb    *redis.Client
	store  *redisstore.Store
	engine *bot.Engine
	web    *web.Server
	srv    *httptest.Server
	logs   *syncBuffer

	mu     sync.Mutex
	tokens map[string]string // session tokens by customer id
}

// testSecret is WEB_SECRET in these tests.
var testSecret = []byte("0123456789abcdef0123456789abcdef")

// noSession is a pseudo-header for do and tryDo: send the request without
// the session token they would otherwise add.
const noSession = "No-Session: 1"

// newEnv starts a fresh redis-server and a web channel on it. edit may
// change the web options before the server is made.
func newEnv(t *testing.T, edit ...func(*web.Options)) *env {
	t.Helper()
	rs := redistest.Start(t)
	rdb := rs.Client(t)
	store := redisstore.New(rdb, redisstore.Options{})
	engine := bot.NewEngine(store, bot.Config{
		Staff:       []string{"alice", "bob"},
		Supervisors: []string{"sam"},
		Quiet:       quiet,
	}, bot.WithLogger(slog.New(slog.DiscardHandler)))
	e := &env{redis: rs, rdb: rdb, store: store, engine: engine, logs: &syncBuffer{}, tokens: map[string]string{}}
	o := web.Options{
		Engine:      engine,
		Feed:        store,
		Staff:       []string{"alice", "bob"},
		Supervisors: []string{"sam"},
		Addr:        "127.0.0.1:0",
		Logger:      slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		PollEvery:   20 * time.Millisecond,
		Secret:      testSecret,
	}
	for _, f := range edit {
		f(&o)
	}
	e.web = web.New(o)
	e.srv = httptest.NewServer(e.web.Handler())
	t.Cleanup(e.srv.Close)
	t.Cleanup(e.web.Close)
	return e
}

// startSender delivers the web outbox through the server until the test
// ends.
func (e *env) startSender(t *testing.T) {
	t.Helper()
	s := bot.NewSender(e.store, "web", e.web, "test", slog.New(slog.DiscardHandler))
	s.Block = 20 * time.Millisecond
	s.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Stop(ctx)
	})
}

// response is an HTTP answer, body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// errCode returns the error code of a JSON error answer.
func (r response) errCode() string {
	var b struct {
		Error struct{ Code, Message string }
	}
	_ = json.Unmarshal(r.body, &b)
	return b.Error.Code
}

func (r response) errMessage() string {
	var b struct {
		Error struct{ Code, Message string }
	}
	_ = json.Unmarshal(r.body, &b)
	return b.Error.Message
}

// do sends a request to the server; headers are "Name: value" strings.
func (e *env) do(t testing.TB, method, path string, body []byte, headers ...string) response {
	t.Helper()
	r, err := e.tryDo(method, path, body, headers...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tryDo is do for goroutines other than the test's: it returns errors.
//
// A request to a customer's route carries that customer's session token,
// got the way an embedding website's page gets one (POST /api/sessions
// with the user id and its user hash), unless the headers already carry a
// credential (Authorization or Cookie) or say noSession. When the id
// cannot have a session (an unusable id), none is sent.
func (e *env) tryDo(method, path string, body []byte, headers ...string) (response, error) {
	auto := true
	for i, h := range headers {
		k, _, _ := strings.Cut(h, ":")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "authorization", "cookie":
			auto = false
		case "no-session":
			auto = false
			headers = append(headers[:i:i], headers[i+1:]...)
		}
	}
	if rest, ok := strings.CutPrefix(path, "/api/customers/"); ok && auto {
		raw, _, _ := strings.Cut(rest, "/")
		if id, err := url.PathUnescape(raw); err == nil {
			tok, err := e.sessionToken(id)
			if err != nil {
				return response{}, err
			}
			if tok != "" {
				headers = append(headers, "Authorization: Bearer "+tok)
			}
		}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, e.srv.URL+path, rd)
	if err != nil {
		return response{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		if k, v = strings.TrimSpace(k), strings.TrimSpace(v); strings.EqualFold(k, "Host") {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	return response{status: res.StatusCode, header: res.Header, body: b}, nil
}

// sessionToken returns a session token for customer id, signed in as an
// embedding website's user; "" when the server refuses such an id.
func (e *env) sessionToken(id string) (string, error) {
	e.mu.Lock()
	tok, ok := e.tokens[id]
	e.mu.Unlock()
	if ok {
		return tok, nil
	}
	body, _ := json.Marshal(map[string]string{"user_id": id, "user_hash": web.UserHash(testSecret, id)})
	r, err := e.tryDo(http.MethodPost, "/api/sessions", body)
	if err != nil {
		return "", err
	}
	var a struct{ Customer, Token string }
	if r.status == http.StatusCreated {
		if err := json.Unmarshal(r.body, &a); err != nil || a.Customer != id || a.Token == "" {
			return "", fmt.Errorf("POST /api/sessions for %q = %s", id, r.body)
		}
	} else if r.status != http.StatusBadRequest {
		return "", fmt.Errorf("POST /api/sessions for %q = %d %s", id, r.status, r.body)
	}
	e.mu.Lock()
	e.tokens[id] = a.Token
	e.mu.Unlock()
	return a.Token, nil
}

// mustJSON marshals v.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post posts v as JSON and returns the answer.
func (e *env) post(t testing.TB, path string, v any, headers ...string) response {
	t.Helper()
	return e.do(t, http.MethodPost, path, mustJSON(t, v), headers...)
}

// customerMsg is an entry of GET /api/customers/{id}/messages.
type customerMsg struct {
	Seq   int64     `json:"seq"`
	From  string    `json:"from"`
	Staff string    `json:"staff"`
	Text  string    `json:"text"`
	At    time.Time `json:"at"`
}

// teamMsg is an entry of GET /api/team/messages.
type teamMsg struct {
	Seq    int64           `json:"seq"`
	Kind   string          `json:"kind"`
	From   string          `json:"from"`
	Case   string          `json:"case"`
	Thread string          `json:"thread"`
	To     string          `json:"to"`
	Staff  string          `json:"staff"`
	Edits  *int64          `json:"edits"`
	Text   string          `json:"text"`
	Card   json.RawMessage `json:"card"`
	At     time.Time       `json:"at"`
}

type feedPage[M any] struct {
	Messages []M   `json:"messages"`
	Next     int64 `json:"next"`
}

// getFeed GETs a feed and decodes it, failing the test unless it is 200.
func getFeed[M any](t testing.TB, e *env, path string, headers ...string) feedPage[M] {
	t.Helper()
	p, err := tryFeed[M](e, path, headers...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tryFeed is getFeed for goroutines other than the test's.
func tryFeed[M any](e *env, path string, headers ...string) (feedPage[M], error) {
	var p feedPage[M]
	r, err := e.tryDo(http.MethodGet, path, nil, headers...)
	if err != nil {
		return p, err
	}
	if r.status != http.StatusOK {
		return p, fmt.Errorf("GET %s = %d %s", path, r.status, r.body)
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		return p, fmt.Errorf("GET %s: %v in %s", path, err, r.body)
	}
	if p.Messages == nil {
		return p, fmt.Errorf("GET %s: messages is null, want a list: %s", path, r.body)
	}
	return p, nil
}

func ctxT(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// eventually calls cond until it holds, failing the test after timeout.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// deliver delivers one outbound message through the server, as the sender
// would, and returns its reference.
func (e *env) deliver(t testing.TB, d bot.Delivery) string {
	t.Helper()
	if d.Channel == "" {
		d.Channel = "web"
	}
	if d.At.IsZero() {
		d.At = time.Now()
	}
	ref, err := e.web.Deliver(ctxT(t), d)
	if err != nil {
		t.Fatalf("Deliver(%s): %v", d.ID, err)
	}
	return ref
}

// assertNothingStored fails the test if Redis holds any key: a refused
// request must leave no trace.
func (e *env) assertNothingStored(t testing.TB) {
	t.Helper()
	keys, err := e.rdb.Keys(ctxT(t), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) > 0 {
		t.Errorf("Redis holds %d keys after a refused request, want none: %v", len(keys), keys)
	}
}

// transcript returns a web customer's transcript of one session.
func (e *env) transcript(t testing.TB, customer string, session int) []bot.Entry {
	t.Helper()
	tx, err := e.store.Transcript(ctxT(t), bot.CustomerKey("web", customer), session)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

// syncBuffer is a log destination safe for concurrent writers.
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
