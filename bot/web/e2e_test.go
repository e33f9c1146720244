package web_test

import (
	"encoding/json"
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

// TestCaseLife plays a case from the complaint to its claim, through the
// JSON API only: the case's card reaches the team feed, a staff member
// claims it with a command, and the card is replaced in place (its update
// names the card's entry) while the customer hears who owns the case.
func TestCaseLife(t *testing.T) {
	e := newEnv(t)
	e.startSender(t)
	ctx := ctxT(t)
	wake := func() {
		t.Helper()
		if err := e.engine.Wake(ctx, bot.ConvWakeUp("web:pia"), time.Now()); err != nil {
			t.Fatalf("Wake: %v", err)
		}
	}
	say := func(id, text string) {
		t.Helper()
		if r := e.post(t, "/api/customers/pia/messages", map[string]string{"id": id, "name": "Pia", "text": text}); r.status != http.StatusAccepted {
			t.Fatalf("POST %q = %d %s", text, r.status, r.body)
		}
	}
	say("p1", "The kettle I bought (order K-1234) leaks all over the counter. I want a refund.")
	say("p2", "I want to talk to a real person, please.")

	var card teamMsg
	eventually(t, 10*time.Second, "the case's card in the team feed", func() bool {
		wake()
		for _, m := range getFeed[teamMsg](t, e, "/api/team/messages?staff=alice&wait=0.05").Messages {
			if m.Kind == "card" && m.Edits == nil {
				card = m
				return true
			}
		}
		return false
	})
	var c bot.Card
	if err := json.Unmarshal(card.Card, &c); err != nil || c.Case == "" || c.Case != card.Case || c.Owner != "" || c.Status != bot.Open {
		t.Fatalf("card = %s (%v), want an open, unowned case", card.Card, err)
	}

	if r := e.post(t, "/api/team/messages", map[string]string{"staff": "alice", "text": "claim " + c.Case, "id": "a1"}); r.status != http.StatusAccepted {
		t.Fatalf("claim = %d %s", r.status, r.body)
	}
	var update teamMsg
	eventually(t, 10*time.Second, "the card's update", func() bool {
		for _, m := range getFeed[teamMsg](t, e, "/api/team/messages?wait=0.05&after="+strconv.FormatInt(card.Seq, 10)).Messages {
			if m.Kind == "card" && m.Edits != nil {
				update = m
				return true
			}
		}
		return false
	})
	if *update.Edits != card.Seq {
		t.Errorf("the update edits entry %d, want the card's entry %d", *update.Edits, card.Seq)
	}
	if err := json.Unmarshal(update.Card, &c); err != nil || c.Owner != "alice" || c.Status != bot.Claimed {
		t.Errorf("updated card = %s (%v), want it claimed by alice", update.Card, err)
	}
	eventually(t, 10*time.Second, "the customer to hear who owns the case", func() bool {
		for _, m := range getFeed[customerMsg](t, e, "/api/customers/pia/messages?wait=0.05").Messages {
			if strings.Contains(m.Text, "alice") {
				return true
			}
		}
		return false
	})
	v := e.do(t, http.MethodGet, "/api/cases/"+c.Case, nil)
	if v.status != http.StatusOK || !strings.Contains(string(v.body), `"owner":"alice"`) || !strings.Contains(string(v.body), "K-1234") {
		t.Errorf("GET /api/cases/%s = %d %s", c.Case, v.status, clip(v.body))
	}
}
