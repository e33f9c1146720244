package wechat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/eatmoreapple/openwechat"

	"github.com/complaintbot/complaintbot/bot"
)

// maxText is the longest text sent as one message: the web protocol states
// no limit, and other WeChat APIs cut at about 2,048 bytes.
const maxText = 600

var errNotDriving = errors.New("wechat: this replica does not drive the account (or it is logging in)")

// Deliver sends one outbound message as plain text: to a customer in their
// private chat (at their address in this login, as bot.Identities knows
// it); a card, a case's thread message or a team notice in the team group,
// each starting with the case number so that a quote of it finds the case;
// a direct message to a staff member who is a friend of the account, or
// else in the group with an @mention. Long texts are split at line ends.
// It returns the reference of what it posted in the team group (its first
// part), which a quote of it finds.
//
// Sends are at least once: the library itself retries a send up to five
// times, so a lost answer may mean a duplicate on WeChat. A message split
// in parts that failed half-way is resumed after the parts already sent.
func (a *Adapter) Deliver(ctx context.Context, d bot.Delivery) (string, error) {
	s := a.cur.Load()
	if s == nil {
		return "", &bot.RetryError{After: 500 * time.Millisecond, Platform: true, Err: errNotDriving}
	}
	if wait := a.slow.wait(time.Now()); wait > 0 {
		return "", &bot.RetryError{After: wait, Platform: true, Err: errors.New("wechat: slowing down after Ret 1205 (too often)")}
	}
	var to, text string
	team := false
	switch {
	case d.Audience == bot.ToCustomer:
		user := strings.TrimPrefix(d.Customer, Channel+":")
		addr, held, err := a.ids.Address(ctx, s.login, user)
		switch {
		case err != nil:
			return "", err
		case held:
			return "", &bot.RetryError{After: 30 * time.Second, Err: errors.New("wechat: held until the team says who this customer is")}
		case addr == "":
			return "", &bot.RetryError{After: 5 * time.Second, Err: errors.New("wechat: the customer has not been recognised since the last login; they are reached when they write again or staff set their remark name")}
		}
		to, text = addr, d.Text
		if d.Staff != "" {
			text = d.Staff + ": " + text
		}
	case d.Kind == bot.KindNotice && d.Place != "" && s.isStaffChat(d.Place):
		// The answer to a command written privately: back there.
		to, text = d.Place, d.Text
	case d.Audience == bot.ToStaff || d.Kind == bot.KindNotice:
		if u, ok := s.friendOf(d.ToHandle); ok {
			to, text = u, d.Text
			break
		}
		// Not a friend of the account: in the group, with an @mention.
		to, text, team = s.group, "@"+d.ToHandle+"\u2005"+d.Text, true
	case d.Kind == bot.KindCard && d.EditsRef != "" && d.Card != nil:
		// A card cannot change in place: a short line says what changed,
		// when its status or owner did.
		if !a.cards.changed(d.Card) {
			return d.EditsRef, nil
		}
		to, text, team = s.group, a.cardUpdate(d.Card), true
	default:
		to, text, team = s.group, d.Text, true
		if c := caseOf(d); c != "" && !strings.Contains(firstLine(text), "#"+c) {
			text = "#" + c + " " + text
		}
		if d.Kind == bot.KindCard && d.Card != nil && d.Card.Channel == Channel {
			// WeChat gives no stable id: a remark set on the phone is what
			// recognises the customer surely after the next login.
			text += "\n" + a.word("wechat.card.remark", map[string]any{"ID": d.Card.Case})
		}
	}
	if to == "" {
		return "", bot.Permanent("no_team_group", errors.New("the team group is not among the account's saved groups (WECHAT_TEAM_GROUP)"))
	}
	parts := bot.SplitText(text, maxText, bot.Runes)
	if c := caseOf(d); team && c != "" {
		// Every part names its case, so that a quote of any finds it.
		for i := 1; i < len(parts); i++ {
			parts[i] = "#" + c + " … " + parts[i]
		}
	}
	first := ""
	if team {
		first = ref(parts[0])
	}
	for i, part := range parts {
		if a.sent.done(d.ID, i) {
			continue
		}
		msg := openwechat.NewTextSendMessage(part, s.self, to)
		_, err := s.bot.Caller.WebWxSendMsg(ctx, &openwechat.CallerWebWxSendMsgOptions{
			LoginInfo: s.bot.Storage.LoginInfo, BaseRequest: s.bot.Storage.Request, Message: msg})
		if err != nil {
			return "", a.deliveryError(ctx, s, clean(err))
		}
		a.sent.mark(d.ID, i)
	}
	return first, nil
}

