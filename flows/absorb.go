package flows

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// change is one fact a burst changed.
type change struct {
	slot          Slot
	before, after Fact
}

// absorb merges the burst's findings into the fact sheet and returns the
// facts it changed. Without correcting, a fact already known is kept (the
// first telling stands), except that an order number announced as one
// replaces a number guessed from a bare token. With correcting (the
// customer is fixing something), new values replace old ones, a rejected
// value ("不是京东", "not a refund") is removed, and a correction is never
// added as extra text.
func (s *State) absorb(b *burst, correcting bool) []change {
	if s.Facts == nil {
		s.Facts = Facts{}
	}
	before := map[Slot]Fact{}
	for k, v := range s.Facts {
		before[k] = v
	}
	replaced := map[Slot]bool{}
	main := s.mainGrievance(b)
	for i, f := range b.findings {
		if f.Negated {
			if correcting {
				s.dropNegated(f, b)
			}
			continue
		}
		cur := s.Facts[f.Slot]
		switch f.Slot {
		case Grievance:
			switch {
			case !cur.Known():
				if main >= 0 && i != main {
					// The main grievance is set after the loop; this
					// one is a side complaint unless the main one
					// takes it in.
					s.pendingSides = append(s.pendingSides, f.Value)
					continue
				}
				cur.Value = clip(s.withSides(f.Value, b), 160)
			case correcting && !replaced[Grievance] && (b.has(Corrects) || s.FixSlot == Grievance || b.hasNegated(Grievance)):
				cur.Value = clip(f.Value, 160)
				cur.Source = nil
				replaced[Grievance] = true
			case f.Kind == "side" || cur.Value != f.Value:
				if s.answersExpected(b, f) {
					continue // the answer to the question asked, not another complaint
				}
				if !strings.Contains(cur.Value, f.Value) {
					s.Side = appendUnique(s.Side, clip(f.Value, 160))
				}
				continue
			default:
				continue
			}
		case Outcome:
			if correcting && !replaced[Outcome] {
				cur = Fact{}
				replaced[Outcome] = true
			}
			if !slices.Contains(cur.Kinds, f.Kind) {
				cur.Kinds = append(cur.Kinds, f.Kind)
			}
			if f.Kind == OtherOutcome && cur.Value == "" {
				cur.Value = clip(f.Value, 80)
			}
			cur.Value = s.kindsValue(Outcome, cur)
		case Impact:
			if !slices.Contains(cur.Kinds, f.Kind) {
				cur.Kinds = append(cur.Kinds, f.Kind)
			}
			switch f.Kind {
			case ImpactMoney:
				if f.Amount > cur.Amount || correcting && !replaced[Impact] {
					cur.Amount, cur.Currency = f.Amount, f.Currency
					replaced[Impact] = replaced[Impact] || correcting
				}
			case ImpactDamage:
				if cur.Damaged == "" {
					cur.Damaged = clip(f.Value, 30)
				}
			}
			cur.Value = s.kindsValue(Impact, cur)
		case Order:
			if !s.mergeOrder(&cur, f.Finding, correcting, replaced) {
				continue
			}
		default:
			if cur.Known() && !correcting {
				continue
			}
			if correcting && replaced[f.Slot] {
				continue // the first new value of a correction wins
			}
			if f.Slot == When && !correcting && main >= 0 && f.i != b.findings[main].i && b.msgHas(b.findings[main].i, When) {
				continue // the day of the main grievance, not of the story before it
			}
			cur.Value = clip(f.Value, 80)
			cur.Kinds = nil
			if f.Kind != "" {
				cur.Kinds = []string{f.Kind}
			}
			cur.Date, cur.Approx = "", f.Approx
			if !f.Date.IsZero() {
				cur.Date = f.Date.Format(time.DateOnly)
			}
			if correcting {
				cur.Source = nil
				replaced[f.Slot] = true
			}
		}
		cur.Skipped = false
		if f.msg != "" && !slices.Contains(cur.Source, f.msg) {
			cur.Source = append(cur.Source, f.msg)
		}
		s.Facts[f.Slot] = cur
	}
	// The main grievance of a first telling, when the rules found it in a
	// later message than the first grievance sentence.
	if main >= 0 && !s.Facts[Grievance].Known() {
		f := b.findings[main]
		s.Facts[Grievance] = Fact{Value: clip(s.withSides(f.Value, b), 160), Source: []string{f.msg}}
	}
	for _, v := range s.pendingSides {
		if !strings.Contains(s.Facts[Grievance].Value, v) {
			s.Side = appendUnique(s.Side, clip(v, 160))
		}
	}
	s.pendingSides = nil
	var out []change
	for _, slot := range Slots {
		was, now := before[slot], s.Facts[slot]
		if factKey(was) != factKey(now) && now.Known() {
			out = append(out, change{slot: slot, before: was, after: now})
		} else if was.Known() && !now.Known() {
			out = append(out, change{slot: slot, before: was, after: now})
		}
	}
	return out
}

