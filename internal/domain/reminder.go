package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// NoticeKind is what a notification is about; it names inbox entries.
type NoticeKind string

// Notice kinds. Overdue kinds are kept apart, as 督办 systems do.
const (
	NoticeWarning    NoticeKind = "warning"     // deadline near (yellow)
	NoticeOverdue    NoticeKind = "overdue"     // deadline passed (red), repeated
	NoticeAckOverdue NoticeKind = "ack_overdue" // not acknowledged in time (签收逾期)
	NoticeReviewLate NoticeKind = "review_late" // closure request undecided in time
	NoticeEscalation NoticeKind = "escalation"  // late long enough for the leaders
	NoticeUrge       NoticeKind = "urge"        // a person urged (催办)
	NoticeReportDue  NoticeKind = "report_due"  // a progress report is asked for
	NoticeReportLate NoticeKind = "report_late" // it did not come in time
	NoticeExtension  NoticeKind = "extension"   // an extension was asked for or decided
	NoticeLookback   NoticeKind = "lookback"    // a look-back asks, reopens or falls due (回头看)
	NoticeHandoff    NoticeKind = "handoff"     // work passed to the next person (分办, 报审, 背书…)
	NoticePlanLate   NoticeKind = "plan_late"   // an assigned plan was not submitted in time
	// NoticeForecastLate: at its pace a measure will miss its deadline.
	NoticeForecastLate NoticeKind = "forecast_late"
)

// SentOut reports whether notices of kind also go out by email and webhook.
// An early warning written where a progress report is stored
// (forecast_late) stays in the inbox: the workflow schedules the sends.
func (k NoticeKind) SentOut() bool { return k != NoticeForecastLate }

// Audience says who receives a notice.
type Audience struct {
	// UnitID: every user of this unit.
	UnitID int64 `json:"unit_id,omitempty"`
	// Roles: every user in these roles.
	Roles []Role `json:"roles,omitempty"`
	// DisplayName: the user so named, e.g. a measure's responsible leader.
	DisplayName string `json:"display_name,omitempty"`
	// UserIDs: these users (a handler, a requester).
	UserIDs []int64 `json:"user_ids,omitempty"`
	// UnitHeadOf: the heads of this unit.
	UnitHeadOf int64 `json:"unit_head_of,omitempty"`
}

// Notice is one notification to deliver. Key is unique per (problem,
// measure, condition, level, due, repeat): the store writes a key once, so
// retries and restarts never send a reminder twice.
type Notice struct {
	Key       string     `json:"key"`
	Kind      NoticeKind `json:"kind"`
	ProblemID int64      `json:"problem_id"`
	MeasureID int64      `json:"measure_id,omitempty"`
	Audience  Audience   `json:"audience"`
	Message   string     `json:"message"`
	// At is when the condition fired (the deadline, or its repeat).
	At time.Time `json:"at"`
}

// Notification is a notice as one user's inbox holds it.
type Notification struct {
	ID        int64      `json:"id"`
	Key       string     `json:"key"`
	Kind      NoticeKind `json:"kind"`
	UserID    int64      `json:"user_id"`
	ProblemID int64      `json:"problem_id"`
	MeasureID int64      `json:"measure_id,omitempty"`
	Message   string     `json:"message"`
	Read      bool       `json:"read"`
	CreatedAt time.Time  `json:"created_at"`
}

// series is one condition that fires at start, then (if repeat > 0) every
// repeat, then escalates once at start+escalate.
type series struct {
	cond     string
	level    string
	due      string // the due date or instant that names the series
	measure  int64
	kind     NoticeKind
	start    time.Time
	repeat   time.Duration
	escalate time.Duration
	audience Audience
	// leader is the responsible leader, told when the series escalates.
	leader  string
	message string
	// until ends a series that another replaces (a warning once overdue).
	until time.Time
	// head, when set, is the unit whose head is told at the first repeat,
	// before the leaders (a measure with a handler: handler, head, leaders).
	head int64
}

