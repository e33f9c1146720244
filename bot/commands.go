package bot

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/complaintbot/complaintbot/flows"
)

// Verb is what a staff command does.
type Verb string

// Staff command verbs. One grammar for every platform, with English and
// Chinese words.
const (
	CmdClaim    Verb = "claim"
	CmdNote     Verb = "note"
	CmdReply    Verb = "reply"
	CmdOffer    Verb = "offer"
	CmdHandover Verb = "handover"
	CmdEscalate Verb = "escalate"
	CmdPromise  Verb = "promise"
	CmdResolve  Verb = "resolve"
	CmdReopen   Verb = "reopen"
	CmdShow     Verb = "case"
	CmdList     Verb = "cases"
	CmdMine     Verb = "mine"
	CmdHelp     Verb = "help"
	// Say is plain text written in a case's thread: from the owner it goes
	// to the customer, from anyone else it is an internal note.
	CmdSay Verb = "say"
	// Pick is a customer's choice among an offer's options
	// (Command.Option), from a button or a menu. Nobody types it.
	CmdPick Verb = "pick"
)

// Verbs lists the commands a person can type, in the order help shows them.
var Verbs = []Verb{CmdClaim, CmdNote, CmdReply, CmdOffer, CmdHandover, CmdEscalate, CmdPromise, CmdResolve, CmdReopen,
	CmdShow, CmdList, CmdMine, CmdHelp}

// verbWords maps every word that starts a command to its verb. Keys are
// folded (flows.FoldText: lower case, simplified characters), so 認領 and
// CLAIM need no entries of their own. Statements an owner may say to a
// customer ("resolved", "已解决") are deliberately not verbs.
var verbWords = map[string]Verb{
	"claim": CmdClaim, "take": CmdClaim, "认领": CmdClaim, "接单": CmdClaim, "我来": CmdClaim, "领取": CmdClaim,
	"note": CmdNote, "备注": CmdNote, "内部": CmdNote, "内部备注": CmdNote,
	"reply": CmdReply, "respond": CmdReply, "回复": CmdReply, "回覆": CmdReply,
	"offer": CmdOffer, "options": CmdOffer, "方案": CmdOffer, "提议": CmdOffer, "选项": CmdOffer,
	"handover": CmdHandover, "hand-over": CmdHandover, "hand over": CmdHandover, "handoff": CmdHandover, "hand off": CmdHandover,
	"transfer": CmdHandover, "reassign": CmdHandover, "转交": CmdHandover, "移交": CmdHandover, "转给": CmdHandover, "转交给": CmdHandover,
	"交接": CmdHandover, "转手": CmdHandover,
	"escalate": CmdEscalate, "升级": CmdEscalate, "上报": CmdEscalate,
	"promise": CmdPromise, "eta": CmdPromise, "deadline": CmdPromise, "承诺": CmdPromise, "约定": CmdPromise,
	"resolve": CmdResolve, "解决": CmdResolve, "结案": CmdResolve,
	"reopen": CmdReopen, "re-open": CmdReopen, "重开": CmdReopen, "重新打开": CmdReopen, "重启": CmdReopen,
	"case": CmdShow, "show": CmdShow, "view": CmdShow, "查看": CmdShow, "详情": CmdShow, "看": CmdShow,
	"cases": CmdList, "list": CmdList, "open cases": CmdList, "列表": CmdList, "清单": CmdList,
	"mine": CmdMine, "my cases": CmdMine, "我的": CmdMine,
	"help": CmdHelp, "commands": CmdHelp, "帮助": CmdHelp, "命令": CmdHelp, "?": CmdHelp,
}

// gluedVerbs may be written straight before their text, with no space or
// separator: 备注已联系客户. Every verb may be glued to a case number
// (认领42) or a separator (认领：42).
var gluedVerbs = map[string]bool{"备注": true, "内部备注": true}

// longestVerb is the length in bytes of the longest verb word.
var longestVerb = func() int {
	n := 0
	for w := range verbWords {
		n = max(n, len(w))
	}
	return n
}()

// A phrase names one key of a taxonomy with the words staff use for it.
type phrase struct {
	key   string
	words []string
}

