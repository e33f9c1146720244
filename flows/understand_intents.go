package flows

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// intentOrder is the order intents are listed in.
var intentOrder = []Intent{WantsHuman, Withdraws, Skips, Yes, No, NothingElse, NewComplaint, Greets, Thanks, Chases,
	Questions, ChitChat, Urges, AlreadySaid, AsksBot, SpeaksZH, SpeaksEN, Corrects}

// whWords after "don't know" make it a statement, not an answer: "I don't
// know why it broke", "不知道为什么坏了".
var whWords = []string{"为什么", "怎么", "是不是", "为啥", "能不能", "该", "什么原因", "咋", "哪里出", "why", "how", "what", "whether", "if", "who", "which"}

// intents reads what the customer asks the bot to do, and short answers.
//
//   - Human, new complaint, thanks and chase count wherever they are said.
//   - Withdraw counts wherever an explicit phrase is said (不投诉了, "cancel
//     my complaint"); 算了, "never mind" only in a short text that tells no
//     problem.
//   - Skip (不知道, "don't remember") only in a short text, and not when a
//     question word follows ("I don't know why it broke").
//   - Yes, No and Nothing else only as the answer the text starts with: the
//     first clause is nothing but answer words ("对", "不对,是上周四", "没有了,
//     谢谢", "yes that's right"), or the text is short and starts with the
//     answer ("no it was B71", "是的我在南京西路买的").
//   - Greeting only when nothing else is said; a greeting that asks "在吗?",
//     "hello??" is also a chase.
func (r *reading) intents() []Intent {
	set := map[Intent]bool{}
	short := r.u.isShort()
	if r.ctx.Expect != "" && r.u.units() <= 40 {
		short = true
	}
	for _, h := range r.hitsOf(senseIntent) {
		in := Intent(h.lex.arg)
		switch h.lex.answer {
		case anywhere:
			if in != Greets { // a greeting counts only alone, below
				set[in] = true
			}
		case shortOnly:
			switch in {
			case Withdraws:
				if short && len(r.grievances) == 0 {
					set[in] = true
				}
			case Skips:
				if short && !r.followedByWh(h) {
					set[in] = true
				}
			}
		}
	}
	r.readAnswer(set)
	if t := strings.Trim(r.u.norm, " 。.!！~"); t == "对了" || t == "对了对了" {
		set[Yes] = true // alone, 对了 is "that's right"; before more words, "by the way"
	}
	if r.isBareNegative() && (r.ctx.Expect == Order || r.ctx.Expect == When || r.ctx.Expect == Where) {
		set[Skips] = true // 没有 to "what is the order number?"
	}
	if r.hasSense(senseIntent) && r.onlyPleasantries() {
		for _, h := range r.hitsOf(senseIntent) {
			if Intent(h.lex.arg) == Greets {
				set[Greets] = true
				if strings.Contains(r.u.norm, "?") {
					set[Chases] = true
				}
			}
		}
	}
	r.readAside(set)
	var out []Intent
	for _, in := range intentOrder {
		if set[in] {
			out = append(out, in)
		}
	}
	return out
}

// requestForms before an outcome in a question make it a request: "can
// you refund me?", "能不能给我换一个?".
var requestForms = []string{"can you", "could you", "would you", "can i get", "can i have", "could i get", "能不能", "可不可以", "可以", "能否",
	"能帮我", "帮我", "麻烦"}

// readAside reads a question or a remark about something else than the
// complaint (P3: kept, answered briefly, never taken as facts):
//
//   - Questions: the text asks (it ends with a question mark, 吗 or 呢, or
//     starts a question: 请问, 顺便问一下, "do you sell", "quick question")
//     and tells no problem, is no chase, no indignant question and no
//     request ("can you refund me?").
//   - ChitChat: the text laughs or chats (哈哈, lol, btw, "his is fine")
//     and tells no problem.
func (r *reading) readAside(set map[Intent]bool) {
	if len(r.grievances) > 0 || set[Chases] || set[WantsHuman] || set[AsksBot] || set[Withdraws] || set[NewComplaint] || r.onlyPleasantries() {
		return
	}
	asked, chat := false, false
	for _, h := range r.u.hits {
		switch h.lex.sense {
		case senseProblem, senseTreatment, senseInsult, senseAngry:
			if !r.harmDenied(h) {
				return
			}
		case senseRisk:
			return
		case senseQuestion:
			asked = true
		case senseChat:
			chat = true
		}
	}
	shaped := isQuestion(r.u.norm) || strings.HasSuffix(strings.TrimRightFunc(r.u.norm, isAsideTail), "呢")
	if shaped && !asked && rhetoricalQuestion(r.u.norm) {
		return
	}
	if (asked || shaped) && r.has(Outcome, "") {
		for _, w := range requestForms {
			if containsWord(r.u.norm, w) {
				return
			}
		}
	}
	switch {
	case asked || shaped && !chat:
		if shaped || asked {
			set[Questions] = true
		}
	case chat:
		set[ChitChat] = true
	}
}

// isAsideTail reports whether r may end a question after its mark: a
// space, laughter, an emoji.
func isAsideTail(r rune) bool {
	return unicode.IsSpace(r) || r == '~' || unicode.In(r, unicode.So, unicode.Sk) || r == 0xFE0F
}

