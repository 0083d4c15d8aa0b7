package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/rectify/rectify/internal/domain"
)

// CreateProblem adds a problem in stage plan and its first event, in one
// transaction. A zero Number takes the next number in the campaign; a
// number already used there is a conflict.
func (s *Store) CreateProblem(ctx context.Context, in domain.NewProblem, actor domain.Actor) (domain.Problem, error) {
	now := s.Now()
	row := problemRow{
		CampaignID: in.CampaignID, Number: in.Number, Section: in.Section, Title: in.Title,
		ParentNumber: in.ParentNumber, ParentTitle: in.ParentTitle,
		Description: in.Description, Stage: string(domain.StagePlan), Version: 1,
		CreatedAt: now, UpdatedAt: now,
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Lock the campaign row (PostgreSQL; SQLite has one writer anyway) so
		// that concurrent creations in a campaign take numbers one at a time
		// instead of reading the same MAX(number) and failing on the index.
		var campaign campaignRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("id = ?", in.CampaignID).Take(&campaign).Error; err != nil {
			return notFound(err, "campaign %d not found", in.CampaignID)
		}
		row.Policy = string(mustJSON(campaign.policy()))
		var n int64
		if row.Number == 0 {
			var max *int
			if err := tx.Model(&problemRow{}).Where("campaign_id = ?", in.CampaignID).
				Select("MAX(number)").Scan(&max).Error; err != nil {
				return err
			}
			row.Number = 1
			if max != nil {
				row.Number = *max + 1
			}
		} else {
			if err := tx.Model(&problemRow{}).Where("campaign_id = ? AND number = ?", in.CampaignID, row.Number).
				Count(&n).Error; err != nil {
				return err
			} else if n > 0 {
				return domain.Errorf(domain.EConflict, "campaign %d already has a problem number %d", in.CampaignID, row.Number).WithKey("problem_number_taken", "n", row.Number).WithField("number")
			}
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		payload, _ := json.Marshal(map[string]any{"number": row.Number, "title": row.Title})
		_, err := appendEvent(tx, in.CampaignID, &eventRow{
			ProblemID: row.ID, Seq: 1, Action: string(domain.ActionCreate),
			ActorID: actor.UserID, ActorName: actor.Username, ActorRole: string(actor.Role), ActorUnit: actor.UnitID,
			ToStage: row.Stage, Payload: string(payload), At: now,
		})
		return err
	})
	if err != nil {
		return domain.Problem{}, err
	}
	return row.toDomain(nil), nil
}

// MarkWorkflowStarted records that a problem's workflow runs.
func (s *Store) MarkWorkflowStarted(ctx context.Context, problemID int64) error {
	return s.db.WithContext(ctx).Model(&problemRow{}).Where("id = ?", problemID).
		Update("workflow_started", true).Error
}

// ProblemsWithoutWorkflow returns problems whose workflow start was not yet
// confirmed, so start-up can start them (starting is idempotent).
func (s *Store) ProblemsWithoutWorkflow(ctx context.Context) ([]domain.Problem, error) {
	var rows []problemRow
	if err := s.reader(ctx).Where("workflow_started = ?", false).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.Problem, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain(nil)
	}
	return out, nil
}

// Problem returns a problem with its measures.
func (s *Store) Problem(ctx context.Context, id int64) (domain.Problem, error) {
	var row problemRow
	if err := s.reader(ctx).Take(&row, id).Error; err != nil {
		return domain.Problem{}, notFound(err, "problem %d not found", id)
	}
	var measures []measureRow
	if err := s.reader(ctx).Where("problem_id = ?", id).Order("measure_id").Find(&measures).Error; err != nil {
		return domain.Problem{}, err
	}
	return row.toDomain(measures), nil
}

// ListProblems returns a page of problems and the total that match.
func (s *Store) ListProblems(ctx context.Context, f domain.ProblemFilter) ([]domain.Problem, int64, error) {
	return s.SearchProblems(ctx, ProblemQuery{ProblemFilter: f})
}

// Events returns a problem's event log in order.
func (s *Store) Events(ctx context.Context, problemID int64) ([]domain.Event, error) {
	var rows []eventRow
	if err := s.reader(ctx).Where("problem_id = ?", problemID).Order("seq").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.Event, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// Recorded returns the problem as the read model holds it and the events
// after version: what a workflow that lost a task must adopt.
// It reads the primary database, in one transaction.
func (s *Store) Recorded(ctx context.Context, problemID, version int64) (domain.Problem, []domain.Event, error) {
	var row problemRow
	var measures []measureRow
	var rows []eventRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&row, problemID).Error; err != nil {
			return notFound(err, "problem %d not found", problemID)
		}
		if err := tx.Where("problem_id = ?", problemID).Order("measure_id").Find(&measures).Error; err != nil {
			return err
		}
		return tx.Where("problem_id = ? AND seq > ?", problemID, version).Order("seq").Find(&rows).Error
	})
	if err != nil {
		return domain.Problem{}, nil, err
	}
	p := row.toDomain(measures)
	events := make([]domain.Event, len(rows))
	for i, r := range rows {
		events[i] = r.toDomain()
	}
	return p, events, nil
}

