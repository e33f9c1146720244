package fakeslack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"
)

// NewTriggerID issues a trigger_id for user, valid once for views.open or
// views.push within the trigger TTL. The interaction and command builders
// issue their own; this is for payloads a test writes by hand.
func (f *Server) NewTriggerID(user string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.newTriggerLocked(user)
}

func (f *Server) newTriggerLocked(user string) string {
	f.seq++
	id := fmt.Sprintf("%d.%d.%s", 1000000000000+f.seq, time.Now().Unix(), f.hexLocked(32))
	f.triggers[id] = &trigger{user: user, issued: time.Now()}
	return id
}

func (f *Server) useTriggerLocked(id string) (*trigger, string) {
	t, ok := f.triggers[id]
	switch {
	case !ok:
		return nil, "invalid_trigger_id"
	case t.used:
		return nil, "exchanged_trigger_id"
	case f.cfg.triggerTTL > 0 && time.Since(t.issued) > f.cfg.triggerTTL:
		return nil, "expired_trigger_id"
	}
	t.used = true
	return t, ""
}

func str(raw json.RawMessage) string {
	var s string
	json.Unmarshal(raw, &s)
	return s
}

// checkView parses a view object and applies Slack's limits to it. Views
// report bad blocks as invalid_arguments, not invalid_blocks.
func checkView(raw json.RawMessage, wantType string) (map[string]json.RawMessage, *result) {
	var obj map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &obj) != nil {
		r := fail("invalid_arguments", "[ERROR] missing required field: view")
		return nil, &r
	}
	var errs []string
	add := func(ptr, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("[ERROR] %s [json-pointer:%s]", fmt.Sprintf(format, args...), ptr))
	}
	if typ := str(obj["type"]); typ != wantType {
		add("/view/type", "must be %q, not %q", wantType, typ)
	}
	if wantType == "modal" {
		var title any
		json.Unmarshal(obj["title"], &title)
		text(title, 24, "/view/title", add, true)
		for _, k := range []string{"submit", "close"} {
			if v, ok := obj[k]; ok && string(v) != "null" {
				var t any
				json.Unmarshal(v, &t)
				text(t, 24, "/view/"+k, add, true)
			}
		}
	}
	if n := utf8.RuneCountInString(str(obj["private_metadata"])); n > 3000 {
		add("/view/private_metadata", "must be less than 3001 characters")
	}
	if n := utf8.RuneCountInString(str(obj["callback_id"])); n > 255 {
		add("/view/callback_id", "must be less than 256 characters")
	}
	blocks := obj["blocks"]
	if len(blocks) == 0 || string(blocks) == "null" {
		blocks = json.RawMessage("[]")
	}
	if _, code, msgs := checkBlocks(blocks, MaxViewBlocks, "/view/blocks"); code != "" {
		errs = append(errs, msgs...)
	}
	if wantType == "modal" && hasInput(blocks) {
		if v, ok := obj["submit"]; !ok || string(v) == "null" {
			add("/view/submit", "must provide submit when the view has input blocks")
		}
	}
	if len(errs) > 0 {
		r := fail("invalid_arguments", errs...)
		return nil, &r
	}
	obj["blocks"] = blocks
	return obj, nil
}

func hasInput(blocks json.RawMessage) bool {
	var bs []struct {
		Type string `json:"type"`
	}
	json.Unmarshal(blocks, &bs)
	for _, b := range bs {
		if b.Type == "input" {
			return true
		}
	}
	return false
}

// applyViewLocked replaces a view's content with obj, gives it a new hash and
// renders the view object Slack returns.
func (f *Server) applyViewLocked(v *View, obj map[string]json.RawMessage) {
	v.CallbackID = str(obj["callback_id"])
	v.PrivateMetadata = str(obj["private_metadata"])
	v.ExternalID = str(obj["external_id"])
	v.Blocks = f.fillBlockIDsLocked(obj["blocks"])
	v.Hash = fmt.Sprintf("%d.%s", time.Now().Unix(), f.hexLocked(8))
	out := map[string]any{}
	for k, raw := range obj {
		out[k] = raw
	}
	var prev any
	if v.PreviousViewID != "" {
		prev = v.PreviousViewID
	}
	for k, val := range map[string]any{
		"id": v.ID, "team_id": f.cfg.teamID, "type": v.Type, "blocks": v.Blocks,
		"private_metadata": v.PrivateMetadata, "callback_id": v.CallbackID, "external_id": v.ExternalID,
		"state": map[string]any{"values": map[string]any{}}, "hash": v.Hash,
		"root_view_id": v.RootViewID, "previous_view_id": prev, "app_id": f.cfg.appID,
		"app_installed_team_id": f.cfg.teamID, "bot_id": f.cfg.botID,
	} {
		out[k] = val
	}
	for _, k := range []string{"clear_on_close", "notify_on_close"} {
		if _, ok := out[k]; !ok {
			out[k] = false
		}
	}
	v.JSON = mustJSON(out)
}

