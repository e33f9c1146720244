package fakeslack

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Call is one Web API request as the fake received and answered it.
type Call struct {
	Method  string
	Time    time.Time
	Token   string
	Form    url.Values      // form fields and query parameters
	JSON    json.RawMessage // the body of a JSON request; nil for a form
	Status  int             // the HTTP status of the answer
	Error   string          // the error code of an ok:false answer; "" when ok
	Faulted bool            // an injected Fault answered or delayed it
}

// Param returns a parameter of the call, from the form or the JSON body. A
// JSON value that is not a string comes back as its JSON text.
func (c Call) Param(name string) string {
	return params{form: c.Form, obj: jsonObject(c.JSON)}.get(name)
}

// Calls returns the Web API calls received so far, oldest first; with
// methods, only calls of those methods.
func (f *Server) Calls(methods ...string) []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Call
	for _, c := range f.calls {
		if len(methods) == 0 || slices.Contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// WaitCall waits for a call of method for which match returns true (any when
// match is nil), and returns the first such call.
func (f *Server) WaitCall(method string, match func(Call) bool) Call {
	f.tb.Helper()
	var found Call
	f.WaitUntil("a matching "+method+" call", func() bool {
		for _, c := range f.Calls(method) {
			if match == nil || match(c) {
				found = c
				return true
			}
		}
		return false
	})
	return found
}

// params gives uniform access to form-encoded and JSON arguments.
type params struct {
	form url.Values
	obj  map[string]json.RawMessage
}

func jsonObject(body json.RawMessage) map[string]json.RawMessage {
	if len(body) == 0 {
		return nil
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return nil
	}
	return obj
}

func (p params) has(name string) bool {
	if _, ok := p.form[name]; ok {
		return true
	}
	_, ok := p.obj[name]
	return ok
}

func (p params) get(name string) string {
	if v, ok := p.form[name]; ok && len(v) > 0 {
		return v[0]
	}
	raw, ok := p.obj[name]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// raw returns a JSON-valued argument (blocks, view…): a form field holds it as
// a string, a JSON body as a value or a JSON-encoded string. nil when absent.
func (p params) raw(name string) json.RawMessage {
	if v, ok := p.form[name]; ok && len(v) > 0 {
		return json.RawMessage(v[0])
	}
	raw, ok := p.obj[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return json.RawMessage(s)
	}
	return raw
}

func (p params) bool(name string) bool {
	b, _ := strconv.ParseBool(p.get(name))
	return b
}

// result is an answer of the Web API.
type result struct {
	status     int
	retryAfter time.Duration
	body       map[string]any // nil for a non-JSON answer
	text       string
}

func ok(fields map[string]any) result {
	if fields == nil {
		fields = map[string]any{}
	}
	fields["ok"] = true
	return result{status: http.StatusOK, body: fields}
}

func fail(code string, messages ...string) result {
	body := map[string]any{"ok": false, "error": code}
	if len(messages) > 0 {
		body["response_metadata"] = map[string]any{"messages": messages}
	}
	return result{status: http.StatusOK, body: body}
}

func (r result) errorCode() string {
	if r.body == nil {
		return ""
	}
	if okv, _ := r.body["ok"].(bool); okv {
		return ""
	}
	code, _ := r.body["error"].(string)
	return code
}

type apiMethod func(f *Server, p params, r *http.Request) result

var apiMethods = map[string]apiMethod{
	"apps.connections.open": (*Server).appsConnectionsOpen,
	"auth.test":             (*Server).authTest,
	"chat.postMessage":      (*Server).chatPostMessage,
	"chat.update":           (*Server).chatUpdate,
	"chat.postEphemeral":    (*Server).chatPostEphemeral,
	"chat.delete":           (*Server).chatDelete,
	"chat.getPermalink":     (*Server).chatGetPermalink,
	"conversations.open":    (*Server).conversationsOpen,
	"conversations.members": (*Server).conversationsMembers,
	"conversations.info":    (*Server).conversationsInfo,
	"users.info":            (*Server).usersInfo,
	"views.publish":         (*Server).viewsPublish,
	"views.open":            (*Server).viewsOpen,
	"views.update":          (*Server).viewsUpdate,
	"views.push":            (*Server).viewsPush,
	"files.info":            (*Server).filesInfo,
	"api.test":              func(*Server, params, *http.Request) result { return ok(nil) },
}

func (f *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	start := time.Now()
	p, body, token, perr := readParams(r)
	call := Call{Method: method, Time: start, Token: token, Form: p.form, JSON: body}

	f.mu.Lock()
	fault, faulted := f.takeFaultLocked(method, p.get("channel"))
	f.mu.Unlock()
	if faulted && fault.Delay > 0 {
		t := time.NewTimer(fault.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
		case <-f.done:
		}
		t.Stop()
	}

	f.mu.Lock()
	var res result
	switch {
	case faulted && fault.Status >= 500:
		res = result{status: fault.Status, text: fmt.Sprintf("fakeslack: injected HTTP %d\n", fault.Status)}
	case faulted && (fault.Status != 0 || fault.Error != ""):
		res = fail(fault.Error)
		if fault.Status != 0 {
			res.status = fault.Status
		}
		if fault.Error == "" {
			res.body = nil
			res.text = fmt.Sprintf("fakeslack: injected HTTP %d\n", fault.Status)
		}
		res.retryAfter = fault.RetryAfter
	case perr != "":
		res = fail(perr)
	default:
		res = f.handleLocked(method, p, token, r)
	}
	call.Status, call.Error, call.Faulted = res.status, res.errorCode(), faulted
	f.calls = append(f.calls, call)
	f.notifyLocked()
	f.mu.Unlock()

	if res.status == http.StatusTooManyRequests && res.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(res.retryAfter.Seconds()))))
	}
	if res.body == nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(res.status)
		io.WriteString(w, res.text)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(res.status)
	w.Write(mustJSON(res.body))
}

