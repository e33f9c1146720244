package flows

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// EndOfDay is the hour a promise names when it gives a day but no time
// ("tomorrow", "周五"): the end of a working day.
const EndOfDay = 18

// maxTimeText bounds the text ParseTime reads; a promised time is a few
// words, and the bound keeps the cost of a call small for any input.
const maxTimeText = 200

// ParseTime reads a future time as staff write it in a promise, in English
// or Chinese (simplified or traditional), against now and in now's
// location:
//
//   - a day and a time: "tomorrow 18:00", "tomorrow 6pm", "明天下午6点",
//     "2026-12-01 10:00", "12月1日 10点", "12/1 10:00" (month/day), "Friday
//     3pm", "下周一上午10点", "next Monday 10am";
//   - an offset from now: "in 2 hours", "2小时后", "3天内", "半小时后",
//     "in 3 business days", "3个工作日内" (weekdays; the end of that day);
//   - a part of the day: "tonight", "今晚", "明天上午", "今天下班前", "end of
//     day", "end of the week", "月底".
//
// A promise is a deadline, so a day without a time means its end: EndOfDay
// (18:00), or the end of the part of the day named (morning 12:00, noon
// 12:00, afternoon 18:00, evening and "tonight" 21:00). A time without a day
// means today, or tomorrow when that time has passed. A weekday alone
// ("周五", "Friday 10am") is the next such day, today included while the time
// is still ahead, else a week on; "this Friday" / "本周五" is always the
// current week's. A bare clock hour from 1 to 6 with no am/pm or part of the
// day ("6点", "明天6:30") is taken as afternoon: nobody promises a fix at six
// in the morning. "下周一" / "next Monday" is the Monday of next week.
//
// The time returned may be in the past ("today 9:00" said at 15:00, a date
// gone by); the caller decides what a past promise means. It reports false
// when the text names no time.
func ParseTime(text string, now time.Time) (time.Time, bool) {
	s := normalizeTimeText(text)
	if s == "" || len(s) > maxTimeText {
		return time.Time{}, false
	}
	if d, ok := readOffset(s); ok {
		return now.Add(d).Truncate(time.Minute), true
	}
	if t, ok := readBusinessDays(s, now); ok {
		return t, true
	}
	part := partOfDay(s)
	day, kind, rest := findDay(s, now)
	hour, minute, timeFound := findClock(strings.Join(strings.Fields(rest), " "), part)
	if kind == noDay && !timeFound && part == partNone {
		return time.Time{}, false
	}
	if !timeFound {
		hour, minute = part.deadline()
	}
	loc := now.Location()
	if kind == noDay {
		t := time.Date(now.Year(), now.Month(), now.Day(), hour, minute, 0, 0, loc)
		if !t.After(now) {
			t = time.Date(now.Year(), now.Month(), now.Day()+1, hour, minute, 0, 0, loc)
		}
		return t, true
	}
	t := time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, loc)
	if kind == nextWeekday && !t.After(now) {
		t = time.Date(day.Year(), day.Month(), day.Day()+7, hour, minute, 0, 0, loc)
	}
	return t, true
}

// numberWordsEN are the small numbers said as words in an offset.
var numberWordsEN = map[string]float64{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "twenty-four": 24, "twenty four": 24, "forty-eight": 48,
	"a couple of": 2, "couple of": 2, "a couple": 2, "half a": 0.5, "half an": 0.5}

const (
	promiseCount   = `(\d{1,4}(?:\.\d{1,2})?|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty[- ]four|forty-eight|a couple of|couple of|a couple|half an?)`
	promiseUnit    = `(minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)`
	promiseCountZH = `([0-9]{1,4}(?:\.[0-9]{1,2})?|[零一二两三四五六七八九十百]{1,4}|半)`
	promiseUnitZH  = `(分钟|个小时|小时|个钟头|钟头|个半小时|个半钟头|天|日|个星期|星期|周|个礼拜|礼拜)`
)

