package flows

import (
	"testing"
	"unicode/utf8"
)

func TestReadChoice(t *testing.T) {
	three := []string{"Full refund", "Replacement", "Repair at home"}
	threeKinds := []string{Refund, Replacement, Repair}
	zh := []string{"退款", "换货", "上门维修"}
	zhKinds := []string{Refund, Replacement, Repair}
	free := []string{"50% store credit", "Free delivery on your next order"} // kinds read from the words
	refunds := []string{"Full refund, return the item", "Partial refund, keep the item"}
	refundKinds := []string{Refund, Refund}
	tests := []struct {
		name    string
		text    string
		options []string
		kinds   []string
		want    int // 0: no pick
	}{
		// Numbers in any form.
		{"digit", "2", three, threeKinds, 2},
		{"digit with spaces", "  3 ", three, threeKinds, 3},
		{"full-width digit", "２", three, threeKinds, 2},
		{"han numeral", "二", three, threeKinds, 2},
		{"第二个", "第二个", three, threeKinds, 2},
		{"第2个", "第2个", three, threeKinds, 2},
		{"第一种吧", "第一种吧", three, threeKinds, 1},
		{"选2", "选2", three, threeKinds, 2},
		{"选2吧", "我选2吧", three, threeKinds, 2},
		{"那就1吧", "那就1吧", three, threeKinds, 1},
		{"2号方案", "2号方案", three, threeKinds, 2},
		{"方案三", "方案三", three, threeKinds, 3},
		{"选项 1", "选项 1", three, threeKinds, 1},
		{"hash", "#2", three, threeKinds, 2},
		{"option 2", "option 2", three, threeKinds, 2},
		{"Option #3", "Option #3 please", three, threeKinds, 3},
		{"number 1", "number 1", three, threeKinds, 1},
		{"the second one", "the second one", three, threeKinds, 2},
		{"second", "Second.", three, threeKinds, 2},
		{"2nd", "2nd please", three, threeKinds, 2},
		{"the first", "the first", three, threeKinds, 1},
		{"the last one", "the last one", three, threeKinds, 3},
		{"最后一个", "最后一个", three, threeKinds, 3},
		{"two", "two", three, threeKinds, 2},
		{"one", "one", three, threeKinds, 1},
		{"circled", "②", three, threeKinds, 2},
		{"I'll take 2", "I'll take 2, thanks", three, threeKinds, 2},
		{"2 please", "2 please!", three, threeKinds, 2},
		{"2 then thanks", "ok 2 then", three, threeKinds, 2},
		{"number in a sentence", "I think option 2 would be best for me", three, threeKinds, 2},
		{"ordinal in a sentence", "I'd go with the second one if that's ok", three, threeKinds, 2},
		{"第二个方案比较好", "第二个方案比较好", three, threeKinds, 2},
		{"还是选第三个吧", "还是选第三个吧", three, threeKinds, 3},
		{"二号", "二号", three, threeKinds, 2},
		{"2 is fine", "2 is fine", three, threeKinds, 2},
		{"yes 1 please", "yes, 1 please", three, threeKinds, 1},
		{"refuse one, pick another by number", "not the first one, the second", three, threeKinds, 2},
		{"former", "the former", free, nil, 1},
		{"latter", "the latter", free, nil, 2},

		// Words: the outcome kind.
		{"退款吧", "退款吧", zh, zhKinds, 1},
		{"traditional 換貨", "換貨", zh, zhKinds, 2},
		{"换一个新的", "给我换一个新的吧", zh, zhKinds, 2},
		{"维修", "上门维修就行", zh, zhKinds, 3},
		{"修一下", "修一下吧", zh, zhKinds, 3},
		{"I'd like the refund", "I'd like the refund", three, threeKinds, 1},
		{"refund please", "refund please", three, threeKinds, 1},
		{"exchange", "an exchange please", three, threeKinds, 2},
		{"new one", "just send me a new one", three, threeKinds, 2},
		{"fix it", "can you fix it", three, threeKinds, 3},
		{"English kind, Chinese options", "refund", zh, zhKinds, 1},
		{"Chinese answer, English options", "我要退款", three, threeKinds, 1},
		{"mixed", "ok 换货吧 thanks", three, threeKinds, 2},
		{"refuse one, want another", "我不要退款,换货吧", zh, zhKinds, 2},
		{"refuse one in English", "I don't want a refund, a replacement please", three, threeKinds, 2},
		{"kinds missing: read from the option", "退款", zh, nil, 1},
		{"kinds shorter than options", "上门维修", zh, []string{Refund}, 3},

		// Words: the option's own text.
		{"option words", "store credit please", free, nil, 1},
		{"option words 2", "free delivery", free, nil, 2},
		{"option kind from words", "a voucher is fine", free, nil, 1},
		{"whole option", "partial refund, keep the item", refunds, refundKinds, 2},
		{"one word of one option", "I'll keep it, partial please", refunds, refundKinds, 2},
		{"number and words agree", "2, the replacement", three, threeKinds, 2},

		// No pick.
		{"empty", "", three, threeKinds, 0},
		{"punctuation", "?!", three, threeKinds, 0},
		{"out of range", "4", three, threeKinds, 0},
		{"zero", "0", three, threeKinds, 0},
		{"out of range han", "第五个", three, threeKinds, 0},
		{"out of range option", "option 7", three, threeKinds, 0},
		{"two numbers", "1 or 2", three, threeKinds, 0},
		{"two kinds", "refund or replacement, either is fine", three, threeKinds, 0},
		{"两个都要", "两个都要", three, threeKinds, 0},
		{"都可以", "都可以", three, threeKinds, 0},
		{"随便", "随便", three, threeKinds, 0},
		{"both", "both please", three, threeKinds, 0},
		{"neither", "neither", three, threeKinds, 0},
		{"none", "none of these", three, threeKinds, 0},
		{"ambiguous kind", "refund", refunds, refundKinds, 0},
		{"number and words disagree", "1, the repair", three, threeKinds, 0},
		{"unrelated", "when will someone call me?", three, threeKinds, 0},
		{"a second is not a choice", "wait a second", three, threeKinds, 0},
		{"apology not offered", "I want an apology", three, threeKinds, 0},
		{"refusal only", "不要退款", zh, zhKinds, 0},
		{"no options", "1", nil, nil, 0},
		{"money is not a choice", "refund the 200 yuan", zh, zhKinds, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ReadChoice(tt.text, tt.options, tt.kinds)
			if tt.want == 0 {
				if ok {
					t.Errorf("ReadChoice(%q, %q) = %d, want no pick", tt.text, tt.options, got)
				}
				return
			}
			if !ok || got != tt.want {
				t.Errorf("ReadChoice(%q, %q) = %d, %v; want %d", tt.text, tt.options, got, ok, tt.want)
			}
		})
	}
}

