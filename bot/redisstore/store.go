package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	gojson "github.com/goccy/go-json"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

// Defaults of Options.
const (
	DefaultPrefix     = "cb"
	DefaultDedupeTTL  = 7 * 24 * time.Hour
	DefaultClaimAfter = 5 * time.Second
)

// customerCacheSize bounds how many case → customer answers CustomerOf keeps
// in memory (about 100 bytes each).
const customerCacheSize = 100_000

// Options configures a Store. The zero value is usable: every field has a
// default.
type Options struct {
	// Prefix starts every key; default "cb". It must not contain '{' or '}'
	// (it comes before the hash tags).
	Prefix string
	// Partitions is the number of partitions (hash tags) the customers and
	// the indexes over them are spread over; default DefaultPartitions
	// (16). It is part of the data's layout: every process must use the
	// same number, and changing it on stored data loses track of the
	// customers (it needs a migration). On Redis Cluster it bounds how
	// many nodes share the load: pick at least a few per master.
	Partitions int
	// DedupeTTL is how long message ids are remembered; default 7 days.
	DedupeTTL time.Duration
	// ClaimAfter is how long an inbox or outbox message may stay read but
	// not acknowledged before it is handed to another consumer; default
	// 5 s, so that the inbound messages a dying replica had read are
	// handled by another within seconds (a message handled twice is a
	// duplicate the commit drops).
	ClaimAfter time.Duration
	// SyncReplicas, when above zero, makes every commit wait (WAIT) until
	// that many replicas have it, for at most SyncTimeout (default 1 s),
	// and fail with an EINTERNAL error when fewer did: the change is then
	// written on the primary but may not survive a failover, and the
	// caller retries it (the message id and the version make the retry
	// safe). Replication is asynchronous, so without it a Sentinel
	// failover may lose the last writes the primary acknowledged. It is
	// ignored on Redis Cluster (WAIT must follow the write on the same
	// connection to the same node, which a cluster pipeline does not
	// promise).
	SyncReplicas int
	SyncTimeout  time.Duration
}

// Store is bot.Store, and the numbered feeds the web channel reads
// (web.Feed), on Redis. It is safe for concurrent use,
// and any number of Stores (in any number of processes) may share one Redis.
type Store struct {
	rdb  redis.UniversalClient
	opts Options

	seqKey      string       // <p>:caseseq
	statuses    []bot.Status // bot.Statuses
	statusIndex map[bot.Status]int
	cluster     bool // rdb is a Redis Cluster client: no transaction spans two slots

	customers *customerCache
	reads     *batcher

	mu      sync.Mutex
	groups  map[string]bool   // outbox streams whose consumer group this process created
	cursors map[string]string // outbox stream → where the next XAUTOCLAIM starts
}

var _ bot.Store = (*Store)(nil)

// New returns a Store on rdb: a single Redis server, a Sentinel-managed
// primary or a Redis Cluster (see the package documentation).
//
// It panics, at start-up rather than at the first commit, on a prefix
// containing a brace (it would break the hash tags).
func New(rdb redis.UniversalClient, opts Options) *Store {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if strings.ContainsAny(opts.Prefix, "{}") {
		panic(fmt.Sprintf("redisstore: key prefix %q contains a brace", opts.Prefix))
	}
	if opts.Partitions <= 0 {
		opts.Partitions = DefaultPartitions
	}
	if opts.SyncReplicas > 0 && opts.SyncTimeout <= 0 {
		opts.SyncTimeout = time.Second
	}
	if opts.DedupeTTL <= 0 {
		opts.DedupeTTL = DefaultDedupeTTL
	}
	if opts.ClaimAfter <= 0 {
		opts.ClaimAfter = DefaultClaimAfter
	}
	s := &Store{
		rdb:         rdb,
		opts:        opts,
		seqKey:      opts.Prefix + ":caseseq",
		statuses:    bot.Statuses,
		statusIndex: make(map[bot.Status]int, len(bot.Statuses)),
		customers:   newCustomerCache(customerCacheSize),
		reads:       &batcher{rdb: rdb},
		groups:      make(map[string]bool),
		cursors:     make(map[string]string),
	}
	for i, st := range bot.Statuses {
		s.statusIndex[st] = i
	}
	_, s.cluster = rdb.(*redis.ClusterClient)
	return s
}