var (
	// "in 2 hours", "within 3 days", "2 hours from now", "2 hours later",
	// and the whole text "2 hours", "48h".
	reOffsetEN     = regexp.MustCompile(`\b(?:in|within)\s+(?:the\s+next\s+)?` + promiseCount + `\s*` + promiseUnit + `\b`)
	reOffsetENPost = regexp.MustCompile(`\b` + promiseCount + `\s*` + promiseUnit + `\s+(?:from now|later|time)\b`)
	reOffsetENBare = regexp.MustCompile(`^(?:by\s+|within\s+)?` + promiseCount + `\s*` + promiseUnit + `$`)
	// "2小时后", "3天内", "半小时之后", "一个半小时后", and the whole text
	// "2小时", "3天".
	reOffsetZH     = regexp.MustCompile(promiseCountZH + `\s*` + promiseUnitZH + `\s*(?:之后|以后|之内|以内|后|内)`)
	reOffsetZHBare = regexp.MustCompile(`^(?:在)?` + promiseCountZH + `\s*` + promiseUnitZH + `$`)

	reBusinessEN = regexp.MustCompile(`\b(?:in\s+|within\s+)?` + promiseCount + `\s*(?:business|working|work)\s*days?\b`)
	reBusinessZH = regexp.MustCompile(`([0-9]{1,2}|[一二两三四五六七八九十]{1,3})\s*个?工作日`)

	reISO     = regexp.MustCompile(`\b(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?`)
	reSlash   = regexp.MustCompile(`(?:^|[^0-9/])(\d{1,2})/(\d{1,2})(?:$|[^0-9/])`)
	reZHDate  = regexp.MustCompile(`([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]`)
	reZHDay   = regexp.MustCompile(`(?:^|[^0-9零一二三四五六七八九十月周期拜今明昨后前])([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]`)
	reENMonth = regexp.MustCompile(`\b` + promiseMonths + `\.?\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + promiseMonths + `\b`)
	reENDay   = regexp.MustCompile(`\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b`)
	reWeekEN  = regexp.MustCompile(`\b(next\s+|this\s+coming\s+|this\s+|coming\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|weds?|thurs?|thu|fri|sat|sun)\b\.?`)
	reWeekZH  = regexp.MustCompile(`(下下个?|下一?个?|本|这一?个?)?\s*(?:周|星期|礼拜)\s*([一二三四五六日天1-7])`)
	reRelDay  = regexp.MustCompile(`大后天|后天|明天|明早|明晚|明日|今天|今晚|今早|今日|` +
		`\b(?:the\s+)?day\s+after\s+tomorrow\b|\b(?:tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|2moro)\b|` +
		`\b(?:today|tonight|tonite|eod|cob)\b|\bthis\s+(?:morning|afternoon|evening)\b|\b(?:end|close)\s+of\s+(?:the\s+)?(?:business\s+)?day\b`)
	reNextWeekEnd = regexp.MustCompile(`下个?周末(?:之|以)?前|\bbefore\s+next\s+weekend\b`)
	reWeekEnd     = regexp.MustCompile(`本周内|这周内|本周之内|这周之内|周末前|本周末前|这周末前|\bend\s+of\s+(?:the\s+|this\s+)?week\b|\beow\b|\bthis\s+week\b`)
	reMonthEnd    = regexp.MustCompile(`月底|月末|\bend\s+of\s+(?:the\s+|this\s+)?month\b|\beom\b`)

	reClock   = regexp.MustCompile(`(?:^|[^0-9])(\d{1,2})\s*:\s*(\d{2})(?:\s*(?:(am|pm)\b|(a\.m\.|p\.m\.)))?`)
	reAmPm    = regexp.MustCompile(`\b(\d{1,2})(?:\.(\d{2}))?\s*(?:(am|pm)\b|(a\.m\.|p\.m\.))`)
	reOClock  = regexp.MustCompile(`\b(\d{1,2})\s*o'?\s*clock\b|^(?:at|by|before|around|@)\s*(\d{1,2})$`)
	reZHClock = regexp.MustCompile(`(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚|夜里|今晚|明晚|今早|明早)?\s*([0-9]{1,2}|[零一二两三四五六七八九十]{1,3})\s*[点时](?:\s*(半|一刻|三刻|[0-9]{1,2}|[零一二三四五六七八九十]{1,3})\s*分?)?`)
	reNoon    = regexp.MustCompile(`(?:^|[^a-z])noon\b|中午`)
	reMidnite = regexp.MustCompile(`\bmidnight\b|午夜|半夜`)
	reWorkEnd = regexp.MustCompile(`\b(?:eod|cob|close of business|end of (?:the )?(?:business |working )?day)\b`)
)

const promiseMonths = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

// normalizeTimeText lower-cases, simplifies traditional characters, folds
// full-width forms to ASCII, makes curly apostrophes straight, collapses
// white space and trims.
func normalizeTimeText(text string) string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	s := toHans(strings.ToLower(text))
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			return r
		case r == 0x3000:
			return ' '
		case r == 0x2019 || r == 0x2018:
			return '\''
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// readOffset reads a span of time from now: "in 2 hours", "2小时后".
func readOffset(s string) (time.Duration, bool) {
	for _, re := range []*regexp.Regexp{reOffsetEN, reOffsetENPost, reOffsetENBare} {
		if m := re.FindStringSubmatch(s); m != nil {
			n, ok := numberWordsEN[m[1]]
			if !ok {
				n, _ = strconv.ParseFloat(m[1], 64)
			}
			return offset(n, unitOf(m[2]))
		}
	}
	for _, re := range []*regexp.Regexp{reOffsetZH, reOffsetZHBare} {
		if loc := re.FindStringSubmatchIndex(s); loc != nil {
			if strings.HasSuffix(s[:loc[0]], "月") {
				continue // 12月1日后: a date, not a number of days
			}
			m := []string{sub(s, loc, 0), sub(s, loc, 1), sub(s, loc, 2)}
			n, ok := 0.5, true
			if m[1] != "半" {
				n, ok = parseHanNumber(m[1])
			}
			if !ok {
				continue
			}
			if strings.HasPrefix(m[2], "个半") {
				n += 0.5 // 一个半小时
			}
			return offset(n, unitOf(m[2]))
		}
	}
	return 0, false
}

// offset is n units, if that is a sensible promise: more than nothing and
// less than about a year.
func offset(n float64, unit time.Duration) (time.Duration, bool) {
	d := time.Duration(n * float64(unit))
	if n <= 0 || d < time.Minute || d > 400*24*time.Hour {
		return 0, false
	}
	return d, true
}

func unitOf(u string) time.Duration {
	switch {
	case u == "m" || strings.HasPrefix(u, "min") || strings.HasPrefix(u, "分"):
		return time.Minute
	case strings.HasPrefix(u, "h") || strings.Contains(u, "小时") || strings.Contains(u, "钟头"):
		return time.Hour
	case strings.HasPrefix(u, "w") || strings.Contains(u, "星期") || strings.Contains(u, "周") || strings.Contains(u, "礼拜"):
		return 7 * 24 * time.Hour
	}
	return 24 * time.Hour
}

// readBusinessDays reads "in 3 business days" / "3个工作日内": the end of the
// third weekday after today (holidays are the bot's calendars' business, not
// known here).
func readBusinessDays(s string, now time.Time) (time.Time, bool) {
	var n float64
	if m := reBusinessEN.FindStringSubmatch(s); m != nil {
		var ok bool
		if n, ok = numberWordsEN[m[1]]; !ok {
			n, _ = strconv.ParseFloat(m[1], 64)
		}
	} else if m := reBusinessZH.FindStringSubmatch(s); m != nil {
		n, _ = parseHanNumber(m[1])
	}
	if n < 1 || n > 60 || n != float64(int(n)) {
		return time.Time{}, false
	}
	d := time.Date(now.Year(), now.Month(), now.Day(), EndOfDay, 0, 0, 0, now.Location())
	for left := int(n); left > 0; {
		d = time.Date(d.Year(), d.Month(), d.Day()+1, EndOfDay, 0, 0, 0, now.Location())
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			left--
		}
	}
	return d, true
}

