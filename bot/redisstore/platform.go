package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// A platform adapter keeps a little state of its own that every replica
// must share: an access token, a sync cursor, a flag that more messages
// wait. These are plain strings under Prefix+":platform:"+key, each key
// its own slot (no hash tag: no script touches two of them).

func (s *Store) platformKey(key string) string { return s.opts.Prefix + ":platform:" + key }

// State returns the value kept under key, or "" when there is none.
func (s *Store) State(ctx context.Context, key string) (string, error) {
	v, err := s.rdb.Get(ctx, s.platformKey(key)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", internalError("redisstore.State", err)
	}
	return v, nil
}

// SetState keeps value under key for ttl (0: no expiry).
func (s *Store) SetState(ctx context.Context, key, value string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.platformKey(key), value, ttl).Err(); err != nil {
		return internalError("redisstore.SetState", err)
	}
	return nil
}

// TakeState returns the value under key and deletes it, in one step, or
// "" when there is none.
func (s *Store) TakeState(ctx context.Context, key string) (string, error) {
	v, err := s.rdb.GetDel(ctx, s.platformKey(key)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", internalError("redisstore.TakeState", err)
	}
	return v, nil
}

// dropIfScript deletes a key only while it holds the given value.
//
// KEYS[1]  the key
// ARGV[1]  the value it must hold
// Returns  1 if deleted, 0 if it held something else or nothing.
var dropIfScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// DropState deletes key if it still holds value (a token another replica
// has not replaced yet).
func (s *Store) DropState(ctx context.Context, key, value string) error {
	if err := dropIfScript.Run(ctx, s.rdb, []string{s.platformKey(key)}, value).Err(); err != nil {
		return internalError("redisstore.DropState", err)
	}
	return nil
}
