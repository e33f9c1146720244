package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

// senders is the consumer group every outbox stream is read through.
const senders = "senders"

// ReadOutbox returns messages of the channel's outbox for consumer, at
// most max from each partition's stream, oldest first (by the time they
// were queued).
//
// It first takes over messages another consumer (or this one, before a
// restart) read but did not acknowledge for Options.ClaimAfter, so that a
// dead sender's messages are delivered by another. When there are none it
// reads new messages, waiting up to block for one to arrive (block <= 0:
// not at all). On one server or Sentinel that costs two round trips, the
// second of which may wait (one XREADGROUP over every partition's stream).
// On Redis Cluster no command reads streams in several slots, so it polls
// the partitions every 25 ms (one pipelined round trip per node) until
// something arrives or block has passed. go-redis does not interrupt a
// waiting read when ctx is cancelled (unless the client has
// ContextTimeoutEnabled), so keep block short, a few seconds, for a prompt
// shutdown.
//
// A message that cannot be decoded (never written by this package) is
// acknowledged, so it stops coming back, but left in the stream for
// inspection; it is not returned.
func (s *Store) ReadOutbox(ctx context.Context, channel, consumer string, max int, block time.Duration) ([]bot.OutboxItem, error) {
	const op = "redisstore.ReadOutbox"
	if max < 1 {
		return nil, bot.Errorf(bot.EINVALID, op, "max must be at least 1, not %d", max)
	}
	if consumer == "" {
		return nil, bot.Errorf(bot.EINVALID, op, "no consumer")
	}
	streams := s.outboxStreams(channel)
	if err := s.ensureGroups(ctx, streams); err != nil {
		return nil, internalError(op, err)
	}
	msgs, err := s.readOutbox(ctx, streams, consumer, max, block)
	if isNoGroup(err) {
		for _, st := range streams {
			s.forgetGroup(st)
		}
		if err := s.ensureGroups(ctx, streams); err != nil {
			return nil, internalError(op, err)
		}
		msgs, err = s.readOutbox(ctx, streams, consumer, max, block)
	}
	if err != nil {
		return nil, internalError(op, err)
	}
	items, err := s.decodeOutbox(ctx, streams, msgs)
	if err != nil {
		return nil, internalError(op, err)
	}
	return items, nil
}

// outboxStreams returns the channel's outbox streams, one per partition.
func (s *Store) outboxStreams(channel string) []string {
	out := make([]string, s.opts.Partitions)
	for n := range out {
		out[n] = s.outboxKey(n, channel)
	}
	return out
}

// partMsg is a stream entry and the partition whose stream it is in.
type partMsg struct {
	part int
	msg  redis.XMessage
}

// clusterPoll is how often ReadOutbox looks at the partitions on Redis
// Cluster while it waits for new messages.
const clusterPoll = 25 * time.Millisecond

