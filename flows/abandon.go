package flows

import "time"

// This file is the abandoned intake: a customer who stops answering in the
// middle gets one gentle reminder, and later the intake ends anyway with
// what is known (GaveUp), so nothing they said is lost (P17). When those
// happen is the caller's business (INTAKE_REMINDER, INTAKE_GIVEUP); these
// methods only say what the intake is waiting for and change the state.

// AwaitsCustomer reports whether the bot has answered the customer and now
// waits for them to write: the intake is open, no message of theirs is
// waiting for an answer, and the bot has said something.
func (s *State) AwaitsCustomer() bool {
	return s.Open() && !s.Pending() && s.Turns > 0
}

// SilentSince returns when the customer's silence began: the later of their
// last message and the bot's last answer.
func (s *State) SilentSince() time.Time {
	if s.LastAnswered.After(s.LastHeard) {
		return s.LastAnswered
	}
	return s.LastHeard
}

// Remind returns a short, warm reminder of what the bot is waiting for, in
// the intake's language and varied from the last one, and records when it
// was sent (Reminded). It asks for nothing new: in the middle of the
// questions it invites the customer to carry on, before the summary it asks
// whether there is anything else, and at the summary whether it is right.
func (s *State) Remind(now time.Time, cfg Config) string {
	r := &reply{s: s, cat: cfg.Catalog}
	switch s.Phase {
	case AnythingElse:
		r.say("time.intake.remind.anything_else")
	case Confirming:
		r.say("time.intake.remind.confirming")
	default:
		r.say("time.intake.remind.asking")
	}
	s.Reminded = now
	return r.String()
}

// GiveUp ends an open intake because the customer stopped answering: the
// case opens with what is known, marked incomplete (End GaveUp). Messages
// still waiting for an answer are kept in the burst, not read, so call it
// only when nothing is pending (AwaitsCustomer). It does nothing to an
// intake that has already ended.
func (s *State) GiveUp() {
	if !s.Open() {
		return
	}
	s.finish(GaveUp)
}
