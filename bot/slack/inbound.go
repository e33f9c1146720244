package slack

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/complaintbot/complaintbot/bot"
)

// This file turns what Slack sends into bot.Inbound messages. Every message
// is accepted durably (bot.Engine.Accept) before Slack is acknowledged, and
// carries an id that stays the same when Slack sends it again: a message's
// channel and ts, a click's case, card revision, verb and user, a modal's
// view id. A retried envelope is therefore processed like the first and
// dropped by the engine if it was handled.

// errRetry is returned for an event that could not be accepted because the
// store is away: not acknowledging it makes Slack send it again.
var errRetry = errors.New("slack: could not accept the event; Slack will send it again")

// acceptOrRetry accepts in and sorts the outcome: nil when accepted or when
// the engine refused it for good (acknowledge; nothing would change),
// errRetry when the store failed (do not acknowledge).
func (a *Adapter) acceptOrRetry(ctx context.Context, in bot.Inbound) error {
	switch err := a.engine.Accept(ctx, in); {
	case bot.Refused(err):
		a.log.Warn("slack: message refused", "id", in.ID, "code", bot.ErrorCode(err), "err", bot.ErrorMessage(err))
	case err != nil:
		a.log.Error("slack: accept failed", "id", in.ID, "err", err)
		return errRetry
	}
	return nil
}

// event handles one Events API callback.
func (a *Adapter) event(ctx context.Context, ev slackevents.EventsAPIEvent) error {
	if ev.Type != slackevents.CallbackEvent {
		return nil
	}
	team := ev.TeamID
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		return a.message(ctx, team, fromEvent(e))
	case *slackevents.MemberJoinedChannelEvent:
		if e.Channel == a.o.TeamChannel {
			a.learn(ctx, e.User)
			a.home.changed()
		}
	case *slackevents.MemberLeftChannelEvent:
		if e.Channel == a.o.TeamChannel {
			a.engine.People().Forget(Channel, e.User)
			a.home.changed()
		}
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab == "home" || e.Tab == "" {
			a.home.opened(e.User)
		}
	}
	return nil
}

// keptSubtypes are the message subtypes that are a person writing; every
// other (edits, deletions, joins, the bot's own posts) is ignored.
var keptSubtypes = map[string]bool{"": true, "file_share": true, "thread_broadcast": true}

// wireMessage is what the adapter reads of a message event, whichever
// parser read it.
type wireMessage struct {
	Type        string           `json:"type"`
	SubType     string           `json:"subtype"`
	Channel     string           `json:"channel"`
	ChannelType string           `json:"channel_type"`
	User        string           `json:"user"`
	UserTeam    string           `json:"user_team"`
	BotID       string           `json:"bot_id"`
	Text        string           `json:"text"`
	TS          string           `json:"ts"`
	ThreadTS    string           `json:"thread_ts"`
	Files       []slackapi.File  `json:"files"`
	Message     *wireMessageBody `json:"message"`
}

type wireMessageBody struct {
	Text  string          `json:"text"`
	Files []slackapi.File `json:"files"`
}

// fromEvent turns slack-go's message event into a wireMessage.
func fromEvent(e *slackevents.MessageEvent) wireMessage {
	m := wireMessage{Type: e.Type, SubType: e.SubType, Channel: e.Channel, ChannelType: e.ChannelType, User: e.User, UserTeam: e.UserTeam,
		BotID: e.BotID, Text: e.Text, TS: e.TimeStamp, ThreadTS: e.ThreadTimeStamp}
	if e.Message != nil {
		m.Message = &wireMessageBody{Text: e.Message.Text, Files: e.Message.Files}
	}
	return m
}

// message handles a message event: a customer's direct message, or a staff
// member's message in the team channel, a thread of it, or a direct message.
func (a *Adapter) message(ctx context.Context, team string, e wireMessage) error {
	if e.BotID != "" || e.User == "" || e.User == a.botUser || !keptSubtypes[e.SubType] {
		return nil
	}
	text := fromSlack(e.Text)
	files := e.Files
	if e.Message != nil {
		files = append(files, e.Message.Files...)
		if text == "" {
			text = fromSlack(e.Message.Text)
		}
	}
	in := bot.Inbound{Channel: Channel, ID: "m:" + e.Channel + ":" + e.TS, Text: text, Attachments: attachments(files), At: slackTime(e.TS)}
	_, staff := a.engine.People().ByHandle(Channel, e.User)
	switch {
	case e.Channel == a.o.TeamChannel:
		if !staff {
			// Chatter from a member the staff list leaves out: theirs to
			// have, not ours to answer.
			a.log.Debug("slack: message in the team channel from someone not on the staff list", "user", e.User)
			return nil
		}
		in.Role, in.User = bot.StaffRole, e.User
		in.Text = a.withoutBotMention(in.Text)
		if e.ThreadTS != "" && e.ThreadTS != e.TS {
			in.ThreadRef = ref(e.Channel, e.ThreadTS)
		}
	case e.ChannelType == "im" && staff:
		// A staff member writing to the app: a command, answered there.
		in.Role, in.User, in.Place = bot.StaffRole, e.User, e.Channel
		in.Text = a.withoutBotMention(in.Text)
	case e.ChannelType == "im":
		if e.UserTeam != "" {
			team = e.UserTeam // Slack Connect: the customer's own workspace
		}
		u, _ := a.user(ctx, e.User)
		in.Role, in.User, in.Address, in.Name = bot.CustomerRole, team+":"+e.User, e.Channel, u.name
		a.dms.Store(e.User, e.Channel)
	default:
		return nil
	}
	if in.Text == "" && len(in.Attachments) == 0 {
		return nil
	}
	return a.acceptOrRetry(ctx, in)
}