func TestOutcomeOf(t *testing.T) {
	tests := []struct{ text, want string }{
		{"refund", Refund},
		{"Full refund within 3 days", Refund},
		{"return and refund", Refund},
		{"退款", Refund},
		{"全额退款", Refund},
		{"replacement", Replacement},
		{"exchange", Replacement},
		{"a new one", Replacement},
		{"換貨", Replacement},
		{"换新", Replacement},
		{"repair", Repair},
		{"fix", Repair},
		{"上门维修", Repair},
		{"apology", Apology},
		{"书面道歉", Apology},
		{"explanation", Explanation},
		{"50% voucher", Compensation},
		{"store credit", Compensation},
		{"50元优惠券", Compensation},
		{"赔偿200元", Compensation},
		{"", ""},
		{"something else", ""},
		{"refund or replacement", ""},
		{"no refund", ""},
	}
	for _, tt := range tests {
		if got := OutcomeOf(tt.text); got != tt.want {
			t.Errorf("OutcomeOf(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestReadYesNo(t *testing.T) {
	tests := []struct {
		text string
		want YesNo
	}{
		// Yes.
		{"是", AnswerYes},
		{"是的", AnswerYes},
		{"对", AnswerYes},
		{"对的,谢谢", AnswerYes},
		{"嗯", AnswerYes},
		{"解决了", AnswerYes},
		{"已经解决了,谢谢你们", AnswerYes},
		{"好了", AnswerYes},
		{"好了好了", AnswerYes},
		{"可以了", AnswerYes},
		{"修好了,能用了", AnswerYes},
		{"没问题", AnswerYes},
		{"没问题了,谢谢", AnswerYes},
		{"没有问题", AnswerYes},
		{"沒問題", AnswerYes},
		{"解決了", AnswerYes},
		{"都正常了", AnswerYes},
		{"退款已经收到了", AnswerYes},
		{"还不错", AnswerYes},
		{"yes", AnswerYes},
		{"Yes!", AnswerYes},
		{"yep", AnswerYes},
		{"YES thanks", AnswerYes},
		{"all good", AnswerYes},
		{"all good now, thanks", AnswerYes},
		{"thanks it works", AnswerYes},
		{"thanks, it works now", AnswerYes},
		{"fixed", AnswerYes},
		{"it's fixed", AnswerYes},
		{"solved, cheers", AnswerYes},
		{"no problem", AnswerYes},
		{"no problems at all now", AnswerYes},
		{"not bad", AnswerYes},
		{"couldn't be better", AnswerYes},
		{"ok 好了", AnswerYes},
		{"是的，已经好了", AnswerYes},
		{"嗯嗯 好了 谢谢", AnswerYes},
		{"OK", AnswerYes},
		{"yes, finally", AnswerYes},
		{"还行", AnswerYes},
		{"👍", AnswerYes},
		{"ｙｅｓ", AnswerYes},

		// No.
		{"没有", AnswerNo},
		{"没", AnswerNo},
		{"没解决", AnswerNo},
		{"还没解决", AnswerNo},
		{"还没好", AnswerNo},
		{"還沒好", AnswerNo},
		{"不行", AnswerNo},
		{"还是不行", AnswerNo},
		{"不是", AnswerNo},
		{"没修好", AnswerNo},
		{"又坏了", AnswerNo},
		{"问题还在", AnswerNo},
		{"退款还没收到", AnswerNo},
		{"好了一天又不行了", AnswerNo},
		{"no", AnswerNo},
		{"No.", AnswerNo},
		{"nope", AnswerNo},
		{"not yet", AnswerNo},
		{"still broken", AnswerNo},
		{"it's still broken", AnswerNo},
		{"it's not fixed", AnswerNo},
		{"it isn't fixed", AnswerNo},
		{"not solved", AnswerNo},
		{"not really", AnswerNo},
		{"doesn't work", AnswerNo},
		{"it stopped working again", AnswerNo},
		{"same problem as before", AnswerNo},
		{"yes but it's still broken", AnswerNo},
		{"thanks but no", AnswerNo},
		{"好像还是有问题", AnswerNo},
		{"还没有", AnswerNo},
		{"没有解决", AnswerNo},
		{"no thanks", AnswerNo},
		{"nah still broken", AnswerNo},
		{"Not really, it's still making the noise", AnswerNo},
		{"why is it still broken?", AnswerNo},
		{"👎", AnswerNo},

		// Unknown.
		{"", AnswerUnknown},
		{"   ", AnswerUnknown},
		{"?", AnswerUnknown},
		{"不知道", AnswerUnknown},
		{"不确定", AnswerUnknown},
		{"not sure", AnswerUnknown},
		{"I don't know", AnswerUnknown},
		{"maybe", AnswerUnknown},
		{"好了吗?", AnswerUnknown},
		{"fixed?", AnswerUnknown},
		{"when will the technician come", AnswerUnknown},
		{"什么时候来", AnswerUnknown},
		{"就是想问一下", AnswerUnknown},
		{"钱退到银行卡", AnswerUnknown},
		{"对不起", AnswerUnknown},
		{"hello", AnswerUnknown},
		{"I know", AnswerUnknown},
	}
	for _, tt := range tests {
		if got := ReadYesNo(tt.text); got != tt.want {
			t.Errorf("ReadYesNo(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestReadScore(t *testing.T) {
	tests := []struct {
		text    string
		score   int // 0: no score
		comment string
	}{
		{"5", 5, ""},
		{"1", 1, ""},
		{" 3 ", 3, ""},
		{"５", 5, ""},
		{"4分", 4, ""},
		{"4 分", 4, ""},
		{"给3分吧 还行", 3, "还行"},
		{"给你们打5分", 5, ""},
		{"打4分,师傅很专业", 4, "师傅很专业"},
		{"五星", 5, ""},
		{"五星好评", 5, "好评"},
		{"三分吧", 3, ""},
		{"满分", 5, ""},
		{"满分!谢谢", 5, "谢谢"},
		{"⭐⭐⭐⭐", 4, ""},
		{"⭐️⭐️⭐️⭐️⭐️ 很满意", 5, "很满意"},
		{"★★★☆☆", 3, ""},
		{"4/5", 4, ""},
		{"4 / 5 good", 4, "good"},
		{"4 out of 5", 4, ""},
		{"5/5!!!", 5, ""},
		{"4 stars, quick work", 4, "quick work"},
		{"5 stars", 5, ""},
		{"1 star. Never again.", 1, "Never again"},
		{"1 terrible", 1, "terrible"},
		{"5!", 5, ""},
		{"3 - slow but ok", 3, "slow but ok"},
		{"five stars", 5, ""},
		{"five", 5, ""},
		{"I'd give it a 4", 4, ""},
		{"I'd give you 4, the courier was late", 4, "the courier was late"},
		{"quick work, 4 stars", 4, "quick work"},
		{"Score: 2", 2, ""},
		{"服务不错,4分", 4, "服务不错"},
		{"5分，十分满意", 5, "十分满意"},
		{"4星", 4, ""},

		// No score.
		{"", 0, ""},
		{"great service", 0, ""},
		{"0", 0, ""},
		{"6", 0, ""},
		{"10", 0, ""},
		{"10分", 0, ""},
		{"0分", 0, ""},
		{"8/10", 0, ""},
		{"4.5", 0, ""},
		{"⭐⭐⭐⭐⭐⭐", 0, ""},
		{"十分满意", 0, ""},
		{"2 days and still broken", 0, ""},
		{"3天了还没好", 0, ""},
		{"等了10分钟", 0, ""},
		{"call me at 13800138000", 0, ""},
		{"one more thing", 0, ""},
	}
	for _, tt := range tests {
		score, comment, ok := ReadScore(tt.text)
		if tt.score == 0 {
			if ok || score != 0 || comment != "" {
				t.Errorf("ReadScore(%q) = %d, %q, %v; want no score", tt.text, score, comment, ok)
			}
			continue
		}
		if !ok || score != tt.score || comment != tt.comment {
			t.Errorf("ReadScore(%q) = %d, %q, %v; want %d, %q", tt.text, score, comment, ok, tt.score, tt.comment)
		}
	}
}

func FuzzAnswers(f *testing.F) {
	for _, s := range []string{"2", "第二个", "the second one", "退款吧", "換貨", "I'd like the refund", "都可以", "option 7",
		"是", "没问题", "還沒好", "not solved", "thanks it works", "yes but no",
		"给3分吧 还行", "⭐⭐⭐⭐", "4/5", "4 stars, quick work", "十分满意", "8/10", "", "\xff", "⭐️☆★", "①②", "1 \x90膡\x8c"} {
		f.Add(s)
	}
	options := []string{"Full refund", "换货", "上门维修", "50% voucher"}
	kinds := []string{Refund, Replacement, Repair, ""}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := ReadChoice(s, options, kinds); ok && (n < 1 || n > len(options)) || !ok && n != 0 {
			t.Fatalf("ReadChoice(%q) = %d, %v", s, n, ok)
		}
		if n, ok := ReadChoice(s, nil, nil); ok || n != 0 {
			t.Fatalf("ReadChoice(%q, no options) = %d, %v", s, n, ok)
		}
		switch a := ReadYesNo(s); a {
		case AnswerYes, AnswerNo, AnswerUnknown:
		default:
			t.Fatalf("ReadYesNo(%q) = %d", s, a)
		}
		score, comment, ok := ReadScore(s)
		switch {
		case ok && (score < 1 || score > 5):
			t.Fatalf("ReadScore(%q) = %d, ok", s, score)
		case !ok && (score != 0 || comment != ""):
			t.Fatalf("ReadScore(%q) = %d, %q, not ok", s, score, comment)
		case utf8.ValidString(s) && len(comment) > len(s):
			t.Fatalf("ReadScore(%q): comment %q longer than the text", s, comment)
		case utf8.ValidString(s) && !utf8.ValidString(comment):
			t.Fatalf("ReadScore(%q): comment %q is not UTF-8", s, comment)
		}
		_ = OutcomeOf(s)
	})
}