// DueNotices returns the notices of p due at now that sent does not hold yet,
// and the next instant something will be due (zero: nothing scheduled).
// A series that fell behind (the worker was down) sends its latest repeat,
// not every missed one.
func DueNotices(p *Problem, now time.Time, sent func(key string) bool) (due []Notice, next time.Time) {
	pol := p.Policy.WithDefaults()
	later := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	fire := func(s series, repeat int, at time.Time, kind NoticeKind, level string, aud Audience, msg string) {
		key := fmt.Sprintf("p%d:m%d:%s:%s:%s:%d", p.ID, s.measure, s.cond, level, s.due, repeat)
		if !sent(key) {
			due = append(due, Notice{Key: key, Kind: kind, ProblemID: p.ID, MeasureID: s.measure, Audience: aud, Message: msg, At: at})
		}
	}
	for _, s := range p.series(pol) {
		if !s.until.IsZero() && !now.Before(s.until) {
			continue
		}
		if now.Before(s.start) {
			later(s.start)
			continue
		}
		k := 0
		if s.repeat > 0 {
			k = int(now.Sub(s.start) / s.repeat)
			later(s.start.Add(time.Duration(k+1) * s.repeat))
		}
		fire(s, k, s.start.Add(time.Duration(k)*s.repeat), s.kind, s.level, s.audience, s.message)
		if s.head != 0 && s.repeat > 0 {
			if at := s.start.Add(s.repeat); now.Before(at) {
				later(at)
			} else {
				fire(s, 0, at, NoticeEscalation, "head", Audience{UnitHeadOf: s.head}, "【督办提醒负责人】"+s.message)
			}
		}
		if s.escalate > 0 {
			esc := s.start.Add(s.escalate)
			if now.Before(esc) {
				later(esc)
			} else {
				aud := Audience{Roles: []Role{RoleLeader}, DisplayName: s.leader}
				fire(s, 0, esc, NoticeEscalation, "escalation", aud, "【督办升级】"+s.message)
			}
		}
	}
	return due, next
}

// series lists the conditions that currently run on p.
func (p *Problem) series(pol Policy) []series {
	var out []series
	title := fmt.Sprintf("问题(%d)“%s”", p.Number, p.Title)
	switch p.Stage {
	case StagePlan:
		if a := p.Assignment; a != nil && p.PlanSubmittedBy == 0 && !a.PlanDue.IsZero() {
			out = append(out, series{
				cond: "plan", level: "red", due: string(a.PlanDue), kind: NoticePlanLate,
				start: a.PlanDue.DueAt(), repeat: pol.RepeatEvery, escalate: pol.EscalateAfter,
				audience: Audience{UnitID: a.LeadUnitID}, leader: a.ResponsibleLeader, head: a.LeadUnitID,
				message: fmt.Sprintf("【方案逾期】%s的整改方案未在%s前报送,请立即报送", title, a.PlanDue),
			})
		}
	case StageAssign:
		for _, m := range p.Measures {
			if m.Acknowledged {
				continue
			}
			start := p.StageSince.Add(pol.AckWindow)
			out = append(out, series{
				cond: "ack", level: "red", due: start.UTC().Format(time.RFC3339), measure: m.ID, kind: NoticeAckOverdue,
				start: start, repeat: pol.RepeatEvery, escalate: pol.EscalateAfter,
				audience: m.audience(), leader: m.ResponsibleLeader, head: m.headOf(),
				message: fmt.Sprintf("【签收逾期】%s的整改措施“%s”交办后未按时签收,请立即签收", title, m.Title),
			})
		}
	case StageVerify:
		start := p.StageSince.Add(pol.ReviewWindow)
		out = append(out, series{
			cond: "review", level: "red", due: start.UTC().Format(time.RFC3339), kind: NoticeReviewLate,
			start: start, repeat: pol.RepeatEvery, escalate: pol.EscalateAfter,
			audience: Audience{Roles: []Role{RoleSupervisor}},
			message:  fmt.Sprintf("【审核逾期】%s的销号申请尚未审核,请尽快处理", title),
		})
	}
	out = append(out, p.lookbackSeries(pol, title)...)
	for _, m := range p.Measures {
		if m.ReportDue != "" && p.Stage == StageExecute {
			out = append(out, series{
				cond: "report", level: "red", due: string(m.ReportDue), measure: m.ID, kind: NoticeReportLate,
				start: m.ReportDue.DueAt(), repeat: pol.RepeatEvery, escalate: pol.EscalateAfter,
				audience: m.audience(), leader: m.ResponsibleLeader, head: m.headOf(),
				message: fmt.Sprintf("【进展报送逾期】%s的整改措施“%s”未在%s前报送进展", title, m.Title, m.ReportDue),
			})
		}
		if !m.open(p.Stage) {
			continue
		}
		dueAt := m.Deadline.DueAt()
		out = append(out,
			series{
				cond: "deadline", level: "yellow", due: string(m.Deadline), measure: m.ID, kind: NoticeWarning,
				start: dueAt.Add(-pol.WarningWindow), until: dueAt, audience: m.audience(),
				message: fmt.Sprintf("【预警】%s的整改措施“%s”将于%s到期", title, m.Title, m.Deadline),
			},
			series{
				cond: "deadline", level: "red", due: string(m.Deadline), measure: m.ID, kind: NoticeOverdue,
				start: dueAt, repeat: pol.RepeatEvery, escalate: pol.EscalateAfter,
				audience: m.audience(), leader: m.ResponsibleLeader, head: m.headOf(),
				message: fmt.Sprintf("【逾期】%s的整改措施“%s”已超过整改时限%s,请立即整改", title, m.Title, m.Deadline),
			},
		)
	}
	return out
}

