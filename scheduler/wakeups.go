package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// WakeUps is a set of named wake-ups kept in Redis, each with one due time.
//
// The layout is a contract, because other packages write to the set inside
// their own Lua scripts (so that a case change and its next wake-up commit
// together): the set is one Redis sorted set at Key(), whose members are the
// wake-up names and whose scores are the due times in Unix milliseconds
// (integers). To schedule or reschedule, write `ZADD <key> <ms> <name>`; to
// clear, `ZREM <key> <name>`. Nothing else is stored: a name has at most one
// due time, and a later ZADD replaces it.
//
// While a wake-up is claimed, its score is the end of its lease (see Claim),
// so rescheduling or clearing a claimed wake-up simply overwrites or removes
// the lease, and Done then leaves the new state alone.
//
// On Redis Cluster the whole set lives in the slot of its key; give the key
// a hash tag ("{wake}:due") if scripts elsewhere must touch it together with
// other keys. Each pending wake-up costs about 100 bytes of Redis memory with
// names of about a dozen bytes.
type WakeUps struct {
	rdb redis.UniversalClient
	key string
}

// Claimed is a wake-up taken by Claim.
type Claimed struct {
	// Name is the wake-up's name.
	Name string
	// Due is the time the wake-up was due: the score it had when claimed.
	// For a wake-up claimed again after a lease ran out, that is when the
	// lease ran out.
	Due time.Time
	// Lease is the score (Unix ms) Claim gave the wake-up: the end of the
	// lease. Done removes the wake-up only if its score is still this.
	Lease int64
	// Next, when not zero, makes Done set the wake-up again for Next
	// instead of removing it (still only if its score is Lease). The
	// Runner sets it from a handler's Reschedule.
	Next time.Time
}

// Reschedule, returned by a Handler, means the wake-up was handled and is
// due again at At (zero: never). The Runner sets it again when it finishes
// the wake-up, in the same batched round trip, and only if nobody changed
// the wake-up since it was claimed — a change made meanwhile stands. A
// handler whose only result is its next wake-up saves a write this way.
type Reschedule struct{ At time.Time }

func (r Reschedule) Error() string {
	return "scheduler: reschedule for " + r.At.Format(time.RFC3339Nano)
}

// NewWakeUps returns the wake-up set stored at key. It does not touch Redis.
func NewWakeUps(rdb redis.UniversalClient, key string) *WakeUps {
	return &WakeUps{rdb: rdb, key: key}
}

// Key returns the Redis key of the sorted set that holds the wake-ups.
func (w *WakeUps) Key() string { return w.key }

// Set schedules the named wake-up at at (to the millisecond), replacing any
// time it had. A time in the past makes it due at once.
func (w *WakeUps) Set(ctx context.Context, name string, at time.Time) error {
	if name == "" {
		return errors.New("scheduler: set wake-up: empty name")
	}
	err := w.rdb.ZAdd(ctx, w.key, redis.Z{Score: float64(at.UnixMilli()), Member: name}).Err()
	if err != nil {
		return fmt.Errorf("scheduler: set wake-up %q: %w", name, err)
	}
	return nil
}

// Clear removes the named wake-up. Clearing a name that has no wake-up is
// not an error.
func (w *WakeUps) Clear(ctx context.Context, name string) error {
	if err := w.rdb.ZRem(ctx, w.key, name).Err(); err != nil {
		return fmt.Errorf("scheduler: clear wake-up %q: %w", name, err)
	}
	return nil
}

// Due returns the named wake-up's score as a time, and false if the name has
// no wake-up. For a claimed wake-up the score is the end of its lease.
func (w *WakeUps) Due(ctx context.Context, name string) (time.Time, bool, error) {
	score, err := w.rdb.ZScore(ctx, w.key, name).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("scheduler: due of wake-up %q: %w", name, err)
	}
	return time.UnixMilli(int64(score)), true, nil
}

// Len returns how many wake-ups are pending, claimed ones included.
func (w *WakeUps) Len(ctx context.Context) (int64, error) {
	n, err := w.rdb.ZCard(ctx, w.key).Result()
	if err != nil {
		return 0, fmt.Errorf("scheduler: count wake-ups: %w", err)
	}
	return n, nil
}

// DueCount returns how many wake-ups are due at now (or overdue) and not
// leased: the backlog the runners have yet to claim. A claimed wake-up
// counts again only if its lease runs out.
func (w *WakeUps) DueCount(ctx context.Context, now time.Time) (int64, error) {
	n, err := w.rdb.ZCount(ctx, w.key, "-inf", strconv.FormatInt(now.UnixMilli(), 10)).Result()
	if err != nil {
		return 0, fmt.Errorf("scheduler: count due wake-ups: %w", err)
	}
	return n, nil
}

// claimScript leases the wake-ups that are due by Redis's clock.
var claimScript = redis.NewScript(`
-- claim: lease up to max wake-ups that are due now.
-- KEYS[1]  the wake-up set: sorted set, member = name, score = due time (Unix ms)
-- ARGV[1]  max: the most wake-ups to claim (> 0)
-- ARGV[2]  lease: how many milliseconds the claimed wake-ups stay leased (> 0)
-- Returns  {now, next, name_1, due_1, ..., name_n, due_n}:
--   now     Redis's TIME in Unix ms; each claimed wake-up's score is now + lease
--   next    the lowest score left in the set after the claim (a string),
--           or -1 when the set is empty
--   name_i  a claimed wake-up, due_i the score (a string) it had before
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = now + tonumber(ARGV[2])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[1]))
local out = {now, -1}
for i = 1, #due, 2 do
  redis.call('ZADD', KEYS[1], lease, due[i])
  out[#out + 1] = due[i]
  out[#out + 1] = due[i + 1]
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if first[2] then
  out[2] = first[2]
end
return out
`)

