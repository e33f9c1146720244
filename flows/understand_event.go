package flows

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// An event the customer needs the thing for is a deadline too (P4, P7),
// though they ask for no date: "明天就是我女儿生日，蛋糕还没送到", "下周一我就
// 要出国了，护照还在你们那", "my daughter's birthday is tomorrow and the cake
// hasn't arrived", "I fly out on Friday". The day of the event is the
// deadline. Only events with a day that matters are read (a birthday, a
// wedding, a flight, an exam…), not any plan: "我周日要出差" says when the
// customer is away, not by when they need something.

const (
	zhEventDay   = `(今天|明天|后天|大后天|今晚|明晚|(?:这|本|下下|下)?个?(?:周|星期|礼拜)[一二三四五六日天]|\d{1,2}\s*月\s*\d{1,2}\s*[日号])`
	zhEventWords = `(生日|婚礼|结婚|婚宴|出国|回国|航班|飞机|考试|面试|开学|搬家|开业|演出|比赛|聚会|派对|宴会|年会|答辩|手术|出发|登机)`
	enEventDay   = `(today|tonight|tomorrow|the day after tomorrow|(?:this|next|on)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|monday|tuesday|wednesday|thursday|friday|saturday|sunday)`
	enEventWords = `(birthday|wedding|flight|exam|interview|party|anniversary|ceremony|trip|holiday|vacation|surgery|graduation|funeral)`
)

var (
	zhEventScans = []nearScan{
		// 明天就是我女儿生日, 下周一我就要出国了
		{re: regexp.MustCompile(zhEventDay + `[^，。,.!?！？；;\n]{0,12}?` + zhEventWords), words: zhEventNeedles, before: 64, after: 8},
		// 婚礼是这周六, 航班定在12月5日
		{re: regexp.MustCompile(zhEventWords + `[^，。,.!?！？；;\n]{0,6}?(?:就是|是|在|定在|定于)\s*` + zhEventDay), words: zhEventNeedles, after: 64},
	}
	enEventScans = []nearScan{
		// my daughter's birthday is tomorrow
		{re: regexp.MustCompile(`\b` + enEventWords + `\b[^,.;!?\n]{0,20}?\b(?:is|'s|falls|takes place)\s+` + enEventDay + `\b`), words: enEventNeedles, after: 64},
		// tomorrow is my daughter's birthday
		{re: regexp.MustCompile(`\b` + enEventDay + `\s+(?:is|'s)\s+(?:my|our|his|her|their|the)\b[^,.;!?\n]{0,20}?\b` + enEventWords + `\b`), words: enEventNeedles, before: 64},
		// I need it next Monday, we need them back by tomorrow
		{re: regexp.MustCompile(`\bneeds?\s+(?:it|them|this|that|one|(?:the|my|our)\s+[a-z]+)\s+(?:back\s+)?(?:for\s+|on\s+|by\s+)?` + enEventDay + `\b`),
			words: []string{"need"}, after: 60},
		// I fly out on Friday, we are leaving tomorrow
		{re: regexp.MustCompile(`\b(?:i|we)(?:'m|'re| am| are)?\s+(?:fly|flying|leave|leaving|travel|travelling|traveling|getting married)\s+(?:out\s+|abroad\s+)?` + enEventDay + `\b`),
			words: []string{"fly", "leav", "travel", "married"}, before: 12, after: 40},
	}
	zhEventNeedles = strings.Split(strings.Trim(zhEventWords, "()"), "|")
	enEventNeedles = strings.Split(strings.Trim(enEventWords, "()"), "|")
)

// readEventDeadlines reads the days of events the customer needs the
// thing by, as deadlines, after the deadlines they asked for: a day read
// once is not read again, nor later as the day something happened.
func (r *reading) readEventDeadlines() {
	if !r.hasNow || r.full(Deadline) {
		return
	}
	n := r.u.norm
	var scans []nearScan
	if r.u.han > 0 {
		scans = append(scans, zhEventScans...)
	}
	if r.u.words > 0 {
		scans = append(scans, enEventScans...)
	}
	for _, sc := range scans {
		for _, m := range sc.findAll(n) {
			at, ok := eventDay(n, m)
			if !ok || r.claimed(at) {
				continue
			}
			if prev, _ := utf8.DecodeLastRuneInString(n[:at.start]); strings.ContainsRune("上去前每", prev) {
				continue // 上周六是我生日: it has passed; 每周一: no day
			}
			phrase := strings.TrimPrefix(n[at.start:at.end], "on ")
			t, ok := ParseTime(phrase, r.ctx.Now)
			if !ok {
				continue
			}
			day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, r.cal.loc)
			if day.Before(r.cal.today) {
				continue
			}
			r.claim(at)
			r.add(Finding{Slot: Deadline, Value: dateValue(day), Date: day}, at)
			r.deadlines = append(r.deadlines, at)
		}
	}
}

// eventDay returns the span of the day in a match of an event rule: the
// group of the day, which is the first or the second group.
func eventDay(n string, m []int) (span, bool) {
	for g := 1; 2*g+1 < len(m); g++ {
		s, e := m[2*g], m[2*g+1]
		if s < 0 {
			continue
		}
		if dayWord(n[s:e]) {
			return span{s, e}, true
		}
	}
	return span{}, false
}

// dayWord reports whether a group of an event rule is its day.
func dayWord(s string) bool {
	return !zhEventWordRe.MatchString(s) && !enEventWordRe.MatchString(s)
}

var (
	zhEventWordRe = regexp.MustCompile(`^` + zhEventWords + `$`)
	enEventWordRe = regexp.MustCompile(`^` + enEventWords + `$`)
)
