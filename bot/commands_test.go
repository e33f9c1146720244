package bot

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/flows"
)

// commandClock is Friday 2026-11-27 15:04 in Shanghai, the moment every
// command test is typed at.
func commandClock(tb testing.TB) (time.Time, *time.Location) {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	return time.Date(2026, 11, 27, 15, 4, 0, 0, loc), loc
}

type commandTest struct {
	name   string
	text   string
	thread string
	want   Command // Lang is not compared here (see TestParseCommandLanguage)
	reason string  // the UsageError reason; "" when the command must parse
}

func TestParseCommand(t *testing.T) {
	now, loc := commandClock(t)
	at := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, loc) }
	tests := []commandTest{
		// claim, and every way of writing a case.
		{name: "claim", text: "claim 42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim #", text: "claim #42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim case 42", text: "claim case 42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim case#42", text: "claim case#42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim two spaces", text: "claim  #42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim capitals", text: "CLAIM 42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim colon", text: "claim: 42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim glued", text: "claim42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim glued #", text: "claim#42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim leading zeros", text: "claim #0042", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim slash", text: "/claim 42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim full-width", text: "ｃｌａｉｍ　４２", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim trailing words outside a thread", text: "claim 42 please", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "take", text: "take 42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "认领", text: "认领 42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "認領 traditional", text: "認領 42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "认领 投诉42", text: "认领 投诉42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "认领42 glued", text: "认领42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "认领投诉42 glued", text: "认领投诉42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "认领：42", text: "认领：42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "认领＃42", text: "认领＃42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "认领 42号", text: "认领 42号", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "认领 ideographic space", text: "认领\u300042", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "接单", text: "接单 42", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim in thread", text: "claim", thread: "7", want: Command{Verb: CmdClaim, Case: "7"}},
		{name: "claim! in thread", text: "claim!", thread: "7", want: Command{Verb: CmdClaim, Case: "7"}},
		{name: "claim 42! in thread", text: "claim 42!", thread: "7", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "认领。in thread", text: "认领。", thread: "7", want: Command{Verb: CmdClaim, Case: "7"}},
		{name: "我来 in thread", text: "我来", thread: "7", want: Command{Verb: CmdClaim, Case: "7"}},
		{name: "claim another case in a thread", text: "claim 42", thread: "7", want: Command{Verb: CmdClaim, Case: "42"}},
		{name: "claim no case", text: "claim", reason: "usage.need_case", want: Command{Verb: CmdClaim}},
		{name: "claim not a number", text: "claim abc", reason: "usage.need_case", want: Command{Verb: CmdClaim}},
		{name: "claim case 0", text: "claim #0", reason: "usage.need_case", want: Command{Verb: CmdClaim}},
		{name: "claim number glued to letters", text: "claim 42abc", reason: "usage.need_case", want: Command{Verb: CmdClaim}},

		// Plain talk in a thread.
		{name: "say", text: "Hello, I'm looking into it now.", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "Hello, I'm looking into it now."}},
		{name: "say Chinese", text: "您好，我正在处理", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "您好，我正在处理"}},
		{name: "case closed thanks stays talk", text: "case closed thanks", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "case closed thanks"}},
		{name: "case closed, thanks! stays talk", text: "case closed, thanks!", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "case closed, thanks!"}},
		{name: "help is on its way stays talk", text: "help is on its way", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "help is on its way"}},
		{name: "take care stays talk", text: "take care!", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "take care!"}},
		{name: "claim with words stays talk", text: "claim 42 now", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "claim 42 now"}},
		{name: "我来处理 stays talk", text: "我来处理", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "我来处理"}},
		{name: "解决了吗 stays talk", text: "解决了吗？", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "解决了吗？"}},
		{name: "已解决 is no command", text: "已解决，请您确认", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "已解决，请您确认"}},
		{name: "resolved is no command", text: "Resolved, thanks for your patience", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "Resolved, thanks for your patience"}},
		{name: "claimed is no command", text: "claimed it already", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "claimed it already"}},
		{name: "看一下 stays talk", text: "看一下您的订单", thread: "7", want: Command{Verb: CmdSay, Case: "7", Text: "看一下您的订单"}},
		{name: "empty in thread", text: "  ", thread: "7", reason: "usage.empty", want: Command{Verb: CmdSay, Case: "7"}},

		// Not commands, outside threads.
		{name: "unknown", text: "hello", reason: "usage.unknown"},
		{name: "unknown Chinese", text: "你好", reason: "usage.unknown"},
		{name: "unknown misspelt", text: "clam 42", reason: "usage.unknown"},
		{name: "claimed is no verb", text: "claimed 42", reason: "usage.unknown"},
		{name: "empty", text: "", reason: "usage.empty"},
		{name: "only spaces", text: " \t ", reason: "usage.empty"},

		// note
		{name: "note", text: "note 42 called the customer", want: Command{Verb: CmdNote, Case: "42", Text: "called the customer"}},
		{name: "note colon", text: "note 42: called the customer", want: Command{Verb: CmdNote, Case: "42", Text: "called the customer"}},
		{name: "note in thread", text: "note called them", thread: "7", want: Command{Verb: CmdNote, Case: "7", Text: "called them"}},
		{name: "note in thread, number in text", text: "note 3 calls made today", thread: "7", want: Command{Verb: CmdNote, Case: "7", Text: "3 calls made today"}},
		{name: "note in thread, marked case", text: "note #8 see case 7", thread: "7", want: Command{Verb: CmdNote, Case: "8", Text: "see case 7"}},
		{name: "note in thread, its own case", text: "note 7 called them", thread: "7", want: Command{Verb: CmdNote, Case: "7", Text: "called them"}},
		{name: "备注", text: "备注 42 已电话联系", want: Command{Verb: CmdNote, Case: "42", Text: "已电话联系"}},
		{name: "备注42 glued", text: "备注42 已联系", want: Command{Verb: CmdNote, Case: "42", Text: "已联系"}},
		{name: "备注：in thread", text: "备注：客户下午有空", thread: "7", want: Command{Verb: CmdNote, Case: "7", Text: "客户下午有空"}},
		{name: "备注 glued to text", text: "备注已联系客户", thread: "7", want: Command{Verb: CmdNote, Case: "7", Text: "已联系客户"}},
		{name: "備註 traditional", text: "備註 42 已聯繫", want: Command{Verb: CmdNote, Case: "42", Text: "已聯繫"}},
		{name: "note no text", text: "note 42", reason: "usage.need_text", want: Command{Verb: CmdNote, Case: "42"}},
		{name: "note no text in thread", text: "note", thread: "7", reason: "usage.need_text", want: Command{Verb: CmdNote, Case: "7"}},
		{name: "note no case", text: "note called them", reason: "usage.need_case", want: Command{Verb: CmdNote}},

		// reply
		{name: "reply", text: "reply 42 Hi, we are on it", want: Command{Verb: CmdReply, Case: "42", Text: "Hi, we are on it"}},
		{name: "reply keeps punctuation", text: "reply #42 您好，我们已处理！", want: Command{Verb: CmdReply, Case: "42", Text: "您好，我们已处理！"}},
		{name: "回复", text: "回复 42 您好", want: Command{Verb: CmdReply, Case: "42", Text: "您好"}},
		{name: "回复42 glued", text: "回复42 您好", want: Command{Verb: CmdReply, Case: "42", Text: "您好"}},
		{name: "回复42 glued to text", text: "回复42您好，新机今天发出", want: Command{Verb: CmdReply, Case: "42", Text: "您好，新机今天发出"}},
		{name: "回覆 traditional", text: "回覆 42 您好", want: Command{Verb: CmdReply, Case: "42", Text: "您好"}},
		{name: "reply no case", text: "reply", reason: "usage.need_case", want: Command{Verb: CmdReply}},
		{name: "reply no text", text: "reply 42", reason: "usage.need_text", want: Command{Verb: CmdReply, Case: "42"}},

		// offer, with every separator.
		{name: "offer |", text: "offer 42 refund | replacement | repair", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"refund", "replacement", "repair"}, Kinds: []string{flows.Refund, flows.Replacement, flows.Repair}}},
		{name: "offer /", text: "offer 42 refund/exchange", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"refund", "exchange"}, Kinds: []string{flows.Refund, flows.Replacement}}},
		{name: "offer ,", text: "offer 42 refund, replacement", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"refund", "replacement"}, Kinds: []string{flows.Refund, flows.Replacement}}},
		{name: "offer or", text: "offer 42 store credit or refund", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"store credit", "refund"}, Kinds: []string{flows.Compensation, flows.Refund}}},
		{name: "offer free text kinds", text: "offer 42 full refund within 3 days | 50% voucher | a new one", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"full refund within 3 days", "50% voucher", "a new one"}, Kinds: []string{flows.Refund, flows.Compensation, flows.Replacement}}},
		{name: "offer unknown kind", text: "offer 42 free delivery | refund", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"free delivery", "refund"}, Kinds: []string{"", flows.Refund}}},
		{name: "offer numbered list", text: "offer 42 1. refund 2. repair at home", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"refund", "repair at home"}, Kinds: []string{flows.Refund, flows.Repair}}},
		{name: "方案 /", text: "方案 42 退款/换货/维修", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"退款", "换货", "维修"}, Kinds: []string{flows.Refund, flows.Replacement, flows.Repair}}},
		{name: "方案 、", text: "方案 42 退款、换货", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"退款", "换货"}, Kinds: []string{flows.Refund, flows.Replacement}}},
		{name: "方案 或", text: "方案 42 退款或换货", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"退款", "换货"}, Kinds: []string{flows.Refund, flows.Replacement}}},
		{name: "方案 full-width bar", text: "方案42 全额退款｜50元优惠券", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"全额退款", "50元优惠券"}, Kinds: []string{flows.Refund, flows.Compensation}}},
		{name: "方案 circled", text: "方案 42 ①退款②换貨", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"退款", "换貨"}, Kinds: []string{flows.Refund, flows.Replacement}}},
		{name: "offer in thread", text: "offer refund | repair", thread: "7", want: Command{Verb: CmdOffer, Case: "7",
			Options: []string{"refund", "repair"}, Kinds: []string{flows.Refund, flows.Repair}}},
		{name: "offer nine", text: "offer 42 a|b|c|d|e|f|g|h|i", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}, Kinds: []string{"", "", "", "", "", "", "", "", ""}}},
		{name: "offer ten", text: "offer 42 1|2|3|4|5|6|7|8|9|10", reason: "usage.too_many_options", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}, Kinds: []string{"", "", "", "", "", "", "", "", "", ""}}},
		{name: "offer one", text: "offer 42 refund", reason: "usage.need_options", want: Command{Verb: CmdOffer, Case: "42",
			Options: []string{"refund"}, Kinds: []string{flows.Refund}}},
		{name: "offer none", text: "offer 42", reason: "usage.need_options", want: Command{Verb: CmdOffer, Case: "42"}},
		{name: "offer only separators", text: "offer 42 | / ,", reason: "usage.need_options", want: Command{Verb: CmdOffer, Case: "42"}},
		{name: "offer no case", text: "offer refund | repair", reason: "usage.need_case", want: Command{Verb: CmdOffer}},

		// handover
		{name: "handover @", text: "handover 42 @bob customer speaks Cantonese", want: Command{Verb: CmdHandover, Case: "42", To: "bob", Text: "customer speaks Cantonese"}},
		{name: "handover colon", text: "handover 42 bob: on leave", want: Command{Verb: CmdHandover, Case: "42", To: "bob", Text: "on leave"}},
		{name: "handover to", text: "handover 42 to bob because I'm on leave", want: Command{Verb: CmdHandover, Case: "42", To: "bob", Text: "I'm on leave"}},
		{name: "hand over, two words", text: "hand over 42 bob leaving early", want: Command{Verb: CmdHandover, Case: "42", To: "bob", Text: "leaving early"}},
		{name: "transfer", text: "transfer #42 alice billing expert", want: Command{Verb: CmdHandover, Case: "42", To: "alice", Text: "billing expert"}},
		{name: "handover in thread", text: "handover @bob on leave", thread: "7", want: Command{Verb: CmdHandover, Case: "7", To: "bob", Text: "on leave"}},
		{name: "转交", text: "转交 42 bob 客户要求", want: Command{Verb: CmdHandover, Case: "42", To: "bob", Text: "客户要求"}},
		{name: "转交 @", text: "转交 42 @小王 我休假", want: Command{Verb: CmdHandover, Case: "42", To: "小王", Text: "我休假"}},
		{name: "转交 给 and comma", text: "转交 42 给小王，我明天休假", want: Command{Verb: CmdHandover, Case: "42", To: "小王", Text: "我明天休假"}},
		{name: "转交42 glued", text: "转交42 小王 原因：我休假", want: Command{Verb: CmdHandover, Case: "42", To: "小王", Text: "我休假"}},
		{name: "轉交 traditional", text: "轉交 42 小王 我休假", want: Command{Verb: CmdHandover, Case: "42", To: "小王", Text: "我休假"}},
		{name: "handover no reason", text: "handover 42 bob", reason: "usage.need_reason", want: Command{Verb: CmdHandover, Case: "42", To: "bob"}},
		{name: "handover @ no reason", text: "handover 42 @bob", reason: "usage.need_reason", want: Command{Verb: CmdHandover, Case: "42", To: "bob"}},
		{name: "handover no person", text: "handover 42", reason: "usage.need_person", want: Command{Verb: CmdHandover, Case: "42"}},
		{name: "转交 no person", text: "转交 42", reason: "usage.need_person", want: Command{Verb: CmdHandover, Case: "42"}},
		{name: "handover no case", text: "handover bob on leave", reason: "usage.need_case", want: Command{Verb: CmdHandover}},

		// escalate
		{name: "escalate", text: "escalate 42 customer threatens media", want: Command{Verb: CmdEscalate, Case: "42", Text: "customer threatens media"}},
		{name: "escalate reason label", text: "escalate 42 reason: lawyer letter", want: Command{Verb: CmdEscalate, Case: "42", Text: "lawyer letter"}},
		{name: "升级", text: "升级 42 客户要找媒体", want: Command{Verb: CmdEscalate, Case: "42", Text: "客户要找媒体"}},
		{name: "升級 traditional", text: "升級 42 記者", want: Command{Verb: CmdEscalate, Case: "42", Text: "記者"}},
		{name: "上报 in thread", text: "上报 客户情绪激动", thread: "7", want: Command{Verb: CmdEscalate, Case: "7", Text: "客户情绪激动"}},
		{name: "escalate no reason", text: "escalate 42", reason: "usage.need_reason", want: Command{Verb: CmdEscalate, Case: "42"}},
		{name: "escalate no reason in thread", text: "escalate", thread: "7", reason: "usage.need_reason", want: Command{Verb: CmdEscalate, Case: "7"}},

		// promise
		{name: "promise tomorrow 18:00", text: "promise 42 tomorrow 18:00", want: Command{Verb: CmdPromise, Case: "42", Due: at(2026, 11, 28, 18, 0), DueText: "tomorrow 18:00"}},
		{name: "承诺 明天下午6点", text: "承诺 42 明天下午6点", want: Command{Verb: CmdPromise, Case: "42", Due: at(2026, 11, 28, 18, 0), DueText: "明天下午6点"}},
		{name: "承諾 traditional", text: "承諾 42 明天下午6點", want: Command{Verb: CmdPromise, Case: "42", Due: at(2026, 11, 28, 18, 0), DueText: "明天下午6點"}},
		{name: "promise ISO", text: "promise 42 2026-12-01 10:00", want: Command{Verb: CmdPromise, Case: "42", Due: at(2026, 12, 1, 10, 0), DueText: "2026-12-01 10:00"}},
		{name: "承诺 周五上午10点 is next Friday", text: "承诺 42 周五上午10点", want: Command{Verb: CmdPromise, Case: "42", Due: at(2026, 12, 4, 10, 0), DueText: "周五上午10点"}},
		{name: "promise in 2 hours", text: "promise 42 in 2 hours", want: Command{Verb: CmdPromise, Case: "42", Due: at(2026, 11, 27, 17, 4), DueText: "in 2 hours"}},
		{name: "承诺 2小时后", text: "承诺 42 2小时后", want: Command{Verb: CmdPromise, Case: "42", Due: at(2026, 11, 27, 17, 4), DueText: "2小时后"}},
		{name: "promise tonight", text: "promise 42 tonight", want: Command{Verb: CmdPromise, Case: "42", Due: at(2026, 11, 27, 21, 0), DueText: "tonight"}},
		{name: "promise by", text: "promise #42 by tomorrow 6pm", want: Command{Verb: CmdPromise, Case: "42", Due: at(2026, 11, 28, 18, 0), DueText: "by tomorrow 6pm"}},
		{name: "promise in thread", text: "promise tomorrow 6pm", thread: "7", want: Command{Verb: CmdPromise, Case: "7", Due: at(2026, 11, 28, 18, 0), DueText: "tomorrow 6pm"}},
		{name: "promise in thread, number is the time", text: "promise 2 hours", thread: "7", want: Command{Verb: CmdPromise, Case: "7", Due: at(2026, 11, 27, 17, 4), DueText: "2 hours"}},
		{name: "承诺 3个工作日内", text: "承诺 42 3个工作日内", want: Command{Verb: CmdPromise, Case: "42", Due: at(2026, 12, 2, 18, 0), DueText: "3个工作日内"}},
		{name: "promise past date", text: "promise 42 2020-01-01 10:00", reason: "usage.past_time", want: Command{Verb: CmdPromise, Case: "42"}},
		{name: "promise earlier today", text: "promise 42 today 9:00", reason: "usage.past_time", want: Command{Verb: CmdPromise, Case: "42"}},
		{name: "承诺 今天上午", text: "承诺 42 今天上午10点", reason: "usage.past_time", want: Command{Verb: CmdPromise, Case: "42"}},
		{name: "promise garbage", text: "promise 42 blah", reason: "usage.bad_time", want: Command{Verb: CmdPromise, Case: "42"}},
		{name: "承诺 garbage", text: "承诺 42 尽快", reason: "usage.bad_time", want: Command{Verb: CmdPromise, Case: "42"}},
		{name: "promise no time", text: "promise 42", reason: "usage.need_time", want: Command{Verb: CmdPromise, Case: "42"}},
		{name: "promise no case", text: "promise tomorrow", reason: "usage.need_case", want: Command{Verb: CmdPromise}},

		// resolve
		{name: "resolve", text: "resolve 42 product defect replaced the unit", want: Command{Verb: CmdResolve, Case: "42",
			Category: "product", Cause: "product_defect", Text: "replaced the unit"}},
		{name: "resolve bars", text: "resolve 42 product | product defect | replaced it", want: Command{Verb: CmdResolve, Case: "42",
			Category: "product", Cause: "product_defect", Text: "replaced it"}},
		{name: "resolve slashes", text: "resolve 42 product/defect/replaced", want: Command{Verb: CmdResolve, Case: "42",
			Category: "product", Cause: "product_defect", Text: "replaced"}},
		{name: "resolve action", text: "resolve 42 delivery partner refunded shipping action: switch courier", want: Command{Verb: CmdResolve, Case: "42",
			Category: "delivery", Cause: "partner", Text: "refunded shipping", Action: "switch courier"}},
		{name: "resolve two-word taxonomy and ; action", text: "resolve 42 staff attitude service failure apologised; action: retrain staff", want: Command{Verb: CmdResolve, Case: "42",
			Category: "staff_attitude", Cause: "service_failure", Text: "apologised", Action: "retrain staff"}},
		{name: "resolve billing policy", text: "resolve 42 billing policy explained the fee", want: Command{Verb: CmdResolve, Case: "42",
			Category: "billing", Cause: "policy", Text: "explained the fee"}},
		{name: "resolve misunderstanding", text: "resolve 42 service customer misunderstanding explained how to pair it", want: Command{Verb: CmdResolve, Case: "42",
			Category: "service", Cause: "customer_misuse", Text: "explained how to pair it"}},
		{name: "resolve other unknown", text: "Resolve #42 Other Unknown refunded", want: Command{Verb: CmdResolve, Case: "42",
			Category: "other", Cause: "unknown", Text: "refunded"}},
		{name: "resolve cause first", text: "resolve 42 service failure, service, apologised and refunded", want: Command{Verb: CmdResolve, Case: "42",
			Category: "service", Cause: "service_failure", Text: "apologised and refunded"}},
		{name: "解决", text: "解决 42 产品 产品缺陷 已换新 改进：加强质检", want: Command{Verb: CmdResolve, Case: "42",
			Category: "product", Cause: "product_defect", Text: "已换新", Action: "加强质检"}},
		{name: "解决 物流 合作方", text: "解决 42 物流 合作方 已补发", want: Command{Verb: CmdResolve, Case: "42",
			Category: "delivery", Cause: "partner", Text: "已补发"}},
		{name: "解决 服务 客户误解", text: "解决 42 服务 客户误解 已解释", want: Command{Verb: CmdResolve, Case: "42",
			Category: "service", Cause: "customer_misuse", Text: "已解释"}},
		{name: "解决 服务态度 服务失误 改进", text: "解决42 服务态度，服务失误，已道歉并补偿 改进措施：培训夜班", want: Command{Verb: CmdResolve, Case: "42",
			Category: "staff_attitude", Cause: "service_failure", Text: "已道歉并补偿", Action: "培训夜班"}},
		{name: "解决 其他 未知 改进:", text: "解决 42 其他 未知 已退款 改进:培训", want: Command{Verb: CmdResolve, Case: "42",
			Category: "other", Cause: "unknown", Text: "已退款", Action: "培训"}},
		{name: "解決 traditional", text: "解決 42 產品 產品缺陷 已換新", want: Command{Verb: CmdResolve, Case: "42",
			Category: "product", Cause: "product_defect", Text: "已換新"}},
		{name: "解决 glued taxonomy", text: "解决 42 账单政策规定已解释收费", want: Command{Verb: CmdResolve, Case: "42",
			Category: "billing", Cause: "policy", Text: "已解释收费"}},
		{name: "resolve in thread", text: "resolve product defect replaced", thread: "7", want: Command{Verb: CmdResolve, Case: "7",
			Category: "product", Cause: "product_defect", Text: "replaced"}},
		{name: "resolve nothing", text: "resolve 42", reason: "usage.need_category", want: Command{Verb: CmdResolve, Case: "42"}},
		{name: "resolve unknown category", text: "resolve 42 foo bar baz", reason: "usage.need_category", want: Command{Verb: CmdResolve, Case: "42"}},
		{name: "resolve cause only", text: "resolve 42 service failure apologised", reason: "usage.need_category", want: Command{Verb: CmdResolve, Case: "42"}},
		{name: "resolve no cause", text: "resolve 42 product", reason: "usage.need_cause", want: Command{Verb: CmdResolve, Case: "42"}},
		{name: "resolve bad cause", text: "resolve 42 product because it broke", reason: "usage.need_cause", want: Command{Verb: CmdResolve, Case: "42"}},
		{name: "resolve nothing done", text: "resolve 42 product defect", reason: "usage.need_done", want: Command{Verb: CmdResolve, Case: "42"}},
		{name: "resolve only an action", text: "resolve 42 product defect action: check batch", reason: "usage.need_done", want: Command{Verb: CmdResolve, Case: "42"}},
		{name: "解决 no cause", text: "解决 42 产品", reason: "usage.need_cause", want: Command{Verb: CmdResolve, Case: "42"}},
		{name: "resolve no case", text: "resolve product defect replaced", reason: "usage.need_case", want: Command{Verb: CmdResolve}},

		// reopen, case, cases, mine, help
		{name: "reopen", text: "reopen 42", want: Command{Verb: CmdReopen, Case: "42"}},
		{name: "重开", text: "重开 42", want: Command{Verb: CmdReopen, Case: "42"}},
		{name: "重開 traditional", text: "重開 #42", want: Command{Verb: CmdReopen, Case: "42"}},
		{name: "reopen in thread", text: "reopen", thread: "7", want: Command{Verb: CmdReopen, Case: "7"}},
		{name: "reopen no case", text: "reopen", reason: "usage.need_case", want: Command{Verb: CmdReopen}},
		{name: "case", text: "case 42", want: Command{Verb: CmdShow, Case: "42"}},
		{name: "case #", text: "case #42", want: Command{Verb: CmdShow, Case: "42"}},
		{name: "查看", text: "查看 42", want: Command{Verb: CmdShow, Case: "42"}},
		{name: "查看42", text: "查看42", want: Command{Verb: CmdShow, Case: "42"}},
		{name: "case no number", text: "case", reason: "usage.need_case", want: Command{Verb: CmdShow}},
		{name: "cases", text: "cases", want: Command{Verb: CmdList}},
		{name: "cases please", text: "cases please", want: Command{Verb: CmdList}},
		{name: "列表", text: "列表", want: Command{Verb: CmdList}},
		{name: "mine", text: "mine", want: Command{Verb: CmdMine}},
		{name: "my cases", text: "my cases", want: Command{Verb: CmdMine}},
		{name: "我的", text: "我的", want: Command{Verb: CmdMine}},
		{name: "mine in thread", text: "mine", thread: "7", want: Command{Verb: CmdMine, Case: "7"}},
		{name: "help", text: "help", want: Command{Verb: CmdHelp}},
		{name: "Help!", text: "Help!", want: Command{Verb: CmdHelp}},
		{name: "帮助", text: "帮助", want: Command{Verb: CmdHelp}},
		{name: "幫助 traditional", text: "幫助", want: Command{Verb: CmdHelp}},
		{name: "?", text: "?", want: Command{Verb: CmdHelp}},
		{name: "full-width ?", text: "？", want: Command{Verb: CmdHelp}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCommand(tt.text, tt.thread, now, loc)
			checkCommand(t, tt, got, err)
		})
	}
}