func readParams(r *http.Request) (p params, body json.RawMessage, token, errCode string) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return params{form: r.URL.Query()}, nil, "", "request_timeout"
		}
		p = params{form: r.URL.Query()}
		if len(strings.TrimSpace(string(b))) > 0 {
			body = b
			if p.obj = jsonObject(b); p.obj == nil {
				errCode = "invalid_json"
			}
		}
	} else {
		if err := r.ParseForm(); err != nil {
			errCode = "invalid_form_data"
		}
		p = params{form: r.Form}
	}
	if a, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		token = a
	} else {
		token = p.get("token")
	}
	return p, body, token, errCode
}

func (f *Server) handleLocked(method string, p params, token string, r *http.Request) result {
	h, known := apiMethods[method]
	if !known {
		return result{status: http.StatusOK, body: map[string]any{"ok": false, "error": "unknown_method", "req_method": method}}
	}
	if code := f.authLocked(method, token); code != "" {
		return fail(code)
	}
	return h(f, p, r)
}

// authLocked checks the token as Slack does: the app token only for
// apps.connections.open, the bot token for everything else.
func (f *Server) authLocked(method, token string) string {
	want := f.cfg.botToken
	if method == "apps.connections.open" {
		want = f.cfg.appToken
	}
	switch {
	case token == "":
		return "not_authed"
	case f.revoked[token]:
		return "token_revoked"
	case token == want:
		return ""
	case token == f.cfg.botToken || token == f.cfg.appToken:
		return "not_allowed_token_type"
	}
	return "invalid_auth"
}

func (f *Server) appsConnectionsOpen(p params, r *http.Request) result {
	ticket := f.uuidLocked()
	f.tickets[ticket] = true
	u := "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws?ticket=" + ticket + "&app_id=" + f.cfg.appID
	return ok(map[string]any{"url": u})
}

func (f *Server) authTest(p params, r *http.Request) result {
	return ok(map[string]any{
		"url":                   "https://" + f.cfg.teamDomain + ".slack.com/",
		"team":                  f.cfg.teamDomain,
		"user":                  f.cfg.botName,
		"team_id":               f.cfg.teamID,
		"user_id":               f.cfg.botUserID,
		"bot_id":                f.cfg.botID,
		"is_enterprise_install": false,
	})
}

