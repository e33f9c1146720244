package fakewechat_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
	"github.com/eatmoreapple/openwechat"
)

const wait = 5 * time.Second

// newFake starts a fake with two friends and a team group, closed at the end of the test.
func newFake(t *testing.T, opts ...fakewechat.Option) *fakewechat.Server {
	t.Helper()
	f := fakewechat.New(opts...)
	t.Cleanup(f.Close)
	must(t, f.AddContact(fakewechat.Contact{ID: "alice", NickName: "王女士", RemarkName: "CB-12", Sex: 2, City: "深圳"}))
	must(t, f.AddContact(fakewechat.Contact{ID: "carol", NickName: "Carol"}))
	must(t, f.AddGroup(fakewechat.Group{ID: "team", NickName: "客服团队", Members: []fakewechat.GroupMember{
		{ID: "bob", NickName: "Bob", DisplayName: "鲍勃"},
		{ID: "carol"},
		{ID: fakewechat.SelfID, DisplayName: "客服小微"},
	}}))
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newBot returns a bot on the fake, stopped (by cancelling its context) at the end of
// the test, before the fake closes.
func newBot(t *testing.T, f *fakewechat.Server) (*openwechat.Bot, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return f.NewBot(ctx), cancel
}

// qrLogin logs bot in by QR code, scanning and confirming from the phone.
func qrLogin(t *testing.T, f *fakewechat.Server, bot *openwechat.Bot) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- bot.Login() }()
	p, err := f.WaitLogin(wait)
	must(t, err)
	must(t, f.Scan(p.UUID))
	must(t, f.Confirm(p.UUID))
	select {
	case err := <-done:
		must(t, err)
	case <-time.After(wait):
		t.Fatal("Login did not return")
	}
}

