package flows

// isSimplifiedOnly reports whether r is written differently in
// traditional characters (这 → 這), as OpenCC converts it.
func isSimplifiedOnly(r rune) bool { return ToScript(string(r), Traditional) != string(r) }
