package flows

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// hanNum matches a day or month number: digits or Chinese numerals.
const hanNum = `(\d{1,2}|[一二三四五六七八九十两]{1,3})`

// zhDateRule is one way of writing a date in Chinese. Rules are tried in
// order and a later rule never reads words an earlier one has read, so the
// longer forms come first (上个月15号 before 上个月).
type zhDateRule struct {
	name    string
	needles []string // words the pattern cannot match without
	re      *regexp.Regexp
	resolve func(c calendar, m []string) (day time.Time, approx, ok bool)
}

// zhDateHints are the characters without which no Chinese date rule can
// match; a text with none of them skips the rules.
const zhDateHints = "年月周星礼拜天号日前昨今刚双"

// zhDateRules are the Chinese date rules, longest forms first; how
// relative days are resolved is told at the top of dates.go.
var zhDateRules = []zhDateRule{
	// 2026年3月5日, 二〇二六年三月五号
	{"full", []string{"年"}, regexp.MustCompile(`(\d{4}|[零〇一二三四五六七八九]{4})\s*年\s*` + hanNum + `\s*月\s*` + hanNum + `\s*[日号]?`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			y, ok1 := parseHanNumber(m[1])
			mo, ok2 := parseHanNumber(m[2])
			d, ok3 := parseHanNumber(m[3])
			if !ok1 || !ok2 || !ok3 {
				return time.Time{}, false, false
			}
			t, ok := c.fullDate(int(y), time.Month(mo), int(d), !c.now.IsZero())
			return t, false, ok
		}},
	// 去年12月20日, 今年3月5号
	{"yearMonthDay", []string{"去年", "今年", "前年"}, regexp.MustCompile(`(去年|今年|前年)\s*的?\s*` + hanNum + `\s*月\s*` + hanNum + `\s*[日号]?`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			mo, ok1 := parseHanNumber(m[2])
			d, ok2 := parseHanNumber(m[3])
			if !ok1 || !ok2 {
				return time.Time{}, false, false
			}
			t, ok := c.fullDate(c.today.Year()-yearsBack(m[1]), time.Month(mo), int(d), true)
			return t, false, ok
		}},
	// 双十一, 去年双十二
	{"double11", []string{"双"}, regexp.MustCompile(`(去年|今年|前年)?\s*的?\s*(双十一|双11|双十二|双12)`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			mo, d := time.November, 11
			if strings.Contains(m[2], "二") || strings.Contains(m[2], "12") {
				mo, d = time.December, 12
			}
			if m[1] != "" {
				t, ok := c.fullDate(c.today.Year()-yearsBack(m[1]), mo, d, true)
				return t, false, ok
			}
			t, ok := c.monthDay(mo, d)
			return t, false, ok
		}},
	// 10月下旬, 三月初, 9月底
	{"monthNumPart", []string{"月"}, regexp.MustCompile(hanNum + `\s*月\s*(初|中旬|中|底|末|上旬|下旬)`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			mo, ok := parseHanNumber(m[1])
			if !ok {
				return time.Time{}, false, false
			}
			d := 1
			switch m[2] {
			case "中", "中旬":
				d = 11
			case "底", "末", "下旬":
				d = 21
			}
			t, ok := c.monthDay(time.Month(mo), d)
			return t, true, ok
		}},
	// 3月5日, 十二月二十号
	{"monthDay", []string{"月"}, regexp.MustCompile(hanNum + `\s*月\s*` + hanNum + `\s*[日号]`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			mo, ok1 := parseHanNumber(m[1])
			d, ok2 := parseHanNumber(m[2])
			if !ok1 || !ok2 {
				return time.Time{}, false, false
			}
			t, ok := c.monthDay(time.Month(mo), int(d))
			return t, false, ok
		}},
	// 上个月15号, 这个月3号, 本月1日
	{"monthDayOf", []string{"月"}, regexp.MustCompile(`(上上个?|上个?|这个?|本)月\s*的?\s*` + hanNum + `\s*[日号]`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			d, ok := parseHanNumber(m[2])
			if !ok {
				return time.Time{}, false, false
			}
			t, ok := c.dayOfMonth(monthsBack(m[1]), int(d), true)
			return t, false, ok
		}},
	// 上个月底, 月初, 这个月中旬
	{"monthPart", []string{"月"}, regexp.MustCompile(`(上上个?|上个?|这个?|本)?月(初|中旬|中|底|末|上旬|下旬)`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			first := c.addMonths(c.today, -monthsBack(m[1]))
			d := 1
			switch m[2] {
			case "中", "中旬":
				d = 11
			case "底", "末", "下旬":
				d = 21
			}
			t, ok := c.day(first.Year(), first.Month(), d)
			if ok && !c.latest(t) {
				return time.Time{}, false, false
			}
			return t, true, ok
		}},
	// 2025年3月, 去年11月, 3月份
	{"month", []string{"月"}, regexp.MustCompile(`(\d{4}\s*年|去年|今年|前年)?\s*` + hanNum + `\s*月(份)?`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			mo, ok := parseHanNumber(m[2])
			if !ok || mo < 1 || mo > 12 {
				return time.Time{}, false, false
			}
			var t time.Time
			switch {
			case strings.HasSuffix(m[1], "年") && m[1] != "去年" && m[1] != "今年" && m[1] != "前年":
				y, _ := parseHanNumber(strings.TrimSpace(strings.TrimSuffix(m[1], "年")))
				t, ok = c.fullDate(int(y), time.Month(mo), 1, !c.now.IsZero())
			case m[1] != "":
				t, ok = c.fullDate(c.today.Year()-yearsBack(m[1]), time.Month(mo), 1, true)
			default:
				t, ok = c.monthDay(time.Month(mo), 1)
			}
			return t, true, ok
		}},
	// 上周三, 上个星期三, 这周一, 周三, 礼拜天
	{"weekday", []string{"周", "星期", "礼拜"}, regexp.MustCompile(`(上上|上|这|本)?\s*个?\s*(周|星期|礼拜)\s*([一二三四五六日天1-7])`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			wd := strings.Index("一二三四五六日", m[3])
			if wd >= 0 {
				wd /= 3 // bytes per character
			} else if m[3] == "天" {
				wd = 6
			} else {
				wd = int(m[3][0] - '1')
			}
			switch m[1] {
			case "上":
				return c.weekdayOf(-1, wd), false, true
			case "上上":
				return c.weekdayOf(-2, wd), false, true
			case "这", "本":
				t := c.weekdayOf(0, wd)
				return t, false, c.latest(t)
			}
			return c.lastWeekday(wd), false, true
		}},
	// 上周末, 周末
	{"weekend", []string{"周末"}, regexp.MustCompile(`(上上|上|这|本)?\s*个?\s*周末`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			switch m[1] {
			case "上":
				return c.weekdayOf(-1, 5), true, true
			case "上上":
				return c.weekdayOf(-2, 5), true, true
			}
			t := c.weekdayOf(0, 5)
			if !c.latest(t) {
				t = c.weekdayOf(-1, 5)
			}
			return t, true, true
		}},
	// 三天前, 两个星期前, 半个月前, 一个多月以前, 3小时前
	{"ago", []string{"前"}, regexp.MustCompile(`(\d+|[零一二两三四五六七八九十百]+|半|几|好几|两三|三四|一两)\s*(个)?\s*(多)?\s*(天|日|周|星期|礼拜|月|年|小时|钟头)\s*(多)?\s*(前|之前|以前)`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			n, exact := parseHanNumber(m[1])
			switch m[1] {
			case "半":
				n = 0.5
			case "几", "好几", "两三":
				n = 3
			case "三四":
				n = 3
			case "一两":
				n = 2
			}
			if n <= 0 || n > 400 {
				return time.Time{}, false, false
			}
			approx := !exact || m[3] != "" || m[5] != ""
			switch m[4] {
			case "天", "日":
				return c.addDays(c.today, -int(n)), approx, true
			case "周", "星期", "礼拜":
				return c.addDays(c.today, -int(n*7)), true, true
			case "月":
				if n < 1 {
					return c.addDays(c.today, -15), true, true
				}
				t := time.Date(c.today.Year(), c.today.Month()-time.Month(n), c.today.Day(), 0, 0, 0, 0, c.loc)
				return t, true, true
			case "年":
				return time.Date(c.today.Year()-int(n), c.today.Month(), c.today.Day(), 0, 0, 0, 0, c.loc), true, true
			}
			// Hours ago: today, or yesterday when that many hours back.
			back := c.now.Add(-time.Duration(n * float64(time.Hour)))
			return time.Date(back.Year(), back.Month(), back.Day(), 0, 0, 0, 0, c.loc), approx, n <= 72
		}},
	// 前两天, 前几天, 前些天
	{"fewDays", []string{"前", "这两天", "这几天"}, regexp.MustCompile(`前(两|几|三|一两)天|前些(天|日子)|这(两|几)天`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			n := 3
			if m[1] == "两" || m[1] == "一两" || m[3] == "两" {
				n = 2
			}
			return c.addDays(c.today, -n), true, true
		}},
	// 大前天, 前天, 昨天, 今天, 刚才
	{"dayWord", []string{"前天", "昨", "今", "刚"}, regexp.MustCompile(`大前天|前天|昨天|昨日|昨晚|昨夜|昨儿|今天|今日|今早|今晚|今儿|刚才|刚刚`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			switch {
			case m[0] == "大前天":
				return c.addDays(c.today, -3), false, true
			case m[0] == "前天":
				return c.addDays(c.today, -2), false, true
			case strings.HasPrefix(m[0], "昨"):
				return c.addDays(c.today, -1), false, true
			}
			return c.today, false, true
		}},
	// 上周, 上个星期, 这周
	{"week", []string{"周", "星期", "礼拜"}, regexp.MustCompile(`(上上|上|这|本)\s*个?\s*(周|星期|礼拜)`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			switch m[1] {
			case "上":
				return c.monday(-1), true, true
			case "上上":
				return c.monday(-2), true, true
			}
			return c.monday(0), true, true
		}},
	// 上个月, 这个月, 上上个月
	{"monthSpan", []string{"月"}, regexp.MustCompile(`(上上|上|这|本)\s*个?\s*月`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			return c.addMonths(c.today, -monthsBack(m[1])), true, true
		}},
	// 去年, 前年
	{"year", []string{"去年", "前年"}, regexp.MustCompile(`去年|前年`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			t, ok := c.day(c.today.Year()-yearsBack(m[0]), time.January, 1)
			return t, true, ok
		}},
	// 15号, 三号 (a day of this month)
	{"day", []string{"日", "号"}, regexp.MustCompile(hanNum + `\s*[日号]`),
		func(c calendar, m []string) (time.Time, bool, bool) {
			d, ok := parseHanNumber(m[1])
			if !ok {
				return time.Time{}, false, false
			}
			t, ok := c.dayOfMonth(0, int(d), false)
			return t, false, ok
		}},
}