// dayKind says how a day was named.
type dayKind int

const (
	noDay       dayKind = iota
	namedDay            // a date, a relative day, "this Friday"
	nextWeekday         // a weekday alone: a week on when today's time has passed
)

// findDay finds the day a text names, if any, and returns the text with the
// words that named it blanked out, so that their digits are not read as a
// clock ("周一10点", "12/1 10:00").
func findDay(s string, now time.Time) (time.Time, dayKind, string) {
	loc := now.Location()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	date := func(y, m, d int) (time.Time, bool) {
		if !validDate(y, m, d) {
			return time.Time{}, false
		}
		return time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc), true
	}
	// A day of the year without a year that has passed is next year's.
	yearless := func(m, d int) (time.Time, bool) {
		t, ok := date(today.Year(), m, d)
		if ok && t.Before(today) {
			t, ok = date(today.Year()+1, m, d)
		}
		return t, ok
	}
	blank := func(loc []int) string { return s[:loc[0]] + " " + s[loc[1]:] }

	if m := reISO.FindStringSubmatchIndex(s); m != nil {
		y, _ := strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d, _ := strconv.Atoi(s[m[6]:m[7]])
		if t, ok := date(y, mo, d); ok {
			return t, namedDay, blank(m)
		}
	}
	if m := reZHDate.FindStringSubmatchIndex(s); m != nil {
		mo, _ := parseHanNumber(s[m[2]:m[3]])
		d, _ := parseHanNumber(s[m[4]:m[5]])
		if t, ok := yearless(int(mo), int(d)); ok {
			return t, namedDay, blank(m)
		}
	}
	if m := reENMonth.FindStringSubmatchIndex(s); m != nil {
		mon, day := sub(s, m, 1), sub(s, m, 2)
		if mon == "" {
			mon, day = sub(s, m, 4), sub(s, m, 3)
		}
		d, _ := strconv.Atoi(day)
		if t, ok := yearless(monthIndex(mon), d); ok {
			return t, namedDay, blank(m)
		}
	}
	if m := reSlash.FindStringSubmatchIndex(s); m != nil {
		mo, _ := strconv.Atoi(s[m[2]:m[3]])
		d, _ := strconv.Atoi(s[m[4]:m[5]])
		if t, ok := yearless(mo, d); ok {
			return t, namedDay, blank([]int{m[2], m[5]})
		}
	}
	if m := reRelDay.FindStringIndex(s); m != nil {
		w := s[m[0]:m[1]]
		n := 0
		switch {
		case w == "大后天":
			n = 3
		case w == "后天" || strings.Contains(w, "after"):
			n = 2
		case strings.HasPrefix(w, "明") || strings.HasPrefix(w, "to") && w != "today" && w != "tonight" && w != "tonite" ||
			w == "tmrw" || w == "tmr" || w == "2moro":
			n = 1
		}
		return today.AddDate(0, 0, n), namedDay, blank(m)
	}
	if m := reNextWeekEnd.FindStringIndex(s); m != nil {
		return weekdayFrom(today, 4, 1, false), namedDay, blank(m)
	}
	if m := reWeekEnd.FindStringIndex(s); m != nil {
		return weekdayFrom(today, 4, 0, true), namedDay, blank(m)
	}
	if m := reMonthEnd.FindStringIndex(s); m != nil {
		return time.Date(today.Year(), today.Month()+1, 0, 0, 0, 0, 0, loc), namedDay, blank(m)
	}
	if m := reWeekZH.FindStringSubmatchIndex(s); m != nil {
		prefix := sub(s, m, 1)
		wd := zhWeekday(sub(s, m, 2))
		switch {
		case strings.HasPrefix(prefix, "下下"):
			return weekdayFrom(today, wd, 2, false), namedDay, blank(m)
		case strings.HasPrefix(prefix, "下"):
			return weekdayFrom(today, wd, 1, false), namedDay, blank(m)
		case prefix != "":
			return weekdayFrom(today, wd, 0, true), namedDay, blank(m)
		}
		return weekdayFrom(today, wd, 0, false), nextWeekday, blank(m)
	}
	if m := reWeekEN.FindStringSubmatchIndex(s); m != nil {
		prefix := strings.TrimSpace(sub(s, m, 1))
		wd := enWeekday(sub(s, m, 2))
		switch prefix {
		case "next":
			return weekdayFrom(today, wd, 1, false), namedDay, blank(m)
		case "this":
			return weekdayFrom(today, wd, 0, true), namedDay, blank(m)
		}
		return weekdayFrom(today, wd, 0, false), nextWeekday, blank(m)
	}
	// A day of the month alone: "15号", "the 15th": this month's, or next
	// month's when it has passed.
	dayOfMonth := func(d int, m []int) (time.Time, dayKind, string) {
		for k := 0; k < 3; k++ {
			first := time.Date(today.Year(), today.Month()+time.Month(k), 1, 0, 0, 0, 0, loc)
			if t, ok := date(first.Year(), int(first.Month()), d); ok && !t.Before(today) {
				return t, namedDay, blank(m)
			}
		}
		return time.Time{}, noDay, s
	}
	if m := reZHDay.FindStringSubmatchIndex(s); m != nil {
		d, _ := parseHanNumber(s[m[2]:m[3]])
		if t, k, rest := dayOfMonth(int(d), []int{m[2], m[1]}); k != noDay {
			return t, k, rest
		}
	}
	if m := reENDay.FindStringSubmatchIndex(s); m != nil {
		d, _ := strconv.Atoi(s[m[2]:m[3]])
		if t, k, rest := dayOfMonth(d, m); k != noDay {
			return t, k, rest
		}
	}
	return time.Time{}, noDay, s
}

