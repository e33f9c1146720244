package web

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/complaintbot/complaintbot/bot"
)

// ExportQuery is what GET /api/export asks for.
type ExportQuery struct {
	Format      string // "csv" or "ndjson"
	Transcripts bool
	From, To    time.Time // opening time in [From, To); zero: open
	Statuses    []bot.Status
}

// Exporter writes the cases q selects to w, streaming; an error before the
// first byte is answered as JSON (an EINVALID *bot.Error is a 400).
type Exporter func(ctx context.Context, w io.Writer, q ExportQuery) error

// getExport is GET /api/export?format=csv|ndjson&from=YYYY-MM-DD&to=YYYY-MM-DD&status=…&transcripts=1,
// a team route: the cases as a download. Days are in the bot's zone; to
// is the last day included.
func (s *Server) getExport(w http.ResponseWriter, r *http.Request) {
	if s.export == nil {
		s.fail(w, r, bot.Errorf(bot.ENOTFOUND, "web", "export is not available on this server"))
		return
	}
	qv := r.URL.Query()
	q := ExportQuery{Format: qv.Get("format"), Transcripts: qv.Get("transcripts") == "1" || qv.Get("transcripts") == "true"}
	if q.Format == "" {
		q.Format = "csv"
	}
	day := func(name string) (time.Time, error) {
		v := qv.Get(name)
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation("2006-01-02", v, s.loc)
		if err != nil {
			return t, bot.Errorf(bot.EINVALID, "query", "%s=%q is not a date (YYYY-MM-DD)", name, v)
		}
		return t, nil
	}
	var err error
	if q.From, err = day("from"); err != nil {
		s.fail(w, r, err)
		return
	}
	if q.To, err = day("to"); err != nil {
		s.fail(w, r, err)
		return
	}
	if !q.To.IsZero() {
		q.To = q.To.AddDate(0, 0, 1)
	}
	for _, v := range qv["status"] {
		for _, st := range strings.Split(v, ",") {
			if st = strings.TrimSpace(st); st != "" {
				q.Statuses = append(q.Statuses, bot.Status(st))
			}
		}
	}
	ext, ctype := ".csv", "text/csv; charset=utf-8"
	if q.Format == "ndjson" {
		ext, ctype = ".ndjson", "application/x-ndjson"
	}
	lw := &lazyWriter{w: w, start: func() {
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", `attachment; filename="complaintbot-cases`+ext+`"`)
		w.WriteHeader(http.StatusOK)
	}}
	if err := s.export(r.Context(), lw, q); err != nil {
		if !lw.started {
			s.fail(w, r, err)
			return
		}
		// The status is sent; cut the download short so the client
		// sees a broken transfer rather than a complete file.
		s.log.Error("web: export failed part-way", "err", err)
		panic(http.ErrAbortHandler)
	}
	if !lw.started {
		lw.start()
		lw.started = true
	}
}

// lazyWriter sends the answer's headers at the first write, so that an
// export that fails before writing anything is answered as an error.
type lazyWriter struct {
	w       io.Writer
	start   func()
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.start()
	}
	return l.w.Write(p)
}
