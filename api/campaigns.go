package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

type campaignRequest struct {
	Title           string `json:"title"`
	InspectedBody   string `json:"inspected_body"`
	InspectionTeam  string `json:"inspection_team"`
	InspectionStart string `json:"inspection_start"`
	InspectionEnd   string `json:"inspection_end"`
	FeedbackDate    string `json:"feedback_date"`
	// Policy durations: {"warning_window":"3d","ack_window":"48h",…}.
	Policy *domain.Policy `json:"policy"`
}

func (r campaignRequest) toDomain() (domain.Campaign, error) {
	c := domain.Campaign{Title: r.Title, InspectedBody: r.InspectedBody, InspectionTeam: r.InspectionTeam}
	if r.Policy != nil {
		c.Policy = *r.Policy
	}
	var err error
	if c.InspectionStart, err = optionalDate("inspection_start", r.InspectionStart); err != nil {
		return c, err
	}
	if c.InspectionEnd, err = optionalDate("inspection_end", r.InspectionEnd); err != nil {
		return c, err
	}
	c.FeedbackDate, err = optionalDate("feedback_date", r.FeedbackDate)
	return c, err
}

func (s *Server) createCampaign(c *gin.Context) {
	var req campaignRequest
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	in, err := req.toDomain()
	if err != nil {
		s.renderError(c, err)
		return
	}
	campaign, err := s.svc.CreateCampaign(c.Request.Context(), currentUser(c), in)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, campaign)
}

func (s *Server) listCampaigns(c *gin.Context) {
	campaigns, err := s.svc.Campaigns(c.Request.Context())
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, list(campaigns, int64(len(campaigns))))
}

func (s *Server) getCampaign(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	sum, err := s.svc.Campaign(c.Request.Context(), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, sum)
}
