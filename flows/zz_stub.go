//go:build stub

package flows

func Analyze(text string, ctx Context) Analysis { return Analysis{Lang: EN, Complaint: text != ""} }
