package flows

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Readers for a customer's answer to a question the bot asked about their
// case (P10, P15): which option of an offer they pick, whether it is
// solved, and a satisfaction score. Each is pure, reads Chinese (simplified
// and traditional), English and a mix of both, and says "don't know" rather
// than guess: the bot asks again when a reader is unsure.

// YesNo is a customer's answer to a yes-or-no question such as "is it
// solved now?".
type YesNo int

// Answers to a yes-or-no question. The zero value is AnswerUnknown.
const (
	AnswerUnknown YesNo = iota // unclear, a question back, or something else
	AnswerYes                  // 是, 解决了, 没问题, yes, all good, it works
	AnswerNo                   // 没有, 还没好, 不行, no, not yet, still broken
)

// String returns unknown, yes or no.
func (a YesNo) String() string {
	switch a {
	case AnswerYes:
		return "yes"
	case AnswerNo:
		return "no"
	}
	return "unknown"
}

// maxAnswerBytes bounds what the answer readers look at: an answer is a
// short text, and a long one is read only up to here.
const maxAnswerBytes = 2 << 10

// prepareAnswer normalises an answer the way Analyze normalises a message
// (traditional characters simplified, full-width ASCII folded, lower case),
// cut to maxAnswerBytes.
func prepareAnswer(text string) *utterance {
	if len(text) > maxAnswerBytes {
		cut := maxAnswerBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	return prepareUtterance(text)
}

// ---------------------------------------------------------------- yes / no

// yesNoGroups are the words of an answer to "is it solved?". Phrases hide
// the shorter words inside them, so 没问题 is a yes although 没 is a no,
// and "not sure" is neither. Arg "yes" or "no"; senseNone words only hide.
var yesNoGroups = []lexGroup{
	{sense: senseIntent, arg: "yes", words: "是|是的|是啊|是呀|对|对的|对啊|对呀|没错|嗯|嗯嗯|恩|好|好的|好了|好啦|好多了|好滴|" +
		"可以|可以了|可以的|行|行了|行的|还行|还好|挺好|很好|不错|还不错|完美|棒|赞|满意|确认|确定|ok了|" +
		"解决了|已解决|解决啦|已经解决|已经解决了|都解决了|搞定|搞定了|弄好了|修好了|好用了|能用了|可以用了|能用|正常了|" +
		"恢复正常|正常使用|没问题|没问题了|没事|没事了|没毛病|没有问题|没什么问题|没啥问题|没问题啦|一切正常|" +
		"谢谢|谢了|感谢|多谢|辛苦了|收到了|已收到|收到|到了|到账了|已到账|退了|已退款|换好了|装好了|处理好了|" +
		"yes|yeah|yep|yup|yea|ya|y|ok|okay|k|kk|sure|correct|right|indeed|absolutely|definitely|of course|" +
		"all good|all fixed|all sorted|sorted|fixed|fixed now|solved|resolved|works|it works|working|working now|works now|" +
		"works again|fine|fine now|it's fine|its fine|good|good now|great|perfect|excellent|awesome|brilliant|lovely|" +
		"thanks|thank you|thank u|thx|ty|cheers|done|all set|received|got it|arrived|happy|satisfied|" +
		"no problem|no problems|no issue|no issues|no more problems|no more issues|not a problem|no complaints|" +
		"can't complain|cant complain|no worries|no longer broken|not broken anymore|not bad|i think so|" +
		"never been better|never better|couldn't be better|couldnt be better|could not be better|" +
		"\U0001F44D|\U0001F44C|\u2705|\U0001F64F|\u2714"},
	{sense: senseIntent, arg: "no", words: "不|否|没|没有|没呢|没有呢|还没|还没有|还没好|没好|没解决|没有解决|未解决|还没解决|" +
		"没修好|没弄好|没搞定|不行|还是不行|不可以|不好|不太好|不满意|没用|不能用|用不了|还是坏|还是坏的|坏了|又坏了|又坏|" +
		"还坏着|依然|仍然|还是一样|老样子|还是老样子|问题还在|还有问题|有问题|还是有问题|没收到|还没收到|没到账|" +
		"没退|还没退|不是|没到|不对|差评|又出现|又不行|" +
		"no|nope|nah|n|not|not yet|not really|not at all|never|negative|still broken|broken|broke|broken again|" +
		"broke again|still not|still doesn't|still isn't|doesn't work|does not work|didn't work|did not work|" +
		"not working|not fixed|not solved|not resolved|isn't|isnt|wasn't|wasnt|didn't|didnt|doesn't|doesnt|hasn't|" +
		"hasnt|haven't|havent|won't|wont|can't|cant|don't think so|dont think so|same problem|same issue|" +
		"still the same|still having|still have|stopped working|stopped again|happened again|happening again|" +
		"still happening|keeps happening|worse|unhappy|not happy|not satisfied|dissatisfied|nothing changed|" +
		"\U0001F44E|\u274C"},
	{sense: senseNone, words: "不知道|不确定|不清楚|不好说|说不好|不一定|可能|也许|不好意思|对不起|不客气|没关系|不用了|不用谢|" +
		"不过|不然|差不多|不少|对了|好像|好几|是不是|对不对|好不好|行不行|可不可以|能不能|有没有|要不要|没有了|" +
		"不管|不仅|不止|没想到|没什么|银行|行李|进行|执行|自行|行为|运行|对方|对于|对面|核对|但是|还是|就是|可是|于是|只是|总是|是否|" +
		"要是|不是说|还是说|是因为|是什么|算是|像是|真是|也是|而是|说是|正是|都是|最好|只好|正好|刚好|好好|好久|好些|好看|好奇|" +
		"not sure|no idea|don't know|dont know|do not know|i don't know|maybe|perhaps|kind of|sort of|" +
		"can't say|cant say|don't worry|dont worry|no rush|not sure yet|thank god"},
}

var yesNoMatcher = newLexMatcher(expandLexGroups(yesNoGroups))

// ReadYesNo reads a customer's answer to a yes-or-no question about their
// case, chiefly "is it solved now?". A negative anywhere wins over a
// positive ("yes but it's still broken" is No; "not solved" is No), but a
// phrase that merely contains a negative is read as a whole: "没问题", "no
// problem", "not bad" are Yes, "不知道", "not sure" are neither. A positive
// asked back as a question ("好了吗?", "fixed?") is AnswerUnknown, and so is
// anything with no answer word in it.
func ReadYesNo(text string) YesNo {
	u := prepareAnswer(text)
	hits := dropContained(yesNoMatcher.find(u.norm))
	yes, no := false, false
	for _, h := range hits {
		switch h.lex.arg {
		case "yes":
			yes = true
		case "no":
			no = true
		}
	}
	switch {
	case no:
		return AnswerNo
	case yes && !isQuestion(u.norm):
		return AnswerYes
	}
	return AnswerUnknown
}

// isQuestion reports whether an answer is asked back as a question.
func isQuestion(norm string) bool {
	s := strings.TrimRightFunc(norm, func(r rune) bool {
		return unicode.IsSpace(r) || r == '~' || r == '.' || r == '。' || r == '!'
	})
	return strings.HasSuffix(s, "?") || strings.HasSuffix(s, "？") || strings.HasSuffix(s, "吗") || strings.HasSuffix(s, "么")
}

// ---------------------------------------------------------------- outcomes

// offerOutcomeGroups add to the lexicon's outcome words the short forms
// owners write in an offer and customers use to pick one: "fix", "coupon",
// "换", "优惠券".
var offerOutcomeGroups = []lexGroup{
	{sense: senseOutcome, arg: Refund, weight: 1, words: "refund|money back|退|退款|退钱|退全款|全额退款|部分退款|退货"},
	{sense: senseOutcome, arg: Replacement, weight: 1, words: "replacement|replace|exchange|new one|a new one|换|换货|换新|换一个|更换|调换|重发|补发"},
	{sense: senseOutcome, arg: Repair, weight: 1, words: "repair|fix|fix it|mend|service|修|修理|维修|上门维修|返修|修好"},
	{sense: senseOutcome, arg: Apology, weight: 1, words: "apology|apologise|apologize|道歉|致歉"},
	{sense: senseOutcome, arg: Explanation, weight: 1, words: "explanation|explain|解释|说明"},
	{sense: senseOutcome, arg: Compensation, weight: 1, words: "compensation|compensate|voucher|coupon|store credit|credit|gift card|discount|" +
		"cashback|cash back|赔偿|补偿|优惠券|代金券|购物券|礼品卡|礼券|红包|返现|积分|折扣|打折|赔付"},
}

var offerOutcomeMatcher = newLexMatcher(expandLexGroups(offerOutcomeGroups))

// outcomeHits returns the outcome words of u, strong cues only, from the
// lexicon and the offer words, longer words hiding those inside them.
func outcomeHits(u *utterance) []lexHit {
	var hits []lexHit
	for _, h := range u.hits {
		if h.lex.sense == senseOutcome && h.lex.weight > 0 {
			hits = append(hits, h)
		}
	}
	hits = append(hits, offerOutcomeMatcher.find(u.norm)...)
	return dropContained(hits)
}

// refusedOutcome reports whether an outcome word is refused: after a
// refusal ("不要退款", "I don't want a refund") or in a word that refuses it
// ("no refund", "不给退款").
func refusedOutcome(r *reading, h lexHit) bool {
	w := h.lex.word
	if w[0] >= 0x80 {
		return strings.ContainsAny(w, "不没拒") || r.outcomeRefused(h)
	}
	for _, p := range []string{"no ", "not ", "won't", "wont", "refuse", "never"} {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return r.outcomeRefused(h)
}

// OutcomeOf returns the outcome kind (Refund, Replacement, Repair, Apology,
// Explanation, Compensation) a short text names, such as an option of an
// offer as the owner wrote it ("full refund", "换新", "50元优惠券"), or ""
// when it names none, or more than one, or refuses it ("no refund").
func OutcomeOf(text string) string {
	u := prepareAnswer(text)
	r := &reading{u: u}
	kind := ""
	for _, h := range outcomeHits(u) {
		if h.lex.arg == OtherOutcome || refusedOutcome(r, h) {
			continue
		}
		if kind != "" && kind != h.lex.arg {
			return ""
		}
		kind = h.lex.arg
	}
	return kind
}

// ---------------------------------------------------------------- choices

// ReadChoice reads which of an offer's numbered options (1-based) the
// customer picked. kinds[i] is the outcome kind of options[i] ("" where
// none; kinds may be shorter than options or nil, and a missing kind is
// read from the option's words with OutcomeOf).
//
// The customer may answer with the number in any form ("2", "２", "#2",
// "选2", "第二个", "二", "option 2", "the second one", "2号方案"), with
// words of the option ("store credit please") or with its outcome ("退款吧",
// "I'd like the refund", "換貨"), and may refuse one to pick another ("不要
// 退款,换货吧"). It reports false when the answer picks nothing, picks more
// than one ("both", "都可以", "随便"), names a number out of range, or when
// its number and its words point at different options.
func ReadChoice(text string, options []string, kinds []string) (int, bool) {
	if len(options) == 0 {
		return 0, false
	}
	u := prepareAnswer(text)
	if strings.TrimSpace(u.norm) == "" || reNoChoice.MatchString(u.norm) {
		return 0, false
	}
	num, numOK := choiceNumber(u.norm, len(options))
	word, wordOK := choiceByWords(u, options, kinds)
	switch {
	case numOK && num == 0: // conflicting numbers
		return 0, false
	case numOK && (num < 1 || num > len(options)):
		return 0, false
	case numOK && wordOK && word != num:
		return 0, false
	case numOK:
		return num, true
	case wordOK:
		return word, true
	}
	return 0, false
}

// reNoChoice finds answers that pick all options or none.
var reNoChoice = regexp.MustCompile(`都可以|都行|都好|都要|都不要|都不|随便|无所谓|哪个都|\b(?:both|either|neither|whatever|none|any of them|all of them|` +
	`doesn't matter|dont mind|don't mind|no preference)\b`)

var (
	ordinalEN = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
		"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "9th": 9}
	numberEN  = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
	circled   = "①②③④⑤⑥⑦⑧⑨"
	hanSingle = "一二三四五六七八九"

	// reOrdinalEN finds an English ordinal with what marks it as a choice:
	// "the second one", "second option".
	reOrdinalEN = regexp.MustCompile(`\b(the\s+|a\s+)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|[1-9](?:st|nd|rd|th)|last|former|latter)\b(\s+(?:one|option|choice|offer|solution))?`)
	// reCuedNumber finds a number marked as a choice inside a longer text.
	reCuedNumber = regexp.MustCompile(`(?:第|选项|选择|选|方案|\boption|\bopt\.?|\bchoice|\bnumber|\bno\.|\bnum|#)\s*#?\s*([0-9]{1,3}|[一二三四五六七八九十])|` +
		`([0-9]{1,3}|[一二三四五六七八九十])\s*号`)
	// reLeadingNumber finds a number that starts an answer and is set off
	// from the words after it.
	reLeadingNumber = regexp.MustCompile(`^\s*#?\s*([0-9]{1,2}|[一二三四五六七八九])(?:\s*[,.、:;)\-]|\s+|$)`)
	// reSmallNumber finds a number of one or two digits.
	reSmallNumber = regexp.MustCompile(`(?:^|[^0-9.])([0-9]{1,2})(?:[^0-9.]|$)`)
	// reRefusedBefore ends the words that refuse the choice after them.
	reRefusedBefore = regexp.MustCompile(`(?:不要|不选|不想要|别选|别|\bnot|\bdon't want|\bdont want|\bno to)\s*(?:the\s+)?$`)
)

// choiceFillers are the words that may stand around the number of a
// choice: "I'll take 2 please", "那就选第二个吧".
var choiceFillers = map[string]bool{
	"i": true, "i'll": true, "ill": true, "i'd": true, "id": true, "i'm": true, "will": true, "would": true, "like": true, "take": true,
	"want": true, "choose": true, "pick": true, "go": true, "with": true, "for": true, "me": true, "number": true, "no": true, "num": true,
	"nr": true, "option": true, "options": true, "opt": true, "choice": true, "please": true, "pls": true, "plz": true, "thanks": true,
	"thank": true, "you": true, "thx": true, "ok": true, "okay": true, "the": true, "a": true, "is": true, "it": true, "that": true,
	"this": true, "yes": true, "yeah": true, "sure": true, "let's": true, "lets": true, "let": true, "us": true, "do": true, "prefer": true,
	"think": true, "guess": true, "then": true, "just": true, "and": true, "so": true, "hmm": true, "um": true, "well": true, "one": true,
	"we'll": true, "offer": true, "solution": true, "plan": true, "be": true, "fine": true, "good": true,
	"我": true, "选": true, "择": true, "要": true, "吧": true, "了": true, "呢": true, "啊": true, "呀": true, "哦": true, "的": true,
	"就": true, "那": true, "个": true, "号": true, "种": true, "项": true, "条": true, "第": true, "好": true, "嗯": true, "谢": true,
	"麻": true, "烦": true, "请": true, "用": true, "是": true, "方": true, "案": true, "还": true, "可": true, "以": true, "行": true,
	"想": true, "给": true,
}

// choiceNumber reads the number of the option an answer picks: the whole
// answer is a number with fillers ("2", "选2吧", "第二个", "the second
// one", "option #2"), or a longer text marks one ("I think option 2 is
// best", "第二个方案比较好"). It reports the number (0 when the answer names
// two different ones) and whether it found any; the number may be out of
// range.
func choiceNumber(norm string, count int) (int, bool) {
	// Ordinals and circled numbers become digits; an ordinal marked as a
	// choice ("the second one") becomes "#2" so that it is read in a
	// longer text too.
	s := reOrdinalEN.ReplaceAllStringFunc(norm, func(m string) string {
		sm := reOrdinalEN.FindStringSubmatch(m)
		n := ordinalEN[sm[2]]
		switch sm[2] {
		case "last":
			n = count
		case "former":
			n = 1
		case "latter":
			n = 2
		}
		if strings.HasPrefix(sm[1], "a") {
			return m // "a second"
		}
		if sm[1] != "" || sm[3] != "" {
			return " #" + strconv.Itoa(n) + " "
		}
		return " " + strconv.Itoa(n) + " "
	})
	for i, r := range []rune(circled) {
		s = strings.ReplaceAll(s, string(r), " #"+strconv.Itoa(i+1)+" ")
	}
	for _, w := range []string{"最后一个", "最后那个", "最后一种", "最后一项", "最后"} {
		s = strings.ReplaceAll(s, w, " #"+strconv.Itoa(count)+" ")
	}
	if count == 2 {
		s = strings.ReplaceAll(s, "前者", " #1 ")
		s = strings.ReplaceAll(s, "后者", " #2 ")
	}

	// The whole answer is one number among fillers.
	nums, other := map[int]bool{}, false
	ones := 0
	for _, tok := range choiceTokens(s) {
		switch {
		case tok == "one":
			ones++
		case choiceFillers[tok]:
		case isDigits(tok):
			n, _ := strconv.Atoi(tok)
			nums[n] = true
		case numberEN[tok] > 0:
			nums[numberEN[tok]] = true
		case utf8.RuneCountInString(tok) == 1 && strings.Contains(hanSingle+"十", tok):
			n, _ := parseHanNumber(tok)
			nums[int(n)] = true
		default:
			other = true
		}
	}
	if len(nums) == 0 && ones > 0 && !other {
		nums[1] = true // "one", "the one"
	}
	if !other && len(nums) > 0 {
		return single(nums)
	}

	// A longer text: numbers marked as a choice, not refused, and a number
	// that leads the answer ("2, the replacement").
	nums = map[int]bool{}
	if m := reLeadingNumber.FindStringSubmatchIndex(s); m != nil && !notScoreAfter.MatchString(s[m[1]:]) {
		n, _ := parseHanNumber(sub(s, m, 1))
		nums[int(n)] = true
	}
	for _, m := range reCuedNumber.FindAllStringSubmatchIndex(s, -1) {
		if reRefusedBefore.MatchString(s[:m[0]]) {
			continue
		}
		tok := sub(s, m, 1) + sub(s, m, 2)
		n, ok := parseHanNumber(tok)
		if ok {
			nums[int(n)] = true
		}
	}
	if len(nums) == 0 {
		return 0, false
	}
	// In a short answer, any other small number makes it unclear: "1 or
	// 2", "2, or maybe 3".
	if len(choiceTokens(s)) <= 8 {
		for _, m := range reSmallNumber.FindAllStringSubmatchIndex(s, -1) {
			if !notScoreAfter.MatchString(s[m[3]:]) || strings.HasPrefix(s[m[3]:], ",") {
				n, _ := strconv.Atoi(sub(s, m, 1))
				nums[n] = true
			}
		}
	}
	return single(nums)
}

// single returns the one number of a set, or 0 when there are several.
func single(nums map[int]bool) (int, bool) {
	if len(nums) != 1 {
		return 0, true
	}
	for n := range nums {
		return n, true
	}
	return 0, false
}

// choiceTokens splits an answer into ASCII words (with apostrophes), digit
// runs and single Han characters; spaces, punctuation and symbols go.
func choiceTokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r < 0x80 && isDigit(byte(r)):
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		case r < 0x80 && (r >= 'a' && r <= 'z'):
			j := i
			for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] == '\'') {
				j++
			}
			out = append(out, strings.TrimRight(s[i:j], "'"))
			i = j
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			out = append(out, string(r))
			i += n
		default:
			i += n
		}
	}
	return out
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// choiceByWords reads which option an answer names by its words: the
// option's own words, or its outcome kind. It reports false when no option
// or more than one is named.
func choiceByWords(u *utterance, options, kinds []string) (int, bool) {
	r := &reading{u: u}
	wanted, refused := map[string]bool{}, map[string]bool{}
	for _, h := range outcomeHits(u) {
		if refusedOutcome(r, h) {
			refused[h.lex.arg] = true
		} else {
			wanted[h.lex.arg] = true
		}
	}
	text := u.norm
	best, bestScore, tie := 0, 0, false
	for i, opt := range options {
		kind := ""
		if i < len(kinds) {
			kind = kinds[i]
		}
		if kind == "" {
			kind = OutcomeOf(opt)
		}
		if kind != "" && refused[kind] && !wanted[kind] {
			continue
		}
		score := 0
		if kind != "" && wanted[kind] {
			score += 2
		}
		score += overlap(text, prepareAnswer(opt).norm)
		switch {
		case score > bestScore:
			best, bestScore, tie = i+1, score, false
		case score == bestScore && score > 0:
			tie = true
		}
	}
	if bestScore == 0 || tie {
		return 0, false
	}
	return best, true
}

