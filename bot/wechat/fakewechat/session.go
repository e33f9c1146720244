package fakewechat

import (
	"strconv"
	"strings"
	"time"
)

// wireSyncKey is the SyncKey of webwxinit and webwxsync. Count must equal len(List):
// openwechat indexes a slice of Count entries with List's indexes.
type wireSyncKey struct {
	Count int
	List  []wireKeyVal
}

type wireKeyVal struct{ Key, Val int64 }

// keyBase offsets message sequence numbers in SyncKeys so they look like the service's.
const keyBase = 650000000

// makeSyncKey says "everything up to message seq has been seen".
func makeSyncKey(seq int64) wireSyncKey {
	return wireSyncKey{Count: 4, List: []wireKeyVal{
		{1, keyBase + seq}, {2, keyBase + seq}, {3, keyBase + 1}, {1000, 1700000000},
	}}
}

// seqOf reads the message position out of a SyncKey (key 1); -1 when absent.
func seqOf(k *wireSyncKey) int64 {
	if k == nil {
		return -1
	}
	for _, kv := range k.List {
		if kv.Key == 1 {
			return max(kv.Val-keyBase, 0)
		}
	}
	return -1
}

// seqOfQuery reads the position out of synccheck's synckey parameter, "1_650000003|2_…".
func seqOfQuery(q string) int64 {
	for _, part := range strings.Split(q, "|") {
		k, v, ok := strings.Cut(part, "_")
		if ok && k == "1" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err == nil {
				return max(n-keyBase, 0)
			}
		}
	}
	return -1
}

// handleInit answers webwxinit: the account, a SyncKey at the newest message, and the
// recent chats (the groups, with their members).
func (s *Server) handleInit(c *call) {
	sess, ret := s.sessionOf(c)
	if ret != 0 {
		s.answer(c, "Ret %d", ret)
		s.writeRet(c, ret, "")
		return
	}
	var body struct{ BaseRequest *baseRequest }
	c.decode(&body)
	s.mu.Lock()
	if body.BaseRequest != nil {
		sess.deviceID = body.BaseRequest.DeviceID
	}
	contacts := []wireUser{}
	for _, id := range s.order {
		if g, ok := s.groups[id]; ok {
			contacts = append(contacts, s.wireGroupLocked(sess, g, true))
		}
	}
	resp := map[string]any{
		"BaseResponse":        baseResponse{},
		"Count":               len(contacts),
		"ContactList":         contacts,
		"SyncKey":             makeSyncKey(s.seq),
		"User":                s.wireSelfLocked(sess),
		"ChatSet":             "filehelper,",
		"SKey":                sess.skey,
		"ClientVersion":       637929000,
		"SystemTime":          time.Now().Unix(),
		"GrayScale":           1,
		"InviteStartCount":    40,
		"MPSubscribeMsgCount": 0,
		"MPSubscribeMsgList":  []any{},
		"ClickReportInterval": 600000,
	}
	n := sess.n
	s.mu.Unlock()
	s.answer(c, "Ret 0, session %d", n)
	s.okJSON(c, resp)
}

// handleStatusNotify answers webwxstatusnotify. Code 3 (after login) queues the
// MsgType 51 notice the service sends at the start of a session.
func (s *Server) handleStatusNotify(c *call) {
	sess, ret := s.sessionOf(c)
	if ret != 0 {
		s.answer(c, "Ret %d", ret)
		s.writeRet(c, ret, "")
		return
	}
	var body struct{ Code int }
	c.decode(&body)
	if body.Code == 3 {
		s.mu.Lock()
		s.queueLocked(Message{Kind: kindStatusNotify, From: SelfID, To: SelfID}, sess)
		s.mu.Unlock()
	}
	s.answer(c, "Ret 0")
	s.okJSON(c, map[string]any{"BaseResponse": baseResponse{}, "MsgID": strconv.FormatInt(time.Now().UnixNano(), 10)})
}

// handleGetContact answers webwxgetcontact: friends, official accounts and groups saved
// to contacts (without their members), in pages chained by Seq when a page size is set.
func (s *Server) handleGetContact(c *call) {
	sess, ret := s.sessionOf(c)
	if ret != 0 {
		s.answer(c, "Ret %d", ret)
		s.writeRet(c, ret, "")
		return
	}
	start, _ := strconv.Atoi(c.query("seq"))
	s.mu.Lock()
	all := []wireUser{{UserName: "filehelper", NickName: "文件传输助手", ContactFlag: 3, KeyWord: "fil"}}
	for _, id := range s.order {
		if ct, ok := s.contacts[id]; ok && !ct.NotFriend {
			all = append(all, s.wireContactLocked(sess, ct))
		}
		if g, ok := s.groups[id]; ok && !g.NotInContacts {
			all = append(all, s.wireGroupLocked(sess, g, false))
		}
	}
	s.mu.Unlock()
	start = min(max(start, 0), len(all))
	end, next := len(all), 0
	if s.cfg.pageSize > 0 && start+s.cfg.pageSize < len(all) {
		end, next = start+s.cfg.pageSize, start+s.cfg.pageSize
	}
	page := all[start:end]
	s.answer(c, "%d contacts, Seq %d", len(page), next)
	s.okJSON(c, map[string]any{"BaseResponse": baseResponse{}, "MemberCount": len(page), "MemberList": page, "Seq": next})
}

// handleBatchGetContact answers webwxbatchgetcontact: details of the UserNames asked
// for, groups with their members. UserNames that name nobody in the session are left
// out.
func (s *Server) handleBatchGetContact(c *call) {
	sess, ret := s.sessionOf(c)
	if ret != 0 {
		s.answer(c, "Ret %d", ret)
		s.writeRet(c, ret, "")
		return
	}
	var body struct {
		List []struct{ UserName, EncryChatRoomId string }
	}
	c.decode(&body)
	s.mu.Lock()
	out := []wireUser{}
	for _, item := range body.List {
		id, ok := sess.ids[item.UserName]
		if !ok {
			continue
		}
		switch {
		case id == SelfID:
			out = append(out, s.wireSelfLocked(sess))
		case s.groups[id] != nil:
			out = append(out, s.wireGroupLocked(sess, s.groups[id], true))
		case s.contacts[id] != nil:
			out = append(out, s.wireContactLocked(sess, s.contacts[id]))
		default:
			if m, ok := s.strangerLocked(id); ok {
				out = append(out, s.wireStrangerLocked(sess, m))
			}
		}
	}
	s.mu.Unlock()
	s.answer(c, "%d of %d", len(out), len(body.List))
	s.okJSON(c, map[string]any{"BaseResponse": baseResponse{}, "Count": len(out), "ContactList": out})
}
