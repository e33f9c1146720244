package fakeslack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/complaintbot/complaintbot/bot/slack/fakeslack"
)

var tsPattern = regexp.MustCompile(`^\d{10}\.\d{6}$`)

func TestAuthTest(t *testing.T) {
	f := newFake(t)
	r, err := f.Client().AuthTest()
	must(t, err)
	if r.UserID != f.BotUserID() || r.TeamID != f.TeamID() || r.BotID != f.BotID() || !strings.HasSuffix(r.URL, ".slack.com/") {
		t.Errorf("auth.test = %+v", r)
	}
}

func TestTokens(t *testing.T) {
	f := newFake(t)
	for _, tc := range []struct {
		name, token, want string
	}{
		{"wrong token", "xoxb-not-ours", "invalid_auth"},
		{"no token", "", "not_authed"},
		{"app token on the Web API", f.AppToken(), "not_allowed_token_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := slack.New(tc.token, slack.OptionAPIURL(f.APIURL())).AuthTest()
			slackErr(t, err, tc.want)
		})
	}
	f.RevokeToken(f.BotToken())
	_, _, err := f.Client().PostMessage(team, slack.MsgOptionText("hi", false))
	slackErr(t, err, "token_revoked")
	if c := f.Calls("chat.postMessage"); len(c) != 1 || c[0].Error != "token_revoked" {
		t.Errorf("calls = %+v", c)
	}
}

func TestPostUpdateDelete(t *testing.T) {
	f := newFake(t)
	api := f.Client()
	ch, ts, err := api.PostMessage(team, slack.MsgOptionText("New case 7", false), slack.MsgOptionBlocks(card("7")...))
	must(t, err)
	if ch != team || !tsPattern.MatchString(ts) {
		t.Fatalf("PostMessage = %q %q", ch, ts)
	}
	_, ts2, err := api.PostMessage(team, slack.MsgOptionText("New case 8", false))
	must(t, err)
	if ts2 <= ts {
		t.Errorf("ts %s then %s, want increasing", ts, ts2)
	}
	call := f.Calls("chat.postMessage")[0]
	if call.Param("channel") != team || call.Param("text") != "New case 7" || !json.Valid([]byte(call.Param("blocks"))) {
		t.Errorf("call = %+v", call)
	}

	// A reply in the card's thread, with the full message back.
	_, replyTS, reply, err := api.PostMessageWithResponse(team, slack.MsgOptionText("internal note", false), slack.MsgOptionTS(ts))
	must(t, err)
	if reply.ThreadTimestamp != ts || reply.BotID != f.BotID() {
		t.Errorf("reply = thread %q bot %q", reply.ThreadTimestamp, reply.BotID)
	}
	if th := f.Thread(team, ts); len(th) != 1 || th[0].TS != replyTS || th[0].Text != "internal note" {
		t.Errorf("thread = %+v", th)
	}

	// The card is updated in place: claimed, no Claim button.
	claimed := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "claimed by <@"+alice+">", false, false), nil, nil)}
	_, uts, _, err := api.UpdateMessage(team, ts, slack.MsgOptionText("Case 7, claimed", false), slack.MsgOptionBlocks(claimed...))
	must(t, err)
	m, _ := f.Message(team, ts)
	if uts != ts || len(m.Edits) != 1 || m.HasAction("claim") || !m.Edits[0].HasAction("claim") || m.Text != "Case 7, claimed" {
		t.Errorf("after update: %+v", m)
	}
	if !bytes.Contains(m.Blocks, []byte(`"block_id"`)) {
		t.Errorf("blocks without a block_id were not given one: %s", m.Blocks)
	}

	// Only the bot's own messages can be updated; missing ones are not found.
	_, _, _, err = api.UpdateMessage(team, "1.000001", slack.MsgOptionText("x", false))
	slackErr(t, err, "message_not_found")
	_, _, err = api.DeleteMessage(team, ts2)
	must(t, err)
	if m, _ := f.Message(team, ts2); !m.Deleted {
		t.Error("deleted message not marked")
	}
	_, _, err = api.DeleteMessage(team, ts2)
	slackErr(t, err, "message_not_found")
	link, err := api.GetPermalink(&slack.PermalinkParameters{Channel: team, Ts: replyTS})
	must(t, err)
	if !strings.Contains(link, "/archives/"+team+"/p") || !strings.Contains(link, "thread_ts="+ts) {
		t.Errorf("permalink = %s", link)
	}
}