// overlapStop are English words too common to tell options apart.
var overlapStop = map[string]bool{"the": true, "and": true, "for": true, "with": true, "you": true, "your": true, "our": true,
	"one": true, "get": true, "please": true, "want": true, "like": true, "would": true, "will": true, "can": true, "that": true,
	"this": true, "from": true, "then": true, "them": true, "have": true, "take": true, "option": true, "days": true, "day": true,
	"within": true, "free": true}

// overlap scores how much of an option's words an answer repeats: 3 when
// the answer holds the whole option, else one point per shared English word
// of three letters or more and per shared pair of Han characters, at most
// two.
func overlap(answer, option string) int {
	option = strings.TrimFunc(option, func(r rune) bool { return isTrimmable(r) })
	answer = strings.TrimSpace(answer)
	if option == "" || answer == "" {
		return 0
	}
	if utf8.RuneCountInString(option) >= 2 && strings.Contains(answer, option) {
		return 3
	}
	score := 0
	seen := map[string]bool{}
	for _, w := range significantParts(option) {
		if seen[w] {
			continue
		}
		seen[w] = true
		if containsPart(answer, w) {
			score++
		}
	}
	return min(score, 2)
}

// significantParts returns an option's English words of three letters or
// more (not too common) and its pairs of adjacent Han characters.
func significantParts(s string) []string {
	var out []string
	var han []rune
	flush := func() {
		for i := 0; i+1 < len(han); i++ {
			out = append(out, string(han[i:i+2]))
		}
		han = han[:0]
	}
	for _, tok := range choiceTokens(s) {
		r, _ := utf8.DecodeRuneInString(tok)
		if unicode.Is(unicode.Han, r) {
			han = append(han, r)
			continue
		}
		flush()
		if len(tok) >= 3 && !isDigits(tok) && !overlapStop[tok] {
			out = append(out, tok)
		}
	}
	flush()
	return out
}

