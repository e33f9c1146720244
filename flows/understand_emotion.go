package flows

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Emotion signals (Analysis.Signals), in the order they are listed.
const (
	signalAngryWord     = "angry_word"     // a word of anger or upset (太差, ridiculous, disappointed)
	signalInsult        = "insult"         // an insult (垃圾公司, idiots, scam)
	signalCaps          = "caps"           // English words in capitals
	signalExclaim       = "exclaim"        // !!, !!!, !?!
	signalEmoji         = "emoji"          // angry or crying emoji
	signalRepeat        = "repeat"         // 快点快点快点, why why why, sooooo, !!!!!
	signalDistress      = "distress_word"  // 崩溃, 失眠, can't sleep, 😭
	signalQuestionMarks = "question_marks" // ??, ？？？
	signalRhetorical    = "rhetorical"     // 你们就是这样服务的吗?, "is this how you treat customers?", 我不是说了吗
	signalThreat        = "threat"         // going to the media, a lawyer, a court or a regulator
)

// rhetoricalRe finds indignant questions about the service: they are not
// asked to be answered.
var rhetoricalRe = regexp.MustCompile(`(这不是|到底有没有|到底能不能|到底会不会|到底要不要|到底行不行|就是这样|就这样|就是这么|这就是你们|这叫什么|这算什么|这是什么|还想不想|到底有没有人|有没有人管|有没有人在|到底还要|` +
	`凭什么|难道|什么意思啊|什么服务|什么态度|搞什么|干什么吃|怎么做事|怎么搞的|怎么回事啊|还讲不讲|讲不讲理|有这样|哪有这样|你们是怎么)[^。!?]*[?吗啊呢]|` +
	`\b(?:is this how you|is that how you|what kind of (?:service|company|business|shop)|are you (?:serious|kidding|joking)|` +
	`how (?:hard|difficult) (?:can it be|is it)|do you (?:even )?care|what is wrong with you|what's wrong with you|how many times|` +
	`who (?:trains|trained) your|seriously\?|really\?)`)

// rhetoricalScan finds rhetoricalRe near its needles.
var rhetoricalScan = nearScan{re: rhetoricalRe, words: []string{"这不是", "到底", "就是这", "就这样", "这就是你们", "这叫什么", "这算什么", "这是什么", "还想不想", "有没有人",
	"到底还要", "凭什么", "难道", "什么服务", "什么态度", "搞什么", "干什么吃", "怎么做事", "怎么搞的", "什么意思", "怎么回事", "讲不讲", "有这样", "你们是怎么", "is this how", "is that how", "what kind of", "are you ",
	"how hard", "how difficult", "do you", "wrong with you", "how many times", "who train", "seriously?", "really?"}, before: 8, after: 60}

// rhetoricalQuestion reports whether the text asks an indignant question.
func rhetoricalQuestion(n string) bool { return len(rhetoricalScan.findAll(n)) > 0 }

// emotionScale turns the score of a text into an emotion:
//
//	score 0     Calm
//	score 1–2   Upset    e.g. 失望 (1); "this is ridiculous" (2); 为什么??
//	score 3–5   Angry    e.g. 气死了 (3); 太差了!!! (2+2); one insult (4)
//	score 6+    Furious  e.g. 垃圾公司,骗子!!! (4+2+2); ALL CAPS with !!! and an insult
//
// The score adds: the weight of each anger word (1 upset, 2 angry, 3 very
// angry; at most 6 in all); 4 for the first insult and 2 for each other
// (at most 8); 1 for each distress word (at most 2); 1 for "!!" or three
// "!" in all, 2 for a run of three or more, 3 for two such runs; 1 for
// "??", 2 for "???"; 1 for
// one word in capitals, 3 for three or more (or a whole short text); 2 for
// each angry emoji (at most 4), 1 for a thumbs-down or a crying face; 2
// for repetition.
func emotionScale(score int) Emotion {
	switch {
	case score >= 6:
		return Furious
	case score >= 3:
		return Angry
	case score >= 1:
		return Upset
	}
	return Calm
}

