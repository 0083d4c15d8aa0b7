// Package web is Rectify's server-rendered UI in Chinese (and English): the
// same service calls as the JSON API, one file per page or action, templates
// and assets embedded in the binary so that it runs on a closed network.
package web

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
	"github.com/rectify/rectify/internal/service"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Handler serves the web pages. Everything it holds is built once in New
// and only read afterwards.
type Handler struct {
	svc    *service.Service
	logger *slog.Logger
	// pages maps a page name to its template set (layout, partials, page).
	pages map[string]*template.Template
	cat   catalogue
	// csrfKey signs CSRF tokens. It is kept in the database, so that a
	// form rendered by one replica is accepted by another and a restart
	// keeps open forms valid.
	csrfKey []byte
	router  *gin.Engine
	// evidenceLimit bounds one evidence file (WithEvidenceLimit).
	evidenceLimit int64
	// trustedProxies may say the browser used HTTPS (WithTrustedProxies).
	trustedProxies []netip.Prefix
}

// csrfKeySetting names the CSRF key in the settings every replica reads.
const csrfKeySetting = "web.csrf_key"

// New builds the templates, the catalogue and the router.
func New(svc *service.Service, logger *slog.Logger) (*Handler, error) {
	h := &Handler{svc: svc, logger: logger, cat: newCatalogue(), evidenceLimit: domain.DefaultEvidenceMaxBytes}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	key, err := svc.SharedSecret(ctx, csrfKeySetting)
	if err != nil {
		return nil, fmt.Errorf("web: csrf key: %w", err)
	}
	h.csrfKey = []byte(key)
	if h.pages, err = parsePages(); err != nil {
		return nil, err
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	h.router = gin.New()
	_ = h.router.SetTrustedProxies(nil) // nil cannot fail to parse
	h.router.Use(httpx.RecordRoute, h.markSecure)
	h.router.Use(gin.CustomRecovery(func(c *gin.Context, recovered any) {
		logger.ErrorContext(c.Request.Context(), "panic", slog.Any("panic", recovered), slog.String("path", c.Request.URL.Path))
		h.renderError(c, fmt.Errorf("panic: %v", recovered))
	}), h.securityHeaders, h.language)
	h.router.NoRoute(h.optionalUser, h.notFound)
	h.routes(h.router, http.FS(static))
	return h, nil
}

// WithTrustedProxies names the reverse proxies whose X-Forwarded-For gives
// the client address (see api.Server.WithTrustedProxies).
// Only they are believed when X-Forwarded-Proto says https.
func (h *Handler) WithTrustedProxies(proxies []string) error {
	if err := h.router.SetTrustedProxies(proxies); err != nil {
		return err
	}
	h.trustedProxies = h.trustedProxies[:0]
	for _, p := range proxies {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return fmt.Errorf("web: trusted proxy %q: %w", p, err)
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		h.trustedProxies = append(h.trustedProxies, prefix.Masked())
	}
	return nil
}

// ServeHTTP makes Handler an http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.router.ServeHTTP(w, r) }

// securityHeaders forbid inline script and style, framing and MIME sniffing.
func (h *Handler) securityHeaders(c *gin.Context) {
	hd := c.Writer.Header()
	hd.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
	c.Next()
}
