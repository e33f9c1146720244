package bot

import (
	"strings"
	"unicode/utf8"
)

// TextUnit is how a platform measures the length of a message's text.
type TextUnit int

// The units.
const (
	Bytes TextUnit = iota // WeCom: 2,048 bytes of UTF-8
	Runes                 // Slack: 4,000 characters
)

// size is the length of s in the unit.
func (u TextUnit) size(s string) int {
	if u == Runes {
		return utf8.RuneCountInString(s)
	}
	return len(s)
}

// prefix is the byte length of the longest start of s that is at most max
// units long and ends at a character boundary.
func (u TextUnit) prefix(s string, max int) int {
	if u == Runes {
		n := 0
		for i := range s {
			if n == max {
				return i
			}
			n++
		}
		return len(s)
	}
	cut := min(max, len(s))
	for cut > 0 && cut < len(s) && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return cut
}

// splitSeps are where a long text is cut, best first: a line's end, a
// sentence's end, a clause's end, a space.
var splitSeps = []string{"\n", "。", "！", "？", ". ", "! ", "? ", "；", "，", " "}

// SplitText cuts text into pieces of at most max units each, at a line's
// end where it can, else at a sentence's end, else at a space, else between
// two characters, keeping every character (spaces at the cuts aside). A
// text that fits is returned as the only piece. Adapters use it for
// platforms' text limits, and the engine to count what a text costs a
// platform's message budget.
func SplitText(text string, max int, u TextUnit) []string {
	var out []string
	for max > 0 && u.size(text) > max {
		cut := u.prefix(text, max)
		if cut == 0 {
			_, cut = utf8.DecodeRuneInString(text)
		}
		head := text[:cut]
		for _, sep := range splitSeps {
			if i := strings.LastIndex(head, sep); i > 0 && u.size(head[:i]) >= max/2 {
				cut = i + len(sep)
				break
			}
		}
		out = append(out, strings.TrimSpace(text[:cut]))
		text = strings.TrimSpace(text[cut:])
	}
	if text != "" || len(out) == 0 {
		out = append(out, text)
	}
	return out
}
