package flows

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// enMonths matches an English month name or its abbreviation.
const enMonths = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)`

// enWeekdays matches an English weekday name or its abbreviation.
const enWeekdays = `(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)`

// enCount matches a count written in digits or words.
const enCount = `(\d{1,3}|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|a couple of|a couple|couple of|a few|few|several|a half|half a)`

// agoNeedles are the words "two days ago" cannot be said without.
var agoNeedles = func() []string {
	var out []string
	for _, unit := range []string{"day", "night", "week", "fortnight", "month", "year", "hour"} {
		for _, s := range []string{"", "s"} {
			for _, w := range []string{" ago", " back", " earlier"} {
				out = append(out, unit+s+w)
			}
		}
	}
	return out
}()

// ordinalNeedles are the ends of "12th", "1st", "22nd", "3rd".
var ordinalNeedles = func() []string {
	var out []string
	for d := '0'; d <= '9'; d++ {
		for _, s := range []string{"st", "nd", "rd", "th"} {
			out = append(out, string(d)+s)
		}
	}
	return out
}()

// enMonthNeedles are the first letters of every month name.
var enMonthNeedles = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// enDateRule is one way of writing a date in English; see zhDateRule.
type enDateRule struct {
	name          string
	needles       []string // words the pattern cannot match without
	before, after int      // how far a match reaches before and after its needle
	re            *regexp.Regexp
	resolve       func(c calendar, m []string) (day time.Time, approx, ok bool)
}

// enDateRules are the English date rules, longest forms first; how
// relative days are resolved is told at the top of dates.go.
var enDateRules = []enDateRule{
	// November 3rd, Nov 3, 2025; Nov. 3
	{"monthDay", enMonthNeedles, 0, 24, regexp.MustCompile(`\b` + enMonths + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			return c.englishDay(monthNumber(m[1]), m[2], m[3])
		}},
	// 3rd of November, 3 Nov 2025
	{"dayMonth", enMonthNeedles, 16, 20, regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + enMonths + `\b\.?(?:,?\s+(\d{4})\b)?`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			return c.englishDay(monthNumber(m[2]), m[1], m[3])
		}},
	// on the 12th
	{"ordinal", ordinalNeedles, 16, 0, regexp.MustCompile(`\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			d, _ := strconv.Atoi(m[1])
			t, ok := c.dayOfMonth(0, d, false)
			return t, false, ok
		}},
	// the day before yesterday, yesterday, last night, today, this morning
	{"dayWord", []string{"the day before", "yesterday", "today", "last night", "this morning", "this afternoon", "this evening", "tonight"}, 0, 30, regexp.MustCompile(`\b(the day before yesterday|yesterday|last night|today|this morning|this afternoon|this evening|earlier today|tonight)\b`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			switch m[1] {
			case "the day before yesterday":
				return c.addDays(c.today, -2), false, true
			case "yesterday", "last night":
				return c.addDays(c.today, -1), false, true
			}
			return c.today, false, true
		}},
	// two days ago, about 3 weeks ago, a couple of months back
	{"ago", agoNeedles, 48, 12, regexp.MustCompile(`\b(about |around |roughly |almost |nearly |over |more than |maybe |like |approximately |just over |some )?` +
		enCount + `\s+(days?|nights?|weeks?|fortnights?|months?|years?|hours?)\s+(ago|back|earlier)\b`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			n, vague := englishCount(m[2])
			if n <= 0 || n > 400 {
				return time.Time{}, false, false
			}
			approx := vague || m[1] != ""
			unit := strings.TrimSuffix(m[3], "s")
			switch unit {
			case "day", "night":
				return c.addDays(c.today, -int(n)), approx, true
			case "week":
				return c.addDays(c.today, -int(n*7)), true, true
			case "fortnight":
				return c.addDays(c.today, -int(n*14)), true, true
			case "month":
				if n < 1 {
					return c.addDays(c.today, -15), true, true
				}
				return time.Date(c.today.Year(), c.today.Month()-time.Month(n), c.today.Day(), 0, 0, 0, 0, c.loc), true, true
			case "year":
				return time.Date(c.today.Year()-int(n), c.today.Month(), c.today.Day(), 0, 0, 0, 0, c.loc), true, true
			}
			back := c.now.Add(-time.Duration(n * float64(time.Hour)))
			return time.Date(back.Year(), back.Month(), back.Day(), 0, 0, 0, 0, c.loc), approx, n <= 72
		}},
	// the Tuesday before last
	{"weekdayBeforeLast", []string{"before last"}, 24, 0, regexp.MustCompile(`\b(?:the\s+|on\s+the\s+)?` + enWeekdays + `\s+before\s+last\b`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			wd := weekdayNumber(m[1])
			return c.weekdayOf(-2, wd), false, wd >= 0
		}},
	// last Tuesday, this Monday, on Friday, Sunday
	{"weekday", []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, 14, 10, regexp.MustCompile(`\b(?:(last|this past|this|on|past|previous)\s+)?` + enWeekdays + `\b`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			wd := weekdayNumber(m[2])
			if wd < 0 || m[1] == "" && len(m[2]) <= 4 {
				return time.Time{}, false, false // "sun", "sat", "wed" alone are words
			}
			switch m[1] {
			case "last", "previous":
				return c.weekdayOf(-1, wd), false, true
			case "this":
				t := c.weekdayOf(0, wd)
				return t, false, c.latest(t)
			}
			return c.lastWeekday(wd), false, true
		}},
	// the week before last, last week, this month, last weekend
	{"span", []string{"week", "month", "year"}, 24, 10, regexp.MustCompile(`\b(the week before last|the month before last|(?:last|this|the past|past|previous|this past)\s+(week|weekend|month|year))\b`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			switch m[1] {
			case "the week before last":
				return c.monday(-2), true, true
			case "the month before last":
				return c.addMonths(c.today, -2), true, true
			}
			past := strings.HasPrefix(m[1], "the past") || strings.HasPrefix(m[1], "past") || strings.HasPrefix(m[1], "this past")
			last := strings.HasPrefix(m[1], "last") || strings.HasPrefix(m[1], "previous")
			switch m[2] {
			case "week":
				switch {
				case past:
					return c.addDays(c.today, -7), true, true
				case last:
					return c.monday(-1), true, true
				}
				return c.monday(0), true, true
			case "weekend":
				if last {
					return c.weekdayOf(-1, 5), true, true
				}
				t := c.weekdayOf(0, 5)
				if !c.latest(t) {
					t = c.weekdayOf(-1, 5)
				}
				return t, true, true
			case "month":
				switch {
				case past:
					return time.Date(c.today.Year(), c.today.Month()-1, c.today.Day(), 0, 0, 0, 0, c.loc), true, true
				case last:
					return c.addMonths(c.today, -1), true, true
				}
				return c.addMonths(c.today, 0), true, true
			}
			if last {
				return time.Date(c.today.Year()-1, 1, 1, 0, 0, 0, 0, c.loc), true, true
			}
			if past {
				return time.Date(c.today.Year()-1, c.today.Month(), c.today.Day(), 0, 0, 0, 0, c.loc), true, true
			}
			return time.Date(c.today.Year(), 1, 1, 0, 0, 0, 0, c.loc), true, true
		}},
	// in March, last November, early October, mid-November 2025
	{"month", enMonthNeedles, 30, 16, regexp.MustCompile(`\b(in|last|early|mid|late|since|during|back in|from|in early|in mid|in late|at the start of|at the end of|beginning of|end of)[\s-]+` + enMonths + `\b(?:\s+(\d{4})\b)?`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			mo := monthNumber(m[2])
			d := 1
			switch {
			case strings.Contains(m[1], "mid"):
				d = 11
			case strings.Contains(m[1], "late") || strings.Contains(m[1], "end"):
				d = 21
			}
			if m[3] != "" {
				y, _ := strconv.Atoi(m[3])
				t, ok := c.fullDate(y, mo, d, true)
				return t, true, ok
			}
			if m[1] == "last" {
				t, ok := c.day(c.today.Year()-1, mo, d)
				if mo < c.today.Month() {
					t, ok = c.day(c.today.Year(), mo, d)
				}
				return t, true, ok
			}
			t, ok := c.monthDay(mo, d)
			return t, true, ok
		}},
}

