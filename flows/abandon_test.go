package flows

import (
	"strings"
	"testing"
	"time"
)

func TestAbandonedIntake(t *testing.T) {
	tests := []struct {
		name  string
		burst []string
		key   string // the reminder's catalogue key
	}{
		{"asking, Chinese", []string{"我买的吹风机坏了"}, "time.intake.remind.asking"},
		{"asking, English", []string{"My parcel never arrived!!"}, "time.intake.remind.asking"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newChat(t)
			if c.st.AwaitsCustomer() {
				t.Fatal("a new intake awaits the customer before anyone spoke")
			}
			c.st.Receive(Message{ID: "m1", Text: tc.burst[0], At: c.now}, c.cfg)
			if c.st.AwaitsCustomer() {
				t.Fatal("awaits the customer while their message waits for an answer")
			}
			c.now = c.now.Add(c.cfg.Quiet)
			if turn := c.st.Answer(c.now, c.cfg); turn.Reply == "" {
				t.Fatal("no answer")
			}
			if !c.st.AwaitsCustomer() {
				t.Fatalf("after the bot asked (phase %s), it should await the customer", c.st.Phase)
			}
			if got := c.st.SilentSince(); !got.Equal(c.now) {
				t.Errorf("silent since %v, want the answer at %v", got, c.now)
			}
			first := c.st.Remind(c.now.Add(10*time.Minute), c.cfg)
			if !says(c.cfg.Catalog, c.st.Lang, tc.key, first) {
				t.Errorf("reminder %q is not %s", first, tc.key)
			}
			if !c.st.Reminded.Equal(c.now.Add(10 * time.Minute)) {
				t.Errorf("Reminded = %v", c.st.Reminded)
			}
			if second := c.st.Remind(c.now.Add(20*time.Minute), c.cfg); second == first {
				t.Errorf("the same reminder twice in a row: %q", second)
			}
			if (c.st.Lang == ZH) != strings.ContainsAny(first, "您吗") {
				t.Errorf("reminder %q is not in the customer's language %s", first, c.st.Lang)
			}
			facts := len(c.st.Facts)
			c.st.GiveUp()
			if c.st.Open() || c.st.End != GaveUp || c.st.AwaitsCustomer() || len(c.st.Facts) != facts {
				t.Errorf("after GiveUp: phase %s end %s facts %d (was %d)", c.st.Phase, c.st.End, len(c.st.Facts), facts)
			}
			c.st.GiveUp() // an ended intake stays as it ended
			if c.st.End != GaveUp {
				t.Errorf("end changed to %s", c.st.End)
			}
		})
	}
}

func TestRemindFollowsThePhase(t *testing.T) {
	cfg := testConfig(t)
	for phase, key := range map[Phase]string{
		Asking:       "time.intake.remind.asking",
		AnythingElse: "time.intake.remind.anything_else",
		Confirming:   "time.intake.remind.confirming",
	} {
		for _, lang := range []Lang{ZH, EN} {
			st := &State{Phase: phase, Lang: lang, Turns: 2}
			if got := st.Remind(base, cfg); !says(cfg.Catalog, lang, key, got) {
				t.Errorf("%s/%s: reminder %q is not %s", phase, lang, got, key)
			}
		}
	}
	done := &State{Phase: Done, End: Confirmed, Turns: 3}
	done.GiveUp()
	if done.End != Confirmed {
		t.Errorf("GiveUp changed a confirmed intake to %s", done.End)
	}
}
