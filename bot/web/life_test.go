package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
)

// play drives one customer and the team through the JSON API only, running
// the customer's wake-ups as the scheduler would.
type play struct {
	t        *testing.T
	e        *env
	customer string
	n        int   // message ids
	custNext int64 // customer feed read so far
	teamNext map[string]int64
}

func newPlay(t *testing.T, e *env, customer string) *play {
	return &play{t: t, e: e, customer: customer, teamNext: map[string]int64{}}
}

// says posts a customer message.
func (p *play) says(text string) {
	p.t.Helper()
	p.n++
	r := p.e.post(p.t, "/api/customers/"+p.customer+"/messages", map[string]string{"id": fmt.Sprintf("%s-%d", p.customer, p.n), "name": "Pia", "text": text})
	if r.status != http.StatusAccepted {
		p.t.Fatalf("customer POST %q = %d %s", text, r.status, r.body)
	}
}

// staff posts a staff message, in a case's thread when thread is set.
func (p *play) staff(who, thread, text string) {
	p.t.Helper()
	p.n++
	r := p.e.post(p.t, "/api/team/messages", map[string]string{"staff": who, "thread": thread, "text": text, "id": fmt.Sprintf("staff-%d", p.n)})
	if r.status != http.StatusAccepted {
		p.t.Fatalf("%s POST %q = %d %s", who, text, r.status, r.body)
	}
}

// hears waits until the customer's feed has a new message matching want
// and returns the new messages, joined.
func (p *play) hears(what string, want func(customerMsg) bool) []customerMsg {
	p.t.Helper()
	var got []customerMsg
	eventually(p.t, 10*time.Second, what, func() bool {
		if err := p.e.engine.Wake(ctxT(p.t), bot.ConvWakeUp("web:"+p.customer), time.Now()); err != nil {
			p.t.Fatalf("Wake: %v", err)
		}
		page := getFeed[customerMsg](p.t, p.e, "/api/customers/"+p.customer+"/messages?wait=0.05&after="+strconv.FormatInt(p.custNext, 10))
		got = append(got, page.Messages...)
		p.custNext = page.Next
		for _, m := range got {
			if want(m) {
				return true
			}
		}
		return false
	})
	return got
}

