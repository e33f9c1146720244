package fakewecom_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/util"
	"github.com/silenceper/wechat/v2/work"
	"github.com/silenceper/wechat/v2/work/config"
	"github.com/silenceper/wechat/v2/work/kf"
	"github.com/silenceper/wechat/v2/work/kf/sendmsg"
	"github.com/silenceper/wechat/v2/work/kf/sendmsgonevent"

	"github.com/complaintbot/complaintbot/bot/wecom/fakewecom"
)

// The SDK's URLs are fixed to qyapi.weixin.qq.com; util.SetURIModifier
// (process-wide) points them at the fake. These tests therefore run one at
// a time, in this package only.

func sdk(t *testing.T, f *fakewecom.Server) *kf.Client {
	t.Helper()
	util.SetURIModifier(func(uri string) string { return strings.Replace(uri, "https://qyapi.weixin.qq.com", f.URL(), 1) })
	t.Cleanup(func() { util.SetURIModifier(nil) })
	c, err := work.NewWork(&config.Config{CorpID: f.CorpID(), CorpSecret: f.Secret(), Token: f.Token(), EncodingAESKey: f.AESKey(), Cache: cache.NewMemory()}).GetKF()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTheSDKPullsAndSends(t *testing.T) {
	f := fakewecom.New(t, fakewecom.WithCustomer(fakewecom.Customer{ExternalUserID: "wmCUST", Nickname: "陈静"}), fakewecom.WithPageSize(2))
	c := sdk(t, f)
	f.Text("wmCUST", "我的订单没到")
	f.Image("wmCUST")
	f.MenuClick("wmCUST", fakewecom.MenuItem{ID: "m1", Content: "5分"})
	code := f.EnterSession("wmCUST")

	// A notice carries the sync token; the SDK decrypts it.
	r := f.Notice("/wecom/callback")
	body, _ := io.ReadAll(r.Body)
	msg, err := c.GetCallbackMessage(body)
	if err != nil || msg.Token == "" || msg.OpenKfID != f.KfID() || msg.Event != "kf_msg_or_event" {
		t.Fatalf("callback: %+v %v", msg, err)
	}
	var got []string
	cursor := ""
	for {
		page, err := c.SyncMsg(kf.SyncMsgOptions{Cursor: cursor, Token: msg.Token, OpenKfID: f.KfID(), Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.MsgList {
			got = append(got, m.MsgType+"/"+m.EventType)
			if m.MsgType == "text" {
				tm, _ := m.GetTextMessage()
				got[len(got)-1] += "/" + tm.Text.Content + "/" + tm.Text.MenuID
			}
			if m.EventType == "enter_session" {
				ev, _ := m.GetEnterSessionEvent()
				if ev.Event.WelcomeCode != code || ev.ExternalUserID != "wmCUST" {
					t.Errorf("enter_session: %+v", ev)
				}
			}
		}
		cursor = page.NextCursor
		if page.HasMore == 0 {
			break
		}
	}
	want := "text//我的订单没到/ image/ text//5分/m1 event/enter_session"
	if strings.Join(got, " ") != want {
		t.Errorf("pulled %q, want %q", strings.Join(got, " "), want)
	}

	// Send a text and a menu; the welcome code works once.
	text := sendmsg.Text{Message: sendmsg.Message{ToUser: "wmCUST", OpenKFID: f.KfID(), MsgID: "our1"}, MsgType: "text"}
	text.Text.Content = "您好"
	if info, err := c.SendMsg(text); err != nil || info.MsgID != "our1" {
		t.Fatalf("send text: %+v %v", info, err)
	}
	menu := sendmsg.Menu{Message: sendmsg.Message{ToUser: "wmCUST", OpenKFID: f.KfID()}, MsgType: "msgmenu"}
	menu.MsgMenu.HeadContent = "问题解决了吗？"
	item := sendmsg.MenuClick{Type: "click"}
	item.Click.ID, item.Click.Content = "yes", "是的，已经解决了"
	menu.MsgMenu.List = []any{item}
	if _, err := c.SendMsg(menu); err != nil {
		t.Fatal(err)
	}
	if s := f.Sent("wmCUST"); len(s) != 2 || s[1].MsgType != "msgmenu" || s[1].Menu[0].Content != "是的，已经解决了" {
		t.Fatalf("sent: %+v", s)
	}
	welcome := sendmsgonevent.Text{Message: sendmsgonevent.Message{Code: code}, MsgType: "text"}
	welcome.Text.Content = "欢迎"
	if _, err := c.SendMsgOnEvent(welcome); err != nil {
		t.Fatal(err)
	}
	if info, err := c.SendMsgOnEvent(welcome); err == nil || info.ErrCode != fakewecom.ErrBadWelcome {
		t.Errorf("a welcome code used twice: %+v %v", info, err)
	}
	names, err := c.CustomerBatchGet(kf.CustomerBatchGetOptions{ExternalUserIDList: []string{"wmCUST", "nobody"}})
	if err != nil || len(names.CustomerList) != 1 || names.CustomerList[0].NickName != "陈静" || len(names.InvalidExternalUserID) != 1 {
		t.Errorf("batchget: %+v %v", names, err)
	}
}

func TestTheFakeEnforcesTheLimits(t *testing.T) {
	f := fakewecom.New(t)
	c := sdk(t, f)
	send := func() kf.SendMsgSchema {
		m := sendmsg.Text{Message: sendmsg.Message{ToUser: "wmK", OpenKFID: f.KfID()}, MsgType: "text"}
		m.Text.Content = "update"
		info, _ := c.SendMsg(m)
		return info
	}
	f.Text("wmK", "hello")
	for i := 0; i < 5; i++ {
		if info := send(); info.ErrCode != 0 {
			t.Fatalf("message %d refused: %+v", i+1, info)
		}
	}
	if info := send(); info.ErrCode != fakewecom.ErrOverBudget {
		t.Errorf("a sixth message: %+v", info)
	}
	f.Text("wmK", "still there?") // the budget starts again
	if info := send(); info.ErrCode != 0 {
		t.Errorf("after the customer wrote: %+v", info)
	}
	// Tokens expire; the SDK keeps its cached one and sees 42001.
	f.ExpireTokens()
	if info := send(); info.ErrCode != fakewecom.ErrTokenExpired {
		t.Errorf("with an expired token: %+v", info)
	}
	f.Advance(48*time.Hour + time.Second)
	c = sdk(t, f) // a fresh cache, a fresh token
	if info := send(); info.ErrCode != fakewecom.ErrOutOfWindow {
		t.Errorf("after 48 hours: %+v", info)
	}
}

func TestTheSDKChecksTheURL(t *testing.T) {
	f := fakewecom.New(t)
	c := sdk(t, f)
	r, want := f.URLCheck("/wecom/callback")
	q := r.URL.Query()
	echo, err := c.VerifyURL(kf.SignatureOptions{Signature: q.Get("msg_signature"), TimeStamp: q.Get("timestamp"), Nonce: q.Get("nonce"), EchoStr: q.Get("echostr")})
	if err != nil || echo != want {
		t.Fatalf("VerifyURL = %q, %v; want %q", echo, err, want)
	}
	// A forged notice's signature does not match its body.
	fr := f.Forged("/wecom/callback")
	body, _ := io.ReadAll(fr.Body)
	fq := fr.URL.Query()
	var env struct{ Encrypt string }
	if err := xmlUnmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	if util.Signature(f.Token(), fq.Get("timestamp"), fq.Get("nonce"), env.Encrypt) == fq.Get("msg_signature") {
		t.Error("the forged notice is signed correctly")
	}
	if fr.Method != http.MethodPost {
		t.Error("notices are POSTs")
	}
}

// TestTheSDKMovesTheSession drives the SDK's ServiceStateGet and
// ServiceStateTrans against the fake: the state the customer's message
// starts, a hand-over to a servicer (and the refusal of anyone else), the
// API refused while the servicer holds the session, and the end with a
// closing code usable once.
func TestTheSDKMovesTheSession(t *testing.T) {
	f := fakewecom.New(t, fakewecom.WithServicer("zhangsan"))
	c := sdk(t, f)
	f.Text("wmS", "你好")
	get := func() kf.ServiceStateGetSchema {
		t.Helper()
		info, err := c.ServiceStateGet(kf.ServiceStateGetOptions{OpenKFID: f.KfID(), ExternalUserID: "wmS"})
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	if st := get(); st.ServiceState != fakewecom.StateUntreated {
		t.Fatalf("a new session is in state %d", st.ServiceState)
	}
	trans := func(state int, servicer string) (kf.ServiceStateTransSchema, error) {
		return c.ServiceStateTrans(kf.ServiceStateTransOptions{OpenKFID: f.KfID(), ExternalUserID: "wmS", ServiceState: state, ServicerUserID: servicer})
	}
	if info, err := trans(fakewecom.StateServicer, "lisi"); err == nil || info.ErrCode != fakewecom.ErrNotServicer {
		t.Errorf("a hand-over to someone who is not a servicer: %+v %v", info, err)
	}
	if _, err := trans(fakewecom.StateServicer, "zhangsan"); err != nil {
		t.Fatal(err)
	}
	st := get()
	// The SDK reads the servicer as service_userid; WeCom's documentation
	// (and the fake) call it servicer_userid, so the SDK never sees it.
	if st.ServiceState != fakewecom.StateServicer || st.ServiceUserID != "" {
		t.Errorf("after the hand-over: %+v", st)
	}
	if state, who := f.State("wmS"); state != fakewecom.StateServicer || who != "zhangsan" {
		t.Errorf("the fake says %d %q", state, who)
	}
	m := sendmsg.Text{Message: sendmsg.Message{ToUser: "wmS", OpenKFID: f.KfID()}, MsgType: "text"}
	m.Text.Content = "the API speaks"
	if info, _ := c.SendMsg(m); info.ErrCode != fakewecom.ErrHeld {
		t.Errorf("send_msg while a servicer holds the session: %+v", info)
	}
	end, err := trans(fakewecom.StateEnded, "")
	if err != nil || end.MsgCode == "" {
		t.Fatalf("the end: %+v %v", end, err)
	}
	if info, _ := c.SendMsg(m); info.ErrCode != fakewecom.ErrSessionClosed {
		t.Errorf("send_msg after the end: %+v", info)
	}
	bye := sendmsgonevent.Text{Message: sendmsgonevent.Message{Code: end.MsgCode}, MsgType: "text"}
	bye.Text.Content = "再见"
	if _, err := c.SendMsgOnEvent(bye); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendMsgOnEvent(bye); err == nil {
		t.Error("the closing code worked twice")
	}
	if s := f.Sent("wmS"); len(s) != 1 || !s[0].Closing || s[0].Welcome || s[0].Text != "再见" {
		t.Errorf("sent: %+v", s)
	}
	if _, err := trans(fakewecom.StateBot, ""); err == nil {
		t.Error("an ended session changed state")
	}
	if tr := f.Transfers(); len(tr) != 2 || tr[0].To != fakewecom.StateServicer || tr[1].From != fakewecom.StateServicer || tr[1].To != fakewecom.StateEnded {
		t.Errorf("transfers: %+v", tr)
	}
	// A late closing code is refused: 20 s on the fake's clock.
	f.Text("wmS", "还有一个问题")
	if _, err := trans(fakewecom.StateServicer, "zhangsan"); err != nil {
		t.Fatal(err)
	}
	late, err := trans(fakewecom.StateEnded, "")
	if err != nil {
		t.Fatal(err)
	}
	f.Advance(fakewecom.ClosingWindow + time.Second)
	bye.Code = late.MsgCode
	if _, err := c.SendMsgOnEvent(bye); err == nil {
		t.Error("a closing code worked after 20 s")
	}
}