// Progress returns a problem's progress reports in order.
func (s *Store) Progress(ctx context.Context, problemID int64) ([]domain.ProgressEntry, error) {
	var rows []progressRow
	if err := s.reader(ctx).Where("problem_id = ?", problemID).Order("seq").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.ProgressEntry, len(rows))
	for i, r := range rows {
		out[i] = domain.ProgressEntry{
			ID: r.ID, ProblemID: r.ProblemID, MeasureID: r.MeasureID, UserID: r.UserID, Username: r.Username,
			UnitID: r.UnitID, Text: r.Text, Percent: r.Percent, CreatedAt: r.CreatedAt,
		}
	}
	return out, nil
}

// ErrSeqTaken is RecordTransition's answer when the event's seq already
// holds another transition: another request, or the same one decided at
// another time. A process killed after a write but before its workflow task
// completed left a transition the workflow never made; the workflow adopts
// it rather than go on from a state the store does not hold.
var ErrSeqTaken = errors.New("seq already holds another transition")

// RecordTransition writes an accepted transition: the event, the problem and
// its measures, and a progress entry if it is one. It is idempotent: an event
// already written (same problem, seq and request) makes it a no-op, so a
// retried activity writes once. The same seq holding another transition is
// ErrSeqTaken: writing nothing then would lose this one.
func (s *Store) RecordTransition(ctx context.Context, tr domain.Transition) error {
	ev, p := tr.Event, tr.Problem
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		campaignID, err := campaignOf(tx, ev.ProblemID)
		if err != nil {
			return err
		}
		written, err := appendEvent(tx, campaignID, &eventRow{
			ProblemID: ev.ProblemID, Seq: ev.Seq, RequestID: ev.RequestID, Action: string(ev.Action),
			ActorID: ev.ActorID, ActorName: ev.ActorName, ActorRole: string(ev.ActorRole), ActorUnit: ev.ActorUnit,
			FromStage: string(ev.FromStage), ToStage: string(ev.ToStage), MeasureID: ev.MeasureID,
			Reason: ev.Reason, Payload: string(ev.Payload), At: ev.At,
		})
		if err != nil {
			return err
		} else if !written {
			var held eventRow
			if err := tx.Where("problem_id = ? AND seq = ?", ev.ProblemID, ev.Seq).Take(&held).Error; err != nil {
				return err
			}
			if held.RequestID != ev.RequestID || !held.At.Equal(ev.At.UTC().Truncate(time.Microsecond)) {
				return fmt.Errorf("problem %d seq %d: %w (%q at %s, not %q at %s)", ev.ProblemID, ev.Seq, ErrSeqTaken,
					held.RequestID, held.At.Format(time.RFC3339Nano), ev.RequestID, ev.At.Format(time.RFC3339Nano))
			}
			return nil // already written by an earlier attempt
		}
		yellowAt, redAt := p.LightTimes(p.Policy.WithDefaults().WarningWindow)
		res := tx.Model(&problemRow{}).Where("id = ? AND version < ?", p.ID, p.Version).Updates(map[string]any{
			"stage": string(p.Stage), "lead_unit_id": p.LeadUnitID, "version": p.Version,
			"plan_submitted_by": p.PlanSubmittedBy, "next_measure_id": p.NextMeasureID,
			"closed_at": optionalTime(p.ClosedAt), "updated_at": p.UpdatedAt,
			"stage_since": optionalTime(p.StageSince), "yellow_at": optionalTime(yellowAt), "red_at": optionalTime(redAt),
			"next_extension_id": p.NextExtensionID, "extensions": string(mustJSON(p.Extensions)),
			"policy":     string(mustJSON(p.Policy)),
			"closure":    string(mustJSON(closureSnapshot{p.ClosureEvidence, p.ClosureJustifications, p.Closure})),
			"assignment": assignmentJSON(p.Assignment), "reassignments": reassignmentsJSON(p.Reassignments),
			"next_reassignment_id": p.NextReassignmentID, "lookback_id": p.LookbackID, "lookback_due": string(p.LookbackDue),
			"measure_count": len(p.Measures), "extensions_granted": extensionsGranted(p),
		})
		if res.Error != nil {
			return res.Error
		}
		// A newer transition is already in the read model (this one arrives
		// late): its measures already include this change, and writing this
		// older state would undo newer ones. The event is logged above and a
		// progress report is still kept below.
		if res.RowsAffected > 0 {
			if err := writeMeasures(tx, ev, p); err != nil {
				return err
			}
		}
		if ev.Action == domain.ActionConcludeLookback {
			return recordConclusion(tx, ev)
		}
		if ev.Action == domain.ActionDismissFlag {
			return recordFlagDismissal(tx, ev)
		}
		if ev.Action == domain.ActionReportProgress {
			var in domain.ProgressInput
			if err := json.Unmarshal(ev.Payload, &in); err != nil {
				return err
			}
			return tx.Create(&progressRow{
				ProblemID: p.ID, Seq: ev.Seq, MeasureID: ev.MeasureID, UserID: ev.ActorID,
				Username: ev.ActorName, UnitID: ev.ActorUnit, Text: in.Text, Percent: in.Percent, CreatedAt: ev.At,
			}).Error
		}
		return nil
	})
}

