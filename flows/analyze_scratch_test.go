package flows

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

func TestScratchAnalyze(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, loc)
	b, _ := os.ReadFile("/tmp/scratch_inputs.txt")
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		exp := Slot("")
		if k := strings.Index(line, "||"); k >= 0 {
			exp = Slot(line[k+2:])
			line = line[:k]
		}
		a := analyze(line, Context{Now: now, Expect: exp})
		for i := range a.Findings {
			a.Findings[i].Date = time.Time{}
		}
		j, _ := json.Marshal(a)
		t.Logf("%s\n   => %s", line, j)
	}
}
