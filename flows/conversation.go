package flows

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Turn is the bot's answer to one burst of customer messages.
type Turn struct {
	// Reply is the one chat message that answers the burst; "" when the
	// intake ended and the closing words wait for the case number
	// (see Close).
	Reply string
	// End is set when the intake ended with this burst.
	End End
	// Emotion is the strongest emotion of the burst.
	Emotion Emotion
	// Vented is set when the customer expressed feelings in the burst.
	Vented bool
}

// Receive adds a customer message to the burst the bot is listening to
// (P2: listen to the end) and returns when the burst should be answered if
// nothing else arrives: Quiet after this message, but never later than
// MaxListen after the burst's first message.
func (s *State) Receive(m Message, cfg Config) time.Time {
	if s.Phase == "" {
		s.Phase = Listening
		s.Started = m.At
	}
	if len(s.Burst) == 0 {
		s.BurstStart = m.At
	}
	s.Burst = append(s.Burst, m)
	if m.At.After(s.LastHeard) {
		s.LastHeard = m.At
	}
	at := s.LastHeard.Add(cfg.Quiet)
	if limit := s.BurstStart.Add(cfg.maxListen()); at.After(limit) {
		at = limit
	}
	if at.Before(s.AnswerAt) {
		at = s.AnswerAt
	}
	s.AnswerAt = at
	return at
}

// Answer answers the pending burst as one turn, if it is due at now. It
// reads every message of the burst, updates the fact sheet, and decides
// the one reply: acknowledge first, then ask for one missing fact, or ask
// whether there is anything else, or summarise, or end the intake.
func (s *State) Answer(now time.Time, cfg Config) Turn {
	if len(s.Burst) == 0 || now.Before(s.AnswerAt) || s.Phase == Done {
		return Turn{}
	}
	burst := s.Burst
	s.Burst, s.BurstStart, s.AnswerAt = nil, time.Time{}, time.Time{}
	s.Turns++
	s.LastAnswered = now

	b := s.read(burst)
	s.pickLang(b, cfg)
	r := &reply{s: s, cat: cfg.Catalog}
	turn := Turn{Emotion: b.emotion, Vented: b.vented}

	switch {
	case b.has(WantsHuman):
		s.absorb(b, false)
		s.finish(HumanAsked)
		turn.End = HumanAsked
		return turn
	case b.has(Withdraws):
		s.absorb(b, false)
		s.finish(Withdrew)
		turn.End = Withdrew
		return turn
	}

	switch s.Phase {
	case Listening:
		s.absorb(b, false)
		s.firstReply(r, b)
	case Asking:
		s.answerAsking(r, b)
	case AnythingElse:
		s.answerAnythingElse(r, b)
	case Confirming:
		if s.answerConfirming(r, b) {
			s.finish(Confirmed)
			turn.End = Confirmed
			return turn
		}
	}
	turn.Reply = r.String()
	return turn
}

// firstReply acknowledges the feeling before anything else (P1), thanks the
// customer, and asks at most one question.
func (s *State) firstReply(r *reply, b *burst) {
	substance := b.complaint || len(b.findings) > 0 || b.emotion > Calm || b.vented
	switch {
	case substance:
		r.say("ack." + ackLevel(b.emotion))
		// Harm comes before anything else we need (P13).
		switch {
		case slices.Contains(s.Risks, RiskInjury):
			r.say("care.injury")
		case slices.Contains(s.Risks, RiskSafety):
			r.say("care.safety")
		}
	case b.media > 0:
		r.say("ack.calm")
	default:
		r.say("greet")
	}
	if b.media > 0 {
		r.media(b)
	}
	if substance || b.media > 0 {
		r.say("thanks")
	}
	s.Phase = Asking
	s.next(r)
}

