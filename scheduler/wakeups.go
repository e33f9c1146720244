package scheduler

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// WakeUps is a set of named wake-ups kept in Redis, each with one due time.
//
// The layout is a contract, because other packages write to the set inside
// their own Lua scripts (so that a case change and its next wake-up commit
// together): the set is one or more Redis sorted sets (Keys), whose members
// are the wake-up names and whose scores are the due times in Unix
// milliseconds (integers). A name is in at most one of the keys; which one
// is the writer's choice (bot/redisstore puts a customer's wake-ups in the
// key of the customer's partition, in the customer's hash slot). To
// schedule or reschedule, write `ZADD <key> <ms> <name>`; to clear,
// `ZREM <key> <name>`. Nothing else is stored: a later ZADD replaces the
// due time.
//
// Several keys let the set spread over the nodes of a Redis Cluster: each
// key is one slot, and the Runner claims from every key.
//
// While a wake-up is claimed, its score is the end of its lease (see Claim),
// so rescheduling or clearing a claimed wake-up simply overwrites or removes
// the lease, and Done then leaves the new state alone.
//
// Each pending wake-up costs about 100 bytes of Redis memory with names of
// about a dozen bytes.
type WakeUps struct {
	rdb  redis.UniversalClient
	keys []string
	next atomic.Uint32 // the key the next claim starts at, so that no key waits behind the others
}