// sub returns submatch i of s for the index pairs m, "" when it did not
// take part.
func sub(s string, m []int, i int) string {
	if 2*i+1 >= len(m) || m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

// weekdayFrom returns the day with weekday wd (Monday 0 … Sunday 6). With
// weeks 0 it is the next such day from today on (today itself included);
// with "this" it is that day of the current week (Monday-first), and with
// weeks n ≥ 1 that day of the week n weeks on.
func weekdayFrom(today time.Time, wd, weeks int, this bool) time.Time {
	cur := (int(today.Weekday()) + 6) % 7
	monday := today.AddDate(0, 0, -cur)
	switch {
	case weeks > 0:
		return monday.AddDate(0, 0, 7*weeks+wd)
	case this:
		return monday.AddDate(0, 0, wd)
	}
	d := (wd - cur + 7) % 7
	return today.AddDate(0, 0, d)
}

func zhWeekday(s string) int {
	switch {
	case s == "天" || s == "日":
		return 6
	case s >= "1" && s <= "7":
		return int(s[0] - '1')
	}
	if i := strings.Index("一二三四五六", s); i >= 0 {
		return i / len("一")
	}
	return 0
}

func enWeekday(s string) int {
	for i, p := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		if strings.HasPrefix(s, p) {
			return i
		}
	}
	return 0
}

