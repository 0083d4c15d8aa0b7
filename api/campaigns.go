package api

import (
	"encoding/json"
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
	// Policy durations: {"warning_window":"3d","ack_window":"48h",…} and
	// endorse_closure (true unless set false).
	Policy *domain.Policy `json:"policy"`
	// policyEndorseSet is whether the policy said endorse_closure at all.
	policyEndorseSet bool
}

// UnmarshalJSON reads the request and notes whether the policy sets
// endorse_closure: a new campaign endorses closures unless it says not to.
func (r *campaignRequest) UnmarshalJSON(b []byte) error {
	type plain campaignRequest
	if err := json.Unmarshal(b, (*plain)(r)); err != nil {
		return err
	}
	var set struct {
		Policy struct {
			EndorseClosure *bool `json:"endorse_closure"`
		} `json:"policy"`
	}
	_ = json.Unmarshal(b, &set)
	r.policyEndorseSet = set.Policy.EndorseClosure != nil
	return nil
}

func (r campaignRequest) toDomain() (domain.Campaign, error) {
	c := domain.Campaign{Title: r.Title, InspectedBody: r.InspectedBody, InspectionTeam: r.InspectionTeam}
	if r.Policy != nil {
		c.Policy = *r.Policy
	}
	if !r.policyEndorseSet {
		c.Policy.EndorseClosure = true
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
