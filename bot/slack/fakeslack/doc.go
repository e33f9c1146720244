// Package fakeslack is a fake Slack for tests: an in-process HTTP server that
// speaks Slack's wire protocol, so that the real slack-go client (slack.Client
// and socketmode.Client) can run against it. It is hermetic (loopback only)
// and safe for concurrent use.
//
// What it fakes:
//   - The Web API methods a bot uses, form-encoded or JSON, with Slack's
//     answers and state: auth.test; chat.postMessage, chat.update,
//     chat.postEphemeral, chat.delete, chat.getPermalink; conversations.open
//     (a stable D… channel per user), conversations.members (paged by
//     cursor), conversations.info; users.info; views.publish, views.open,
//     views.update, views.push (trigger_id: valid once, for 3 s); files.info
//     and file downloads; response_url posts. Tokens are checked as Slack
//     does (not_authed, invalid_auth, token_revoked, not_allowed_token_type).
//   - Socket Mode: apps.connections.open with the app token, a /ws endpoint
//     with single-use tickets, hello, WebSocket PINGs, events_api,
//     interactive and slash_commands envelopes to ONE open connection (random
//     or chosen), acks with payloads, redelivery of un-acked events_api
//     envelopes, and disconnect.
//   - HTTP mode: signed requests (X-Slack-Signature v0, X-Slack-Request-Timestamp)
//     for events, url_verification, interactions and slash commands,
//     including forged, stale and retried ones.
//   - Payload builders for messages (DM, channel, thread, files, the bot's
//     own, changed, deleted), membership, App Home, button clicks, view
//     submissions and slash commands.
//   - Fault injection per method and channel: 429 with Retry-After, ok:false
//     with any error code, 5xx, delays.
//   - Slack's limits: text over 40,000 characters gets msg_too_long (Slack
//     accepts that much but shows only the first 4,000 characters, see
//     DisplayTextLength and Message.OverDisplayLimit); more than 50 blocks in
//     a message (100 in a view), a section text over 3,000 characters (or
//     empty), more than 10 section fields or one over 2,000, a header over
//     150, a button label over 75, more than 25 actions or 10 context
//     elements, and duplicate block_id or action_id get invalid_blocks
//     (invalid_arguments for views, which also check modal titles of at most
//     24 characters), with Slack's "[ERROR] … [json-pointer:…]" messages.
//     Blocks without a block_id get one, as Slack assigns them.
//
// What it does not fake: RTM, OAuth and installation, scopes (missing_scope
// only by injection), Slack's rate-limit tiers (429 only by injection),
// conversations.history/replies, reactions, file uploads, Enterprise Grid,
// mrkdwn rendering, the response_url limit of 5 uses in 30 minutes, Slack's
// own delivery of HTTP events (a test builds the signed request and posts it),
// the too_many_websockets limit of 10 connections (send that disconnect
// yourself) and Slack's retry schedule (redeliveries come every ack timeout,
// not after 1 and 5 minutes).
//
// A test of a Socket Mode bot:
//
//	f := fakeslack.New(t,
//		fakeslack.WithUser(fakeslack.User{ID: "U2", RealName: "Li Wei"}),
//		fakeslack.WithChannel(fakeslack.Channel{ID: "C1", Name: "support", Members: []string{"U7"}}))
//	api := slack.New(f.BotToken(), slack.OptionAPIURL(f.APIURL()),
//		slack.OptionAppLevelToken(f.AppToken()))
//	startBot(t, socketmode.New(api)) // the code under test
//	f.WaitConn(1)
//	d := f.Push(f.DirectMessage("U2", "my order never arrived"))
//	d.WaitAck()
//	card := f.WaitMessage("C1", func(m fakeslack.Message) bool { return m.HasAction("claim") })
//	f.Push(f.Click("U7", "C1", card.TS, "claim")).WaitAck()
//	f.WaitMessage("C1", func(m fakeslack.Message) bool {
//		return m.TS == card.TS && len(m.Edits) == 1 && !m.HasAction("claim")
//	})
//	f.WaitMessage(f.DMChannel("U2"), func(m fakeslack.Message) bool { return m.BotID != "" })
//
// The Wait… methods block until the fake's state matches, re-checking on
// every change, and fail the test after the wait timeout (WithWaitTimeout,
// 5 s by default), so tests need no sleeps.
package fakeslack