// readOutbox reads the partitions' streams: abandoned entries first, else
// new ones, waiting up to block.
func (s *Store) readOutbox(ctx context.Context, streams []string, consumer string, count int, block time.Duration) ([]partMsg, error) {
	pipe := s.rdb.Pipeline()
	claims := make([]*redis.XAutoClaimCmd, len(streams))
	for n, st := range streams {
		claims[n] = pipe.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: st, Group: senders, Consumer: consumer,
			MinIdle: s.opts.ClaimAfter, Start: s.cursor(st), Count: int64(count),
		})
	}
	_, _ = pipe.Exec(ctx)
	var out []partMsg
	for n, c := range claims {
		msgs, next, err := c.Result()
		if err != nil {
			return nil, err
		}
		s.setCursor(streams[n], next)
		for _, m := range msgs {
			out = append(out, partMsg{n, m})
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	if !s.cluster {
		args := &redis.XReadGroupArgs{
			Group:    senders,
			Consumer: consumer,
			Count:    int64(count),
			Block:    -1, // go-redis: a negative Block sends no BLOCK; 0 would wait forever
		}
		args.Streams = append(args.Streams, streams...)
		for range streams {
			args.Streams = append(args.Streams, ">")
		}
		if block > 0 {
			args.Block = max(block, time.Millisecond) // BLOCK counts whole ms; 0 ms is forever
		}
		res, err := s.rdb.XReadGroup(ctx, args).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, err
		}
		index := make(map[string]int, len(streams))
		for n, st := range streams {
			index[st] = n
		}
		for _, st := range res {
			for _, m := range st.Messages {
				out = append(out, partMsg{index[st.Stream], m})
			}
		}
		return out, nil
	}
	deadline := time.Now().Add(block)
	for {
		pipe := s.rdb.Pipeline()
		reads := make([]*redis.XStreamSliceCmd, len(streams))
		for n, st := range streams {
			reads[n] = pipe.XReadGroup(ctx, &redis.XReadGroupArgs{
				Group: senders, Consumer: consumer, Streams: []string{st, ">"}, Count: int64(count), Block: -1,
			})
		}
		_, _ = pipe.Exec(ctx)
		for n, r := range reads {
			res, err := r.Result()
			if err != nil && !errors.Is(err, redis.Nil) {
				return nil, err
			}
			for _, st := range res {
				for _, m := range st.Messages {
					out = append(out, partMsg{n, m})
				}
			}
		}
		if len(out) > 0 || !time.Now().Before(deadline) {
			return out, nil
		}
		t := time.NewTimer(min(clusterPoll, time.Until(deadline)))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// decodeOutbox turns outbox stream entries into items, oldest first. An
// entry that cannot be decoded is acknowledged (ackBad) and left out.
func (s *Store) decodeOutbox(ctx context.Context, streams []string, msgs []partMsg) ([]bot.OutboxItem, error) {
	sort.SliceStable(msgs, func(i, j int) bool { return lessStreamID(msgs[i].msg.ID, msgs[j].msg.ID) })
	items := make([]bot.OutboxItem, 0, len(msgs))
	bad := map[int][]string{}
	for _, pm := range msgs {
		var it bot.OutboxItem
		it.StreamID = outboxID(pm.part, pm.msg.ID)
		raw, ok := pm.msg.Values["m"].(string)
		if !ok || json.Unmarshal([]byte(raw), &it.Message) != nil {
			bad[pm.part] = append(bad[pm.part], pm.msg.ID)
			continue
		}
		items = append(items, it)
	}
	for n, ids := range bad {
		if err := s.ackBad(ctx, streams[n], ids); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// lessStreamID orders stream entry ids ("<ms>-<seq>") by time, then sequence.
func lessStreamID(a, b string) bool {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	if len(am) != len(bm) {
		return len(am) < len(bm)
	}
	if am != bm {
		return am < bm
	}
	if len(as) != len(bs) {
		return len(as) < len(bs)
	}
	return as < bs
}

// takeOverPage is how many messages one XAUTOCLAIM of TakeOverOutbox moves.
const takeOverPage = 1000

// TakeOverOutbox hands consumer every message of the channel's outbox that
// was read and not acknowledged, whoever read it and however recently,
// oldest first: XAUTOCLAIM with no minimum idle time, from the start of
// each partition's pending list to its end, one round trip per partition
// and 1,000 messages. It does not move ReadOutbox's own claim cursors.
// Messages that cannot be decoded are acknowledged and left out, as
// ReadOutbox does.
func (s *Store) TakeOverOutbox(ctx context.Context, channel, consumer string) ([]bot.OutboxItem, error) {
	const op = "redisstore.TakeOverOutbox"
	if consumer == "" {
		return nil, bot.Errorf(bot.EINVALID, op, "no consumer")
	}
	streams := s.outboxStreams(channel)
	if err := s.ensureGroups(ctx, streams); err != nil {
		return nil, internalError(op, err)
	}
	var all []partMsg
	for n, stream := range streams {
		start := "0-0"
		for {
			msgs, next, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
				Stream: stream, Group: senders, Consumer: consumer,
				MinIdle: 0, Start: start, Count: takeOverPage,
			}).Result()
			if isNoGroup(err) {
				s.forgetGroup(stream)
				break // the stream is gone, and with it what was pending
			}
			if err != nil {
				return nil, internalError(op, err)
			}
			for _, m := range msgs {
				all = append(all, partMsg{n, m})
			}
			if next == "0-0" || next == "" {
				break
			}
			start = next
		}
	}
	items, err := s.decodeOutbox(ctx, streams, all)
	if err != nil {
		return nil, internalError(op, err)
	}
	return items, nil
}

// ensureGroups creates the senders group of each stream that this process
// has not, in one pipeline.
func (s *Store) ensureGroups(ctx context.Context, streams []string) error {
	var todo []string
	s.mu.Lock()
	for _, st := range streams {
		if !s.groups[st] {
			todo = append(todo, st)
		}
	}
	s.mu.Unlock()
	if len(todo) == 0 {
		return nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.StatusCmd, len(todo))
	for i, st := range todo {
		cmds[i] = pipe.XGroupCreateMkStream(ctx, st, senders, "0")
	}
	_, _ = pipe.Exec(ctx)
	for _, c := range cmds {
		if err := c.Err(); err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			return err
		}
	}
	s.mu.Lock()
	for _, st := range todo {
		s.groups[st] = true
	}
	s.mu.Unlock()
	return nil
}

// readStream reads up to max entries of a stream through the senders
// group for consumer (readGroup), creating the group when this process
// has not, and again once if the stream was deleted since (FLUSHDB, a
// restore).
func (s *Store) readStream(ctx context.Context, op, stream, consumer string, max int, block time.Duration) ([]redis.XMessage, error) {
	if max < 1 {
		return nil, bot.Errorf(bot.EINVALID, op, "max must be at least 1, not %d", max)
	}
	if consumer == "" {
		return nil, bot.Errorf(bot.EINVALID, op, "no consumer")
	}
	if err := s.ensureGroup(ctx, stream); err != nil {
		return nil, internalError(op, err)
	}
	msgs, err := s.readGroup(ctx, stream, consumer, max, block)
	if isNoGroup(err) {
		s.forgetGroup(stream)
		if err := s.ensureGroup(ctx, stream); err != nil {
			return nil, internalError(op, err)
		}
		msgs, err = s.readGroup(ctx, stream, consumer, max, block)
	}
	if err != nil {
		return nil, internalError(op, err)
	}
	return msgs, nil
}

// readGroup reads up to count entries of a stream through the senders
// group for consumer: first those another consumer read but did not
// acknowledge for Options.ClaimAfter, else new ones, waiting up to block.
func (s *Store) readGroup(ctx context.Context, stream, consumer string, count int, block time.Duration) ([]redis.XMessage, error) {
	msgs, next, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream:   stream,
		Group:    senders,
		Consumer: consumer,
		MinIdle:  s.opts.ClaimAfter,
		Start:    s.cursor(stream),
		Count:    int64(count),
	}).Result()
	if err != nil {
		return nil, err
	}
	s.setCursor(stream, next)
	if len(msgs) > 0 {
		return msgs, nil
	}
	args := &redis.XReadGroupArgs{
		Group:    senders,
		Consumer: consumer,
		Streams:  []string{stream, ">"},
		Count:    int64(count),
		Block:    -1, // go-redis: a negative Block sends no BLOCK; 0 would wait forever
	}
	if block > 0 {
		args.Block = max(block, time.Millisecond) // BLOCK counts whole ms; 0 ms is forever
	}
	streams, err := s.rdb.XReadGroup(ctx, args).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	for _, st := range streams {
		msgs = append(msgs, st.Messages...)
	}
	return msgs, nil
}

