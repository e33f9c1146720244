package scheduler_test

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/scheduler"
)

func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func mustCalendar(tb testing.TB, spec string, holidays []string, loc *time.Location) *scheduler.Calendar {
	tb.Helper()
	c, err := scheduler.ParseCalendar(spec, holidays, loc)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func mustRange(tb testing.TB, r string, loc *time.Location) *scheduler.Calendar {
	tb.Helper()
	c, err := scheduler.ParseDailyRange(r, loc)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// calCase is one question put to a calendar. Exactly one of the operations
// is asked, chosen by op.
type calCase struct {
	name string
	cal  *scheduler.Calendar
	op   string // "Open", "NextOpen", "NextClosed", "Add", "Between"
	t    time.Time
	d    time.Duration // Add: the business time to add
	b    time.Time     // Between: the end

	wantOpen bool
	wantTime time.Time     // NextOpen, NextClosed, Add
	wantDur  time.Duration // Between
}

func runCalCases(t *testing.T, tests []calCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.name, func(t *testing.T) {
			switch tt.op {
			case "Open":
				if got := tt.cal.Open(tt.t); got != tt.wantOpen {
					t.Fatalf("Open(%v) = %v, want %v", tt.t, got, tt.wantOpen)
				}
			case "NextOpen", "NextClosed", "Add":
				var got time.Time
				switch tt.op {
				case "NextOpen":
					got = tt.cal.NextOpen(tt.t)
				case "NextClosed":
					got = tt.cal.NextClosed(tt.t)
				default:
					got = tt.cal.Add(tt.t, tt.d)
				}
				if !got.Equal(tt.wantTime) {
					t.Fatalf("%s(%v, %v) = %v (%v UTC), want %v (%v UTC)", tt.op, tt.t, tt.d,
						got, got.UTC(), tt.wantTime, tt.wantTime.UTC())
				}
				if !got.Equal(scheduler.Never) && got.Location() != tt.t.Location() {
					t.Errorf("%s returned a time in %v, want the argument's %v", tt.op, got.Location(), tt.t.Location())
				}
			case "Between":
				if got := tt.cal.Between(tt.t, tt.b); got != tt.wantDur {
					t.Fatalf("Between(%v, %v) = %v, want %v", tt.t, tt.b, got, tt.wantDur)
				}
			default:
				t.Fatalf("unknown op %q", tt.op)
			}
		})
	}
}