// doneScript removes finished wake-ups, or sets them again, unless they
// were rescheduled meanwhile.
var doneScript = redis.NewScript(`
-- done: finish claimed wake-ups whose score is still the lease Claim gave them.
-- KEYS[1]        the wake-up set: sorted set, member = name, score = due time (Unix ms)
-- ARGV[3i-2]     the name of the i-th finished wake-up
-- ARGV[3i-1]     the lease score (Unix ms) Claim gave it
-- ARGV[3i]       when to wake it again (Unix ms); 0 removes it
-- Returns        the number of wake-ups finished; one that was rescheduled,
--                cleared or claimed again since is left as it is and not counted
local n = 0
for i = 1, #ARGV, 3 do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if s and tonumber(s) == tonumber(ARGV[i + 1]) then
    if tonumber(ARGV[i + 2]) > 0 then
      redis.call('ZADD', KEYS[1], 'XX', ARGV[i + 2], ARGV[i])
    else
      redis.call('ZREM', KEYS[1], ARGV[i])
    end
    n = n + 1
  end
end
return n
`)

// Claim atomically takes up to max wake-ups that are due at Redis's current
// time (earliest first) and leases them: each one's score becomes now+lease,
// so no other replica claims it while the lease lasts. If the holder dies,
// the wake-up becomes due again when the lease runs out and is claimed again
// (at-least-once). The holder finishes a wake-up with Done. Claim costs one
// round trip and O(log N + max·log N) work in Redis.
func (w *WakeUps) Claim(ctx context.Context, max int, lease time.Duration) ([]Claimed, error) {
	cs, _, err := w.claim(ctx, max, lease)
	return cs, err
}

// claimResult is what a claim saw besides the wake-ups it took.
type claimResult struct {
	// now is Redis's time when it claimed.
	now time.Time
	// next is the lowest score left in the set, and ok false if none is.
	next time.Time
	ok   bool
}

func (w *WakeUps) claim(ctx context.Context, max int, lease time.Duration) ([]Claimed, claimResult, error) {
	if max <= 0 {
		return nil, claimResult{}, nil
	}
	leaseMs := lease.Milliseconds()
	if leaseMs <= 0 {
		return nil, claimResult{}, fmt.Errorf("scheduler: claim wake-ups: lease %v is under a millisecond", lease)
	}
	res, err := claimScript.Run(ctx, w.rdb, []string{w.key}, max, leaseMs).Slice()
	if err != nil {
		return nil, claimResult{}, fmt.Errorf("scheduler: claim wake-ups: %w", err)
	}
	if len(res) < 2 || len(res)%2 != 0 {
		return nil, claimResult{}, fmt.Errorf("scheduler: claim wake-ups: unexpected reply of %d values", len(res))
	}
	now, err := replyMillis(res[0])
	if err != nil {
		return nil, claimResult{}, fmt.Errorf("scheduler: claim wake-ups: now: %w", err)
	}
	next, err := replyMillis(res[1])
	if err != nil {
		return nil, claimResult{}, fmt.Errorf("scheduler: claim wake-ups: next: %w", err)
	}
	info := claimResult{now: time.UnixMilli(now), next: time.UnixMilli(next), ok: next >= 0}
	cs := make([]Claimed, 0, (len(res)-2)/2)
	for i := 2; i < len(res); i += 2 {
		name, _ := res[i].(string)
		due, err := replyMillis(res[i+1])
		if err != nil {
			return nil, claimResult{}, fmt.Errorf("scheduler: claim wake-ups: due of %q: %w", name, err)
		}
		cs = append(cs, Claimed{Name: name, Due: time.UnixMilli(due), Lease: now + leaseMs})
	}
	return cs, info, nil
}

// replyMillis reads a millisecond value that a script returned either as an
// integer or as a score string.
func replyMillis(v any) (int64, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case string:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, err
		}
		return int64(f), nil
	default:
		return 0, fmt.Errorf("unexpected %T", v)
	}
}

// Done finishes claimed wake-ups: each is removed (or, with Next set, set
// again for Next) only if its score is still the lease score Claim gave it. If the handler (or anyone) rescheduled the
// wake-up meanwhile, the new time stands; if it was cleared, or its lease ran
// out and another replica claimed it, Done leaves it alone. Done takes one
// round trip however many wake-ups it is given.
func (w *WakeUps) Done(ctx context.Context, cs ...Claimed) error {
	if len(cs) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(cs))
	for _, c := range cs {
		var next int64
		if !c.Next.IsZero() {
			next = max(c.Next.UnixMilli(), 1)
		}
		args = append(args, c.Name, c.Lease, next)
	}
	if err := doneScript.Run(ctx, w.rdb, []string{w.key}, args...).Err(); err != nil {
		return fmt.Errorf("scheduler: finish %d wake-ups: %w", len(cs), err)
	}
	return nil
}
