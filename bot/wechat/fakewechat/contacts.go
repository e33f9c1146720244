package fakewechat

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// SelfID is the ID of the logged-in account itself: use it as Message.From for the
// account's own messages sent from the phone, and in Group.Members to give the account
// a display name in a group.
const SelfID = "self"

// Contact is a person as the account's phone knows them. ID is the test's own stable
// key and never goes on the wire; on the wire a contact is a UserName that the fake
// makes up anew for every login session, as the real service does.
type Contact struct {
	ID         string
	NickName   string
	RemarkName string // set by staff on the phone; the bot's own webwxoplog does not change it
	// AvatarSeq is the seq parameter of HeadImgUrl, which openwechat's AvatarID()
	// returns; it changes when the person changes their picture. Empty: derived from ID.
	AvatarSeq   string
	Sex         int // 1 male, 2 female
	Province    string
	City        string
	Signature   string
	AttrStatus  int64
	ContactFlag int // 0 means 3, an ordinary friend
	VerifyFlag  int // 0 for people; 8, 24 or 136 for official accounts
	// NotFriend marks someone the fake knows (a group member, someone asking to be a
	// friend) who is not in the account's contacts: absent from webwxgetcontact, and
	// sends to them answer Ret 1204.
	NotFriend bool
}

// Group is a group chat the account is in.
type Group struct {
	ID       string
	NickName string
	// Members lists the members besides the account, which is added at the end unless
	// listed (with ID SelfID) to give it a DisplayName.
	Members []GroupMember
	// NotInContacts marks a group not saved to the address book: webwxgetcontact omits
	// it (so Self.Groups() does not find it) and the library learns of it only through
	// webwxbatchgetcontact when one of its messages arrives.
	NotInContacts bool
}

// GroupMember is one member of a group.
type GroupMember struct {
	ID          string // a Contact's ID, SelfID, or an ID of the fake's choosing for a stranger
	NickName    string // for strangers only: a Contact's NickName comes from the Contact
	DisplayName string // the member's name in this group (群昵称), often empty
}

