package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// routes is the one list of the UI's pages and actions. Every POST passes
// the session check and then the CSRF check.
func (h *Handler) routes(r *gin.Engine, static http.FileSystem) {
	r.GET("/static/*filepath", cacheStatic, gin.WrapH(http.StripPrefix("/static/", http.FileServer(static))))
	r.GET("/lang/:code", h.switchLanguage)

	anon := r.Group("", h.optionalUser)
	anon.GET("/login", h.loginPage)
	anon.POST("/login", h.checkCSRF, h.login)

	s := r.Group("", h.requireUser)
	s.GET("/", h.home)
	s.POST("/logout", h.checkCSRF, h.logout)
	s.GET("/dashboard", h.dashboard)

	s.GET("/problems", h.problemList)
	s.GET("/problems/export.xlsx", h.problemExport)
	s.GET("/problems/:id", h.problemDetail)
	s.GET("/problems/:id/plan", h.planEditor)

	p := s.Group("", h.checkCSRF)
	p.POST("/problems/:id/plan", h.planSubmit)
	p.POST("/problems/:id/plan/approve", h.planApprove)
	p.POST("/problems/:id/plan/reject", h.planReject)
	p.POST("/problems/:id/measures/:mid/acknowledge", h.measureAcknowledge)
	p.POST("/problems/:id/measures/:mid/progress", h.measureProgress)
	p.POST("/problems/:id/measures/:mid/complete", h.measureComplete)
	p.POST("/problems/:id/closure-request", h.closureRequest)
	p.POST("/problems/:id/closure/approve", h.closureApprove)
	p.POST("/problems/:id/closure/reject", h.closureReject)
	p.POST("/problems/:id/urge", h.urge)
	p.POST("/problems/:id/assignment", h.assign)
	p.POST("/problems/:id/measures/:mid/handler", h.nameHandler)
	p.POST("/problems/:id/closure/endorse", h.closureEndorse)
	p.POST("/problems/:id/closure/return", h.closureReturn)
	p.POST("/problems/:id/reassignments", h.reassignRequest)
	p.POST("/problems/:id/reassignments/:rid/approve", h.reassignApprove)
	p.POST("/problems/:id/reassignments/:rid/reject", h.reassignReject)
	p.POST("/problems/:id/measures/:mid/extension", h.extensionRequest)
	p.POST("/problems/:id/measures/:mid/extensions/:rid/approve", h.extensionApprove)
	p.POST("/problems/:id/measures/:mid/extensions/:rid/reject", h.extensionReject)
	// Evidence (佐证材料) and outcomes (整改成效). The upload checks its
	// CSRF token itself, reading the multipart body as a stream.
	s.POST("/problems/:id/measures/:mid/evidence", h.evidenceUpload)
	s.GET("/evidence/:eid", h.evidenceDownload)
	p.POST("/problems/:id/evidence/:eid/withdraw", h.evidenceWithdraw)
	p.POST("/problems/:id/outcomes", h.outcomeAdd)

	// Look-backs (回头看): the discipline group's console and actions, the
	// lead unit's answer.
	s.GET("/lookbacks", h.lookbacksPage)
	p.POST("/lookbacks", h.lookbackStart)
	s.GET("/lookbacks/:id", h.lookbackPage)
	p.POST("/lookbacks/:id/problems/:pid/material", h.lookbackRequestMaterial)
	p.POST("/lookbacks/:id/problems/:pid/answer", h.lookbackAnswer)
	p.POST("/lookbacks/:id/problems/:pid/conclude", h.lookbackConclude)

	// Red flags (风险线索): the discipline group's page and the dismissal.
	s.GET("/flags", h.flagsPage)
	p.POST("/flags/:fid/dismiss", h.flagDismiss)

	s.GET("/notifications", h.notifications)
	p.POST("/notifications/:id/read", h.notificationRead)

	// Reports (通报), the ledger, the narrative, the report schedule and
	// imports of one campaign.
	s.GET("/reports", h.campaignReports)
	s.GET("/campaigns/:id/reports", h.reportsPage)
	s.GET("/campaigns/:id/report", h.reportDownload)
	s.GET("/campaigns/:id/ledger.xlsx", h.ledgerDownload)
	p.POST("/campaigns/:id/narrative", h.narrativeSave)
	p.POST("/campaigns/:id/schedule", h.scheduleSet)
	p.POST("/campaigns/:id/schedule/trigger", h.scheduleTrigger)
	// The upload is bounded before the CSRF check parses the form.
	s.POST("/campaigns/:id/import", limitBody(maxUploadBytes), h.checkCSRF, h.importUpload)

	s.GET("/workbench", h.workbench)
	s.GET("/review", h.reviewQueue)
	s.GET("/plans", h.planQueue)

	s.GET("/admin/units", h.unitsPage)
	p.POST("/admin/units", h.unitCreate)
	s.GET("/admin/users", h.usersPage)
	p.POST("/admin/users", h.userCreate)
	p.POST("/admin/users/:id", h.userEdit)
	p.POST("/admin/users/:id/disable", h.userDisable)
	p.POST("/admin/users/:id/enable", h.userEnable)
	p.POST("/admin/users/:id/password-reset", h.userPasswordReset)
	s.GET("/account/password", h.accountPasswordPage)
	p.POST("/account/password", h.accountPassword)
	s.GET("/campaigns/new", h.campaignNewPage)
	p.POST("/campaigns", h.campaignCreate)
	s.GET("/campaigns/:id/problems/new", h.problemNewPage)
	p.POST("/campaigns/:id/problems", h.problemCreate)
}

// cacheStatic lets browsers keep the embedded assets for a while; they only
// change with a new binary.
func cacheStatic(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=600")
	c.Next()
}
