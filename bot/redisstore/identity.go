package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot"
)

var _ bot.IdentityStore = (*Store)(nil)

func (s *Store) identityKey(platform string) string {
	return s.opts.Prefix + ":ident:{" + platform + "}"
}

// IdentityFields returns fields of a platform's identity map (one hash per
// platform), "" for those missing, in one HMGET.
func (s *Store) IdentityFields(ctx context.Context, platform string, fields ...string) ([]string, error) {
	vals, err := s.rdb.HMGet(ctx, s.identityKey(platform), fields...).Result()
	if err != nil {
		return nil, internalError("redisstore.IdentityFields", err)
	}
	out := make([]string, len(fields))
	for i, v := range vals {
		if str, ok := v.(string); ok {
			out[i] = str
		}
	}
	return out, nil
}

// SetIdentityFields writes fields of a platform's identity map; an empty
// value deletes its field. Writes and deletions are one transaction.
func (s *Store) SetIdentityFields(ctx context.Context, platform string, kv map[string]string) error {
	key := s.identityKey(platform)
	var set []any
	var del []string
	for k, v := range kv {
		if v == "" {
			del = append(del, k)
		} else {
			set = append(set, k, v)
		}
	}
	pipe := s.rdb.TxPipeline()
	if len(set) > 0 {
		pipe.HSet(ctx, key, set...)
	}
	if len(del) > 0 {
		pipe.HDel(ctx, key, del...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return internalError("redisstore.SetIdentityFields", err)
	}
	return nil
}

func (s *Store) sessionKey(name string) string { return s.opts.Prefix + ":session:" + name }

// Session returns a platform session's saved data (a WeChat hot-login
// document), nil when there is none.
func (s *Store) Session(ctx context.Context, name string) ([]byte, error) {
	b, err := s.rdb.Get(ctx, s.sessionKey(name)).Bytes()
	if err != nil {
		if errors.Is(err, redis.Nil) {
			return nil, nil
		}
		return nil, internalError("redisstore.Session", err)
	}
	return b, nil
}

// SaveSession keeps a platform session's data for ttl; nil data deletes it.
func (s *Store) SaveSession(ctx context.Context, name string, data []byte, ttl time.Duration) error {
	var err error
	if data == nil {
		err = s.rdb.Del(ctx, s.sessionKey(name)).Err()
	} else {
		err = s.rdb.Set(ctx, s.sessionKey(name), data, ttl).Err()
	}
	if err != nil {
		return internalError("redisstore.SaveSession", err)
	}
	return nil
}

// AddIdentityField sets field to value unless it is set already, and returns
// the value the field holds now, in one transaction.
func (s *Store) AddIdentityField(ctx context.Context, platform, field, value string) (string, error) {
	key := s.identityKey(platform)
	pipe := s.rdb.TxPipeline()
	pipe.HSetNX(ctx, key, field, value)
	cur := pipe.HGet(ctx, key, field)
	if _, err := pipe.Exec(ctx); err != nil {
		return "", internalError("redisstore.AddIdentityField", err)
	}
	return cur.Val(), nil
}
