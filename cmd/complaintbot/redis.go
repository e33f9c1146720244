package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/complaintbot/complaintbot/bot/redisstore"
)

// redisConfig is where Redis is and how to reach it.
type redisConfig struct {
	// Mode is "" (one server, or the embedded store when nothing is
	// set), "cluster" or "sentinel".
	Mode         string
	Addrs        []string
	Master       string
	Username     string
	Password     string
	SyncReplicas int
	// url is REDIS_URL's options for one server.
	url *redis.Options
}

// parseRedis reads and checks the Redis settings: a combination that
// cannot work is refused, naming the setting.
func parseRedis(redisURL string, get func(string) string) (redisConfig, error) {
	c := redisConfig{
		Mode:     strings.ToLower(get("REDIS_MODE")),
		Addrs:    list(get("REDIS_ADDRS")),
		Master:   get("REDIS_MASTER"),
		Password: get("REDIS_PASSWORD"),
	}
	if v := get("REDIS_SYNC_REPLICAS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return c, fmt.Errorf("REDIS_SYNC_REPLICAS: %q is not a number of replicas (0 or more)", v)
		}
		c.SyncReplicas = n
	}
	switch c.Mode {
	case "", "standalone", "cluster", "sentinel":
	default:
		return c, fmt.Errorf("REDIS_MODE: %q is not cluster or sentinel (or empty for one server)", c.Mode)
	}
	if c.Mode == "standalone" {
		c.Mode = ""
	}
	if redisURL != "" && len(c.Addrs) > 0 {
		return c, fmt.Errorf("REDIS_ADDRS: set either REDIS_URL or REDIS_ADDRS, not both")
	}
	if redisURL != "" {
		if c.Password != "" {
			return c, fmt.Errorf("REDIS_PASSWORD: is for REDIS_ADDRS; put the password in REDIS_URL")
		}
		scheme, rest, _ := strings.Cut(redisURL, "://")
		switch scheme {
		case "redis-cluster":
			if c.Mode == "sentinel" {
				return c, fmt.Errorf("REDIS_MODE: sentinel, but REDIS_URL is a redis-cluster:// URL")
			}
			c.Mode = "cluster"
			user, addrs, err := clusterURL(rest)
			if err != nil {
				return c, fmt.Errorf("REDIS_URL: %v", err)
			}
			c.Username, c.Password, c.Addrs = user.Username(), passwordOf(user), addrs
		case "redis", "rediss", "unix":
			if c.Mode != "" {
				return c, fmt.Errorf("REDIS_MODE: %s needs REDIS_ADDRS (or a redis-cluster:// REDIS_URL), not a %s:// REDIS_URL", c.Mode, scheme)
			}
			u, err := url.Parse(redisURL)
			if err != nil || u.Scheme != scheme {
				return c, fmt.Errorf("REDIS_URL: want redis://host:port/db, rediss://…, unix://… or redis-cluster://host:port,host:port")
			}
		default:
			return c, fmt.Errorf("REDIS_URL: want redis://host:port/db, rediss://…, unix://… or redis-cluster://host:port,host:port")
		}
	}
	for _, a := range c.Addrs {
		if _, _, err := net.SplitHostPort(a); err != nil {
			return c, fmt.Errorf("REDIS_ADDRS: %q is not host:port", a)
		}
	}
	switch c.Mode {
	case "cluster":
		if len(c.Addrs) == 0 {
			return c, fmt.Errorf("REDIS_ADDRS: REDIS_MODE=cluster needs the address of at least one node")
		}
		if c.Master != "" {
			return c, fmt.Errorf("REDIS_MASTER: is for REDIS_MODE=sentinel, not cluster")
		}
	case "sentinel":
		if len(c.Addrs) == 0 {
			return c, fmt.Errorf("REDIS_ADDRS: REDIS_MODE=sentinel needs the Sentinels' addresses")
		}
		if c.Master == "" {
			return c, fmt.Errorf("REDIS_MASTER: REDIS_MODE=sentinel needs the name the Sentinels know the primary by")
		}
	default:
		if c.Master != "" {
			return c, fmt.Errorf("REDIS_MASTER: set REDIS_MODE=sentinel to use it")
		}
		if len(c.Addrs) > 1 {
			return c, fmt.Errorf("REDIS_MODE: several REDIS_ADDRS need REDIS_MODE=cluster or sentinel")
		}
	}
	return c, nil
}

