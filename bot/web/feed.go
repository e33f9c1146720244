package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/complaintbot/complaintbot/bot"
)

// Feed is a numbered, append-only log kept by the store, which long-polling
// clients read: the customers' mailboxes and the team feed. Numbers start
// at 1 and have no gaps. bot/redisstore implements it.
type Feed interface {
	// Append adds data to the named log unless an entry with the same id was
	// appended before, and returns the entry's number either way.
	Append(ctx context.Context, log, id string, data []byte) (int64, error)
	// Read returns up to max entries numbered after `after`, oldest first:
	// entry i of the answer is number after+1+i.
	Read(ctx context.Context, log string, after int64, max int) ([][]byte, error)
}

// feedEntry is one numbered entry of a Feed.
type feedEntry struct {
	Seq  int64
	Data []byte
}

// The feeds. Each is a Feed log of JSON entries, stored without their
// number ("seq"), which is the log's own numbering and is added on read.
const teamLog = "team"

// customerLog names the feed of what was sent to one customer.
func customerLog(id string) string { return "customer:" + id }

// pageSize is how many entries one read of a feed takes, and so the most
// one answer holds; a client that gets a full page asks again at once.
const pageSize = 100

// customerMessage is one entry of a customer's feed: a message the bot, or a
// staff member through the bot, sent to the customer.
type customerMessage struct {
	Seq int64 `json:"seq,omitempty"`
	// From is "bot" or "staff".
	From string `json:"from"`
	// Staff is the staff member's name when From is "staff".
	Staff string    `json:"staff"`
	Text  string    `json:"text"`
	At    time.Time `json:"at"`
}

// Kinds of team feed entries: bot.KindText, bot.KindCard, bot.KindNotice,
// and kindDirect for a message to one staff member.
const kindDirect = "direct"

// teamMessage is one entry of the team channel's feed.
type teamMessage struct {
	Seq  int64  `json:"seq,omitempty"`
	Kind string `json:"kind"` // card, text, notice, direct
	// From is "bot" for what the bot posted (Deliver) and "staff" for a
	// staff member's own message, echoed when the engine accepted it.
	From string `json:"from"`
	Case string `json:"case"`
	// Thread is the case whose thread the entry belongs in; "" for the
	// channel itself.
	Thread string `json:"thread"`
	// To is the only staff member who sees the entry (notices and direct
	// messages); "" when everyone does.
	To string `json:"to"`
	// Staff is the staff member who wrote it (From "staff"), or on whose
	// behalf the bot relays it; "" otherwise.
	Staff string `json:"staff"`
	// Edits is the number of the card entry this one replaces; null when it
	// replaces nothing.
	Edits *int64 `json:"edits"`
	// Text is the entry as plain text (for cards, the card's text rendering).
	Text string `json:"text"`
	// Card is the structured card (bot.Card), for kind card.
	Card json.RawMessage `json:"card,omitempty"`
	At   time.Time       `json:"at"`
}

// page is the answer of a feed read.
type page struct {
	// Messages is never null: an empty answer is [].
	Messages []any `json:"messages"`
	// Next is what to pass as after to read on.
	Next int64 `json:"next"`
}

// Deliver writes an outbound message into its feed and wakes the long polls
// waiting on it. It returns the entry's number, which is the reference the
// sender keeps for a card so that its updates can say which entry they
// replace. It is idempotent on Outbound.ID: a second delivery returns the
// first one's number and adds nothing.
//
// A message that no feed can hold (an unknown audience, no customer) is
// logged as an error and reported delivered, so it does not block the
// outbox behind it forever; a failure of the feed itself is returned, for
// the sender to retry.
func (s *Server) Deliver(ctx context.Context, d bot.Delivery) (string, error) {
	log, data, err := s.render(d)
	if err != nil {
		s.log.Error("web: outbound message dropped: no feed can hold it", "id", d.ID, "case", d.Case, "err", err)
		return "", nil
	}
	seq, err := s.feed.Append(ctx, log, d.ID, data)
	if err != nil {
		return "", fmt.Errorf("web: deliver %s: %w", d.ID, err)
	}
	s.bells.ring(log)
	return strconv.FormatInt(seq, 10), nil
}

