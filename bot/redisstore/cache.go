package redisstore

import "sync"

// customerCache remembers which customer a case belongs to. An answer never
// goes stale (a case never changes customer), so the only policy needed is
// a bound: two generations of at most size/2 entries each; a lookup that
// hits the old generation moves the entry to the new one, and when the new
// one is full the old one is dropped. Recently used answers survive; memory
// stays under size entries.
type customerCache struct {
	mu       sync.Mutex
	half     int
	cur, old map[string]string
}

func newCustomerCache(size int) *customerCache {
	half := max(size/2, 1)
	return &customerCache{half: half, cur: make(map[string]string), old: map[string]string{}}
}

func (c *customerCache) get(id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.cur[id]; ok {
		return v, true
	}
	v, ok := c.old[id]
	if ok {
		c.putLocked(id, v)
	}
	return v, ok
}

func (c *customerCache) put(id, customer string) {
	if id == "" {
		return
	}
	c.mu.Lock()
	c.putLocked(id, customer)
	c.mu.Unlock()
}

func (c *customerCache) putLocked(id, customer string) {
	if _, ok := c.cur[id]; !ok && len(c.cur) >= c.half {
		c.old, c.cur = c.cur, make(map[string]string, c.half)
	}
	c.cur[id] = customer
}