// scan returns how the rule is searched for: no Chinese date reaches
// further than twelve characters from its needle.
func (rule zhDateRule) scan() nearScan {
	return nearScan{re: rule.re, words: rule.needles, before: 36, after: 36}
}

// yearsBack tells how many years before this one 去年, 前年 or 今年 means.
func yearsBack(w string) int {
	switch w {
	case "去年":
		return 1
	case "前年":
		return 2
	}
	return 0
}

// monthsBack tells how many months before this one 上个, 上上个, 这个 or 本
// means.
func monthsBack(w string) int {
	switch {
	case strings.HasPrefix(w, "上上"):
		return 2
	case strings.HasPrefix(w, "上"):
		return 1
	}
	return 0
}

// readChineseDates reads the Chinese dates of the text.
func (r *reading) readChineseDates() {
	n := r.u.norm
	if !strings.ContainsAny(n, zhDateHints) {
		return
	}
	for _, rule := range zhDateRules {
		for _, loc := range rule.scan().findAll(n) {
			at := span{loc[0], loc[1]}
			if r.claimed(at) || !zhDateContextOK(n, rule.name, at) {
				continue
			}
			m := submatches(n, loc)
			day, approx, ok := rule.resolve(r.cal, m)
			if !ok || !r.hasNow && rule.name != "full" {
				// A date that cannot be meant (2027年1月1日, 这周三 said
				// on Monday) is still a date: no shorter rule may read
				// a part of it (1月1日, 这周).
				r.claim(at)
				continue
			}
			r.addDate(dateReading{at: at, day: day, approx: approx})
		}
	}
}