func caseOf(d bot.Delivery) string {
	if d.Thread != "" {
		return d.Thread
	}
	return d.Case
}

// cardUpdate words what changed on a card, in one short line.
func (a *Adapter) cardUpdate(c *bot.Card) string {
	data := map[string]any{"ID": c.Case, "Status": a.word("wechat.status."+string(c.Status), nil), "Owner": c.Owner}
	if c.Owner != "" {
		return a.word("wechat.card.update_owner", data)
	}
	return a.word("wechat.card.update", data)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// cardStates remembers the status and owner last shown of each case's
// card, so that an update is posted only when one of them changed.
type cardStates struct {
	mu   sync.Mutex
	seen map[string]string
}

func (c *cardStates) changed(card *bot.Card) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]string{}
	}
	if len(c.seen) > 10_000 {
		clear(c.seen)
	}
	now := string(card.Status) + "\x00" + card.Owner
	if c.seen[card.Case] == now {
		return false
	}
	c.seen[card.Case] = now
	return true
}

// isStaffChat reports whether userName is the private chat of a staff
// member in this login.
func (s *session) isStaffChat(userName string) bool {
	_, ok := s.staffHandle(userName)
	return ok
}

// friendOf returns the UserName of a staff member's private chat: a member
// of the team group who is a friend of the account.
func (s *session) friendOf(handle string) (string, bool) {
	s.mu.Lock()
	u, ok := s.byHandle[handle]
	s.mu.Unlock()
	if !ok {
		return "", false
	}
	_, friend := s.contacts[u]
	return u, friend
}

// deliveryError sorts a failed send for the sender: 1205 slows the whole
// account down and alerts the team; a logout or a blocked login holds the
// platform until a new login; an unknown contact (no longer a friend) is
// permanent; anything else is retried.
func (a *Adapter) deliveryError(ctx context.Context, s *session, err error) error {
	var ret openwechat.Ret
	if !errors.As(err, &ret) {
		return err
	}
	switch int(ret) {
	case 1205:
		wait := a.slow.hit(time.Now())
		a.log.Warn("wechat: Ret 1205, sending too often; slowing down", "wait", wait)
		a.tell(ctx, fmt.Sprintf("1205:%d", time.Now().Unix()/3600), "wechat.too_often", map[string]any{"Minutes": int(wait.Minutes()) + 1})
		return &bot.RetryError{After: wait, Platform: true, Err: err}
	case 1100, 1101, 1102, 1203:
		a.health.set(fmt.Errorf("wechat: logged out (Ret %d)", int(ret)))
		a.log.Error("wechat: the service refused the session", "ret", int(ret))
		s.reason.Store(err)
		s.end()
		// A new login follows (Deliver waits for it meanwhile).
		return &bot.RetryError{After: time.Second, Platform: true, Err: err}
	case 1204:
		if a.cur.Load() != s || s.bot.Context().Err() != nil {
			return &bot.RetryError{After: time.Second, Err: err} // the session changed under the send
		}
		return bot.Permanent("not_a_friend", err)
	}
	return err
}

// PaceKey puts every send of the account in one pace: WeChat limits the
// account, not a chat (WECHAT_SEND_RATE).
func (a *Adapter) PaceKey(bot.Delivery) string { return "account" }

// sentLog remembers which parts of recent outbound messages were sent, so
// that a retried delivery does not send them again.
type sentLog struct {
	mu    sync.Mutex
	max   int
	parts map[string]map[int]bool
	order []string
}

func (l *sentLog) init(max int) { l.max, l.parts = max, map[string]map[int]bool{} }

func (l *sentLog) done(id string, part int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return id != "" && l.parts[id][part]
}

func (l *sentLog) mark(id string, part int) {
	if id == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.parts[id] == nil {
		l.parts[id] = map[int]bool{}
		l.order = append(l.order, id)
		if len(l.order) > l.max {
			delete(l.parts, l.order[0])
			l.order = l.order[1:]
		}
	}
	l.parts[id][part] = true
}

// slowDown is the account's pause after Ret 1205: Options.SlowDown,
// doubled at each further 1205 within the hour, up to an hour.
type slowDown struct {
	base  time.Duration
	mu    sync.Mutex
	until time.Time
	step  time.Duration
	last  time.Time
}

func (s *slowDown) hit(now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.last) > time.Hour || s.step == 0 {
		s.step = s.base
	} else {
		s.step = min(s.step*2, max(time.Hour, s.base))
	}
	s.last, s.until = now, now.Add(s.step)
	return s.step
}

func (s *slowDown) wait(now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Before(s.until) {
		return s.until.Sub(now)
	}
	return 0
}
