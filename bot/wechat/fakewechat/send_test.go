package fakewechat_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
	"github.com/eatmoreapple/openwechat"
)

// loggedIn returns a bot logged in by QR code, with its friend alice and group team.
func loggedIn(t *testing.T, f *fakewechat.Server) (*openwechat.Self, *openwechat.Friend, *openwechat.Group) {
	t.Helper()
	bot, _ := newBot(t, f)
	qrLogin(t, f, bot)
	self, err := bot.GetCurrentUser()
	must(t, err)
	friends, err := self.Friends()
	must(t, err)
	groups, err := self.Groups()
	must(t, err)
	alice, team := friends.GetByRemarkName("CB-12"), groups.GetByNickName("客服团队")
	if alice == nil || team == nil {
		t.Fatalf("friends %v, groups %v", friends, groups)
	}
	return self, alice, team
}

func TestSendText(t *testing.T) {
	f := newFake(t)
	self, alice, team := loggedIn(t, f)
	sm, err := alice.SendText("您好，订单已补发")
	must(t, err)
	_, err = team.SendText("#42 已处理")
	must(t, err)
	sent, err := f.WaitSent(2, wait)
	must(t, err)
	a, g := sent[0], sent[1]
	if a.Endpoint != "webwxsendmsg" || a.Type != 1 || a.Content != "您好，订单已补发" || a.To != "alice" || a.ToNickName != "王女士" ||
		a.ToUserName != alice.UserName || a.FromUserName != self.UserName || a.LocalID == "" || a.LocalID != a.ClientMsgId || a.Repeat {
		t.Errorf("to alice: %+v", a)
	}
	if a.MsgID != sm.MsgId {
		t.Errorf("MsgID %s, library got %s", a.MsgID, sm.MsgId)
	}
	if g.To != "team" || g.ToNickName != "客服团队" || !strings.HasPrefix(g.ToUserName, "@@") {
		t.Errorf("to the group: %+v", g)
	}
	r := f.Requests("webwxsendmsg")[0]
	msg, _ := r.JSON["Msg"].(map[string]any)
	if msg["Content"] != "您好，订单已补发" || r.Query.Get("pass_ticket") == "" {
		t.Errorf("request: %v %v", r.JSON, r.Query)
	}
	// The file helper is always there.
	if _, err := self.FileHelper().SendText("note"); err != nil {
		t.Error(err)
	}
}

func TestSendFile(t *testing.T) {
	f := newFake(t)
	_, alice, _ := loggedIn(t, f)
	_, err := alice.SendFile(strings.NewReader("发票内容"))
	must(t, err)
	sent, err := f.WaitSent(1, wait)
	must(t, err)
	if s := sent[0]; s.Endpoint != "webwxsendappmsg" || s.Type != 6 || s.Upload == nil || string(s.Upload.Data) != "发票内容" || s.Upload.MediaType != "doc" {
		t.Errorf("sent %+v upload %+v", s, s.Upload)
	}
}

func TestSendTooOften(t *testing.T) {
	f := newFake(t)
	_, alice, _ := loggedIn(t, f)
	f.Inject("webwxsendmsg", 1, fakewechat.Fault{Ret: fakewechat.RetTooOften})
	_, err := alice.SendText("一")
	var ret openwechat.Ret
	if !errors.As(err, &ret) || ret != fakewechat.RetTooOften || err.Error() != "operate too often" {
		t.Fatalf("send = %v, want Ret 1205", err)
	}
	if len(f.Sent()) != 0 {
		t.Error("a refused send was delivered")
	}
	if _, err := alice.SendText("二"); err != nil {
		t.Fatalf("the next send: %v", err)
	}
	r := f.Requests("webwxsendmsg")
	if len(r) != 2 || !strings.Contains(r[0].Answer, "1205") {
		t.Errorf("requests: %d, first answered %q", len(r), r[0].Answer)
	}
}

func TestSendLostAnswerDuplicates(t *testing.T) {
	f := newFake(t)
	_, alice, _ := loggedIn(t, f)
	f.Inject("webwxsendmsg", 1, fakewechat.Fault{Reset: true, AfterEffect: true})
	if _, err := alice.SendText("只发一次"); err != nil {
		t.Fatalf("send: %v (the library's retry should succeed)", err)
	}
	sent := f.Sent()
	if len(sent) != 2 || !sent[1].Repeat || sent[0].ClientMsgId != sent[1].ClientMsgId || sent[0].Repeat {
		t.Fatalf("sent %+v: want the message twice, the second a Repeat", sent)
	}
}

func TestSendConnectionResets(t *testing.T) {
	f := newFake(t)
	_, alice, _ := loggedIn(t, f)
	f.Inject("webwxsendmsg", fakewechat.Always, fakewechat.Fault{Reset: true})
	_, err := alice.SendText("发不出去")
	if !errors.Is(err, openwechat.NetworkErr) {
		t.Fatalf("send = %v, want NetworkErr", err)
	}
	if n := f.Count("webwxsendmsg"); n != 5 {
		t.Errorf("%d attempts, want 5 (openwechat's MaxRetryTimes)", n)
	}
	if len(f.Sent()) != 0 {
		t.Error("delivered")
	}
}

