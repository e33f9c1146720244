package wechat

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"html"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/eatmoreapple/openwechat"

	"github.com/complaintbot/complaintbot/bot"
)

// This file turns what the library hands over into bot.Inbound messages.
// The library saves its sync key before handlers run, so a message is
// only safe once accepted: handle accepts each one (retrying while the
// store is away) before it returns, under the message's MsgId, so that the
// same message seen twice (a resumed session, a takeover) is one message.

// handle is the library's message handler. It runs on the sync goroutine:
// a panic here must never kill it.
func (a *Adapter) handle(s *session, m *openwechat.Message) {
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("wechat: panic in the message handler (recovered; the message is dropped)", "msg_id", m.MsgId, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	ctx := s.bot.Context()
	select {
	case <-s.ready:
	case <-ctx.Done():
		return
	}
	s.heartbeat.Store(time.Now().UnixMilli())
	if a.hook != nil {
		a.hook(m)
	}
	switch {
	case m.FromUserName == s.self || m.MsgType == 51:
		return // the account's own messages, from the phone
	case m.IsFriendAdd():
		name := m.RecommendInfo.NickName
		if a.acceptFriend(time.Now()) {
			if _, err := m.Agree(); err != nil {
				a.log.Warn("wechat: could not accept a friend request", "name", name, "err", clean(err))
			} else {
				a.log.Info("wechat: accepted a friend request", "name", name)
				a.tell(ctx, "friend:"+m.MsgId, "wechat.friend_accepted", map[string]any{"Name": name})
				return
			}
		}
		// Staff accept on the phone.
		a.log.Info("wechat: a friend request; accept it on the phone if it is a customer", "name", name)
		a.tell(ctx, "friend:"+m.MsgId, "wechat.friend_request", map[string]any{"Name": name})
		return
	case strings.HasPrefix(m.FromUserName, "@@"):
		if s.group != "" && m.FromUserName == s.group {
			a.staffMessage(ctx, s, m)
		}
		return
	case strings.HasPrefix(m.FromUserName, "@"):
		if handle, ok := s.staffHandle(m.FromUserName); ok {
			// A member of the team group writing privately (answering a
			// direct message of the bot): staff, answered there. Who it is
			// comes from the group's member list of this login, not from
			// a name a customer could take.
			a.staffPrivate(ctx, s, m, handle)
			return
		}
		a.customerMessage(ctx, s, m)
	}
}

// staffPrivate accepts a staff member's private message: a command or a
// reply, whose private answers go back to the private chat.
func (a *Adapter) staffPrivate(ctx context.Context, s *session, m *openwechat.Message, handle string) {
	text, atts := a.content(m)
	if text == "" && len(atts) == 0 {
		return
	}
	in := bot.Inbound{Channel: Channel, ID: "m:" + m.MsgId, Role: bot.StaffRole, User: handle, Place: m.FromUserName,
		Text: text, Attachments: atts, At: msgTime(m)}
	if q, ok := quoteOf(m); ok {
		in.Text, in.ThreadRef = q.reply, ref(q.quoted)
		if id := caseNumber.FindStringSubmatch(q.quoted); id != nil {
			in.Thread = id[1]
		}
	}
	a.retry(ctx, "accept", func() error { return a.accept(ctx, in) })
}

// customerMessage accepts a friend's private message, as the customer
// bot.Identities recognises; a contact in doubt is held and the team asked.
func (a *Adapter) customerMessage(ctx context.Context, s *session, m *openwechat.Message) {
	text, atts := a.content(m)
	if text == "" && len(atts) == 0 {
		return
	}
	c, ok := s.contacts[m.FromUserName]
	if !ok {
		u, err := m.Sender() // a friend since this login: the library asks the service
		if err != nil {
			a.log.Warn("wechat: a message from an unknown contact", "msg_id", m.MsgId, "err", clean(err))
			return
		}
		c = contactOf(u)
	}
	name := c.Remark
	if name == "" {
		name = c.Nick
	}
	in := bot.Inbound{Channel: Channel, ID: "m:" + m.MsgId, Role: bot.CustomerRole, Address: m.FromUserName, Name: name,
		Text: text, Attachments: atts, At: msgTime(m)}
	var rec bot.Recognition
	known := false
	a.retry(ctx, "recognise", func() error {
		r, err := a.ids.Recognise(ctx, s.login, c, text)
		rec, known = r, err == nil
		return err
	})
	if !known {
		return
	}
	if d := rec.Doubt; d != nil {
		a.retry(ctx, "hold", func() error {
			first, err := a.ids.Hold(ctx, d, in)
			if err == nil && first {
				a.log.Warn("wechat: a contact who may be one of several customers; asking the team", "question", d.Code)
				a.tell(ctx, "doubt:"+d.Code, "wechat.doubt", doubtData(d))
			}
			return err
		})
		return
	}
	// Each step is retried on its own: a question the facts settled is
	// settled once, and the messages it held are in memory only now.
	a.acceptAll(ctx, rec.Released)
	switch {
	case rec.Settled != nil:
		a.log.Info("wechat: a customer's facts answered who they are", "question", rec.Settled.Code, "released", len(rec.Released))
		a.tell(ctx, "settled:"+rec.Settled.Code, "wechat.doubt_settled",
			map[string]any{"Name": c.Nick, "Code": rec.Settled.Code, "Known": candidateName(*rec.ByFacts)})
	case rec.ByFacts != nil:
		a.log.Info("wechat: a customer with a new look recognised by their facts")
		a.tell(ctx, "facts:"+s.login+":"+c.Address, "wechat.recognised_by_facts",
			map[string]any{"Name": c.Nick, "Known": candidateName(*rec.ByFacts)})
	}
	in.User = rec.User
	a.retry(ctx, "accept", func() error { return a.accept(ctx, in) })
}

// acceptAll accepts messages a question held, in order, each retried on
// its own.
func (a *Adapter) acceptAll(ctx context.Context, held []bot.Inbound) {
	for _, h := range held {
		a.retry(ctx, "accept", func() error { return a.accept(ctx, h) })
	}
}

// candidateName writes a known customer as staff know them: the nickname,
// and the remark name when there is one.
func candidateName(c bot.Candidate) string {
	if c.Remark != "" {
		return c.Nick + " (" + c.Remark + ")"
	}
	return c.Nick
}

// doubtData words a question for the team: who wrote, and the candidates.
func doubtData(d *bot.Doubt) map[string]any {
	var lines []string
	for i, c := range d.Candidates {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, candidateName(c)))
	}
	return map[string]any{"Name": d.Contact.Nick, "Code": d.Code, "Candidates": strings.Join(lines, "\n")}
}

