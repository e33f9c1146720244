package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/complaintbot/complaintbot/bot"
)

// Deliver posts one outbound message the way Slack shows it: a customer's
// message in their direct message with the app; a card in the team
// channel, then updated in place (chat.update); a thread message under the
// case's card; a private notice as an ephemeral message to its reader; a
// direct alert in the person's direct message with the app. Long texts are
// split at line or sentence ends. It returns the reference of what it
// posted ("<channel>/<ts>"; the first part of a split text), or "" for an
// ephemeral message, which Slack cannot update.
func (a *Adapter) Deliver(ctx context.Context, d bot.Delivery) (string, error) {
	var r string
	var err error
	switch {
	case d.Audience == bot.ToCustomer:
		var ch string
		if ch, err = a.customerChannel(ctx, d); err == nil {
			text := d.Text
			if d.Staff != "" {
				// The owner speaks through the app: the customer sees who.
				text = d.Staff + ": " + text
			}
			r, err = a.post(ctx, ch, "", escape(text), nil)
		}
	case d.Audience == bot.ToStaff:
		var ch string
		if ch, err = a.dm(ctx, d.ToHandle); err == nil {
			r, err = a.post(ctx, ch, "", escape(d.Text), nil)
		}
	case d.Kind == bot.KindNotice:
		place, ts := d.Place, ""
		if place == "" {
			place = a.o.TeamChannel
			if d.ThreadRef != "" {
				place, ts = unref(d.ThreadRef)
			}
		}
		err = a.ephemeralErr(ctx, place, d.ToHandle, ts, d.Text)
	case d.Kind == bot.KindCard && d.Card != nil:
		r, err = a.card(ctx, d)
	default:
		channel, ts := a.o.TeamChannel, ""
		if d.ThreadRef != "" {
			channel, ts = unref(d.ThreadRef)
		}
		r, err = a.post(ctx, channel, ts, escape(d.Text), nil)
	}
	if err != nil {
		return "", a.deliveryError(err)
	}
	return r, nil
}

// card posts a case's card, or updates it in place when it was posted.
func (a *Adapter) card(ctx context.Context, d bot.Delivery) (string, error) {
	blocks := a.cardBlocks(d.Card)
	fallback := clip(escape(a.plain(d.Text)), maxText)
	if d.EditsRef != "" {
		channel, ts := unref(d.EditsRef)
		_, _, _, err := a.api.UpdateMessageContext(ctx, channel, ts, slackapi.MsgOptionText(fallback, false), slackapi.MsgOptionBlocks(blocks...))
		var se slackapi.SlackErrorResponse
		if errors.As(err, &se) && (se.Err == "message_not_found" || se.Err == "cant_update_message") {
			// The card is gone (deleted by someone): post it again.
			return a.post(ctx, channel, "", fallback, blocks)
		}
		a.home.changed()
		return d.EditsRef, err
	}
	a.home.changed()
	return a.post(ctx, a.o.TeamChannel, "", fallback, blocks)
}

// post posts escaped text (and blocks) to a channel, in a thread when ts
// is set, split into several messages when too long; it returns the first
// message's reference.
func (a *Adapter) post(ctx context.Context, channel, thread, text string, blocks []slackapi.Block) (string, error) {
	if channel == "" {
		return "", bot.Permanent("no_channel", errors.New("nowhere to post: no channel"))
	}
	first := ""
	for i, part := range bot.SplitText(text, maxText, bot.Runes) {
		opts := []slackapi.MsgOption{slackapi.MsgOptionText(part, false), slackapi.MsgOptionDisableLinkUnfurl(), slackapi.MsgOptionDisableMediaUnfurl()}
		if thread != "" {
			opts = append(opts, slackapi.MsgOptionTS(thread))
		}
		if i == 0 && len(blocks) > 0 {
			opts = append(opts, slackapi.MsgOptionBlocks(blocks...))
		}
		ch, ts, err := a.api.PostMessageContext(ctx, channel, opts...)
		if err != nil {
			return first, err
		}
		if first == "" {
			first = ref(ch, ts)
		}
	}
	return first, nil
}

// customerChannel is the customer's direct message with the app: the
// address their latest message came from, or one opened now.
func (a *Adapter) customerChannel(ctx context.Context, d bot.Delivery) (string, error) {
	addr := d.Address
	if strings.HasPrefix(addr, "D") && !strings.Contains(addr, ":") {
		return addr, nil
	}
	// No DM recorded: the address is the customer's "<team>:<user>".
	_, user, ok := strings.Cut(addr, ":")
	if !ok {
		user = addr
	}
	return a.dm(ctx, user)
}

