package workflows_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/workflows"
)

// inbox is the fake Notify activity: it keeps every notice delivered, with
// the workflow time it was delivered at, and can fail the first attempts.
type inbox struct {
	mu        sync.Mutex
	clock     func() time.Time
	failFirst int
	attempts  int
	delivered []delivery
}

type delivery struct {
	notice domain.Notice
	at     time.Time
}

func (b *inbox) notify(_ context.Context, n domain.Notice) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.attempts++
	if b.attempts <= b.failFirst {
		return errors.New("store unavailable")
	}
	b.delivered = append(b.delivered, delivery{n, b.clock()})
	return nil
}

// keys returns the delivered keys that contain part, in order.
func (b *inbox) keys(part string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, d := range b.delivered {
		if strings.Contains(d.notice.Key, part) {
			out = append(out, d.notice.Key)
		}
	}
	return out
}

func (b *inbox) find(key string) (delivery, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, d := range b.delivered {
		if d.notice.Key == key {
			return d, true
		}
	}
	return delivery{}, false
}

func newDeadlineHarness(t *testing.T) (*harness, *inbox) {
	h := newHarness(t)
	box := &inbox{clock: h.env.Now}
	h.env.RegisterActivityWithOptions(box.notify, activity.RegisterOptions{Name: workflows.NotifyActivity})
	return h, box
}

// until makes the run last until d after the start (then it is cancelled).
func (h *harness) until(d time.Duration) {
	if d > h.at {
		h.at = d
	}
}

// Measure 5 (立行立改, lead unitCo) is due 2026-03-31: it passes at
// 2026-04-01 00:00 China time.
var (
	due5    = domain.Date("2026-03-31").DueAt()
	sinceTo = func(t time.Time) time.Duration { return t.Sub(start) }
)

func noDuplicates(t *testing.T, box *inbox) {
	t.Helper()
	seen := map[string]bool{}
	for _, d := range box.delivered {
		if seen[d.notice.Key] {
			t.Errorf("notice %s delivered twice", d.notice.Key)
		}
		seen[d.notice.Key] = true
	}
}

func TestDeadlineWarningOverdueRepeatEscalation(t *testing.T) {
	h, box := newDeadlineHarness(t)
	box.failFirst = 2 // the first deliveries fail and are retried
	h.until(sinceTo(due5.Add(8*24*time.Hour + time.Hour)))
	h.runUntilCancelled(workflows.ProblemInput{Problem: stateAfter(t, atExecuting)})

	m5 := "p7:m5:deadline:"
	wantKeys := []string{m5 + "yellow:2026-03-31:0"}
	for k := 0; k <= 8; k++ {
		wantKeys = append(wantKeys, m5+"red:2026-03-31:"+strconv.Itoa(k))
		if k == 7 {
			wantKeys = append(wantKeys, m5+"escalation:2026-03-31:0")
		}
	}
	if got := box.keys(m5); !slices.Equal(got, wantKeys) {
		t.Fatalf("measure 5 notices:\n got %v\nwant %v", got, wantKeys)
	}
	tests := []struct {
		name string
		key  string
		at   time.Time
		kind domain.NoticeKind
	}{
		{"YellowThreeDaysBefore", m5 + "yellow:2026-03-31:0", due5.Add(-3 * 24 * time.Hour), domain.NoticeWarning},
		{"RedAtDeadline", m5 + "red:2026-03-31:0", due5, domain.NoticeOverdue},
		{"RepeatDaily", m5 + "red:2026-03-31:3", due5.Add(3 * 24 * time.Hour), domain.NoticeOverdue},
		{"EscalationAfterSevenDays", m5 + "escalation:2026-03-31:0", due5.Add(7 * 24 * time.Hour), domain.NoticeEscalation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := box.find(tc.key)
			if !ok {
				t.Fatalf("%s not delivered", tc.key)
			}
			if lag := d.at.Sub(tc.at); lag < 0 || lag > time.Minute {
				t.Errorf("delivered at %v, due at %v", d.at, tc.at)
			}
			if d.notice.Kind != tc.kind {
				t.Errorf("kind %s, want %s", d.notice.Kind, tc.kind)
			}
		})
	}
	esc, _ := box.find(m5 + "escalation:2026-03-31:0")
	if !slices.Contains(esc.notice.Audience.Roles, domain.RoleLeader) {
		t.Errorf("escalation audience %+v does not include the leaders", esc.notice.Audience)
	}
	if red, _ := box.find(m5 + "red:2026-03-31:0"); red.notice.Audience.UnitID != unitCo {
		t.Errorf("overdue audience %+v, want unit %d", red.notice.Audience, unitCo)
	}
	if got := box.keys("p7:m4:"); len(got) != 0 {
		t.Errorf("measure 4 (due in June) got %v", got)
	}
	if got := box.keys("p7:m6:"); len(got) != 0 {
		t.Errorf("long-term measure 6 got %v", got)
	}
	noDuplicates(t, box)
}