// scan returns how the rule is searched for.
func (rule enDateRule) scan() nearScan {
	return nearScan{re: rule.re, words: rule.needles, before: rule.before, after: rule.after}
}

// englishDay resolves a day and month with an optional year.
func (c calendar) englishDay(mo time.Month, day, year string) (time.Time, bool, bool) {
	d, err := strconv.Atoi(day)
	if err != nil || mo == 0 {
		return time.Time{}, false, false
	}
	if year != "" {
		y, _ := strconv.Atoi(year)
		t, ok := c.fullDate(y, mo, d, !c.now.IsZero())
		return t, false, ok
	}
	t, ok := c.monthDay(mo, d)
	return t, false, ok
}

// monthNumber returns the month named by an English month name or
// abbreviation, or 0.
func monthNumber(s string) time.Month {
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if s == name || len(s) >= 3 && strings.HasPrefix(name, s) {
			return m
		}
	}
	return 0
}

// weekdayNumber returns the weekday (0 Monday … 6 Sunday) named by an
// English weekday name or abbreviation, or -1.
func weekdayNumber(s string) int {
	for wd := 0; wd < 7; wd++ {
		name := strings.ToLower(time.Weekday((wd + 1) % 7).String())
		if s == name || len(s) >= 3 && strings.HasPrefix(name, s) {
			return wd
		}
	}
	return -1
}

