// Package fakewecom is a loopback fake of the WeCom customer service
// (微信客服) API, for tests: the endpoints complaintbot calls, with the
// JSON shapes of the official documentation and of silenceper/wechat/v2's
// work/kf package (whose own client is tested against it), and the
// encrypted, signed callbacks WeCom posts to a business.
//
// Endpoints, under URL():
//
//	GET  /cgi-bin/gettoken?corpid=&corpsecret=      → access_token, expires_in
//	POST /cgi-bin/kf/sync_msg?access_token=         → next_cursor, has_more, msg_list
//	POST /cgi-bin/kf/send_msg?access_token=         → msgid (text, msgmenu, …)
//	POST /cgi-bin/kf/send_msg_on_event?access_token= → msgid (the welcome code, once, 20 s)
//	POST /cgi-bin/kf/customer/batchget?access_token= → customer_list
//	POST /cgi-bin/kf/service_state/get?access_token= → service_state, servicer_userid
//	POST /cgi-bin/kf/service_state/trans?access_token= → msg_code (state 4: the closing code, once, 20 s)
//
// It enforces what the real service enforces and complaintbot must
// respect: a reply only within 48 hours of the customer's last message and
// at most 5 until they write again (errcode 95018 past the window, 95001
// over the count: the values the research notes give; Tencent's own table
// words them as session-state refusals), a welcome code used once within
// 20 s, access tokens that expire (42001) or are wrong (40014), and sync
// tokens valid 10 minutes, and each customer's session state: a customer's
// message after an ended session starts a new one (0), the API's reply
// makes it the API's (1), trans hands it to a servicer listed with
// WithServicer (3, anyone else: 95014) or ends it (4, with a closing
// msg_code); send_msg is refused while a servicer holds the session
// (95018) and once it ended (95013), until the customer writes again. Its clock is its own (Advance), so tests can
// travel in time.
//
// Customers act through methods (Text, MenuClick, Image, EnterSession, …)
// that add to the message log sync_msg pages through; Notify then posts
// the callback WeCom would send, encrypted and signed with the SDK's own
// helpers (util.EncryptMsg, util.Signature).
package fakewecom