// Options returns the options in effect, defaults filled in.
func (s *Store) Options() Options { return s.opts }

// escapeTag percent-encodes the bytes that would end or nest a hash tag.
func escapeTag(s string) string {
	if !strings.ContainsAny(s, "%{}") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			b.WriteString("%25")
		case '{':
			b.WriteString("%7B")
		case '}':
			b.WriteString("%7D")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// customerBase is the prefix of every key of the customer:
// <p>:{<n>}:c:{<customer>}, n the customer's partition. Only the first
// braces are a hash tag; the second pair only delimits the customer key,
// whose own braces are escaped, so that no customer's keys can be another's.
func (s *Store) customerBase(customer string) string {
	return s.partBase(s.partitionOf(customer)) + ":c:{" + escapeTag(customer) + "}"
}

func (s *Store) customerHash(customer string) string { return s.customerBase(customer) + ":h" }

func (s *Store) transcriptKey(customer string, session int) string {
	return s.customerBase(customer) + ":tx:" + strconv.Itoa(session)
}

func (s *Store) refsKey(channel string) string { return s.opts.Prefix + ":refs:" + channel }

// dedupeKey returns the key remembering message id, and whether there is one
// to check. Without an id it returns a key in the same tag that is never
// written, so the scripts keep one shape and one slot.
func (s *Store) dedupeKey(customer, id string) (string, bool) {
	return s.customerBase(customer) + ":seen:" + id, id != ""
}

func internalError(op string, err error) error {
	return &bot.Error{Code: bot.EINTERNAL, Op: op, Err: err}
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// Load reads the customer's version, conversation, reserved case number
// and one case (q.Case, or the conversation's open case when it is ""),
// and whether the message id q.Dedupe was committed before, in one round
// trip. When q asks for the case's transcript or the customer's cases, a
// second round trip reads them at the same version (a commit in between
// makes Load start again). A customer never seen has version 0 and no
// conversation.
func (s *Store) Load(ctx context.Context, q bot.LoadQuery) (*bot.Snapshot, error) {
	const op = "redisstore.Load"
	if q.Customer == "" {
		return nil, bot.Errorf(bot.EINVALID, op, "no customer")
	}
	for attempt := 0; ; attempt++ {
		snap, err := s.load(ctx, q)
		if err != nil || !(q.Transcript || q.Cases) || snap.Seen {
			return snap, err
		}
		ok, err := s.extras(ctx, q, snap)
		if err != nil || ok {
			return snap, err
		}
		if attempt >= 50 {
			return nil, &bot.Error{Code: bot.ECONFLICT, Op: op, Message: "too much contention; try again"}
		}
	}
}

func (s *Store) load(ctx context.Context, q bot.LoadQuery) (*bot.Snapshot, error) {
	const op = "redisstore.Load"
	customer := q.Customer
	dk, check := s.dedupeKey(customer, q.Dedupe)
	// Wake-ups (no message id) come by the thousand when many fall due
	// at once: their loads are batched. A message's load goes straight
	// out: a person is waiting for it, and batching lengthens its tail.
	var res []any
	var err error
	if q.Dedupe == "" {
		var cmd redis.Cmder
		if cmd, err = s.reads.do(ctx, evalLoad([]string{s.customerHash(customer), dk}, q.Case, flag(check))); err == nil {
			res, err = cmd.(*redis.Cmd).Slice()
		}
	} else {
		res, err = loadScript.Run(ctx, s.rdb, []string{s.customerHash(customer), dk}, q.Case, flag(check)).Slice()
	}
	if err != nil {
		return nil, internalError(op, err)
	}
	if len(res) != 5 {
		return nil, internalError(op, fmt.Errorf("load script returned %d values", len(res)))
	}
	snap := &bot.Snapshot{Customer: customer}
	if snap.Version, err = toInt(res[0]); err != nil {
		return nil, internalError(op, err)
	}
	if conv, ok := res[1].(string); ok {
		snap.Conv = new(bot.Conversation)
		if err := gojson.UnmarshalNoEscape([]byte(conv), snap.Conv); err != nil {
			return nil, internalError(op, fmt.Errorf("decode conversation of %s: %w", customer, err))
		}
	}
	if c, ok := res[2].(string); ok {
		snap.Case = new(bot.Case)
		if err := gojson.UnmarshalNoEscape([]byte(c), snap.Case); err != nil {
			return nil, internalError(op, fmt.Errorf("decode case of %s: %w", customer, err))
		}
		s.customers.put(snap.Case.ID, customer)
	}
	seen, err := toInt(res[3])
	if err != nil {
		return nil, internalError(op, err)
	}
	snap.Seen = seen == 1
	snap.NextCase, _ = res[4].(string)
	return snap, nil
}

// extras adds the transcript and cases q asks for to snap, read at snap's
// version; it reports false when the version moved since.
func (s *Store) extras(ctx context.Context, q bot.LoadQuery, snap *bot.Snapshot) (bool, error) {
	const op = "redisstore.Load"
	session := 0
	if snap.Case != nil {
		session = snap.Case.Session
	}
	wantTx := q.Transcript && snap.Case != nil
	res, err := extrasScript.Run(ctx, s.rdb, []string{s.customerHash(q.Customer), s.transcriptKey(q.Customer, session)},
		strconv.FormatInt(snap.Version, 10), flag(wantTx), flag(q.Cases)).Slice()
	if err != nil {
		return false, internalError(op, err)
	}
	if ok, _ := toInt(res[0]); ok != 1 || len(res) != 3 {
		return false, nil
	}
	if tx, _ := res[1].([]any); len(tx) > 0 {
		snap.Transcript = make([]bot.Entry, len(tx))
		for i, v := range tx {
			b, _ := v.(string)
			if err := gojson.UnmarshalNoEscape([]byte(b), &snap.Transcript[i]); err != nil {
				return false, internalError(op, fmt.Errorf("decode transcript %d of %s, entry %d: %w", session, q.Customer, i, err))
			}
		}
	}
	if all, _ := res[2].([]any); len(all) > 0 {
		for i := 0; i+1 < len(all); i += 2 {
			f, _ := all[i].(string)
			b, _ := all[i+1].(string)
			if !strings.HasPrefix(f, "case:") {
				continue
			}
			k := new(bot.Case)
			if err := gojson.UnmarshalNoEscape([]byte(b), k); err != nil {
				return false, internalError(op, fmt.Errorf("decode %s of %s: %w", f, q.Customer, err))
			}
			snap.Cases = append(snap.Cases, k)
		}
		sortCases(snap.Cases)
	}
	return true, nil
}

// sortCases orders cases oldest first, by Opened and then by number.
func sortCases(cs []*bot.Case) {
	sort.Slice(cs, func(i, j int) bool {
		if !cs[i].Opened.Equal(cs[j].Opened) {
			return cs[i].Opened.Before(cs[j].Opened)
		}
		return lessID(cs[i].ID, cs[j].ID)
	})
}

func toInt(v any) (int64, error) {
	switch n := v.(type) {
	case int64:
		return n, nil
	case nil:
		return 0, nil
	case string:
		return strconv.ParseInt(n, 10, 64)
	}
	return 0, fmt.Errorf("unexpected %T from script", v)
}

// CustomerOf returns the customer key case id belongs to, or an ENOTFOUND
// error. Answers are kept in process memory (a case never changes
// customer), so only the first question about a case costs a round trip.
func (s *Store) CustomerOf(ctx context.Context, id string) (string, error) {
	const op = "redisstore.CustomerOf"
	if c, ok := s.customers.get(id); ok {
		return c, nil
	}
	// Wake-ups of many cases ask this together after a restart: batched.
	key := s.caseIndexKey(id)
	cmd, err := s.reads.do(ctx, func(ctx context.Context, r redis.Scripter) redis.Cmder {
		return r.(redis.Cmdable).HGet(ctx, key, id)
	})
	var c string
	if err == nil {
		c, err = cmd.(*redis.StringCmd).Result()
	}
	if errors.Is(err, redis.Nil) {
		return "", bot.Errorf(bot.ENOTFOUND, op, "no case %s", id)
	}
	if err != nil {
		return "", internalError(op, err)
	}
	s.customers.put(id, c)
	return c, nil
}

// ReserveCaseID reserves the number of the customer's next case ("1", "2",
// …) and returns it, or returns the number already reserved. Numbers are
// never reused, and a reservation lasts until a case with that number is
// committed, so a decision retried after a conflict opens its case with the
// same number.
//
// The sequence, the case index and the customer live in different slots,
// so a reservation is three steps, each safe to lose: the sequence hands out
// a number (INCR), the case index records the number as the customer's,
// and the customer takes it unless a reservation beat it there. A crash or
// a race between the steps leaves a number that no case will ever have (a
// gap in the numbering), never a number given to two customers. A customer
// with a reservation costs one round trip; a new reservation three.
func (s *Store) ReserveCaseID(ctx context.Context, customer string) (string, error) {
	const op = "redisstore.ReserveCaseID"
	h := s.customerHash(customer)
	n, err := s.rdb.HGet(ctx, h, "next").Result()
	if err == nil {
		return n, nil
	}
	if !errors.Is(err, redis.Nil) {
		return "", internalError(op, err)
	}
	seq, err := s.rdb.Incr(ctx, s.seqKey).Result()
	if err != nil {
		return "", internalError(op, err)
	}
	id := strconv.FormatInt(seq, 10)
	if err := s.rdb.HSet(ctx, s.caseIndexKey(id), id, customer).Err(); err != nil {
		return "", internalError(op, err)
	}
	s.customers.put(id, customer)
	n, err = reserveScript.Run(ctx, s.rdb, []string{h}, id).Text()
	if err != nil {
		return "", internalError(op, err)
	}
	return n, nil
}

// claimCaseIDs makes sure every case of a change is indexed to its
// customer before the commit writes it: a case id indexed to another
// customer is refused (EINVALID), and an id nobody has is taken for the
// customer (HSETNX, so two customers racing for one id cannot both win).
// Ids this process already knows cost nothing; the others one round trip
// in all.
func (s *Store) claimCaseIDs(ctx context.Context, op, customer string, cases []*bot.Case) error {
	var unknown []string
	for _, k := range cases {
		c, ok := s.customers.get(k.ID)
		switch {
		case !ok:
			unknown = append(unknown, k.ID)
		case c != customer:
			return bot.Errorf(bot.EINVALID, op, "case %s belongs to another customer", k.ID)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	pipe := s.rdb.Pipeline()
	owners := make([]*redis.StringCmd, len(unknown))
	for i, id := range unknown {
		key := s.caseIndexKey(id)
		pipe.HSetNX(ctx, key, id, customer)
		owners[i] = pipe.HGet(ctx, key, id)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return internalError(op, err)
	}
	for i, id := range unknown {
		if owners[i].Val() != customer {
			return bot.Errorf(bot.EINVALID, op, "case %s belongs to another customer", id)
		}
		s.customers.put(id, customer)
	}
	return nil
}

// Commit applies the change atomically in one round trip (two when it
// writes a case this process has not met): all of it, or nothing with
// bot.ErrDuplicate (the message id was committed before), bot.ErrConflict
// (the customer's version moved since the load) or an EINVALID error (a
// malformed change, or a case indexed to another customer). It bumps the
// customer's version by one, even for an empty change.
func (s *Store) Commit(ctx context.Context, c *bot.Change) error {
	const op = "redisstore.Commit"
	if c == nil || c.Customer == "" {
		return bot.Errorf(bot.EINVALID, op, "a change needs a customer")
	}
	if c.Conv != nil && c.Conv.Customer != "" && c.Conv.Customer != c.Customer {
		return bot.Errorf(bot.EINVALID, op, "conversation of %s in a change for %s", c.Conv.Customer, c.Customer)
	}
	for _, k := range c.Cases {
		if k == nil || k.ID == "" {
			return bot.Errorf(bot.EINVALID, op, "a case without an id")
		}
		if k.Customer != "" && k.Customer != c.Customer {
			return bot.Errorf(bot.EINVALID, op, "case %s of %s in a change for %s", k.ID, k.Customer, c.Customer)
		}
		if _, ok := s.statusIndex[k.Status]; !ok {
			return bot.Errorf(bot.EINVALID, op, "case %s has unknown status %q", k.ID, k.Status)
		}
	}
	if err := s.claimCaseIDs(ctx, op, c.Customer, c.Cases); err != nil {
		return err
	}

	part := s.partitionOf(c.Customer)
	nstatus := len(s.statuses)
	dk, check := s.dedupeKey(c.Customer, c.Dedupe)
	keys := make([]string, 0, 5+nstatus+len(c.Transcript)+len(c.Outbox))
	keys = append(keys, s.customerHash(c.Customer), dk, s.wakeUpKey(part), s.wantsKey(part))
	for i := range s.statuses {
		keys = append(keys, s.statusKey(part, i))
	}
	keys = append(keys, s.pendingKey(part))
	keyIndex := map[string]int{}
	indexOf := func(k string) string { // the 1-based KEYS index of k, added when new
		i, ok := keyIndex[k]
		if !ok {
			keys = append(keys, k)
			i = len(keys)
			keyIndex[k] = i
		}
		return strconv.Itoa(i)
	}

	args := make([]any, 0, 16+5*len(c.Cases)+2*len(c.Outbox)+2*len(c.WakeUps))
	args = append(args,
		strconv.FormatInt(c.Version, 10),
		flag(check),
		strconv.FormatInt(s.opts.DedupeTTL.Milliseconds(), 10),
		c.Customer,
		strconv.Itoa(nstatus),
	)
	if c.Conv != nil {
		b, err := json.Marshal(c.Conv)
		if err != nil {
			return internalError(op, err)
		}
		replaced := "1"
		if c.Conv.NeedsWakeUp() {
			replaced = "2"
		}
		args = append(args, replaced, string(b), c.Conv.Case)
		platforms := make([]string, 0, len(c.Conv.Addresses))
		for p := range c.Conv.Addresses {
			platforms = append(platforms, p)
		}
		sort.Strings(platforms)
		args = append(args, strconv.Itoa(len(platforms)))
		for _, p := range platforms {
			args = append(args, p, c.Conv.Addresses[p])
		}
	} else {
		args = append(args, "", "", "", "0")
	}

	args = append(args, strconv.Itoa(len(c.Cases)))
	for _, k := range c.Cases {
		b, err := json.Marshal(k)
		if err != nil {
			return internalError(op, err)
		}
		wake := ""
		if !k.Wake.IsZero() {
			wake = strconv.FormatInt(k.Wake.UnixMilli(), 10)
		}
		args = append(args, k.ID, string(b), strconv.Itoa(5+s.statusIndex[k.Status]), strconv.FormatInt(k.Opened.UnixMilli(), 10), wake)
	}

	args = append(args, strconv.Itoa(len(c.Transcript)))
	for _, t := range c.Transcript {
		args = append(args, indexOf(s.transcriptKey(c.Customer, t.Session)), strconv.Itoa(len(t.Entries)))
		for _, e := range t.Entries {
			b, err := json.Marshal(e)
			if err != nil {
				return internalError(op, err)
			}
			args = append(args, string(b))
		}
	}

	args = append(args, strconv.Itoa(len(c.Outbox)))
	for _, m := range c.Outbox {
		if m.Channel == "" {
			return bot.Errorf(bot.EINVALID, op, "outbound message %q without a channel", m.ID)
		}
		b, err := json.Marshal(m)
		if err != nil {
			return internalError(op, err)
		}
		args = append(args, indexOf(s.outboxKey(part, m.Channel)), string(b))
	}

	args = append(args, strconv.Itoa(len(c.WakeUps)))
	names := make([]string, 0, len(c.WakeUps))
	for name := range c.WakeUps {
		if name == "" {
			return bot.Errorf(bot.EINVALID, op, "a wake-up without a name")
		}
		names = append(names, name)
	}
	sort.Strings(names) // a deterministic script input, for tests and MONITOR
	for _, name := range names {
		due := ""
		if t := c.WakeUps[name]; !t.IsZero() {
			due = strconv.FormatInt(t.UnixMilli(), 10)
		}
		args = append(args, name, due)
	}

	n, err := s.runCommit(ctx, keys, args)
	if err != nil {
		return internalError(op, err)
	}
	switch n {
	case commitConflict:
		return bot.ErrConflict
	case commitDuplicate:
		return bot.ErrDuplicate
	}
	if n < 1 {
		return internalError(op, fmt.Errorf("commit script returned %d", n))
	}
	return nil
}

// runCommit runs the commit script, followed on the same connection by
// WAIT when Options.SyncReplicas asks for it.
func (s *Store) runCommit(ctx context.Context, keys []string, args []any) (int64, error) {
	if s.opts.SyncReplicas <= 0 || s.cluster {
		return commitScript.Run(ctx, s.rdb, keys, args...).Int64()
	}
	for attempt := 0; ; attempt++ {
		pipe := s.rdb.Pipeline()
		res := commitScript.EvalSha(ctx, pipe, keys, args...)
		wait := pipe.Do(ctx, "WAIT", s.opts.SyncReplicas, s.opts.SyncTimeout.Milliseconds())
		_, _ = pipe.Exec(ctx)
		n, err := res.Int64()
		if err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") && attempt == 0 {
			if err := commitScript.Load(ctx, s.rdb).Err(); err != nil {
				return 0, err
			}
			continue
		}
		if err != nil {
			return 0, err
		}
		if n < 1 {
			return n, nil // nothing was written: nothing to wait for
		}
		acked, err := wait.Int64()
		if err != nil {
			return 0, fmt.Errorf("committed, but WAIT failed: %w", err)
		}
		if acked < int64(s.opts.SyncReplicas) {
			return 0, fmt.Errorf("committed, but only %d of %d replicas confirmed it within %v", acked, s.opts.SyncReplicas, s.opts.SyncTimeout)
		}
		return n, nil
	}
}

// Case returns one case, or an ENOTFOUND error. It costs one round trip
// (two the first time this process meets the case).
func (s *Store) Case(ctx context.Context, id string) (*bot.Case, error) {
	const op = "redisstore.Case"
	customer, err := s.CustomerOf(ctx, id)
	if err != nil {
		return nil, err
	}
	b, err := s.rdb.HGet(ctx, s.customerHash(customer), "case:"+id).Result()
	if errors.Is(err, redis.Nil) {
		return nil, bot.Errorf(bot.ENOTFOUND, op, "no case %s", id)
	}
	if err != nil {
		return nil, internalError(op, err)
	}
	k := new(bot.Case)
	if err := json.Unmarshal([]byte(b), k); err != nil {
		return nil, internalError(op, fmt.Errorf("decode case %s: %w", id, err))
	}
	return k, nil
}

// Cases lists the cases with the given statuses (every status when none is
// given), oldest first (by Opened, then by number). It costs two or three
// round trips whatever the number of cases, and reads them all: it is meant
// for the team's listings of active cases, not for reports over years.
func (s *Store) Cases(ctx context.Context, statuses ...bot.Status) ([]*bot.Case, error) {
	const op = "redisstore.Cases"
	if len(statuses) == 0 {
		statuses = bot.Statuses
	}
	pipe := s.rdb.Pipeline()
	var ranges []*redis.ZSliceCmd
	for _, st := range statuses {
		i, ok := s.statusIndex[st]
		if !ok {
			return nil, bot.Errorf(bot.EINVALID, op, "unknown status %q", st)
		}
		for n := 0; n < s.opts.Partitions; n++ {
			ranges = append(ranges, pipe.ZRangeWithScores(ctx, s.statusKey(n, i), 0, -1))
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, internalError(op, err)
	}
	type ref struct {
		id    string
		score float64
	}
	var refs []ref
	seen := map[string]bool{}
	for _, r := range ranges {
		for _, z := range r.Val() {
			id, _ := z.Member.(string)
			if !seen[id] {
				seen[id] = true
				refs = append(refs, ref{id, z.Score})
			}
		}
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].score != refs[j].score {
			return refs[i].score < refs[j].score
		}
		return lessID(refs[i].id, refs[j].id)
	})
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.id
	}
	return s.casesByID(ctx, op, ids)
}

// casesByID reads the cases named, in that order, skipping any that an
// index names but that no longer exists.
func (s *Store) casesByID(ctx context.Context, op string, ids []string) ([]*bot.Case, error) {
	owner := make(map[string]string, len(ids))
	var unknown []string
	for _, id := range ids {
		if c, ok := s.customers.get(id); ok {
			owner[id] = c
		} else {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		byPart := map[int][]string{}
		for _, id := range unknown {
			n := s.partitionOf(id)
			byPart[n] = append(byPart[n], id)
		}
		pipe := s.rdb.Pipeline()
		lookups := make(map[int]*redis.SliceCmd, len(byPart))
		for n, ids := range byPart {
			lookups[n] = pipe.HMGet(ctx, s.casesKey(n), ids...)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, internalError(op, err)
		}
		for n, cmd := range lookups {
			for i, v := range cmd.Val() {
				if c, ok := v.(string); ok {
					owner[byPart[n][i]] = c
					s.customers.put(byPart[n][i], c)
				}
			}
		}
	}
	byCustomer := map[string][]string{}
	for _, id := range ids {
		if c, ok := owner[id]; ok {
			byCustomer[c] = append(byCustomer[c], "case:"+id)
		}
	}
	if len(byCustomer) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	reads := make(map[string]*redis.SliceCmd, len(byCustomer))
	for c, fields := range byCustomer {
		reads[c] = pipe.HMGet(ctx, s.customerHash(c), fields...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, internalError(op, err)
	}
	found := make(map[string]*bot.Case, len(ids))
	for c, cmd := range reads {
		for i, v := range cmd.Val() {
			b, ok := v.(string)
			if !ok {
				continue
			}
			k := new(bot.Case)
			if err := json.Unmarshal([]byte(b), k); err != nil {
				return nil, internalError(op, fmt.Errorf("decode %s of %s: %w", byCustomer[c][i], c, err))
			}
			found[strings.TrimPrefix(byCustomer[c][i], "case:")] = k
		}
	}
	out := make([]*bot.Case, 0, len(found))
	for _, id := range ids {
		if k, ok := found[id]; ok {
			out = append(out, k)
		}
	}
	return out, nil
}

// lessID orders decimal case numbers numerically ("9" before "10"), and any
// other ids after them as strings.
func lessID(a, b string) bool {
	if len(a) != len(b) {
		if isDigits(a) && isDigits(b) {
			return len(a) < len(b)
		}
	}
	return a < b
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// CustomerCases lists every case of one customer, oldest first (by Opened,
// then by number), in one round trip.
func (s *Store) CustomerCases(ctx context.Context, customer string) ([]*bot.Case, error) {
	const op = "redisstore.CustomerCases"
	all, err := s.rdb.HGetAll(ctx, s.customerHash(customer)).Result()
	if err != nil {
		return nil, internalError(op, err)
	}
	var out []*bot.Case
	for f, b := range all {
		if !strings.HasPrefix(f, "case:") {
			continue
		}
		k := new(bot.Case)
		if err := json.Unmarshal([]byte(b), k); err != nil {
			return nil, internalError(op, fmt.Errorf("decode %s of %s: %w", f, customer, err))
		}
		out = append(out, k)
	}
	sortCases(out)
	return out, nil
}

// Transcript returns one of the customer's transcripts, oldest first, in one
// round trip; nil when it has no entries.
func (s *Store) Transcript(ctx context.Context, customer string, session int) ([]bot.Entry, error) {
	const op = "redisstore.Transcript"
	vals, err := s.rdb.LRange(ctx, s.transcriptKey(customer, session), 0, -1).Result()
	if err != nil {
		return nil, internalError(op, err)
	}
	if len(vals) == 0 {
		return nil, nil
	}
	out := make([]bot.Entry, len(vals))
	for i, v := range vals {
		if err := json.Unmarshal([]byte(v), &out[i]); err != nil {
			return nil, internalError(op, fmt.Errorf("decode transcript %d of %s, entry %d: %w", session, customer, i, err))
		}
	}
	return out, nil
}

// SetRef remembers the platform's reference for a named message of the
// channel (for example the Slack timestamp of "card:42").
func (s *Store) SetRef(ctx context.Context, channel, ref, value string) error {
	if err := s.rdb.HSet(ctx, s.refsKey(channel), ref, value).Err(); err != nil {
		return internalError("redisstore.SetRef", err)
	}
	return nil
}

// Ref returns what SetRef stored, or "" when nothing was.
func (s *Store) Ref(ctx context.Context, channel, ref string) (string, error) {
	v, err := s.rdb.HGet(ctx, s.refsKey(channel), ref).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", internalError("redisstore.Ref", err)
	}
	return v, nil
}

// PendingWakeUps returns the due time of each named wake-up in the wake-up
// sets (claimed ones included: a claim moves the score, it does not remove
// the member); names without one are left out. One ZMSCORE per partition,
// in one pipeline.
func (s *Store) PendingWakeUps(ctx context.Context, names ...string) (map[string]time.Time, error) {
	out := make(map[string]time.Time, len(names))
	if len(names) == 0 {
		return out, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.FloatSliceCmd, s.opts.Partitions)
	for n := range cmds {
		cmds[n] = pipe.ZMScore(ctx, s.wakeUpKey(n), names...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, internalError("redisstore.PendingWakeUps", err)
	}
	for _, cmd := range cmds {
		for i, sc := range cmd.Val() {
			// go-redis gives 0 for a member that is not in the set; no real
			// wake-up is due at the Unix epoch.
			if sc != 0 {
				out[names[i]] = time.UnixMilli(int64(sc))
			}
		}
	}
	return out, nil
}

var _ bot.WakeUpReader = (*Store)(nil)

// PendingConversations returns the customers whose conversation, as last
// committed, needs a wake-up (bot.Conversation.NeedsWakeUp).
func (s *Store) PendingConversations(ctx context.Context) ([]string, error) {
	var out []string
	for n := 0; n < s.opts.Partitions; n++ {
		iter := s.rdb.SScan(ctx, s.pendingKey(n), 0, "", 1000).Iterator()
		for iter.Next(ctx) {
			out = append(out, iter.Val())
		}
		if err := iter.Err(); err != nil {
			return nil, internalError("redisstore.PendingConversations", err)
		}
	}
	return out, nil
}

var _ bot.PendingConversationLister = (*Store)(nil)
