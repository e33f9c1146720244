package fakeslack_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/complaintbot/complaintbot/bot/slack/fakeslack"
)

// TestSocketModeSession runs the real socketmode.Client through a whole
// session: hello, each envelope type, acks with payloads, a disconnect and
// the reconnect.
func TestSocketModeSession(t *testing.T) {
	f := newFake(t)
	api := f.Client()
	bot := startSocket(t, api)

	hello := bot.next(t, socketmode.EventTypeHello)
	if hello.Request.NumConnections != 1 || hello.Request.ConnectionInfo.AppID != f.AppID() {
		t.Errorf("hello = %+v, want 1 connection of app %s", hello.Request, f.AppID())
	}
	f.WaitConn(1)

	// A customer's DM.
	d := f.Push(f.DirectMessage(customer, "我的包裹丢了"))
	e := bot.next(t, socketmode.EventTypeEventsAPI)
	if e.Request.EnvelopeID != d.EnvelopeID() || e.Request.AcceptsResponsePayload || e.Request.RetryAttempt != 0 {
		t.Errorf("envelope = %+v, want %s, no response payload, attempt 0", e.Request, d.EnvelopeID())
	}
	ea := e.Data.(slackevents.EventsAPIEvent)
	msg, ok := ea.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok {
		t.Fatalf("inner event = %T, want *slackevents.MessageEvent", ea.InnerEvent.Data)
	}
	if !msg.IsIM() || msg.User != customer || msg.Text != "我的包裹丢了" || msg.ClientMsgID == "" || msg.Channel != f.DMChannel(customer) {
		t.Errorf("message = %+v", msg)
	}
	if cb := ea.Data.(*slackevents.EventsAPICallbackEvent); cb.EventID == "" || cb.TeamID != f.TeamID() {
		t.Errorf("callback = %+v", cb)
	}
	bot.ack(t, e)
	if a := d.WaitAck(); a.Payload != nil || a.Conn != 1 {
		t.Errorf("ack = %+v, want no payload, connection 1", a)
	}

	// A click on a card's button.
	_, cardTS, err := api.PostMessage(team, slack.MsgOptionText("Case 7", false), slack.MsgOptionBlocks(card("7")...))
	must(t, err)
	f.Push(f.Click(alice, team, cardTS, "claim"))
	e = bot.next(t, socketmode.EventTypeInteractive)
	cb := e.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) != 1 {
		t.Fatalf("interaction = %+v", cb)
	}
	act := cb.ActionCallback.BlockActions[0]
	if act.ActionID != "claim" || act.Value != "7" || act.BlockID != "case_actions" || act.ActionTs == "" {
		t.Errorf("action = %+v", act)
	}
	if cb.User.ID != alice || cb.Container.MessageTs != cardTS || cb.Container.ChannelID != team || cb.TriggerID == "" || cb.ResponseURL == "" {
		t.Errorf("callback = user %s container %+v trigger %q", cb.User.ID, cb.Container, cb.TriggerID)
	}
	bot.ack(t, e)
	// The trigger opens a modal.
	view, err := api.OpenView(cb.TriggerID, resolveModal("7"))
	must(t, err)

	// A slash command, answered in the ack.
	d = f.Push(f.SlashCommand(alice, team, "/complaints", "mine"))
	e = bot.next(t, socketmode.EventTypeSlashCommand)
	cmd := e.Data.(slack.SlashCommand)
	if cmd.Command != "/complaints" || cmd.Text != "mine" || cmd.UserID != alice || cmd.ChannelID != team || !e.Request.AcceptsResponsePayload {
		t.Errorf("command = %+v (accepts payload %v)", cmd, e.Request.AcceptsResponsePayload)
	}
	bot.ack(t, e, map[string]any{"response_type": "ephemeral", "text": "You own 1 open case."})
	a := d.WaitAck()
	if string(a.Payload) != `{"response_type":"ephemeral","text":"You own 1 open case."}` {
		t.Errorf("ack payload = %s", a.Payload)
	}
	eph := f.WaitEphemeral(team, func(e fakeslack.Ephemeral) bool { return e.Via == "ack" })
	if eph.User != alice || eph.Text != "You own 1 open case." {
		t.Errorf("ephemeral = %+v", eph)
	}

	// The modal is submitted; an errors answer keeps it open, a nil one closes it.
	d = f.Push(f.ViewSubmission(alice, view.ID, fakeslack.Values{"note": {"text": fakeslack.TextValue("Refunded")}}))
	e = bot.next(t, socketmode.EventTypeInteractive)
	cb = e.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.CallbackID != "resolve_case" || cb.View.PrivateMetadata != "7" ||
		cb.View.State.Values["note"]["text"].Value != "Refunded" || !e.Request.AcceptsResponsePayload {
		t.Errorf("view_submission = %+v", cb.View)
	}
	bot.ack(t, e, slack.NewErrorsViewSubmissionResponse(map[string]string{"note": "Say what was done"}))
	d.WaitAck()
	if v, _ := f.View(view.ID); v.Closed || v.Errors["note"] != "Say what was done" {
		t.Errorf("view after errors = %+v", v)
	}
	f.Push(f.ViewSubmission(alice, view.ID, fakeslack.Values{"note": {"text": fakeslack.TextValue("Refunded in full")}}))
	bot.ack(t, bot.next(t, socketmode.EventTypeInteractive))
	f.WaitUntil("the modal to close", func() bool { return len(f.Modals(alice)) == 0 })

	// Slack asks for a refresh: the client reconnects with a new URL.
	f.WaitConn(1).Disconnect("refresh_requested")
	c := bot.next(t, socketmode.EventTypeConnected).Data.(*socketmode.ConnectedEvent)
	if c.ConnectionCount != 1 { // slack-go counts from 0
		t.Errorf("ConnectionCount = %d, want 1", c.ConnectionCount)
	}
	bot.next(t, socketmode.EventTypeHello)
	f.WaitConn(1).WaitClosed()
	if n := f.ConnCount(); n != 2 {
		t.Errorf("ConnCount = %d, want 2", n)
	}
	if n := len(f.Conns()); n != 1 {
		t.Errorf("%d open connections, want 1", n)
	}
	if n := len(f.Calls("apps.connections.open")); n != 2 {
		t.Errorf("%d apps.connections.open calls, want 2", n)
	}
	// The new connection gets envelopes.
	d = f.Push(f.DirectMessage(customer, "hello?"))
	bot.ack(t, bot.next(t, socketmode.EventTypeEventsAPI))
	if a := d.WaitAck(); a.Conn != 2 {
		t.Errorf("ack on connection %d, want 2", a.Conn)
	}
}