func TestActedOnJustBeforeTheTimerFires(t *testing.T) {
	h, box := newDeadlineHarness(t)
	h.at = sinceTo(due5) - 2*time.Minute // the next callback is one minute before the deadline
	done := h.send(command(domain.ActionCompleteMeasure, coUser, onMeasure(5), text("台账已清理")))
	h.until(sinceTo(due5.Add(10 * 24 * time.Hour)))
	h.runUntilCancelled(workflows.ProblemInput{Problem: stateAfter(t, atExecuting)})
	h.wantApplied("complete", done)
	if got := box.keys("p7:m5:deadline:red"); len(got) != 0 {
		t.Errorf("completed a minute before the deadline, still got %v", got)
	}
	if got := box.keys("p7:m5:deadline:yellow"); len(got) != 1 {
		t.Errorf("the warning three days before: %v", got)
	}
}

func TestExtensionRearmsTimers(t *testing.T) {
	h, box := newDeadlineHarness(t)
	h.at = sinceTo(due5) - 24*time.Hour
	ask := h.send(command(domain.ActionRequestExtension, coUser, onMeasure(5), text("需配合省厅数据比对"),
		func(c *domain.Command) { c.Deadline = "2026-04-30" }))
	approve := h.send(command(domain.ActionApproveExtension, leaderA, onMeasure(5), func(c *domain.Command) { c.ExtensionID = 1 }))
	state := h.query()
	newDue := domain.Date("2026-04-30").DueAt()
	h.until(sinceTo(newDue.Add(time.Hour)))
	h.runUntilCancelled(workflows.ProblemInput{Problem: stateAfter(t, atExecuting)})
	h.wantApplied("request extension", ask)
	h.wantApplied("approve extension", approve)

	m, err := state.Measure(5)
	if err != nil {
		t.Fatal(err)
	}
	if m.Deadline != "2026-04-30" || m.OriginalDeadline != "2026-03-31" || m.ExtensionCount != 1 {
		t.Errorf("measure after extension: deadline %s original %s count %d", m.Deadline, m.OriginalDeadline, m.ExtensionCount)
	}
	if got := box.keys(":2026-03-31:"); !slices.Equal(got, []string{"p7:m5:deadline:yellow:2026-03-31:0"}) {
		t.Errorf("old deadline notices %v: only its warning, no overdue", got)
	}
	want := []string{"p7:m5:deadline:yellow:2026-04-30:0", "p7:m5:deadline:red:2026-04-30:0"}
	if got := box.keys(":2026-04-30:"); !slices.Equal(got, want) {
		t.Errorf("new deadline notices %v, want %v", got, want)
	}
	if d, _ := box.find(want[1]); d.at.Sub(newDue) > time.Minute || d.at.Before(newDue) {
		t.Errorf("overdue for the new deadline at %v, want %v", d.at, newDue)
	}
	// The leaders were told of the request, the unit of the approval.
	if got := box.keys(":event:"); len(got) != 2 {
		t.Errorf("extension notices %v, want request and decision", got)
	}
	noDuplicates(t, box)
}