func TestEphemeral(t *testing.T) {
	f := newFake(t)
	api := f.Client()
	_, err := api.PostEphemeral(team, alice, slack.MsgOptionText("Already claimed by <@"+bob+">", false))
	must(t, err)
	if e := f.Ephemerals(team); len(e) != 1 || e[0].User != alice || e[0].Via != "chat.postEphemeral" {
		t.Errorf("ephemerals = %+v", e)
	}
	if len(f.Messages(team)) != 0 {
		t.Error("an ephemeral message became a channel message")
	}
	_, err = api.PostEphemeral(team, customer, slack.MsgOptionText("x", false))
	slackErr(t, err, "user_not_in_channel")
}

func TestDirectMessages(t *testing.T) {
	f := newFake(t)
	api := f.Client()
	ch, noOp, already, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{customer}})
	must(t, err)
	if !strings.HasPrefix(ch.ID, "D") || noOp || already || ch.ID != f.DMChannel(customer) {
		t.Fatalf("open = %+v %v %v, DMChannel %s", ch, noOp, already, f.DMChannel(customer))
	}
	again, _, already, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{customer}, ReturnIM: true})
	must(t, err)
	if again.ID != ch.ID || !already || !again.IsIM || again.User != customer {
		t.Errorf("second open = %+v, already %v", again, already)
	}
	_, _, err = api.PostMessage(ch.ID, slack.MsgOptionText("We are on it.", true))
	must(t, err)
	// A user id as the channel posts to the DM, as Slack does.
	dm, _, err := api.PostMessage(customer, slack.MsgOptionText("Alice has your case.", false))
	must(t, err)
	if dm != ch.ID {
		t.Errorf("post to a user id went to %s, want %s", dm, ch.ID)
	}
	if ms := f.Messages(ch.ID); len(ms) != 2 || ms[1].Text != "Alice has your case." {
		t.Errorf("DM = %+v", ms)
	}
	_, _, _, err = api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0NOBODY001"}})
	slackErr(t, err, "user_not_found")
}

func TestConversations(t *testing.T) {
	members := []string{"U01", "U02", "U03", "U04", "U05"}
	f := newFake(t,
		fakeslack.WithChannel(fakeslack.Channel{ID: "C0BIG000001", Name: "big", Members: members}),
		fakeslack.WithChannel(fakeslack.Channel{ID: "C0OLD000001", Name: "old", Archived: true}),
		fakeslack.WithChannel(fakeslack.Channel{ID: "C0OUT000001", Name: "elsewhere", WithoutBot: true}),
		fakeslack.WithChannel(fakeslack.Channel{ID: "G0SECRET001", Name: "secret", Private: true, WithoutBot: true}),
	)
	api := f.Client()
	var all []string
	cursor := ""
	pages := 0
	for {
		page, next, err := api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "C0BIG000001", Limit: 2, Cursor: cursor})
		must(t, err)
		all, cursor, pages = append(all, page...), next, pages+1
		if cursor == "" {
			break
		}
	}
	if want := append(members, f.BotUserID()); strings.Join(all, ",") != strings.Join(want, ",") || pages != 3 {
		t.Errorf("members = %v in %d pages, want %v in 3", all, pages, want)
	}
	_, _, err := api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: "C0BIG000001", Cursor: "bogus"})
	slackErr(t, err, "invalid_cursor")

	info, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: team})
	must(t, err)
	if info.Name != "support-team" || !info.IsChannel || !info.IsMember || info.NumMembers != 3 {
		t.Errorf("info = %+v", info)
	}
	_, err = api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: "G0SECRET001"})
	slackErr(t, err, "channel_not_found")

	for _, tc := range []struct{ channel, want string }{
		{"C0NOPE00001", "channel_not_found"},
		{"C0OLD000001", "is_archived"},
		{"C0OUT000001", "not_in_channel"},
		{"G0SECRET001", "channel_not_found"},
	} {
		_, _, err := api.PostMessage(tc.channel, slack.MsgOptionText("hi", false))
		slackErr(t, err, tc.want)
	}

	// member_joined_channel keeps conversations.members current.
	f.MemberJoined(team, customer)
	page, _, err := api.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: team})
	must(t, err)
	if len(page) != 4 {
		t.Errorf("members after a join = %v", page)
	}
	f.MemberLeft(team, customer)
	if ch, _ := f.Channel(team); len(ch.Members) != 3 {
		t.Errorf("members after a leave = %v", ch.Members)
	}
}

