// Package api is Rectify's JSON HTTP API. Handlers are thin: bind, validate,
// call one service method, render.
package api

import (
	"errors"
	"github.com/rectify/rectify/internal/apidocs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
	"github.com/rectify/rectify/internal/i18n"
	"github.com/rectify/rectify/internal/logging"
	"github.com/rectify/rectify/internal/service"
)

// Server serves the API.
type Server struct {
	svc    *service.Service
	logger *slog.Logger
	router *gin.Engine
	cat    *i18n.Catalogue
	// evidenceLimit bounds one evidence file, in bytes.
	evidenceLimit int64
	// openAPI is the document GET /api/v1/openapi.json serves, built once.
	openAPI    []byte
	openAPIErr error
}

// WithEvidenceLimit sets the evidence file size limit.
func (s *Server) WithEvidenceLimit(n int64) *Server {
	if n > 0 {
		s.evidenceLimit = n
	}
	return s
}

// WithTrustedProxies names the reverse proxies whose X-Forwarded-For gives
// the client address; by default none is trusted and the client is the
// connection's peer, so nobody can claim another address.
func (s *Server) WithTrustedProxies(proxies []string) error {
	return s.router.SetTrustedProxies(proxies)
}

// New builds the router.
func New(svc *service.Service, logger *slog.Logger) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{svc: svc, logger: logger, router: gin.New(), cat: i18n.MustLoad(), evidenceLimit: domain.DefaultEvidenceMaxBytes}
	s.openAPI, s.openAPIErr = openAPIDocument()
	_ = s.router.SetTrustedProxies(nil) // nil cannot fail to parse
	s.router.Use(httpx.RecordRoute)
	s.router.Use(securityHeaders)
	s.router.Use(gin.CustomRecovery(func(c *gin.Context, recovered any) {
		logger.ErrorContext(c.Request.Context(), "panic", slog.Any("panic", recovered), slog.String("path", c.Request.URL.Path))
		c.AbortWithStatusJSON(http.StatusInternalServerError, errorBody{Error: s.errorDetail(c, errors.New("panic"))})
	}))
	s.router.NoRoute(func(c *gin.Context) {
		s.renderError(c, domain.Errorf(domain.ENotFound, "no such endpoint").WithKey("no_endpoint"))
	})
	s.router.HandleMethodNotAllowed = true
	s.router.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{Error: s.errorDetail(c, domain.Errorf(domain.EInvalid, "method not allowed").WithKey("method_not_allowed"))})
	})
	s.routes()
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

