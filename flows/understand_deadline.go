package flows

import (
	"regexp"
	"strings"
	"time"
)

// A deadline the customer asks for is a fact (P4, P7): "I want a
// replacement sent by Friday", "周六之前必须给我换好", "within 3 days",
// "今天中午之前必须送到". It is read before the dates, so that its words are
// not read as the day something happened, and it is resolved with
// ParseTime, the reader of the times staff promise: a day without a time
// is its end. A deadline before today is not one.

var (
	zhDeadlineRe = regexp.MustCompile(`(今天|明天|后天|大后天|今晚|明晚|这周|本周|这个星期|这礼拜|下个?周末|下周[一二三四五六日天]?|下个?星期[一二三四五六日天]?|下个?礼拜[一二三四五六日天]?|` +
		`(?:这|本)?周[一二三四五六日天]|星期[一二三四五六日天]|礼拜[一二三四五六日天]|周末|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|月底|这个月底|月末|年底)` +
		`\s*的?\s*(?:中午|下午|晚上|上午|早上|下班)?\s*(?:\d{1,2}\s*[点时])?\s*(之前|以前|前|之内|以内|内|必须|一定要|务必|最晚|最迟)|` +
		`(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(个)?\s*(天|小时|个小时|工作日|个工作日|星期|个星期|周|礼拜)\s*(之内|以内|内)`)
	enDeadlineRe = regexp.MustCompile(`\b(?:by|before|no later than|until|till|within|in the next)\s+` +
		`(?:the end of (?:the )?(?:day|week|month)|end of (?:the )?(?:day|week|month)|today|tonight|tomorrow|this week|next week|the weekend|` +
		`(?:this |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|` +
		`(?:\d{1,2}|a|one|two|three|four|five|six|seven|ten|a couple of)\s+(?:days?|hours?|weeks?|business days|working days)|` +
		`(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?|the \d{1,2}(?:st|nd|rd|th))\b`)
	// enNotDeadlineRe before a time make it a promise someone broke, not
	// a deadline asked for: "it was supposed to arrive by Friday".
	enNotDeadlineRe = regexp.MustCompile(`\b(?:supposed to|meant to|promised|should have|was to|were to|said it would|due to arrive|expected|estimated)\b[^,.;!?]*$`)
)

var (
	zhDeadlineScan = nearScan{re: zhDeadlineRe, words: []string{"前", "内", "必须", "一定要", "务必", "最晚", "最迟"}, before: 48, after: 9}
	enDeadlineScan = nearScan{re: enDeadlineRe, words: []string{"by ", "before ", "no later than", "until ", "till ", "within ", "in the next"}, after: 40}
)

// readDeadlines reads the deadlines of the text.
func (r *reading) readDeadlines() {
	if !r.hasNow {
		return
	}
	n := r.u.norm
	var locs [][]int
	if r.u.han > 0 {
		locs = append(locs, zhDeadlineScan.findAll(n)...)
	}
	if r.u.words > 0 {
		for _, loc := range enDeadlineScan.findAll(n) {
			c := r.u.clauseAt(loc[0])
			if c.start < loc[0] && enNotDeadlineRe.MatchString(n[c.start:loc[0]]) {
				r.claim(span{loc[0], loc[1]})
				continue
			}
			locs = append(locs, loc)
		}
	}
	for _, loc := range locs {
		at := span{loc[0], loc[1]}
		if r.claimed(at) {
			continue
		}
		phrase := n[at.start:at.end]
		for _, w := range []string{"必须", "一定要", "务必", "最晚", "最迟"} {
			phrase = strings.TrimSuffix(phrase, w)
		}
		t, ok := ParseTime(phrase, r.ctx.Now)
		if !ok {
			continue
		}
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, r.cal.loc)
		r.claim(at)
		if day.Before(r.cal.today) {
			continue
		}
		r.add(Finding{Slot: Deadline, Value: dateValue(day), Date: day}, at)
		r.deadlines = append(r.deadlines, at)
	}
}

// deadlineActions are what a deadline asks to be done, when no outcome
// word says it: 今天中午之前必须送到 wants it delivered.
var deadlineActions = []struct{ word, kind string }{
	{"送到", OtherOutcome}, {"送过来", OtherOutcome}, {"送来", OtherOutcome}, {"发货", OtherOutcome}, {"到货", OtherOutcome},
	{"修好", Repair}, {"换好", Replacement}, {"退款", Refund}, {"退钱", Refund}, {"答复", Explanation}, {"回复", Explanation},
	{"delivered", OtherOutcome}, {"arrive", OtherOutcome}, {"fixed", Repair}, {"repaired", Repair}, {"replaced", Replacement}}

// readDeadlineOutcomes reads the outcome a deadline's clause asks for,
// when the text names none. It runs after readOutcomes.
func (r *reading) readDeadlineOutcomes() {
	for _, at := range r.deadlines {
		if r.has(Outcome, "") {
			return
		}
		r.deadlineOutcome(at)
	}
}

// deadlineOutcome reads the outcome of one deadline's clause.
func (r *reading) deadlineOutcome(at span) {
	c := r.u.clauseAt(at.start)
	rest := r.u.norm[at.end:max(c.end, at.end)]
	before := r.u.norm[c.start:at.start]
	for _, a := range deadlineActions {
		if !strings.Contains(rest, a.word) && !strings.Contains(before, a.word) {
			continue
		}
		v := a.kind
		if a.kind == OtherOutcome {
			v = r.trimmedSource(c.start, c.end)
		}
		r.add(Finding{Slot: Outcome, Kind: a.kind, Value: v}, c)
		return
	}
}
