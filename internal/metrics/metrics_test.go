package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// scrape returns what /metrics would answer.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: status %d", rec.Code)
	}
	return rec.Body.String()
}

func TestRectifyMetrics(t *testing.T) {
	m := New()
	m.ObserveHTTP("GET", "/api/v1/problems/:id", 200, 20*time.Millisecond)
	m.ObserveHTTP("BREW", "unmatched", 404, time.Millisecond)
	m.CountAction("approve_plan", ActionAccepted)
	m.CountAction("approve_plan", ActionRefused)
	m.CountAction("approve_plan", ActionRefused)
	m.CountReminders(ChannelInbox, ReminderSent, 3)
	m.CountReminders("email", ReminderFailed, 1)
	m.AddEvidenceBytes(1234)
	body := scrape(t, m)
	for _, want := range []string{
		`rectify_http_request_duration_seconds_count{method="GET",route="/api/v1/problems/:id",status="2xx"} 1`,
		`rectify_http_request_duration_seconds_count{method="other",route="unmatched",status="4xx"} 1`,
		`rectify_workflow_actions_total{kind="approve_plan",result="accepted"} 1`,
		`rectify_workflow_actions_total{kind="approve_plan",result="refused"} 2`,
		`rectify_reminders_total{channel="inbox",result="sent"} 3`,
		`rectify_reminders_total{channel="email",result="failed"} 1`,
		`rectify_evidence_uploaded_bytes_total 1234`,
		"go_goroutines ",
		"process_cpu_seconds_total ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape lacks %q", want)
		}
	}
}

// TestNilMetrics: the service and activities count through a nil *Metrics
// when none is configured (tests, one-shot commands).
func TestNilMetrics(t *testing.T) {
	var m *Metrics
	m.ObserveHTTP("GET", "/", 200, time.Second)
	m.CountAction("urge", ActionFailed)
	m.CountReminders("email", ReminderSent, 1)
	m.AddEvidenceBytes(10)
	h := m.Temporal()
	h.WithTags(map[string]string{"a": "b"}).Counter("c").Inc(1)
	h.Timer("t").Record(time.Second)
	h.Gauge("g").Update(1)
}

func TestTemporalHandler(t *testing.T) {
	m := New()
	h := m.Temporal().WithTags(map[string]string{"namespace": "rectify"})
	queue := h.WithTags(map[string]string{"task_queue": "rectify-problems"})
	queue.Counter("temporal_request").Inc(2)
	queue.Counter("temporal_request").Inc(1)
	// Same name, other tags: its own series, with its own labels.
	h.WithTags(map[string]string{"operation": "Poll"}).Counter("temporal_request").Inc(4)
	queue.Timer("temporal_workflow_task_execution_latency").Record(1500 * time.Millisecond)
	h.Gauge("temporal_sticky_cache_size").Update(7)
	queue.WithTags(map[string]string{"namespace": "other"}).Gauge("temporal_sticky_cache_size").Update(9)

	body := scrape(t, m)
	for _, want := range []string{
		`temporal_request{namespace="rectify",task_queue="rectify-problems"} 3`,
		`temporal_request{namespace="rectify",operation="Poll"} 4`,
		`temporal_workflow_task_execution_latency_seconds_bucket{namespace="rectify",task_queue="rectify-problems",le="1"} 0`,
		`temporal_workflow_task_execution_latency_seconds_bucket{namespace="rectify",task_queue="rectify-problems",le="2.5"} 1`,
		`temporal_workflow_task_execution_latency_seconds_count{namespace="rectify",task_queue="rectify-problems"} 1`,
		`temporal_sticky_cache_size{namespace="rectify"} 7`,
		`temporal_sticky_cache_size{namespace="other",task_queue="rectify-problems"} 9`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape lacks %q:\n%s", want, grepLines(body, "temporal_"))
		}
	}
}

func TestStatusClass(t *testing.T) {
	for status, want := range map[int]string{200: "2xx", 201: "2xx", 304: "3xx", 401: "4xx", 503: "5xx", 0: "other", 700: "other"} {
		t.Run(want, func(t *testing.T) {
			if got := statusClass(status); got != want {
				t.Errorf("statusClass(%d) = %q, want %q", status, got, want)
			}
		})
	}
}

func grepLines(body, prefix string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