// postableLocked resolves the channel of a post: a channel id, "#name", or a
// user id (Slack posts to the bot's DM with that user). It checks that the channel
// exists, is not archived and has the bot as a member.
func (f *Server) postableLocked(id string) (*channel, string) {
	if id == "" {
		return nil, "channel_not_found"
	}
	if _, isUser := f.users[id]; isUser && (id[0] == 'U' || id[0] == 'W') {
		id = f.dmLocked(id)
	}
	if name, ok := strings.CutPrefix(id, "#"); ok {
		for _, c := range f.channels {
			if c.Name == name {
				id = c.ID
			}
		}
	}
	c, ok := f.channels[id]
	if !ok || (c.Private && c.WithoutBot) {
		return nil, "channel_not_found"
	}
	if c.Archived {
		return nil, "is_archived"
	}
	if c.WithoutBot {
		return nil, "not_in_channel"
	}
	return c, ""
}

// checkContent applies Slack's limits to the text and blocks of a message.
func checkContent(p params, requireSome bool) (blocks json.RawMessage, res *result) {
	text := p.get("text")
	if utf8.RuneCountInString(text) > MaxTextLength {
		r := fail("msg_too_long")
		return nil, &r
	}
	if p.has("blocks") {
		blocks = p.raw("blocks")
		n, code, msgs := checkBlocks(blocks, MaxMessageBlocks, "/blocks")
		if code != "" {
			r := fail(code, msgs...)
			return nil, &r
		}
		if n == 0 {
			blocks = json.RawMessage("[]")
		}
	}
	if requireSome && text == "" && blockCount(blocks) == 0 && len(p.raw("attachments")) == 0 {
		r := fail("no_text")
		return nil, &r
	}
	return blocks, nil
}

func blockCount(raw json.RawMessage) int {
	var bs []json.RawMessage
	json.Unmarshal(raw, &bs)
	return len(bs)
}

func (f *Server) chatPostMessage(p params, r *http.Request) result {
	c, code := f.postableLocked(p.get("channel"))
	if code != "" {
		return fail(code)
	}
	blocks, bad := checkContent(p, true)
	if bad != nil {
		return *bad
	}
	blocks = f.fillBlockIDsLocked(blocks)
	thread := p.get("thread_ts")
	if thread != "" {
		// Slack posts a reply to a missing or deleted parent as a new message,
		// and a reply to a reply into the parent's thread.
		parent := f.messageLocked(c.ID, thread)
		switch {
		case parent == nil || parent.Deleted:
			thread = ""
		case parent.IsReply():
			thread = parent.ThreadTS
		}
	}
	m := &Message{
		Channel:        c.ID,
		TS:             f.nextTSLocked(),
		ThreadTS:       thread,
		User:           f.cfg.botUserID,
		BotID:          f.cfg.botID,
		Text:           p.get("text"),
		Blocks:         nonEmpty(blocks),
		Attachments:    p.raw("attachments"),
		Metadata:       p.raw("metadata"),
		Mrkdwn:         p.get("mrkdwn"),
		ReplyBroadcast: p.bool("reply_broadcast"),
		Posted:         time.Now(),
	}
	c.messages = append(c.messages, m)
	return ok(map[string]any{"channel": c.ID, "ts": m.TS, "message": f.wireMessageLocked(m)})
}

func nonEmpty(blocks json.RawMessage) json.RawMessage {
	if blockCount(blocks) == 0 {
		return nil
	}
	return blocks
}

func (f *Server) chatUpdate(p params, r *http.Request) result {
	c, ok1 := f.channels[p.get("channel")]
	if !ok1 {
		return fail("channel_not_found")
	}
	m := f.messageLocked(c.ID, p.get("ts"))
	if m == nil || m.Deleted {
		return fail("message_not_found")
	}
	if m.BotID != f.cfg.botID {
		return fail("cant_update_message")
	}
	if c.Archived {
		return fail("is_archived")
	}
	blocks, bad := checkContent(p, false)
	if bad != nil {
		return *bad
	}
	if !p.has("text") && !p.has("blocks") && !p.has("attachments") {
		return fail("no_text")
	}
	blocks = f.fillBlockIDsLocked(blocks)
	m.Edits = append(m.Edits, Revision{Text: m.Text, Blocks: m.Blocks, Replaced: time.Now()})
	// Slack keeps what an update does not send, and "blocks=[]" removes the blocks.
	if p.has("text") {
		m.Text = p.get("text")
	}
	if p.has("blocks") {
		m.Blocks = nonEmpty(blocks)
	}
	if p.has("attachments") {
		m.Attachments = p.raw("attachments")
	}
	if p.has("metadata") {
		m.Metadata = p.raw("metadata")
	}
	return ok(map[string]any{"channel": c.ID, "ts": m.TS, "text": m.Text, "message": f.wireMessageLocked(m)})
}

