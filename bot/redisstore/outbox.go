package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

// senders is the consumer group every outbox stream is read through.
const senders = "senders"

// ReadOutbox returns up to max messages of the channel's outbox for
// consumer, oldest first.
//
// It first takes over messages another consumer (or this one, before a
// restart) read but did not acknowledge for Options.ClaimAfter, so that a
// dead sender's messages are delivered by another. When there are none it
// reads new messages, waiting up to block for one to arrive (block <= 0:
// not at all). It costs two round trips, the second of which may wait.
// go-redis does not interrupt a waiting read when ctx is cancelled (unless
// the client has ContextTimeoutEnabled), so keep block short, a few seconds,
// for a prompt shutdown.
//
// A message that cannot be decoded (never written by this package) is
// acknowledged, so it stops coming back, but left in the stream for
// inspection; it is not returned.
func (s *Store) ReadOutbox(ctx context.Context, channel, consumer string, max int, block time.Duration) ([]bot.OutboxItem, error) {
	const op = "redisstore.ReadOutbox"
	stream := s.outboxKey(channel)
	msgs, err := s.readStream(ctx, op, stream, consumer, max, block)
	if err != nil {
		return nil, err
	}
	items, err := s.decodeOutbox(ctx, stream, msgs)
	if err != nil {
		return nil, internalError(op, err)
	}
	return items, nil
}

// decodeOutbox turns outbox stream entries into items. An entry that
// cannot be decoded is acknowledged (ackBad) and left out.
func (s *Store) decodeOutbox(ctx context.Context, stream string, msgs []redis.XMessage) ([]bot.OutboxItem, error) {
	items := make([]bot.OutboxItem, 0, len(msgs))
	var bad []string
	for _, m := range msgs {
		var it bot.OutboxItem
		it.StreamID = m.ID
		raw, ok := m.Values["m"].(string)
		if !ok || json.Unmarshal([]byte(raw), &it.Message) != nil {
			bad = append(bad, m.ID)
			continue
		}
		items = append(items, it)
	}
	if err := s.ackBad(ctx, stream, bad); err != nil {
		return nil, err
	}
	return items, nil
}

// takeOverPage is how many messages one XAUTOCLAIM of TakeOverOutbox moves.
const takeOverPage = 1000

// TakeOverOutbox hands consumer every message of the channel's outbox that
// was read and not acknowledged, whoever read it and however recently,
// oldest first: XAUTOCLAIM with no minimum idle time, from the start of
// the pending list to its end, one round trip per 1,000 messages. It does
// not move ReadOutbox's own claim cursor. Messages that cannot be decoded
// are acknowledged and left out, as ReadOutbox does.
func (s *Store) TakeOverOutbox(ctx context.Context, channel, consumer string) ([]bot.OutboxItem, error) {
	const op = "redisstore.TakeOverOutbox"
	if consumer == "" {
		return nil, bot.Errorf(bot.EINVALID, op, "no consumer")
	}
	stream := s.outboxKey(channel)
	if err := s.ensureGroup(ctx, stream); err != nil {
		return nil, internalError(op, err)
	}
	var out []bot.OutboxItem
	start := "0-0"
	for {
		msgs, next, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: stream, Group: senders, Consumer: consumer,
			MinIdle: 0, Start: start, Count: takeOverPage,
		}).Result()
		if isNoGroup(err) {
			s.forgetGroup(stream)
			return nil, nil // the stream is gone, and with it what was pending
		}
		if err != nil {
			return nil, internalError(op, err)
		}
		items, err := s.decodeOutbox(ctx, stream, msgs)
		if err != nil {
			return nil, internalError(op, err)
		}
		out = append(out, items...)
		if next == "0-0" || next == "" {
			return out, nil
		}
		start = next
	}
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
// round trip (XACK and XDEL in one transaction). Acknowledging a message
// twice, or one that is not there, is harmless.
func (s *Store) AckOutbox(ctx context.Context, channel string, streamIDs ...string) error {
	if len(streamIDs) == 0 {
		return nil
	}
	stream := s.outboxKey(channel)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, stream, senders, streamIDs...)
		p.XDel(ctx, stream, streamIDs...)
		return nil
	})
	if err != nil {
		return internalError("redisstore.AckOutbox", err)
	}
	return nil
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
