package flows

import (
	"regexp"
	"strings"
	"time"
)

// Customers say when more often by how long than by a date: 冰箱买了才半年,
// 刚用了几天, 用了一个月就坏了, "stopped charging after two weeks", "it has
// been 2 weeks", 才用了两次. These are dates too, approximate (P6: never ask
// for what was said): the time since purchase or use, counted back from the
// message. A count of uses names no day; it is kept as the words said, so
// that the bot does not ask "when?" after it.

// durationCount matches a count of days, weeks … in Chinese.
const durationCount = `(\d{1,3}|[一二两三四五六七八九十]{1,3}|半|几|好几|两三|一两|三四|一个多|个把)`

var (
	// zhDurationRe: 买了才半年, 用了一个月, 装好三天, 装上不到两个月, 买了还不到一个月.
	zhDurationRe = regexp.MustCompile(`(买|购买|入手|用|使用|装好|装上|安装|办|订|到手|收到|穿|戴|配|坐|睡|骑|玩|开)(了|完)?\s*((?:还|才|刚|只|不到|快|大概|差不多|都)*)\s*` +
		durationCount + `\s*(个)?\s*(多)?\s*(天|日|周|星期|礼拜|月|年)(多)?`)
	// zhUsesRe: 才用了两次, 洗了一次就, 穿了两次.
	zhUsesRe = regexp.MustCompile(`(才|只|刚)?\s*(用|穿|洗|戴|骑|坐|开|玩|充|吃)(了|过)?\s*(\d{1,2}|[一二两三四五六七八九十]{1,2}|几)\s*(次|回|遍)`)
	// enDurationRe: "after a month (of use)", "after two weeks", "it has
	// been 2 weeks", "been waiting for 3 weeks", "had it for a month".
	enDurationRe = regexp.MustCompile(`\b(?:after|it'?s been|it has been|has been|have been|had it for|owned it for|used it for|waited|waiting for|been waiting for|for the (?:past|last))\s+` +
		`(?:only\s+|just\s+|about\s+|almost\s+|nearly\s+|over\s+|more than\s+|less than\s+)?` + enCount + `\s+(days?|weeks?|fortnights?|months?|years?)\b`)
	// enUsesRe: "after 3 uses", "after two washes".
	enUsesRe = regexp.MustCompile(`\b(?:after|only)\s+(?:only\s+|just\s+)?(\d{1,2}|one|two|three|four|five|a few|a couple of)\s+(uses|washes|wears|times|rides|charges)\b`)
)

// The duration patterns, searched near their needles.
var (
	zhDurationScan = nearScan{re: zhDurationRe, words: []string{"天", "日", "周", "星期", "礼拜", "月", "年"}, before: 40, after: 9}
	zhUsesScan     = nearScan{re: zhUsesRe, words: []string{"次", "回", "遍"}, before: 24, after: 3}
	enDurationScan = nearScan{re: enDurationRe, words: []string{"day", "week", "fortnight", "month", "year"}, before: 60, after: 8}
	enUsesScan     = nearScan{re: enUsesRe, words: []string{"uses", "washes", "wears", "times", "rides", "charges"}, before: 30, after: 1}
)

