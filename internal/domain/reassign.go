package domain

import (
	"fmt"
	"slices"
	"time"
)

// Reassignment (调整牵头单位) hands a problem, or one measure, that landed
// on the wrong unit to another, with a leader's approval.

// Reassignment statuses.
const (
	ReassignPending  = "pending"
	ReassignApproved = "approved"
	ReassignRejected = "rejected"
)

// Reassignment is one request to change the lead unit.
type Reassignment struct {
	ID int64 `json:"id"`
	// MeasureID, when set, moves only that measure.
	MeasureID   int64     `json:"measure_id,omitempty"`
	FromUnitID  int64     `json:"from_unit_id"`
	ToUnitID    int64     `json:"lead_unit_id"`
	Reason      string    `json:"reason"`
	Status      string    `json:"status"`
	RequestedBy int64     `json:"requested_by"`
	RequestedAt time.Time `json:"requested_at"`
	DecidedBy   int64     `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Comment     string    `json:"comment,omitempty"`
}

// ReassignInput is what a reassignment request names.
type ReassignInput struct {
	LeadUnitID int64 `json:"lead_unit_id"`
	// ID names the request a decision is about.
	ID int64 `json:"id,omitempty"`
}

func requestReassignment(p *Problem, cmd Command, now time.Time, ev *Event) error {
	if p.Stage == StageClosed || p.Stage == StageLookback || p.LeadUnitID == 0 {
		return Errorf(EConflict, "cannot reassign: problem is in stage %q", p.Stage).WithKey("reassign_wrong_stage", "stage", string(p.Stage))
	}
	from := p.LeadUnitID
	if cmd.MeasureID != 0 {
		m, err := p.Measure(cmd.MeasureID)
		if err != nil {
			return err
		}
		from = m.LeadUnitID
	}
	if cmd.Actor.Role != RoleLeader && !cmd.Actor.IsUnitHead(from) {
		return Errorf(EForbidden, "only the head of the current lead unit or a leader may ask to reassign").WithKey("reassign_head_only")
	}
	if cmd.Reassign.LeadUnitID == from {
		return Errorf(EInvalid, "the problem is already led by that unit").WithKey("reassign_same_unit").WithField("lead_unit_id")
	}
	for _, r := range p.Reassignments {
		if r.Status == ReassignPending {
			return Errorf(EConflict, "reassignment %d is still pending", r.ID).WithKey("reassign_pending")
		}
	}
	p.NextReassignmentID++
	r := Reassignment{
		ID: p.NextReassignmentID, MeasureID: cmd.MeasureID, FromUnitID: from, ToUnitID: cmd.Reassign.LeadUnitID,
		Reason: cmd.Text, Status: ReassignPending, RequestedBy: cmd.Actor.UserID, RequestedAt: now,
	}
	p.Reassignments = append(p.Reassignments, r)
	ev.Reason, ev.Payload = cmd.Text, mustJSON(r)
	return nil
}

func decideReassignment(p *Problem, cmd Command, now time.Time, ev *Event) error {
	i := slices.IndexFunc(p.Reassignments, func(r Reassignment) bool { return r.ID == cmd.Reassign.ID })
	if i < 0 {
		return Errorf(ENotFound, "reassignment %d not found", cmd.Reassign.ID).WithKey("reassign_not_found", "id", cmd.Reassign.ID)
	}
	r := &p.Reassignments[i]
	switch {
	case r.Status != ReassignPending:
		return Errorf(EConflict, "reassignment %d is already %s", r.ID, r.Status).WithKey("reassign_decided")
	case r.RequestedBy == cmd.Actor.UserID:
		return Errorf(EForbidden, "the leader who asked may not decide").WithKey("reassign_own")
	case p.Stage == StageClosed || p.Stage == StageLookback:
		return Errorf(EConflict, "cannot reassign: problem is in stage %q", p.Stage).WithKey("reassign_wrong_stage", "stage", string(p.Stage))
	}
	r.DecidedBy, r.DecidedAt, r.Comment = cmd.Actor.UserID, now, cmd.Text
	ev.MeasureID, ev.Reason = r.MeasureID, cmd.Text
	if cmd.Action == ActionRejectReassignment {
		r.Status = ReassignRejected
		ev.Payload = mustJSON(r)
		return nil
	}
	r.Status = ReassignApproved
	ev.Payload = mustJSON(r)
	// Deadlines, evidence and events stay; the handlers were of the old unit.
	for j := range p.Measures {
		m := &p.Measures[j]
		if (r.MeasureID == 0 && m.LeadUnitID == r.FromUnitID) || m.ID == r.MeasureID {
			m.LeadUnitID, m.HandlerID, m.HandlerName = r.ToUnitID, 0, ""
			m.CoUnitIDs = slices.DeleteFunc(m.CoUnitIDs, func(u int64) bool { return u == r.ToUnitID })
		}
	}
	if r.MeasureID == 0 {
		p.LeadUnitID = r.ToUnitID
		if p.Assignment != nil {
			p.Assignment.LeadUnitID = r.ToUnitID
		}
	}
	return nil
}

// formerUnits are the units that led p's work before a reassignment: they
// keep reading what they did.
func (p *Problem) formerUnits() []int64 {
	var ids []int64
	for _, r := range p.Reassignments {
		if r.Status == ReassignApproved {
			ids = append(ids, r.FromUnitID)
		}
	}
	return ids
}

// reassignNotices tell the leaders and both units of a request or decision.
func reassignNotices(p *Problem, ev Event, n Notice, title string) []Notice {
	// The event's payload is the request as it stands after the action.
	var r Reassignment
	if jsonInto(ev.Payload, &r) != nil || r.ID == 0 {
		return nil
	}
	msg := fmt.Sprintf("【调整牵头单位申请】%s申请调整牵头单位:%s", title, r.Reason)
	switch r.Status {
	case ReassignApproved:
		msg = fmt.Sprintf("【调整牵头单位已批准】%s已调整牵头单位", title)
	case ReassignRejected:
		msg = fmt.Sprintf("【调整牵头单位未批准】%s:%s", title, ev.Reason)
	}
	n.Kind, n.Message = NoticeHandoff, msg
	var out []Notice
	for i, aud := range []Audience{{Roles: []Role{RoleLeader}}, {UnitID: r.FromUnitID}, {UnitID: r.ToUnitID}} {
		m := n
		m.Key, m.Audience = fmt.Sprintf("%s:%d", n.Key, i), aud
		out = append(out, m)
	}
	return out
}
