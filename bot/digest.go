package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TeamKey is the pseudo-customer under which posts to the team channel that
// belong to no customer (the digests) are committed: it holds only a
// version and the de-duplication memory of those posts.
const TeamKey = "team:digest"

// reviewPeriod is the span a review covers, ending at its fire.
const reviewPeriod = 7 * 24 * time.Hour

// PostDigest posts the daily digest of open cases to the team channel
// (DIGEST_CRON): open, unclaimed, breaching, oldest, by owner. now is the
// fire's time: a digest for the same now is posted once, however many
// replicas (or retries) post it.
//
// With a CaseWalker (bot/redisstore is one) it reads the cases a page at a
// time and keeps only the tallies, so its memory does not grow with the
// number of open cases.
func (e *Engine) PostDigest(ctx context.Context, now time.Time) error {
	d := &digestTally{owners: map[string]int{}, now: now}
	if err := e.eachCase(ctx, d.add, Open, Claimed, Resolved); err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	return e.postTeam(ctx, "digest", now, e.digestText(d, now))
}

// eachCase hands fn every case of the statuses: a page at a time through a
// CaseWalker, else all at once through Store.Cases.
func (e *Engine) eachCase(ctx context.Context, fn func(*Case), statuses ...Status) error {
	if w, ok := e.store.(CaseWalker); ok {
		return w.EachCase(ctx, statuses, time.Time{}, time.Time{}, func(c *Case) error { fn(c); return nil })
	}
	cases, err := e.store.Cases(ctx, statuses...)
	if err != nil {
		return err
	}
	for _, c := range cases {
		fn(c)
	}
	return nil
}

// digestTally is what the digest says, counted one case at a time.
type digestTally struct {
	now                          time.Time
	active, unclaimed, breaching int
	awaiting                     int
	breach                       []*Case // breaching unclaimed cases, to list by number
	owners                       map[string]int
	oldest                       *Case
}

func (d *digestTally) add(c *Case) {
	d.active++
	if d.oldest == nil || c.Opened.Before(d.oldest.Opened) || c.Opened.Equal(d.oldest.Opened) && lessCaseID(c.ID, d.oldest.ID) {
		d.oldest = c
	}
	switch {
	case c.Status == Open:
		d.unclaimed++
		if !c.FirstResponseDue.IsZero() && c.FirstResponseDue.Before(d.now) {
			d.breaching++
			d.breach = append(d.breach, &Case{ID: c.ID, Opened: c.Opened})
		}
	case c.Status == Resolved:
		d.awaiting++
	}
	if c.Owner != "" {
		d.owners[c.Owner]++
	}
}