func TestCalendarShanghaiBusinessHours(t *testing.T) {
	sh := mustZone(t, "Asia/Shanghai")
	at := func(day, h, m, s int) time.Time { return time.Date(2026, 3, day, h, m, s, 0, sh) }
	biz := mustCalendar(t, "CRON_TZ=Asia/Shanghai * 9-17 * * 1-5", nil, nil)
	// Monday 9 March is a holiday.
	hol := mustCalendar(t, "CRON_TZ=Asia/Shanghai * 9-17 * * 1-5", []string{"2026-03-09"}, nil)
	// Two stretches a day, lunch closed.
	split := mustCalendar(t, "* 9-11 * * 1-5; * 14-17 * * 1-5", nil, sh)

	runCalCases(t, []calCase{
		{name: "FridayLastMinute", cal: biz, op: "Open", t: at(6, 17, 59, 30), wantOpen: true},
		{name: "FridayClosing", cal: biz, op: "Open", t: at(6, 18, 0, 0), wantOpen: false},
		{name: "Saturday", cal: biz, op: "Open", t: at(7, 10, 0, 0), wantOpen: false},
		{name: "MondayOpening", cal: biz, op: "Open", t: at(9, 9, 0, 0), wantOpen: true},
		{name: "MondayBeforeOpening", cal: biz, op: "Open", t: at(9, 8, 59, 59), wantOpen: false},
		{name: "UTCArgument", cal: biz, op: "Open", t: at(9, 9, 0, 0).UTC(), wantOpen: true},
		{name: "Holiday", cal: hol, op: "Open", t: at(9, 10, 0, 0), wantOpen: false},
		{name: "Lunch", cal: split, op: "Open", t: at(6, 12, 30, 0), wantOpen: false},

		{name: "OpenIsItself", cal: biz, op: "NextOpen", t: at(6, 12, 34, 56), wantTime: at(6, 12, 34, 56)},
		{name: "FridayEveningToMonday", cal: biz, op: "NextOpen", t: at(6, 18, 0, 0), wantTime: at(9, 9, 0, 0)},
		{name: "RoundsUpToTheMinute", cal: biz, op: "NextOpen", t: at(9, 8, 59, 30), wantTime: at(9, 9, 0, 0)},
		{name: "OverTheHoliday", cal: hol, op: "NextOpen", t: at(6, 18, 0, 0), wantTime: at(10, 9, 0, 0)},
		{name: "AfterLunch", cal: split, op: "NextOpen", t: at(6, 12, 0, 0), wantTime: at(6, 14, 0, 0)},

		{name: "ClosedIsItself", cal: biz, op: "NextClosed", t: at(7, 10, 0, 0), wantTime: at(7, 10, 0, 0)},
		{name: "EndOfDay", cal: biz, op: "NextClosed", t: at(6, 12, 34, 56), wantTime: at(6, 18, 0, 0)},
		{name: "Lunch", cal: split, op: "NextClosed", t: at(6, 9, 30, 0), wantTime: at(6, 12, 0, 0)},

		{name: "FridayToMonday", cal: biz, op: "Add", t: at(6, 17, 55, 0), d: 15 * time.Minute, wantTime: at(9, 9, 10, 0)},
		{name: "AcrossTheHoliday", cal: hol, op: "Add", t: at(6, 17, 55, 0), d: 15 * time.Minute, wantTime: at(10, 9, 10, 0)},
		{name: "EndsAtClosing", cal: biz, op: "Add", t: at(6, 17, 55, 0), d: 5 * time.Minute, wantTime: at(6, 18, 0, 0)},
		{name: "Seconds", cal: biz, op: "Add", t: at(6, 17, 55, 30), d: 30 * time.Second, wantTime: at(6, 17, 56, 0)},
		{name: "FromTheWeekend", cal: biz, op: "Add", t: at(7, 10, 0, 0), d: time.Hour, wantTime: at(9, 10, 0, 0)},
		{name: "OneDayOver", cal: biz, op: "Add", t: at(6, 10, 0, 0), d: 9 * time.Hour, wantTime: at(9, 10, 0, 0)},
		{name: "AWeek", cal: biz, op: "Add", t: at(6, 10, 0, 0), d: 45 * time.Hour, wantTime: at(13, 10, 0, 0)},
		{name: "Zero", cal: biz, op: "Add", t: at(7, 10, 0, 0), wantTime: at(7, 10, 0, 0)},
		{name: "Negative", cal: biz, op: "Add", t: at(7, 10, 0, 0), d: -time.Hour, wantTime: at(7, 10, 0, 0)},
		{name: "OverLunch", cal: split, op: "Add", t: at(6, 11, 30, 0), d: time.Hour, wantTime: at(6, 14, 30, 0)},

		{name: "FridayToMonday", cal: biz, op: "Between", t: at(6, 9, 0, 0), b: at(9, 9, 0, 0), wantDur: 9 * time.Hour},
		{name: "Deadline", cal: biz, op: "Between", t: at(6, 17, 55, 0), b: at(9, 9, 10, 0), wantDur: 15 * time.Minute},
		{name: "Empty", cal: biz, op: "Between", t: at(9, 9, 0, 0), b: at(9, 9, 0, 0), wantDur: 0},
		{name: "Backwards", cal: biz, op: "Between", t: at(9, 10, 0, 0), b: at(9, 9, 0, 0), wantDur: 0},
		{name: "SplitDay", cal: split, op: "Between", t: at(6, 0, 0, 0), b: at(7, 0, 0, 0), wantDur: 7 * time.Hour},
		{name: "WeekWithHoliday", cal: hol, op: "Between", t: at(9, 0, 0, 0), b: at(16, 0, 0, 0), wantDur: 36 * time.Hour},
	})
}