func monthIndex(s string) int {
	for i, p := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if strings.HasPrefix(s, p) {
			return i + 1
		}
	}
	return 0
}

func validDate(y, m, d int) bool {
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

// findClock finds a time of day: "18:00", "6pm", "6:30 pm", "下午6点",
// "晚上8点半", "10点15分", "5 o'clock", "at 5", "noon", "midnight". part is
// the part of the day the whole text names, for "明天下午 6:00" and the bare
// hours that mean the afternoon.
func findClock(s string, part dayPart) (hour, minute int, ok bool) {
	if m := reClock.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		ampm := m[3] + m[4]
		switch {
		case h == 24 && mi == 0:
			return 23, 59, true
		case ampm != "":
			h = applyAmPm(h, ampm)
		case !strings.HasPrefix(m[1], "0"):
			h = part.apply(h)
		}
		if h >= 0 && h < 24 && mi < 60 {
			return h, mi, true
		}
	}
	if m := reAmPm.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		if h = applyAmPm(h, m[3]+m[4]); h >= 0 && h < 24 && mi < 60 {
			return h, mi, true
		}
	}
	if m := reOClock.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1] + m[2])
		if h = part.apply(h); h >= 0 && h < 24 {
			return h, 0, true
		}
	}
	if m := reZHClock.FindStringSubmatch(s); m != nil {
		h, okH := parseHanNumber(m[2])
		mi := 0.0
		okM := true
		switch m[3] {
		case "":
		case "半":
			mi = 30
		case "一刻":
			mi = 15
		case "三刻":
			mi = 45
		default:
			mi, okM = parseHanNumber(m[3])
		}
		p := partOfDay(m[1])
		if m[1] == "晚" {
			p = partEvening
		}
		if p == partNone {
			p = part
		}
		hour := p.apply(int(h))
		switch {
		case !okH || !okM || mi >= 60 || h > 24:
		case h == 24 || hour == 24:
			return 23, 59, true
		case hour >= 0 && hour < 24:
			return hour, int(mi), true
		}
	}
	switch {
	case reNoon.MatchString(s):
		return 12, 0, true
	case reMidnite.MatchString(s):
		return 23, 59, true
	}
	return 0, 0, false
}

