package flows

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// EndOfDay is the hour a promise names when it gives a day but no time
// ("tomorrow", "周五"): the end of a working day.
const EndOfDay = 18

// ParseTime reads a future time as staff write it in a promise, in English
// or Chinese, against now (and in now's location): "tomorrow 18:00",
// "明天下午6点", "2026-12-01 10:00", "12月1日上午10点", "Friday 3pm",
// "下周一", "in 2 hours", "3小时后", "tonight", "18:30". A day without a
// time means EndOfDay; a time without a day means today, or tomorrow when
// that time has passed. It reports false when the text names no time.
func ParseTime(text string, now time.Time) (time.Time, bool) {
	s := normalizeTimeText(text)
	if s == "" {
		return time.Time{}, false
	}
	loc := now.Location()

	// Offsets: "in 2 hours", "2小时后", "半小时后".
	if m := reOffsetEN.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return now.Add(time.Duration(n) * unitOf(m[2])).Truncate(time.Minute), n > 0
	}
	if m := reOffsetZH.FindStringSubmatch(s); m != nil {
		n, ok := hanOrDigits(m[1])
		if m[1] == "半" {
			n, ok = 0, true
			return now.Add(30 * time.Minute).Truncate(time.Minute), true
		}
		if ok && n > 0 {
			return now.Add(time.Duration(n) * unitOf(m[2])).Truncate(time.Minute), true
		}
	}

	day, dayFound := findDay(s, now)
	hour, minute, timeFound := findClock(s)
	if !dayFound && !timeFound {
		return time.Time{}, false
	}
	if !timeFound {
		hour, minute = EndOfDay, 0
		if p := partOfDay(s); p >= 0 {
			hour = p
		}
	}
	if !dayFound {
		t := time.Date(now.Year(), now.Month(), now.Day(), hour, minute, 0, 0, loc)
		if !t.After(now) {
			t = t.AddDate(0, 0, 1)
		}
		return t, true
	}
	return time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, loc), true
}

