package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// createdAPIToken is the only answer that carries the token itself.
type createdAPIToken struct {
	domain.APIToken
	Token string `json:"token"`
}

func (s *Server) createAPIToken(c *gin.Context) {
	var req domain.NewAPIToken
	if err := bindJSON(c, &req); err != nil {
		s.renderError(c, err)
		return
	}
	token, t, err := s.svc.CreateAPIToken(c.Request.Context(), currentUser(c), req)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusCreated, createdAPIToken{APIToken: t, Token: token})
}

func (s *Server) listAPITokens(c *gin.Context) {
	tokens, err := s.svc.ListAPITokens(c.Request.Context(), currentUser(c))
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, apiTokensBody{APITokens: tokens})
}

func (s *Server) revokeAPIToken(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		s.renderError(c, err)
		return
	}
	t, err := s.svc.RevokeAPIToken(c.Request.Context(), currentUser(c), id)
	if err != nil {
		s.renderError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}
