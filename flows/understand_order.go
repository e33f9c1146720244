package flows

import (
	"regexp"
	"strings"
)

var (
	// orderKeyRe finds a number announced by its name: 订单号 B77,
	// 订单号是123456789, order #12345, order number is B77, 型号X200,
	// SN: ABC123, tracking number SF1234567890.
	orderKeyRe = regexp.MustCompile(`(订单编号|订单号码|订单号|订单|单号|快递单号|快递号|运单号|物流单号|物流号|型号|序列号|产品编号|机身编号|编号|` +
		`\bs/n|\bsn\b|\bserial(?: number| no\.?)?|\bimei\b|\bmodel(?: number| no\.?)?|\btracking(?: number| no\.?| id| code)?|` +
		`\border(?: number| no\.?| id| ref(?:erence)?)?|\binvoice(?: number| no\.?)?|\bref(?:erence)?(?: number| no\.?)?|` +
		`\baccount(?: number| no\.?)?|\bacct|\breceipt(?: number| no\.?)?|\bjob(?: number| no\.?| ref)?|\bbooking(?: ref(?:erence)?| number| no\.?)?|` +
		`\bcontract(?: number| no\.?)?|合同号|小票上是|小票号|#)` +
		`\s*(?:是|为|:|：|is|was|=|#|no\.?|number)?\s*(?:是|:|：)?\s*#?\s*([a-z0-9][a-z0-9\-_/]{0,39})`)
	// notOrderRe are tokens that mix letters and digits but are not
	// numbers of an order: ordinals, measures, times, well-known names.
	notOrderRe = regexp.MustCompile(`^(\d+(?:st|nd|rd|th|am|pm|h|hr|hrs|min|mins|s|sec|secs|ms|d|day|days|wk|wks|k|m|km|cm|mm|kg|g|mg|lb|lbs|oz|ml|l|gb|tb|mb|kb|w|kw|v|mah|hz|ghz|mp|x|p|yr|yrs|yo|pcs|pc|t|ft|in|fps|w)|` +
		`mp3|mp4|[2-6]g|covid-?19|h1n1|x86|x64|utf-?8|a[3-5]|b2b|b2c|o2o|p2p|[23]d|[48]k|1080p|720p|wifi-?[4-7]|ipv[46]|usb-?[23c]?|hdmi-?2|ps[2-5]|g[0-9]{1,2}|f1|24x7|7x24|24-7|1v1|3c)$`)
	// productModelRe finds a brand with its model: iPhone 15 Pro, 华为mate60,
	// Galaxy S23 Ultra.
	productModelRe = regexp.MustCompile(`(?:\b(?:iphone|ipad|macbook(?: pro| air)?|galaxy|pixel|redmi|xiaomi|huawei|oppo|vivo|oneplus|honor|samsung|` +
		`surface|thinkpad|kindle|airpods|apple watch|playstation|xbox|mate|nova|dyson|philips|midea|haier|gree|sony|bosch|siemens|panasonic|` +
		`lenovo|dell|asus|acer|nintendo|bose|jbl|canon|nikon|fitbit|garmin|roborock|ecovacs)|华为|小米|荣耀|苹果|三星|红米|一加|戴森|飞利浦|` +
		`美的|海尔|格力|西门子|松下|联想)\s*(?:mate\s*)?` +
		`(\d{1,3}|[a-z]{1,3}\d{1,5}[a-z]?)\b(?:\s*(?:pro|max|plus|ultra|mini|se|air|lite|\+))*`)
)

// readOrders reads order, tracking, serial and model numbers (the Order
// slot): numbers announced by their name first, then tokens that mix
// letters and digits (B77, A1B2C3) and runs of eight or more digits that
// were not read as a phone number, and brand names with a model (iPhone 15).
func (r *reading) readOrders() {
	n := r.u.norm
	for _, loc := range productModelScan.findAll(n) {
		at := span{loc[0], loc[1]}
		if r.claimed(at) {
			continue
		}
		r.claim(at)
		r.add(Finding{Slot: Order, Kind: OrderProduct, Value: r.u.source(at.start, at.end)}, at)
	}
	for _, loc := range orderKeyScan.findAll(n) {
		key := n[loc[2]:loc[3]]
		at := span{loc[4], loc[5]}
		tok := n[at.start:at.end]
		if r.claimed(at) || at.end < len(n) && isASCIIAlnum(n[at.end]) || !strings.ContainsAny(tok, "0123456789") {
			continue
		}
		if key == "#" && loc[2] > 0 && isASCIIAlnum(n[loc[2]-1]) {
			continue // c#7 is not an order
		}
		r.claim(at)
		r.add(Finding{Slot: Order, Kind: orderKindOf(key), Value: r.u.source(at.start, at.end)}, at)
	}
	for _, at := range asciiTokens(n) {
		tok := n[at.start:at.end]
		if r.claimed(at) || !r.isOrderToken(tok, at) {
			continue
		}
		r.claim(at)
		r.add(Finding{Slot: Order, Kind: OrderNumber, Value: r.u.source(at.start, at.end), Guess: true}, at)
	}
}

