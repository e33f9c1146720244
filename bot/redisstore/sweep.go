package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/complaintbot/complaintbot/bot"
)

// sweepPage is how many cases (or conversations) one page of
// MissingWakeUps looks at.
const sweepPage = 1000

// MissingWakeUps reads one page of the indexes of what should have a
// wake-up, starting at cursor ("" for the first page), and returns the cases
// and conversations (customer keys) of the page that have none, with the
// cursor of the next page ("" after the last). A page is one partition's
// wants set (the cases whose last commit scheduled a wake-up) by rank, 1,000
// at a time, compared with the partition's wake-up set inside Redis (one
// script, one round trip, only the missing ids come back), then its pending
// set of conversations (SSCAN and ZMSCORE, two round trips). Nothing is
// decoded: a whole sweep of 100,000 open cases moves their ids inside Redis
// and a few bytes per missing one to the caller.
//
// Cases and conversations that change during a sweep may be seen twice or
// not at all; the next sweep sees them.
func (s *Store) MissingWakeUps(ctx context.Context, cursor string) (cases, customers []string, next string, err error) {
	const op = "redisstore.MissingWakeUps"
	part, phase, pos, err := s.parseSweepCursor(cursor)
	if err != nil {
		return nil, nil, "", bot.Errorf(bot.EINVALID, op, "%v", err)
	}
	switch phase {
	case "c":
		res, err := sweepScript.Run(ctx, s.rdb, []string{s.wantsKey(part), s.wakeUpKey(part)}, pos, sweepPage).Slice()
		if err != nil {
			return nil, nil, "", internalError(op, err)
		}
		if len(res) == 0 {
			return nil, nil, "", internalError(op, fmt.Errorf("sweep script returned nothing"))
		}
		for _, v := range res[1:] {
			if id, ok := v.(string); ok {
				cases = append(cases, id)
			}
		}
		n, _ := toInt(res[0])
		if n < 0 {
			return cases, nil, sweepCursor(part, "v", "0"), nil
		}
		return cases, nil, sweepCursor(part, "c", strconv.FormatInt(n, 10)), nil
	default: // "v": conversations
		c, _ := strconv.ParseUint(pos, 10, 64)
		members, nc, err := s.rdb.SScan(ctx, s.pendingKey(part), c, "", sweepPage).Result()
		if err != nil {
			return nil, nil, "", internalError(op, err)
		}
		if len(members) > 0 {
			names := make([]string, len(members))
			for i, m := range members {
				names[i] = bot.ConvWakeUp(m)
			}
			scores, err := s.rdb.ZMScore(ctx, s.wakeUpKey(part), names...).Result()
			if err != nil {
				return nil, nil, "", internalError(op, err)
			}
			for i, sc := range scores {
				if sc == 0 {
					customers = append(customers, members[i])
				}
			}
		}
		switch {
		case nc != 0:
			next = sweepCursor(part, "v", strconv.FormatUint(nc, 10))
		case part+1 < s.opts.Partitions:
			next = sweepCursor(part+1, "c", "0")
		}
		return nil, customers, next, nil
	}
}

var _ bot.WakeUpAuditor = (*Store)(nil)

// Partitions returns the number of partitions (Options.Partitions).
func (s *Store) Partitions() int { return s.opts.Partitions }

// NextSweepPartition returns the partition whose unscheduled cases the next
// sweep checks, each in turn (INCR of <p>:sweep, so replicas and restarts
// share the turn); one round trip.
func (s *Store) NextSweepPartition(ctx context.Context) (int, error) {
	n, err := s.rdb.Incr(ctx, s.opts.Prefix+":sweep").Result()
	if err != nil {
		return 0, internalError("redisstore.NextSweepPartition", err)
	}
	return int((n - 1) % int64(s.opts.Partitions)), nil
}

// UnscheduledCases reads one page (500 ranks) of partition part's cases of
// the given statuses, starting at cursor ("" for the first page), and
// returns, decoded, those that have no wake-up although nothing says the
// policy is done with them, that is, those whose last commit scheduled no
// wake-up, and the cursor of the next page ("" after the last). The
// comparison runs inside Redis (one script per page); only the cases it
// returns are read, in one more round trip.
func (s *Store) UnscheduledCases(ctx context.Context, part int, cursor string, statuses ...bot.Status) ([]*bot.Case, string, error) {
	const op = "redisstore.UnscheduledCases"
	const page = 500
	if part < 0 || part >= s.opts.Partitions {
		return nil, "", bot.Errorf(bot.EINVALID, op, "no partition %d", part)
	}
	if len(statuses) == 0 {
		statuses = bot.Statuses
	}
	si, rank := 0, int64(0)
	if cursor != "" {
		a, b, ok := strings.Cut(cursor, "/")
		var err1, err2 error
		si, err1 = strconv.Atoi(a)
		rank, err2 = strconv.ParseInt(b, 10, 64)
		if !ok || err1 != nil || err2 != nil || si < 0 || si >= len(statuses) || rank < 0 {
			return nil, "", bot.Errorf(bot.EINVALID, op, "bad cursor %q", cursor)
		}
	}
	st, ok := s.statusIndex[statuses[si]]
	if !ok {
		return nil, "", bot.Errorf(bot.EINVALID, op, "unknown status %q", statuses[si])
	}
	res, err := unscheduledScript.Run(ctx, s.rdb, []string{s.statusKey(part, st), s.wakeUpKey(part), s.wantsKey(part)}, rank, page).Slice()
	if err != nil || len(res) == 0 {
		return nil, "", internalError(op, fmt.Errorf("unscheduled script: %v", err))
	}
	var ids []string
	for _, v := range res[1:] {
		if id, ok := v.(string); ok {
			ids = append(ids, id)
		}
	}
	next := ""
	if n, _ := toInt(res[0]); n >= 0 {
		next = strconv.Itoa(si) + "/" + strconv.FormatInt(n, 10)
	} else if si+1 < len(statuses) {
		next = strconv.Itoa(si+1) + "/0"
	}
	if len(ids) == 0 {
		return nil, next, nil
	}
	cases, err := s.casesByID(ctx, op, ids)
	if err != nil {
		return nil, "", err
	}
	return cases, next, nil
}

func sweepCursor(part int, phase, pos string) string {
	return strconv.Itoa(part) + "/" + phase + "/" + pos
}

func (s *Store) parseSweepCursor(c string) (part int, phase, pos string, err error) {
	if c == "" {
		return 0, "c", "0", nil
	}
	f := strings.Split(c, "/")
	if len(f) != 3 || (f[1] != "c" && f[1] != "v") {
		return 0, "", "", fmt.Errorf("bad sweep cursor %q", c)
	}
	part, err = strconv.Atoi(f[0])
	if err != nil || part < 0 || part >= s.opts.Partitions {
		return 0, "", "", fmt.Errorf("bad sweep cursor %q", c)
	}
	if _, err := strconv.ParseUint(f[2], 10, 64); err != nil {
		return 0, "", "", fmt.Errorf("bad sweep cursor %q", c)
	}
	return part, f[1], f[2], nil
}