// englishCount reads a count of days, weeks … written in digits or words,
// and whether it is vague ("a few", "several").
func englishCount(s string) (float64, bool) {
	words := map[string]float64{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
		"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30}
	if n, ok := words[s]; ok {
		return n, false
	}
	switch s {
	case "a couple of", "a couple", "couple of":
		return 2, true
	case "a few", "few", "several":
		return 3, true
	case "a half", "half a":
		return 0.5, true
	}
	n, err := strconv.Atoi(s)
	return float64(n), err != nil
}

// readEnglishDates reads the English dates of the text.
func (r *reading) readEnglishDates() {
	if !r.hasNow {
		// Only dates with their year can be read without the message
		// time; the monthDay rule with a year is the one that does.
		for _, loc := range enDateRules[0].scan().findAll(r.u.norm) {
			m := submatches(r.u.norm, loc)
			if m[3] == "" {
				continue
			}
			if day, approx, ok := enDateRules[0].resolve(r.cal, m); ok {
				r.addDate(dateReading{at: span{loc[0], loc[1]}, day: day, approx: approx})
			}
		}
		return
	}
	n := r.u.norm
	for _, rule := range enDateRules {
		for _, loc := range rule.scan().findAll(n) {
			at := span{loc[0], loc[1]}
			if r.claimed(at) {
				continue
			}
			if !enDateContextOK(n, rule.name, at) {
				r.claim(at) // "next Friday": not for go-dateparser either
				continue
			}
			day, approx, ok := rule.resolve(r.cal, submatches(n, loc))
			if !ok {
				r.claim(at) // see readChineseDates
				continue
			}
			r.addDate(dateReading{at: at, day: day, approx: approx})
		}
	}
}

// enDateContextOK rejects matches that are other words: "may" the verb
// ("I may 3D print"), "next Tuesday", "every Monday", "march 5 miles".
func enDateContextOK(n string, rule string, at span) bool {
	before := strings.TrimRight(n[:at.start], " ")
	lastWord := before[strings.LastIndexAny(before, " ,.;:!?")+1:]
	switch lastWord {
	case "next", "every", "each", "coming", "until", "till", "by":
		return rule == "monthDay" || rule == "dayMonth"
	}
	if rule == "monthDay" && strings.HasPrefix(n[at.start:at.end], "may") {
		// "I may 2 …": a month name here must not follow a subject.
		switch lastWord {
		case "i", "you", "we", "they", "he", "she", "it", "may":
			return false
		}
	}
	return true
}

// readNumericDates reads dates written in digits: 2026-11-03, 2026/11/3,
// 3/5 (month/day, or day/month when the first number is over 12) and
// 3/5/2026.
func (r *reading) readNumericDates() {
	n := r.u.norm
	if !strings.ContainsAny(n, "-/.") {
		return
	}
	for _, loc := range isoDateScan.findAll(n) {
		at := span{loc[0], loc[1]}
		if r.claimed(at) || !digitBoundary(n, at) {
			continue
		}
		m := submatches(n, loc)
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if t, ok := r.cal.fullDate(y, time.Month(mo), d, r.hasNow); ok {
			r.addDate(dateReading{at: at, day: t})
		}
	}
	if !r.hasNow {
		return
	}
	for _, loc := range slashDateScan.findAll(n) {
		at := span{loc[0], loc[1]}
		if r.claimed(at) || !digitBoundary(n, at) {
			continue
		}
		m := submatches(n, loc)
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		if a == 24 && b == 7 {
			continue // 24/7
		}
		mo, d := a, b
		if a > 12 {
			mo, d = b, a
		}
		var t time.Time
		ok := false
		if m[3] != "" {
			y, _ := strconv.Atoi(m[3])
			if y < 100 {
				y += 2000
			}
			t, ok = r.cal.fullDate(y, time.Month(mo), d, true)
		} else {
			t, ok = r.cal.monthDay(time.Month(mo), d)
		}
		if ok {
			r.addDate(dateReading{at: at, day: t})
		}
	}
}

var (
	isoDateScan   = nearScan{re: regexp.MustCompile(`(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})`), words: []string{"-", "/", "."}, before: 8, after: 8}
	slashDateScan = nearScan{re: regexp.MustCompile(`(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?`), words: []string{"/"}, before: 4, after: 8}
)

// digitBoundary reports whether the match at is not part of a longer run
// of digits, slashes or dots (a version number, a fraction in a URL, an
// order number).
func digitBoundary(n string, at span) bool {
	if at.start > 0 {
		if c := n[at.start-1]; isDigit(c) || c == '/' || c == '.' || c == '-' || isASCIIAlnum(c) {
			return false
		}
	}
	if at.end < len(n) {
		if c := n[at.end]; isDigit(c) || c == '/' || c == '-' || isASCIIAlnum(c) || c == '.' && at.end+1 < len(n) && isDigit(n[at.end+1]) {
			return false
		}
	}
	return true
}

// readDates reads every date of the text: the Chinese and English rules,
// dates in digits, and for English dates the rules do not know, the
// go-dateparser fallback.
func (r *reading) readDates() {
	r.readNumericDates()
	if r.u.han > 0 {
		r.readChineseDates()
	}
	if r.u.words > 0 {
		r.readEnglishDates()
		r.readFallbackDates()
	}
	r.readFestivals()
	r.readDurations()
}
