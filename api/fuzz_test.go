package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/httpx"
)

// decodeTargets is every request body the API decodes with bindJSON, one
// per action: a new request type must be added here to be fuzzed.
var decodeTargets = []struct {
	name string
	new  func() any
}{
	{"login", func() any { return &loginRequest{} }},
	{"password", func() any { return &passwordRequest{} }},
	{"unit", func() any { return &unitRequest{} }},
	{"user", func() any { return &userRequest{} }},
	{"campaign", func() any { return &campaignRequest{} }},
	{"problem", func() any { return &problemRequest{} }},
	{"plan", func() any { return &planRequest{} }},
	{"progress", func() any { return &progressRequest{} }},
	{"summary", func() any { return &summaryRequest{} }},
	{"comment", func() any { return &commentRequest{} }},
	{"reason", func() any { return &reasonRequest{} }},
	{"closure", func() any { return &closureRequest{} }},
	{"extension", func() any { return &extensionRequest{} }},
	{"urge", func() any { return &urgeRequest{} }},
	{"lookback", func() any { return &lookbackRequest{} }},
	{"conclude", func() any { return &concludeRequest{} }},
	{"text", func() any { return &textRequest{} }},
	{"outcome", func() any { return &outcomeRequest{} }},
	{"narrative", func() any { return &narrativeRequest{} }},
	{"schedule", func() any { return &scheduleRequest{} }},
	{"api-token", func() any { return &domain.NewAPIToken{} }},
}

// decodeRouter answers POST /<target> by decoding the body into the
// target's request type as the real handlers do, then re-encoding it (what
// the API does with what it decoded), with the real error rendering.
func decodeRouter(tb testing.TB) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(securityHeaders)
	for _, target := range decodeTargets {
		r.POST("/"+target.name, func(c *gin.Context) {
			req := target.new()
			if err := bindJSON(c, req); err != nil {
				c.AbortWithStatusJSON(httpx.StatusOf(domain.ErrorCode(err)), errorBody{Error: errorDetail{Code: domain.ErrorCode(err), Message: domain.ErrorMessage(err)}})
				return
			}
			if _, err := json.Marshal(req); err != nil {
				tb.Errorf("%s: re-encode: %v", target.name, err)
			}
			c.Status(http.StatusNoContent)
		})
	}
	return r
}

func FuzzDecodeActions(f *testing.F) {
	for i, seed := range []string{
		`{"username":"admin","password":"admin-password"}`,
		`{"lead_unit_id":"1","measures":[{"title":"t","kind":"deadline","lead_unit_id":1,"co_unit_ids":[2,"3"],"deadline":"2027-01-01"}]}`,
		`{"text":"已完成","percent":50}`,
		`{"summary":"s","justifications":{"1":"no file"}}`,
		`{"title":"t","due_date":"2027-01-01","campaign_id":1,"sample":{"count":2,"seed":7}}`,
		`{"kind":"money","amount":1e308,"count":-1}`,
		`{"warning_window":"3d"}`,
		`{"text":"\u0000"}`,
		`{"lead_unit_id":-1}`,
		`[]`, `null`, `{"a":1}`, `{} {}`, `"x"`,
	} {
		f.Add([]byte(seed), uint8(i))
	}
	h := decodeRouter(f)
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		target := decodeTargets[int(which)%len(decodeTargets)]
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/"+target.name, bytes.NewReader(body)))
		if rec.Code >= 500 {
			t.Fatalf("%s: status %d for %q: %s", target.name, rec.Code, body, rec.Body)
		}
		if rec.Code != http.StatusNoContent && rec.Code != http.StatusBadRequest {
			t.Fatalf("%s: status %d, want 204 or 400", target.name, rec.Code)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%s: no security headers", target.name)
		}
	})
}

func TestCheckStrings(t *testing.T) {
	h := decodeRouter(t)
	long := `"` + string(bytes.Repeat([]byte("长"), domain.MaxTextLen+1)) + `"`
	for _, tc := range []struct {
		target, body string
		status       int
	}{
		{"progress", `{"text":"ok"}`, 204},
		{"progress", `{"text":` + long + `}`, 400},
		{"progress", `{"text":"a\u0000b"}`, 400},
		{"plan", `{"measures":[{"title":"x","co_unit_ids":[1]},{"title":` + long + `}]}`, 400},
		{"closure", `{"justifications":{"1":"a\u0000"}}`, 400},
		{"closure", `{"justifications":{` + long + `:"a"}}`, 400},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/"+tc.target, bytes.NewBufferString(tc.body)))
		if rec.Code != tc.status {
			t.Errorf("%s %.60s: status %d, want %d: %s", tc.target, tc.body, rec.Code, tc.status, rec.Body)
		}
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
			if got := rec.Header().Get(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
	}
}
