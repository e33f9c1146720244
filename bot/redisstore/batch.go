package redisstore

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// batcher sends independent reads together. A read that arrives while as
// many others as maxFlushers are on the wire waits for one of them to come
// back and then goes out in one pipeline with every read that queued
// meanwhile. Under load this turns dozens of round trips into one (fewer
// system calls on both sides, one network hop); when idle every read goes
// out at once, alone. No goroutine lives longer than its batch.
//
// The store sends wake-ups' loads and case-to-customer lookups through it:
// when thousands of wake-ups fall due together, they come in crowds.
type batcher struct {
	rdb redis.UniversalClient

	mu       sync.Mutex
	pending  []*batchReq
	flushing int
}

// maxFlushers bounds the pipelines on the wire at once.
const maxFlushers = 4

// batchTimeout bounds one pipeline; a caller stops waiting when its own
// context ends.
const batchTimeout = 10 * time.Second

// batchReq is one read: build queues its command on a pipeline (or runs it
// on the client, for a batch of one).
type batchReq struct {
	build func(ctx context.Context, c redis.Scripter) redis.Cmder
	cmd   redis.Cmder
	done  chan struct{}
}

// do runs build's command, batched with concurrent calls, and returns it
// (its result or error set).
func (b *batcher) do(ctx context.Context, build func(ctx context.Context, c redis.Scripter) redis.Cmder) (redis.Cmder, error) {
	r := &batchReq{build: build, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, r)
	var batch []*batchReq
	if b.flushing < maxFlushers {
		b.flushing++
		batch, b.pending = b.pending, nil
	}
	b.mu.Unlock()
	if batch != nil {
		b.run(batch)
	}
	select {
	case <-r.done:
		return r.cmd, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// run sends batch, then hands its flushing slot to a goroutine for what
// queued meanwhile, so that the caller is not held up by others' reads.
func (b *batcher) run(batch []*batchReq) {
	b.flush(batch)
	b.mu.Lock()
	if len(b.pending) == 0 {
		b.flushing--
		b.mu.Unlock()
		return
	}
	next := b.pending
	b.pending = nil
	b.mu.Unlock()
	go b.run(next)
}

// flush sends one batch in one pipeline and hands out the answers. A
// script the server lost (a restart, SCRIPT FLUSH) is sent again alone, so
// go-redis loads it.
func (b *batcher) flush(batch []*batchReq) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	defer func() {
		for _, r := range batch {
			close(r.done)
		}
	}()
	if len(batch) == 1 {
		batch[0].cmd = batch[0].build(ctx, b.rdb)
	} else {
		_, _ = b.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, r := range batch {
				r.cmd = r.build(ctx, p)
			}
			return nil
		})
	}
	for _, r := range batch {
		if err := r.cmd.Err(); err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
			r.cmd = r.build(ctx, b.rdb)
		}
	}
}

// evalLoad is the build function of a load: EVALSHA on a pipeline, or the
// whole script (EVALSHA, then EVAL if the server lacks it) on the client.
func evalLoad(keys []string, args ...any) func(context.Context, redis.Scripter) redis.Cmder {
	return func(ctx context.Context, c redis.Scripter) redis.Cmder {
		if _, ok := c.(redis.Pipeliner); ok {
			return loadScript.EvalSha(ctx, c, keys, args...)
		}
		return loadScript.Run(ctx, c, keys, args...)
	}
}