// Categories of complaint (P16), with the words that name them, folded.
var categoryWords = []phrase{
	{"staff_attitude", []string{"staff attitude", "attitude", "rude staff", "rudeness", "staff", "服务态度", "员工态度", "态度"}},
	{"product", []string{"product", "quality", "产品", "商品", "质量"}},
	{"service", []string{"service", "服务"}},
	{"delivery", []string{"delivery", "shipping", "logistics", "物流配送", "物流", "配送", "快递", "送货", "发货"}},
	{"billing", []string{"billing", "payment", "charges", "charge", "invoice", "pricing", "price", "账单收费", "账单", "收费", "扣费", "付款", "价格", "计费"}},
	{"other", []string{"other", "misc", "其他", "其它"}},
}

// Root causes (P16), with the words that name them, folded.
var causeWords = []phrase{
	{"product_defect", []string{"product defect", "defect", "defective", "faulty", "quality issue", "产品缺陷", "缺陷", "质量问题", "故障"}},
	{"service_failure", []string{"service failure", "service error", "our mistake", "our fault", "staff error", "human error", "mistake",
		"服务失误", "失误", "操作失误", "人为失误", "我方失误", "员工失误"}},
	{"partner", []string{"partner/dealer", "partner", "dealer", "courier", "supplier", "vendor", "third party", "3rd party",
		"合作方/经销商", "合作方", "经销商", "供应商", "快递公司", "物流公司", "第三方"}},
	{"customer_misuse", []string{"customer misuse or misunderstanding", "customer misunderstanding", "customer misuse", "customer error",
		"misunderstanding", "misuse", "user error", "客户误用/误解", "客户误用", "客户误解", "误用", "误解", "使用不当", "客户原因"}},
	{"policy", []string{"policy", "rules", "政策规定", "政策", "规定", "制度"}},
	{"unknown", []string{"unknown", "not known", "unclear", "n/a", "未知", "不明", "原因不明", "不清楚"}},
}

// MaxOptions is the most options an offer may list: the customer answers
// with one digit.
const MaxOptions = 9

// Command is one parsed staff command.
type Command struct {
	Verb Verb
	// Case is the case it is about: given in the command, or the thread's.
	Case string
	// Text is the free text: a note, a reply, a reason, what was done.
	Text string
	// To is the staff member a case is handed over to.
	To string
	// Options are what an offer proposes, as the owner wrote them; Kinds
	// the outcome kinds recognised in them ("" where none).
	Options []string
	Kinds   []string
	// Due is a promised resolution time; DueText how it was written.
	Due     time.Time
	DueText string
	// Category, Cause and Action are a resolution's taxonomy (P16) and the
	// corrective action, if one was given.
	Category string
	Cause    string
	Action   string
	// Option is the 1-based option a customer picked (CmdPick).
	Option int
	// Lang is the language the command was written in, for answering.
	Lang flows.Lang
}

// UsageError says why a staff command could not be understood, and how to
// write it. It is shown only to the person who typed it: the catalogue
// sentence Reason, filled with Data, then the usage line Usage() names.
type UsageError struct {
	Verb   Verb   // the command it was meant to be, "" if unknown
	Reason string // catalogue key of the reason, e.g. "usage.need_case"
	// Data fills the Reason sentence. Keys by reason: usage.unknown has
	// Word (the word not understood); usage.too_many_options and
	// usage.need_options have Count (options given) and Max;
	// usage.bad_time and usage.past_time have Text (the time as written).
	Data map[string]any
}

func (e *UsageError) Error() string { return "usage: " + string(e.Verb) + ": " + e.Reason }

// Usage returns the catalogue key of the usage line to show after the
// reason: "usage.<verb>" for a command, "" when there is none (an unknown
// word or an empty message: point to help instead).
func (e *UsageError) Usage() string {
	if e.Verb == "" || e.Verb == CmdSay {
		return ""
	}
	return "usage." + string(e.Verb)
}

