package api

import "github.com/rectify/rectify/internal/domain"

// access declares who may call a route. It is documentation the tests hold
// true (access_test.go walks every registered route against it), not the
// check itself: the service and the workflow decide, so the JSON API and
// the web pages share one set of rules.
type access struct {
	// Public routes need no token; every other route answers 401 without one.
	Public bool
	// Roles, when set, are the only roles that pass; the others get 403
	// before anything is looked up. Nil: every signed-in user passes this gate.
	Roles []domain.Role
	// Scope says what narrows access further, past the role gate.
	Scope scope
}

type scope string

const (
	// scopeNone: the role gate is all.
	scopeNone scope = ""
	// scopeProblem: unit users reach only problems their unit leads or
	// co-leads (403 for another unit's problem).
	scopeProblem scope = "problem"
	// scopeWorkflow: the problem's workflow decides by stage, role and
	// unit (domain.Apply), after the body is validated.
	scopeWorkflow scope = "workflow"
	// scopeOwn: the caller's own data (session, notifications, password).
	scopeOwn scope = "own"
	// scopeLookback: look-back rules (lookbacks.go in the service).
	scopeLookback scope = "lookback"
	// scopeMeasureUnits: the measure's lead unit or co-units, decided by
	// the service once the upload has been read.
	scopeMeasureUnits scope = "measure-units"
)

var (
	anyone      = access{Public: true}
	signedIn    = access{}
	adminOnly   = access{Roles: []domain.Role{domain.RoleAdmin}}
	planners    = access{Roles: []domain.Role{domain.RoleAdmin, domain.RoleLeader}}
	readers     = access{Roles: []domain.Role{domain.RoleAdmin, domain.RoleLeader, domain.RoleSupervisor, domain.RoleDiscipline}}
	problemRead = access{Scope: scopeProblem}
	workflow    = access{Scope: scopeWorkflow}
	own         = access{Scope: scopeOwn}
	lookback    = access{Scope: scopeLookback}
)

// routeAccess is every route of the API and who may call it; a route
// missing here fails the tests.
var routeAccess = map[string]access{
	"GET /healthz":            anyone,
	"GET /readyz":             anyone,
	"POST /api/v1/auth/login": anyone,

	"POST /api/v1/auth/logout":            own,
	"GET /api/v1/me":                      own,
	"POST /api/v1/me/password":            own,
	"GET /api/v1/notifications":           own,
	"POST /api/v1/notifications/:id/read": own,

	"GET /api/v1/units":              signedIn,
	"POST /api/v1/units":             adminOnly,
	"GET /api/v1/users":              adminOnly,
	"POST /api/v1/users":             adminOnly,
	"POST /api/v1/users/:id/disable": adminOnly,
	"POST /api/v1/users/:id/enable":  adminOnly,
	"GET /api/v1/admin/audit/verify": adminOnly,

	"GET /api/v1/campaigns":                       signedIn,
	"POST /api/v1/campaigns":                      planners,
	"GET /api/v1/campaigns/:id":                   signedIn,
	"POST /api/v1/campaigns/:id/problems":         planners,
	"POST /api/v1/campaigns/:id/import":           planners,
	"GET /api/v1/campaigns/:id/report":            readers,
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
	"POST /api/v1/problems/:id/urge":                                          workflow,
	"POST /api/v1/problems/:id/measures/:mid/extension-requests":              workflow,
	"POST /api/v1/problems/:id/measures/:mid/extension-requests/:rid/approve": workflow,
	"POST /api/v1/problems/:id/measures/:mid/extension-requests/:rid/reject":  workflow,

	"POST /api/v1/lookbacks":                            {Roles: []domain.Role{domain.RoleDiscipline}},
	"GET /api/v1/lookbacks":                             lookback,
	"GET /api/v1/lookbacks/stats":                       lookback,
	"GET /api/v1/lookbacks/:id":                         lookback,
	"POST /api/v1/lookbacks/:id/problems/:pid/requests": lookback,
	"POST /api/v1/lookbacks/:id/problems/:pid/answers":  lookback,
	"POST /api/v1/lookbacks/:id/problems/:pid/conclude": lookback,
}
