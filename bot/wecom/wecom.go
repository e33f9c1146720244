// Package wecom is the WeCom customer service platform (微信客服): customers
// write from ordinary WeChat, through the account's link, QR code or
// mini-program, and the bot answers through WeCom's official API. It is a
// customer platform only; the team works elsewhere (TEAM_CHANNEL).
//
// Like every adapter it decides nothing. WeCom posts a signed, encrypted
// notice to /wecom/callback when something is new; the adapter then pulls
// the messages with sync_msg, under a Redis lease so that one replica pulls
// at a time, accepts each durably (bot.Engine.Accept, de-duplicated by
// msgid), and only then advances the cursor it keeps in Redis. Outbound
// messages go out with send_msg: text, and menu messages for the answers
// a question offers (bot.Outbound.Choices), so the customer taps. The
// platform's rule, replies only within 48 hours of the customer's last
// message and at most 5 until they write again, is declared (Limits) for
// the case policy to plan with. With WeCom's own reception on
// (bot.Platform.Reception), bot.KindSession messages move the customer's
// session to a receptionist, back to the API, or to its end
// (service_state/get and trans, session.go), with the closing message
// sent on the end's msg_code.
//
// The API is called by a small client of the adapter's own over the
// documented HTTP API; silenceper/wechat/v2 provides the callback
// cryptography (util.DecryptMsg, util.Signature), and its kf client is the
// reference the fake is tested against. That client is not used here because its
// URLs and HTTP client are process-wide (util.SetURIModifier,
// util.DefaultHTTPClient, no timeout), it takes no context, and SyncMsg
// drops the errcode, which the adapter needs to tell an expired token
// (42001) from a refusal; ServiceStateGet also reads the servicer under
// a name WeCom does not use (service_userid). See docs/wecom.md.
package wecom

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
)

// Channel is the platform's name in bot.Inbound.Channel and
// bot.Outbound.Channel.
const Channel = "wecom"

// DefaultAPIURL is WeCom's API.
const DefaultAPIURL = "https://qyapi.weixin.qq.com"

// Limits are WeCom's rules for writing to a customer: within 48 hours of
// their last message, and at most 5 messages until they write again.
var Limits = bot.Limits{Window: 48 * time.Hour, Budget: 5, Text: maxText, TextUnit: bot.Bytes}

// Engine is what the adapter needs of bot.Engine.
type Engine interface {
	Accept(ctx context.Context, in bot.Inbound) error
	Welcome(ctx context.Context, channel, user string) (string, error)
	Undelivered(ctx context.Context, m bot.Outbound, reason string) error
	SessionMoved(ctx context.Context, channel, id, user, servicer string, ended bool) error
	Config() bot.Config
}

var _ Engine = (*bot.Engine)(nil)

// State is the shared state the adapter keeps in Redis (bot/redisstore's
// Store): leases, plain values, and the dead-letter list.
type State interface {
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, name, holder string) error
	State(ctx context.Context, key string) (string, error)
	SetState(ctx context.Context, key, value string, ttl time.Duration) error
	TakeState(ctx context.Context, key string) (string, error)
	DropState(ctx context.Context, key, value string) error
	DeadLetter(ctx context.Context, channel string, it bot.OutboxItem, reason string) error
}

// Options configures an Adapter.
type Options struct {
	CorpID string // WECOM_CORP_ID
	Secret string // WECOM_SECRET, the customer service secret
	Token  string // WECOM_TOKEN, signs the callbacks
	AESKey string // WECOM_AES_KEY, the EncodingAESKey (43 characters)
	KfID   string // WECOM_KF_ID, the open_kfid of the account
	// APIURL is the API's base URL (WECOM_API_URL); DefaultAPIURL when "".
	APIURL string
	// Engine receives what WeCom sends; State keeps what replicas share;
	// Replica names this process for the pull lease. All required.
	Engine  Engine
	State   State
	Replica string
	// Logger gets the adapter's logs; slog.Default() when nil. No secret,
	// token or message text is ever logged.
	Logger *slog.Logger
	// HTTPClient makes the API calls; a client with a 15 s timeout when nil.
	HTTPClient *http.Client
	// PollEvery is how often the adapter pulls without a notice, in case
	// one was lost (default 1 min); LeaseTTL how long a replica's pull
	// lease lasts without renewal (default 30 s).
	PollEvery time.Duration
	LeaseTTL  time.Duration
	// Now is the clock for the welcome code's 20 s; time.Now when nil.
	Now func() time.Time
}

