package flows

import (
	"slices"
	"strings"
	"time"
	"unicode"
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
	// Keys lists the catalogue keys the reply says, in order (for logs
	// and tests).
	Keys []string
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

	s.cat = cfg.Catalog
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
		s.tellGrievance(b)
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
	turn.Keys = r.keys
	return turn
}

// tellGrievance takes the customer's own account as the grievance when no
// rule found one in it (P6: a detailed account is not followed by "what
// happened?").
func (s *State) tellGrievance(b *burst) {
	if s.Facts[Grievance].Known() {
		return
	}
	if t, id := b.narrative(); t != "" {
		if s.Facts == nil {
			s.Facts = Facts{}
		}
		s.Facts[Grievance] = Fact{Value: clip(t, 160), Source: []string{id}}
	}
}

// firstReply acknowledges the feeling before anything else (P1), gives
// safety advice first when there is a hazard (P13), thanks the customer,
// and asks at most one question.
func (s *State) firstReply(r *reply, b *burst) {
	substance := b.complaint || len(b.findings) > 0 || b.emotion > Calm || b.vented
	switch {
	case substance:
		r.say("ack." + ackLevel(b.emotion))
		s.care(r)
	case b.media > 0:
		r.say("ack.calm")
	default:
		r.say("greet")
	}
	if k := b.asideKey(); k != "" {
		r.say(k)
	}
	if b.has(AlreadySaid) {
		r.say("sorry.repeat")
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

// care says what a harm needs first: concern for someone hurt, concrete
// safety advice for a hazard.
func (s *State) care(r *reply) {
	if slices.Contains(s.Risks, RiskInjury) {
		r.say("care.injury")
	}
	if slices.Contains(s.Risks, RiskSafety) {
		// Someone hurt still needs to be told how to stay safe; the
		// general line is only for a hazard with no concrete advice.
		key := "care.safety." + s.Hazard
		if s.Hazard == "" || s.Hazard == HazardOther || r.cat.Variants(s.lang(), key) == 0 {
			if slices.Contains(s.Risks, RiskInjury) {
				return
			}
			key = "care.safety"
		}
		r.say(key)
	}
}

// answerKind is how an answer answers the question the bot asked.
type answerKind int

const (
	answerValue   answerKind = iota // it gives the fact
	answerUnknown                   // 不知道, "not sure", or only filler: the fact is skipped
	answerDone                      // 就这些, "no that is all": skipped, and nothing more to ask
	answerOther                     // it says something else
)

// slotAnswer reads the burst as the answer to the slot asked for: the
// value, "unknown" (不太清楚, "I'm not sure", and filler such as 嗯嗯 or
// "ok", which is never stored), "that's all", or something else.
func (s *State) slotAnswer(b *burst, slot Slot) answerKind {
	switch {
	case b.foundSlot(slot):
		return answerValue
	case b.has(NothingElse) && !b.complaint:
		return answerDone
	case b.has(Skips), b.has(No) && !b.complaint && len(b.findings) == 0, b.onlyIntents() && len(b.findings) == 0 && b.media == 0:
		return answerUnknown
	}
	return answerOther
}

func (s *State) answerAsking(r *reply, b *burst) {
	expected := s.Expect
	if b.onlyAsides() {
		// A question or a joke in the middle: answer it briefly and ask
		// again what was asked; it was not answered, so this is not
		// asking for something already given.
		r.say(b.asideKey())
		s.askAgain(r, expected)
		return
	}
	if b.has(AlreadySaid) {
		r.say("sorry.repeat")
	}
	kind := answerOther
	if expected != "" {
		kind = s.slotAnswer(b, expected)
	}
	if kind == answerUnknown && b.has(Skips) {
		if named := b.skipNamed(); named != "" && named != expected {
			// "没有订单号", said when asked what they want: the order
			// number is what they cannot give; the question asked is
			// still open.
			f := s.Facts[named]
			f.Skipped = true
			s.Facts[named] = f
			s.absorb(b, false)
			r.say("skipped")
			s.askAgain(r, expected)
			return
		}
	}
	onlyChase := kind == answerOther && len(b.findings) == 0 && !b.complaint && b.media == 0 && (b.has(Chases) || b.has(Greets))
	changes := s.absorb(b, b.has(Corrects))
	corrected := correctedFacts(changes, expected)
	if expected != "" && (kind == answerUnknown || kind == answerDone || b.has(AlreadySaid) && kind == answerOther) {
		f := s.Facts[expected]
		f.Skipped = true
		s.Facts[expected] = f
	}
	s.tellGrievance(b)
	if b.vented && b.emotion >= Upset {
		r.say("reack." + reackLevel(b.emotion))
	}
	if k := b.asideKey(); k != "" {
		r.say(k)
	}
	if b.media > 0 {
		r.media(b)
	}
	switch {
	case onlyChase && expected != "":
		r.say("chase")
		s.askAgain(r, expected)
		return
	case len(corrected) > 0:
		s.sayCorrected(r, corrected)
	case kind == answerUnknown || kind == answerDone:
		r.say("skipped")
	case kind == answerValue && !(b.vented && b.emotion >= Upset) && !b.has(AlreadySaid):
		r.say("got_it")
	case expected != "" && kind == answerOther && len(b.findings) == 0 && !b.complaint:
		// An answer we could not place: keep the words, never ask again.
		if t := b.plainText(); t != "" && !b.onlyIntents() {
			s.Also = appendUnique(s.Also, clip(t, 200))
		}
	}
	if kind == answerDone {
		// "No, that's all": the customer has told what they want to tell.
		s.summarise(r)
		return
	}
	s.next(r)
}

// askAgain asks the slot's question once more, in other words, without
// counting it as asked again.
func (s *State) askAgain(r *reply, slot Slot) {
	if slot == "" {
		s.next(r)
		return
	}
	if f := s.Facts[Order]; slot == Order && s.nameable(f.Product) {
		r.sayWith("ask.order_for", map[string]any{"Product": f.Product})
		return
	}
	r.say(s.askKey(slot))
}

// nameable reports whether a product's name can stand in a reply: an
// English reply does not name a 咖啡机 (a Chinese one may name AirPods).
func (s *State) nameable(product string) bool {
	return product != "" && !(HasHan(product) && s.lang() == EN)
}

func (s *State) answerAnythingElse(r *reply, b *burst) {
	if b.has(Yes) && !b.complaint && len(b.findings) == 0 && b.media == 0 {
		// "Yes, there is": let them say it.
		r.say("go_ahead")
		return
	}
	if k := b.asideKey(); k != "" {
		r.say(k)
	}
	if b.has(AlreadySaid) {
		r.say("sorry.repeat")
	}
	added := b.complaint || len(b.findings) > 0 || b.media > 0
	changes := s.absorb(b, b.has(Corrects))
	corrected := correctedFacts(changes, "")
	if !added && !b.has(NothingElse) && !b.has(No) && !b.has(Thanks) && !b.has(Skips) && !b.onlyAsides() {
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
	switch {
	case len(corrected) > 0:
		s.sayCorrected(r, corrected)
	case added:
		r.say("added")
	}
	s.summarise(r)
}

// answerConfirming handles the answer to "is that right?" (P3). It reports
// whether the customer confirmed. A yes with a remark or an urging is a
// yes: the remark is kept as a note. A correction replaces the fact and
// the bot says which fact it changed, and to what; it says so only when a
// fact changed. A bare "that's wrong" gets the facts as a numbered list.
func (s *State) answerConfirming(r *reply, b *burst) bool {
	if s.FixSlot != "" {
		return s.answerFix(r, b)
	}
	if len(s.FixChoices) > 0 && len(b.findings) == 0 {
		if slot, ok := s.pickFix(b); ok {
			s.FixChoices = nil
			s.askFix(r, slot)
			return false
		}
	}
	s.FixChoices = nil
	if b.onlyAsides() {
		r.say(b.asideKey())
		r.say("summary.ask")
		return false
	}
	if b.has(Yes) && !b.has(No) && !b.has(Corrects) && !s.wouldChange(b) {
		s.absorb(b, false)
		if t := b.plainText(); t != "" && (!b.onlyIntents() || b.has(Urges)) {
			s.Notes = appendUnique(s.Notes, clip(t, 200))
		}
		return true
	}
	if b.media > 0 && len(b.findings) == 0 && !b.has(No) {
		s.absorb(b, false)
		r.media(b)
		s.summarise(r)
		return false
	}
	if len(b.findings) > 0 || b.has(Corrects) && b.complaint {
		return s.correct(r, b)
	}
	if b.has(No) || b.has(Corrects) {
		s.askWhich(r)
		return false
	}
	if b.complaint {
		// Something new, said without a correction: added, as the
		// customer added it.
		s.absorb(b, false)
		r.say("added")
		s.summarise(r)
		return false
	}
	if t := b.plainText(); t != "" && !b.onlyIntents() {
		s.Notes = appendUnique(s.Notes, clip(t, 200))
		r.say("noted")
		r.say("summary.ask")
		return false
	}
	r.say("confirm.unclear")
	return false
}

// wouldChange reports whether the burst gives a value different from a
// fact already known: a yes that goes on to correct ("对，不过是上周四") is
// a correction.
func (s *State) wouldChange(b *burst) bool {
	for _, f := range b.findings {
		cur := s.Facts[f.Slot]
		if f.Negated || !cur.Known() {
			continue
		}
		switch f.Slot {
		case When:
			if f.Date.Format(time.DateOnly) != cur.Date {
				return true
			}
		case Where, Contact, Deadline:
			if !sameWords(cur.Value, f.Value) {
				return true
			}
		case Order:
			if f.Kind == OrderProduct && cur.Product != "" && !sameWords(cur.Product, f.Value) ||
				f.Kind != OrderProduct && cur.Number != "" && !sameWords(cur.Number, f.Value) {
				return true
			}
		}
	}
	return false
}

// correct applies a correction and says what changed, or that nothing
// did, or asks for the value of a fact the customer rejected.
func (s *State) correct(r *reply, b *burst) bool {
	changes := s.absorb(b, true)
	s.Fixing = false
	if b.vented && b.emotion >= Upset {
		r.say("reack." + reackLevel(b.emotion))
	}
	corrected := correctedFacts(changes, "")
	if len(corrected) > 0 {
		s.Corrections++
		s.sayCorrected(r, corrected)
		// A fact rejected without its right value: ask for it.
		for _, c := range changes {
			if !c.after.Known() && c.slot != Grievance && c.slot != Outcome && c.slot != Impact {
				s.askFix(r, c.slot)
				return false
			}
		}
		s.summarise(r)
		return false
	}
	for _, c := range changes {
		if !c.after.Known() {
			s.askFix(r, c.slot)
			return false
		}
	}
	if v, ok := s.sameValue(b); ok {
		r.sayWith("correct.same", map[string]any{"Value": v})
		r.say("summary.ask")
		return false
	}
	if b.has(No) || b.has(Corrects) {
		s.askWhich(r)
		return false
	}
	if len(changes) == 0 {
		// Nothing on the sheet moved: never say it was added. The words
		// are kept as a note, and that is what the customer is told.
		if t := b.plainText(); t != "" {
			s.Notes = appendUnique(s.Notes, clip(t, 200))
		}
		r.say("noted")
		r.say("summary.ask")
		return false
	}
	r.say("added")
	s.summarise(r)
	return false
}

// correctedFacts are the changes that replaced or removed something the
// customer had given: a fact newly given, or an order number given for a
// product already named, or an outcome added to another, is not a
// correction.
func correctedFacts(changes []change, asked Slot) []change {
	var out []change
	for _, c := range changes {
		if isCorrection(c) {
			out = append(out, c)
		}
	}
	return out
}

// isCorrection reports whether a change replaced or removed a value.
func isCorrection(c change) bool {
	b, a := c.before, c.after
	if !b.Known() {
		return false
	}
	switch c.slot {
	case Order:
		return b.Number != "" && b.Number != a.Number || b.Product != "" && b.Product != a.Product
	case Outcome:
		for _, k := range b.Kinds {
			if !slices.Contains(a.Kinds, k) {
				return true
			}
		}
		return false
	case Impact:
		if b.Amount > 0 && b.Amount != a.Amount {
			return true
		}
		for _, k := range b.Kinds {
			if !slices.Contains(a.Kinds, k) {
				return true
			}
		}
		return false
	}
	return b.Value != a.Value || b.Date != a.Date
}

// sameValue returns, worded, a value the burst repeats as the customer had
// already given it.
func (s *State) sameValue(b *burst) (string, bool) {
	for _, f := range b.findings {
		if f.Negated || !s.Facts[f.Slot].Known() {
			continue
		}
		switch f.Slot {
		case When, Where, Order, Deadline, Contact:
			return s.factWords(f.Slot, s.Facts[f.Slot], f.Kind == OrderProduct), true
		case Impact:
			if cur := s.Facts[Impact]; f.Kind == ImpactMoney && cur.Amount == f.Amount {
				return money(cur.Amount, cur.Currency), true
			}
		}
	}
	return "", false
}

// sayCorrected names what changed: "I've changed the date to …".
func (s *State) sayCorrected(r *reply, changes []change) {
	lang := s.lang()
	type named struct{ label, value string }
	var list []named
	for _, c := range changes {
		productOnly := c.slot == Order && c.before.Number == c.after.Number && c.before.Product != c.after.Product
		numberOnly := c.slot == Order && c.before.Product == c.after.Product && c.before.Number != c.after.Number
		label := "label." + string(c.slot)
		switch {
		case productOnly:
			label = "label.product"
		case numberOnly:
			label = "label.number"
		case c.slot == Impact && c.before.Amount != c.after.Amount:
			label = "label.amount"
		}
		v := s.factWords(c.slot, c.after, productOnly)
		switch {
		case numberOnly:
			v = c.after.Number
		case c.slot == Impact && c.before.Amount != c.after.Amount:
			v = money(c.after.Amount, c.after.Currency)
		}
		if !c.after.Known() {
			continue // said when the right value is asked for
		}
		list = append(list, named{r.cat.Text(lang, label, 1, nil), v})
	}
	switch len(list) {
	case 0:
		// Only removals: name what was removed.
		for _, c := range changes {
			r.sayWith("corrected.removed", map[string]any{"Value": s.factWords(c.slot, c.before, false)})
			return
		}
	case 1:
		r.sayWith("corrected.one", map[string]any{"Label": list[0].label, "Value": list[0].value})
	default:
		var parts []string
		for _, n := range list {
			parts = append(parts, r.cat.Text(lang, "corrected.change", 1, map[string]any{"Label": n.label, "Value": n.value}))
		}
		r.sayWith("corrected.many", map[string]any{"Changes": joinList(r.cat, lang, parts)})
	}
}

// factWords words a fact for the customer, as the summary does.
func (s *State) factWords(slot Slot, f Fact, productOnly bool) string {
	cat := s.cat
	lang := s.lang()
	switch slot {
	case When, Deadline:
		if f.Date != "" && cat != nil {
			return s.dateWords(cat, f)
		}
	case Where:
		if cat != nil {
			return WhereWords(cat, lang, f.Value)
		}
	case Order:
		if productOnly && f.Product != "" {
			return f.Product
		}
		if cat != nil {
			return OrderWords(cat, lang, f)
		}
	case Outcome, Impact:
		if cat != nil {
			st := State{Facts: Facts{slot: f}, Lang: lang}
			d := st.summaryData(cat)
			if v, ok := d[map[Slot]string{Outcome: "Outcome", Impact: "Impact"}[slot]].(string); ok {
				return v
			}
		}
	case Grievance:
		return clip(f.Value, 40)
	}
	return f.Value
}

// askWhich asks which fact is wrong, offering the facts as a numbered
// list (P3).
func (s *State) askWhich(r *reply) {
	lang := s.lang()
	var items []string
	s.FixChoices = nil
	for _, slot := range Slots {
		f := s.Facts[slot]
		if !f.Known() {
			continue
		}
		s.FixChoices = append(s.FixChoices, slot)
		items = append(items, r.cat.Text(lang, "correct.item", 1, map[string]any{
			"N": len(s.FixChoices), "Label": r.cat.Text(lang, "label."+string(slot), 1, nil), "Value": s.factWords(slot, f, false)}))
	}
	s.Fixing = true
	if len(items) == 0 {
		r.say("confirm.unclear")
		return
	}
	r.sayWith("correct.which", map[string]any{"Items": strings.Join(items, "\n")})
}

// fixWords are the words a customer may use to name a fact to correct.
var fixWords = map[Slot][]string{
	Grievance: {"问题", "情况", "经过", "描述", "problem", "what happened", "issue", "description", "grievance"},
	Order:     {"订单", "产品", "型号", "商品", "单号", "order", "product", "model", "item"},
	When:      {"时间", "日期", "哪天", "日子", "date", "time", "day", "when"},
	Where:     {"地点", "门店", "店", "地方", "平台", "place", "store", "shop", "where", "location"},
	Impact:    {"影响", "金额", "钱", "impact", "amount", "money", "price"},
	Outcome:   {"诉求", "处理方式", "要求", "希望", "outcome", "what i want", "refund", "replacement", "want"},
	Deadline:  {"期限", "截止", "deadline"},
	Contact:   {"联系方式", "电话", "邮箱", "contact", "phone", "email"},
}

// pickFix reads which of the numbered facts the customer picked, by its
// number or its name.
func (s *State) pickFix(b *burst) (Slot, bool) {
	text := FoldText(b.plainText())
	if n, ok := choiceNumber(text, len(s.FixChoices)); ok && n >= 1 && n <= len(s.FixChoices) {
		return s.FixChoices[n-1], true
	}
	found := Slot("")
	for _, slot := range s.FixChoices {
		for _, w := range fixWords[slot] {
			if containsWord(text, w) {
				if found != "" && found != slot {
					return "", false
				}
				found = slot
			}
		}
	}
	return found, found != ""
}

// askFix asks for the right value of one fact.
func (s *State) askFix(r *reply, slot Slot) {
	s.FixSlot = slot
	s.Fixing = true
	s.Expect = ""
	r.sayWith("correct.ask", map[string]any{"Label": r.cat.Text(s.lang(), "label."+string(slot), 1, nil)})
}

// answerFix reads the answer to "what should the date be?": the value
// replaces the fact.
func (s *State) answerFix(r *reply, b *burst) bool {
	slot := s.FixSlot
	s.FixSlot = ""
	s.Fixing = false
	if b.foundSlot(slot) || slot == Grievance && b.plainText() != "" {
		if slot == Grievance && !b.foundSlot(Grievance) {
			s.Facts[Grievance] = Fact{Value: clip(b.plainText(), 160)}
			s.Corrections++
			s.sayCorrected(r, []change{{slot: Grievance, before: Fact{Value: "-"}, after: s.Facts[Grievance]}})
			s.summarise(r)
			return false
		}
		s.FixSlot = slot // read by absorb as the slot being corrected
		changes := s.absorb(b, true)
		s.FixSlot = ""
		var fixed []change
		for _, c := range changes {
			if c.after.Known() && factKey(c.before) != factKey(c.after) {
				fixed = append(fixed, c) // the value asked for, after "不是京东"
			}
		}
		if len(fixed) > 0 {
			s.Corrections++
			s.sayCorrected(r, fixed)
		} else if v, ok := s.sameValue(b); ok {
			r.sayWith("correct.same", map[string]any{"Value": v})
		}
		s.summarise(r)
		return false
	}
	if b.has(Yes) && !b.has(No) {
		return true
	}
	if b.has(Skips) || b.onlyIntents() {
		r.say("skipped")
		s.summarise(r)
		return false
	}
	if len(b.findings) > 0 || b.complaint {
		return s.correct(r, b)
	}
	if t := b.plainText(); t != "" {
		s.Notes = appendUnique(s.Notes, clip(t, 200))
		r.say("noted")
	}
	s.summarise(r)
	return false
}

// next asks for the first missing fact, in the playbook's order, or asks
// whether there is anything else when nothing is missing. A complaint
// about how the customer was treated has no order to ask for.
func (s *State) next(r *reply) {
	for _, slot := range AskOrder {
		f := s.Facts[slot]
		if s.given(slot) || f.Skipped || s.Asked[slot] > 0 {
			continue
		}
		if slot == Order && s.Topic == TopicService && f.Product == "" {
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
	if f := s.Facts[Order]; slot == Order && s.nameable(f.Product) {
		r.sayWith("ask.order_for", map[string]any{"Product": f.Product})
		return
	}
	r.say(s.askKey(slot))
}

// askKey is the question for a slot: the outcome question offers the
// options that fit the complaint.
func (s *State) askKey(slot Slot) string {
	if slot == Outcome && s.Topic != "" && s.cat != nil && s.cat.Variants(s.lang(), "ask.outcome."+s.Topic) > 0 {
		return "ask.outcome." + s.Topic
	}
	return "ask." + string(slot)
}

func (s *State) summarise(r *reply) {
	s.Expect = ""
	s.Phase = Confirming
	r.say("summary.lead")
	r.add(r.cat.Text(s.lang(), "summary.body", 1, s.summaryData(r.cat)))
	r.say("summary.ask")
}

func (s *State) finish(e End) {
	s.Phase = Done
	s.End = e
	s.Expect = ""
	s.FixSlot, s.FixChoices = "", nil
}

// Close returns the words that end the intake once the case exists: the
// case number, what happens next and the time window (P7), and nothing
// else (P9). A customer who asked for a person hears a short word for how
// they feel first (P1); one who urged hears that it is noted.
func (s *State) Close(caseID string, cfg Config) string {
	s.cat = cfg.Catalog
	r := &reply{s: s, cat: cfg.Catalog}
	within := cfg.Within
	if within == "" {
		within = cfg.Catalog.Text(s.lang(), "time.within", 1, map[string]any{"Window": cfg.Catalog.Duration(s.lang(), cfg.Window)})
	}
	data := map[string]any{"ID": caseID, "Window": cfg.Catalog.Duration(s.lang(), cfg.Window), "Within": within}
	switch s.End {
	case HumanAsked:
		r.say("ack.human")
		r.sayWith("open.human", data)
	case Withdrew:
		r.sayWith("open.withdrawn", data)
	case GaveUp:
		r.sayWith("open.incomplete", data)
	default:
		r.sayWith("open.confirmed", data)
	}
	if s.Urged && s.End != Withdrew {
		r.say("close.urged")
	}
	return r.String()
}

// CaseSummary is the one-paragraph summary of the facts kept on the case,
// in the customer's language: what they confirmed, in the third person.
// The outcome is not in it: the case card shows it in the team's language.
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

func ackLevel(e Emotion) string { return e.String() }

func reackLevel(e Emotion) string {
	if e >= Angry {
		return "angry"
	}
	return "upset"
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
