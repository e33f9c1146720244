package wecom

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/complaintbot/complaintbot/bot"
)

// wireMsg is one entry of sync_msg's msg_list: a customer's message or a
// system event, with only the part its msgtype names.
type wireMsg struct {
	MsgID          string `json:"msgid"`
	OpenKfID       string `json:"open_kfid"`
	ExternalUserID string `json:"external_userid"`
	SendTime       int64  `json:"send_time"`
	// Origin: 3 a WeChat customer, 4 a system event, 5 a receptionist in
	// WeCom's own client.
	Origin int `json:"origin"`
	// ServicerUserID is the receptionist who wrote, for origin 5.
	ServicerUserID string `json:"servicer_userid"`
	MsgType        string `json:"msgtype"`
	Text           *struct {
		Content string `json:"content"`
		MenuID  string `json:"menu_id"`
	} `json:"text"`
	Image *media `json:"image"`
	Voice *media `json:"voice"`
	Video *media `json:"video"`
	File  *media `json:"file"`
	Loc   *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
		Address   string  `json:"address"`
	} `json:"location"`
	Link *struct {
		Title string `json:"title"`
		Desc  string `json:"desc"`
		URL   string `json:"url"`
	} `json:"link"`
	MiniProgram *struct {
		Title string `json:"title"`
	} `json:"miniprogram"`
	Event *struct {
		EventType      string `json:"event_type"`
		ExternalUserID string `json:"external_userid"`
		WelcomeCode    string `json:"welcome_code"`
		FailMsgID      string `json:"fail_msgid"`
		FailType       int    `json:"fail_type"`
		// ChangeType, for session_status_change: 1 taken from the pool,
		// 2 passed on, 3 ended, 4 taken up again.
		ChangeType  int    `json:"change_type"`
		NewServicer string `json:"new_servicer_userid"`
	} `json:"event"`
}

type media struct {
	MediaID string `json:"media_id"`
}

// handle turns one entry into what the bot needs: a customer's message is
// accepted durably; the enter-session event gets the greeting; a
// send-failure event dead-letters the message. It returns an error only
// when a retry may succeed (the store is away): the cursor then stays.
func (a *Adapter) handle(ctx context.Context, m wireMsg) error {
	if m.MsgType == "event" {
		return a.event(ctx, m)
	}
	var in bot.Inbound
	switch {
	case m.ExternalUserID == "":
		return nil
	case m.Origin == 3:
		in = bot.Inbound{Channel: Channel, ID: m.MsgID, Role: bot.CustomerRole, User: m.ExternalUserID, Name: a.name(ctx, m.ExternalUserID)}
	case m.Origin == 5 && m.ServicerUserID != "":
		// A receptionist answered in WeCom's own client (a session the
		// bot handed them, or one they took from WeCom's pool): the case
		// keeps what they said, as theirs.
		in = bot.Inbound{Channel: Channel, ID: m.MsgID, Role: bot.ReceptionRole, User: m.ExternalUserID, Servicer: m.ServicerUserID}
	default:
		return nil // a system message
	}
	if m.SendTime > 0 {
		in.At = time.Unix(m.SendTime, 0)
	}
	switch m.MsgType {
	case "text":
		if m.Text != nil {
			in.Text = m.Text.Content
			in.Command = pickOf(m.Text.MenuID)
		}
	case "image", "voice", "video", "file":
		kind := map[string]string{"image": bot.Image, "voice": bot.Voice, "video": bot.Video, "file": bot.File}[m.MsgType]
		var md *media
		switch m.MsgType {
		case "image":
			md = m.Image
		case "voice":
			md = m.Voice
		case "video":
			md = m.Video
		default:
			md = m.File
		}
		att := bot.Attachment{Kind: kind}
		if md != nil && len(md.MediaID) <= bot.MaxURL-len("wecom-media:") {
			att.URL = "wecom-media:" + md.MediaID
		}
		in.Attachments = []bot.Attachment{att}
	case "location":
		if m.Loc != nil {
			in.Text = strings.TrimSpace(fmt.Sprintf("📍 %s %s (%.5f, %.5f)", m.Loc.Name, m.Loc.Address, m.Loc.Latitude, m.Loc.Longitude))
		}
	case "link":
		if m.Link != nil {
			in.Text = strings.TrimSpace("🔗 " + strings.TrimSpace(m.Link.Title+" "+m.Link.Desc) + " " + m.Link.URL)
		}
	case "miniprogram":
		if m.MiniProgram != nil {
			in.Text = "📱 " + m.MiniProgram.Title
		}
	default:
		a.log.Info("wecom: a message kind the bot does not read", "msgtype", m.MsgType, "msgid", m.MsgID)
		return nil
	}
	if in.Role == bot.ReceptionRole {
		in.Command = nil // a receptionist's text picks nothing
	}
	if in.Text == "" && len(in.Attachments) == 0 && in.Command == nil {
		return nil
	}
	return a.accept(ctx, in)
}

// accept hands a message to the engine: nil when it is kept or refused for
// good (nothing a retry would change), the error when the store failed.
func (a *Adapter) accept(ctx context.Context, in bot.Inbound) error {
	err := a.engine.Accept(ctx, in)
	if bot.Refused(err) {
		a.log.Warn("wecom: message refused", "msgid", in.ID, "code", bot.ErrorCode(err), "err", bot.ErrorMessage(err))
		return nil
	}
	return err
}