// containsPart reports whether s holds w, as a whole word when w is
// English.
func containsPart(s, w string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], w)
		if k < 0 {
			return false
		}
		start, end := i+k, i+k+len(w)
		if !isASCIIAlnum(w[0]) || (start == 0 || !isASCIIAlnum(s[start-1])) && (end == len(s) || !isASCIIAlnum(s[end])) {
			return true
		}
		i = start + 1
	}
}

// ---------------------------------------------------------------- scores

// scoreRe finds a satisfaction score with the words around it: a lead-in
// ("给", "打", "I'd give it", "score:"), the number (digits, a Chinese or
// English number word, 满 of 满分), a unit ("分", "星", "stars", "/5", "out
// of 5") and a Chinese particle after it (吧, 啦).
var scoreRe = regexp.MustCompile(
	`(?P<pre>(?:我\s*)?(?:给|打|评|评分|打分|满意度)\s*(?:你们|你|您|个)?\s*(?:打\s*)?[:：=]?\s*|` +
		`\b(?:(?:i(?:'d|'ll| would| will)?\s+)?(?:give|rate)(?:\s+(?:you|it|them|u|this|us))?(?:\s+(?:a|an))?|score|rating|rated|satisfaction)\s*[:：=]?\s*)?` +
		`(?P<n>\d{1,3}(?:\.\d{1,2})?|[零一二两三四五六七八九十]|满|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|zero)\b)` +
		`(?P<unit>(?:\s*(?:颗星|个星|星|分|stars?\b|points?\b|pts?\b))?(?:\s*(?:/|out of|of)\s*(?P<den>\d{1,3}))?(?:\s*(?:颗星|个星|星|分|stars?\b|points?\b|pts?\b))?)` +
		`(?P<post>\s*(?:吧|啦|了|哈|呀|呢))?`)

