package api

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// The office's hand-offs (issue 15): 分办, handlers, the head's endorsement.

type assignmentRequest struct {
	LeadUnitID        flexID   `json:"lead_unit_id"`
	CoUnitIDs         []flexID `json:"co_unit_ids"`
	ResponsibleLeader string   `json:"responsible_leader"`
	PlanDue           string   `json:"plan_due"`
}

type handlerRequest struct {
	UserID flexID `json:"user_id"`
}

// assign hands a problem in stage plan to its lead unit (分办), which then
// drafts the plan by plan_due.
func (s *Server) assign(c *gin.Context) {
	var req assignmentRequest
	s.actRespond(c, domain.ActionAssign, false, &req, func(cmd *domain.Command) error {
		due, err := optionalDate("plan_due", req.PlanDue)
		cmd.Assignment = &domain.Assignment{
			LeadUnitID: int64(req.LeadUnitID), CoUnitIDs: ids(req.CoUnitIDs), ResponsibleLeader: req.ResponsibleLeader, PlanDue: due,
		}
		return err
	})
}

// nameHandler names a measure's handler (经办人), a user of its lead unit.
func (s *Server) nameHandler(c *gin.Context) {
	var req handlerRequest
	s.actRespond(c, domain.ActionNameHandler, true, &req, func(cmd *domain.Command) error {
		cmd.Handler = &domain.HandlerRef{UserID: int64(req.UserID)}
		return nil
	})
}

// endorseClosure is the unit head's signature (签字背书) under a staff
// member's closure request: only then does it reach the supervisor.
func (s *Server) endorseClosure(c *gin.Context) {
	var req commentRequest
	s.actRespond(c, domain.ActionEndorseClosure, false, &req, func(cmd *domain.Command) error { cmd.Text = req.Comment; return nil })
}

// returnClosure sends a closure request back to the unit's staff.
func (s *Server) returnClosure(c *gin.Context) {
	var req reasonRequest
	s.actRespond(c, domain.ActionReturnClosure, false, &req, func(cmd *domain.Command) error { cmd.Text = req.Reason; return nil })
}

type reassignmentRequest struct {
	LeadUnitID flexID `json:"lead_unit_id"`
	MeasureID  flexID `json:"measure_id"`
	Reason     string `json:"reason"`
}

// requestReassignment asks to hand the problem, or one measure, to another
// lead unit (调整牵头单位); a leader who did not ask decides.
func (s *Server) requestReassignment(c *gin.Context) {
	var req reassignmentRequest
	s.actRespond(c, domain.ActionRequestReassignment, false, &req, func(cmd *domain.Command) error {
		cmd.Reassign, cmd.MeasureID, cmd.Text = &domain.ReassignInput{LeadUnitID: int64(req.LeadUnitID)}, int64(req.MeasureID), req.Reason
		return nil
	})
}

func (s *Server) approveReassignment(c *gin.Context) {
	var req commentRequest
	s.actRespond(c, domain.ActionApproveReassignment, false, &req, func(cmd *domain.Command) error {
		cmd.Text = req.Comment
		return reassignmentID(c, cmd)
	})
}

func (s *Server) rejectReassignment(c *gin.Context) {
	var req reasonRequest
	s.actRespond(c, domain.ActionRejectReassignment, false, &req, func(cmd *domain.Command) error {
		cmd.Text = req.Reason
		return reassignmentID(c, cmd)
	})
}

func reassignmentID(c *gin.Context, cmd *domain.Command) error {
	id, err := pathID(c, "rid")
	cmd.Reassign = &domain.ReassignInput{ID: id}
	return err
}