func resolveModal(caseID string) slack.ModalViewRequest {
	pt := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: "resolve_case", PrivateMetadata: caseID,
		Title: pt("Resolve case " + caseID), Submit: pt("Resolve"), Close: pt("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("note", pt("What was done"), nil, slack.NewPlainTextInputBlockElement(pt("…"), "text")),
		}},
	}
}

// TestSocketModeRedelivery: an envelope left un-acked comes again with
// retry_attempt 1 and retry_reason "timeout", same event_id, new envelope_id.
func TestSocketModeRedelivery(t *testing.T) {
	f := newFake(t, fakeslack.WithAckTimeout(100*time.Millisecond))
	bot := startSocket(t, f.Client())
	f.WaitConn(1)

	ev := f.DirectMessage(customer, "anyone?")
	d := f.Push(ev)
	first := bot.next(t, socketmode.EventTypeEventsAPI) // not acked
	retry := bot.next(t, socketmode.EventTypeEventsAPI)
	if retry.Request.RetryAttempt != 1 || retry.Request.RetryReason != "timeout" || retry.Request.EnvelopeID == first.Request.EnvelopeID {
		t.Errorf("retry = %+v, first envelope %s", retry.Request, first.Request.EnvelopeID)
	}
	id := retry.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent).EventID
	if id != ev.ID {
		t.Errorf("retried event_id = %s, want %s", id, ev.ID)
	}
	bot.ack(t, retry)
	if a := d.WaitAck(); a.EnvelopeID != retry.Request.EnvelopeID {
		t.Errorf("ack = %+v", a)
	}
	if at := d.Attempts(); len(at) != 2 || at[1].RetryAttempt != 1 {
		t.Errorf("attempts = %+v", at)
	}
}

// TestSocketModeTwoConnections: each payload goes to one connection; a
// redelivery can go to another.
func TestSocketModeTwoConnections(t *testing.T) {
	f := newFake(t, fakeslack.WithAckTimeout(100*time.Millisecond), fakeslack.WithSeed(1))
	b1 := startSocket(t, f.Client())
	c1 := f.WaitConn(1)
	b2 := startSocket(t, f.Client())
	c2 := f.WaitConn(2)
	f.WaitOpen(2)

	// Random routing: 20 events, each acked once, both replicas get some.
	got := map[int]int{}
	for i := 0; i < 20; i++ {
		d := f.Push(f.DirectMessage(customer, "burst"))
		b, e := nextEither(t, b1, b2)
		b.ack(t, e)
		got[d.WaitAck().Conn]++
	}
	if got[1] == 0 || got[2] == 0 || got[1]+got[2] != 20 {
		t.Errorf("deliveries per connection = %v", got)
	}
	drain(b1.events)
	drain(b2.events)

	// Connection 1 does not ack; Slack retries on connection 2.
	d := f.Push(f.DirectMessage(customer, "retry me"), fakeslack.ToConn(c1), fakeslack.RedeliverTo(c2))
	b1.next(t, socketmode.EventTypeEventsAPI)
	e := b2.next(t, socketmode.EventTypeEventsAPI)
	if e.Request.RetryAttempt != 1 {
		t.Errorf("retry_attempt = %d", e.Request.RetryAttempt)
	}
	b2.ack(t, e)
	if a := d.WaitAck(); a.Conn != c2.ID() {
		t.Errorf("acked on %d, want %d", a.Conn, c2.ID())
	}

	// Told too_many_websockets, everyone reconnects.
	f.DisconnectAll("too_many_websockets")
	f.WaitConn(4)
	f.WaitOpen(2)
}

