package bot

import (
	"slices"
	"time"

	"github.com/complaintbot/complaintbot/flows"
)

// toCNY converts an amount to yuan, roughly, so that money lost in any
// currency raises priority alike. The rates are deliberately round: they
// rank cases, they are not accounting.
var toCNY = map[string]float64{"": 1, "CNY": 1, "USD": 7, "EUR": 7.5, "GBP": 9, "HKD": 0.9, "JPY": 0.05}

// HighMoney is the money at stake (in yuan) from which a case is high
// priority (P13).
const HighMoney = 500

// assess sets a new case's priority from what the intake found (P12, P13):
// any named risk other than "keeps evidence" (threats of media, social
// media, lawyers, courts, regulators; citing consumer law; injury; a safety
// hazard) makes it urgent; money at stake of HighMoney yuan or more,
// distress, fury, a customer who keeps evidence, or a deadline of theirs
// within SoonDeadline (the cake for tomorrow's birthday) make it high.
func assess(st *flows.State, now time.Time) (Priority, bool) {
	for _, r := range st.Risks {
		if r != flows.RiskRecording {
			return Urgent, true
		}
	}
	impact := st.Facts[flows.Impact]
	rate, ok := toCNY[impact.Currency]
	if !ok {
		rate = 1
	}
	switch {
	case impact.Amount*rate >= HighMoney,
		slices.Contains(impact.Kinds, flows.ImpactDistress),
		slices.Contains(impact.Kinds, flows.ImpactInjury),
		slices.Contains(impact.Kinds, flows.ImpactSafety),
		st.Emotion == flows.Furious,
		st.Urged, // they asked us to hurry
		deadlineSoon(st.Facts[flows.Deadline], now),
		slices.Contains(st.Risks, flows.RiskRecording):
		return High, false
	}
	return Normal, false
}

// SoonDeadline is how near a customer's deadline makes their case high
// priority: by the end of tomorrow, there is no time for the usual pace.
const SoonDeadline = 2 * 24 * time.Hour

// deadlineSoon reports whether the customer's deadline (a day) falls
// before SoonDeadline from the start of today.
func deadlineSoon(f flows.Fact, now time.Time) bool {
	if f.Skipped || f.Date == "" || now.IsZero() {
		return false
	}
	day, err := time.ParseInLocation(time.DateOnly, f.Date, now.Location())
	if err != nil {
		return false
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	return day.Before(today.Add(SoonDeadline))
}
