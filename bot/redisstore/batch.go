package redisstore

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// loader sends Load round trips together. A Load that arrives while as
// many others as maxFlushers are on the wire waits for one of them to come
// back and then goes out in one pipeline with every Load that queued
// meanwhile. Under load this turns dozens of round trips into one (fewer
// system calls on both sides, one network hop); when idle every Load goes
// out at once, alone. No goroutine lives longer than its batch.
type loader struct {
	rdb redis.UniversalClient

	mu       sync.Mutex
	pending  []*loadReq
	flushing int
}

// maxFlushers bounds the pipelines on the wire at once.
const maxFlushers = 4

// loadTimeout bounds one pipeline; a caller stops waiting when its own
// context ends.
const loadTimeout = 10 * time.Second

type loadReq struct {
	keys []string
	args []any
	done chan struct{}
	res  []any
	err  error
}

// do runs the load script for keys and args, batched with concurrent calls.
func (l *loader) do(ctx context.Context, keys []string, args ...any) ([]any, error) {
	r := &loadReq{keys: keys, args: args, done: make(chan struct{})}
	l.mu.Lock()
	l.pending = append(l.pending, r)
	var batch []*loadReq
	if l.flushing < maxFlushers {
		l.flushing++
		batch, l.pending = l.pending, nil
	}
	l.mu.Unlock()
	if batch != nil {
		l.run(batch)
	}
	select {
	case <-r.done:
		return r.res, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// run sends batch, then hands its flushing slot to a goroutine for what
// queued meanwhile, so that the caller is not held up by others' loads.
func (l *loader) run(batch []*loadReq) {
	l.flush(batch)
	l.mu.Lock()
	if len(l.pending) == 0 {
		l.flushing--
		l.mu.Unlock()
		return
	}
	next := l.pending
	l.pending = nil
	l.mu.Unlock()
	go l.run(next)
}

// flush sends one batch of loads in one pipeline and hands out the answers.
func (l *loader) flush(batch []*loadReq) {
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	defer func() {
		for _, r := range batch {
			close(r.done)
		}
	}()
	if len(batch) == 1 {
		r := batch[0]
		r.res, r.err = loadScript.Run(ctx, l.rdb, r.keys, r.args...).Slice()
		return
	}
	cmds := make([]*redis.Cmd, len(batch))
	_, _ = l.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, r := range batch {
			cmds[i] = loadScript.EvalSha(ctx, p, r.keys, r.args...)
		}
		return nil
	})
	for i, r := range batch {
		r.res, r.err = cmds[i].Slice()
		if r.err != nil && strings.HasPrefix(r.err.Error(), "NOSCRIPT") {
			// The server lost its scripts (a restart, SCRIPT FLUSH):
			// Run loads the script again.
			r.res, r.err = loadScript.Run(ctx, l.rdb, r.keys, r.args...).Slice()
		}
	}
}
