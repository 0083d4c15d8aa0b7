package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// verifyAudit answers 200 with the report whether or not the chain is
// intact: the request succeeded, and "ok" says what it found.
func (s *Server) verifyAudit(c *gin.Context) {
	rep, err := s.svc.VerifyAudit(c.Request.Context(), currentUser(c))
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}