// TestCalendarDST asks the questions that break on the days clocks change,
// in Europe/Berlin, America/New_York and (as a control without DST)
// Asia/Shanghai. "night" is open from 00:00 to 05:59 every day, so it spans
// the changes at 02:00/03:00; "biz" is Monday to Friday 09:00–17:59.
func TestCalendarDST(t *testing.T) {
	berlin, ny, sh := mustZone(t, "Europe/Berlin"), mustZone(t, "America/New_York"), mustZone(t, "Asia/Shanghai")
	utc := func(mo time.Month, d, h, m int) time.Time { return time.Date(2026, mo, d, h, m, 0, 0, time.UTC) }

	bNight, bBiz := mustCalendar(t, "* 0-5 * * *", nil, berlin), mustCalendar(t, "* 9-17 * * 1-5", nil, berlin)
	nNight, nBiz := mustCalendar(t, "* 0-5 * * *", nil, ny), mustCalendar(t, "* 9-17 * * 1-5", nil, ny)
	sNight, sBiz := mustCalendar(t, "* 0-5 * * *", nil, sh), mustCalendar(t, "* 9-17 * * 1-5", nil, sh)
	bTwo := mustCalendar(t, "* 2 * * *", nil, berlin) // the repeated hour in October
	nOne := mustCalendar(t, "* 1 * * *", nil, ny)     // the repeated hour in November
	bTwoThirty := mustCalendar(t, "30 2 * * *", nil, berlin)

	in := func(loc *time.Location, t time.Time) time.Time { return t.In(loc) }

	runCalCases(t, []calCase{
		// Berlin, spring forward: Sunday 29 March, 02:00 CET becomes 03:00 CEST.
		{name: "Berlin/Spring/ThreeAfterTheGapIsOpen", cal: bNight, op: "Open", t: in(berlin, utc(3, 29, 1, 0)), wantOpen: true},
		{name: "Berlin/Spring/HourAcrossTheGap", cal: bNight, op: "Add", t: in(berlin, utc(3, 29, 0, 30)), d: time.Hour,
			wantTime: in(berlin, utc(3, 29, 1, 30))}, // 01:30 CET + 1h = 03:30 CEST
		{name: "Berlin/Spring/ShortNight", cal: bNight, op: "Between", t: time.Date(2026, 3, 29, 0, 0, 0, 0, berlin),
			b: time.Date(2026, 3, 29, 6, 0, 0, 0, berlin), wantDur: 5 * time.Hour},
		{name: "Berlin/Spring/NightEndsAtSixLocal", cal: bNight, op: "NextClosed", t: time.Date(2026, 3, 29, 5, 30, 0, 0, berlin),
			wantTime: time.Date(2026, 3, 29, 6, 0, 0, 0, berlin)},
		{name: "Berlin/Spring/MondayOpensAtNineLocal", cal: bBiz, op: "NextOpen", t: time.Date(2026, 3, 28, 12, 0, 0, 0, berlin),
			wantTime: in(berlin, utc(3, 30, 7, 0))},
		{name: "Berlin/Spring/FridayToMonday", cal: bBiz, op: "Add", t: time.Date(2026, 3, 27, 17, 30, 0, 0, berlin), d: time.Hour,
			wantTime: in(berlin, utc(3, 30, 7, 30))},
		{name: "Berlin/Spring/FridayAndMonday", cal: bBiz, op: "Between", t: time.Date(2026, 3, 27, 9, 0, 0, 0, berlin),
			b: time.Date(2026, 3, 30, 18, 0, 0, 0, berlin), wantDur: 18 * time.Hour},
		{name: "Berlin/Spring/MissingMinuteIsSkipped", cal: bTwoThirty, op: "NextOpen", t: time.Date(2026, 3, 29, 0, 0, 0, 0, berlin),
			wantTime: in(berlin, utc(3, 30, 0, 30))}, // 02:30 CEST on the 30th

		// Berlin, fall back: Sunday 25 October, 03:00 CEST becomes 02:00 CET.
		{name: "Berlin/Fall/LongNight", cal: bNight, op: "Between", t: time.Date(2026, 10, 25, 0, 0, 0, 0, berlin),
			b: time.Date(2026, 10, 25, 6, 0, 0, 0, berlin), wantDur: 7 * time.Hour},
		{name: "Berlin/Fall/TwoHoursAcross", cal: bNight, op: "Add", t: in(berlin, utc(10, 24, 23, 30)), d: 2 * time.Hour,
			wantTime: in(berlin, utc(10, 25, 1, 30))}, // 01:30 CEST + 2h = the second 02:30 (CET)
		{name: "Berlin/Fall/RepeatedHourIsOpenTwice", cal: bTwo, op: "Between", t: time.Date(2026, 10, 25, 0, 0, 0, 0, berlin),
			b: time.Date(2026, 10, 25, 6, 0, 0, 0, berlin), wantDur: 2 * time.Hour},
		{name: "Berlin/Fall/RepeatedHourRunsOn", cal: bTwo, op: "NextClosed", t: in(berlin, utc(10, 25, 0, 30)),
			wantTime: in(berlin, utc(10, 25, 2, 0))}, // 03:00 CET
		{name: "Berlin/Fall/FridayToMonday", cal: bBiz, op: "Add", t: time.Date(2026, 10, 23, 17, 30, 0, 0, berlin), d: time.Hour,
			wantTime: in(berlin, utc(10, 26, 8, 30))},
		{name: "Berlin/Fall/MondayOpensAtNineLocal", cal: bBiz, op: "NextOpen", t: time.Date(2026, 10, 25, 12, 0, 0, 0, berlin),
			wantTime: in(berlin, utc(10, 26, 8, 0))},

		// New York, spring forward: Sunday 8 March, 02:00 EST becomes 03:00 EDT.
		{name: "NewYork/Spring/HourAcrossTheGap", cal: nNight, op: "Add", t: in(ny, utc(3, 8, 6, 30)), d: time.Hour,
			wantTime: in(ny, utc(3, 8, 7, 30))}, // 01:30 EST + 1h = 03:30 EDT
		{name: "NewYork/Spring/ShortNight", cal: nNight, op: "Between", t: time.Date(2026, 3, 8, 0, 0, 0, 0, ny),
			b: time.Date(2026, 3, 8, 6, 0, 0, 0, ny), wantDur: 5 * time.Hour},
		{name: "NewYork/Spring/MondayOpensAtNineLocal", cal: nBiz, op: "NextOpen", t: time.Date(2026, 3, 8, 12, 0, 0, 0, ny),
			wantTime: in(ny, utc(3, 9, 13, 0))},
		{name: "NewYork/Spring/MondayNineIsOpen", cal: nBiz, op: "Open", t: in(ny, utc(3, 9, 13, 0)), wantOpen: true},
		{name: "NewYork/Spring/MondayEightIsClosed", cal: nBiz, op: "Open", t: in(ny, utc(3, 9, 12, 59)), wantOpen: false},
		{name: "NewYork/Spring/FridayToMonday", cal: nBiz, op: "Add", t: time.Date(2026, 3, 6, 17, 30, 0, 0, ny), d: time.Hour,
			wantTime: in(ny, utc(3, 9, 13, 30))},
		{name: "NewYork/Spring/FridayAndMonday", cal: nBiz, op: "Between", t: time.Date(2026, 3, 6, 9, 0, 0, 0, ny),
			b: time.Date(2026, 3, 9, 18, 0, 0, 0, ny), wantDur: 18 * time.Hour},

		// New York, fall back: Sunday 1 November, 02:00 EDT becomes 01:00 EST.
		{name: "NewYork/Fall/LongNight", cal: nNight, op: "Between", t: time.Date(2026, 11, 1, 0, 0, 0, 0, ny),
			b: time.Date(2026, 11, 1, 6, 0, 0, 0, ny), wantDur: 7 * time.Hour},
		{name: "NewYork/Fall/TwoHoursAcross", cal: nNight, op: "Add", t: in(ny, utc(11, 1, 4, 30)), d: 2 * time.Hour,
			wantTime: in(ny, utc(11, 1, 6, 30))}, // 00:30 EDT + 2h = the second 01:30 (EST)
		{name: "NewYork/Fall/RepeatedHourIsOpenTwice", cal: nOne, op: "Between", t: time.Date(2026, 11, 1, 0, 0, 0, 0, ny),
			b: time.Date(2026, 11, 1, 3, 0, 0, 0, ny), wantDur: 2 * time.Hour},
		{name: "NewYork/Fall/FridayToMonday", cal: nBiz, op: "Add", t: time.Date(2026, 10, 30, 17, 30, 0, 0, ny), d: time.Hour,
			wantTime: in(ny, utc(11, 2, 14, 30))},
		{name: "NewYork/Fall/MondayOpensAtNineLocal", cal: nBiz, op: "NextOpen", t: time.Date(2026, 11, 1, 12, 0, 0, 0, ny),
			wantTime: in(ny, utc(11, 2, 14, 0))},

		// Shanghai has no DST: the same dates are ordinary days.
		{name: "Shanghai/March29/Night", cal: sNight, op: "Between", t: time.Date(2026, 3, 29, 0, 0, 0, 0, sh),
			b: time.Date(2026, 3, 29, 6, 0, 0, 0, sh), wantDur: 6 * time.Hour},
		{name: "Shanghai/March8/HourAtTwo", cal: sNight, op: "Add", t: time.Date(2026, 3, 8, 1, 30, 0, 0, sh), d: time.Hour,
			wantTime: time.Date(2026, 3, 8, 2, 30, 0, 0, sh)},
		{name: "Shanghai/October25/Night", cal: sNight, op: "Between", t: time.Date(2026, 10, 25, 0, 0, 0, 0, sh),
			b: time.Date(2026, 10, 25, 6, 0, 0, 0, sh), wantDur: 6 * time.Hour},
		{name: "Shanghai/March30/MondayOpensAtNine", cal: sBiz, op: "NextOpen", t: time.Date(2026, 3, 29, 12, 0, 0, 0, sh),
			wantTime: in(sh, utc(3, 30, 1, 0))},
		{name: "Shanghai/November/FridayToMonday", cal: sBiz, op: "Add", t: time.Date(2026, 10, 30, 17, 30, 0, 0, sh), d: time.Hour,
			wantTime: time.Date(2026, 11, 2, 9, 30, 0, 0, sh)},
	})
}

