package api

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/i18n"
	"github.com/rectify/rectify/internal/report"
)

// getReport answers a campaign's progress report (通报):
// GET /campaigns/:id/report?format=md|html|docx (md by default).
func (s *Server) getReport(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	format := c.DefaultQuery("format", report.FormatMarkdown)
	contentType, ext, ok := report.ContentType(format)
	if !ok {
		s.renderError(c, domain.Errorf(domain.EInvalid, "format must be md, html or docx").WithKey("report_format_invalid").WithField("format"))
		return
	}
	// Built whole before answering, so a failure is an error response and
	// not a truncated document.
	var buf bytes.Buffer
	if err := s.svc.WriteReport(c.Request.Context(), currentUser(c), id, format, &buf); err != nil {
		s.renderError(c, err)
		return
	}
	disposition := "inline"
	if format == report.FormatDOCX {
		disposition = "attachment"
	}
	c.Header("Content-Disposition", fmt.Sprintf(`%s; filename="report-%d%s"`, disposition, id, ext))
	c.Header("Content-Security-Policy", report.SecurityPolicy)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, contentType, buf.Bytes())
}

// reportCheck is the report checked against the records before publishing.
type reportCheck struct {
	OK       bool            `json:"ok"`
	Date     domain.Date     `json:"date"`
	Findings []reportFinding `json:"findings"`
}

// reportFinding is one finding with its message in the request's language.
type reportFinding struct {
	Kind      string         `json:"kind"`
	ProblemID int64          `json:"problem_id,omitempty"`
	Message   string         `json:"message"`
	Key       string         `json:"key"`
	Params    map[string]any `json:"params,omitempty"`
}

// getReportCheck answers the report's check before publishing:
// GET /campaigns/:id/report/check?date=YYYY-MM-DD (today by default).
func (s *Server) getReportCheck(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	date, findings, err := s.svc.CheckReport(c.Request.Context(), currentUser(c), id, domain.Date(c.Query("date")))
	if err != nil {
		s.renderError(c, err)
		return
	}
	lang := i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
	out := reportCheck{OK: len(findings) == 0, Date: date, Findings: make([]reportFinding, len(findings))}
	for i, f := range findings {
		msg, _ := s.cat.Render(lang, f.Key, f.Params)
		out.Findings[i] = reportFinding{Kind: f.Kind, ProblemID: f.ProblemID, Message: msg, Key: f.Key, Params: f.Params}
	}
	c.JSON(http.StatusOK, out)
}

// getLedger answers a campaign's ledger (整改台账): GET /campaigns/:id/ledger.xlsx.
func (s *Server) getLedger(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := s.svc.WriteLedger(c.Request.Context(), currentUser(c), id, &buf); err != nil {
		s.renderError(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="ledger-%d.xlsx"`, id))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

type narrativeRequest struct {
	Organization string `json:"organization"`
	NextSteps    string `json:"next_steps"`
	Contact      string `json:"contact"`
}

// getNarrative answers the report narrative: GET /campaigns/:id/narrative.
func (s *Server) getNarrative(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	n, err := s.svc.Narrative(c.Request.Context(), currentUser(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}

// putNarrative replaces the report narrative: PUT /campaigns/:id/narrative
// {organization, next_steps, contact}.
func (s *Server) putNarrative(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	var req narrativeRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	n, err := s.svc.SetNarrative(c.Request.Context(), currentUser(c), domain.Narrative{
		CampaignID: id, Organization: req.Organization, NextSteps: req.NextSteps, Contact: req.Contact,
	})
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, n)
}
