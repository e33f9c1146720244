package web

import "sync"

// bells wakes the long polls of this process waiting on a feed as soon as
// this process appends to it: one channel per feed that someone is waiting
// on, closed (and forgotten) when the feed gets an entry. Feeds nobody waits
// on cost nothing.
type bells struct {
	mu sync.Mutex
	m  map[string]*bell
}

type bell struct {
	c       chan struct{}
	waiting int
}

// listen returns a channel closed at the next ring of log, and a function
// to call when no longer waiting on it.
func (b *bells) listen(log string) (<-chan struct{}, func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	x := b.m[log]
	if x == nil {
		x = &bell{c: make(chan struct{})}
		b.m[log] = x
	}
	x.waiting++
	return x.c, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		x.waiting--
		if x.waiting == 0 && b.m[log] == x {
			delete(b.m, log)
		}
	}
}

// ring wakes everyone waiting on log.
func (b *bells) ring(log string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if x := b.m[log]; x != nil {
		close(x.c)
		delete(b.m, log)
	}
}

// size is how many feeds have someone waiting (for tests).
func (b *bells) size() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}
