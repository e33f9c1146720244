package web

import (
	"context"
	"encoding/json"
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

func (s *Server) postCustomerMessage(w http.ResponseWriter, r *http.Request) {
	var p customerPost
	if err := decode(w, r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	rc, ok := s.handle(w, r, bot.Inbound{
		Channel:     Channel,
		Role:        bot.CustomerRole,
		User:        r.PathValue("id"),
		Name:        p.Name,
		Text:        p.Text,
		Attachments: p.Attachments,
		ID:          p.ID,
	})
	if ok {
		writeJSON(w, http.StatusAccepted, accepted{ID: rc.ID, Duplicate: rc.Duplicate})
	}
}

// postTeamMessage hands a staff member's message to the engine and, once
// the engine has accepted it, echoes it into the team feed (in its thread)
// as the platform would show it. The engine's answers come separately,
// through Deliver.
func (s *Server) postTeamMessage(w http.ResponseWriter, r *http.Request) {
	var p teamPost
	if err := decode(w, r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.checkStaff("staff", p.Staff); err != nil {
		s.fail(w, r, err)
		return
	}
	rc, ok := s.handle(w, r, bot.Inbound{
		Channel: Channel,
		Role:    bot.StaffRole,
		User:    p.Staff,
		Thread:  p.Thread,
		Text:    p.Text,
		ID:      p.ID,
	})
	if ok {
		// Echoed on a duplicate too: the echo is idempotent on the message
		// id, and a retry after a failed echo must still get it shown.
		s.echo(r.Context(), p, rc.ID)
		writeJSON(w, http.StatusAccepted, accepted{ID: rc.ID, Duplicate: rc.Duplicate})
	}
}

// echoTimeout bounds the write of a staff message's echo, which goes on
// after the client has gone: the engine has accepted the message.
const echoTimeout = 5 * time.Second

// echo appends an accepted staff message to the team feed, once per
// message id. A failure is logged, not answered: the engine has accepted
// the message, and the echo is only its display.
func (s *Server) echo(ctx context.Context, p teamPost, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), echoTimeout)
	defer cancel()
	data, err := json.Marshal(teamMessage{
		Kind: bot.KindText, From: bot.FromStaff, Case: p.Thread, Thread: p.Thread,
		Staff: p.Staff, Text: bot.CleanText(p.Text), At: time.Now(),
	})
	if err == nil {
		_, err = s.feed.Append(ctx, teamLog, echoID(id), data)
	}
	if err != nil {
		s.log.Error("web: staff message accepted but not echoed in the team feed", "id", id, "err", err)
		return
	}
	s.bells.ring(teamLog)
}

// echoID is the feed id of a staff message's echo; the prefix keeps it
// apart from the outbound message ids that Deliver uses in the same feed.
func echoID(messageID string) string { return "post:" + messageID }

// checkStaff returns an error unless name is a staff member or supervisor
// (STAFF, SUPERVISORS): EINVALID when it is missing or not a usable name,
// EFORBIDDEN when it is not on the list. Who is staff is the engine's
// configuration; the adapter only asks.
func (s *Server) checkStaff(what, name string) error {
	if err := bot.CheckID(what, name); err != nil {
		return err
	}
	if !s.engine.IsStaff(Channel, name) {
		return bot.Errorf(bot.EFORBIDDEN, what, "%q is not on the staff list (STAFF or SUPERVISORS)", name)
	}
	return nil
}

// handle hands one inbound message to the engine. On success it returns
// the receipt and leaves the answer to the caller; on failure it answers
// the error.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, in bot.Inbound) (bot.Receipt, bool) {
	rc, err := s.engine.Handle(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return rc, false
	}
	return rc, true
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
	as, err := s.viewer(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, next, err := s.poll(r.Context(), teamLog, after, wait, pickTeam(as))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page{Messages: msgs, Next: next})
}

// viewer returns the staff member a team feed read is for: the query's
// "as" (or its older name "staff"), which must be on the staff list; ""
// when neither is given.
func (s *Server) viewer(r *http.Request) (string, error) {
	q := r.URL.Query()
	as, staff := q.Get("as"), q.Get("staff")
	if q.Has("as") && q.Has("staff") && as != staff {
		return "", bot.Errorf(bot.EINVALID, "query", "as=%q and staff=%q disagree; give one of them", as, staff)
	}
	if as == "" {
		as = staff
	}
	if as == "" {
		return "", nil
	}
	return as, s.checkStaff("as", as)
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
