package flows

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// timeLostRes find time wasted: trips, waiting, days off, calls (Impact,
// Kind time).
var timeLostRes = []nearScan{
	{re: regexp.MustCompile(`(跑|去|来回)了?\s*(\d+|[一二两三四五六七八九十几好]+)\s*(趟|次)`), words: []string{"趟", "次"}, before: 40, after: 40},
	{re: regexp.MustCompile(`等了\s*(\d+|[一二两三四五六七八九十半几好]+)\s*(个)?\s*(多|半)?\s*(天|周|星期|个星期|个月|月|小时|个小时|钟头|分钟)`), words: []string{"等了"}, before: 40, after: 40},
	{re: regexp.MustCompile(`请了\s*(\d+|[一两半三几]+)?\s*(天)?\s*(的)?\s*假`), words: []string{"假"}, before: 40, after: 40},
	{re: regexp.MustCompile(`打了\s*(\d+|[一二两三四五六七八九十几好无数]+)\s*(次|通|遍|个)[^,。!?]{0,4}电话`), words: []string{"电话"}, before: 40, after: 40},
	{re: regexp.MustCompile(`(耽误|浪费)了?[^,。!?]{0,9}(时间|工作|上班|一天|半天)|误工`), words: []string{"耽误", "浪费", "误工"}, before: 40, after: 40},
	{re: regexp.MustCompile(`\b(?:waited|been waiting|waiting|wait)\s+(?:for\s+)?(?:over\s+|more than\s+|almost\s+|nearly\s+|about\s+)?(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|a few|a couple of|many)\s+(?:minutes?|hours?|days?|weeks?|months?)\b`), words: []string{"wait"}, before: 40, after: 40},
	{re: regexp.MustCompile(`\btook\s+(?:a|an|\d+|one|two|three|half a|the whole|the|a whole)\s+(?:days?|hours?|mornings?|afternoons?|day)\s+off\b|\bday off work\b|\btime off work\b|\bmorning off work\b`), words: []string{"took", "day off", "time off", "morning off"}, before: 40, after: 40},
	{re: regexp.MustCompile(`\b(?:\d+|two|three|four|five|six|several|multiple|many|countless)\s+(?:trips|visits|phone calls|calls)\b`), words: []string{"trips", "visits", "calls"}, before: 40, after: 40},
	{re: regexp.MustCompile(`\bcalled\s+(?:you\s+|your \w+\s+)?(?:\d+|two|three|four|five|six|ten|several|many|multiple|countless|numerous)\s+times\b`), words: []string{"called"}, before: 40, after: 40},
	{re: regexp.MustCompile(`\bon hold for\s+(?:over\s+|more than\s+|almost\s+)?(?:\d+|an?|one|two|three)\s+(?:minutes?|hours?)\b`), words: []string{"on hold"}, before: 40, after: 40},
	{re: regexp.MustCompile(`\bwasted\s+(?:my|a|the|an)\s+(?:whole\s+|entire\s+)?(?:day|morning|afternoon|time|weekend|evening|week)\b`), words: []string{"wasted"}, before: 40, after: 40},
}

// readImpacts reads what the problem cost the customer besides money:
// injury, safety hazards, distress and time (the Impact slot). Harm denied
// ("没有受伤", "nobody was hurt") is not read. The Value is the clause that
// tells it (when it has at most sixty characters).
func (r *reading) readImpacts() {
	for _, h := range r.u.hits {
		kind := ""
		switch {
		case h.lex.sense == senseRisk && h.lex.arg == string(RiskInjury):
			kind = ImpactInjury
		case h.lex.sense == senseRisk && h.lex.arg == string(RiskSafety):
			kind = ImpactSafety
		case h.lex.sense == senseDistress:
			kind = ImpactDistress
		default:
			continue
		}
		if r.harmDenied(h) {
			continue
		}
		r.add(Finding{Slot: Impact, Kind: kind, Value: r.clauseValue(h.start, h.end)}, span{h.start, h.end})
	}
	n := r.u.norm
	for _, scan := range timeLostRes {
		for _, loc := range scan.findAll(n) {
			at := span{loc[0], loc[1]}
			r.add(Finding{Slot: Impact, Kind: ImpactTime, Value: r.u.source(at.start, at.end)}, at)
		}
	}
}

// clauseValue returns the clause holding [i, j) as written, trimmed and cut
// to sixty characters; when the clause is longer, the words [i, j) alone.
func (r *reading) clauseValue(i, j int) string {
	c := r.u.clauseAt(i)
	if c.start == c.end {
		return r.u.source(i, j)
	}
	v := r.trimmedSource(c.start, max(c.end, j))
	if utf8.RuneCountInString(v) > 60 {
		return strings.TrimSpace(r.u.source(i, j))
	}
	return v
}