// ParseCommand reads a staff message. thread is the case whose thread it
// was written in ("" outside threads); now and loc resolve promised times
// (loc nil means now's location).
//
// Words are matched generously: either language, traditional or simplified
// characters, any case, full-width forms ("认领：42", "ｃｌａｉｍ ４２"), a
// case written 42, #42, case 42, 投诉42 or glued to the verb (认领42). In a
// thread the case may be left out. Plain text in a thread is a Say command,
// and so is a command word followed by words that command does not take
// ("case closed, thanks!"); outside threads, text that is no command is a
// UsageError, never silently dropped.
func ParseCommand(text, thread string, now time.Time, loc *time.Location) (Command, *UsageError) {
	text = strings.TrimSpace(text)
	lang := flows.EN
	if flows.HasHan(text) { // answered in Chinese
		lang = flows.ZH
	}
	cmd := Command{Case: thread, Lang: lang}
	if text == "" {
		if thread != "" {
			cmd.Verb = CmdSay
		}
		return cmd, &UsageError{Verb: cmd.Verb, Reason: "usage.empty"}
	}
	verb, rest, ok := readVerb(text)
	if strings.TrimFunc(rest, isSpaceOrPunct) == "" {
		rest = "" // "help!", "claim 42。"
	}
	if !ok {
		if thread != "" {
			cmd.Verb, cmd.Text = CmdSay, text
			return cmd, nil
		}
		word, _ := firstWord(text)
		return cmd, &UsageError{Reason: "usage.unknown", Data: map[string]any{"Word": clipRunes(word, 20)}}
	}
	cmd.Verb = verb
	usage := func(reason string, data map[string]any) (Command, *UsageError) {
		return cmd, &UsageError{Verb: verb, Reason: reason, Data: data}
	}

	// In a thread, a command that takes no text followed by words is plain
	// talk ("case closed, thanks!", "help is on its way"), not a command.
	switch verb {
	case CmdList, CmdMine, CmdHelp, CmdClaim, CmdReopen, CmdShow:
		if thread != "" && rest != "" {
			if _, after, _, ok := leadingCaseID(rest); !ok || strings.TrimFunc(after, isSpaceOrPunct) != "" {
				cmd.Verb, cmd.Text = CmdSay, text
				return cmd, nil
			}
		}
	}
	switch verb {
	case CmdList, CmdMine, CmdHelp:
		return cmd, nil
	}

	// Every other command names a case, or takes the thread's. In a
	// thread, a bare number before text is part of the text ("note 3 calls
	// made", "promise 2 hours") unless it is the thread's own case or is
	// marked as a case ("#43", "case 43").
	if id, after, marked, ok := leadingCaseID(rest); ok && (thread == "" || marked || id == thread || !takesText(verb)) {
		cmd.Case, rest = id, after
	} else if thread == "" {
		return usage("usage.need_case", nil)
	}

	switch verb {
	case CmdClaim, CmdReopen, CmdShow:
		return cmd, nil
	case CmdNote, CmdReply:
		if cmd.Text = rest; rest == "" {
			return usage("usage.need_text", nil)
		}
	case CmdEscalate:
		if cmd.Text = trimReasonLabel(rest); cmd.Text == "" {
			return usage("usage.need_reason", nil)
		}
	case CmdHandover:
		cmd.To, cmd.Text = splitPerson(rest)
		switch {
		case cmd.To == "":
			return usage("usage.need_person", nil)
		case cmd.Text == "":
			return usage("usage.need_reason", nil)
		}
	case CmdOffer:
		cmd.Options = splitOptions(rest)
		for _, o := range cmd.Options {
			cmd.Kinds = append(cmd.Kinds, flows.OutcomeOf(o))
		}
		data := map[string]any{"Count": len(cmd.Options), "Max": MaxOptions}
		if len(cmd.Options) < 2 {
			return usage("usage.need_options", data)
		}
		if len(cmd.Options) > MaxOptions {
			return usage("usage.too_many_options", data)
		}
	case CmdPromise:
		if rest == "" {
			return usage("usage.need_time", nil)
		}
		if loc == nil {
			loc = now.Location()
		}
		data := map[string]any{"Text": clipRunes(rest, 40)}
		due, ok := flows.ParseTime(rest, now.In(loc))
		if !ok {
			return usage("usage.bad_time", data)
		}
		if !due.After(now) {
			return usage("usage.past_time", data)
		}
		cmd.Due, cmd.DueText = due, rest
	case CmdResolve:
		var reason string
		cmd.Category, cmd.Cause, cmd.Text, cmd.Action, reason = parseResolution(rest)
		if reason != "" {
			return usage(reason, nil)
		}
	}
	return cmd, nil
}

