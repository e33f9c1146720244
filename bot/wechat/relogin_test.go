package wechat_test

import (
	"context"
	"strings"
	"testing"

	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
)

// relogin forces the account out (the service ends the session) and waits
// for the adapter to log in again: every UserName changes.
func (h *harness) relogin() {
	h.t.Helper()
	old := h.f.UserName("wang")
	h.f.ForceLogout(fakewechat.RetLoginCheck)
	waitFor(h.t, "a new login", func() bool { return h.f.UserName("wang") != old })
	h.driving()
}

// TestReloginKeepsTheConversation: a re-login in the middle of an intake
// gives every contact a new UserName, and the conversation goes on with
// the same customer; the bot's next message reaches them at the new one.
func TestReloginKeepsTheConversation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	h.driving()
	h.say("wang", "我在网上买的电饭煲送来就是坏的")
	waitFor(t, "the bot's first answer", func() bool { return len(h.said("wang")) == 1 })
	before := h.userOf(h.f.UserName("wang"))
	if before == "" {
		t.Fatal("wang was not recognised")
	}
	h.relogin()
	if h.userOf(h.f.UserName("wang")) != "" {
		t.Fatal("the new UserName is known before wang wrote")
	}
	id := h.intake("wang", "不记得了")
	if after := h.userOf(h.f.UserName("wang")); after != before {
		t.Fatalf("after the re-login wang is %q, was %q", after, before)
	}
	v := h.caseView(id)
	if !strings.Contains(v.Summary+strings.Join(v.Notes, " "), "电饭煲") {
		t.Errorf("the case lost what was said before the re-login: %q", v.Summary)
	}
	// The logout was told to the team.
	h.waitSaid("team", 0, "退出登录")
}

// TestRemarkIsFollowed: a remark name staff set on the phone identifies the
// customer even after they change both nickname and avatar.
func TestRemarkIsFollowed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	h.driving()
	h.say("wang", "在吗")
	waitFor(t, "an answer", func() bool { return len(h.said("wang")) == 1 })
	u := h.userOf(h.f.UserName("wang"))
	must(t, h.f.UpdateContact("wang", func(c *fakewechat.Contact) { c.RemarkName = "CB-1" }))
	h.relogin()
	h.say("wang", "我的订单没到")
	waitFor(t, "wang recognised", func() bool { return h.userOf(h.f.UserName("wang")) == u })
	must(t, h.f.UpdateContact("wang", func(c *fakewechat.Contact) { c.NickName, c.AvatarSeq = "小王", "999" }))
	h.relogin()
	n := len(h.said("wang"))
	h.say("wang", "还是没到")
	waitFor(t, "wang recognised by the remark", func() bool { return h.userOf(h.f.UserName("wang")) == u })
	waitFor(t, "an answer at the new UserName", func() bool { return len(h.said("wang")) > n })
}

// TestSameNicknameIsAQuestion: after a re-login, a second friend who looks
// like 王女士 (same nickname, another avatar) writes first: the team is
// asked, nothing is sent to either until someone answers, and the answer
// lets the held messages through.
func TestSameNicknameIsAQuestion(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	must(t, h.f.AddContact(fakewechat.Contact{ID: "wang2", NickName: "王女士", AvatarSeq: "2222"}))
	h.driving()
	h.say("wang", "我的快递丢了")
	waitFor(t, "an answer", func() bool { return len(h.said("wang")) == 1 })
	wang := h.userOf(h.f.UserName("wang"))
	h.relogin()

	team := len(h.said("team"))
	h.say("wang2", "你好，我要投诉")
	q := h.waitSaid("team", team, "王女士", "1. 王女士")
	code := codeIn(t, q.Content)
	if len(h.said("wang2")) != 0 || h.userOf(h.f.UserName("wang2")) != "" {
		t.Fatal("the contact in doubt was answered or merged before the team said who it is")
	}
	// Wang's own conversation is held too: nothing goes to her meanwhile.
	if held, _ := h.rdb.HGet(context.Background(), "cb:ident:{wechat}", "held:"+wang).Result(); held != code {
		t.Errorf("wang is not held while the question is open (%q)", held)
	}
	h.say("wang2", "有人吗")
	// The team says it is somebody else: the held messages go through as a
	// new customer.
	h.sayInGroup("bob", "新 "+code)
	waitFor(t, "wang2 answered", func() bool { return len(h.said("wang2")) > 0 })
	if held, _ := h.rdb.HGet(context.Background(), "cb:ident:{wechat}", "held:"+wang).Result(); held != "" {
		t.Errorf("wang is still held after the answer")
	}
	if u := h.userOf(h.f.UserName("wang2")); u == "" || u == wang {
		t.Fatalf("wang2 is %q (wang is %q)", u, wang)
	}
	// Wang herself is still recognised.
	h.say("wang", "还在吗")
	waitFor(t, "wang recognised", func() bool { return h.userOf(h.f.UserName("wang")) == wang })
}

// TestChangedNicknameAndAvatarIsAQuestion: a friend who changed both
// nickname and avatar between two logins is never merged silently, nor
// taken for someone new: the team is asked, and "same" merges them.
func TestChangedNicknameAndAvatarIsAQuestion(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	h.driving()
	h.say("wang", "我的快递丢了")
	waitFor(t, "an answer", func() bool { return len(h.said("wang")) == 1 })
	wang := h.userOf(h.f.UserName("wang"))
	must(t, h.f.UpdateContact("wang", func(c *fakewechat.Contact) { c.NickName, c.AvatarSeq = "Wendy", "777" }))
	h.relogin()
	team := len(h.said("team"))
	h.say("wang", "还没找到吗")
	q := h.waitSaid("team", team, "Wendy", "王女士")
	if h.userOf(h.f.UserName("wang")) != "" || len(h.said("wang")) != 1 {
		t.Fatal("merged or answered before the team said who it is")
	}
	h.sayInGroup("carol", "same "+codeIn(t, q.Content)+" 1")
	waitFor(t, "the same customer", func() bool { return h.userOf(h.f.UserName("wang")) == wang })
	waitFor(t, "the held message answered", func() bool { return len(h.said("wang")) > 1 })
}

// codeIn finds the question's code in its text ("“same K7Q2 N”").
func codeIn(t *testing.T, text string) string {
	t.Helper()
	for _, w := range []string{"“same ", "“同一 "} {
		if i := strings.Index(text, w); i >= 0 {
			f := strings.Fields(text[i+len(w):])
			if len(f) > 0 {
				return strings.TrimRight(f[0], "”")
			}
		}
	}
	t.Fatalf("no code in %q", text)
	return ""
}
