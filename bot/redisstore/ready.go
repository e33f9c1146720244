package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Ready reports whether the store can take writes now, in one round trip
// (one per shard on Redis Cluster): the server it reaches answers and is a
// primary (ROLE), or, on Redis Cluster, every shard answers and the cluster
// state is ok. During a Sentinel failover it fails (the old primary is gone
// or has become a replica) until the client follows the new primary, so a
// readiness probe built on it takes the replica out of service meanwhile.
func (s *Store) Ready(ctx context.Context) error {
	const op = "redisstore.Ready"
	if c, ok := s.rdb.(*redis.ClusterClient); ok {
		err := c.ForEachShard(ctx, func(ctx context.Context, n *redis.Client) error {
			info, err := n.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") {
				return errors.New("cluster state is not ok")
			}
			return nil
		})
		if err != nil {
			return internalError(op, err)
		}
		return nil
	}
	role, err := s.rdb.Do(ctx, "ROLE").Slice()
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "unknown command") {
			// The embedded server has no ROLE; it is always its own primary.
			if err := s.rdb.Ping(ctx).Err(); err != nil {
				return internalError(op, err)
			}
			return nil
		}
		return internalError(op, err)
	}
	if len(role) == 0 || role[0] != "master" {
		return internalError(op, fmt.Errorf("the server is a %v, not a primary", role[0]))
	}
	return nil
}