// CheckCommand checks a structured command (from a button, a menu, a modal
// or a slash command) the way ParseCommand checks a typed one, and returns
// it cleaned: the case taken from the thread when not given, texts cleaned
// and trimmed, the outcome kinds of an offer's options filled in. now is
// the time a promised resolution must be after. A command a customer may
// not send (CmdPick is only theirs) or a verb nobody knows is a usage
// error.
func CheckCommand(c Command, thread string, now time.Time) (Command, *UsageError) {
	usage := func(reason string, data map[string]any) (Command, *UsageError) {
		return c, &UsageError{Verb: c.Verb, Reason: reason, Data: data}
	}
	clean := func(s string) string { return clipRunes(CleanText(s), MaxText/4) }
	c.Text, c.To, c.Action = clean(c.Text), strings.TrimSpace(c.To), clean(c.Action)
	c.Case = strings.TrimPrefix(strings.TrimSpace(c.Case), "#")
	if c.Case == "" {
		c.Case = thread
	}
	if c.Case != "" && CheckID("case id", c.Case) != nil {
		return usage("usage.need_case", nil)
	}
	switch c.Verb {
	case CmdList, CmdMine, CmdHelp:
		return c, nil
	case CmdClaim, CmdNote, CmdReply, CmdOffer, CmdHandover, CmdEscalate, CmdPromise, CmdResolve, CmdReopen, CmdShow:
	default:
		c.Verb = ""
		return usage("usage.unknown", map[string]any{"Word": clipRunes(string(c.Verb), 20)})
	}
	if c.Case == "" {
		return usage("usage.need_case", nil)
	}
	switch c.Verb {
	case CmdNote, CmdReply:
		if c.Text == "" {
			return usage("usage.need_text", nil)
		}
	case CmdEscalate:
		if c.Text == "" {
			return usage("usage.need_reason", nil)
		}
	case CmdHandover:
		switch {
		case c.To == "":
			return usage("usage.need_person", nil)
		case c.Text == "":
			return usage("usage.need_reason", nil)
		}
	case CmdOffer:
		var opts []string
		for _, o := range c.Options {
			if o = clean(o); o != "" {
				opts = append(opts, o)
			}
		}
		c.Options, c.Kinds = opts, nil
		for _, o := range opts {
			c.Kinds = append(c.Kinds, flows.OutcomeOf(o))
		}
		data := map[string]any{"Count": len(opts), "Max": MaxOptions}
		if len(opts) < 2 {
			return usage("usage.need_options", data)
		}
		if len(opts) > MaxOptions {
			return usage("usage.too_many_options", data)
		}
	case CmdPromise:
		if c.Due.IsZero() {
			return usage("usage.need_time", nil)
		}
		if !c.Due.After(now) {
			return usage("usage.past_time", map[string]any{"Text": c.Due.Format("2006-01-02 15:04")})
		}
		if c.DueText == "" {
			c.DueText = c.Due.Format("2006-01-02 15:04")
		}
	case CmdResolve:
		if !isPhraseKey(categoryWords, c.Category) {
			return usage("usage.need_category", nil)
		}
		if !isPhraseKey(causeWords, c.Cause) {
			return usage("usage.need_cause", nil)
		}
		if c.Text == "" {
			return usage("usage.need_done", nil)
		}
	}
	return c, nil
}

func isPhraseKey(ps []phrase, key string) bool {
	for _, p := range ps {
		if p.key == key {
			return true
		}
	}
	return false
}

// Categories and Causes list the keys of the resolution taxonomy (P16), for
// adapters that offer them in a menu.
func Categories() []string { return phraseKeys(categoryWords) }

// Causes lists the root-cause keys of the resolution taxonomy (P16).
func Causes() []string { return phraseKeys(causeWords) }

func phraseKeys(ps []phrase) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.key
	}
	return out
}

// readVerb reads the verb a message starts with and returns the rest of
// the message, as written, after it and its separator. A leading "/" or "!"
// is allowed ("/claim 42").
func readVerb(text string) (Verb, string, bool) {
	f := flows.FoldText(text)
	if len(f) > 1 && (f[0] == '/' || f[0] == '!') {
		if v, n, ok := matchVerb(f[1:]); ok {
			return v, cutRunes(text, 1+utf8.RuneCountInString(f[1:1+n])), true
		}
		return "", "", false
	}
	if v, n, ok := matchVerb(f); ok {
		return v, cutRunes(text, utf8.RuneCountInString(f[:n])), true
	}
	return "", "", false
}