func (f *Server) newViewLocked(typ, user string) *View {
	v := &View{ID: f.idLocked("V"), Type: typ, User: user}
	v.RootViewID = v.ID
	f.views[v.ID] = v
	return v
}

func (f *Server) externalTakenLocked(obj map[string]json.RawMessage) bool {
	ext := str(obj["external_id"])
	if ext == "" {
		return false
	}
	for _, v := range f.views {
		if v.ExternalID == ext {
			return true
		}
	}
	return false
}

func (f *Server) viewsOpen(p params, r *http.Request) result {
	t, code := f.useTriggerLocked(p.get("trigger_id"))
	if code != "" {
		return fail(code)
	}
	obj, bad := checkView(p.raw("view"), "modal")
	if bad != nil {
		return *bad
	}
	if f.externalTakenLocked(obj) {
		return fail("duplicate_external_id")
	}
	v := f.newViewLocked("modal", t.user)
	f.applyViewLocked(v, obj)
	return ok(map[string]any{"view": v.JSON})
}

func (f *Server) topModalLocked(user string) *View {
	var top *View
	for _, v := range f.views {
		if v.Type == "modal" && v.User == user && !v.Closed && (top == nil || v.seqKey() > top.seqKey()) {
			top = v
		}
	}
	return top
}

func (f *Server) viewsPush(p params, r *http.Request) result {
	t, code := f.useTriggerLocked(p.get("trigger_id"))
	if code != "" {
		return fail(code)
	}
	obj, bad := checkView(p.raw("view"), "modal")
	if bad != nil {
		return *bad
	}
	top := f.topModalLocked(t.user)
	if top == nil {
		return fail("not_found")
	}
	depth := 0
	for _, v := range f.views {
		if v.RootViewID == top.RootViewID && !v.Closed {
			depth++
		}
	}
	if depth >= 3 {
		return fail("push_limit_reached")
	}
	if f.externalTakenLocked(obj) {
		return fail("duplicate_external_id")
	}
	v := f.newViewLocked("modal", t.user)
	v.RootViewID, v.PreviousViewID = top.RootViewID, top.ID
	f.applyViewLocked(v, obj)
	return ok(map[string]any{"view": v.JSON})
}

func (f *Server) viewsUpdate(p params, r *http.Request) result {
	var v *View
	if id := p.get("view_id"); id != "" {
		v = f.views[id]
	} else if ext := p.get("external_id"); ext != "" {
		for _, w := range f.views {
			if w.ExternalID == ext {
				v = w
			}
		}
	}
	if v == nil || v.Closed {
		return fail("not_found")
	}
	if h := p.get("hash"); h != "" && h != v.Hash {
		return fail("hash_conflict")
	}
	obj, bad := checkView(p.raw("view"), v.Type)
	if bad != nil {
		return *bad
	}
	f.applyViewLocked(v, obj)
	v.Updates++
	v.Errors = nil
	return ok(map[string]any{"view": v.JSON})
}

func (f *Server) viewsPublish(p params, r *http.Request) result {
	user := p.get("user_id")
	if user == "" {
		return fail("invalid_arguments", "[ERROR] missing required field: user_id")
	}
	obj, bad := checkView(p.raw("view"), "home")
	if bad != nil {
		return *bad
	}
	v := f.views[f.homes[user]]
	if v != nil {
		if h := p.get("hash"); h != "" && h != v.Hash {
			return fail("hash_conflict")
		}
		v.Updates++
	} else {
		v = f.newViewLocked("home", user)
		f.homes[user] = v.ID
	}
	f.applyViewLocked(v, obj)
	return ok(map[string]any{"view": v.JSON})
}

// applyViewResponseLocked acts on the ack payload of a view_submission as
// Slack does: no payload closes the view; response_action "errors" keeps it
// open with the errors, "update" replaces it, "push" pushes a new one and
// "clear" closes the whole stack.
func (f *Server) applyViewResponseLocked(viewID string, payload json.RawMessage) {
	v := f.views[viewID]
	if v == nil || v.Closed {
		return
	}
	var resp struct {
		ResponseAction string            `json:"response_action"`
		View           json.RawMessage   `json:"view"`
		Errors         map[string]string `json:"errors"`
	}
	if len(payload) > 0 {
		json.Unmarshal(payload, &resp)
	}
	switch resp.ResponseAction {
	case "errors":
		v.Errors = resp.Errors
	case "update":
		if obj, bad := checkView(resp.View, "modal"); bad == nil {
			f.applyViewLocked(v, obj)
			v.Updates++
			v.Errors = nil
		}
	case "push":
		if obj, bad := checkView(resp.View, "modal"); bad == nil {
			w := f.newViewLocked("modal", v.User)
			w.RootViewID, w.PreviousViewID = v.RootViewID, v.ID
			f.applyViewLocked(w, obj)
		}
	case "clear":
		for _, w := range f.views {
			if w.RootViewID == v.RootViewID {
				w.Closed = true
			}
		}
	default:
		v.Closed = true
	}
}