// lessCaseID orders case numbers numerically ("9" before "10").
func lessCaseID(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// PostReview posts the week's voice of the customer to the team channel
// (REVIEW_CRON): counts by category and root cause, median time to claim
// and to resolve, satisfaction average, reopen rate. It covers the seven
// days before now, and like PostDigest posts once per now.
// With a CaseWalker it reads the cases a page at a time, keeping only the
// tallies and the durations of the week.
func (e *Engine) PostReview(ctx context.Context, now time.Time) error {
	r := e.newReviewTally(now)
	if err := e.eachCase(ctx, r.add); err != nil {
		return fmt.Errorf("review: %w", err)
	}
	return e.postTeam(ctx, "review", now, e.reviewText(r, now))
}

// postTeam commits one message to the team channel under TeamKey,
// de-duplicated by kind and now.
func (e *Engine) postTeam(ctx context.Context, kind string, now time.Time, text string) error {
	dedupe := kind + ":" + strconv.FormatInt(now.UnixMilli(), 10)
	_, err := e.update(ctx, "post "+kind, LoadQuery{Customer: TeamKey, Dedupe: dedupe}, func(*Snapshot, time.Time) (*Change, error) {
		return &Change{Outbox: []Outbound{e.toTeam("", "", KindText, text, now)}}, nil
	})
	return err
}

// digestText words the digest of the active cases at now.
func (e *Engine) digestText(d *digestTally, now time.Time) string {
	date := now.In(e.cfg.Location).Format("2006-01-02")
	if d.active == 0 {
		return e.teamSay("time.digest.empty", map[string]any{"Date": date})
	}
	unclaimed, breaching, awaiting, owners, oldest := d.unclaimed, d.breaching, d.awaiting, d.owners, d.oldest
	// Listed oldest first, as Store.Cases hands them out.
	slices.SortFunc(d.breach, func(a, b *Case) int {
		if c := a.Opened.Compare(b.Opened); c != 0 {
			return c
		}
		if lessCaseID(a.ID, b.ID) {
			return -1
		}
		return 1
	})
	breach := make([]string, len(d.breach))
	for i, c := range d.breach {
		breach[i] = "#" + c.ID
	}
	names := make([]string, 0, len(owners))
	for o := range owners {
		names = append(names, o)
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(owners[b], owners[a]), cmp.Compare(a, b))
	})
	var byOwner []string
	for _, o := range names {
		// Names, not mentions: a digest should not ping everyone it lists.
		byOwner = append(byOwner, e.teamSay("time.digest.owner", map[string]any{"Owner": e.nameOf(o), "Count": owners[o]}))
	}
	ownerList := strings.Join(byOwner, ", ")
	if ownerList == "" {
		ownerList = e.teamSay("time.digest.no_owners", nil)
	}
	oldestOwner := e.nameOf(oldest.Owner)
	if oldest.Owner == "" {
		oldestOwner = e.teamSay("time.digest.unclaimed", nil)
	}
	return e.teamSay("time.digest", map[string]any{
		"Date":        date,
		"Active":      d.active,
		"Unclaimed":   unclaimed,
		"Breaching":   breaching,
		"Awaiting":    awaiting,
		"Oldest":      oldest.ID,
		"OldestAge":   e.teamDuration(now.Sub(oldest.Opened)),
		"OldestOwner": oldestOwner,
		"Owners":      ownerList,
		"Breach":      strings.Join(breach, ", "),
	})
}

// reviewTally is what the review says, counted one case at a time.
type reviewTally struct {
	e                                                 *Engine
	from, now                                         time.Time
	opened, resolved, closed, reopened, scores, score int
	toClaim, toResolve                                []time.Duration
	categories, causes                                map[string]int
	actions, unhappy                                  []string
}

func (e *Engine) newReviewTally(now time.Time) *reviewTally {
	return &reviewTally{e: e, from: now.Add(-reviewPeriod), now: now, categories: map[string]int{}, causes: map[string]int{}}
}

func (r *reviewTally) in(t time.Time) bool {
	return !t.IsZero() && !t.Before(r.from) && t.Before(r.now)
}

func (r *reviewTally) add(c *Case) {
	e := r.e
	if r.in(c.Opened) {
		r.opened++
	}
	if r.in(c.ClaimedAt) {
		r.toClaim = append(r.toClaim, c.ClaimedAt.Sub(c.Opened))
	}
	if c.Resolution != nil && r.in(c.ResolvedAt) {
		r.resolved++
		r.toResolve = append(r.toResolve, c.ResolvedAt.Sub(c.Opened))
		r.categories[c.Resolution.Category]++
		r.causes[c.Resolution.Cause]++
		if c.Reopens > 0 {
			r.reopened++
		}
	}
	if c.Status == Closed && r.in(c.ClosedAt) {
		r.closed++
	}
	if c.Resolution != nil && c.Resolution.Action != "" && r.in(c.ResolvedAt) && len(r.actions) < reviewLines {
		r.actions = append(r.actions, e.teamSay("time.review.action", map[string]any{
			"ID": c.ID, "Category": e.label("category.", c.Resolution.Category),
			"Cause": e.label("cause.", c.Resolution.Cause), "Action": c.Resolution.Action,
		}))
	}
	if c.Satisfaction > 0 && r.in(c.ratedAt()) {
		r.scores++
		r.score += c.Satisfaction
		if c.Satisfaction <= 2 && len(r.unhappy) < reviewLines {
			r.unhappy = append(r.unhappy, e.teamSay("time.review.unhappy", map[string]any{
				"ID": c.ID, "Score": c.Satisfaction, "Comment": c.SatisfactionComment, "Owner": e.nameOf(c.Owner),
			}))
		}
	}
}

