package redisstore

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// leaseScript takes or renews a named lease.
//
// KEYS[1]  the lease key: a string holding the holder's name, with a TTL
// ARGV[1]  holder: the name of the replica asking
// ARGV[2]  ttl: how long the lease lasts, in milliseconds
// Returns  1 if holder now holds the lease (taken, or renewed because it
//
//	already held it), 0 if another holder does.
var leaseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`)

// Lease takes the named lease for holder, or renews it if holder already
// has it, for ttl. It reports whether holder holds it. A holder that stops
// renewing loses the lease when ttl runs out.
func (s *Store) Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	n, err := leaseScript.Run(ctx, s.rdb, []string{s.opts.Prefix + ":lease:" + name}, holder, ttl.Milliseconds()).Int()
	if err != nil {
		return false, internalError("redisstore.Lease", err)
	}
	return n == 1, nil
}

// releaseScript gives a lease up if holder holds it.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Release gives the named lease up if holder holds it, so that another
// replica can take it at once instead of waiting for it to run out.
func (s *Store) Release(ctx context.Context, name, holder string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.opts.Prefix + ":lease:" + name}, holder).Err(); err != nil {
		return internalError("redisstore.Release", err)
	}
	return nil
}
