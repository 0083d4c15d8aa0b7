package domain

import "slices"

// RequireRole returns forbidden unless u has one of roles.
func RequireRole(u User, action string, roles ...Role) error {
	if !slices.Contains(roles, u.Role) {
		return Errorf(EForbidden, "role %q may not %s", u.Role, action).WithKey("role_may_not", "role", string(u.Role))
	}
	return nil
}

// CanSeeProblem reports whether u may read p: every role but unit sees all;
// a unit user sees problems where its unit leads or co-leads work.
func CanSeeProblem(u User, p *Problem) bool {
	return u.Role != RoleUnit || p.Involves(u.UnitID)
}