var botMention = regexp.MustCompile(`^\s*<@([A-Z0-9]+)(?:\|[^>]*)?>[\s:,，]*`)

// withoutBotMention drops a leading mention of the bot ("@complaints claim
// 42"): staff may address the bot to be sure it listens.
func (a *Adapter) withoutBotMention(s string) string {
	if m := botMention.FindStringSubmatch(s); m != nil && m[1] == a.botUser {
		return strings.TrimSpace(s[len(m[0]):])
	}
	return s
}

// fromSlack turns Slack's text format back into what the person typed:
// &, < and > are escaped on the wire; links come as <url|label> and
// mentions as <@U123>, which are kept as Slack wrote them.
func fromSlack(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// attachments turns a message's files into attachments: the reference, not
// the bytes.
func attachments(files []slackapi.File) []bot.Attachment {
	var out []bot.Attachment
	for _, f := range files {
		kind := bot.File
		switch mt := f.Mimetype; {
		case strings.HasPrefix(mt, "image/"):
			kind = bot.Image
		case strings.HasPrefix(mt, "audio/"):
			kind = bot.Voice
		case strings.HasPrefix(mt, "video/"):
			kind = bot.Video
		}
		url := f.URLPrivate
		if len(url) > bot.MaxURL {
			url = ""
		}
		out = append(out, bot.Attachment{Kind: kind, URL: url, Name: f.Name})
		if len(out) == bot.MaxAttachments {
			break
		}
	}
	return out
}

// slackTime reads a Slack ts ("1733000000.000123") as a time.
func slackTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}
	}
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000)
}

// ref is the adapter's reference of a message: its channel and ts.
func ref(channel, ts string) string { return channel + "/" + ts }

// unref splits a reference back into channel and ts.
func unref(r string) (channel, ts string) {
	channel, ts, _ = strings.Cut(r, "/")
	return channel, ts
}

// Action and view ids. A card's button carries "<case>:<rev>" as its value.
const (
	actionPrefix   = "cb_"
	callbackPrefix = "cb_"
)

func actionID(v bot.Verb) string { return actionPrefix + string(v) }

// interaction handles a click or a modal's submission. It returns the
// payload to acknowledge with (a modal's errors), or errRetry.
func (a *Adapter) interaction(ctx context.Context, cb slackapi.InteractionCallback) (any, error) {
	user := cb.User.ID
	switch cb.Type {
	case slackapi.InteractionTypeBlockActions:
		for _, act := range cb.ActionCallback.BlockActions {
			if err := a.click(ctx, cb, act); err != nil {
				return nil, err
			}
		}
		return nil, nil
	case slackapi.InteractionTypeViewSubmission:
		if _, ok := a.engine.People().ByHandle(Channel, user); !ok {
			return a.viewErrors(cb.View, a.word("slack.not_staff", nil)), nil
		}
		cmd, ok := a.submission(cb.View)
		if !ok {
			return nil, nil
		}
		in := bot.Inbound{Channel: Channel, Role: bot.StaffRole, User: user, ID: "view:" + cb.View.ID, Command: &cmd}
		if err := a.acceptOrRetry(ctx, in); err != nil {
			return a.viewErrors(cb.View, a.word("slack.try_again", nil)), nil
		}
		return nil, nil
	}
	return nil, nil
}

