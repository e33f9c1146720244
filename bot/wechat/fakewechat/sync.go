package fakewechat

import (
	"context"
	"crypto/md5"
	"fmt"
	"html"
	"maps"
	"strconv"
	"strings"
	"time"
)

// Kind is what a pushed message is.
type Kind int

const (
	KindText          Kind = iota // MsgType 1
	KindImage                     // MsgType 3; webwxgetmsgimg answers Data
	KindVoice                     // MsgType 34; webwxgetvoice answers Data
	KindVideo                     // MsgType 43; webwxgetvideo answers Data
	KindEmoticon                  // MsgType 47; webwxgetmsgimg answers Data
	KindFile                      // MsgType 49, AppMsgType 6; file.<domain>/webwxgetmedia answers Data
	KindLink                      // MsgType 49, AppMsgType 5 (an article or a link)
	KindLocation                  // MsgType 1, SubMsgType 48 with an apis.map.qq.com Url, as openwechat's IsLocation expects
	KindQuote                     // MsgType 49, AppMsgType 57 with a <refermsg> (引用)
	KindQuoteText                 // MsgType 1: "「name：quoted」\n- - - - - - - - - - - - - - -\nreply" (see the package doc)
	KindSystem                    // MsgType 10000: a notice ("…拍了拍我", "你已添加了…")
	KindRecall                    // MsgType 10002: RecalledID was withdrawn
	KindFriendRequest             // MsgType 37 from "fmessage": From (a NotFriend contact) asks to be a friend
	kindStatusNotify              // MsgType 51, queued by webwxstatusnotify
)

// Message is a message for the fake to deliver to the bot through synccheck/webwxsync.
// The fake renders it with the UserNames of the session that fetches it.
type Message struct {
	Kind Kind
	// From is the sender's ID: a friend, a member of Group, or SelfID for a message the
	// account sent from the phone or another device (to To, or in Group).
	From  string
	To    string
	Group string
	// Text is the words: of a text or system message, the title of a link or file, the
	// reply of a quote, the label of a location, the greeting of a friend request.
	Text string
	// AtSelf, in a group, puts SelfMention(Group) before Text.
	AtSelf     bool
	URL        string  // KindLink
	FileName   string  // KindFile; default "file.txt"
	Data       []byte  // media bytes for the download endpoint; default a few bytes
	QuotedID   string  // KindQuote: the MsgId quoted
	QuotedText string  // KindQuote, KindQuoteText: the words quoted
	QuotedName string  // KindQuote, KindQuoteText: who said them (display name)
	RecalledID string  // KindRecall
	Lat, Lng   float64 // KindLocation
	// Raw fields replace rendered ones in the AddMsgList entry, for anything else.
	Raw map[string]any
}

type queued struct {
	seq       int64
	id        string
	m         Message
	created   time.Time
	only      *session // delivered only to this session (nil: to any)
	mediaID   string
	delivered int
}

// Push queues m and wakes held synccheck polls. It returns the MsgId the bot will see.
// A message queued while no session is live reaches only a hot login that resumes
// from an older SyncKey, as with the service.
func (s *Server) Push(m Message) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkLocked(m); err != nil {
		return "", err
	}
	return s.queueLocked(m, nil).id, nil
}

// PushText has friend from write text to the account.
func (s *Server) PushText(from, text string) (string, error) {
	return s.Push(Message{Kind: KindText, From: from, Text: text})
}

// PushGroupText has member from write text in group.
func (s *Server) PushGroupText(group, from, text string) (string, error) {
	return s.Push(Message{Kind: KindText, Group: group, From: from, Text: text})
}

