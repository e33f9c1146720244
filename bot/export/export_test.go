package export_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/export"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// addCase commits case n for its own customer, opened n hours after t0,
// with a transcript line.
func addCase(tb testing.TB, s *redisstore.Store, n int, status bot.Status, summary string) {
	tb.Helper()
	ctx := context.Background()
	customer := bot.CustomerKey("web", "c"+strconv.Itoa(n))
	snap, err := s.Load(ctx, bot.LoadQuery{Customer: customer})
	if err != nil {
		tb.Fatal(err)
	}
	opened := t0.Add(time.Duration(n) * time.Hour)
	c := &bot.Case{ID: strconv.Itoa(n), Status: status, Priority: bot.Normal, Channel: "web", Customer: customer,
		CustomerID: "c" + strconv.Itoa(n), Lang: flows.EN, Summary: summary, Session: 1, Opened: opened, Updated: opened,
		FirstResponseDue: opened.Add(15 * time.Minute),
		Facts:            flows.Facts{flows.Order: {Value: "B" + strconv.Itoa(n)}},
		History:          []bot.Event{{At: opened, Who: "bot", What: bot.EvOpened}}}
	if status != bot.Open {
		c.Owner, c.ClaimedAt, c.FirstReplyAt = "alice", opened.Add(time.Minute), opened.Add(6*time.Minute)
	}
	if status == bot.Resolved {
		c.Resolution = &bot.Resolution{Category: "delivery", Cause: "partner", Done: "sent a new one, with a note", By: "alice", At: opened.Add(time.Hour)}
		c.Satisfaction = 4
	}
	err = s.Commit(ctx, &bot.Change{Customer: customer, Version: snap.Version, Cases: []*bot.Case{c},
		Transcript: []bot.TranscriptAppend{{Session: 1, Entries: []bot.Entry{{At: opened, From: "customer", ID: "m" + strconv.Itoa(n), Text: summary}}}}})
	if err != nil {
		tb.Fatal(err)
	}
}

func collect(t *testing.T, s *redisstore.Store, w export.Writer, statuses []bot.Status, from, to time.Time) {
	t.Helper()
	ctx := context.Background()
	if err := s.EachCase(ctx, statuses, from, to, func(c *bot.Case) error { return w.Write(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCSVRoundTrips: what the CSV holds reads back through encoding/csv
// cell for cell, awkward text included (commas, quotes, new lines, CJK, a
// formula), in order of opening, filtered by status and by date.
func TestCSVRoundTrips(t *testing.T) {
	s := redisstore.New(redistest.Start(t).Client(t), redisstore.Options{})
	awkward := []string{"plain", `a "quoted", comma`, "two\nlines", "快递压坏了,已补发", "=HYPERLINK(\"http://evil\")"}
	statuses := []bot.Status{bot.Open, bot.Claimed, bot.Resolved, bot.Resolved, bot.Closed}
	for i := range awkward {
		addCase(t, s, 5-i, statuses[i], awkward[i]) // committed newest first
	}
	var buf bytes.Buffer
	collect(t, s, export.CSV(&buf, time.FixedZone("CST", 8*3600)), nil, time.Time{}, time.Time{})
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv cannot read the export: %v", err)
	}
	if !slices.Equal(rows[0], export.Columns) || len(rows) != 6 {
		t.Fatalf("header %v and %d rows", rows[0], len(rows))
	}
	col := func(name string) int { return slices.Index(export.Columns, name) }
	for i, r := range rows[1:] {
		n := i + 1
		k := 5 - n // the case numbered n got awkward[5-n]
		want := awkward[k]
		if want[0] == '=' {
			want = "'" + want
		}
		if r[col("id")] != strconv.Itoa(n) || r[col("summary")] != want || r[col("order")] != "B"+strconv.Itoa(n) || r[col("status")] != string(statuses[k]) {
			t.Errorf("row %d = id %s, summary %q, order %s, status %s", n, r[col("id")], r[col("summary")], r[col("order")], r[col("status")])
		}
		if opened, err := time.Parse(time.RFC3339, r[col("opened")]); err != nil || !opened.Equal(t0.Add(time.Duration(n)*time.Hour)) || r[col("opened")][19:] != "+08:00" {
			t.Errorf("row %d opened %q: want RFC 3339 at +08:00", n, r[col("opened")])
		}
	}
	if r := rows[3]; r[col("category")] != "delivery" || r[col("done")] != "sent a new one, with a note" || r[col("satisfaction")] != "4" || r[col("first_reply_minutes")] != "6.0" {
		t.Errorf("resolved row: %v", r)
	}

	buf.Reset()
	collect(t, s, export.CSV(&buf, time.UTC), []bot.Status{bot.Resolved, bot.Closed}, t0.Add(2*time.Hour), t0.Add(5*time.Hour))
	rows, _ = csv.NewReader(&buf).ReadAll()
	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	if !slices.Equal(ids, []string{"2", "3"}) {
		t.Errorf("resolved or closed, opened in [t0+2h, t0+5h): %v, want [2 3]", ids)
	}
}

// TestNDJSONWithTranscripts: one case a line, as the API shows it, with
// its transcript.
func TestNDJSONWithTranscripts(t *testing.T) {
	s := redisstore.New(redistest.Start(t).Client(t), redisstore.Options{})
	addCase(t, s, 1, bot.Open, "the kettle leaks")
	addCase(t, s, 2, bot.Resolved, "the lid cracked")
	var buf bytes.Buffer
	collect(t, s, export.NDJSON(&buf, s.Transcript), nil, time.Time{}, time.Time{})
	sc := bufio.NewScanner(&buf)
	var got []string
	for sc.Scan() {
		var v struct {
			ID         string
			Transcript []struct{ Text string }
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if len(v.Transcript) != 1 {
			t.Fatalf("case %s transcript %v", v.ID, v.Transcript)
		}
		got = append(got, v.ID+":"+v.Transcript[0].Text)
	}
	if !slices.Equal(got, []string{"1:the kettle leaks", "2:the lid cracked"}) {
		t.Errorf("lines %v", got)
	}
}

// BenchmarkExport100k exports 100,000 cases as CSV and fails if the heap
// ever held more than a ceiling: the export streams. Set up takes a while
// (100,000 commits); run it with -bench Export100k -benchtime 1x.
func BenchmarkExport100k(b *testing.B) {
	const n = 100_000
	const ceiling = 64 << 20
	s := redisstore.New(redistest.Start(b).Client(b), redisstore.Options{})
	for i := 1; i <= n; i++ {
		addCase(b, s, i, bot.Statuses[i%len(bot.Statuses)], fmt.Sprintf("complaint number %d, with some words about it", i))
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		runtime.GC()
		var peak uint64
		var ms runtime.MemStats
		count := 0
		w := export.CSV(io.Discard, time.UTC)
		err := s.EachCase(ctx, nil, time.Time{}, time.Time{}, func(c *bot.Case) error {
			if count++; count%5000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			return w.Write(ctx, c)
		})
		if err != nil || w.Close() != nil || count != n {
			b.Fatalf("exported %d of %d: %v", count, n, err)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		if peak > ceiling {
			b.Fatalf("the heap reached %d MiB during the export, over the ceiling of %d MiB", peak>>20, ceiling>>20)
		}
	}
}
