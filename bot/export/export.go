// Package export writes cases for analysis and the weekly
// voice-of-the-customer meeting: as NDJSON (one case a line, optionally with
// its transcript) or as CSV (one case a row, the columns a spreadsheet
// needs). Writers take one case at a time, so an export streams: memory
// does not grow with the number of cases.
package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/flows"
)

// Writer writes cases one by one. Close flushes what is buffered.
type Writer interface {
	Write(ctx context.Context, c *bot.Case) error
	Close() error
}

// Transcripts reads a case's transcript (bot.Store.Transcript).
type Transcripts func(ctx context.Context, customer string, session int) ([]bot.Entry, error)

// NDJSON returns a writer of one JSON object a line: the case as the API
// shows it (GET /api/cases/{id}), with "transcript" when tx is not nil.
func NDJSON(w io.Writer, tx Transcripts) Writer {
	return &ndjson{enc: json.NewEncoder(w), tx: tx}
}

type ndjson struct {
	enc *json.Encoder
	tx  Transcripts
}

func (n *ndjson) Write(ctx context.Context, c *bot.Case) error {
	if n.tx == nil {
		return n.enc.Encode(c)
	}
	entries, err := n.tx(ctx, c.Customer, c.Session)
	if err != nil {
		return fmt.Errorf("transcript of case %s: %w", c.ID, err)
	}
	if entries == nil {
		entries = []bot.Entry{}
	}
	return n.enc.Encode(bot.CaseView{Case: c, Transcript: entries})
}

func (n *ndjson) Close() error { return nil }

// Columns are the CSV's columns, in order; the first row names them.
var Columns = []string{
	"id", "status", "priority", "urgent", "channel", "customer_id", "customer_name", "language",
	"opened", "first_response_due", "claimed_at", "first_reply_at", "resolved_at", "closed_at", "updated",
	"first_reply_minutes", "owner", "intake", "incomplete", "emotion", "complainer_type", "risks",
	"summary", "grievance", "order", "when", "where", "impact", "outcome", "contact",
	"category", "root_cause", "done", "corrective_action",
	"handovers", "reopens", "escalations", "satisfaction", "satisfaction_comment",
}

// CSV returns a writer of one row per case (Columns), times in RFC 3339
// with the offset of loc (the bot's TZ), so that a spreadsheet and the
// case text agree on what time it was.
func CSV(w io.Writer, loc *time.Location) Writer {
	if loc == nil {
		loc = time.UTC
	}
	return &csvWriter{w: csv.NewWriter(w), loc: loc}
}

type csvWriter struct {
	w      *csv.Writer
	loc    *time.Location
	header bool
}

func (c *csvWriter) Write(_ context.Context, k *bot.Case) error {
	if !c.header {
		c.header = true
		if err := c.w.Write(Columns); err != nil {
			return err
		}
	}
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(c.loc).Format(time.RFC3339)
	}
	fact := func(s flows.Slot) string { return k.Facts[s].Value }
	firstReply := ""
	if !k.FirstReplyAt.IsZero() && !k.Opened.IsZero() {
		firstReply = strconv.FormatFloat(k.FirstReplyAt.Sub(k.Opened).Minutes(), 'f', 1, 64)
	}
	var r bot.Resolution
	if k.Resolution != nil {
		r = *k.Resolution
	}
	risks := make([]string, len(k.Risks))
	for i, x := range k.Risks {
		risks[i] = string(x)
	}
	sat := ""
	if k.Satisfaction > 0 {
		sat = strconv.Itoa(k.Satisfaction)
	}
	row := []string{
		k.ID, string(k.Status), string(k.Priority), strconv.FormatBool(k.Urgent), k.Channel, k.CustomerID, k.CustomerName, string(k.Lang),
		at(k.Opened), at(k.FirstResponseDue), at(k.ClaimedAt), at(k.FirstReplyAt), at(k.ResolvedAt), at(k.ClosedAt), at(k.Updated),
		firstReply, k.Owner, string(k.Intake), strconv.FormatBool(k.Incomplete), k.Emotion.String(), string(k.Complainer), strings.Join(risks, ";"),
		k.Summary, fact(flows.Grievance), fact(flows.Order), fact(flows.When), fact(flows.Where), fact(flows.Impact), fact(flows.Outcome), fact(flows.Contact),
		r.Category, r.Cause, r.Done, r.Action,
		strconv.Itoa(k.Handovers), strconv.Itoa(k.Reopens), strconv.Itoa(k.Escalations), sat, k.SatisfactionComment,
	}
	for i, v := range row {
		row[i] = defuse(v)
	}
	return c.w.Write(row)
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// defuse keeps a cell a spreadsheet would run as a formula (a customer's
// text starting with =, +, - or @) as text, with a leading apostrophe, as
// OWASP advises against CSV injection.
func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// Query selects the cases of an export.
type Query struct {
	// Format is "ndjson" or "csv".
	Format string
	// Transcripts adds each case's transcript (NDJSON only).
	Transcripts bool
	// From and To bound the opening time: [From, To); zero leaves that
	// end open.
	From, To time.Time
	// Statuses are the statuses wanted; all when empty.
	Statuses []bot.Status
	// Location is the zone of CSV times.
	Location *time.Location
}

// Source is where cases are read from (redisstore.Store).
type Source interface {
	EachCase(ctx context.Context, statuses []bot.Status, from, to time.Time, fn func(*bot.Case) error) error
	Transcript(ctx context.Context, customer string, session int) ([]bot.Entry, error)
}

// Check returns an EINVALID *bot.Error naming what is wrong with q, or nil.
func (q Query) Check() error {
	if q.Format != "ndjson" && q.Format != "csv" {
		return bot.Errorf(bot.EINVALID, "format", "%q is not ndjson or csv", q.Format)
	}
	if q.Transcripts && q.Format != "ndjson" {
		return bot.Errorf(bot.EINVALID, "transcripts", "transcripts come with the ndjson format only")
	}
	for _, s := range q.Statuses {
		if !slices.Contains(bot.Statuses, s) {
			return bot.Errorf(bot.EINVALID, "status", "%q is not a status (open, claimed, resolved, confirmed, closed, withdrawn)", s)
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return bot.Errorf(bot.EINVALID, "to", "the range ends before it starts")
	}
	return nil
}

// Cases writes the cases q selects from src to w, streaming, and returns
// how many it wrote.
func Cases(ctx context.Context, src Source, w io.Writer, q Query) (int, error) {
	if err := q.Check(); err != nil {
		return 0, err
	}
	var ew Writer
	if q.Format == "csv" {
		ew = CSV(w, q.Location)
	} else {
		var tx Transcripts
		if q.Transcripts {
			tx = src.Transcript
		}
		ew = NDJSON(w, tx)
	}
	n := 0
	err := src.EachCase(ctx, q.Statuses, q.From, q.To, func(c *bot.Case) error {
		n++
		return ew.Write(ctx, c)
	})
	if err == nil {
		err = ew.Close()
	} else if n == 0 {
		ew.Close()
	}
	return n, err
}
