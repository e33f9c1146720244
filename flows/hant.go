package flows

import (
	"strings"
	"unicode/utf8"
)

// hantToHans maps each traditional Chinese character of hantPairs to its
// simplified form. It is built once, at package initialisation, from the
// generated table in hant_table.go (about 4,100 pairs, taken from OpenCC:
// every character OpenCC converts one-to-one, which covers far more than the
// 1,500 most common characters that differ).
var hantToHans = buildHantMap(hantPairs)

// hantAmbiguous lists traditional characters that are also ordinary
// characters of simplified text (于 is written 於 as a surname, 乾隆, 馀/余
// …). They are converted, but alone they do not mark a text as traditional.
const hantAmbiguous = "乾於夥徵餘麼蘋鍾祇著藉覆瞭"

// buildHantMap reads pairs written as the traditional character followed by
// its simplified form.
func buildHantMap(pairs string) map[rune]rune {
	m := make(map[rune]rune, utf8.RuneCountInString(pairs)/2)
	var trad rune = -1
	for _, r := range pairs {
		if trad < 0 {
			trad = r
			continue
		}
		m[trad] = r
		trad = -1
	}
	return m
}

// hansRune returns the simplified form of r (r itself when it has none) and
// whether r shows the text is written in traditional characters.
func hansRune(r rune) (rune, bool) {
	if r < 0x3400 {
		return r, false
	}
	s, ok := hantToHans[r]
	if !ok {
		return r, false
	}
	return s, !strings.ContainsRune(hantAmbiguous, r)
}

// toHans returns s with every traditional character replaced by its
// simplified form, one character for one, so the result has exactly as many
// runes as s. The conversion is by character, not by phrase: it is meant
// for matching keywords, not for showing text to people.
func toHans(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		h, _ := hansRune(r)
		b.WriteRune(h)
	}
	return b.String()
}