// msgHas reports whether message i of the burst gave a finding of slot.
func (b *burst) msgHas(i int, slot Slot) bool {
	for _, f := range b.findings {
		if f.i == i && f.Slot == slot && !f.Negated {
			return true
		}
	}
	return false
}

// factKey is what a fact says, without where it came from.
func factKey(f Fact) string {
	f.Source, f.Skipped = nil, false
	b, _ := json.Marshal(f)
	return string(b)
}

// mainGrievance returns the index in b.findings of the burst's main
// grievance when the fact sheet has none yet: the complaint that tells
// most of what went wrong, over the whole telling, not a side remark
// added at the end ("而且打电话给他还骂我", "also the driver was rude"),
// nor an exasperated "didn't I just say". It is -1 when there is none.
func (s *State) mainGrievance(b *burst) int {
	if s.Facts[Grievance].Known() {
		return -1
	}
	best, bestScore := -1, -1<<30
	for i, f := range b.findings {
		if f.Slot != Grievance || f.Negated {
			continue
		}
		score := grievanceScore(f.Value)
		if a := b.analyses[f.i]; a.Has(AlreadySaid) {
			score -= 10
		}
		if p := s.Facts[Order].Product; p != "" && strings.Contains(f.Value, p) {
			score += 2
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// sideOpeners start a remark added to the main story.
var sideOpeners = []string{"而且", "还有", "另外", "并且", "再说", "顺便", "also", "and also", "plus", "oh and", "and the", "btw", "by the way"}

// grievanceScore weighs how much a sentence tells of what went wrong.
func grievanceScore(text string) int {
	u := prepareUtterance(text)
	score := 0
	for _, h := range u.hits {
		switch h.lex.sense {
		case senseProblem:
			score += 2 * int(h.lex.weight)
		case senseTreatment:
			score += int(h.lex.weight)
		case senseRisk:
			if h.lex.arg == string(RiskInjury) || h.lex.arg == string(RiskSafety) {
				score += 3
			}
		case senseDamage:
			score += 2
		}
	}
	n := strings.TrimSpace(u.norm)
	for _, w := range sideOpeners {
		if strings.HasPrefix(n, w) {
			score -= 4
		}
	}
	return score
}

// mergeOrder folds an order finding into the Order fact: a product name and
// an order (or model, serial, tracking) number are kept together, "B77
// (washing machine)". It reports whether the fact changed.
func (s *State) mergeOrder(cur *Fact, f Finding, correcting bool, replaced map[Slot]bool) bool {
	product, number := cur.Product, cur.Number
	guessed := slices.Contains(cur.Kinds, OrderGuess)
	switch {
	case f.Kind == OrderProduct:
		if product != "" && !(correcting && !replaced["product"]) {
			return false
		}
		product = clip(f.Value, 40)
		if correcting {
			replaced["product"] = true
		}
	case correcting && replaced[Order]:
		return false
	case number != "" && !correcting && !(guessed && !f.Guess):
		return false // the first telling stands; an announced number beats a guess
	default:
		number = clip(f.Value, 60)
		if correcting {
			replaced[Order] = true
			cur.Source = nil
		}
		cur.Kinds = slices.DeleteFunc(cur.Kinds, func(k string) bool { return k != OrderProduct })
		cur.Kinds = append(cur.Kinds, f.Kind)
		if f.Guess {
			cur.Kinds = append(cur.Kinds, OrderGuess)
		}
	}
	if product != "" && !slices.Contains(cur.Kinds, OrderProduct) {
		cur.Kinds = append([]string{OrderProduct}, cur.Kinds...)
	}
	cur.Product, cur.Number = product, number
	cur.Value = orderValue(number, product)
	return true
}

// orderValue is the Value of an Order fact.
func orderValue(number, product string) string {
	switch {
	case number != "" && product != "":
		return number + " (" + product + ")"
	case number != "":
		return number
	}
	return product
}

// dropNegated removes a value the customer says is wrong ("not a refund",
// "不是京东", "forget the pixel"), unless the burst gives the right one,
// which replaces it.
func (s *State) dropNegated(f sourced, b *burst) {
	cur, ok := s.Facts[f.Slot]
	if !ok {
		return
	}
	switch f.Slot {
	case Outcome, Impact:
		if i := slices.Index(cur.Kinds, f.Kind); i >= 0 && (f.Slot == Outcome || f.Kind != ImpactMoney) {
			cur.Kinds = slices.Delete(cur.Kinds, i, i+1)
			cur.Value = s.kindsValue(f.Slot, cur)
			s.Facts[f.Slot] = cur
		}
	case Order:
		if b.foundKind(Order, f.Kind == OrderProduct) {
			return
		}
		if f.Kind == OrderProduct && sameWords(cur.Product, f.Value) {
			cur.Product = ""
			cur.Kinds = slices.DeleteFunc(cur.Kinds, func(k string) bool { return k == OrderProduct })
		} else if f.Kind != OrderProduct && sameWords(cur.Number, f.Value) {
			cur.Number = ""
			cur.Kinds = slices.DeleteFunc(cur.Kinds, func(k string) bool { return k != OrderProduct })
		}
		cur.Value = orderValue(cur.Number, cur.Product)
		s.Facts[Order] = cur
	case When, Where, Contact, Deadline:
		if b.foundSlot(f.Slot) {
			return
		}
		if cur.Known() && (sameWords(cur.Value, f.Value) || f.Slot == When && f.Date.Format(time.DateOnly) == cur.Date || f.Slot == Where && strings.Contains(FoldText(cur.Value), FoldText(f.Value))) {
			s.Facts[f.Slot] = Fact{}
		}
	}
}

// foundKind reports whether the burst gives an order product (product
// set) or an order number (not set) that is not negated.
func (b *burst) foundKind(slot Slot, product bool) bool {
	for _, f := range b.findings {
		if f.Slot == slot && !f.Negated && (f.Kind == OrderProduct) == product {
			return true
		}
	}
	return false
}

// sameWords reports whether two values say the same, whatever the case,
// script or spacing.
func sameWords(a, b string) bool {
	fold := func(s string) string { return strings.Join(strings.Fields(FoldText(s)), "") }
	fa, fb := fold(a), fold(b)
	return fa != "" && (fa == fb || strings.Contains(fa, fb) || strings.Contains(fb, fa))
}

// kindsValue is the stored value of a many-kinds slot: its kinds, joined.
func (s *State) kindsValue(slot Slot, f Fact) string {
	if slot == Outcome && len(f.Kinds) == 1 && f.Kinds[0] == OtherOutcome && f.Value != "" {
		return f.Value
	}
	var parts []string
	for _, k := range f.Kinds {
		if slot == Impact && k == ImpactMoney && f.Amount > 0 {
			parts = append(parts, money(f.Amount, f.Currency))
			continue
		}
		parts = append(parts, k)
	}
	return strings.Join(parts, ", ")
}

// withSides joins to the burst's main grievance its short side complaints
// and, when it does not name the product, the short sentence that does
// ("这台扫地机器人太坑了"), in the main grievance's language.
func (s *State) withSides(main string, b *burst) string {
	sep := ", "
	if HasHan(main) {
		sep = "，"
	}
	if p := s.Facts[Order].Product; p != "" && !strings.Contains(main, p) {
		for i, m := range b.msgs {
			t := strings.TrimRight(normalizeSpace(m.Text), "。.!！ ")
			if b.aside[i] || !strings.Contains(t, p) || strings.Contains(main, t) || utf8.RuneCountInString(t) > 60 {
				continue
			}
			main = t + sep + main
			break
		}
	}
	for _, f := range b.findings {
		if f.Slot != Grievance || f.Kind != "side" || f.Negated || utf8.RuneCountInString(f.Value) > 24 || strings.Contains(main, f.Value) {
			continue
		}
		if grievanceScore(f.Value) < 0 {
			continue // "而且…": a side remark stays a side complaint
		}
		main += sep + f.Value
	}
	return main
}

func appendUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// clip shortens s to at most n runes, ending with "…" when cut.
func clip(s string, n int) string {
	s = normalizeSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// answersExpected reports whether a grievance sentence is the answer to
// the slot the bot just asked for ("I want the extra charge refunded by
// Friday", asked what they want): the message also gives that slot, and
// the grievance is already known, so the sentence is no side complaint.
//
// Nor is a sentence that says what the customer wants ("头发的损失也要赔"):
// it is kept as the outcome it gives.
func (s *State) answersExpected(b *burst, g sourced) bool {
	for _, f := range b.findings {
		if f.i != g.i || f.Negated {
			continue
		}
		if s.Expect != "" && s.Expect != Grievance && f.Slot == s.Expect {
			return true
		}
		if f.Slot == Outcome && f.Span != "" && strings.Contains(g.Value, f.Span) && wishOnly(g.Value, f.Span) {
			return true
		}
	}
	return false
}

// wishOnly reports whether a sentence is little more than the wish in it:
// what is left around the wish's words is short ("头发的损失也要赔" around
// "也要赔"), so it tells no other complaint.
func wishOnly(sentence, wish string) bool {
	rest := strings.Replace(sentence, wish, "", 1)
	return utf8.RuneCountInString(rest) <= 3*utf8.RuneCountInString(wish)+6
}
