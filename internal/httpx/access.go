package httpx

import "github.com/rectify/rectify/internal/domain"

// Access declares who may call a route. The JSON API (api/access.go) and
// the web pages (web/access.go) each keep one table of them; their tests
// walk every registered route against it. The role gate is enforced from
// the table (Gate); past it, the service and the workflow decide scopes, so
// both front ends share one set of rules.
type Access struct {
	// Public routes need no session; every other route refuses anonymous
	// callers (401 on the API, a redirect to the login page on the web).
	Public bool
	// Roles, when set, are the only roles that pass; the others get 403.
	// Nil: every signed-in user passes this gate.
	Roles []domain.Role
	// Scope says what narrows access further, past the role gate.
	Scope Scope
}

// Scope names the rule that narrows a route past its role gate.
type Scope string

// Scopes of Access.
const (
	// ScopeNone: the role gate is all.
	ScopeNone Scope = ""
	// ScopeProblem: unit users reach only problems their unit leads or
	// co-leads (403 for another unit's problem).
	ScopeProblem Scope = "problem"
	// ScopeWorkflow: the problem's workflow decides by stage, role and
	// unit (domain.Apply), after the input is validated.
	ScopeWorkflow Scope = "workflow"
	// ScopeOwn: the caller's own data (session, notifications, password).
	ScopeOwn Scope = "own"
	// ScopeLookback: look-back rules (lookbacks.go in the service).
	ScopeLookback Scope = "lookback"
	// ScopeMeasureUnits: the measure's lead unit or co-units, decided by
	// the service once the upload has been read.
	ScopeMeasureUnits Scope = "measure-units"
)

// Common declarations.
var (
	Anyone    = Access{Public: true}
	SignedIn  = Access{}
	AdminOnly = Access{Roles: []domain.Role{domain.RoleAdmin}}
	// Planners create campaigns and problems and draft plans.
	Planners = Access{Roles: []domain.Role{domain.RoleAdmin, domain.RoleLeader}}
	// Readers read whole campaigns (reports, ledgers).
	Readers     = Access{Roles: []domain.Role{domain.RoleAdmin, domain.RoleLeader, domain.RoleSupervisor, domain.RoleDiscipline}}
	ProblemRead = Access{Scope: ScopeProblem}
	Workflow    = Access{Scope: ScopeWorkflow}
	Own         = Access{Scope: ScopeOwn}
	Lookback    = Access{Scope: ScopeLookback}
)

// Allows reports whether role passes the role gate.
func (a Access) Allows(role domain.Role) bool {
	if a.Roles == nil {
		return true
	}
	for _, r := range a.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// Gate applies a route's declared role gate to u: the table is the check,
// not only its documentation. A route missing from the table is refused,
// so a new route is closed until someone declares who may use it.
func Gate(table map[string]Access, method, route string, u domain.User) error {
	decl, ok := table[method+" "+route]
	if !ok {
		return domain.Errorf(domain.EForbidden, "%s %s has no access rule", method, route).WithKey("no_access_rule")
	}
	if !decl.Allows(u.Role) {
		return domain.Errorf(domain.EForbidden, "this is not open to the %s role", u.Role).WithKey("role_may_not", "role", string(u.Role))
	}
	return nil
}
