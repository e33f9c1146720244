package wechat_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
)

// TestEveryKindArrivesAsWhatItIs: text, stickers, pictures, voice, video,
// files, links, locations and pats reach the conversation as what they
// are (media as an attachment of its kind, never raw XML); a recall adds
// nothing; a friend request is told to the team, not accepted.
func TestEveryKindArrivesAsWhatItIs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{lang: "en"})
	must(t, h.f.AddContact(fakewechat.Contact{ID: "newbie", NickName: "Newbie", NotFriend: true}))
	h.driving()
	h.say("dan", "My parcel never came")
	for _, m := range []fakewechat.Message{
		{Kind: fakewechat.KindEmoticon, From: "dan"},
		{Kind: fakewechat.KindImage, From: "dan"},
		{Kind: fakewechat.KindVoice, From: "dan"},
		{Kind: fakewechat.KindVideo, From: "dan"},
		{Kind: fakewechat.KindFile, From: "dan", FileName: "receipt.pdf"},
		{Kind: fakewechat.KindLink, From: "dan", Text: "Tracking page", URL: "https://example.com/track/1"},
		{Kind: fakewechat.KindLocation, From: "dan", Text: "Shenzhen Nanshan", Lat: 22.5, Lng: 113.9},
		{Kind: fakewechat.KindSystem, From: "dan", Text: `"Dan" 拍了拍我`},
		{Kind: fakewechat.KindRecall, From: "dan", RecalledID: "4000000000000000999"},
		{Kind: fakewechat.KindFriendRequest, From: "newbie", Text: "我是来投诉的"},
		{Kind: fakewechat.KindText, From: "dan", Text: "that's all"},
	} {
		_, err := h.f.Push(m)
		must(t, err)
	}
	h.waitSaid("team", 0, "Newbie")
	var entries []bot.Entry
	waitFor(t, "every message on the conversation", func() bool {
		u := h.userOf(h.f.UserName("dan"))
		if u == "" {
			return false
		}
		snap := h.conversation(u)
		if snap.Conv == nil {
			return false
		}
		entries, _ = h.r[0].store.Transcript(context.Background(), snap.Customer, snap.Conv.Session)
		return transcriptHas(entries, "that's all")
	})
	kinds := map[string]int{}
	var texts []string
	for _, e := range entries {
		for _, a := range e.Attachments {
			kinds[a.Kind+":"+a.Name]++
		}
		texts = append(texts, e.Text)
		if strings.Contains(e.Text, "<msg") || strings.Contains(e.Text, "<appmsg") || strings.Contains(e.Text, "sysmsg") {
			t.Errorf("raw XML in the conversation: %q", e.Text)
		}
	}
	for _, want := range []string{"image:sticker", "image:image", "voice:voice", "video:video", "file:receipt.pdf"} {
		if kinds[want] != 1 {
			t.Errorf("attachment %s seen %d times (all: %v)", want, kinds[want], kinds)
		}
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"Tracking page https://example.com/track/1", "📍 Shenzhen Nanshan", "拍了拍我"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in the conversation:\n%s", want, all)
		}
	}
	for _, m := range h.said("dan") {
		if strings.Contains(m.Content, "<") {
			t.Errorf("the customer read %q", m.Content)
		}
	}
	if h.f.Count("webwxverifyuser") != 0 {
		t.Error("a friend request was accepted automatically")
	}
}

// TestWatchdog: no answer from the sync long poll for the heartbeat time
// makes the adapter unready and alerts the team; answers make it ready.
func TestWatchdog(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{lang: "en", heartbeat: 600 * time.Millisecond})
	h.driving()
	h.f.Inject("synccheck", fakewechat.Always, fakewechat.Fault{Delay: 2 * time.Second})
	waitFor(t, "unready", func() bool { return h.r[0].ad.Ready() != nil })
	h.waitSaid("team", 0, "no answer from WeChat")
	h.f.ClearFaults()
	waitFor(t, "ready again", func() bool { return h.r[0].ad.Ready() == nil })
}

// TestFriendRequestsAtASmallRate: with WECHAT_ACCEPT_FRIENDS=1 the first
// request of the hour is accepted and the team told; the next waits for
// staff on the phone.
func TestFriendRequestsAtASmallRate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{lang: "en", friends: 1})
	must(t, h.f.AddContact(fakewechat.Contact{ID: "n1", NickName: "Newbie One", NotFriend: true}))
	must(t, h.f.AddContact(fakewechat.Contact{ID: "n2", NickName: "Newbie Two", NotFriend: true}))
	h.driving()
	for _, who := range []string{"n1", "n2"} {
		_, err := h.f.Push(fakewechat.Message{Kind: fakewechat.KindFriendRequest, From: who, Text: "hello"})
		must(t, err)
	}
	h.waitSaid("team", 0, "Newbie One is now a friend")
	h.waitSaid("team", 0, "Newbie Two asks to become a friend")
	if n := h.f.Count("webwxverifyuser"); n != 1 {
		t.Errorf("%d friend requests accepted; the rate is 1 an hour", n)
	}
}
