package flows

import (
	"strings"
	"unicode/utf8"
)

// Negation is read in three narrow ways, each for its own purpose; a
// general "not" anywhere in a clause changes nothing (in "it's not working
// since yesterday" yesterday is still the day).
//
//   - A corrected fact: the fact right after 不是, 并非, 而不是, not,
//     isn't, wasn't ("不是上周三,是上周四", "B77, not B71"), and every fact
//     of a short Chinese clause that starts with 不是 or 并非
//     ("不是上周三在南京西路店") is Negated.
//   - Harm denied: an injury, safety hazard or distress right after 没,
//     没有, 未, 无, no, not, nobody, never, n't ("没有受伤", "nobody was
//     hurt") is neither a risk nor an impact.
//   - An outcome refused: an outcome right after 不要, 不想, 不用, don't
//     want ("我不要退款,我要换货") is Negated.

// correctionCues end the words before a corrected fact.
var correctionCues = []string{"不是", "并非", "并不是", "而不是", "不在", "不是在", "不是那个", "not", "isn't", "isnt", "wasn't", "wasnt", "forget", "forget about",
	"is not", "was not", "rather than", "instead of", "not on", "not in", "not at"}

// correctionFillers may stand between a correction cue and the fact: "not
// on Tuesday", "不是在上周三", "isn't order B71".
var correctionFillers = []string{"on", "in", "at", "the", "a", "order", "number", "from", "订单号", "订单", "在", "那个", "于"}

// markNegated sets Negated on facts said as rejected.
func (r *reading) markNegated() {
	for i := range r.found {
		f := &r.found[i]
		switch {
		case f.Slot == When, f.Slot == Order, f.Slot == Where, f.Slot == Contact, f.Slot == Deadline:
			if r.correctionBefore(f.at.start) || r.rejectingClause(r.u.clauseAt(f.at.start)) {
				f.Negated = true
			}
		case f.Slot == Impact && f.Kind == ImpactMoney:
			if r.correctionBefore(f.at.start) {
				f.Negated = true // 是299不是199
			}
		}
	}
}

// rejectingClause reports whether a short Chinese clause starts by
// rejecting what it says: "不是上周三在南京西路店". In English only the
// fact right after the cue is rejected (correctionBefore): a clause that
// starts with "not" often tells something else ("not working since
// yesterday").
func (r *reading) rejectingClause(c span) bool {
	text := r.u.norm[c.start:c.end]
	for _, cue := range []string{"不是", "并非", "并不是"} {
		if strings.HasPrefix(text, cue) && !strings.HasPrefix(text, "不是说") && utf8.RuneCountInString(text) <= 14 {
			return true
		}
	}
	return false
}

// correctionBefore reports whether the words just before byte i of norm,
// in the same clause, end with a correction cue.
func (r *reading) correctionBefore(i int) bool {
	c := r.u.clauseAt(i)
	if c.start == c.end {
		c.start = 0
	}
	before := strings.TrimRight(r.u.norm[max(c.start, i-40):i], " ")
	for k := 0; k < 2; k++ {
		trimmed := false
		for _, f := range correctionFillers {
			if hasWordSuffix(before, f) {
				before = strings.TrimRight(before[:len(before)-len(f)], " ")
				trimmed = true
				break
			}
		}
		if !trimmed {
			break
		}
	}
	for _, cue := range correctionCues {
		if hasWordSuffix(before, cue) {
			return true
		}
	}
	return false
}

// hasWordSuffix reports whether s ends with w, and, when w is an English
// word, whether w starts a word there.
func hasWordSuffix(s, w string) bool {
	if !strings.HasSuffix(s, w) {
		return false
	}
	k := len(s) - len(w)
	return k == 0 || !isASCIIAlnum(w[0]) || !isASCIIAlnum(s[k-1]) && s[k-1] != '\''
}

// harmCuesZH and harmCuesEN deny harm when they come shortly before it.
var (
	harmCuesZH = []string{"没有", "没", "未", "无", "并没有", "没什么", "不会", "幸好没", "还好没", "没有人", "没人"}
	harmCuesEN = map[string]bool{"no": true, "not": true, "nobody": true, "never": true, "without": true, "nothing": true,
		"none": true, "neither": true, "nor": true, "wasnt": true, "didnt": true, "werent": true, "isnt": true, "hasnt": true, "havent": true}
)

// harmDenied reports whether the harm word at h is denied by a cue shortly
// before it in its clause: four characters in Chinese, three words in
// English.
func (r *reading) harmDenied(h lexHit) bool {
	c := r.u.clauseAt(h.start)
	before := r.u.norm[c.start:h.start]
	if h.lex.word[0] >= 0x80 {
		window := before
		for k := 0; k < 4 && window != ""; k++ {
			_, size := utf8.DecodeLastRuneInString(window)
			window = window[:len(window)-size]
		}
		tail := before[len(window):]
		for _, cue := range harmCuesZH {
			if strings.Contains(tail, cue) {
				return true
			}
		}
		return false
	}
	words := strings.Fields(before)
	for k := len(words) - 1; k >= 0 && k >= len(words)-3; k-- {
		w := strings.Trim(words[k], ",.;:!?\"")
		if harmCuesEN[w] || strings.HasSuffix(w, "n't") {
			return true
		}
	}
	return false
}

// refusalCues before an outcome say the customer does not want it.
var refusalCues = []string{"不要", "不想要", "不想", "不用", "不需要", "别", "不是要", "不要求", "没要", "并不想", "don't want", "dont want",
	"do not want", "not looking for", "no need for", "not asking for", "not interested in", "don't need", "dont need", "not after",
	"don't want a", "not a", "not for a", "rather than a", "instead of a", "don't", "dont", "do not", "didn't", "not asking", "not", "no",
	"i'm not after", "not after", "rather than", "instead of", "不要了", "别给我", "不用给我"}

// outcomeRefused reports whether the outcome word at h follows a refusal
// cue in its clause ("我不要退款", "I don't want a refund").
func (r *reading) outcomeRefused(h lexHit) bool {
	c := r.u.clauseAt(h.start)
	before := strings.TrimRight(r.u.norm[max(c.start, h.start-30):h.start], " ")
	for _, f := range []string{"a", "an", "the", "my", "any", "你们", "给我", "我", "再"} {
		if hasWordSuffix(before, f) {
			before = strings.TrimRight(before[:len(before)-len(f)], " ")
			break
		}
	}
	for _, cue := range refusalCues {
		if hasWordSuffix(before, cue) {
			return true
		}
	}
	return false
}