func TestAckOverdue(t *testing.T) {
	h, box := newDeadlineHarness(t)
	ack := h.send(command(domain.ActionAcknowledge, leadUser, onMeasure(4)))
	h.until(2*24*time.Hour + 30*time.Minute)
	h.runUntilCancelled(workflows.ProblemInput{Problem: stateAfter(t, atAssigned)})
	h.wantApplied("acknowledge", ack)
	got := box.keys(":ack:")
	if len(got) != 2 || strings.Contains(strings.Join(got, " "), ":m4:") {
		t.Fatalf("ack overdue notices %v: want measures 5 and 6, not the acknowledged 4", got)
	}
	d, _ := box.find(got[0])
	if d.notice.Kind != domain.NoticeAckOverdue || d.at.Sub(start.Add(2*24*time.Hour)) > time.Minute {
		t.Errorf("ack overdue %+v at %v", d.notice, d.at)
	}
}

func TestReviewLate(t *testing.T) {
	tests := []struct {
		name     string
		decideAt time.Duration // 0: nobody decides
		want     int
	}{
		{"Undecided", 0, 1},
		{"DecidedInTime", 4 * 24 * time.Hour, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, box := newDeadlineHarness(t)
			if tc.decideAt > 0 {
				h.at = tc.decideAt
				h.send(command(domain.ActionApproveClosure, supervisor, text("同意")))
			}
			h.until(5*24*time.Hour + 30*time.Minute)
			h.runUntilCancelled(workflows.ProblemInput{Problem: stateAfter(t, atVerifying)})
			got := box.keys(":review:")
			if len(got) != tc.want {
				t.Fatalf("review notices %v, want %d", got, tc.want)
			}
			if tc.want > 0 {
				d, _ := box.find(got[0])
				if !slices.Contains(d.notice.Audience.Roles, domain.RoleSupervisor) || d.notice.Kind != domain.NoticeReviewLate {
					t.Errorf("review notice %+v", d.notice)
				}
			}
		})
	}
}

func TestUrgeNotifiesTheLeadUnit(t *testing.T) {
	h, box := newDeadlineHarness(t)
	urge := h.send(command(domain.ActionUrge, supervisor, text("请于本周内报送进展")))
	refused := h.send(command(domain.ActionUrge, leadUser, text("自己催自己")))
	h.runUntilCancelled(workflows.ProblemInput{Problem: stateAfter(t, atExecuting)})
	h.wantApplied("urge", urge)
	if !refused.rejected {
		t.Error("a unit user's urge was not refused")
	}
	got := box.keys(":event:")
	if len(got) != 1 {
		t.Fatalf("urge notices %v", got)
	}
	d, _ := box.find(got[0])
	if d.notice.Kind != domain.NoticeUrge || d.notice.Audience.UnitID != unitLead || !strings.Contains(d.notice.Message, "请于本周内报送进展") {
		t.Errorf("urge notice %+v", d.notice)
	}
}

func TestReportLate(t *testing.T) {
	h, box := newDeadlineHarness(t)
	ask := h.send(command(domain.ActionRequestReports, domain.SchedulerActor, func(c *domain.Command) { c.Deadline = "2026-01-20" }))
	report := h.send(command(domain.ActionReportProgress, coUser, onMeasure(4), withProgress("已完成制度初稿")))
	reportDue := domain.Date("2026-01-20").DueAt()
	h.until(sinceTo(reportDue.Add(time.Hour)))
	h.runUntilCancelled(workflows.ProblemInput{Problem: stateAfter(t, atExecuting)})
	h.wantApplied("request reports", ask)
	h.wantApplied("report", report)

	if got := box.keys(":event:"); len(got) != 3 {
		t.Errorf("report requests %v: want one per lead unit (3)", got)
	}
	want := []string{"p7:m5:report:red:2026-01-20:0", "p7:m6:report:red:2026-01-20:0"}
	if got := box.keys(":report:"); !slices.Equal(got, want) {
		t.Fatalf("report-late notices %v, want %v (measure 4 reported in time)", got, want)
	}
	d, _ := box.find(want[0])
	if d.notice.Kind != domain.NoticeReportLate || d.at.Sub(reportDue) > time.Minute || d.at.Before(reportDue) {
		t.Errorf("report late %+v at %v, due %v", d.notice, d.at, reportDue)
	}
}
