package api

import (
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// access declares who may call a route (httpx.Access, shared with the web
// pages' table).
type access = httpx.Access

const (
	scopeNone         = httpx.ScopeNone
	scopeProblem      = httpx.ScopeProblem
	scopeWorkflow     = httpx.ScopeWorkflow
	scopeMeasureUnits = httpx.ScopeMeasureUnits
	scopeOwn          = httpx.ScopeOwn
	scopeLookback     = httpx.ScopeLookback
)

var (
	anyone      = httpx.Anyone
	signedIn    = httpx.SignedIn
	adminOnly   = httpx.AdminOnly
	planners    = httpx.Planners
	readers     = httpx.Readers
	problemRead = httpx.ProblemRead
	workflow    = httpx.Workflow
	own         = httpx.Own
	lookback    = httpx.Lookback
)

// routeAccess is every route of the API and who may call it; a route
// missing here fails the tests.
var routeAccess = map[string]access{
	"GET /healthz":                 anyone,
	"GET /readyz":                  anyone,
	"POST /api/v1/auth/login":      anyone,
	"GET /api/v1/openapi.json":     anyone,
	"GET /api/docs":                anyone,
	"GET /api/docs/rapidoc-min.js": anyone,

	"POST /api/v1/auth/logout":            own,
	"GET /api/v1/me":                      own,
	"POST /api/v1/me/password":            own,
	"GET /api/v1/notifications":           own,
	"POST /api/v1/notifications/:id/read": own,

	"GET /api/v1/units":                     signedIn,
	"POST /api/v1/units":                    adminOnly,
	"GET /api/v1/users":                     adminOnly,
	"POST /api/v1/users":                    adminOnly,
	"POST /api/v1/users/:id/disable":        adminOnly,
	"POST /api/v1/users/:id/enable":         adminOnly,
	"PATCH /api/v1/users/:id":               adminOnly,
	"POST /api/v1/users/:id/password-reset": adminOnly,
	"GET /api/v1/admin/audit/verify":        adminOnly,
	"GET /api/v1/api-tokens":                adminOnly,
	"POST /api/v1/api-tokens":               adminOnly,
	"POST /api/v1/api-tokens/:id/revoke":    adminOnly,

	"GET /api/v1/campaigns":                       signedIn,
	"POST /api/v1/campaigns":                      planners,
	"GET /api/v1/campaigns/:id":                   signedIn,
	"POST /api/v1/campaigns/:id/problems":         planners,
	"POST /api/v1/campaigns/:id/import":           planners,
	"GET /api/v1/campaigns/:id/report":            readers,
	"GET /api/v1/campaigns/:id/report/check":      readers,
	"GET /api/v1/campaigns/:id/ledger.xlsx":       readers,
	"GET /api/v1/campaigns/:id/narrative":         readers,
	"PUT /api/v1/campaigns/:id/narrative":         planners,
	"GET /api/v1/campaigns/:id/stats":             signedIn,
	"PUT /api/v1/campaigns/:id/schedule":          planners,
	"POST /api/v1/campaigns/:id/schedule/trigger": {Roles: []domain.Role{domain.RoleAdmin, domain.RoleLeader, domain.RoleSupervisor}},

	"GET /api/v1/problems":                             {Scope: scopeProblem},
	"GET /api/v1/problems/:id":                         problemRead,
	"GET /api/v1/problems/:id/events":                  problemRead,
	"GET /api/v1/problems/:id/evidence":                problemRead,
	"GET /api/v1/problems/:id/outcomes":                problemRead,
	"POST /api/v1/problems/:id/outcomes":               {Roles: []domain.Role{domain.RoleUnit}, Scope: scopeProblem}, // the lead unit
	"GET /api/v1/evidence/:eid":                        problemRead,
	"POST /api/v1/evidence/:eid/withdraw":              problemRead,
	"POST /api/v1/problems/:id/measures/:mid/evidence": {Scope: scopeMeasureUnits},
	"GET /api/v1/reviews/closures":                     {Roles: []domain.Role{domain.RoleSupervisor, domain.RoleLeader, domain.RoleAdmin, domain.RoleDiscipline}},

	"POST /api/v1/problems/:id/plan":                                          workflow,
	"POST /api/v1/problems/:id/plan/approve":                                  workflow,
	"POST /api/v1/problems/:id/plan/reject":                                   workflow,
	"POST /api/v1/problems/:id/measures/:mid/acknowledge":                     workflow,
	"POST /api/v1/problems/:id/measures/:mid/progress":                        workflow,
	"POST /api/v1/problems/:id/measures/:mid/complete":                        workflow,
	"POST /api/v1/problems/:id/closure-request":                               workflow,
	"POST /api/v1/problems/:id/closure/approve":                               workflow,
	"POST /api/v1/problems/:id/closure/reject":                                workflow,
	"POST /api/v1/problems/:id/closure/endorse":                               workflow,
	"POST /api/v1/problems/:id/closure/return":                                workflow,
	"POST /api/v1/problems/:id/assignment":                                    workflow,
	"POST /api/v1/problems/:id/measures/:mid/handler":                         workflow,
	"POST /api/v1/problems/:id/reassignments":                                 workflow,
	"POST /api/v1/problems/:id/reassignments/:rid/approve":                    workflow,
	"POST /api/v1/problems/:id/reassignments/:rid/reject":                     workflow,
	"POST /api/v1/problems/:id/urge":                                          workflow,
	"POST /api/v1/problems/:id/measures/:mid/extension-requests":              workflow,
	"POST /api/v1/problems/:id/measures/:mid/extension-requests/:rid/approve": workflow,
	"POST /api/v1/problems/:id/measures/:mid/extension-requests/:rid/reject":  workflow,

	"GET /api/v1/problems/:id/flags":  problemRead,
	"GET /api/v1/campaigns/:id/flags": {Roles: []domain.Role{domain.RoleDiscipline, domain.RoleSupervisor, domain.RoleLeader, domain.RoleAdmin}},
	"POST /api/v1/flags/:fid/dismiss": {Roles: []domain.Role{domain.RoleDiscipline, domain.RoleSupervisor}},

	"POST /api/v1/lookbacks":                            {Roles: []domain.Role{domain.RoleDiscipline}},
	"GET /api/v1/lookbacks":                             lookback,
	"GET /api/v1/lookbacks/stats":                       lookback,
	"GET /api/v1/lookbacks/sample-size":                 readers,
	"GET /api/v1/lookbacks/:id":                         lookback,
	"POST /api/v1/lookbacks/:id/problems/:pid/requests": lookback,
	"POST /api/v1/lookbacks/:id/problems/:pid/answers":  lookback,
	"POST /api/v1/lookbacks/:id/problems/:pid/conclude": lookback,
}
