package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// digestBot is an engine over a real redis-server with no scheduler
// running, so the cases stay as the test leaves them.
func digestBot(t *testing.T, lang flows.Lang) (*bot.Engine, *redisstore.Store, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t)
	store := redisstore.New(srv.Client(t), redisstore.Options{})
	cfg := timedConfig()
	cfg.TeamLang = lang
	return bot.NewEngine(store, cfg, bot.WithLogger(timedLog)), store, srv
}

func edit(t *testing.T, eng *bot.Engine, id string, fn func(c *bot.Case)) {
	t.Helper()
	if err := eng.EditCase(context.Background(), id, "test", "", func(c *bot.Case, _ time.Time) { fn(c) }); err != nil {
		t.Fatal(err)
	}
}

// teamPosts returns the channel-level team messages (not in a thread, not
// cards) queued so far.
func teamPosts(t *testing.T, store *redisstore.Store) []string {
	t.Helper()
	var posts []string
	for _, m := range (&timedOutbox{t: t, store: store}).read() {
		if m.Audience == bot.ToTeam && m.Thread == "" && m.Kind == bot.KindText && m.Case == "" {
			posts = append(posts, m.Text)
		}
	}
	return posts
}

func TestPostDigest(t *testing.T) {
	eng, store, _ := digestBot(t, flows.EN)
	ctx := context.Background()
	now := time.Now()

	if err := eng.PostDigest(ctx, now); err != nil {
		t.Fatal(err)
	}
	if posts := teamPosts(t, store); len(posts) != 1 || !strings.Contains(posts[0], "none") {
		t.Fatalf("digest with no cases: %q", posts)
	}

	ids := map[string]string{}
	for _, who := range []string{"late", "fresh", "al1", "al2", "bo", "done"} {
		ids[who] = seedCase(t, eng, store, who, flows.EN)
	}
	edit(t, eng, ids["late"], func(c *bot.Case) {
		c.Opened, c.FirstResponseDue = now.Add(-26*time.Hour), now.Add(-time.Minute)
	})
	edit(t, eng, ids["fresh"], func(c *bot.Case) { c.FirstResponseDue = now.Add(2 * time.Hour) })
	for who, owner := range map[string]string{"al1": "alice", "al2": "alice", "bo": "bob", "done": "bob"} {
		edit(t, eng, ids[who], func(c *bot.Case) { c.Owner, c.Status, c.ClaimedAt = owner, bot.Claimed, now })
	}
	edit(t, eng, ids["al2"], func(c *bot.Case) { c.Status, c.ResolvedAt, c.Awaiting = bot.Resolved, now, bot.AskSolved })
	edit(t, eng, ids["done"], func(c *bot.Case) { c.Status, c.ResolvedAt, c.ClosedAt = bot.Closed, now, now })
	teamPosts(t, store) // drop the cards

	at := now.Add(time.Hour)
	for i := 0; i < 2; i++ { // a second replica posting the same fire posts nothing
		if err := eng.PostDigest(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	posts := teamPosts(t, store)
	if len(posts) != 1 {
		t.Fatalf("digest posted %d times for one fire: %q", len(posts), posts)
	}
	for _, want := range []string{
		"5 open", "2 unclaimed", "1 past the first-reply target", "1 waiting for the customer",
		"Oldest: #" + ids["late"], "1 day", "unclaimed", "alice 2, bob 1", "Needs someone now: #" + ids["late"],
	} {
		if !strings.Contains(posts[0], want) {
			t.Errorf("digest lacks %q:\n%s", want, posts[0])
		}
	}

	// The same in Chinese, for a team that works in Chinese.
	zh := bot.NewEngine(store, func() bot.Config { c := timedConfig(); c.TeamLang = flows.ZH; return c }(), bot.WithLogger(timedLog))
	if err := zh.PostDigest(ctx, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if posts := teamPosts(t, store); len(posts) != 1 || !strings.Contains(posts[0], "未认领 2") || strings.Contains(posts[0], "[") {
		t.Errorf("Chinese digest: %q", posts)
	}
}

func TestPostReview(t *testing.T) {
	eng, store, _ := digestBot(t, flows.EN)
	ctx := context.Background()
	now := time.Now()
	day := 24 * time.Hour
	type spec struct {
		opened, claim, resolve time.Duration // before now; claim and resolve after opening
		category, cause        string
		score, reopens         int
		status                 bot.Status
		action                 string
	}
	for i, s := range []spec{
		{opened: 3 * day, claim: 10 * time.Minute, resolve: 2 * time.Hour, category: "delivery", cause: "partner", score: 4, status: bot.Confirmed, action: "switch couriers in Pudong"},
		{opened: 2 * day, claim: 20 * time.Minute, resolve: 4 * time.Hour, category: "delivery", cause: "service_failure", score: 2, reopens: 1, status: bot.Confirmed},
		{opened: 1 * day, claim: 30 * time.Minute, resolve: 6 * time.Hour, category: "product", cause: "product_defect", status: bot.Closed},
		{opened: 20 * day, claim: 5 * time.Minute, resolve: time.Hour, category: "billing", cause: "policy", score: 1, status: bot.Confirmed}, // long ago
		{opened: 2 * time.Hour, status: bot.Open},
	} {
		id := seedCase(t, eng, store, fmt.Sprintf("r%d", i), flows.EN)
		edit(t, eng, id, func(c *bot.Case) {
			c.Opened = now.Add(-s.opened)
			c.Status, c.Reopens = s.status, s.reopens
			if s.claim > 0 {
				c.Owner, c.ClaimedAt = "alice", c.Opened.Add(s.claim)
			}
			if s.resolve > 0 {
				c.ResolvedAt = c.Opened.Add(s.resolve)
				c.Resolution = &bot.Resolution{Category: s.category, Cause: s.cause, Done: "fixed", Action: s.action, By: "alice", At: c.ResolvedAt}
			}
			if s.status == bot.Closed {
				c.ClosedAt = c.ResolvedAt.Add(7 * day)
				if c.ClosedAt.After(now) {
					c.ClosedAt = now.Add(-time.Minute)
				}
			}
			if s.score > 0 {
				c.Satisfaction = s.score
				c.SatisfactionComment = fmt.Sprintf("comment %d", s.score)
				c.History = append(c.History, bot.Event{At: c.ResolvedAt.Add(time.Hour), Who: "customer", What: bot.EvRated, Detail: fmt.Sprint(s.score)})
			}
		})
	}
	teamPosts(t, store)
	if err := eng.PostReview(ctx, now); err != nil {
		t.Fatal(err)
	}
	posts := teamPosts(t, store)
	if len(posts) != 1 {
		t.Fatalf("review posts: %q", posts)
	}
	for _, want := range []string{
		"4 opened", "3 resolved", "1 closed with no answer",
		"By category: delivery 2, product 1", "partner/dealer 1", "product defect 1",
		"Median time to claim: 20 minutes", "to resolve: 4 hours",
		"3.0 / 5 from 2 answers", "33% (1 of 3 resolved)",
		"Corrective actions:", "delivery / partner/dealer: switch couriers in Pudong",
		"Unhappy customers:", "2/5: “comment 2” (alice)",
	} {
		if !strings.Contains(posts[0], want) {
			t.Errorf("review lacks %q:\n%s", want, posts[0])
		}
	}
	if strings.Contains(posts[0], "comment 4") || strings.Contains(posts[0], "comment 1") {
		t.Errorf("review lists a happy customer or one from three weeks ago as unhappy:\n%s", posts[0])
	}
	if strings.Contains(posts[0], "billing") {
		t.Errorf("review counts a case resolved three weeks ago:\n%s", posts[0])
	}
}
