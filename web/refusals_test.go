package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rectify/rectify/internal/domain"
)

// formError is a refusal shown on a form (englishSentence: browser_test.go).
var formError = regexp.MustCompile(`<p class="error" id="form-error" tabindex="-1">([^<]*)</p>`)

// testRefusals posts the forms people get refused on and checks the page
// says why in the page's language, naming measures and fields as the page
// does.
func testRefusals(t *testing.T, e *env) {
	ctx := t.Context()
	lead := e.units["社会救助处"]
	p, err := e.svc.CreateProblem(ctx, e.users["leader1"], domain.NewProblem{CampaignID: e.campaign.ID, Title: "救助资金发放不及时", Section: "民生保障"})
	must(t, err)
	e.act(t, p.ID, "leader1", domain.Command{Action: domain.ActionSubmitPlan, Plan: &domain.PlanInput{
		LeadUnitID: lead.ID, Measures: []domain.MeasureInput{{
			Title: "强化工作部署", Kind: domain.KindDeadline, LeadUnitID: lead.ID, Deadline: domain.DateOf(time.Now().AddDate(0, 2, 0)),
		}},
	}})
	e.act(t, p.ID, "leader2", domain.Command{Action: domain.ActionApprovePlan})
	e.act(t, p.ID, "ua", domain.Command{Action: domain.ActionAcknowledge, MeasureID: 1})

	c := browserClient(t)
	_, tok := login(t, e, c, "ua")
	base := fmt.Sprintf("%s/problems/%d", e.URL, p.ID)
	form := func(kv ...string) url.Values {
		v := url.Values{"csrf_token": {tok}, "request_id": {uuid.NewString()}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	later := string(domain.DateOf(time.Now().AddDate(0, 3, 0)))
	for _, tc := range []struct {
		name   string
		path   string
		form   url.Values
		lang   string
		status int
		want   string
	}{
		{"MeasureNotCompleted", "/closure-request", form("summary", "申请销号"), "zh-CN", http.StatusConflict, "措施1“强化工作部署”尚未完成"},
		{"MeasureNotCompletedEnglish", "/closure-request", form("summary", "申请销号"), "en", http.StatusConflict, `Measure 1 "强化工作部署" is not completed`},
		{"ProgressWithoutText", "/measures/1/progress", form("text", " ", "percent", "10"), "zh-CN", http.StatusBadRequest, "请填写进展情况"},
		{"ProgressPercent", "/measures/1/progress", form("text", "已部署", "percent", "百分之十"), "zh-CN", http.StatusBadRequest, "完成比例须在0到100之间"},
		{"ExtensionWithoutReason", "/measures/1/extension", form("deadline", later), "zh-CN", http.StatusBadRequest, "请填写理由"},
		{"ExtensionDate", "/measures/1/extension", form("deadline", "下个月", "reason", "需要协调"), "zh-CN", http.StatusBadRequest, "申请延至的时限：“下个月”不是有效日期（格式：年-月-日）"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := post(t, c, base+tc.path, tc.form, "Accept-Language", tc.lang)
			m := formError.FindStringSubmatch(body)
			if resp.StatusCode != tc.status || m == nil {
				t.Fatalf("status %d, want %d; refusal shown: %v", resp.StatusCode, tc.status, m != nil)
			}
			got := html.UnescapeString(m[1])
			if got != tc.want {
				t.Fatalf("refusal %q, want %q", got, tc.want)
			}
			if tc.lang != "en" && englishSentence.MatchString(got) {
				t.Fatalf("a refusal on a Chinese page reads in English: %q", got)
			}
		})
	}
}