// dm returns the direct message channel with a user, opening it once.
func (a *Adapter) dm(ctx context.Context, user string) (string, error) {
	if user == "" {
		return "", bot.Permanent("no_user", errors.New("a direct message without a recipient"))
	}
	if ch, ok := a.dms.Load(user); ok {
		return ch.(string), nil
	}
	ch, _, _, err := a.api.OpenConversationContext(ctx, &slackapi.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
	if err != nil {
		return "", err
	}
	a.dms.Store(user, ch.ID)
	return ch.ID, nil
}

// ephemeral shows text to one user only, in a channel (in a thread when ts
// is set); a failure is logged, as it is only ever an answer to a click.
func (a *Adapter) ephemeral(ctx context.Context, channel, user, ts, text string) {
	if channel == "" {
		channel = a.o.TeamChannel
	}
	if err := a.ephemeralErr(ctx, channel, user, ts, text); err != nil {
		a.log.Warn("slack: ephemeral message failed", "channel", channel, "user", user, "err", err)
	}
}

func (a *Adapter) ephemeralErr(ctx context.Context, channel, user, ts, text string) error {
	opts := []slackapi.MsgOption{slackapi.MsgOptionText(clip(escape(text), maxText), false)}
	if ts != "" {
		opts = append(opts, slackapi.MsgOptionTS(ts))
	}
	_, err := a.api.PostEphemeralContext(ctx, channel, user, opts...)
	return err
}

// openModal opens the modal a card's button asks for.
func (a *Adapter) openModal(ctx context.Context, trigger string, verb bot.Verb, caseID string) error {
	_, err := a.api.OpenViewContext(ctx, trigger, a.modal(verb, caseID))
	return err
}

// permanentErrors are Slack's answers that no retry changes: the channel or
// person is gone, the bot is not let in, the message cannot be taken.
var permanentErrors = map[string]bool{
	"channel_not_found": true, "is_archived": true, "not_in_channel": true, "user_not_found": true,
	"user_not_in_channel": true, "cannot_dm_bot": true, "user_disabled": true, "msg_too_long": true,
	"invalid_blocks": true, "no_text": true, "restricted_action": true, "ekm_access_denied": true,
	"messages_tab_disabled": true, "team_access_not_granted": true, "not_allowed_token_type": true,
}

// deadToken are Slack's answers that the bot's token no longer works.
var deadToken = map[string]bool{"invalid_auth": true, "token_revoked": true, "not_authed": true, "account_inactive": true, "token_expired": true}

// deliveryError sorts a failed call for the sender: rate limits wait as
// Slack asks; a refusal no retry changes is permanent; a dead token holds
// the whole platform (and makes Ready fail) until someone fixes it, rather
// than filling the dead-letter list; anything else is retried.
func (a *Adapter) deliveryError(err error) error {
	var rl *slackapi.RateLimitedError
	var se slackapi.SlackErrorResponse
	var sc slackapi.StatusCodeError
	var pe *bot.PermanentError
	switch {
	case errors.As(err, &pe):
		return err
	case errors.As(err, &rl):
		return &bot.RetryError{After: rl.RetryAfter, Err: err}
	case errors.As(err, &sc) && sc.Code == 429:
		return &bot.RetryError{After: time.Second, Err: err}
	case errors.As(err, &se) && se.Err == "ratelimited":
		return &bot.RetryError{After: time.Second, Err: err}
	case errors.As(err, &se) && deadToken[se.Err]:
		a.health.set(fmt.Errorf("slack: the bot token no longer works (%s)", se.Err))
		a.log.Error("slack: the bot token no longer works; check SLACK_BOT_TOKEN", "error", se.Err)
		return &bot.RetryError{After: time.Minute, Err: err, Platform: true}
	case errors.As(err, &se) && permanentErrors[se.Err]:
		return bot.Permanent(se.Err, err)
	}
	return err
}

// PaceKey names the Slack channel a delivery counts against: Slack allows
// about one message a second per channel, and every case's thread is in
// the one team channel.
func (a *Adapter) PaceKey(d bot.Delivery) string {
	switch {
	case d.Audience == bot.ToCustomer:
		if strings.HasPrefix(d.Address, "D") {
			return d.Address
		}
		return "customer:" + d.Address
	case d.Audience == bot.ToStaff:
		return "dm:" + d.ToHandle
	case d.Kind == bot.KindNotice && d.Place != "":
		return d.Place
	}
	return a.o.TeamChannel
}
