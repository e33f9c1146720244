package web

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"
)

// readiness is one named check of /readyz.
type readiness struct {
	name  string
	check func(context.Context) error
}

// ReadyTimeout bounds each readiness check.
const ReadyTimeout = 2 * time.Second

// AddReadiness adds a check to /readyz: name is what the answer calls it
// ("redis", "slack"), and check returns nil while that part can serve (a
// store that answers a ping, a platform connected and logged in) and
// otherwise why not. Checks run concurrently on every /readyz request, each
// within ReadyTimeout. Call it before the server starts serving.
func (s *Server) AddReadiness(name string, check func(context.Context) error) {
	s.checks = append(s.checks, readiness{name, check})
}

// health is liveness: the process serves HTTP. It never looks at Redis or
// platforms, so an orchestrator does not restart a healthy process during
// someone else's outage.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// readyAnswer is the answer of /readyz.
type readyAnswer struct {
	OK     bool              `json:"ok"`
	Checks map[string]string `json:"checks"`
	Error  *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// ready is readiness: 200 while every check passes, else 503 with the
// reasons (and while shutting down).
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	a := readyAnswer{OK: true, Checks: map[string]string{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range s.checks {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
			defer cancel()
			msg := "ok"
			if err := c.check(ctx); err != nil {
				msg = err.Error()
			}
			mu.Lock()
			a.Checks[c.name] = msg
			mu.Unlock()
		})
	}
	wg.Wait()
	select {
	case <-s.closing:
		a.Checks["server"] = "shutting down"
	default:
		a.Checks["server"] = "ok"
	}
	var bad []string
	for name, msg := range a.Checks {
		if msg != "ok" {
			bad = append(bad, name+": "+msg)
		}
	}
	if len(bad) == 0 {
		writeJSON(w, http.StatusOK, a)
		return
	}
	sort.Strings(bad)
	a.OK = false
	a.Error = &struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{"unavailable", joinReasons(bad)}
	s.log.Debug("web: not ready", "why", a.Error.Message)
	w.Header().Set("Retry-After", "5")
	writeJSON(w, http.StatusServiceUnavailable, a)
}

func joinReasons(r []string) string {
	out := r[0]
	for _, x := range r[1:] {
		out += "; " + x
	}
	return out
}