func (s *State) answerAsking(r *reply, b *burst) {
	expected := s.Expect
	gotExpected := expected != "" && b.foundSlot(expected)
	skipped := expected != "" && !gotExpected && (b.has(Skips) || (b.has(No) && !b.complaint))
	onlyChase := !gotExpected && !skipped && len(b.findings) == 0 && !b.complaint && b.media == 0 &&
		(b.has(Chases) || b.has(Greets))
	s.absorb(b, false)
	if skipped {
		f := s.Facts[expected]
		f.Skipped = true
		s.Facts[expected] = f
	}
	if b.vented && b.emotion >= Upset {
		r.say("reack." + reackLevel(b.emotion))
	}
	if b.media > 0 {
		r.media(b)
	}
	switch {
	case onlyChase && expected != "":
		// They have not seen or answered the question: say we are here and
		// ask it again, in other words. It was not answered, so this is not
		// asking for something already given.
		r.say("chase")
		r.say("ask." + string(expected))
		return
	case skipped:
		r.say("skipped")
	case gotExpected && !(b.vented && b.emotion >= Upset):
		r.say("got_it")
	case expected != "" && !gotExpected && len(b.findings) == 0 && !b.complaint:
		// An answer we could not place: keep the words, never ask again.
		if t := b.plainText(); t != "" && !b.onlyIntents() {
			s.Also = appendUnique(s.Also, clip(t, 200))
		}
	}
	s.next(r)
}

func (s *State) answerAnythingElse(r *reply, b *burst) {
	if b.has(Yes) && !b.complaint && len(b.findings) == 0 && b.media == 0 {
		// "Yes, there is": let them say it.
		r.say("go_ahead")
		return
	}
	added := b.complaint || len(b.findings) > 0 || b.media > 0
	s.absorb(b, false)
	if !added && !b.has(NothingElse) && !b.has(No) && !b.has(Thanks) && !b.has(Skips) {
		if t := b.plainText(); t != "" && !b.onlyIntents() {
			s.Also = appendUnique(s.Also, clip(t, 200))
			added = true
		}
	}
	if b.vented && b.emotion >= Upset {
		r.say("reack." + reackLevel(b.emotion))
	}
	if b.media > 0 {
		r.media(b)
	}
	if added {
		r.say("added")
	}
	s.summarise(r)
}

// answerConfirming handles the answer to "is that right?". It reports
// whether the customer confirmed.
func (s *State) answerConfirming(r *reply, b *burst) bool {
	if len(b.findings) > 0 {
		s.absorb(b, true)
		s.Fixing = false
		s.Corrections++
		if b.vented && b.emotion >= Upset {
			r.say("reack." + reackLevel(b.emotion))
		}
		r.say("corrected")
		s.summarise(r)
		return false
	}
	if b.has(Yes) && !b.has(No) {
		if b.media > 0 {
			s.absorb(b, false)
		}
		return true
	}
	if b.media > 0 {
		s.absorb(b, false)
		r.media(b)
		s.summarise(r)
		return false
	}
	if b.has(No) {
		s.Fixing = true
		r.say("correct.what")
		return false
	}
	if s.Fixing {
		// They said it was wrong and now explain in words we cannot place:
		// keep the words with the case and show the summary again.
		if t := b.plainText(); t != "" && !b.onlyIntents() {
			s.Also = appendUnique(s.Also, clip(t, 200))
			s.Fixing = false
			r.say("corrected")
			s.summarise(r)
			return false
		}
	}
	if b.complaint || (b.plainText() != "" && !b.onlyIntents()) {
		s.Also = appendUnique(s.Also, clip(b.plainText(), 200))
		r.say("added")
		s.summarise(r)
		return false
	}
	r.say("confirm.unclear")
	return false
}

// next asks for the first missing fact, in the playbook's order, or asks
// whether there is anything else when nothing is missing.
func (s *State) next(r *reply) {
	for _, slot := range AskOrder {
		f := s.Facts[slot]
		if s.given(slot) || f.Skipped || s.Asked[slot] > 0 {
			continue
		}
		s.ask(r, slot)
		return
	}
	s.Expect = ""
	s.Phase = AnythingElse
	r.say("anything_else")
}

