package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/web"
	"github.com/complaintbot/complaintbot/flows"
)

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	r := e.do(t, http.MethodGet, "/healthz", nil)
	if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != `{"ok":true}` {
		t.Fatalf("GET /healthz = %d %s, want 200 {\"ok\":true}", r.status, r.body)
	}
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	if got := r.header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		t.Errorf("Content-Type = %q, want JSON", got)
	}
}

func TestCustomerPost(t *testing.T) {
	e := newEnv(t)
	r := e.post(t, "/api/customers/alice/messages", map[string]any{
		"text":        "My order B77 arrived broken",
		"name":        "Alice Wong",
		"attachments": []map[string]string{{"kind": "image", "url": "https://example.com/p.jpg"}},
		"id":          "m1",
	})
	if r.status != http.StatusAccepted {
		t.Fatalf("POST = %d %s, want 202", r.status, r.body)
	}
	var got map[string]any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if got["id"] != "m1" || got["duplicate"] != nil {
		t.Errorf("answer = %s, want {\"id\":\"m1\"}", r.body)
	}
	tx := e.transcript(t, "alice", 1)
	if len(tx) != 1 {
		t.Fatalf("transcript has %d entries, want 1: %+v", len(tx), tx)
	}
	if tx[0].From != bot.FromCustomer || tx[0].Text != "My order B77 arrived broken" || tx[0].ID != "m1" ||
		len(tx[0].Attachments) != 1 || tx[0].Attachments[0].URL != "https://example.com/p.jpg" {
		t.Errorf("transcript entry = %+v", tx[0])
	}
	snap, err := e.store.Load(ctxT(t), bot.LoadQuery{Customer: "web:alice"})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Conv == nil || snap.Conv.Name != "Alice Wong" {
		t.Errorf("conversation = %+v, want the display name kept", snap.Conv)
	}

	// Without a client id the engine makes one up.
	r = e.post(t, "/api/customers/alice/messages", map[string]any{"text": "and nobody answers"})
	if r.status != http.StatusAccepted {
		t.Fatalf("POST without id = %d %s", r.status, r.body)
	}
	if err := json.Unmarshal(r.body, &got); err != nil || got["id"] == "" || got["id"] == nil {
		t.Errorf("answer without client id = %s, want a made-up id", r.body)
	}
}

func TestCustomerDuplicate(t *testing.T) {
	e := newEnv(t)
	msg := map[string]any{"text": "the screen is cracked", "id": "dup-1"}
	first := e.post(t, "/api/customers/bo/messages", msg)
	second := e.post(t, "/api/customers/bo/messages", msg)
	if first.status != http.StatusAccepted || second.status != http.StatusAccepted {
		t.Fatalf("statuses = %d, %d; want 202, 202", first.status, second.status)
	}
	if got := strings.TrimSpace(string(first.body)); got != `{"id":"dup-1"}` {
		t.Errorf("first answer = %s", got)
	}
	if got := strings.TrimSpace(string(second.body)); got != `{"id":"dup-1","duplicate":true}` {
		t.Errorf("second answer = %s, want the same id marked duplicate", got)
	}
	if tx := e.transcript(t, "bo", 1); len(tx) != 1 {
		t.Errorf("transcript has %d entries, want 1", len(tx))
	}
}

