package wecom_test

import (
	"context"
	"strings"
	"testing"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/wecom"
	"github.com/complaintbot/complaintbot/bot/wecom/fakewecom"
)

// TestSendFailuresReachTheOwner: a message WeCom refuses at once (the
// window closed) and one it reports later as undeliverable (the customer
// refuses messages) both go to the dead-letter list, are recorded on the
// case, and the owner is told.
func TestSendFailuresReachTheOwner(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	ctx := context.Background()
	id := h.intake(sam, "The kettle I bought online arrived with a cracked lid. Order B71. I want a refund.")
	h.staff("alice", "", "claim "+id)
	h.waitCase(id, "the claim", func(c *bot.CaseView) bool { return c.Owner != "" })
	h.f.WaitSent(sam, 0, "the claim told", func(s fakewecom.Sent) bool { return strings.Contains(s.Text, "alice") })

	// Refused at once.
	h.f.FailSends(fakewecom.ErrOutOfWindow)
	h.staff("alice", id, "Your refund is on its way")
	h.waitTeam("alice", "#"+id, "window_closed", "Your refund is on its way")

	// Accepted, then reported undeliverable.
	n := len(h.f.Sent(sam))
	h.staff("alice", id, "It should reach you by Friday")
	sent := h.waitSaid(sam, n, "by Friday")
	h.f.SendFailEvent(sam, sent.MsgID, 10)
	h.notify(0)
	h.waitCase(id, "the failure on the case", func(c *bot.CaseView) bool {
		for _, e := range c.History {
			if e.What == bot.EvUndelivered && strings.Contains(e.Detail, "customer_refuses") {
				return true
			}
		}
		return false
	})
	dead, err := h.r[0].store.DeadLetters(ctx, wecom.Channel, 10)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, d := range dead {
		reasons = append(reasons, d.Reason+":"+d.Message.Text)
	}
	if got := strings.Join(reasons, " | "); got != "window_closed:Your refund is on its way | customer_refuses:It should reach you by Friday" {
		t.Errorf("dead letters: %s", got)
	}
	// The report read again changes nothing.
	if err := h.r[0].ad.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := h.r[0].store.DeadLetters(ctx, wecom.Channel, 10); len(again) != 2 {
		t.Errorf("%d dead letters after reading the report again", len(again))
	}
}

// TestAccountRefusalHoldsTheChannel: WeCom refusing the account (a bad
// open_kfid) makes the adapter not ready and dead-letters nothing.
func TestAccountRefusalHoldsTheChannel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	id := h.intake(sam, "The kettle I bought online arrived with a cracked lid. Order B71. I want a refund.")
	h.f.FailSends(fakewecom.ErrBadKfID)
	h.staff("alice", "", "claim "+id)
	h.f.WaitUntil("the adapter to say it is not ready", func() bool { return h.r[0].ad.Ready() != nil })
	if dead, _ := h.r[0].store.DeadLetters(context.Background(), wecom.Channel, 10); len(dead) != 0 {
		t.Errorf("an account refusal dead-lettered %d messages", len(dead))
	}
}