// click handles one button of a card.
func (a *Adapter) click(ctx context.Context, cb slackapi.InteractionCallback, act *slackapi.BlockAction) error {
	verb := bot.Verb(strings.TrimPrefix(act.ActionID, actionPrefix))
	caseID, revText, _ := strings.Cut(act.Value, ":")
	rev, _ := strconv.Atoi(revText)
	user := cb.User.ID
	channel := cb.Container.ChannelID
	if _, ok := a.engine.People().ByHandle(Channel, user); !ok {
		a.ephemeral(ctx, channel, user, cb.Container.MessageTs, a.word("slack.not_staff", nil))
		return nil
	}
	switch verb {
	case bot.CmdResolve, bot.CmdHandover, bot.CmdEscalate:
		// A modal asks for what the command needs. The trigger lasts 3 s:
		// open it now.
		if err := a.openModal(ctx, cb.TriggerID, verb, caseID); err != nil {
			a.log.Warn("slack: could not open the modal", "verb", verb, "case", caseID, "err", err)
			a.ephemeral(ctx, channel, user, cb.Container.MessageTs, a.word("slack.try_again", nil))
		}
		return nil
	case bot.CmdClaim, bot.CmdReopen:
		in := bot.Inbound{Channel: Channel, Role: bot.StaffRole, User: user, ID: bot.ActionID(caseID, rev, verb, user),
			Command: &bot.Command{Verb: verb, Case: caseID}}
		if channel != "" && channel != a.o.TeamChannel {
			in.Place = channel
		}
		if err := a.acceptOrRetry(ctx, in); err != nil {
			a.ephemeral(ctx, channel, user, cb.Container.MessageTs, a.word("slack.try_again", nil))
		}
	}
	return nil
}

// Input blocks of the modals.
const (
	blockCategory = "category"
	blockCause    = "cause"
	blockDone     = "done"
	blockAction   = "action"
	blockPerson   = "person"
	blockReason   = "reason"
	inputID       = "input"
)

// submission reads a modal's answers as a structured command.
func (a *Adapter) submission(v slackapi.View) (bot.Command, bool) {
	verb := bot.Verb(strings.TrimPrefix(v.CallbackID, callbackPrefix))
	get := func(block string) slackapi.BlockAction {
		if v.State == nil {
			return slackapi.BlockAction{}
		}
		return v.State.Values[block][inputID]
	}
	cmd := bot.Command{Verb: verb, Case: v.PrivateMetadata, Lang: a.lang}
	switch verb {
	case bot.CmdResolve:
		cmd.Category = get(blockCategory).SelectedOption.Value
		cmd.Cause = get(blockCause).SelectedOption.Value
		cmd.Text = get(blockDone).Value
		cmd.Action = get(blockAction).Value
	case bot.CmdHandover:
		if u := get(blockPerson).SelectedUser; u != "" {
			cmd.To = "<@" + u + ">"
		}
		cmd.Text = get(blockReason).Value
	case bot.CmdEscalate:
		cmd.Text = get(blockReason).Value
	default:
		return cmd, false
	}
	return cmd, true
}

// viewErrors answers a modal's submission with an error shown under its
// first input.
func (a *Adapter) viewErrors(v slackapi.View, msg string) *slackapi.ViewSubmissionResponse {
	block := blockReason
	if strings.TrimPrefix(v.CallbackID, callbackPrefix) == string(bot.CmdResolve) {
		block = blockCategory
	}
	return slackapi.NewErrorsViewSubmissionResponse(map[string]string{block: msg})
}

// slash answers /complaints: read-only commands (the list, mine, one case,
// help) at once and privately, in the acknowledgement; anything else
// (/complaints claim 42) is accepted as the typed command it is, and the
// engine answers privately where it was typed.
func (a *Adapter) slash(ctx context.Context, c slackapi.SlashCommand) (any, error) {
	text := strings.TrimSpace(c.Text)
	switch f := strings.ToLower(text); {
	case f == "":
		text = "cases"
	case strings.TrimLeft(f, "#0123456789") == "" && strings.Trim(f, "#") != "":
		text = "case " + strings.TrimLeft(f, "#")
	}
	answer, ok, err := a.engine.Query(ctx, Channel, c.UserID, text)
	switch {
	case bot.ErrorCode(err) == bot.EFORBIDDEN:
		return ephemeralReply(a.word("slack.not_staff", nil)), nil
	case err != nil:
		a.log.Error("slack: slash command", "err", err)
		return ephemeralReply(a.word("slack.try_again", nil)), nil
	case ok:
		return ephemeralReply(answer), nil
	}
	in := bot.Inbound{Channel: Channel, Role: bot.StaffRole, User: c.UserID, ID: "slash:" + c.TriggerID, Text: text}
	if c.ChannelID != a.o.TeamChannel {
		in.Place = c.ChannelID
	}
	if in.ID == "slash:" {
		in.ID = ""
	}
	if err := a.acceptOrRetry(ctx, in); err != nil {
		return ephemeralReply(a.word("slack.try_again", nil)), nil
	}
	return nil, nil
}

// ephemeralReply is a slash command's private answer.
func ephemeralReply(text string) map[string]any {
	return map[string]any{"response_type": "ephemeral", "text": clip(escape(text), maxText)}
}