// matchVerb finds the verb word folded text f starts with and returns the
// number of bytes of f it takes: the word, then either white space, a
// separator (":", ",", "、"), a case number (认领42, claim#42), or, for the
// verbs of gluedVerbs, anything.
func matchVerb(f string) (Verb, int, bool) {
	best, bestLen := Verb(""), 0
	for n := min(len(f), longestVerb); n > 0; n-- {
		if n < len(f) && !utf8.RuneStart(f[n]) {
			continue
		}
		w := f[:n]
		v, ok := verbWords[w]
		if !ok {
			continue
		}
		after := f[n:]
		r, _ := utf8.DecodeRuneInString(after)
		switch {
		case after == "", unicode.IsSpace(r), strings.ContainsRune(":,;、。.#", r) && w != "?",
			r < 0x80 && unicode.IsDigit(r), gluedVerbs[w],
			strings.HasPrefix(after, "投诉") && startsWithDigit(after[len("投诉"):]):
		case isASCIIWord(w) && r < 0x80 && !isASCIILetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '-':
			// "claim!" ends the English word as well as a space does.
		default:
			continue
		}
		best, bestLen = v, n
		break
	}
	return best, bestLen, bestLen > 0
}

// cutRunes returns s after its first n runes, trimmed of white space and
// separators.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return trimSeparators(s[i:])
		}
		n--
	}
	return ""
}

// trimSeparators trims white space and the separators people put after a
// command word or a case number.
func trimSeparators(s string) string {
	return strings.TrimFunc(strings.TrimLeftFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(":：,，、;；-—–>→", r)
	}), unicode.IsSpace)
}

// firstWord splits off the first white-space-separated word.
func firstWord(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// caseIDRe reads a case number at the start of folded text: "42", "#42",
// "case 42", "case#42", "投诉42", "no.42", "42号". The number must end there:
// "42abc" is no case number, "42您好" is one (Chinese takes no spaces).
var caseIDRe = regexp.MustCompile(`^((?:case|ticket|no\.|投诉|单号|工单|案件|编号)\s*)?(#\s*)?0*(\d{1,12})(\s*号)?(?:$|[^a-z0-9])`)

// leadingCaseID reads a case number at the start of s and returns it
// without leading zeros, with the rest of s as written, and whether it was
// marked as a case number ("#42", "case 42", "投诉42", "42号") rather than
// written bare.
func leadingCaseID(s string) (id, rest string, marked, ok bool) {
	f := flows.FoldText(s)
	m := caseIDRe.FindStringSubmatchIndex(f)
	if m == nil || strings.Trim(f[m[6]:m[7]], "0") == "" {
		return "", s, false, false
	}
	marked = m[2] >= 0 || m[4] >= 0 || m[8] >= 0
	id = f[m[6]:m[7]]
	end := max(m[7], m[9])
	return id, cutRunes(s, utf8.RuneCountInString(f[:end])), marked, true
}

// takesText reports whether a verb takes text after its case.
func takesText(v Verb) bool {
	switch v {
	case CmdClaim, CmdReopen, CmdShow, CmdList, CmdMine, CmdHelp:
		return false
	}
	return true
}

// splitPerson reads who a case is handed to and why: "@bob on leave", "to
// bob: on leave", "给小王,我休假", "bob because she speaks Cantonese".
func splitPerson(s string) (person, reason string) {
	f := flows.FoldText(s)
	for _, p := range []string{"to ", "->", "=>", "→", "给"} {
		if strings.HasPrefix(f, p) && len(f) > len(p) {
			s = cutRunes(s, utf8.RuneCountInString(p))
			f = flows.FoldText(s)
			break
		}
	}
	i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",，:：;；、", r) })
	if i < 0 {
		i = len(s)
	}
	person = strings.Trim(s[:i], "@＠")
	return person, trimReasonLabel(trimSeparators(s[i:]))
}

