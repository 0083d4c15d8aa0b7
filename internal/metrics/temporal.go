package metrics

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// temporalBuckets spans the SDK's latencies: a poll answered at once to a
// long poll or a slow activity.
var temporalBuckets = []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}

// temporalHandler records the SDK's metrics (requests, polls, task
// latencies, cache sizes) in registry through Temporal's own OpenTelemetry
// contrib handler and OpenTelemetry's Prometheus exporter: each metric
// keeps every tag set the SDK gives it.
func temporalHandler(registry *prometheus.Registry) (client.MetricsHandler, error) {
	exporter, err := otelprom.New(otelprom.WithRegisterer(registry), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		return nil, fmt.Errorf("metrics: temporal exporter: %w", err)
	}
	// The SDK records latencies in seconds; OpenTelemetry's default
	// buckets are meant for milliseconds.
	seconds := sdkmetric.NewView(sdkmetric.Instrument{Kind: sdkmetric.InstrumentKindHistogram},
		sdkmetric.Stream{Aggregation: sdkmetric.AggregationExplicitBucketHistogram{Boundaries: temporalBuckets}})
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter), sdkmetric.WithView(seconds))
	return temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{Meter: provider.Meter("go.temporal.io/sdk")}), nil
}

// Temporal returns the client.MetricsHandler to pass as
// client.Options.MetricsHandler.
func (m *Metrics) Temporal() client.MetricsHandler {
	if m == nil || m.temporal == nil {
		return client.MetricsNopHandler
	}
	return m.temporal
}
