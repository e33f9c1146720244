package slack

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/complaintbot/complaintbot/bot"
)

// homes keeps the App Home of the people who opened it up to date: their
// own open cases, the unclaimed ones, and what is due next. A person's Home
// is published when they open it, again shortly after a case changes (a
// card is posted or updated by this replica), and every minute, so that a
// change another replica saw shows within a minute.
type homes struct {
	a *Adapter

	mu      sync.Mutex
	viewers map[string]time.Time // user → when they last opened the Home
	dirty   bool
	kick    chan struct{}
	quit    chan struct{}
	once    sync.Once
	running bool
}

// Home refresh timing.
const (
	homeDebounce = 2 * time.Second
	homeEvery    = time.Minute
	homeKeep     = 24 * time.Hour // a viewer is refreshed this long after they last looked
	homeLines    = 15             // cases per list
)

func newHomes(a *Adapter) *homes {
	return &homes{a: a, viewers: map[string]time.Time{}, kick: make(chan struct{}, 1), quit: make(chan struct{})}
}

// opened publishes the Home of a person who just opened it.
func (h *homes) opened(user string) {
	h.mu.Lock()
	h.viewers[user] = time.Now()
	start := !h.running
	h.running = true
	h.mu.Unlock()
	if start {
		go h.loop()
	}
	go h.publish(context.Background(), user)
}

// changed notes that a case changed: the Homes are published again soon.
func (h *homes) changed() {
	h.mu.Lock()
	h.dirty = true
	h.mu.Unlock()
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

func (h *homes) stop() { h.once.Do(func() { close(h.quit) }) }

func (h *homes) loop() {
	t := time.NewTicker(homeEvery)
	defer t.Stop()
	for {
		select {
		case <-h.quit:
			return
		case <-t.C:
			h.refresh()
		case <-h.kick:
			select {
			case <-h.quit:
				return
			case <-time.After(homeDebounce):
			}
			h.mu.Lock()
			dirty := h.dirty
			h.dirty = false
			h.mu.Unlock()
			if dirty {
				h.refresh()
			}
		}
	}
}

func (h *homes) refresh() {
	h.mu.Lock()
	var users []string
	for u, at := range h.viewers {
		if time.Since(at) > homeKeep {
			delete(h.viewers, u)
			continue
		}
		users = append(users, u)
	}
	h.mu.Unlock()
	for _, u := range users {
		h.publish(context.Background(), u)
	}
}

// publish builds and publishes one person's Home.
func (h *homes) publish(ctx context.Context, user string) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	a := h.a
	view, err := a.homeView(ctx, user)
	if err != nil {
		a.log.Warn("slack: App Home not built", "user", user, "err", err)
		return
	}
	if _, err := a.api.PublishViewContext(ctx, slackapi.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		a.log.Warn("slack: App Home not published", "user", user, "err", err)
	}
}

// homeView is a person's Home: their open cases, the unclaimed ones, and
// the deadlines coming up, each case a line with its number, priority,
// customer and summary. A person who is not staff is told so.
func (a *Adapter) homeView(ctx context.Context, user string) (slackapi.HomeTabViewRequest, error) {
	view := slackapi.HomeTabViewRequest{Type: slackapi.VTHomeTab}
	p, staff := a.engine.People().ByHandle(Channel, user)
	if !staff {
		view.Blocks = slackapi.Blocks{BlockSet: []slackapi.Block{section(escape(a.word("slack.home.not_staff", nil)))}}
		return view, nil
	}
	cases, err := a.engine.Cases(ctx, bot.Open, bot.Claimed, bot.Resolved)
	if err != nil {
		return view, err
	}
	var mine, unclaimed, due []*bot.Case
	for _, c := range cases {
		switch {
		case c.Owner == p.ID:
			mine = append(mine, c)
		case c.Owner == "" && c.Status == bot.Open:
			unclaimed = append(unclaimed, c)
		}
		if c.Status != bot.Resolved && !nextDue(c).IsZero() && (c.Owner == p.ID || c.Owner == "") {
			due = append(due, c)
		}
	}
	sort.SliceStable(due, func(i, j int) bool { return nextDue(due[i]).Before(nextDue(due[j])) })
	line := func(c *bot.Case, withDue bool) string {
		s := fmt.Sprintf("%s *#%s* · %s · %s", priorityMarks[c.Priority], c.ID, escape(c.DisplayName()), escape(clip(c.Summary, 90)))
		if withDue {
			s += " · " + a.slackDate(nextDue(c))
		}
		return s
	}
	list := func(title string, cs []*bot.Case, withDue bool) []slackapi.Block {
		out := []slackapi.Block{slackapi.NewHeaderBlock(plainText(clip(title, 150)))}
		if len(cs) == 0 {
			return append(out, section(escape(a.word("slack.home.none", nil))))
		}
		var lines []string
		for i, c := range cs {
			if i == homeLines {
				lines = append(lines, escape(a.word("slack.home.more", map[string]any{"Count": len(cs) - homeLines})))
				break
			}
			lines = append(lines, line(c, withDue))
		}
		return append(out, section(strings.Join(lines, "\n")))
	}
	var blocks []slackapi.Block
	blocks = append(blocks, list(a.word("slack.home.mine", map[string]any{"Count": len(mine)}), mine, false)...)
	blocks = append(blocks, slackapi.NewDividerBlock())
	blocks = append(blocks, list(a.word("slack.home.unclaimed", map[string]any{"Count": len(unclaimed)}), unclaimed, true)...)
	blocks = append(blocks, slackapi.NewDividerBlock())
	blocks = append(blocks, list(a.word("slack.home.due", nil), due, true)...)
	view.Blocks = slackapi.Blocks{BlockSet: blocks}
	return view, nil
}

// nextDue is the next deadline of a case the team must meet: the first
// response while nobody has answered, or the promised resolution time.
func nextDue(c *bot.Case) time.Time {
	switch {
	case c.Owner == "" && c.Status == bot.Open:
		return c.FirstResponseDue
	case c.Promise != nil:
		return c.Promise.Due
	}
	return time.Time{}
}
