package slack_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/slack"
	"github.com/complaintbot/complaintbot/bot/slack/fakeslack"
)

// customerBurst returns the texts of the customer's intake so far.
func (h *harness) customerBurst(user string) []string {
	h.t.Helper()
	snap, err := h.r[0].store.Load(context.Background(), bot.LoadQuery{Customer: "slack:" + h.f.TeamID() + ":" + user})
	if err != nil {
		h.t.Fatal(err)
	}
	if snap.Conv == nil || snap.Conv.Intake == nil {
		return nil
	}
	var out []string
	for _, m := range snap.Conv.Intake.Burst {
		out = append(out, m.Text)
	}
	return out
}

// transcript returns every customer entry of the customer's first session.
func (h *harness) customerEntries(user string) []string {
	h.t.Helper()
	tx, err := h.r[0].store.Transcript(context.Background(), "slack:"+h.f.TeamID()+":"+user, 1)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, e := range tx {
		if e.From == bot.FromCustomer {
			out = append(out, e.Text)
		}
	}
	return out
}

func TestDuplicatesRetriesAndIgnoredMessages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{fake: []fakeslack.Option{fakeslack.WithAckTimeout(300 * time.Millisecond)}})
	ev := h.f.DirectMessage(customer, "my parcel never came")
	h.f.Push(ev).WaitAck()
	h.f.Push(ev).WaitAck() // Slack sends the same event again
	// The bot's own message and an edit: nobody typing.
	reply := h.waitBot(h.f.DMChannel(customer), 0)
	h.f.Push(h.f.BotMessage(h.f.DMChannel(customer), reply.TS)).WaitAck()
	h.f.Push(h.f.MessageChanged(h.f.DMChannel(customer), h.f.Messages(h.f.DMChannel(customer))[0].TS, "edited")).WaitAck()
	h.say(customer, "order A1")
	h.f.WaitUntil("two messages in the transcript", func() bool { return len(h.customerEntries(customer)) >= 2 })
	if got := h.customerEntries(customer); len(got) != 2 || got[0] != "my parcel never came" || got[1] != "order A1" {
		t.Errorf("transcript = %q; want each message once, nothing else", got)
	}

	// Redis goes away: the event cannot be accepted, so it is not
	// acknowledged, Slack sends it again, and once Redis is back the retry
	// is processed, not dropped.
	h.srv.Stop()
	d := h.f.Push(h.f.DirectMessage(chen, "还有人吗？"))
	d.WaitAttempt(2)
	h.srv.Restart(t)
	ack := d.WaitAck()
	if n := len(d.Attempts()); n < 2 {
		t.Errorf("acknowledged after %d attempts; want a retry (ack %+v)", n, ack)
	}
	h.f.WaitUntil("the retried message to be handled", func() bool {
		b := h.customerEntries(chen)
		return len(b) == 1 && b[0] == "还有人吗？"
	})
}

func TestDisconnectMidConversation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	photo := h.f.AddFile(fakeslack.File{Name: "jug.jpg", Mimetype: "image/jpeg", Content: []byte("jpeg")})
	h.f.Push(h.f.DirectMessage(customer, "The blender I ordered online arrived broken. Order B5. I want a replacement.",
		fakeslack.WithFiles(photo), fakeslack.WithSubtype("file_share"))).WaitAck()
	h.f.DisconnectAll("refresh_requested")
	h.f.WaitConn(2)
	h.say(customer, "and the box was soaked")
	h.f.WaitUntil("both messages", func() bool { return len(h.customerEntries(customer)) == 2 })
	h.f.WaitUntil("the adapter to be ready again", func() bool { return h.r[0].ad.Ready() == nil })
	tx, err := h.r[0].store.Transcript(context.Background(), "slack:"+h.f.TeamID()+":"+customer, 1)
	if err != nil || len(tx) == 0 || len(tx[0].Attachments) != 1 || tx[0].Attachments[0].Kind != bot.Image || tx[0].Attachments[0].Name != "jug.jpg" {
		t.Errorf("the photo arrived as %+v (%v); want one image attachment", tx, err)
	}

	// A dead app token: Socket Mode gives up and readiness fails; no loop.
	h.f.RevokeToken(h.f.AppToken())
	h.f.WaitUntil("readiness to fail", func() bool { return h.r[0].ad.Ready() != nil })
}

func TestRateLimitedPostIsRetriedAfterRetryAfter(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	h.f.Inject("chat.postMessage", fakeslack.RateLimited(time.Second).InChannel(h.f.DMChannel(customer)).Once())
	start := time.Now()
	h.say(customer, "The kettle I bought online leaks. Order K9. I want a refund.")
	h.waitBot(h.f.DMChannel(customer), 0, "")
	if d := time.Since(start); d < time.Second {
		t.Errorf("the answer came %s after a 429 with Retry-After: 1; want at least 1 s", d)
	}
	var limited, ok int
	for _, c := range h.f.Calls("chat.postMessage") {
		if c.Param("channel") != h.f.DMChannel(customer) {
			continue
		}
		if c.Status == 429 {
			limited++
		} else if c.Error == "" {
			ok++
		}
	}
	if limited != 1 || ok < 1 {
		t.Errorf("postMessage to the DM: %d limited, %d ok; want one 429 then success", limited, ok)
	}
	if dl, _ := h.r[0].store.DeadLetters(context.Background(), slack.Channel, 10); len(dl) != 0 {
		t.Errorf("a rate-limited message went to the dead letters: %+v", dl)
	}
}

