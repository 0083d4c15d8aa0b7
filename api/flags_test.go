package api_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

type apiFlag struct {
	ID              int64           `json:"id"`
	Kind            domain.FlagKind `json:"kind"`
	ProblemID       int64           `json:"problem_id"`
	Message         string          `json:"message"`
	Refs            domain.FlagRefs `json:"refs"`
	Dismissed       bool            `json:"dismissed"`
	DismissedReason string          `json:"dismissed_reason"`
}

type apiFlags struct {
	Items []apiFlag `json:"items"`
	Total int64     `json:"total"`
}

// The same file uploaded to two problems raises evidence_reused on the
// second; the discipline group dismisses it with a reason, which the flag
// keeps and the problem's audit trail records.
func TestFlagsEvidenceReused(t *testing.T) {
	st := storetest.SQLite(t)
	anon := newServer(t, st)
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var ua, ub domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "规划财务处"}).Decode(t, &ua)
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "办公室"}).Decode(t, &ub)
	for _, u := range []map[string]any{
		{"username": "leader2", "password": "password20", "role": "leader"},
		{"username": "fa", "password": "password30", "role": "unit", "unit_id": ua.ID},
		{"username": "of", "password": "password40", "role": "unit", "unit_id": ub.ID},
		{"username": "disc", "password": "password50", "role": "discipline"},
	} {
		admin.Must(t, 201, "POST", "/api/v1/users", u)
	}
	leader2 := anon.As(anon.Login(t, "leader2", "password20"))
	fa := anon.As(anon.Login(t, "fa", "password30"))
	of := anon.As(anon.Login(t, "of", "password40"))
	disc := anon.As(anon.Login(t, "disc", "password50"))
	var campaign domain.Campaign
	admin.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "风险线索", "policy": map[string]any{"endorse_closure": false}}).Decode(t, &campaign)
	problem := func(title string, unit domain.Unit) string {
		var p domain.Problem
		admin.Must(t, 201, "POST", "/api/v1/campaigns/"+id(campaign.ID)+"/problems", map[string]any{"title": title}).Decode(t, &p)
		pp := "/api/v1/problems/" + id(p.ID)
		admin.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": unit.ID, "measures": []map[string]any{
			{"title": "修订管理办法", "kind": "deadline", "lead_unit_id": unit.ID, "deadline": time.Now().AddDate(0, 2, 0).Format("2006-01-02")},
		}})
		leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)
		return pp
	}
	p1 := problem("大额资金存放管理不到位", ua)
	p2 := problem("公务接待管理不规范", ub)
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("会议纪要 "), 100)...)
	if r := uploadEvidence(t, fa, p1+"/measures/1/evidence", "党组会议纪要", "", "纪要.pdf", pdf); r.Status != 201 {
		t.Fatalf("upload 1: %d %s", r.Status, r.Body)
	}
	if r := uploadEvidence(t, of, p2+"/measures/1/evidence", "专题会议纪要", "", "纪要.pdf", pdf); r.Status != 201 {
		t.Fatalf("upload 2: %d %s", r.Status, r.Body)
	}

	var first, second apiFlags
	disc.Must(t, 200, "GET", p1+"/flags", nil).Decode(t, &first)
	disc.Must(t, 200, "GET", p2+"/flags", nil).Decode(t, &second)
	if len(first.Items) != 0 {
		t.Errorf("the first upload is flagged: %+v", first.Items)
	}
	if len(second.Items) != 1 || second.Items[0].Kind != domain.FlagEvidenceReused || !bytes.Contains([]byte(second.Items[0].Message), []byte("专题会议纪要")) {
		t.Fatalf("second problem's flags = %+v", second.Items)
	}
	flag := second.Items[0]
	fp := "/api/v1/flags/" + id(flag.ID) + "/dismiss"

	t.Run("CampaignList", func(t *testing.T) {
		var all apiFlags
		disc.Must(t, 200, "GET", "/api/v1/campaigns/"+id(campaign.ID)+"/flags?kind=evidence_reused", nil).Decode(t, &all)
		if all.Total != 1 || all.Items[0].ID != flag.ID {
			t.Errorf("campaign flags = %+v", all)
		}
		disc.Must(t, 200, "GET", "/api/v1/campaigns/"+id(campaign.ID)+"/flags?kind=copied_text", nil).Decode(t, &all)
		if all.Total != 0 {
			t.Errorf("copied_text = %+v", all)
		}
		if r := disc.Must(t, 400, "GET", "/api/v1/campaigns/"+id(campaign.ID)+"/flags?kind=nonsense", nil); r.ErrorCode() != "invalid" {
			t.Errorf("unknown kind: %s", r.Body)
		}
		of.Must(t, 403, "GET", "/api/v1/campaigns/"+id(campaign.ID)+"/flags", nil)
		fa.Must(t, 403, "GET", p2+"/flags", nil) // another unit's problem
	})
	t.Run("Refusals", func(t *testing.T) {
		of.Must(t, 403, "POST", fp, map[string]any{"reason": "不是"})
		leader2.Must(t, 403, "POST", fp, map[string]any{"reason": "不是"})
		if r := disc.Must(t, 400, "POST", fp, map[string]any{"reason": " "}); r.ErrorCode() != "invalid" {
			t.Errorf("no reason: %s", r.Body)
		}
		disc.Must(t, 404, "POST", "/api/v1/flags/99999/dismiss", map[string]any{"reason": "x"})
	})
	t.Run("Dismiss", func(t *testing.T) {
		var got apiFlag
		disc.Must(t, 200, "POST", fp, map[string]any{"reason": "两问题共用同一次会议纪要，属实"}, "Idempotency-Key", "dismiss-1").Decode(t, &got)
		if !got.Dismissed || got.DismissedReason != "两问题共用同一次会议纪要，属实" {
			t.Fatalf("dismissed = %+v", got)
		}
		disc.Must(t, 409, "POST", fp, map[string]any{"reason": "again"})
		var listed apiFlags
		disc.Must(t, 200, "GET", p2+"/flags", nil).Decode(t, &listed)
		if len(listed.Items) != 1 || !listed.Items[0].Dismissed || listed.Items[0].DismissedReason != "两问题共用同一次会议纪要，属实" {
			t.Errorf("after dismissal: %+v", listed.Items)
		}
		var events struct {
			Items []domain.Event `json:"items"`
		}
		disc.Must(t, 200, "GET", p2+"/events", nil).Decode(t, &events)
		last := events.Items[len(events.Items)-1]
		if last.Action != domain.ActionDismissFlag || last.Reason != "两问题共用同一次会议纪要，属实" || last.ActorRole != domain.RoleDiscipline {
			t.Errorf("last event = %+v", last)
		}
		var rep domain.AuditReport
		admin.Must(t, 200, "GET", "/api/v1/admin/audit/verify", nil).Decode(t, &rep)
		if !rep.OK {
			t.Errorf("audit chain broken after the dismissal: %+v", rep)
		}
		// Uploading again recomputes: the dismissed flag stays dismissed.
		if r := uploadEvidence(t, of, p2+"/measures/1/evidence", "专题会议纪要(二)", "", "纪要2.pdf", pdf); r.Status != 201 {
			t.Fatalf("upload 3: %d %s", r.Status, r.Body)
		}
		disc.Must(t, 200, "GET", p2+"/flags", nil).Decode(t, &listed)
		if len(listed.Items) != 1 || !listed.Items[0].Dismissed {
			t.Errorf("after recompute: %+v", listed.Items)
		}
	})
}