func checkCommand(t *testing.T, tt commandTest, got Command, err *UsageError) {
	t.Helper()
	switch {
	case tt.reason == "" && err != nil:
		t.Fatalf("ParseCommand(%q, %q): %v %v, want %+v", tt.text, tt.thread, err, err.Data, tt.want)
	case tt.reason != "" && err == nil:
		t.Fatalf("ParseCommand(%q, %q) = %+v, want %s", tt.text, tt.thread, got, tt.reason)
	case err != nil && err.Reason != tt.reason:
		t.Errorf("ParseCommand(%q, %q): %s, want %s", tt.text, tt.thread, err.Reason, tt.reason)
	case err != nil && err.Verb != tt.want.Verb:
		t.Errorf("ParseCommand(%q, %q): error for verb %q, want %q", tt.text, tt.thread, err.Verb, tt.want.Verb)
	}
	if err != nil {
		// Only what the command was meant to be, and its case, matter
		// in a usage error.
		got = Command{Verb: got.Verb, Case: got.Case, Options: got.Options, Kinds: got.Kinds, To: got.To}
		if tt.want.Verb == "" {
			tt.want.Case = tt.thread
		}
	}
	got.Lang = ""
	if !got.Due.Equal(tt.want.Due) {
		t.Errorf("ParseCommand(%q, %q).Due = %s, want %s", tt.text, tt.thread, got.Due, tt.want.Due)
	}
	got.Due, tt.want.Due = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, tt.want) {
		t.Errorf("ParseCommand(%q, %q)\n got %s\nwant %s", tt.text, tt.thread, describe(got), describe(tt.want))
	}
}