// EventNotices returns the notices a person's action sends at once, as its
// declaration (ActionSpec.Notices) says.
func EventNotices(p *Problem, ev Event) []Notice {
	spec, ok := Spec(ev.Action)
	if !ok || spec.Notices == nil {
		return nil
	}
	key := fmt.Sprintf("p%d:event:%d", p.ID, ev.Seq)
	title := fmt.Sprintf("问题(%d)“%s”", p.Number, p.Title)
	return spec.Notices(p, ev, Notice{Key: key, ProblemID: p.ID, MeasureID: ev.MeasureID, At: ev.At}, title)
}

// reportRequestNotices tells each lead unit asked for reports which of its
// measures are asked, one notice per unit.
func reportRequestNotices(p *Problem, ev Event, n Notice, title string) []Notice {
	var out []Notice
	byUnit := map[int64][]string{}
	var units []int64
	for _, m := range p.Measures {
		if m.ReportDue == "" {
			continue
		}
		if _, ok := byUnit[m.LeadUnitID]; !ok {
			units = append(units, m.LeadUnitID)
		}
		byUnit[m.LeadUnitID] = append(byUnit[m.LeadUnitID], "“"+m.Title+"”")
	}
	for _, u := range units {
		out = append(out, Notice{
			Key: fmt.Sprintf("%s:u%d", n.Key, u), Kind: NoticeReportDue, ProblemID: p.ID, At: ev.At,
			Audience: Audience{UnitID: u},
			Message:  fmt.Sprintf("【定期调度】请于%s前报送%s的整改措施%s的进展", p.Measures[0].ReportDue, title, strings.Join(byUnit[u], "、")),
		})
	}
	return out
}

// LatestReminders returns the keys of sent that DueNotices may still ask
// about: per series (problem, measure, condition, level, due) only the latest
// repeat. A series asks only for its current repeat, which grows with time,
// so earlier ones are never asked again; event notices are never asked. The
// result is bounded by the series a problem has had, not by how long it ran.
func LatestReminders(sent map[string]bool) map[string]bool {
	latest := map[string]int{}
	for key, ok := range sent {
		if !ok {
			continue
		}
		name, repeat, isSeries := splitReminderKey(key)
		if !isSeries {
			continue
		}
		if r, seen := latest[name]; !seen || repeat > r {
			latest[name] = repeat
		}
	}
	out := make(map[string]bool, len(latest))
	for name, repeat := range latest {
		out[name+":"+strconv.Itoa(repeat)] = true
	}
	return out
}

// splitReminderKey splits a DueNotices key into its series and its repeat;
// isSeries is false for other keys (event notices).
func splitReminderKey(key string) (name string, repeat int, isSeries bool) {
	parts := strings.SplitN(key, ":", 3)
	if len(parts) < 3 || !strings.HasPrefix(parts[1], "m") {
		return "", 0, false
	}
	if _, err := strconv.ParseInt(parts[1][1:], 10, 64); err != nil {
		return "", 0, false
	}
	i := strings.LastIndexByte(key, ':')
	repeat, err := strconv.Atoi(key[i+1:])
	if err != nil || repeat < 0 {
		return "", 0, false
	}
	return key[:i], repeat, true
}

// audience is who a measure's reminders go to: its handler when it has
// one, else its lead unit.
func (m *Measure) audience() Audience {
	if m.HandlerID != 0 {
		return Audience{UserIDs: []int64{m.HandlerID}}
	}
	return Audience{UnitID: m.LeadUnitID}
}

// headOf is the unit whose head hears of a late measure before the
// leaders do: only for a measure with a handler (else the unit was told).
func (m *Measure) headOf() int64 {
	if m.HandlerID != 0 {
		return m.LeadUnitID
	}
	return 0
}
