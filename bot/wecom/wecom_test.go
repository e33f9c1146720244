package wecom_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/wecom"
	"github.com/complaintbot/complaintbot/bot/wecom/fakewecom"
)

// transcriptIDs counts the customer entries of a customer's transcript by
// message id.
func (h *harness) transcriptIDs(user string) map[string]int {
	h.t.Helper()
	ids, err := h.tryIDs(user)
	if err != nil {
		h.t.Fatal(err)
	}
	return ids
}

func (h *harness) tryIDs(user string) (map[string]int, error) {
	ctx := context.Background()
	key := bot.CustomerKey(wecom.Channel, user)
	snap, err := h.r[0].store.Load(ctx, bot.LoadQuery{Customer: key})
	if err != nil || snap.Conv == nil {
		return map[string]int{}, err
	}
	tr, err := h.r[0].store.Transcript(ctx, key, snap.Conv.Session)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, e := range tr {
		if e.From == bot.FromCustomer {
			out[e.ID]++
		}
	}
	return out, nil
}

// waitHandled waits until the customer's transcript holds message id.
func (h *harness) waitHandled(user, id string) {
	h.t.Helper()
	h.f.WaitUntil("message "+id+" in the transcript", func() bool {
		ids, err := h.tryIDs(user)
		return err == nil && ids[id] > 0
	})
}

func TestEveryKindArrivesAsWhatItIs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	ids := []string{
		h.f.Text(sam, "My parcel never arrived"),
		h.f.Image(sam), h.f.Voice(sam), h.f.Video(sam), h.f.File(sam),
		h.f.Location(sam, "Jing'an store", "1 Nanjing Rd", 31.23, 121.47),
		h.f.Link(sam, "Order B88", "tracking", "https://example.com/t/88"),
	}
	h.notify(0)
	for _, id := range ids {
		h.waitHandled(sam, id)
	}
	snap := h.snapshot(sam)
	if snap.Conv.Name != "Sam" {
		t.Errorf("the customer's name is %q; want the nickname from batchget", snap.Conv.Name)
	}
	var kinds []string
	for _, a := range snap.Conv.Attachments {
		if !strings.HasPrefix(a.URL, "wecom-media:media-") {
			t.Errorf("attachment %+v has no media reference", a)
		}
		kinds = append(kinds, a.Kind)
	}
	if got := strings.Join(kinds, ","); got != "image,voice,video,file" {
		t.Errorf("attachments %s", got)
	}
	tr, _ := h.r[0].store.Transcript(context.Background(), bot.CustomerKey(wecom.Channel, sam), snap.Conv.Session)
	var texts []string
	for _, e := range tr {
		if e.From == bot.FromCustomer && e.Text != "" {
			texts = append(texts, e.Text)
		}
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"📍 Jing'an store 1 Nanjing Rd (31.23000, 121.47000)", "🔗 Order B88 tracking https://example.com/t/88"} {
		if !strings.Contains(all, want) {
			t.Errorf("transcript %q lacks %q", all, want)
		}
	}
	if n := h.f.Calls("customer/batchget"); n != 1 {
		t.Errorf("batchget was called %d times for one customer; the name is cached", n)
	}
}

// TestDuplicateNotices: the same notice several times, to both replicas,
// and a cursor lost and read again from the start: every message is
// handled once.
func TestDuplicateNotices(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{replicas: 2})
	id := h.f.Text(sam, "The lid of my kettle is cracked")
	req := h.f.Notice(wecom.CallbackPath)
	body, _ := io.ReadAll(req.Body)
	for i := 0; i < 3; i++ {
		again := req.Clone(context.Background())
		again.Body = io.NopCloser(strings.NewReader(string(body)))
		if resp := fakewecom.Serve(h.r[i%2].web.Handler(), again); resp.StatusCode != http.StatusOK {
			t.Fatalf("a repeated notice was answered %d", resp.StatusCode)
		}
	}
	h.waitHandled(sam, id)
	second := h.f.Text(sam, "Order B71")
	h.notify(1)
	h.waitHandled(sam, second)
	// The cursor is lost: the whole log is read again. A pull the notices
	// started may still save the cursor it reached after it is dropped, so
	// drop it and pull until the log was read from its start.
	key := "wecom:cursor:" + h.f.CorpID() + ":" + h.f.KfID()
	h.f.WaitUntil("the log read again from its start", func() bool {
		if _, err := h.r[0].store.TakeState(context.Background(), key); err != nil {
			t.Fatal(err)
		}
		if err := h.r[0].ad.Pull(context.Background()); err != nil {
			t.Fatal(err)
		}
		return h.f.Served()[id] >= 2 && h.f.Served()[second] >= 2
	})
	if got := h.transcriptIDs(sam); got[id] != 1 || got[second] != 1 {
		t.Errorf("transcript ids %v; want each message once", got)
	}
}

func TestForgedCallbackIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	h.f.Text(sam, "hello")
	resp := fakewecom.Serve(h.r[0].web.Handler(), h.f.Forged(wecom.CallbackPath))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a forged notice was answered %d", resp.StatusCode)
	}
	// A notice the adapter believed would have left its token for the next
	// sync_msg, and the flag that there is more, before any pull: the
	// replicas' own pulls at start do neither, so this cannot race them.
	for _, what := range []string{"synctoken", "pending"} {
		v, err := h.r[0].store.State(context.Background(), "wecom:"+what+":"+h.f.CorpID()+":"+h.f.KfID())
		if err != nil || v != "" {
			t.Errorf("after a forged notice the adapter's %s is %q (%v)", what, v, err)
		}
	}
	// The URL check answers the decrypted echostr; a wrong one gets 401.
	r, echo := h.f.URLCheck(wecom.CallbackPath)
	resp = fakewecom.Serve(h.r[0].web.Handler(), r)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(b) != echo {
		t.Errorf("URL check: %d %q, want %q", resp.StatusCode, b, echo)
	}
	r, _ = h.f.URLCheck(wecom.CallbackPath)
	q := r.URL.Query()
	q.Set("msg_signature", strings.Repeat("0", 40))
	r.URL.RawQuery = q.Encode()
	if resp := fakewecom.Serve(h.r[0].web.Handler(), r); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a forged URL check was answered %d", resp.StatusCode)
	}
}

// TestCursorStaysWhenACommitFails: WeCom hands over a message but it
// cannot be kept (Redis refuses the write: here, an ACL that denies XADD,
// the command Accept's inbox needs); the cursor stays where it was, and
// once Redis takes writes again the message is read again and handled
// once. Then Redis goes away altogether: the pull fails, and nothing is
// lost when it is back.
func TestCursorStaysWhenACommitFails(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{redis: []string{"--appendonly", "yes", "--appendfsync", "always"}})
	ctx := context.Background()
	first := h.say(sam, "My order never arrived")
	h.waitHandled(sam, first)
	cursorKey := "wecom:cursor:" + h.f.CorpID() + ":" + h.f.KfID()
	before, err := h.r[0].store.State(ctx, cursorKey)
	if err != nil || before == "" {
		t.Fatalf("cursor %q, %v", before, err)
	}
	if err := h.rdb.Do(ctx, "ACL", "SETUSER", "default", "-xadd").Err(); err != nil {
		t.Fatal(err)
	}
	id := h.f.Text(sam, "Order B71, it was due on Monday")
	// Pull returns nil at once while the background puller holds the
	// lease; that one fails the same way and lets go.
	h.f.WaitUntil("a pull to fail", func() bool { return h.r[0].ad.Pull(ctx) != nil })
	if h.f.Served()[id] == 0 {
		t.Fatal("WeCom never served the message; the test did not reach the commit")
	}
	if after, _ := h.r[0].store.State(ctx, cursorKey); after != before {
		t.Fatalf("the cursor moved to %q (from %q) past a message that was not kept", after, before)
	}
	if err := h.rdb.Do(ctx, "ACL", "SETUSER", "default", "+xadd").Err(); err != nil {
		t.Fatal(err)
	}
	h.notify(0)
	h.waitHandled(sam, id)

	// Redis away: the pull fails; back, the message is handled.
	h.srv.Stop()
	third := h.f.Text(sam, "Please call me")
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	err = h.r[0].ad.Pull(cctx)
	cancel()
	if err == nil {
		t.Fatal("a pull with Redis away succeeded")
	}
	h.srv.Restart(t, "--appendonly", "yes", "--appendfsync", "always")
	h.f.WaitUntil("Redis to answer again", func() bool { return h.rdb.Ping(ctx).Err() == nil })
	h.notify(0)
	h.waitHandled(sam, third)
	if got := h.transcriptIDs(sam); got[id] != 1 || got[first] != 1 || got[third] != 1 {
		t.Errorf("transcript ids %v; want each once", got)
	}
}

