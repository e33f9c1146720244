package fakeslack_test

import (
	"encoding/json"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/complaintbot/complaintbot/bot/slack/fakeslack"
)

// parse runs an event through slack-go's own parser, as the socketmode client
// and an HTTP handler do.
func parse(t *testing.T, e fakeslack.Event) (slackevents.EventsAPIEvent, *slackevents.EventsAPICallbackEvent) {
	t.Helper()
	ev, err := slackevents.ParseEvent(e.Body, slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatalf("ParseEvent(%s): %v", e.Body, err)
	}
	cb := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if cb.EventID != e.ID || ev.InnerEvent.Type != e.Type {
		t.Errorf("event_id %s type %s, want %s %s", cb.EventID, ev.InnerEvent.Type, e.ID, e.Type)
	}
	return ev, cb
}

func messageEvent(t *testing.T, e fakeslack.Event) *slackevents.MessageEvent {
	t.Helper()
	ev, _ := parse(t, e)
	m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok {
		t.Fatalf("inner = %T", ev.InnerEvent.Data)
	}
	return m
}

func TestMessageEvents(t *testing.T) {
	f := newFake(t)
	api := f.Client()

	dm := messageEvent(t, f.DirectMessage(customer, "hello", fakeslack.WithClientMsgID("c-1")))
	if !dm.IsIM() || dm.ClientMsgID != "c-1" || dm.SubType != "" || dm.BotID != "" || dm.Message.Text != "hello" {
		t.Errorf("dm = %+v", dm)
	}
	if ms := f.Messages(f.DMChannel(customer)); len(ms) != 1 || ms[0].TS != dm.TimeStamp || ms[0].User != customer {
		t.Errorf("DM history = %+v", ms)
	}

	photo := fakeslack.File{Name: "box.jpg", Mimetype: "image/jpeg", Content: []byte("jpeg")}
	withFile := messageEvent(t, f.DirectMessage(customer, "see photo", fakeslack.WithFiles(photo)))
	if withFile.SubType != "file_share" || len(withFile.Message.Files) != 1 || withFile.Message.Files[0].URLPrivate == "" ||
		withFile.Message.Files[0].User != customer {
		t.Errorf("file_share = %+v, files %+v", withFile, withFile.Message.Files)
	}

	_, cardTS, err := api.PostMessage(team, slack.MsgOptionText("Case 7", false), slack.MsgOptionBlocks(card("7")...))
	must(t, err)
	reply := messageEvent(t, f.ChannelMessage(team, alice, "on it", fakeslack.InThread(cardTS)))
	if !reply.IsChannel() || reply.ThreadTimeStamp != cardTS || reply.User != alice {
		t.Errorf("reply = %+v", reply)
	}
	if th := f.Thread(team, cardTS); len(th) != 1 || th[0].Text != "on it" {
		t.Errorf("thread = %+v", th)
	}

	own := messageEvent(t, f.BotMessage(team, cardTS))
	if own.BotID != f.BotID() || own.User != f.BotUserID() || own.SubType != "" || len(own.Blocks.BlockSet) != 2 {
		t.Errorf("own = %+v", own)
	}
	legacy := messageEvent(t, f.BotMessage(team, "", fakeslack.WithSubtype("bot_message")))
	if legacy.SubType != "bot_message" || legacy.BotID == "" {
		t.Errorf("legacy = %+v", legacy)
	}

	changed := messageEvent(t, f.MessageChanged(team, reply.TimeStamp, "on it, calling the courier"))
	if changed.SubType != "message_changed" || changed.Message.Text != "on it, calling the courier" ||
		changed.PreviousMessage.Text != "on it" || changed.Message.Timestamp != reply.TimeStamp {
		t.Errorf("changed = %+v / %+v", changed.Message, changed.PreviousMessage)
	}
	deleted := messageEvent(t, f.MessageDeleted(team, reply.TimeStamp))
	if deleted.SubType != "message_deleted" || deleted.DeletedTimeStamp != reply.TimeStamp {
		t.Errorf("deleted = %+v", deleted)
	}
	if m, _ := f.Message(team, reply.TimeStamp); !m.Deleted || len(m.Edits) != 1 {
		t.Errorf("stored = %+v", m)
	}

	ext, cb := parse(t, f.DirectMessage("U0EXTERNAL1", "from a partner", fakeslack.FromTeam("T0PARTNER01")))
	if m := ext.InnerEvent.Data.(*slackevents.MessageEvent); m.UserTeam != "T0PARTNER01" || !cb.IsExtSharedChannel {
		t.Errorf("Slack Connect = %+v, ext %v", m, cb.IsExtSharedChannel)
	}
}