// render returns the feed an outbound message goes to and its entry there.
func (s *Server) render(d bot.Delivery) (log string, data []byte, err error) {
	at := d.At
	if at.IsZero() {
		at = time.Now()
	}
	switch d.Audience {
	case bot.ToCustomer:
		if err := bot.CheckID("customer id", d.Address); err != nil {
			return "", nil, err
		}
		m := customerMessage{From: bot.FromBot, Staff: d.Staff, Text: d.Text, At: at}
		if d.Staff != "" {
			m.From = bot.FromStaff
		}
		data, err = json.Marshal(m)
		return customerLog(d.Address), data, err
	case bot.ToTeam, bot.ToStaff:
		to := d.ToHandle // the staff member's web name
		if to == "" {
			to = d.To
		}
		m := teamMessage{Kind: d.Kind, From: bot.FromBot, Case: d.Case, Thread: d.Thread, Staff: d.Staff, Text: d.Text, At: at}
		switch {
		case d.Audience == bot.ToStaff:
			if to == "" {
				return "", nil, fmt.Errorf("direct message without a recipient")
			}
			m.Kind, m.To = kindDirect, to
		case d.Kind == bot.KindNotice:
			// A notice is private by nature: one without its reader
			// is dropped rather than shown to the whole channel.
			if to == "" {
				return "", nil, fmt.Errorf("private notice without a recipient")
			}
			m.To = to
		case m.Kind == "":
			m.Kind = bot.KindText
		}
		if d.EditsRef != "" {
			n, err := strconv.ParseInt(d.EditsRef, 10, 64)
			if err != nil {
				s.log.Warn("web: edit reference is not a feed number; posting the message as new", "id", d.ID, "ref", d.EditsRef)
			} else {
				m.Edits = &n
			}
		}
		if d.Card != nil {
			if m.Card, err = json.Marshal(d.Card); err != nil {
				return "", nil, err
			}
		}
		data, err = json.Marshal(m)
		return teamLog, data, err
	}
	return "", nil, fmt.Errorf("unknown audience %q", d.Audience)
}

// picker decodes one feed entry and says whether the reader sees it.
type picker func(e feedEntry) (msg any, visible bool, err error)

func pickCustomer(e feedEntry) (any, bool, error) {
	var m customerMessage
	if err := json.Unmarshal(e.Data, &m); err != nil {
		return nil, false, err
	}
	m.Seq = e.Seq
	return m, true, nil
}

// pickTeam shows staff member `viewer` what the team channel shows them:
// everything but the notices and direct messages meant for someone else.
// With no viewer, only what everyone sees: an entry with a recipient is
// never shown to a reader who has not said who they are.
func pickTeam(viewer string) picker {
	return func(e feedEntry) (any, bool, error) {
		var m teamMessage
		if err := json.Unmarshal(e.Data, &m); err != nil {
			return nil, false, err
		}
		m.Seq = e.Seq
		if m.From == "" {
			m.From = bot.FromBot // entries written before "from" existed
		}
		return m, m.To == "" || m.To == viewer, nil
	}
}

// poll returns the entries of log after `after` that pick shows, waiting up
// to wait for one when there are none yet. It wakes at once when this
// process appends to the log, and re-reads every pollEvery to see what
// other replicas appended. next is the number to read on from: the last
// entry looked at, shown or not, so entries hidden from this reader are not
// read again.
func (s *Server) poll(ctx context.Context, log string, after int64, wait time.Duration, pick picker) (msgs []any, next int64, err error) {
	msgs, next = []any{}, after
	var timeout, tick <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
		tk := time.NewTicker(s.pollEvery)
		defer tk.Stop()
		tick = tk.C
	}
	for {
		// Listen before reading, so an append between the read and the
		// wait still wakes us.
		bell, release := s.bells.listen(log)
		msgs, next, err = s.read(ctx, log, next, pick)
		if err != nil || len(msgs) > 0 || wait <= 0 {
			release()
			return msgs, next, err
		}
		select {
		case <-bell:
		case <-tick:
		case <-timeout:
			wait = 0
		case <-s.closing:
			wait = 0
		case <-ctx.Done():
			release()
			return msgs, next, ctx.Err()
		}
		release()
	}
}

// read returns the entries after `after` that pick shows, reading on past
// pages whose entries are all hidden.
func (s *Server) read(ctx context.Context, log string, after int64, pick picker) ([]any, int64, error) {
	out := []any{}
	for {
		entries, err := s.feed.Read(ctx, log, after, pageSize)
		if err != nil {
			return out, after, fmt.Errorf("web: read feed %s: %w", log, err)
		}
		first := max(after, 0) + 1
		for i, data := range entries {
			e := feedEntry{Seq: first + int64(i), Data: data}
			after = e.Seq
			m, ok, err := pick(e)
			if err != nil {
				s.log.Warn("web: unreadable feed entry skipped", "log", log, "seq", e.Seq, "err", err)
				continue
			}
			if ok {
				out = append(out, m)
			}
		}
		if len(out) > 0 || len(entries) < pageSize {
			return out, after, nil
		}
	}
}
