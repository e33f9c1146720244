package bot

import "sync"

// Health is an adapter's readiness, for /readyz: nil while it can talk to
// its platform, otherwise why not. The zero value is healthy; it is safe
// for concurrent use.
type Health struct {
	mu  sync.Mutex
	err error
}

// Set records the adapter's state: nil for healthy.
func (h *Health) Set(err error) {
	h.mu.Lock()
	h.err = err
	h.mu.Unlock()
}

// Err returns the last state Set recorded.
func (h *Health) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}
