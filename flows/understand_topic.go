package flows

import (
	"regexp"
	"strings"
)

// Topics of a complaint (Analysis.Topic), for the options the bot offers
// when it asks what the customer wants: a crushed cake is not offered a
// repair, a double charge is offered a refund of the extra charge.
const (
	TopicBilling    = "billing"    // charged twice, overcharged, billed after cancelling
	TopicDelivery   = "delivery"   // never arrived, lost, sent to the wrong address
	TopicPerishable = "perishable" // food, a cake, flowers: remade or refunded, not repaired
	TopicService    = "service"    // how the customer was treated, nothing broken
)

var (
	billingWords = wordSet("扣款|重复扣款|多扣|多收|乱扣|扣了两次|扣了我|重复扣|自动扣费|乱扣费|被扣|扣钱|扣费|多收费|多收钱|乱收费|" +
		"charged twice|charged me twice|charged us twice|billed me twice|charged two times|took the money twice|took payment twice|double charged|double-charged|overcharged|billed twice|extra charge|charged my card twice|twice for the same|" +
		"keeps getting charged|keep charging|keeps charging|keep charging me|billed me after|wrongly charged|overbilled|hidden fee|hidden fees")
	deliveryWords = wordSet("没收到|还没收到|没到|还没到|一直没到|没送到|送不到|丢件|快递丢|丢失|没有收到|还没送到|送丢|" +
		"never arrived|hasn't arrived|hasnt arrived|has not arrived|not arrived|still not arrived|never came|not delivered|never delivered|" +
		"was missing|were missing|nothing's here|nothing is here|wrong address|never received|didn't arrive|didnt arrive|did not arrive")
	perishableWords = []string{"蛋糕", "外卖", "月饼", "水果", "牛奶", "酸奶", "鸡蛋", "面包", "鲜花", "花束", "餐", "饭", "菜", "火锅", "奶茶",
		"cake", "pizza", "meal", "takeaway", "food", "groceries", "grocery", "flowers", "cookies", "milk", "bread", "eggs"}
)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Split(words, "|") {
		m[w] = true
	}
	return m
}

// topic tells what kind of complaint the text makes, or "".
func (r *reading) topic() string {
	problems, treatment := 0, false
	billing, delivery := false, false
	for _, h := range r.u.hits {
		switch h.lex.sense {
		case senseProblem:
			problems++
			billing = billing || billingWords[h.lex.word]
			delivery = delivery || deliveryWords[h.lex.word]
		case senseTreatment:
			treatment = true
		}
	}
	product := ""
	for _, f := range r.found {
		if f.Slot == Order && f.Kind == OrderProduct && !f.Negated {
			product = FoldText(f.Value)
		}
	}
	switch {
	case billing:
		return TopicBilling
	case delivery:
		return TopicDelivery
	case product != "" && headIsAny(product, perishableWords):
		return TopicPerishable
	case treatment && problems == 0 && product == "", r.noShow():
		return TopicService
	}
	return ""
}

// headIsAny reports whether the product's head noun is one of words: the
// end of a Chinese noun (电饭煲 is a pot, not rice; 生日蛋糕 is a cake) or
// the last English word, singular or plural ("cake pan" is a pan).
func headIsAny(product string, words []string) bool {
	if f := strings.Fields(product); len(f) > 0 && !HasHan(product) {
		last := f[len(f)-1]
		for _, w := range words {
			if last == w || last == w+"s" || last == w+"es" {
				return true
			}
		}
		return false
	}
	for _, w := range words {
		if strings.HasSuffix(product, w) {
			return true
		}
	}
	return false
}

// noShowRe finds a visit or a call that did not happen: someone booked who
// never came is a complaint about the service, whatever it was for.
var noShowRe = regexp.MustCompile(`(都没人来|没人来|没有人来|一直没来|没上门|放鸽子|放我鸽子|爽约|nobody came|no one came|never showed|didn't show up|did not show up|no-show|no show|never turned up|didn't turn up)`)

func (r *reading) noShow() bool { return noShowRe.MatchString(r.u.norm) }
