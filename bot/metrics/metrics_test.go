package metrics_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/metrics"
)

// paced is a platform channel with a pace key, failing as told.
type paced struct{ err error }

func (p paced) Deliver(context.Context, bot.Delivery) (string, error) { return "ref", p.err }
func (paced) PaceKey(d bot.Delivery) string                           { return "key:" + d.Recipient() }

type plain struct{}

func (plain) Deliver(context.Context, bot.Delivery) (string, error) { return "", nil }

// TestChannelWrapper: the wrapper keeps the channel's pace key (the sender
// paces by it), passes answers through, and counts each result.
func TestChannelWrapper(t *testing.T) {
	m := metrics.New(metrics.Options{})
	ch := m.Channel("slack", paced{})
	pk, ok := ch.(bot.PaceKeyer)
	if !ok {
		t.Fatal("the wrapped channel lost its PaceKeyer")
	}
	d := bot.Delivery{Outbound: bot.Outbound{ID: "o1", At: time.Now().Add(-time.Second)}}
	if pk.PaceKey(d) != (paced{}).PaceKey(d) {
		t.Errorf("PaceKey = %q", pk.PaceKey(d))
	}
	if _, ok := m.Channel("web", plain{}).(bot.PaceKeyer); ok {
		t.Error("a channel without a pace key got one")
	}
	if ref, err := ch.Deliver(context.Background(), d); ref != "ref" || err != nil {
		t.Errorf("Deliver = %q, %v", ref, err)
	}
	m.Channel("slack", paced{err: &bot.RetryError{After: time.Second, Err: errors.New("429")}}).Deliver(context.Background(), d)
	m.Channel("slack", paced{err: &bot.PermanentError{Reason: "gone"}}).Deliver(context.Background(), d)
	m.DeadLetter("slack")
	m.CaseEvent(&bot.Case{Channel: "web"}, bot.Event{What: bot.EvTimed, Detail: bot.TimedFirstResponseMissed})
	m.CaseEvent(&bot.Case{Channel: "web"}, bot.Event{What: bot.EvClaimed})
	m.WakeUp(time.Now().Add(-10*time.Second), time.Now(), nil)
	m.WakeUp(time.Now(), time.Now(), errors.New("boom"))
	want := `
# HELP complaintbot_deliveries_total Delivery attempts of outbound messages, by platform and result (ok, retry, permanent, error).
# TYPE complaintbot_deliveries_total counter
complaintbot_deliveries_total{platform="slack",result="ok"} 1
complaintbot_deliveries_total{platform="slack",result="permanent"} 1
complaintbot_deliveries_total{platform="slack",result="retry"} 1
# HELP complaintbot_dead_letters_total Messages a platform refused for good, moved to the dead-letter stream, by platform.
# TYPE complaintbot_dead_letters_total counter
complaintbot_dead_letters_total{platform="slack"} 1
# HELP complaintbot_first_response_breaches_total Cases nobody answered within FIRST_RESPONSE_TARGET, by platform.
# TYPE complaintbot_first_response_breaches_total counter
complaintbot_first_response_breaches_total{platform="web"} 1
# HELP complaintbot_wakeups_late_total Wake-ups handled more than 5 s after they were due.
# TYPE complaintbot_wakeups_late_total counter
complaintbot_wakeups_late_total 1
# HELP complaintbot_wakeups_handled_total Wake-ups handled, by result (ok, error).
# TYPE complaintbot_wakeups_handled_total counter
complaintbot_wakeups_handled_total{result="error"} 1
complaintbot_wakeups_handled_total{result="ok"} 1
`
	if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(want),
		"complaintbot_deliveries_total", "complaintbot_dead_letters_total", "complaintbot_first_response_breaches_total",
		"complaintbot_wakeups_late_total", "complaintbot_wakeups_handled_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m.Registry(), "complaintbot_delivery_latency_seconds"); n != 1 {
		t.Errorf("delivery latency series = %d, want 1 (slack)", n)
	}
}