// CheckOptions returns an error naming the setting when the combination
// cannot work. It never repeats a secret's value.
func CheckOptions(o Options) error {
	switch {
	case o.CorpID == "":
		return errors.New("WECOM_CORP_ID: required for WeCom (the corp id, ww…, on the admin console's company page)")
	case o.Secret == "":
		return errors.New("WECOM_SECRET: required for WeCom (the customer service secret, on 微信客服 → API)")
	case o.Token == "":
		return errors.New("WECOM_TOKEN: required for WeCom (the callback Token you set on 微信客服 → API → 回调配置)")
	case o.AESKey == "":
		return errors.New("WECOM_AES_KEY: required for WeCom (the callback EncodingAESKey)")
	case len(o.AESKey) != 43:
		return fmt.Errorf("WECOM_AES_KEY: must be the 43-character EncodingAESKey (this one has %d)", len(o.AESKey))
	case o.KfID == "":
		return errors.New("WECOM_KF_ID: required for WeCom (the account's open_kfid, wk…)")
	case strings.ContainsAny(o.Token, " \t\r\n"):
		return errors.New("WECOM_TOKEN: contains spaces")
	}
	if _, err := aesKey(o.AESKey); err != nil {
		return errors.New("WECOM_AES_KEY: not a valid EncodingAESKey (43 characters of base64)")
	}
	if o.APIURL != "" {
		u, err := url.Parse(o.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("WECOM_API_URL: want an http(s) URL such as https://qyapi.weixin.qq.com")
		}
	}
	return nil
}

// Adapter is the WeCom platform: the bot.Channel that sends, the callback
// that hears, and the puller that reads.
type Adapter struct {
	o      Options
	engine Engine
	state  State
	log    *slog.Logger
	api    *client
	cat    *flows.Catalog

	names  *nameCache
	kick   chan struct{}
	health bot.Health
	cancel context.CancelFunc
	done   chan struct{}
}

var _ bot.Channel = (*Adapter)(nil)

// New returns an adapter; Start checks the secret and starts pulling.
func New(o Options) (*Adapter, error) {
	if err := CheckOptions(o); err != nil {
		return nil, err
	}
	if o.Engine == nil || o.State == nil || o.Replica == "" {
		return nil, errors.New("wecom.New: Options.Engine, State and Replica are required")
	}
	if o.APIURL == "" {
		o.APIURL = DefaultAPIURL
	}
	o.APIURL = strings.TrimRight(o.APIURL, "/")
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.PollEvery <= 0 {
		o.PollEvery = time.Minute
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	a := &Adapter{o: o, engine: o.Engine, state: o.State, log: o.Logger.With("platform", Channel),
		cat: o.Engine.Config().Catalog, names: newNameCache(10_000, time.Hour), kick: make(chan struct{}, 1)}
	a.api = &client{base: o.APIURL, http: o.HTTPClient, corpID: o.CorpID, secret: o.Secret, state: o.State, replica: o.Replica,
		tokenKey: "wecom:token:" + o.CorpID + ":" + short(o.Secret), log: a.log}
	a.health.Set(errors.New("wecom: not started"))
	return a, nil
}

// short is a digest that names a secret without showing it.
func short(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:6])
}

// Start gets an access token (a refused secret is an error here) and
// starts pulling in the background: at once, on every notice, and every
// PollEvery.
func (a *Adapter) Start(ctx context.Context) error {
	if _, err := a.api.accessToken(ctx); err != nil {
		a.health.Set(fmt.Errorf("wecom: gettoken: %v", err))
		return fmt.Errorf("WECOM_SECRET: WeCom refused the corp id and secret (gettoken: %v)", err)
	}
	a.health.Set(nil)
	a.log.Info("wecom: connected", "corp", a.o.CorpID, "open_kfid", a.o.KfID)
	runCtx, cancel := context.WithCancel(context.Background())
	a.cancel, a.done = cancel, make(chan struct{})
	go func() {
		defer close(a.done)
		a.runPuller(runCtx)
	}()
	a.Kick()
	return nil
}

// Stop stops pulling, waiting for a pull in progress or for ctx.
func (a *Adapter) Stop(ctx context.Context) {
	if a.cancel == nil {
		return
	}
	a.cancel()
	select {
	case <-a.done:
	case <-ctx.Done():
	}
}

// Ready returns nil while the adapter can talk to WeCom, or why not.
func (a *Adapter) Ready() error { return a.health.Err() }

// nameCache keeps customers' nicknames for a while, bounded in size.
type nameCache struct {
	mu   sync.Mutex
	max  int
	ttl  time.Duration
	byID map[string]cachedName
}

type cachedName struct {
	name string
	at   time.Time
}

func newNameCache(max int, ttl time.Duration) *nameCache {
	return &nameCache{max: max, ttl: ttl, byID: map[string]cachedName{}}
}

func (c *nameCache) get(id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[id]
	if !ok || time.Since(e.at) > c.ttl {
		return "", false
	}
	return e.name, true
}

func (c *nameCache) put(id, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byID) >= c.max {
		for k := range c.byID {
			delete(c.byID, k)
			break
		}
	}
	c.byID[id] = cachedName{name: name, at: time.Now()}
}
