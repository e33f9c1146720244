package flows

import "sort"

// lexSense is what a lexicon keyword tells about a text.
type lexSense uint8

// The senses a keyword can carry. One keyword may carry several senses (a
// lexicon entry per sense).
const (
	senseNone      lexSense = iota // blocks shorter keywords inside it ("对了" hides "对")
	senseAngry                     // a word of anger or upset; weight is its strength
	senseInsult                    // an insult aimed at the company or staff
	senseDistress                  // distress: 崩溃, 失眠, can't sleep
	senseRisk                      // arg is a Risk
	senseIntent                    // arg is an Intent; see lexeme.answer
	senseOutcome                   // arg is an outcome kind; weight 0 marks a weak cue ("为什么")
	senseProblem                   // something went wrong with a product or service
	senseTreatment                 // how the customer was treated: rude, ignored, 踢皮球
	senseOnline                    // an online shop; arg is its display name ("" for generic)
	senseCity                      // a city
	senseChain                     // a chain store brand (IKEA, 沃尔玛)
	senseProduct                   // a product named as a common noun
	senseHint                      // arg is a Complainer type
	senseContact                   // arg is a contact kind: call, chat, email, wechat
	senseReason                    // a reasoning connective (因为, because)
	senseFiller                    // a word that carries nothing in a short answer
	senseRequest                   // a word that only asks: 我要, 希望, "I want", "please"
	senseQuestion                  // opens a question about something else: 顺便问一下, "do you sell"
	senseChat                      // marks chit-chat: 哈哈, lol, btw
	senseDamage                    // damages something else than the product: 弄坏, 刮花, ruined, stained
)

// answerRule says when an intent keyword counts.
type answerRule uint8

const (
	anywhere  answerRule = iota // wherever it occurs
	leading                     // only at the start of the text, as a short answer (yes, no, 没有了)
	shortOnly                   // only when the whole text is short (skip, 算了)
)

// lexeme is one keyword sense.
type lexeme struct {
	word   string // normalised: simplified Chinese, lower-case ASCII
	sense  lexSense
	arg    string
	weight int8
	answer answerRule
}

// lexHit is one keyword occurrence in the normalised text.
type lexHit struct {
	start, end int // byte offsets in the normalised text
	lex        *lexeme
}

// lexMatcher finds every keyword of a lexicon in one pass over a text (an
// Aho-Corasick automaton over bytes), so the cost of matching is linear in
// the text whatever the size of the lexicon.
type lexMatcher struct {
	next   []map[byte]int32 // goto function per state
	fail   []int32
	out    [][]int32 // lexeme indexes ending at a state (own and by failure links)
	lexes  []lexeme
	wordOf []int // per lexeme: the word length in bytes
}

// newLexMatcher builds the automaton for the lexemes. Lexemes with an empty
// word are ignored.
func newLexMatcher(lexes []lexeme) *lexMatcher {
	m := &lexMatcher{next: []map[byte]int32{{}}, fail: []int32{0}, out: [][]int32{nil}, lexes: lexes}
	m.wordOf = make([]int, len(lexes))
	for i, lx := range lexes {
		if lx.word == "" {
			continue
		}
		m.wordOf[i] = len(lx.word)
		s := int32(0)
		for j := 0; j < len(lx.word); j++ {
			c := lx.word[j]
			t, ok := m.next[s][c]
			if !ok {
				t = int32(len(m.next))
				m.next = append(m.next, map[byte]int32{})
				m.fail = append(m.fail, 0)
				m.out = append(m.out, nil)
				m.next[s][c] = t
			}
			s = t
		}
		m.out[s] = append(m.out[s], int32(i))
	}
	// Breadth-first failure links.
	queue := make([]int32, 0, len(m.next))
	for _, t := range m.next[0] {
		queue = append(queue, t)
	}
	sort.Slice(queue, func(i, j int) bool { return queue[i] < queue[j] })
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		keys := make([]int, 0, len(m.next[s]))
		for c := range m.next[s] {
			keys = append(keys, int(c))
		}
		sort.Ints(keys)
		for _, k := range keys {
			c := byte(k)
			t := m.next[s][c]
			queue = append(queue, t)
			f := m.fail[s]
			for {
				if u, ok := m.next[f][c]; ok && u != t {
					m.fail[t] = u
					break
				}
				if f == 0 {
					m.fail[t] = 0
					break
				}
				f = m.fail[f]
			}
			m.out[t] = append(m.out[t], m.out[m.fail[t]]...)
		}
	}
	return m
}

// find returns every occurrence of every keyword in s, in order of end
// offset. English keywords (those starting or ending with an ASCII letter or
// digit) only match whole words: the byte before and after must not be an
// ASCII letter or digit.
func (m *lexMatcher) find(s string) []lexHit {
	var hits []lexHit
	state := int32(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		for {
			if t, ok := m.next[state][c]; ok {
				state = t
				break
			}
			if state == 0 {
				break
			}
			state = m.fail[state]
		}
		for _, li := range m.out[state] {
			lx := &m.lexes[li]
			end := i + 1
			start := end - m.wordOf[li]
			if isASCIIAlnum(lx.word[0]) && start > 0 && isASCIIAlnum(s[start-1]) {
				continue
			}
			if isASCIIAlnum(lx.word[len(lx.word)-1]) && end < len(s) && isASCIIAlnum(s[end]) {
				continue
			}
			hits = append(hits, lexHit{start: start, end: end, lex: lx})
		}
	}
	return hits
}

// isASCIIAlnum reports whether b is an ASCII letter or digit.
func isASCIIAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// dropContained removes every hit that lies inside a longer hit, so that a
// phrase wins over the words in it ("不对" over "对", "no idea" over "no",
// "抖音商城" over "抖音"). Hits of the same span (one keyword, several
// senses) are all kept. The result is ordered by start offset.
func dropContained(hits []lexHit) []lexHit {
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].start != hits[j].start {
			return hits[i].start < hits[j].start
		}
		return hits[i].end > hits[j].end
	})
	out := hits[:0]
	maxEnd, maxStart := -1, -1
	for _, h := range hits {
		if h.end <= maxEnd && !(h.start == maxStart && h.end == maxEnd) {
			continue
		}
		if h.end > maxEnd {
			maxEnd, maxStart = h.end, h.start
		}
		out = append(out, h)
	}
	return out
}
