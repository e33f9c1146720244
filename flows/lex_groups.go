package flows

import (
	"strings"
	"sync"
)

// lexGroup is a list of keywords that share one sense. Keywords are
// separated by "|" and written normalised: simplified Chinese, lower-case
// ASCII, straight apostrophes (a test checks this).
type lexGroup struct {
	sense  lexSense
	arg    string
	weight int8
	answer answerRule
	words  string
}

// lexicon matches every keyword of every language in one pass. It is
// built on first use (some 20 ms and 10 MB), not when a program that links
// flows starts.
var lexicon = sync.OnceValue(func() *lexMatcher { return newLexMatcher(expandLexGroups(allLexGroups...)) })

// allLexGroups are every keyword group of the lexicon.
var allLexGroups = [][]lexGroup{lexGroupsZH, lexGroupsEN, lexGroupsPlaces, lexGroupsMore}

// expandLexGroups turns keyword groups into one lexeme per keyword and sense.
func expandLexGroups(lists ...[]lexGroup) []lexeme {
	var out []lexeme
	for _, groups := range lists {
		for _, g := range groups {
			for _, w := range strings.Split(g.words, "|") {
				w = strings.TrimSpace(w)
				if w == "" {
					continue
				}
				out = append(out, lexeme{word: w, sense: g.sense, arg: g.arg, weight: g.weight, answer: g.answer})
			}
		}
	}
	return out
}
