package redisstore

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

// Counts are gauges of the store, read at once for metrics.
type Counts struct {
	// ByStatus is the number of cases of each status.
	ByStatus map[bot.Status]int64
	// Outbox and Dead are the messages waiting in each channel's outbox
	// (delivered ones are deleted) and kept in its dead-letter stream.
	Outbox, Dead map[string]int64
}

// Counts reads the number of cases by status and the outbox and
// dead-letter lengths of channels, in one round trip (ZCARD and XLEN of
// every partition, all O(1)).
func (s *Store) Counts(ctx context.Context, channels []string) (Counts, error) {
	c := Counts{ByStatus: map[bot.Status]int64{}, Outbox: map[string]int64{}, Dead: map[string]int64{}}
	parts := s.opts.Partitions
	status := make([]*redis.IntCmd, len(bot.Statuses)*parts)
	outbox := make([]*redis.IntCmd, len(channels)*parts)
	dead := make([]*redis.IntCmd, len(channels))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range bot.Statuses {
			for n := 0; n < parts; n++ {
				status[i*parts+n] = p.ZCard(ctx, s.statusKey(n, i))
			}
		}
		for i, ch := range channels {
			for n := 0; n < parts; n++ {
				outbox[i*parts+n] = p.XLen(ctx, s.outboxKey(n, ch))
			}
			dead[i] = p.XLen(ctx, s.deadKey(ch))
		}
		return nil
	})
	if err != nil && err != redis.Nil {
		return c, internalError("redisstore.Counts", err)
	}
	for i, st := range bot.Statuses {
		for n := 0; n < parts; n++ {
			c.ByStatus[st] += status[i*parts+n].Val()
		}
	}
	for i, ch := range channels {
		for n := 0; n < parts; n++ {
			c.Outbox[ch] += outbox[i*parts+n].Val()
		}
		c.Dead[ch] = dead[i].Val()
	}
	return c, nil
}
