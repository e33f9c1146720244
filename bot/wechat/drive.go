package wechat

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eatmoreapple/openwechat"

	"github.com/complaintbot/complaintbot/bot"
)

// This file drives the account: the lease, the login ladder, the session
// and its watchdog.

// session is one login of the account, while this replica drives it.
type session struct {
	bot *openwechat.Bot
	// end ends the session from outside the library (a send answered with
	// a logout code): cancelling its context, never Bot.ExitWith, which
	// writes fields the sync goroutine reads and writes too.
	end    context.CancelFunc
	reason atomic.Value // error: why end was called
	// login names the login: the account's UserName in it, which changes
	// at every new login and stays through a hot login.
	login string
	self  string // the account's UserName
	name  string // the account's nickname
	// group is the team group's UserName in this login, "" when none;
	// groupSelf the account's name in it (how members @ it).
	group, groupSelf string
	// contacts are the friends of this login by UserName.
	contacts map[string]bot.Contact
	// staff maps the UserName of a team group member to their handle.
	mu       sync.Mutex
	staff    map[string]string
	byHandle map[string]string // handle → UserName, for direct messages
	// twice are handles two members of the group go by in this login
	// (someone took a staff member's group name): neither is staff.
	twice     map[string]bool
	ready     chan struct{} // closed once the contacts are known
	heartbeat atomic.Int64  // unix ms of the last sync answer
}

func (s *session) staffHandle(userName string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.staff[userName]
	return h, ok
}

