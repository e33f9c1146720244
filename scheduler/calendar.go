package scheduler

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Never is what NextOpen, NextClosed and Add return when the answer lies
// beyond their search horizon: more than about five years past the time
// asked about (a calendar that is never open, or never closed), or, for Add,
// after a million open stretches. It is after every time a calendar can
// return, so `!t.Before(Never)` tests for it.
var Never = time.Date(9999, time.December, 31, 23, 59, 0, 0, time.UTC)

const (
	// horizon is how far ahead NextOpen and NextClosed look.
	horizon = 5 * 366 * 24 * time.Hour
	// maxRuns bounds the open stretches Add walks.
	maxRuns = 1_000_000
	// starBit is robfig/cron's mark of a "*" day field (unexported there).
	starBit = 1 << 63
)

// Calendar is a set of open minutes in a time zone: business hours, quiet
// hours and the like. It is the union of cron specs, each describing minutes
// that are open ("* 9-17 * * 1-5" is open Monday to Friday from 09:00 to
// 17:59), less holidays, which are closed all day.
//
// A minute is open if its local wall-clock fields match a spec, so on the
// day clocks go forward the skipped local hour has no minutes at all, and on
// the day they go back the repeated hour is open twice if it matches. The
// arithmetic (Add, Between) counts real elapsed time, so "one business hour"
// across a skipped hour is still sixty minutes of open time.
//
// A Calendar is immutable and safe for concurrent use.
type Calendar struct {
	loc      *time.Location
	specs    []*cron.SpecSchedule
	holidays map[int]bool // y*10000 + m*100 + d in loc
	always   bool
}

// ParseCalendar parses a calendar. spec holds one or more five-field cron
// specs joined by ";", each optionally prefixed with CRON_TZ=<zone> or
// TZ=<zone>; a minute is open if any spec matches it. An empty spec is open
// all the time (less holidays). holidays are dates "YYYY-MM-DD" in the
// calendar's zone that are closed all day.
//
// The calendar's zone (for specs without a prefix and for holidays) is loc;
// if loc is nil, it is the zone of the first spec that names one, else UTC.
// ParseCalendar never panics: a spec robfig/cron's parser panics on (such as
// "TZ=0"), a descriptor ("@daily" describes an instant, not open minutes), a
// spec that never matches, or a bad holiday is an error naming it.
func ParseCalendar(spec string, holidays []string, loc *time.Location) (*Calendar, error) {
	var parts []string
	for _, p := range strings.Split(spec, ";") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	c := &Calendar{loc: loc, holidays: map[int]bool{}}
	if c.loc == nil {
		c.loc = time.UTC
		for _, p := range parts {
			if s, err := parseOpenSpec(p, nil); err == nil && hasZone(p) {
				c.loc = s.Location
				break
			}
		}
	}
	if len(parts) == 0 {
		parts = []string{"* * * * *"}
	}
	for _, p := range parts {
		s, err := parseOpenSpec(p, c.loc)
		if err != nil {
			return nil, fmt.Errorf("scheduler: calendar spec %q: %w", p, err)
		}
		c.specs = append(c.specs, s)
	}
	for _, h := range holidays {
		d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(h), c.loc)
		if err != nil {
			return nil, fmt.Errorf("scheduler: calendar holiday %q: want YYYY-MM-DD", h)
		}
		c.holidays[dateKey(d)] = true
	}
	c.always = len(c.holidays) == 0 && c.anyFull()
	return c, nil
}

// ParseDailyRange parses a calendar open every day from one wall-clock time
// up to (not including) another in loc (UTC if nil), such as quiet hours
// "22:00-08:00" (an en dash works too). The range may wrap past midnight;
// "24:00" may end it ("00:00-24:00" is always open). Equal ends are an
// error, as their meaning (never, or always) is ambiguous.
func ParseDailyRange(r string, loc *time.Location) (*Calendar, error) {
	if loc == nil {
		loc = time.UTC
	}
	fail := func(why string) (*Calendar, error) {
		return nil, fmt.Errorf("scheduler: daily range %q: %s", r, why)
	}
	norm := strings.ReplaceAll(r, "–", "-")
	from, to, ok := strings.Cut(norm, "-")
	if !ok {
		return fail(`want "HH:MM-HH:MM"`)
	}
	start, err := clockMinutes(strings.TrimSpace(from), false)
	if err != nil {
		return fail(err.Error())
	}
	end, err := clockMinutes(strings.TrimSpace(to), true)
	if err != nil {
		return fail(err.Error())
	}
	if start == end {
		return fail("start and end are the same time of day")
	}
	var specs []string
	if start < end {
		specs = rangeSpecs(start, end)
	} else {
		specs = append(rangeSpecs(start, 24*60), rangeSpecs(0, end)...)
	}
	return ParseCalendar(strings.Join(specs, ";"), nil, loc)
}

