package flows

import (
	"regexp"
	"strings"
)

var (
	emailRe  = regexp.MustCompile(`[a-z0-9][a-z0-9._%+\-]{0,63}@[a-z0-9](?:[a-z0-9\-]{0,62}\.)+[a-z]{2,24}`)
	urlRe    = regexp.MustCompile(`(?:https?://|www\.)[^\s\p{Han}，。！？]+`)
	wechatRe = regexp.MustCompile(`(?:微信号?|微信id|wechat(?:\s*id)?|weixin|vx|wx)\s*号?\s*(?:是|为|:|：|is|=)?\s*([a-z][-_a-z0-9]{5,19})\b`)
	qqRe     = regexp.MustCompile(`\bqq\s*号?\s*(?:是|为|:|is)?\s*(\d{5,11})\b`)
)

// The contact patterns, searched near their needles.
var (
	emailScan  = nearScan{re: emailRe, words: []string{"@"}, before: 70, after: 100}
	wechatScan = nearScan{re: wechatRe, words: []string{"微信", "wechat", "weixin", "vx", "wx"}, after: 40}
	qqScan     = nearScan{re: qqRe, words: []string{"qq"}, after: 30}
)

// readContacts reads e-mail addresses, WeChat ids and QQ numbers (Contact),
// and sets web addresses aside so that no rule reads an order number or a
// date inside them. It runs first.
func (r *reading) readContacts() {
	n := r.u.norm
	if strings.Contains(n, "http") || strings.Contains(n, "www.") {
		for _, loc := range urlRe.FindAllStringIndex(n, -1) {
			r.claim(span{loc[0], loc[1]})
		}
	}
	if strings.IndexByte(n, '@') >= 0 {
		for _, loc := range emailScan.findAll(n) {
			at := span{loc[0], loc[1]}
			if r.claimed(at) {
				continue
			}
			r.claim(at)
			r.add(Finding{Slot: Contact, Kind: ContactEmail, Value: r.u.source(at.start, at.end)}, at)
		}
	}
	for _, loc := range wechatScan.findAll(n) {
		at := span{loc[2], loc[3]}
		if r.claimed(at) || loc[0] > 0 && isASCIIAlnum(n[loc[0]-1]) {
			continue
		}
		r.claim(at)
		r.add(Finding{Slot: Contact, Kind: ContactWeChat, Value: r.u.source(at.start, at.end)}, span{loc[0], loc[1]})
	}
	for _, loc := range qqScan.findAll(n) {
		at := span{loc[2], loc[3]}
		if r.claimed(at) {
			continue
		}
		r.claim(span{loc[0], loc[1]})
		r.add(Finding{Slot: Contact, Kind: ContactOther, Value: "QQ " + n[at.start:at.end]}, span{loc[0], loc[1]})
	}
}

// readContactPreferences reads how the customer wants to be reached: "call
// me" (Kind call), "reply here" (Kind chat), "email me" (Kind email, Value
// "email" when no address is given), "加微信" (Kind wechat, Value "wechat"
// when no id is given).
func (r *reading) readContactPreferences() {
	for _, h := range r.hitsOf(senseContact) {
		kind := h.lex.arg
		if (kind == ContactEmail || kind == ContactWeChat) && r.has(Contact, kind) {
			continue // the address itself says it
		}
		value := map[string]string{ContactCall: "call", ContactChat: "chat", ContactEmail: "email", ContactWeChat: "wechat"}[kind]
		r.add(Finding{Slot: Contact, Kind: kind, Value: value}, span{h.start, h.end})
	}
}
