package fakeslack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"time"
)

// RequestOption changes how an HTTP-mode request is signed or labelled.
type RequestOption func(*requestOptions)

type requestOptions struct {
	at          time.Time
	forged      bool
	unsigned    bool
	retryNum    int
	retryReason string
}

// Forged signs the request with a wrong secret.
func Forged() RequestOption { return func(o *requestOptions) { o.forged = true } }

// Stale dates the request 10 minutes back (correctly signed for that time),
// past the 5 minutes slack.NewSecretsVerifier allows.
func Stale() RequestOption {
	return func(o *requestOptions) { o.at = time.Now().Add(-10 * time.Minute) }
}

// SignedAt dates and signs the request at t.
func SignedAt(t time.Time) RequestOption { return func(o *requestOptions) { o.at = t } }

// Unsigned leaves out X-Slack-Signature and X-Slack-Request-Timestamp.
func Unsigned() RequestOption { return func(o *requestOptions) { o.unsigned = true } }

// Retry marks the request as Slack's n-th retry (1 to 3) of a delivery, with
// X-Slack-Retry-Num and X-Slack-Retry-Reason (e.g. "http_timeout").
func Retry(n int, reason string) RequestOption {
	return func(o *requestOptions) { o.retryNum, o.retryReason = n, reason }
}

// Signature is Slack's v0 request signature: "v0=" and the hex HMAC-SHA256,
// keyed with the signing secret, of "v0:<timestamp>:<body>".
func Signature(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", timestamp)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// Sign sets X-Slack-Request-Timestamp and X-Slack-Signature on h for body,
// dated at.
func (f *Server) Sign(h http.Header, body []byte, at time.Time) {
	h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(at.Unix(), 10))
	h.Set("X-Slack-Signature", Signature(f.cfg.signingSecret, at.Unix(), body))
}

func (f *Server) request(target, contentType string, body []byte, opts []RequestOption) *http.Request {
	f.tb.Helper()
	o := requestOptions{at: time.Now()}
	for _, opt := range opts {
		opt(&o)
	}
	r, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		f.tb.Fatalf("fakeslack: request to %q: %v", target, err)
	}
	r.RemoteAddr = "192.0.2.1:1234"
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	if !o.unsigned {
		f.Sign(r.Header, body, o.at)
		if o.forged {
			r.Header.Set("X-Slack-Signature", Signature(f.cfg.signingSecret+"-forged", o.at.Unix(), body))
		}
	}
	if o.retryNum > 0 {
		r.Header.Set("X-Slack-Retry-Num", strconv.Itoa(o.retryNum))
		r.Header.Set("X-Slack-Retry-Reason", o.retryReason)
	}
	return r
}

// EventRequest is the signed POST Slack makes to the Events API request URL
// target (a full URL, or a path for Serve) with the event.
func (f *Server) EventRequest(target string, e Event, opts ...RequestOption) *http.Request {
	f.tb.Helper()
	return f.request(target, "application/json", e.Body, opts)
}

// URLVerificationRequest is the signed url_verification challenge Slack sends
// when the request URL is set; the app must answer with the challenge.
func (f *Server) URLVerificationRequest(target, challenge string, opts ...RequestOption) *http.Request {
	f.tb.Helper()
	body := mustJSON(map[string]any{"token": VerificationToken, "challenge": challenge, "type": "url_verification"})
	return f.request(target, "application/json", body, opts)
}

// InteractionRequest is the signed POST of an interaction to the
// interactivity request URL: a form with the field "payload".
func (f *Server) InteractionRequest(target string, i Interaction, opts ...RequestOption) *http.Request {
	f.tb.Helper()
	body := url.Values{"payload": {string(i.Body)}}.Encode()
	return f.request(target, "application/x-www-form-urlencoded", []byte(body), opts)
}

// CommandRequest is the signed form POST of a slash command to its request URL.
func (f *Server) CommandRequest(target string, c Command, opts ...RequestOption) *http.Request {
	f.tb.Helper()
	return f.request(target, "application/x-www-form-urlencoded", []byte(c.Form.Encode()), opts)
}

// Serve runs the request through a handler in process and returns its response.
func Serve(h http.Handler, r *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Result()
}

// Send posts the request over the network (its target must be a full URL),
// with a 10-second timeout.
func Send(r *http.Request) (*http.Response, error) {
	c := &http.Client{Timeout: 10 * time.Second}
	return c.Do(r)
}