// TestBadInput checks that what the engine or the wire refuses gets the
// status of the error table, a JSON error, and leaves nothing in Redis.
func TestBadInput(t *testing.T) {
	long := strings.Repeat("x", bot.MaxID+1)
	tests := []struct {
		name     string
		method   string
		path     string
		body     string
		status   int
		code     string
		contains string // in the error message
	}{
		{"malformed JSON", "POST", "/api/customers/c1/messages", `{"text": "hi"`, 400, "invalid", "malformed JSON"},
		{"not an object", "POST", "/api/customers/c1/messages", `["hi"]`, 400, "invalid", "malformed JSON"},
		{"data after the object", "POST", "/api/customers/c1/messages", `{"text": "hi"} {"text": "again"}`, 400, "invalid", "after the object"},
		{"text not a string", "POST", "/api/customers/c1/messages", `{"text": 42}`, 400, "invalid", "malformed JSON"},
		{"empty body", "POST", "/api/customers/c1/messages", ``, 400, "invalid", "empty"},
		{"empty text", "POST", "/api/customers/c1/messages", `{"text": ""}`, 400, "invalid", "text or an attachment"},
		{"whitespace text", "POST", "/api/customers/c1/messages", `{"text": "  \n\t  "}`, 400, "invalid", "text or an attachment"},
		{"text over 16 KiB", "POST", "/api/customers/c1/messages", `{"text": "` + strings.Repeat("a", bot.MaxText+1) + `"}`, 413, "too_large", "16 KiB"},
		{"message id over 128 bytes", "POST", "/api/customers/c1/messages", `{"text": "hi", "id": "` + long + `"}`, 400, "invalid", "message id"},
		{"message id with a control character", "POST", "/api/customers/c1/messages", `{"text": "hi", "id": "a\u0007b"}`, 400, "invalid", "control"},
		{"customer id over 128 bytes", "POST", "/api/customers/" + long + "/messages", `{"text": "hi"}`, 400, "invalid", "customer id"},
		{"customer id with a control character", "POST", "/api/customers/a%01b/messages", `{"text": "hi"}`, 400, "invalid", "control"},
		{"unknown attachment kind", "POST", "/api/customers/c1/messages", `{"attachments": [{"kind": "hologram", "url": "https://x"}]}`, 400, "invalid", "hologram"},
		{"body over the hard cap", "POST", "/api/customers/c1/messages", `{"text": "` + strings.Repeat("a", 1<<20+10) + `"}`, 413, "too_large", "1 MiB"},
		{"unknown route", "GET", "/api/nothing-here", ``, 404, "not_found", "no route"},
		{"unknown route under a known one", "POST", "/api/customers/c1/messages/extra", `{"text": "hi"}`, 404, "not_found", "no route"},
		{"wrong method", "DELETE", "/api/customers/c1/messages", ``, 405, "method_not_allowed", "DELETE"},
		{"wrong method on the team feed", "PUT", "/api/team/messages", `{"staff": "alice", "text": "claim 1"}`, 405, "method_not_allowed", "PUT"},
		{"staff message from a stranger", "POST", "/api/team/messages", `{"staff": "mallory", "text": "claim 1"}`, 403, "forbidden", "mallory"},
		{"staff message without a name", "POST", "/api/team/messages", `{"text": "claim 1"}`, 400, "invalid", "staff"},
		{"staff message too long", "POST", "/api/team/messages", `{"staff": "alice", "text": "` + strings.Repeat("a", bot.MaxText+1) + `"}`, 413, "too_large", "16 KiB"},
		{"bad after", "GET", "/api/customers/c1/messages?after=x", ``, 400, "invalid", "after"},
		{"negative after", "GET", "/api/team/messages?after=-1", ``, 400, "invalid", "after"},
		{"bad wait", "GET", "/api/customers/c1/messages?wait=soon", ``, 400, "invalid", "wait"},
		{"infinite wait", "GET", "/api/team/messages?wait=Inf", ``, 400, "invalid", "wait"},
		{"feed of a bad customer id", "GET", "/api/customers/" + long + "/messages", ``, 400, "invalid", "customer id"},
		{"unknown status", "GET", "/api/cases?status=lost", ``, 400, "invalid", "lost"},
		{"unknown case", "GET", "/api/cases/404", ``, 404, "not_found", ""},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			if tt.body != "" || tt.method == "POST" {
				body = []byte(tt.body)
			}
			r := e.do(t, tt.method, tt.path, body)
			if r.status != tt.status || r.errCode() != tt.code {
				t.Fatalf("%s %s = %d %s, want %d with code %q", tt.method, tt.path, r.status, clip(r.body), tt.status, tt.code)
			}
			if !strings.Contains(r.errMessage(), tt.contains) {
				t.Errorf("message %q does not mention %q", r.errMessage(), tt.contains)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want JSON", ct)
			}
			if tt.status == 405 && r.header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
			e.assertNothingStored(t)
			if cases, err := e.engine.Cases(ctxT(t)); err != nil || len(cases) != 0 {
				t.Errorf("cases = %v, %v; want none", cases, err)
			}
		})
	}
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func TestInvalidUTF8IsReplaced(t *testing.T) {
	e := newEnv(t)
	body := []byte("{\"text\": \"broken \xff\xfe bytes\", \"id\": \"u1\"}")
	r := e.do(t, http.MethodPost, "/api/customers/utf/messages", body)
	if r.status != http.StatusAccepted {
		t.Fatalf("POST = %d %s, want 202", r.status, r.body)
	}
	tx := e.transcript(t, "utf", 1)
	if len(tx) != 1 || !strings.Contains(tx[0].Text, "\uFFFD") || !strings.HasPrefix(tx[0].Text, "broken ") {
		t.Fatalf("transcript = %+v, want the text kept with U+FFFD for the bad bytes", tx)
	}
}

func TestTeamPost(t *testing.T) {
	e := newEnv(t)
	for _, staff := range []string{"alice", "sam"} {
		r := e.post(t, "/api/team/messages", map[string]any{"staff": staff, "text": "cases", "id": "t-" + staff})
		if r.status != http.StatusAccepted {
			t.Fatalf("POST as %s = %d %s, want 202", staff, r.status, r.body)
		}
		if got := strings.TrimSpace(string(r.body)); got != `{"id":"t-`+staff+`"}` {
			t.Errorf("answer = %s", got)
		}
	}
	r := e.post(t, "/api/team/messages", map[string]any{"staff": "alice", "text": "note called them", "thread": "17"})
	if r.status != http.StatusAccepted {
		t.Fatalf("POST in a thread = %d %s, want 202", r.status, r.body)
	}
}