func (f *Server) chatPostEphemeral(p params, r *http.Request) result {
	c, code := f.postableLocked(p.get("channel"))
	if code != "" {
		return fail(code)
	}
	user := p.get("user")
	if _, known := f.users[user]; !known {
		return fail("user_not_found")
	}
	if !slices.Contains(c.Members, user) {
		return fail("user_not_in_channel")
	}
	blocks, bad := checkContent(p, true)
	if bad != nil {
		return *bad
	}
	e := Ephemeral{
		Channel:  c.ID,
		User:     user,
		TS:       f.nextTSLocked(),
		ThreadTS: p.get("thread_ts"),
		Text:     p.get("text"),
		Blocks:   nonEmpty(blocks),
		Via:      "chat.postEphemeral",
		Posted:   time.Now(),
	}
	c.ephemerals = append(c.ephemerals, e)
	return ok(map[string]any{"message_ts": e.TS})
}

func (f *Server) chatDelete(p params, r *http.Request) result {
	c, known := f.channels[p.get("channel")]
	if !known {
		return fail("channel_not_found")
	}
	m := f.messageLocked(c.ID, p.get("ts"))
	if m == nil || m.Deleted {
		return fail("message_not_found")
	}
	if m.BotID != f.cfg.botID {
		return fail("cant_delete_message")
	}
	m.Deleted = true
	return ok(map[string]any{"channel": c.ID, "ts": m.TS})
}

func (f *Server) chatGetPermalink(p params, r *http.Request) result {
	c, known := f.channels[p.get("channel")]
	if !known {
		return fail("channel_not_found")
	}
	m := f.messageLocked(c.ID, p.get("message_ts"))
	if m == nil || m.Deleted {
		return fail("message_not_found")
	}
	link := "https://" + f.cfg.teamDomain + ".slack.com/archives/" + c.ID + "/p" + strings.ReplaceAll(m.TS, ".", "")
	if m.IsReply() {
		link += "?thread_ts=" + m.ThreadTS + "&cid=" + c.ID
	}
	return ok(map[string]any{"channel": c.ID, "permalink": link})
}

func (f *Server) conversationsOpen(p params, r *http.Request) result {
	if id := p.get("channel"); id != "" {
		c, known := f.channels[id]
		if !known {
			return fail("channel_not_found")
		}
		return ok(map[string]any{"no_op": true, "already_open": true, "channel": f.wireChannelLocked(c, p.bool("return_im"))})
	}
	var users []string
	for _, u := range strings.Split(p.get("users"), ",") {
		if u = strings.TrimSpace(u); u != "" && u != f.cfg.botUserID {
			users = append(users, u)
		}
	}
	if len(users) == 0 {
		return fail("users_list_not_supplied")
	}
	if len(users) > 8 {
		return fail("too_many_users")
	}
	for _, u := range users {
		if _, known := f.users[u]; !known {
			return fail("user_not_found")
		}
	}
	if len(users) == 1 {
		_, existed := f.dms[users[0]]
		c := f.channels[f.dmLocked(users[0])]
		return ok(map[string]any{"no_op": existed, "already_open": existed, "channel": f.wireChannelLocked(c, p.bool("return_im"))})
	}
	sorted := slices.Sorted(slices.Values(users))
	name := "mpdm-" + strings.Join(sorted, "--") + "-1"
	for _, c := range f.channels {
		if c.Name == name {
			return ok(map[string]any{"no_op": true, "already_open": true, "channel": f.wireChannelLocked(c, true)})
		}
	}
	c := f.addChannelLocked(Channel{ID: f.idLocked("G"), Name: name, Private: true, Members: sorted})
	return ok(map[string]any{"channel": f.wireChannelLocked(c, true)})
}

