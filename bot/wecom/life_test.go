package wecom_test

import (
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/wecom/fakewecom"
	"github.com/complaintbot/complaintbot/flows"
)

// TestWholeCaseLife: a customer opens the chat and is greeted with the
// welcome code; the intake opens a case; alice claims it on the web team
// channel; the owner's words reach the customer under her name and the
// customer's reach her; the offer is a menu and a tap picks; "is it
// solved?" is a menu and a tap confirms; the follow-up's score is a tap.
func TestWholeCaseLife(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lang                     flows.Lang
		user                     string
		welcome, complaint       string
		ownerSays, custSays      string
		claimedWord, confirmWord string
	}{
		{flows.EN, sam, "Hello", "The kettle I bought online arrived with a cracked lid. Order B71. I want a refund.",
			"Hi Sam, sorry about the lid. Which would you prefer?", "thanks, I'll check",
			"alice", ""},
		{flows.ZH, chen, "您好", "我在网上买的电饭煲送来就是坏的，订单号A20391，我要换货",
			"陈女士您好，给您添麻烦了，新的今天就发出。", "好的，谢谢",
			"alice", ""},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, options{lang: tc.lang, timing: bot.Timing{FollowUpAfter: 2 * time.Second}})
			// Entering the session: the greeting, with the welcome code.
			h.f.EnterSession(tc.user)
			h.notify(0)
			w := h.f.WaitSent(tc.user, 0, "the welcome", func(s fakewecom.Sent) bool { return s.Welcome })
			if !strings.Contains(w.Text, tc.welcome) {
				t.Errorf("the welcome reads %q", w.Text)
			}

			id := h.intake(tc.user, tc.complaint)
			card := h.waitTeam("alice", "#"+id)
			if !strings.Contains(card, map[flows.Lang]string{flows.EN: "Sam", flows.ZH: "陈静"}[tc.lang]) {
				t.Errorf("the card does not name the customer by their WeChat name: %q", card)
			}
			if !strings.Contains(card, "wecom") {
				t.Errorf("the card does not show the platform's window: %q", card)
			}

			n := len(h.f.Sent(tc.user))
			h.staff("alice", "", "claim "+id)
			h.waitCase(id, "alice to own it", func(c *bot.CaseView) bool { return c.Owner != "" })
			h.waitSaid(tc.user, n, tc.claimedWord)

			n = len(h.f.Sent(tc.user))
			h.staff("alice", id, tc.ownerSays)
			got := h.waitSaid(tc.user, n, tc.ownerSays)
			if !strings.HasPrefix(got.Text, "alice: ") {
				t.Errorf("relayed as %q; want it under the owner's name", got.Text)
			}
			h.say(tc.user, tc.custSays)
			h.waitTeam("alice", tc.custSays)

			// The offer is a menu; a tap picks option 2.
			n = len(h.f.Sent(tc.user))
			h.staff("alice", id, "offer "+id+" refund | replacement")
			menu := h.f.WaitSent(tc.user, n, "the offer's menu", func(s fakewecom.Sent) bool { return s.MsgType == "msgmenu" })
			if len(menu.Menu) != 2 || !strings.HasPrefix(menu.Menu[1].Content, "2. ") {
				t.Fatalf("the offer's menu: %+v", menu.Menu)
			}
			h.f.MenuClick(tc.user, menu.Menu[1])
			h.notify(0)
			h.waitCase(id, "the pick", func(c *bot.CaseView) bool { return c.Offer != nil && c.Offer.Picked == 2 })

			// Resolve; "is it solved?" is a menu; tapping yes confirms.
			n = len(h.f.Sent(tc.user))
			h.staff("alice", id, "resolve "+id+" product product defect sent a new one")
			ask := h.f.WaitSent(tc.user, n, "is it solved? as a menu", func(s fakewecom.Sent) bool { return s.MsgType == "msgmenu" })
			if len(ask.Menu) != 2 {
				t.Fatalf("is it solved? offers %+v", ask.Menu)
			}
			h.f.MenuClick(tc.user, ask.Menu[0])
			h.notify(0)
			v := h.waitCase(id, "the customer to confirm", func(c *bot.CaseView) bool { return c.Status == bot.Confirmed })
			if !v.CustomerConfirmed {
				t.Errorf("confirmed by the customer? %+v", v.Case)
			}
			// The follow-up's score is a menu too.
			fu := h.f.WaitSent(tc.user, n, "the follow-up's menu", func(s fakewecom.Sent) bool { return s.MsgType == "msgmenu" && len(s.Menu) == 6 })
			h.f.MenuClick(tc.user, fu.Menu[0])
			h.notify(0)
			h.waitCase(id, "the score", func(c *bot.CaseView) bool { return c.Satisfaction == 5 })
			for _, s := range h.f.Sent(tc.user) {
				if strings.ContainsAny(s.Text, "\x01\x02") || s.ToUser != tc.user {
					t.Errorf("a message to the customer reads %q (to %s)", s.Text, s.ToUser)
				}
			}
		})
	}
}

// TestLateWelcomeCodeIsLeftAlone: an enter-session event read after its
// code's 20 s (the bot was down) sends nothing; the customer's first words
// start the intake as usual.
func TestLateWelcomeCodeIsLeftAlone(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	h.f.EnterSession(sam)
	h.f.Advance(21 * time.Second)
	first := h.say(sam, "Hello, my parcel never arrived")
	h.f.WaitSent(sam, 0, "the intake's answer", func(fakewecom.Sent) bool { return true })
	for _, s := range h.f.Sent(sam) {
		if s.Welcome {
			t.Errorf("a welcome was sent with a code read too late: %q", s.Text)
		}
	}
	if got := h.snapshot(sam); got.Conv == nil || got.Conv.Intake == nil {
		t.Errorf("no intake after %s", first)
	}
	if calls := h.f.Calls("send_msg_on_event"); calls != 0 {
		t.Errorf("send_msg_on_event was called %d times", calls)
	}
}
