package flows

import (
	"regexp"
	"strings"
)

// riskOrder is the order risks are listed in.
var riskOrder = []Risk{RiskMedia, RiskSocial, RiskLawyer, RiskCourt, RiskRegulator, RiskConsumerLaw, RiskInjury, RiskSafety, RiskRecording}

// complaintToAuthorityRe finds a complaint taken to an office: 投诉到工商局,
// 投诉到市场监督管理局, 告到质监局.
var complaintToAuthorityRe = regexp.MustCompile(`(投诉|告|举报|反映)到[^,。!?]{0,10}(局|委|部门|政府|协会)`)

// risks lists the reasons to treat the complaint as urgent (P12, P13).
// Injury, safety hazards and recordings that are denied ("没有受伤",
// "nobody was hurt") do not count.
func (r *reading) risks() []Risk {
	set := map[Risk]bool{}
	for _, h := range r.hitsOf(senseRisk) {
		risk := Risk(h.lex.arg)
		if (risk == RiskInjury || risk == RiskSafety || risk == RiskRecording) && r.harmDenied(h) {
			continue
		}
		set[risk] = true
	}
	if strings.Contains(r.u.norm, "到") && complaintToAuthorityRe.MatchString(r.u.norm) {
		set[RiskRegulator] = true
	}
	var out []Risk
	for _, risk := range riskOrder {
		if set[risk] {
			out = append(out, risk)
		}
	}
	return out
}
