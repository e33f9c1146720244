package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// Secret returns the server secret called name (e.g. "web": the web
// channel's WEB_SECRET when none is configured), making it on first use:
// 32 random bytes, kept at <prefix>:secret:<name> without expiry. Every
// replica on the same Redis gets the same secret; the first to ask makes
// it (SET NX), so replicas starting together still agree.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	const op = "secret"
	key := s.opts.Prefix + ":secret:" + name
	var b [32]byte
	_, _ = rand.Read(b[:])
	if err := s.rdb.SetNX(ctx, key, hex.EncodeToString(b[:]), 0).Err(); err != nil {
		return nil, internalError(op, err)
	}
	v, err := s.rdb.Get(ctx, key).Result()
	if err != nil {
		return nil, internalError(op, err)
	}
	return []byte(v), nil
}