// accept accepts in; an error the engine gives for good is logged and
// dropped, one of the store is returned for a retry.
func (a *Adapter) accept(ctx context.Context, in bot.Inbound) error {
	err := a.engine.Accept(ctx, in)
	if bot.Refused(err) {
		a.log.Warn("wechat: message refused", "id", in.ID, "code", bot.ErrorCode(err), "err", bot.ErrorMessage(err))
		return nil
	}
	return err
}

// retry runs fn until it succeeds or the session ends, with backoff: the
// message is in memory only until then.
func (a *Adapter) retry(ctx context.Context, what string, fn func() error) {
	wait := a.o.Backoff / 4
	for {
		err := fn()
		if err == nil {
			return
		}
		a.log.Error("wechat: could not keep a message; retrying", "step", what, "err", err)
		if !sleep(ctx, wait) {
			a.log.Error("wechat: a message was not kept: the session ended first", "step", what)
			return
		}
		wait = min(wait*2, 30*time.Second)
	}
}

// staffMessage accepts a message of the team group from a member who is
// staff: a command or a reply, in a case's thread when it quotes one.
func (a *Adapter) staffMessage(ctx context.Context, s *session, m *openwechat.Message) {
	if m.IsSystem() {
		return
	}
	member, err := m.SenderInGroup()
	if err != nil {
		a.log.Debug("wechat: team group message without a sender", "err", clean(err))
		return
	}
	handle, ok := s.staffHandle(member.UserName)
	if !ok {
		if handle, ok = a.learnMember(s, member); !ok {
			return // chatter from a member who is not staff
		}
	}
	text, atts := a.content(m)
	in := bot.Inbound{Channel: Channel, ID: "m:" + m.MsgId, Role: bot.StaffRole, User: handle, Attachments: atts, At: msgTime(m)}
	if q, ok := quoteOf(m); ok {
		text = q.reply
		in.ThreadRef = ref(q.quoted)
		if id := caseNumber.FindStringSubmatch(q.quoted); id != nil {
			in.Thread = id[1]
		}
	}
	text = a.withoutMention(s, text)
	in.Text = text
	if text == "" && len(atts) == 0 {
		return
	}
	// The answer is settled once, and the messages it held are in memory
	// only then: each is accepted with a retry of its own.
	var held []bot.Inbound
	answered, done := false, false
	a.retry(ctx, "answer", func() error {
		h, ok, err := a.ids.Answer(ctx, text)
		held, answered, done = h, ok, err == nil
		return err
	})
	switch {
	case !done:
		return
	case answered:
		a.acceptAll(ctx, held)
		a.log.Info("wechat: the team answered who a customer is", "by", handle, "released", len(held))
	default:
		a.retry(ctx, "accept", func() error { return a.accept(ctx, in) })
	}
}