func TestUsersInfo(t *testing.T) {
	f := newFake(t)
	api := f.Client()
	u, err := api.GetUserInfo(customer)
	must(t, err)
	if u.RealName != "Li Wei" || u.Profile.DisplayName != "李伟" || u.IsBot || u.TeamID != f.TeamID() {
		t.Errorf("user = %+v", u)
	}
	b, err := api.GetUserInfo(f.BotUserID())
	must(t, err)
	if !b.IsBot || b.Profile.BotID != f.BotID() {
		t.Errorf("bot user = %+v", b)
	}
	_, err = api.GetUserInfo("U0NOBODY001")
	slackErr(t, err, "user_not_found")
}

func TestViews(t *testing.T) {
	f := newFake(t)
	api := f.Client()
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: card("7")}}
	v, err := api.PublishView(alice, home, "")
	must(t, err)
	if v.ID == "" || v.Type != slack.VTHomeTab || v.Hash == "" {
		t.Fatalf("published = %+v", v.View)
	}
	v2, err := api.PublishView(alice, home, v.Hash)
	must(t, err)
	if v2.ID != v.ID {
		t.Errorf("republished home has id %s, want %s", v2.ID, v.ID)
	}
	_, err = api.PublishView(alice, home, v.Hash) // stale hash
	slackErr(t, err, "hash_conflict")
	if h, ok := f.HomeView(alice); !ok || h.Updates != 1 || !strings.Contains(string(h.Blocks), "claim") {
		t.Errorf("home = %+v", h)
	}

	// Modals need a fresh trigger, once.
	_, cardTS, err := api.PostMessage(team, slack.MsgOptionText("Case 7", false), slack.MsgOptionBlocks(card("7")...))
	must(t, err)
	click := f.Click(alice, team, cardTS, "escalate")
	m, err := api.OpenView(click.TriggerID, resolveModal("7"))
	must(t, err)
	if m.ID == "" || m.RootViewID != m.ID || m.CallbackID != "resolve_case" || m.PrivateMetadata != "7" {
		t.Errorf("opened = %+v", m.View)
	}
	_, err = api.OpenView(click.TriggerID, resolveModal("7"))
	slackErr(t, err, "exchanged_trigger_id")
	_, err = api.OpenView("1.2.nope", resolveModal("7"))
	slackErr(t, err, "invalid_trigger_id")

	pushed, err := api.PushView(f.NewTriggerID(alice), resolveModal("7b"))
	must(t, err)
	if pushed.RootViewID != m.ID || pushed.PreviousViewID != m.ID {
		t.Errorf("pushed = %+v", pushed.View)
	}
	_, err = api.PushView(f.NewTriggerID(alice), resolveModal("7c"))
	must(t, err)
	_, err = api.PushView(f.NewTriggerID(alice), resolveModal("7d"))
	slackErr(t, err, "push_limit_reached")
	if n := len(f.Modals(alice)); n != 3 {
		t.Errorf("%d modals open, want 3", n)
	}

	upd := resolveModal("7")
	upd.Title = slack.NewTextBlockObject(slack.PlainTextType, "Resolve: step 2", false, false)
	u, err := api.UpdateView(upd, "", m.Hash, m.ID)
	must(t, err)
	if u.ID != m.ID || u.Title.Text != "Resolve: step 2" || u.Hash == m.Hash {
		t.Errorf("updated = %+v", u.View)
	}
	_, err = api.UpdateView(upd, "", m.Hash, m.ID)
	slackErr(t, err, "hash_conflict")

	long := resolveModal("7")
	long.Title = slack.NewTextBlockObject(slack.PlainTextType, "A title far too long for Slack", false, false)
	_, err = api.OpenView(f.NewTriggerID(alice), long)
	slackErr(t, err, "invalid_arguments")
	var se slack.SlackErrorResponse
	errors.As(err, &se)
	if len(se.ResponseMetadata.Messages) == 0 || !strings.Contains(se.ResponseMetadata.Messages[0], "/view/title") {
		t.Errorf("messages = %v", se.ResponseMetadata.Messages)
	}
	if c := f.Calls("views.open")[0]; !strings.Contains(c.Param("view"), "resolve_case") || c.JSON == nil {
		t.Errorf("views.open call = %+v", c)
	}
}