// capsAcronyms are words written in capitals that are not shouting.
var capsAcronyms = map[string]bool{"TV": true, "USA": true, "UK": true, "US": true, "OK": true, "ID": true, "APP": true, "BBB": true,
	"FTC": true, "SMS": true, "USB": true, "LED": true, "LCD": true, "DHL": true, "UPS": true, "USPS": true, "IMEI": true, "SN": true,
	"CEO": true, "VIP": true, "PDF": true, "PIN": true, "GPS": true, "RMB": true, "CNY": true, "USD": true, "EUR": true, "GBP": true,
	"HK": true, "SIM": true, "WIFI": true, "IOS": true, "CPU": true, "GPU": true, "SSD": true, "RAM": true, "AC": true, "DC": true,
	"QR": true, "ATM": true, "VAT": true, "LG": true, "HP": true, "IBM": true, "BMW": true, "KFC": true, "IKEA": true, "AM": true,
	"PM": true, "EU": true, "NYC": true, "LA": true, "SF": true, "JD": true, "MP": true, "FAQ": true, "ETA": true, "ASAP": true,
	"HR": true, "IT": true, "PC": true, "A": true, "I": true, "NHS": true, "DVD": true, "CD": true, "XL": true, "XXL": true, "XS": true,
	"UAE": true, "DIY": true, "PS": true, "VS": true, "AI": true, "API": true, "URL": true, "FCA": true, "CFPB": true, "BBC": true,
	"CNN": true, "CCTV": true, "OLED": true, "HDMI": true, "NFC": true, "SF1": true, "FYI": true, "AKA": true, "PST": true, "EST": true,
	"GMT": true, "UTC": true, "CST": true, "SKU": true, "RE": true, "FW": true, "RSVP": true, "MRI": true, "ICU": true, "ER": true}

// emotion judges how strongly the customer feels and why.
func (r *reading) emotion() (Emotion, []string) {
	var score int
	signals := map[string]bool{}
	angry, insults, distress := 0, 0, 0
	for _, h := range r.u.hits {
		switch h.lex.sense {
		case senseAngry:
			angry += int(h.lex.weight)
			signals[signalAngryWord] = true
		case senseInsult:
			insults++
			signals[signalInsult] = true
		case senseDistress:
			if !r.harmDenied(h) {
				distress++
				signals[signalDistress] = true
			}
		}
	}
	score += min(angry, 6)
	if insults > 0 {
		score += min(4+2*(insults-1), 8)
	}
	score += min(distress, 2)

	complains := false
	threats := 0
	for _, h := range r.u.hits {
		switch h.lex.sense {
		case senseProblem, senseTreatment, senseAngry, senseInsult:
			complains = true
		case senseRisk:
			switch Risk(h.lex.arg) {
			case RiskMedia, RiskSocial, RiskLawyer, RiskCourt, RiskRegulator:
				threats++
			}
		case senseIntent:
			switch Intent(h.lex.arg) {
			case AlreadySaid:
				score += 2 // "didn't I just say": exasperated
				signals[signalRhetorical] = true
			case Urges:
				score++
			}
		}
	}
	if len(r.hitsOf(senseDamage)) > 0 {
		score++ // something of theirs damaged
	}
	for _, h := range r.hitsOf(senseRisk) {
		if (h.lex.arg == string(RiskInjury) || h.lex.arg == string(RiskSafety)) && !r.harmDenied(h) {
			score += 2 // someone hurt or put at risk: nobody tells that calmly
			break
		}
	}
	if threats > 0 {
		// Going to the press, a lawyer or a regulator is said in anger,
		// however calm the words.
		score += 3
		signals[signalThreat] = true
	}
	if rhetoricalQuestion(r.u.norm) {
		score += 3
		signals[signalRhetorical] = true
	}
	bangRun, qRun, mixedRun, bangs := punctuationRuns(r.u.norm)
	switch {
	case strings.Count(r.u.norm, "!!!") >= 2:
		score += 3 // shouting more than once
		signals[signalExclaim] = true
	case bangRun >= 3 || mixedRun >= 3:
		score += 2
		signals[signalExclaim] = true
	case (bangRun == 2 || bangs >= 3) && complains:
		score += 3 // "送丢了!!": a complaint said with force
		signals[signalExclaim] = true
	case bangRun == 2 || bangs >= 3:
		score++
		signals[signalExclaim] = true
	}
	switch {
	case qRun >= 3:
		score += 2
		signals[signalQuestionMarks] = true
	case qRun == 2:
		score++
		signals[signalQuestionMarks] = true
	}
	if s := capsScore(r.u.src); s > 0 {
		if s == 1 && capsEmphasis(r.u.src) {
			s = 2 // "NOW", "NEVER": a word shouted
		}
		score += s
		signals[signalCaps] = true
	}
	if angryEmoji, sad := emojiCounts(r.u.src); angryEmoji+sad > 0 {
		score += min(2*angryEmoji, 4) + min(sad, 1)
		signals[signalEmoji] = true
		if sad > 0 {
			signals[signalDistress] = true
		}
	}
	if r.u.repeats() || bangRun >= 5 {
		score += 3
		signals[signalRepeat] = true
	}
	var out []string
	for _, s := range []string{signalAngryWord, signalInsult, signalCaps, signalExclaim, signalEmoji, signalRepeat, signalDistress, signalQuestionMarks,
		signalRhetorical, signalThreat} {
		if signals[s] {
			out = append(out, s)
		}
	}
	return emotionScale(score), out
}

// hasSignal reports whether signals holds s.
func (r *reading) hasSignal(signals []string, s string) bool {
	for _, x := range signals {
		if x == s {
			return true
		}
	}
	return false
}

