package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIRoutes: the document served at /api/v1/openapi.json is valid
// OpenAPI 3.1 and names exactly the routes the router serves, each with its
// declared access.
func TestOpenAPIRoutes(t *testing.T) {
	srv := New(nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", rec.Code, rec.Body)
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi %q, want 3.1", doc.OpenAPI)
	}
	documented := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ginPath := strings.NewReplacer("{", ":", "}", "").Replace(path)
			documented[method+" "+ginPath] = op
		}
	}
	var served []string
	for _, r := range srv.router.Routes() {
		key := r.Method + " " + r.Path
		served = append(served, key)
		op, ok := documented[key]
		if !ok {
			t.Errorf("%s is served but missing from the OpenAPI document (api/openapi.go)", key)
			continue
		}
		if op.Summary == "" || op.Responses.Default() == nil {
			t.Errorf("%s: no summary or no error response", key)
		}
		if public := op.Security == nil; public != routeAccess[key].Public {
			t.Errorf("%s: documented as public=%v, declared public=%v", key, public, routeAccess[key].Public)
		}
	}
	for key := range documented {
		if !slices.Contains(served, key) {
			t.Errorf("the OpenAPI document names %s, which is not served", key)
		}
	}
	errSchema := doc.Components.Schemas["Error"]
	if errSchema == nil || errSchema.Value.Properties["error"] == nil {
		t.Fatalf("no error schema in the components: %v", slices.Collect(func(yield func(string) bool) {
			for k := range doc.Components.Schemas {
				if !yield(k) {
					return
				}
			}
		}))
	}
	// The readable page and its bundled viewer, served here (no CDN).
	for path, want := range map[string]string{"/api/docs": "<rapi-doc spec-url=\"/api/v1/openapi.json\"", "/api/docs/rapidoc-min.js": "RapiDoc"} {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s: %d, %d bytes without %q", path, rec.Code, rec.Body.Len(), want)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); path == "/api/docs" && (csp == "" || strings.Contains(csp, "http")) {
			t.Errorf("the docs page's CSP %q lets it load from elsewhere", csp)
		}
	}
}
