package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParsePace(t *testing.T) {
	tests := []struct {
		name, in string
		want     Pace
		str      string // String of the result; "" means in
	}{
		{"empty is off", "", Pace{}, "off"},
		{"off", "off", Pace{}, ""},
		{"off in capitals", " OFF ", Pace{}, "off"},
		{"one a second", "1/s", Pace{Count: 1, Per: time.Second, Burst: 1}, ""},
		{"slack", "1/s burst 3", Pace{Count: 1, Per: time.Second, Burst: 3}, ""},
		{"two a second", "2/s burst 1", Pace{Count: 2, Per: time.Second, Burst: 1}, "2/s"},
		{"wechat", "1/3s jitter 1s hour 300", Pace{Count: 1, Per: 3 * time.Second, Burst: 1, Jitter: time.Second, Hour: 300}, ""},
		{"a minute", "20/m", Pace{Count: 20, Per: time.Minute, Burst: 1}, ""},
		{"an hour", "100/h", Pace{Count: 100, Per: time.Hour, Burst: 1}, ""},
		{"milliseconds", "1/ms", Pace{Count: 1, Per: time.Millisecond, Burst: 1}, "1/1ms"},
		{"a fraction", "1/1.5s", Pace{Count: 1, Per: 1500 * time.Millisecond, Burst: 1}, ""},
		{"a compound period", "3/1m30s", Pace{Count: 3, Per: 90 * time.Second, Burst: 1}, ""},
		{"any order", "hour 50 jitter 500ms 1/2s", Pace{Count: 1, Per: 2 * time.Second, Burst: 1, Jitter: 500 * time.Millisecond, Hour: 50}, "1/2s jitter 500ms hour 50"},
		{"only a cap", "hour 500", Pace{Hour: 500}, ""},
		{"only jitter", "jitter 2s", Pace{Jitter: 2 * time.Second}, ""},
		{"spaces", "  1/s \t burst   2 ", Pace{Count: 1, Per: time.Second, Burst: 2}, "1/s burst 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePace(tc.in)
			if err != nil {
				t.Fatalf("ParsePace(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParsePace(%q) (-want +got):\n%s", tc.in, diff)
			}
			str := tc.str
			if str == "" {
				str = tc.in
			}
			if got.String() != str {
				t.Errorf("String() = %q, want %q", got.String(), str)
			}
			again, err := ParsePace(got.String())
			if err != nil || again != got {
				t.Errorf("ParsePace(String()) = %+v, %v; want %+v", again, err, got)
			}
		})
	}
}

func TestParsePaceErrors(t *testing.T) {
	tests := []struct {
		name, in string
		says     []string // the error names what is wrong
	}{
		{"not a count", "x/s", []string{`"x/s"`, `"x"`, "whole number"}},
		{"zero messages", "0/s", []string{"at least 1"}},
		{"negative messages", "-1/s", []string{"at least 1"}},
		{"not a period", "1/xs", []string{`"xs"`, "not a period"}},
		{"no period", "1/", []string{`""`, "not a period"}},
		{"a bare number", "1/3", []string{`"3"`, "not a period"}},
		{"zero period", "1/0s", []string{"more than zero"}},
		{"too fast", "10000/ms", []string{"faster than one message a microsecond"}},
		{"two rates", "1/s 2/s", []string{"two rates"}},
		{"unknown word", "1/s fast", []string{`"fast"`, "unknown word"}},
		{"a bare number alone", "5", []string{`"5"`, "unknown word"}},
		{"burst without a number", "1/s burst", []string{`"burst" needs a number`}},
		{"burst not a number", "1/s burst x", []string{`burst "x"`, "whole number"}},
		{"burst zero", "1/s burst 0", []string{"burst must be at least 1"}},
		{"burst without a rate", "burst 3", []string{"a burst needs a rate"}},
		{"burst twice", "1/s burst 2 burst 3", []string{`"burst" is given twice`}},
		{"jitter without a duration", "1/s jitter", []string{`"jitter" needs a duration`}},
		{"jitter not a duration", "1/s jitter 5", []string{`jitter "5"`, "not a duration"}},
		{"negative jitter", "jitter -1s", []string{"must not be negative"}},
		{"hour zero", "hour 0", []string{"hour must be at least 1"}},
		{"hour not a number", "hour lots", []string{`hour "lots"`}},
		{"off with more", "off 1/s", []string{`"off" must stand alone`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePace(tc.in)
			if err == nil {
				t.Fatalf("ParsePace(%q) = %+v, want an error", tc.in, p)
			}
			if ErrorCode(err) != EINVALID {
				t.Errorf("code %q, want %q", ErrorCode(err), EINVALID)
			}
			msg := err.Error()
			if !strings.Contains(msg, "pace "+quote(tc.in)) {
				t.Errorf("error %q does not quote the setting", msg)
			}
			for _, s := range tc.says {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q does not say %q", msg, s)
				}
			}
		})
	}
}

