package redisstore

import (
	"encoding/json"
	"testing"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/google/go-cmp/cmp"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
)

// Load decodes with goccy/go-json for speed; what it reads must be exactly
// what encoding/json (which writes it) would read, for every field.
func TestFastDecodeMatchesEncodingJSON(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 27, 17, 55, 1, 123456789, sh)
	c := &bot.Case{
		ID: "42", Status: bot.Resolved, Priority: bot.Urgent, Urgent: true,
		Risks: []flows.Risk{flows.RiskLawyer, flows.RiskInjury}, Emotion: flows.Furious,
		Complainer: flows.Complainer("justice"), Tip: "listen <first> & \"quote\" them", Lang: flows.ZH,
		Channel: "web", Customer: "web:amy", CustomerID: "amy", CustomerName: "小美 🙂",
		Facts: flows.Facts{
			flows.Grievance: {Value: "送来就是坏的，门都关不上", Source: []string{"m1"}},
			flows.Order:     {Value: "B77", Number: "B77", Product: "衣柜"},
			flows.When:      {Value: "上周三", Date: "2026-11-18", Approx: true},
			flows.Impact:    {Kinds: []string{flows.ImpactMoney}, Amount: 1299.5, Currency: "CNY"},
			flows.Outcome:   {Kinds: []string{flows.Refund, flows.Apology}, Skipped: false},
		},
		Summary: "“送来就是坏的”\n时间：11月18日", Incomplete: true,
		Attachments: []bot.Attachment{{Kind: bot.Image, URL: "https://x/y.png", Name: "门.png"}},
		Session:     3, Opened: at, Updated: at.Add(time.Hour), FirstResponseDue: at.Add(15 * time.Minute),
		Owner: "bob", History: []bot.Event{{At: at, Who: "bot", What: bot.EvOpened, Detail: "confirmed"}},
		Intake: flows.Confirmed, RepeatAsks: 0, ClaimedAt: at, FirstReplyAt: at.Add(time.Minute),
		Handovers: 1, Reopens: 2, Escalations: 3, CustomerConfirmed: true,
		Offer:      &bot.Offer{Options: []string{"退款", "换货"}, Kinds: []string{flows.Refund, flows.Replacement}, By: "bob", At: at, Picked: 2, PickedAt: at},
		Promise:    &bot.Promise{Due: at.Add(24 * time.Hour), Text: "明天下午6点", By: "bob", At: at},
		Resolution: &bot.Resolution{Category: "product", Cause: "product_defect", Done: "换新", Action: "查库存", By: "bob", At: at},
		ResolvedAt: at, Awaiting: bot.AskFollowUp, AskedAt: at, Satisfaction: 4, SatisfactionComment: "还行",
		LastCustomerAt: at, WaitingSince: at, NewsAt: at,
		Done: map[string]time.Time{"owner_nudge@1": at}, Wake: at.Add(time.Hour), NoteHinted: []string{"carol"},
	}
	conv := &bot.Conversation{
		Customer: "web:amy", Channel: "web", User: "amy", Name: "小美", Session: 3, Case: "42",
		Recent: []time.Time{at}, FloodNoticeAt: at, Lang: flows.ZH, AckAt: at,
		CaseBurst: []bot.Line{{At: at, Text: "2"}}, LastAt: at, Said: map[string]int{"case.added": 2},
		Intake: &flows.State{Lang: flows.EN, Emotion: flows.Angry, Facts: flows.Facts{flows.Where: {Value: "online (京东)"}}},
	}
	for name, v := range map[string]any{"case": c, "conversation": conv} {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		switch v.(type) {
		case *bot.Case:
			var std, fast bot.Case
			if err := json.Unmarshal(data, &std); err != nil {
				t.Fatal(err)
			}
			if err := gojson.UnmarshalNoEscape(data, &fast); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(std, fast); d != "" {
				t.Errorf("%s decoded differently (-encoding/json +go-json):\n%s", name, d)
			}
		case *bot.Conversation:
			var std, fast bot.Conversation
			if err := json.Unmarshal(data, &std); err != nil {
				t.Fatal(err)
			}
			if err := gojson.UnmarshalNoEscape(data, &fast); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(std, fast, cmp.AllowUnexported(flows.State{})); d != "" {
				t.Errorf("%s decoded differently (-encoding/json +go-json):\n%s", name, d)
			}
		}
	}
}
