package bot_test

import (
	"fmt"
	"testing"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
)

// TestChoiceLabelsReadAsTheirAnswers: a tapped answer comes back as its
// label, read like typed text, so every label must read as what it stands
// for, in both languages.
func TestChoiceLabelsReadAsTheirAnswers(t *testing.T) {
	cat, err := flows.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []flows.Lang{flows.EN, flows.ZH} {
		t.Run(string(lang), func(t *testing.T) {
			if got := flows.ReadYesNo(cat.Text(lang, "choice.yes_solved", 1, nil)); got != flows.AnswerYes {
				t.Errorf("choice.yes_solved reads %v", got)
			}
			for _, key := range []string{"choice.not_solved", "choice.not_fine"} {
				label := cat.Text(lang, key, 1, nil)
				if got := flows.ReadYesNo(label); got != flows.AnswerNo {
					t.Errorf("%s %q reads %v", key, label, got)
				}
				if _, _, scored := flows.ReadScore(label); scored {
					t.Errorf("%s %q reads as a score", key, label)
				}
			}
			for s := 1; s <= 5; s++ {
				label := cat.Text(lang, "choice.score", 1, map[string]any{"Score": s})
				if got, comment, ok := flows.ReadScore(label); !ok || got != s || comment != "" {
					t.Errorf("score label %q reads (%d, %q, %v)", label, got, comment, ok)
				}
			}
		})
	}
}

// TestQuestionsOfferChoices: the offer, "is it solved?" and the
// follow-up carry their answers to tap; a pick is structured, and a tapped
// label answers like typed words.
func TestQuestionsOfferChoices(t *testing.T) {
	h := newHarness(t, bot.Config{})
	c := h.confirmIntake("ann", "en")
	h.outbox()
	for _, cmd := range []string{"claim %s", "offer %s full refund | replacement"} {
		if err := h.staff("bob", "", fmt.Sprintf(cmd, c.ID)); err != nil {
			t.Fatal(err)
		}
	}
	choicesOf := func(ms []bot.Outbound) []bot.Choice {
		for _, m := range ms {
			if m.Audience == bot.ToCustomer && len(m.Choices) > 0 {
				return m.Choices
			}
		}
		return nil
	}
	offer := choicesOf(h.outbox())
	if len(offer) != 2 || offer[0].Pick != 1 || offer[1].Pick != 2 || offer[0].Label != "1. full refund" {
		t.Fatalf("the offer's choices: %+v", offer)
	}
	if _, err := h.eng.Handle(h.ctx, bot.Inbound{Channel: "web", Role: bot.CustomerRole, User: "ann", ID: "tap1", Text: offer[1].Label,
		Command: &bot.Command{Verb: bot.CmdPick, Option: offer[1].Pick}}); err != nil {
		t.Fatal(err)
	}
	if v := h.caseView(c.ID); v.Offer == nil || v.Offer.Picked != 2 {
		t.Fatalf("the pick: %+v", v.Offer)
	}
	h.outbox()
	if err := h.staff("bob", "", "resolve "+c.ID+" product product defect sent a new one"); err != nil {
		t.Fatal(err)
	}
	solved := choicesOf(h.outbox())
	if len(solved) != 2 {
		t.Fatalf("is it solved? offers %+v", solved)
	}
	h.turn("ann", solved[0].Label)
	if v := h.caseView(c.ID); v.Status != bot.Confirmed {
		t.Fatalf("after tapping %q the case is %s", solved[0].Label, v.Status)
	}
}