func describe(c Command) string {
	return fmt.Sprintf("{Verb:%q Case:%q Text:%q To:%q Options:%q Kinds:%q DueText:%q Category:%q Cause:%q Action:%q}",
		c.Verb, c.Case, c.Text, c.To, c.Options, c.Kinds, c.DueText, c.Category, c.Cause, c.Action)
}

func TestParseCommandLanguage(t *testing.T) {
	now, loc := commandClock(t)
	for text, want := range map[string]flows.Lang{
		"claim 42": flows.EN, "认领 42": flows.ZH, "認領 42": flows.ZH, "note 42 已联系": flows.ZH, "hello": flows.EN, "你好": flows.ZH,
	} {
		got, _ := ParseCommand(text, "", now, loc)
		if got.Lang != want {
			t.Errorf("ParseCommand(%q).Lang = %s, want %s", text, got.Lang, want)
		}
	}
}

// TestParseCommandNilLocation checks that a missing location means now's.
func TestParseCommandNilLocation(t *testing.T) {
	now, _ := commandClock(t)
	got, err := ParseCommand("promise 42 tomorrow 18:00", "", now, nil)
	if err != nil || !got.Due.Equal(time.Date(2026, 11, 28, 18, 0, 0, 0, now.Location())) {
		t.Fatalf("got %+v, %v", got, err)
	}
}

