package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// narrativeSave replaces the report's narrative (organisation, next steps,
// contact) as PUT /api/v1/campaigns/:id/narrative does. Saving is a
// replace, so a double submit changes nothing more.
func (h *Handler) narrativeSave(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	if err = formRequestID(c); err == nil {
		_, err = h.svc.SetNarrative(c.Request.Context(), currentUser(c), domain.Narrative{
			CampaignID: id, Organization: c.PostForm("organization"), NextSteps: c.PostForm("next_steps"), Contact: c.PostForm("contact"),
		})
	}
	if err != nil {
		h.formFailed(c, err, func(f *forms) { h.showReports(c, id, httpx.StatusOf(domain.ErrorCode(err)), f, nil) }, "narrative")
		return
	}
	reportsDone(c, id, "save_narrative")
}

// formRequestID checks that a form that is not a workflow decision carries
// a request ID like every form, though its service call is a replace.
func formRequestID(c *gin.Context) error {
	return requestID(c, currentUser(c), "form", &domain.Command{})
}

// reportsDone goes back to the reports page after a successful form.
func reportsDone(c *gin.Context, id int64, action string) {
	redirectDone(c, "/campaigns/"+itoa(id)+"/reports", domain.Action(action))
}
