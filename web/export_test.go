package web

// RouteAccess and RegisteredRoutes let the external tests (web_test) walk
// the access table against the router.
var RouteAccess = routeAccess

// CSRFField is the form field of the CSRF token.
const CSRFField = csrfField

func (h *Handler) RegisteredRoutes() map[string]bool {
	routes := map[string]bool{}
	for _, r := range h.router.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	return routes
}
