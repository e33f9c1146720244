package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/web"
)

// TestPrivateEntries checks who sees the notices and direct messages of the
// team feed: each only its addressee, and a reader who names nobody none.
func TestPrivateEntries(t *testing.T) {
	e := newEnv(t)
	for _, d := range []bot.Delivery{
		{Outbound: bot.Outbound{ID: "pub", Audience: bot.ToTeam, Kind: bot.KindText, Text: "case #7 opened"}},                            // 1
		{Outbound: bot.Outbound{ID: "n-alice", Audience: bot.ToTeam, Kind: bot.KindNotice, To: "alice", Text: "bob already owns #7"}},    // 2
		{Outbound: bot.Outbound{ID: "n-bob", Audience: bot.ToTeam, Kind: bot.KindNotice, To: "bob", Thread: "7", Text: "usage: note …"}}, // 3
		{Outbound: bot.Outbound{ID: "dm-bob", Audience: bot.ToStaff, Kind: bot.KindText, To: "bob", Case: "7", Text: "Kim wrote again"}}, // 4
		{Outbound: bot.Outbound{ID: "dm-sam", Audience: bot.ToStaff, Kind: bot.KindText, To: "sam", Case: "7", Text: "urgent: #7"}},      // 5
		{Outbound: bot.Outbound{ID: "thread", Audience: bot.ToTeam, Kind: bot.KindText, Thread: "7", Text: "Kim: hello?"}},               // 6
	} {
		e.deliver(t, d)
	}
	tests := []struct {
		name  string
		query string
		want  []int64
	}{
		{"nobody", "", []int64{1, 6}},
		{"alice: her notice", "?as=alice", []int64{1, 2, 6}},
		{"bob: his notice and his direct message", "?as=bob", []int64{1, 3, 4, 6}},
		{"sam: his direct message", "?as=sam", []int64{1, 5, 6}},
		{"bob, reading on", "?as=bob&after=3", []int64{4, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := getFeed[teamMsg](t, e, "/api/team/messages"+tt.query)
			var got []int64
			for _, m := range p.Messages {
				got = append(got, m.Seq)
				if as := strings.TrimPrefix(strings.Split(tt.query, "&")[0], "?as="); m.To != "" && m.To != as {
					t.Errorf("entry %d for %q reached %q", m.Seq, m.To, tt.query)
				}
			}
			if !equal(got, tt.want) || p.Next != 6 {
				t.Errorf("GET /api/team/messages%s = %v next %d, want %v next 6", tt.query, got, p.Next, tt.want)
			}
		})
	}
	p := getFeed[teamMsg](t, e, "/api/team/messages?as=bob")
	if dm := p.Messages[2]; dm.Kind != "direct" || dm.To != "bob" || dm.Case != "7" || dm.From != "bot" || dm.Text != "Kim wrote again" {
		t.Errorf("bob's direct message = %+v", dm)
	}
	if n := p.Messages[1]; n.Kind != "notice" || n.To != "bob" || n.Thread != "7" {
		t.Errorf("bob's notice = %+v, want it private and in case 7's thread", n)
	}
}

// TestViewerRefused checks that the team feed is only read as someone on
// the staff list, with a clear JSON error otherwise.
func TestViewerRefused(t *testing.T) {
	e := newEnv(t)
	e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "n", Audience: bot.ToTeam, Kind: bot.KindNotice, To: "alice", Text: "secret"}})
	for _, tt := range []struct {
		name, query string
		status      int
		code, says  string
	}{
		{"unknown staff", "?as=mallory", 403, "forbidden", `"mallory" is not on the staff list`},
		{"unknown staff by the older name", "?staff=mallory", 403, "forbidden", "mallory"},
		{"unknown staff, long poll", "?as=mallory&wait=30", 403, "forbidden", "STAFF"},
		{"a name that differs in case", "?as=Alice", 403, "forbidden", "Alice"},
		{"control character", "?as=ali%07ce", 400, "invalid", "control"},
		{"too long", "?as=" + strings.Repeat("a", bot.MaxID+1), 400, "invalid", "limit"},
		{"two names", "?as=alice&staff=bob", 400, "invalid", "disagree"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			r := e.do(t, http.MethodGet, "/api/team/messages"+tt.query, nil)
			if r.status != tt.status || r.errCode() != tt.code || !strings.Contains(r.errMessage(), tt.says) {
				t.Errorf("GET %s = %d %s, want %d %s saying %q", tt.query, r.status, r.body, tt.status, tt.code, tt.says)
			}
			if strings.Contains(string(r.body), "secret") {
				t.Errorf("a refused read carries a private entry: %s", r.body)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the refusal took %s: it must not wait", d)
			}
		})
	}
}

