package slack_test

import (
	"context"
	"strings"
	"testing"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/slack/fakeslack"
	"github.com/complaintbot/complaintbot/flows"
)

// intake plays a customer's whole intake in their DM, answering what the
// bot asks, and returns the case it opened. Without first messages it
// goes on from where the intake is.
func (h *harness) intake(user string, first ...string) string {
	h.t.Helper()
	dm := h.f.DMChannel(user)
	key := "slack:" + h.f.TeamID() + ":" + user
	seen := len(h.botSaid(dm))
	for _, m := range first {
		h.say(user, m)
	}
	for i := 0; i < 8; i++ {
		if i > 0 || len(first) > 0 {
			h.f.WaitUntil("the bot to answer "+user, func() bool { return len(h.botSaid(dm)) > seen })
		}
		seen = len(h.botSaid(dm))
		snap, err := h.r[0].store.Load(context.Background(), bot.LoadQuery{Customer: key})
		if err != nil {
			h.t.Fatal(err)
		}
		if snap.Conv.Intake == nil && snap.Conv.Case != "" {
			return snap.Conv.Case
		}
		zh := snap.Conv.Intake.Lang == flows.ZH
		answer := map[flows.Phase][2]string{
			flows.Asking:       {"I don't remember", "不记得了"},
			flows.AnythingElse: {"no, that's all", "没有了"},
			flows.Confirming:   {"yes", "对"},
		}[snap.Conv.Intake.Phase]
		a := answer[0]
		if zh {
			a = answer[1]
		}
		h.say(user, a)
	}
	h.t.Fatalf("the intake of %s did not end", user)
	return ""
}

// submit fills the modal user has open and submits it over Socket Mode.
func (h *harness) submit(user, callback string, values fakeslack.Values) {
	h.t.Helper()
	v := h.f.WaitModal(user, func(v fakeslack.View) bool { return v.CallbackID == callback && !v.Closed })
	h.f.Push(h.f.ViewSubmission(user, v.ID, values)).WaitAck()
}