// Claimed is a wake-up taken by Claim.
type Claimed struct {
	// Name is the wake-up's name.
	Name string
	// Key is the sorted set it was claimed from.
	Key string
	// Due is the time the wake-up was due: the score it had when claimed.
	// For a wake-up claimed again after a lease ran out, that is when the
	// lease ran out.
	Due time.Time
	// Lease is the score (Unix ms) Claim (or the last Extend) gave the
	// wake-up: the end of its lease. Done removes the wake-up only if its
	// score is still this.
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

// NewWakeUps returns the wake-up set stored at keys (at least one). It does
// not touch Redis.
func NewWakeUps(rdb redis.UniversalClient, keys ...string) *WakeUps {
	if len(keys) == 0 {
		panic("scheduler: NewWakeUps needs at least one key")
	}
	return &WakeUps{rdb: rdb, keys: append([]string(nil), keys...)}
}

// Key returns the first Redis key of the set (the only one, for a set of
// one key).
func (w *WakeUps) Key() string { return w.keys[0] }

// Keys returns every Redis key of the set.
func (w *WakeUps) Keys() []string { return append([]string(nil), w.keys...) }

// keyFor is the key Set uses for a name no key holds yet.
func (w *WakeUps) keyFor(name string) string {
	return w.keys[crc32.ChecksumIEEE([]byte(name))%uint32(len(w.keys))]
}

// scores reads the name's score in every key, in one round trip.
func (w *WakeUps) scores(ctx context.Context, name string) ([]*redis.FloatCmd, error) {
	pipe := w.rdb.Pipeline()
	cmds := make([]*redis.FloatCmd, len(w.keys))
	for i, k := range w.keys {
		cmds[i] = pipe.ZScore(ctx, k, name)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	return cmds, nil
}

// Set schedules the named wake-up at at (to the millisecond), replacing any
// time it had. A time in the past makes it due at once. With several keys
// it writes the key that holds the name, or, for a new name, the key chosen
// by a hash of the name (one more round trip to find out).
func (w *WakeUps) Set(ctx context.Context, name string, at time.Time) error {
	if name == "" {
		return errors.New("scheduler: set wake-up: empty name")
	}
	key := w.keys[0]
	if len(w.keys) > 1 {
		key = w.keyFor(name)
		cmds, err := w.scores(ctx, name)
		if err != nil {
			return fmt.Errorf("scheduler: set wake-up %q: %w", name, err)
		}
		for i, c := range cmds {
			if c.Err() == nil {
				key = w.keys[i]
				break
			}
		}
	}
	err := w.rdb.ZAdd(ctx, key, redis.Z{Score: float64(at.UnixMilli()), Member: name}).Err()
	if err != nil {
		return fmt.Errorf("scheduler: set wake-up %q: %w", name, err)
	}
	return nil
}

// Clear removes the named wake-up, from whichever key holds it (one
// pipelined ZREM per key). Clearing a name that has no wake-up is not an
// error.
func (w *WakeUps) Clear(ctx context.Context, name string) error {
	pipe := w.rdb.Pipeline()
	for _, k := range w.keys {
		pipe.ZRem(ctx, k, name)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("scheduler: clear wake-up %q: %w", name, err)
	}
	return nil
}

// Due returns the named wake-up's score as a time, and false if the name has
// no wake-up. For a claimed wake-up the score is the end of its lease.
func (w *WakeUps) Due(ctx context.Context, name string) (time.Time, bool, error) {
	cmds, err := w.scores(ctx, name)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("scheduler: due of wake-up %q: %w", name, err)
	}
	for _, c := range cmds {
		if score, err := c.Result(); err == nil {
			return time.UnixMilli(int64(score)), true, nil
		}
	}
	return time.Time{}, false, nil
}

// Len returns how many wake-ups are pending, claimed ones included.
func (w *WakeUps) Len(ctx context.Context) (int64, error) {
	pipe := w.rdb.Pipeline()
	cmds := make([]*redis.IntCmd, len(w.keys))
	for i, k := range w.keys {
		cmds[i] = pipe.ZCard(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("scheduler: count wake-ups: %w", err)
	}
	var n int64
	for _, c := range cmds {
		n += c.Val()
	}
	return n, nil
}

// DueCount returns how many wake-ups are due at now (or overdue) and not
// leased: the backlog the runners have yet to claim, over every key (one
// pipelined ZCOUNT each). A claimed wake-up counts again only if its lease
// runs out.
func (w *WakeUps) DueCount(ctx context.Context, now time.Time) (int64, error) {
	pipe := w.rdb.Pipeline()
	cmds := make([]*redis.IntCmd, len(w.keys))
	for i, k := range w.keys {
		cmds[i] = pipe.ZCount(ctx, k, "-inf", strconv.FormatInt(now.UnixMilli(), 10))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("scheduler: count due wake-ups: %w", err)
	}
	var n int64
	for _, c := range cmds {
		n += c.Val()
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
// time (earliest first within each key) and leases them: each one's score
// becomes now+lease, so no other replica claims it while the lease lasts.
// If the holder dies, the wake-up becomes due again when the lease runs out
// and is claimed again (at-least-once); a live holder keeps it with Extend.
// The holder finishes a wake-up with Done. Claim costs one round trip (one
// script per key, pipelined; on Redis Cluster one round trip per node, in
// parallel) and O(log N + max·log N) work in Redis. With several keys, the
// max is shared among them, starting at a different key each call.
func (w *WakeUps) Claim(ctx context.Context, max int, lease time.Duration) ([]Claimed, error) {
	cs, _, err := w.claim(ctx, max, lease, nil)
	return cs, err
}

// claimResult is what a claim saw besides the wake-ups it took.
type claimResult struct {
	// now is Redis's time when it claimed.
	now time.Time
	// next is the lowest score left in the sets, and ok false if none is.
	next time.Time
	ok   bool
	// more is set when some key gave all it was asked for, so that more
	// may be due there, or was not asked; full lists those keys.
	more bool
	full []string
}

// claim claims from the keys given (every key when from is nil), sharing
// max among them.
func (w *WakeUps) claim(ctx context.Context, max int, lease time.Duration, from []string) ([]Claimed, claimResult, error) {
	if max <= 0 {
		return nil, claimResult{}, nil
	}
	leaseMs := lease.Milliseconds()
	if leaseMs <= 0 {
		return nil, claimResult{}, fmt.Errorf("scheduler: claim wake-ups: lease %v is under a millisecond", lease)
	}
	// Ask min(max, keys) keys, starting where the last claim stopped, for
	// a share of max each.
	if from == nil {
		from = w.keys
	}
	k := min(max, len(from))
	first := int(w.next.Add(uint32(k))-uint32(k)) % len(from)
	keys := make([]string, k)
	quota := make([]int, k)
	for i := range keys {
		keys[i] = from[(first+i)%len(from)]
		quota[i] = max / k
		if i < max%k {
			quota[i]++
		}
	}
	replies, err := w.evalEach(ctx, claimScript, keys, func(i int) []any { return []any{quota[i], leaseMs} })
	if err != nil {
		return nil, claimResult{}, fmt.Errorf("scheduler: claim wake-ups: %w", err)
	}
	var info claimResult
	// Keys not asked this time (max was smaller than the keys) may have
	// wake-ups due: they stay candidates for the next claim.
	for i := k; i < len(from); i++ {
		info.full = append(info.full, from[(first+i)%len(from)])
		info.more = true
	}
	var cs []Claimed
	for i, res := range replies {
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
		if info.now.IsZero() || time.UnixMilli(now).Before(info.now) {
			info.now = time.UnixMilli(now)
		}
		if next >= 0 && (!info.ok || time.UnixMilli(next).Before(info.next)) {
			info.next, info.ok = time.UnixMilli(next), true
		}
		got := (len(res) - 2) / 2
		if got >= quota[i] {
			info.more = true
			info.full = append(info.full, keys[i])
		}
		for j := 2; j < len(res); j += 2 {
			name, _ := res[j].(string)
			due, err := replyMillis(res[j+1])
			if err != nil {
				return nil, claimResult{}, fmt.Errorf("scheduler: claim wake-ups: due of %q: %w", name, err)
			}
			cs = append(cs, Claimed{Name: name, Key: keys[i], Due: time.UnixMilli(due), Lease: now + leaseMs})
		}
	}
	return cs, info, nil
}

// evalEach runs script once per key (KEYS = that key, ARGV = args(i)), in
// one pipeline, and returns the replies in key order. A server that lost
// the script (a restart, a failover) gets it loaded and the pipeline sent
// again, once.
func (w *WakeUps) evalEach(ctx context.Context, script *redis.Script, keys []string, args func(i int) []any) ([][]any, error) {
	if len(keys) == 1 {
		res, err := asSlice(script.Run(ctx, w.rdb, keys, args(0)...))
		if err != nil {
			return nil, err
		}
		return [][]any{res}, nil
	}
	for attempt := 0; ; attempt++ {
		pipe := w.rdb.Pipeline()
		cmds := make([]*redis.Cmd, len(keys))
		for i, k := range keys {
			cmds[i] = script.EvalSha(ctx, pipe, []string{k}, args(i)...)
		}
		_, _ = pipe.Exec(ctx)
		out := make([][]any, len(keys))
		var noscript bool
		var firstErr error
		for i, c := range cmds {
			res, err := asSlice(c)
			if err != nil {
				if strings.HasPrefix(err.Error(), "NOSCRIPT") {
					noscript = true
				} else if firstErr == nil {
					firstErr = err
				}
				continue
			}
			out[i] = res
		}
		if noscript && attempt == 0 {
			if err := script.Load(ctx, w.rdb).Err(); err != nil {
				return nil, err
			}
			continue
		}
		if noscript {
			return nil, errors.New("script not loaded on the server")
		}
		if firstErr != nil {
			return nil, firstErr
		}
		return out, nil
	}
}

// asSlice returns a script's reply as a list: the list it returned, or
// a list of the one value it returned.
func asSlice(c *redis.Cmd) ([]any, error) {
	v, err := c.Result()
	if err != nil {
		return nil, err
	}
	if l, ok := v.([]any); ok {
		return l, nil
	}
	return []any{v}, nil
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
// again for Next) only if its score is still the lease score Claim (or
// Extend) gave it. If the handler (or anyone) rescheduled the wake-up
// meanwhile, the new time stands; if it was cleared, or its lease ran out
// and another replica claimed it, Done leaves it alone. Done takes one
// round trip however many wake-ups it is given (one script per key they
// came from, pipelined).
func (w *WakeUps) Done(ctx context.Context, cs ...Claimed) error {
	if len(cs) == 0 {
		return nil
	}
	keys, args := groupByKey(w.keys[0], cs, func(c Claimed) []any {
		var next int64
		if !c.Next.IsZero() {
			next = max(c.Next.UnixMilli(), 1)
		}
		return []any{c.Name, c.Lease, next}
	})
	if _, err := w.evalEach(ctx, doneScript, keys, func(i int) []any { return args[i] }); err != nil {
		return fmt.Errorf("scheduler: finish %d wake-ups: %w", len(cs), err)
	}
	return nil
}

// extendScript moves the lease of claimed wake-ups whose score is still
// the lease their holder knows.
var extendScript = redis.NewScript(`
-- extend: renew the leases of claimed wake-ups still held.
-- KEYS[1]      the wake-up set: sorted set, member = name, score = due time (Unix ms)
-- ARGV[1]      lease: how many milliseconds from Redis's TIME the new lease lasts (> 0)
-- ARGV[2i]     the name of the i-th wake-up
-- ARGV[2i+1]   the lease score (Unix ms) its holder knows
-- Returns      {lease, flag_1, ..., flag_n}: lease the new lease score;
--              flag_i 1 if the i-th wake-up was extended, 0 if it was
--              rescheduled, cleared or claimed by another since
local t = redis.call('TIME')
local lease = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
local out = {lease}
for i = 2, #ARGV, 2 do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if s and tonumber(s) == tonumber(ARGV[i + 1]) then
    redis.call('ZADD', KEYS[1], 'XX', lease, ARGV[i])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
`)

// Extend renews the leases of claimed wake-ups that are still held: each
// one whose score is still its Lease gets a new lease of lease from
// Redis's current time, and its Lease is updated in cs. It reports, for
// each, whether it was extended; one that was not had been rescheduled,
// cleared or claimed by another replica (its lease ran out), and is no
// longer this holder's to finish. One round trip (one script per key,
// pipelined).
func (w *WakeUps) Extend(ctx context.Context, lease time.Duration, cs []Claimed) ([]bool, error) {
	out := make([]bool, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	leaseMs := lease.Milliseconds()
	if leaseMs <= 0 {
		return nil, fmt.Errorf("scheduler: extend wake-ups: lease %v is under a millisecond", lease)
	}
	keys, args := groupByKey(w.keys[0], cs, func(c Claimed) []any { return []any{c.Name, c.Lease} })
	replies, err := w.evalEach(ctx, extendScript, keys, func(i int) []any { return append([]any{leaseMs}, args[i]...) })
	if err != nil {
		return nil, fmt.Errorf("scheduler: extend %d wake-ups: %w", len(cs), err)
	}
	// groupByKey keeps the order of cs within each key.
	pos := map[string]int{}
	for i, k := range keys {
		pos[k] = i
	}
	seen := make([]int, len(keys))
	for i := range cs {
		k := cs[i].Key
		if k == "" {
			k = w.keys[0]
		}
		ki := pos[k]
		res := replies[ki]
		seen[ki]++
		if len(res) <= seen[ki] {
			return nil, fmt.Errorf("scheduler: extend wake-ups: short reply")
		}
		lease, err := replyMillis(res[0])
		if err != nil {
			return nil, fmt.Errorf("scheduler: extend wake-ups: %w", err)
		}
		if f, _ := res[seen[ki]].(int64); f == 1 {
			cs[i].Lease = lease
			out[i] = true
		}
	}
	return out, nil
}

// groupByKey splits claimed wake-ups by the key they came from (def for
// those without one), keeping their order, and turns each into script
// arguments.
func groupByKey(def string, cs []Claimed, argsOf func(Claimed) []any) ([]string, [][]any) {
	var keys []string
	idx := map[string]int{}
	var args [][]any
	for _, c := range cs {
		k := c.Key
		if k == "" {
			k = def
		}
		i, ok := idx[k]
		if !ok {
			i = len(keys)
			idx[k] = i
			keys = append(keys, k)
			args = append(args, nil)
		}
		args[i] = append(args[i], argsOf(c)...)
	}
	return keys, args
}