var (
	reOffsetEN = regexp.MustCompile(`\bin\s+(\d{1,4})\s*(minutes?|mins?|hours?|hrs?|h|days?|d)\b`)
	reOffsetZH = regexp.MustCompile(`([0-9一二两三四五六七八九十半]+)\s*(分钟|个小时|小时|个钟头|天)(?:之?后|以后|内)`)
	reISO      = regexp.MustCompile(`\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b`)
	reSlash    = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})\b`)
	reZHDate   = regexp.MustCompile(`(?:(\d{4})年)?([0-9一二三四五六七八九十]{1,3})月([0-9一二三四五六七八九十]{1,3})[日号]`)
	reENMonth  = regexp.MustCompile(`\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b`)
	reWeekEN   = regexp.MustCompile(`\b(next\s+|this\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b`)
	reWeekZH   = regexp.MustCompile(`(下下|下个|下|本|这个|这)?(?:周|星期|礼拜)([一二三四五六日天1-7])`)
	reClock    = regexp.MustCompile(`\b(\d{1,2}):(\d{2})\s*(am|pm|a\.m\.|p\.m\.)?`)
	reAmPm     = regexp.MustCompile(`\b(\d{1,2})\s*(am|pm|a\.m\.|p\.m\.)`)
	reZHClock  = regexp.MustCompile(`(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|今晚|明晚|夜里)?\s*([0-9零一二两三四五六七八九十]{1,3})\s*[点點时](?:\s*(半|一刻|三刻|[0-9零一二三四五六七八九十]{1,3})\s*分?)?`)
)

// normalizeTimeText lower-cases, simplifies traditional characters, turns
// full-width digits and colons into ASCII, and trims.
func normalizeTimeText(text string) string {
	s := toHans(strings.ToLower(strings.TrimSpace(text)))
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '：':
			return ':'
		}
		return r
	}, s)
}

func unitOf(u string) time.Duration {
	switch {
	case strings.HasPrefix(u, "min"), u == "分钟":
		return time.Minute
	case strings.HasPrefix(u, "h"), strings.Contains(u, "小时"), strings.Contains(u, "钟头"):
		return time.Hour
	}
	return 24 * time.Hour
}

func hanOrDigits(s string) (int, bool) {
	v, ok := parseHanNumber(s)
	return int(v), ok
}

// findDay finds the day a text names, if any.
func findDay(s string, now time.Time) (time.Time, bool) {
	loc := now.Location()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	future := func(t time.Time) time.Time {
		// A date without a year that has passed means next year's.
		if t.Before(today) {
			return t.AddDate(1, 0, 0)
		}
		return t
	}
	if m := reISO.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if validDate(y, mo, d) {
			return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc), true
		}
	}
	if m := reZHDate.FindStringSubmatch(s); m != nil {
		mo, ok1 := hanOrDigits(m[2])
		d, ok2 := hanOrDigits(m[3])
		y := now.Year()
		if m[1] != "" {
			y, _ = strconv.Atoi(m[1])
		}
		if ok1 && ok2 && validDate(y, mo, d) {
			t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc)
			if m[1] == "" {
				t = future(t)
			}
			return t, true
		}
	}
	if m := reENMonth.FindStringSubmatch(s); m != nil {
		mon, day := m[1], m[2]
		if mon == "" {
			mon, day = m[4], m[3]
		}
		mo := monthIndex(mon)
		d, _ := strconv.Atoi(day)
		if mo > 0 && validDate(now.Year(), mo, d) {
			return future(time.Date(now.Year(), time.Month(mo), d, 0, 0, 0, 0, loc)), true
		}
	}
	if m := reSlash.FindStringSubmatch(s); m != nil && !reClock.MatchString(m[0]) {
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		if validDate(now.Year(), mo, d) {
			return future(time.Date(now.Year(), time.Month(mo), d, 0, 0, 0, 0, loc)), true
		}
	}
	for _, w := range []struct {
		words []string
		days  int
	}{
		{[]string{"day after tomorrow", "大后天"}, -1}, // placeholder order fix below
	} {
		_ = w
	}
	switch {
	case strings.Contains(s, "大后天"):
		return today.AddDate(0, 0, 3), true
	case strings.Contains(s, "day after tomorrow"), strings.Contains(s, "后天"):
		return today.AddDate(0, 0, 2), true
	case strings.Contains(s, "tomorrow"), strings.Contains(s, "tmr"), strings.Contains(s, "明天"),
		strings.Contains(s, "明早"), strings.Contains(s, "明晚"), strings.Contains(s, "明日"):
		return today.AddDate(0, 0, 1), true
	case strings.Contains(s, "today"), strings.Contains(s, "tonight"), strings.Contains(s, "今天"),
		strings.Contains(s, "今晚"), strings.Contains(s, "今日"), strings.Contains(s, "end of day"),
		strings.Contains(s, "eod"):
		return today, true
	}
	if m := reWeekZH.FindStringSubmatch(s); m != nil {
		wd := zhWeekday(m[2])
		weeks := 0
		switch m[1] {
		case "下", "下个":
			weeks = 1
		case "下下":
			weeks = 2
		}
		return weekdayFrom(today, wd, weeks, m[1] == "本" || m[1] == "这" || m[1] == "这个"), true
	}
	if m := reWeekEN.FindStringSubmatch(s); m != nil {
		wd := enWeekday(m[2])
		weeks := 0
		if strings.HasPrefix(m[1], "next") {
			weeks = 1
		}
		return weekdayFrom(today, wd, weeks, strings.HasPrefix(m[1], "this")), true
	}
	return time.Time{}, false
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
	i := strings.Index("一二三四五六日", s)
	switch {
	case s == "天":
		return 6
	case s >= "1" && s <= "7":
		return int(s[0] - '1')
	case i >= 0:
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
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

// findClock finds a time of day: "18:00", "6pm", "6:30 pm", "下午6点",
// "晚上8点半", "10点15分", "noon", "midnight".
func findClock(s string) (hour, minute int, ok bool) {
	if m := reClock.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		h = applyAmPm(h, m[3])
		if h >= 0 && h < 24 && mi < 60 {
			if m[3] == "" {
				h = applyPart(h, partOfDay(s))
			}
			return h, mi, true
		}
	}
	if m := reAmPm.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		if h = applyAmPm(h, m[2]); h >= 0 && h < 24 {
			return h, 0, true
		}
	}
	if m := reZHClock.FindStringSubmatch(s); m != nil {
		h, ok := hanOrDigits(m[2])
		if ok && h >= 0 && h <= 24 {
			mi := 0
			switch m[3] {
			case "":
			case "半":
				mi = 30
			case "一刻":
				mi = 15
			case "三刻":
				mi = 45
			default:
				mi, _ = hanOrDigits(m[3])
			}
			part := partOfDay(m[1])
			if part < 0 {
				part = partOfDay(s)
			}
			h = applyPart(h, part)
			if h == 24 {
				h = 0
			}
			if mi < 60 {
				return h, mi, true
			}
		}
	}
	switch {
	case strings.Contains(s, "noon"), strings.Contains(s, "中午"):
		return 12, 0, true
	case strings.Contains(s, "midnight"), strings.Contains(s, "午夜"):
		return 23, 59, true
	}
	return 0, 0, false
}

func applyAmPm(h int, ampm string) int {
	switch {
	case ampm == "":
		return h
	case h < 1 || h > 12:
		return -1
	case strings.HasPrefix(ampm, "p") && h < 12:
		return h + 12
	case strings.HasPrefix(ampm, "a") && h == 12:
		return 0
	}
	return h
}

// partOfDay returns the hour a part of the day starts the afternoon or
// evening at (so "下午6点" is 18:00), 0 for morning words, or -1 for none.
// For a day named without a time it is also the default hour: "明天上午" is
// 10:00, "tomorrow evening" 19:00.
func partOfDay(s string) int {
	switch {
	case strings.Contains(s, "凌晨"):
		return 0
	case strings.Contains(s, "上午"), strings.Contains(s, "早上"), strings.Contains(s, "早晨"),
		strings.Contains(s, "明早"), strings.Contains(s, "morning"):
		return 10
	case strings.Contains(s, "中午"), strings.Contains(s, "noon"):
		return 12
	case strings.Contains(s, "下午"), strings.Contains(s, "afternoon"):
		return 15
	case strings.Contains(s, "傍晚"), strings.Contains(s, "晚上"), strings.Contains(s, "今晚"),
		strings.Contains(s, "明晚"), strings.Contains(s, "夜里"), strings.Contains(s, "evening"),
		strings.Contains(s, "tonight"):
		return 19
	}
	return -1
}

// applyPart turns a 12-hour clock hour into 24-hour time given the part of
// the day: 6 in the afternoon or evening is 18.
func applyPart(h, part int) int {
	if part >= 12 && h < 12 && h > 0 {
		return h + 12
	}
	return h
}
