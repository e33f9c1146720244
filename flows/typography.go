package flows

import (
	"strings"
	"unicode"
)

// zhTypography sets Chinese text the way Chinese is typeset: a space
// between Chinese characters and Latin words (同事 bob 已经, 这个 iPhone 15
// 的订单号) and full-width punctuation after a Chinese character (，！？：；).
// The customer's own words, quoted in “…” or 「…」, are left as written.
// Digits are not spaced (11月18日 reads well), and a half-width mark
// between two digits (10:00, 1,200) stays.
func zhTypography(s string) string {
	if !HasHan(s) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	depth := 0
	for i, r := range rs {
		switch r {
		case '“', '「':
			depth++
		case '”', '」':
			if depth > 0 {
				depth--
			}
		}
		if depth > 0 && r != '“' && r != '「' {
			b.WriteRune(r)
			continue
		}
		var prev rune
		if i > 0 {
			prev = rs[i-1]
		}
		isHan := unicode.Is(unicode.Han, r)
		prevHan := unicode.Is(unicode.Han, prev)
		if isHan && (isLatinLetter(prev) || latinNumber(rs, i)) || isLatinLetter(r) && prevHan {
			b.WriteByte(' ')
		}
		if prevHan {
			if fw, ok := fullWidth[r]; ok {
				b.WriteRune(fw)
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fullWidth maps the half-width marks set full-width after a Chinese
// character.
var fullWidth = map[rune]rune{',': '，', '!': '！', '?': '？', ':': '：', ';': '；'}

// isLatinLetter reports whether r is an ASCII letter.
func isLatinLetter(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }

// latinNumber reports whether the runes before i end with a number that
// belongs to a Latin name: "iPhone 15", "X200".
func latinNumber(rs []rune, i int) bool {
	j := i - 1
	for j >= 0 && rs[j] >= '0' && rs[j] <= '9' {
		j--
	}
	if j == i-1 || j < 0 {
		return false
	}
	if isLatinLetter(rs[j]) {
		return true
	}
	return rs[j] == ' ' && j > 0 && isLatinLetter(rs[j-1])
}
