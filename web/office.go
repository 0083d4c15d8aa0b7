package web

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// The office's hand-offs on the problem page (issue 15), as the API's
// assignment, handler, closure endorse/return and reassignments routes.

// assign is the leader's 分办 form: lead unit, plan due date, leader.
func (h *Handler) assign(c *gin.Context) {
	h.act(c, domain.ActionAssign, func(cmd *domain.Command) error {
		unit, _ := strconv.ParseInt(c.PostForm("lead_unit_id"), 10, 64)
		cmd.Assignment = &domain.Assignment{
			LeadUnitID: unit, PlanDue: domain.Date(strings.TrimSpace(c.PostForm("plan_due"))),
			ResponsibleLeader: strings.TrimSpace(c.PostForm("responsible_leader")),
		}
		return nil
	})
}

// nameHandler is the head's (or a leader's) pick of a measure's handler.
func (h *Handler) nameHandler(c *gin.Context) {
	h.act(c, domain.ActionNameHandler, func(cmd *domain.Command) error {
		id, _ := strconv.ParseInt(c.PostForm("user_id"), 10, 64)
		cmd.Handler = &domain.HandlerRef{UserID: id}
		return nil
	})
}

// closureEndorse is the unit head's signature under a closure request.
func (h *Handler) closureEndorse(c *gin.Context) {
	h.act(c, domain.ActionEndorseClosure, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("comment")
		return nil
	})
}

// closureReturn sends a closure request back to the unit's staff.
func (h *Handler) closureReturn(c *gin.Context) {
	h.act(c, domain.ActionReturnClosure, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("reason")
		return nil
	})
}

// reassignRequest asks to hand the problem to another lead unit.
func (h *Handler) reassignRequest(c *gin.Context) {
	h.act(c, domain.ActionRequestReassignment, func(cmd *domain.Command) error {
		unit, _ := strconv.ParseInt(c.PostForm("lead_unit_id"), 10, 64)
		cmd.Reassign, cmd.Text = &domain.ReassignInput{LeadUnitID: unit}, c.PostForm("reason")
		return nil
	})
}

func (h *Handler) reassignApprove(c *gin.Context) {
	h.act(c, domain.ActionApproveReassignment, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("comment")
		return reassignID(c, cmd)
	})
}

func (h *Handler) reassignReject(c *gin.Context) {
	h.act(c, domain.ActionRejectReassignment, func(cmd *domain.Command) error {
		cmd.Text = c.PostForm("reason")
		return reassignID(c, cmd)
	})
}

func reassignID(c *gin.Context, cmd *domain.Command) error {
	id, err := pathID(c, "rid")
	cmd.Reassign = &domain.ReassignInput{ID: id}
	return err
}
