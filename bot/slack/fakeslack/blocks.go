package fakeslack

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// checkBlocks applies the Block Kit limits that Slack enforces and that a bot
// is likely to hit: the number of blocks, section text (3,000) and fields
// (10 of 2,000), header text (150), context (10 elements) and actions (25
// elements), buttons (text 75, value 2,000, url 3,000), ids (255) and
// duplicate block_id or action_id. It returns the number of blocks, and on
// failure Slack's error code and messages such as
// "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
func checkBlocks(raw json.RawMessage, max int, pointer string) (int, string, []string) {
	var blocks []map[string]any
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return 0, "invalid_blocks_format", []string{"[ERROR] " + err.Error()}
	}
	var errs []string
	add := func(ptr, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("[ERROR] %s [json-pointer:%s]", fmt.Sprintf(format, args...), ptr))
	}
	if len(blocks) > max {
		add(pointer, "no more than %d items allowed", max)
	}
	blockIDs := map[string]bool{}
	for i, b := range blocks {
		bp := fmt.Sprintf("%s/%d", pointer, i)
		if id, ok := b["block_id"].(string); ok {
			if utf8.RuneCountInString(id) > 255 {
				add(bp+"/block_id", "must be less than 256 characters")
			}
			if blockIDs[id] {
				add(bp+"/block_id", "duplicate block_id %q", id)
			}
			blockIDs[id] = true
		}
		actionIDs := map[string]bool{}
		element := func(e any, ep string) {
			el, ok := e.(map[string]any)
			if !ok {
				return
			}
			if id, ok := el["action_id"].(string); ok {
				if utf8.RuneCountInString(id) > 255 {
					add(ep+"/action_id", "must be less than 256 characters")
				}
				if actionIDs[id] {
					add(ep+"/action_id", "duplicate action_id %q", id)
				}
				actionIDs[id] = true
			}
			if el["type"] == "button" {
				text(el["text"], 75, ep+"/text", add, true)
				maxString(el, "value", 2000, ep, add)
				maxString(el, "url", 3000, ep, add)
			}
		}
		switch b["type"] {
		case "section":
			_, hasText := b["text"]
			fields, hasFields := b["fields"].([]any)
			if !hasText && !hasFields {
				add(bp, "must provide either text or fields")
			}
			if hasText {
				text(b["text"], MaxSectionText, bp+"/text", add, false)
			}
			if len(fields) > 10 {
				add(bp+"/fields", "no more than 10 items allowed")
			}
			for j, fl := range fields {
				text(fl, 2000, fmt.Sprintf("%s/fields/%d", bp, j), add, false)
			}
			if acc, ok := b["accessory"]; ok {
				element(acc, bp+"/accessory")
			}
		case "header":
			text(b["text"], 150, bp+"/text", add, true)
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) > 25 {
				add(bp+"/elements", "no more than 25 items allowed")
			}
			for j, e := range els {
				element(e, fmt.Sprintf("%s/elements/%d", bp, j))
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) > 10 {
				add(bp+"/elements", "no more than 10 items allowed")
			}
		case "input":
			text(b["label"], 2000, bp+"/label", add, true)
			element(b["element"], bp+"/element")
		case nil, "":
			add(bp+"/type", "missing required field: type")
		}
	}
	if len(errs) > 0 {
		return len(blocks), "invalid_blocks", errs
	}
	return len(blocks), "", nil
}

// text checks a text object: its type, and a text of 1 to max characters.
func text(v any, max int, ptr string, add func(string, string, ...any), plainOnly bool) {
	t, ok := v.(map[string]any)
	if !ok {
		add(ptr, "must provide an object")
		return
	}
	typ, _ := t["type"].(string)
	if typ != "plain_text" && (plainOnly || typ != "mrkdwn") {
		add(ptr+"/type", "must be a valid enum value")
	}
	s, _ := t["text"].(string)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		add(ptr+"/text", "must be more than 0 characters")
	case n > max:
		add(ptr+"/text", "must be less than %d characters", max+1)
	}
}

func maxString(el map[string]any, key string, max int, ptr string, add func(string, string, ...any)) {
	if s, ok := el[key].(string); ok && utf8.RuneCountInString(s) > max {
		add(ptr+"/"+key, "must be less than %d characters", max+1)
	}
}

// Action is an interactive element a user acts on, as a block_actions
// payload carries it.
type Action struct {
	ActionID string
	BlockID  string
	Type     string // "button" unless set
	Value    string
	Text     string // the button's label
	// SelectedUser and SelectedOption are for users_select and static_select.
	SelectedUser   string
	SelectedOption string
}

// findAction looks an interactive element up by action_id in a blocks array.
func findAction(raw json.RawMessage, actionID string) (Action, bool) {
	var blocks []map[string]any
	if json.Unmarshal(raw, &blocks) != nil {
		return Action{}, false
	}
	for _, b := range blocks {
		blockID, _ := b["block_id"].(string)
		var els []any
		switch b["type"] {
		case "section":
			els = []any{b["accessory"]}
		case "actions", "context_actions":
			els, _ = b["elements"].([]any)
		case "input":
			els = []any{b["element"]}
		}
		for _, e := range els {
			el, ok := e.(map[string]any)
			if !ok || el["action_id"] != actionID {
				continue
			}
			a := Action{ActionID: actionID, BlockID: blockID}
			a.Type, _ = el["type"].(string)
			a.Value, _ = el["value"].(string)
			if t, ok := el["text"].(map[string]any); ok {
				a.Text, _ = t["text"].(string)
			}
			return a, true
		}
	}
	return Action{}, false
}

// fillBlockIDsLocked gives every block without a block_id a random one, as
// Slack does when it stores a message or view.
func (f *Server) fillBlockIDsLocked(raw json.RawMessage) json.RawMessage {
	var blocks []map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &blocks) != nil {
		return raw
	}
	changed := false
	for _, b := range blocks {
		if _, ok := b["block_id"]; !ok {
			const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			id := make([]byte, 5)
			for i := range id {
				id[i] = letters[f.rnd.IntN(len(letters))]
			}
			b["block_id"] = mustJSON(string(id))
			changed = true
		}
	}
	if !changed {
		return raw
	}
	return mustJSON(blocks)
}