// nextEither returns the next events_api event either bot receives.
func nextEither(t *testing.T, b1, b2 *socketBot) (*socketBot, socketmode.Event) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-b1.events:
			if e.Type == socketmode.EventTypeEventsAPI {
				return b1, e
			}
		case e := <-b2.events:
			if e.Type == socketmode.EventTypeEventsAPI {
				return b2, e
			}
		case <-timeout:
			t.Fatal("no delivery within 5 s")
		}
	}
}

func drain(ch chan socketmode.Event) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// TestSocketModeNoConnection: an event pushed while nobody is connected is
// delivered as a retry; a click is dropped.
func TestSocketModeNoConnection(t *testing.T) {
	f := newFake(t, fakeslack.WithAckTimeout(100*time.Millisecond), fakeslack.WithMaxRetries(100))
	d := f.Push(f.DirectMessage(customer, "while you were away"))
	click := f.Push(f.SlashCommand(alice, team, "/complaints", ""))
	if !click.Dropped() {
		t.Error("slash command with no connection was not dropped")
	}
	bot := startSocket(t, f.Client())
	e := bot.next(t, socketmode.EventTypeEventsAPI)
	if e.Request.RetryAttempt < 1 || e.Request.RetryReason != "timeout" {
		t.Errorf("late delivery = %+v, want a retry", e.Request)
	}
	bot.ack(t, e)
	d.WaitAck()
	if at := d.Attempts(); at[0].Conn != 0 {
		t.Errorf("first attempt = %+v, want no connection", at[0])
	}
}

// TestSocketModePingWatchdog: without server PINGs slack-go reconnects.
func TestSocketModePingWatchdog(t *testing.T) {
	f := newFake(t, fakeslack.WithPingInterval(50*time.Millisecond))
	bot := startSocket(t, f.Client(), socketmode.OptionPingInterval(300*time.Millisecond))
	bot.next(t, socketmode.EventTypeHello)
	f.WaitConn(1).StopPings()
	bot.next(t, socketmode.EventTypeHello)
	if f.ConnCount() != 2 {
		t.Errorf("ConnCount = %d, want 2", f.ConnCount())
	}
}

// TestSocketModeRevokedToken: a revoked app token ends RunContext with
// token_revoked; a bot token in place of the app token is retried forever.
func TestSocketModeRevokedToken(t *testing.T) {
	f := newFake(t)
	bot := startSocket(t, f.Client())
	bot.next(t, socketmode.EventTypeHello)
	f.RevokeToken(f.AppToken())
	select {
	case err := <-bot.done:
		slackErr(t, err, "token_revoked")
		bot.done <- err // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("RunContext did not return after the app token was revoked")
	}

	wrong := startSocket(t, slack.New(f.BotToken(), slack.OptionAPIURL(f.APIURL()), slack.OptionAppLevelToken(f.BotToken())))
	ce := wrong.next(t, socketmode.EventTypeConnectionError).Data.(*slack.ConnectionErrorEvent)
	slackErr(t, ce.ErrorObj, "not_allowed_token_type")
}

// TestSocketModeRateLimitedConnect: a 429 on apps.connections.open is a
// RateLimitedError slack-go waits out.
func TestSocketModeRateLimitedConnect(t *testing.T) {
	f := newFake(t)
	f.Inject("apps.connections.open", fakeslack.RateLimited(time.Second).Once())
	bot := startSocket(t, f.Client())
	ce := bot.next(t, socketmode.EventTypeConnectionError).Data.(*slack.ConnectionErrorEvent)
	var rl *slack.RateLimitedError
	if !errors.As(ce.ErrorObj, &rl) || rl.RetryAfter != time.Second || ce.Backoff < time.Second {
		t.Fatalf("connection error = %v, backoff %v", ce.ErrorObj, ce.Backoff)
	}
	bot.next(t, socketmode.EventTypeHello)
}

// TestSocketModeAckLatency: acks carry how long the client took.
func TestSocketModeAckLatency(t *testing.T) {
	f := newFake(t)
	bot := startSocket(t, f.Client())
	f.WaitConn(1)
	d := f.Push(f.AppHomeOpened(alice))
	e := bot.next(t, socketmode.EventTypeEventsAPI)
	if _, ok := e.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); !ok {
		t.Fatalf("inner = %T", e.Data.(slackevents.EventsAPIEvent).InnerEvent.Data)
	}
	bot.ack(t, e)
	if a := d.WaitAck(); a.Latency <= 0 || a.Latency > 3*time.Second {
		t.Errorf("latency = %v", a.Latency)
	}
	raw, _ := json.Marshal(f.Acks())
	if len(f.Acks()) != 1 {
		t.Errorf("acks = %s", raw)
	}
}
