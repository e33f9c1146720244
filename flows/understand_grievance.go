package flows

import (
	"sort"
	"strings"
)

// grievance is one sentence that complains.
type grievance struct {
	finding Finding
	at      span
	score   int
}

// maxGrievanceRunes is the longest grievance kept, in characters.
const maxGrievanceRunes = 120

// maxSideGrievances bounds the side complaints kept from one text.
const maxSideGrievances = 5

// readGrievances finds the sentences that complain (P4). A sentence
// complains when it tells something that went wrong with a product or a
// service, or how the customer was treated, or harm done; its greetings,
// thanks, requests ("我要退款") and short answers at either end are left
// out, so "你好,洗衣机坏了,我要退款" complains "洗衣机坏了". The sentence
// with the most complaint in it is the main grievance (Kind ""); the others
// are side complaints (Kind "side"), kept so that the main one is not
// mistaken.
func (r *reading) readGrievances() {
	var found []grievance
	for _, s := range r.u.sentences {
		g, ok := r.sentenceGrievance(s)
		if ok {
			found = append(found, g)
		}
	}
	if len(found) == 0 {
		return
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].score > found[j].score })
	if len(found) > 1+maxSideGrievances {
		found = found[:1+maxSideGrievances]
	}
	for i := range found {
		if i > 0 {
			found[i].finding.Kind = "side"
		}
	}
	r.grievances = found
}

// sentenceGrievance reads one sentence as a grievance.
func (r *reading) sentenceGrievance(s span) (grievance, bool) {
	clauses := r.u.clausesIn(s)
	// Leave out the clauses at either end that only greet, thank, ask or
	// answer.
	aside := func(c span) bool { return !r.hasMarker(c) && r.coveredBy(c, isAsideSense) }
	for len(clauses) > 0 && aside(clauses[0]) {
		clauses = clauses[1:]
	}
	for len(clauses) > 0 && aside(clauses[len(clauses)-1]) {
		clauses = clauses[:len(clauses)-1]
	}
	if len(clauses) == 0 {
		return grievance{}, false
	}
	at := span{clauses[0].start, clauses[len(clauses)-1].end}
	// A greeting run into the first clause ("你好我的洗衣机坏了") is not
	// part of the grievance either.
	for _, h := range r.u.hitsIn(at) {
		if !r.u.blank(at.start, h.start) {
			continue
		}
		if h.lex.sense == senseIntent && (h.lex.arg == string(Greets) || h.lex.arg == string(Thanks)) && h.end < at.end {
			at.start, _ = r.u.trim(h.end, at.end)
		}
	}
	score := 0
	for _, h := range r.u.hitsIn(at) {
		if h.end > at.end {
			continue
		}
		switch h.lex.sense {
		case senseProblem, senseTreatment:
			score += 2 * int(h.lex.weight)
		case senseRisk:
			if (h.lex.arg == string(RiskInjury) || h.lex.arg == string(RiskSafety)) && !r.harmDenied(h) {
				score += 4
			}
		case senseAngry:
			score += int(h.lex.weight)
		case senseInsult:
			score += 2
		}
	}
	// A grievance needs a problem, a mistreatment or a harm, not only a
	// feeling: "垃圾公司!!!" vents but does not yet say what went wrong.
	if !r.hasMarker(at) {
		return grievance{}, false
	}
	value := r.u.source(at.start, at.end)
	text := strings.TrimSpace(value)
	return grievance{finding: Finding{Slot: Grievance, Value: cutRunes(text, maxGrievanceRunes), Span: text}, at: at, score: score}, true
}

// hasMarker reports whether [at] tells a problem, a mistreatment or harm.
func (r *reading) hasMarker(at span) bool {
	for _, h := range r.u.hitsIn(at) {
		if h.end > at.end {
			continue
		}
		switch h.lex.sense {
		case senseProblem, senseTreatment:
			return true
		case senseRisk:
			if (h.lex.arg == string(RiskInjury) || h.lex.arg == string(RiskSafety)) && !r.harmDenied(h) {
				return true
			}
		}
	}
	return false
}

// isAsideSense reports whether a keyword may stand in a clause that is
// left out of a grievance: greetings, thanks, answers, requests, outcomes,
// contact wishes, fillers, asking for a person.
func isAsideSense(lx *lexeme) bool {
	switch lx.sense {
	case senseFiller, senseRequest, senseOutcome, senseContact:
		return true
	case senseIntent:
		return true
	case senseHint:
		return lx.arg == string(Stubborn)
	}
	return false
}
