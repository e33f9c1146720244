package flows

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// zhStoreSuffixRe finds the word that ends a store's name: 南京西路店,
	// 徐家汇专卖店, 万达广场旗舰店.
	zhStoreSuffixRe = regexp.MustCompile(`专卖店|旗舰店|体验店|直营店|门店|分店|专柜|商场|超市|营业厅|4s店|服务中心|售后中心|维修点|维修中心|网点|店`)
	// enStoreRe finds a named store in English, on the text as written
	// (the name is capitalised): the Oxford Street store, your King's Road
	// branch, in the Pudong store.
	enStoreRe = regexp.MustCompile(`\b(?i:at|in|from|to|visited|your|the|our|local)\s+(?:(?i:the|your|our)\s+)?((?:[A-Z0-9][\w'’&.-]*\s+){1,4})((?i:store|shop|branch|outlet|showroom|location|mall|supermarket|dealership|dealer|centre|center|boutique))\b`)
	// enGenericStoreRe finds an unnamed store: at the mall, in your store.
	enGenericStoreRe = regexp.MustCompile(`\b(?:at|in|from|to)\s+((?:the|a|your|one of your)\s+(?:local\s+)?(?:mall|store|shop|branch|supermarket|shopping cent(?:er|re)|outlet|showroom|dealership))\b`)
)

// notThereRe ends the words before a place the customer cannot or would
// rather not go to ("I can't go", "I don't want to drive"): that is not
// where it happened.
var notThereRe = regexp.MustCompile(`(?:can'?t|cannot|can not|couldn'?t|won'?t|unable to|not able to|have to|had to|don'?t want to|shouldn'?t have to|no way to)\s+(?:\w+\s+){0,3}$`)

// enStoreNeedles are the words enStoreRe cannot match without, as they may
// be written.
var enStoreNeedles = []string{"store", "Store", "STORE", "shop", "Shop", "branch", "Branch", "outlet", "Outlet", "showroom", "Showroom", "location",
	"Location", "mall", "Mall", "supermarket", "Supermarket", "dealer", "Dealer", "centre", "Centre", "center", "Center", "boutique", "Boutique"}

// The store patterns, searched near the words that end them. enStoreScan
// runs on the text as written (names are capitalised), the others on the
// normalised text.
var (
	zhStoreScan        = nearScan{re: zhStoreSuffixRe, words: []string{"店", "柜", "商场", "超市", "营业厅", "中心", "网点", "维修点"}, before: 9, after: 9}
	enStoreScan        = nearScan{re: enStoreRe, words: enStoreNeedles, before: 80, after: 12}
	enGenericStoreScan = nearScan{re: enGenericStoreRe, words: []string{"mall", "store", "shop", "branch", "supermarket", "shopping cent", "outlet", "showroom", "dealership"}, before: 40, after: 16}
)

// zhStoreNameStops are characters that cannot be part of a store's name
// when walking back from its suffix: 在南京西路店 stops at 在.
const zhStoreNameStops = "在去到于从跟向是我你他她它们了买的个那这说就也都还被把给让和与及或吗呢吧啊里上下间边附近一要闭"

// readPlaces reads where it happened (the Where slot): named stores
// (Kind store), chain stores, cities (Kind city) and online shops (Kind
// online, Value "online" or "online (京东)").
func (r *reading) readPlaces() {
	r.readStores()
	for _, h := range r.u.hits {
		at := span{h.start, h.end}
		switch h.lex.sense {
		case senseOnline:
			if r.claimed(at) {
				continue
			}
			v := "online"
			if h.lex.arg != "" {
				v = "online (" + r.u.source(h.start, h.end) + ")"
			} else if strings.Contains(h.lex.word, "app") {
				v = "online (app)"
			}
			r.claim(at)
			r.add(Finding{Slot: Where, Kind: WhereOnline, Value: v}, at)
		case senseChain:
			if r.claimed(at) {
				continue
			}
			r.claim(at)
			r.add(Finding{Slot: Where, Kind: WhereStore, Value: r.u.source(h.start, h.end)}, at)
		case senseCity:
			if r.claimed(at) || isStreetName(r.u.norm[h.end:]) {
				continue // 南京路, 中山公园: a street or a park, not the city
			}
			r.claim(at)
			r.add(Finding{Slot: Where, Kind: WhereCity, Value: r.u.source(h.start, h.end)}, at)
		}
	}
	r.readHome()
}

// zhHomeScan and enHomeScan find a visit to the customer's home: where a
// delivery, an installation or a repair went wrong (师傅上门, 来我家, "your
// technician came to my house"). It is read only when no store or shop is
// named, and never from a visit asked for (派人上门修).
var (
	zhHomeScan = nearScan{re: regexp.MustCompile(`上门|来我家|到我家|来家里|到家里|来我们家|到我们家`),
		words: []string{"上门", "我家", "家里", "我们家"}, before: 6, after: 6}
	enHomeScan = nearScan{re: regexp.MustCompile(`\b(?:came|come|coming|visited|turned up|showed up|arrived)\s+(?:over\s+)?(?:to|at)\s+(?:my|our)\s+(?:house|home|flat|apartment|place)\b|\bhome visit\b`),
		words: []string{"house", "home", "flat", "apartment", "place"}, before: 40, after: 8}
)

// WhereHome is the Value of a Where read as the customer's home.
const WhereHome = "home"

