package fakewechat_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
	"github.com/eatmoreapple/openwechat"
)

// seen is what a handler learned about one message. Everything is worked out on the
// sync goroutine, inside the handler: calling Sender() from the test goroutine would race
// with the library's own message processing.
type seen struct {
	msg           *openwechat.Message
	sender        *openwechat.User
	senderErr     error
	inGroup       *openwechat.User
	inGroupErr    error
	isAt          bool
	data          []byte
	dataErr       error
	extra         any
	statusNotices int
}

// collect installs a handler that sends every message but the MsgType 51 notices.
func collect(bot *openwechat.Bot, also func(*openwechat.Message, *seen)) <-chan seen {
	ch := make(chan seen, 64)
	bot.MessageHandler = func(m *openwechat.Message) {
		if m.StatusNotify() {
			return
		}
		s := seen{msg: m, isAt: m.IsAt()}
		s.sender, s.senderErr = m.Sender()
		if m.IsComeFromGroup() {
			s.inGroup, s.inGroupErr = m.SenderInGroup()
		}
		if m.HasFile() {
			var b bytes.Buffer
			s.dataErr = m.SaveFile(&b)
			s.data = b.Bytes()
		}
		if also != nil {
			also(m, &s)
		}
		ch <- s
	}
	return ch
}

func next(t *testing.T, ch <-chan seen) seen {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(wait):
		t.Fatal("no message arrived")
		return seen{}
	}
}

func TestReceiveFriendText(t *testing.T) {
	f := newFake(t)
	bot, _ := newBot(t, f)
	got := collect(bot, nil)
	qrLogin(t, f, bot)

	text := "我的订单还没到 <急>\n订单号 A&B-42"
	id, err := f.PushText("alice", text)
	must(t, err)
	s := next(t, got)
	m := s.msg
	if !m.IsText() || !m.IsSendByFriend() || m.IsSendByGroup() || m.MsgId != id {
		t.Errorf("text=%v friend=%v group=%v id=%s/%s", m.IsText(), m.IsSendByFriend(), m.IsSendByGroup(), m.MsgId, id)
	}
	if m.Content != text {
		t.Errorf("Content = %q, want %q", m.Content, text)
	}
	if s.senderErr != nil || s.sender.NickName != "王女士" || s.sender.RemarkName != "CB-12" || s.sender.UserName != f.UserName("alice") {
		t.Errorf("Sender = %v, %v", s.sender, s.senderErr)
	}
	if s.sender.AvatarID() == "" {
		t.Error("no AvatarID")
	}
	must(t, f.WaitDelivered(id, wait))
}