func TestDailyRange(t *testing.T) {
	berlin, ny := mustZone(t, "Europe/Berlin"), mustZone(t, "America/New_York")
	quiet := mustRange(t, "22:00-08:00", berlin)
	dash := mustRange(t, "22:00–08:00", berlin)
	odd := mustRange(t, "22:30 - 08:15", berlin)
	day := mustRange(t, "08:00-22:00", berlin)
	nyQuiet := mustRange(t, "22:00-08:00", ny)
	at := func(mo time.Month, d, h, m int) time.Time { return time.Date(2026, mo, d, h, m, 0, 0, berlin) }

	runCalCases(t, []calCase{
		{name: "TenPM", cal: quiet, op: "Open", t: at(3, 6, 22, 0), wantOpen: true},
		{name: "Before", cal: quiet, op: "Open", t: at(3, 6, 21, 59), wantOpen: false},
		{name: "Morning", cal: quiet, op: "Open", t: at(3, 7, 7, 59), wantOpen: true},
		{name: "Eight", cal: quiet, op: "Open", t: at(3, 7, 8, 0), wantOpen: false},
		{name: "EnDash", cal: dash, op: "Open", t: at(3, 7, 3, 0), wantOpen: true},
		{name: "HalfPast", cal: odd, op: "Open", t: at(3, 6, 22, 29), wantOpen: false},
		{name: "HalfPastOpen", cal: odd, op: "Open", t: at(3, 6, 22, 30), wantOpen: true},
		{name: "QuarterPast", cal: odd, op: "Open", t: at(3, 7, 8, 14), wantOpen: true},
		{name: "QuarterPastClosed", cal: odd, op: "Open", t: at(3, 7, 8, 15), wantOpen: false},
		{name: "Daytime", cal: day, op: "Open", t: at(3, 7, 12, 0), wantOpen: true},

		{name: "QuietEndsInTheMorning", cal: quiet, op: "NextClosed", t: at(3, 6, 23, 0), wantTime: at(3, 7, 8, 0)},
		{name: "QuietStartsAtTen", cal: quiet, op: "NextOpen", t: at(3, 6, 12, 0), wantTime: at(3, 6, 22, 0)},
		{name: "OddEnds", cal: odd, op: "NextClosed", t: at(3, 6, 23, 0), wantTime: at(3, 7, 8, 15)},

		{name: "OrdinaryNight", cal: quiet, op: "Between", t: at(3, 6, 12, 0), b: at(3, 7, 12, 0), wantDur: 10 * time.Hour},
		{name: "OddNight", cal: odd, op: "Between", t: at(3, 6, 12, 0), b: at(3, 7, 12, 0), wantDur: 9*time.Hour + 45*time.Minute},
		{name: "Berlin/SpringNight", cal: quiet, op: "Between", t: at(3, 28, 12, 0), b: at(3, 29, 12, 0), wantDur: 9 * time.Hour},
		{name: "Berlin/FallNight", cal: quiet, op: "Between", t: at(10, 24, 12, 0), b: at(10, 25, 12, 0), wantDur: 11 * time.Hour},
		{name: "NewYork/SpringNight", cal: nyQuiet, op: "Between", t: time.Date(2026, 3, 7, 12, 0, 0, 0, ny),
			b: time.Date(2026, 3, 8, 12, 0, 0, 0, ny), wantDur: 9 * time.Hour},
		{name: "NewYork/FallNight", cal: nyQuiet, op: "Between", t: time.Date(2026, 10, 31, 12, 0, 0, 0, ny),
			b: time.Date(2026, 11, 1, 12, 0, 0, 0, ny), wantDur: 11 * time.Hour},
		{name: "Berlin/SpringNightEndsAtEightLocal", cal: quiet, op: "NextClosed", t: at(3, 28, 23, 0),
			wantTime: at(3, 29, 8, 0)},
	})

	if !mustRange(t, "00:00-24:00", berlin).AlwaysOpen() {
		t.Error(`"00:00-24:00" is not always open`)
	}
	for _, bad := range []string{"", "22:00", "22:00-22:00", "25:00-08:00", "22:00-08:60", "24:00-08:00", "ten-eight", "22-08", "22:00-08:00-09:00"} {
		if _, err := scheduler.ParseDailyRange(bad, berlin); err == nil {
			t.Errorf("ParseDailyRange(%q) succeeded, want an error", bad)
		} else if !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseDailyRange(%q) = %v, want the error to quote the range", bad, err)
		}
	}
}