func TestWholeCaseLife(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lang                            flows.Lang
		user                            string
		complaint, ownerSays, custSays  string
		notSolved, solved               string
		claimedWord, handedWord, askNow string
	}{
		{flows.EN, customer,
			"The kettle I bought online arrived with a cracked lid. Order B71. I want a refund.",
			"Hi Sam, I'm sorry about the lid. Your refund is on its way.",
			"thanks, when will it arrive?",
			"no, the money has not arrived", "yes it's there now, thank you",
			"Alice", "Bob", "solved"},
		{flows.ZH, chen,
			"我在网上买的电饭煲送来就是坏的，订单号A20391，我要换货",
			"陈女士您好，给您添麻烦了，新的今天就发出。",
			"好的，大概什么时候到？",
			"没有，还没收到", "收到了，谢谢",
			"Alice", "Bob", "解决"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			h := newHarness(t, options{lang: tc.lang})
			dm := h.f.DMChannel(tc.user)
			id := h.intake(tc.user, tc.complaint)
			card := h.card(id)
			if !card.HasAction("cb_claim") || card.IsReply() {
				t.Fatalf("the card %q has no Claim button", card.Text)
			}
			if bt := blocksText(card.Blocks); !strings.Contains(bt, "#"+id) || strings.Contains(bt, "<@") {
				t.Errorf("the new card reads %q", bt)
			}

			// Claim with the button: the card is updated in place.
			h.f.Push(h.f.Click(alice, team, card.TS, "cb_claim")).WaitAck()
			h.waitCase(id, "alice to own it", func(c *bot.CaseView) bool { return c.Owner == "slack:"+alice })
			h.f.WaitUntil("the card to show the claim", func() bool {
				m, _ := h.f.Message(team, card.TS)
				return len(m.Edits) >= 1 && !m.HasAction("cb_claim") && m.HasAction("cb_resolve") &&
					strings.Contains(blocksText(m.Blocks), "<@"+alice+">")
			})
			told := h.waitBot(dm, 0, tc.claimedWord)
			if strings.Contains(told.Text, "<@") || strings.Contains(told.Text, "\x01") {
				t.Errorf("the customer read %q; want the owner's name, no mention", told.Text)
			}

			// The thread: the owner's words reach the customer; the
			// customer's reach the thread.
			n := len(h.botSaid(dm))
			h.f.Push(h.f.ChannelMessage(team, alice, tc.ownerSays, fakeslack.InThread(card.TS))).WaitAck()
			got := h.waitBot(dm, n, tc.ownerSays)
			if !strings.HasPrefix(got.Text, "Alice: ") {
				t.Errorf("relayed as %q; want it under the owner's name", got.Text)
			}
			h.say(tc.user, tc.custSays)
			h.f.WaitUntil("the customer's words in the thread", func() bool {
				for _, m := range h.f.Thread(team, card.TS) {
					if m.BotID != "" && strings.Contains(m.Text, tc.custSays) {
						return true
					}
				}
				return false
			})
			// Someone else's reply in the thread is a note: the customer
			// never sees it.
			n = len(h.botSaid(dm))
			h.f.Push(h.f.ChannelMessage(team, bob, "internal: check the courier", fakeslack.InThread(card.TS))).WaitAck()
			h.waitCase(id, "bob's note", func(c *bot.CaseView) bool {
				for _, e := range c.Transcript {
					if e.Internal && strings.Contains(e.Text, "check the courier") {
						return true
					}
				}
				return false
			})

			// Hand over through the modal.
			h.f.Push(h.f.Click(alice, team, card.TS, "cb_handover")).WaitAck()
			h.submit(alice, "cb_handover", fakeslack.Values{
				"person": {"input": fakeslack.UserValue(bob)},
				"reason": {"input": fakeslack.TextValue("Bob handles refunds")},
			})
			h.waitCase(id, "bob to own it", func(c *bot.CaseView) bool { return c.Owner == "slack:"+bob && c.Handovers == 1 })
			h.waitBot(dm, n, tc.handedWord)
			for _, m := range h.botSaid(dm) {
				if strings.Contains(m.Text, "check the courier") {
					t.Errorf("the customer saw an internal note: %q", m.Text)
				}
			}

			// Resolve through the modal; "not solved" reopens it to bob.
			resolve := func() {
				t.Helper()
				m, _ := h.f.Message(team, card.TS)
				h.f.WaitUntil("the Resolve button", func() bool { m, _ = h.f.Message(team, card.TS); return m.HasAction("cb_resolve") })
				h.f.Push(h.f.Click(bob, team, card.TS, "cb_resolve")).WaitAck()
				h.submit(bob, "cb_resolve", fakeslack.Values{
					"category": {"input": fakeslack.OptionValue("product")},
					"cause":    {"input": fakeslack.OptionValue("product_defect")},
					"done":     {"input": fakeslack.TextValue("refunded in full")},
					"action":   {"input": fakeslack.TextValue("check the lids of this batch")},
				})
				h.waitCase(id, "the case to be resolved", func(c *bot.CaseView) bool { return c.Status == bot.Resolved })
			}
			n = len(h.botSaid(dm))
			resolve()
			h.waitBot(dm, n)
			h.say(tc.user, tc.notSolved)
			v := h.waitCase(id, "the case to reopen", func(c *bot.CaseView) bool { return c.Status == bot.Claimed && c.Reopens == 1 })
			if v.Owner != "slack:"+bob || v.Resolution == nil || v.Resolution.Action != "check the lids of this batch" {
				t.Errorf("reopened case: owner %q resolution %+v", v.Owner, v.Resolution)
			}
			resolve()
			h.say(tc.user, tc.solved)
			h.waitCase(id, "the customer to confirm", func(c *bot.CaseView) bool { return c.Status == bot.Confirmed && c.CustomerConfirmed })

			// Nothing the bot said anywhere carries a mention marker.
			for _, ch := range []string{team, dm, h.f.DMChannel(alice), h.f.DMChannel(bob)} {
				for _, m := range h.f.Messages(ch) {
					if strings.ContainsAny(m.Text, "\x01\x02") {
						t.Errorf("a message in %s carries a raw mention marker: %q", ch, m.Text)
					}
				}
			}
		})
	}
}
