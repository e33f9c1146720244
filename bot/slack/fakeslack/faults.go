package fakeslack

import (
	"time"
)

// Fault is a failure the fake injects into Web API calls. Build one with
// RateLimited, Fails, ServerError or Slow, narrow it with InChannel and Times,
// and arm it with Server.Inject.
type Fault struct {
	// Channel limits the fault to calls whose channel parameter is this id.
	Channel string
	// Count is how many matching calls the fault affects; 0 means every one
	// until ClearFaults.
	Count int
	// Status is the HTTP status to answer with; 0 means 200. A 429 carries a
	// Retry-After header when RetryAfter is positive (slack-go reports that as
	// *slack.RateLimitedError, and a 429 without the header as
	// slack.StatusCodeError).
	Status     int
	RetryAfter time.Duration
	// Error is the error code of an {"ok":false,"error":…} answer.
	Error string
	// Delay holds the answer back this long (or until the client gives up).
	// With nothing else set the call then proceeds normally.
	Delay time.Duration
}

// RateLimited is a 429 with "Retry-After" in whole seconds (rounded up) and
// the body {"ok":false,"error":"ratelimited"}, as Slack answers.
func RateLimited(retryAfter time.Duration) Fault {
	return Fault{Status: 429, RetryAfter: retryAfter, Error: "ratelimited"}
}

// Fails answers {"ok":false,"error":code} with HTTP 200, as Slack does for
// errors such as channel_not_found, not_in_channel, is_archived, msg_too_long,
// invalid_blocks, invalid_auth, token_revoked or ratelimited.
func Fails(code string) Fault { return Fault{Error: code} }

// ServerError answers with an HTTP status of 500 or more and no JSON.
func ServerError(status int) Fault { return Fault{Status: status} }

// Slow holds the answer back by d, then answers normally.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// InChannel limits the fault to calls for one channel.
func (fl Fault) InChannel(id string) Fault { fl.Channel = id; return fl }

// Times limits the fault to the next n matching calls.
func (fl Fault) Times(n int) Fault { fl.Count = n; return fl }

// Once limits the fault to the next matching call.
func (fl Fault) Once() Fault { return fl.Times(1) }

// After adds a delay before the fault's answer.
func (fl Fault) After(d time.Duration) Fault { fl.Delay = d; return fl }

type activeFault struct {
	method string
	Fault
	hits int
}

// Inject arms a fault for a Web API method ("chat.postMessage",
// "apps.connections.open"…; "*" for every method). Faults are checked in the
// order they were injected; the first that matches answers the call.
func (f *Server) Inject(method string, fl Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, &activeFault{method: method, Fault: fl})
}

// ClearFaults removes every injected fault.
func (f *Server) ClearFaults() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = nil
}

// takeFaultLocked returns the fault that answers this call, if any, and
// counts it.
func (f *Server) takeFaultLocked(method, channelID string) (Fault, bool) {
	for i, a := range f.faults {
		if a.method != "*" && a.method != method {
			continue
		}
		if a.Channel != "" && a.Channel != channelID {
			continue
		}
		a.hits++
		if a.Count > 0 && a.hits >= a.Count {
			f.faults = append(f.faults[:i:i], f.faults[i+1:]...)
		}
		return a.Fault, true
	}
	return Fault{}, false
}