// zhDateContextOK rejects matches that are part of other words: 每周三
// (every Wednesday), 一周一次 (read as 周一), 三个月中 (read as 月中), 3号店
// (a store), 5号楼 (a building), 第3月.
func zhDateContextOK(n string, rule string, at span) bool {
	before, _ := utf8.DecodeLastRuneInString(n[:at.start])
	after, _ := utf8.DecodeRuneInString(n[at.end:])
	first, _ := utf8.DecodeRuneInString(n[at.start:])
	if before == '每' || before == '第' || before >= '0' && before <= '9' {
		return false
	}
	if before == '下' && rule != "ago" || strings.HasSuffix(n[:at.start], "明年") || strings.HasSuffix(n[:at.start], "后年") {
		return false // 下周一, 下个星期三, 下周末, 明年一月: a day to come
	}
	unprefixed := !strings.ContainsRune("上这本去今前", first)
	if rule != "ago" && rule != "fewDays" && isFutureAfter(n[at.end:]) {
		return false // 我周日要出差, 周六之前: not when it happened
	}
	switch rule {
	case "monthPart", "weekday", "weekend", "month":
		if unprefixed && strings.ContainsRune("个一二三四五六七八九十几两岁", before) {
			return false
		}
	case "dayWord":
		if strings.HasPrefix(n[at.start:], "今") && isDeadline(n, at) {
			return false
		}
	case "day":
		if strings.ContainsRune("店楼线门房桌柜窗机位车厅口台床码元块馆院室栋单件个次人", after) {
			return false
		}
		if strings.ContainsRune("月型编账单", before) {
			return false
		}
	}
	return true
}