// TestCardEdits checks that a card's updates name the entry of the card
// they replace, however many there are, and carry the whole new card.
func TestCardEdits(t *testing.T) {
	e := newEnv(t)
	ctx := ctxT(t)
	key := bot.CustomerKey("web", "ros")
	snap, err := e.store.Load(ctx, bot.LoadQuery{Customer: key})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	card := func(id string, status bot.Status, owner string, edit bool) bot.Outbound {
		o := bot.Outbound{ID: id, Channel: "web", Audience: bot.ToTeam, Kind: bot.KindCard, Case: "9", Text: "Case #9 " + string(status),
			Card: &bot.Card{Case: "9", Status: status, Owner: owner, Priority: bot.High, Summary: "the oven is cold"}, At: now}
		if edit {
			o.Edits = "card:9"
		} else {
			o.Ref = "card:9"
		}
		return o
	}
	// Recipients are independent (the sender keeps the order per
	// recipient only), so the entry before the card is delivered first,
	// alone.
	other := bot.Outbound{ID: "other", Channel: "web", Audience: bot.ToTeam, Kind: bot.KindText, Text: "something else first", At: now}
	if err := e.store.Commit(ctx, &bot.Change{Customer: key, Version: snap.Version, Outbox: []bot.Outbound{other}}); err != nil {
		t.Fatal(err)
	}
	e.startSender(t)
	eventually(t, 5*time.Second, "the sender to deliver the first entry", func() bool {
		return len(getFeed[teamMsg](t, e, "/api/team/messages?as=alice").Messages) == 1
	})
	out := []bot.Outbound{
		card("post", bot.Open, "", false),
		card("claimed", bot.Claimed, "alice", true),
		{ID: "t", Channel: "web", Audience: bot.ToTeam, Kind: bot.KindText, Case: "9", Thread: "9", Text: "ros: any news?", At: now},
		card("handed", bot.Claimed, "bob", true),
		card("resolved", bot.Resolved, "bob", true),
	}
	if err := e.store.Commit(ctx, &bot.Change{Customer: key, Version: snap.Version + 1, Outbox: out}); err != nil {
		t.Fatal(err)
	}

	var p feedPage[teamMsg]
	eventually(t, 5*time.Second, "the sender to deliver six entries", func() bool {
		p = getFeed[teamMsg](t, e, "/api/team/messages?as=alice")
		return len(p.Messages) == 6
	})
	if g := p.Messages[1]; g.Seq != 2 || g.Kind != "card" || g.Edits != nil {
		t.Fatalf("the card = %+v, want a new card at entry 2", g)
	}
	for i, want := range map[int]struct {
		status bot.Status
		owner  string
	}{2: {bot.Claimed, "alice"}, 4: {bot.Claimed, "bob"}, 5: {bot.Resolved, "bob"}} {
		g := p.Messages[i]
		var c bot.Card
		if err := json.Unmarshal(g.Card, &c); err != nil {
			t.Fatal(err)
		}
		if g.Kind != "card" || g.Case != "9" || g.Edits == nil || *g.Edits != 2 || c.Status != want.status || c.Owner != want.owner || c.Summary != "the oven is cold" {
			t.Errorf("update at entry %d = %+v %+v, want it to replace entry 2 with status %s owner %s", g.Seq, g, c, want.status, want.owner)
		}
	}
	if g := p.Messages[3]; g.Thread != "9" || g.Edits != nil {
		t.Errorf("thread entry = %+v", g)
	}

	// An edit whose reference is not a feed number is posted as a card of
	// its own (the page still replaces the case's card by its case id),
	// and the oddity is logged.
	e.deliver(t, bot.Delivery{Outbound: card("odd", bot.Closed, "bob", true), EditsRef: "ts-1712"})
	p = getFeed[teamMsg](t, e, "/api/team/messages?after=6")
	if len(p.Messages) != 1 || p.Messages[0].Edits != nil || p.Messages[0].Case != "9" {
		t.Errorf("odd edit = %+v, want a card with edits null", p.Messages)
	}
	if !strings.Contains(e.logs.String(), "edit reference") {
		t.Errorf("the odd reference was not logged: %s", e.logs)
	}
}

