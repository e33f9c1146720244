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

// Hazard kinds (Analysis.Hazard), for the safety advice the bot gives
// first (P13).
const (
	HazardElectric = "electric" // smoke, sparks, a burning smell, overheating: unplug it
	HazardFire     = "fire"     // fire, an explosion
	HazardGas      = "gas"      // a gas leak: close the valve, open the windows
	HazardBattery  = "battery"  // a swollen or hot battery: stop charging it
	HazardFood     = "food"     // glass, metal or poison in food: stop eating it
	HazardVehicle  = "vehicle"  // brakes, tyres: do not drive it
	HazardOther    = "other"
)

// hazardWords tells the kind of hazard a safety keyword names; a safety
// keyword not listed is HazardOther.
var hazardWords = func() map[string]string {
	m := map[string]string{}
	for kind, words := range map[string]string{
		HazardElectric: "烤焦|冒烟|漏电|触电|电到|被电|短路|烧焦|火花|冒火|打火|过热|发烫|跳电|焦味|冒火花|" +
			"smoke|smoking|smoked|electric shock|shocked me|got a shock|gave me a shock|sparks|sparking|sparked|sparked when|" +
			"short circuit|live wire|exposed wires|overheating|overheated|burning smell|smells like burning|melted|melting",
		HazardFire: "爆炸|炸了|着火|起火|自燃|燃烧|失火|烧起来|着了火|爆裂|炸裂|" +
			"explode|exploded|explosion|exploding|caught fire|catch fire|on fire|a fire|fire hazard|started a fire",
		HazardGas:     "燃气泄漏|煤气泄漏|漏气|煤气味|燃气味|闻到煤气|gas leak|leaking gas|smell of gas|smells of gas|carbon monoxide|fumes",
		HazardBattery: "电池鼓包|鼓包|swollen battery|battery swelled|swelling|is swelling|got really hot|got very hot|really hot",
		HazardFood:    "玻璃碴|玻璃渣|碎玻璃|有毒|窒息|卡喉咙|噎到|甲醛|甲醛超标|choking|choke|toxic|glass in|metal in",
		HazardVehicle: "刹车失灵|爆胎|漏油|brakes failed|brake failure",
	} {
		for _, w := range strings.Split(words, "|") {
			m[w] = kind
		}
	}
	return m
}()

// hazard tells the kind of the first safety hazard the text names (a
// battery that smokes is a battery), or "".
func (r *reading) hazard() string {
	kind := ""
	for _, h := range r.hitsOf(senseRisk) {
		if Risk(h.lex.arg) != RiskSafety || r.harmDenied(h) {
			continue
		}
		k := hazardWords[h.lex.word]
		if k == "" {
			k = HazardOther
		}
		switch {
		case kind == "", kind == HazardOther:
			kind = k
		case kind == HazardElectric && k == HazardBattery:
			kind = k
		}
	}
	if kind == HazardElectric && strings.Contains(r.u.norm, "电池") || kind != "" && kind != HazardBattery && strings.Contains(r.u.norm, "battery") {
		kind = HazardBattery
	}
	return kind
}
