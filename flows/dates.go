package flows

import (
	"time"
)

// How relative days are resolved (the same rule in Chinese and English):
//
//   - Weeks run Monday to Sunday, as in China (and ISO 8601).
//   - 上周三 / 上星期三 / "last Wednesday" is the Wednesday of the week
//     before the current one, whatever today is: on Monday 2026-11-23 and on
//     Thursday 2026-11-26 "last Tuesday" is 2026-11-17.
//   - 这周三 / 本周三 / "this Wednesday" is the Wednesday of the current
//     week; when that is after tomorrow it is not read (a complaint tells
//     what happened).
//   - A bare weekday, 周三 / "on Wednesday", is the most recent Wednesday
//     strictly before today (one to seven days ago): people say 今天 /
//     "today" for today.
//   - 上周 / "last week" is the week before the current one, read as its
//     Monday with Approx set; 上个月 / "last month" is the previous month,
//     read as its first day with Approx set.
//   - A day of the year without a year (3月5日, "Nov 3") is the last such
//     day not after tomorrow: said on 2026-11-23, 12月20日 is 2025-12-20.
//     A day of the month alone (15号, "on the 12th") is in this month, or
//     the month before when that day is still to come.
//   - N days ago is exact; weeks, months and years ago are Approx.
//   - A date written with its year that is after tomorrow is dropped; so
//     is 今天 said as a deadline (今天必须给我退款), and an English
//     weekday or relative date after "next", "by", "until" or "every".
//
// "Tomorrow" rather than "today" is the limit because the customer's day
// may be ahead of the location of Context.Now.

// dateReading is one date found in the text.
type dateReading struct {
	at     span
	day    time.Time // midnight, in the location of the message time
	approx bool
}

// calendar resolves dates against the message time.
type calendar struct {
	now   time.Time
	loc   *time.Location
	today time.Time // midnight of the message day
}

// newCalendar returns the calendar of the message time now. It reports
// false when now is the zero time: then only dates written with a year can
// be read.
func newCalendar(now time.Time) (calendar, bool) {
	loc := now.Location()
	c := calendar{now: now, loc: loc, today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)}
	return c, !now.IsZero()
}

// day returns midnight of y-m-d and whether that day exists (no 2月30日).
func (c calendar) day(y int, m time.Month, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2999 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, c.loc)
	if t.Day() != d || t.Month() != m {
		return time.Time{}, false
	}
	return t, true
}

// addDays returns midnight n days from t (negative n goes back), by the
// calendar, so it is right across daylight-saving changes.
func (c calendar) addDays(t time.Time, n int) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day()+n, 0, 0, 0, 0, c.loc)
}

// addMonths returns the first day of the month n months from t's month.
func (c calendar) addMonths(t time.Time, n int) time.Time {
	return time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, c.loc)
}

// latest reports whether t is not after tomorrow, the latest day a
// complaint can be about.
func (c calendar) latest(t time.Time) bool { return !t.After(c.addDays(c.today, 1)) }

// weekdayIndex numbers days from Monday (0) to Sunday (6).
func weekdayIndex(w time.Weekday) int { return (int(w) + 6) % 7 }

// monday returns the Monday of the week holding today, moved by weeks.
func (c calendar) monday(weeks int) time.Time {
	return c.addDays(c.today, -weekdayIndex(c.today.Weekday())+7*weeks)
}

// weekdayOf returns day wd (0 Monday … 6 Sunday) of the week moved by weeks
// from the current one.
func (c calendar) weekdayOf(weeks, wd int) time.Time { return c.addDays(c.monday(weeks), wd) }

// lastWeekday returns the most recent day wd strictly before today.
func (c calendar) lastWeekday(wd int) time.Time {
	diff := (weekdayIndex(c.today.Weekday()) - wd + 7) % 7
	if diff == 0 {
		diff = 7
	}
	return c.addDays(c.today, -diff)
}

// monthDay resolves a day of the year said without its year: the last one
// not after tomorrow.
func (c calendar) monthDay(m time.Month, d int) (time.Time, bool) {
	for y := c.today.Year(); y >= c.today.Year()-4; y-- {
		t, ok := c.day(y, m, d)
		if ok && c.latest(t) {
			return t, true
		}
		if !ok && m != time.February {
			return time.Time{}, false
		}
	}
	return time.Time{}, false
}

// dayOfMonth resolves a day of the month. With explicit set the month was
// named (上个月15号, 这个月3号: monthsBack months before this one) and the
// day is in that month or nowhere; otherwise (15号, "on the 12th") it is in
// this month, or the last month that has that day when it is still to come.
func (c calendar) dayOfMonth(monthsBack, d int, explicit bool) (time.Time, bool) {
	tries := 4
	if explicit {
		tries = 1
	}
	for k := 0; k < tries; k++ {
		first := c.addMonths(c.today, -monthsBack-k)
		t, ok := c.day(first.Year(), first.Month(), d)
		if ok && c.latest(t) {
			return t, true
		}
	}
	return time.Time{}, false
}

// fullDate resolves a date written with its year; a date after tomorrow is
// not the date of a complaint and is dropped.
func (c calendar) fullDate(y int, m time.Month, d int, known bool) (time.Time, bool) {
	t, ok := c.day(y, m, d)
	if !ok || known && !c.latest(t) {
		return time.Time{}, false
	}
	return t, true
}
