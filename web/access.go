package web

import (
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// routeAccess is every page and action of the UI and who may use it; a
// route missing here fails the tests (access_test.go). The handlers ask
// the service, which decides; this table says what that decision must be.
var routeAccess = map[string]httpx.Access{
	"GET /static/*filepath": httpx.Anyone,
	"GET /lang/:code":       httpx.Anyone,
	"GET /login":            httpx.Anyone,
	"POST /login":           httpx.Anyone,

	"GET /":                        httpx.SignedIn,
	"POST /logout":                 httpx.Own,
	"GET /dashboard":               httpx.SignedIn,
	"GET /notifications":           httpx.Own,
	"POST /notifications/:id/read": httpx.Own,
	"GET /problems":                {Scope: httpx.ScopeProblem},
	"GET /problems/export.xlsx":    {Scope: httpx.ScopeProblem},
	"GET /problems/:id":            httpx.ProblemRead,
	// The plan rules decide: leaders, or the unit the problem was assigned to.
	"GET /problems/:id/plan":          {Roles: []domain.Role{domain.RoleAdmin, domain.RoleLeader, domain.RoleUnit}, Scope: httpx.ScopeWorkflow},
	"GET /evidence/:eid":              httpx.ProblemRead,
	"GET /workbench":                  {Roles: []domain.Role{domain.RoleUnit}},
	"GET /review":                     {Roles: []domain.Role{domain.RoleSupervisor}},
	"GET /plans":                      httpx.Planners,
	"GET /reports":                    httpx.Readers,
	"GET /campaigns/:id/reports":      httpx.Readers,
	"GET /campaigns/:id/report":       httpx.Readers,
	"GET /campaigns/:id/ledger.xlsx":  httpx.Readers,
	"GET /campaigns/new":              httpx.Planners,
	"GET /campaigns/:id/problems/new": httpx.Planners,
	"GET /admin/units":                httpx.AdminOnly,
	"GET /admin/users":                httpx.AdminOnly,
	"GET /lookbacks":                  httpx.Readers,
	"GET /lookbacks/:id":              httpx.Lookback,
	"GET /flags":                      {Roles: []domain.Role{domain.RoleDiscipline, domain.RoleSupervisor, domain.RoleLeader, domain.RoleAdmin}},
	"POST /flags/:fid/dismiss":        {Roles: []domain.Role{domain.RoleDiscipline, domain.RoleSupervisor}},

	"POST /problems/:id/plan":                                  httpx.Workflow,
	"POST /problems/:id/plan/approve":                          httpx.Workflow,
	"POST /problems/:id/plan/reject":                           httpx.Workflow,
	"POST /problems/:id/measures/:mid/acknowledge":             httpx.Workflow,
	"POST /problems/:id/measures/:mid/progress":                httpx.Workflow,
	"POST /problems/:id/measures/:mid/complete":                httpx.Workflow,
	"POST /problems/:id/closure-request":                       httpx.Workflow,
	"POST /problems/:id/closure/approve":                       httpx.Workflow,
	"POST /problems/:id/closure/reject":                        httpx.Workflow,
	"POST /problems/:id/urge":                                  httpx.Workflow,
	"POST /problems/:id/assignment":                            httpx.Workflow,
	"POST /problems/:id/measures/:mid/handler":                 httpx.Workflow,
	"POST /problems/:id/closure/endorse":                       httpx.Workflow,
	"POST /problems/:id/closure/return":                        httpx.Workflow,
	"POST /problems/:id/reassignments":                         httpx.Workflow,
	"POST /problems/:id/reassignments/:rid/approve":            httpx.Workflow,
	"POST /problems/:id/reassignments/:rid/reject":             httpx.Workflow,
	"POST /problems/:id/measures/:mid/extension":               httpx.Workflow,
	"POST /problems/:id/measures/:mid/extensions/:rid/approve": httpx.Workflow,
	"POST /problems/:id/measures/:mid/extensions/:rid/reject":  httpx.Workflow,
	"POST /problems/:id/measures/:mid/evidence":                {Scope: httpx.ScopeMeasureUnits},
	"POST /problems/:id/evidence/:eid/withdraw":                httpx.ProblemRead,
	"POST /problems/:id/outcomes":                              {Roles: []domain.Role{domain.RoleUnit}, Scope: httpx.ScopeProblem},

	"POST /lookbacks": {Roles: []domain.Role{domain.RoleDiscipline}},
	"POST /lookbacks/:id/problems/:pid/material": httpx.Lookback,
	"POST /lookbacks/:id/problems/:pid/answer":   httpx.Lookback,
	"POST /lookbacks/:id/problems/:pid/conclude": httpx.Lookback,

	"POST /campaigns/:id/narrative":        httpx.Planners,
	"POST /campaigns/:id/schedule":         httpx.Planners,
	"POST /campaigns/:id/schedule/trigger": {Roles: []domain.Role{domain.RoleAdmin, domain.RoleLeader, domain.RoleSupervisor}},
	"POST /campaigns/:id/import":           httpx.Planners,
	"POST /admin/units":                    httpx.AdminOnly,
	"POST /admin/users":                    httpx.AdminOnly,
	"POST /admin/users/:id":                httpx.AdminOnly,
	"POST /admin/users/:id/disable":        httpx.AdminOnly,
	"POST /admin/users/:id/enable":         httpx.AdminOnly,
	"POST /admin/users/:id/password-reset": httpx.AdminOnly,
	"GET /account/password":                httpx.Own,
	"POST /account/password":               httpx.Own,
	"POST /campaigns":                      httpx.Planners,
	"POST /campaigns/:id/problems":         httpx.Planners,
}
