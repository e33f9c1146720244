package fakewechat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"regexp"
	"strconv"
	"time"
)

// Sent is a message the bot sent and the fake delivered.
type Sent struct {
	Endpoint     string // webwxsendmsg, webwxsendmsgimg, webwxsendappmsg, webwxsendvideomsg, webwxsendemoticon
	Type         int    // Msg.Type: 1 text, 3 image, 6 file, 43 video, 47 emoticon
	Content      string
	FromUserName string
	ToUserName   string
	LocalID      string
	ClientMsgId  string
	MediaId      string
	// To is the ID of the contact or group ToUserName named in its session ("filehelper"
	// for the file helper), ToNickName their NickName at the time.
	To         string
	ToNickName string
	MsgID      string  // what the fake answered
	Repeat     bool    // an earlier delivered send had the same ClientMsgId: a retry's duplicate
	Upload     *Upload // the uploaded media the message carries, if any
	Session    int     // the login session it was sent in, 1 for the first
	Time       time.Time
}

// Upload is media the bot uploaded through webwxuploadmedia.
type Upload struct {
	MediaId   string
	Name      string
	MediaType string // pic, video or doc, as openwechat chose
	Data      []byte
}

type partialUpload struct {
	chunks int
	parts  map[int][]byte
}

// Sent returns the messages delivered so far, in order. Sends the fake refused (an
// injected Ret, a reset before effect, Ret 1204) are not in it; Requests shows them.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// WaitSent waits until at least n messages have been delivered and returns them all.
func (s *Server) WaitSent(n int, timeout time.Duration) ([]Sent, error) {
	var out []Sent
	ok := s.await(context.Background(), timeout, func() bool {
		out = append([]Sent(nil), s.sent...)
		return len(out) >= n
	})
	if !ok {
		return out, fmt.Errorf("%w waiting for %d sent messages (got %d)", errTimeout, n, len(out))
	}
	return out, nil
}

var attachIDRegexp = regexp.MustCompile(`<attachid>(.*?)</attachid>`)

// handleSend serves the webwxsend* calls. A ToUserName that names no contact or group
// of this session (a UserName of an earlier login, a removed friend, the account
// itself) answers Ret 1204, as the service does.
func (s *Server) handleSend(c *call) {
	sess, ret := s.sessionOf(c)
	if ret != 0 {
		s.answer(c, "Ret %d", ret)
		s.writeRet(c, ret, "")
		return
	}
	var body struct {
		Msg struct {
			Type                                                    int
			Content, FromUserName, ToUserName, LocalID, ClientMsgId string
			MediaId, EMoticonMd5                                    string
		}
	}
	c.decode(&body)
	m := body.Msg
	s.mu.Lock()
	id, ok := sess.ids[m.ToUserName]
	var nick string
	switch {
	case m.ToUserName == "filehelper":
		id, ok, nick = "filehelper", true, "文件传输助手"
	case !ok || id == SelfID:
		ok = false
	case s.groups[id] != nil:
		nick = s.groups[id].NickName
	case s.contacts[id] != nil && !s.contacts[id].NotFriend:
		nick = s.contacts[id].NickName
	default:
		ok = false
	}
	if !ok || m.FromUserName != s.un(sess, SelfID) {
		s.mu.Unlock()
		s.answer(c, "Ret %d (no such contact)", RetNotContact)
		s.writeRet(c, RetNotContact, "")
		return
	}
	s.nextMsg += 1 + int64(randUint32()%1000)
	sent := Sent{
		Endpoint: c.endpoint, Type: m.Type, Content: m.Content, FromUserName: m.FromUserName, ToUserName: m.ToUserName,
		LocalID: m.LocalID, ClientMsgId: m.ClientMsgId, MediaId: m.MediaId, To: id, ToNickName: nick,
		MsgID: strconv.FormatInt(s.nextMsg, 10), Session: sess.n, Time: time.Now(),
	}
	media := m.MediaId
	if media == "" {
		if sm := attachIDRegexp.FindStringSubmatch(m.Content); sm != nil {
			media = sm[1]
		}
	}
	if u, ok := s.uploads[media]; ok {
		cp := *u
		sent.Upload = &cp
	}
	for _, e := range s.sent {
		if e.ClientMsgId == m.ClientMsgId && m.ClientMsgId != "" {
			sent.Repeat = true
		}
	}
	s.sent = append(s.sent, sent)
	s.wakeLocked()
	s.mu.Unlock()
	s.answer(c, "Ret 0, MsgID %s", sent.MsgID)
	s.okJSON(c, map[string]any{"BaseResponse": baseResponse{}, "MsgID": sent.MsgID, "LocalID": m.LocalID})
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// multipartFields reads the form fields of a multipart body (not the file).
func multipartFields(c *call) (map[string]string, error) {
	f, _, err := multipartForm(c)
	return f, err
}

func multipartForm(c *call) (map[string]string, []byte, error) {
	_, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil {
		return nil, nil, err
	}
	mr := multipart.NewReader(bytes.NewReader(c.body), params["boundary"])
	fields := map[string]string{}
	var file []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return fields, file, nil
		}
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, err
		}
		if p.FileName() != "" {
			file = b
		} else {
			fields[p.FormName()] = string(b)
		}
	}
}