// TestCommandUsageWording checks that every reason ParseCommand can return,
// every verb's usage line and the help text have wording in both languages,
// and that each reason is produced by some case of TestParseCommand's kind.
func TestCommandUsageWording(t *testing.T) {
	cat := flows.MustCatalog()
	src, err := os.ReadFile("commands.go")
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]bool{}
	for _, m := range regexp.MustCompile(`"(usage\.[a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		reasons[m[1]] = true
	}
	if len(reasons) < 14 {
		t.Fatalf("found only %d reasons in commands.go: %v", len(reasons), reasons)
	}
	keys := []string{"help.text"}
	for r := range reasons {
		keys = append(keys, r)
	}
	for _, v := range Verbs {
		keys = append(keys, "usage."+string(v))
	}
	sort.Strings(keys)
	for _, key := range keys {
		for _, lang := range []flows.Lang{flows.EN, flows.ZH} {
			if cat.Variants(lang, key) == 0 {
				t.Errorf("%s has no %s wording", key, lang)
				continue
			}
			s := cat.Text(lang, key, 1, map[string]any{"Word": "x", "Count": 10, "Max": MaxOptions, "Text": "t"})
			if strings.Contains(s, "<no value>") || strings.HasPrefix(s, "[") {
				t.Errorf("%s %s renders badly: %q", lang, key, s)
			}
		}
	}
	// The help text names every verb in English, and the Chinese one in
	// both languages.
	en, zh := cat.Text(flows.EN, "help.text", 1, nil), cat.Text(flows.ZH, "help.text", 1, nil)
	for _, v := range Verbs {
		if !strings.Contains(en, string(v)) || !strings.Contains(zh, string(v)) {
			t.Errorf("help.text does not name %q", v)
		}
	}
	for _, w := range []string{"认领", "回复", "备注", "方案", "转交", "升级", "承诺", "解决", "重开", "查看", "列表", "我的", "帮助"} {
		if verbWords[w] == "" || !strings.Contains(zh, w) {
			t.Errorf("Chinese help.text or the grammar lacks %q", w)
		}
	}
	for _, p := range append(append([]phrase{}, categoryWords...), causeWords...) {
		name := cat.Text(flows.EN, "category."+p.key, 1, nil)
		if strings.HasPrefix(name, "[") {
			name = cat.Text(flows.EN, "cause."+p.key, 1, nil)
		}
		if !strings.Contains(en, name) {
			t.Errorf("English help.text does not list %q", name)
		}
	}

	// Every reason is reached by some command.
	now, loc := commandClock(t)
	reached := map[string]bool{}
	for _, text := range []string{"", "hello", "claim", "note 42", "escalate 42", "handover 42", "offer 42 a",
		"offer 42 1|2|3|4|5|6|7|8|9|10", "promise 42", "promise 42 blah", "promise 42 2020-01-01", "resolve 42",
		"resolve 42 product", "resolve 42 product defect"} {
		if _, err := ParseCommand(text, "", now, loc); err != nil {
			reached[err.Reason] = true
			if u := err.Usage(); u != "" && cat.Variants(flows.ZH, u) == 0 {
				t.Errorf("%q: usage line %s has no wording", text, u)
			}
		}
	}
	for r := range reasons {
		if !reached[r] {
			t.Errorf("no command reaches %s", r)
		}
	}
}

// TestParseCommandNeverSilent checks that outside threads every text is a
// command or a usage error, and that every usage error names a reason.
func TestParseCommandNeverSilent(t *testing.T) {
	now, loc := commandClock(t)
	for _, text := range []string{"claim 42", "asdf", "42", "#42", "case closed", "promise", "认领", "认领 abc", "?", "??", "/", "!!!",
		"note", "note 42", "offer 42 refund", "hand", "over 42", "help me please", "📦", "\xff\xfe"} {
		got, err := ParseCommand(text, "", now, loc)
		switch {
		case err == nil && got.Verb == "":
			t.Errorf("ParseCommand(%q) has no verb and no error", text)
		case err == nil && got.Verb == CmdSay:
			t.Errorf("ParseCommand(%q) outside a thread is Say", text)
		case err != nil && err.Reason == "":
			t.Errorf("ParseCommand(%q): error without a reason", text)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"claim 42", "认领：42", "offer 42 a|b", "promise 42 明天下午6点", "resolve 42 product defect fixed action: x",
		"handover 42 给小王，休假", "转交", "/", "", "\xff", "claim #0", "方案 42 ①②"} {
		f.Add(s, "")
		f.Add(s, "7")
	}
	now, loc := commandClock(f)
	cat := flows.MustCatalog()
	f.Fuzz(func(t *testing.T, text, thread string) {
		got, err := ParseCommand(text, thread, now, loc)
		if err != nil {
			if cat.Variants(flows.EN, err.Reason) == 0 {
				t.Fatalf("ParseCommand(%q, %q): reason %q has no wording", text, thread, err.Reason)
			}
			return
		}
		if got.Verb == "" || got.Verb == CmdSay && thread == "" {
			t.Fatalf("ParseCommand(%q, %q) = %+v", text, thread, got)
		}
		if got.Verb == CmdOffer && (len(got.Options) < 2 || len(got.Options) > MaxOptions || len(got.Kinds) != len(got.Options)) {
			t.Fatalf("ParseCommand(%q) offer %q %q", text, got.Options, got.Kinds)
		}
		if got.Verb == CmdPromise && !got.Due.After(now) {
			t.Fatalf("ParseCommand(%q) promise %s not after now", text, got.Due)
		}
	})
}
