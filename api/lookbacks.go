package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// Look-backs (回头看). Only the discipline role starts, asks and concludes;
// the lead unit answers; unit users read only look-backs of their problems.

type lookbackRequest struct {
	Title       string   `json:"title"`
	DueDate     string   `json:"due_date"`
	ReviewerIDs []flexID `json:"reviewer_ids"`
	ProblemIDs  []flexID `json:"problem_ids"`
	CampaignID  flexID   `json:"campaign_id"`
	UnitID      flexID   `json:"unit_id"`
	Sample      *struct {
		Count    int   `json:"count"`
		Percent  int   `json:"percent"`
		Seed     int64 `json:"seed"`
		Weighted bool  `json:"weighted"`
	} `json:"sample"`
}

type concludeRequest struct {
	Result     string   `json:"result"`
	Finding    string   `json:"finding"`
	Reason     string   `json:"reason"`
	Deadline   string   `json:"deadline"`
	MeasureIDs []flexID `json:"measure_ids"`
}

type textRequest struct {
	Text string `json:"text"`
}

// startLookback creates a look-back and puts its problems under review. An
// Idempotency-Key makes a retry resume the same look-back.
func (s *Server) startLookback(c *gin.Context) {
	var req lookbackRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	due, err := optionalDate("due_date", req.DueDate)
	if err != nil {
		s.renderError(c, err)
		return
	}
	in := domain.NewLookback{
		Title: req.Title, DueDate: due, ReviewerIDs: ids(req.ReviewerIDs),
		Scope: domain.LookbackScope{ProblemIDs: ids(req.ProblemIDs), CampaignID: int64(req.CampaignID), UnitID: int64(req.UnitID)},
	}
	if req.Sample != nil {
		in.Scope.Sample = &domain.LookbackSample{Count: req.Sample.Count, Percent: req.Sample.Percent, Seed: req.Sample.Seed, Weighted: req.Sample.Weighted}
	}
	key, err := idempotencyKey(c)
	if err != nil {
		s.renderError(c, err)
		return
	}
	lb, err := s.svc.StartLookback(c.Request.Context(), currentUser(c), in, key)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, lb)
}

func (s *Server) listLookbacks(c *gin.Context) {
	items, err := s.svc.ListLookbacks(c.Request.Context(), currentUser(c))
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, int64(len(items))))
}

func (s *Server) getLookback(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	lb, err := s.svc.Lookback(c.Request.Context(), currentUser(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, lb)
}

// lookbackSampleSize answers how many closed problems a simple random
// sample must check, none reopened, for the 95% upper bound on the share
// of unsound closures to be at most bound:
// GET /lookbacks/sample-size?population=N|campaign_id=C&bound=0.05.
func (s *Server) lookbackSampleSize(c *gin.Context) {
	campaignID, err := queryID(c, "campaign_id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	population, err := queryInt(c, "population", 0, 10_000_000)
	if err != nil {
		s.renderError(c, err)
		return
	}
	bound, err := strconv.ParseFloat(c.DefaultQuery("bound", "0.05"), 64)
	if err != nil {
		s.renderError(c, domain.Errorf(domain.EInvalid, "bound must be a number between 0 and 1").WithKey("sample_size_bound").WithField("bound"))
		return
	}
	out, err := s.svc.LookbackSampleSize(c.Request.Context(), currentUser(c), campaignID, population, bound)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) lookbackStats(c *gin.Context) {
	campaignID, err := queryID(c, "campaign_id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	items, err := s.svc.LookbackStats(c.Request.Context(), currentUser(c), campaignID)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, list(items, int64(len(items))))
}

// requestMaterial asks the problem's lead unit for material (discipline).
func (s *Server) requestMaterial(c *gin.Context) {
	var req textRequest
	s.lookbackAct(c, domain.ActionRequestMaterial, http.StatusCreated, &req, func(cmd *domain.Command) error {
		cmd.Text = req.Text
		return nil
	})
}

// answerMaterial is the lead unit's answer. TODO(evidence): take evidence
// attachments once evidence exists; the answer is text until then.
func (s *Server) answerMaterial(c *gin.Context) {
	var req textRequest
	s.lookbackAct(c, domain.ActionAnswerMaterial, http.StatusCreated, &req, func(cmd *domain.Command) error {
		cmd.Text = req.Text
		return nil
	})
}

// concludeLookback confirms the closure or reopens the problem (discipline).
func (s *Server) concludeLookback(c *gin.Context) {
	var req concludeRequest
	s.lookbackAct(c, domain.ActionConcludeLookback, http.StatusOK, &req, func(cmd *domain.Command) error {
		d, err := optionalDate("deadline", req.Deadline)
		cmd.Result, cmd.Finding, cmd.Text, cmd.Deadline = domain.LookbackResult(req.Result), req.Finding, req.Reason, d
		if len(req.MeasureIDs) > 0 {
			cmd.MeasureIDs = ids(req.MeasureIDs)
		}
		return err
	})
}

// lookbackAct binds the body, fills the command and sends it to the
// problem's workflow through the service; the response is the problem.
func (s *Server) lookbackAct(c *gin.Context, action domain.Action, status int, req any, fill func(*domain.Command) error) {
	lookbackID, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	problemID, err := pathID(c, "pid")
	if err != nil {
		s.renderError(c, err)
		return
	}
	u := currentUser(c)
	cmd := domain.Command{Action: action}
	if cmd.RequestID, err = requestID(c, u, action, problemID); err != nil {
		s.renderError(c, err)
		return
	}
	if err := bindJSON(c, req); err != nil {
		s.renderError(c, err)
		return
	}
	if err := fill(&cmd); err != nil {
		s.renderError(c, err)
		return
	}
	p, err := s.svc.LookbackAction(c.Request.Context(), u, lookbackID, problemID, cmd)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(status, p)
}
