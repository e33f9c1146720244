package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/complaintbot/complaintbot/bot"
)

// Codes of the web channel's own refusals, beside the domain's codes.
const (
	codeUnauthorized     = "unauthorized"
	codeMethodNotAllowed = "method_not_allowed"
	codeTooManyRequests  = "too_many_requests"
)

// RetryAfter is what a 503 during an outage (Redis unreachable) tells
// clients to wait before they retry, in seconds.
const RetryAfter = 5

// statusOf is the one table from error codes to HTTP statuses. A code not in
// it is answered as an internal error.
var statusOf = map[string]int{
	bot.EINVALID:         http.StatusBadRequest,
	bot.ETOOLARGE:        http.StatusRequestEntityTooLarge,
	bot.ENOTFOUND:        http.StatusNotFound,
	bot.EFORBIDDEN:       http.StatusForbidden,
	bot.ECONFLICT:        http.StatusConflict,
	bot.EINTERNAL:        http.StatusInternalServerError,
	codeUnauthorized:     http.StatusUnauthorized,
	codeMethodNotAllowed: http.StatusMethodNotAllowed,
	codeTooManyRequests:  http.StatusTooManyRequests,
	bot.EUNAVAILABLE:     http.StatusServiceUnavailable,
}

// errorBody is how every error is answered:
// {"error": {"code": "invalid", "message": "..."}}.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// fail answers err. Internal errors are logged with their details and
// answered with a generic message; the others are the caller's doing and
// answered with the error's own message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if code := bot.ErrorCode(err); statusOf[code] == 0 || code == bot.EINTERNAL {
		if r.Context().Err() == nil && bot.Unreachable(err) {
			// An outage, not a bug: 503 with a retry time, and a warning
			// (Redis's own state is on /readyz and in the metrics).
			s.log.Warn("web: request failed: Redis unreachable", "method", r.Method, "path", r.URL.Path, "err", err)
			w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
			writeError(w, &bot.Error{Code: bot.EUNAVAILABLE, Op: "web",
				Message: "the service is briefly unavailable (its store cannot be reached); retry in a few seconds with the same message id"})
			return
		}
		if r.Context().Err() != nil {
			// The client went away (a long poll given up, a closed tab):
			// nobody reads the answer and nothing is wrong with us.
			s.log.Debug("web: request ended by the client", "method", r.Method, "path", r.URL.Path, "err", err)
		} else {
			s.log.Error("web: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
	}
	writeError(w, err)
}

func writeError(w http.ResponseWriter, err error) {
	code := bot.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok || code == bot.EINTERNAL {
		code, status = bot.EINTERNAL, http.StatusInternalServerError
	}
	var b errorBody
	b.Error.Code = code
	b.Error.Message = bot.ErrorMessage(err)
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decode reads a request body of at most MaxBody bytes holding exactly one
// JSON object into v. It checks the wire format only; what the message says
// is the engine's to judge.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	const op = "request body"
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	tooLarge := func(err error) bool {
		var mb *http.MaxBytesError
		return errors.As(err, &mb)
	}
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		switch {
		case tooLarge(err):
			return bot.Errorf(bot.ETOOLARGE, op, "the request body is over the limit of %d bytes (1 MiB)", MaxBody)
		case errors.Is(err, io.EOF):
			return bot.Errorf(bot.EINVALID, op, "the request body is empty; expected a JSON object")
		default:
			return bot.Errorf(bot.EINVALID, op, "malformed JSON: %v", err)
		}
	}
	switch _, err := dec.Token(); {
	case errors.Is(err, io.EOF):
		return nil
	case tooLarge(err):
		return bot.Errorf(bot.ETOOLARGE, op, "the request body is over the limit of %d bytes (1 MiB)", MaxBody)
	default:
		return bot.Errorf(bot.EINVALID, op, "malformed JSON: unexpected data after the object")
	}
}