func TestExpiredTrigger(t *testing.T) {
	f := newFake(t, fakeslack.WithTriggerTTL(time.Nanosecond))
	trigger := f.NewTriggerID(alice)
	_, err := f.Client().OpenView(trigger, resolveModal("1"))
	slackErr(t, err, "expired_trigger_id")
}

func TestLimits(t *testing.T) {
	f := newFake(t)
	api := f.Client()
	section := func(n int) slack.Block {
		return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("x", n), false, false), nil, nil)
	}
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = section(1)
	}
	for _, tc := range []struct {
		name string
		opts []slack.MsgOption
		want string
	}{
		{"text of 40,001 characters", []slack.MsgOption{slack.MsgOptionText(strings.Repeat("长", 40001), false)}, "msg_too_long"},
		{"51 blocks", []slack.MsgOption{slack.MsgOptionBlocks(many...)}, "invalid_blocks"},
		{"section text of 3,001 characters", []slack.MsgOption{slack.MsgOptionBlocks(section(3001))}, "invalid_blocks"},
		{"empty section text", []slack.MsgOption{slack.MsgOptionBlocks(section(0))}, "invalid_blocks"},
		{"nothing to say", nil, "no_text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := api.PostMessage(team, tc.opts...)
			slackErr(t, err, tc.want)
		})
	}
	_, _, err := api.PostMessage(team, slack.MsgOptionBlocks(section(3001)))
	var se slack.SlackErrorResponse
	errors.As(err, &se)
	if want := "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"; len(se.ResponseMetadata.Messages) != 1 || se.ResponseMetadata.Messages[0] != want {
		t.Errorf("messages = %q, want %q", se.ResponseMetadata.Messages, want)
	}
	_, ts, err := api.PostMessage(team, slack.MsgOptionText(strings.Repeat("x", 40000), false), slack.MsgOptionBlocks(section(3000)))
	must(t, err)
	if m, _ := f.Message(team, ts); !m.OverDisplayLimit() {
		t.Error("a 40,000-character text is not over the display limit")
	}
	_, err = api.PostEphemeral(team, alice, slack.MsgOptionText(strings.Repeat("x", 40001), false))
	slackErr(t, err, "msg_too_long")
}

func TestFaults(t *testing.T) {
	f := newFake(t)
	api := f.Client()
	post := func(ch string) error {
		_, _, err := api.PostMessage(ch, slack.MsgOptionText("hi", false))
		return err
	}

	f.Inject("chat.postMessage", fakeslack.RateLimited(3*time.Second).Times(2))
	for i := 0; i < 2; i++ {
		var rl *slack.RateLimitedError
		if err := post(team); !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
			t.Fatalf("call %d: error = %v, want RateLimitedError of 3s", i, err)
		}
	}
	must(t, post(team))

	f.Inject("chat.postMessage", fakeslack.Fails("not_in_channel").InChannel(team).Once())
	dm := f.DMChannel(customer)
	must(t, post(dm))
	slackErr(t, post(team), "not_in_channel")
	must(t, post(team))

	f.Inject("*", fakeslack.ServerError(503).Once())
	var sc slack.StatusCodeError
	if err := post(team); !errors.As(err, &sc) || sc.Code != 503 {
		t.Fatalf("error = %v, want StatusCodeError 503", err)
	}

	f.Inject("chat.update", fakeslack.Fails("ratelimited"))
	_, _, _, err := api.UpdateMessage(team, "1.1", slack.MsgOptionText("x", false))
	slackErr(t, err, "ratelimited")
	f.ClearFaults()

	f.Inject("chat.postMessage", fakeslack.Slow(time.Second).Once())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err = api.PostMessageContext(ctx, team, slack.MsgOptionText("slow", false))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want the deadline", err)
	}
	// The fake answers (and logs) the call once it notices the client left.
	if c := f.WaitCall("chat.postMessage", func(c fakeslack.Call) bool { return c.Param("text") == "slow" }); !c.Faulted {
		t.Errorf("slow call not marked faulted: %+v", c)
	}
}