func TestParseCalendarErrors(t *testing.T) {
	tests := []struct {
		name     string
		spec     string
		holidays []string
		wantErr  string // what the error must quote
	}{
		{"TZWithoutSpecPanicsInRobfig", "TZ=0", nil, `"TZ=0"`},
		{"SecondSpecBad", "* 9-17 * * 1-5; TZ=0", nil, `"TZ=0"`},
		{"UnknownZone", "CRON_TZ=Mars/Olympus * 9-17 * * 1-5", nil, "Mars/Olympus"},
		{"Descriptor", "@daily", nil, "@daily"},
		{"DescriptorInZone", "CRON_TZ=Asia/Shanghai @weekly", nil, "@weekly"},
		{"SixFields", "0 * 9-17 * * 1-5", nil, "0 * 9-17 * * 1-5"},
		{"HourOutOfRange", "* 9-25 * * *", nil, "9-25"},
		{"NeverMatches", "* * 30 2 *", nil, "never matches"},
		{"BadHoliday", "* 9-17 * * 1-5", []string{"2026-02-30"}, "2026-02-30"},
		{"HolidayNotADate", "* 9-17 * * 1-5", []string{"Christmas"}, "Christmas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("ParseCalendar(%q) panicked: %v", tt.spec, r)
					}
				}()
				_, err = scheduler.ParseCalendar(tt.spec, tt.holidays, time.UTC)
			}()
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ParseCalendar(%q, %q) = %v, want an error quoting %q", tt.spec, tt.holidays, err, tt.wantErr)
			}
		})
	}
}