// run waits for the lease and drives the account while it holds it, until
// ctx ends.
func (a *Adapter) run(ctx context.Context) {
	backoff := a.o.Backoff
	for ctx.Err() == nil {
		ok, err := a.store.Lease(ctx, leaseName(), a.o.Replica, a.o.LeaseTTL)
		switch {
		case err != nil:
			a.health.set(fmt.Errorf("wechat: the lease: %w", err))
			a.log.Error("wechat: cannot take the lease", "err", err)
		case !ok:
			// A healthy stand-by: another replica drives the account.
			a.health.set(nil)
			a.standby.Store(true)
		default:
			a.standby.Store(false)
			a.log.Info("wechat: this replica drives the account", "replica", a.o.Replica)
			if a.drive(ctx) {
				backoff = a.o.Backoff
			} else {
				backoff = min(backoff*2, time.Minute)
			}
			if ctx.Err() != nil {
				rctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				_ = a.store.Release(rctx, leaseName(), a.o.Replica)
				cancel()
				return
			}
			if !sleep(ctx, backoff) {
				return
			}
			continue
		}
		if !sleep(ctx, a.o.LeaseTTL/10) {
			return
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// drive holds the lease while it logs in and serves one session; it
// returns when the session ends (logged out, the lease lost, ctx done),
// and whether a login succeeded.
func (a *Adapter) drive(ctx context.Context) bool {
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lost := make(chan struct{})
	go a.keepLease(dctx, cancel, lost)

	s, err := a.login(dctx)
	if err != nil {
		if dctx.Err() == nil {
			a.log.Error("wechat: login failed", "err", clean(err))
			a.health.set(fmt.Errorf("wechat: login failed: %w", clean(err)))
			// Once an hour at most: a refused login is retried with backoff.
			a.tell(ctx, fmt.Sprintf("login-failed:%d", time.Now().Unix()/3600), "wechat.login_failed", map[string]any{"Reason": retText(err)})
		}
		return false
	}
	a.cur.Store(s)
	defer a.cur.Store(nil)
	a.health.set(nil)
	go a.watch(dctx, s)
	<-s.bot.Context().Done()
	reason := s.bot.CrashReason()
	if r, ok := s.reason.Load().(error); ok && reason == nil {
		reason = r
	}
	select {
	case <-lost:
		a.health.set(nil) // standing by: another replica drives the account
		a.log.Warn("wechat: lease lost; stopped driving")
	default:
		if ctx.Err() == nil {
			a.health.set(fmt.Errorf("wechat: logged out: %v", clean(reason)))
			a.log.Warn("wechat: logged out", "reason", clean(reason))
			a.tell(context.Background(), "logout:"+s.login, "wechat.logged_out", map[string]any{"Reason": retText(reason)})
		}
	}
	return true
}

// keepLease renews the lease every LeaseTTL/3; when another holder has it,
// or it could not be renewed for 2/3 of its time, it ends the session.
func (a *Adapter) keepLease(ctx context.Context, cancel context.CancelFunc, lost chan<- struct{}) {
	okAt := time.Now()
	for sleep(ctx, a.o.LeaseTTL/3) {
		ok, err := a.store.Lease(ctx, leaseName(), a.o.Replica, a.o.LeaseTTL)
		if err == nil && ok {
			okAt = time.Now()
			continue
		}
		if (err == nil && !ok) || time.Since(okAt) >= a.o.LeaseTTL*2/3 {
			close(lost)
			cancel()
			return
		}
	}
}

// watch is the watchdog: no answer from the sync long poll for Heartbeat
// makes the adapter unready and alerts the team; the next answer makes it
// ready again.
func (a *Adapter) watch(ctx context.Context, s *session) {
	every := max(a.o.Heartbeat/4, 10*time.Millisecond)
	stale := false
	for sleep(ctx, every) {
		last := time.UnixMilli(s.heartbeat.Load())
		switch {
		case time.Since(last) > a.o.Heartbeat && !stale:
			stale = true
			a.health.set(fmt.Errorf("wechat: no heartbeat since %s", last.UTC().Format(time.RFC3339)))
			a.log.Error("wechat: no heartbeat from the sync long poll", "since", last)
			a.tell(ctx, fmt.Sprintf("heartbeat:%s:%d", s.login, last.UnixMilli()), "wechat.no_heartbeat", map[string]any{"Minutes": int(a.o.Heartbeat.Minutes())})
		case time.Since(last) <= a.o.Heartbeat && stale:
			stale = false
			a.health.set(nil)
		}
	}
}

// login climbs the ladder: hot login from the session in Redis, push
// login (the phone is asked to confirm), QR code (refreshed when it
// expires). Each attempt is a new bot: one whose login failed is not
// reused.
func (a *Adapter) login(ctx context.Context) (*session, error) {
	st := &storage{ctx: ctx, store: a.store, name: Channel, ttl: a.o.SessionTTL, log: a.log}
	if st.has() {
		s := a.newSession(ctx)
		if err := s.bot.HotLogin(st); err == nil {
			a.log.Info("wechat: hot login")
			return a.started(ctx, s, "hot")
		} else {
			s.end()
			a.log.Info("wechat: hot login failed; trying push login", "err", clean(err))
		}
		st.rewind()
		s = a.newSession(ctx)
		if err := s.bot.PushLogin(st); err == nil {
			a.log.Info("wechat: push login confirmed on the phone")
			return a.started(ctx, s, "push")
		} else {
			s.end()
			a.log.Info("wechat: push login failed; showing a QR code", "err", clean(err))
		}
	}
	for ctx.Err() == nil {
		// A QR login through HotLogin on a blank storage: the library then
		// saves the new session into it, for the next hot login.
		s := a.newSession(ctx)
		err := s.bot.HotLogin(st.blank(), &qrLogin{})
		if err == nil {
			a.qr.set(qrLoggedIn, "")
			return a.started(ctx, s, "qr")
		}
		s.end()
		if errors.Is(err, openwechat.ErrLoginTimeout) {
			a.log.Info("wechat: the QR code expired; a new one follows")
			continue
		}
		if ctx.Err() != nil {
			break
		}
		a.qr.set(qrFailed, "")
		return nil, err
	}
	return nil, ctx.Err()
}

// qrLogin turns a failed hot login on a blank storage into a QR login,
// once: the library applies the same option to the QR login's own error,
// which must come back to the ladder (an expired code, a refused login).
type qrLogin struct {
	openwechat.BaseBotLoginOption
	used bool
}

func (q *qrLogin) OnError(b *openwechat.Bot, err error) error {
	if q.used {
		return err
	}
	q.used = true
	return b.Login()
}

// newSession makes a bot in desktop mode in ctx, with the adapter's
// callbacks (no xdg-open, no log line per heartbeat) and handlers.
func (a *Adapter) newSession(ctx context.Context) *session {
	ctx, end := context.WithCancel(ctx)
	b := openwechat.DefaultBot(openwechat.Desktop, openwechat.WithContextOption(ctx))
	s := &session{bot: b, end: end, ready: make(chan struct{}), staff: map[string]string{}, byHandle: map[string]string{}, twice: map[string]bool{}}
	s.heartbeat.Store(time.Now().UnixMilli())
	b.UUIDCallback = a.showQR
	b.ScanCallBack = func(openwechat.CheckLoginResponse) {
		a.qr.set(qrScanned, "")
		a.log.Info("wechat: QR code scanned; waiting for the phone to confirm")
		a.notify(ctx, "scanned:"+b.UUID(), "wechat.scanned", nil)
	}
	b.LoginCallBack = nil
	b.SyncCheckCallback = func(openwechat.SyncCheckResponse) { s.heartbeat.Store(time.Now().UnixMilli()) }
	b.MessageHandler = func(m *openwechat.Message) { a.handle(s, m) }
	backoff := a.o.Backoff
	var lastErr atomic.Int64
	b.MessageErrorHandler = func(err error) error {
		if ctx.Err() != nil {
			// Ended from outside: let the loop see it and stop, without
			// ExitWith (CrashReason is being read).
			return nil
		}
		// Never a busy loop: wait, longer after repeated errors, then let
		// the library poll again; a logout ends the session.
		var ret openwechat.Ret
		if errors.As(err, &ret) && (ret == 1100 || ret == 1101 || ret == 1102) {
			return err
		}
		if errors.Is(err, openwechat.ErrUserLogout) {
			return err
		}
		if time.Since(time.UnixMilli(lastErr.Load())) > time.Minute {
			backoff = a.o.Backoff
		}
		lastErr.Store(time.Now().UnixMilli())
		a.log.Warn("wechat: sync error; backing off", "err", clean(err), "wait", backoff)
		if errors.As(err, &ret) && ret == 1205 {
			a.slow.hit(time.Now())
		}
		wait := backoff + rand.N(backoff/2+1)
		backoff = min(backoff*2, time.Minute)
		sleep(ctx, wait)
		return nil
	}
	a.install(b)
	return s
}

// started finishes a login: the account, its friends (for the identity
// map), the team group and its members (staff), the saved session; and
// tells the team.
func (a *Adapter) started(ctx context.Context, s *session, how string) (*session, error) {
	defer close(s.ready)
	self, err := s.bot.GetCurrentUser()
	if err != nil {
		return nil, err
	}
	s.self, s.name, s.login = self.UserName, self.NickName, self.UserName
	if err := a.loadContacts(ctx, s); err != nil {
		a.log.Error("wechat: could not read the contacts; customers are recognised as they write", "err", clean(err))
	}
	a.log.Info("wechat: logged in", "as", s.name, "how", how, "friends", len(s.contacts), "team_group", s.group != "")
	a.notify(ctx, "login:"+s.login, "wechat.logged_in", map[string]any{"Name": s.name})
	if a.o.TeamGroup != "" && s.group == "" {
		a.log.Error("wechat: the team group is not among the account's saved groups; on the phone, open the group's details and turn on 'Save to Contacts'", "group", a.o.TeamGroup)
	}
	return s, nil
}

// loadContacts reads the friends and the team group of this login through
// the library's caller (not its caches, which belong to the sync
// goroutine).
func (a *Adapter) loadContacts(ctx context.Context, s *session) error {
	b := s.bot
	members, err := b.Caller.WebWxGetContact(ctx, b.Storage.LoginInfo)
	if err != nil {
		return err
	}
	s.contacts = map[string]bot.Contact{}
	var all []bot.Contact
	var group *openwechat.User
	for _, u := range members {
		switch {
		case u.IsGroup():
			if a.o.TeamGroup != "" && u.NickName == a.o.TeamGroup {
				group = u
			}
		case u.IsFriend() && !u.IsMP():
			c := contactOf(u)
			s.contacts[u.UserName] = c
			all = append(all, c)
		}
	}
	if err := a.ids.Login(ctx, s.login, all); err != nil {
		return err
	}
	if group == nil {
		return nil
	}
	s.group = group.UserName
	full, err := b.Caller.WebWxBatchGetContact(ctx, openwechat.Members{group}, b.Storage.Request)
	if err != nil || len(full) == 0 {
		return err
	}
	for _, m := range full[0].MemberList {
		if m.UserName == s.self {
			s.groupSelf = m.DisplayName
			if s.groupSelf == "" {
				s.groupSelf = s.name
			}
			continue
		}
		a.learnMember(s, m)
	}
	return nil
}

// learnMember adds a team group member to the staff directory under the
// first of their group display name, remark name and nickname that the
// directory knows (or, in an open directory, the first they have). A
// handle that two members of the group go by is nobody's: one of them
// took the other's name, and a command from either could be forged.
func (a *Adapter) learnMember(s *session, m *openwechat.User) (string, bool) {
	names := []string{m.DisplayName}
	if c, ok := s.contacts[m.UserName]; ok {
		names = append(names, c.Remark)
	}
	names = append(names, m.RemarkName, m.NickName)
	dir := a.engine.People()
	for _, n := range names {
		if n == "" {
			continue
		}
		if _, ok := dir.ByHandle(Channel, n); ok {
			return a.setStaff(s, m.UserName, n)
		}
	}
	for _, n := range names {
		if n == "" {
			continue
		}
		if p := dir.Learn(Channel, n, n); p != nil {
			return a.setStaff(s, m.UserName, n)
		}
	}
	return "", false
}

func (a *Adapter) setStaff(s *session, userName, handle string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if other, ok := s.byHandle[handle]; (ok && other != userName) || s.twice[handle] {
		if !s.twice[handle] {
			a.log.Warn("wechat: two members of the team group go by the same name; neither is taken for staff until one changes it", "name", handle)
		}
		s.twice[handle] = true
		delete(s.staff, other)
		delete(s.byHandle, handle)
		return "", false
	}
	s.staff[userName] = handle
	s.byHandle[handle] = userName
	return handle, true
}

func contactOf(u *openwechat.User) bot.Contact {
	return bot.Contact{Address: u.UserName, Remark: u.RemarkName, Nick: u.NickName, Avatar: u.AvatarID()}
}

// retText words a library error for staff: its Ret code, never a cookie.
func retText(err error) string {
	var ret openwechat.Ret
	if errors.As(err, &ret) {
		return fmt.Sprintf("Ret %d", int(ret))
	}
	if err == nil {
		return "-"
	}
	return clean(err).Error()
}