// writeMeasures writes the measures a transition changed: all of them for a
// submitted plan, else the one it names.
func writeMeasures(tx *gorm.DB, ev domain.Event, p domain.Problem) error {
	switch ev.Action {
	case domain.ActionSubmitPlan:
		return replaceMeasures(tx, p)
	case domain.ActionAssign:
		// The assigned unit sees the problem before it has measures.
		return replaceUnits(tx, p)
	case domain.ActionApproveReassignment:
		for _, m := range p.Measures {
			if err := tx.Save(toMeasureRow(p.ID, m)).Error; err != nil {
				return err
			}
		}
		return replaceUnits(tx, p)
	}
	if ev.Action == domain.ActionRequestReports || ev.Action == domain.ActionConcludeLookback {
		for _, m := range p.Measures {
			if err := tx.Save(toMeasureRow(p.ID, m)).Error; err != nil {
				return err
			}
		}
		return nil
	} else if ev.MeasureID == 0 {
		return nil
	}
	m, err := p.Measure(ev.MeasureID)
	if err != nil {
		return err
	}
	return tx.Save(toMeasureRow(p.ID, *m)).Error
}

func replaceMeasures(tx *gorm.DB, p domain.Problem) error {
	if err := tx.Where("problem_id = ?", p.ID).Delete(&measureRow{}).Error; err != nil {
		return err
	}
	if len(p.Measures) > 0 {
		rows := make([]*measureRow, len(p.Measures))
		for i, m := range p.Measures {
			rows[i] = toMeasureRow(p.ID, m)
		}
		if err := tx.Create(rows).Error; err != nil {
			return err
		}
	}
	return replaceUnits(tx, p)
}

// replaceUnits rewrites which units take part in p (what their users list).
func replaceUnits(tx *gorm.DB, p domain.Problem) error {
	if err := tx.Where("problem_id = ?", p.ID).Delete(&measureUnitRow{}).Error; err != nil {
		return err
	}
	unitIDs := p.UnitIDs()
	if len(unitIDs) == 0 {
		return nil
	}
	units := make([]measureUnitRow, len(unitIDs))
	for i, id := range unitIDs {
		units[i] = measureUnitRow{ProblemID: p.ID, UnitID: id}
	}
	return tx.Create(&units).Error
}

func toMeasureRow(problemID int64, m domain.Measure) *measureRow {
	return &measureRow{
		ProblemID: problemID, MeasureID: m.ID, Title: m.Title, Kind: string(m.Kind), LeadUnitID: m.LeadUnitID,
		CoUnitIDs: joinIDs(m.CoUnitIDs), ResponsibleLeader: m.ResponsibleLeader, Deadline: string(m.Deadline),
		OriginalDeadline: string(m.OriginalDeadline), ExtensionCount: m.ExtensionCount, ReportDue: string(m.ReportDue),
		Acknowledged: m.Acknowledged, AcknowledgedAt: optionalTime(m.AcknowledgedAt),
		Completed: m.Completed, CompletedAt: optionalTime(m.CompletedAt), CompletionSummary: m.CompletionSummary,
		ProgressCount: m.ProgressCount, LatestProgress: m.LatestProgress, LatestPercent: m.LatestPercent,
		LatestProgressAt: optionalTime(m.LatestProgressAt), HandlerID: m.HandlerID, HandlerName: m.HandlerName,
	}
}

