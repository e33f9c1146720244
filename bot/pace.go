package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pace is how fast a sender may deliver to one platform: a rate per
// destination (Count messages per Per, with a Burst after a quiet spell),
// a random Jitter added to every message, and a cap on the messages the
// whole account sends in any hour. The zero Pace is "off": no pacing.
//
// A destination is what the platform limits, which is not always the
// recipient: every case thread of the Slack team channel is the same Slack
// channel. It is the recipient (Outbound.Recipient) unless the adapter
// names it (PaceKeyer).
//
// A Pace is written as a setting (ParsePace) in words separated by spaces:
//
//	off                        no pacing (so is "")
//	1/s                        one message a second per destination
//	2/s burst 3                two a second, up to three at once after a pause
//	1/3s jitter 1s hour 300    one every 3 to 4 s, at most 300 in any hour
//	20/m                       twenty a minute
//	hour 500                   no rate per destination, 500 an hour in all
//
// The rate is N/PERIOD, where PERIOD is s, m or h (one of them) or a Go
// duration ("3s", "1.5s", "500ms", "1m30s"). "burst N" lets N messages to
// an idle destination go at once (default 1; it needs a rate). "jitter D"
// makes each message wait a further random time below D, and that time
// counts against the destination's rate, so that with a backlog the gaps
// are PERIOD/N plus up to D ("1/2s jitter 2s": a gap of 2 to 4 s). "hour N"
// allows at most N messages in any rolling hour to the whole platform.
type Pace struct {
	// Count messages per Per to one destination; 0 for no rate.
	Count int
	Per   time.Duration
	// Burst is how many messages an idle destination may take at once;
	// at least 1 when there is a rate.
	Burst int
	// Jitter is the upper bound of the random wait added to each message.
	Jitter time.Duration
	// Hour caps the messages of the whole platform in any rolling hour; 0
	// for no cap.
	Hour int
}

// Off reports whether the pace lets everything go at once.
func (p Pace) Off() bool { return p.Count == 0 && p.Jitter == 0 && p.Hour == 0 }

// Every returns the time between two messages to one destination once its
// burst is spent, or 0 when there is no rate.
func (p Pace) Every() time.Duration {
	if p.Count <= 0 {
		return 0
	}
	return p.Per / time.Duration(p.Count)
}

// String writes the pace in the syntax ParsePace reads.
func (p Pace) String() string {
	if p.Off() {
		return "off"
	}
	var w []string
	if p.Count > 0 {
		per := p.Per.String()
		switch p.Per {
		case time.Second:
			per = "s"
		case time.Minute:
			per = "m"
		case time.Hour:
			per = "h"
		}
		w = append(w, strconv.Itoa(p.Count)+"/"+per)
		if p.Burst > 1 {
			w = append(w, "burst "+strconv.Itoa(p.Burst))
		}
	}
	if p.Jitter > 0 {
		w = append(w, "jitter "+p.Jitter.String())
	}
	if p.Hour > 0 {
		w = append(w, "hour "+strconv.Itoa(p.Hour))
	}
	return strings.Join(w, " ")
}

