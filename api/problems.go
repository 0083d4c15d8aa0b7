package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

type problemRequest struct {
	Number      int    `json:"number"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Section     string `json:"section"`
}

func (s *Server) createProblem(c *gin.Context) {
	campaignID, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var req problemRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	p, err := s.svc.CreateProblem(c.Request.Context(), currentUser(c), domain.NewProblem{
		CampaignID: campaignID, Number: req.Number, Title: req.Title, Description: req.Description, Section: req.Section,
	})
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, p)
}

func (s *Server) listProblems(c *gin.Context) {
	var f domain.ProblemFilter
	var err error
	if f.CampaignID, err = queryID(c, "campaign_id"); err != nil {
		s.renderError(c, err)
		return
	}
	if f.UnitID, err = queryID(c, "unit_id"); err != nil {
		s.renderError(c, err)
		return
	}
	if f.Offset, err = queryInt(c, "offset", 0, 1_000_000); err != nil {
		s.renderError(c, err)
		return
	}
	if f.Limit, err = queryInt(c, "limit", 50, 500); err != nil {
		s.renderError(c, err)
		return
	}
	f.Stage = domain.Stage(c.Query("stage"))
	f.Light = domain.Light(c.Query("light"))
	problems, total, err := s.svc.ListProblems(c.Request.Context(), currentUser(c), f)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, list(problems, total))
}

// problemDetail is a problem with its progress reports.
type problemDetail struct {
	domain.Problem
	Progress []domain.ProgressEntry `json:"progress"`
}

func (s *Server) getProblem(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	p, err := s.svc.Problem(c.Request.Context(), currentUser(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	progress, err := s.svc.Progress(c.Request.Context(), currentUser(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	if progress == nil {
		progress = []domain.ProgressEntry{}
	}
	c.JSON(http.StatusOK, problemDetail{Problem: p, Progress: progress})
}

func (s *Server) listEvents(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	events, err := s.svc.Events(c.Request.Context(), currentUser(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, list(events, int64(len(events))))
}