var (
	scorePre  = scoreRe.SubexpIndex("pre")
	scoreN    = scoreRe.SubexpIndex("n")
	scoreUnit = scoreRe.SubexpIndex("unit")
	scoreDen  = scoreRe.SubexpIndex("den")
)

// notScoreAfter are words that make a bare number something else: "2 days
// and still broken", "3天", "10 minutes".
var notScoreAfter = regexp.MustCompile(`^\s*(?:days?|hours?|hrs?|minutes?|mins?|weeks?|months?|years?|times?|items?|pcs|yuan|rmb|dollars?|` +
	`euros?|pounds?|calls?|emails?|messages?|people|of\b|x\b|%|元|块|天|小时|分钟|钟|周|个|次|月|年|期|号|点|日|岁|[0-9.,/:])`)

// ReadScore reads a satisfaction score from 1 to 5 and the comment that
// comes with it: "5", "4分", "给3分吧 还行" (3, "还行"), "五星", "⭐⭐⭐⭐", "4/5",
// "4 stars, quick work" (4, "quick work"), "1 terrible". The comment is the
// rest of the text as the customer wrote it, trimmed of spaces and
// punctuation ("" when none). It reports false, with no score and no
// comment, when the text gives no score or one out of range (0, 6, "8/10",
// "4.5").
func ReadScore(text string) (score int, comment string, ok bool) {
	u := prepareAnswer(text)
	norm := u.norm
	at, end, n := -1, -1, 0
	if s, e, k := starRun(norm); s >= 0 {
		at, end, n = s, e, k
	}
	for _, m := range scoreRe.FindAllStringSubmatchIndex(norm, -1) {
		if at >= 0 && m[0] >= at {
			break
		}
		v, ok := scoreValue(norm, m)
		if !ok {
			continue
		}
		at, end, n = m[0], m[1], v
		break
	}
	if at < 0 || n < 1 || n > 5 {
		return 0, "", false
	}
	src := u.source(0, at) + " " + u.source(end, len(norm))
	return n, strings.TrimFunc(src, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || r == '~' || r == '～' || r == '|'
	}), true
}