func TestCalendarZoneAndAlwaysOpen(t *testing.T) {
	sh := mustZone(t, "Asia/Shanghai")
	tests := []struct {
		name       string
		spec       string
		holidays   []string
		loc        *time.Location
		wantAlways bool
		// openAt must be open and closedAt closed (zero: not checked).
		openAt, closedAt time.Time
	}{
		{name: "Empty", spec: "", wantAlways: true},
		{name: "Stars", spec: "* * * * *", wantAlways: true},
		{name: "StarsAndMore", spec: "* 9 * * *; * * * * *", wantAlways: true},
		{name: "WeekdaysOnly", spec: "* * * * 1-5"},
		{name: "EmptyWithHoliday", spec: "", holidays: []string{"2026-10-01"},
			openAt: time.Date(2026, 9, 30, 23, 59, 0, 0, time.UTC), closedAt: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)},
		{name: "ZoneFromFirstSpecWhenLocIsNil", spec: "* 9-17 * * *; CRON_TZ=Asia/Shanghai * 20 * * *",
			holidays: []string{"2026-10-01"},
			// 09:00 in Shanghai is open; 2026-10-01 is a Shanghai holiday, which
			// begins at 16:00 UTC on 30 September.
			openAt: time.Date(2026, 9, 30, 1, 0, 0, 0, time.UTC), closedAt: time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC)},
		{name: "LocWins", spec: "* 9-17 * * *", loc: sh,
			openAt: time.Date(2026, 9, 30, 1, 0, 0, 0, time.UTC), closedAt: time.Date(2026, 9, 30, 10, 0, 0, 0, time.UTC)},
		{name: "UTCByDefault", spec: "* 9-17 * * *",
			openAt: time.Date(2026, 9, 30, 9, 0, 0, 0, time.UTC), closedAt: time.Date(2026, 9, 30, 1, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustCalendar(t, tt.spec, tt.holidays, tt.loc)
			if c.AlwaysOpen() != tt.wantAlways {
				t.Fatalf("AlwaysOpen = %v, want %v", c.AlwaysOpen(), tt.wantAlways)
			}
			if !tt.openAt.IsZero() && !c.Open(tt.openAt) {
				t.Errorf("Open(%v) = false, want true", tt.openAt)
			}
			if !tt.closedAt.IsZero() && c.Open(tt.closedAt) {
				t.Errorf("Open(%v) = true, want false", tt.closedAt)
			}
			if tt.wantAlways {
				now := time.Date(2026, 3, 29, 1, 59, 0, 0, time.UTC)
				if got := c.NextClosed(now); !got.Equal(scheduler.Never) {
					t.Errorf("NextClosed of an always-open calendar = %v, want Never", got)
				}
				if got := c.Add(now, time.Hour); !got.Equal(now.Add(time.Hour)) {
					t.Errorf("Add(now, 1h) = %v, want now+1h", got)
				}
			}
		})
	}
}

