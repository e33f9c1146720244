package bot_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/complaintbot/complaintbot/bot"
)

func TestSplitText(t *testing.T) {
	for _, tc := range []struct {
		name  string
		text  string
		max   int
		unit  bot.TextUnit
		parts int
		ends  string // what each part but the last ends with
	}{
		{"fits", "short", 10, bot.Runes, 1, ""},
		{"sentences in characters", strings.Repeat("这是一句话。", 1000), 4000, bot.Runes, 2, "。"},
		{"sentences in bytes", strings.Repeat("这是一句话。", 1000), 2048, bot.Bytes, 9, "。"},
		{"English sentences", strings.Repeat("This is one sentence. ", 300), 2048, bot.Bytes, 4, "."},
		{"lines first", strings.Repeat("line one, still going\n", 200), 1000, bot.Bytes, 5, "going"},
		{"no break", strings.Repeat("x", 9000), 4000, bot.Runes, 3, ""},
		{"no break in Chinese bytes", strings.Repeat("字", 3000), 2048, bot.Bytes, 5, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := bot.SplitText(tc.text, tc.max, tc.unit)
			if len(parts) != tc.parts {
				t.Fatalf("%d parts, want %d", len(parts), tc.parts)
			}
			joined := strings.Join(parts, "")
			if strings.ReplaceAll(strings.ReplaceAll(joined, " ", ""), "\n", "") != strings.ReplaceAll(strings.ReplaceAll(tc.text, " ", ""), "\n", "") {
				t.Errorf("the parts lose or change characters")
			}
			for i, p := range parts {
				n := len(p)
				if tc.unit == bot.Runes {
					n = utf8.RuneCountInString(p)
				}
				if n > tc.max || !utf8.ValidString(p) {
					t.Errorf("part %d: %d units (max %d), valid UTF-8 %v", i, n, tc.max, utf8.ValidString(p))
				}
				if i < len(parts)-1 && tc.ends != "" && !strings.HasSuffix(p, tc.ends) {
					t.Errorf("part %d ends %q, want a cut after %q", i, p[max(0, len(p)-8):], tc.ends)
				}
			}
		})
	}
}
