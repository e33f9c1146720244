package flows

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Money is read in these forms (normalised text: lower case, half-width):
//
//	¥300  ￥1,299.00  rmb 300  cny300  人民币300  $300  us$300  usd 300  €50  eur 50  £20  gbp20  hk$300
//	300元  300块  300块钱  1.5万  1.5万元  2千元  三百块  两千五百元  一万二  300 dollars  50 bucks  20 quid  300 yuan
//
// A bare number in 万 (1.5万) counts as yuan; other bare numbers are not
// money.

// hanAmount matches an amount in Chinese numerals.
const hanAmount = `[零〇一二两三四五六七八九十百千万亿]+`

var (
	moneyPrefixRe = regexp.MustCompile(`(¥|￥|rmb|cny|人民币|us\$|usd|hk\$|hkd|nt\$|twd|\$|€|eur|£|gbp)\s*(\d[\d,]*(?:\.\d+)?)\s*(万|千|百|k|w)?`)
	moneySuffixRe = regexp.MustCompile(`(\d[\d,]*(?:\.\d+)?)\s*(万|千|百|k)?\s*(元人民币|元|块钱|块|圆|rmb|cny|yuan|dollars?|bucks|usd|euros?|eur|pounds?|quid|gbp|hkd|港币|港元|美元|美金|欧元|英镑|日元|台币)`)
	moneyWanRe    = regexp.MustCompile(`(\d+(?:\.\d+)?)\s*万`)
	moneyHanRe    = regexp.MustCompile(`(` + hanAmount + `)\s*(元人民币|元|块钱|块|美元|美金|欧元|英镑|港币|港元)`)
)

// The money patterns, searched near their currency words and digits.
var (
	moneyPrefixScan = nearScan{re: moneyPrefixRe, words: []string{"¥", "￥", "rmb", "cny", "人民币", "$", "us$", "hk$", "nt$", "€", "eur", "£", "gbp", "usd", "hkd", "twd"}, after: 24}
	moneySuffixScan = nearScan{re: moneySuffixRe, words: []string{"元", "块", "圆", "rmb", "cny", "yuan", "dollar", "buck", "usd", "euro", "eur",
		"pound", "quid", "gbp", "hkd", "港币", "港元", "美元", "美金", "欧元", "英镑", "日元", "台币"}, before: 32}
	moneyWanScan = nearScan{re: moneyWanRe, words: []string{"万"}, before: 24}
	moneyHanScan = nearScan{re: moneyHanRe, words: []string{"元", "块", "美元", "美金", "欧元", "英镑", "港币", "港元"}, before: 48, after: 16}
)

// currencyOf maps a currency word or sign to its ISO code and the sign
// shown in values.
func currencyOf(w string) (code, sign string) {
	switch w {
	case "$", "us$", "usd", "dollar", "dollars", "bucks", "美元", "美金":
		return "USD", "$"
	case "€", "eur", "euro", "euros", "欧元":
		return "EUR", "€"
	case "£", "gbp", "pound", "pounds", "quid", "英镑":
		return "GBP", "£"
	case "hk$", "hkd", "港币", "港元":
		return "HKD", "HK$"
	case "nt$", "twd", "台币":
		return "TWD", "NT$"
	case "日元":
		return "JPY", "JP¥"
	}
	return "CNY", "¥"
}

// unitFactor is the multiplier of 万, 千, 百 and k.
func unitFactor(u string) float64 {
	switch u {
	case "万", "w":
		return 1e4
	case "千", "k":
		return 1e3
	case "百":
		return 100
	}
	return 1
}

// moneyValue formats an amount for a Value: "¥300", "$12.50", "¥15000".
func moneyValue(sign string, amount float64) string {
	if amount != math.Trunc(amount) {
		return sign + strconv.FormatFloat(amount, 'f', 2, 64) // $23.40
	}
	return sign + strconv.FormatFloat(amount, 'f', -1, 64)
}

// isMeasureWordKuai reports whether the 块 ending a match is the measure
// word (三块蛋糕, two pieces of cake) rather than yuan: it is when a noun
// follows.
func isMeasureWordKuai(n string, end int) bool {
	if !strings.HasSuffix(n[:end], "块") {
		return false
	}
	next := []rune(firstRunes(n[end:], 1))
	if len(next) == 0 || !unicode.Is(unicode.Han, next[0]) {
		return false
	}
	return !strings.ContainsRune("钱了的啊呢吧都也还就多左买退给呀诶啦嘛", next[0])
}

// moneyCueRe finds words about paying in a clause: with one of them, a
// small amount in 块 is yuan (才一块, 多收了两块); without, it is a piece.
var moneyCueRe = regexp.MustCompile(`钱|价|费|付|花|扣|收|赔|退|值|卖|贵|便宜|补|差`)

// moneyClause reports whether the clause around byte offset at speaks of
// money.
func moneyClause(n string, at int) bool {
	start := strings.LastIndexAny(n[:at], "，。！？；,.!?;\n")
	if start < 0 {
		start = 0
	}
	end := strings.IndexAny(n[at:], "，。！？；,.!?;\n")
	if end < 0 {
		end = len(n)
	} else {
		end += at
	}
	return moneyCueRe.MatchString(n[start:end])
}

