package fakeslack

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a member of the workspace as users.info describes them.
type User struct {
	ID          string // U… (W… for Enterprise Grid)
	Name        string // the handle; defaults to the id in lower case
	RealName    string
	DisplayName string
	Email       string
	TZ          string // IANA zone; defaults to "America/Los_Angeles"
	TeamID      string // defaults to the fake's team; another team for a Slack Connect user
	IsBot       bool
	IsAdmin     bool
	Deleted     bool
}

// Channel is a conversation: a public or private channel, or a DM (IM) that
// conversations.open or a DirectMessage created.
type Channel struct {
	ID         string // C… (or G…) for channels, D… for DMs
	Name       string // without "#"; empty for DMs
	Private    bool
	Archived   bool
	Members    []string // user ids; the bot is added unless WithoutBot
	WithoutBot bool     // the bot is not a member: posting gets not_in_channel
	IM         bool
	User       string // the other party of a DM
}

// Message is a message as the fake stores it: the bot's posts and the messages
// people wrote through the payload builders.
type Message struct {
	Channel        string
	TS             string
	ThreadTS       string // the parent's ts for a reply; "" for a top-level message
	User           string // the author; the bot user for the bot's posts
	BotID          string // set on the bot's posts
	Text           string
	Blocks         json.RawMessage // the blocks JSON array, nil when none
	Attachments    json.RawMessage
	Metadata       json.RawMessage
	Mrkdwn         string // the mrkdwn parameter as sent ("" when absent)
	ReplyBroadcast bool
	Files          []File
	Edits          []Revision // the versions chat.update replaced, oldest first
	Deleted        bool
	Posted         time.Time
}

// Revision is an earlier version of a message, replaced by chat.update (or a
// message_changed event built by MessageChanged).
type Revision struct {
	Text     string
	Blocks   json.RawMessage
	Replaced time.Time
}

// HasAction reports whether the revision had an element with this action_id.
func (r Revision) HasAction(actionID string) bool {
	_, ok := findAction(r.Blocks, actionID)
	return ok
}

// IsReply reports whether the message is a reply in a thread.
func (m Message) IsReply() bool { return m.ThreadTS != "" && m.ThreadTS != m.TS }

// OverDisplayLimit reports whether Slack would truncate the text's display
// (more than DisplayTextLength characters).
func (m Message) OverDisplayLimit() bool {
	return utf8.RuneCountInString(m.Text) > DisplayTextLength
}

// HasAction reports whether one of the message's blocks has an interactive
// element with this action_id (a button, a select…).
func (m Message) HasAction(actionID string) bool {
	_, ok := findAction(m.Blocks, actionID)
	return ok
}

// Ephemeral is a message only one user saw: chat.postEphemeral, an ack payload
// of a slash command, or a response_url post that was not in_channel.
type Ephemeral struct {
	Channel  string
	User     string
	TS       string
	ThreadTS string
	Text     string
	Blocks   json.RawMessage
	Via      string // "chat.postEphemeral", "ack" or "response_url"
	Posted   time.Time
}

// View is a modal or an App Home view.
type View struct {
	ID              string
	Type            string // "modal" or "home"
	User            string // whose view it is
	CallbackID      string
	PrivateMetadata string
	ExternalID      string
	Hash            string
	RootViewID      string
	PreviousViewID  string
	Blocks          json.RawMessage
	JSON            json.RawMessage // the view object as views.* last returned it
	Errors          map[string]string
	Updates         int  // how many times views.update, views.publish or an ack replaced it
	Closed          bool // a modal that was submitted, cleared or closed
}

// File is an uploaded file, served at URLPrivate to the bot token.
type File struct {
	ID                 string // F…; assigned by AddFile when empty
	Name               string
	Title              string
	Mimetype           string
	Filetype           string
	User               string
	Content            []byte
	Size               int    // set by AddFile
	URLPrivate         string // set by AddFile
	URLPrivateDownload string // set by AddFile
	Created            time.Time
}

// Response is a POST to a response_url.
type Response struct {
	URL  string
	Body json.RawMessage
	Time time.Time
}

type channel struct {
	Channel
	created    time.Time
	messages   []*Message
	ephemerals []Ephemeral
}

type trigger struct {
	user   string
	issued time.Time
	used   bool
}

