package metrics

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// temporalBuckets spans the SDK's latencies: a poll answered at once to a
// long poll or a slow activity.
var temporalBuckets = []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}

// Temporal returns a client.MetricsHandler that records the SDK's metrics
// (requests, polls, task latencies, cache sizes) in the same registry. Pass
// it as client.Options.MetricsHandler.
func (m *Metrics) Temporal() client.MetricsHandler {
	if m == nil {
		return client.MetricsNopHandler
	}
	return &temporalHandler{families: &families{registry: m.registry, byName: map[string]*family{}}}
}

// families creates each metric family on first use. The SDK names a metric
// and its tags at the call site; the family keeps the label names of its
// first use, so a later use with other tags still lands in it (missing
// labels empty, extra ones dropped) rather than failing registration.
type families struct {
	registry *prometheus.Registry
	mu       sync.Mutex
	byName   map[string]*family
}

type family struct {
	labels []string
	// vec is a *prometheus.CounterVec, GaugeVec or HistogramVec, nil when
	// the name could not be registered (then the metric is dropped).
	vec any
}

type temporalHandler struct {
	families *families
	tags     map[string]string
}

// WithTags returns a handler whose metrics carry tags too; a tag already set
// is overwritten.
func (h *temporalHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := make(map[string]string, len(h.tags)+len(tags))
	for k, v := range h.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[sanitize(k, false)] = v
	}
	return &temporalHandler{families: h.families, tags: merged}
}

// Counter is a Prometheus counter named name_total.
func (h *temporalHandler) Counter(name string) client.MetricsCounter {
	f := h.families.get(withSuffix(sanitize(name, true), "_total"), h.labelNames(), func(fq string, labels []string) prometheus.Collector {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: fq, Help: "Temporal SDK counter " + name + "."}, labels)
	})
	vec, ok := f.vec.(*prometheus.CounterVec)
	if !ok {
		return client.MetricsNopHandler.Counter(name)
	}
	c, err := vec.GetMetricWithLabelValues(h.values(f.labels)...)
	if err != nil {
		return client.MetricsNopHandler.Counter(name)
	}
	return counter{c}
}

// Gauge is a Prometheus gauge.
func (h *temporalHandler) Gauge(name string) client.MetricsGauge {
	f := h.families.get(sanitize(name, true), h.labelNames(), func(fq string, labels []string) prometheus.Collector {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: fq, Help: "Temporal SDK gauge " + name + "."}, labels)
	})
	vec, ok := f.vec.(*prometheus.GaugeVec)
	if !ok {
		return client.MetricsNopHandler.Gauge(name)
	}
	g, err := vec.GetMetricWithLabelValues(h.values(f.labels)...)
	if err != nil {
		return client.MetricsNopHandler.Gauge(name)
	}
	return gauge{g}
}

// Timer is a Prometheus histogram in seconds, named name_seconds.
func (h *temporalHandler) Timer(name string) client.MetricsTimer {
	f := h.families.get(withSuffix(sanitize(name, true), "_seconds"), h.labelNames(), func(fq string, labels []string) prometheus.Collector {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: fq, Help: "Temporal SDK timer " + name + ", in seconds.", Buckets: temporalBuckets,
		}, labels)
	})
	vec, ok := f.vec.(*prometheus.HistogramVec)
	if !ok {
		return client.MetricsNopHandler.Timer(name)
	}
	o, err := vec.GetMetricWithLabelValues(h.values(f.labels)...)
	if err != nil {
		return client.MetricsNopHandler.Timer(name)
	}
	return timer{o}
}

func (h *temporalHandler) labelNames() []string {
	names := make([]string, 0, len(h.tags))
	for k := range h.tags {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func (h *temporalHandler) values(labels []string) []string {
	values := make([]string, len(labels))
	for i, l := range labels {
		values[i] = h.tags[l]
	}
	return values
}

// get returns the family named fq, registering it with labels on first use.
func (fs *families) get(fq string, labels []string, build func(string, []string) prometheus.Collector) *family {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f, ok := fs.byName[fq]; ok {
		return f
	}
	f := &family{labels: labels}
	c := build(fq, labels)
	if err := fs.registry.Register(c); err == nil {
		f.vec = c
	}
	fs.byName[fq] = f
	return f
}

func withSuffix(name, suffix string) string {
	if strings.HasSuffix(name, suffix) {
		return name
	}
	return name + suffix
}

// sanitize makes name a valid Prometheus metric name (colons allowed) or
// label name: every other character becomes '_', and a leading digit gets
// a '_' before it. Label names starting "__" are reserved, so they lose
// their leading underscores.
func sanitize(name string, metric bool) string {
	var b strings.Builder
	for i, r := range name {
		switch {
		case r == '_', 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
		case '0' <= r && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
		case r == ':' && metric:
		default:
			r = '_'
		}
		b.WriteRune(r)
	}
	s := b.String()
	if !metric {
		for strings.HasPrefix(s, "__") {
			s = s[1:]
		}
	}
	if s == "" || s == "_" && !metric {
		return "unnamed"
	}
	return s
}

type counter struct{ c prometheus.Counter }

func (c counter) Inc(d int64) {
	if d > 0 { // a Prometheus counter only goes up
		c.c.Add(float64(d))
	}
}

type gauge struct{ g prometheus.Gauge }

func (g gauge) Update(v float64) { g.g.Set(v) }

type timer struct{ o prometheus.Observer }

func (t timer) Record(d time.Duration) { t.o.Observe(d.Seconds()) }