// scoreValue reads one match of scoreRe: the score it gives (possibly out
// of range, -1 for a score that cannot be one) and whether the match is a
// score at all.
func scoreValue(norm string, m []int) (int, bool) {
	num := sub(norm, m, scoreN)
	pre := sub(norm, m, scorePre)
	unit := strings.TrimSpace(sub(norm, m, scoreUnit))
	after := norm[m[1]:]
	han := num != "" && num[0] >= 0x80
	word := num != "" && num[0] >= 'a' && num[0] <= 'z'
	whole := strings.TrimFunc(norm[:m[0]], isScoreBlank) == "" && strings.TrimFunc(after, isScoreBlank) == ""
	switch {
	case m[0] > 0 && isDigit(norm[m[0]-1]), m[2*scoreN] > 0 && (isDigit(norm[m[2*scoreN]-1]) || norm[m[2*scoreN]-1] == '.'):
		return 0, false // inside a longer number
	case num == "满" && !strings.HasPrefix(unit, "分") && !strings.HasPrefix(unit, "星"):
		return 0, false
	case num == "十" && strings.HasPrefix(unit, "分") && startsWithHan(after):
		return 0, false // 十分满意: "very"
	case strings.HasPrefix(unit, "分") && strings.HasPrefix(after, "钟"), strings.HasPrefix(unit, "星") && strings.HasPrefix(after, "期"):
		return 0, false // 3分钟, 星期
	case unit == "" && pre == "" && !whole:
		// A bare number counts only at the start of the text, followed by
		// the comment: "1 terrible", "5!".
		if han || word || strings.TrimFunc(norm[:m[0]], isScoreBlank) != "" || notScoreAfter.MatchString(after) ||
			after != "" && !startsWithBlank(after) {
			return 0, false
		}
	}
	if num == "满" {
		return 5, true
	}
	if den := sub(norm, m, scoreDen); den != "" && den != "5" {
		return -1, true // "8/10": another scale
	}
	v, ok := 0.0, false
	if word {
		v, ok = float64(map[string]int{"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
			"seven": 7, "eight": 8, "nine": 9, "ten": 10}[num]), true
	} else {
		v, ok = parseHanNumber(num)
	}
	if !ok || v != float64(int(v)) {
		return -1, true
	}
	return int(v), true
}

