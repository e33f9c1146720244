package flows

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxAnalyzedBytes bounds the text Analyze reads: a chat message longer than
// this is read only up to here (at a character boundary). It keeps the cost
// of one call bounded for any input.
const maxAnalyzedBytes = 32 << 10

// utterance is one customer text prepared for matching. The normalised form
// has exactly one rune for every rune of the source, so any match in it maps
// back to the words as the customer wrote them.
type utterance struct {
	// src is the text as written, with invalid UTF-8 replaced by U+FFFD
	// and cut to maxAnalyzedBytes. Every Span is a substring of it.
	src string
	// norm is src with traditional characters simplified, full-width
	// ASCII folded to ASCII, ASCII letters lower-cased, curly quotes made
	// straight and all white space but new lines made a plain space.
	norm string
	// toSrc maps a byte offset of norm (at a rune start, or len(norm)) to
	// the byte offset of the same rune in src.
	toSrc []int32

	traditional bool
	han         int // Han characters
	words       int // words of letters (any script but Han), like "order" or "I"

	hits      []lexHit // lexicon keywords found, longer ones hiding those inside them
	clauses   []span   // pieces between commas and sentence ends
	sentences []span   // pieces between sentence ends
}

// span is a byte range of the normalised text.
type span struct{ start, end int }

// analyzedText returns the text Analyze reads: cut to maxAnalyzedBytes at
// a character boundary, with invalid UTF-8 replaced by U+FFFD. Every Span
// is a substring of it.
func analyzedText(text string) string {
	if len(text) > maxAnalyzedBytes {
		cut := maxAnalyzedBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	return strings.ToValidUTF8(text, "\uFFFD")
}

// prepareUtterance normalises text for matching.
func prepareUtterance(text string) *utterance {
	src := analyzedText(text)
	u := &utterance{src: src}
	var b strings.Builder
	b.Grow(len(src))
	toSrc := make([]int32, 0, len(src)+1)
	inWord := false
	for i, r := range src {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0 // full-width ASCII
		}
		switch {
		case r == '\n':
		case r == 0x2018 || r == 0x2019 || r == 0x2032:
			r = '\''
		case r == 0x201C || r == 0x201D:
			r = '"'
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case unicode.IsSpace(r):
			r = ' '
		default:
			if h, trad := hansRune(r); h != r || trad {
				r = h
				u.traditional = u.traditional || trad
			}
		}
		isHan := unicode.Is(unicode.Han, r)
		if isHan {
			u.han++
		}
		letter := !isHan && unicode.IsLetter(r)
		if letter && !inWord {
			u.words++
		}
		inWord = letter || inWord && (r == '\'' || unicode.IsDigit(r))
		n := utf8.RuneLen(r)
		for k := 0; k < n; k++ {
			toSrc = append(toSrc, int32(i))
		}
		b.WriteRune(r)
	}
	toSrc = append(toSrc, int32(len(src)))
	u.norm = b.String()
	u.toSrc = toSrc
	u.hits = dropContained(lexicon().find(u.norm))
	u.split()
	return u
}

// source returns the words as written for the normalised byte range [i, j).
func (u *utterance) source(i, j int) string {
	if i < 0 {
		i = 0
	}
	if j > len(u.norm) {
		j = len(u.norm)
	}
	if i >= j {
		return ""
	}
	return u.src[u.toSrc[i]:u.toSrc[j]]
}

// isSentenceEnd reports whether the rune at byte i of norm ends a sentence.
func (u *utterance) isSentenceEnd(i int) bool {
	switch c := u.norm[i]; c {
	case '!', '?', ';', '\n':
		return true
	case '.':
		// A full stop, not a decimal point, an abbreviation dot or "…".
		prevDigit := i > 0 && isDigit(u.norm[i-1])
		nextDigit := i+1 < len(u.norm) && isDigit(u.norm[i+1])
		if prevDigit && nextDigit {
			return false
		}
		if i+1 < len(u.norm) && u.norm[i+1] != ' ' && u.norm[i+1] != '\n' && u.norm[i+1] < 0x80 {
			return false
		}
		return true
	}
	if strings.HasPrefix(u.norm[i:], "。") || strings.HasPrefix(u.norm[i:], "…") {
		return true
	}
	return false
}

