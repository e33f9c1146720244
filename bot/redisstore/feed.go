package redisstore

import (
	"context"
	"fmt"

	"github.com/complaintbot/complaintbot/bot"
)

// Both keys of a log share the hash tag {f:<log>}.
func (s *Store) feedKeys(log string) []string {
	tag := "{f:" + escapeTag(log) + "}"
	return []string{s.opts.Prefix + ":feedid:" + tag, s.opts.Prefix + ":feed:" + tag}
}

// Append adds data to the named log, in one round trip, unless an entry
// with the same id was appended before; either way it returns the entry's
// number. Numbers start at 1 and have no gaps, however many processes
// append at once. An empty id appends without de-duplication.
func (s *Store) Append(ctx context.Context, log, id string, data []byte) (int64, error) {
	seq, err := appendScript.Run(ctx, s.rdb, s.feedKeys(log), id, data).Int64()
	if err != nil {
		return 0, internalError("redisstore.Append", err)
	}
	return seq, nil
}

// Read returns up to max entries of the log numbered after `after`, oldest
// first, in one round trip; none when there are none yet. Entry i of the
// answer is number after+1+i: numbers have no gaps.
func (s *Store) Read(ctx context.Context, log string, after int64, max int) ([][]byte, error) {
	const op = "redisstore.Read"
	if max < 1 {
		return nil, bot.Errorf(bot.EINVALID, op, "max must be at least 1, not %d", max)
	}
	if after < 0 {
		after = 0
	}
	vals, err := s.rdb.LRange(ctx, s.feedKeys(log)[1], after, after+int64(max)-1).Result()
	if err != nil {
		return nil, internalError(op, fmt.Errorf("log %s: %w", log, err))
	}
	if len(vals) == 0 {
		return nil, nil
	}
	out := make([][]byte, len(vals))
	for i, v := range vals {
		out[i] = []byte(v)
	}
	return out, nil
}