// trimReasonLabel drops a "reason:" / "原因:" / "because" label before a
// reason.
func trimReasonLabel(s string) string {
	f := flows.FoldText(s)
	for _, p := range []string{"reason:", "reason ", "because ", "原因:", "原因是", "因为"} {
		if strings.HasPrefix(f, p) && len(f) > len(p) {
			return cutRunes(s, utf8.RuneCountInString(p))
		}
	}
	return s
}

// optionSeparators split an offer's options: "|", "/", ",", "、", ";", "or",
// "或", "或者", "还是".
var optionSeparators = regexp.MustCompile(`\s*(?:\||｜|/|,|，|、|;|；|\bor\b|或者|或是|或|还是)\s*`)

// numberedOption finds the numbers of a numbered list: "1. refund 2.
// replacement", "1) 退款 2) 换货", "①退款②换货".
var numberedOption = regexp.MustCompile(`(?:^|\s)[1-9]\s*[.)、:：]\s*|[①②③④⑤⑥⑦⑧⑨]`)

// splitOptions splits an offer's options, as the owner wrote them.
func splitOptions(s string) []string {
	var parts []string
	if loc := numberedOption.FindStringIndex(s); loc != nil && loc[0] == 0 {
		parts = numberedOption.Split(s, -1)
	} else {
		parts = optionSeparators.Split(s, -1)
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseResolution reads "<category> <root cause> <what was done> [action:
// <corrective action>]", the category and cause in either order. It
// returns the usage reason when something is missing.
func parseResolution(s string) (category, cause, done, action, reason string) {
	category, afterCat := matchPhrase(categoryWords, s)
	rest := afterCat
	if category != "" {
		cause, rest = matchPhrase(causeWords, afterCat)
	}
	if category == "" || cause == "" {
		// The cause first: "service failure, product, apologised".
		cause2, afterCause := matchPhrase(causeWords, s)
		category2, rest2 := "", afterCause
		if cause2 != "" {
			category2, rest2 = matchPhrase(categoryWords, afterCause)
		}
		switch {
		case cause2 != "" && category2 != "":
			category, cause, rest = category2, cause2, rest2
		case category == "", cause2 != "" && len(afterCause) < len(afterCat):
			// No category, or a cause that reads better than the
			// category inside it ("service failure" over "service").
			return "", "", "", "", "usage.need_category"
		default:
			return "", "", "", "", "usage.need_cause"
		}
	}
	done, action = splitAction(rest)
	if done == "" {
		return "", "", "", "", "usage.need_done"
	}
	return category, cause, done, action, ""
}

// matchPhrase finds which phrase's words s starts with (the longest word
// wins), in folded form, and returns its key and the rest of s as written.
func matchPhrase(ps []phrase, s string) (string, string) {
	s = strings.TrimLeftFunc(s, isPhraseSeparator)
	f := flows.FoldText(s)
	best, bestLen := "", 0
	for _, p := range ps {
		for _, w := range p.words {
			if len(w) > bestLen && strings.HasPrefix(f, w) && boundary(f, len(w)) {
				best, bestLen = p.key, len(w)
			}
		}
	}
	if best == "" {
		return "", s
	}
	rest := cutRunes(s, utf8.RuneCountInString(f[:bestLen]))
	return best, strings.TrimLeftFunc(rest, isPhraseSeparator)
}

func isPhraseSeparator(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("|｜;；,，:：/、-—", r)
}

// boundary reports whether a word of s ends at i (not inside a longer
// English word; Chinese words need no spaces).
func boundary(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r := rune(s[i])
	prev := rune(s[i-1])
	if prev >= 0x80 || r >= 0x80 {
		return true
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

var actionMarker = regexp.MustCompile(`(?i)\s*(?:[;；|]\s*)?(?:corrective actions?|next time|prevention|action|fix going forward|` +
	`改进措施|预防措施|整改措施|整改|改进|预防)\s*[:：]\s*`)

// splitAction separates what was done from an optional corrective action
// ("… action: retrain the night shift" / "… 改进:…").
func splitAction(s string) (done, action string) {
	loc := actionMarker.FindStringIndex(s)
	if loc == nil {
		return strings.TrimSpace(s), ""
	}
	return strings.TrimSpace(strings.TrimRight(s[:loc[0]], " ;；|")), strings.TrimSpace(s[loc[1]:])
}

func isSpaceOrPunct(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			return false
		}
	}
	return true
}