// isClauseEnd reports whether the rune at byte i of norm ends a clause.
func (u *utterance) isClauseEnd(i int) bool {
	switch u.norm[i] {
	case ',', ':', '~':
		return true
	}
	return strings.HasPrefix(u.norm[i:], "、") || strings.HasPrefix(u.norm[i:], "——")
}

// split fills the clauses and sentences, trimmed of spaces and punctuation.
func (u *utterance) split() {
	sentStart, clauseStart := 0, 0
	for i := 0; i < len(u.norm); {
		_, n := utf8.DecodeRuneInString(u.norm[i:])
		switch {
		case u.isSentenceEnd(i):
			u.addPiece(&u.clauses, clauseStart, i)
			u.addPiece(&u.sentences, sentStart, i)
			sentStart, clauseStart = i+n, i+n
		case u.isClauseEnd(i):
			u.addPiece(&u.clauses, clauseStart, i)
			clauseStart = i + n
		}
		i += n
	}
	u.addPiece(&u.clauses, clauseStart, len(u.norm))
	u.addPiece(&u.sentences, sentStart, len(u.norm))
}

// addPiece appends [i, j) trimmed of spaces and punctuation, if anything is
// left.
func (u *utterance) addPiece(to *[]span, i, j int) {
	i, j = u.trim(i, j)
	if i < j {
		*to = append(*to, span{i, j})
	}
}

// trim narrows [i, j) of norm past leading and trailing spaces, punctuation
// and symbols.
func (u *utterance) trim(i, j int) (int, int) {
	for i < j {
		r, n := utf8.DecodeRuneInString(u.norm[i:j])
		if !isTrimmable(r) {
			break
		}
		i += n
	}
	for j > i {
		r, n := utf8.DecodeLastRuneInString(u.norm[i:j])
		if !isTrimmable(r) {
			break
		}
		j -= n
	}
	return i, j
}

// isTrimmable reports whether r may be cut from the ends of a clause: white
// space, punctuation, symbols and emoji, but not the # of "#12345" nor a
// currency sign.
func isTrimmable(r rune) bool {
	if r == '#' || r == '$' || r == '¥' || r == '€' || r == '£' || r == '+' {
		return false
	}
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.In(r, unicode.So, unicode.Sk, unicode.Mn) || r == 0xFE0F || r == 0x200D || r == utf8.RuneError
}

// clauseAt returns the clause holding byte offset i of norm, or the empty
// span at i when i is between clauses.
func (u *utterance) clauseAt(i int) span {
	if k := pieceAt(u.clauses, i); k >= 0 {
		return u.clauses[k]
	}
	return span{i, i}
}

// pieceAt returns the index of the piece holding byte i, or -1; pieces are
// ordered and do not overlap.
func pieceAt(pieces []span, i int) int {
	k := sort.Search(len(pieces), func(k int) bool { return pieces[k].end > i })
	if k < len(pieces) && pieces[k].start <= i {
		return k
	}
	return -1
}

// sentenceAt returns the index of the sentence holding byte i, or -1.
func (u *utterance) sentenceAt(i int) int { return pieceAt(u.sentences, i) }

// hitsIn returns the keyword hits that start within [s]; they may end
// after it. It costs a binary search.
func (u *utterance) hitsIn(s span) []lexHit {
	i := sort.Search(len(u.hits), func(k int) bool { return u.hits[k].start >= s.start })
	j := sort.Search(len(u.hits), func(k int) bool { return u.hits[k].start >= s.end })
	return u.hits[i:max(i, j)]
}

// clausesIn returns the clauses that lie within [s].
func (u *utterance) clausesIn(s span) []span {
	i := sort.Search(len(u.clauses), func(k int) bool { return u.clauses[k].start >= s.start })
	j := sort.Search(len(u.clauses), func(k int) bool { return u.clauses[k].end > s.end })
	return u.clauses[i:max(i, j)]
}

// units measures how much was said: a Han character counts one, any other
// word two (a Chinese word is one or two characters), so a short answer is
// short in either language.
func (u *utterance) units() int { return u.han + 2*u.words }

// isShort reports whether the text is a short answer rather than a story.
func (u *utterance) isShort() bool { return u.units() <= 24 }

// isDigit reports whether b is an ASCII digit.
func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// hasAlnum reports whether s holds a letter or digit of any script.
func hasAlnum(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// firstRunes returns s cut to at most n runes.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