func (s *Server) checkLocked(m Message) error {
	if m.Kind < KindText || m.Kind >= kindStatusNotify {
		return fmt.Errorf("fakewechat: unknown message kind %d", m.Kind)
	}
	if m.Group != "" {
		g, ok := s.groups[m.Group]
		if !ok {
			return fmt.Errorf("fakewechat: no group %q", m.Group)
		}
		if !s.isMemberLocked(g, m.From) {
			return fmt.Errorf("fakewechat: %q is not a member of group %q", m.From, m.Group)
		}
		if m.Kind == KindFriendRequest {
			return fmt.Errorf("fakewechat: a friend request is not said in a group")
		}
		return nil
	}
	if m.From == SelfID {
		if _, ok := s.contacts[m.To]; !ok && m.To != "filehelper" {
			return fmt.Errorf("fakewechat: a message from the account needs To, a contact (got %q)", m.To)
		}
		return nil
	}
	c, ok := s.contacts[m.From]
	switch {
	case !ok:
		return fmt.Errorf("fakewechat: no contact %q", m.From)
	case m.Kind == KindFriendRequest && !c.NotFriend:
		return fmt.Errorf("fakewechat: %q is a friend already", m.From)
	case m.Kind != KindFriendRequest && c.NotFriend:
		return fmt.Errorf("fakewechat: %q is not a friend and cannot write privately", m.From)
	}
	return nil
}

func (s *Server) queueLocked(m Message, only *session) *queued {
	s.seq++
	s.nextMsg += 1 + int64(randUint32()%1000)
	q := &queued{seq: s.seq, id: strconv.FormatInt(s.nextMsg, 10), m: m, created: time.Now(), only: only}
	if m.Kind == KindFile {
		q.mediaID = "@crypt_" + randHex(8) + "_" + randHex(24)
	}
	s.msgs = append(s.msgs, q)
	s.wakeLocked()
	return q
}

// WaitDelivered waits until a webwxsync answer has carried message id to the bot.
func (s *Server) WaitDelivered(id string, timeout time.Duration) error {
	ok := s.await(context.Background(), timeout, func() bool {
		for _, q := range s.msgs {
			if q.id == id {
				return q.delivered > 0
			}
		}
		return false
	})
	if !ok {
		return fmt.Errorf("%w waiting for message %s to be delivered", errTimeout, id)
	}
	return nil
}