// TestAReplicaKilledMidPull: a replica dies (kill -9) holding the pull
// lease, after it accepted a message but before it moved the cursor. The
// others cannot pull until the lease runs out; then the periodic pull
// reads from the kept cursor, and every message is handled once.
func TestAReplicaKilledMidPull(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{poll: 100 * time.Millisecond, leaseTTL: time.Second})
	ctx := context.Background()
	first := h.say(sam, "My order never arrived")
	h.waitHandled(sam, first)
	lease := "wecom:pull:" + h.f.CorpID() + ":" + h.f.KfID()
	// The killed replica: it holds the lease and had accepted the next
	// message (its id is the msgid), then died.
	// (The live replica polls every 100 ms: take the lease between two of
	// its pulls.)
	h.f.WaitUntil("the lease for the replica to be killed", func() bool {
		ok, err := h.r[0].store.Lease(ctx, lease, "killed", time.Second)
		return err == nil && ok
	})
	second := h.f.Text(sam, "Order B71")
	third := h.f.Text(sam, "Please call me back")
	if err := h.r[0].eng.Accept(ctx, bot.Inbound{Channel: wecom.Channel, ID: second, Role: bot.CustomerRole, User: sam, Text: "Order B71"}); err != nil {
		t.Fatal(err)
	}
	if err := h.r[0].ad.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	if h.f.Served()[third] != 0 {
		t.Fatal("a replica pulled while the killed one's lease held")
	}
	h.notify(0)
	h.waitHandled(sam, third)
	if got := h.transcriptIDs(sam); got[first] != 1 || got[second] != 1 || got[third] != 1 {
		t.Errorf("transcript ids %v; want each once", got)
	}
}

// TestTwoReplicasPullOneAtATime: notices to both replicas at once, with
// small pages: every message is served by WeCom once (only one replica
// pulls at a time, from the shared cursor) and handled once.
func TestTwoReplicasPullOneAtATime(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{replicas: 2, fake: []fakewecom.Option{fakewecom.WithPageSize(3)}})
	users := []string{"wmA", "wmB", "wmC", "wmD"}
	var ids []string
	var wg sync.WaitGroup
	for round := 0; round < 6; round++ {
		for _, u := range users {
			ids = append(ids, h.f.Text(u, fmt.Sprintf("message %d from %s about order B%d", round, u, round)))
		}
		for i := 0; i < 2; i++ {
			wg.Go(func() {
				resp := fakewecom.Serve(h.r[i].web.Handler(), h.f.Notice(wecom.CallbackPath))
				if resp.StatusCode != http.StatusOK {
					t.Errorf("notice answered %d", resp.StatusCode)
				}
			})
		}
	}
	wg.Wait()
	for i, id := range ids {
		h.waitHandled(users[i%len(users)], id)
	}
	for _, u := range users {
		for id, n := range h.transcriptIDs(u) {
			if n != 1 {
				t.Errorf("%s's message %s handled %d times", u, id, n)
			}
		}
	}
	for id, n := range h.f.Served() {
		if n != 1 {
			t.Errorf("WeCom served message %s %d times: two replicas pulled the same page", id, n)
		}
	}
}

// TestExpiredTokenIsRenewedOnce: replicas share one access token; when
// WeCom says it expired, one new one is fetched and the call goes through.
func TestExpiredTokenIsRenewedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{replicas: 2})
	if n := h.f.Calls("gettoken"); n != 1 {
		t.Fatalf("two replicas fetched %d tokens; they share one", n)
	}
	h.f.ExpireTokens()
	id := h.say(sam, "My kettle arrived broken")
	h.waitHandled(sam, id)
	h.f.WaitSent(sam, 0, "an answer after the token expired", func(fakewecom.Sent) bool { return true })
	if n := h.f.Calls("gettoken"); n != 2 {
		t.Errorf("gettoken was called %d times; want one renewal", n)
	}
	if ready := h.r[0].ad.Ready(); ready != nil {
		t.Errorf("not ready after renewing: %v", ready)
	}
	// A token WeCom does not know (40014) is replaced the same way.
	key := "wecom:token:" + h.f.CorpID() + ":"
	keys, _ := h.rdb.Keys(context.Background(), "cb:platform:"+key+"*").Result()
	if len(keys) != 1 {
		t.Fatalf("token keys %v", keys)
	}
	if err := h.rdb.Set(context.Background(), keys[0], "at-bogus", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	second := h.say(sam, "Order B71")
	h.waitHandled(sam, second)
	if n := h.f.Calls("gettoken"); n != 3 {
		t.Errorf("gettoken was called %d times; want one more renewal after 40014", n)
	}
	if strings.Contains(strings.Join(keys, ""), h.f.Secret()) {
		t.Error("the token's key shows the secret")
	}
}
