package flows

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The product is what the customer bought, used or had serviced, not what
// it damaged (P4): in "这台扫地机器人太坑了…今天把我家的木地板刮得全是印子"
// the product is 扫地机器人 and 木地板 is damage to something else. The
// product is read from the words around it:
//
//   - a brand with its model (iPhone 15 Pro, Dyson V11) or a number
//     announced as a model (型号KFR-35GW), joined with the noun they name;
//   - the noun a purchase or a use points at: 买的X, 买了一台X, 用了你们的X,
//     订的X, 安装X, "the X I bought";
//   - the noun a demonstrative points at: 这台X, 这款X, 这个X;
//   - a product noun of the lexicon (洗衣机, "washing machine") in the
//     main grievance, then anywhere, with the words that qualify it in
//     English ("premium subscription", "robot mower");
//   - the noun a problem is said of (X坏了).
//
// What the product damaged is read from 把X弄坏 (unless X is 我买的X: the
// product itself), X的损失, and "ruined/stained/scratched my X"; it becomes
// an Impact finding of kind damage, whose Value names the thing.

// productCandidate is one reading of the product.
type productCandidate struct {
	at    span
	score int
}

// zhBuyVerbs are the words after which Chinese text names what was
// bought, used or serviced.
var zhBuyVerbs = map[string]bool{"买": true, "购买": true, "订": true, "订购": true, "下单": true, "入手": true, "用": true, "使用": true,
	"配": true, "办": true, "装": true, "安装": true, "收到": true, "送修": true, "修": true, "保养": true, "报": true, "租": true, "网购": true,
	"抢": true, "拍": true, "买来": true, "买回": true, "订了": true, "买了": true}

// zhIntends before a purchase verb make it a plan, not a purchase: 想买.
var zhIntends = map[string]bool{"想": true, "要": true, "想要": true, "打算": true, "准备": true, "考虑": true, "计划": true}

// zhPossessives before 的 point at a thing of the customer's or one the
// company sold: 我的, 你们家的, 你们卖的.
var zhPossessives = map[string]bool{"我": true, "我家": true, "我们": true, "你们": true, "你们家": true, "你们卖": true, "我买": false,
	"我的": true, "你们的": true}

// zhDemonstratives point at the product: 这台, 这款, 这个.
var zhDemonstratives = map[string]bool{"这": true, "那": true, "这个": true, "那个": true, "这台": true, "这款": true, "这件": true, "这双": true,
	"这套": true, "这部": true, "这条": true, "这瓶": true, "这盒": true, "这种": true, "这次": false}

// zhClassifiers may stand between a demonstrative or a number and the noun.
const zhClassifiers = "个台款件双部条套张把瓶盒只辆份副支块袋罐箱顶床对片根"

// zhNotProducts are nouns that name people, places, times and abstract
// things, never the product.
var zhNotProducts = map[string]bool{"师傅": true, "客服": true, "店员": true, "快递员": true, "快递": true, "快递小哥": true, "老师": true,
	"邻居": true, "孩子": true, "小孩": true, "老婆": true, "老公": true, "女儿": true, "儿子": true, "家人": true, "朋友": true, "前台": true,
	"经理": true, "售后": true, "工作人员": true, "服务员": true, "司机": true, "骑手": true, "店": true, "门店": true, "家": true, "我家": true,
	"楼下": true, "超市": true, "商场": true, "网上": true, "官网": true, "时候": true, "问题": true, "东西": true, "事": true, "事情": true,
	"情况": true, "质量": true, "服务": true, "态度": true, "时间": true, "钱": true, "订单": true, "订单号": true, "型号": true, "单号": true,
	"号": true, "电话": true, "损失": true, "印子": true, "味道": true, "声音": true, "颜色": true, "图片": true, "内容": true, "脸": true,
	"腰": true, "手": true, "头": true, "人": true, "一块": true, "地方": true, "第二天": true, "现在": true, "晚上": true, "中间": true,
	"里面": true, "样子": true, "小时": true, "分钟": true, "次": true, "天": true, "月": true, "年": true, "周": true, "毛病": true,
	"结果": true, "原因": true, "说法": true, "解释": true, "道歉": true, "退款": true, "退货": true, "换货": true, "维修": true, "赔偿": true,
	"记录": true, "证据": true, "照片": true, "视频": true, "合同": true, "小票": true, "发票": true, "售后服务": true, "客户": true, "顾客": true,
	"你们": true, "我们": true, "自己": true, "别人": true, "大家": true, "公司": true, "平台": true, "商家": true, "卖家": true}

