package flows

import (
	"regexp"
	"strings"
	"time"

	dps "github.com/markusmobius/go-dateparser"
	"github.com/markusmobius/go-dateparser/date"
)

// The English date rules of dates_en.go read the forms customers use most.
// For the rest ("the Tuesday before last", "a fortnight ago on Friday",
// "3 days back", "Tue the 4th") go-dateparser is asked, as a fallback only:
//
//   - it is wrong on common Chinese forms (上周三, 3月5日, 上个月15号), so it
//     is only given English;
//   - it reads false dates in English ("I may want a refund" → May, "now",
//     "a second time", "on the 12th" in the wrong year), so its results are
//     filtered and must carry a date word;
//   - it costs about 0.4 ms a call (the rules cost microseconds), so it is
//     only called for a sentence that has a date word the rules left
//     unread, at most twice a text, on at most 300 bytes;
//   - it is a large library; a panic inside it must not cost the reading,
//     so the call is guarded.
//
// Importing it cost every program that imports flows about 0.4 s and
// 95 MB of allocations at start-up (its language data compiled some
// 100,000 regular expressions in init). go.mod replaces it with a copy
// whose expressions compile, and locale tables are built, on first use
// (third_party/go-dateparser, PATCHED.md): under 2 ms at start-up, and
// 20-75 ms at the first search, which Prepare does in the background.

// fallbackDateWordRe finds the words that make a sentence worth giving to
// go-dateparser: month and weekday names. The relative words ("ago",
// "yesterday") are all read by the rules; they are not worth a call.
var fallbackDateWordRe = regexp.MustCompile(`\b(january|february|march|april|june|july|august|september|october|november|december|` +
	`monday|tuesday|wednesday|thursday|friday|saturday|sunday|fortnight|before last)\b`)

// fallbackStopTexts are results go-dateparser reads from ordinary words.
var fallbackStopTexts = map[string]bool{"may": true, "now": true, "second": true, "a second": true, "sec": true, "today": true,
	"march": true, "sun": true, "sat": true, "wed": true, "mon": true, "back": true, "ago": true, "min": true, "a min": true}

// fallbackNeedles are the words fallbackDateWordRe cannot match without.
var fallbackNeedles = []string{"jan", "feb", "march", "april", "june", "july", "aug", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday",
	"thursday", "friday", "saturday", "sunday", "fortnight", "before last"}

// fallbackDateWordScan finds the date words of a text.
var fallbackDateWordScan = nearScan{re: fallbackDateWordRe, words: fallbackNeedles, after: 12}

// maxFallbackCalls bounds the go-dateparser calls of one text.
const maxFallbackCalls = 2

// readFallbackDates asks go-dateparser about English sentences that have a
// date word no rule has read.
func (r *reading) readFallbackDates() {
	if !r.hasNow {
		return
	}
	// Sentences with a month or weekday name that no rule has read.
	var todo []int
	for _, loc := range fallbackDateWordScan.findAll(r.u.norm) {
		at := span{loc[0], loc[1]}
		k := r.u.sentenceAt(at.start)
		if r.claimed(at) || k < 0 || len(todo) > 0 && todo[len(todo)-1] == k {
			continue
		}
		if len(todo) == maxFallbackCalls {
			break
		}
		todo = append(todo, k)
	}
	for _, k := range todo {
		s := r.u.sentences[k]
		text := r.u.norm[s.start:s.end]
		if len(text) > 300 {
			continue
		}
		for _, res := range searchDates(text, r.ctx.Now) {
			found := strings.ToLower(res.Text)
			k := strings.Index(text, found)
			if k < 0 || found == "" {
				continue
			}
			at := span{s.start + k, s.start + k + len(found)}
			if r.claimed(at) || !fallbackResultOK(res.Text, res.Date) {
				continue
			}
			t := res.Date.Time.In(r.cal.loc)
			day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, r.cal.loc)
			switch res.Date.Period {
			case date.Month:
				day = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, r.cal.loc) // a month is read as its first day
			case date.Year:
				day = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, r.cal.loc)
			}
			if day.Before(r.cal.today.AddDate(-10, 0, 0)) {
				continue
			}
			r.addDate(dateReading{at: at, day: day, approx: res.Date.Period == date.Month || res.Date.Period == date.Year})
		}
	}
}

// fallbackResultOK keeps the results of go-dateparser that name a date:
// not a time of day, not a false friend, and with a date word in them.
func fallbackResultOK(text string, d date.Date) bool {
	t := strings.ToLower(strings.TrimSpace(text))
	if d.IsZero() || d.Period.IsTime() || fallbackStopTexts[t] {
		return false
	}
	return fallbackDateWordRe.MatchString(t)
}

// searchDates calls go-dateparser, turning a panic into no result.
func searchDates(text string, now time.Time) (out []dps.SearchResult) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	cfg := &dps.Configuration{CurrentTime: now, PreferredDateSource: dps.Past, Languages: []string{"en"}}
	_, out, err := dps.Search(cfg, text)
	if err != nil {
		return nil
	}
	return out
}
