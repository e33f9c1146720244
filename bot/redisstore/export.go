package redisstore

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

// ExportPage is how many cases EachCase reads per round trip, status and
// partition.
const ExportPage = 500

// EachCase calls fn with every case of the given statuses (every status
// when none is given) opened in [from, to) (zero times leave that end
// open), oldest first (by Opened, then by number), stopping at fn's first
// error. It merges the status sets of every partition. It streams: it holds
// at most ExportPage case ids per status and partition and
// one page of cases at a time, so its memory does not grow with the number
// of cases. A case whose status changes during the walk may be seen twice
// or not at all, as with any scan of a live index.
func (s *Store) EachCase(ctx context.Context, statuses []bot.Status, from, to time.Time, fn func(*bot.Case) error) error {
	const op = "redisstore.EachCase"
	if len(statuses) == 0 {
		statuses = bot.Statuses
	}
	minScore, maxScore := "-inf", "+inf"
	if !from.IsZero() {
		minScore = strconv.FormatInt(from.UnixMilli(), 10)
	}
	if !to.IsZero() {
		maxScore = "(" + strconv.FormatInt(to.UnixMilli(), 10)
	}
	type cursor struct {
		key    string
		buf    []redis.Z
		offset int64
		done   bool
	}
	var curs []*cursor
	for _, st := range statuses {
		i, ok := s.statusIndex[st]
		if !ok {
			return bot.Errorf(bot.EINVALID, op, "unknown status %q", st)
		}
		for n := 0; n < s.opts.Partitions; n++ {
			curs = append(curs, &cursor{key: s.statusKey(n, i)})
		}
	}
	fill := func(c *cursor) error {
		if c.done || len(c.buf) > 0 {
			return nil
		}
		zs, err := s.rdb.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: c.key, Start: minScore, Stop: maxScore,
			ByScore: true, Offset: c.offset, Count: ExportPage}).Result()
		if err != nil {
			return internalError(op, err)
		}
		c.offset += int64(len(zs))
		c.buf, c.done = zs, len(zs) < ExportPage
		return nil
	}
	for {
		// Take the next page in order across the statuses (a merge of
		// their sorted sets), then read those cases in one go.
		var ids []string
		for len(ids) < ExportPage {
			var best *cursor
			for _, c := range curs {
				if err := fill(c); err != nil {
					return err
				}
				if len(c.buf) == 0 {
					continue
				}
				if best == nil || less(c.buf[0], best.buf[0]) {
					best = c
				}
			}
			if best == nil {
				break
			}
			id, _ := best.buf[0].Member.(string)
			ids = append(ids, id)
			best.buf = best.buf[1:]
		}
		if len(ids) == 0 {
			return nil
		}
		cases, err := s.casesByID(ctx, op, ids)
		if err != nil {
			return err
		}
		for _, c := range cases {
			if err := fn(c); err != nil {
				return err
			}
		}
	}
}

var _ bot.CaseWalker = (*Store)(nil)

func less(a, b redis.Z) bool {
	if a.Score != b.Score {
		return a.Score < b.Score
	}
	x, _ := a.Member.(string)
	y, _ := b.Member.(string)
	return lessID(x, y)
}