// isFutureAfter reports whether the words after a date make it a time to
// come: a plan (周日要出差) or a limit (周六之前, 三天内).
func isFutureAfter(after string) bool {
	after = strings.TrimLeft(after, " ")
	for _, w := range []string{"要", "得去", "会", "准备", "打算", "之前", "以前", "之内", "以内", "前必须", "前给", "前要", "内"} {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	return strings.HasPrefix(after, "前") && !strings.HasPrefix(after, "前天") && !strings.HasPrefix(after, "前年")
}

// deadlineCues around 今天 make it the day something must be done by
// (今天必须给我退款), not the day it happened.
var deadlineCues = []string{"必须", "之前", "之内", "以内", "给我", "给个", "处理", "回复", "解决", "答复", "联系我", "退", "到账", "务必", "最晚", "最迟", "要求", "内"}

// isDeadline reports whether the words around at in its clause make it a
// deadline.
func isDeadline(n string, at span) bool {
	after := n[at.end:]
	if k := strings.IndexAny(after, ",.!?;:\n。"); k >= 0 {
		after = after[:k]
	}
	before := n[:at.start]
	if k := strings.LastIndexAny(before, ",.!?;:\n。"); k >= 0 {
		before = before[k+1:]
	}
	for _, cue := range deadlineCues {
		if strings.HasPrefix(after, cue) || strings.HasPrefix(after, "就"+cue) || strings.HasSuffix(before, cue) {
			return true
		}
	}
	return false
}

// submatches returns the submatch strings of one match found by
// FindAllStringSubmatchIndex ("" for groups that did not take part).
func submatches(s string, loc []int) []string {
	m := make([]string, len(loc)/2)
	for i := range m {
		if loc[2*i] >= 0 {
			m[i] = s[loc[2*i]:loc[2*i+1]]
		}
	}
	return m
}

// addDate records a date as a When finding and claims its words.
func (r *reading) addDate(d dateReading) {
	if d.day.IsZero() || r.hasNow && !r.cal.latest(d.day) {
		return
	}
	r.claim(d.at)
	r.add(Finding{Slot: When, Value: dateValue(d.day), Date: d.day, Approx: d.approx}, d.at)
}
