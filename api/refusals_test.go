package api_test

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// englishSentence is three English words in a row: a Chinese message that
// holds one was not translated.
var englishSentence = regexp.MustCompile(`[A-Za-z]{2,}(?:[ ,;:'"-]+[A-Za-z]{2,}){2,}`)

type refusal struct {
	Code    string         `json:"code"`
	Key     string         `json:"key"`
	Message string         `json:"message"`
	Field   string         `json:"field"`
	Params  map[string]any `json:"params"`
}

func decodeRefusal(t *testing.T, r apitest.Response) refusal {
	t.Helper()
	var body struct {
		Error refusal `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("refusal body %s: %v", r.Body, err)
	}
	return body.Error
}

// TestRefusals checks the refusals people meet through the API: each
// carries its key and field, and a message in Chinese by default (naming
// measures, fields and roles as the pages do) or in English on request.
func TestRefusals(t *testing.T) {
	st := storetest.SQLite(t)
	anon := newServer(t, st)
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var ua domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "规划财务处"}).Decode(t, &ua)
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "leader2", "password": "password20", "role": "leader"})
	admin.Must(t, 201, "POST", "/api/v1/users", map[string]any{"username": "fa", "password": "password30", "role": "unit", "unit_id": ua.ID})
	leader2 := anon.As(anon.Login(t, "leader2", "password20"))
	fa := anon.As(anon.Login(t, "fa", "password30"))
	var campaign domain.Campaign
	admin.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "拒绝"}).Decode(t, &campaign)
	problems := "/api/v1/campaigns/" + id(campaign.ID) + "/problems"
	var p domain.Problem
	admin.Must(t, 201, "POST", problems, map[string]any{"title": "大额资金存放管理不到位"}).Decode(t, &p)
	pp := "/api/v1/problems/" + id(p.ID)
	deadline := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	measure := func(deadline string) map[string]any {
		return map[string]any{"title": "强化工作部署", "kind": "deadline", "lead_unit_id": ua.ID, "deadline": deadline}
	}
	var q domain.Problem
	admin.Must(t, 201, "POST", problems, map[string]any{"title": "制度执行不严"}).Decode(t, &q)
	admin.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": ua.ID, "measures": []map[string]any{measure(deadline)}})
	adminApprove := admin.Do(t, "POST", pp+"/plan/approve", nil)
	leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)
	fa.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)

	for _, tc := range []struct {
		name             string
		send             func() apitest.Response
		status           int
		code, key, field string
		message          string
	}{
		{"MeasureNotCompleted", func() apitest.Response {
			return fa.Do(t, "POST", pp+"/closure-request", map[string]any{"summary": "申请销号"})
		}, 409, domain.EConflict, "measure_not_completed", "", "措施1“强化工作部署”尚未完成"},
		{"MeasureNotCompletedEnglish", func() apitest.Response {
			return fa.Do(t, "POST", pp+"/closure-request", map[string]any{"summary": "申请销号"}, "Accept-Language", "en-US,en;q=0.9")
		}, 409, domain.EConflict, "measure_not_completed", "", `Measure 1 "强化工作部署" is not completed`},
		{"RoleByItsChineseName", func() apitest.Response { return adminApprove }, 403, domain.EForbidden, "role_may_not", "", "管理员无权进行此操作"},
		{"EvidenceFileType", func() apitest.Response {
			return uploadEvidence(t, fa, pp+"/measures/1/evidence", "t", "", "setup.exe", []byte("MZ"))
		}, 400, domain.EInvalid, "file_type_refused", "file", "不接受“.exe”类型的文件：仅支持 pdf、doc/docx、xls/xlsx、ppt/pptx、jpg、png、txt、zip"},
		{"ProgressWithoutText", func() apitest.Response {
			return fa.Do(t, "POST", pp+"/measures/1/progress", map[string]any{"text": " "})
		}, 400, domain.EInvalid, "field_required", "text", "请填写进展情况"},
		{"ExtensionWithoutReason", func() apitest.Response {
			return fa.Do(t, "POST", pp+"/measures/1/extension-requests", map[string]any{"deadline": time.Now().AddDate(0, 3, 0).Format("2006-01-02")})
		}, 400, domain.EInvalid, "field_required", "reason", "请填写理由"},
		{"ProblemWithoutTitle", func() apitest.Response {
			return admin.Do(t, "POST", problems, map[string]any{"title": ""})
		}, 400, domain.EInvalid, "field_required", "title", "请填写问题标题"},
		{"MeasureDeadlinePassed", func() apitest.Response {
			return admin.Do(t, "POST", "/api/v1/problems/"+id(q.ID)+"/plan", map[string]any{"lead_unit_id": ua.ID, "measures": []map[string]any{measure(deadline), measure("2020-01-01")}})
		}, 400, domain.EInvalid, "measure_deadline_passed", "measures[1].deadline", "措施2：整改时限2020-01-01已过"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.send()
			got := decodeRefusal(t, r)
			if r.Status != tc.status || got.Code != tc.code || got.Key != tc.key || got.Field != tc.field || got.Message != tc.message {
				t.Fatalf("got %d %+v\nwant %d code %s key %s field %q message %q", r.Status, got, tc.status, tc.code, tc.key, tc.field, tc.message)
			}
		})
	}

	t.Run("ChineseByDefault", func(t *testing.T) {
		r := fa.Do(t, "POST", pp+"/closure-request", map[string]any{"summary": "申请销号"})
		if m := decodeRefusal(t, r).Message; englishSentence.MatchString(m) {
			t.Fatalf("a Chinese refusal reads in English: %q", m)
		}
	})
}