// starRun finds the first run of star symbols ("⭐⭐⭐⭐", "★★★☆☆") and
// returns its byte span and the number of full stars.
func starRun(norm string) (start, end, n int) {
	start = -1
	for i, r := range norm {
		switch {
		case r == '⭐' || r == '★' || r == '🌟':
			if start < 0 {
				start = i
			} else if end < i && strings.TrimFunc(norm[end:i], isStarGlue) != "" {
				return start, end, n
			}
			n++
			end = i + utf8.RuneLen(r)
		case r == '☆' || r == 0xFE0F || r == 0xFE0E:
			if start >= 0 && strings.TrimFunc(norm[end:i], isStarGlue) == "" {
				end = i + utf8.RuneLen(r)
			}
		}
	}
	return start, end, n
}

// isStarGlue reports whether r may stand between the stars of one run: a
// space or an emoji variation selector.
func isStarGlue(r rune) bool { return r == ' ' || r == 0xFE0F || r == 0xFE0E || r == 0x200D }

func isScoreBlank(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || r == 0xFE0F
}

func startsWithBlank(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isScoreBlank(r)
}

func startsWithHan(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.Han, r)
}

// FoldText returns s prepared for matching command and answer words:
// traditional Chinese characters simplified, full-width ASCII and the
// ideographic space folded to ASCII, letters lower-cased. It maps rune for
// rune, so the first n runes of the result are the first n runes of s in
// another form: a caller may match on the result and cut s.
func FoldText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			return ' '
		case r == 0x2018 || r == 0x2019:
			return '\''
		}
		if r < 0x80 {
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			return r
		}
		h, _ := hansRune(unicode.ToLower(r))
		return h
	}, s)
}