func quote(s string) string { return strings.ReplaceAll(`"`+s+`"`, "\t", `\t`) }

func TestPaceUnmarshalText(t *testing.T) {
	var p Pace
	if err := p.UnmarshalText([]byte("2/s burst 4")); err != nil || p != (Pace{Count: 2, Per: time.Second, Burst: 4}) {
		t.Errorf("UnmarshalText = %+v, %v", p, err)
	}
	if err := p.UnmarshalText([]byte("2/s burst")); err == nil {
		t.Error("UnmarshalText of a bad pace: no error")
	}
	if b, _ := p.MarshalText(); string(b) != "2/s burst 4" {
		t.Errorf("MarshalText = %q", b)
	}
}

// TestPacerTurns walks the pacer's clock by hand: each destination has its
// own bucket, the burst goes at once, then one message per period.
func TestPacerTurns(t *testing.T) {
	p := newPacer(Pace{Count: 2, Per: time.Second, Burst: 3})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var got []time.Duration
	for range 6 {
		d, _ := p.turn("a", now)
		got = append(got, d)
	}
	want := []time.Duration{0, 0, 0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("turns of a (-want +got):\n%s", diff)
	}
	if d, _ := p.turn("b", now); d != 0 {
		t.Errorf("b waits %v behind a, want 0", d)
	}
	// After a quiet spell the burst is back.
	later := now.Add(time.Minute)
	for i := range 3 {
		if d, _ := p.turn("a", later); d != 0 {
			t.Errorf("turn %d after a quiet minute waits %v, want 0", i, d)
		}
	}
}

// TestPacerJitterCounts checks that a jitter delays the destination's next
// turn by as much: the gaps are the period plus the jitter.
func TestPacerJitterCounts(t *testing.T) {
	p := newPacer(Pace{Count: 1, Per: 2 * time.Second, Burst: 1, Jitter: 5 * time.Second})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, j := range []time.Duration{3 * time.Second, time.Second} {
		d, base := p.turn("a", now)
		// Jittered by j after its turn (3 s is more than the bucket
		// holds), sent then.
		sent := now.Add(d + j)
		p.charge("a", base, sent)
		if next, _ := p.turn("a", sent); next != 2*time.Second {
			t.Errorf("the turn after a %v jitter waits %v from the send, want the full 2 s period", j, next)
		}
		if d, _ := p.turn("b", sent); d != 0 {
			t.Errorf("b is charged a's jitter: waits %v", d)
		}
		now = sent.Add(time.Hour)
	}
	for range 100 {
		if j := p.jitter(); j < 0 || j >= 5*time.Second {
			t.Fatalf("jitter %v outside [0, 5s)", j)
		}
	}
}

// TestPacerHourCap checks the rolling hourly cap of the whole platform.
func TestPacerHourCap(t *testing.T) {
	p := newPacer(Pace{Hour: 3})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var got []time.Duration
	for i := range 3 {
		got = append(got, p.hourTurn(now.Add(time.Duration(i)*10*time.Minute)))
	}
	// The fourth, at 0:30, waits until the first is an hour old (1:00);
	// the fifth, asked at the same time, until the second is (1:10).
	at := now.Add(30 * time.Minute)
	got = append(got, p.hourTurn(at), p.hourTurn(at))
	want := []time.Duration{0, 0, 0, 30 * time.Minute, 40 * time.Minute}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hour turns (-want +got):\n%s", diff)
	}
	// Two hours later the cap is free again.
	if d := p.hourTurn(now.Add(3 * time.Hour)); d != 0 {
		t.Errorf("after two quiet hours a message waits %v", d)
	}
}

func TestPacerPauses(t *testing.T) {
	p := newPacer(Pace{})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p.pause("a", now.Add(2*time.Second), now)
	p.pause("a", now.Add(time.Second), now) // never shortens
	if u := p.pausedUntil("a", now); !u.Equal(now.Add(2 * time.Second)) {
		t.Errorf("a paused until %v, want +2s", u)
	}
	if u := p.pausedUntil("b", now); !u.IsZero() {
		t.Errorf("b paused until %v by a's pause", u)
	}
	p.pauseAll(now.Add(3 * time.Second))
	if u := p.pausedUntil("b", now); !u.Equal(now.Add(3 * time.Second)) {
		t.Errorf("b paused until %v, want the platform's +3s", u)
	}
	if u := p.pausedUntil("a", now.Add(4*time.Second)); !u.IsZero() {
		t.Errorf("a still paused after every pause ended: %v", u)
	}
}