// clockMinutes parses "HH:MM" into minutes after midnight; "24:00" only if
// end is set.
func clockMinutes(s string, end bool) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(m) != 2 || len(h) < 1 || len(h) > 2 {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("%q is not HH:MM", s)
	}
	if hh > 23 && !(end && hh == 24 && mm == 0) {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return hh*60 + mm, nil
}

// rangeSpecs returns cron specs open in the minutes [start, end) of every
// day, 0 <= start < end <= 1440.
func rangeSpecs(start, end int) []string {
	last := end - 1
	if start/60 == last/60 {
		return []string{fmt.Sprintf("%d-%d %d * * *", start%60, last%60, start/60)}
	}
	var specs []string
	firstFull, lastFull := start/60, last/60
	if start%60 != 0 {
		specs = append(specs, fmt.Sprintf("%d-59 %d * * *", start%60, start/60))
		firstFull++
	}
	if last%60 != 59 {
		specs = append(specs, fmt.Sprintf("0-%d %d * * *", last%60, last/60))
		lastFull--
	}
	if firstFull <= lastFull {
		specs = append(specs, fmt.Sprintf("* %d-%d * * *", firstFull, lastFull))
	}
	return specs
}

func hasZone(spec string) bool {
	return strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=")
}

// parseOpenSpec parses one five-field spec, in loc unless it names a zone.
func parseOpenSpec(spec string, loc *time.Location) (s *cron.SpecSchedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("does not parse (%v)", r)
		}
	}()
	body := spec
	if hasZone(spec) {
		_, rest, ok := strings.Cut(spec, " ")
		if !ok {
			return nil, fmt.Errorf("a zone prefix needs a spec after it")
		}
		body = strings.TrimSpace(rest)
	}
	if strings.HasPrefix(body, "@") {
		return nil, fmt.Errorf("descriptors such as @daily name instants, not open minutes; write five fields")
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, err
	}
	ss, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("not a five-field spec")
	}
	if !hasZone(spec) && loc != nil {
		ss.Location = loc
	}
	// Fixed reference time, so parsing does not depend on the clock; a spec
	// such as "* * 30 2 *" never matches from any time.
	if ss.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, ss.Location)).IsZero() {
		return nil, fmt.Errorf("never matches")
	}
	return ss, nil
}

// AlwaysOpen reports whether every minute is open: a spec matches all of
// them and there are no holidays.
func (c *Calendar) AlwaysOpen() bool { return c.always }

func (c *Calendar) anyFull() bool {
	const (
		allMinutes = 1<<60 - 1
		allHours   = 1<<24 - 1
		allDom     = (1<<32 - 1) &^ 1 // 1-31
		allMonths  = (1<<13 - 1) &^ 1 // 1-12
		allDow     = 1<<7 - 1         // 0-6
	)
	for _, s := range c.specs {
		if s.Minute&allMinutes == allMinutes && s.Hour&allHours == allHours &&
			s.Dom&allDom == allDom && s.Month&allMonths == allMonths && s.Dow&allDow == allDow {
			return true
		}
	}
	return false
}

// Open reports whether the minute containing t is open.
func (c *Calendar) Open(t time.Time) bool {
	if c.always {
		return true
	}
	if len(c.holidays) > 0 && c.holidays[dateKey(t.In(c.loc))] {
		return false
	}
	for _, s := range c.specs {
		if matches(s, t) {
			return true
		}
	}
	return false
}

// NextOpen returns t itself if it is open, else the start of the next open
// minute (in t's location), or Never if there is none within about five
// years.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	if c.Open(t) {
		return t
	}
	n := c.openAfter(t.Truncate(time.Minute), t.Add(horizon))
	if n.Equal(Never) {
		return Never
	}
	return n.In(t.Location())
}

// NextClosed returns t itself if it is closed, else the start of the next
// closed minute (in t's location), or Never if there is none within about
// five years (as for a calendar that is always open).
func (c *Calendar) NextClosed(t time.Time) time.Time {
	if !c.Open(t) {
		return t
	}
	if c.always {
		return Never
	}
	limit := t.Add(horizon)
	n := c.openUntil(t.Truncate(time.Minute), limit)
	if !n.Before(limit) {
		return Never
	}
	return n.In(t.Location())
}

// Add returns the earliest time u >= t such that the open time in [t, u) is
// d: t plus d of business time. Starting in a closed minute, the count
// starts when the calendar opens; Add(Friday 17:55, 15m) with "* 9-17 * * 1-5"
// is Monday 09:10. A d that is not positive returns t. The result is in t's
// location, or Never if it cannot be found (see Never).
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	if c.always {
		return t.Add(d)
	}
	cur, rem := t, d
	for i := 0; i < maxRuns; i++ {
		cur = c.NextOpen(cur)
		if cur.Equal(Never) {
			return Never
		}
		want := cur.Add(rem)
		end := c.openUntil(cur.Truncate(time.Minute), want)
		if !end.Before(want) {
			return want.In(t.Location())
		}
		rem -= end.Sub(cur)
		cur = end
	}
	return Never
}

