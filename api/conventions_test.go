package api_test

import (
	"strings"
	"testing"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestHTTPConventions: a body is JSON of one object in UTF-8 within its
// limit, or a clear 4xx, and nothing is written.
func TestHTTPConventions(t *testing.T) {
	anon := newServer(t, storetest.SQLite(t))
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	for _, tc := range []struct {
		name        string
		body        string
		contentType string
		status      int
		code        string
	}{
		{"one object", `{"title":"整改任务甲"}`, "application/json", 201, ""},
		{"no content type is read as JSON", `{"title":"整改任务乙"}`, "", 201, ""},
		{"JSON with charset", `{"title":"整改任务丙"}`, "application/json; charset=utf-8", 201, ""},
		{"trailing brace", `{"title":"x"}}`, "application/json", 400, domain.EInvalid},
		{"second object", `{"title":"x"} {"title":"y"}`, "application/json", 400, domain.EInvalid},
		{"invalid UTF-8", "{\"title\":\"\xff\xfe\"}", "application/json", 400, domain.EInvalid},
		{"form encoded", `title=x`, "application/x-www-form-urlencoded", 415, domain.EUnsupportedMedia},
		{"plain text", `{"title":"x"}`, "text/plain", 415, domain.EUnsupportedMedia},
		{"GBK charset", `{"title":"x"}`, "application/json; charset=gbk", 415, domain.EUnsupportedMedia},
		{"over the limit", `{"title":"` + strings.Repeat("长", 400_000) + `"}`, "application/json", 413, domain.ETooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.Do(t, "POST", "/api/v1/campaigns", tc.body, "Content-Type", tc.contentType)
			if r.Status != tc.status || r.ErrorCode() != tc.code {
				t.Fatalf("%d %.200s, want %d %q", r.Status, r.Body, tc.status, tc.code)
			}
		})
	}
	var list struct {
		Total int `json:"total"`
	}
	admin.Must(t, 200, "GET", "/api/v1/campaigns", nil).Decode(t, &list)
	if list.Total != 3 {
		t.Fatalf("%d campaigns, want the 3 accepted ones (nothing written by a refusal)", list.Total)
	}
}