func applyAmPm(h int, ampm string) int {
	switch {
	case h < 1 || h > 12:
		return -1
	case strings.HasPrefix(ampm, "p") && h < 12:
		return h + 12
	case strings.HasPrefix(ampm, "a") && h == 12:
		return 0
	}
	return h
}

// dayPart is a part of the day a text names.
type dayPart int

const (
	partNone dayPart = iota
	partEarly
	partMorning
	partNoon
	partAfternoon
	partEvening
	partWorkEnd // 下班, end of day, close of business
)

// partOfDay returns the part of the day s names.
func partOfDay(s string) dayPart {
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(s, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("凌晨"):
		return partEarly
	case has("上午", "早上", "早晨", "明早", "今早", "morning"):
		return partMorning
	case has("下午", "afternoon"):
		return partAfternoon
	case has("中午") || reNoon.MatchString(s):
		return partNoon
	case has("傍晚", "晚上", "今晚", "明晚", "夜里", "晚间", "evening", "tonight", "tonite"):
		return partEvening
	case has("下班") || reWorkEnd.MatchString(s):
		return partWorkEnd
	}
	return partNone
}

// deadline returns the time a promise that names only this part of a day
// falls due: its end.
func (p dayPart) deadline() (hour, minute int) {
	switch p {
	case partEarly:
		return 6, 0
	case partMorning, partNoon:
		return 12, 0
	case partEvening:
		return 21, 0
	}
	return EndOfDay, 0
}

// apply turns a clock hour said in this part of the day into 24-hour time:
// 6 in the afternoon or evening is 18, 1 at noon is 13, 12 in the evening is
// midnight (24, read as 23:59), and a bare 1 to 6 is in the afternoon.
func (p dayPart) apply(h int) int {
	switch p {
	case partAfternoon, partWorkEnd:
		if h >= 1 && h < 12 {
			return h + 12
		}
	case partEvening:
		if h >= 1 && h < 12 {
			return h + 12
		}
		if h == 12 {
			return 24
		}
	case partNoon:
		if h >= 1 && h <= 5 {
			return h + 12
		}
	case partNone:
		if h >= 1 && h <= 6 {
			return h + 12
		}
	}
	return h
}
