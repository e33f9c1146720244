package bot

// Temporary: flows.ReadChoice, ReadYesNo and ReadScore are being written.
type yesNo int

const (
	unknown yesNo = iota
	yes
	no
)

func readChoice(text string, options, kinds []string) (int, bool) { return 0, false }
func readYesNo(text string) yesNo                                   { return unknown }
func readScore(text string) (int, string, bool)                     { return 0, "", false }