// given reports whether the customer already gave the fact. A product
// named without an order or model number does not answer "which order?":
// the bot asks for the number, naming the product it already knows.
func (s *State) given(slot Slot) bool {
	f := s.Facts[slot]
	if slot == Order {
		return f.Known() && slices.ContainsFunc(f.Kinds, func(k string) bool { return k != OrderProduct })
	}
	return f.Known()
}

func (s *State) ask(r *reply, slot Slot) {
	if s.given(slot) {
		s.RepeatAsks++
	}
	if s.Asked == nil {
		s.Asked = map[Slot]int{}
	}
	s.Asked[slot]++
	s.Expect = slot
	if f := s.Facts[Order]; slot == Order && f.Known() {
		r.sayWith("ask.order_for", map[string]any{"Product": f.Value})
		return
	}
	r.say("ask." + string(slot))
}

func (s *State) summarise(r *reply) {
	s.Expect = ""
	s.Phase = Confirming
	r.say("summary.lead")
	r.add(r.cat.Text(s.Lang, "summary.body", 1, s.summaryData(r.cat)))
	r.say("summary.ask")
}

func (s *State) finish(e End) {
	s.Phase = Done
	s.End = e
	s.Expect = ""
}

// Close returns the words that end the intake once the case exists: the
// case number, what happens next and the time window (P7), and nothing
// else (P9). The customer's feeling is acknowledged first when they are
// upset.
func (s *State) Close(caseID string, cfg Config) string {
	r := &reply{s: s, cat: cfg.Catalog}
	within := cfg.Within
	if within == "" {
		within = cfg.Catalog.Text(s.lang(), "time.within", 1, map[string]any{"Window": cfg.Catalog.Duration(s.lang(), cfg.Window)})
	}
	data := map[string]any{"ID": caseID, "Window": cfg.Catalog.Duration(s.lang(), cfg.Window), "Within": within}
	switch s.End {
	case HumanAsked:
		if s.Turns <= 1 && s.LastEmotion >= Upset {
			r.say("ack." + ackLevel(s.LastEmotion))
		}
		r.sayWith("open.human", data)
	case Withdrew:
		r.sayWith("open.withdrawn", data)
	case GaveUp:
		r.sayWith("open.incomplete", data)
	default:
		r.sayWith("open.confirmed", data)
	}
	return r.String()
}

// CaseSummary is the one-paragraph summary of the facts kept on the case,
// in the customer's language: what they confirmed, in the third person.
func (s *State) CaseSummary(cat *Catalog) string {
	return cat.Text(s.lang(), "summary.case", 1, s.summaryData(cat))
}

// Outcome returns the outcome kinds the customer wants, in order found.
func (s *State) Outcome() []string { return s.Facts[Outcome].Kinds }

func (s *State) lang() Lang {
	if s.Lang == "" {
		return EN
	}
	return s.Lang
}

// burst is the reading of one burst of messages.
type burst struct {
	msgs      []Message
	analyses  []Analysis
	findings  []sourced // every finding, negated ones included
	intents   map[Intent]bool
	emotion   Emotion
	vented    bool
	complaint bool
	media     int
	kinds     []string
	zh, en    int // how much of the burst is in each language
}

type sourced struct {
	Finding
	msg string
}

func (b *burst) has(i Intent) bool { return b.intents[i] }

func (b *burst) foundSlot(slot Slot) bool {
	for _, f := range b.findings {
		if f.Slot == slot && !f.Negated {
			return true
		}
	}
	return false
}