// sees waits until who's view of the team feed has a new entry matching
// want, and returns it.
func (p *play) sees(who, what string, want func(teamMsg) bool) teamMsg {
	p.t.Helper()
	var found teamMsg
	eventually(p.t, 10*time.Second, what, func() bool {
		if err := p.e.engine.Wake(ctxT(p.t), bot.ConvWakeUp("web:"+p.customer), time.Now()); err != nil {
			p.t.Fatalf("Wake: %v", err)
		}
		page := getFeed[teamMsg](p.t, p.e, "/api/team/messages?staff="+who+"&wait=0.05&after="+strconv.FormatInt(p.teamNext[who], 10))
		p.teamNext[who] = page.Next
		for _, m := range page.Messages {
			if want(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

func contains(s string) func(customerMsg) bool {
	return func(m customerMsg) bool { return strings.Contains(m.Text, s) }
}

// TestCaseLifeOverHTTP plays a whole case life through the web channel, in
// Chinese and in English: intake → card → claim → bridge both ways → offer
// and pick → hand-over → promise → resolve → "not solved" → reopened to the
// same owner → resolve → confirmed.
func TestCaseLifeOverHTTP(t *testing.T) {
	type script struct {
		complaint, nothingElse, yes string
		claim, hello, more          string
		offer, pick, picked         string
		handover, promise, promised string
		resolve, notSolved, solved  string
	}
	scripts := map[string]script{
		"zh": {
			complaint: "昨天在南京西路店买的吹风机，用了一次就坏了，订单号A1234，我要退款", nothingElse: "没有了", yes: "对",
			claim: "认领 %s", hello: "您好，我是alice，这就帮您处理", more: "另外发票也还没给我",
			offer: "方案 %s 退款 | 换货", pick: "2", picked: "换货",
			handover: "转交 %s bob 我明天休假", promise: "承诺 %s 明天下午6点", promised: "18:00",
			resolve: "解决 %s 产品 产品缺陷 已换新", notSolved: "没有，新的也坏了", solved: "解决了，谢谢",
		},
		"en": {
			complaint: "The hair dryer I bought yesterday at your Oxford Street store broke after one use. Order A1234. I want a refund.", nothingElse: "no, that's all", yes: "yes",
			claim: "claim %s", hello: "Hi, I'm alice and I'm on it.", more: "Also, I never got the invoice.",
			offer: "offer %s refund | replacement", pick: "2", picked: "eplacement",
			handover: "handover %s bob I'm off tomorrow", promise: "promise %s tomorrow 6pm", promised: "18:00",
			resolve: "resolve %s product product defect sent a new one", notSolved: "no, the new one is broken too", solved: "yes, solved, thanks",
		},
	}
	for lang, s := range scripts {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			e.startSender(t)
			p := newPlay(t, e, "pia")
			zh := lang == "zh"
			inLang := func(m customerMsg) bool { return m.From == "bot" && flows.HasHan(m.Text) == zh }

			// Intake.
			p.says(s.complaint)
			p.hears("the first reply", inLang)
			p.says(s.nothingElse)
			p.hears("the summary", inLang)
			p.says(s.yes)
			p.hears("the case number", contains("#"))
			card := p.sees("alice", "the card", func(m teamMsg) bool { return m.Kind == "card" && m.Edits == nil })
			id := card.Case
			cmd := func(f string) string { return strings.Replace(f, "%s", id, 1) }

			// Claim: the card is updated in place, the customer hears the
			// owner's name, the thread has the whole case.
			p.staff("alice", "", cmd(s.claim))
			p.hears("the owner's name", contains("alice"))
			upd := p.sees("alice", "the card's update", func(m teamMsg) bool { return m.Kind == "card" && m.Edits != nil })
			var c bot.Card
			if err := json.Unmarshal(upd.Card, &c); err != nil || c.Owner != "alice" || *upd.Edits != card.Seq {
				t.Fatalf("card update %s edits %v: want alice's, replacing entry %d", upd.Card, upd.Edits, card.Seq)
			}

			// Bridge: the owner's thread message reaches the customer under
			// her name; the customer's message reaches the thread and alice.
			p.staff("alice", id, s.hello)
			p.hears("alice's message", func(m customerMsg) bool { return m.From == "staff" && m.Staff == "alice" && m.Text == s.hello })
			p.says(s.more)
			p.sees("alice", "the customer's message in the thread", func(m teamMsg) bool {
				return m.Thread == id && strings.Contains(m.Text, s.more)
			})

			// Offer and pick.
			p.staff("alice", id, cmd(s.offer))
			p.hears("the options", contains("2."))
			p.says(s.pick)
			p.hears("the pick confirmed", contains(s.picked))
			p.sees("alice", "the pick, directly", func(m teamMsg) bool {
				return m.Kind == "direct" && m.To == "alice" && strings.Contains(m.Text, "option 2")
			})

			// Hand-over to bob.
			p.staff("alice", "", cmd(s.handover))
			p.hears("the new owner's name", contains("bob"))
			p.sees("bob", "the whole case, directly", func(m teamMsg) bool { return m.Kind == "direct" && m.To == "bob" && strings.Contains(m.Text, "A1234") })

			// Promise, resolve, not solved → reopened to bob.
			p.staff("bob", id, cmd(s.promise))
			p.hears("the promised time", contains(s.promised))
			p.staff("bob", id, cmd(s.resolve))
			p.hears("is it solved?", func(m customerMsg) bool { return m.From == "bot" && strings.Contains(m.Text, "bob") })
			p.says(s.notSolved)
			p.sees("bob", "the reopening, directly", func(m teamMsg) bool { return m.Kind == "direct" && m.To == "bob" && strings.Contains(m.Text, "#"+id) })
			v, err := e.engine.Case(ctxT(t), id)
			if err != nil || v.Status != bot.Claimed || v.Owner != "bob" || v.Reopens != 1 {
				t.Fatalf("after 'not solved': %+v %v", v, err)
			}

			// Resolve again; confirmed.
			p.staff("bob", id, cmd(s.resolve))
			p.hears("is it solved? again", func(m customerMsg) bool { return m.From == "bot" && strings.Contains(m.Text, "bob") })
			p.says(s.solved)
			eventually(t, 10*time.Second, "the case confirmed", func() bool {
				if err := e.engine.Wake(ctxT(t), bot.ConvWakeUp("web:pia"), time.Now()); err != nil {
					t.Fatal(err)
				}
				r := e.do(t, http.MethodGet, "/api/cases/"+id, nil)
				return r.status == http.StatusOK && strings.Contains(string(r.body), `"status":"confirmed"`)
			})
			v, _ = e.engine.Case(ctxT(t), id)
			m := v.Metrics()
			if m.Handovers != 1 || m.RepeatAsks != 0 || !m.CustomerConfirmed || m.TimeToClaim <= 0 || m.TimeToFirstReply <= 0 {
				t.Errorf("metrics %+v", m)
			}
		})
	}
}