func TestFiles(t *testing.T) {
	f := newFake(t)
	api := f.Client()
	file := f.AddFile(fakeslack.File{Name: "receipt.png", Mimetype: "image/png", User: customer, Content: []byte("\x89PNG fake")})
	info, _, _, err := api.GetFileInfo(file.ID, 0, 0)
	must(t, err)
	if info.Name != "receipt.png" || info.Size != len(file.Content) || info.URLPrivate != file.URLPrivate {
		t.Errorf("files.info = %+v", info)
	}
	var buf bytes.Buffer
	must(t, api.GetFile(info.URLPrivateDownload, &buf))
	if buf.String() != "\x89PNG fake" {
		t.Errorf("content = %q", buf.String())
	}
	err = slack.New("xoxb-other", slack.OptionAPIURL(f.APIURL())).GetFile(info.URLPrivate, &buf)
	if err == nil || !strings.Contains(err.Error(), "sign-in") {
		t.Errorf("download with a wrong token: %v, want the sign-in redirect error", err)
	}
	_, _, _, err = api.GetFileInfo("F0NOPE", 0, 0)
	slackErr(t, err, "file_not_found")
}

func TestResponseURL(t *testing.T) {
	f := newFake(t)
	api := f.Client()
	cmd := f.SlashCommand(alice, team, "/complaints", "42")
	_, _, err := api.PostMessage("", slack.MsgOptionResponseURL(cmd.Form.Get("response_url"), slack.ResponseTypeEphemeral),
		slack.MsgOptionText("Case 42: open, owner <@"+bob+">", false))
	must(t, err)
	if e := f.Ephemerals(team); len(e) != 1 || e[0].Via != "response_url" || e[0].User != alice {
		t.Errorf("ephemerals = %+v", e)
	}

	_, ts, err := api.PostMessage(team, slack.MsgOptionText("Case 7", false), slack.MsgOptionBlocks(card("7")...))
	must(t, err)
	click := f.Click(bob, team, ts, "claim")
	var cb slack.InteractionCallback
	must(t, json.Unmarshal(click.Body, &cb))
	_, _, err = api.PostMessage("", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("claimed by bob", false))
	must(t, err)
	if m, _ := f.Message(team, ts); m.Text != "claimed by bob" || len(m.Edits) != 1 {
		t.Errorf("replaced = %+v", m)
	}
	if len(f.Responses()) != 2 {
		t.Errorf("responses = %+v", f.Responses())
	}
}

// TestJSONBody: Slack's write methods also take a JSON body with a Bearer
// token, which some clients send instead of a form.
func TestJSONBody(t *testing.T) {
	f := newFake(t)
	post := func(method, token, body string) map[string]any {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, f.APIURL()+method, strings.NewReader(body))
		must(t, err)
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		defer resp.Body.Close()
		var out map[string]any
		must(t, json.NewDecoder(resp.Body).Decode(&out))
		return out
	}
	out := post("chat.postMessage", f.BotToken(), `{"channel":"`+team+`","text":"json","blocks":[{"type":"divider"}]}`)
	if out["ok"] != true {
		t.Fatalf("answer = %v", out)
	}
	m, _ := f.Message(team, out["ts"].(string))
	if m.Text != "json" || !strings.Contains(string(m.Blocks), "divider") {
		t.Errorf("stored = %+v", m)
	}
	if c := f.Calls("chat.postMessage")[0]; c.Param("channel") != team || c.Token != f.BotToken() || c.JSON == nil {
		t.Errorf("call = %+v", c)
	}
	if out := post("chat.postMessage", f.BotToken(), `{"channel":`); out["error"] != "invalid_json" {
		t.Errorf("bad JSON answer = %v", out)
	}
	if out := post("chat.scheduleMessage", f.BotToken(), `{}`); out["error"] != "unknown_method" {
		t.Errorf("unknown method answer = %v", out)
	}
	if out := post("chat.postMessage", "xoxb-nope", `{}`); out["error"] != "invalid_auth" {
		t.Errorf("wrong token answer = %v", out)
	}
}