// followedByWh reports whether a question word follows the hit in its
// clause.
func (r *reading) followedByWh(h lexHit) bool {
	c := r.u.clauseAt(h.start)
	after := strings.TrimSpace(r.u.norm[h.end:max(c.end, h.end)])
	for _, w := range whWords {
		if strings.HasPrefix(after, w) && (!isASCIIAlnum(w[0]) || len(after) == len(w) || !isASCIIAlnum(after[len(w)])) {
			return true
		}
	}
	return false
}

// isAnswerSense reports whether a keyword may stand in a short answer.
func isAnswerSense(lx *lexeme) bool {
	if lx.sense == senseFiller {
		return true
	}
	if lx.sense != senseIntent {
		return false
	}
	switch Intent(lx.arg) {
	case Yes, No, NothingElse, Thanks, Greets, Skips, Urges:
		return true
	}
	return false
}

// readAnswer reads Yes, No and Nothing else from the start of the text.
func (r *reading) readAnswer(set map[Intent]bool) {
	if len(r.u.clauses) == 0 {
		return
	}
	first := r.u.clauses[0]
	// The first answer word, after fillers only.
	var lead *lexHit
	pos := first.start
	for i := range r.u.hits {
		h := &r.u.hits[i]
		if h.start < first.start {
			continue
		}
		if h.start >= first.end || !r.u.blank(pos, h.start) {
			break
		}
		if h.lex.sense == senseFiller {
			pos = max(pos, h.end)
			continue
		}
		for j := i; j < len(r.u.hits) && r.u.hits[j].start == h.start; j++ {
			if o := &r.u.hits[j]; o.end == h.end && o.lex.sense == senseIntent && o.lex.answer == leading {
				lead = o
				break
			}
		}
		break
	}
	if lead == nil && !r.coveredBy(first, isAnswerSense) {
		return
	}
	answers := map[Intent]bool{}
	var plainNo bool
	if r.coveredBy(first, isAnswerSense) {
		// The first clauses are nothing but answers: "对", "不对", "没有了,
		// 谢谢", "no, that's all".
		for _, c := range r.u.clauses {
			if !r.coveredBy(c, isAnswerSense) {
				break
			}
			for _, h := range r.u.hitsIn(c) {
				if h.end <= c.end && h.lex.sense == senseIntent && h.lex.answer == leading {
					answers[Intent(h.lex.arg)] = true
					plainNo = plainNo || isPlainNo(h.lex.word)
				}
			}
		}
	} else if lead != nil && r.u.isShort() && r.canLeadLongerAnswer(lead) {
		answers[Intent(lead.lex.arg)] = true
		plainNo = isPlainNo(lead.lex.word)
	}
	if answers[NothingElse] && answers[No] && plainNo {
		delete(answers, No) // "no, that's all" / "没有了"
	}
	for in := range answers {
		set[in] = true
	}
}

// canLeadLongerAnswer reports whether an answer word may start a short text
// that goes on to say more: "no it was B71", "不是上周三,是上周四", "yes it
// was on Tuesday", "是的我在南京西路买的". A one-character 是 or 对 followed
// by more words is a sentence ("是上周四"), not an answer.
func (r *reading) canLeadLongerAnswer(h *lexHit) bool {
	after, _ := utf8.DecodeRuneInString(r.u.norm[h.end:])
	switch Intent(h.lex.arg) {
	case No:
		return true
	case Yes:
		if h.lex.word[0] < 0x80 {
			return len(h.lex.word) > 2 // "yes", "yeah", not "k"
		}
		return utf8.RuneCountInString(h.lex.word) >= 2 && !unicode.Is(unicode.Han, after) || utf8.RuneCountInString(h.lex.word) >= 2 && strings.ContainsAny(h.lex.word, "的啊呀错")
	case NothingElse:
		return true
	}
	return false
}

// isPlainNo reports whether w is a bare "no" that may only mean there is
// nothing more.
func isPlainNo(w string) bool {
	switch w {
	case "no", "nope", "nah", "没有", "n":
		return true
	}
	return false
}

// isBareNegative reports whether the whole text is a bare "no" or "none".
func (r *reading) isBareNegative() bool {
	t := strings.Trim(r.u.norm, " .!。!~")
	switch t {
	case "没有", "没", "无", "没有的", "none", "no", "nope", "n/a", "na", "nil", "没有哦", "没有呢", "暂无":
		return true
	}
	return false
}

// onlyPleasantries reports whether the text says nothing but greetings,
// thanks, chases and fillers.
func (r *reading) onlyPleasantries() bool {
	if len(r.grievances) > 0 {
		return false
	}
	return r.coveredBy(span{0, len(r.u.norm)}, func(lx *lexeme) bool {
		if lx.sense == senseFiller {
			return true
		}
		if lx.sense != senseIntent {
			return false
		}
		switch Intent(lx.arg) {
		case Greets, Thanks, Chases:
			return true
		}
		return false
	})
}

// coveredBy reports whether every letter and digit of s in norm lies in a
// keyword for which ok holds.
func (r *reading) coveredBy(s span, ok func(*lexeme) bool) bool {
	pos := s.start
	for _, h := range r.u.hitsIn(s) {
		if h.end <= pos {
			continue
		}
		if !ok(h.lex) {
			continue
		}
		if !r.u.blank(pos, h.start) {
			return false
		}
		pos = max(pos, h.end)
	}
	return r.u.blank(pos, s.end)
}

// blank reports whether norm[i:j] holds no letter or digit.
func (u *utterance) blank(i, j int) bool {
	if i >= j {
		return true
	}
	return !hasAlnum(u.norm[i:j])
}
