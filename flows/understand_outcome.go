package flows

// readOutcomes reads what the customer wants (the Outcome slot): refund,
// replacement, repair, apology, explanation, compensation, or other (Value
// the clause that asks for it, "取消订单", "I want the manager fired"). The
// Value of a known kind is the kind's English name; Span is the words. An
// outcome refused ("我不要退款") is Negated. A weak cue (为什么, "why")
// counts as a wish for an explanation only when nothing else is asked for.
func (r *reading) readOutcomes() {
	var weak []lexHit
	strong := false
	for _, h := range r.hitsOf(senseOutcome) {
		if h.lex.weight == 0 {
			weak = append(weak, h)
			continue
		}
		r.addOutcome(h)
		strong = true
	}
	if !strong && len(weak) > 0 {
		r.addOutcome(weak[0])
	}
}

// addOutcome records one outcome keyword.
func (r *reading) addOutcome(h lexHit) {
	f := Finding{Slot: Outcome, Kind: h.lex.arg, Value: h.lex.arg, Negated: r.outcomeRefused(h)}
	if h.lex.arg == OtherOutcome {
		f.Value = r.clauseValue(h.start, h.end)
	}
	r.add(f, span{h.start, h.end})
}
