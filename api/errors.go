package api

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
)

// statusOf is the one place where error codes become HTTP statuses.
func statusOf(code string) int {
	switch code {
	case domain.EInvalid:
		return http.StatusBadRequest
	case domain.EUnauthorized:
		return http.StatusUnauthorized
	case domain.EForbidden:
		return http.StatusForbidden
	case domain.ENotFound:
		return http.StatusNotFound
	case domain.EConflict:
		return http.StatusConflict
	case domain.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

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
	c.AbortWithStatusJSON(statusOf(code), errorBody{Error: errorDetail{Code: code, Message: domain.ErrorMessage(err)}})
}
