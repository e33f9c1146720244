// Package fakewechat is a fake of WeChat's web (desktop/UOS) protocol, good enough for
// the real github.com/eatmoreapple/openwechat v1.4.10 client to log in, sync, receive
// and send through it. It runs in-process on a loopback httptest.Server; Rewrite (a
// production-safe file of its own) sends every request the library makes to it.
//
// # What it fakes
//
//   - Login three ways: QR code (jslogin, the login long poll answering 408, 201 with
//     an avatar, 200 with redirect_uri, 400 when expired; the test plays the phone with
//     WaitLogin, Scan, Confirm, Expire, or WithAutoConfirm), push login
//     (webwxpushloginurl, confirmed on the phone), hot login from stored data
//     (SeedHotLogin, or whatever the library wrote into a MemoryStorage).
//     webwxnewloginpage answers the XML credentials and domain-wide cookies, and
//     refuses logins without openwechat's desktop headers with ret 1203 unless
//     WithWebLogin.
//   - Sessions as the service has them: every new login (QR or push) gives every
//     contact, group and the account a new UserName and ends the previous session
//     (retcode 1101); a hot login resumes its session and its SyncKey. NickName,
//     RemarkName and AvatarSeq stay; the test's own IDs never go on the wire.
//   - webwxinit, webwxstatusnotify (and the MsgType 51 notice it causes),
//     webwxgetcontact (friends and saved groups, paged by Seq with
//     WithContactPageSize), webwxbatchgetcontact (groups with members and their
//     DisplayName), head images, webwxlogout, ForceLogout (retcode 1100/1101/1102).
//   - Sync: synccheck held like a long poll (selector 0 after WithLongPoll, 2 as soon
//     as a message waits), webwxsync with AddMsgList and a new SyncKey, positioned by
//     the client's SyncKey, so a hot login from older data gets what it missed and a
//     message the library acknowledged is never sent again (openwechat saves its
//     SyncKey before running handlers). Push renders text, group text with the
//     "@member:<br/>" prefix and @-mentions, images, voice, video, emoticons, files,
//     links, locations, quotes (two forms: an AppMsgType 57 <refermsg>, or the plain-text
//     form), system notices (pats), recalls, friend requests, and the account's own
//     messages from the phone; webwxgetmsgimg, webwxgetvoice, webwxgetvideo and
//     file.<domain>/webwxgetmedia answer their bytes.
//   - Sending: webwxsendmsg, webwxsendmsgimg, webwxsendappmsg, webwxsendvideomsg,
//     webwxsendemoticon, webwxuploadmedia (chunked; the webwx_data_ticket must match),
//     recorded in Sent with the recipient resolved from the session's UserName. A
//     UserName of another session, a removed friend or the account itself answers
//     Ret 1204, which openwechat returns as openwechat.Ret(1204) ("Ret(1204)").
//   - Faults (Inject): Ret codes such as 1205 "operate too often" or 1203, connection
//     resets before or after the request takes effect (openwechat retries 5 times in
//     all, so a lost answer means a duplicate send, marked Sent.Repeat), delays, and
//     verbatim answers (e.g. a webwxsync without SyncKey, which panics in the library's
//     goroutine: not testable in-process).
//   - A thread-safe log of every request (Requests, Count, WaitRequests) and wait
//     helpers with timeouts (WaitLogin, WaitSent, WaitDelivered), so tests never sleep.
//
// # What it does not fake
//
// TLS, the QR image (a 1×1 PNG), real media, ModContactList and contact changes pushed
// by sync (openwechat ignores them; UpdateContact shows at the next webwxgetcontact),
// group creation and membership calls, webwxoplog effects (the remark call answers
// Ret 0 and changes nothing: openwechat marks it "已经失效了"), revocation effects, rate
// limits and bans beyond what is injected, message history for a fresh login. Where the
// real answers are not known the fake says so in the method's comment (webwxlogout's
// body, whether cookies are checked: WithCookieCheck, the text layout of quotes).
//
// # Using it
//
// Stop a bot by cancelling the context given to NewBot (Bot.Exit races with the sync
// goroutine), before closing the fake. Bot.Block also races with a logout the server
// forces (it reads Bot.self unsynchronized); wait on bot.Context().Done() and read
// bot.CrashReason() instead. Call Sender and the like inside the MessageHandler: the
// library's caches are not safe to share with another goroutine.
//
//	func TestReply(t *testing.T) {
//		fake := fakewechat.New(fakewechat.WithAutoConfirm())
//		defer fake.Close()
//		fake.AddContact(fakewechat.Contact{ID: "alice", NickName: "王女士"})
//		ctx, cancel := context.WithCancel(context.Background())
//		defer cancel() // runs before fake.Close
//		bot := fake.NewBot(ctx) // desktop mode, no xdg-open, transport installed
//		bot.MessageHandler = func(m *openwechat.Message) {
//			if m.IsText() && m.IsSendByFriend() {
//				m.ReplyText("收到：" + m.Content)
//			}
//		}
//		if err := bot.Login(); err != nil {
//			t.Fatal(err)
//		}
//		fake.PushText("alice", "我的订单没到")
//		sent, err := fake.WaitSent(1, 5*time.Second) // sent[0].To == "alice"
//	}
package fakewechat