// caseNumber finds the case a quoted message of the bot is about: every
// message the bot posts about a case starts with its number.
var caseNumber = regexp.MustCompile(`^[^\n]*?#(\d+)`)

// withoutMention drops a leading @ of the account ("@客服小微 认领 1").
func (a *Adapter) withoutMention(s *session, text string) string {
	t := strings.TrimSpace(text)
	for _, name := range []string{s.groupSelf, s.name} {
		if name != "" && strings.HasPrefix(t, "@"+name) {
			t = strings.TrimLeft(t[len("@"+name):], " \u2005\t:：,，")
			break
		}
	}
	return t
}

// ref is the reference of a message the bot posted in the team group:
// WeChat's quotes carry the quoted words but no id the bot knows, so a
// message is named by its first words.
func ref(text string) string {
	t := strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(t) > 60 {
		t = string([]rune(t)[:60])
	}
	sum := sha1.Sum([]byte(t))
	return "q:" + hex.EncodeToString(sum[:10])
}

// quote is a reply that quotes (引用) an earlier message.
type quote struct{ quoted, reply string }

type referMsg struct {
	AppMsg struct {
		Title    string `xml:"title"`
		ReferMsg struct {
			Content string `xml:"content"`
		} `xml:"refermsg"`
	} `xml:"appmsg"`
}

const quoteRule = "\n- - - - - - - - - - - - - - -\n"

// quoteOf reads a quote in either of its forms: an app message with a
// <refermsg>, or the text form 「name：quoted」 above a rule.
func quoteOf(m *openwechat.Message) (quote, bool) {
	if m.MsgType == openwechat.MsgTypeApp && m.AppMsgType == 57 {
		var r referMsg
		if xml.Unmarshal([]byte(m.Content), &r) != nil {
			return quote{}, false
		}
		return quote{quoted: html.UnescapeString(r.AppMsg.ReferMsg.Content), reply: r.AppMsg.Title}, true
	}
	if m.MsgType == openwechat.MsgTypeText && strings.HasPrefix(m.Content, "「") {
		head, reply, ok := strings.Cut(m.Content, quoteRule)
		if !ok {
			return quote{}, false
		}
		head = strings.TrimSuffix(strings.TrimPrefix(head, "「"), "」")
		if _, quoted, ok := strings.Cut(head, "："); ok {
			return quote{quoted: quoted, reply: reply}, true
		}
	}
	return quote{}, false
}

// content turns a message into text and attachments: media as what it is
// (the bot keeps a reference, the bytes stay on WeChat), links and
// locations as words, a pat as the notice it is; never raw XML.
func (a *Adapter) content(m *openwechat.Message) (string, []bot.Attachment) {
	msgRef := "wechat:msg/" + m.MsgId
	switch {
	case m.IsPicture():
		return "", []bot.Attachment{{Kind: bot.Image, URL: msgRef, Name: "image"}}
	case m.IsEmoticon():
		return "", []bot.Attachment{{Kind: bot.Image, URL: msgRef, Name: "sticker"}}
	case m.IsVoice():
		return "", []bot.Attachment{{Kind: bot.Voice, URL: msgRef, Name: "voice"}}
	case m.IsVideo():
		return "", []bot.Attachment{{Kind: bot.Video, URL: msgRef, Name: "video"}}
	case m.IsLocation():
		label, _, _ := strings.Cut(m.Content, ":\n")
		return "📍 " + strings.TrimSpace(label), nil
	case m.IsText():
		if q, ok := quoteOf(m); ok {
			return q.reply, nil
		}
		return textOf(m.Content), nil
	case m.IsTickled():
		return textOf(m.Content), nil
	case m.MsgType == openwechat.MsgTypeApp:
		switch m.AppMsgType {
		case openwechat.AppMsgTypeAttach:
			return "", []bot.Attachment{{Kind: bot.File, URL: msgRef, Name: m.FileName}}
		case openwechat.AppMsgTypeUrl:
			return strings.TrimSpace(m.FileName + " " + m.Url), nil
		case 57:
			if q, ok := quoteOf(m); ok {
				return q.reply, nil
			}
		}
	}
	return "", nil // recalls, cards, transfers…: nothing a customer typed
}

// textOf turns the wire text back into what was typed.
func textOf(s string) string {
	return strings.TrimSpace(html.UnescapeString(strings.ReplaceAll(s, "<br/>", "\n")))
}

func msgTime(m *openwechat.Message) time.Time {
	if m.CreateTime <= 0 {
		return time.Time{}
	}
	return time.Unix(m.CreateTime, 0)
}