// ackBad acknowledges entries that cannot be decoded (never written by
// this package), so they stop coming back; they stay in the stream for
// inspection.
func (s *Store) ackBad(ctx context.Context, stream string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.rdb.XAck(ctx, stream, senders, ids...).Err()
}

// AckOutbox removes delivered messages from the channel's outbox, in one
// round trip per partition they are in (XACK and XDEL in one
// transaction). Acknowledging a message twice, or one that is not there,
// is harmless; an id this store did not hand out is ignored.
func (s *Store) AckOutbox(ctx context.Context, channel string, streamIDs ...string) error {
	byPart := map[int][]string{}
	for _, sid := range streamIDs {
		if n, id, ok := s.splitOutboxID(sid); ok {
			byPart[n] = append(byPart[n], id)
		}
	}
	for n, ids := range byPart {
		if err := s.ackEntries(ctx, s.outboxKey(n, channel), ids); err != nil {
			return internalError("redisstore.AckOutbox", err)
		}
	}
	return nil
}

// ackEntries acknowledges and deletes entries of one stream, in one
// transaction.
func (s *Store) ackEntries(ctx context.Context, stream string, ids []string) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, stream, senders, ids...)
		p.XDel(ctx, stream, ids...)
		return nil
	})
	return err
}

// ensureGroup creates the senders group of the stream, and the stream,
// unless this process already did. The group starts at the beginning of the
// stream ("0"), so messages committed before any sender ever ran are
// delivered too; acknowledged messages are deleted, so nothing is delivered
// twice because of it.
func (s *Store) ensureGroup(ctx context.Context, stream string) error {
	s.mu.Lock()
	done := s.groups[stream]
	s.mu.Unlock()
	if done {
		return nil
	}
	err := s.rdb.XGroupCreateMkStream(ctx, stream, senders, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return err
	}
	s.mu.Lock()
	s.groups[stream] = true
	s.mu.Unlock()
	return nil
}

func (s *Store) forgetGroup(stream string) {
	s.mu.Lock()
	delete(s.groups, stream)
	delete(s.cursors, stream)
	s.mu.Unlock()
}

func isNoGroup(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOGROUP")
}

// cursor returns where the next XAUTOCLAIM of the stream starts. Redis scans
// a bounded part of the pending list per call and says where to go on, so
// a long list of messages in flight cannot hide an abandoned one for ever.
func (s *Store) cursor(stream string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.cursors[stream]; c != "" {
		return c
	}
	return "0-0"
}

func (s *Store) setCursor(stream, next string) {
	s.mu.Lock()
	s.cursors[stream] = next
	s.mu.Unlock()
}