func (f *Server) visibleLocked(id string) (*channel, bool) {
	c, known := f.channels[id]
	if !known || (c.Private && c.WithoutBot) {
		return nil, false
	}
	return c, true
}

func (f *Server) conversationsMembers(p params, r *http.Request) result {
	c, known := f.visibleLocked(p.get("channel"))
	if !known {
		return fail("channel_not_found")
	}
	limit := 100
	if n, err := strconv.Atoi(p.get("limit")); err == nil && n > 0 {
		limit = min(n, 1000)
	}
	start := 0
	if cur := p.get("cursor"); cur != "" {
		b, err := base64.StdEncoding.DecodeString(cur)
		id, okp := strings.CutPrefix(string(b), "user:")
		start = slices.Index(c.Members, id)
		if err != nil || !okp || start < 0 {
			return fail("invalid_cursor")
		}
	}
	end := min(start+limit, len(c.Members))
	next := ""
	if end < len(c.Members) {
		next = base64.StdEncoding.EncodeToString([]byte("user:" + c.Members[end]))
	}
	return ok(map[string]any{
		"members":           slices.Clone(c.Members[start:end]),
		"response_metadata": map[string]any{"next_cursor": next},
	})
}

func (f *Server) conversationsInfo(p params, r *http.Request) result {
	c, known := f.visibleLocked(p.get("channel"))
	if !known {
		return fail("channel_not_found")
	}
	return ok(map[string]any{"channel": f.wireChannelLocked(c, true)})
}

func (f *Server) usersInfo(p params, r *http.Request) result {
	if p.has("users") && !p.has("user") {
		var out []any
		for _, id := range strings.Split(p.get("users"), ",") {
			u, known := f.users[strings.TrimSpace(id)]
			if !known {
				return fail("user_not_found")
			}
			out = append(out, f.wireUser(u))
		}
		return ok(map[string]any{"users": out})
	}
	u, known := f.users[p.get("user")]
	if !known {
		return fail("user_not_found")
	}
	return ok(map[string]any{"user": f.wireUser(u)})
}

func (f *Server) filesInfo(p params, r *http.Request) result {
	file, known := f.files[p.get("file")]
	if !known {
		return fail("file_not_found")
	}
	return ok(map[string]any{
		"file":              f.wireFile(file),
		"comments":          []any{},
		"paging":            map[string]any{"count": 100, "total": 0, "page": 1, "pages": 0},
		"response_metadata": map[string]any{"next_cursor": ""},
	})
}

func (f *Server) wireMessageLocked(m *Message) map[string]any {
	w := map[string]any{
		"type": "message",
		"text": m.Text,
		"user": m.User,
		"ts":   m.TS,
		"team": f.cfg.teamID,
	}
	if m.BotID != "" {
		w["bot_id"] = m.BotID
		w["app_id"] = f.cfg.appID
		w["bot_profile"] = map[string]any{
			"id": f.cfg.botID, "app_id": f.cfg.appID, "name": f.cfg.botName, "deleted": false,
			"team_id": f.cfg.teamID, "updated": time.Now().Unix(), "icons": map[string]any{},
		}
	}
	if len(m.Blocks) > 0 {
		w["blocks"] = m.Blocks
	}
	if len(m.Attachments) > 0 {
		w["attachments"] = m.Attachments
	}
	if len(m.Metadata) > 0 {
		w["metadata"] = m.Metadata
	}
	if m.ThreadTS != "" {
		w["thread_ts"] = m.ThreadTS
		if m.IsReply() {
			if parent := f.messageLocked(m.Channel, m.ThreadTS); parent != nil {
				w["parent_user_id"] = parent.User
			}
		}
	}
	if len(m.Edits) > 0 {
		w["edited"] = map[string]any{"user": m.User, "ts": fmt.Sprintf("%d.000000", m.Edits[len(m.Edits)-1].Replaced.Unix())}
	}
	if len(m.Files) > 0 {
		var files []any
		for i := range m.Files {
			files = append(files, f.wireFile(&m.Files[i]))
		}
		w["files"] = files
		w["upload"] = true
	}
	return w
}

