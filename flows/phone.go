package flows

import (
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

var (
	// phoneCandidateRe finds runs of digits that may be a phone number:
	// 13812345678, +86 138 1234 5678, 021-12345678, (415) 555-2671.
	phoneCandidateRe   = regexp.MustCompile(`\+?\(?\d[\d\- ()]{4,18}\d`)
	phoneCandidateScan = nearScan{re: phoneCandidateRe, digits: true, before: 3, after: 24}
	// cnMobileRe is a mainland mobile number, alone.
	cnMobileRe = regexp.MustCompile(`^1[3-9]\d{9}$`)
	// formattedPhoneRe is a number written the way phone numbers are:
	// 021-12345678, 0755 8888 8888, (415) 555-2671, 415-867-5309.
	formattedPhoneRe = regexp.MustCompile(`^(0\d{2,3}[- ]\d{7,8}|0\d{2,3}[- ]\d{3,4}[- ]\d{4}|0\d{4} \d{6}|\(\d{3}\) ?\d{3}-\d{4}|\d{3}-\d{3}-\d{4}|1[3-9]\d[- ]\d{4}[- ]\d{4})$`)

	// phoneCues are the words that announce a phone number.
	phoneCues = []string{"电话", "手机", "我的号码", "联系方式", "致电", "打给我", "回电", "call", "phone", "mobile", "cell", "tel", "reach me",
		"contact", "whatsapp", "text me", "ring me", "my number"}
	// orderCues are the words that announce an order, tracking, serial or
	// model number; a number they announce is never a phone number.
	orderCues = []string{"订单", "单号", "编号", "快递", "运单", "物流", "序列号", "型号", "发票", "#", "order", "tracking", "serial", "model", "imei",
		"invoice", "receipt", "booking", "reference", "ref", "sn", "s/n", "account", "acct", "case", "ticket", "no."}
)

// readPhones reads phone numbers (Contact, Kind phone, Value in E.164),
// checked with libphonenumber's metadata for the region of the text's
// language (CN for Chinese, US otherwise, GB for an English number that
// starts with a trunk 0; a number written with + needs none). A number is taken for a phone when a phone word comes before it in
// its clause, or it is written with +, or it is a mainland mobile number,
// or it is formatted as phone numbers are; a number an order word comes
// before is left to readOrders, whatever its digits.
func (r *reading) readPhones() {
	n := r.u.norm
	r.phoneChecks = 0
	for _, loc := range phoneCandidateScan.findAll(n) {
		at := span{loc[0], loc[1]}
		if !r.readPhone(at) {
			// "B77 13812345678" or two numbers side by side: try each
			// part between spaces.
			start := at.start
			for i := at.start; i <= at.end; i++ {
				if i == at.end || n[i] == ' ' {
					if i > start {
						r.readPhone(span{start, i})
					}
					start = i + 1
				}
			}
		}
	}
}

// maxPhoneChecks bounds the numbers of one text checked against the
// phone number metadata (about 30 µs each): a message does not give more
// than a few phone numbers.
const maxPhoneChecks = 16

// readPhone reads one candidate and reports whether it was a phone number.
func (r *reading) readPhone(at span) bool {
	n := r.u.norm
	at.start, at.end = r.u.trim(at.start, at.end)
	raw := n[at.start:at.end]
	if r.claimed(at) || at.start > 0 && (isASCIIAlnum(n[at.start-1]) || n[at.start-1] == '.') ||
		at.end < len(n) && (isASCIIAlnum(n[at.end]) || n[at.end] == '.' && at.end+1 < len(n) && isDigit(n[at.end+1])) {
		return false
	}
	digits := onlyDigits(raw)
	if len(digits) < 7 || len(digits) > 15 {
		return false
	}
	before := n[r.u.clauseAt(at.start).start:at.start]
	if len(before) > 40 {
		before = before[len(before)-40:]
	}
	phoneCue, orderCue := lastCue(before, phoneCues), lastCue(before, orderCues)
	if orderCue >= 0 && orderCue >= phoneCue || r.ctx.Expect == Order && phoneCue < 0 {
		return false
	}
	plus := strings.HasPrefix(raw, "+")
	mobile := cnMobileRe.MatchString(digits)
	formatted := formattedPhoneRe.MatchString(raw)
	if !(phoneCue >= 0 || plus || mobile || formatted || r.ctx.Expect == Contact) {
		return false
	}
	if r.phoneChecks >= maxPhoneChecks {
		return false
	}
	r.phoneChecks++
	region := "US"
	if r.lang == ZH || mobile || r.lang == "" && strings.HasPrefix(digits, "0") {
		region = "CN"
	}
	num, err := phonenumbers.Parse(raw, region)
	if (err != nil || !phonenumbers.IsValidNumber(num)) && region == "US" && strings.HasPrefix(digits, "0") {
		// A number with a trunk 0 is not American: in English it is
		// most often British (07911 123456).
		num, err = phonenumbers.Parse(raw, "GB")
	}
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return false
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.UAN:
		if phoneCue < 0 {
			return false // a company's hotline (400 …), not the customer's number
		}
	}
	r.claim(at)
	r.add(Finding{Slot: Contact, Kind: ContactPhone, Value: phonenumbers.Format(num, phonenumbers.E164)}, at)
	return true
}

// onlyDigits returns the ASCII digits of s.
func onlyDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// lastCue returns where the last of the cue words occurs in s, or -1.
// English cues count only as whole words.
func lastCue(s string, cues []string) int {
	last := -1
	for _, c := range cues {
		for end := len(s); end > 0; {
			i := strings.LastIndex(s[:end], c)
			if i < 0 {
				break
			}
			j := i + len(c)
			if !isASCIIAlnum(c[0]) || (i == 0 || !isASCIIAlnum(s[i-1])) && (j == len(s) || !isASCIIAlnum(s[j]) || c[len(c)-1] == '.') {
				last = max(last, i)
				break
			}
			end = i
		}
	}
	return last
}
