package wecom

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/complaintbot/complaintbot/bot"
)

// WeCom's session states (service_state).
const (
	sessionUntreated = 0 // new: nobody has answered yet
	sessionBot       = 1 // the API (the "smart assistant") answers
	sessionPool      = 2 // waiting in the pool for a servicer
	sessionServicer  = 3 // a servicer (接待人员) answers in WeCom's client
	sessionEnded     = 4 // ended, or never started
)

// closingWindow is how long the msg_code of a change to state 4 can be
// used (once) to send the closing message.
const closingWindow = 20 * time.Second

func closingKey(id string) string { return "wecom:closing:" + id }
func closedKey(id string) string  { return "wecom:closed:" + id }

// sessionReasons are the refusals of service_state/trans (and of the
// closing message), as dead-letter reasons. The codes are not checked
// against the live service (docs/wecom.md).
var sessionReasons = map[int]string{
	95013: "session_closed",
	95014: "not_a_servicer",
	95016: "state_change_refused",
	40003: "unknown_customer",
	95002: "closing_code_refused",
}

// moveSession delivers a bot.KindSession message: it reads where the
// customer's session is (service_state/get) and moves it with
// service_state/trans only when it is not there yet, so a message
// delivered twice moves it once. Ending a session (state 4) returns a
// msg_code with which the closing message (the text, as a menu when it
// has choices) goes out through send_msg_on_event, once, within 20 s; the
// code is kept in Redis for those 20 s so that a retry after a busy WeCom
// still uses it. Any refusal is permanent: the sender dead-letters it and
// the core tells the owner (bot.Engine.Undelivered).
func (a *Adapter) moveSession(ctx context.Context, d bot.Delivery, user string) (string, error) {
	id := wireID(d.ID)
	if d.Session == bot.SessionEnd {
		if code, err := a.state.State(ctx, closingKey(id)); err != nil {
			return "", err
		} else if code != "" {
			return a.sendClosing(ctx, d, id, code)
		}
		if done, err := a.state.State(ctx, closedKey(id)); err != nil {
			return "", err
		} else if done != "" {
			return id, nil
		}
	}
	var st struct {
		State    int    `json:"service_state"`
		Servicer string `json:"servicer_userid"`
	}
	who := map[string]any{"open_kfid": a.o.KfID, "external_userid": user}
	if err := a.api.call(ctx, "/cgi-bin/kf/service_state/get", who, &st); err != nil {
		return "", a.sessionError(err)
	}
	body := map[string]any{"open_kfid": a.o.KfID, "external_userid": user}
	switch d.Session {
	case bot.SessionToPerson:
		if d.ToHandle == "" {
			return "", bot.Permanent("no_servicer", errors.New("wecom: a hand-over to nobody"))
		}
		if st.State == sessionServicer && st.Servicer == d.ToHandle {
			return id, nil
		}
		body["service_state"], body["servicer_userid"] = sessionServicer, d.ToHandle
	case bot.SessionToBot:
		if st.State != sessionServicer && st.State != sessionPool {
			return id, nil // the API has it already, or there is no session
		}
		body["service_state"] = sessionBot
	case bot.SessionEnd:
		switch st.State {
		case sessionEnded:
			return "", bot.Permanent("session_closed", errors.New("wecom: the session ended before the bot could close it"))
		case sessionUntreated, sessionBot:
			// Nobody of the reception has it (WeCom ended their session
			// and the customer wrote again): the closing words go as an
			// ordinary message, and the session stays with the API.
			d.Kind = bot.KindText
			return a.Deliver(ctx, d)
		}
		body["service_state"] = sessionEnded
	default:
		return "", bot.Permanent("bad_session_move", fmt.Errorf("wecom: unknown session move %q", d.Session))
	}
	var ans struct {
		MsgCode string `json:"msg_code"`
	}
	if err := a.api.call(ctx, "/cgi-bin/kf/service_state/trans", body, &ans); err != nil {
		return "", a.sessionError(err)
	}
	a.log.Info("wecom: session moved", "case", d.Case, "from", st.State, "to", body["service_state"])
	if d.Session != bot.SessionEnd || d.Text == "" {
		return id, nil
	}
	if ans.MsgCode == "" {
		return "", bot.Permanent("no_closing_code", errors.New("wecom: the session ended without a msg_code"))
	}
	if err := a.state.SetState(ctx, closingKey(id), ans.MsgCode, closingWindow); err != nil {
		return "", err
	}
	return a.sendClosing(ctx, d, id, ans.MsgCode)
}

// sendClosing sends the closing message with the msg_code of the end.
func (a *Adapter) sendClosing(ctx context.Context, d bot.Delivery, id, code string) (string, error) {
	body := map[string]any{"code": code, "msgid": id}
	if len(d.Choices) > 0 {
		body["msgtype"] = "msgmenu"
		body["msgmenu"] = map[string]any{"head_content": clip(d.Text, maxMenuHead), "list": menuItems(d.Case, d.Choices), "tail_content": ""}
	} else {
		body["msgtype"] = "text"
		body["text"] = map[string]string{"content": clip(d.Text, maxText)}
	}
	if err := a.api.call(ctx, "/cgi-bin/kf/send_msg_on_event", body, nil); err != nil {
		if c := errCode(err); c == -1 || c == 45009 || c == 45033 || c == 0 {
			return "", &bot.RetryError{After: time.Second, Err: err}
		}
		return "", a.sessionError(err)
	}
	if err := a.state.SetState(ctx, closedKey(id), "1", sentTTL); err != nil {
		return "", err
	}
	_ = a.state.DropState(ctx, closingKey(id), code)
	return id, nil
}

// sessionError sorts a failed service_state call: a busy WeCom, a lost
// connection or a refused account are what they are for any call
// (deliveryError); any other errcode is this session's refusal, for good.
func (a *Adapter) sessionError(err error) error {
	code := errCode(err)
	switch {
	case code == 0, code == -1, code == 45009, code == 45033, accountCodes[code]:
		return a.deliveryError(err)
	}
	reason := sessionReasons[code]
	if reason == "" {
		reason = fmt.Sprintf("session_refused_%d", code)
	}
	return bot.Permanent(reason, err)
}