// readHome reads a visit to the customer's home as where it happened.
func (r *reading) readHome() {
	if r.has(Where, "") {
		return
	}
	var scans []nearScan
	if r.u.han > 0 {
		scans = append(scans, zhHomeScan)
	}
	if r.u.words > 0 {
		scans = append(scans, enHomeScan)
	}
	for _, sc := range scans {
		for _, loc := range sc.findAll(r.u.norm) {
			at := span{loc[0], loc[1]}
			c := r.u.clauseAt(at.start)
			if r.claimed(at) || r.ctx.Expect == Outcome || containsAnyWord(r.u.norm[c.start:at.start], wishCues) {
				continue // 派人上门修, "please come to my house": a visit asked for, not where it happened
			}
			r.claim(at)
			r.add(Finding{Slot: Where, Kind: WhereOther, Value: WhereHome}, at)
			return
		}
	}
}

// readStores reads stores named in Chinese (by walking back from 店, 专卖店
// … over the name) and in English (a capitalised name before "store",
// "branch" …; or an unnamed "the mall" when no named store is found).
func (r *reading) readStores() {
	n := r.u.norm
	if r.u.han > 0 && strings.ContainsAny(n, "店柜场市厅心点") || strings.Contains(n, "网点") {
		for _, loc := range zhStoreScan.findAll(n) {
			suffix := n[loc[0]:loc[1]]
			if suffix == "店" {
				next, _ := utf8.DecodeRuneInString(n[loc[1]:])
				if strings.ContainsRune("员长主铺面里内外家门", next) {
					continue // 店员, 店长: not the store's name
				}
			}
			start := r.storeNameStart(loc[0], suffix)
			if utf8.RuneCountInString(n[start:loc[0]]) < 2 {
				continue // 这家店, 你们店: no name
			}
			at := span{start, loc[1]}
			if r.claimed(at) {
				continue
			}
			if online := r.onlineWithin(at); online != "" {
				r.claim(at)
				r.add(Finding{Slot: Where, Kind: WhereOnline, Value: "online (" + online + ")"}, at)
				continue
			}
			r.claim(at)
			r.add(Finding{Slot: Where, Kind: WhereStore, Value: r.u.source(at.start, at.end)}, at)
		}
	}
	if r.u.words == 0 {
		return
	}
	named := false
	src := r.u.src
	for _, loc := range enStoreScan.findAll(src) {
		at, ok := r.normSpan(loc[2], loc[5])
		if !ok || r.claimed(at) {
			continue
		}
		name := strings.TrimSpace(src[loc[2]:loc[3]])
		if isCommonCapital(name) {
			continue
		}
		named = true
		r.claim(at)
		r.add(Finding{Slot: Where, Kind: WhereStore, Value: name + " " + src[loc[4]:loc[5]]}, at)
	}
	if named {
		return
	}
	for _, loc := range enGenericStoreScan.findAll(n) {
		at := span{loc[2], loc[3]}
		if r.claimed(at) || notThereRe.MatchString(n[max(0, loc[0]-40):loc[0]]) {
			continue // "I can't go to the store": a place they cannot get to
		}
		r.claim(at)
		r.add(Finding{Slot: Where, Kind: WhereStore, Value: r.u.source(at.start, at.end)}, at)
		return
	}
}

// storeNameStart walks back from a store suffix over its name and returns
// where the name starts. 徐家汇的门店 keeps 的 when a name stands before it.
func (r *reading) storeNameStart(end int, suffix string) int {
	n := r.u.norm
	start := end
	for runes := 0; start > 0 && runes < 10; runes++ {
		c, size := utf8.DecodeLastRuneInString(n[:start])
		if c == '的' && suffix != "店" && runes == 0 {
			// 徐家汇的门店: the name is before 的.
			if s := r.storeNameStart(start-size, "店"); utf8.RuneCountInString(n[s:start-size]) >= 2 {
				return s
			}
			break
		}
		if !(unicode.Is(unicode.Han, c) || c < 0x80 && isASCIIAlnum(byte(c))) || strings.ContainsRune(zhStoreNameStops, c) ||
			r.claimed(span{start - size, start}) {
			break
		}
		start -= size
	}
	return start
}

// onlineWithin returns the online shop named inside at (淘宝店), or "".
func (r *reading) onlineWithin(at span) string {
	for _, h := range r.u.hitsIn(at) {
		if h.lex.sense == senseOnline && h.end <= at.end {
			if h.lex.arg != "" {
				return r.u.source(h.start, h.end)
			}
			return "online"
		}
	}
	return ""
}

// normSpan maps a byte range of the source text, at rune boundaries, to
// the normalised text.
func (r *reading) normSpan(i, j int) (span, bool) {
	toSrc := r.u.toSrc
	at := func(b int) (int, bool) {
		k := sort.Search(len(toSrc), func(k int) bool { return int(toSrc[k]) >= b })
		return k, k < len(toSrc) && int(toSrc[k]) == b
	}
	s, ok1 := at(i)
	e, ok2 := at(j)
	return span{s, e}, ok1 && ok2 && s < e
}

// isStreetName reports whether the words after a city name make it part of
// a street's or a park's name.
func isStreetName(after string) bool {
	for _, w := range []string{"路", "街", "大道", "公园", "广场", "大厦", "大学", "东路", "西路", "南路", "北路", "中路", "road", " road", " street", " rd"} {
		if strings.HasPrefix(after, w) {
			return true
		}
	}
	return false
}

// isCommonCapital reports whether a capitalised name before "store" is an
// ordinary word at the start of a sentence, not a name ("The store").
func isCommonCapital(name string) bool {
	switch strings.ToLower(name) {
	case "the", "your", "our", "this", "that", "a", "an", "my", "their", "local", "same", "other", "main", "online", "new", "i":
		return true
	}
	return false
}
