package domain

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Stage is where a problem stands in its rectification.
type Stage string

// Stages of one problem, in order.
const (
	StagePlan    Stage = "plan"    // 制定措施
	StageAssign  Stage = "assign"  // 交办/签收
	StageExecute Stage = "execute" // 整改落实
	StageVerify  Stage = "verify"  // 审核销号
	StageClosed  Stage = "closed"  // 已销号
	// StageLookback is a closed problem under the discipline group's
	// look-back (回头看); it ends back in closed or, reopened, in execute.
	StageLookback Stage = "lookback"
)

// Stages lists every stage in order.
var stages = []Stage{StagePlan, StageAssign, StageExecute, StageVerify, StageClosed, StageLookback}

// AllStages returns every stage in order.
func AllStages() []Stage { return slices.Clone(stages) }

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool { return slices.Contains(stages, s) }

// MeasureKind says how a measure is finished.
type MeasureKind string

// Measure kinds.
const (
	KindImmediate MeasureKind = "immediate" // 立行立改
	KindDeadline  MeasureKind = "deadline"  // 限期整改
	KindLongTerm  MeasureKind = "long_term" // 长期坚持: never done, reviewed periodically
)

// Valid reports whether k is a known kind.
func (k MeasureKind) Valid() bool {
	return k == KindImmediate || k == KindDeadline || k == KindLongTerm
}