// pendingLocked lists the messages after seq that sess may see.
func (s *Server) pendingLocked(sess *session, seq int64) []*queued {
	var out []*queued
	for i := len(s.msgs) - 1; i >= 0 && s.msgs[i].seq > seq; i-- {
		if q := s.msgs[i]; q.only == nil || q.only == sess {
			out = append(out, q)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// handleSyncCheck serves the synccheck long poll: selector 2 as soon as a message is
// waiting for the SyncKey in the query, selector 0 after the hold, the session's
// retcode when it ends.
func (s *Server) handleSyncCheck(c *call) {
	sess, ret := s.sessionOf(c)
	if ret != 0 {
		s.answer(c, "retcode %d", ret)
		s.writeRet(c, ret, "")
		return
	}
	seq := seqOfQuery(c.query("synckey"))
	if seq < 0 {
		s.mu.Lock()
		seq = s.seq
		s.mu.Unlock()
	}
	var news bool
	s.await(c.r.Context(), s.cfg.longPoll, func() bool {
		news = len(s.pendingLocked(sess, seq)) > 0
		return sess.ended || news
	})
	s.mu.Lock()
	ended, endRet := sess.ended, sess.endRet
	s.mu.Unlock()
	switch {
	case ended:
		s.answer(c, "retcode %d", endRet)
		s.writeRet(c, endRet, "")
	case news:
		s.answer(c, "selector 2")
		writeText(c, `window.synccheck={retcode:"0",selector:"2"}`)
	default:
		s.answer(c, "selector 0")
		writeText(c, `window.synccheck={retcode:"0",selector:"0"}`)
	}
}

// handleSync answers webwxsync with the messages after the SyncKey in the body, and a
// new SyncKey (always: openwechat dereferences it without a check).
func (s *Server) handleSync(c *call) {
	sess, ret := s.sessionOf(c)
	if ret != 0 {
		s.answer(c, "Ret %d", ret)
		s.writeRet(c, ret, "")
		return
	}
	var body struct{ SyncKey *wireSyncKey }
	c.decode(&body)
	s.mu.Lock()
	seq := seqOf(body.SyncKey)
	if seq < 0 || seq > s.seq {
		seq = s.seq
	}
	list := []wireMsg{}
	for _, q := range s.pendingLocked(sess, seq) {
		list = append(list, s.renderLocked(sess, q))
		q.delivered++
	}
	key := makeSyncKey(s.seq)
	s.wakeLocked()
	s.mu.Unlock()
	s.answer(c, "%d messages", len(list))
	s.okJSON(c, map[string]any{
		"BaseResponse": baseResponse{}, "AddMsgCount": len(list), "AddMsgList": list,
		"ModContactCount": 0, "ModContactList": []any{}, "DelContactCount": 0, "DelContactList": []any{},
		"ModChatRoomMemberCount": 0, "ModChatRoomMemberList": []any{},
		"Profile": map[string]any{}, "ContinueFlag": 0, "SyncKey": key, "SyncCheckKey": key, "SKey": "",
	})
}

type wireMsg map[string]any

// enc writes text the way the service does in Content: HTML-escaped, newlines as <br/>.
// openwechat undoes both.
func enc(text string) string {
	return strings.ReplaceAll(html.EscapeString(text), "\n", "<br/>")
}

func xmlEscape(s string) string { return html.EscapeString(s) }

func (s *Server) renderLocked(sess *session, q *queued) wireMsg {
	m := q.m
	self := s.un(sess, SelfID)
	from, to := "", self
	switch {
	case m.From == SelfID && m.Group != "":
		from, to = self, s.un(sess, m.Group)
	case m.From == SelfID && m.To == "filehelper":
		from, to = self, "filehelper"
	case m.From == SelfID:
		from, to = self, s.un(sess, m.To)
	case m.Group != "":
		from = s.un(sess, m.Group)
	default:
		from = s.un(sess, m.From)
	}
	sender := s.un(sess, m.From)
	data := m.Data
	if data == nil {
		data = defaultData(m.Kind)
	}
	sum := md5.Sum(data)
	w := wireMsg{
		"MsgId": q.id, "FromUserName": from, "ToUserName": to,
		"MsgType": 1, "Content": "", "Status": 3, "ImgStatus": 1, "CreateTime": q.created.Unix(),
		"VoiceLength": 0, "PlayLength": 0, "FileName": "", "FileSize": "", "MediaId": "", "Url": "",
		"AppMsgType": 0, "StatusNotifyCode": 0, "StatusNotifyUserName": "",
		"RecommendInfo": map[string]any{"UserName": "", "NickName": "", "QQNum": 0, "Province": "", "City": "",
			"Content": "", "Signature": "", "Alias": "", "Scene": 0, "VerifyFlag": 0, "AttrStatus": 0, "Sex": 0, "Ticket": "", "OpCode": 0},
		"ForwardFlag": 0, "AppInfo": map[string]any{"AppID": "", "Type": 0}, "HasProductId": 0, "Ticket": "",
		"ImgHeight": 0, "ImgWidth": 0, "SubMsgType": 0, "OriContent": "", "EncryFileName": "",
	}
	w["NewMsgId"], _ = strconv.ParseInt(q.id, 10, 64)
	text := m.Text
	if m.AtSelf && m.Group != "" {
		text = "@" + s.displayNameLocked(s.groups[m.Group], SelfID) + "\u2005" + text
	}
	var content string // wire form, before the group prefix
	switch m.Kind {
	case KindText:
		content = enc(text)
	case KindImage:
		w["MsgType"], w["ImgStatus"], w["ImgWidth"], w["ImgHeight"] = 3, 2, 120, 90
		content = enc(fmt.Sprintf("<?xml version=\"1.0\"?>\n<msg>\n\t<img aeskey=\"%s\" encryver=\"1\" cdnthumblength=\"%d\" cdnthumbheight=\"90\" cdnthumbwidth=\"120\" length=\"%d\" md5=\"%x\" />\n</msg>\n",
			randHex(16), len(data), len(data), sum))
	case KindVoice:
		w["MsgType"], w["VoiceLength"] = 34, 2000
		content = enc(fmt.Sprintf(`<msg><voicemsg endflag="1" cancelflag="0" forwardflag="0" voiceformat="4" voicelength="2000" length="%d" bufid="0" fromusername="%s" /></msg>`,
			len(data), sender))
	case KindVideo:
		w["MsgType"], w["PlayLength"], w["ImgWidth"], w["ImgHeight"] = 43, 3, 90, 160
		content = enc(fmt.Sprintf("<?xml version=\"1.0\"?>\n<msg>\n\t<videomsg aeskey=\"%s\" length=\"%d\" playlength=\"3\" cdnthumbwidth=\"90\" cdnthumbheight=\"160\" fromusername=\"%s\" md5=\"%x\" isad=\"0\" />\n</msg>\n",
			randHex(16), len(data), sender, sum))
	case KindEmoticon:
		w["MsgType"], w["ImgStatus"] = 47, 2
		content = enc(fmt.Sprintf(`<msg><emoji fromusername="%s" tousername="%s" type="2" md5="%x" len="%d" productid="" /></msg>`,
			sender, to, sum, len(data)))
	case KindFile:
		name := m.FileName
		if name == "" {
			name = "file.txt"
		}
		ext := name[strings.LastIndex(name, ".")+1:]
		w["MsgType"], w["AppMsgType"] = 49, 6
		w["FileName"], w["FileSize"], w["MediaId"], w["EncryFileName"] = name, strconv.Itoa(len(data)), q.mediaID, strings.ReplaceAll(name, ".", "%2E")
		content = enc(fmt.Sprintf("<msg><appmsg appid=\"\" sdkver=\"0\"><title>%s</title><des></des><action></action><type>6</type><content></content><url></url><lowurl></lowurl><appattach><totallen>%d</totallen><attachid>%s</attachid><fileext>%s</fileext></appattach><extinfo></extinfo></appmsg><fromusername>%s</fromusername><scene>0</scene><appinfo><version>1</version><appname></appname></appinfo><commenturl></commenturl></msg>",
			xmlEscape(name), len(data), q.mediaID, xmlEscape(ext), sender))
	case KindLink:
		w["MsgType"], w["AppMsgType"], w["FileName"], w["Url"] = 49, 5, text, m.URL
		content = enc(fmt.Sprintf("<msg><appmsg appid=\"\" sdkver=\"0\"><title>%s</title><des>%s</des><action></action><type>5</type><showtype>0</showtype><content></content><url>%s</url><lowurl></lowurl><appattach><totallen>0</totallen><attachid></attachid><fileext></fileext></appattach><extinfo></extinfo></appmsg><fromusername>%s</fromusername><scene>0</scene><appinfo><version>1</version><appname></appname></appinfo><commenturl></commenturl></msg>",
			xmlEscape(text), xmlEscape(text), xmlEscape(m.URL), sender))
	case KindLocation:
		w["SubMsgType"] = 48
		w["Url"] = fmt.Sprintf("https://apis.map.qq.com/uri/v1/geocoder?coord=%f,%f", m.Lat, m.Lng)
		content = enc(fmt.Sprintf("%s:\n/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=%s&pictype=location", text, q.id))
	case KindQuote:
		chat, fromUsr := "", sender
		if m.Group != "" {
			chat, fromUsr = sender, s.un(sess, m.Group)
		}
		w["MsgType"], w["AppMsgType"], w["FileName"] = 49, 57, text
		content = enc(fmt.Sprintf("<msg><appmsg appid=\"\" sdkver=\"0\"><title>%s</title><des></des><action>view</action><type>57</type><showtype>0</showtype><content></content><url></url><refermsg><type>1</type><svrid>%s</svrid><fromusr>%s</fromusr><chatusr>%s</chatusr><displayname>%s</displayname><content>%s</content></refermsg><appattach><totallen>0</totallen><attachid></attachid><fileext></fileext></appattach></appmsg><fromusername>%s</fromusername><scene>0</scene><appinfo><version>1</version><appname></appname></appinfo><commenturl></commenturl></msg>",
			xmlEscape(text), xmlEscape(m.QuotedID), fromUsr, chat, xmlEscape(m.QuotedName), xmlEscape(m.QuotedText), sender))
	case KindQuoteText:
		content = enc("「" + m.QuotedName + "：" + m.QuotedText + "」\n- - - - - - - - - - - - - - -\n" + text)
	case KindSystem:
		w["MsgType"] = 10000
		content = enc(text)
	case KindRecall:
		w["MsgType"] = 10002
		content = enc(fmt.Sprintf(`<sysmsg type="revokemsg"><revokemsg><session>%s</session><oldmsgid>%s</oldmsgid><msgid>%s</msgid><replacemsg><![CDATA["%s" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>`,
			from, m.RecalledID, m.RecalledID, s.nickNameLocked(m.From)))
	case KindFriendRequest:
		c := s.contacts[m.From]
		ticket := "v2_" + randHex(16) + "@stranger"
		w["MsgType"], w["FromUserName"], w["Ticket"] = 37, "fmessage", ticket
		w["RecommendInfo"] = map[string]any{"UserName": sender, "NickName": c.NickName, "QQNum": 0, "Province": c.Province, "City": c.City,
			"Content": text, "Signature": c.Signature, "Alias": "", "Scene": 30, "VerifyFlag": 0, "AttrStatus": c.AttrStatus, "Sex": c.Sex, "Ticket": ticket, "OpCode": 2}
		content = enc(fmt.Sprintf(`<msg fromusername="%s" encryptusername="v1_%s@stranger" fromnickname="%s" content="%s" fullpy="" shortpy="" imagestatus="3" scene="30" country="CN" province="%s" city="%s" sign="%s" percard="1" sex="%d" alias="" weibo="" albumflag="0" albumstyle="0" albumbgimgid="" snsflag="1" snsbgimgid="" snsbgobjectid="0" mhash="" mfullhash="" bigheadimgurl="" smallheadimgurl="" ticket="%s" opcode="2" googlecontact="" qrticket="" chatroomusername="" sourceusername="" sourcenickname=""><brandlist count="0" ver="0"></brandlist></msg>`,
			sender, randHex(16), xmlEscape(c.NickName), xmlEscape(text), xmlEscape(c.Province), xmlEscape(c.City), xmlEscape(c.Signature), c.Sex, ticket))
	case kindStatusNotify:
		var names []string
		for _, id := range s.order {
			if _, ok := s.groups[id]; ok {
				names = append(names, s.un(sess, id))
			}
		}
		w["MsgType"], w["StatusNotifyCode"], w["StatusNotifyUserName"] = 51, 4, strings.Join(names, ",")
		w["FromUserName"], w["ToUserName"] = self, self
		content = enc("<msg>\n<op id='4'>\n<username>" + strings.Join(names, ",") + "</username>\n<unreadchatlist>\n</unreadchatlist>\n<unreadfunctionlist>\n</unreadfunctionlist>\n</op>\n</msg>")
	}
	if m.Group != "" && m.From != SelfID && m.Kind != KindSystem && m.Kind != KindRecall {
		content = sender + ":<br/>" + content
	}
	w["Content"] = content
	maps.Copy(w, m.Raw)
	return w
}

// Small stand-ins for media.
var (
	tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
	tinyGIF = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
)

func defaultData(k Kind) []byte {
	switch k {
	case KindImage:
		return tinyPNG
	case KindEmoticon:
		return tinyGIF
	case KindVoice:
		return []byte("#!SILK_V3\x00fake voice")
	case KindVideo:
		return []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00fake video")
	case KindFile:
		return []byte("fake file content\n")
	}
	return nil
}

// handleDownload serves webwxgetmsgimg, webwxgetvoice, webwxgetvideo (by msgid) and
// webwxgetmedia (by mediaid, on the file host, with the webwx_data_ticket parameter).
func (s *Server) handleDownload(c *call) {
	_, ret := s.sessionOf(c)
	if ret != 0 {
		s.answer(c, "status 401 (Ret %d)", ret)
		c.w.WriteHeader(401)
		return
	}
	id := c.query("MsgID")
	if id == "" {
		id = c.query("msgid")
	}
	media := c.query("mediaid")
	s.mu.Lock()
	var found *queued
	for _, q := range s.msgs {
		if (id != "" && q.id == id) || (media != "" && q.mediaID == media) {
			found = q
		}
	}
	var data []byte
	if found != nil {
		data = found.m.Data
		if data == nil {
			data = defaultData(found.m.Kind)
		}
	}
	s.mu.Unlock()
	if found == nil {
		s.answer(c, "status 404")
		c.w.WriteHeader(404)
		return
	}
	s.answer(c, "%d bytes", len(data))
	c.w.Header().Set("Content-Type", "application/octet-stream")
	c.w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = c.w.Write(data)
}

// handleAvatar serves head images (HeadImgUrl, webwxgeticon, webwxgetheadimg).
func (s *Server) handleAvatar(c *call) {
	s.answer(c, "png")
	c.w.Header().Set("Content-Type", "image/jpeg")
	c.w.Header().Set("Content-Length", strconv.Itoa(len(tinyPNG)))
	_, _ = c.w.Write(tinyPNG)
}