// optionalTime stores t in UTC: SQLite compares times as text, which is
// only right within one zone.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain domain structs are encoded here
	}
	return b
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func (r problemRow) toDomain(measures []measureRow) domain.Problem {
	p := domain.Problem{
		ID: r.ID, CampaignID: r.CampaignID, Number: r.Number, Section: r.Section, Title: r.Title,
		ParentNumber: r.ParentNumber, ParentTitle: r.ParentTitle,
		Description: r.Description, Stage: domain.Stage(r.Stage), LeadUnitID: r.LeadUnitID,
		Version: r.Version, PlanSubmittedBy: r.PlanSubmittedBy, NextMeasureID: r.NextMeasureID,
		ClosedAt: derefTime(r.ClosedAt), UpdatedAt: r.UpdatedAt, Measures: []domain.Measure{},
		StageSince: derefTime(r.StageSince), NextExtensionID: r.NextExtensionID,
		LookbackID: r.LookbackID, LookbackDue: domain.Date(r.LookbackDue),
	}
	// Both columns hold what this package wrote with mustJSON.
	if r.Extensions != "" && r.Extensions != "null" {
		_ = json.Unmarshal([]byte(r.Extensions), &p.Extensions)
	}
	if r.Policy != "" {
		_ = json.Unmarshal([]byte(r.Policy), &p.Policy)
	}
	if r.Closure != "" {
		var c closureSnapshot
		_ = json.Unmarshal([]byte(r.Closure), &c)
		p.ClosureEvidence, p.ClosureJustifications, p.Closure = c.Evidence, c.Justifications, c.State
	}
	p.NextReassignmentID = r.NextReassignmentID
	if r.Reassignments != "" {
		_ = json.Unmarshal([]byte(r.Reassignments), &p.Reassignments)
	}
	if r.Assignment != "" {
		var a domain.Assignment
		if json.Unmarshal([]byte(r.Assignment), &a) == nil {
			p.Assignment = &a
		}
	}
	for _, m := range measures {
		p.Measures = append(p.Measures, domain.Measure{
			ID: m.MeasureID, Title: m.Title, Kind: domain.MeasureKind(m.Kind), LeadUnitID: m.LeadUnitID,
			CoUnitIDs: splitIDs(m.CoUnitIDs), ResponsibleLeader: m.ResponsibleLeader, Deadline: domain.Date(m.Deadline),
			OriginalDeadline: domain.Date(m.OriginalDeadline), ExtensionCount: m.ExtensionCount, ReportDue: domain.Date(m.ReportDue),
			Acknowledged: m.Acknowledged, AcknowledgedAt: derefTime(m.AcknowledgedAt),
			Completed: m.Completed, CompletedAt: derefTime(m.CompletedAt), CompletionSummary: m.CompletionSummary,
			ProgressCount: m.ProgressCount, LatestProgress: m.LatestProgress, LatestPercent: m.LatestPercent,
			LatestProgressAt: derefTime(m.LatestProgressAt), HandlerID: m.HandlerID, HandlerName: m.HandlerName,
		})
	}
	return p
}

func (r eventRow) toDomain() domain.Event {
	ev := domain.Event{
		ID: r.ID, ProblemID: r.ProblemID, Seq: r.Seq, RequestID: r.RequestID, Action: domain.Action(r.Action),
		ActorID: r.ActorID, ActorName: r.ActorName, ActorRole: domain.Role(r.ActorRole), ActorUnit: r.ActorUnit,
		FromStage: domain.Stage(r.FromStage), ToStage: domain.Stage(r.ToStage), MeasureID: r.MeasureID,
		Reason: r.Reason, At: r.At,
	}
	if r.Payload != "" {
		ev.Payload = json.RawMessage(r.Payload)
	}
	return ev
}

// closureSnapshot is what the closure column holds.
type closureSnapshot struct {
	Evidence       []domain.EvidenceRef `json:"evidence,omitempty"`
	Justifications map[int64]string     `json:"justifications,omitempty"`
	// State is where the request stands (awaiting endorsement, review…).
	State domain.ClosureState `json:"state,omitzero"`
}

// reassignmentsJSON is what the reassignments column holds: empty for none.
func reassignmentsJSON(rs []domain.Reassignment) string {
	if len(rs) == 0 {
		return ""
	}
	return string(mustJSON(rs))
}

// assignmentJSON is what the assignment column holds: empty for none.
func assignmentJSON(a *domain.Assignment) string {
	if a == nil {
		return ""
	}
	return string(mustJSON(a))
}

// extensionsGranted counts the deadline extensions granted on p's measures.
func extensionsGranted(p domain.Problem) int {
	n := 0
	for _, m := range p.Measures {
		n += m.ExtensionCount
	}
	return n
}
