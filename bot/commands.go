package bot

import (
	"regexp"
	"strings"
	"time"
	"unicode"

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
)

// verbWords maps every word that starts a command to its verb.
var verbWords = map[string]Verb{
	"claim": CmdClaim, "认领": CmdClaim, "認領": CmdClaim, "接单": CmdClaim,
	"note": CmdNote, "备注": CmdNote, "備註": CmdNote,
	"reply": CmdReply, "回复": CmdReply, "回覆": CmdReply, "回復": CmdReply,
	"offer": CmdOffer, "方案": CmdOffer, "提议": CmdOffer,
	"handover": CmdHandover, "hand-over": CmdHandover, "transfer": CmdHandover, "转交": CmdHandover, "轉交": CmdHandover, "移交": CmdHandover,
	"escalate": CmdEscalate, "升级": CmdEscalate, "升級": CmdEscalate, "上报": CmdEscalate,
	"promise": CmdPromise, "承诺": CmdPromise, "承諾": CmdPromise,
	"resolve": CmdResolve, "resolved": CmdResolve, "解决": CmdResolve, "解決": CmdResolve, "已解决": CmdResolve,
	"reopen": CmdReopen, "重开": CmdReopen, "重開": CmdReopen, "重新打开": CmdReopen,
	"case": CmdShow, "show": CmdShow, "查看": CmdShow, "详情": CmdShow,
	"cases": CmdList, "list": CmdList, "列表": CmdList,
	"mine": CmdMine, "我的": CmdMine,
	"help": CmdHelp, "帮助": CmdHelp, "幫助": CmdHelp, "?": CmdHelp, "？": CmdHelp,
}

// Categories of complaint (P16), with the words that name them.
var categoryWords = []phrase{
	{"staff_attitude", []string{"staff attitude", "attitude", "rude staff", "服务态度", "態度", "态度"}},
	{"product", []string{"product", "quality", "产品", "產品", "质量"}},
	{"service", []string{"service", "服务", "服務"}},
	{"delivery", []string{"delivery", "shipping", "logistics", "物流", "配送", "快递", "送货"}},
	{"billing", []string{"billing", "payment", "charge", "invoice", "账单", "帳單", "收费", "扣费", "付款"}},
	{"other", []string{"other", "其他", "其它"}},
}

// Root causes (P16), with the words that name them.
var causeWords = []phrase{
	{"product_defect", []string{"product defect", "defect", "defective", "产品缺陷", "產品缺陷", "缺陷", "质量问题"}},
	{"service_failure", []string{"service failure", "service error", "our mistake", "服务失误", "服務失誤", "失误", "操作失误"}},
	{"partner", []string{"partner/dealer", "partner", "dealer", "courier", "supplier", "third party", "合作方/经销商", "合作方", "经销商", "經銷商", "供应商", "快递公司"}},
	{"customer_misuse", []string{"customer misuse or misunderstanding", "customer misunderstanding", "customer misuse", "misunderstanding", "misuse", "客户误用/误解", "客户误用", "客户误解", "误用", "误解"}},
	{"policy", []string{"policy", "政策", "规定"}},
	{"unknown", []string{"unknown", "not known", "未知", "不明", "原因不明"}},
}

// Outcome words an offer may list.
var offerWords = []phrase{
	{flows.Refund, []string{"refund", "money back", "退款", "退钱"}},
	{flows.Replacement, []string{"replacement", "replace", "exchange", "换货", "換貨", "换新", "更换"}},
	{flows.Repair, []string{"repair", "fix", "维修", "維修", "修理"}},
	{flows.Apology, []string{"apology", "道歉"}},
	{flows.Compensation, []string{"compensation", "voucher", "coupon", "赔偿", "賠償", "补偿", "优惠券"}},
}

type phrase struct {
	key   string
	words []string
}

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
	// Lang is the language the command was written in, for answering.
	Lang flows.Lang
}

// UsageError says why a staff command could not be understood, and how to
// write it. It is shown only to the person who typed it.
type UsageError struct {
	Verb   Verb   // the command it was meant to be, "" if unknown
	Reason string // catalogue key of the reason, e.g. "usage.need_case"
	Data   map[string]any
}

func (e *UsageError) Error() string { return "usage: " + string(e.Verb) + ": " + e.Reason }

var caseIDPattern = regexp.MustCompile(`^#?(\d{1,12})$`)

