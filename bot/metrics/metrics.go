// Package metrics is the bot's Prometheus instrumentation: counters and
// histograms fed by the engine (bot.Observer), the senders (a wrapped
// bot.Channel), the scheduler and the reconcile sweep, and gauges read from
// the store at scrape time. It decides nothing; cmd wires it.
//
// Every name starts with complaintbot_. Labels are bounded: platform names,
// statuses, priorities, case event names; never a customer or a case.
package metrics

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/complaintbot/complaintbot/bot"
)

// LateAfter is how late a wake-up may be handled before it counts as late.
const LateAfter = 5 * time.Second

// State is what the gauges show, read from the store when Prometheus
// scrapes.
type State struct {
	// Cases counts cases by status; Open counts open and claimed cases by
	// status and priority.
	Cases map[bot.Status]int64
	Open  map[[2]string]int64
	// Outbox and Dead count messages waiting in, and dead-lettered from,
	// each platform's outbox.
	Outbox, Dead map[string]int64
	// WakeUpsDue counts wake-ups due and not yet claimed.
	WakeUpsDue int64
}

// Options configures Metrics.
type Options struct {
	// State reads the gauges; called on every scrape, within 5 s.
	State func(ctx context.Context) (State, error)
	// Platforms are the readiness checks of the enabled platforms, by
	// name: nil while connected.
	Platforms map[string]func(ctx context.Context) error
}

// Metrics holds the bot's collectors, on a registry of its own (with the
// Go runtime and process collectors).
type Metrics struct {
	reg *prometheus.Registry

	inbound         *prometheus.CounterVec
	handle          *prometheus.HistogramVec
	commits         *prometheus.CounterVec
	conflicts       *prometheus.CounterVec
	caseEvents      *prometheus.CounterVec
	breaches        *prometheus.CounterVec
	deliveries      *prometheus.CounterVec
	deliveryLatency *prometheus.HistogramVec
	deadLetters     *prometheus.CounterVec
	wakeups         *prometheus.CounterVec
	wakeLate        prometheus.Counter
	wakeLateness    prometheus.Histogram
	repairs         prometheus.Counter
}

var _ bot.Observer = (*Metrics)(nil)

// New returns the bot's metrics.
func New(o Options) *Metrics {
	latency := []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		inbound: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "complaintbot_inbound_messages_total",
			Help: "Inbound messages handled, by platform, role (customer, staff) and result (ok, duplicate, refused, error)."},
			[]string{"platform", "role", "result"}),
		handle: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "complaintbot_handle_seconds",
			Help: "Time to handle one inbound message (load, decide, commit), by platform.", Buckets: latency},
			[]string{"platform"}),
		commits: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "complaintbot_commits_total",
			Help: "Changes committed, by operation."}, []string{"op"}),
		conflicts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "complaintbot_commit_conflicts_total",
			Help: "Commits that found the state moved and were decided again, by operation."}, []string{"op"}),
		caseEvents: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "complaintbot_case_events_total",
			Help: "Events of cases (opened, claimed, handover, escalated, resolved, reopened, timer, ...), by event and platform."},
			[]string{"event", "platform"}),
		breaches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "complaintbot_first_response_breaches_total",
			Help: "Cases nobody answered within FIRST_RESPONSE_TARGET, by platform."}, []string{"platform"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "complaintbot_deliveries_total",
			Help: "Delivery attempts of outbound messages, by platform and result (ok, retry, permanent, error)."},
			[]string{"platform", "result"}),
		deliveryLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "complaintbot_delivery_latency_seconds",
			Help:    "Time from commit to the platform accepting the message, by platform.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}}, []string{"platform"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "complaintbot_dead_letters_total",
			Help: "Messages a platform refused for good, moved to the dead-letter stream, by platform."}, []string{"platform"}),
		wakeups: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "complaintbot_wakeups_handled_total",
			Help: "Wake-ups handled, by result (ok, error)."}, []string{"result"}),
		wakeLate: prometheus.NewCounter(prometheus.CounterOpts{Name: "complaintbot_wakeups_late_total",
			Help: "Wake-ups handled more than 5 s after they were due."}),
		wakeLateness: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "complaintbot_wakeup_lateness_seconds",
			Help: "How long after its due time a wake-up was handled.", Buckets: []float64{.05, .1, .25, .5, 1, 2, 5, 10, 30, 60, 300}}),
		repairs: prometheus.NewCounter(prometheus.CounterOpts{Name: "complaintbot_reconcile_repairs_total",
			Help: "Cases whose missing wake-up the reconcile sweep repaired."}),
	}
	m.reg.MustRegister(m.inbound, m.handle, m.commits, m.conflicts, m.caseEvents, m.breaches, m.deliveries,
		m.deliveryLatency, m.deadLetters, m.wakeups, m.wakeLate, m.wakeLateness, m.repairs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&gauges{o: o})
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry returns the registry, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handled counts an inbound message (bot.Observer).
func (m *Metrics) Handled(channel string, role bot.Role, took time.Duration, err error) {
	result := "ok"
	switch code := bot.ErrorCode(err); {
	case err == nil:
	case code == bot.EDUPLICATE:
		result = "duplicate"
	case code == bot.EINTERNAL || code == bot.ECONFLICT || code == bot.EUNAVAILABLE:
		result = "error"
	default:
		result = "refused"
	}
	m.inbound.WithLabelValues(channel, string(role), result).Inc()
	m.handle.WithLabelValues(channel).Observe(took.Seconds())
}