// Menu ids. A tap on an offer's option comes back as "pick:<n>:<case>";
// any other answer as "ans:<i>:<case>", read as the text it shows.
const (
	menuPick   = "pick"
	menuAnswer = "ans"
)

// pickOf reads a menu id: a pick of an offer's option, or nil.
func pickOf(menuID string) *bot.Command {
	parts := strings.SplitN(menuID, ":", 3)
	if len(parts) != 3 || parts[0] != menuPick {
		return nil
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 || n > bot.MaxOptions {
		return nil
	}
	return &bot.Command{Verb: bot.CmdPick, Option: n, Case: parts[2]}
}

// name returns a customer's WeChat nickname (customer/batchget, kept an
// hour), or "" when WeCom does not say.
func (a *Adapter) name(ctx context.Context, user string) string {
	if n, ok := a.names.get(user); ok {
		return n
	}
	var ans struct {
		CustomerList []struct {
			ExternalUserID string `json:"external_userid"`
			Nickname       string `json:"nickname"`
		} `json:"customer_list"`
	}
	if err := a.api.call(ctx, "/cgi-bin/kf/customer/batchget", map[string]any{"external_userid_list": []string{user}}, &ans); err != nil {
		a.log.Warn("wecom: customer/batchget failed; no display name", "err", err)
		return ""
	}
	name := ""
	for _, c := range ans.CustomerList {
		if c.ExternalUserID == user {
			name = c.Nickname
		}
	}
	a.names.put(user, name)
	return name
}

// event handles a system event.
func (a *Adapter) event(ctx context.Context, m wireMsg) error {
	if m.Event == nil {
		return nil
	}
	ev := m.Event
	switch ev.EventType {
	case "enter_session":
		if ev.WelcomeCode == "" || ev.ExternalUserID == "" {
			return nil
		}
		return a.welcome(ctx, m)
	case "msg_send_fail":
		return a.sendFailed(ctx, ev.ExternalUserID, ev.FailMsgID, ev.FailType)
	case "session_status_change":
		// A receptionist moved the session in WeCom's own client (or WeCom
		// reports what the bot did: the core sees it changes nothing).
		if ev.ExternalUserID == "" || ev.ChangeType < 1 || ev.ChangeType > 4 {
			return nil
		}
		err := a.engine.SessionMoved(ctx, Channel, m.MsgID, ev.ExternalUserID, ev.NewServicer, ev.ChangeType == 3)
		if bot.Refused(err) {
			a.log.Warn("wecom: a session change refused", "msgid", m.MsgID, "err", bot.ErrorMessage(err))
			return nil
		}
		return err
	}
	return nil
}

// welcomeWindow is how long a welcome code can be used.
const welcomeWindow = 20 * time.Second

// welcome greets a customer who opened the chat, with the event's welcome
// code: one message, within 20 s of the event. A code that is too old by
// the time it is read (the bot was down) is left alone.
func (a *Adapter) welcome(ctx context.Context, m wireMsg) error {
	if at := time.Unix(m.SendTime, 0); m.SendTime > 0 && a.o.Now().Sub(at) > welcomeWindow {
		a.log.Info("wecom: a welcome code read too late to use", "msgid", m.MsgID)
		return nil
	}
	text, err := a.engine.Welcome(ctx, Channel, m.Event.ExternalUserID)
	if err != nil {
		return err
	}
	body := map[string]any{"code": m.Event.WelcomeCode, "msgid": wireID(m.MsgID), "msgtype": "text", "text": map[string]string{"content": clip(text, maxText)}}
	if err := a.api.call(ctx, "/cgi-bin/kf/send_msg_on_event", body, nil); err != nil {
		// The code is single-use and short-lived: a retry cannot help.
		a.log.Warn("wecom: the welcome was not sent", "errcode", errCode(err), "err", err)
	}
	return nil
}

// failReasons are WeCom's fail_type values, as dead-letter reasons.
var failReasons = map[int]string{1: "account_deleted", 2: "app_closed", 4: "session_expired", 5: "session_closed", 6: "over_5_messages",
	7: "no_video_account", 8: "not_verified", 9: "not_verified", 10: "customer_refuses"}

// sendFailed handles WeCom's report that a message it had taken did not
// reach the customer: the message goes to the dead-letter list and its
// case's owner is told (bot.Engine.Undelivered), as for a refusal at
// send time.
func (a *Adapter) sendFailed(ctx context.Context, user, msgID string, failType int) error {
	raw, err := a.state.State(ctx, sentKey(msgID))
	if err != nil {
		return err
	}
	if raw == "" {
		a.log.Warn("wecom: a message we do not know could not be delivered", "fail_msgid", msgID, "fail_type", failType)
		return nil
	}
	var out bot.Outbound
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		a.log.Error("wecom: a sent message's record is unreadable", "fail_msgid", msgID, "err", err)
		return nil
	}
	reason := failReasons[failType]
	if reason == "" {
		reason = "send_failed"
	}
	a.log.Warn("wecom: WeCom could not deliver a message", "fail_msgid", msgID, "reason", reason)
	if err := a.state.DeadLetter(ctx, Channel, bot.OutboxItem{Message: out}, reason); err != nil {
		return err
	}
	if err := a.engine.Undelivered(ctx, out, reason); err != nil {
		return err
	}
	// Handled: a page read again finds no record and does nothing.
	return a.state.DropState(ctx, sentKey(msgID), raw)
}