// TestStaffEcho checks that a staff member's accepted message shows in the
// team feed, in its thread, once per message id, for everyone.
func TestStaffEcho(t *testing.T) {
	e := newEnv(t, func(o *web.Options) { o.PollEvery = time.Hour }) // only the in-process wake-up can end the waits early
	c := openCase(t, e, "kim", bot.Open)
	echoes := func(query string) []teamMsg {
		t.Helper()
		var out []teamMsg
		for _, m := range getFeed[teamMsg](t, e, "/api/team/messages"+query).Messages {
			if m.From == "staff" {
				out = append(out, m)
			}
		}
		return out
	}

	// A waiting reader is woken by the echo.
	done := make(chan feedPage[teamMsg], 1)
	go func() {
		p, _ := timedGet[teamMsg](t, e, "/api/team/messages?as=bob&wait=20")
		done <- p
	}()
	time.Sleep(50 * time.Millisecond)
	post := map[string]string{"staff": "alice", "text": "  note called the courier\u0007 ", "thread": c.ID, "id": "s1"}
	if r := e.post(t, "/api/team/messages", post); r.status != http.StatusAccepted || !strings.Contains(string(r.body), `"id":"s1"`) {
		t.Fatalf("POST = %d %s, want 202 with the id", r.status, r.body)
	}
	select {
	case p := <-done:
		if len(p.Messages) == 0 || p.Messages[0].From != "staff" {
			t.Errorf("bob's poll woke with %+v, want the echo", p.Messages)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the echo did not wake a waiting reader")
	}

	want := teamMsg{Seq: 1, Kind: "text", From: "staff", Case: c.ID, Thread: c.ID, Staff: "alice", Text: "note called the courier"}
	for _, as := range []string{"", "?as=alice", "?as=bob", "?as=sam"} {
		got := echoes(as)
		if len(got) != 1 {
			t.Fatalf("%q sees %d echoes, want 1: %+v", as, len(got), got)
		}
		g := got[0]
		if g.Seq != want.Seq || g.Kind != want.Kind || g.Case != want.Case || g.Thread != want.Thread || g.Staff != want.Staff ||
			g.Text != want.Text || g.To != "" || g.Edits != nil || g.Card != nil || g.At.IsZero() {
			t.Errorf("echo seen by %q = %+v, want %+v", as, g, want)
		}
	}

	// A retry of the same message is not echoed twice.
	if r := e.post(t, "/api/team/messages", post); r.status != http.StatusAccepted {
		t.Fatalf("retry = %d %s", r.status, r.body)
	}
	if got := echoes(""); len(got) != 1 {
		t.Errorf("after a retry there are %d echoes, want 1", len(got))
	}

	// Outside a thread, the echo is in the channel itself.
	if r := e.post(t, "/api/team/messages", map[string]string{"staff": "sam", "text": "cases", "id": "s2"}); r.status != http.StatusAccepted {
		t.Fatalf("POST = %d %s", r.status, r.body)
	}
	got := echoes("")
	if len(got) != 2 || got[1].Staff != "sam" || got[1].Thread != "" || got[1].Case != "" || got[1].Text != "cases" {
		t.Errorf("echoes = %+v, want sam's in the channel", got)
	}

	// Refused messages are not echoed.
	for _, b := range []string{
		`{"staff": "mallory", "text": "claim ` + c.ID + `", "id": "s3"}`,
		`{"staff": "alice", "text": "   ", "id": "s4"}`,
		`{"staff": "alice", "text": "claim`,
	} {
		if r := e.do(t, http.MethodPost, "/api/team/messages", []byte(b)); r.status < 400 || r.status >= 500 {
			t.Errorf("POST %s = %d %s, want a 4xx", b, r.status, r.body)
		}
	}
	if got := echoes(""); len(got) != 2 {
		t.Errorf("after refused posts there are %d echoes, want 2", len(got))
	}
}

// TestStaffRefused checks the staff route's refusals: a clear JSON error,
// and nothing stored.
func TestStaffRefused(t *testing.T) {
	for _, tt := range []struct {
		name   string
		body   string
		status int
		code   string
		says   string
	}{
		{"unknown staff", `{"staff": "mallory", "text": "claim 1"}`, 403, "forbidden", `"mallory" is not on the staff list (STAFF or SUPERVISORS)`},
		{"a customer's id as staff", `{"staff": "web:kim", "text": "claim 1"}`, 403, "forbidden", "web:kim"},
		{"name in another case", `{"staff": "ALICE", "text": "claim 1"}`, 403, "forbidden", "ALICE"},
		{"invalid UTF-8 in the name", "{\"staff\": \"al\xffice\", \"text\": \"claim 1\"}", 403, "forbidden", "staff list"},
		{"control character in the name", `{"staff": "ali\u0000ce", "text": "claim 1"}`, 400, "invalid", "control"},
		{"name with spaces around", `{"staff": " alice ", "text": "claim 1"}`, 400, "invalid", "spaces"},
		{"no name", `{"text": "claim 1"}`, 400, "invalid", "staff is required"},
		{"name not a string", `{"staff": ["alice"], "text": "claim 1"}`, 400, "invalid", "malformed JSON"},
		{"malformed JSON", `{"staff": "alice", "text": "claim 1"`, 400, "invalid", "malformed JSON"},
		{"empty text", `{"staff": "alice", "text": ""}`, 400, "invalid", "text"},
		{"bad thread", `{"staff": "alice", "text": "note x", "thread": "a\u0001"}`, 400, "invalid", "thread"},
		{"text over 16 KiB", `{"staff": "alice", "text": "` + strings.Repeat("x", bot.MaxText+1) + `"}`, 413, "too_large", "16 KiB"},
		{"body over 1 MiB", `{"staff": "alice", "text": "` + strings.Repeat("x", web.MaxBody) + `"}`, 413, "too_large", "1 MiB"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.do(t, http.MethodPost, "/api/team/messages", []byte(tt.body))
			if r.status != tt.status || r.errCode() != tt.code || !strings.Contains(r.errMessage(), tt.says) {
				t.Errorf("POST = %d %s, want %d %s saying %q", r.status, clip(r.body), tt.status, tt.code, tt.says)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
			e.assertNothingStored(t)
		})
	}
}

// TestStaffTextInvalidUTF8 checks that a staff member's invalid UTF-8 is
// replaced, not refused, and echoed as replaced.
func TestStaffTextInvalidUTF8(t *testing.T) {
	e := newEnv(t)
	r := e.do(t, http.MethodPost, "/api/team/messages", []byte("{\"staff\": \"bob\", \"text\": \"cases \xff\xfe\", \"id\": \"u\"}"))
	if r.status != http.StatusAccepted {
		t.Fatalf("POST = %d %s, want 202", r.status, r.body)
	}
	p := getFeed[teamMsg](t, e, "/api/team/messages")
	if len(p.Messages) != 1 || !strings.HasPrefix(p.Messages[0].Text, "cases \uFFFD") {
		t.Errorf("echo = %+v, want the text with U+FFFD", p.Messages)
	}
}

// TestCustomerCannotReadTeam checks that no customer id reaches the team
// feed or another customer's feed.
func TestCustomerCannotReadTeam(t *testing.T) {
	e := newEnv(t)
	e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "card", Audience: bot.ToTeam, Kind: bot.KindCard, Case: "1", Text: "Case #1", Card: &bot.Card{Case: "1"}}})
	e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "dm", Audience: bot.ToStaff, To: "bob", Text: "psst"}})
	e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "kim", Audience: bot.ToCustomer, Customer: "kim", Text: "for kim only"}, Address: "kim"})
	for _, id := range []string{"team", "{f:team}", "}team", "staff:bob", "customer:kim", "kim%20", "KIM", "kim%2F..", "..%2Fteam", "%7Bf%3Ateam%7D"} {
		r := e.do(t, http.MethodGet, "/api/customers/"+id+"/messages", nil)
		if r.status == http.StatusOK && !strings.Contains(string(r.body), `"messages":[]`) {
			t.Errorf("customer %q reads %s", id, r.body)
		}
		if strings.Contains(string(r.body), "Case #1") || strings.Contains(string(r.body), "psst") || strings.Contains(string(r.body), "for kim") {
			t.Errorf("customer %q got someone else's entries: %s", id, r.body)
		}
	}
	if p := getFeed[customerMsg](t, e, "/api/customers/kim/messages"); len(p.Messages) != 1 || p.Messages[0].Text != "for kim only" {
		t.Errorf("kim's feed = %+v", p.Messages)
	}
}