// plainText is the burst's text, messages joined with a space.
func (b *burst) plainText() string {
	var parts []string
	for _, m := range b.msgs {
		if t := normalizeSpace(m.Text); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}

// onlyIntents reports whether every message of the burst is a bare short
// answer (yes, no, thanks, a greeting…) with nothing else in it.
func (b *burst) onlyIntents() bool {
	for i, m := range b.msgs {
		t := normalizeSpace(m.Text)
		if t == "" {
			continue
		}
		if len(b.analyses[i].Intents) == 0 || utf8.RuneCountInString(t) > 12 {
			return false
		}
	}
	return true
}

func (s *State) read(msgs []Message) *burst {
	b := &burst{msgs: msgs, intents: map[Intent]bool{}}
	for _, m := range msgs {
		a := Analyze(m.Text, Context{Now: m.At, Expect: s.Expect})
		b.analyses = append(b.analyses, a)
		for _, f := range a.Findings {
			b.findings = append(b.findings, sourced{f, m.ID})
		}
		for _, i := range a.Intents {
			b.intents[i] = true
		}
		if a.Emotion > b.emotion {
			b.emotion = a.Emotion
		}
		b.vented = b.vented || a.Venting
		b.complaint = b.complaint || a.Complaint
		for _, k := range m.Media {
			b.media++
			b.kinds = append(b.kinds, k)
		}
		n := utf8.RuneCountInString(m.Text)
		switch a.Lang {
		case ZH:
			b.zh += n
		case EN:
			b.en += n
		}
		for _, risk := range a.Risks {
			if !slices.Contains(s.Risks, risk) {
				s.Risks = append(s.Risks, risk)
			}
		}
		for _, h := range a.Hints {
			if s.Hints == nil {
				s.Hints = map[Complainer]int{}
			}
			s.Hints[h]++
		}
	}
	if b.emotion > s.Emotion {
		s.Emotion = b.emotion
	}
	s.LastEmotion = b.emotion
	s.Media += b.media
	return b
}

// pickLang settles the language to answer in: the customer's, from the
// first words they write; it switches only when a later burst is clearly
// and entirely in the other language (a bare "ok" or "B77" does not count).
func (s *State) pickLang(b *burst, cfg Config) {
	var lang Lang
	switch {
	case b.zh > 0 && b.zh >= b.en/3:
		lang = ZH
	case b.en > 0:
		lang = EN
	}
	switch {
	case s.Lang == "" && lang != "":
		s.Lang = lang
	case s.Lang == "":
		s.Lang = cfg.Lang
		if s.Lang == "" {
			s.Lang = ZH
		}
	case lang != "" && lang != s.Lang:
		if (lang == ZH && b.zh >= 4 && b.en == 0) || (lang == EN && b.en >= 12 && b.zh == 0) {
			s.Lang = lang
		}
	}
}

// absorb merges the burst's findings into the fact sheet. A fact already
// known is kept (the first telling stands) unless correcting is set, when
// the customer is fixing the summary and new values replace old ones.
func (s *State) absorb(b *burst, correcting bool) {
	if s.Facts == nil {
		s.Facts = Facts{}
	}
	replaced := map[Slot]bool{}
	for _, f := range b.findings {
		if f.Negated {
			if correcting {
				s.dropNegated(f)
			}
			continue
		}
		cur := s.Facts[f.Slot]
		switch f.Slot {
		case Grievance:
			switch {
			case !cur.Known():
				cur.Value = clip(f.Value, 160)
				// The first telling often runs over several short
				// sentences ("送来就是坏的!!门都关不上"): keep the
				// short side complaints of the same burst with it.
				cur.Value = clip(s.withSides(cur.Value, b), 160)
			case correcting && !replaced[Grievance] && b.hasNegated(Grievance):
				cur.Value = clip(f.Value, 160)
				replaced[Grievance] = true
			case f.Kind == "side" || cur.Value != f.Value:
				if !strings.Contains(cur.Value, f.Value) {
					s.Side = appendUnique(s.Side, clip(f.Value, 160))
				}
				continue
			default:
				continue
			}
		case Outcome, Impact:
			if correcting && !replaced[f.Slot] && f.Slot == Outcome {
				cur = Fact{}
				replaced[f.Slot] = true
			}
			if !slices.Contains(cur.Kinds, f.Kind) {
				cur.Kinds = append(cur.Kinds, f.Kind)
			}
			if f.Slot == Outcome && f.Kind == OtherOutcome && cur.Value == "" {
				cur.Value = clip(f.Value, 80)
			}
			if f.Kind == ImpactMoney && (f.Amount > cur.Amount || correcting) {
				cur.Amount, cur.Currency = f.Amount, f.Currency
			}
			cur.Value = s.kindsValue(f.Slot, cur)
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
			cur.Value = clip(f.Value, 80)
			cur.Kinds = nil
			if f.Kind != "" {
				cur.Kinds = []string{f.Kind}
			}
			cur.Date, cur.Approx = "", false
			if !f.Date.IsZero() {
				cur.Date = f.Date.Format(time.DateOnly)
				cur.Approx = f.Approx
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
}

// mergeOrder folds an order finding into the Order fact: a product name and
// an order (or model, serial, tracking) number are kept together, "B77
// (washing machine)". It reports whether the fact changed.
func (s *State) mergeOrder(cur *Fact, f Finding, correcting bool, replaced map[Slot]bool) bool {
	product, number := "", ""
	for _, k := range cur.Kinds {
		if k == OrderProduct {
			product = cur.Product
		} else {
			number = cur.Number
		}
	}
	switch {
	case f.Kind == OrderProduct:
		if product != "" && !correcting {
			return false
		}
		product = clip(f.Value, 40)
	case number != "" && !correcting, correcting && replaced[Order]:
		return false
	default:
		number = clip(f.Value, 60)
		if correcting {
			replaced[Order] = true
			cur.Source = nil
		}
		cur.Kinds = slices.DeleteFunc(cur.Kinds, func(k string) bool { return k != OrderProduct })
		cur.Kinds = append(cur.Kinds, f.Kind)
	}
	if f.Kind == OrderProduct && !slices.Contains(cur.Kinds, OrderProduct) {
		cur.Kinds = append(cur.Kinds, OrderProduct)
	}
	cur.Product, cur.Number = product, number
	switch {
	case number != "" && product != "":
		cur.Value = number + " (" + product + ")"
	case number != "":
		cur.Value = number
	default:
		cur.Value = product
	}
	return true
}

func (b *burst) hasNegated(slot Slot) bool {
	for _, f := range b.findings {
		if f.Slot == slot && f.Negated {
			return true
		}
	}
	return false
}

// dropNegated removes a value the customer says is wrong ("not a refund").
func (s *State) dropNegated(f sourced) {
	cur, ok := s.Facts[f.Slot]
	if !ok {
		return
	}
	switch f.Slot {
	case Outcome, Impact:
		if i := slices.Index(cur.Kinds, f.Kind); i >= 0 {
			cur.Kinds = slices.Delete(cur.Kinds, i, i+1)
			cur.Value = s.kindsValue(f.Slot, cur)
			s.Facts[f.Slot] = cur
		}
	}
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

func ackLevel(e Emotion) string { return e.String() }

func reackLevel(e Emotion) string {
	if e >= Angry {
		return "angry"
	}
	return "upset"
}

// withSides joins the burst's short side complaints to its main grievance,
// in the main grievance's language.
func (s *State) withSides(main string, b *burst) string {
	sep := ", "
	if HasHan(main) {
		sep = "，"
	}
	for _, f := range b.findings {
		if f.Slot != Grievance || f.Kind != "side" || f.Negated || utf8.RuneCountInString(f.Value) > 24 || strings.Contains(main, f.Value) {
			continue
		}
		main += sep + f.Value
	}
	return main
}

// HasHan reports whether s has a Chinese character.
func HasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
