package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/rectify/rectify/internal/domain"
)

// Every action is an Update to the problem's workflow. Its request ID comes
// from the Idempotency-Key header, scoped to the user and the action, so a
// retried click is applied once; without the header each call is new.

type planRequest struct {
	LeadUnitID flexID           `json:"lead_unit_id"`
	Measures   []measureRequest `json:"measures"`
}

type measureRequest struct {
	Title             string   `json:"title"`
	Kind              string   `json:"kind"`
	LeadUnitID        flexID   `json:"lead_unit_id"`
	CoUnitIDs         []flexID `json:"co_unit_ids"`
	ResponsibleLeader string   `json:"responsible_leader"`
	Deadline          string   `json:"deadline"`
	// HandlerID names the measure's handler, a user of its lead unit.
	HandlerID flexID `json:"handler_id"`
}

type progressRequest struct {
	Text    string `json:"text"`
	Percent *int   `json:"percent"`
}

type summaryRequest struct {
	Summary string `json:"summary"`
}

type commentRequest struct {
	Comment string `json:"comment"`
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) submitPlan(c *gin.Context) {
	var req planRequest
	s.actRespond(c, domain.ActionSubmitPlan, false, &req, func(cmd *domain.Command) error {
		plan := domain.PlanInput{LeadUnitID: int64(req.LeadUnitID)}
		for i, m := range req.Measures {
			deadline, err := optionalDate(fmt.Sprintf("measure %d: deadline", i+1), m.Deadline)
			if err != nil {
				return err
			}
			plan.Measures = append(plan.Measures, domain.MeasureInput{
				Title: m.Title, Kind: domain.MeasureKind(m.Kind), LeadUnitID: int64(m.LeadUnitID),
				CoUnitIDs: ids(m.CoUnitIDs), ResponsibleLeader: m.ResponsibleLeader, Deadline: deadline, HandlerID: int64(m.HandlerID),
			})
		}
		cmd.Plan = &plan
		return nil
	})
}

func (s *Server) approvePlan(c *gin.Context) {
	var req commentRequest
	s.actRespond(c, domain.ActionApprovePlan, false, &req, func(cmd *domain.Command) error { cmd.Text = req.Comment; return nil })
}

func (s *Server) rejectPlan(c *gin.Context) {
	var req reasonRequest
	s.actRespond(c, domain.ActionRejectPlan, false, &req, func(cmd *domain.Command) error { cmd.Text = req.Reason; return nil })
}

func (s *Server) acknowledge(c *gin.Context) {
	s.actRespond(c, domain.ActionAcknowledge, true, nil, nil)
}

func (s *Server) reportProgress(c *gin.Context) {
	var req progressRequest
	s.actRespond(c, domain.ActionReportProgress, true, &req, func(cmd *domain.Command) error {
		cmd.Progress = &domain.ProgressInput{Text: req.Text, Percent: req.Percent}
		return nil
	})
}

func (s *Server) completeMeasure(c *gin.Context) {
	var req summaryRequest
	s.actRespond(c, domain.ActionCompleteMeasure, true, &req, func(cmd *domain.Command) error { cmd.Text = req.Summary; return nil })
}

type closureRequest struct {
	Summary string `json:"summary"`
	// Justifications explain, per measure ID, why a measure has no evidence.
	Justifications map[string]string `json:"justifications"`
}

func (s *Server) requestClosure(c *gin.Context) {
	var req closureRequest
	s.actRespond(c, domain.ActionRequestClosure, false, &req, func(cmd *domain.Command) error {
		cmd.Text = req.Summary
		if len(req.Justifications) > domain.MaxMeasures {
			return domain.Errorf(domain.EInvalid, "too many justifications").WithKey("justifications_invalid").WithField("justifications")
		}
		for key, text := range req.Justifications {
			id, err := strconv.ParseInt(key, 10, 64)
			if err != nil || id <= 0 {
				return domain.Errorf(domain.EInvalid, "justifications are keyed by measure ID, not %q", key).WithKey("justifications_invalid").WithField("justifications")
			}
			if cmd.Justifications == nil {
				cmd.Justifications = map[int64]string{}
			}
			cmd.Justifications[id] = text
		}
		return nil
	})
}

func (s *Server) approveClosure(c *gin.Context) {
	var req commentRequest
	s.actRespond(c, domain.ActionApproveClosure, false, &req, func(cmd *domain.Command) error { cmd.Text = req.Comment; return nil })
}

func (s *Server) rejectClosure(c *gin.Context) {
	var req reasonRequest
	s.actRespond(c, domain.ActionRejectClosure, false, &req, func(cmd *domain.Command) error { cmd.Text = req.Reason; return nil })
}

// act is the shared shape of every action handler: read the IDs, bind the
// body into req (an empty body is allowed where req is optional), fill the
// command, send it, render the problem.
func (s *Server) act(c *gin.Context, action domain.Action, onMeasure bool, req any, fill func(*domain.Command) error) (domain.Problem, bool) {
	problemID, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return domain.Problem{}, false
	}
	u := currentUser(c)
	cmd := domain.Command{Action: action, Actor: u.Actor()}
	if onMeasure {
		if cmd.MeasureID, err = pathID(c, "mid"); err != nil {
			s.renderError(c, err)
			return domain.Problem{}, false
		}
	}
	if cmd.RequestID, err = requestID(c, u, action, problemID); err != nil {
		s.renderError(c, err)
		return domain.Problem{}, false
	}
	if req != nil && (c.Request.ContentLength != 0 || !optionalBody[action]) {
		if err := bindJSON(c, req); err != nil {
			s.renderError(c, err)
			return domain.Problem{}, false
		}
	}
	if fill != nil {
		if err := fill(&cmd); err != nil {
			s.renderError(c, err)
			return domain.Problem{}, false
		}
	}
	p, err := s.svc.Act(c.Request.Context(), problemID, cmd)
	if err != nil {
		s.renderError(c, err)
		return domain.Problem{}, false
	}
	return p, true
}

// actRespond runs act and renders the problem after it.
func (s *Server) actRespond(c *gin.Context, action domain.Action, onMeasure bool, req any, fill func(*domain.Command) error) {
	if p, ok := s.act(c, action, onMeasure, req, fill); ok {
		c.JSON(http.StatusOK, p)
	}
}

// optionalBody lists the actions whose body may be left out: all their
// fields are optional.
var optionalBody = map[domain.Action]bool{
	domain.ActionApprovePlan: true, domain.ActionApproveClosure: true,
	domain.ActionRequestClosure: true, domain.ActionApproveExtension: true,
}

func requestID(c *gin.Context, u domain.User, action domain.Action, problemID int64) (string, error) {
	key, err := idempotencyKey(c)
	if err != nil || key == "" {
		return uuid.NewString(), err
	}
	return fmt.Sprintf("u%d:%s:%s", u.ID, action, key), nil
}
