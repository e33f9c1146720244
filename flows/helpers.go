package flows

// What the bot package needs from the understanding outside an intake.

// DetectLang tells the language a few customer messages are written in,
// the way an intake settles it: by how much of them is Chinese (one unit a
// character) and how much English (two units a word), so that one English
// word in a Chinese message, or a Chinese name in an English one, does not
// decide. It returns fallback when the messages have no words (digits,
// emoji, an order number). The bot uses it for what it says before a
// conversation has a language, such as the flood notice.
func DetectLang(fallback Lang, texts ...string) Lang {
	zh, en := 0, 0
	for _, t := range texts {
		z, e := textUnits(t)
		zh += z
		en += e
	}
	switch {
	case zh == 0 && en == 0:
		return fallback
	case zh >= en:
		return ZH
	}
	return EN
}

// ResolveAskKey returns the catalogue key of the question "is it solved?"
// that fits what the customer asked for (P15): "case.resolved_ask.refund"
// ("has the refund reached you?"), ".replacement", ".repair", ".apology";
// "case.resolved_ask" when the outcome is another or unknown. outcomes
// are outcome kinds, as State.Outcome returns them; the first that has a
// question of its own decides.
func ResolveAskKey(outcomes []string) string {
	for _, k := range outcomes {
		switch k {
		case Refund, Replacement, Repair, Apology:
			return "case.resolved_ask." + k
		}
	}
	return "case.resolved_ask"
}
