package redisstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

// inboxCap bounds each platform's inbox stream (approximately: MAXLEN ~).
// Handled messages are deleted, so the cap only matters when nothing
// handles them for a long time.
const inboxCap = 1_000_000

func (s *Store) inboxKey(channel string) string { return s.opts.Prefix + ":inbox:" + channel }

// Enqueue adds an inbound message to the platform's inbox stream
// (<p>:inbox:<channel>, field m = JSON bot.Inbound), in one round trip.
// Once it returns, the message survives a crash of this process.
func (s *Store) Enqueue(ctx context.Context, channel string, in bot.Inbound) error {
	b, err := json.Marshal(in)
	if err != nil {
		return internalError("redisstore.Enqueue", err)
	}
	err = s.rdb.XAdd(ctx, &redis.XAddArgs{Stream: s.inboxKey(channel), MaxLen: inboxCap, Approx: true, Values: []any{"m", string(b)}}).Err()
	if err != nil {
		return internalError("redisstore.Enqueue", err)
	}
	return nil
}

// ReadInbox returns up to max queued inbound messages of the platform for
// consumer, oldest first, as ReadOutbox does for outbound ones: messages
// another consumer read but did not acknowledge for Options.ClaimAfter
// first, then new ones, waiting up to block.
func (s *Store) ReadInbox(ctx context.Context, channel, consumer string, max int, block time.Duration) ([]bot.InboxItem, error) {
	const op = "redisstore.ReadInbox"
	stream := s.inboxKey(channel)
	msgs, err := s.readStream(ctx, op, stream, consumer, max, block)
	if err != nil {
		return nil, err
	}
	items := make([]bot.InboxItem, 0, len(msgs))
	var bad []string
	for _, m := range msgs {
		it := bot.InboxItem{StreamID: m.ID}
		raw, ok := m.Values["m"].(string)
		if !ok || json.Unmarshal([]byte(raw), &it.Message) != nil {
			bad = append(bad, m.ID)
			continue
		}
		items = append(items, it)
	}
	if err := s.ackBad(ctx, stream, bad); err != nil {
		return nil, internalError(op, err)
	}
	return items, nil
}

// AckInbox removes handled messages from the platform's inbox, in one
// round trip.
func (s *Store) AckInbox(ctx context.Context, channel string, streamIDs ...string) error {
	if len(streamIDs) == 0 {
		return nil
	}
	stream := s.inboxKey(channel)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, stream, senders, streamIDs...)
		p.XDel(ctx, stream, streamIDs...)
		return nil
	})
	if err != nil {
		return internalError("redisstore.AckInbox", err)
	}
	return nil
}
