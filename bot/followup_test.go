package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
)

// TestFollowUpAnsweredIsNotClosedAsUnanswered: a customer who answers the
// follow-up "yes, the refund arrived" is confirmed at once, asked once for
// a score, and never told later that we "haven't heard back". The
// follow-up says how long it has really been.
func TestFollowUpAnsweredIsNotClosedAsUnanswered(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, bot.Config{Timing: bot.Timing{FollowUpAfter: 10 * time.Second, AutocloseAfter: 20 * time.Second, ResolveAskAgain: 5 * time.Second}})
			c := h.confirmIntake("amy", lang)
			for _, cmd := range []string{"claim", "resolve product defect refunded in full"} {
				if err := h.staff("alice", c.ID, cmd); err != nil {
					t.Fatal(err)
				}
			}
			h.outbox()
			wakeCase := func(d time.Duration) []bot.Outbound {
				t.Helper()
				now := h.clock.Add(d)
				if err := h.eng.Wake(h.ctx, bot.CaseWakeUp(c.ID), now); err != nil {
					t.Fatal(err)
				}
				return h.outbox()
			}
			wakeCase(6 * time.Second) // "is it solved?" asked again; no answer
			out := wakeCase(5 * time.Second)
			ask := only(out, toCustomer("amy"))
			if len(ask) != 1 || strings.Contains(ask[0].Text, "few days") || strings.Contains(ask[0].Text, "几天") {
				t.Fatalf("follow-up = %q; want one, saying how long it has been", texts(ask))
			}
			if !strings.Contains(ask[0].Text, map[string]string{"en": "1 minute", "zh": "已经 1 分钟"}[lang]) {
				t.Errorf("follow-up %q does not say it has been about a minute", ask[0].Text)
			}
			answer := map[string]string{"en": "yes refund arrived", "zh": "嗯 退款收到了"}[lang]
			said := h.turn("amy", answer)
			got := h.caseView(c.ID)
			if got.Status != bot.Confirmed || !got.CustomerConfirmed || got.Awaiting != bot.AskScore {
				t.Fatalf("after %q: status %q confirmed %v awaiting %q (said %q)", answer, got.Status, got.CustomerConfirmed, got.Awaiting, said)
			}
			// The answer window passes without a score: nothing is said,
			// nothing is closed.
			for i := 0; i < 3; i++ {
				out := wakeCase(10 * time.Second)
				if told := only(out, toCustomer("amy")); len(told) > 0 {
					t.Errorf("after the customer answered, they were told %q", texts(told))
				}
			}
			got = h.caseView(c.ID)
			if got.Status != bot.Confirmed || !got.CustomerConfirmed || got.Awaiting != "" {
				t.Errorf("at the end: status %q confirmed %v awaiting %q", got.Status, got.CustomerConfirmed, got.Awaiting)
			}
		})
	}
}
