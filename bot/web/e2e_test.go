package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
)

// TestConversation plays the start of a case life over HTTP only (and the
// wake-up the scheduler would run): a customer complains, and once the quiet
// window has passed the bot's acknowledgement reaches their feed.
func TestConversation(t *testing.T) {
	e := newEnv(t)
	e.startSender(t)
	ctx := ctxT(t)

	r := e.post(t, "/api/customers/olga/messages", map[string]string{
		"id":   "olga-1",
		"name": "Olga",
		"text": "My new washing machine (order 88231) flooded the kitchen yesterday and nobody at your store answers the phone. I want a replacement.",
	})
	if r.status != http.StatusAccepted {
		t.Fatalf("POST = %d %s", r.status, r.body)
	}
	// Nothing is said during the quiet window.
	if p := getFeed[customerMsg](t, e, "/api/customers/olga/messages"); len(p.Messages) != 0 {
		t.Fatalf("the bot answered inside the quiet window: %+v", p.Messages)
	}

	var p feedPage[customerMsg]
	eventually(t, 10*time.Second, "the bot's acknowledgement in the customer's feed", func() bool {
		if err := e.engine.Wake(ctx, bot.ConvWakeUp("web:olga"), time.Now()); err != nil {
			t.Fatalf("Wake: %v", err)
		}
		p = getFeed[customerMsg](t, e, "/api/customers/olga/messages?wait=0.05")
		return len(p.Messages) > 0
	})
	ack := p.Messages[0]
	if ack.Seq != 1 || ack.From != "bot" || strings.TrimSpace(ack.Text) == "" || ack.At.IsZero() {
		t.Errorf("acknowledgement = %+v", ack)
	}
	tx := e.transcript(t, "olga", 1)
	if len(tx) < 2 || tx[0].From != bot.FromCustomer || tx[0].ID != "olga-1" || tx[1].From != bot.FromBot || tx[1].Text != ack.Text {
		t.Errorf("transcript = %+v, want the complaint then the acknowledgement", tx)
	}

	// The customer's next message waits in the feed's long poll.
	next := p.Next
	if r := e.post(t, "/api/customers/olga/messages", map[string]string{"id": "olga-2", "text": "It was the B77 model."}); r.status != http.StatusAccepted {
		t.Fatalf("POST = %d %s", r.status, r.body)
	}
	eventually(t, 10*time.Second, "the bot's answer to the second message", func() bool {
		if err := e.engine.Wake(ctx, bot.ConvWakeUp("web:olga"), time.Now()); err != nil {
			t.Fatalf("Wake: %v", err)
		}
		p = getFeed[customerMsg](t, e, "/api/customers/olga/messages?wait=0.05&after="+strconv.FormatInt(next, 10))
		return len(p.Messages) > 0
	})
	if p.Messages[0].Seq != next+1 {
		t.Errorf("next answer = %+v, want seq %d", p.Messages[0], next+1)
	}
}
