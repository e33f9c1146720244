package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/export"
	"github.com/complaintbot/complaintbot/bot/redisstore"
)

// runExport is `complaintbot export`: it writes the cases kept in REDIS_URL
// as NDJSON or CSV, filtered by the day they were opened and by status, to
// stdout or --out. It streams (see redisstore.EachCase): 100,000 cases do
// not need 100,000 cases in memory.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("complaintbot export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "ndjson", "ndjson (one case a line, as GET /api/cases/{id}) or csv (one row a case)")
	transcripts := fs.Bool("transcripts", false, "with each case's transcript (ndjson only)")
	from := fs.String("from", "", "first day of opening to include (YYYY-MM-DD, in TZ); empty: from the first case")
	to := fs.String("to", "", "last day of opening to include (YYYY-MM-DD, in TZ); empty: to the last case")
	status := fs.String("status", "", "comma-separated statuses (open, claimed, resolved, confirmed, closed, withdrawn); empty: all")
	out := fs.String("out", "", "file to write; empty: standard output")
	redisURL := fs.String("redis-url", getenv("REDIS_URL"), "Redis the bot keeps its cases in (REDIS_URL)")
	tz := fs.String("tz", getenv("TZ"), "time zone of --from, --to and the CSV's times (TZ)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: complaintbot export [--format=ndjson|csv] [--transcripts] [--from=YYYY-MM-DD] [--to=YYYY-MM-DD] [--status=resolved,closed] [--out=file]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export: unexpected argument %q", fs.Arg(0))
	}
	loc, err := location(*tz)
	if err != nil {
		return err
	}
	var start, end time.Time
	if *from != "" {
		if start, err = time.ParseInLocation("2006-01-02", *from, loc); err != nil {
			return fmt.Errorf("export --from: %q is not a date (YYYY-MM-DD)", *from)
		}
	}
	if *to != "" {
		if end, err = time.ParseInLocation("2006-01-02", *to, loc); err != nil {
			return fmt.Errorf("export --to: %q is not a date (YYYY-MM-DD)", *to)
		}
		end = end.AddDate(0, 0, 1)
	}
	q := export.Query{Format: *format, Transcripts: *transcripts, From: start, To: end, Location: loc}
	for _, st := range list(*status) {
		q.Statuses = append(q.Statuses, bot.Status(strings.ToLower(st)))
	}
	if err := q.Check(); err != nil {
		var e *bot.Error
		errors.As(err, &e)
		return fmt.Errorf("export --%s: %s", e.Op, e.Message)
	}
	if *redisURL == "" {
		return errors.New("export: REDIS_URL (or --redis-url) is required: the embedded store keeps nothing to export")
	}
	cfg := &config{RedisURL: *redisURL}
	rdb, closeRedis, err := openRedis(ctx, cfg, newLogger(stderr, "warn", "text"))
	if err != nil {
		return err
	}
	defer closeRedis()
	store := redisstore.New(rdb, redisstore.Options{})

	w := stdout
	var file *os.File
	if *out != "" {
		if file, err = os.Create(*out); err != nil {
			return fmt.Errorf("export --out: %w", err)
		}
		defer file.Close()
		w = file
	}
	buf := bufio.NewWriterSize(w, 64<<10)
	n, err := export.Cases(ctx, store, buf, q)
	if err == nil {
		err = buf.Flush()
	}
	if err == nil && file != nil {
		err = file.Close()
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stderr, "complaintbot export: %d cases\n", n)
	return nil
}