func TestOtherEvents(t *testing.T) {
	f := newFake(t)
	ev, _ := parse(t, f.MemberJoined(team, customer))
	j := ev.InnerEvent.Data.(*slackevents.MemberJoinedChannelEvent)
	if j.User != customer || j.Channel != team || j.ChannelType != "C" {
		t.Errorf("joined = %+v", j)
	}
	ev, _ = parse(t, f.MemberLeft(team, customer))
	if l := ev.InnerEvent.Data.(*slackevents.MemberLeftChannelEvent); l.User != customer {
		t.Errorf("left = %+v", l)
	}

	ev, _ = parse(t, f.AppHomeOpened(alice))
	if h := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); h.Tab != "home" || h.View != nil || h.Channel != f.DMChannel(alice) {
		t.Errorf("home opened = %+v", h)
	}
	v, err := f.Client().PublishView(alice, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: card("1")}}, "")
	must(t, err)
	ev, _ = parse(t, f.AppHomeOpened(alice))
	if h := ev.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); h.View == nil || h.View.ID != v.ID {
		t.Errorf("home opened after publish = %+v", h)
	}

	custom, _ := parse(t, f.EventCallback(map[string]any{"type": "app_mention", "user": alice, "text": "<@" + f.BotUserID() + "> help", "channel": team, "ts": "1.000002"}))
	if m := custom.InnerEvent.Data.(*slackevents.AppMentionEvent); m.User != alice {
		t.Errorf("app_mention = %+v", m)
	}
}

func TestInteractions(t *testing.T) {
	f := newFake(t)
	api := f.Client()
	_, ts, err := api.PostMessage(team, slack.MsgOptionText("Case 7", false), slack.MsgOptionBlocks(card("7")...))
	must(t, err)

	var cb slack.InteractionCallback
	must(t, json.Unmarshal(f.Click(bob, team, ts, "escalate").Body, &cb))
	a := cb.ActionCallback.BlockActions[0]
	if a.ActionID != "escalate" || a.Value != "7" || a.Text.Text != "Escalate" || cb.Message.Timestamp != ts ||
		len(cb.Message.Blocks.BlockSet) != 2 || cb.Channel.ID != team || cb.Team.ID != f.TeamID() {
		t.Errorf("click = %+v / %+v", a, cb)
	}

	view, err := api.OpenView(f.NewTriggerID(bob), handOverModal())
	must(t, err)
	sub := f.ViewSubmission(bob, view.ID, fakeslack.Values{
		"to":     {"who": fakeslack.UserValue(alice)},
		"reason": {"why": fakeslack.TextValue("going on leave")},
		"kind":   {"pick": fakeslack.OptionValue("planned")},
	})
	cb = slack.InteractionCallback{}
	must(t, json.Unmarshal(sub.Body, &cb))
	vals := cb.View.State.Values
	if cb.Type != slack.InteractionTypeViewSubmission || vals["to"]["who"].SelectedUser != alice ||
		vals["reason"]["why"].Value != "going on leave" || vals["kind"]["pick"].SelectedOption.Value != "planned" ||
		vals["to"]["who"].Type != "users_select" || cb.View.ID != view.ID {
		t.Errorf("submission = %+v", cb.View.State)
	}

	in := f.ViewAction(bob, view.ID, fakeslack.Action{ActionID: "who", Type: "users_select", SelectedUser: bob})
	cb = slack.InteractionCallback{}
	must(t, json.Unmarshal(in.Body, &cb))
	if cb.Container.ViewID != view.ID || cb.ActionCallback.BlockActions[0].SelectedUser != bob || cb.ActionCallback.BlockActions[0].BlockID != "to" {
		t.Errorf("view action = %+v / %+v", cb.Container, cb.ActionCallback.BlockActions[0])
	}

	c := f.SlashCommand(customer, f.DMChannel(customer), "/complaints", "claim 1")
	if c.Form.Get("channel_name") != "directmessage" || c.Form.Get("user_name") != "liwei" || c.Form.Get("trigger_id") != c.TriggerID {
		t.Errorf("command = %v", c.Form)
	}
}

func handOverModal() slack.ModalViewRequest {
	pt := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	opt := slack.NewOptionBlockObject("planned", pt("Planned"), nil)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: "hand_over", Title: pt("Hand over"), Submit: pt("Hand over"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("to", pt("To"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, pt("Someone"), "who")),
			slack.NewInputBlock("reason", pt("Why"), nil, slack.NewPlainTextInputBlockElement(pt("…"), "why")),
			slack.NewInputBlock("kind", pt("Kind"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, pt("Kind"), "pick", opt)),
		}},
	}
}