// readDurations reads durations as approximate dates; it runs after the
// date rules, so a date said outright wins over a duration.
func (r *reading) readDurations() {
	if !r.hasNow {
		return
	}
	n := r.u.norm
	if r.u.han > 0 {
		for _, loc := range zhDurationScan.findAll(n) {
			at := span{loc[0], loc[1]}
			if r.claimed(at) {
				continue
			}
			m := submatches(n, loc)
			count, ok := zhDurationCount(m[4])
			if !ok {
				continue
			}
			unit := m[7]
			if day, ok := r.cal.back(count, unit); ok {
				r.addDate(dateReading{at: at, day: day, approx: true})
			}
		}
		for _, loc := range zhUsesScan.findAll(n) {
			at := span{loc[0], loc[1]}
			if r.claimed(at) || r.has(When, "") {
				continue
			}
			r.claim(at)
			r.add(Finding{Slot: When, Kind: WhenUses, Value: strings.TrimSpace(r.u.source(at.start, at.end)), Approx: true}, at)
		}
	}
	if r.u.words > 0 {
		for _, loc := range enDurationScan.findAll(n) {
			at := span{loc[0], loc[1]}
			if r.claimed(at) {
				continue
			}
			m := submatches(n, loc)
			count, _ := englishCount(m[1])
			if count <= 0 {
				continue
			}
			if day, ok := r.cal.back(count, strings.TrimSuffix(m[2], "s")); ok {
				r.addDate(dateReading{at: at, day: day, approx: true})
			}
		}
		for _, loc := range enUsesScan.findAll(n) {
			at := span{loc[0], loc[1]}
			if r.claimed(at) || r.has(When, "") {
				continue
			}
			r.claim(at)
			r.add(Finding{Slot: When, Kind: WhenUses, Value: strings.TrimSpace(r.u.source(at.start, at.end)), Approx: true}, at)
		}
	}
}

// zhDurationCount reads the count of a Chinese duration.
func zhDurationCount(s string) (float64, bool) {
	switch s {
	case "半":
		return 0.5, true
	case "几", "好几", "两三", "三四":
		return 3, true
	case "一两":
		return 2, true
	case "一个多", "个把":
		return 1, true
	}
	n, ok := parseHanNumber(s)
	return n, ok && n > 0 && n <= 400
}

// back returns the day count units before today: days exactly, weeks,
// months and years by the calendar.
func (c calendar) back(count float64, unit string) (time.Time, bool) {
	if count <= 0 || count > 400 {
		return time.Time{}, false
	}
	switch unit {
	case "天", "日", "day", "night":
		return c.addDays(c.today, -int(count+0.5)), true
	case "周", "星期", "礼拜", "week":
		return c.addDays(c.today, -int(count*7+0.5)), true
	case "fortnight":
		return c.addDays(c.today, -int(count*14+0.5)), true
	case "月", "month":
		if count < 1 {
			return c.addDays(c.today, -15), true
		}
		return time.Date(c.today.Year(), c.today.Month()-time.Month(count), c.today.Day(), 0, 0, 0, 0, c.loc), true
	case "年", "year":
		if count < 1 {
			return time.Date(c.today.Year(), c.today.Month()-6, c.today.Day(), 0, 0, 0, 0, c.loc), true
		}
		return time.Date(c.today.Year()-int(count), c.today.Month(), c.today.Day(), 0, 0, 0, 0, c.loc), true
	}
	return time.Time{}, false
}

// festivalRe finds the shopping festivals named by their date: 618 (June
// 18th), said alone or with 今年/去年.
var festivalRe = regexp.MustCompile(`(今年|去年|前年)?\s*的?\s*(618|6\.18|6·18|六一八)`)

var festivalScan = nearScan{re: festivalRe, words: []string{"618", "6.18", "6·18", "六一八"}, before: 12, after: 0}

// readFestivals reads 618 as the day it is (双十一 and 双十二 are Chinese date
// rules). A 618 inside a longer number (JD20250618991) is not read.
func (r *reading) readFestivals() {
	if !r.hasNow {
		return
	}
	n := r.u.norm
	for _, loc := range festivalScan.findAll(n) {
		at := span{loc[0], loc[1]}
		if r.claimed(at) || at.start > 0 && isASCIIAlnum(n[at.start-1]) || at.end < len(n) && (isASCIIAlnum(n[at.end]) || n[at.end] == '.') {
			continue
		}
		m := submatches(n, loc)
		var day time.Time
		var ok bool
		if m[1] != "" {
			day, ok = r.cal.fullDate(r.cal.today.Year()-yearsBack(m[1]), time.June, 18, true)
		} else {
			day, ok = r.cal.monthDay(time.June, 18)
		}
		if ok {
			r.addDate(dateReading{at: at, day: day})
		}
	}
}