// Problem is one feedback item and the state of its rectification. The
// workflow owns it; the store keeps a copy for reading.
type Problem struct {
	ID          int64  `json:"id"`
	CampaignID  int64  `json:"campaign_id"`
	Number      int    `json:"number"`
	Section     string `json:"section,omitempty"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// ParentNumber and ParentTitle name the group of sub-problems this
	// problem belongs to (a heading of the report, not a problem).
	ParentNumber int       `json:"parent_number,omitempty"`
	ParentTitle  string    `json:"parent_title,omitempty"`
	Stage        Stage     `json:"stage"`
	LeadUnitID   int64     `json:"lead_unit_id,omitempty"`
	Measures     []Measure `json:"measures"`
	// Policy is the campaign's deadline rules, fixed when the problem starts.
	Policy Policy `json:"policy"`
	// StageSince is when the problem entered its stage (ack and review
	// windows run from it).
	StageSince time.Time `json:"stage_since,omitzero"`
	// Light is computed when the problem is read; never stored.
	Light      Light              `json:"light,omitempty"`
	Extensions []ExtensionRequest `json:"extensions,omitempty"`
	// ClosureEvidence and ClosureJustifications are the snapshot of the last
	// closure request: what the supervisor decides on.
	ClosureEvidence       []EvidenceRef    `json:"closure_evidence,omitempty"`
	ClosureJustifications map[int64]string `json:"closure_justifications,omitempty"`
	// Version counts the events applied; the read model only moves forward.
	Version         int64     `json:"version"`
	PlanSubmittedBy int64     `json:"plan_submitted_by,omitempty"`
	NextMeasureID   int64     `json:"next_measure_id,omitempty"`
	NextExtensionID int64     `json:"next_extension_id,omitempty"`
	ClosedAt        time.Time `json:"closed_at,omitzero"`
	UpdatedAt       time.Time `json:"updated_at,omitzero"`
	// LookbackID and LookbackDue name the look-back the problem is under
	// while in stage lookback (the due date drives the reviewers' reminder).
	LookbackID  int64 `json:"lookback_id,omitempty"`
	LookbackDue Date  `json:"lookback_due,omitempty"`
	// Assignment is the office's 分办, if the problem was handed to a unit.
	Assignment *Assignment `json:"assignment,omitempty"`
	// Closure is where the last closure request stands.
	Closure ClosureState `json:"closure,omitzero"`
	// Reassignments are the requests to change the lead unit (调整牵头单位).
	Reassignments      []Reassignment `json:"reassignments,omitempty"`
	NextReassignmentID int64          `json:"next_reassignment_id,omitempty"`
}

// Measure is a task under a problem (整改措施). IDs are numbered within the
// problem.
type Measure struct {
	ID                int64       `json:"id"`
	Title             string      `json:"title"`
	Kind              MeasureKind `json:"kind"`
	LeadUnitID        int64       `json:"lead_unit_id"`
	CoUnitIDs         []int64     `json:"co_unit_ids"`
	ResponsibleLeader string      `json:"responsible_leader,omitempty"`
	Deadline          Date        `json:"deadline,omitempty"`
	// OriginalDeadline is the deadline of the approved plan; Deadline moves
	// with each approved extension.
	OriginalDeadline Date `json:"original_deadline,omitempty"`
	// ReportDue is when the progress report last asked for is due; a
	// report clears it.
	ReportDue         Date      `json:"report_due,omitempty"`
	ExtensionCount    int       `json:"extension_count"`
	Light             Light     `json:"light,omitempty"`
	Acknowledged      bool      `json:"acknowledged"`
	AcknowledgedAt    time.Time `json:"acknowledged_at,omitzero"`
	Completed         bool      `json:"completed"`
	CompletedAt       time.Time `json:"completed_at,omitzero"`
	CompletionSummary string    `json:"completion_summary,omitempty"`
	ProgressCount     int       `json:"progress_count"`
	LatestProgress    string    `json:"latest_progress,omitempty"`
	LatestPercent     *int      `json:"latest_percent,omitempty"`
	LatestProgressAt  time.Time `json:"latest_progress_at,omitzero"`
	// HandlerID and HandlerName name the measure's handler (经办人), a user
	// of its lead unit; none: the unit as a whole.
	HandlerID   int64  `json:"handler_id,omitempty"`
	HandlerName string `json:"handler_name,omitempty"`
	// Forecast is the projected completion from the progress reports, as
	// reads fill it (never the workflow's state).
	Forecast *Forecast `json:"forecast,omitempty"`
}

// Clone returns a deep copy, so a transition never changes its input.
func (p Problem) Clone() Problem {
	p.Extensions = slices.Clone(p.Extensions)
	p.ClosureEvidence = slices.Clone(p.ClosureEvidence)
	p.ClosureJustifications = maps.Clone(p.ClosureJustifications)
	if p.Assignment != nil {
		a := *p.Assignment
		a.CoUnitIDs = slices.Clone(a.CoUnitIDs)
		p.Assignment = &a
	}
	p.Reassignments = slices.Clone(p.Reassignments)
	p.Measures = slices.Clone(p.Measures)
	for i := range p.Measures {
		p.Measures[i].CoUnitIDs = slices.Clone(p.Measures[i].CoUnitIDs)
		if pc := p.Measures[i].LatestPercent; pc != nil {
			v := *pc
			p.Measures[i].LatestPercent = &v
		}
		if f := p.Measures[i].Forecast; f != nil {
			v := *f
			p.Measures[i].Forecast = &v
		}
	}
	return p
}

// Measure returns the measure with id, or a not_found error.
func (p *Problem) Measure(id int64) (*Measure, error) {
	for i := range p.Measures {
		if p.Measures[i].ID == id {
			return &p.Measures[i], nil
		}
	}
	return nil, Errorf(ENotFound, "measure %d not found in problem %d", id, p.ID).WithKey("measure_not_found", "id", id)
}

// UnitIDs returns every unit that leads or co-leads a measure, or leads the problem.
func (p *Problem) UnitIDs() []int64 {
	var ids []int64
	if p.LeadUnitID != 0 {
		ids = append(ids, p.LeadUnitID)
	}
	for _, m := range p.Measures {
		ids = append(ids, m.LeadUnitID)
		ids = append(ids, m.CoUnitIDs...)
	}
	ids = append(ids, p.formerUnits()...)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Involves reports whether unit leads or co-leads any of p's work.
func (p *Problem) Involves(unitID int64) bool {
	return unitID != 0 && slices.Contains(p.UnitIDs(), unitID)
}

// NewProblem is the input to create a problem.
type NewProblem struct {
	CampaignID  int64
	Number      int
	Section     string
	Title       string
	Description string
	// ParentNumber and ParentTitle name the group (a problem made of
	// sub-problems, kept as a heading) this problem belongs to; 0 and ""
	// for a problem of its own.
	ParentNumber int
	ParentTitle  string
}

// Validate checks and trims a new problem.
func (n *NewProblem) Validate() error {
	n.Title = strings.TrimSpace(n.Title)
	n.Section = strings.TrimSpace(n.Section)
	n.Description = strings.TrimSpace(n.Description)
	n.ParentTitle = strings.TrimSpace(n.ParentTitle)
	switch {
	case len([]rune(n.ParentTitle)) > MaxTitleLen:
		return Errorf(EInvalid, "the title of the group the problem belongs to is too long (at most %d characters)", MaxTitleLen).WithKey("field_too_long", "field", "group_title", "max", MaxTitleLen).WithField("group_title")
	case n.ParentNumber < 0 || n.ParentNumber > 100000 || (n.ParentNumber > 0) != (n.ParentTitle != ""):
		return Errorf(EInvalid, "a problem's group needs both a number (1 to 100000) and a title").WithKey("group_incomplete").WithField("group_title")
	case n.Title == "":
		return Errorf(EInvalid, "title is required").WithKey("field_required", "field", "problem_title").WithField("title")
	case len([]rune(n.Title)) > MaxTitleLen:
		return Errorf(EInvalid, "title is too long (at most %d characters)", MaxTitleLen).WithKey("field_too_long", "field", "problem_title", "max", MaxTitleLen).WithField("title")
	case len([]rune(n.Section)) > MaxTitleLen:
		return Errorf(EInvalid, "section is too long (at most %d characters)", MaxTitleLen).WithKey("field_too_long", "field", "section", "max", MaxTitleLen).WithField("section")
	case len([]rune(n.Description)) > MaxTextLen:
		return Errorf(EInvalid, "description is too long (at most %d characters)", MaxTextLen).WithKey("field_too_long", "field", "description", "max", MaxTextLen).WithField("description")
	case n.Number < 0 || n.Number > 100000:
		return Errorf(EInvalid, "number must be between 1 and 100000").WithKey("number_invalid").WithField("number")
	}
	return nil
}

// ProgressEntry is one progress report (进展) on a measure.
type ProgressEntry struct {
	ID        int64     `json:"id"`
	ProblemID int64     `json:"problem_id"`
	MeasureID int64     `json:"measure_id"`
	UserID    int64     `json:"user_id"`
	Username  string    `json:"username"`
	UnitID    int64     `json:"unit_id,omitempty"`
	Text      string    `json:"text"`
	Percent   *int      `json:"percent,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// WithLights returns p with the light of each measure and of p at now.
func (p Problem) WithLights(now time.Time) Problem {
	p = p.Clone()
	w := p.Policy.WithDefaults().WarningWindow
	for i := range p.Measures {
		p.Measures[i].Light = MeasureLight(p.Measures[i], p.Stage, w, now)
	}
	p.Light = ProblemLight(p, w, now)
	return p
}

// ExtensionStatus is where an extension request stands.
type ExtensionStatus string

// Extension statuses.
const (
	ExtensionPending  ExtensionStatus = "pending"
	ExtensionApproved ExtensionStatus = "approved"
	ExtensionRejected ExtensionStatus = "rejected"
)

// ExtensionRequest (延期申请) asks to move a measure's deadline.
type ExtensionRequest struct {
	ID          int64           `json:"id"`
	MeasureID   int64           `json:"measure_id"`
	Deadline    Date            `json:"deadline"`
	Previous    Date            `json:"previous_deadline"`
	Reason      string          `json:"reason"`
	Status      ExtensionStatus `json:"status"`
	RequestedBy int64           `json:"requested_by"`
	RequestedAt time.Time       `json:"requested_at"`
	DecidedBy   int64           `json:"decided_by,omitempty"`
	DecidedAt   time.Time       `json:"decided_at,omitzero"`
	Comment     string          `json:"comment,omitempty"`
}

// ProblemFilter selects problems for a list.
type ProblemFilter struct {
	CampaignID int64
	Stage      Stage
	// Light filters by the light at Now.
	Light  Light
	Now    time.Time
	UnitID int64
	// VisibleToUnit limits the list to problems a unit takes part in.
	VisibleToUnit int64
	Offset        int
	Limit         int
}

// measureRef names m as people know it, for an error's parameters: its
// number in the plan (措施1) and its title.
func (p *Problem) measureRef(m *Measure) []any {
	n := 0
	for i := range p.Measures {
		if p.Measures[i].ID == m.ID {
			n = i + 1
		}
	}
	return []any{"n", n, "title", m.Title}
}

// NearestDeadline is the earliest deadline of p's measures still running
// against one, zero when none is.
func (p Problem) NearestDeadline() Date {
	var nearest Date
	for i := range p.Measures {
		m := &p.Measures[i]
		if m.open(p.Stage) && (nearest.IsZero() || m.Deadline < nearest) {
			nearest = m.Deadline
		}
	}
	return nearest
}

// ProgressPercent is how far p's measures are, on average: a completed
// measure (or every measure of a rectified problem) counts 100, another its
// latest reported percent; -1 when p has no measures.
func (p Problem) ProgressPercent() int {
	if len(p.Measures) == 0 {
		return -1
	}
	sum := 0
	for _, m := range p.Measures {
		switch {
		case m.Completed || p.Stage.Rectified():
			sum += 100
		case m.LatestPercent != nil:
			sum += *m.LatestPercent
		}
	}
	return sum / len(p.Measures)
}

// ResponsibleLeaders are the measures' responsible leaders, each once, in
// measure order.
func (p Problem) ResponsibleLeaders() []string {
	var out []string
	for _, m := range p.Measures {
		if m.ResponsibleLeader != "" && !slices.Contains(out, m.ResponsibleLeader) {
			out = append(out, m.ResponsibleLeader)
		}
	}
	return out
}
