package flows

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// burst is the reading of one burst of messages.
type burst struct {
	msgs      []Message
	analyses  []Analysis
	findings  []sourced // every finding of the messages that are not asides, negated ones included
	intents   map[Intent]bool
	emotion   Emotion
	vented    bool
	complaint bool
	media     int
	kinds     []string
	zh, en    int    // how much of the burst is in each language (units)
	aside     []bool // per message: a question or a remark about something else
}

type sourced struct {
	Finding
	msg string
	i   int // the message it came from
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

func (b *burst) hasNegated(slot Slot) bool {
	for _, f := range b.findings {
		if f.Slot == slot && f.Negated {
			return true
		}
	}
	return false
}

// plainText is the burst's text, messages joined with a space; asides are
// left out.
func (b *burst) plainText() string {
	var parts []string
	for i, m := range b.msgs {
		if b.aside[i] {
			continue
		}
		if t := normalizeSpace(m.Text); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}

// skipWords name the fact a customer says they cannot give: "没有订单号"
// is about the order, whatever was asked.
var skipWords = []struct {
	slot  Slot
	words []string
}{
	{Order, []string{"订单号", "单号", "型号", "order number", "order no", "order #", "model number", "receipt"}},
	{When, []string{"日期", "哪天", "几号", "什么时候", "the date", "which day", "when exactly"}},
	{Where, []string{"哪家店", "哪个店", "门店", "which store", "which shop", "the store"}},
}

// skipNamed is the fact a skip names ("不记得订单号" → Order), or "".
func (b *burst) skipNamed() Slot {
	t := FoldText(b.plainText())
	for _, sw := range skipWords {
		for _, w := range sw.words {
			if strings.Contains(t, w) {
				return sw.slot
			}
		}
	}
	return ""
}

// onlyIntents reports whether every message of the burst that is not an
// aside is a bare short answer (yes, no, thanks, a greeting, "不知道"…)
// with nothing else in it.
func (b *burst) onlyIntents() bool {
	for i, m := range b.msgs {
		t := normalizeSpace(m.Text)
		if t == "" || b.aside[i] {
			continue
		}
		if !isFiller(b.analyses[i], t) {
			return false
		}
	}
	return true
}

// isFiller reports whether a message carries nothing but short answer
// words: a yes, a no, thanks, "嗯嗯", "ok", "不知道", "no idea".
func isFiller(a Analysis, t string) bool {
	if len(a.Findings) > 0 || a.Complaint {
		return false
	}
	if len(a.Intents) > 0 && utf8.RuneCountInString(t) <= 16 {
		return true
	}
	u := prepareUtterance(t)
	r := &reading{u: u}
	return r.coveredBy(span{0, len(u.norm)}, func(lx *lexeme) bool { return lx.sense == senseFiller || lx.sense == senseIntent })
}

// onlyAsides reports whether every message with words is a question or a
// remark about something else (greetings may stand with them).
func (b *burst) onlyAsides() bool {
	any := false
	for i, m := range b.msgs {
		if strings.TrimSpace(m.Text) == "" {
			continue
		}
		if b.aside[i] {
			any = true
			continue
		}
		if a := b.analyses[i]; len(a.Findings) > 0 || a.Complaint || !(a.Has(Greets) || a.Has(Chases) || a.Has(Thanks)) {
			return false
		}
	}
	return any
}

// asideKey is the catalogue key of the short answer to the burst's asides
// ("" when there are none): the bot says what it is when asked, passes a
// question on, and takes a joke kindly.
func (b *burst) asideKey() string {
	key := ""
	for i, a := range b.analyses {
		if !b.aside[i] {
			continue
		}
		switch {
		case a.Has(AsksBot):
			return "note.bot"
		case a.Has(Questions):
			key = "note.question"
		case key == "":
			key = "note.chat"
		}
	}
	return key
}

// narrative returns the first message of the burst that tells something at
// length (at least ten Chinese characters or five English words) and is
// not an aside or a bare request: the customer's own account, which is the
// grievance when no rule found one.
func (b *burst) narrative() (string, string) {
	for i, m := range b.msgs {
		if b.aside[i] {
			continue
		}
		a := b.analyses[i]
		t := normalizeSpace(m.Text)
		zh, en := textUnits(t)
		if zh+en < 10 || a.Has(Yes) && zh+en < 16 || a.Has(No) && zh+en < 16 || isFiller(a, t) {
			continue
		}
		outcome := false
		for _, f := range a.Findings {
			outcome = outcome || f.Slot == Outcome
		}
		if outcome && zh+en < 20 {
			continue // "我要退款，越快越好"
		}
		return t, m.ID
	}
	return "", ""
}

// textUnits measures how much of a text is in each language: a Chinese
// character counts one, an English word (two letters or more) two, and
// each clause counts for its main language only.
func textUnits(t string) (zh, en int) {
	// Clause by clause, the clause's main language takes it: Latin words
	// inside a Chinese clause are names (我订的 iPhone 15 手机壳还没到), and
	// a Chinese word in an English clause is a name too.
	clauseZh, clauseEn, word := 0, 0, 0
	flush := func() {
		if word >= 2 {
			clauseEn += 2
		}
		word = 0
	}
	endClause := func() {
		flush()
		if clauseZh >= clauseEn {
			zh += clauseZh
		} else {
			en += clauseEn
		}
		clauseZh, clauseEn = 0, 0
	}
	for _, r := range t {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			clauseZh++
		case r < 0x80 && unicode.IsLetter(r):
			word++
		case strings.ContainsRune("，。！？；,.!?;\n", r):
			endClause()
		default:
			flush()
		}
	}
	endClause()
	return zh, en
}

// read reads every message of a burst: a question or a remark about
// something else is an aside, kept as a note, whose words are not read
// as facts.
func (s *State) read(msgs []Message) *burst {
	b := &burst{msgs: msgs, intents: map[Intent]bool{}}
	expect := s.Expect
	if s.FixSlot != "" {
		expect = s.FixSlot
	}
	for i, m := range msgs {
		a := Analyze(m.Text, Context{Now: m.At, Expect: expect})
		aside := a.Has(Questions) || a.Has(ChitChat) || a.Has(AsksBot)
		if answering := s.Phase == Confirming || s.Phase == AnythingElse; aside && answering && (a.Has(Yes) || a.Has(No) || a.Has(NothingElse)) {
			aside = false // "yes. how long does a return take?": an answer with a question
		}
		b.analyses = append(b.analyses, a)
		b.aside = append(b.aside, aside)
		if sc := ScriptOf(m.Text); sc != Simplified && (s.Script == Simplified || sc == TraditionalHK) {
			s.Script = sc
		}
		for _, in := range a.Intents {
			b.intents[in] = true
		}
		for _, k := range m.Media {
			b.media++
			b.kinds = append(b.kinds, k)
		}
		zh, en := textUnits(m.Text)
		b.zh += zh
		b.en += en
		if aside {
			s.Notes = appendUnique(s.Notes, clip(m.Text, 200))
			continue
		}
		for _, f := range a.Findings {
			b.findings = append(b.findings, sourced{f, m.ID, i})
		}
		if a.Emotion > b.emotion {
			b.emotion = a.Emotion
		}
		b.vented = b.vented || a.Venting
		b.complaint = b.complaint || a.Complaint
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
		if s.Hazard == "" && a.Hazard != "" {
			s.Hazard = a.Hazard
		}
		if s.Topic == "" && a.Topic != "" {
			s.Topic = a.Topic
		}
	}
	if b.has(Urges) {
		// An urging raises the feeling (P5): a hurried customer is at least
		// upset.
		s.Urged = true
		if b.emotion < Upset {
			b.emotion = Upset
		}
	}
	if b.emotion > s.Emotion {
		s.Emotion = b.emotion
	}
	s.LastEmotion = b.emotion
	s.Media += b.media
	return b
}

// pickLang settles the language to answer in: the conversation's main
// language, measured over everything the customer wrote, so that one
// English sentence in a Chinese conversation does not switch it; a
// customer who asks for a language gets it.
func (s *State) pickLang(b *burst, cfg Config) {
	s.ZhUnits += b.zh
	s.EnUnits += b.en
	switch {
	case b.has(SpeaksZH):
		s.Lang, s.LangAsked = ZH, true
		return
	case b.has(SpeaksEN):
		s.Lang, s.LangAsked = EN, true
		return
	case s.LangAsked:
		return
	}
	switch {
	case s.ZhUnits == 0 && s.EnUnits == 0:
		if s.Lang == "" {
			s.Lang = cfg.Lang
		}
		if s.Lang == "" {
			s.Lang = ZH
		}
	case s.ZhUnits >= s.EnUnits:
		s.Lang = ZH
	default:
		s.Lang = EN
	}
}
