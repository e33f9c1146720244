package flows

import "regexp"

// influenceRe finds a customer telling who they are or whom they know:
// 我是记者, 我老公是律师, I'm a lawyer, my brother is a journalist.
var influenceRe = regexp.MustCompile(`(我是|本人是|我就是|我朋友是|我家人是|我老公是|我老婆是|我爸是|我妈是|我哥是|我姐是|我弟是|我妹是)[^,。!?]{0,6}(记者|律师|媒体|公务员|领导|干部|官员|法官|检察官|警察|人大代表|政协委员|网红|博主)|` +
	`\b(i'm|i am|im|my (?:friend|brother|sister|husband|wife|father|dad|mother|mom|mum|son|daughter|cousin|uncle|partner) is) (?:an? )?(?:\w+ )?(journalist|reporter|lawyer|attorney|solicitor|official|councillor|councilor|judge|police officer|senator|influencer|blogger|editor)\b`)

// influenceNeedles are the words influenceRe cannot match without.
var influenceNeedles = []string{"记者", "律师", "媒体", "公务员", "领导", "干部", "官员", "法官", "检察官", "警察", "人大代表", "政协委员", "网红", "博主",
	"journalist", "reporter", "lawyer", "attorney", "solicitor", "official", "council", "judge", "police", "senator", "influencer", "blogger", "editor"}

// influenceScan finds influenceRe near its needles.
var influenceScan = nearScan{re: influenceRe, words: influenceNeedles, before: 48, after: 16}

// hints tells which kinds of complainer the text suggests (P14):
//
//   - Emotional: angry or furious, or an insult.
//   - Justice: speaks up for others or on principle (为了别人不再受骗).
//   - Stubborn: insists (我就要, 必须, "I only accept"), or asks for the same
//     outcome more than once.
//   - Prepared: cites the law or the rules, has recordings or evidence,
//     goes to a regulator, or gives both an exact date and an amount.
//   - Influential: tells of their standing or connections (我是记者, "I'm a
//     lawyer", 我认识你们领导), or threatens the press.
//   - Resigned: expects little (算我倒霉, "just my luck", whatever).
//   - Reasoner: a long, reasoned account (因为, 所以, 但是, "because").
//   - Ranter: many complaints in one burst.
func (r *reading) hints(a Analysis) []Complainer {
	set := map[Complainer]bool{}
	for _, h := range r.hitsOf(senseHint) {
		set[Complainer(h.lex.arg)] = true
	}
	if a.Emotion >= Angry || r.hasSignal(a.Signals, signalInsult) {
		set[Emotional] = true
	}
	outcomes := map[string]int{}
	for _, h := range r.hitsOf(senseOutcome) {
		if h.lex.weight > 0 {
			outcomes[h.lex.arg]++
		}
	}
	for _, n := range outcomes {
		if n >= 2 {
			set[Stubborn] = true
		}
	}
	exactDate, amount := false, false
	for _, f := range r.found {
		exactDate = exactDate || f.Slot == When && !f.Approx && !f.Negated
		amount = amount || f.Slot == Impact && f.Kind == ImpactMoney
	}
	for _, risk := range a.Risks {
		switch risk {
		case RiskConsumerLaw, RiskRecording, RiskRegulator:
			set[Prepared] = true
		case RiskMedia:
			set[Influential] = true
		}
	}
	if exactDate && amount {
		set[Prepared] = true
	}
	if len(influenceScan.findAll(r.u.norm)) > 0 {
		set[Influential] = true
	}
	reasons := len(r.hitsOf(senseReason))
	if !r.hasSignal(a.Signals, signalInsult) && (r.u.units() >= 80 && reasons >= 2 || r.u.units() >= 50 && reasons >= 4) {
		set[Reasoner] = true
	}
	problems := map[string]bool{}
	for _, h := range r.u.hits {
		if h.lex.sense == senseProblem || h.lex.sense == senseTreatment {
			problems[h.lex.word] = true
		}
	}
	if len(r.grievances) >= 3 || len(problems) >= 5 && len(r.u.sentences) >= 3 {
		set[Ranter] = true
	}
	var out []Complainer
	for _, c := range []Complainer{Emotional, Justice, Stubborn, Prepared, Influential, Resigned, Reasoner, Ranter} {
		if set[c] {
			out = append(out, c)
		}
	}
	return out
}
