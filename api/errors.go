package api

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
	"github.com/rectify/rectify/internal/i18n"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

// errorDetail is a refusal as clients see it: the code the status follows,
// a stable key and its params for programs, the field at fault for input
// errors, and the message in the language the request asked for.
type errorDetail struct {
	Code    string         `json:"code"`
	Key     string         `json:"key"`
	Message string         `json:"message"`
	Field   string         `json:"field,omitempty"`
	Params  map[string]any `json:"params,omitempty"`
}

// renderError writes err as {"error":{code,key,message,field,params}}.
// Internal errors are logged with their detail; the client gets a generic
// message.
func (s *Server) renderError(c *gin.Context, err error) {
	code := domain.ErrorCode(err)
	if code == domain.EInternal {
		s.logger.ErrorContext(c.Request.Context(), "request failed",
			slog.String("method", c.Request.Method), slog.String("path", c.FullPath()), slog.Any("error", err))
	}
	if code == domain.EUnavailable {
		c.Header("Retry-After", "5")
	}
	c.AbortWithStatusJSON(httpx.StatusOf(code), errorBody{Error: s.errorDetail(c, err)})
}

// errorDetail renders err in the language of the request's Accept-Language
// (Chinese unless English is preferred). An error without a key of its own
// is keyed by its code; its message is the English detail in English and
// the code's general message in Chinese, so that no English reaches a
// Chinese reader.
func (s *Server) errorDetail(c *gin.Context, err error) errorDetail {
	lang := i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
	code := domain.ErrorCode(err)
	d := errorDetail{Code: code, Key: code}
	e := domain.AsError(err)
	if e == nil || code == domain.EInternal {
		d.Message, _ = s.cat.Error(lang, code, nil)
		return d
	}
	d.Field, d.Params = e.Field, e.Params
	if e.Key != "" {
		if msg, ok := s.cat.Error(lang, e.Key, e.Params); ok {
			d.Key, d.Message = e.Key, msg
			return d
		}
	}
	if lang == "en" {
		d.Message = e.Message
	} else {
		d.Message, _ = s.cat.Error(lang, code, nil)
	}
	return d
}
