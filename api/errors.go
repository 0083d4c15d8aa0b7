package api

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// renderError writes err as {"error":{code,message}}. Internal errors are
// logged with their detail; the client gets a generic message.
func (s *Server) renderError(c *gin.Context, err error) {
	code := domain.ErrorCode(err)
	if code == domain.EInternal {
		s.logger.ErrorContext(c.Request.Context(), "request failed",
			slog.String("method", c.Request.Method), slog.String("path", c.FullPath()), slog.Any("error", err))
	}
	if code == domain.EUnavailable {
		c.Header("Retry-After", "5")
	}
	c.AbortWithStatusJSON(httpx.StatusOf(code), errorBody{Error: errorDetail{Code: code, Message: domain.ErrorMessage(err)}})
}