func TestReceiveGroupMessages(t *testing.T) {
	f := newFake(t)
	must(t, f.AddGroup(fakewechat.Group{ID: "vip", NickName: "VIP 群", NotInContacts: true,
		Members: []fakewechat.GroupMember{{ID: "dave", NickName: "Dave"}}}))
	bot, _ := newBot(t, f)
	got := collect(bot, nil)
	qrLogin(t, f, bot)

	// A stranger @-mentions the account in the team group.
	_, err := f.Push(fakewechat.Message{Group: "team", From: "bob", Text: "认领 1", AtSelf: true})
	must(t, err)
	s := next(t, got)
	m := s.msg
	if !m.IsSendByGroup() || !m.IsText() || !s.isAt {
		t.Errorf("group=%v text=%v at=%v", m.IsSendByGroup(), m.IsText(), s.isAt)
	}
	if want := "@客服小微\u2005认领 1"; m.Content != want || want != f.SelfMention("team")+"认领 1" {
		t.Errorf("Content = %q, want %q", m.Content, want)
	}
	if s.senderErr != nil || s.sender.NickName != "客服团队" || !s.sender.IsGroup() {
		t.Errorf("Sender = %v, %v (want the group)", s.sender, s.senderErr)
	}
	if s.inGroupErr != nil || s.inGroup.NickName != "Bob" || s.inGroup.DisplayName != "鲍勃" || s.inGroup.UserName != f.UserName("bob") {
		t.Errorf("SenderInGroup = %+v, %v", s.inGroup, s.inGroupErr)
	}

	// A friend writes in the group without a mention.
	_, err = f.PushGroupText("team", "carol", "@Bob\u2005好的")
	must(t, err)
	s = next(t, got)
	if s.isAt || s.inGroup == nil || s.inGroup.NickName != "Carol" {
		t.Errorf("at=%v inGroup=%v %v", s.isAt, s.inGroup, s.inGroupErr)
	}

	// openwechat splits group content on every ":<br/>" and joins the rest with
	// nothing: a ":\n" in the member's text is lost.
	_, err = f.PushGroupText("team", "bob", "#42:\n客户已回电")
	must(t, err)
	if s = next(t, got); s.msg.Content != "#42客户已回电" {
		t.Errorf("Content = %q; openwechat v1.4.10 gives \"#42客户已回电\"", s.msg.Content)
	}

	// A group not saved to contacts is fetched through webwxbatchgetcontact.
	_, err = f.PushGroupText("vip", "dave", "hi")
	must(t, err)
	s = next(t, got)
	if s.sender == nil || s.sender.NickName != "VIP 群" || s.inGroup == nil || s.inGroup.NickName != "Dave" {
		t.Errorf("unsaved group: sender=%v (%v) inGroup=%v (%v)", s.sender, s.senderErr, s.inGroup, s.inGroupErr)
	}
	if f.Count("webwxbatchgetcontact") == 0 {
		t.Error("no webwxbatchgetcontact")
	}

	// The account's own message in the group, from the phone.
	_, err = f.Push(fakewechat.Message{Group: "team", From: fakewechat.SelfID, Text: "我来处理"})
	must(t, err)
	s = next(t, got)
	if !s.msg.IsSendBySelf() || !s.msg.IsSelfSendToGroup() || s.msg.Content != "我来处理" {
		t.Errorf("self in group: self=%v toGroup=%v %q", s.msg.IsSendBySelf(), s.msg.IsSelfSendToGroup(), s.msg.Content)
	}
}

type referMsg struct {
	AppMsg struct {
		Title    string `xml:"title"`
		Type     int    `xml:"type"`
		ReferMsg struct {
			SvrID       string `xml:"svrid"`
			DisplayName string `xml:"displayname"`
			Content     string `xml:"content"`
		} `xml:"refermsg"`
	} `xml:"appmsg"`
}

