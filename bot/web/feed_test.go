package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/web"
)

func TestCustomerFeed(t *testing.T) {
	e := newEnv(t)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

	p := getFeed[customerMsg](t, e, "/api/customers/dana/messages")
	if len(p.Messages) != 0 || p.Next != 0 {
		t.Fatalf("empty feed = %+v, want no messages and next 0", p)
	}
	if r := e.do(t, http.MethodGet, "/api/customers/dana/messages?after=5", nil); !strings.Contains(string(r.body), `"messages":[]`) ||
		!strings.Contains(string(r.body), `"next":5`) {
		t.Errorf("empty answer = %s, want messages [] and next = after", r.body)
	}

	if ref := e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "o1", Audience: bot.ToCustomer, Customer: "dana", Kind: bot.KindText, Text: "I'm sorry the parcel was late.", At: at}, Address: "dana"}); ref != "1" {
		t.Errorf("first delivery ref = %q, want 1", ref)
	}
	e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "o2", Audience: bot.ToCustomer, Customer: "dana", Kind: bot.KindText, Text: "Hi Dana, Alice here.", Staff: "alice", At: at.Add(time.Minute)}, Address: "dana"})
	// Another customer's messages stay in their own feed.
	e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "o3", Audience: bot.ToCustomer, Customer: "eli", Kind: bot.KindText, Text: "for eli"}, Address: "eli"})

	p = getFeed[customerMsg](t, e, "/api/customers/dana/messages")
	want := []customerMsg{
		{Seq: 1, From: "bot", Text: "I'm sorry the parcel was late.", At: at},
		{Seq: 2, From: "staff", Staff: "alice", Text: "Hi Dana, Alice here.", At: at.Add(time.Minute)},
	}
	if len(p.Messages) != len(want) || p.Next != 2 {
		t.Fatalf("feed = %+v, want %+v and next 2", p, want)
	}
	for i := range want {
		if g := p.Messages[i]; g.Seq != want[i].Seq || g.From != want[i].From || g.Staff != want[i].Staff || g.Text != want[i].Text || !g.At.Equal(want[i].At) {
			t.Errorf("message %d = %+v, want %+v", i, g, want[i])
		}
	}
	p = getFeed[customerMsg](t, e, "/api/customers/dana/messages?after=1")
	if len(p.Messages) != 1 || p.Messages[0].Seq != 2 || p.Next != 2 {
		t.Errorf("after=1: %+v", p)
	}
	// The wire format, exactly.
	r := e.do(t, http.MethodGet, "/api/customers/dana/messages?after=1", nil)
	if want := `{"messages":[{"seq":2,"from":"staff","staff":"alice","text":"Hi Dana, Alice here.","at":"2026-11-23T10:01:00Z"}],"next":2}`; strings.TrimSpace(string(r.body)) != want {
		t.Errorf("wire format:\n got %s\nwant %s", r.body, want)
	}
}

func TestDeliverIsIdempotent(t *testing.T) {
	e := newEnv(t)
	d := bot.Delivery{Outbound: bot.Outbound{ID: "same", Audience: bot.ToCustomer, Customer: "fay", Kind: bot.KindText, Text: "once"}, Address: "fay"}
	if a, b := e.deliver(t, d), e.deliver(t, d); a != "1" || b != "1" {
		t.Errorf("refs = %q, %q; want 1, 1", a, b)
	}
	card := bot.Delivery{Outbound: bot.Outbound{ID: "card", Audience: bot.ToTeam, Kind: bot.KindCard, Case: "9", Card: &bot.Card{Case: "9"}, Ref: "card:9"}}
	if a, b := e.deliver(t, card), e.deliver(t, card); a != "1" || b != "1" {
		t.Errorf("card refs = %q, %q; want 1, 1", a, b)
	}
	if p := getFeed[customerMsg](t, e, "/api/customers/fay/messages"); len(p.Messages) != 1 {
		t.Errorf("customer feed has %d entries, want 1", len(p.Messages))
	}
	if p := getFeed[teamMsg](t, e, "/api/team/messages"); len(p.Messages) != 1 {
		t.Errorf("team feed has %d entries, want 1", len(p.Messages))
	}
}