// reviewText words the review of the seven days before now.
func (e *Engine) reviewText(r *reviewTally, now time.Time) string {
	from := r.from
	opened, resolved, closed, reopened, scores, scoreSum := r.opened, r.resolved, r.closed, r.reopened, r.scores, r.score
	toClaim, toResolve, categories, causes, actions, unhappy := r.toClaim, r.toResolve, r.categories, r.causes, r.actions, r.unhappy
	none := e.teamSay("time.review.none", nil)
	satisfaction, reopen := none, none
	if scores > 0 {
		avg := strconv.FormatFloat(float64(scoreSum)/float64(scores), 'f', 1, 64)
		satisfaction = e.teamSay("time.review.satisfaction", map[string]any{"Avg": avg, "Count": scores})
	}
	if resolved > 0 {
		pct := strconv.FormatFloat(100*float64(reopened)/float64(resolved), 'f', 0, 64)
		reopen = e.teamSay("time.review.reopen", map[string]any{"Pct": pct, "Reopened": reopened, "Total": resolved})
	}
	median := func(ds []time.Duration) string {
		if len(ds) == 0 {
			return none
		}
		slices.Sort(ds)
		m := ds[len(ds)/2]
		if len(ds)%2 == 0 {
			m = (ds[len(ds)/2-1] + m) / 2
		}
		return e.teamDuration(m)
	}
	loc := e.cfg.Location
	return e.teamSay("time.review", map[string]any{
		"From":         from.In(loc).Format("2006-01-02"),
		"To":           now.Add(-time.Nanosecond).In(loc).Format("2006-01-02"),
		"Opened":       opened,
		"Resolved":     resolved,
		"Closed":       closed,
		"Categories":   e.countList("category.", categories, none),
		"Causes":       e.countList("cause.", causes, none),
		"Claim":        median(toClaim),
		"Resolve":      median(toResolve),
		"Satisfaction": satisfaction,
		"Reopen":       reopen,
		"Actions":      strings.Join(actions, "\n"),
		"Unhappy":      strings.Join(unhappy, "\n"),
	})
}

// reviewLines bounds the corrective actions and the unhappy customers
// listed in one review.
const reviewLines = 10

// label is the catalogue's team word for prefix+code, or the code.
func (e *Engine) label(prefix, code string) string {
	if e.cfg.Catalog.Variants(e.cfg.TeamLang, prefix+code) > 0 {
		return e.teamSay(prefix+code, nil)
	}
	return code
}

// countList words counts, largest first: "product 3, delivery 1". Labels
// are the catalogue's words for prefix+code, or the code when it has none.
func (e *Engine) countList(prefix string, counts map[string]int, none string) string {
	codes := make([]string, 0, len(counts))
	for k := range counts {
		codes = append(codes, k)
	}
	slices.SortFunc(codes, func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b))
	})
	var parts []string
	for _, code := range codes {
		parts = append(parts, e.teamSay("time.review.count", map[string]any{"Label": e.label(prefix, code), "Count": counts[code]}))
	}
	if len(parts) == 0 {
		return none
	}
	return strings.Join(parts, ", ")
}

// ratedAt is when the customer gave their score: the last rating in the
// history, or, without one, when the case was resolved.
func (c *Case) ratedAt() time.Time {
	for i := len(c.History) - 1; i >= 0; i-- {
		if c.History[i].What == EvRated {
			return c.History[i].At
		}
	}
	return c.ResolvedAt
}

// WakeUpReader is a Store that can say which wake-ups are pending.
// Reconcile uses it, when the store has it, to find a lost wake-up as soon
// as it runs; without it, a lost wake-up is found once it is overdue.
type WakeUpReader interface {
	// PendingWakeUps returns the due time of each named wake-up that is
	// pending (claimed ones included); names without one are left out.
	PendingWakeUps(ctx context.Context, names ...string) (map[string]time.Time, error)
}

// PendingConversationLister is a Store that keeps an index of the
// conversations that need a wake-up (Conversation.NeedsWakeUp), so Reconcile
// can check their wake-ups too.
type PendingConversationLister interface {
	// PendingConversations returns the customer keys of every conversation
	// whose last committed state was pending.
	PendingConversations(ctx context.Context) ([]string, error)
}