// handleUpload serves webwxuploadmedia on the file host: chunks of one upload are
// joined, and the last chunk's answer carries the MediaId. The webwx_data_ticket field
// must be the session's (openwechat takes it from its cookie jar).
func (s *Server) handleUpload(c *call) {
	sess, ret := s.sessionOf(c)
	if ret != 0 {
		s.answer(c, "Ret %d", ret)
		s.writeRet(c, ret, "")
		return
	}
	fields, file, err := multipartForm(c)
	if err != nil || fields["webwx_data_ticket"] != sess.dataTicket {
		s.answer(c, "Ret 1 (bad form or webwx_data_ticket)")
		s.writeRet(c, RetParam, "")
		return
	}
	var req struct {
		ClientMediaId int64
		FileMd5       string
	}
	_ = json.Unmarshal([]byte(fields["uploadmediarequest"]), &req)
	chunks, _ := strconv.Atoi(fields["chunks"])
	chunk, _ := strconv.Atoi(fields["chunk"])
	chunks = max(chunks, 1)
	key := fmt.Sprintf("%d/%s", req.ClientMediaId, req.FileMd5)
	s.mu.Lock()
	p := s.parts[key]
	if p == nil {
		p = &partialUpload{chunks: chunks, parts: map[int][]byte{}}
		s.parts[key] = p
	}
	p.parts[chunk] = file
	if len(p.parts) < p.chunks {
		s.mu.Unlock()
		s.answer(c, "chunk %d of %d", chunk+1, chunks)
		s.okJSON(c, map[string]any{"BaseResponse": baseResponse{}, "MediaId": ""})
		return
	}
	var data []byte
	for i := range p.chunks {
		data = append(data, p.parts[i]...)
	}
	delete(s.parts, key)
	u := &Upload{MediaId: "@crypt_" + randHex(8) + "_" + randHex(32), Name: fields["name"], MediaType: fields["mediatype"], Data: data}
	s.uploads[u.MediaId] = u
	s.wakeLocked()
	s.mu.Unlock()
	s.answer(c, "MediaId %s (%d bytes)", u.MediaId, len(data))
	s.okJSON(c, map[string]any{"BaseResponse": baseResponse{}, "MediaId": u.MediaId, "StartPos": len(data),
		"CDNThumbImgHeight": 0, "CDNThumbImgWidth": 0, "EncryFileName": ""})
}

// handleCheckUpload serves webwxcheckupload (files over 25 MB): never seen before.
func (s *Server) handleCheckUpload(c *call) {
	_, ret := s.sessionOf(c)
	if ret != 0 {
		s.answer(c, "Ret %d", ret)
		s.writeRet(c, ret, "")
		return
	}
	s.answer(c, "Ret 0")
	s.okJSON(c, map[string]any{"BaseResponse": baseResponse{}, "MediaId": "", "AESKey": randHex(16), "Signature": randHex(16), "EncryFileName": ""})
}

// handleRevoke serves webwxrevokemsg: Ret 0, nothing changes.
func (s *Server) handleRevoke(c *call) { s.okIfLive(c) }

// handleOplog serves webwxoplog (remark names, pinning). openwechat marks
// SetRemarkNameToFriend "已经失效了" (no longer works): the fake answers Ret 0 and
// changes nothing; remarks change only through UpdateContact (the phone).
func (s *Server) handleOplog(c *call) { s.okIfLive(c) }

// handleVerifyUser serves webwxverifyuser (accepting a friend request): the person
// becomes a friend.
func (s *Server) handleVerifyUser(c *call) {
	sess, ret := s.sessionOf(c)
	if ret != 0 {
		s.answer(c, "Ret %d", ret)
		s.writeRet(c, ret, "")
		return
	}
	var body struct {
		VerifyUserList []struct{ Value, VerifyUserTicket string }
	}
	c.decode(&body)
	s.mu.Lock()
	n := 0
	for _, v := range body.VerifyUserList {
		if id, ok := sess.ids[v.Value]; ok {
			if ct, ok := s.contacts[id]; ok {
				ct.NotFriend = false
				n++
			}
		}
	}
	s.wakeLocked()
	s.mu.Unlock()
	if n == 0 {
		s.answer(c, "Ret %d (nobody to verify)", RetParam)
		s.writeRet(c, RetParam, "")
		return
	}
	s.answer(c, "Ret 0, %d new friends", n)
	s.okJSON(c, map[string]any{"BaseResponse": baseResponse{}})
}

func (s *Server) okIfLive(c *call) {
	if _, ret := s.sessionOf(c); ret != 0 {
		s.answer(c, "Ret %d", ret)
		s.writeRet(c, ret, "")
		return
	}
	s.answer(c, "Ret 0")
	s.okJSON(c, map[string]any{"BaseResponse": baseResponse{}})
}
