package bot_test

import (
	"strings"
	"testing"

	"github.com/complaintbot/complaintbot/bot"
)

// TestWelcome: a stranger is greeted in both languages; a customer whose
// case is open hears where it stands, in their language.
func TestWelcome(t *testing.T) {
	h := newHarness(t, bot.Config{})
	got, err := h.eng.Welcome(h.ctx, "web", "new")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "您好") || !strings.Contains(got, "Hello") {
		t.Errorf("a stranger is greeted %q; want Chinese and English", got)
	}
	c := h.confirmIntake("lin", "zh")
	if err := h.staff("bob", "", "claim "+c.ID); err != nil {
		t.Fatal(err)
	}
	got, err = h.eng.Welcome(h.ctx, "web", "lin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "#"+c.ID) || !strings.Contains(got, "bob") || strings.Contains(got, "Hello") {
		t.Errorf("a customer with an open case is greeted %q", got)
	}
}