func TestReceiveKinds(t *testing.T) {
	f := newFake(t)
	must(t, f.AddContact(fakewechat.Contact{ID: "erin", NickName: "Erin", NotFriend: true}))
	bot, _ := newBot(t, f)
	got := collect(bot, func(m *openwechat.Message, s *seen) {
		switch {
		case m.IsFriendAdd():
			fr, err := m.Agree("你好")
			s.extra, s.dataErr = fr, err
		case m.IsRecalled():
			s.extra, s.dataErr = m.RevokeMsg()
		case m.IsMedia():
			s.extra, s.dataErr = m.MediaData()
		}
	})
	qrLogin(t, f, bot)

	cases := []struct {
		name  string
		m     fakewechat.Message
		check func(t *testing.T, s seen)
	}{
		{"image", fakewechat.Message{Kind: fakewechat.KindImage, From: "alice", Data: []byte("PNGDATA")}, func(t *testing.T, s seen) {
			if !s.msg.IsPicture() || string(s.data) != "PNGDATA" || !strings.Contains(s.msg.Content, "<img") {
				t.Errorf("picture=%v data=%q (%v) content=%q", s.msg.IsPicture(), s.data, s.dataErr, s.msg.Content)
			}
		}},
		{"voice", fakewechat.Message{Kind: fakewechat.KindVoice, From: "alice"}, func(t *testing.T, s seen) {
			if !s.msg.IsVoice() || !bytes.HasPrefix(s.data, []byte("#!SILK")) || s.msg.VoiceLength == 0 {
				t.Errorf("voice=%v data=%q (%v)", s.msg.IsVoice(), s.data, s.dataErr)
			}
		}},
		{"video", fakewechat.Message{Kind: fakewechat.KindVideo, From: "alice"}, func(t *testing.T, s seen) {
			if !s.msg.IsVideo() || len(s.data) == 0 {
				t.Errorf("video=%v data=%q (%v)", s.msg.IsVideo(), s.data, s.dataErr)
			}
		}},
		{"emoticon", fakewechat.Message{Kind: fakewechat.KindEmoticon, From: "alice"}, func(t *testing.T, s seen) {
			if !s.msg.IsEmoticon() || !bytes.HasPrefix(s.data, []byte("GIF89a")) {
				t.Errorf("emoticon=%v data=%q (%v)", s.msg.IsEmoticon(), s.data, s.dataErr)
			}
		}},
		{"file", fakewechat.Message{Kind: fakewechat.KindFile, From: "alice", FileName: "发票.pdf", Data: []byte("%PDF-1.4")}, func(t *testing.T, s seen) {
			d, _ := s.extra.(*openwechat.AppMessageData)
			if !s.msg.HasAttachment() || string(s.data) != "%PDF-1.4" || s.msg.FileName != "发票.pdf" || d == nil || !d.IsFile() {
				t.Errorf("attachment=%v data=%q (%v) name=%q data=%+v", s.msg.HasAttachment(), s.data, s.dataErr, s.msg.FileName, d)
			}
		}},
		{"link", fakewechat.Message{Kind: fakewechat.KindLink, From: "alice", Text: "物流查询", URL: "https://example.com/track?id=1&x=2"}, func(t *testing.T, s seen) {
			d, _ := s.extra.(*openwechat.AppMessageData)
			if !s.msg.IsArticle() || d == nil || d.AppMsg.URL != "https://example.com/track?id=1&x=2" || d.AppMsg.Title != "物流查询" {
				t.Errorf("article=%v data=%+v (%v)", s.msg.IsArticle(), d, s.dataErr)
			}
		}},
		{"location", fakewechat.Message{Kind: fakewechat.KindLocation, From: "alice", Text: "深圳市南山区科技园", Lat: 22.54, Lng: 113.95}, func(t *testing.T, s seen) {
			if !s.msg.IsLocation() || !strings.HasPrefix(s.msg.Content, "深圳市南山区科技园:\n") {
				t.Errorf("location=%v content=%q url=%q", s.msg.IsLocation(), s.msg.Content, s.msg.Url)
			}
		}},
		{"quote", fakewechat.Message{Kind: fakewechat.KindQuote, Group: "team", From: "bob", Text: "已处理", QuotedID: "4000000000000000123", QuotedText: "#42 新投诉", QuotedName: "SupportBot"}, func(t *testing.T, s seen) {
			var r referMsg
			err := xml.Unmarshal([]byte(s.msg.Content), &r)
			if !s.msg.IsMedia() || s.msg.AppMsgType != 57 || err != nil || r.AppMsg.Title != "已处理" ||
				r.AppMsg.ReferMsg.SvrID != "4000000000000000123" || r.AppMsg.ReferMsg.Content != "#42 新投诉" || s.inGroup == nil || s.inGroup.NickName != "Bob" {
				t.Errorf("media=%v type=%d err=%v refer=%+v inGroup=%v", s.msg.IsMedia(), s.msg.AppMsgType, err, r, s.inGroup)
			}
		}},
		{"quote as text", fakewechat.Message{Kind: fakewechat.KindQuoteText, Group: "team", From: "bob", Text: "已处理", QuotedText: "#42 新投诉", QuotedName: "SupportBot"}, func(t *testing.T, s seen) {
			want := "「SupportBot：#42 新投诉」\n- - - - - - - - - - - - - - -\n已处理"
			if !s.msg.IsText() || s.msg.Content != want {
				t.Errorf("text=%v content=%q", s.msg.IsText(), s.msg.Content)
			}
		}},
		{"pat", fakewechat.Message{Kind: fakewechat.KindSystem, From: "alice", Text: `"王女士" 拍了拍我`}, func(t *testing.T, s seen) {
			if !s.msg.IsSystem() || !s.msg.IsTickledMe() {
				t.Errorf("system=%v tickledMe=%v %q", s.msg.IsSystem(), s.msg.IsTickledMe(), s.msg.Content)
			}
		}},
		{"pat in group", fakewechat.Message{Kind: fakewechat.KindSystem, Group: "team", From: "bob", Text: `"鲍勃" 拍了拍我`}, func(t *testing.T, s seen) {
			if !s.msg.IsSystem() || !s.msg.IsSendByGroup() || s.inGroupErr == nil {
				t.Errorf("system=%v group=%v inGroupErr=%v", s.msg.IsSystem(), s.msg.IsSendByGroup(), s.inGroupErr)
			}
		}},
		{"recall", fakewechat.Message{Kind: fakewechat.KindRecall, From: "alice", RecalledID: "4000000000000000999"}, func(t *testing.T, s seen) {
			r, _ := s.extra.(*openwechat.RevokeMsg)
			if !s.msg.IsRecalled() || r == nil || r.RevokeMsg.MsgId != 4000000000000000999 {
				t.Errorf("recalled=%v revoke=%+v (%v)", s.msg.IsRecalled(), r, s.dataErr)
			}
		}},
		{"own message from the phone", fakewechat.Message{From: fakewechat.SelfID, To: "alice", Text: "我是人工客服"}, func(t *testing.T, s seen) {
			if !s.msg.IsSendBySelf() || s.msg.ToUserName != f.UserName("alice") || s.sender.UserName != f.UserName(fakewechat.SelfID) {
				t.Errorf("self=%v to=%s sender=%v", s.msg.IsSendBySelf(), s.msg.ToUserName, s.sender)
			}
		}},
		{"friend request", fakewechat.Message{Kind: fakewechat.KindFriendRequest, From: "erin", Text: "我要投诉"}, func(t *testing.T, s seen) {
			fr, _ := s.extra.(*openwechat.Friend)
			c, _ := f.Contact("erin")
			if !s.msg.IsFriendAdd() || s.msg.RecommendInfo.Content != "我要投诉" || fr == nil || fr.NickName != "Erin" || c.NotFriend {
				t.Errorf("friendAdd=%v info=%+v friend=%v (%v) notFriend=%v", s.msg.IsFriendAdd(), s.msg.RecommendInfo, fr, s.dataErr, c.NotFriend)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Push(tc.m)
			must(t, err)
			tc.check(t, next(t, got))
		})
	}
}

func TestPushRefusesNonsense(t *testing.T) {
	f := newFake(t)
	for name, m := range map[string]fakewechat.Message{
		"unknown sender":        {From: "nobody", Text: "x"},
		"not a member":          {Group: "team", From: "alice", Text: "x"},
		"stranger privately":    {From: "bob", Text: "x"},
		"self without a target": {From: fakewechat.SelfID, Text: "x"},
		"friend asks again":     {Kind: fakewechat.KindFriendRequest, From: "alice"},
	} {
		if _, err := f.Push(m); err == nil {
			t.Errorf("%s: Push accepted %+v", name, m)
		}
	}
}

func TestSyncDoesNotSpin(t *testing.T) {
	f := newFake(t) // synccheck held up to 2 s
	bot, _ := newBot(t, f)
	got := collect(bot, nil)
	qrLogin(t, f, bot)
	_, err := f.WaitRequests("webwxsync", 1, wait) // the MsgType 51 notice after login
	must(t, err)
	_, err = f.WaitRequests("synccheck", 2, wait)
	must(t, err)

	before := f.Count("synccheck")
	time.Sleep(500 * time.Millisecond)
	if n := f.Count("synccheck") - before; n > 1 {
		t.Errorf("%d synccheck calls in 0.5 s while idle", n)
	}
	// A held poll answers at once when a message comes.
	start := time.Now()
	_, err = f.PushText("alice", "在吗")
	must(t, err)
	next(t, got)
	if d := time.Since(start); d > time.Second {
		t.Errorf("delivery took %v: the held poll did not wake", d)
	}
}

// TestSyncErrorSpins pins openwechat's behaviour on a synccheck error it does not stop
// for: its default error handler returns nil and the loop polls again at once.
func TestSyncErrorSpins(t *testing.T) {
	f := newFake(t)
	bot, _ := newBot(t, f)
	qrLogin(t, f, bot)
	_, err := f.WaitRequests("synccheck", 1, wait)
	must(t, err)
	f.Inject("synccheck", fakewechat.Always, fakewechat.Fault{Ret: fakewechat.RetTooOften})
	_, err = f.PushText("alice", "wake the held poll") // the next poll meets the fault
	must(t, err)
	time.Sleep(200 * time.Millisecond)
	f.ClearFaults()
	n := 0
	for _, r := range f.Requests("synccheck") {
		if strings.Contains(r.Answer, "1205") {
			n++
		}
	}
	t.Logf("%d synccheck calls in 0.2 s answered retcode 1205", n)
	if n < 20 {
		t.Errorf("only %d polls: the library now backs off?", n)
	}
}

func TestResumeAfterRestart(t *testing.T) {
	f := newFake(t, fakewechat.WithAutoConfirm())
	store := fakewechat.NewMemoryStorage(nil)
	bot1, stop1 := newBot(t, f)
	got1 := collect(bot1, nil)
	must(t, bot1.HotLogin(store, openwechat.NewRetryLoginOption()))
	id1, err := f.PushText("alice", "第一条")
	must(t, err)
	if s := next(t, got1); s.msg.MsgId != id1 {
		t.Fatalf("got %s", s.msg.MsgId)
	}
	stop1()
	// Written while the bot is down; the stored SyncKey is older, so a hot login gets it
	// (and only it: the library saved its SyncKey after the first).
	id2, err := f.PushText("alice", "第二条")
	must(t, err)
	store.Rewind()
	bot2, _ := newBot(t, f)
	got2 := collect(bot2, nil)
	must(t, bot2.HotLogin(store))
	if s := next(t, got2); s.msg.MsgId != id2 {
		t.Fatalf("after restart got %s %q, want %s", s.msg.MsgId, s.msg.Content, id2)
	}
	select {
	case s := <-got2:
		t.Errorf("unexpected %s %q", s.msg.MsgId, s.msg.Content)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestForcedLogout(t *testing.T) {
	f := newFake(t)
	bot, _ := newBot(t, f)
	loggedOut := make(chan struct{})
	bot.LogoutCallBack = func(*openwechat.Bot) { close(loggedOut) }
	qrLogin(t, f, bot)
	_, err := f.WaitRequests("synccheck", 1, wait)
	must(t, err)
	f.ForceLogout(fakewechat.RetLoginCheck)
	err = block(t, bot)
	var ret openwechat.Ret
	if !errors.As(err, &ret) || ret != 1101 || err.Error() != "failed login check" {
		t.Fatalf("Block = %v, want Ret 1101 failed login check", err)
	}
	select {
	case <-loggedOut:
	case <-time.After(wait):
		t.Fatal("no LogoutCallBack")
	}
}

func TestReloginNewUserNames(t *testing.T) {
	f := newFake(t)
	store := fakewechat.NewMemoryStorage(nil)
	bot1, _ := newBot(t, f)
	done := make(chan error, 1)
	go func() { done <- bot1.HotLogin(store, openwechat.NewRetryLoginOption()) }()
	p, err := f.WaitLogin(wait)
	must(t, err)
	must(t, f.Scan(p.UUID))
	must(t, f.Confirm(p.UUID))
	must(t, <-done)
	self1, _ := bot1.GetCurrentUser()
	friends1, err := self1.Friends()
	must(t, err)
	old := friends1.GetByRemarkName("CB-12").UserName
	oldGroup := f.UserName("team")

	f.ForceLogout(fakewechat.RetLoginWarn)
	_ = block(t, bot1)

	store.Rewind()
	bot2, _ := newBot(t, f)
	go func() { done <- bot2.PushLogin(store) }()
	p, err = f.WaitLogin(wait)
	must(t, err)
	must(t, f.Confirm(p.UUID))
	must(t, <-done)
	self2, _ := bot2.GetCurrentUser()
	friends2, err := self2.Friends()
	must(t, err)
	alice := friends2.GetByRemarkName("CB-12")
	if alice == nil || alice.UserName == old || alice.NickName != "王女士" || alice.UserName != f.UserName("alice") {
		t.Fatalf("after re-login alice = %v (old UserName %s)", alice, old)
	}
	if f.UserName("team") == oldGroup || !strings.HasPrefix(f.UserName("team"), "@@") {
		t.Errorf("group UserName %s (old %s)", f.UserName("team"), oldGroup)
	}
	if f.ID(old) != "alice" {
		t.Errorf("ID(old UserName) = %q", f.ID(old))
	}
	// The old address is gone.
	_, err = self2.SendTextToFriend(&openwechat.Friend{User: &openwechat.User{UserName: old}}, "还在吗")
	var ret openwechat.Ret
	if !errors.As(err, &ret) || ret != fakewechat.RetNotContact || err.Error() != "Ret(1204)" {
		t.Fatalf("send to the old UserName = %v, want Ret(1204)", err)
	}
	if _, err := alice.SendText("还在吗"); err != nil {
		t.Fatal(err)
	}
}
