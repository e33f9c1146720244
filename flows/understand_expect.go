package flows

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// bareOrderRe is a short answer that is one order number: "B77", "#12345",
// "123456".
var bareOrderRe = regexp.MustCompile(`^#?[A-Za-z0-9][A-Za-z0-9\-_/]{1,39}$`)

// answerLeads are words a short answer may start with before the fact
// itself: "是B77", "在南京西路那家", "it's B77", "at the Pudong store".
var answerLeads = []string{"是的", "是在", "就在", "是", "在", "订单号是", "订单号", "单号是", "单号", "大概是", "应该是", "好像是",
	"it's", "its", "it is", "it was", "order number", "order", "number", "at", "in", "from", "the", "um", "uh", "i think", "maybe"}

// readExpected reads a short answer to the question the bot just asked
// (Context.Expect) with looser rules, when the strict rules found nothing
// for that slot and the answer is not a skip, yes, no or other request:
//
//   - Order: a bare token ("B77", "123456") is the order number.
//   - Where: a short text (at most 30 characters) that tells nothing else
//     is the place, Kind other ("南京西路那家").
//   - Outcome: a short text (at most 60 characters) is the outcome, Kind
//     other.
//   - Grievance: any text that tells something is the grievance.
func (r *reading) readExpected(intents []Intent) {
	if r.ctx.Expect == "" {
		return
	}
	for _, in := range intents {
		switch in {
		case Skips, Yes, No, Withdraws, WantsHuman, NothingElse, NewComplaint:
			return
		}
	}
	if r.onlyPleasantries() {
		return
	}
	text := r.trimmedSource(0, len(r.u.norm))
	answer := stripAnswerLead(text)
	runes := utf8.RuneCountInString(answer)
	if answer == "" || !hasAlnum(answer) {
		return
	}
	at := span{0, len(r.u.norm)}
	switch r.ctx.Expect {
	case Order:
		if !r.has(Order, "") && bareOrderRe.MatchString(answer) {
			r.add(Finding{Slot: Order, Kind: OrderNumber, Value: strings.TrimPrefix(answer, "#"), Span: answer}, at)
		}
	case Where:
		// Not when the answer tells something else: "我要一个说法" asked
		// where is what they want, not a place.
		if !r.has(Where, "") && runes <= 30 && len(r.found) == 0 && len(r.grievances) == 0 {
			r.add(Finding{Slot: Where, Kind: WhereOther, Value: answer, Span: answer}, at)
		}
	case Outcome:
		if !r.has(Outcome, "") && runes <= 60 {
			r.add(Finding{Slot: Outcome, Kind: OtherOutcome, Value: answer, Span: answer}, at)
		}
	case Grievance:
		if len(r.grievances) == 0 && r.u.units() >= 2 {
			r.grievances = append(r.grievances, grievance{
				finding: Finding{Slot: Grievance, Value: cutRunes(text, maxGrievanceRunes), Span: text},
				at:      at,
			})
		}
	}
}

// stripAnswerLead removes the words a short answer starts with before the
// fact ("是", "it's", "at the").
func stripAnswerLead(s string) string {
	for k := 0; k < 3; k++ {
		cut := false
		for _, w := range answerLeads {
			if len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) {
				rest := s[len(w):]
				if isASCIIAlnum(w[0]) && rest != "" && isASCIIAlnum(rest[0]) {
					continue // "order" must be a whole word, "in" not the start of "India"
				}
				s = strings.TrimLeft(rest, " :：,，")
				cut = true
				break
			}
		}
		if !cut {
			break
		}
	}
	return strings.TrimSpace(s)
}