func (s *Server) routes() {
	r := s.router
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/api/v1/openapi.json", s.getOpenAPI)
	r.GET("/api/docs", gin.WrapF(apidocs.Page))
	r.GET("/api/docs/rapidoc-min.js", gin.WrapF(apidocs.Viewer))

	v1 := r.Group("/api/v1")
	v1.POST("/auth/login", s.login)

	authed := v1.Group("", s.authenticate)
	authed.POST("/auth/logout", s.logout)
	authed.GET("/me", s.me)

	authed.GET("/units", s.listUnits)
	authed.POST("/units", s.createUnit)
	authed.GET("/users", s.listUsers)
	authed.POST("/users", s.createUser)
	authed.GET("/api-tokens", s.listAPITokens)
	authed.POST("/api-tokens", s.createAPIToken)
	authed.POST("/api-tokens/:id/revoke", s.revokeAPIToken)

	authed.GET("/campaigns", s.listCampaigns)
	authed.POST("/campaigns", s.createCampaign)
	authed.GET("/campaigns/:id", s.getCampaign)
	authed.POST("/campaigns/:id/problems", s.createProblem)
	authed.POST("/campaigns/:id/import", s.importFile)
	authed.GET("/campaigns/:id/report", s.getReport)
	authed.GET("/campaigns/:id/report/check", s.getReportCheck)
	authed.GET("/campaigns/:id/ledger.xlsx", s.getLedger)
	authed.GET("/campaigns/:id/narrative", s.getNarrative)
	authed.PUT("/campaigns/:id/narrative", s.putNarrative)

	authed.GET("/problems", s.listProblems)
	authed.GET("/problems/:id", s.getProblem)
	authed.GET("/problems/:id/events", s.listEvents)
	authed.POST("/problems/:id/plan", s.submitPlan)
	authed.POST("/problems/:id/plan/approve", s.approvePlan)
	authed.POST("/problems/:id/plan/reject", s.rejectPlan)
	authed.POST("/problems/:id/measures/:mid/acknowledge", s.acknowledge)
	authed.POST("/problems/:id/measures/:mid/progress", s.reportProgress)
	authed.POST("/problems/:id/measures/:mid/complete", s.completeMeasure)
	authed.POST("/problems/:id/closure-request", s.requestClosure)
	authed.POST("/problems/:id/closure/approve", s.approveClosure)
	authed.POST("/problems/:id/closure/reject", s.rejectClosure)
	authed.POST("/problems/:id/closure/endorse", s.endorseClosure)
	authed.POST("/problems/:id/closure/return", s.returnClosure)
	authed.POST("/problems/:id/assignment", s.assign)
	authed.POST("/problems/:id/measures/:mid/handler", s.nameHandler)
	authed.POST("/problems/:id/reassignments", s.requestReassignment)
	authed.POST("/problems/:id/reassignments/:rid/approve", s.approveReassignment)
	authed.POST("/problems/:id/reassignments/:rid/reject", s.rejectReassignment)
	authed.POST("/problems/:id/urge", s.urge)
	authed.GET("/problems/:id/flags", s.problemFlags)
	authed.GET("/campaigns/:id/flags", s.campaignFlags)
	authed.POST("/flags/:fid/dismiss", s.dismissFlag)
	authed.POST("/problems/:id/measures/:mid/extension-requests", s.requestExtension)
	authed.POST("/problems/:id/measures/:mid/extension-requests/:rid/approve", s.approveExtension)
	authed.POST("/problems/:id/measures/:mid/extension-requests/:rid/reject", s.rejectExtension)
	authed.GET("/campaigns/:id/stats", s.campaignStats)
	authed.PUT("/campaigns/:id/schedule", s.setSchedule)
	authed.POST("/campaigns/:id/schedule/trigger", s.triggerSchedule)
	authed.GET("/notifications", s.listNotifications)
	authed.POST("/problems/:id/measures/:mid/evidence", s.uploadEvidence)
	authed.GET("/problems/:id/evidence", s.listEvidence)
	authed.GET("/evidence/:eid", s.downloadEvidence)
	authed.POST("/evidence/:eid/withdraw", s.withdrawEvidence)
	authed.POST("/problems/:id/outcomes", s.addOutcome)
	authed.GET("/problems/:id/outcomes", s.listOutcomes)
	authed.GET("/reviews/closures", s.closureReviews)
	authed.POST("/notifications/:id/read", s.readNotification)
	authed.POST("/lookbacks", s.startLookback)
	authed.GET("/lookbacks", s.listLookbacks)
	authed.GET("/lookbacks/stats", s.lookbackStats)
	authed.GET("/lookbacks/sample-size", s.lookbackSampleSize)
	authed.GET("/lookbacks/:id", s.getLookback)
	authed.POST("/lookbacks/:id/problems/:pid/requests", s.requestMaterial)
	authed.POST("/lookbacks/:id/problems/:pid/answers", s.answerMaterial)
	authed.POST("/lookbacks/:id/problems/:pid/conclude", s.concludeLookback)
	authed.GET("/admin/audit/verify", s.verifyAudit)
	authed.POST("/me/password", s.changePassword)
	authed.POST("/users/:id/disable", s.disableUser)
	authed.POST("/users/:id/enable", s.enableUser)
	authed.PATCH("/users/:id", s.updateUser)
	authed.POST("/users/:id/password-reset", s.resetPassword)
}

// authenticate resolves the bearer token to a user, or answers 401.
func (s *Server) authenticate(c *gin.Context) {
	header := c.GetHeader("Authorization")
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || token == "" {
		s.renderError(c, domain.Errorf(domain.EUnauthorized, "send Authorization: Bearer <token> (POST /api/v1/auth/login gives one)").WithKey("token_required"))
		return
	}
	token = strings.TrimSpace(token)
	u, err := s.svc.Authenticate(c.Request.Context(), token)
	if err != nil {
		s.renderError(c, err)
		return
	}
	if err := httpx.Gate(routeAccess, c.Request.Method, c.FullPath(), u); err != nil {
		s.renderError(c, err)
		return
	}
	if !passwordChangeRoutes[c.Request.Method+" "+c.FullPath()] {
		if err := service.PasswordChangeRequired(u); err != nil {
			s.renderError(c, err)
			return
		}
	}
	c.Set("user", u)
	c.Set("token", token)
	logging.FromContext(c.Request.Context()).SetUser(u.ID)
	c.Next()
}

// passwordChangeRoutes are what a user whose password an admin reset may
// still call: who am I, the change itself, signing out.
var passwordChangeRoutes = map[string]bool{
	"GET /api/v1/me": true, "POST /api/v1/me/password": true, "POST /api/v1/auth/logout": true,
}

// currentUser is the user authenticate found.
func currentUser(c *gin.Context) domain.User {
	u, _ := c.Get("user")
	user, _ := u.(domain.User)
	return user
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, statusBody{Status: "ok"})
}

func (s *Server) readyz(c *gin.Context) {
	if err := s.svc.Ready(c.Request.Context()); err != nil {
		s.logger.WarnContext(c.Request.Context(), "not ready", slog.Any("error", err))
		c.Header("Retry-After", "5")
		c.JSON(http.StatusServiceUnavailable, statusBody{Status: "unavailable"})
		return
	}
	c.JSON(http.StatusOK, statusBody{Status: "ready"})
}

type listBody[T any] struct {
	Items []T   `json:"items"`
	Total int64 `json:"total"`
}

func list[T any](items []T, total int64) listBody[T] {
	if items == nil {
		items = []T{}
	}
	return listBody[T]{Items: items, Total: total}
}
