package flows

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// nearScan runs a regular expression only near the words it cannot match
// without. Go's regexp engine tries a pattern that starts with optional
// words (上周三: `(上上|上|这|本)?个?(周|星期|礼拜)…`) at every position of
// the text, which costs tens of microseconds per pattern on a message and
// tens of milliseconds on a long one; looking for the needle first with
// strings.Index skips the text that cannot match.
//
// The text around every needle, from before bytes before it to after bytes
// after it (widened to whole words and characters), is searched; windows
// that touch are merged. A match reaching further from its needle would be
// missed, so the margins are set above the longest match of the pattern on
// each side of its needle.
type nearScan struct {
	re            *regexp.Regexp
	words         []string // needles; any occurrence opens a window
	digits        bool     // every run of ASCII digits opens a window too
	before, after int
}

// maxWiden bounds how far a window is widened to take in a whole word.
const maxWiden = 32

// maxScanMatches bounds the matches of one pattern in one text; with
// maxFindingsPerSlot it keeps the cost of a long text linear.
const maxScanMatches = 64

// findAll returns the matches of the pattern in s, as
// FindAllStringSubmatchIndex would on the whole of s, up to maxScanMatches.
func (ns nearScan) findAll(s string) [][]int {
	windows := ns.windows(s)
	var out [][]int
	for _, w := range windows {
		if len(out) >= maxScanMatches {
			break
		}
		for _, loc := range ns.re.FindAllStringSubmatchIndex(s[w.start:w.end], maxScanMatches-len(out)) {
			for i := range loc {
				if loc[i] >= 0 {
					loc[i] += w.start
				}
			}
			out = append(out, loc)
		}
	}
	return out
}

// windows returns the merged windows of s around the needles.
func (ns nearScan) windows(s string) []span {
	var raw []span
	open := func(i, j int) {
		start, end := max(0, i-ns.before), min(len(s), j+ns.after)
		// Widen to whole characters, and to whole words so that \b at
		// the window's ends means what it means in the text; a word longer
		// than maxWiden (a hash, a run of digits) is cut, so that the cost
		// stays linear.
		for k := 0; start > 0 && (!utf8.RuneStart(s[start]) || k < maxWiden && isASCIIAlnum(s[start-1]) && isASCIIAlnum(s[start])); k++ {
			start--
		}
		for k := 0; end < len(s) && (!utf8.RuneStart(s[end]) || k < maxWiden && isASCIIAlnum(s[end-1]) && isASCIIAlnum(s[end])); k++ {
			end++
		}
		raw = append(raw, span{start, end})
	}
	for _, w := range ns.words {
		for k := 0; ; {
			i := strings.Index(s[k:], w)
			if i < 0 {
				break
			}
			open(k+i, k+i+len(w))
			k += i + len(w)
		}
	}
	if ns.digits {
		for i := 0; i < len(s); i++ {
			if isDigit(s[i]) {
				j := i
				for j < len(s) && isDigit(s[j]) {
					j++
				}
				open(i, j)
				i = j
			}
		}
	}
	if len(raw) == 0 {
		return nil
	}
	sort.Slice(raw, func(i, j int) bool { return raw[i].start < raw[j].start })
	merged := raw[:1]
	for _, w := range raw[1:] {
		last := &merged[len(merged)-1]
		if w.start <= last.end {
			last.end = max(last.end, w.end)
			continue
		}
		merged = append(merged, w)
	}
	return merged
}