// WakeUpAuditor is a Store that keeps, beside every commit, an index of
// what should have a wake-up (the cases whose last commit scheduled one,
// and the conversations that need one), and can compare it with the
// wake-ups a page at a time without reading the cases. Reconcile prefers
// it: a sweep then costs in proportion to what is missing, not to the
// number of open cases.
type WakeUpAuditor interface {
	// MissingWakeUps reads one page starting at cursor ("" for the first)
	// and returns the case ids and the customer keys of conversations of
	// that page that have no wake-up, and the cursor of the next page (""
	// after the last).
	MissingWakeUps(ctx context.Context, cursor string) (cases, customers []string, next string, err error)
	// NextSweepPartition returns the partition whose unscheduled cases
	// this sweep checks: each in turn, across replicas and restarts.
	NextSweepPartition(ctx context.Context) (int, error)
	// UnscheduledCases reads one page, from cursor ("" for the first),
	// of one partition's cases of the given statuses that have no
	// wake-up and whose last commit scheduled none, decoded, and the
	// cursor of the next page ("" after the last).
	UnscheduledCases(ctx context.Context, partition int, cursor string, statuses ...Status) ([]*Case, string, error)
}

// CaseWalker is a Store that can hand over cases a page at a time, so that
// a report over every case does not hold them all in memory.
type CaseWalker interface {
	// EachCase calls fn with every case of the given statuses (every
	// status when none is given) opened in [from, to) (zero times leave
	// that end open), oldest first, and stops at fn's first error.
	EachCase(ctx context.Context, statuses []Status, from, to time.Time, fn func(*Case) error) error
}

// reconcileGrace is how overdue a case's wake-up (Case.Wake) must be before
// Reconcile, without a WakeUpReader, takes it for lost: longer than a
// wake-up can stay claimed while a replica handles it (the scheduler's
// lease, 30 s by default) plus a tick.
const reconcileGrace = 2 * time.Minute

