package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/complaintbot/complaintbot/bot"
)

func TestPage(t *testing.T) {
	e := newEnv(t)
	r := e.do(t, http.MethodGet, "/", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", r.status, r.header.Get("Content-Type"))
	}
	page := string(r.body)
	if r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("the page lacks X-Content-Type-Options: nosniff")
	}

	// The inline script and style run by their hashes; nothing else may.
	csp := r.header.Get("Content-Security-Policy")
	for _, tag := range []string{"script", "style"} {
		m := regexp.MustCompile(`(?s)<`+tag+`>(.*?)</`+tag+`>`).FindAllStringSubmatch(page, -1)
		if len(m) != 1 {
			t.Fatalf("the page has %d inline <%s> elements, want 1", len(m), tag)
		}
		sum := sha256.Sum256([]byte(m[0][1]))
		if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, tag+"-src "+h) {
			t.Errorf("CSP %q does not allow the page's %s by its hash %s", csp, tag, h)
		}
	}
	for _, want := range []string{"default-src 'none'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}

	// Everything is rendered as text: no markup is ever built from data.
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "srcdoc", "javascript:"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page uses %s", bad)
		}
	}
	if !strings.Contains(page, "textContent") || !strings.Contains(page, "createTextNode") {
		t.Error("the page does not render with textContent")
	}
	// No inline event handlers (the CSP would block them anyway), no
	// external resources.
	if m := regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`).FindString(page); m != "" {
		t.Errorf("inline event handler: %s", m)
	}
	if m := regexp.MustCompile(`(?i)\s(src|href)\s*=\s*"(https?:)?//`).FindString(page); m != "" {
		t.Errorf("external resource: %s", m)
	}
	// Both languages are there, and the page is built from the API.
	for _, want := range []string{"Team channel", "团队频道", "/api/team/config", "/api/team/messages", "/api/customers/", "'Bearer '", "localStorage"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}

	// The team side plays a whole case life: it reads the feed as the
	// picked staff member, keeps direct messages apart, replaces cards in
	// place, shows every field of a card, claims with a button, and posts
	// in a case's thread.
	for _, want := range []string{
		"'&as=' + encodeURIComponent(", "m.kind === 'direct'", "cardsBySeq.get(m.edits)", "cardsByCase.get(",
		"'claim ' + c.case", "postTeam(input.value, id)",
		"c.priority", "c.risks", "c.emotion", "c.complainer_type", "c.tip", "c.customer", "c.summary", "c.facts",
		"c.outcome", "c.opened", "c.first_response_due", "c.owner", "c.status",
		"Direct messages", "私信",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Data reaches the DOM only as text: every assignment to a property
	// that could hold markup or code is one of the few safe ones.
	// (links only through safeLink, which lets http and https through).
	for _, m := range regexp.MustCompile(`\w+\.(href|src|action|formAction|style|cssText)\s*=[^=][^;]*`).FindAllString(page, -1) {
		if m != "link.href = href" || !strings.Contains(page, "const href = safeLink(a.url)") {
			t.Errorf("the page assigns %q", m)
		}
	}

	// The page is static: no data of ours is ever in it.
	e.post(t, "/api/customers/mo/messages", map[string]string{"text": "<b>data</b>", "name": "Mo"})
	again := e.do(t, http.MethodGet, "/", nil)
	if !bytes.Equal(again.body, r.body) {
		t.Error("the page changed after a message: it must not carry data")
	}
	for _, name := range []string{"alice", "sam", "<b>data</b>", "Mo"} {
		if strings.Contains(page, `"`+name+`"`) || strings.Contains(page, ">"+name+"<") {
			t.Errorf("the page holds the data %q", name)
		}
	}

	if r := e.do(t, http.MethodPost, "/", []byte("{}")); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", r.status)
	}
	if r := e.do(t, http.MethodHead, "/", nil); r.status != http.StatusOK {
		t.Errorf("HEAD / = %d, want 200", r.status)
	}
}

// TestMarkupStaysText sends markup through every path: it is stored and
// served as the literal text it is, escaped in the JSON.
func TestMarkupStaysText(t *testing.T) {
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	e := newEnv(t)

	if r := e.post(t, "/api/customers/nia/messages", map[string]string{"text": evil, "name": evil}); r.status != http.StatusAccepted {
		t.Fatalf("POST = %d %s", r.status, r.body)
	}
	if tx := e.transcript(t, "nia", 1); len(tx) != 1 || tx[0].Text != evil {
		t.Errorf("transcript = %+v, want the text as written", tx)
	}

	e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "x1", Audience: bot.ToCustomer, Customer: "nia", Text: evil}, Address: "nia"})
	e.deliver(t, bot.Delivery{Outbound: bot.Outbound{ID: "x2", Audience: bot.ToTeam, Kind: bot.KindCard, Case: "1", Text: evil,
		Card: &bot.Card{Case: "1", Summary: evil, Customer: evil}, Staff: evil}})

	for _, path := range []string{"/api/customers/nia/messages", "/api/team/messages"} {
		r := e.do(t, http.MethodGet, path, nil)
		if bytes.Contains(r.body, []byte("<script")) || bytes.Contains(r.body, []byte("<img")) {
			t.Errorf("GET %s: markup unescaped in the JSON: %s", path, r.body)
		}
		var p struct {
			Messages []struct {
				Text, Staff string
				Card        *bot.Card
			}
		}
		if err := json.Unmarshal(r.body, &p); err != nil || len(p.Messages) != 1 {
			t.Fatalf("GET %s: %v %s", path, err, r.body)
		}
		if m := p.Messages[0]; m.Text != evil {
			t.Errorf("GET %s: text = %q, want %q", path, m.Text, evil)
		}
		if c := p.Messages[0].Card; c != nil && (c.Summary != evil || c.Customer != evil || p.Messages[0].Staff != evil) {
			t.Errorf("card = %+v, want the markup kept as text", c)
		}
	}
}