func TestTeamFeed(t *testing.T) {
	e := newEnv(t)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	card := &bot.Card{Case: "42", Status: bot.Open, Priority: bot.Urgent, Urgent: true, Summary: "leaking kettle"}
	deliveries := []bot.Delivery{
		{Outbound: bot.Outbound{ID: "a", Audience: bot.ToTeam, Kind: bot.KindCard, Case: "42", Text: "Case #42", Card: card, Ref: "card:42", At: at}},
		{Outbound: bot.Outbound{ID: "b", Audience: bot.ToTeam, Kind: bot.KindText, Case: "42", Thread: "42", Text: "Kim: it still leaks", At: at}, ThreadRef: "1"},
		{Outbound: bot.Outbound{ID: "c", Audience: bot.ToTeam, Kind: bot.KindNotice, To: "alice", Case: "42", Text: "bob already owns #42", At: at}},
		{Outbound: bot.Outbound{ID: "d", Audience: bot.ToStaff, Kind: bot.KindText, To: "bob", Case: "42", Text: "urgent case #42 needs you", At: at}},
		{Outbound: bot.Outbound{ID: "e", Audience: bot.ToTeam, Kind: bot.KindCard, Case: "42", Text: "Case #42 claimed", Card: &bot.Card{Case: "42", Status: bot.Claimed, Owner: "bob"}, Edits: "card:42", At: at}, EditsRef: "1"},
		{Outbound: bot.Outbound{ID: "f", Audience: bot.ToTeam, Kind: bot.KindText, Case: "42", Thread: "42", Staff: "bob", Text: "on it", At: at}},
	}
	for _, d := range deliveries {
		e.deliver(t, d)
	}

	// Every entry, as seen by the one who may see it.
	m := map[int]teamMsg{}
	for _, as := range []string{"alice", "bob"} {
		for _, g := range getFeed[teamMsg](t, e, "/api/team/messages?as="+as).Messages {
			m[int(g.Seq)-1] = g
		}
	}
	if len(m) != 6 {
		t.Fatalf("alice and bob see %d entries between them, want 6", len(m))
	}
	check := func(i int, kind, thread, to, staff string, edits int64) {
		t.Helper()
		g := m[i]
		var gotEdits int64
		if g.Edits != nil {
			gotEdits = *g.Edits
		}
		if g.Seq != int64(i+1) || g.Kind != kind || g.From != "bot" || g.Case != "42" || g.Thread != thread || g.To != to || g.Staff != staff || gotEdits != edits || !g.At.Equal(at) {
			t.Errorf("entry %d = %+v (edits %d), want kind %s thread %q to %q staff %q edits %d", i+1, g, gotEdits, kind, thread, to, staff, edits)
		}
	}
	check(0, "card", "", "", "", 0)
	check(1, "text", "42", "", "", 0)
	check(2, "notice", "", "alice", "", 0)
	check(3, "direct", "", "bob", "", 0)
	check(4, "card", "", "", "", 1)
	check(5, "text", "42", "", "bob", 0)
	var c bot.Card
	if err := json.Unmarshal(m[0].Card, &c); err != nil || c.Case != "42" || !c.Urgent || c.Summary != "leaking kettle" {
		t.Errorf("card = %s (%v)", m[0].Card, err)
	}
	if m[1].Card != nil {
		t.Errorf("text entry has a card: %s", m[1].Card)
	}

	// The wire format of a card update, exactly; "edits" is null when the
	// entry replaces nothing.
	r := e.do(t, http.MethodGet, "/api/team/messages?after=1", nil)
	if !strings.Contains(string(r.body), `{"seq":2,"kind":"text","from":"bot","case":"42","thread":"42","to":"","staff":"","edits":null,"text":"Kim: it still leaks","at":"2026-11-23T10:00:00Z"}`) {
		t.Errorf("wire format of a thread entry: %s", r.body)
	}

	seqs := func(p feedPage[teamMsg]) []int64 {
		var s []int64
		for _, m := range p.Messages {
			s = append(s, m.Seq)
		}
		return s
	}
	for _, tt := range []struct {
		query string
		want  []int64
	}{
		{"?as=alice", []int64{1, 2, 3, 5, 6}},
		{"?as=bob", []int64{1, 2, 4, 5, 6}},
		{"?as=sam", []int64{1, 2, 5, 6}},
		{"?staff=bob", []int64{1, 2, 4, 5, 6}}, // the older name of "as"
		{"?as=bob&staff=bob", []int64{1, 2, 4, 5, 6}},
		{"", []int64{1, 2, 5, 6}}, // nobody: what everyone sees, no private entry
		{"?as=", []int64{1, 2, 5, 6}},
	} {
		p := getFeed[teamMsg](t, e, "/api/team/messages"+tt.query)
		if got := seqs(p); !equal(got, tt.want) || p.Next != 6 {
			t.Errorf("%s: %v next %d, want %v next 6", tt.query, got, p.Next, tt.want)
		}
	}
	// Entries hidden from the reader still move "next" on, so they are not
	// read again.
	p := getFeed[teamMsg](t, e, "/api/team/messages?as=sam&after=2")
	if got := seqs(p); !equal(got, []int64{5, 6}) || p.Next != 6 {
		t.Errorf("sam after 2: %v next %d", got, p.Next)
	}
	p = getFeed[teamMsg](t, e, "/api/team/messages?as=sam&after=2&wait=0.05")
	if len(p.Messages) != 2 {
		t.Errorf("sam after 2, waiting: %v", seqs(p))
	}
	e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "g", Audience: bot.ToStaff, To: "alice", Text: "psst"}})
	p = getFeed[teamMsg](t, e, "/api/team/messages?as=sam&after=6&wait=0.1")
	if len(p.Messages) != 0 || p.Next != 7 {
		t.Errorf("sam after a direct message to alice: %v next %d, want none and next 7", seqs(p), p.Next)
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestCardEditsThroughSender queues a card, its update and a thread message
// in the outbox and lets the real sender deliver them: the update names the
// card's entry, through the reference the sender kept.
func TestCardEditsThroughSender(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	key := bot.CustomerKey("web", "gus")
	snap, err := e.store.Load(ctx, bot.LoadQuery{Customer: key})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	out := []bot.Outbound{
		{ID: "post", Channel: "web", Audience: bot.ToTeam, Kind: bot.KindCard, Case: "7", Text: "Case #7", Card: &bot.Card{Case: "7", Status: bot.Open}, Ref: "card:7", At: now},
		{ID: "relay", Channel: "web", Audience: bot.ToTeam, Kind: bot.KindText, Case: "7", Thread: "7", Text: "gus: hello?", At: now},
		{ID: "update", Channel: "web", Audience: bot.ToTeam, Kind: bot.KindCard, Case: "7", Text: "Case #7 claimed", Card: &bot.Card{Case: "7", Status: bot.Claimed, Owner: "alice"}, Edits: "card:7", At: now},
		{ID: "ack", Channel: "web", Audience: bot.ToCustomer, Customer: "web:gus", Kind: bot.KindText, Text: "Alice is looking at it.", Staff: "alice", At: now},
	}
	if err := e.store.Commit(ctx, &bot.Change{Customer: key, Version: snap.Version, Outbox: out}); err != nil {
		t.Fatal(err)
	}
	e.startSender(t)

	var p feedPage[teamMsg]
	eventually(t, 5*time.Second, "the sender to deliver three team messages", func() bool {
		p = getFeed[teamMsg](t, e, "/api/team/messages")
		return len(p.Messages) == 3
	})
	if g := p.Messages[0]; g.Kind != "card" || g.Edits != nil {
		t.Errorf("card = %+v, want a new card", g)
	}
	if g := p.Messages[1]; g.Thread != "7" {
		t.Errorf("relay = %+v, want it in case 7's thread", g)
	}
	if g := p.Messages[2]; g.Kind != "card" || g.Edits == nil || *g.Edits != 1 {
		t.Errorf("update = %+v, want it to edit entry 1", g)
	}
	c := getFeed[customerMsg](t, e, "/api/customers/gus/messages?wait=5")
	if len(c.Messages) != 1 || c.Messages[0].From != "staff" || c.Messages[0].Staff != "alice" {
		t.Errorf("customer feed = %+v", c)
	}
}

// timedGet GETs a feed and says how long the answer took. It may run on
// any goroutine: it reports failures with t.Error.
func timedGet[M any](t *testing.T, e *env, path string) (feedPage[M], time.Duration) {
	t.Helper()
	start := time.Now()
	p, err := tryFeed[M](e, path)
	if err != nil {
		t.Error(err)
	}
	return p, time.Since(start)
}

func TestLongPoll(t *testing.T) {
	e := newEnv(t, func(o *web.Options) { o.PollEvery = time.Hour }) // only the in-process wake-up can end the waits early

	t.Run("returns after wait when nothing comes", func(t *testing.T) {
		p, took := timedGet[customerMsg](t, e, "/api/customers/hal/messages?wait=0.3")
		if len(p.Messages) != 0 || p.Next != 0 {
			t.Errorf("got %+v, want nothing", p)
		}
		if took < 300*time.Millisecond || took > 3*time.Second {
			t.Errorf("took %s, want about 300ms", took)
		}
	})

	t.Run("returns as soon as a message arrives", func(t *testing.T) {
		done := make(chan struct{})
		var p feedPage[customerMsg]
		var took time.Duration
		go func() {
			defer close(done)
			p, took = timedGet[customerMsg](t, e, "/api/customers/hal/messages?wait=20")
		}()
		time.Sleep(100 * time.Millisecond) // let the poll start waiting; it works either way
		e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "h1", Audience: bot.ToCustomer, Customer: "hal", Text: "We're on it."}, Address: "hal"})
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the long poll did not return after a delivery")
		}
		if len(p.Messages) != 1 || p.Messages[0].Text != "We're on it." || p.Next != 1 {
			t.Errorf("got %+v", p)
		}
		if took > 5*time.Second {
			t.Errorf("took %s, want it to return at the delivery", took)
		}
	})

	t.Run("team feed wakes for the reader's entries only", func(t *testing.T) {
		done := make(chan struct{})
		var p feedPage[teamMsg]
		go func() {
			defer close(done)
			p, _ = timedGet[teamMsg](t, e, "/api/team/messages?as=bob&wait=20")
		}()
		time.Sleep(50 * time.Millisecond)
		e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "n1", Audience: bot.ToTeam, Kind: bot.KindNotice, To: "alice", Text: "for alice"}})
		select {
		case <-done:
			t.Fatalf("bob's poll returned for alice's notice: %+v", p)
		case <-time.After(200 * time.Millisecond):
		}
		e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "n2", Audience: bot.ToStaff, To: "bob", Text: "for bob"}})
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("bob's poll did not return for his direct message")
		}
		if len(p.Messages) != 1 || p.Messages[0].Text != "for bob" || p.Next != 2 {
			t.Errorf("got %+v", p)
		}
	})

	t.Run("wait is capped and negative waits do not wait", func(t *testing.T) {
		_, took := timedGet[customerMsg](t, e, "/api/customers/hal/messages?after=1&wait=-5")
		if took > time.Second {
			t.Errorf("wait=-5 took %s", took)
		}
	})

	t.Run("Close ends waiting polls", func(t *testing.T) {
		e := newEnv(t, func(o *web.Options) { o.PollEvery = time.Hour })
		done := make(chan struct{})
		go func() {
			defer close(done)
			timedGet[customerMsg](t, e, "/api/customers/ida/messages?wait=60")
		}()
		time.Sleep(50 * time.Millisecond)
		e.web.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("a waiting poll outlived Close")
		}
	})
}