// enNotProductWords may not start or qualify a product in English.
var enNotProductWords = map[string]bool{"the": true, "a": true, "an": true, "my": true, "your": true, "our": true, "their": true, "his": true,
	"her": true, "its": true, "this": true, "that": true, "these": true, "those": true, "new": true, "old": true, "brand": true, "i": true,
	"you": true, "we": true, "they": true, "it": true, "is": true, "was": true, "are": true, "were": true, "be": true, "been": true, "of": true,
	"for": true, "from": true, "with": true, "and": true, "or": true, "to": true, "in": true, "on": true, "at": true, "by": true, "bought": true,
	"ordered": true, "got": true, "get": true, "some": true, "any": true, "one": true, "two": true, "pair": true, "same": true, "other": true,
	"broken": true, "faulty": true, "damaged": true, "whole": true, "entire": true, "first": true, "last": true, "second": true, "very": true,
	"so": true, "too": true, "just": true, "only": true, "also": true, "still": true, "then": true, "now": true, "when": true, "while": true,
	"after": true, "before": true, "because": true, "since": true, "but": true, "as": true, "about": true, "not": true, "no": true,
	"cracked": true, "used": true, "install": true, "installing": true, "installed": true, "fix": true, "replace": true, "return": true,
	"refund": true, "send": true, "want": true, "need": true, "like": true, "please": true, "what": true, "which": true, "have": true, "has": true,
	"had": true, "did": true, "do": true, "does": true, "can": true, "will": true, "would": true, "should": true, "could": true, "me": true,
	"us": true, "him": true, "them": true, "every": true, "each": true, "all": true, "whatever": true, "sell": true, "sells": true}

var (
	// enBoughtRe finds "the X I bought": the thing the customer bought,
	// ordered or received.
	enBoughtRe = regexp.MustCompile(`\bthe ((?:[a-z][a-z-]* ){0,2}[a-z][a-z-]*) (?:that |which )?(?:i|we) (?:just )?(?:bought|ordered|got|purchased|received|had delivered|picked up)\b|` +
		`\b(?:i|we) (?:just |recently )?(?:bought|ordered|purchased) (?:a|an|the|some|two|a pair of|a new) ((?:[a-z][a-z-]* ){0,2}[a-z][a-z-]*)`)
	// enDamageRe finds what was damaged besides the product: "ruined my
	// kitchen floor", "stained my carpet".
	enDamageRe = regexp.MustCompile(`\b(?:ruined|stained|scratched|damaged|dented|flooded|burnt|burned|scorched|soaked|marked|chipped|cracked|broke|wrecked|destroyed)\s+` +
		`(?:my|the|our|his|her|their|a)\s+(?:brand new\s+|new\s+)?((?:[a-z][a-z-]*\s+)?[a-z][a-z-]*)`)
)

// The English patterns, searched near their needles.
var (
	enBoughtScan = nearScan{re: enBoughtRe, words: []string{" bought", " ordered", " got", " purchased", " received", " delivered", " picked up"}, before: 60, after: 48}
	enDamageScan = nearScan{re: enDamageRe, words: []string{"ruined", "stained", "scratched", "damaged", "dented", "flooded", "burnt", "burned", "scorched",
		"soaked", "marked", "chipped", "cracked", "broke", "wrecked", "destroyed"}, after: 48}
)

// enDamageStops end the name of a damaged thing: "my floor while", "my
// carpet because".
var enDamageStops = map[string]bool{"while": true, "when": true, "because": true, "and": true, "with": true, "by": true, "in": true,
	"on": true, "at": true, "after": true, "during": true, "so": true, "but": true, "as": true, "for": true, "from": true, "to": true,
	"the": true, "this": true, "that": true, "too": true, "again": true, "completely": true, "totally": true}