// AddUser adds (or replaces) a workspace user.
func (f *Server) AddUser(u User) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addUserLocked(u)
	f.notifyLocked()
}

func (f *Server) addUserLocked(u User) {
	if u.Name == "" {
		u.Name = strings.ToLower(u.ID)
	}
	if u.TZ == "" {
		u.TZ = "America/Los_Angeles"
	}
	if u.TeamID == "" {
		u.TeamID = f.cfg.teamID
	}
	if _, ok := f.users[u.ID]; !ok {
		f.userOrder = append(f.userOrder, u.ID)
	}
	f.users[u.ID] = &u
}

// User returns a user of the workspace.
func (f *Server) User(id string) (User, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[id]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// AddChannel adds (or replaces) a channel.
func (f *Server) AddChannel(ch Channel) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addChannelLocked(ch)
	f.notifyLocked()
}

func (f *Server) addChannelLocked(ch Channel) *channel {
	ch.Members = slices.Clone(ch.Members)
	if !ch.WithoutBot && !ch.IM && !slices.Contains(ch.Members, f.cfg.botUserID) {
		ch.Members = append(ch.Members, f.cfg.botUserID)
	}
	c := &channel{Channel: ch, created: time.Now()}
	if old, ok := f.channels[ch.ID]; ok {
		c.messages, c.ephemerals, c.created = old.messages, old.ephemerals, old.created
	}
	f.channels[ch.ID] = c
	return c
}

// Channel returns a channel, with its current members.
func (f *Server) Channel(id string) (Channel, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.channels[id]
	if !ok {
		return Channel{}, false
	}
	ch := c.Channel
	ch.Members = slices.Clone(ch.Members)
	return ch, true
}

// AddMember makes user a member of the channel (what member_joined_channel
// reports); MemberJoined does this too.
func (f *Server) AddMember(channelID, user string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.channels[channelID]; ok && !slices.Contains(c.Members, user) {
		c.Members = append(c.Members, user)
		if user == f.cfg.botUserID {
			c.WithoutBot = false
		}
	}
	f.notifyLocked()
}

// RemoveMember removes user from the channel; MemberLeft does this too.
func (f *Server) RemoveMember(channelID, user string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.channels[channelID]; ok {
		c.Members = slices.DeleteFunc(c.Members, func(m string) bool { return m == user })
		if user == f.cfg.botUserID {
			c.WithoutBot = true
		}
	}
	f.notifyLocked()
}

// ArchiveChannel archives a channel: posting to it gets is_archived.
func (f *Server) ArchiveChannel(channelID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.channels[channelID]; ok {
		c.Archived = true
	}
	f.notifyLocked()
}

// DMChannel returns the id of the DM between the bot and user, creating it
// when needed; it is the same id conversations.open returns.
func (f *Server) DMChannel(user string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := f.dmLocked(user)
	f.notifyLocked()
	return id
}

func (f *Server) dmLocked(user string) string {
	if id, ok := f.dms[user]; ok {
		return id
	}
	id := "D" + user
	if len(user) > 1 && (user[0] == 'U' || user[0] == 'W') {
		id = "D" + user[1:]
	}
	f.dms[user] = id
	f.addChannelLocked(Channel{ID: id, IM: true, User: user, Members: []string{user, f.cfg.botUserID}})
	return id
}

// Messages returns every message of the channel in the order they were
// posted, replies and deleted messages included.
func (f *Server) Messages(channelID string) []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.channels[channelID]
	if !ok {
		return nil
	}
	out := make([]Message, 0, len(c.messages))
	for _, m := range c.messages {
		out = append(out, m.copy())
	}
	return out
}

// Message returns one message of the channel by its ts.
func (f *Server) Message(channelID, ts string) (Message, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.messageLocked(channelID, ts)
	if m == nil {
		return Message{}, false
	}
	return m.copy(), true
}

// Thread returns the replies to the message ts of the channel, oldest first.
func (f *Server) Thread(channelID, ts string) []Message {
	var out []Message
	for _, m := range f.Messages(channelID) {
		if m.ThreadTS == ts && m.TS != ts {
			out = append(out, m)
		}
	}
	return out
}