func TestCalendarNeverOpenReturnsNever(t *testing.T) {
	// Open only at noon on 29 February, and 2028's is a holiday: the next
	// open minute (2032) is beyond the five-year horizon.
	c := mustCalendar(t, "0 12 29 2 *", []string{"2028-02-29"}, time.UTC)
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	if got := c.NextOpen(from); !got.Equal(scheduler.Never) {
		t.Errorf("NextOpen = %v, want Never", got)
	}
	if got := c.Add(from, time.Minute); !got.Equal(scheduler.Never) {
		t.Errorf("Add = %v, want Never", got)
	}
	if got := c.Between(from, from.AddDate(5, 0, 0)); got != 0 {
		t.Errorf("Between over five years = %v, want 0", got)
	}
	// Within the horizon it is found.
	if got, want := c.NextOpen(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)), time.Date(2032, 2, 29, 12, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("NextOpen from 2027 = %v, want %v", got, want)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %v, want well under a second", took)
	}
}

// TestCalendarAgainstMinuteByMinute checks NextOpen, NextClosed, Between and
// Add against a plain walk over every minute, for calendars and times around
// the DST changes.
func TestCalendarAgainstMinuteByMinute(t *testing.T) {
	berlin, ny, sh := mustZone(t, "Europe/Berlin"), mustZone(t, "America/New_York"), mustZone(t, "Asia/Shanghai")
	cals := []struct {
		name  string
		cal   *scheduler.Calendar
		start time.Time
	}{
		{"BerlinBizWithHoliday", mustCalendar(t, "* 9-17 * * 1-5", []string{"2026-03-30"}, berlin), time.Date(2026, 3, 25, 0, 0, 0, 0, berlin)},
		{"BerlinNightFall", mustCalendar(t, "* 0-5 * * *", nil, berlin), time.Date(2026, 10, 22, 0, 0, 0, 0, berlin)},
		{"NewYorkQuietOdd", mustRange(t, "22:30-08:15", ny), time.Date(2026, 3, 5, 0, 0, 0, 0, ny)},
		{"NewYorkFallEvenMinutes", mustCalendar(t, "*/2 1-2 * * *; 0-29 9-17 * * 1-5", nil, ny), time.Date(2026, 10, 29, 0, 0, 0, 0, ny)},
		{"ShanghaiSplit", mustCalendar(t, "* 9-11 * * 1-5; * 14-17 * * 1-5", []string{"2026-03-09"}, sh), time.Date(2026, 3, 5, 0, 0, 0, 0, sh)},
		{"MixedZones", mustCalendar(t, "CRON_TZ=America/New_York * 9-17 * * 1-5; CRON_TZ=Europe/Berlin * 9-17 * * 1-5", []string{"2026-03-27"}, berlin), time.Date(2026, 3, 25, 0, 0, 0, 0, berlin)},
		{"WeekendsAllDayWithHoliday", mustCalendar(t, "* * * * 0,6", []string{"2026-03-28"}, berlin), time.Date(2026, 3, 22, 0, 0, 0, 0, berlin)},
	}
	const window = 10 * 24 * 60 // minutes walked
	rng := rand.New(rand.NewSource(1))
	for _, cc := range cals {
		t.Run(cc.name, func(t *testing.T) {
			c := cc.cal
			open := make([]bool, window)
			for i := range open {
				open[i] = c.Open(cc.start.Add(time.Duration(i) * time.Minute))
			}
			minuteAt := func(i int) time.Time { return cc.start.Add(time.Duration(i) * time.Minute) }
			for q := 0; q < 150; q++ {
				i := rng.Intn(window / 2)
				sec := time.Duration(rng.Intn(4)*15) * time.Second // on the minute or inside it
				from := minuteAt(i).Add(sec)

				// NextOpen and NextClosed.
				wantOpen, wantClosed := time.Time{}, time.Time{}
				if open[i] {
					wantOpen = from
				} else {
					for j := i + 1; j < window; j++ {
						if open[j] {
							wantOpen = minuteAt(j)
							break
						}
					}
				}
				if !open[i] {
					wantClosed = from
				} else {
					for j := i + 1; j < window; j++ {
						if !open[j] {
							wantClosed = minuteAt(j)
							break
						}
					}
				}
				if got := c.NextOpen(from); !wantOpen.IsZero() && !got.Equal(wantOpen) {
					t.Fatalf("NextOpen(%v) = %v, want %v", from, got, wantOpen)
				}
				if got := c.NextClosed(from); !wantClosed.IsZero() && !got.Equal(wantClosed) {
					t.Fatalf("NextClosed(%v) = %v, want %v", from, got, wantClosed)
				}

				// Between, to a later minute boundary.
				k := i + 1 + rng.Intn(window/2-1)
				var want time.Duration
				for j := i; j < k; j++ {
					if open[j] {
						want += time.Minute
					}
				}
				if open[i] {
					want -= sec
				}
				if got := c.Between(from, minuteAt(k)); got != want {
					t.Fatalf("Between(%v, %v) = %v, want %v", from, minuteAt(k), got, want)
				}

				// Add: the earliest u with Between(from, u) = d.
				d := time.Duration(1+rng.Intn(600)) * time.Minute
				var acc time.Duration
				var wantAdd time.Time
				for j := i; j < window && wantAdd.IsZero(); j++ {
					if !open[j] {
						continue
					}
					begin := minuteAt(j)
					if j == i {
						begin = from
					}
					avail := minuteAt(j + 1).Sub(begin)
					if acc+avail >= d {
						wantAdd = begin.Add(d - acc)
					}
					acc += avail
				}
				if wantAdd.IsZero() {
					continue // beyond the window
				}
				if got := c.Add(from, d); !got.Equal(wantAdd) {
					t.Fatalf("Add(%v, %v) = %v, want %v", from, d, got, wantAdd)
				}
				if got := c.Between(from, wantAdd); got != d {
					t.Fatalf("Between(%v, Add(%v)) = %v, want %v", from, d, got, d)
				}
			}
		})
	}
}