// UnmarshalText reads a pace setting (ParsePace), so that a Pace can be a
// flag or a field of a configuration file.
func (p *Pace) UnmarshalText(b []byte) error {
	v, err := ParsePace(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// MarshalText writes the pace as String does.
func (p Pace) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// ParsePace reads a pace setting (see Pace for the syntax). "" and "off"
// are no pacing. The error, an EINVALID *Error, quotes the setting and
// says which word is wrong and why.
func ParsePace(s string) (Pace, error) {
	const op = "bot.ParsePace"
	bad := func(format string, args ...any) (Pace, error) {
		return Pace{}, Errorf(EINVALID, op, "pace %q: %s", s, fmt.Sprintf(format, args...))
	}
	words := strings.Fields(strings.ToLower(s))
	if len(words) == 0 || len(words) == 1 && words[0] == "off" {
		return Pace{}, nil
	}
	var p Pace
	seen := map[string]bool{}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if strings.Contains(w, "/") {
			if seen["rate"] {
				return bad("two rates (%q)", w)
			}
			seen["rate"] = true
			n, per, _ := strings.Cut(w, "/")
			count, err := strconv.Atoi(n)
			if err != nil {
				return bad("%q in %q is not a whole number of messages", n, w)
			}
			if count < 1 {
				return bad("the rate %q must allow at least 1 message", w)
			}
			d, ok := parsePeriod(per)
			if !ok {
				return bad("%q in %q is not a period (write s, m, h or a duration such as 3s)", per, w)
			}
			if d <= 0 {
				return bad("the period in %q must be more than zero", w)
			}
			if d/time.Duration(count) < time.Microsecond {
				return bad("the rate %q is faster than one message a microsecond", w)
			}
			p.Count, p.Per = count, d
			continue
		}
		switch w {
		case "burst", "jitter", "hour":
		case "off":
			return bad(`"off" must stand alone`)
		default:
			return bad("unknown word %q (want a rate such as 1/s, or burst, jitter, hour)", w)
		}
		if seen[w] {
			return bad("%q is given twice", w)
		}
		seen[w] = true
		if i+1 >= len(words) {
			if w == "jitter" {
				return bad(`"jitter" needs a duration after it, such as "jitter 1s"`)
			}
			return bad("%q needs a number after it, such as %q", w, w+" 3")
		}
		i++
		v := words[i]
		switch w {
		case "burst", "hour":
			n, err := strconv.Atoi(v)
			if err != nil {
				return bad("%s %q is not a whole number of messages", w, v)
			}
			if n < 1 {
				return bad("%s must be at least 1, not %d", w, n)
			}
			if w == "burst" {
				p.Burst = n
			} else {
				p.Hour = n
			}
		case "jitter":
			d, err := time.ParseDuration(v)
			if err != nil {
				return bad("jitter %q is not a duration (write 1s, 500ms…)", v)
			}
			if d < 0 {
				return bad("jitter must not be negative, not %s", v)
			}
			p.Jitter = d
		}
	}
	if p.Burst > 0 && p.Count == 0 {
		return bad(`a burst needs a rate, as in "1/s burst %d"`, p.Burst)
	}
	if p.Count > 0 && p.Burst == 0 {
		p.Burst = 1
	}
	return p, nil
}

// parsePeriod reads the PERIOD of a rate: a unit alone (one of it) or a Go
// duration.
func parsePeriod(s string) (time.Duration, bool) {
	switch s {
	case "ms":
		return time.Millisecond, true
	case "s":
		return time.Second, true
	case "m":
		return time.Minute, true
	case "h":
		return time.Hour, true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}

// pacer keeps the pacing state of one platform in memory: a token bucket
// per destination, the send times of the last hour, and the pauses the
// platform asked for. It is owned by one sender while it holds the
// channel's lease; a new holder starts afresh.
//
// The buckets count time, not messages: a token is a microsecond of the
// destination's time and a message costs Pace.Every() of it, so that a
// jitter can be charged to the destination too.
type pacer struct {
	pace     Pace
	cost     int // µs of destination time per message
	capacity int // µs: the burst

	mu     sync.Mutex
	dests  map[string]*dest
	pruned time.Time
	hour   []time.Time // send times, oldest first, at most pace.Hour of them
	all    time.Time   // the whole platform is paused until then
}

type dest struct {
	lim    *rate.Limiter // nil without a rate
	paused time.Time
	used   time.Time
}

const usPerSecond = 1_000_000

func newPacer(p Pace) *pacer {
	pc := &pacer{pace: p, dests: map[string]*dest{}}
	if p.Count > 0 {
		pc.cost = max(int(p.Every().Microseconds()), 1)
		pc.capacity = pc.cost * max(p.Burst, 1)
	}
	return pc
}

// dest returns the state of destination key, made on first use. Call with
// p.mu held.
func (p *pacer) dest(key string, now time.Time) *dest {
	p.prune(now)
	d := p.dests[key]
	if d == nil {
		d = &dest{}
		if p.cost > 0 {
			d.lim = rate.NewLimiter(usPerSecond, p.capacity)
		}
		p.dests[key] = d
	}
	d.used = now
	return d
}

// prune forgets, about once a minute, destinations that have been idle
// long enough for their bucket to be full again and their pause to be
// over: they are as good as new.
func (p *pacer) prune(now time.Time) {
	if now.Sub(p.pruned) < time.Minute {
		return
	}
	p.pruned = now
	idle := time.Duration(p.capacity)*time.Microsecond + p.pace.Jitter + time.Minute
	for k, d := range p.dests {
		if now.Sub(d.used) > idle && now.After(d.paused) {
			delete(p.dests, k)
		}
	}
}

// pausedUntil returns when a delivery to key may be tried again after the
// pauses the platform asked for (zero when there is none).
func (p *pacer) pausedUntil(key string, now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.all
	if d := p.dests[key]; d != nil && d.paused.After(t) {
		t = d.paused
	}
	if !t.After(now) {
		return time.Time{}
	}
	return t
}

// pause holds deliveries to key until until; pauseAll every delivery of
// the platform. A pause never shortens one already set.
func (p *pacer) pause(key string, until, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d := p.dest(key, now); until.After(d.paused) {
		d.paused = until
	}
}

func (p *pacer) pauseAll(until time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until.After(p.all) {
		p.all = until
	}
}

// turn reserves the next turn of destination key at now and returns how
// long to wait for it (0 without a rate), and the tokens the bucket holds
// at that turn, for charge.
func (p *pacer) turn(key string, now time.Time) (time.Duration, float64) {
	p.mu.Lock()
	d := p.dest(key, now)
	p.mu.Unlock()
	if d.lim == nil {
		return 0, 0
	}
	wait := d.lim.ReserveN(now, p.cost).DelayFrom(now)
	return wait, d.lim.TokensAt(now.Add(wait))
}

// jitter returns a random wait below Pace.Jitter.
func (p *pacer) jitter() time.Duration {
	if p.pace.Jitter <= 0 {
		return 0
	}
	return rand.N(p.pace.Jitter)
}

// charge counts the jitter waited since a turn against destination key:
// it takes back what the bucket gained since (it held base tokens at the
// turn), so that the destination's next turn comes as much later.
func (p *pacer) charge(key string, base float64, now time.Time) {
	p.mu.Lock()
	d := p.dest(key, now)
	p.mu.Unlock()
	if d.lim == nil {
		return
	}
	// A reservation may not exceed the bucket's size; the debt may.
	for us := int(d.lim.TokensAt(now) - base); us > 0; us -= p.capacity {
		d.lim.ReserveN(now, min(us, p.capacity))
	}
}

// hourTurn reserves a send time within the hourly cap at now and returns
// how long to wait for it (0 without a cap). Reservations are made in
// time order (under p.mu, with a clock that does not go back), so the
// list stays sorted and its first entry is the one that frees a slot.
func (p *pacer) hourTurn(now time.Time) time.Duration {
	if p.pace.Hour <= 0 {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	at := now
	if len(p.hour) > 0 && p.hour[len(p.hour)-1].After(at) {
		at = p.hour[len(p.hour)-1]
	}
	if len(p.hour) >= p.pace.Hour {
		if free := p.hour[0].Add(time.Hour); free.After(at) {
			at = free
		}
		p.hour = p.hour[1:]
	}
	p.hour = append(p.hour, at)
	return at.Sub(now)
}

// wait waits, for a delivery to destination key, until the platform's
// pauses are over and the pace allows it: its turn at the destination,
// then its jitter, then a slot within the hourly cap. It returns how long
// it waited, or ctx's error, or errStopping when stop is closed first.
func (p *pacer) wait(ctx context.Context, stop <-chan struct{}, key string) (time.Duration, error) {
	began := time.Now()
	if err := p.waitPause(ctx, stop, key); err != nil {
		return 0, err
	}
	if !p.pace.Off() {
		wait, base := p.turn(key, time.Now())
		if err := sleep(ctx, stop, wait); err != nil {
			return 0, err
		}
		if j := p.jitter(); j > 0 {
			if err := sleep(ctx, stop, j); err != nil {
				return 0, err
			}
			p.charge(key, base, time.Now())
		}
		if err := sleep(ctx, stop, p.hourTurn(time.Now())); err != nil {
			return 0, err
		}
		// A pause may have come while this waited its turn.
		if err := p.waitPause(ctx, stop, key); err != nil {
			return 0, err
		}
	}
	return time.Since(began), nil
}

func (p *pacer) waitPause(ctx context.Context, stop <-chan struct{}, key string) error {
	for {
		now := time.Now()
		until := p.pausedUntil(key, now)
		if until.IsZero() {
			return nil
		}
		if err := sleep(ctx, stop, until.Sub(now)); err != nil {
			return err
		}
	}
}

// errStopping ends a wait when the sender is stopping.
var errStopping = errors.New("sender stopping")

// sleep waits for d, or returns ctx's error when ctx ends first, or
// errStopping when stop is closed first. A d of 0 or less returns at once
// (unless ctx has ended).
func sleep(ctx context.Context, stop <-chan struct{}, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-stop:
		return errStopping
	}
}
