package flows

import (
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Analyze reads one piece of customer text: its language, emotion, risks,
// intents, complainer hints and the facts it states. It never panics, for
// any input, and reads no clock: relative dates are resolved against
// ctx.Now, in its location (with a zero Now only dates written with their
// year are read).
//
// Every Finding.Span is a substring of the text as written, after invalid
// UTF-8 has been replaced by U+FFFD; only the first 32 KiB of a longer text
// are read. Every Value is valid UTF-8. A When finding's Date is midnight of
// a day not after the day following ctx.Now (a When of Kind WhenUses, a
// count of uses, has none); a Deadline's Date is midnight of a day not
// before ctx.Now's.
//
// Traditional characters are read as their simplified forms, so every
// Chinese rule works on traditional text too; values and spans keep the
// characters as written.
//
// The cost grows with the length of the text, not faster: over the
// messages of the conversation corpus, a median of about 40 µs and a 99th
// percentile of about 0.3 ms on one core of a 2026 server
// (BenchmarkAnalyzeCorpusMessages), and about 15–40 ms for 16 KiB. The
// first Chinese text loads the word list of the segmenter (about 0.2–0.4 s
// and 16 MB, once; see Prepare). An English sentence with a month or
// weekday name the rules here do not read costs about half a millisecond
// more (see readFallbackDates).
func Analyze(text string, ctx Context) (a Analysis) {
	defer func() {
		// Analyze is called on every customer message; a bug in one rule
		// must cost that message its reading, not the process. The tests
		// and the fuzz target call analyze, so such a bug still fails them.
		if recover() != nil {
			a = Analysis{}
		}
	}()
	return analyze(text, ctx)
}

// analyze is Analyze without the guard against panics.
func analyze(text string, ctx Context) (a Analysis) {
	u := prepareUtterance(text)
	r := &reading{u: u, ctx: ctx}
	r.cal, r.hasNow = newCalendar(ctx.Now)
	r.lang = u.language()

	r.readContacts()
	r.readDeadlines()
	r.readEventDeadlines()
	r.readDates()
	r.readMoney()
	r.readPhones()
	r.readOrders()
	r.readPlaces()
	r.readImpacts()
	r.readOutcomes()
	r.readDeadlineOutcomes()
	r.readContactPreferences()
	r.markNegated()

	a.Lang = r.lang
	a.Traditional = u.traditional
	a.Emotion, a.Signals = r.emotion()
	a.Risks = r.risks()
	a.Hazard = r.hazard()
	r.readGrievances()
	a.Intents = r.intents()
	r.readExpected(a.Intents)
	r.corrects = a.Has(Corrects) || a.Has(No)
	r.readProducts()
	a.Venting = a.Emotion >= Upset || r.hasSignal(a.Signals, signalDistress) || r.hasSense(senseTreatment)
	a.Topic = r.topic()
	a.Findings = r.findings()
	a.Complaint = len(r.grievances) > 0
	a.Hints = r.hints(a)
	return a
}

// reading is the state of one call of Analyze.
type reading struct {
	u      *utterance
	ctx    Context
	cal    calendar
	hasNow bool
	lang   Lang

	claims      []bool           // per byte of norm: already read as a fact
	perSlot     map[Slot]int     // findings added, per slot
	phoneChecks int              // numbers checked by readPhone
	found       []locatedFinding // facts, in the order read
	grievances  []grievance      // complaint sentences, best first
	corrects    bool             // the text corrects something said before
	deadlines   []span           // the deadlines read
}

// locatedFinding is a finding with where it was read in the normalised
// text.
type locatedFinding struct {
	Finding
	at span
}

// claimed reports whether s overlaps a range already read as a fact.
func (r *reading) claimed(s span) bool {
	if r.claims == nil {
		return false
	}
	for i := max(s.start, 0); i < min(s.end, len(r.claims)); i++ {
		if r.claims[i] {
			return true
		}
	}
	return false
}

// claim marks s as read, so later rules do not read it again.
func (r *reading) claim(s span) {
	if r.claims == nil {
		r.claims = make([]bool, len(r.u.norm))
	}
	for i := max(s.start, 0); i < min(s.end, len(r.claims)); i++ {
		r.claims[i] = true
	}
}

// maxFindingsPerSlot bounds the facts of one slot read from one text: a
// message that names more than a few dates or numbers is not telling a
// complaint, and the bound keeps the cost of a long text linear.
const maxFindingsPerSlot = 12

// full reports whether slot s has all the findings one text may give.
func (r *reading) full(s Slot) bool { return r.perSlot[s] >= maxFindingsPerSlot }

// add records a finding read from the normalised range at; Span is set to
// the words as written. Findings past maxFindingsPerSlot are dropped.
func (r *reading) add(f Finding, at span) {
	if r.full(f.Slot) {
		return
	}
	if r.perSlot == nil {
		r.perSlot = map[Slot]int{}
	}
	r.perSlot[f.Slot]++
	if f.Span == "" {
		f.Span = strings.TrimSpace(r.u.source(at.start, at.end))
	}
	f.Value = strings.ToValidUTF8(f.Value, "\uFFFD")
	r.found = append(r.found, locatedFinding{Finding: f, at: at})
}

// has reports whether a finding of slot s (and kind, when not "") was read.
func (r *reading) has(s Slot, kind string) bool {
	for _, f := range r.found {
		if f.Slot == s && (kind == "" || f.Kind == kind) && !f.Negated {
			return true
		}
	}
	return false
}

// hasSense reports whether a keyword of the sense occurs.
func (r *reading) hasSense(s lexSense) bool {
	for _, h := range r.u.hits {
		if h.lex.sense == s {
			return true
		}
	}
	return false
}

// hitsOf returns the keyword hits of the sense.
func (r *reading) hitsOf(s lexSense) []lexHit {
	var out []lexHit
	for _, h := range r.u.hits {
		if h.lex.sense == s {
			out = append(out, h)
		}
	}
	return out
}

// findings returns the facts in fact-sheet order (then in the order they
// appear in the text), without duplicates.
func (r *reading) findings() []Finding {
	for _, g := range r.grievances {
		r.found = append(r.found, locatedFinding{Finding: g.finding, at: g.at})
	}
	rank := map[Slot]int{}
	for i, s := range Slots {
		rank[s] = i
	}
	sort.SliceStable(r.found, func(i, j int) bool {
		a, b := r.found[i], r.found[j]
		if rank[a.Slot] != rank[b.Slot] {
			return rank[a.Slot] < rank[b.Slot]
		}
		if a.Slot == Grievance {
			return a.Kind == "" && b.Kind != "" // the main grievance first
		}
		return a.at.start < b.at.start
	})
	type key struct {
		slot    Slot
		value   string
		kind    string
		negated bool
	}
	seen := map[key]bool{}
	var out []Finding
	for _, f := range r.found {
		k := key{f.Slot, f.Value, f.Kind, f.Negated}
		if seen[k] || f.Value == "" {
			continue
		}
		seen[k] = true
		out = append(out, f.Finding)
	}
	return out
}

// language tells which language the text is written in: Chinese when its
// Han characters carry the sentence, English when words in other scripts
// do, "" when there are no words at all (emoji, digits, punctuation, order
// numbers).
func (u *utterance) language() Lang {
	switch {
	case u.han == 0 && u.words == 0:
		return ""
	case u.han == 0:
		if !u.hasRealWord() {
			return ""
		}
		return EN
	case u.words == 0:
		return ZH
	}
	// A Chinese word is one or two characters: Han characters carry the
	// sentence when they are at least as many words as the others.
	if 2*u.han >= 3*u.words {
		return ZH
	}
	return EN
}

// hasRealWord reports whether the text has a word of letters only (not an
// order number such as B77 or A1B2C3).
func (u *utterance) hasRealWord() bool {
	start := -1
	for i := 0; i <= len(u.norm); i++ {
		var c byte = ' '
		if i < len(u.norm) {
			c = u.norm[i]
		}
		if isASCIIAlnum(c) || c >= 0x80 {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			w := u.norm[start:i]
			letters := true
			for _, r := range w {
				if !unicode.IsLetter(r) {
					letters = false
					break
				}
			}
			if letters && w != "" {
				return true
			}
			start = -1
		}
	}
	return false
}

// trimmedSource returns the words as written for [i, j) of norm, trimmed
// of spaces and punctuation at both ends.
func (r *reading) trimmedSource(i, j int) string {
	i, j = r.u.trim(i, j)
	return r.u.source(i, j)
}

// cutRunes returns s cut to at most n runes, at the last clause or word
// break before the limit when there is one, with "…" when cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := firstRunes(s, n)
	if k := strings.LastIndexAny(cut, ",，、;；。.!?！？ "); k > len(cut)/2 {
		cut = cut[:k]
	}
	return strings.TrimRightFunc(cut, isTrimmable) + "…"
}

// dateValue formats a day as a When value.
func dateValue(t time.Time) string { return t.Format("2006-01-02") }
