package wechat_test

import (
	"strings"
	"testing"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
	"github.com/complaintbot/complaintbot/flows"
)

// TestWholeCaseLife runs a case from a friend's first message to the
// customer's confirmation, with the team in the WeChat group, in Chinese
// and in English, through the real openwechat client and the fake service.
func hasAttachment(v *bot.CaseView, kind string) bool {
	for _, a := range v.Attachments {
		if a.Kind == kind {
			return true
		}
	}
	for _, e := range v.Transcript {
		for _, a := range e.Attachments {
			if a.Kind == kind {
				return true
			}
		}
	}
	return false
}

func TestWholeCaseLife(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lang                            flows.Lang
		from                            string
		complaint                       []string
		claim, ownerSays, custSays      string
		handover, resolve, notSolved    string
		solved, claimedWord, handedWord string
	}{
		{flows.ZH, "wang", []string{"我在网上买的电饭煲送来就是坏的", "订单号A20391，我要换货"},
			"认领 1", "王女士您好，给您添麻烦了，新的今天就发出。", "好的，大概什么时候到？",
			"转交 1 Carol 她负责换货", "解决 1 产品 产品缺陷 已换新", "没有，还没收到", "收到了，谢谢",
			"Bob", "Carol"},
		{flows.EN, "dan", []string{"The kettle I bought online arrived with a cracked lid.", "Order B71. I want a refund."},
			"claim 1", "Hi Dan, I'm sorry about the lid. Your refund is on its way.", "thanks, when will it arrive?",
			"hand over 1 Carol she handles refunds", "resolve 1 product defect refunded in full", "no, the money has not arrived", "yes it's there now, thank you",
			"Bob", "Carol"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, options{lang: tc.lang})
			h.driving()
			// The complaint over several messages, one of them a picture.
			h.say(tc.from, tc.complaint[0])
			_, err := h.f.Push(fakewechat.Message{Kind: fakewechat.KindImage, From: tc.from})
			must(t, err)
			id := h.intake(tc.from, tc.complaint[1])
			v := h.waitCase(id, "the case", func(*bot.CaseView) bool { return true })
			if !hasAttachment(v, bot.Image) {
				t.Errorf("the picture is not on the case: %+v", v.Transcript)
			}
			for _, m := range h.said(tc.from) {
				if strings.Contains(m.Content, "<msg") || strings.Contains(m.Content, "<?xml") {
					t.Errorf("the customer read raw XML: %q", m.Content)
				}
			}

			// The card in the team group: plain text with the case number.
			card := h.waitSaid("team", 0, "#"+id)
			if strings.ContainsAny(card.Content, "\x01\x02<>") || !strings.Contains(card.Content, "CB-"+id) {
				t.Errorf("the card reads %q; want plain text suggesting the remark CB-%s", card.Content, id)
			}

			// Eve is in the group but not staff: her claim is chatter.
			h.sayInGroup("eve", tc.claim)
			// Bob claims with a typed command, addressing the bot.
			_, err = h.f.Push(fakewechat.Message{Group: "team", From: "bob", Text: tc.claim, AtSelf: true})
			must(t, err)
			h.waitCase(id, "bob to own it", func(c *bot.CaseView) bool { return c.Owner != "" })
			if v := h.caseView(id); h.eng().People().Name(v.Owner) != "Bob" {
				t.Fatalf("owner %q; want Bob (Eve is not staff)", v.Owner)
			}
			h.waitSaid(tc.from, 0, tc.claimedWord)

			// Bob replies by quoting the card: the words reach the customer
			// under his name.
			n := len(h.said(tc.from))
			_, err = h.f.Push(fakewechat.Message{Kind: fakewechat.KindQuote, Group: "team", From: "bob", Text: tc.ownerSays,
				QuotedText: card.Content, QuotedName: "客服小微", QuotedID: card.MsgID})
			must(t, err)
			got := h.waitSaid(tc.from, n, tc.ownerSays)
			if !strings.HasPrefix(got.Content, "Bob: ") {
				t.Errorf("relayed as %q; want it under the owner's name", got.Content)
			}
			// The customer's answer reaches the group, with the case number.
			g := len(h.said("team"))
			h.say(tc.from, tc.custSays)
			h.waitSaid("team", g, "#"+id, tc.custSays)

			// Carol writes in the quoted thread: a note the customer never sees.
			quoteCase := h.said("team")[g]
			_, err = h.f.Push(fakewechat.Message{Kind: fakewechat.KindQuoteText, Group: "team", From: "carol", Text: "内部：查一下快递",
				QuotedText: quoteCase.Content, QuotedName: "客服小微"})
			must(t, err)
			h.waitCase(id, "carol's note", func(c *bot.CaseView) bool {
				for _, e := range c.Transcript {
					if e.Internal && strings.Contains(e.Text, "查一下快递") {
						return true
					}
				}
				return false
			})

			// Hand over to Carol, resolve; "not solved" reopens; resolve again;
			// the customer confirms.
			n = len(h.said(tc.from))
			h.sayInGroup("bob", tc.handover)
			h.waitCase(id, "carol to own it", func(c *bot.CaseView) bool { return c.Handovers == 1 && h.eng().People().Name(c.Owner) == "Carol" })
			h.waitSaid(tc.from, n, tc.handedWord)
			resolve := func() {
				t.Helper()
				h.sayInGroup("carol", tc.resolve)
				h.waitCase(id, "the case to be resolved", func(c *bot.CaseView) bool { return c.Status == bot.Resolved })
			}
			n = len(h.said(tc.from))
			resolve()
			waitFor(t, "the resolve question", func() bool { return len(h.said(tc.from)) > n })
			h.say(tc.from, tc.notSolved)
			h.waitCase(id, "the case to reopen", func(c *bot.CaseView) bool { return c.Status == bot.Claimed && c.Reopens == 1 })
			resolve()
			h.say(tc.from, tc.solved)
			h.waitCase(id, "the customer to confirm", func(c *bot.CaseView) bool { return c.Status == bot.Confirmed && c.CustomerConfirmed })

			if testing.Verbose() {
				dump(t, h)
			}
			// Every message of the group names its case in its first line
			// (long ones are split, each part numbered), so any can be quoted.
			for _, m := range h.said("team") {
				line, _, _ := strings.Cut(m.Content, "\n")
				if !strings.Contains(line, "#"+id) {
					t.Errorf("a team message does not name its case: %q", line)
				}
				if len([]rune(m.Content)) > 600+len("#"+id+" … ") {
					t.Errorf("a team message of %d characters was not split", len([]rune(m.Content)))
				}
			}
			for _, m := range h.f.Sent() {
				if m.To == "team" || m.To == tc.from {
					if strings.Contains(m.Content, "Carol") && strings.Contains(m.Content, "查一下快递") && m.To == tc.from {
						t.Errorf("the customer saw an internal note: %q", m.Content)
					}
				}
			}
		})
	}
}

func dump(t *testing.T, h *harness) {
	for _, m := range h.f.Sent() {
		t.Logf("→ %s: %q", m.To, m.Content)
	}
}