// Reconcile repairs cases whose wake-up is missing and returns how many it
// repaired. A case is checked if the policy still has something to do for
// it (active cases, and confirmed ones awaiting the follow-up); a missing
// wake-up is one the store does not have (with a WakeUpReader), or, without
// one, a Case.Wake that is zero or more than two minutes overdue. The
// repair recomputes the wake-up from a fresh load of the case, so repairing
// a case that did not need it is harmless.
//
// Conversations in intake (or with messages to acknowledge) are checked
// too, when the store keeps an index of them (PendingConversationLister).
//
// With a WakeUpAuditor (bot/redisstore is one) it reads no case it does not
// repair: it pages through the store's index of what should have a
// wake-up and repairs what the store says is missing.
func (e *Engine) Reconcile(ctx context.Context, now time.Time) (int, error) {
	if a, ok := e.store.(WakeUpAuditor); ok {
		return e.reconcileIndexed(ctx, a, now)
	}
	cases, err := e.store.Cases(ctx, Open, Claimed, Resolved, Confirmed)
	if err != nil {
		return 0, fmt.Errorf("reconcile: %w", err)
	}
	p := e.policy()
	var suspects []*Case
	for _, c := range cases {
		if !p.next(c, now).IsZero() {
			suspects = append(suspects, c)
		}
	}
	missing := func(c *Case) bool { return c.Wake.IsZero() || c.Wake.Before(now.Add(-reconcileGrace)) }
	if r, ok := e.store.(WakeUpReader); ok && len(suspects) > 0 {
		names := make([]string, len(suspects))
		for i, c := range suspects {
			names[i] = CaseWakeUp(c.ID)
		}
		pending, err := r.PendingWakeUps(ctx, names...)
		if err != nil {
			return 0, fmt.Errorf("reconcile: %w", err)
		}
		missing = func(c *Case) bool { _, ok := pending[CaseWakeUp(c.ID)]; return !ok }
	}
	var n int
	var errs []error
	for _, c := range suspects {
		if !missing(c) {
			continue
		}
		if err := e.rescheduleCase(ctx, c); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	m, err := e.reconcileConversations(ctx, now)
	if err != nil {
		errs = append(errs, err)
	}
	return n + m, errors.Join(errs...)
}

// reconcileIndexed is Reconcile through the store's index of what should
// have a wake-up, a page at a time. Besides what the index says is missing,
// each sweep checks one partition, each in turn, for cases whose last
// commit scheduled no wake-up but for which the policy has something to do
// (a writer that forgot the wake-up): those cases are read, a page of 500
// at a time, and with 16 partitions and a sweep a minute every case is
// checked every 16 minutes.
func (e *Engine) reconcileIndexed(ctx context.Context, a WakeUpAuditor, now time.Time) (int, error) {
	var n int
	var errs []error
	p := e.policy()
	if part, err := a.NextSweepPartition(ctx); err != nil {
		errs = append(errs, fmt.Errorf("reconcile: %w", err))
	} else {
		for cursor := ""; ; {
			cases, next, err := a.UnscheduledCases(ctx, part, cursor, Open, Claimed, Resolved, Confirmed)
			if err != nil {
				errs = append(errs, fmt.Errorf("reconcile: %w", err))
				break
			}
			for _, c := range cases {
				if p.next(c, now).IsZero() {
					continue
				}
				if err := e.rescheduleCase(ctx, c); err != nil {
					errs = append(errs, err)
					continue
				}
				n++
			}
			if next == "" || ctx.Err() != nil {
				break
			}
			cursor = next
		}
	}
	cursor := ""
	paused := time.Duration(0)
	for {
		cases, customers, next, err := a.MissingWakeUps(ctx, cursor)
		if err != nil {
			errs = append(errs, fmt.Errorf("reconcile: %w", err))
			break
		}
		for _, id := range cases {
			if err := e.rescheduleCase(ctx, &Case{ID: id}); err != nil {
				if ErrorCode(err) != ENOTFOUND {
					errs = append(errs, err)
				}
				continue
			}
			n++
		}
		for _, c := range customers {
			if err := e.Wake(ctx, ConvWakeUp(c), now); err != nil {
				errs = append(errs, err)
				continue
			}
			n++
		}
		if next == "" || ctx.Err() != nil {
			break
		}
		cursor = next
		if pause := e.cfg.SweepPause; pause > 0 && paused+pause <= maxSweepSpread {
			// Spread the sweep: one page, then a rest, so replicas and
			// Redis see a trickle, not a burst at the minute boundary.
			t := time.NewTimer(pause)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
			paused += pause
		}
	}
	return n, errors.Join(errs...)
}

// maxSweepSpread caps the pauses of one sweep, so that a sweep of a very
// large store still ends well before the next one (a minute later).
const maxSweepSpread = 30 * time.Second

// reconcileConversations repairs conversations in intake (or with messages
// to acknowledge) whose wake-up is missing, when the store can list them
// and their wake-ups. The repair is the wake-up itself: it does what is due
// and sets the next one.
func (e *Engine) reconcileConversations(ctx context.Context, now time.Time) (int, error) {
	l, ok := e.store.(PendingConversationLister)
	r, ok2 := e.store.(WakeUpReader)
	if !ok || !ok2 {
		return 0, nil
	}
	customers, err := l.PendingConversations(ctx)
	if err != nil || len(customers) == 0 {
		return 0, err
	}
	names := make([]string, len(customers))
	for i, c := range customers {
		names[i] = ConvWakeUp(c)
	}
	pending, err := r.PendingWakeUps(ctx, names...)
	if err != nil {
		return 0, fmt.Errorf("reconcile: %w", err)
	}
	var n int
	var errs []error
	for _, name := range names {
		if _, ok := pending[name]; ok {
			continue
		}
		if err := e.Wake(ctx, name, now); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// rescheduleCase writes the case's next wake-up again, computed from a
// fresh load.
func (e *Engine) rescheduleCase(ctx context.Context, c *Case) error {
	customer := c.Customer
	if customer == "" {
		var err error
		if customer, err = e.store.CustomerOf(ctx, c.ID); err != nil {
			return err
		}
	}
	_, err := e.update(ctx, "reconcile case "+c.ID, LoadQuery{Customer: customer, Case: c.ID}, func(snap *Snapshot, now time.Time) (*Change, error) {
		k := snap.Case
		if k == nil || k.ID != c.ID {
			return nil, nil
		}
		ch := &Change{WakeUps: map[string]time.Time{}, Cases: []*Case{k}}
		e.schedule(k, ch, now)
		return ch, nil
	})
	return err
}