// readProducts reads the product and what it damaged; see the top of
// this file.
func (r *reading) readProducts() {
	var cands []productCandidate
	var damaged []span
	if r.u.han > 0 {
		c, d := r.chineseProducts()
		cands, damaged = append(cands, c...), append(damaged, d...)
	}
	if r.u.words > 0 {
		c, d := r.englishProducts()
		cands, damaged = append(cands, c...), append(damaged, d...)
	}
	cands = append(cands, r.lexiconProducts()...)
	if len(r.grievances) == 0 && !(r.ctx.Expect == Order && r.u.isShort()) && !r.corrects {
		// A text that does not complain names a product only with a
		// purchase or a demonstrative ("买的电饭煲", "the kettle I
		// bought"), not in passing ("4k TV", "我的手机13812345678").
		cands = slices.DeleteFunc(cands, func(c productCandidate) bool { return c.score < 3 })
	}

	// The best candidate that is not a damaged thing; the earliest of
	// equals.
	for i := range cands {
		// A name in the language the customer writes in wins a tie: "my
		// 电饭煲 rice cooker" names a rice cooker to an English reader.
		if HasHan(r.u.norm[cands[i].at.start:cands[i].at.end]) == (r.lang == ZH) {
			cands[i].score *= 2
		} else {
			cands[i].score = cands[i].score*2 - 1
		}
	}
	best := -1
	for i, c := range cands {
		if r.claimed(c.at) || isDamagedSpan(c.at, damaged) {
			continue
		}
		if r.correctionBefore(c.at.start) {
			// "forget the charger", "不是电饭煲": the customer rejects it.
			r.claim(c.at)
			r.add(Finding{Slot: Order, Kind: OrderProduct, Value: strings.TrimSpace(r.u.source(c.at.start, c.at.end)), Negated: true}, c.at)
			continue
		}
		if best < 0 || c.score > cands[best].score || c.score == cands[best].score && c.at.start < cands[best].at.start {
			best = i
		}
	}
	var product string
	var productAt span
	if best >= 0 {
		productAt = cands[best].at
		product = strings.TrimSpace(r.u.source(productAt.start, productAt.end))
	}
	if i := r.modelFinding(); i >= 0 {
		// A brand with its model, or a model number: the noun joins it
		// ("Philips HD9252 air fryer", "美的空调 KFR-35GW").
		m := &r.found[i]
		if slices.Contains(zhParts, FoldText(product)) && productAt.start > m.at.start {
			// "Galaxy S24 Ultra 屏幕坏了": the screen is the part of the
			// phone that broke, not what was bought.
			product = ""
		}
		if product != "" && !strings.Contains(FoldText(m.Value), FoldText(product)) && !strings.Contains(FoldText(product), FoldText(m.Value)) {
			// A model number announced as one follows the thing it names
			// (型号X200的洗衣机 → 洗衣机 X200); a brand with its model stays
			// as it was written (iPhone 15 手机壳, Philips HD9252 air fryer).
			announced := strings.HasSuffix(strings.TrimRight(r.u.norm[:m.at.start], " ：:是为"), "型号")
			if between := r.u.norm[min(m.at.end, productAt.start):max(m.at.end, productAt.start)]; productAt.start >= m.at.end && strings.TrimSpace(between) == "" && !announced {
				// Written together (小米13手机, iPhone 15 手机壳): kept as written.
				m.Value = strings.TrimSpace(r.u.source(m.at.start, productAt.end))
			} else if productAt.start < m.at.start || announced && HasHan(product) {
				m.Value = product + " " + m.Value
			} else {
				m.Value = m.Value + " " + product
			}
		}
	} else if product != "" {
		r.claim(productAt)
		r.add(Finding{Slot: Order, Kind: OrderProduct, Value: product}, productAt)
	}
	for _, d := range damaged {
		v := strings.TrimSpace(r.u.source(d.start, d.end))
		if v == "" || product != "" && (strings.Contains(v, product) || strings.Contains(product, v)) {
			continue
		}
		r.add(Finding{Slot: Impact, Kind: ImpactDamage, Value: v}, d)
	}
}