func TestQRLogin(t *testing.T) {
	f := newFake(t)
	bot, _ := newBot(t, f)
	var uuids []string
	bot.UUIDCallback = func(uuid string) { uuids = append(uuids, uuid) }
	scanned := make(chan string, 1)
	bot.ScanCallBack = func(body openwechat.CheckLoginResponse) {
		a, _ := body.Avatar()
		scanned <- a
	}
	done := make(chan error, 1)
	go func() { done <- bot.Login() }()

	p, err := f.WaitLogin(wait)
	must(t, err)
	if p.Push {
		t.Fatal("a QR login looks like a push login")
	}
	must(t, f.Scan(p.UUID))
	select {
	case a := <-scanned:
		if !strings.HasPrefix(a, "data:img/jpg;base64,") {
			t.Errorf("avatar = %.40q", a)
		}
	case <-time.After(wait):
		t.Fatal("no scan callback")
	}
	must(t, f.Confirm(p.UUID))
	must(t, <-done)
	if len(uuids) != 1 || uuids[0] != p.UUID {
		t.Errorf("UUIDCallback got %v, want [%s]", uuids, p.UUID)
	}

	self, err := bot.GetCurrentUser()
	must(t, err)
	if self.NickName != "SupportBot" || self.UserName != f.UserName(fakewechat.SelfID) {
		t.Errorf("self = %s %s", self.NickName, self.UserName)
	}
	if bot.Caller.Client.Domain != "wx.qq.com" {
		t.Errorf("domain = %s", bot.Caller.Client.Domain)
	}
	var got []string
	for _, r := range f.Requests("") {
		got = append(got, r.Host+" "+r.Endpoint+" "+r.Answer)
	}
	want := []string{"login.wx.qq.com jslogin", "login.wx.qq.com login 201", "login.wx.qq.com login 200",
		"wx.qq.com webwxnewloginpage", "wx.qq.com webwxinit", "wx.qq.com webwxstatusnotify"}
	if !containsInOrder(got, want) {
		t.Errorf("requests:\n%s\nwant in order (as prefixes):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	page := f.Requests("webwxnewloginpage")[0]
	if page.Header.Get("extspam") == "" || page.Query.Get("version") != "v2" {
		t.Errorf("webwxnewloginpage without desktop headers or version=v2: %v", page.Query)
	}

	// The library keeps the domain cookies: they reach the file host.
	fileURL, _ := url.Parse("https://file.wx.qq.com/")
	var ticket bool
	for _, c := range bot.Caller.Client.Jar().Cookies(fileURL) {
		ticket = ticket || c.Name == "webwx_data_ticket"
	}
	if !ticket {
		t.Error("no webwx_data_ticket cookie for file.wx.qq.com after a QR login")
	}
	friends, err := self.Friends()
	must(t, err)
	if friends.Count() != 2 || friends.GetByRemarkName("CB-12") == nil {
		t.Errorf("friends = %v", friends)
	}
}

func containsInOrder(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && strings.HasPrefix(g, want[i]) {
			i++
		}
	}
	return i == len(want)
}

func TestQRExpires(t *testing.T) {
	f := newFake(t)
	bot, _ := newBot(t, f)
	done := make(chan error, 1)
	go func() { done <- bot.Login() }()
	p, err := f.WaitLogin(wait)
	must(t, err)
	must(t, f.Expire(p.UUID))
	if err := <-done; !errors.Is(err, openwechat.ErrLoginTimeout) {
		t.Fatalf("Login = %v, want ErrLoginTimeout", err)
	}
	// A new attempt gets a new code.
	go func() { done <- bot.Login() }()
	p2, err := f.WaitLogin(wait)
	must(t, err)
	if p2.UUID == p.UUID {
		t.Fatal("same uuid after expiry")
	}
	must(t, f.Scan(p2.UUID))
	must(t, f.Confirm(p2.UUID))
	must(t, <-done)
}

func TestLoginPollIsHeld(t *testing.T) {
	f := newFake(t, fakewechat.WithLongPoll(300*time.Millisecond))
	bot, _ := newBot(t, f)
	done := make(chan error, 1)
	go func() { done <- bot.Login() }()
	p, err := f.WaitLogin(wait)
	must(t, err)
	time.Sleep(700 * time.Millisecond)
	if n := f.Count("login"); n > 4 {
		t.Errorf("%d login polls in 0.7 s with a 0.3 s hold: the poll is not held", n)
	}
	must(t, f.Expire(p.UUID))
	<-done
}

func TestWebModeRefused(t *testing.T) {
	f := newFake(t, fakewechat.WithAutoConfirm())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bot := f.NewBot(ctx, openwechat.Normal)
	err := bot.Login()
	if err == nil || !strings.Contains(err.Error(), "不能登录网页微信") {
		t.Fatalf("Login in web mode = %v, want the 1203 message", err)
	}
}

func TestLoginRefused1203(t *testing.T) {
	f := newFake(t, fakewechat.WithAutoConfirm())
	f.Inject("webwxnewloginpage", 1, fakewechat.Fault{Ret: fakewechat.RetLoginEnv, ErrMsg: fakewechat.LoginEnvMessage})
	bot, _ := newBot(t, f)
	err := bot.Login()
	if err == nil || err.Error() != fakewechat.LoginEnvMessage {
		t.Fatalf("Login = %v", err)
	}
}

func TestPushLogin(t *testing.T) {
	f := newFake(t)
	seed, err := f.SeedHotLogin()
	must(t, err)
	aliceBefore := f.UserName("alice")
	store := fakewechat.NewMemoryStorage(seed)
	bot, _ := newBot(t, f)
	done := make(chan error, 1)
	go func() { done <- bot.PushLogin(store) }()
	p, err := f.WaitLogin(wait)
	must(t, err)
	if !p.Push {
		t.Fatal("not a push login")
	}
	if err := f.Scan(p.UUID); err == nil {
		t.Error("a push login could be scanned")
	}
	must(t, f.Confirm(p.UUID))
	must(t, <-done)
	r := f.Requests("webwxpushloginurl")
	if len(r) != 1 || r[0].Query.Get("mod") != "desktop" || r[0].Query.Get("uin") == "" {
		t.Fatalf("webwxpushloginurl requests: %+v", r)
	}
	if polls := f.Requests("login"); polls[0].Query.Get("tip") != "1" {
		t.Errorf("first push poll tip = %q, want 1", polls[0].Query.Get("tip"))
	}
	// A push login is a new session: new UserNames.
	if got := f.UserName("alice"); got == aliceBefore || got == "" {
		t.Errorf("alice's UserName after push login = %q (before %q)", got, aliceBefore)
	}
	if store.Writes() == 0 {
		t.Error("the library did not save the new session")
	}
}

func TestHotLoginSeeded(t *testing.T) {
	f := newFake(t)
	seed, err := f.SeedHotLogin()
	must(t, err)
	alice := f.UserName("alice")
	bot, _ := newBot(t, f)
	must(t, bot.HotLogin(fakewechat.NewMemoryStorage(seed)))
	for _, e := range []string{"jslogin", "login", "webwxnewloginpage", "webwxpushloginurl"} {
		if n := f.Count(e); n != 0 {
			t.Errorf("hot login made %d %s requests", n, e)
		}
	}
	self, _ := bot.GetCurrentUser()
	friends, err := self.Friends()
	must(t, err)
	if fr := friends.GetByNickName("王女士"); fr == nil || fr.UserName != alice {
		t.Errorf("hot login changed UserNames: %v, want %s", fr, alice)
	}
}

func TestHotLoginRecordedThenExpired(t *testing.T) {
	f := newFake(t, fakewechat.WithAutoConfirm())
	store := fakewechat.NewMemoryStorage(nil)

	// First run: empty storage, so the retry option falls back to a QR login, stored.
	bot1, stop1 := newBot(t, f)
	must(t, bot1.HotLogin(store, openwechat.NewRetryLoginOption()))
	if f.Count("jslogin") != 1 || store.Writes() == 0 {
		t.Fatalf("first run: %d jslogin, %d writes", f.Count("jslogin"), store.Writes())
	}
	alice := f.UserName("alice")
	stop1()

	// Second run: the stored session.
	store.Rewind()
	bot2, stop2 := newBot(t, f)
	must(t, bot2.HotLogin(store))
	if f.Count("jslogin") != 1 || f.UserName("alice") != alice {
		t.Fatal("the recorded hot login did not reuse the session")
	}
	stop2()

	// The session ends on the phone; the next hot login's webwxinit is refused and the
	// retry option scans again.
	f.ForceLogout(fakewechat.RetLoginWarn)
	store.Rewind()
	bot3, _ := newBot(t, f)
	err := bot3.HotLogin(store)
	var ret openwechat.Ret
	if !errors.As(err, &ret) || ret != fakewechat.RetLoginWarn {
		t.Fatalf("HotLogin of an ended session = %v, want Ret 1100", err)
	}
	store.Rewind()
	bot4, _ := newBot(t, f)
	must(t, bot4.HotLogin(store, openwechat.NewRetryLoginOption()))
	if f.Count("jslogin") != 2 || f.UserName("alice") == alice {
		t.Error("the fallback scan did not make a new session")
	}
}

// TestHotLoginCookieLoss reproduces the cookie-domain bug of openwechat v1.4.10: after
// HotLogin the jar holds the cookies host-only for https://wx.qq.com, so uploads to
// file.wx.qq.com fail, and the jar the library saves again is empty ({}), since
// Jar.UnmarshalJSON never fills the hosts map MarshalJSON walks.
//
// The workaround of the research notes (Jar.SetCookies for the file host after
// HotLogin) races with the sync goroutine, which marshals the same unsynchronized map
// on every DumpTo. The race-free fix is in the storage: jarFix below.
func TestHotLoginCookieLoss(t *testing.T) {
	f := newFake(t)
	seed, err := f.SeedHotLogin()
	must(t, err)
	image := func() io.Reader { return strings.NewReader("\x89PNG\r\n\x1a\nnot really") }

	t.Run("bug", func(t *testing.T) {
		store := fakewechat.NewMemoryStorage(seed)
		bot, stop := newBot(t, f)
		defer stop()
		must(t, bot.HotLogin(store))
		alice := friend(t, bot, "王女士")
		if _, err := alice.SendImage(image()); !errors.Is(err, openwechat.ErrWebWxDataTicketNotFound) {
			t.Fatalf("SendImage after HotLogin = %v, want ErrWebWxDataTicketNotFound", err)
		}
		if hosts := savedJarHosts(t, store.Bytes()); len(hosts) != 0 {
			t.Errorf("saved jar after HotLogin has hosts %v; openwechat v1.4.10 saves none", hosts)
		}
	})

	t.Run("fixed in the storage", func(t *testing.T) {
		store := &jarFix{inner: fakewechat.NewMemoryStorage(seed)}
		bot, stop := newBot(t, f)
		defer stop()
		must(t, bot.HotLogin(store))
		alice := friend(t, bot, "王女士")
		if _, err := alice.SendImage(image()); err != nil {
			t.Fatalf("SendImage: %v", err)
		}
		sent, err := f.WaitSent(1, wait)
		must(t, err)
		if s := sent[0]; s.Type != 3 || s.To != "alice" || s.Upload == nil || s.Upload.MediaType != "pic" {
			t.Errorf("sent = %+v", s)
		}
		// The library has saved again (after login and after the first sync): the jar is kept.
		if hosts := savedJarHosts(t, store.inner.Bytes()); len(hosts) != 3 {
			t.Errorf("saved jar hosts %v, want 3", hosts)
		}
	})
}

func friend(t *testing.T, bot *openwechat.Bot, nick string) *openwechat.Friend {
	t.Helper()
	self, err := bot.GetCurrentUser()
	must(t, err)
	friends, err := self.Friends()
	must(t, err)
	fr := friends.GetByNickName(nick)
	if fr == nil {
		t.Fatalf("no friend %s in %v", nick, friends)
	}
	return fr
}

func savedJarHosts(t *testing.T, doc []byte) []string {
	t.Helper()
	var saved struct{ Jar map[string]json.RawMessage }
	must(t, json.Unmarshal(doc, &saved))
	var hosts []string
	for h := range saved.Jar {
		hosts = append(hosts, h)
	}
	return hosts
}

// jarFix wraps a hot-reload storage to undo openwechat's cookie loss without touching
// the live jar: on Read it lists the base host's cookies for the file. and webpush.
// hosts too; on Write it keeps the last good jar when the library writes an empty one.
// The library reads and writes storage synchronously, so this needs no locking beyond
// the inner storage's.
type jarFix struct {
	inner   *fakewechat.MemoryStorage
	reading *bytes.Reader
	lastJar json.RawMessage
}

func (j *jarFix) Read(p []byte) (int, error) {
	if j.reading == nil {
		raw, err := io.ReadAll(j.inner)
		if err != nil {
			return 0, err
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(raw, &doc); err != nil {
			return 0, err
		}
		var domain string
		var jar map[string]json.RawMessage
		_ = json.Unmarshal(doc["WechatDomain"], &domain)
		_ = json.Unmarshal(doc["Jar"], &jar)
		if base, ok := jar["https://"+domain]; ok {
			jar["https://file."+domain], jar["https://webpush."+domain] = base, base
		}
		doc["Jar"], _ = json.Marshal(jar)
		j.lastJar = doc["Jar"]
		fixed, _ := json.Marshal(doc)
		j.reading = bytes.NewReader(fixed)
	}
	return j.reading.Read(p)
}

func (j *jarFix) Write(p []byte) (int, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(p, &doc); err != nil {
		return 0, err
	}
	var jar map[string]json.RawMessage
	_ = json.Unmarshal(doc["Jar"], &jar)
	if len(jar) == 0 && j.lastJar != nil {
		doc["Jar"] = j.lastJar
	} else {
		j.lastJar = doc["Jar"]
	}
	fixed, _ := json.Marshal(doc)
	if _, err := j.inner.Write(append(fixed, '\n')); err != nil {
		return 0, err
	}
	return len(p), nil
}

// TestCookieCheck shows what the cookie loss means if the service checks cookies: the
// hot-logged-in bot's first synccheck (on webpush.) answers 1102 and the bot stops.
func TestCookieCheck(t *testing.T) {
	f := newFake(t, fakewechat.WithCookieCheck())
	seed, err := f.SeedHotLogin()
	must(t, err)
	bot, _ := newBot(t, f)
	if err := bot.HotLogin(fakewechat.NewMemoryStorage(seed)); err != nil {
		t.Fatalf("HotLogin: %v", err) // webwxinit is on the base host: the cookies are there
	}
	err = block(t, bot)
	var ret openwechat.Ret
	if !errors.As(err, &ret) || ret != fakewechat.RetCookie {
		t.Fatalf("Block = %v, want Ret 1102", err)
	}

	// With the storage fix the cookies reach webpush. and the bot keeps syncing.
	seed, err = f.SeedHotLogin()
	must(t, err)
	bot2, _ := newBot(t, f)
	got := collect(bot2, nil)
	must(t, bot2.HotLogin(&jarFix{inner: fakewechat.NewMemoryStorage(seed)}))
	_, err = f.PushText("alice", "在吗")
	must(t, err)
	next(t, got)
}

// block waits for the bot to stop and returns why, like bot.Block() but race-free:
// Block reads Bot.self unsynchronized while the sync goroutine's ExitWith writes it.
// CrashReason is written before the context is cancelled, so reading it after Done is
// safe.
func block(t *testing.T, bot *openwechat.Bot) error {
	t.Helper()
	select {
	case <-bot.Context().Done():
		return bot.CrashReason()
	case <-time.After(wait):
		t.Fatal("the bot did not stop")
		return nil
	}
}
