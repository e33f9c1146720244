package fakeslack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Event is an Events API event_callback: the body Slack POSTs in HTTP mode
// and the payload of an events_api envelope in Socket Mode.
type Event struct {
	ID   string          // event_id: the same on every retry, the key to dedupe on
	Type string          // the inner event's type, e.g. "message"
	Body json.RawMessage // the whole event_callback object
}

func (e Event) envelope() envelope { return envelope{typ: "events_api", payload: e.Body} }

// Interaction is an interactivity payload: block_actions, view_submission….
type Interaction struct {
	Type      string // "block_actions", "view_submission"…
	TriggerID string
	Body      json.RawMessage // the payload object (the form field "payload" in HTTP mode)
	viewID    string
}

func (i Interaction) envelope() envelope {
	return envelope{
		typ:     "interactive",
		payload: i.Body,
		accepts: i.Type == "view_submission" || i.Type == "block_suggestion",
		viewID:  i.viewID,
	}
}

// Command is a slash command invocation.
type Command struct {
	TriggerID string
	Form      url.Values // the fields, as Slack POSTs them in HTTP mode
}

func (c Command) envelope() envelope {
	obj := map[string]string{}
	for k := range c.Form {
		obj[k] = c.Form.Get(k)
	}
	return envelope{
		typ: "slash_commands", payload: mustJSON(obj), accepts: true,
		channel: c.Form.Get("channel_id"), user: c.Form.Get("user_id"),
	}
}

// MessageOption adjusts a message event built by DirectMessage, ChannelMessage
// or BotMessage.
type MessageOption func(*msgOptions)

type msgOptions struct {
	thread   string
	files    []File
	team     string
	subtype  string
	clientID string
}

// InThread makes the message a reply in the thread of the message ts.
func InThread(ts string) MessageOption { return func(o *msgOptions) { o.thread = ts } }

// WithFiles attaches files, as an upload does: the event gets subtype
// "file_share" and a files array. Files not yet stored are added with AddFile.
func WithFiles(files ...File) MessageOption {
	return func(o *msgOptions) { o.files = append(o.files, files...) }
}

// FromTeam marks the author as a member of another workspace (Slack
// Connect): user_team and source_team are set and the event is
// is_ext_shared_channel.
func FromTeam(teamID string) MessageOption { return func(o *msgOptions) { o.team = teamID } }

// WithSubtype sets the message's subtype, e.g. "bot_message" for a legacy
// integration's post or "thread_broadcast".
func WithSubtype(s string) MessageOption { return func(o *msgOptions) { o.subtype = s } }

// WithClientMsgID sets the client_msg_id a person's message carries (a new
// UUID otherwise).
func WithClientMsgID(id string) MessageOption { return func(o *msgOptions) { o.clientID = id } }

// EventCallback wraps an inner event (which must have a "type") in an
// event_callback with a new event_id, for events the other builders do not make.
func (f *Server) EventCallback(inner map[string]any) Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.callbackLocked(inner, false)
}