// readMoney reads the amounts of money the text mentions (Impact, Kind
// money). Money mentioned in a complaint counts as money at stake: a price
// paid is not told apart from a loss.
func (r *reading) readMoney() {
	n := r.u.norm
	if !strings.ContainsAny(n, "0123456789零一二两三四五六七八九十百千万$€£¥￥") {
		return
	}
	add := func(at span, amount float64, cur string) {
		if r.claimed(at) || amount <= 0 || amount >= 1e12 || math.IsNaN(amount) || isMeasureWordKuai(n, at.end) {
			return
		}
		amount = math.Round(amount*100) / 100
		code, sign := currencyOf(cur)
		r.claim(at)
		r.add(Finding{Slot: Impact, Kind: ImpactMoney, Value: moneyValue(sign, amount), Amount: amount, Currency: code}, at)
	}
	for _, loc := range moneyPrefixScan.findAll(n) {
		m := submatches(n, loc)
		if !moneyBoundary(n, span{loc[0], loc[1]}, m[1]) {
			continue
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", ""), 64)
		if err == nil {
			add(span{loc[0], loc[1]}, v*unitFactor(m[3]), m[1])
		}
	}
	for _, loc := range moneySuffixScan.findAll(n) {
		m := submatches(n, loc)
		if loc[0] > 0 && (isASCIIAlnum(n[loc[0]-1]) || n[loc[0]-1] == '.') {
			continue // part of an order number or a version
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
		if err == nil {
			add(span{loc[0], loc[1]}, v*unitFactor(m[2]), m[3])
		}
	}
	for _, loc := range moneyWanScan.findAll(n) {
		m := submatches(n, loc)
		if loc[0] > 0 && isASCIIAlnum(n[loc[0]-1]) {
			continue
		}
		if after := n[loc[1]:]; strings.HasPrefix(after, "公里") || strings.HasPrefix(after, "人") || strings.HasPrefix(after, "次") ||
			strings.HasPrefix(after, "字") || strings.HasPrefix(after, "步") || strings.HasPrefix(after, "粉") {
			continue
		}
		v, err := strconv.ParseFloat(m[1], 64)
		if err == nil {
			add(span{loc[0], loc[1]}, v*1e4, "元")
		}
	}
	for _, loc := range moneyHanScan.findAll(n) {
		m := submatches(n, loc)
		if v, ok := parseHanNumber(m[1]); ok {
			if m[2] == "块" && v < 10 && !moneyClause(n, loc[0]) {
				continue // 烧焦了一块, 掉了两块: pieces, not yuan
			}
			add(span{loc[0], loc[1]}, v, m[2])
		}
	}
	r.readBareAmounts()
}

var (
	// bareAmountRe finds an amount without a currency after the words of
	// a charge: 扣了我199, 交了3600, "charged me 49.99", "keep charging me
	// 9.99".
	bareAmountRe = regexp.MustCompile(`(扣了我|扣了|扣我|收了我|收了|交了|付了|花了|多收了|多扣了|充了|赔了|` +
		`\bcharged(?: me)?|\bcharging(?: me)?|\bpaid|\bbilled(?: me)?|\bcost(?: me)?|\bspent|\bprice(?: was| is)?|\bfee of)\s*(\d{1,6}(?:\.\d{1,2})?)`)
	// centsAmountRe finds a price with cents before a period: "49.99
	// every month".
	centsAmountRe = regexp.MustCompile(`(\d{1,5}\.\d{2})\s*(?:every|a|per|each|/)\s*(?:month|time|year|week|mo)\b`)
	// amountContextRe finds a text about an amount, where a bare number
	// after 是 or "not" is money: 金额不对，是299不是199.
	amountContextRe = regexp.MustCompile(`(金额|价格|价钱|多少钱|\bamount\b|\bprice\b)`)
	amountValueRe   = regexp.MustCompile(`(?:是|为|不是|\bis|\bnot|\bwas)\s*(\d{2,6}(?:\.\d{1,2})?)`)
)

// The bare amount patterns, searched near their needles.
var (
	bareAmountScan = nearScan{re: bareAmountRe, words: []string{"扣", "收了", "交了", "付了", "花了", "充了", "赔了", "charg", "paid", "billed", "cost",
		"spent", "price", "fee of"}, after: 24}
	centsAmountScan = nearScan{re: centsAmountRe, words: []string{"every", "per", "each", "/", " a "}, before: 12, after: 12}
	amountValueScan = nearScan{re: amountValueRe, words: []string{"是", "为", " is", " not", " was"}, after: 12}
)

// readBareAmounts reads amounts said without a currency: in Chinese they
// are yuan; in English the currency is unknown and the amount is shown as
// the number.
func (r *reading) readBareAmounts() {
	n := r.u.norm
	cur := ""
	if r.lang == ZH {
		cur = "CNY"
	}
	add := func(at span, text string) {
		if r.claimed(at) || at.end < len(n) && (isASCIIAlnum(n[at.end]) || n[at.end] == '%') {
			return
		}
		v, err := strconv.ParseFloat(text, 64)
		if err != nil || v <= 0 || v >= 1e7 {
			return
		}
		sign := ""
		if cur == "CNY" {
			sign = "¥"
		}
		r.claim(at)
		r.add(Finding{Slot: Impact, Kind: ImpactMoney, Value: moneyValue(sign, v), Amount: v, Currency: cur}, at)
	}
	for _, loc := range bareAmountScan.findAll(n) {
		add(span{loc[4], loc[5]}, n[loc[4]:loc[5]])
	}
	if strings.Contains(n, ".") {
		for _, loc := range centsAmountScan.findAll(n) {
			add(span{loc[2], loc[3]}, n[loc[2]:loc[3]])
		}
	}
	if amountContextRe.MatchString(n) {
		for _, loc := range amountValueScan.findAll(n) {
			add(span{loc[2], loc[3]}, n[loc[2]:loc[3]])
		}
	}
}

// moneyBoundary rejects a currency code glued to a word ("usdt", "eurostar")
// and a sign read inside an order number.
func moneyBoundary(n string, at span, cur string) bool {
	if isASCIIAlnum(cur[0]) && at.start > 0 && isASCIIAlnum(n[at.start-1]) {
		return false
	}
	return true
}
