package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	gojson "github.com/goccy/go-json"
	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// This file holds the two transports. Both hand what Slack sends to the
// same handlers (event, interaction, slash) and acknowledge once the
// message is accepted, well within Slack's 3 seconds.

// handleTimeout bounds the work done before Slack is acknowledged.
const handleTimeout = 2 * time.Second

// socketEvent handles one Socket Mode event.
func (a *Adapter) socketEvent(ctx context.Context, sm *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnected:
		a.health.Set(nil)
		a.log.Info("slack: Socket Mode connected")
	case socketmode.EventTypeConnectionError:
		err := fmt.Errorf("slack: Socket Mode cannot connect: %v", ev.Data)
		if e, ok := ev.Data.(*slackapi.ConnectionErrorEvent); ok && e.ErrorObj != nil {
			err = fmt.Errorf("slack: Socket Mode cannot connect: %w", e.ErrorObj)
			if strings.Contains(e.ErrorObj.Error(), "not_allowed_token_type") {
				// slack-go retries this forever: say so once, loudly.
				a.log.Error("slack: SLACK_APP_TOKEN is not an app-level token with connections:write; Socket Mode cannot connect")
			}
		}
		a.health.Set(err)
	case socketmode.EventTypeInvalidAuth:
		a.health.Set(errors.New("slack: Socket Mode: invalid auth"))
	case socketmode.EventTypeErrorBadMessage:
		// slack-go could not parse the envelope and does not acknowledge
		// it; acknowledge it here, or Slack sends it again and again.
		if bm, ok := ev.Data.(*socketmode.ErrorBadMessage); ok {
			var req socketmode.Request
			if json.Unmarshal(bm.Message, &req) == nil && req.EnvelopeID != "" {
				a.log.Warn("slack: unreadable envelope acknowledged and dropped", "envelope", req.EnvelopeID, "err", bm.Cause)
				a.ack(sm, req.EnvelopeID, nil)
			}
		}
	case socketmode.EventTypeEventsAPI:
		e, ok := ev.Data.(slackevents.EventsAPIEvent)
		if !ok || ev.Request == nil {
			return
		}
		hctx, cancel := context.WithTimeout(ctx, handleTimeout)
		err := a.event(hctx, e)
		cancel()
		if errors.Is(err, errRetry) {
			return // not acknowledged: Slack sends it again
		}
		a.ack(sm, ev.Request.EnvelopeID, nil)
	case socketmode.EventTypeInteractive:
		cb, ok := ev.Data.(slackapi.InteractionCallback)
		if !ok || ev.Request == nil {
			return
		}
		hctx, cancel := context.WithTimeout(ctx, handleTimeout)
		payload, _ := a.interaction(hctx, cb)
		cancel()
		a.ack(sm, ev.Request.EnvelopeID, payload)
	case socketmode.EventTypeSlashCommand:
		c, ok := ev.Data.(slackapi.SlashCommand)
		if !ok || ev.Request == nil {
			return
		}
		hctx, cancel := context.WithTimeout(ctx, handleTimeout)
		payload, _ := a.slash(hctx, c)
		cancel()
		a.ack(sm, ev.Request.EnvelopeID, payload)
	}
}

// ack acknowledges an envelope, with a payload where Slack takes one.
func (a *Adapter) ack(sm *socketmode.Client, envelope string, payload any) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := sm.AckCtx(ctx, envelope, payload); err != nil {
		a.log.Warn("slack: ack failed", "envelope", envelope, "err", err)
	}
}

// maxBody bounds what an HTTP request from Slack may carry.
const maxBody = 1 << 20

// Routes returns the HTTP Events API's endpoints, to mount on the web
// server when a signing secret is set: /slack/events, /slack/interactions
// and /slack/commands. Every request's signature is checked first; a
// forged or stale one gets 401 and changes nothing.
func (a *Adapter) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"/slack/events":       a.signed(a.serveEvent),
		"/slack/interactions": a.signed(a.serveInteraction),
		"/slack/commands":     a.signed(a.serveCommand),
	}
}

// signed checks a request's signature and timestamp (slack-go's
// SecretsVerifier, which refuses timestamps more than five minutes off),
// then passes the body on.
func (a *Adapter) signed(h func(http.ResponseWriter, *http.Request, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": map[string]string{"code": "method_not_allowed", "message": "use POST"}})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": map[string]string{"code": "too_large", "message": "the body is over 1 MiB"}})
			return
		}
		if a.o.SigningSecret == "" {
			writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]string{"code": "not_found", "message": "the HTTP Events API is off (no SLACK_SIGNING_SECRET)"}})
			return
		}
		sv, err := slackapi.NewSecretsVerifier(r.Header, a.o.SigningSecret)
		if err == nil {
			_, _ = sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			a.log.Warn("slack: request refused: bad signature", "path", r.URL.Path, "err", err)
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]string{"code": "unauthorized", "message": "the request's Slack signature is missing, wrong or stale"}})
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ctx, cancel := context.WithTimeout(r.Context(), handleTimeout)
		defer cancel()
		h(w, r.WithContext(ctx), body)
	})
}

// callback is the outer envelope of an Events API request, read first, so
// that a message (almost every request) is decoded once, into only what
// the adapter uses; slack-go's full parser reads the rest.
type callback struct {
	Type   string `json:"type"`
	TeamID string `json:"team_id"`
	Event  struct {
		Type string `json:"type"`
	} `json:"event"`
}

func (a *Adapter) serveEvent(w http.ResponseWriter, r *http.Request, body []byte) {
	var cb callback
	if gojson.Unmarshal(body, &cb) == nil && cb.Type == "event_callback" && cb.Event.Type == "message" {
		var m struct {
			Event wireMessage `json:"event"`
		}
		if gojson.Unmarshal(body, &m) == nil {
			if err := a.message(r.Context(), cb.TeamID, m.Event); errors.Is(err, errRetry) {
				writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": map[string]string{"code": "unavailable", "message": "try again"}})
				return
			}
			w.WriteHeader(http.StatusOK)
			return
		}
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]string{"code": "invalid", "message": "not an Events API payload"}})
		return
	}
	if ev.Type == slackevents.URLVerification {
		if v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
			writeJSON(w, http.StatusOK, map[string]string{"challenge": v.Challenge})
			return
		}
	}
	if err := a.event(r.Context(), ev); errors.Is(err, errRetry) {
		// Slack sends it again (X-Slack-Retry-Num), and that one is
		// handled like any other: the engine drops what it already had.
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": map[string]string{"code": "unavailable", "message": "try again"}})
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request, _ []byte) {
	cb, err := slackapi.InteractionCallbackParse(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]string{"code": "invalid", "message": "not an interaction payload"}})
		return
	}
	payload, _ := a.interaction(r.Context(), cb)
	if payload == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, http.StatusOK, payload)
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request, _ []byte) {
	c, err := slackapi.SlashCommandParse(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]string{"code": "invalid", "message": "not a slash command"}})
		return
	}
	payload, _ := a.slash(r.Context(), c)
	if payload == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, http.StatusOK, payload)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
