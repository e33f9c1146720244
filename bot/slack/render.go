package slack

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/complaintbot/complaintbot/bot"
)

// Slack's limits: a message's text is shown up to 4,000 characters, a
// section's text holds 3,000, a message at most 50 blocks, a button label
// 75 characters, a modal title 24.
const (
	maxText    = 4000
	maxSection = 3000
	maxBlocks  = 50
	maxButton  = 75
	maxTitle   = 24
)

// escape makes text safe for Slack's text format: &, < and > are escaped,
// so that nobody's words can become a mention of @channel, a link or a
// formatting code. Then the engine's mention markers (Mention) become
// Slack mentions.
func escape(text string) string {
	text = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(text)
	if !strings.Contains(text, mentionOpen) {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, mentionOpen)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		j := strings.Index(text[i:], mentionClose)
		if j < 0 {
			b.WriteString(strings.ReplaceAll(text, mentionOpen, ""))
			return b.String()
		}
		b.WriteString(text[:i])
		if h := text[i+len(mentionOpen) : i+j]; isUserID(h) {
			b.WriteString("<@" + h + ">")
		}
		text = text[i+j+len(mentionClose):]
	}
}

func isUserID(s string) bool {
	if len(s) < 2 || (s[0] != 'U' && s[0] != 'W') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// plain is text for a place that shows it as it is (a plain_text object):
// the mention markers become the people's display names.
func (a *Adapter) plain(text string) string {
	if !strings.Contains(text, mentionOpen) {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, mentionOpen)
		j := strings.Index(text, mentionClose)
		if i < 0 || j < i {
			b.WriteString(strings.NewReplacer(mentionOpen, "", mentionClose, "").Replace(text))
			return b.String()
		}
		b.WriteString(text[:i])
		h := text[i+len(mentionOpen) : j]
		if p, ok := a.engine.People().ByHandle(Channel, h); ok {
			b.WriteString(p.Name)
		} else {
			b.WriteString(h)
		}
		text = text[j+len(mentionClose):]
	}
}

// clip cuts s to at most n characters, ending with "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// word is a catalogue entry in the team's language.
func (a *Adapter) word(key string, data map[string]any) string {
	return a.cat.Text(a.lang, key, 1, data)
}

// priorityMarks is the card's scale of priority.
var priorityMarks = map[bot.Priority]string{bot.Urgent: "🔴", bot.High: "🟠", bot.Normal: "🟡", bot.Low: "⚪"}

func mrkdwn(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, s, false, false)
}

func plainText(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, s, false, false)
}

// section is a mrkdwn section of escaped text, cut to Slack's limit.
func section(escaped string) *slackapi.SectionBlock {
	return slackapi.NewSectionBlock(mrkdwn(clip(escaped, maxSection)), nil, nil)
}

// slackDate writes a time as Slack shows it in each reader's own zone,
// with the bot's zone as the fallback text.
func (a *Adapter) slackDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	fallback := t.In(a.loc).Format("2006-01-02 15:04 MST")
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), fallback)
}

