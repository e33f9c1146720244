package flows

import (
	"regexp"
	"strings"
)

// readOutcomes reads what the customer wants (the Outcome slot): refund,
// replacement, repair, apology, explanation, compensation, or other (Value
// the clause that asks for it, "取消订单", "I want the manager fired"). The
// Value of a known kind is the kind's English name; Span is the words. An
// outcome refused ("我不要退款") is Negated. A weak cue (为什么, "why")
// counts as a wish for an explanation only when nothing else is asked for.
func (r *reading) readOutcomes() {
	var weak []lexHit
	strong := false
	for _, h := range r.hitsOf(senseOutcome) {
		if h.lex.weight == 0 {
			weak = append(weak, h)
			continue
		}
		r.addOutcome(h)
		strong = true
	}
	if !strong && len(weak) > 0 {
		r.addOutcome(weak[0])
	}
	for _, loc := range newThingScan.findAll(r.u.norm) {
		at := span{loc[0], loc[1]}
		if !r.has(Outcome, Replacement) && !r.claimed(at) && !r.outcomeRefusedAt(at.start) {
			r.add(Finding{Slot: Outcome, Kind: Replacement, Value: Replacement}, at)
		}
	}
	for _, loc := range moneyBackScan.findAll(r.u.norm) {
		at := span{loc[0], loc[1]}
		if !r.has(Outcome, Refund) {
			r.add(Finding{Slot: Outcome, Kind: Refund, Value: Refund}, at)
		}
	}
}

// moneyBackRe finds a refund asked for with the amount: "I want the $40
// back", "give me my 50 quid back".
// newThingRe finds a replacement asked for by naming it: "a new table",
// "a working monitor", "a replacement leg".
var newThingRe = regexp.MustCompile(`\b(?:a|an|another)\s+(?:new|working|replacement|fresh)\s+[a-z]+`)

var newThingScan = nearScan{re: newThingRe, words: []string{" new ", " working ", " replacement ", " fresh "}, before: 10, after: 24}

var moneyBackRe = regexp.MustCompile(`\b(?:want|get|give me|need|like)\s+(?:my |the |all |all my |all the )?(?:money |[$£€¥]?\s?\d[\d.,]*\s?(?:dollars|pounds|quid|euros|yuan)?\s)back\b`)

var moneyBackScan = nearScan{re: moneyBackRe, words: []string{" back"}, before: 50}

// serviceWords name a service as a noun: a visit for one (做保养, "your
// repair technician") is the topic of a complaint, not the outcome asked
// for, unless the customer asks for it (我要维修, "please send an
// engineer") or answers the question about the outcome.
var serviceWords = map[string]bool{"维修": true, "修理": true, "保养": true, "检修": true, "返修": true, "repair": true, "repairs": true,
	"technician": true, "engineer out": true}

// wishCues before an outcome word in its clause make it something asked
// for.
var wishCues = []string{"要", "想", "希望", "请", "给我", "安排", "需要", "能不能", "可以", "麻烦", "帮我", "派", "申请", "要求", "赶紧", "尽快",
	"want", "need", "like", "please", "can you", "could you", "should", "arrange", "send", "expect", "demand", "book", "get", "or", "and"}

// bookedCues before a repair or service word say it is a visit already
// booked, what the complaint is about (约了师傅上门保养, "booked an engineer
// visit"), not what the customer asks for.
var bookedCues = []string{"约了", "约好", "预约", "已约", "说好", "约的", "约师傅", "booked", "scheduled", "appointment", "arranged"}

// visitedCues before a repair word say a visit already happened: it is
// what the complaint is about, not what the customer asks for.
var visitedCues = []string{"昨天", "前天", "上周", "上次", "那天", "当时", "你们的", "你们派的", "来了", "came", "was here", "were here", "visited",
	"turned up", "showed up", "sent someone", "sent a"}

// strongWishCues say the customer asks for what follows even after a
// booking word: 我想预约上门维修, "I need to book a repair".
var strongWishCues = []string{"要", "想", "希望", "需要", "麻烦", "帮我", "申请", "want", "need", "please", "can you", "could you"}

func containsAnyWord(s string, words []string) bool {
	for _, w := range words {
		if containsWord(s, w) {
			return true
		}
	}
	return false
}

// otherWants before an outcome word say someone else wants it:
// 邻居找我赔钱, "he wants me to pay".
var otherWants = []string{"找我", "让我", "要我", "叫我", "逼我", "want me to", "wants me to", "asked me to", "asking me to", "told me to"}

// notDoneCues before an explanation or an apology say it was not given:
// 没有一个人过来解释, "nobody explained". That is a complaint about the
// treatment, not yet a wish.
var notDoneCues = []string{"没有", "没人", "没", "也不", "从不", "不肯", "nobody", "no one", "never", "didn't", "did not", "without", "won't", "wouldn't"}

// outcomeIsTopic reports whether the outcome word at h names what the
// complaint is about rather than what the customer wants.
func (r *reading) outcomeIsTopic(h lexHit) bool {
	c := r.u.clauseAt(h.start)
	before := r.u.norm[c.start:h.start]
	for _, w := range otherWants {
		if strings.Contains(before, w) {
			return true
		}
	}
	switch h.lex.arg {
	case Explanation, Apology:
		for _, w := range notDoneCues {
			if containsWord(before, w) {
				return true
			}
		}
	case Repair:
		for _, w := range []string{"还没", "没有", "没", "未", "还是没", "still not", "still hasn't", "not yet", "hasn't been", "nobody has", "no one has"} {
			if containsWord(before, w) && !containsWord(before, "要") {
				return true // 还没修好: what went wrong, not yet a wish
			}
		}
		for _, w := range bookedCues {
			if containsWord(before, w) && r.ctx.Expect != Outcome && !containsAnyWord(before, strongWishCues) {
				return true // 约了师傅上门保养: the visit the complaint is about
			}
		}
		if r.ctx.Expect != Outcome && containsAnyWord(before, visitedCues) && !containsAnyWord(before, strongWishCues) {
			return true // 昨天你们的师傅上门装空调, "came yesterday to fix the dishwasher": the visit that went wrong
		}
		if !serviceWords[h.lex.word] || r.ctx.Expect == Outcome || strings.TrimSpace(before) == "" && c.end == h.end {
			return false
		}
		for _, w := range wishCues {
			if containsWord(before, w) {
				return false
			}
		}
		return true
	}
	return false
}

// containsWord reports whether s holds w, as a whole word when w is
// English.
func containsWord(s, w string) bool {
	if !isASCIIAlnum(w[0]) {
		return strings.Contains(s, w)
	}
	return containsPart(s, w)
}

// addOutcome records one outcome keyword.
func (r *reading) addOutcome(h lexHit) {
	if r.outcomeIsTopic(h) {
		return
	}
	f := Finding{Slot: Outcome, Kind: h.lex.arg, Value: h.lex.arg, Negated: r.outcomeRefused(h)}
	if h.lex.arg == OtherOutcome {
		f.Value = r.clauseValue(h.start, h.end)
	}
	r.add(f, span{h.start, h.end})
}

// outcomeRefusedAt reports whether the words before byte i in its clause
// refuse what follows ("I don't want a new one").
func (r *reading) outcomeRefusedAt(i int) bool {
	return r.outcomeRefused(lexHit{start: i, end: i, lex: &lexeme{word: "x"}})
}