// modelFinding returns the index of the product finding read as a brand
// with a model or an announced model number, or -1.
func (r *reading) modelFinding() int {
	for i, f := range r.found {
		if f.Slot == Order && f.Kind == OrderProduct && !f.Negated {
			return i
		}
	}
	return -1
}

// isDamagedSpan reports whether at overlaps a damaged thing.
func isDamagedSpan(at span, damaged []span) bool {
	for _, d := range damaged {
		if at.start < d.end && d.start < at.end {
			return true
		}
	}
	return false
}

// chineseProducts reads product candidates and damaged things from the
// segmented Chinese text.
func (r *reading) chineseProducts() (cands []productCandidate, damaged []span) {
	n := r.u.norm
	words := segmentWords(n)
	text := func(w word) string { return n[w.start:w.end] }
	for i := 0; i < len(words); i++ {
		w := text(words[i])
		switch {
		case w == "把":
			// 把X弄坏: X is damaged, unless it is 我买的X.
			j := i + 1
			bought := false
			for j < len(words) {
				t := text(words[j])
				if words[j].pos == "r" || t == "的" || t == "家" || t == "我家" || zhBuyVerbs[t] || t == "了" || t == "来" {
					bought = bought || zhBuyVerbs[t]
					j++
					continue
				}
				break
			}
			if at, next, ok := r.zhNounRun(words, j); ok {
				// 电梯口的墙: the thing is the noun after 的.
				for next < len(words) && (words[next].pos == "q" || words[next].pos == "f" || words[next].pos == "s") {
					next++
				}
				if next+1 < len(words) && text(words[next]) == "的" {
					if head, _, ok := r.zhNounRun(words, next+1); ok {
						at = head
					}
				}
				if bought {
					cands = append(cands, productCandidate{at: at, score: 4})
				} else {
					damaged = append(damaged, at)
				}
			}
		case zhBuyVerbs[w] && (words[i].pos == "v" || words[i].pos == "p" || words[i].pos == "" || len(w) > 3) && !(i > 0 && zhIntends[text(words[i-1])]):
			if at, ok := r.zhNounAfter(words, i+1); ok {
				cands = append(cands, productCandidate{at: at, score: 3})
			}
		case zhPossessives[w] && (strings.HasSuffix(w, "的") || i+1 < len(words) && text(words[i+1]) == "的" ||
			i+2 < len(words) && text(words[i+1]) == "家" && text(words[i+2]) == "的"):
			if at, ok := r.zhNounAfter(words, i+1); ok {
				cands = append(cands, productCandidate{at: at, score: 2})
			}
		case zhDemonstratives[w]:
			if at, ok := r.zhNounAfter(words, i+1); ok {
				cands = append(cands, productCandidate{at: at, score: 3})
			}
		case w == "损失" && i >= 2 && text(words[i-1]) == "的":
			// 地板的损失: the floor was damaged.
			k := i - 2
			for k > 0 && isZhNounPos(words[k-1].pos) && words[k-1].end == words[k].start {
				k--
			}
			if isZhNounPos(words[i-2].pos) {
				damaged = append(damaged, span{words[k].start, words[i-2].end})
			}
		}
	}
	// A noun a problem is said of: 衣柜门歪了.
	for _, h := range r.u.hits {
		if h.lex.sense != senseProblem {
			continue
		}
		for k := len(words) - 1; k >= 0; k-- {
			if words[k].end == h.start && isZhNounPos(words[k].pos) {
				if at, _, ok := r.zhNounRunBack(words, k); ok {
					cands = append(cands, productCandidate{at: at, score: 1})
				}
				break
			}
		}
	}
	return cands, damaged
}