func TestSendDelay(t *testing.T) {
	f := newFake(t)
	_, alice, _ := loggedIn(t, f)
	f.Inject("webwxsendmsg", 1, fakewechat.Fault{Delay: 300 * time.Millisecond})
	start := time.Now()
	_, err := alice.SendText("慢")
	must(t, err)
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("send took %v", d)
	}
}

func TestSendToGoneContact(t *testing.T) {
	f := newFake(t)
	self, _, _ := loggedIn(t, f)
	friends, _ := self.Friends()
	carol := friends.GetByNickName("Carol")
	must(t, f.RemoveContact("carol"))
	_, err := carol.SendText("还在吗")
	var ret openwechat.Ret
	if !errors.As(err, &ret) || ret != fakewechat.RetNotContact {
		t.Fatalf("send to a removed friend = %v, want Ret 1204", err)
	}
	_, err = self.SendTextToFriend(&openwechat.Friend{User: &openwechat.User{UserName: "@0123456789abcdef0123456789abcdef"}}, "x")
	if !errors.As(err, &ret) || ret != fakewechat.RetNotContact {
		t.Fatalf("send to an unknown UserName = %v, want Ret 1204", err)
	}
}

func TestContactPages(t *testing.T) {
	f := newFake(t, fakewechat.WithContactPageSize(1))
	self, _, _ := loggedIn(t, f)
	members, err := self.Members()
	must(t, err)
	if members.Count() != 4 { // filehelper, alice, carol, team
		t.Errorf("%d members: %v", members.Count(), members)
	}
	if n := f.Count("webwxgetcontact"); n != 4 {
		t.Errorf("%d webwxgetcontact pages, want 4", n)
	}
	// A remark set on the phone shows when the library asks again.
	must(t, f.UpdateContact("alice", func(c *fakewechat.Contact) { c.RemarkName = "CB-99" }))
	friends, err := self.Friends(true)
	must(t, err)
	if friends.GetByRemarkName("CB-99") == nil {
		t.Error("the new remark did not show")
	}
}

func TestRemarkWriteHasNoEffect(t *testing.T) {
	f := newFake(t)
	_, alice, _ := loggedIn(t, f)
	if err := alice.SetRemarkName("CB-1"); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.Contact("alice"); c.RemarkName != "CB-12" || f.Count("webwxoplog") != 1 {
		t.Errorf("remark %q after the deprecated call, %d oplog requests", c.RemarkName, f.Count("webwxoplog"))
	}
}

func TestRewrite(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(r.Context())
		http.SetCookie(w, &http.Cookie{Name: "wxsid", Value: "S", Domain: "wx.qq.com", Path: "/"})
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL + "/prefix/")
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Transport: fakewechat.Rewrite(base, nil), Jar: jar}
	req, _ := http.NewRequest("GET", "https://webpush.wx.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1&skey=%40crypt", nil)
	resp, err := client.Do(req)
	must(t, err)
	resp.Body.Close()
	if got.Host != "webpush.wx.qq.com" || got.URL.Path != "/prefix/cgi-bin/mmwebwx-bin/synccheck" ||
		got.URL.Query().Get("skey") != "@crypt" || got.Header.Get("X-Forwarded-Proto") != "https" {
		t.Errorf("server saw host %s path %s query %v proto %s", got.Host, got.URL.Path, got.URL.Query(), got.Header.Get("X-Forwarded-Proto"))
	}
	if req.URL.Host != "webpush.wx.qq.com" || req.URL.Scheme != "https" {
		t.Error("Rewrite changed the caller's request")
	}
	file, _ := url.Parse("https://file.wx.qq.com/")
	if cs := jar.Cookies(file); len(cs) != 1 || cs[0].Value != "S" {
		t.Errorf("the jar kept %v for file.wx.qq.com, want the domain cookie", cs)
	}
}

// TestSendHTTPError pins that openwechat ignores HTTP status codes: a 502 with an empty
// body is a JSON decode error ("EOF"), neither a NetworkErr nor retried.
func TestSendHTTPError(t *testing.T) {
	f := newFake(t)
	_, alice, _ := loggedIn(t, f)
	f.Inject("webwxsendmsg", 1, fakewechat.Fault{Status: http.StatusBadGateway})
	_, err := alice.SendText("x")
	if err == nil || err.Error() != "EOF" || errors.Is(err, openwechat.NetworkErr) {
		t.Fatalf("send = %v, want a bare EOF", err)
	}
	if n := f.Count("webwxsendmsg"); n != 1 {
		t.Errorf("%d attempts", n)
	}
}
