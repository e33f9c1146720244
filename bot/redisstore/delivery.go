package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

// RefTTL is how long the reverse index of a platform reference (Slack
// message, WeChat message…) to its case is kept: long enough for any
// thread reply or click on a case's messages.
const RefTTL = 90 * 24 * time.Hour

// deadLetterCap bounds each channel's dead-letter stream (approximately:
// MAXLEN ~), so a platform that refuses everything for days cannot fill
// Redis. The oldest entries go first.
const deadLetterCap = 100_000

func (s *Store) refCaseKey(channel, platformRef string) string {
	return s.opts.Prefix + ":refcase:" + channel + ":" + platformRef
}

func (s *Store) deadKey(channel string) string { return s.opts.Prefix + ":dead:" + channel }

// Address returns the customer's address on the platform, as the last
// commit of their conversation wrote it, or "" when none is known; one
// round trip.
func (s *Store) Address(ctx context.Context, customer, platform string) (string, error) {
	v, err := s.rdb.HGet(ctx, s.customerHash(customer), "addr:"+platform).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", internalError("redisstore.Address", err)
	}
	return v, nil
}

// Delivered records a delivery: the platform's reference under the
// message's Ref, the reverse index from the reference to the message's
// case (for messages to the team and to staff: those are what a thread
// reply or a click can point at), and the acknowledgement of the message
// in the outbox. On one server or Sentinel that is one round trip (a
// MULTI/EXEC). On Redis Cluster the references and the outbox are in
// different slots, so the references are written first and the
// acknowledgement second (two round trips): a crash between them
// re-delivers the message, which adapters de-duplicate, and never loses a
// reference.
func (s *Store) Delivered(ctx context.Context, channel string, it bot.OutboxItem, platformRef string) error {
	m := it.Message
	refs := func(p redis.Pipeliner) {
		if platformRef != "" {
			if m.Ref != "" {
				p.HSet(ctx, s.refsKey(channel), m.Ref, platformRef)
			}
			if c := m.Case; c != "" && m.Audience != bot.ToCustomer {
				p.Set(ctx, s.refCaseKey(channel, platformRef), c, RefTTL)
			}
		}
	}
	n, id, ok := s.splitOutboxID(it.StreamID)
	ack := func(p redis.Pipeliner) {
		if ok {
			stream := s.outboxKey(n, channel)
			p.XAck(ctx, stream, senders, id)
			p.XDel(ctx, stream, id)
		}
	}
	var err error
	if s.cluster {
		if _, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error { refs(p); return nil }); err == nil {
			_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error { ack(p); return nil })
		}
	} else {
		_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error { refs(p); ack(p); return nil })
	}
	if err != nil {
		return internalError("redisstore.Delivered", err)
	}
	return nil
}

// CaseOfRef returns the case a platform reference belongs to (recorded by
// Delivered), or "" when it is not known; one round trip.
func (s *Store) CaseOfRef(ctx context.Context, channel, platformRef string) (string, error) {
	if platformRef == "" {
		return "", nil
	}
	v, err := s.rdb.Get(ctx, s.refCaseKey(channel, platformRef)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", internalError("redisstore.CaseOfRef", err)
	}
	return v, nil
}

// DeadLetter moves a message from the channel's outbox to its dead-letter
// stream (<p>:dead:<channel>, fields m = JSON bot.Outbound, reason, at =
// Unix ms), in one round trip (a MULTI/EXEC), so it is in exactly one of
// the two afterwards; on Redis Cluster in two (see Delivered), so that a
// crash between them leaves it in both.
func (s *Store) DeadLetter(ctx context.Context, channel string, it bot.OutboxItem, reason string) error {
	b, err := json.Marshal(it.Message)
	if err != nil {
		return internalError("redisstore.DeadLetter", err)
	}
	n, id, ok := s.splitOutboxID(it.StreamID)
	add := func(p redis.Pipeliner) {
		p.XAdd(ctx, &redis.XAddArgs{Stream: s.deadKey(channel), MaxLen: deadLetterCap, Approx: true,
			Values: []any{"m", string(b), "reason", reason, "at", strconv.FormatInt(time.Now().UnixMilli(), 10)}})
	}
	ack := func(p redis.Pipeliner) {
		if ok {
			stream := s.outboxKey(n, channel)
			p.XAck(ctx, stream, senders, id)
			p.XDel(ctx, stream, id)
		}
	}
	if s.cluster {
		// Two slots: the dead letter first, so a crash between the two
		// dead-letters the message twice rather than losing it.
		if _, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error { add(p); return nil }); err == nil {
			_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error { ack(p); return nil })
		}
	} else {
		_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error { add(p); ack(p); return nil })
	}
	if err != nil {
		return internalError("redisstore.DeadLetter", err)
	}
	return nil
}

// DeadLetters returns up to max entries of the channel's dead-letter
// stream, oldest first; one round trip. Entries that cannot be decoded are
// skipped.
func (s *Store) DeadLetters(ctx context.Context, channel string, max int) ([]bot.DeadLetter, error) {
	if max < 1 {
		return nil, bot.Errorf(bot.EINVALID, "redisstore.DeadLetters", "max must be at least 1, not %d", max)
	}
	msgs, err := s.rdb.XRangeN(ctx, s.deadKey(channel), "-", "+", int64(max)).Result()
	if err != nil {
		return nil, internalError("redisstore.DeadLetters", err)
	}
	out := make([]bot.DeadLetter, 0, len(msgs))
	for _, m := range msgs {
		var d bot.DeadLetter
		raw, _ := m.Values["m"].(string)
		if json.Unmarshal([]byte(raw), &d.Message) != nil {
			continue
		}
		d.Reason, _ = m.Values["reason"].(string)
		if at, _ := m.Values["at"].(string); at != "" {
			if ms, err := strconv.ParseInt(at, 10, 64); err == nil {
				d.At = time.UnixMilli(ms)
			}
		}
		out = append(out, d)
	}
	return out, nil
}
