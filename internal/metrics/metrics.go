// Package metrics is Rectify's Prometheus instrumentation: one registry,
// made by New and handed to the parts that count, never a global one.
// Every method is a no-op on a nil *Metrics, so tests and one-shot commands
// need not build one.
package metrics

import (
	"go.temporal.io/sdk/client"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Results of a workflow action (an Update sent by the service).
const (
	ActionAccepted  = "accepted"
	ActionDuplicate = "duplicate" // a retried request, answered from the workflow's memory
	ActionRefused   = "refused"   // the rules said no (a domain error)
	ActionFailed    = "failed"    // the workflow service or the store failed
)

// Results of a notice sent on a channel.
const (
	ReminderSent   = "sent"
	ReminderFailed = "failed"
)

// ChannelInbox is the in-app inbox; the store names the other channels.
const ChannelInbox = "inbox"

// Metrics holds the registry and Rectify's own collectors.
type Metrics struct {
	registry      *prometheus.Registry
	httpDuration  *prometheus.HistogramVec
	actions       *prometheus.CounterVec
	reminders     *prometheus.CounterVec
	evidenceBytes prometheus.Counter
	// temporal records the Temporal SDK's metrics in the registry.
	temporal client.MetricsHandler
}

// New returns a registry with Rectify's collectors and the Go runtime and
// process collectors.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rectify_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method, route template and status class (2xx…5xx).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route", "status"}),
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rectify_workflow_actions_total",
			Help: "Decisions sent to problem workflows, by action and result (accepted, duplicate, refused, failed).",
		}, []string{"kind", "result"}),
		reminders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rectify_reminders_total",
			Help: "Notices delivered or given up, by channel (inbox, email, webhook) and result (sent, failed).",
		}, []string{"channel", "result"}),
		evidenceBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "rectify_evidence_uploaded_bytes_total",
			Help: "Bytes of evidence files stored.",
		}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpDuration, m.actions, m.reminders, m.evidenceBytes,
	)
	// The exporter registers one collector in a fresh registry, which
	// cannot collide; without it the SDK's metrics are not recorded.
	m.temporal, _ = temporalHandler(m.registry)
	return m
}

// Registry is the registry every collector is registered with.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// ObserveHTTP records one answered request.
func (m *Metrics) ObserveHTTP(method, route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.httpDuration.WithLabelValues(methodLabel(method), route, statusClass(status)).Observe(d.Seconds())
}

// CountAction records one decision sent to a workflow.
func (m *Metrics) CountAction(kind, result string) {
	if m == nil {
		return
	}
	m.actions.WithLabelValues(kind, result).Inc()
}

// CountReminders records n notices sent or given up on a channel.
func (m *Metrics) CountReminders(channel, result string, n int64) {
	if m == nil || n <= 0 {
		return
	}
	m.reminders.WithLabelValues(channel, result).Add(float64(n))
}

// AddEvidenceBytes records a stored evidence file's size.
func (m *Metrics) AddEvidenceBytes(n int64) {
	if m == nil || n <= 0 {
		return
	}
	m.evidenceBytes.Add(float64(n))
}

// methodLabel keeps the method label to the methods HTTP defines: a client
// inventing methods must not invent series.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

// statusClass is "2xx" for 200–299 and so on.
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}
