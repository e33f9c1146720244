package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/complaintbot/complaintbot/bot"
)

// customerPost is the body of POST /api/customers/{id}/messages.
type customerPost struct {
	Text        string           `json:"text"`
	Name        string           `json:"name"`
	Attachments []bot.Attachment `json:"attachments"`
	// ID is the client's message id, for de-duplication of retries.
	ID string `json:"id"`
}

// teamPost is the body of POST /api/team/messages.
type teamPost struct {
	Staff string `json:"staff"`
	Text  string `json:"text"`
	// Thread is the case whose thread the message is written in; "" for
	// the channel itself.
	Thread string `json:"thread"`
	ID     string `json:"id"`
}

// accepted is the answer to a posted message: 202 with the message's id,
// and duplicate set when the id had been received before.
type accepted struct {
	ID        string `json:"id"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (s *Server) postCustomerMessage(w http.ResponseWriter, r *http.Request) {
	var p customerPost
	if err := decode(w, r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.handle(w, r, bot.Inbound{
		Channel:     Channel,
		Role:        bot.CustomerRole,
		User:        r.PathValue("id"),
		Name:        p.Name,
		Text:        p.Text,
		Attachments: p.Attachments,
		ID:          p.ID,
	})
}

func (s *Server) postTeamMessage(w http.ResponseWriter, r *http.Request) {
	var p teamPost
	if err := decode(w, r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.handle(w, r, bot.Inbound{
		Channel: Channel,
		Role:    bot.StaffRole,
		User:    p.Staff,
		Thread:  p.Thread,
		Text:    p.Text,
		ID:      p.ID,
	})
}

// handle hands one inbound message to the engine and answers its receipt.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, in bot.Inbound) {
	rc, err := s.engine.Handle(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, accepted{ID: rc.ID, Duplicate: rc.Duplicate})
}

func (s *Server) getCustomerMessages(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := bot.CheckID("customer id", id); err != nil {
		s.fail(w, r, err)
		return
	}
	after, wait, err := pollParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, next, err := s.poll(r.Context(), customerLog(id), after, wait, pickCustomer)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page{Messages: msgs, Next: next})
}

func (s *Server) getTeamMessages(w http.ResponseWriter, r *http.Request) {
	after, wait, err := pollParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, next, err := s.poll(r.Context(), teamLog, after, wait, pickTeam(r.URL.Query().Get("staff")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page{Messages: msgs, Next: next})
}

// teamConfig is the answer of GET /api/team/config.
type teamConfig struct {
	Staff         []string `json:"staff"`
	Supervisors   []string `json:"supervisors"`
	TokenRequired bool     `json:"token_required"`
}

func (s *Server) teamConfig(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, teamConfig{Staff: s.staff, Supervisors: s.supervisors, TokenRequired: s.hasToken})
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request) {
	var statuses []bot.Status
	for _, v := range r.URL.Query()["status"] {
		for _, st := range strings.Split(v, ",") {
			if st = strings.TrimSpace(st); st != "" {
				statuses = append(statuses, bot.Status(st))
			}
		}
	}
	cases, err := s.engine.Cases(r.Context(), statuses...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if cases == nil {
		cases = []*bot.Case{}
	}
	writeJSON(w, http.StatusOK, map[string][]*bot.Case{"cases": cases})
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request) {
	v, err := s.engine.Case(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// pollParams reads after (a feed number, default 0) and wait (seconds,
// fractions allowed, cut to 0..MaxWait, default 0) from the query.
func pollParams(r *http.Request) (after int64, wait time.Duration, err error) {
	q := r.URL.Query()
	if v := q.Get("after"); v != "" {
		after, err = strconv.ParseInt(v, 10, 64)
		if err != nil || after < 0 {
			return 0, 0, bot.Errorf(bot.EINVALID, "query", "after=%q is not a feed number (a whole number, 0 or more)", v)
		}
	}
	if v := q.Get("wait"); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) {
			return 0, 0, bot.Errorf(bot.EINVALID, "query", "wait=%q is not a number of seconds", v)
		}
		secs = min(max(secs, 0), MaxWait)
		wait = time.Duration(secs * float64(time.Second))
	}
	return after, wait, nil
}