func (f *Server) callbackLocked(inner map[string]any, extShared bool) Event {
	id := f.idLocked("Ev")
	typ, _ := inner["type"].(string)
	body := map[string]any{
		"token":                 VerificationToken,
		"team_id":               f.cfg.teamID,
		"context_team_id":       f.cfg.teamID,
		"context_enterprise_id": nil,
		"api_app_id":            f.cfg.appID,
		"event":                 inner,
		"type":                  "event_callback",
		"event_id":              id,
		"event_time":            time.Now().Unix(),
		"authorizations": []any{map[string]any{
			"enterprise_id": nil, "team_id": f.cfg.teamID, "user_id": f.cfg.botUserID,
			"is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": extShared,
		"event_context":         "4-" + f.hexLocked(40),
	}
	return Event{ID: id, Type: typ, Body: mustJSON(body)}
}

func (f *Server) channelTypeLocked(c *channel) string {
	switch {
	case c.IM:
		return "im"
	case strings.HasPrefix(c.Name, "mpdm-"):
		return "mpim"
	case c.Private:
		return "group"
	}
	return "channel"
}

func (f *Server) richText(text string) []any {
	if text == "" {
		return nil
	}
	return []any{map[string]any{
		"type": "rich_text", "block_id": f.hexLocked(5),
		"elements": []any{map[string]any{
			"type": "rich_text_section", "elements": []any{map[string]any{"type": "text", "text": text}},
		}},
	}}
}

// DirectMessage is the message.im event of user writing text to the app in
// their DM (channel_type "im", with a client_msg_id). The message is stored
// in the DM, so Messages and Thread show it.
func (f *Server) DirectMessage(user, text string, opts ...MessageOption) Event {
	f.mu.Lock()
	dm := f.dmLocked(user)
	f.mu.Unlock()
	return f.ChannelMessage(dm, user, text, opts...)
}

// ChannelMessage is the message event of user writing text in a channel
// (message.channels, or message.groups for a private one); with InThread it
// is a reply in a thread. The message is stored in the channel.
func (f *Server) ChannelMessage(channelID, user, text string, opts ...MessageOption) Event {
	f.tb.Helper()
	var o msgOptions
	for _, opt := range opts {
		opt(&o)
	}
	for i := range o.files {
		if o.files[i].URLPrivate == "" {
			if o.files[i].User == "" {
				o.files[i].User = user
			}
			o.files[i] = f.AddFile(o.files[i])
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.notifyLocked()
	c, ok := f.channels[channelID]
	if !ok {
		f.tb.Fatalf("fakeslack: ChannelMessage: no channel %s", channelID)
	}
	ts := f.nextTSLocked()
	m := &Message{Channel: c.ID, TS: ts, ThreadTS: o.thread, User: user, Text: text, Files: o.files, Posted: time.Now()}
	c.messages = append(c.messages, m)

	ev := map[string]any{
		"type": "message", "channel": c.ID, "channel_type": f.channelTypeLocked(c),
		"user": user, "text": text, "ts": ts, "event_ts": ts, "team": f.cfg.teamID,
	}
	if o.clientID == "" {
		o.clientID = f.uuidLocked()
	}
	ev["client_msg_id"] = o.clientID
	if b := f.richText(text); b != nil {
		ev["blocks"] = b
	}
	if o.thread != "" {
		ev["thread_ts"] = o.thread
		if parent := f.messageLocked(c.ID, o.thread); parent != nil {
			ev["parent_user_id"] = parent.User
		}
	}
	if len(o.files) > 0 {
		var files []any
		for i := range o.files {
			files = append(files, f.wireFile(&o.files[i]))
		}
		ev["subtype"] = "file_share"
		ev["files"] = files
		ev["upload"] = true
		ev["display_as_bot"] = false
	}
	if o.subtype != "" {
		ev["subtype"] = o.subtype
	}
	if o.team != "" {
		ev["team"] = o.team
		ev["user_team"] = o.team
		ev["source_team"] = o.team
	}
	return f.callbackLocked(ev, o.team != "")
}

// BotMessage is the message event Slack sends an app subscribed to message
// events about the app's own post ts in the channel ("" for its latest):
// user is the bot user and bot_id, app_id and bot_profile are set, with no
// subtype (WithSubtype("bot_message") makes a legacy integration's post).
// The post must exist.
func (f *Server) BotMessage(channelID, ts string, opts ...MessageOption) Event {
	f.tb.Helper()
	var o msgOptions
	for _, opt := range opts {
		opt(&o)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var m *Message
	if c, ok := f.channels[channelID]; ok {
		for _, cm := range c.messages {
			if cm.BotID != "" && (ts == "" || cm.TS == ts) {
				m = cm
			}
		}
	}
	if m == nil {
		f.tb.Fatalf("fakeslack: BotMessage: no post %q of the bot in %s", ts, channelID)
	}
	ev := f.wireMessageLocked(m)
	ev["channel"] = m.Channel
	ev["channel_type"] = f.channelTypeLocked(f.channels[m.Channel])
	ev["event_ts"] = m.TS
	if o.subtype != "" {
		ev["subtype"] = o.subtype
		ev["username"] = f.cfg.botName
	}
	return f.callbackLocked(ev, false)
}

// MessageChanged edits the message ts of the channel to newText and returns
// the message event with subtype "message_changed", its message and
// previous_message.
func (f *Server) MessageChanged(channelID, ts, newText string) Event {
	f.tb.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.notifyLocked()
	m := f.messageLocked(channelID, ts)
	if m == nil {
		f.tb.Fatalf("fakeslack: MessageChanged: no message %s in %s", ts, channelID)
	}
	prev := f.wireMessageLocked(m)
	m.Edits = append(m.Edits, Revision{Text: m.Text, Blocks: m.Blocks, Replaced: time.Now()})
	m.Text = newText
	now := f.nextTSLocked()
	cur := f.wireMessageLocked(m)
	cur["edited"] = map[string]any{"user": m.User, "ts": now}
	if b := f.richText(newText); b != nil && m.BotID == "" {
		cur["blocks"] = b
	}
	return f.callbackLocked(map[string]any{
		"type": "message", "subtype": "message_changed", "hidden": true,
		"channel": channelID, "channel_type": f.channelTypeLocked(f.channels[channelID]),
		"ts": now, "event_ts": now, "message": cur, "previous_message": prev,
	}, false)
}

// MessageDeleted deletes the message ts of the channel and returns the
// message event with subtype "message_deleted".
func (f *Server) MessageDeleted(channelID, ts string) Event {
	f.tb.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.notifyLocked()
	m := f.messageLocked(channelID, ts)
	if m == nil {
		f.tb.Fatalf("fakeslack: MessageDeleted: no message %s in %s", ts, channelID)
	}
	m.Deleted = true
	now := f.nextTSLocked()
	return f.callbackLocked(map[string]any{
		"type": "message", "subtype": "message_deleted", "hidden": true,
		"channel": channelID, "channel_type": f.channelTypeLocked(f.channels[channelID]),
		"ts": now, "event_ts": now, "deleted_ts": ts, "previous_message": f.wireMessageLocked(m),
	}, false)
}

func (f *Server) membershipLocked(typ, channelID, user string) Event {
	c, ok := f.channels[channelID]
	if !ok {
		f.tb.Fatalf("fakeslack: %s: no channel %s", typ, channelID)
	}
	// member_joined_channel says "C" for a public channel and "G" for a private one.
	ct := "C"
	if c.Private {
		ct = "G"
	}
	ts := f.nextTSLocked()
	return f.callbackLocked(map[string]any{
		"type": typ, "user": user, "channel": c.ID, "channel_type": ct,
		"team": f.cfg.teamID, "event_ts": ts,
	}, false)
}

// MemberJoined adds user to the channel and returns member_joined_channel.
func (f *Server) MemberJoined(channelID, user string) Event {
	f.tb.Helper()
	f.AddMember(channelID, user)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.membershipLocked("member_joined_channel", channelID, user)
}

// MemberLeft removes user from the channel and returns member_left_channel.
func (f *Server) MemberLeft(channelID, user string) Event {
	f.tb.Helper()
	f.RemoveMember(channelID, user)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.membershipLocked("member_left_channel", channelID, user)
}

// AppHomeOpened is app_home_opened for user's Home tab, with the view last
// published for them, if any.
func (f *Server) AppHomeOpened(user string) Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev := map[string]any{
		"type": "app_home_opened", "user": user, "channel": f.dmLocked(user),
		"tab": "home", "event_ts": f.nextTSLocked(),
	}
	if v := f.views[f.homes[user]]; v != nil {
		ev["view"] = v.JSON
	}
	return f.callbackLocked(ev, false)
}

type hook struct {
	kind      string // "commands" or "actions"
	channel   string
	user      string
	messageTS string
}

func (f *Server) hookLocked(h hook) string {
	path := "/hooks/" + h.kind + "/" + f.cfg.teamID + "/" + f.idLocked("")[:10] + "/" + f.hexLocked(24)
	f.hooks[path] = h
	return f.srv.URL + path
}

func (f *Server) wireUserRef(user string) map[string]any {
	name := strings.ToLower(user)
	team := f.cfg.teamID
	if u, ok := f.users[user]; ok {
		name, team = u.Name, u.TeamID
	}
	return map[string]any{"id": user, "username": name, "name": name, "team_id": team}
}

func (f *Server) channelNameLocked(c *channel) string {
	switch {
	case c == nil:
		return ""
	case c.IM:
		return "directmessage"
	case c.Private:
		return "privategroup"
	}
	return c.Name
}

func (f *Server) wireAction(a Action) map[string]any {
	if a.Type == "" {
		a.Type = "button"
	}
	w := map[string]any{
		"action_id": a.ActionID, "block_id": a.BlockID, "type": a.Type, "action_ts": f.nextTSLocked(),
	}
	if a.Type == "button" {
		w["value"] = a.Value
		w["text"] = map[string]any{"type": "plain_text", "text": a.Text, "emoji": true}
	}
	if a.SelectedUser != "" {
		w["selected_user"] = a.SelectedUser
	}
	if a.SelectedOption != "" {
		w["selected_option"] = map[string]any{
			"text": map[string]any{"type": "plain_text", "text": a.SelectedOption, "emoji": true}, "value": a.SelectedOption,
		}
	}
	return w
}

func fillAction(a Action, blocks json.RawMessage) Action {
	found, ok := findAction(blocks, a.ActionID)
	if !ok {
		return a
	}
	if a.BlockID == "" {
		a.BlockID = found.BlockID
	}
	if a.Type == "" {
		a.Type = found.Type
	}
	if a.Value == "" {
		a.Value = found.Value
	}
	if a.Text == "" {
		a.Text = found.Text
	}
	return a
}

// BlockAction is the block_actions payload of user acting on an element of
// the message ts in the channel: with the message, a container, a fresh
// trigger_id and a response_url. Empty fields of a (block_id, value, text,
// type) are filled in from the element with that action_id in the message.
func (f *Server) BlockAction(user, channelID, ts string, a Action) Interaction {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.channels[channelID]
	m := f.messageLocked(channelID, ts)
	container := map[string]any{"type": "message", "message_ts": ts, "channel_id": channelID, "is_ephemeral": false}
	payload := map[string]any{}
	if m != nil {
		a = fillAction(a, m.Blocks)
		payload["message"] = f.wireMessageLocked(m)
		if m.IsReply() {
			container["thread_ts"] = m.ThreadTS
		}
	}
	trig := f.newTriggerLocked(user)
	for k, v := range map[string]any{
		"type": "block_actions", "user": f.wireUserRef(user), "api_app_id": f.cfg.appID,
		"token": VerificationToken, "container": container, "trigger_id": trig,
		"team":       map[string]any{"id": f.cfg.teamID, "domain": f.cfg.teamDomain},
		"enterprise": nil, "is_enterprise_install": false,
		"channel":      map[string]any{"id": channelID, "name": f.channelNameLocked(c)},
		"state":        map[string]any{"values": map[string]any{}},
		"response_url": f.hookLocked(hook{kind: "actions", channel: channelID, user: user, messageTS: ts}),
		"actions":      []any{f.wireAction(a)},
	} {
		payload[k] = v
	}
	return Interaction{Type: "block_actions", TriggerID: trig, Body: mustJSON(payload)}
}

// Click is BlockAction for the button (or other element) with actionID on the
// message ts, and fails the test when the message has no such element: a
// button that was removed by chat.update cannot be clicked.
func (f *Server) Click(user, channelID, ts, actionID string) Interaction {
	f.tb.Helper()
	m, ok := f.Message(channelID, ts)
	if !ok || m.Deleted {
		f.tb.Fatalf("fakeslack: Click: no message %s in %s", ts, channelID)
	}
	if !m.HasAction(actionID) {
		f.tb.Fatalf("fakeslack: Click: message %s in %s has no element %q", ts, channelID, actionID)
	}
	return f.BlockAction(user, channelID, ts, Action{ActionID: actionID})
}

// ViewAction is the block_actions payload of user acting on an element of a
// modal or App Home view; empty fields of a are filled in from the view.
func (f *Server) ViewAction(user, viewID string, a Action) Interaction {
	f.tb.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	v := f.views[viewID]
	if v == nil {
		f.tb.Fatalf("fakeslack: ViewAction: no view %s", viewID)
	}
	a = fillAction(a, v.Blocks)
	trig := f.newTriggerLocked(user)
	payload := map[string]any{
		"type": "block_actions", "user": f.wireUserRef(user), "api_app_id": f.cfg.appID,
		"token": VerificationToken, "trigger_id": trig,
		"container":  map[string]any{"type": "view", "view_id": v.ID},
		"team":       map[string]any{"id": f.cfg.teamID, "domain": f.cfg.teamDomain},
		"enterprise": nil, "is_enterprise_install": false,
		"view": v.JSON, "actions": []any{f.wireAction(a)},
		"state": map[string]any{"values": map[string]any{}},
	}
	return Interaction{Type: "block_actions", TriggerID: trig, Body: mustJSON(payload)}
}

// Values are the state of a submitted view: block_id → action_id → value.
type Values map[string]map[string]Value

// Value is one input's state. ViewSubmission sets its "type" from the view.
type Value map[string]any

// TextValue is the state of a plain_text_input.
func TextValue(s string) Value { return Value{"value": s} }

// OptionValue is the state of a static_select (or radio_buttons) with the
// option whose value is v.
func OptionValue(v string) Value {
	return Value{"selected_option": map[string]any{
		"text": map[string]any{"type": "plain_text", "text": v, "emoji": true}, "value": v,
	}}
}

// UserValue is the state of a users_select.
func UserValue(user string) Value { return Value{"selected_user": user} }

// ViewSubmission is the view_submission payload of user submitting the open
// modal viewID with values. It fails the test when the view is not open or
// has no input block and element for a value. Acking it over Socket Mode
// acts on the view (see Push); over HTTP the response body does, which the
// fake does not see.
func (f *Server) ViewSubmission(user, viewID string, values Values) Interaction {
	f.tb.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	v := f.views[viewID]
	if v == nil || v.Closed || v.Type != "modal" {
		f.tb.Fatalf("fakeslack: ViewSubmission: no open modal %s", viewID)
	}
	inputs := inputElements(v.Blocks)
	state := map[string]any{}
	for blockID, byAction := range values {
		els, ok := inputs[blockID]
		if !ok {
			f.tb.Fatalf("fakeslack: ViewSubmission: view %s has no input block %q", viewID, blockID)
		}
		block := map[string]any{}
		for actionID, val := range byAction {
			typ, ok := els[actionID]
			if !ok {
				f.tb.Fatalf("fakeslack: ViewSubmission: input block %q of view %s has no element %q", blockID, viewID, actionID)
			}
			w := map[string]any{"type": typ}
			for k, x := range val {
				w[k] = x
			}
			block[actionID] = w
		}
		state[blockID] = block
	}
	var view map[string]any
	json.Unmarshal(v.JSON, &view)
	view["state"] = map[string]any{"values": state}
	trig := f.newTriggerLocked(user)
	payload := map[string]any{
		"type": "view_submission", "user": f.wireUserRef(user), "api_app_id": f.cfg.appID,
		"token": VerificationToken, "trigger_id": trig,
		"team":       map[string]any{"id": f.cfg.teamID, "domain": f.cfg.teamDomain},
		"enterprise": nil, "is_enterprise_install": false,
		"view": view, "response_urls": []any{},
	}
	return Interaction{Type: "view_submission", TriggerID: trig, Body: mustJSON(payload), viewID: viewID}
}

// inputElements maps the input blocks of a view: block_id → action_id → type.
func inputElements(raw json.RawMessage) map[string]map[string]string {
	var blocks []struct {
		Type    string `json:"type"`
		BlockID string `json:"block_id"`
		Element struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
		} `json:"element"`
	}
	json.Unmarshal(raw, &blocks)
	out := map[string]map[string]string{}
	for _, b := range blocks {
		if b.Type != "input" {
			continue
		}
		if out[b.BlockID] == nil {
			out[b.BlockID] = map[string]string{}
		}
		out[b.BlockID][b.Element.ActionID] = b.Element.Type
	}
	return out
}

// SlashCommand is user typing "command text" (e.g. "/complaints", "mine")
// in the channel, with a fresh trigger_id and a response_url.
func (f *Server) SlashCommand(user, channelID, command, text string) Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.channels[channelID]
	name := strings.ToLower(user)
	if u, ok := f.users[user]; ok {
		name = u.Name
	}
	trig := f.newTriggerLocked(user)
	form := url.Values{
		"token":                 {VerificationToken},
		"team_id":               {f.cfg.teamID},
		"team_domain":           {f.cfg.teamDomain},
		"channel_id":            {channelID},
		"channel_name":          {f.channelNameLocked(c)},
		"user_id":               {user},
		"user_name":             {name},
		"command":               {command},
		"text":                  {text},
		"api_app_id":            {f.cfg.appID},
		"is_enterprise_install": {"false"},
		"response_url":          {f.hookLocked(hook{kind: "commands", channel: channelID, user: user})},
		"trigger_id":            {trig},
	}
	return Command{TriggerID: trig, Form: form}
}

// serveHook takes a POST to a response_url: a command's answer or an
// action's reply, which may replace or delete the original message.
func (f *Server) serveHook(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	h, ok := f.hooks[r.URL.Path]
	if !ok || r.Method != http.MethodPost {
		http.Error(w, "no_service", http.StatusNotFound)
		return
	}
	f.responses = append(f.responses, Response{URL: f.srv.URL + r.URL.Path, Body: body, Time: time.Now()})
	defer f.notifyLocked()
	var msg struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
	}
	json.Unmarshal(body, &msg)
	m := f.messageLocked(h.channel, h.messageTS)
	switch {
	case h.kind == "actions" && m != nil && msg.DeleteOriginal:
		m.Deleted = true
	case h.kind == "actions" && m != nil && msg.ReplaceOriginal:
		m.Edits = append(m.Edits, Revision{Text: m.Text, Blocks: m.Blocks, Replaced: time.Now()})
		m.Text, m.Blocks = msg.Text, f.fillBlockIDsLocked(nonEmpty(msg.Blocks))
	default:
		thread := ""
		if m != nil {
			thread = m.ThreadTS
		}
		f.showResponseLocked(h.channel, h.user, thread, body, "response_url")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write([]byte(`{"ok":true}`))
}
