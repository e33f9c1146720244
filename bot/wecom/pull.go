package wecom

import (
	"context"
	"errors"
	"time"
)

// This file is the puller: the background loop that reads WeCom's message
// log with sync_msg. Exactly one replica pulls at a time (a Redis lease);
// a notice that reaches another replica leaves a flag the holder sees
// before it lets go, so nothing waits for the next notice. The cursor
// lives in Redis and moves only after every message of a page was
// accepted: a crash, a lost lease or Redis going away mid-page means the
// page is read again, and the engine drops what it already has (msgid).

// Keys of the shared state.
func (a *Adapter) key(what string) string { return "wecom:" + what + ":" + a.o.CorpID + ":" + a.o.KfID }

// errLostLease stops a pull whose lease another replica took over.
var errLostLease = errors.New("wecom: the pull lease was lost")

// codeBadMsgToken is sync_msg's answer to a notice token that is no
// longer valid (they last 10 minutes); the pull goes on without one.
const codeBadMsgToken = 95007

// noticed records a notice: its token (for sync_msg), a flag that there is
// something to pull, and a kick to this replica's puller. A failure to
// record is logged: the periodic pull reads the messages anyway.
func (a *Adapter) noticed(ctx context.Context, token string) {
	ctx = context.WithoutCancel(ctx)
	if token != "" {
		if err := a.state.SetState(ctx, a.key("synctoken"), token, syncTokenTTL); err != nil {
			a.log.Warn("wecom: could not keep the notice's token", "err", err)
		}
	}
	if err := a.state.SetState(ctx, a.key("pending"), "1", time.Hour); err != nil {
		a.log.Warn("wecom: could not flag the notice", "err", err)
	}
	a.Kick()
}

// Kick asks this replica's puller to pull now.
func (a *Adapter) Kick() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// runPuller pulls on every kick and every PollEvery until ctx ends; after
// a failed pull it tries again with backoff (200 ms doubling to 30 s).
func (a *Adapter) runPuller(ctx context.Context) {
	tick := time.NewTicker(a.o.PollEvery)
	defer tick.Stop()
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	wait := 200 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.kick:
		case <-tick.C:
		case <-retry.C:
		}
		if err := a.Pull(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			a.log.Warn("wecom: pull failed; will try again", "wait", wait, "err", err)
			retry.Reset(wait)
			wait = min(wait*2, 30*time.Second)
			continue
		}
		wait = 200 * time.Millisecond
	}
}

// Pull reads everything new, if this replica can take the pull lease; when
// another replica holds it, it returns at once (that one sees the flag).
func (a *Adapter) Pull(ctx context.Context) error {
	lease := a.key("pull")
	for round := 0; round < 100; round++ {
		ok, err := a.state.Lease(ctx, lease, a.o.Replica, a.o.LeaseTTL)
		if err != nil || !ok {
			return err
		}
		if _, err := a.state.TakeState(ctx, a.key("pending")); err != nil {
			_ = a.state.Release(context.WithoutCancel(ctx), lease, a.o.Replica)
			return err
		}
		err = a.drain(ctx, lease)
		if rerr := a.state.Release(context.WithoutCancel(ctx), lease, a.o.Replica); err == nil {
			err = rerr
		}
		if err != nil {
			return err
		}
		// A notice that came while we pulled, to another replica that
		// could not take the lease: pull again.
		more, err := a.state.State(ctx, a.key("pending"))
		if err != nil || more == "" {
			return err
		}
	}
	return nil
}

// syncPage is one answer of sync_msg.
type syncPage struct {
	NextCursor string    `json:"next_cursor"`
	HasMore    int       `json:"has_more"`
	MsgList    []wireMsg `json:"msg_list"`
}

// drain pages through sync_msg from the kept cursor, handling every
// message and advancing the cursor after each page.
func (a *Adapter) drain(ctx context.Context, lease string) error {
	tok, err := a.state.State(ctx, a.key("synctoken"))
	if err != nil {
		return err
	}
	cursor, err := a.state.State(ctx, a.key("cursor"))
	if err != nil {
		return err
	}
	for {
		var page syncPage
		err := a.api.call(ctx, "/cgi-bin/kf/sync_msg", map[string]any{"cursor": cursor, "token": tok, "limit": 1000, "open_kfid": a.o.KfID}, &page)
		if errCode(err) == codeBadMsgToken && tok != "" {
			tok = ""
			continue
		}
		if err != nil {
			return err
		}
		for _, m := range page.MsgList {
			if err := a.handle(ctx, m); err != nil {
				return err
			}
		}
		// Still ours? Another replica may have taken over after a pause;
		// then it moves the cursor, not us.
		ok, err := a.state.Lease(ctx, lease, a.o.Replica, a.o.LeaseTTL)
		if err != nil {
			return err
		}
		if !ok {
			return errLostLease
		}
		if page.NextCursor != "" && page.NextCursor != cursor {
			if err := a.state.SetState(ctx, a.key("cursor"), page.NextCursor, 0); err != nil {
				return err
			}
			cursor = page.NextCursor
		}
		if page.HasMore == 0 {
			return nil
		}
	}
}