// TestLongPollSeesOtherReplicas runs two servers on one Redis: a delivery
// made by one reaches a poll waiting on the other within PollEvery.
func TestLongPollSeesOtherReplicas(t *testing.T) {
	a := newEnv(t)
	b := newEnv(t, func(o *web.Options) { o.Feed = a.store; o.Engine = a.engine; o.PollEvery = 20 * time.Millisecond })
	done := make(chan feedPage[customerMsg])
	go func() {
		p, _ := timedGet[customerMsg](t, b, "/api/customers/jo/messages?wait=20")
		done <- p
	}()
	time.Sleep(50 * time.Millisecond)
	a.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "r1", Audience: bot.ToCustomer, Customer: "jo", Text: "from replica a"}, Address: "jo"})
	select {
	case p := <-done:
		if len(p.Messages) != 1 || p.Messages[0].Text != "from replica a" {
			t.Errorf("got %+v", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("replica b's poll did not see replica a's delivery")
	}
}

func TestDeliverDropsWhatNoFeedCanHold(t *testing.T) {
	e := newEnv(t)
	for _, d := range []bot.Delivery{
		{Outbound: bot.Outbound{ID: "x1", Audience: bot.ToCustomer, Text: "to nobody"}},
		{Outbound: bot.Outbound{ID: "x2", Audience: bot.ToStaff, Text: "to no staff member"}},
		{Outbound: bot.Outbound{ID: "x3", Audience: "martians", Text: "?"}},
		// A private notice without its reader must not reach the channel.
		{Outbound: bot.Outbound{ID: "x4", Audience: bot.ToTeam, Kind: bot.KindNotice, Text: "you do not own #42"}},
	} {
		ref, err := e.web.Deliver(context.Background(), d)
		if err != nil || ref != "" {
			t.Errorf("Deliver(%s) = %q, %v; want it dropped as done", d.ID, ref, err)
		}
	}
	e.assertNothingStored(t)
	if !strings.Contains(e.logs.String(), "dropped") {
		t.Errorf("drops were not logged: %s", e.logs)
	}
}