// Between returns the open time in [a, b): zero if b is not after a.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !a.Before(b) {
		return 0
	}
	if c.always {
		return b.Sub(a)
	}
	var sum time.Duration
	cur := a
	for cur.Before(b) {
		cur = c.NextOpen(cur)
		if !cur.Before(b) {
			break
		}
		end := c.openUntil(cur.Truncate(time.Minute), b)
		if end.After(b) {
			end = b
		}
		sum += end.Sub(cur)
		cur = end
	}
	return sum
}

// openAfter returns the start of the first open minute after the minute
// starting at m, or Never if it is after limit. It jumps over closed
// stretches with each spec's Next and over holidays a day at a time.
func (c *Calendar) openAfter(m, limit time.Time) time.Time {
	for m.Before(limit) {
		var best time.Time
		for _, s := range c.specs {
			n := s.Next(m.In(s.Location))
			if !n.IsZero() && (best.IsZero() || n.Before(best)) {
				best = n
			}
		}
		if best.IsZero() || best.After(limit) {
			return Never
		}
		if c.Open(best) {
			return best
		}
		// best is on a holiday (or, defensively, not a real match): go on
		// from the start of the next day, or from best.
		m = best
		if len(c.holidays) > 0 && c.holidays[dateKey(best.In(c.loc))] {
			m = c.nextDay(best)
			if c.Open(m) {
				return m
			}
		}
	}
	return Never
}

// openUntil returns the start of the first closed minute after the open
// minute starting at m, or, once it has walked to limit or past it without
// finding one, the point it reached (not before limit). It walks each
// matching spec's open stretch an hour at a time.
func (c *Calendar) openUntil(m, limit time.Time) time.Time {
	cur := m
	for cur.Before(limit) {
		end := cur
		for _, s := range c.specs {
			if matches(s, cur) {
				if e := runEnd(s, cur); e.After(end) {
					end = e
				}
			}
		}
		if end.Equal(cur) {
			return cur // closed (a holiday), as the caller's loop will see
		}
		if len(c.holidays) > 0 {
			if next := c.nextDay(cur); end.After(next) {
				end = next // holidays begin at midnight
			}
		}
		cur = end
		if !c.Open(cur) {
			return cur
		}
	}
	return cur
}

// runEnd returns the end of s's open stretch that contains the minute
// starting at cur (which s matches), or a point inside it no earlier than
// the end of the local day: [cur, runEnd) is all matched by s.
func runEnd(s *cron.SpecSchedule, cur time.Time) time.Time {
	lt := cur.In(s.Location)
	mi := lt.Minute()
	k := mi
	for k < 60 && s.Minute&(1<<uint(k)) != 0 {
		k++
	}
	end := cur.Add(time.Duration(k-mi) * time.Minute)
	if k < 60 || s.Minute&(1<<60-1) != 1<<60-1 {
		return end // the stretch ends inside this hour, or at its end
	}
	// Every minute matches: walk whole local hours while they match.
	day := lt.Day()
	for {
		nl := end.In(s.Location)
		if nl.Day() != day || nl.Minute() != 0 || !matches(s, end) {
			return end
		}
		end = end.Add(time.Hour)
	}
}

// matches reports whether the minute containing t matches s, reading t's
// wall clock in s's zone exactly as robfig/cron's Next does.
func matches(s *cron.SpecSchedule, t time.Time) bool {
	lt := t.In(s.Location)
	if s.Minute&(1<<uint(lt.Minute())) == 0 || s.Hour&(1<<uint(lt.Hour())) == 0 ||
		s.Month&(1<<uint(lt.Month())) == 0 {
		return false
	}
	dom := s.Dom&(1<<uint(lt.Day())) != 0
	dow := s.Dow&(1<<uint(lt.Weekday())) != 0
	if s.Dom&starBit != 0 || s.Dow&starBit != 0 {
		return dom && dow
	}
	return dom || dow
}

// nextDay returns the start of the day after t's in the calendar's zone,
// or, where that midnight does not exist, the first instant after t that is
// on a later day.
func (c *Calendar) nextDay(t time.Time) time.Time {
	lt := t.In(c.loc)
	y, m, d := lt.Date()
	n := time.Date(y, m, d+1, 0, 0, 0, 0, c.loc)
	if !n.After(t) {
		n = t.Add(time.Hour).Truncate(time.Hour)
	}
	return n
}

func dateKey(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}
