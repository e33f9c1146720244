package flows

import "slices"

// Complainer returns the most likely kind of complainer (P14), from
// everything the customer said in the intake: named risks first (an
// influential or well-prepared complainer must be handled as such whatever
// else they are), then the hints the text gave, then the emotion.
func (s *State) Complainer() Complainer {
	has := func(r Risk) bool { return slices.Contains(s.Risks, r) }
	switch {
	case has(RiskMedia) || has(RiskLawyer) || has(RiskSocial) || s.Hints[Influential] > 0:
		return Influential
	case has(RiskConsumerLaw) || has(RiskRegulator) || has(RiskCourt) || has(RiskRecording) || s.Hints[Prepared] > 0:
		return Prepared
	}
	best, n := Complainer(""), 0
	for _, c := range []Complainer{Emotional, Stubborn, Justice, Ranter, Resigned, Reasoner} {
		if s.Hints[c] > n {
			best, n = c, s.Hints[c]
		}
	}
	switch {
	case best != "":
		return best
	case s.Emotion >= Angry:
		return Emotional
	case len(s.Side) >= 2:
		return Ranter
	}
	return Reasoner
}
