package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

type extensionRequest struct {
	Deadline string `json:"deadline"`
	Reason   string `json:"reason"`
}

type urgeRequest struct {
	Message string `json:"message"`
}

// requestExtension asks for a later deadline (延期申请). The response is the
// new request (with its id) and the problem after it.
func (s *Server) requestExtension(c *gin.Context) {
	var req extensionRequest
	p, ok := s.act(c, domain.ActionRequestExtension, true, &req, func(cmd *domain.Command) error {
		d, err := optionalDate("deadline", req.Deadline)
		cmd.Deadline, cmd.Text = d, req.Reason
		return err
	})
	if !ok {
		return
	}
	ext := p.Extensions[len(p.Extensions)-1]
	c.JSON(http.StatusCreated, extensionCreated{
		ID: ext.ID, MeasureID: ext.MeasureID, Deadline: ext.Deadline, PreviousDeadline: ext.Previous,
		Reason: ext.Reason, Status: ext.Status, RequestedBy: ext.RequestedBy, RequestedAt: ext.RequestedAt,
		Problem: p,
	})
}

func (s *Server) approveExtension(c *gin.Context) {
	var req commentRequest
	s.actRespond(c, domain.ActionApproveExtension, true, &req, func(cmd *domain.Command) error {
		cmd.Text = req.Comment
		return extensionID(c, cmd)
	})
}

func (s *Server) rejectExtension(c *gin.Context) {
	var req reasonRequest
	s.actRespond(c, domain.ActionRejectExtension, true, &req, func(cmd *domain.Command) error {
		cmd.Text = req.Reason
		return extensionID(c, cmd)
	})
}

func extensionID(c *gin.Context, cmd *domain.Command) error {
	var err error
	cmd.ExtensionID, err = pathID(c, "rid")
	return err
}

// urge sends a manual reminder (催办) to the problem's lead unit.
func (s *Server) urge(c *gin.Context) {
	var req urgeRequest
	s.actRespond(c, domain.ActionUrge, false, &req, func(cmd *domain.Command) error {
		cmd.Text = req.Message
		return nil
	})
}