func TestCustomerTypingACommandIsACustomer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	id := h.intake(customer, "The lamp I bought online flickers. Order L2. I want a repair.")
	h.say(customer, "claim "+id)
	h.f.WaitUntil("the message on the case", func() bool {
		v := h.caseOf(id)
		for _, e := range v.Transcript {
			if e.From == bot.FromCustomer && e.Text == "claim "+id {
				return true
			}
		}
		return false
	})
	if v := h.caseOf(id); v.Owner != "" {
		t.Errorf("a customer typing 'claim %s' made %q the owner", id, v.Owner)
	}
}

func TestClaimRaceAcrossReplicas(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{replica: 2})
	conns := h.f.WaitOpen(2)
	id := h.intake(customer, "The heater I bought online smells of burning. Order H3. I want a refund.")
	card := h.card(id)
	var wg sync.WaitGroup
	for i, u := range []string{alice, bob} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.f.Push(h.f.Click(u, team, card.TS, "cb_claim"), fakeslack.ToConn(conns[i]))
		}()
	}
	wg.Wait()
	v := h.waitCase(id, "someone to own it", func(c *bot.CaseView) bool { return c.Owner != "" })
	loser := bob
	if v.Owner == "slack:"+bob {
		loser = alice
	}
	h.f.WaitEphemeral(team, func(e fakeslack.Ephemeral) bool { return e.User == loser && strings.Contains(e.Text, "<@") })
	claims := 0
	for _, ev := range h.caseOf(id).History {
		if ev.What == bot.EvClaimed {
			claims++
		}
	}
	if claims != 1 {
		t.Errorf("%d claims in the history; want exactly one", claims)
	}
}

func TestPrivateThingsAndSlashCommand(t *testing.T) {
	t.Parallel()
	// A configured staff list narrows the channel's members: the stranger
	// is in the channel but not staff.
	h := newHarness(t, options{staff: []bot.Person{
		{ID: "alice", Name: "Alice", Handles: map[string]string{slack.Channel: alice}},
		{ID: "bob", Name: "Bob", Handles: map[string]string{slack.Channel: bob}},
	}})
	id := h.intake(customer, "The fridge I bought online is warm. Order F1. I want a replacement.")
	card := h.card(id)

	// Someone who is not staff clicks Claim: told privately, nothing changes.
	h.f.Push(h.f.Click(stranger, team, card.TS, "cb_claim")).WaitAck()
	h.f.WaitEphemeral(team, func(e fakeslack.Ephemeral) bool { return e.User == stranger && strings.Contains(e.Text, "staff") })
	if v := h.caseOf(id); v.Owner != "" {
		t.Fatalf("a non-staff click made %q the owner", v.Owner)
	}

	// A usage error typed in the thread is an ephemeral message in the thread.
	h.f.Push(h.f.ChannelMessage(team, alice, "handover", fakeslack.InThread(card.TS))).WaitAck()
	h.f.WaitUntil("alice's usage notice", func() bool {
		for _, e := range h.f.Ephemerals(team) {
			if e.User == alice && e.ThreadTS == card.TS {
				return true
			}
		}
		return false
	})

	// /complaints lists privately, in the acknowledgement.
	d := h.f.Push(h.f.SlashCommand(alice, team, "/complaints", ""))
	ack := d.WaitAck()
	if !strings.Contains(string(ack.Payload), `"ephemeral"`) || !strings.Contains(string(ack.Payload), "#"+id) {
		t.Errorf("/complaints answered %s; want an ephemeral list with case #%s", ack.Payload, id)
	}
	ack = h.f.Push(h.f.SlashCommand(alice, team, "/complaints", "#"+id)).WaitAck()
	if !strings.Contains(string(ack.Payload), "F1") {
		t.Errorf("/complaints #%s answered %s; want the case", id, ack.Payload)
	}
	ack = h.f.Push(h.f.SlashCommand(stranger, team, "/complaints", "")).WaitAck()
	if strings.Contains(string(ack.Payload), "#"+id) {
		t.Errorf("a non-staff /complaints was shown the cases: %s", ack.Payload)
	}
	// A command through the slash command: answered where it was typed.
	h.f.Push(h.f.SlashCommand(bob, team, "/complaints", "claim "+id)).WaitAck()
	h.waitCase(id, "bob to own it", func(c *bot.CaseView) bool { return c.Owner == "bob" })
}