func TestTeamConfig(t *testing.T) {
	e := newEnv(t)
	r := e.do(t, http.MethodGet, "/api/team/config", nil)
	want := `{"staff":["alice","bob"],"supervisors":["sam"],"token_required":false}`
	if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != want {
		t.Errorf("GET /api/team/config = %d %s, want 200 %s", r.status, r.body, want)
	}
	e = newEnv(t, func(o *web.Options) { o.Staff, o.Supervisors, o.Token = nil, nil, "tok" })
	r = e.do(t, http.MethodGet, "/api/team/config", nil, "Authorization: Bearer tok")
	want = `{"staff":[],"supervisors":[],"token_required":true}`
	if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != want {
		t.Errorf("GET /api/team/config = %d %s, want 200 %s", r.status, r.body, want)
	}
}

// openCase commits a case for a web customer directly through the store,
// with a transcript, as the engine would at the end of an intake.
func openCase(t *testing.T, e *env, customer string, status bot.Status) *bot.Case {
	t.Helper()
	ctx := ctxT(t)
	key := bot.CustomerKey("web", customer)
	id, err := e.store.ReserveCaseID(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := e.store.Load(ctx, bot.LoadQuery{Customer: key})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	c := &bot.Case{
		ID: id, Status: status, Priority: bot.High, Channel: "web",
		Customer: key, CustomerID: customer, Session: 1, Opened: now, Updated: now,
		FirstResponseDue: now.Add(15 * time.Minute),
		Facts: flows.Facts{
			flows.Grievance: {Value: "the kettle leaks"},
			flows.Order:     {Value: "K-1234"},
			flows.Outcome:   {Value: "refund", Kinds: []string{"refund"}},
		},
		Summary: "The kettle from order K-1234 leaks; wants a refund.",
	}
	err = e.store.Commit(ctx, &bot.Change{
		Customer: key, Version: snap.Version,
		Conv:  &bot.Conversation{Customer: key, Channel: "web", User: customer, Session: 1, Case: id},
		Cases: []*bot.Case{c},
		Transcript: []bot.TranscriptAppend{{Session: 1, Entries: []bot.Entry{
			{At: now, From: bot.FromCustomer, ID: "k1", Text: "my kettle leaks"},
			{At: now, From: bot.FromBot, Text: "I'm sorry to hear that."},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCases(t *testing.T) {
	e := newEnv(t)
	open := openCase(t, e, "kim", bot.Open)
	claimed := openCase(t, e, "lee", bot.Claimed)

	list := func(query string) []string {
		t.Helper()
		r := e.do(t, http.MethodGet, "/api/cases"+query, nil)
		if r.status != http.StatusOK {
			t.Fatalf("GET /api/cases%s = %d %s", query, r.status, r.body)
		}
		var got struct {
			Cases []*bot.Case `json:"cases"`
		}
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatal(err)
		}
		if got.Cases == nil {
			t.Fatalf("GET /api/cases%s: cases is null: %s", query, r.body)
		}
		ids := []string{}
		for _, c := range got.Cases {
			ids = append(ids, c.ID)
		}
		return ids
	}
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"", []string{open.ID, claimed.ID}},
		{"?status=open", []string{open.ID}},
		{"?status=claimed", []string{claimed.ID}},
		{"?status=open,claimed", []string{open.ID, claimed.ID}},
		{"?status=open&status=claimed", []string{open.ID, claimed.ID}},
		{"?status=closed", []string{}},
	} {
		if got := list(tt.query); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("GET /api/cases%s = %v, want %v", tt.query, got, tt.want)
		}
	}

	r := e.do(t, http.MethodGet, "/api/cases/"+open.ID, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/cases/%s = %d %s", open.ID, r.status, r.body)
	}
	var v struct {
		ID         string                     `json:"id"`
		Status     string                     `json:"status"`
		Facts      map[string]json.RawMessage `json:"facts"`
		Transcript []bot.Entry                `json:"transcript"`
	}
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatal(err)
	}
	if v.ID != open.ID || v.Status != "open" {
		t.Errorf("case = %s", r.body)
	}
	for _, k := range []string{"grievance", "order", "outcome"} {
		if _, ok := v.Facts[k]; !ok {
			t.Errorf("facts lack %q: %s", k, r.body)
		}
	}
	if len(v.Transcript) != 2 || v.Transcript[0].Text != "my kettle leaks" {
		t.Errorf("transcript = %+v", v.Transcript)
	}
}
