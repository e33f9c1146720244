package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/complaintbot/complaintbot/bot"
)

// WeCom's limits on what one message may carry, in bytes.
const (
	maxText      = 2048 // text.content
	maxMenuHead  = 1024 // msgmenu.head_content
	maxMenuItems = 10
	maxMenuLabel = 128 // a click item's content
	maxMenuID    = 64
)

// sentTTL is how long a sent message is remembered for WeCom's later
// report that it could not be delivered (msg_send_fail): longer than the
// 48-hour session.
const sentTTL = 72 * time.Hour

func sentKey(msgID string) string { return "wecom:sent:" + msgID }

// Deliver sends one message to a customer: text, or, when it asks a
// question with answers to tap (Outbound.Choices), a menu message whose
// head is the question. Text over WeCom's 2,048 bytes goes in several
// messages, split at line or sentence ends. The owner's words carry their
// name. It returns the msgid of the first message.
//
// WeCom is a customer platform: a team message has nowhere to go here
// and is refused for good (TEAM_CHANNEL names another platform).
func (a *Adapter) Deliver(ctx context.Context, d bot.Delivery) (string, error) {
	if d.Audience != bot.ToCustomer {
		return "", bot.Permanent("not_a_team_platform", errors.New("wecom: only customers are on WeCom"))
	}
	user := d.Address
	if user == "" {
		return "", bot.Permanent("no_customer", errors.New("wecom: a message without a customer"))
	}
	if d.Kind == bot.KindSession {
		return a.moveSession(ctx, d, user)
	}
	text := d.Text
	if d.Staff != "" {
		text = d.Staff + ": " + text
	}
	id := wireID(d.ID)
	// Remember it first, for a send failure WeCom reports later.
	if b, err := json.Marshal(d.Outbound); err == nil {
		if err := a.state.SetState(ctx, sentKey(id), string(b), sentTTL); err != nil {
			return "", err
		}
	}
	parts := bot.SplitText(text, maxText, bot.Bytes)
	var menu []map[string]any
	if len(d.Choices) > 0 {
		last := parts[len(parts)-1]
		if len(last) > maxMenuHead {
			parts = append(parts[:len(parts)-1], bot.SplitText(last, maxMenuHead, bot.Bytes)...)
		}
		menu = menuItems(d.Case, d.Choices)
	}
	for i, p := range parts {
		mid := id
		if i > 0 {
			mid = fmt.Sprintf("%s_%d", id, i)
		}
		body := map[string]any{"touser": user, "open_kfid": a.o.KfID, "msgid": mid}
		if menu != nil && i == len(parts)-1 {
			body["msgtype"] = "msgmenu"
			body["msgmenu"] = map[string]any{"head_content": p, "list": menu, "tail_content": ""}
		} else {
			body["msgtype"] = "text"
			body["text"] = map[string]string{"content": p}
		}
		if err := a.api.call(ctx, "/cgi-bin/kf/send_msg", body, nil); err != nil {
			return "", a.deliveryError(err)
		}
	}
	a.health.Set(nil) // WeCom takes messages again
	return id, nil
}

// menuItems are a question's answers as click items. The id says what a
// tap means (pickOf reads it back); the content is the answer's words.
func menuItems(caseID string, choices []bot.Choice) []map[string]any {
	var out []map[string]any
	for i, c := range choices {
		if len(out) == maxMenuItems {
			break
		}
		id := menuAnswer + ":" + strconv.Itoa(i+1) + ":" + caseID
		if c.Pick > 0 {
			id = menuPick + ":" + strconv.Itoa(c.Pick) + ":" + caseID
		}
		if len(id) > maxMenuID {
			id = id[:maxMenuID]
		}
		out = append(out, map[string]any{"type": "click", "click": map[string]string{"id": id, "content": clip(c.Label, maxMenuLabel)}})
	}
	return out
}

// wireID makes an id WeCom takes as a msgid: at most 32 bytes of
// [0-9a-zA-Z_-].
func wireID(id string) string {
	b := make([]byte, 0, 32)
	for i := 0; i < len(id) && len(b) < 32; i++ {
		c := id[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-' {
			b = append(b, c)
		}
	}
	return string(b)
}

// Refusals no retry changes, with the reason staff read.
var permanentCodes = map[int]string{
	95001: "over_5_messages",  // the customer has not written since the last 5
	95018: "window_closed",    // more than 48 hours since the customer wrote
	95013: "session_closed",   // the session has ended
	40003: "unknown_customer", // no such external_userid
	44004: "bad_content",      // empty or too long
	40008: "bad_message_type",
	45002: "too_long",
}

// Answers that stop the whole account until someone fixes the settings.
var accountCodes = map[int]bool{40001: true, 40013: true, 48002: true, 95000: true, 95004: true, 95017: true}

// deliveryError sorts a failed send for the sender: a busy or rate-limited
// WeCom waits; a refusal for this customer is permanent (dead letter, the
// owner told); a refusal of the account's settings holds every delivery
// and makes Ready fail; anything else is retried with backoff.
func (a *Adapter) deliveryError(err error) error {
	var he *httpError
	code := errCode(err)
	switch {
	case code == -1:
		return &bot.RetryError{After: 2 * time.Second, Err: err}
	case code == 45009 || code == 45033:
		return &bot.RetryError{After: 10 * time.Second, Err: err, Platform: true}
	case accountCodes[code]:
		a.health.Set(fmt.Errorf("wecom: WeCom refuses the account's settings (errcode %d)", code))
		a.log.Error("wecom: WeCom refuses the account's settings; check WECOM_CORP_ID, WECOM_SECRET and WECOM_KF_ID", "errcode", code)
		return &bot.RetryError{After: time.Minute, Err: err, Platform: true}
	case permanentCodes[code] != "":
		return bot.Permanent(permanentCodes[code], err)
	case errors.As(err, &he) && he.Status == 429:
		return &bot.RetryError{After: 5 * time.Second, Err: err}
	}
	return err
}

// clip shortens s to at most max bytes, at a character boundary.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