// ParseCommand reads a staff message. thread is the case whose thread it
// was written in ("" outside threads); now and loc resolve promised times.
// Plain text in a thread is a Say command; outside threads, text that is no
// command is a UsageError, never silently dropped.
func ParseCommand(text, thread string, now time.Time, loc *time.Location) (Command, *UsageError) {
	text = strings.TrimSpace(text)
	lang := flows.EN
	if hasHan(text) {
		lang = flows.ZH
	}
	cmd := Command{Case: thread, Lang: lang}
	word, rest := firstWord(text)
	verb, ok := verbWords[strings.ToLower(strings.TrimRight(word, ":：,，"))]
	if !ok {
		// "认领42" with no space: split the verb from the number.
		if v, id, ok := gluedVerb(word); ok {
			verb, rest = v, strings.TrimSpace(id+" "+rest)
		} else if thread != "" {
			cmd.Verb, cmd.Text = CmdSay, text
			if text == "" {
				return cmd, &UsageError{Verb: CmdSay, Reason: "usage.empty"}
			}
			return cmd, nil
		} else {
			return cmd, &UsageError{Reason: "usage.unknown", Data: map[string]any{"Word": clipRunes(word, 20)}}
		}
	}
	cmd.Verb = verb
	usage := func(reason string) (Command, *UsageError) {
		return cmd, &UsageError{Verb: verb, Reason: reason}
	}

	// In a thread, a command word followed by words the command does not
	// take is plain talk ("case closed, thanks!"), not a command.
	bare := func(rest string) bool {
		_, after, ok := leadingCaseID(rest)
		return rest == "" || (ok && after == "")
	}
	switch verb {
	case CmdList, CmdMine, CmdHelp, CmdClaim, CmdReopen, CmdShow:
		if thread != "" && !bare(rest) {
			cmd.Verb, cmd.Text = CmdSay, text
			return cmd, nil
		}
	}
	switch verb {
	case CmdList, CmdMine, CmdHelp:
		return cmd, nil
	}

	// Every other command names a case, or takes the thread's.
	if id, after, ok := leadingCaseID(rest); ok {
		cmd.Case, rest = id, after
	} else if thread == "" {
		return usage("usage.need_case")
	}

	switch verb {
	case CmdClaim, CmdReopen, CmdShow:
		return cmd, nil
	case CmdNote, CmdReply:
		if cmd.Text = rest; rest == "" {
			return usage("usage.need_text")
		}
	case CmdEscalate:
		if cmd.Text = rest; rest == "" {
			return usage("usage.need_reason")
		}
	case CmdHandover:
		to, reason := firstWord(rest)
		cmd.To = strings.TrimPrefix(to, "@")
		cmd.Text = strings.TrimSpace(strings.TrimLeft(reason, ":：,，-—"))
		switch {
		case cmd.To == "":
			return usage("usage.need_person")
		case cmd.Text == "":
			return usage("usage.need_reason")
		}
	case CmdOffer:
		for _, o := range splitOptions(rest) {
			cmd.Options = append(cmd.Options, o)
			kind, _ := matchPhrase(offerWords, o)
			cmd.Kinds = append(cmd.Kinds, kind)
		}
		if len(cmd.Options) == 0 {
			return usage("usage.need_options")
		}
		if len(cmd.Options) > 9 {
			return usage("usage.too_many_options")
		}
	case CmdPromise:
		if rest == "" {
			return usage("usage.need_time")
		}
		due, ok := flows.ParseTime(rest, now.In(loc))
		if !ok {
			return usage("usage.bad_time")
		}
		if !due.After(now) {
			return usage("usage.past_time")
		}
		cmd.Due, cmd.DueText = due, rest
	case CmdResolve:
		cat, after := matchPhrase(categoryWords, rest)
		if cat == "" {
			return usage("usage.need_category")
		}
		cause, after2 := matchPhrase(causeWords, after)
		if cause == "" {
			return usage("usage.need_cause")
		}
		cmd.Category, cmd.Cause = cat, cause
		cmd.Text, cmd.Action = splitAction(after2)
		if cmd.Text == "" {
			return usage("usage.need_done")
		}
	}
	return cmd, nil
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

// gluedVerb splits "认领42" or "claim#42" into a verb and the case number.
func gluedVerb(word string) (Verb, string, bool) {
	i := strings.IndexFunc(word, func(r rune) bool { return r == '#' || unicode.IsDigit(r) })
	if i <= 0 {
		return "", "", false
	}
	v, ok := verbWords[strings.ToLower(word[:i])]
	if !ok || !caseIDPattern.MatchString(word[i:]) {
		return "", "", false
	}
	return v, word[i:], true
}

// leadingCaseID reads a case number at the start of s: "42", "#42",
// "case 42", "投诉42", "#42:".
func leadingCaseID(s string) (string, string, bool) {
	w, rest := firstWord(s)
	lw := strings.ToLower(w)
	if lw == "case" || lw == "投诉" || lw == "單號" || lw == "单号" {
		w, rest = firstWord(rest)
	}
	for _, p := range []string{"投诉", "case"} {
		w = strings.TrimPrefix(w, p)
	}
	w = strings.TrimRight(w, ":：,，")
	m := caseIDPattern.FindStringSubmatch(w)
	if m == nil {
		return "", s, false
	}
	return strings.TrimLeft(m[1], "0"), strings.TrimLeft(rest, ":：,，- "), true
}

var optionSeparators = regexp.MustCompile(`\s*(?:\||/|,|，|、|;|；|\bor\b|或者|或)\s*`)

func splitOptions(s string) []string {
	var out []string
	for _, p := range optionSeparators.Split(s, -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// matchPhrase finds which phrase's words s starts with (the longest word
// wins), case-insensitively, and returns its key and the rest of s.
func matchPhrase(ps []phrase, s string) (string, string) {
	s = strings.TrimLeft(s, " |;；,，:：")
	ls := strings.ToLower(s)
	best, bestLen := "", 0
	for _, p := range ps {
		for _, w := range p.words {
			if len(w) > bestLen && strings.HasPrefix(ls, w) && boundary(ls, len(w)) {
				best, bestLen = p.key, len(w)
			}
		}
	}
	if best == "" {
		return "", s
	}
	return best, strings.TrimLeft(s[bestLen:], " |;；,，:：-—")
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

var actionMarker = regexp.MustCompile(`(?i)\s*(?:[;；|]\s*)?(?:corrective action|action|fix going forward|改进措施|整改|改进)\s*[:：]\s*`)

// splitAction separates what was done from an optional corrective action
// ("… action: retrain the night shift" / "… 改进:…").
func splitAction(s string) (done, action string) {
	loc := actionMarker.FindStringIndex(s)
	if loc == nil {
		return strings.TrimSpace(s), ""
	}
	return strings.TrimSpace(strings.TrimRight(s[:loc[0]], " ;；|")), strings.TrimSpace(s[loc[1]:])
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