// orderKeyNeedles and productBrandNeedles are the words orderKeyRe and
// productModelRe cannot match without.
var (
	orderKeyNeedles = []string{"订单", "单号", "快递", "运单", "物流", "型号", "序列号", "编号", "sn", "s/n", "serial", "imei", "model", "tracking", "order", "invoice", "ref", "#",
		"account", "acct", "receipt", "job", "booking", "contract", "合同", "小票"}
	productBrandNeedles = []string{"iphone", "ipad", "macbook", "galaxy", "pixel", "redmi", "xiaomi", "huawei", "oppo", "vivo", "oneplus", "honor", "samsung",
		"surface", "thinkpad", "kindle", "airpods", "apple watch", "playstation", "xbox", "mate", "nova", "dyson", "philips", "midea", "haier", "gree",
		"sony", "bosch", "siemens", "panasonic", "lenovo", "dell", "asus", "acer", "nintendo", "bose", "jbl", "canon", "nikon", "fitbit", "garmin",
		"roborock", "ecovacs", "华为", "小米", "荣耀", "苹果", "三星", "红米", "一加", "戴森", "飞利浦", "美的", "海尔", "格力", "西门子", "松下", "联想"}
)

// The order patterns, searched near their needles.
var (
	orderKeyScan     = nearScan{re: orderKeyRe, words: orderKeyNeedles, before: 9, after: 64}
	productModelScan = nearScan{re: productModelRe, words: productBrandNeedles, after: 40}
)

// asciiTokens returns the runs of ASCII letters and digits of s, with
// inner hyphens (B77, sf-1234).
func asciiTokens(s string) []span {
	var out []span
	for i := 0; i < len(s); {
		if !isASCIIAlnum(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && (isASCIIAlnum(s[j]) || s[j] == '-' && j+1 < len(s) && isASCIIAlnum(s[j+1])) {
			j++
		}
		out = append(out, span{i, j})
		i = j
	}
	return out
}

// isOrderToken reports whether a bare token reads as an order number: it
// mixes letters and digits and is no measure or name (B77, A1B2C3, SF123),
// or it is a run of eight or more digits.
func (r *reading) isOrderToken(tok string, at span) bool {
	n := r.u.norm
	if at.start > 0 {
		if c := n[at.start-1]; c == '@' || c == '.' || c == '/' || c == '-' || c == '_' || c == '\'' || c == '$' {
			return false
		}
	}
	if at.end < len(n) {
		if c := n[at.end]; c == '@' || c == '/' || c == '_' || c == '\'' || c == '.' && at.end+1 < len(n) && isASCIIAlnum(n[at.end+1]) {
			return false
		}
	}
	digits := 0
	for i := 0; i < len(tok); i++ {
		if isDigit(tok[i]) {
			digits++
		}
	}
	letters := len(tok) - digits - strings.Count(tok, "-")
	switch {
	case letters == 0:
		return digits >= 8 && digits <= 30
	case digits == 0:
		return false
	}
	return len(tok) >= 3 && len(tok) <= 40 && !notOrderRe.MatchString(tok)
}

// orderKindOf tells the kind of number by the word that announced it.
func orderKindOf(key string) string {
	switch {
	case strings.Contains(key, "快递") || strings.Contains(key, "运单") || strings.Contains(key, "物流") || strings.Contains(key, "tracking"):
		return OrderTracking
	case strings.Contains(key, "型号") || strings.Contains(key, "model") || strings.Contains(key, "产品编号"):
		return OrderProduct
	case strings.Contains(key, "序列号") || strings.Contains(key, "机身编号") || strings.Contains(key, "serial") ||
		strings.Contains(key, "imei") || key == "sn" || key == "s/n":
		return OrderSerial
	}
	return OrderNumber
}