// zhNounAfter reads the noun after a purchase verb or a demonstrative,
// skipping the words that may stand between: 了, 的, 你们, 一台, 三个月的.
func (r *reading) zhNounAfter(words []word, j int) (span, bool) {
	n := r.u.norm
	for k := 0; j < len(words) && k < 6; k++ {
		t := n[words[j].start:words[j].end]
		switch {
		case t == "了" || t == "的" || t == "嘅" || t == "过" || t == "来" || t == "回来" || t == "回" || t == "家" || t == "你们家" || t == "家的":
		case words[j].pos == "r" && t != "这" && t != "那":
		case words[j].pos == "m" || words[j].pos == "q" || words[j].pos == "mq":
		case utf8.RuneCountInString(t) == 1 && strings.Contains(zhClassifiers, t):
		default:
			at, _, ok := r.zhNounRun(words, j)
			return at, ok
		}
		j++
	}
	return span{}, false
}

// isZhNounPos reports whether a part of speech can be part of a product's
// name.
func isZhNounPos(pos string) bool {
	switch pos {
	case "n", "nz", "ng", "nr", "nrt", "nrfg", "nt", "l", "j", "vn":
		return true
	}
	return false
}

// zhNounRun reads the noun phrase that starts at words[j]: nouns in a row,
// with a leading adjective or place name that qualifies them (小太阳取暖器)
// and a single character that ends them (筋膜 + 枪). It reports the span,
// the index after it, and whether it is a thing that can be bought.
func (r *reading) zhNounRun(words []word, j int) (span, int, bool) {
	n := r.u.norm
	start, end := -1, -1
	k := j
	for ; k < len(words) && k-j < 5; k++ {
		w, t := words[k], n[words[k].start:words[k].end]
		if start >= 0 && w.start != end {
			break // a space or something skipped between
		}
		if start >= 0 && r.problemAt(w.start) {
			break // 轮子掉了: the problem starts here
		}
		nounish := isZhNounPos(w.pos)
		if !nounish && start < 0 && (w.pos == "a" || w.pos == "b" || w.pos == "ns") && k+1 < len(words) && isZhNounPos(words[k+1].pos) {
			nounish = true // a qualifier before a noun
		}
		if !nounish && start >= 0 && (w.pos == "zg" || w.pos == "x") && utf8.RuneCountInString(t) == 1 && isHanString(t) {
			nounish = true // a character that ends the noun: 筋膜 + 枪
		}
		if !nounish && start < 0 && w.pos == "zg" && utf8.RuneCountInString(t) == 1 && isHanString(t) && j > 0 && n[words[j-1].start:words[j-1].end] == "的" {
			nounish = true // 的墙
		}
		if !nounish {
			break
		}
		if start < 0 {
			start = w.start
		}
		end = w.end
	}
	if start < 0 {
		return span{}, k, false
	}
	at := span{start, end}
	phrase := n[start:end]
	// Strip names of people and places at the end and whole words that
	// are never products.
	if zhNotProducts[phrase] || utf8.RuneCountInString(phrase) > 10 || !isHanString(phrase) {
		return span{}, k, false
	}
	for _, suffix := range []string{"型号", "订单号", "订单", "单号"} {
		if strings.HasSuffix(phrase, suffix) && len(phrase) > len(suffix) {
			at.end -= len(suffix)
		}
	}
	// 行李箱轮子, 手机屏幕: the part that broke belongs to the product.
	for _, part := range zhParts {
		if p := n[at.start:at.end]; strings.HasSuffix(p, part) && utf8.RuneCountInString(p) > utf8.RuneCountInString(part)+1 {
			at.end -= len(part)
			break
		}
	}
	return at, k, true
}

// zhParts are the parts of a product that break: named after it, they are
// not the product.
var zhParts = []string{"轮子", "屏幕", "盖子", "把手", "拉链", "按钮", "电池", "底座", "鞋底", "袖子", "刀片", "滤网", "内锅", "涂层", "灯罩",
	"门", "腿", "扣子", "扶手", "靠背", "开关", "插头", "电源线", "遥控器", "表带", "镜片", "镜腿", "接口", "充电口", "外壳", "后盖", "背板", "轮"}

