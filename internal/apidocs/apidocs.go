// Package apidocs serves the readable API reference at /api/docs: RapiDoc
// (from npm, pinned in npm/package.json, copied by ./update) reading the
// OpenAPI document the API serves. Everything is embedded, so the page
// works offline, as offices often are.
package apidocs

import (
	_ "embed"
	"net/http"
)

var (
	//go:embed index.html
	page []byte
	//go:embed assets/rapidoc-min.js
	viewer []byte
)

// contentSecurityPolicy lets the page run only its own viewer and reach
// only this server; the viewer sets inline styles.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// Page answers the reference page.
func Page(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(page)
}

// Viewer answers the viewer's script.
func Viewer(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	_, _ = w.Write(viewer)
}