// Ephemerals returns the ephemeral messages shown in the channel.
func (f *Server) Ephemerals(channelID string) []Ephemeral {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.channels[channelID]
	if !ok {
		return nil
	}
	return slices.Clone(c.ephemerals)
}

// WaitMessage waits until the channel has a message for which match returns
// true (any message when match is nil) and returns it.
func (f *Server) WaitMessage(channelID string, match func(Message) bool) Message {
	f.tb.Helper()
	var found Message
	f.WaitUntil("a matching message in "+channelID, func() bool {
		for _, m := range f.Messages(channelID) {
			if match == nil || match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// WaitEphemeral waits until the channel shows an ephemeral message for which
// match returns true (any when match is nil) and returns it.
func (f *Server) WaitEphemeral(channelID string, match func(Ephemeral) bool) Ephemeral {
	f.tb.Helper()
	var found Ephemeral
	f.WaitUntil("a matching ephemeral message in "+channelID, func() bool {
		for _, e := range f.Ephemerals(channelID) {
			if match == nil || match(e) {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

// View returns a view by id.
func (f *Server) View(id string) (View, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.views[id]
	if !ok {
		return View{}, false
	}
	return v.copy(), true
}

// HomeView returns the App Home view last published for user.
func (f *Server) HomeView(user string) (View, bool) {
	f.mu.Lock()
	id, ok := f.homes[user]
	f.mu.Unlock()
	if !ok {
		return View{}, false
	}
	return f.View(id)
}

// Modals returns user's open modals, the root first and the top of the stack last.
func (f *Server) Modals(user string) []View {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []View
	for _, v := range f.views {
		if v.Type == "modal" && v.User == user && !v.Closed {
			out = append(out, v.copy())
		}
	}
	slices.SortFunc(out, func(a, b View) int { return strings.Compare(a.seqKey(), b.seqKey()) })
	return out
}

// WaitModal waits until user has an open modal for which match returns true
// (any when match is nil) and returns it.
func (f *Server) WaitModal(user string, match func(View) bool) View {
	f.tb.Helper()
	var found View
	f.WaitUntil("a matching modal for "+user, func() bool {
		for _, v := range f.Modals(user) {
			if match == nil || match(v) {
				found = v
				return true
			}
		}
		return false
	})
	return found
}

// AddFile stores a file and returns it with its id, size and private URLs set.
func (f *Server) AddFile(file File) File {
	f.mu.Lock()
	defer f.mu.Unlock()
	if file.ID == "" {
		file.ID = f.idLocked("F")
	}
	if file.Name == "" {
		file.Name = file.ID
	}
	if file.Title == "" {
		file.Title = file.Name
	}
	if file.Mimetype == "" {
		file.Mimetype = "application/octet-stream"
	}
	if file.Filetype == "" {
		file.Filetype = "binary"
		if i := strings.LastIndexByte(file.Name, '.'); i >= 0 {
			file.Filetype = strings.ToLower(file.Name[i+1:])
		}
	}
	if file.Created.IsZero() {
		file.Created = time.Now()
	}
	file.Size = len(file.Content)
	file.URLPrivate = f.srv.URL + "/files-pri/" + f.cfg.teamID + "-" + file.ID + "/" + file.Name
	file.URLPrivateDownload = f.srv.URL + "/files-pri/" + f.cfg.teamID + "-" + file.ID + "/download/" + file.Name
	f.files[file.ID] = &file
	f.notifyLocked()
	return file
}

// Responses returns the posts to response_urls, oldest first.
func (f *Server) Responses() []Response {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.responses)
}

func (f *Server) messageLocked(channelID, ts string) *Message {
	c, ok := f.channels[channelID]
	if !ok {
		return nil
	}
	for _, m := range c.messages {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

func (m *Message) copy() Message {
	c := *m
	c.Edits = slices.Clone(m.Edits)
	c.Files = slices.Clone(m.Files)
	return c
}

func (v *View) copy() View {
	c := *v
	if v.Errors != nil {
		c.Errors = map[string]string{}
		for k, e := range v.Errors {
			c.Errors[k] = e
		}
	}
	return c
}

// seqKey orders views by creation: ids carry a sequence number in their first
// four characters after "V".
func (v View) seqKey() string {
	if len(v.ID) >= 5 {
		return v.ID[1:5]
	}
	return v.ID
}
