package fakeslack_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/complaintbot/complaintbot/bot/slack/fakeslack"
)

// verifying is the HTTP-mode front door every handler needs: read the body,
// verify the signature with slack-go, put the body back.
func verifying(secret string, next func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sv, err := slack.NewSecretsVerifier(r.Header, secret)
		if err == nil {
			sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			w.Header().Set("X-Reject", err.Error())
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body)
	}
}

func TestSignedRequests(t *testing.T) {
	f := newFake(t)
	var got []string
	mux := http.NewServeMux()
	mux.Handle("/slack/events", verifying(f.SigningSecret(), func(w http.ResponseWriter, r *http.Request, body []byte) {
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
			w.Write([]byte(v.Challenge))
			return
		}
		got = append(got, "event "+ev.Data.(*slackevents.EventsAPICallbackEvent).EventID+" retry "+r.Header.Get("X-Slack-Retry-Num")+" "+r.Header.Get("X-Slack-Retry-Reason"))
	}))
	mux.Handle("/slack/interactions", verifying(f.SigningSecret(), func(w http.ResponseWriter, r *http.Request, body []byte) {
		cb, err := slack.InteractionCallbackParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got = append(got, "interaction "+string(cb.Type)+" "+cb.ActionCallback.BlockActions[0].ActionID)
	}))
	mux.Handle("/slack/commands", verifying(f.SigningSecret(), func(w http.ResponseWriter, r *http.Request, body []byte) {
		cmd, err := slack.SlashCommandParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got = append(got, "command "+cmd.Command+" "+cmd.Text)
		json.NewEncoder(w).Encode(map[string]string{"response_type": "ephemeral", "text": "ok"})
	}))

	_, ts, err := f.Client().PostMessage(team, slack.MsgOptionText("Case 7", false), slack.MsgOptionBlocks(card("7")...))
	must(t, err)
	ev := f.DirectMessage(customer, "hello")
	for _, tc := range []struct {
		name   string
		req    *http.Request
		status int
		reject string
	}{
		{"url_verification", f.URLVerificationRequest("/slack/events", "3eZbrw1aBm"), 200, ""},
		{"event", f.EventRequest("/slack/events", ev), 200, ""},
		{"retried event", f.EventRequest("/slack/events", ev, fakeslack.Retry(1, "http_timeout")), 200, ""},
		{"click", f.InteractionRequest("/slack/interactions", f.Click(alice, team, ts, "claim")), 200, ""},
		{"command", f.CommandRequest("/slack/commands", f.SlashCommand(alice, team, "/complaints", "42")), 200, ""},
		{"forged", f.EventRequest("/slack/events", ev, fakeslack.Forged()), 401, slack.ErrInvalidSignature.Error()},
		{"stale", f.EventRequest("/slack/events", ev, fakeslack.Stale()), 401, slack.ErrExpiredTimestamp.Error()},
		{"unsigned", f.CommandRequest("/slack/commands", f.SlashCommand(alice, team, "/complaints", ""), fakeslack.Unsigned()), 401, slack.ErrMissingHeaders.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := fakeslack.Serve(mux, tc.req)
			if resp.StatusCode != tc.status || resp.Header.Get("X-Reject") != tc.reject {
				t.Errorf("status %d reject %q, want %d %q", resp.StatusCode, resp.Header.Get("X-Reject"), tc.status, tc.reject)
			}
			if tc.name == "url_verification" {
				if b, _ := io.ReadAll(resp.Body); string(b) != "3eZbrw1aBm" {
					t.Errorf("challenge answer = %q", b)
				}
			}
		})
	}
	want := []string{
		"event " + ev.ID + " retry  ",
		"event " + ev.ID + " retry 1 http_timeout",
		"interaction block_actions claim",
		"command /complaints 42",
	}
	if len(got) != len(want) {
		t.Fatalf("handled %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("handled[%d] = %q, want %q", i, got[i], want[i])
		}
	}

	// The same requests over the network.
	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := fakeslack.Send(f.EventRequest(srv.URL+"/slack/events", f.DirectMessage(customer, "again")))
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("over the network: %d", resp.StatusCode)
	}
	resp, err = fakeslack.Send(f.EventRequest(srv.URL+"/slack/events", ev, fakeslack.Forged()))
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("forged over the network: %d", resp.StatusCode)
	}
}

func TestSignature(t *testing.T) {
	// The example of Slack's "Verifying requests from Slack" page.
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	got := fakeslack.Signature("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body)
	if want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"; got != want {
		t.Errorf("Signature = %s, want %s", got, want)
	}
	h := http.Header{}
	f := newFake(t)
	f.Sign(h, body, time.Now())
	sv, err := slack.NewSecretsVerifier(h, f.SigningSecret())
	must(t, err)
	sv.Write(body)
	if err := sv.Ensure(); err != nil {
		t.Errorf("Ensure: %v", err)
	}
	sv, err = slack.NewSecretsVerifier(h, "another secret")
	must(t, err)
	sv.Write(body)
	if err := sv.Ensure(); !errors.Is(err, slack.ErrInvalidSignature) {
		t.Errorf("Ensure with another secret: %v", err)
	}
}
