package web

import (
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// evidenceWithdraw (撤回) marks the uploader's own evidence withdrawn,
// before closure is requested. Withdrawing twice is refused as a conflict,
// so a double submit changes nothing.
func (h *Handler) evidenceWithdraw(c *gin.Context) {
	problemID, err := pathID(c, "id")
	if err != nil {
		h.renderError(c, err)
		return
	}
	id, err := pathID(c, "eid")
	if err != nil {
		h.renderError(c, err)
		return
	}
	name := "withdraw_evidence-" + itoa(id)
	if err := formRequestID(c); err != nil {
		h.formFailed(c, err, func(f *forms) {
			f.problemID = problemID
			h.showRefused(c, problemID, c.PostForm("back"), httpx.StatusOf(domain.ErrorCode(err)), f)
		}, name)
		return
	}
	if _, err := h.svc.WithdrawEvidence(c.Request.Context(), currentUser(c), id); err != nil {
		h.formFailed(c, err, func(f *forms) {
			f.problemID = problemID
			h.showRefused(c, problemID, c.PostForm("back"), httpx.StatusOf(domain.ErrorCode(err)), f)
		}, name)
		return
	}
	redirectDone(c, localPath(c.PostForm("back"), "/problems/"+itoa(problemID)), recordWithdrawEvidence)
}