func TestAppHomeAndMembership(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	newcomer := "U0NEW"
	h.f.AddUser(fakeslack.User{ID: newcomer, DisplayName: "Nina"})
	if _, ok := h.eng().People().ByHandle(slack.Channel, newcomer); ok {
		t.Fatal("a workspace member outside the team channel is staff")
	}
	h.f.AddMember(team, newcomer)
	h.f.Push(h.f.MemberJoined(team, newcomer)).WaitAck()
	h.f.WaitUntil("the newcomer to be staff", func() bool { _, ok := h.eng().People().ByHandle(slack.Channel, newcomer); return ok })

	h.f.Push(h.f.AppHomeOpened(newcomer)).WaitAck()
	h.f.WaitUntil("the Home", func() bool {
		v, ok := h.f.HomeView(newcomer)
		return ok && strings.Contains(blocksText(v.Blocks), "Your open cases")
	})
	id := h.intake(customer, "The toaster I bought online burns everything. Order T7. I want a refund.")
	card := h.card(id)
	h.f.Push(h.f.Click(newcomer, team, card.TS, "cb_claim")).WaitAck()
	h.f.WaitUntil("the Home to list the claimed case", func() bool {
		v, _ := h.f.HomeView(newcomer)
		return strings.Contains(blocksText(v.Blocks), "#"+id)
	})

	h.f.RemoveMember(team, newcomer)
	h.f.Push(h.f.MemberLeft(team, newcomer)).WaitAck()
	h.f.WaitUntil("the newcomer to leave the staff", func() bool { _, ok := h.eng().People().ByHandle(slack.Channel, newcomer); return !ok })
}

func TestRevokedTokenFailsReadinessWithoutDeadLetters(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	h.say(customer, "The phone I bought online will not charge. Order P1. I want a refund.")
	h.waitBot(h.f.DMChannel(customer), 0, "")
	h.f.RevokeToken(h.f.BotToken())
	h.say(customer, "hello?")
	h.f.WaitUntil("readiness to fail", func() bool { return h.r[0].ad.Ready() != nil })
	if dl, _ := h.r[0].store.DeadLetters(context.Background(), slack.Channel, 10); len(dl) != 0 {
		t.Errorf("with a revoked token messages went to the dead letters: %+v", dl)
	}
}

func TestHTTPEventsAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{secret: true})
	mux := http.NewServeMux()
	for p, handler := range h.r[0].ad.Routes() {
		mux.Handle(p, handler)
	}
	status := func(r *http.Request) (int, string) {
		t.Helper()
		resp := fakeslack.Serve(mux, r)
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	dm := h.f.DirectMessage(customer, "The oven I bought online does not heat. Order O4. I want a repair.")
	for _, tc := range []struct {
		name string
		opt  fakeslack.RequestOption
	}{{"forged", fakeslack.Forged()}, {"stale", fakeslack.Stale()}, {"unsigned", fakeslack.Unsigned()}} {
		if code, body := status(h.f.EventRequest("/slack/events", dm, tc.opt)); code != http.StatusUnauthorized {
			t.Errorf("%s request = %d %s; want 401", tc.name, code, body)
		}
	}
	if got := h.customerEntries(customer); len(got) != 0 {
		t.Fatalf("refused requests were handled: %q", got)
	}
	code, body := status(h.f.URLVerificationRequest("/slack/events", "ch4ll3nge"))
	var v map[string]string
	if code != 200 || json.Unmarshal([]byte(body), &v) != nil || v["challenge"] != "ch4ll3nge" {
		t.Errorf("url_verification = %d %s", code, body)
	}
	if code, _ := status(h.f.EventRequest("/slack/events", dm)); code != 200 {
		t.Fatalf("event = %d", code)
	}
	if code, _ := status(h.f.EventRequest("/slack/events", dm, fakeslack.Retry(1, "http_timeout"))); code != 200 {
		t.Fatalf("retried event = %d", code)
	}
	h.f.WaitUntil("the message handled once", func() bool { return len(h.customerEntries(customer)) == 1 })
	h.f.WaitUntil("the bot's answer", func() bool { return len(h.botSaid(h.f.DMChannel(customer))) > 0 })

	// The rest of the intake, then a Claim click, over HTTP too.
	id := h.intake(customer)
	card := h.card(id)
	h.deliver(h.f.Click(alice, team, card.TS, "cb_claim"))
	h.waitCase(id, "alice to own it", func(c *bot.CaseView) bool { return c.Owner == "slack:"+alice })
	if code, _ := status(h.f.InteractionRequest("/slack/interactions", h.f.BlockAction(bob, team, card.TS, fakeslack.Action{ActionID: "cb_claim", Value: id + ":0"}), fakeslack.Forged())); code != 401 {
		t.Errorf("forged click = %d; want 401", code)
	}

	// A slash command over HTTP answers in the response body.
	code, body = status(h.f.CommandRequest("/slack/commands", h.f.SlashCommand(alice, team, "/complaints", "help")))
	if code != 200 || !strings.Contains(body, "ephemeral") {
		t.Errorf("slash command = %d %s", code, body)
	}
	if code, _ := status(h.f.CommandRequest("/slack/commands", h.f.SlashCommand(alice, team, "/complaints", "help"), fakeslack.Forged())); code != 401 {
		t.Errorf("forged slash command = %d; want 401", code)
	}
}