// problemAt reports whether a problem keyword starts at byte i.
func (r *reading) problemAt(i int) bool {
	for _, h := range r.u.hitsIn(span{i, i + 1}) {
		if h.start == i && (h.lex.sense == senseProblem || h.lex.sense == senseDamage) {
			return true
		}
	}
	return false
}

// zhNounRunBack reads the noun phrase that ends with words[k].
func (r *reading) zhNounRunBack(words []word, k int) (span, int, bool) {
	j := k
	for j > 0 && isZhNounPos(words[j-1].pos) && words[j-1].end == words[j].start && k-j < 3 {
		j--
	}
	at, next, ok := r.zhNounRun(words, j)
	if !ok || at.end != words[k].end {
		return span{}, next, false
	}
	return at, next, true
}

// isHanString reports whether s is made of Chinese characters only.
func isHanString(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// englishProducts reads "the X I bought" and what was damaged in English.
func (r *reading) englishProducts() (cands []productCandidate, damaged []span) {
	n := r.u.norm
	for _, loc := range enBoughtScan.findAll(n) {
		at := span{loc[2], loc[3]}
		if loc[2] < 0 {
			at = span{loc[4], loc[5]}
			// "ordered a dining table from you": the name ends before
			// the words that follow it.
			words := strings.Fields(n[at.start:at.end])
			for i, w := range words {
				if enDamageStops[w] || enNotProductWords[w] && i > 0 || w == "last" || w == "yesterday" {
					at.end = at.start + len(strings.Join(words[:i], " "))
					break
				}
			}
		}
		at = trimEnglishPhrase(n, at)
		if at.start < at.end {
			cands = append(cands, productCandidate{at: at, score: 3})
		}
	}
	for _, loc := range enDamageScan.findAll(n) {
		at := span{loc[2], loc[3]}
		// Stop at a word that ends the name: "my floor while installing".
		words := strings.Fields(n[at.start:at.end])
		if len(words) == 2 && enDamageStops[words[1]] {
			at.end = at.start + len(words[0])
		}
		if len(words) > 0 && !enDamageStops[words[0]] {
			damaged = append(damaged, at)
		}
	}
	return cands, damaged
}

// trimEnglishPhrase cuts the words that cannot be part of a product's name
// from the start of a phrase.
func trimEnglishPhrase(n string, at span) span {
	for at.start < at.end {
		w := n[at.start:at.end]
		first, rest, _ := strings.Cut(w, " ")
		if !enNotProductWords[first] {
			break
		}
		if rest == "" {
			return span{at.end, at.end}
		}
		at.start += len(first) + 1
	}
	return at
}

// lexiconProducts reads the product nouns of the lexicon: in the main
// grievance first, in English with the words before them that qualify
// them ("premium subscription").
func (r *reading) lexiconProducts() []productCandidate {
	var out []productCandidate
	n := r.u.norm
	main := span{-1, -1}
	if len(r.grievances) > 0 {
		main = r.grievances[0].at
	}
	for _, h := range r.hitsOf(senseProduct) {
		at := span{h.start, h.end}
		if isASCIIAlnum(h.lex.word[0]) {
			at = extendEnglishCompound(n, at)
		}
		score := 2
		if at.start >= main.start && at.end <= main.end {
			score = 2 // in the main grievance; ties go to the earliest
		} else if len(r.grievances) > 0 {
			score = 1
		}
		out = append(out, productCandidate{at: at, score: score})
	}
	return out
}

// extendEnglishCompound extends an English product noun to the left over
// up to two words that qualify it: "premium subscription", "robot mower",
// "blue mug".
func extendEnglishCompound(n string, at span) span {
	for k := 0; k < 2; k++ {
		before := strings.TrimRight(n[:at.start], " ")
		if len(before) == len(n[:at.start]) {
			break // no space before: not a separate word
		}
		i := strings.LastIndexAny(before, " ,.;:!?()\"'\n") + 1
		w := before[i:]
		if w == "" || enNotProductWords[w] || !isLatinWord(w) || len(w) < 3 || strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing") {
			break
		}
		at.start = i
	}
	return at
}