func (f *Server) wireChannelLocked(c *channel, full bool) map[string]any {
	if c.IM && !full {
		return map[string]any{"id": c.ID}
	}
	if c.IM {
		return map[string]any{
			"id": c.ID, "created": c.created.Unix(), "is_im": true, "is_org_shared": false,
			"user": c.User, "is_user_deleted": false, "priority": 0, "is_open": true,
		}
	}
	topic := map[string]any{"value": "", "creator": "", "last_set": 0}
	return map[string]any{
		"id":              c.ID,
		"name":            c.Name,
		"name_normalized": c.Name,
		"is_channel":      !c.Private,
		"is_group":        c.Private,
		"is_im":           false,
		"is_mpim":         strings.HasPrefix(c.Name, "mpdm-"),
		"is_private":      c.Private,
		"is_archived":     c.Archived,
		"is_general":      false,
		"is_shared":       false,
		"is_ext_shared":   false,
		"is_org_shared":   false,
		"is_member":       !c.WithoutBot,
		"created":         c.created.Unix(),
		"creator":         "",
		"unlinked":        0,
		"topic":           topic,
		"purpose":         topic,
		"num_members":     len(c.Members),
		"context_team_id": f.cfg.teamID,
	}
}

func (f *Server) wireUser(u *User) map[string]any {
	offset, label := 0, u.TZ
	if loc, err := time.LoadLocation(u.TZ); err == nil {
		label, offset = time.Now().In(loc).Zone()
	}
	profile := map[string]any{
		"real_name":               u.RealName,
		"real_name_normalized":    u.RealName,
		"display_name":            u.DisplayName,
		"display_name_normalized": u.DisplayName,
		"email":                   u.Email,
		"team":                    u.TeamID,
	}
	if u.ID == f.cfg.botUserID {
		profile["bot_id"] = f.cfg.botID
		profile["api_app_id"] = f.cfg.appID
	}
	return map[string]any{
		"id": u.ID, "team_id": u.TeamID, "name": u.Name, "deleted": u.Deleted, "color": "9f69e7",
		"real_name": u.RealName, "tz": u.TZ, "tz_label": label, "tz_offset": offset,
		"profile": profile, "is_admin": u.IsAdmin, "is_owner": false, "is_primary_owner": false,
		"is_restricted": false, "is_ultra_restricted": false, "is_bot": u.IsBot,
		"is_app_user": false, "updated": time.Now().Unix(), "is_email_confirmed": u.Email != "",
		"locale": "en-US",
	}
}

func (f *Server) wireFile(file *File) map[string]any {
	return map[string]any{
		"id": file.ID, "created": file.Created.Unix(), "timestamp": file.Created.Unix(),
		"name": file.Name, "title": file.Title, "mimetype": file.Mimetype, "filetype": file.Filetype,
		"pretty_type": strings.ToUpper(file.Filetype), "user": file.User, "user_team": f.cfg.teamID,
		"editable": false, "size": file.Size, "mode": "hosted", "is_external": false,
		"external_type": "", "is_public": false, "public_url_shared": false, "display_as_bot": false,
		"username": "", "url_private": file.URLPrivate, "url_private_download": file.URLPrivateDownload,
		"permalink": "https://" + f.cfg.teamDomain + ".slack.com/files/" + file.User + "/" + file.ID + "/" + file.Name,
	}
}

// serveFile serves a file's content to the bot token. Any other caller is
// sent to a sign-in page, as Slack does.
func (f *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/files-pri/"), "/")
	_, id, _ := strings.Cut(parts[0], "-")
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	file, known := f.files[id]
	authorized := token == f.cfg.botToken && !f.revoked[token]
	f.mu.Unlock()
	if !known {
		http.NotFound(w, r)
		return
	}
	if !authorized {
		http.Redirect(w, r, "/signin?redir="+url.QueryEscape(r.URL.Path), http.StatusFound)
		return
	}
	w.Header().Set("Content-Type", file.Mimetype)
	w.Write(file.Content)
}