// cardBlocks renders a case's card: priority on its scale, risks, the
// customer and where they came from, emotion and complainer type with the
// tip, the summary, the facts, the wanted outcome, the first-response
// deadline, the owner, and the buttons for what can be done now.
func (a *Adapter) cardBlocks(c *bot.Card) []slackapi.Block {
	w := func(key string) string { return a.word(key, nil) }
	head := fmt.Sprintf("%s *%s* · %s · %s", priorityMarks[c.Priority], escape(a.word("slack.card.title", map[string]any{"ID": c.Case})),
		escape(w("priority."+string(c.Priority))), escape(w("status."+string(c.Status))))
	if c.Urgent {
		head = "🚨 " + head
	}
	if c.Incomplete {
		head += " · " + escape(w("slack.card.incomplete"))
	}
	blocks := []slackapi.Block{section(head)}
	var risks []string
	for _, r := range c.Risks {
		risks = append(risks, escape(w("risk."+string(r))))
	}
	if len(risks) > 0 {
		blocks = append(blocks, section("⚠️ "+strings.Join(risks, ", ")))
	}
	who := escape(a.word("slack.card.from", map[string]any{"Customer": c.Customer, "Channel": c.Channel, "Lang": string(c.Lang)}))
	blocks = append(blocks, slackapi.NewContextBlock("", mrkdwn(who+" · "+escape(w("emotion."+c.Emotion.String()))+" · "+escape(w("type."+string(c.Complainer))))))
	if c.Tip != "" {
		blocks = append(blocks, slackapi.NewContextBlock("", mrkdwn("💡 "+escape(c.Tip))))
	}
	if c.Summary != "" {
		blocks = append(blocks, section(escape(c.Summary)))
	}
	if !c.ReachUntil.IsZero() || c.ReachLeft >= 0 {
		reach := a.word("team.reach", map[string]any{"Platform": c.Channel, "Until": a.slackDate(c.ReachUntil), "Window": !c.ReachUntil.IsZero(),
			"Counted": c.ReachLeft >= 0, "Left": c.ReachLeft})
		blocks = append(blocks, slackapi.NewContextBlock("", mrkdwn(clip(reach, maxSection))))
	}
	if len(c.Notes) > 0 {
		blocks = append(blocks, slackapi.NewContextBlock("", mrkdwn(clip(escape(a.word("team.notes", map[string]any{"Notes": strings.Join(c.Notes, " / ")})), maxSection))))
	}
	var fields []*slackapi.TextBlockObject
	for _, f := range c.Fields {
		if len(fields) == 9 {
			break
		}
		fields = append(fields, mrkdwn(clip("*"+escape(f.Label)+"*\n"+escape(f.Value), 2000)))
	}
	if c.Outcome != "" {
		fields = append(fields, mrkdwn(clip("*"+escape(w("fact.outcome"))+"*\n"+escape(c.Outcome), 2000)))
	}
	if len(fields) > 0 {
		blocks = append(blocks, slackapi.NewSectionBlock(nil, fields, nil))
	}
	owner := escape(w("team.nobody"))
	if c.OwnerHandle != "" && isUserID(c.OwnerHandle) {
		owner = a.word("slack.card.claimed_by", map[string]any{"Owner": "<@" + c.OwnerHandle + ">"})
	} else if c.Owner != "" {
		owner = escape(a.word("slack.card.claimed_by", map[string]any{"Owner": c.Owner}))
	}
	due := ""
	if c.Status == bot.Open && c.Owner == "" && !c.Due.IsZero() {
		due = " · " + escape(w("slack.card.due")) + " " + a.slackDate(c.Due)
	}
	blocks = append(blocks, slackapi.NewContextBlock("", mrkdwn(owner+due)))
	var buttons []slackapi.BlockElement
	for _, v := range c.Actions {
		b := slackapi.NewButtonBlockElement(actionID(v), fmt.Sprintf("%s:%d", c.Case, c.Rev), plainText(clip(w("slack.button."+string(v)), maxButton)))
		switch v {
		case bot.CmdClaim, bot.CmdResolve:
			b = b.WithStyle(slackapi.StylePrimary)
		case bot.CmdEscalate:
			b = b.WithStyle(slackapi.StyleDanger)
		}
		buttons = append(buttons, b)
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slackapi.NewActionBlock("actions", buttons...))
	}
	if len(blocks) > maxBlocks {
		blocks = blocks[:maxBlocks]
	}
	return blocks
}

// modal returns the modal a card's button opens.
func (a *Adapter) modal(verb bot.Verb, caseID string) slackapi.ModalViewRequest {
	w := func(key string) string { return a.word(key, map[string]any{"ID": caseID}) }
	input := func(block, label string, el slackapi.BlockElement, optional bool) *slackapi.InputBlock {
		b := slackapi.NewInputBlock(block, plainText(clip(label, 2000)), nil, el)
		b.Optional = optional
		return b
	}
	text := func(multiline bool) *slackapi.PlainTextInputBlockElement {
		e := slackapi.NewPlainTextInputBlockElement(nil, inputID)
		e.Multiline = multiline
		e.MaxLength = 3000
		return e
	}
	var blocks []slackapi.Block
	switch verb {
	case bot.CmdResolve:
		var cats, causes []*slackapi.OptionBlockObject
		for _, k := range bot.Categories() {
			cats = append(cats, slackapi.NewOptionBlockObject(k, plainText(a.word("category."+k, nil)), nil))
		}
		for _, k := range bot.Causes() {
			causes = append(causes, slackapi.NewOptionBlockObject(k, plainText(a.word("cause."+k, nil)), nil))
		}
		blocks = []slackapi.Block{
			input(blockCategory, w("slack.modal.category"), slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, nil, inputID, cats...), false),
			input(blockCause, w("slack.modal.cause"), slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, nil, inputID, causes...), false),
			input(blockDone, w("slack.modal.done"), text(true), false),
			input(blockAction, w("slack.modal.action"), text(true), true),
		}
	case bot.CmdHandover:
		blocks = []slackapi.Block{
			input(blockPerson, w("slack.modal.person"), slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeUser, nil, inputID), false),
			input(blockReason, w("slack.modal.reason"), text(true), false),
		}
	case bot.CmdEscalate:
		blocks = []slackapi.Block{input(blockReason, w("slack.modal.escalate_reason"), text(true), false)}
	}
	return slackapi.ModalViewRequest{
		Type:            slackapi.VTModal,
		CallbackID:      callbackPrefix + string(verb),
		PrivateMetadata: caseID,
		Title:           plainText(clip(w("slack.modal.title."+string(verb)), maxTitle)),
		Submit:          plainText(clip(w("slack.button."+string(verb)), maxTitle)),
		Close:           plainText(clip(w("slack.modal.cancel"), maxTitle)),
		Blocks:          slackapi.Blocks{BlockSet: blocks},
	}
}