// clusterURL reads the part of a redis-cluster:// URL after the scheme:
// [user:pass@]host:port,host:port[/].
func clusterURL(rest string) (*url.Userinfo, []string, error) {
	var user *url.Userinfo
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		u, err := url.Parse("redis://" + rest[:at+1] + "x")
		if err != nil {
			return nil, nil, fmt.Errorf("bad user or password in the redis-cluster:// URL")
		}
		user, rest = u.User, rest[at+1:]
	}
	rest = strings.TrimSuffix(rest, "/")
	addrs := list(rest)
	if len(addrs) == 0 {
		return nil, nil, fmt.Errorf("a redis-cluster:// URL needs at least one host:port")
	}
	for _, a := range addrs {
		if _, _, err := net.SplitHostPort(a); err != nil {
			return nil, nil, fmt.Errorf("%q in the redis-cluster:// URL is not host:port", a)
		}
	}
	return user, addrs, nil
}

func passwordOf(u *url.Userinfo) string {
	if u == nil {
		return ""
	}
	p, _ := u.Password()
	return p
}

// storeOptions are the store's options the settings choose.
func storeOptions(cfg *config) redisstore.Options {
	return redisstore.Options{SyncReplicas: cfg.Redis.SyncReplicas}
}

// openRedis connects to Redis as the settings say, through a
// UniversalClient (one server, Sentinel or Cluster), or starts the embedded
// in-process store when none is configured.
func openRedis(ctx context.Context, cfg *config, log *slog.Logger) (redis.UniversalClient, func(), error) {
	rc := cfg.Redis
	if cfg.RedisURL == "" && len(rc.Addrs) == 0 {
		mr := miniredis.NewMiniRedis()
		if err := mr.StartAddr("127.0.0.1:0"); err != nil {
			return nil, nil, fmt.Errorf("start the embedded store: %w", err)
		}
		log.Warn("EMBEDDED STORE: no REDIS_URL set, so everything is kept in memory and LOST WHEN THE BOT EXITS. Set REDIS_URL=redis://host:6379/0 to keep conversations and cases.")
		rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{mr.Addr()}})
		return rdb, func() { rdb.Close(); mr.Close() }, nil
	}
	var rdb redis.UniversalClient
	setting, where := "REDIS_URL", ""
	if len(rc.Addrs) > 0 && cfg.RedisURL == "" {
		setting = "REDIS_ADDRS"
	}
	switch rc.Mode {
	case "cluster":
		// RESP2: nothing here uses RESP3, and with it go-redis looks for
		// push notifications on every reply.
		rdb = redis.NewUniversalClient(&redis.UniversalOptions{Addrs: rc.Addrs, IsClusterMode: true,
			Username: rc.Username, Password: rc.Password, Protocol: 2})
		where = "cluster " + strings.Join(rc.Addrs, ",")
	case "sentinel":
		rdb = redis.NewUniversalClient(&redis.UniversalOptions{Addrs: rc.Addrs, MasterName: rc.Master,
			Password: rc.Password, SentinelPassword: rc.Password, Protocol: 2})
		where = "sentinel " + rc.Master + " via " + strings.Join(rc.Addrs, ",")
	default:
		if cfg.RedisURL == "" { // one REDIS_ADDRS
			rdb = redis.NewUniversalClient(&redis.UniversalOptions{Addrs: rc.Addrs, Password: rc.Password, Protocol: 2})
			where = rc.Addrs[0]
			break
		}
		opts, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return nil, nil, fmt.Errorf("REDIS_URL: %v", redactErr(err, cfg.RedisURL))
		}
		rdb = redis.NewUniversalClient(&redis.UniversalOptions{
			Addrs:     []string{opts.Addr},
			Username:  opts.Username,
			Password:  opts.Password,
			DB:        opts.DB,
			TLSConfig: opts.TLSConfig,
			Protocol:  2,
		})
		if opts.Network == "unix" {
			// UniversalOptions has no network: a socket needs the plain client.
			rdb.Close()
			opts.Protocol = 2
			rdb = redis.NewClient(opts)
		}
		where = fmt.Sprintf("%s db %d", opts.Addr, opts.DB)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, nil, fmt.Errorf("%s: cannot reach %s: %v", setting, where, redactErr(err, rc.Password))
	}
	log.Info("using Redis", "mode", cmpOr(rc.Mode, "server"), "addr", where)
	return rdb, func() { rdb.Close() }, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// redactErr keeps a password in REDIS_URL out of error messages.
func redactErr(err error, secret string) string {
	msg := err.Error()
	if secret == "" {
		return msg
	}
	return strings.ReplaceAll(msg, secret, "[REDIS_URL]")
}
