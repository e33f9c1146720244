package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"<!channel> & <@U1> <http://evil|click>", "&lt;!channel&gt; &amp; &lt;@U1&gt; &lt;http://evil|click&gt;"},
		{"claimed by " + Mention(bot.Person{Handles: map[string]string{Channel: "U0AB"}}) + ".", "claimed by <@U0AB>."},
		{"\x01<!here>\x02 hi", " hi"},          // a marker around anything but a user id writes nothing
		{"\x01U0AB no close", "U0AB no close"}, // an unclosed marker is dropped
	} {
		if got := escape(tc.in); got != tc.want {
			t.Errorf("escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSplit(t *testing.T) {
	long := strings.Repeat("这是一句话。", 1000) // 6,000 characters
	parts := bot.SplitText(long, maxText, bot.Runes)
	if len(parts) != 2 {
		t.Fatalf("%d parts, want 2", len(parts))
	}
	total := 0
	for _, p := range parts {
		n := utf8.RuneCountInString(p)
		total += n
		if n > maxText || !strings.HasSuffix(p, "。") {
			t.Errorf("part of %d characters ending %q; want at most %d, cut at a sentence's end", n, p[len(p)-3:], maxText)
		}
	}
	if total != 6000 {
		t.Errorf("parts hold %d characters, want all 6000", total)
	}
	if got := bot.SplitText("short", maxText, bot.Runes); len(got) != 1 || got[0] != "short" {
		t.Errorf("bot.SplitText(short) = %q", got)
	}
	noBreak := strings.Repeat("x", 9000)
	if got := bot.SplitText(noBreak, maxText, bot.Runes); len(got) != 3 || utf8.RuneCountInString(got[0]) != maxText {
		t.Errorf("a text without breaks split into %d parts", len(got))
	}
}

// TestCardStaysInSlacksLimits: a card with a huge summary and many facts
// keeps to Slack's limits on blocks, section texts and fields.
func TestCardStaysInSlacksLimits(t *testing.T) {
	a := &Adapter{cat: flows.MustCatalog(), lang: flows.EN}
	c := &bot.Card{Case: "7", Status: bot.Open, Priority: bot.Urgent, Urgent: true, Summary: strings.Repeat("<b>", 5000), Tip: "tip",
		Risks: []flows.Risk{flows.RiskMedia}, Outcome: "a refund", Actions: []bot.Verb{bot.CmdClaim, bot.CmdEscalate}, Rev: 3}
	for i := 0; i < 30; i++ {
		c.Fields = append(c.Fields, bot.CardField{Label: "l", Value: strings.Repeat("v", 3000)})
	}
	blocks := a.cardBlocks(c)
	if len(blocks) > maxBlocks {
		t.Fatalf("%d blocks", len(blocks))
	}
	b, _ := json.Marshal(blocks)
	var raw []map[string]any
	_ = json.Unmarshal(b, &raw)
	for _, bl := range raw {
		if txt, ok := bl["text"].(map[string]any); ok {
			if n := utf8.RuneCountInString(txt["text"].(string)); n > maxSection {
				t.Errorf("a section text of %d characters", n)
			}
			if strings.Contains(txt["text"].(string), "<b>") {
				t.Error("customer text reached the card unescaped")
			}
		}
		if fs, ok := bl["fields"].([]any); ok && len(fs) > 10 {
			t.Errorf("%d fields in a section", len(fs))
		}
	}
	for _, bl := range blocks {
		if ab, ok := bl.(*slackapi.ActionBlock); ok {
			for _, el := range ab.Elements.ElementSet {
				if btn, ok := el.(*slackapi.ButtonBlockElement); ok && btn.Value != "7:3" {
					t.Errorf("button %s carries %q; want the case and the card's revision", btn.ActionID, btn.Value)
				}
			}
		}
	}
}