// punctuationRuns measures the longest run of "!", of "?", of a mix of the
// two, and the number of "!" in all.
func punctuationRuns(n string) (bang, q, mixed, bangs int) {
	curB, curQ, curM := 0, 0, 0
	for i := 0; i < len(n); i++ {
		switch n[i] {
		case '!':
			curB++
			curM++
			curQ = 0
			bangs++
		case '?':
			curQ++
			curM++
			curB = 0
		case ' ':
			continue
		default:
			curB, curQ, curM = 0, 0, 0
		}
		bang, q, mixed = max(bang, curB), max(q, curQ), max(mixed, curM)
	}
	if mixed == bang || mixed == q {
		mixed = 0 // not a mix
	}
	return bang, q, mixed, bangs
}

// capsScore scores English words written in capitals: 1 for one or two
// (an emphasised word), 3 for three or more, or for a text of two or more
// words all in capitals. Acronyms and words of one letter do not count.
func capsScore(src string) int {
	caps, lower := 0, 0
	for _, w := range strings.Fields(src) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if len(w) < 2 || !isLatinWord(w) {
			continue // a single letter, a number, an order number, Chinese
		}
		if strings.ToUpper(w) == w {
			if !capsAcronyms[strings.Trim(w, "'")] {
				caps++
			}
		} else {
			lower++
		}
	}
	switch {
	case caps >= 3 || caps >= 2 && lower == 0:
		return 3
	case caps >= 1:
		return 1
	}
	return 0
}

// emphasisWords are the words customers shout one at a time.
var emphasisWords = map[string]bool{"NOW": true, "NEVER": true, "AGAIN": true, "STILL": true, "NOTHING": true, "NOBODY": true,
	"WORST": true, "TWICE": true, "REFUND": true, "NOT": true, "NO": true, "ALWAYS": true, "IMMEDIATELY": true, "TODAY": true}

// capsEmphasis reports whether a word of emphasisWords is written in
// capitals.
func capsEmphasis(src string) bool {
	for _, w := range strings.Fields(src) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		if len(w) >= 2 && emphasisWords[w] {
			return true
		}
	}
	return false
}

// isLatinWord reports whether w is made of ASCII letters and apostrophes.
func isLatinWord(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '\'') {
			return false
		}
	}
	return true
}

// emojiCounts counts angry emoji (😡🤬😤😠💢👿 and 👎) and crying or
// despairing faces.
func emojiCounts(src string) (angry, sad int) {
	for _, r := range src {
		if r < 0x2000 {
			continue
		}
		switch r {
		case '😡', '🤬', '😤', '😠', '💢', '👿':
			angry++
		case '👎', '🖕':
			angry++
		case '😭', '😢', '😿', '😞', '😔', '😩', '😫', '😰', '😱', '💔':
			sad++
		}
	}
	return angry, sad
}

// repeats reports whether the text repeats itself for emphasis: the same
// Chinese word three times in a row (快点快点快点), the same character four
// times (啊啊啊啊, but not laughter), the same English word three times
// (why why why), a letter stretched (sooooo), or the same clause three
// times.
func (u *utterance) repeats() bool {
	n := u.norm
	// Words of the same script in a row.
	runes := []rune(n)
	for size := 1; size <= 4; size++ {
		need := 3
		if size == 1 {
			need = 4
		}
		for i := 0; i+size*need <= len(runes); i++ {
			unit := runes[i : i+size]
			if !unicode.Is(unicode.Han, unit[0]) || size == 1 && strings.ContainsRune("哈呵嘻嗯啦哦噢", unit[0]) {
				continue
			}
			k := 1
			for j := i + size; j+size <= len(runes) && equalRunes(runes[j:j+size], unit); j += size {
				k++
			}
			if k >= need {
				return true
			}
		}
	}
	// The same symbol or emoji three times in a row.
	for i := 0; i+2 < len(runes); i++ {
		if c := runes[i]; c > 0x2000 && unicode.Is(unicode.So, c) && runes[i+1] == c && runes[i+2] == c {
			return true
		}
	}
	// English words and stretched letters.
	words := strings.FieldsFunc(n, func(r rune) bool { return !(r < 0x80 && unicode.IsLetter(r)) })
	for i := 0; i+2 < len(words); i++ {
		if words[i] == words[i+1] && words[i] == words[i+2] && len(words[i]) > 1 {
			return true
		}
	}
	for i := 0; i+3 < len(n); i++ {
		c := n[i]
		if c >= 'a' && c <= 'z' && n[i+1] == c && n[i+2] == c && n[i+3] == c {
			return true
		}
	}
	// The same clause three times.
	count := map[string]int{}
	for _, c := range u.clauses {
		text := n[c.start:c.end]
		if utf8.RuneCountInString(text) < 2 {
			continue
		}
		count[text]++
		if count[text] >= 3 {
			return true
		}
	}
	return false
}

// equalRunes reports whether a and b hold the same runes.
func equalRunes(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