// Committed counts a commit and its conflicts (bot.Observer).
func (m *Metrics) Committed(op string, conflicts int) {
	m.commits.WithLabelValues(op).Inc()
	if conflicts > 0 {
		m.conflicts.WithLabelValues(op).Add(float64(conflicts))
	}
}

// CaseEvent counts a case event, and a first-response breach
// (bot.Observer).
func (m *Metrics) CaseEvent(c *bot.Case, ev bot.Event) {
	m.caseEvents.WithLabelValues(ev.What, c.Channel).Inc()
	if ev.What == bot.EvTimed && ev.Detail == bot.TimedFirstResponseMissed {
		m.breaches.WithLabelValues(c.Channel).Inc()
	}
}

// WakeUp counts a wake-up handled at now that was due at due.
func (m *Metrics) WakeUp(due, now time.Time, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.wakeups.WithLabelValues(result).Inc()
	late := now.Sub(due)
	m.wakeLateness.Observe(max(late, 0).Seconds())
	if late > LateAfter {
		m.wakeLate.Inc()
	}
}

// Repaired counts the cases a reconcile sweep repaired.
func (m *Metrics) Repaired(n int) { m.repairs.Add(float64(n)) }

// DeadLetter counts a message moved to the dead-letter stream.
func (m *Metrics) DeadLetter(platform string) { m.deadLetters.WithLabelValues(platform).Inc() }

// Channel wraps a platform's channel so that its deliveries are counted
// and timed. The wrapper keeps bot.PaceKeyer when ch has it.
func (m *Metrics) Channel(platform string, ch bot.Channel) bot.Channel {
	c := &channel{m: m, platform: platform, ch: ch}
	if pk, ok := ch.(bot.PaceKeyer); ok {
		return pacedChannel{c, pk}
	}
	return c
}

type channel struct {
	m        *Metrics
	platform string
	ch       bot.Channel
}

func (c *channel) Deliver(ctx context.Context, d bot.Delivery) (string, error) {
	ref, err := c.ch.Deliver(ctx, d)
	var re *bot.RetryError
	var pe *bot.PermanentError
	result := "ok"
	switch {
	case err == nil:
		if !d.At.IsZero() {
			c.m.deliveryLatency.WithLabelValues(c.platform).Observe(max(time.Since(d.At), 0).Seconds())
		}
	case errors.As(err, &re):
		result = "retry"
	case errors.As(err, &pe):
		result = "permanent"
	default:
		result = "error"
	}
	c.m.deliveries.WithLabelValues(c.platform, result).Inc()
	return ref, err
}

type pacedChannel struct {
	*channel
	pk bot.PaceKeyer
}

func (p pacedChannel) PaceKey(d bot.Delivery) string { return p.pk.PaceKey(d) }

// gauges reads State and the platforms' readiness on each scrape.
type gauges struct{ o Options }

var (
	descCases      = prometheus.NewDesc("complaintbot_cases", "Cases by status.", []string{"status"}, nil)
	descOpen       = prometheus.NewDesc("complaintbot_open_cases", "Open and claimed cases by status and priority.", []string{"status", "priority"}, nil)
	descOutbox     = prometheus.NewDesc("complaintbot_outbox_depth", "Messages waiting in the outbox, by platform.", []string{"platform"}, nil)
	descDead       = prometheus.NewDesc("complaintbot_dead_letters", "Messages kept in the dead-letter stream, by platform.", []string{"platform"}, nil)
	descDue        = prometheus.NewDesc("complaintbot_wakeups_due", "Wake-ups due and not yet claimed.", nil, nil)
	descStore      = prometheus.NewDesc("complaintbot_store_up", "1 when the store (Redis) answered this scrape, else 0.", nil, nil)
	descPlatformUp = prometheus.NewDesc("complaintbot_platform_connected", "1 while the platform is connected and logged in, else 0.", []string{"platform"}, nil)
)

func (g *gauges) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descCases, descOpen, descOutbox, descDead, descDue, descStore, descPlatformUp} {
		ch <- d
	}
}

func (g *gauges) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for name, check := range g.o.Platforms {
		up := 0.0
		if check(ctx) == nil {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(descPlatformUp, prometheus.GaugeValue, up, name)
	}
	if g.o.State == nil {
		return
	}
	st, err := g.o.State(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descStore, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descStore, prometheus.GaugeValue, 1)
	for s, n := range st.Cases {
		ch <- prometheus.MustNewConstMetric(descCases, prometheus.GaugeValue, float64(n), string(s))
	}
	for k, n := range st.Open {
		ch <- prometheus.MustNewConstMetric(descOpen, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
	for p, n := range st.Outbox {
		ch <- prometheus.MustNewConstMetric(descOutbox, prometheus.GaugeValue, float64(n), p)
	}
	for p, n := range st.Dead {
		ch <- prometheus.MustNewConstMetric(descDead, prometheus.GaugeValue, float64(n), p)
	}
	ch <- prometheus.MustNewConstMetric(descDue, prometheus.GaugeValue, float64(st.WakeUpsDue))
}