// AddContact adds a person to the account's phone. IDs are unique across contacts and
// groups.
func (s *Server) AddContact(c Contact) error {
	if c.ID == "" || c.ID == SelfID {
		return fmt.Errorf("fakewechat: contact ID %q is not allowed", c.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.knownLocked(c.ID) {
		return fmt.Errorf("fakewechat: ID %q is taken", c.ID)
	}
	if c.AvatarSeq == "" {
		c.AvatarSeq = avatarSeq(c.ID)
	}
	s.contacts[c.ID] = &c
	s.order = append(s.order, c.ID)
	s.wakeLocked()
	return nil
}

// UpdateContact changes a person as if on the phone (a new remark by staff, a new
// nickname or picture by the person). The change shows in the next webwxgetcontact or
// webwxbatchgetcontact; the library keeps its cached copy until it asks again.
func (s *Server) UpdateContact(id string, change func(*Contact)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.contacts[id]
	if !ok {
		return fmt.Errorf("fakewechat: no contact %q", id)
	}
	change(c)
	c.ID = id
	s.wakeLocked()
	return nil
}

// RemoveContact deletes a person (the friendship ended): sends to their UserName answer
// Ret 1204 from then on.
func (s *Server) RemoveContact(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.contacts[id]; !ok {
		return fmt.Errorf("fakewechat: no contact %q", id)
	}
	delete(s.contacts, id)
	s.dropOrderLocked(id)
	s.wakeLocked()
	return nil
}

// AddGroup adds a group the account is in.
func (s *Server) AddGroup(g Group) error {
	if g.ID == "" || g.ID == SelfID {
		return fmt.Errorf("fakewechat: group ID %q is not allowed", g.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.knownLocked(g.ID) {
		return fmt.Errorf("fakewechat: ID %q is taken", g.ID)
	}
	g.Members = append([]GroupMember(nil), g.Members...)
	s.groups[g.ID] = &g
	s.order = append(s.order, g.ID)
	s.wakeLocked()
	return nil
}

// UpdateGroup changes a group (its name, its members).
func (s *Server) UpdateGroup(id string, change func(*Group)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[id]
	if !ok {
		return fmt.Errorf("fakewechat: no group %q", id)
	}
	change(g)
	g.ID = id
	s.wakeLocked()
	return nil
}

// Contact returns the person with this ID as the fake now knows them.
func (s *Server) Contact(id string) (Contact, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == SelfID {
		return s.self, true
	}
	c, ok := s.contacts[id]
	if !ok {
		return Contact{}, false
	}
	return *c, true
}

// UserName returns the UserName of a contact, group, stranger or SelfID in the current
// login session, or "" when nobody is logged in or the ID is unknown.
func (s *Server) UserName(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil || !s.knownLocked(id) {
		return ""
	}
	return s.un(s.current, id)
}

// ID returns the ID a UserName stands for in any login session so far, or "".
func (s *Server) ID(userName string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sess := range s.sessions {
		if id, ok := sess.ids[userName]; ok {
			return id
		}
	}
	return ""
}

func (s *Server) knownLocked(id string) bool {
	if id == SelfID {
		return true
	}
	if _, ok := s.contacts[id]; ok {
		return true
	}
	if _, ok := s.groups[id]; ok {
		return true
	}
	_, ok := s.strangerLocked(id)
	return ok
}

// strangerLocked finds a group member who is not a contact.
func (s *Server) strangerLocked(id string) (GroupMember, bool) {
	for _, gid := range s.order {
		g, ok := s.groups[gid]
		if !ok {
			continue
		}
		for _, m := range g.Members {
			if m.ID == id {
				if _, isContact := s.contacts[id]; !isContact && id != SelfID {
					return m, true
				}
			}
		}
	}
	return GroupMember{}, false
}

func (s *Server) dropOrderLocked(id string) {
	for i, o := range s.order {
		if o == id {
			s.order = append(s.order[:i], s.order[i+1:]...)
			return
		}
	}
}

// membersLocked returns a group's members with the account last, unless listed.
func (s *Server) membersLocked(g *Group) []GroupMember {
	ms := append([]GroupMember(nil), g.Members...)
	for _, m := range ms {
		if m.ID == SelfID {
			return ms
		}
	}
	return append(ms, GroupMember{ID: SelfID})
}

func (s *Server) isMemberLocked(g *Group, id string) bool {
	for _, m := range s.membersLocked(g) {
		if m.ID == id {
			return true
		}
	}
	return false
}

// nickNameLocked is the NickName of any known ID.
func (s *Server) nickNameLocked(id string) string {
	if id == SelfID {
		return s.self.NickName
	}
	if c, ok := s.contacts[id]; ok {
		return c.NickName
	}
	if g, ok := s.groups[id]; ok {
		return g.NickName
	}
	if m, ok := s.strangerLocked(id); ok {
		return m.NickName
	}
	return ""
}

// displayNameLocked is the name the member shows in the group: DisplayName, else NickName.
func (s *Server) displayNameLocked(g *Group, id string) string {
	for _, m := range s.membersLocked(g) {
		if m.ID == id && m.DisplayName != "" {
			return m.DisplayName
		}
	}
	return s.nickNameLocked(id)
}

// SelfMention returns "@<the account's name in the group>\u2005", the way a member's
// phone writes an @-mention of the account; openwechat's IsAt() looks for it.
func (s *Server) SelfMention(groupID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[groupID]
	if !ok {
		return "@" + s.self.NickName + "\u2005"
	}
	return "@" + s.displayNameLocked(g, SelfID) + "\u2005"
}

func avatarSeq(id string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return strconv.FormatUint(uint64(h.Sum32()%900000000+100000000), 10)
}

// wireUser is a contact as webwxinit, webwxgetcontact and webwxbatchgetcontact send it.
type wireUser struct {
	Uin              int64
	UserName         string
	NickName         string
	HeadImgUrl       string
	ContactFlag      int
	MemberCount      int
	MemberList       []wireMember
	RemarkName       string
	HideInputBarFlag int
	Sex              int
	Signature        string
	VerifyFlag       int
	OwnerUin         int
	PYInitial        string
	PYQuanPin        string
	RemarkPYInitial  string
	RemarkPYQuanPin  string
	StarFriend       int
	AppAccountFlag   int
	Statues          int
	AttrStatus       int64
	Province         string
	City             string
	Alias            string
	SnsFlag          int
	UniFriend        int
	DisplayName      string
	ChatRoomId       int
	KeyWord          string
	EncryChatRoomId  string
	IsOwner          int
}

type wireMember struct {
	Uin             int64
	UserName        string
	NickName        string
	AttrStatus      int64
	PYInitial       string
	PYQuanPin       string
	RemarkPYInitial string
	RemarkPYQuanPin string
	MemberStatus    int
	DisplayName     string
	KeyWord         string
}

func (s *Server) wireSelfLocked(sess *session) wireUser {
	return wireUser{
		Uin:        s.uin,
		UserName:   s.un(sess, SelfID),
		NickName:   s.self.NickName,
		HeadImgUrl: fmt.Sprintf("/cgi-bin/mmwebwx-bin/webwxgeticon?seq=%s&username=%s&skey=%s", s.self.AvatarSeq, s.un(sess, SelfID), sess.skey),
		Sex:        s.self.Sex,
		Signature:  s.self.Signature,
		SnsFlag:    1,
	}
}

func (s *Server) wireContactLocked(sess *session, c *Contact) wireUser {
	flag := c.ContactFlag
	if flag == 0 && !c.NotFriend {
		flag = 3
	}
	un := s.un(sess, c.ID)
	return wireUser{
		UserName:    un,
		NickName:    c.NickName,
		HeadImgUrl:  fmt.Sprintf("/cgi-bin/mmwebwx-bin/webwxgeticon?seq=%s&username=%s&skey=%s", c.AvatarSeq, un, sess.skey),
		ContactFlag: flag,
		RemarkName:  c.RemarkName,
		Sex:         c.Sex,
		Signature:   c.Signature,
		VerifyFlag:  c.VerifyFlag,
		AttrStatus:  c.AttrStatus,
		Province:    c.Province,
		City:        c.City,
		KeyWord:     keyWord(c.ID),
		SnsFlag:     17,
	}
}

func (s *Server) wireStrangerLocked(sess *session, m GroupMember) wireUser {
	un := s.un(sess, m.ID)
	return wireUser{
		UserName:   un,
		NickName:   m.NickName,
		HeadImgUrl: fmt.Sprintf("/cgi-bin/mmwebwx-bin/webwxgeticon?seq=%s&username=%s&skey=%s", avatarSeq(m.ID), un, sess.skey),
		KeyWord:    keyWord(m.ID),
	}
}

// wireGroupLocked renders a group; members are listed only when withMembers (as
// webwxbatchgetcontact and webwxinit do, unlike webwxgetcontact).
func (s *Server) wireGroupLocked(sess *session, g *Group, withMembers bool) wireUser {
	un := s.un(sess, g.ID)
	ms := s.membersLocked(g)
	u := wireUser{
		UserName:        un,
		NickName:        g.NickName,
		HeadImgUrl:      fmt.Sprintf("/cgi-bin/mmwebwx-bin/webwxgetheadimg?seq=%s&username=%s&skey=%s", avatarSeq(g.ID), un, sess.skey),
		ContactFlag:     3,
		EncryChatRoomId: sess.encryChatRoomID(g.ID),
	}
	if withMembers {
		u.MemberCount = len(ms)
		u.MemberList = []wireMember{}
		for _, m := range ms {
			u.MemberList = append(u.MemberList, wireMember{
				UserName:    s.un(sess, m.ID),
				NickName:    s.nickNameLocked(m.ID),
				AttrStatus:  s.attrStatusLocked(m.ID),
				DisplayName: m.DisplayName,
				KeyWord:     keyWord(m.ID),
			})
		}
	}
	return u
}

func (s *Server) attrStatusLocked(id string) int64 {
	if c, ok := s.contacts[id]; ok {
		return c.AttrStatus
	}
	return 0
}

func keyWord(id string) string {
	if len(id) > 3 {
		return strings.ToLower(id[:3])
	}
	return strings.ToLower(id)
}

// session is one web login: its credentials and the UserNames it gives everyone.
type session struct {
	n          int
	sid        string
	skey       string
	passTicket string
	dataTicket string
	authTicket string
	deviceID   string
	names      map[string]string // ID → UserName
	ids        map[string]string // UserName → ID
	encry      map[string]string // group ID → EncryChatRoomId
	ended      bool
	endRet     int
}

func (sess *session) encryChatRoomID(groupID string) string {
	if e, ok := sess.encry[groupID]; ok {
		return e
	}
	e := "@" + randHex(16)
	sess.encry[groupID] = e
	return e
}

// newSessionLocked starts a login session, ending the current one (the service allows
// one web login per account: the old one gets retcode 1101).
func (s *Server) newSessionLocked() *session {
	if s.current != nil && !s.current.ended {
		s.current.ended = true
		s.current.endRet = RetLoginCheck
	}
	sess := &session{
		n:          len(s.sessions) + 1,
		sid:        randHex(8),
		skey:       "@crypt_" + randHex(4) + "_" + randHex(16),
		passTicket: randHex(24),
		dataTicket: randHex(20),
		authTicket: randHex(20),
		names:      map[string]string{},
		ids:        map[string]string{},
		encry:      map[string]string{},
	}
	s.un(sess, SelfID)
	s.sessions = append(s.sessions, sess)
	s.current = sess
	s.wakeLocked()
	return sess
}

// un is the UserName of id in sess, made up on first use: "@@" and 64 hex digits for a
// group, "@" and 32 for anyone else. s.mu must be held.
func (s *Server) un(sess *session, id string) string {
	if u, ok := sess.names[id]; ok {
		return u
	}
	var u string
	if _, isGroup := s.groups[id]; isGroup {
		u = "@@" + randHex(32)
	} else {
		u = "@" + randHex(16)
	}
	sess.names[id] = u
	sess.ids[u] = id
	return u
}
