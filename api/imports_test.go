package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/rectify/rectify/activities"
	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/demo"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/importer"
	"github.com/rectify/rectify/internal/reporttext"
	"github.com/rectify/rectify/internal/store"
	"github.com/rectify/rectify/internal/store/storetest"
)

// upload posts a file as multipart/form-data to the import endpoint.
func upload(t *testing.T, c apitest.Client, campaignID int64, query, name string, data []byte) apitest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("note", "ignored")
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return c.Do(t, "POST", "/api/v1/campaigns/"+id(campaignID)+"/import"+query, body.String(), "Content-Type", mw.FormDataContentType())
}

type importResult struct {
	DryRun   bool               `json:"dry_run"`
	Problems []importer.Problem `json:"problems"`
	Created  []struct {
		Number int   `json:"number"`
		ID     int64 `json:"id"`
	} `json:"created"`
	Skipped        []struct{ Number int } `json:"skipped"`
	CreatedUnits   []string               `json:"created_units"`
	PlansSubmitted int                    `json:"plans_submitted"`
}

func countProblems(t *testing.T, st *store.Store, campaignID int64) int {
	t.Helper()
	ps, err := st.CampaignProblems(context.Background(), campaignID)
	if err != nil {
		t.Fatal(err)
	}
	return len(ps)
}

// TestImportEndToEnd imports a ledger and a report text over HTTP, on
// SQLite and PostgreSQL: dry runs and refusals write nothing, an import
// creates problems with running workflows and submitted plans, a rerun
// duplicates nothing; then the report and the ledger download.
func TestImportEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		anon := newServer(t, st)
		admin := anon.As(anon.Login(t, "admin", "admin-password"))
		var assist, office domain.Unit
		admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "社会救助处"}).Decode(t, &assist)
		admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "办公室"}).Decode(t, &office)
		for _, u := range []map[string]any{
			{"username": "leader1", "password": "password12", "role": "leader"},
			{"username": "leader2", "password": "password20", "role": "leader"},
			{"username": "ua", "password": "password50", "role": "unit", "unit_id": assist.ID},
		} {
			admin.Must(t, 201, "POST", "/api/v1/users", u)
		}
		leader1 := anon.As(anon.Login(t, "leader1", "password12"))
		leader2 := anon.As(anon.Login(t, "leader2", "password20"))
		ua := anon.As(anon.Login(t, "ua", "password50"))
		var campaign domain.Campaign
		leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{
			"title": "省委第四巡视组反馈意见整改", "inspected_body": "省民政厅党组", "inspection_team": "省委第四巡视组",
			"inspection_start": "2023-11-13", "inspection_end": "2023-12-29", "feedback_date": "2024-02-26",
		}).Decode(t, &campaign)

		future := time.Now().AddDate(0, 3, 0).Format("2006-01-02")
		ledgerCSV := []byte(strings.Join(importer.TemplateHeader, ",") + "\n" +
			"1,民生保障,低保救助‘提标扩围’力度不大,,提高低保标准,限期整改,社会救助处,办公室,分管厅领导," + future + "\n" +
			"1,民生保障,低保救助‘提标扩围’力度不大,,建立动态调整机制,长期坚持,社会救助处,,分管厅领导,\n" +
			"2,,内部信息系统整合度低,系统分散,,,,,,\n")
		unknownUnit := bytes.Replace(ledgerCSV, []byte("办公室"), []byte("不存在处"), 1)

		refusals := []struct {
			name   string
			client apitest.Client
			query  string
			file   string
			data   []byte
			status int
			want   string
		}{
			{"UnitUserForbidden", ua, "", "l.csv", ledgerCSV, 403, ""},
			{"UnknownUnit", leader1, "", "l.csv", unknownUnit, 400, `"row":2,"reason":"unit \"不存在处\" does not exist (create it first, or import with create units)","key":"import_unit_missing","params":{"unit":"不存在处"},"message":"单位“不存在处”不存在`},
			{"NotXLSX", leader1, "", "l.xlsx", ledgerCSV, 400, `"key":"import_xlsx_not_zip","message":"该文件不是 xlsx 工作簿`},
			{"Empty", leader1, "", "l.csv", nil, 400, `"key":"import_file_empty"`},
			{"NoProblemsInText", leader1, "", "r.txt", []byte("一份通知\n"), 400, `"key":"import_nothing_recognised","message":"未在文本中识别出问题`},
			{"TooLarge", leader1, "", "l.csv", bytes.Repeat([]byte("x,"), 11<<20), 413, `"key":"file_too_large","message":"文件超过20 MB 的上限","field":"file"`},
			{"UnknownCampaign", leader1, "", "l.csv", ledgerCSV, 404, ""},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				cid := campaign.ID
				if tc.name == "UnknownCampaign" {
					cid = 999
				}
				r := upload(t, tc.client, cid, tc.query, tc.file, tc.data)
				if r.Status != tc.status || r.ErrorCode() == "" || !strings.Contains(string(r.Body), tc.want) {
					t.Fatalf("status %d %s, want %d with %q", r.Status, r.Body, tc.status, tc.want)
				}
			})
		}
		t.Run("RowsListed", func(t *testing.T) {
			var body struct {
				Rows []importer.RowError `json:"rows"`
			}
			upload(t, leader1, campaign.ID, "", "l.csv", unknownUnit).Decode(t, &body)
			if len(body.Rows) != 1 || body.Rows[0].Row != 2 {
				t.Fatalf("rows = %+v", body.Rows)
			}
		})
		t.Run("RawBodyNeedsFilename", func(t *testing.T) {
			leader1.Must(t, 400, "POST", "/api/v1/campaigns/"+id(campaign.ID)+"/import", string(ledgerCSV), "Content-Type", "text/csv")
		})
		if n := countProblems(t, st, campaign.ID); n != 0 {
			t.Fatalf("refusals wrote %d problems", n)
		}

		var res importResult
		upload(t, leader1, campaign.ID, "?dry_run=true", "l.csv", ledgerCSV).Decode(t, &res)
		if !res.DryRun || len(res.Problems) != 2 || len(res.Problems[0].Measures) != 2 || len(res.Created) != 0 {
			t.Fatalf("dry run = %+v", res)
		}
		if n := countProblems(t, st, campaign.ID); n != 0 {
			t.Fatalf("the dry run wrote %d problems", n)
		}

		r := upload(t, leader1, campaign.ID, "", "l.csv", ledgerCSV)
		if r.Status != 201 {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &res)
		if len(res.Created) != 2 || res.PlansSubmitted != 1 {
			t.Fatalf("import = %+v", res)
		}
		var p domain.Problem
		leader1.Must(t, 200, "GET", "/api/v1/problems/"+id(res.Created[0].ID), nil).Decode(t, &p)
		if p.Stage != domain.StagePlan || len(p.Measures) != 2 || p.LeadUnitID != assist.ID || p.Measures[0].CoUnitIDs[0] != office.ID ||
			p.Measures[1].Kind != domain.KindLongTerm {
			t.Fatalf("imported problem = %+v", p)
		}
		// The plan waits for another leader, as any plan; the workflow runs.
		pp := "/api/v1/problems/" + id(p.ID)
		leader1.Must(t, 403, "POST", pp+"/plan/approve", nil)
		leader2.Must(t, 200, "POST", pp+"/plan/approve", map[string]any{"comment": "同意"}).Decode(t, &p)
		if p.Stage != domain.StageAssign {
			t.Fatalf("stage after approval = %s", p.Stage)
		}
		assertEvents(t, st, p.ID, "create", "submit_plan", "approve_plan")
		pending, err := st.ProblemsWithoutWorkflow(context.Background())
		if err != nil || len(pending) != 0 {
			t.Fatalf("%d problems without a workflow (%v)", len(pending), err)
		}

		// A rerun creates nothing and submits nothing again.
		r = upload(t, leader1, campaign.ID, "", "l.csv", ledgerCSV)
		r.Decode(t, &res)
		if r.Status != 200 || len(res.Created) != 0 || len(res.Skipped) != 2 || res.PlansSubmitted != 0 {
			t.Fatalf("rerun: %d %+v", r.Status, res)
		}
		if n := countProblems(t, st, campaign.ID); n != 2 {
			t.Fatalf("after the rerun the campaign has %d problems", n)
		}
		assertEvents(t, st, p.ID, "create", "submit_plan", "approve_plan")

		// The seed text into a second campaign: 39 problems, no plans.
		var textCampaign domain.Campaign
		leader1.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "文本导入"}).Decode(t, &textCampaign)
		r = upload(t, admin, textCampaign.ID, "?create_units=true", "seed.txt", []byte(demo.SeedReport))
		r.Decode(t, &res)
		if r.Status != 201 || len(res.Created) != 39 || res.PlansSubmitted != 0 {
			t.Fatalf("text import: %d, %d created: %.300s", r.Status, len(res.Created), r.Body)
		}

		// Narrative, report and ledger.
		nar := map[string]any{"organization": "强化组织领导。\n强化监督推进。", "next_steps": "（一）进一步加强党的领导。", "contact": "电话：025-00000000"}
		ua.Must(t, 403, "PUT", "/api/v1/campaigns/"+id(campaign.ID)+"/narrative", nar)
		leader1.Must(t, 400, "PUT", "/api/v1/campaigns/"+id(campaign.ID)+"/narrative", map[string]any{"organisation": "x"})
		leader1.Must(t, 200, "PUT", "/api/v1/campaigns/"+id(campaign.ID)+"/narrative", nar)
		var got domain.Narrative
		leader2.Must(t, 200, "GET", "/api/v1/campaigns/"+id(campaign.ID)+"/narrative", nil).Decode(t, &got)
		if got.Organization != nar["organization"] {
			t.Fatalf("narrative = %+v", got)
		}
		base := "/api/v1/campaigns/" + id(campaign.ID)
		md := leader2.Must(t, 200, "GET", base+"/report?format=md", nil)
		for _, want := range []string{"# 省民政厅党组关于巡视整改进展情况的通报", "强化监督推进。", "关于“低保救助‘提标扩围’力度不大”问题的整改情况。", "联系方式：电话：025-00000000"} {
			if !strings.Contains(string(md.Body), want) {
				t.Errorf("markdown report lacks %q", want)
			}
		}
		for format, ctype := range map[string]string{"html": "text/html", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"} {
			r := leader2.Must(t, 200, "GET", base+"/report?format="+format, nil)
			if !strings.HasPrefix(r.Header.Get("Content-Type"), ctype) || len(r.Body) < 1000 {
				t.Errorf("%s report: %s, %d bytes", format, r.Header.Get("Content-Type"), len(r.Body))
			}
		}
		leader2.Must(t, 400, "GET", base+"/report?format=pdf", nil)
		ua.Must(t, 403, "GET", base+"/report", nil)
		leader2.Must(t, 404, "GET", "/api/v1/campaigns/999/report", nil)
		xlsx := leader2.Must(t, 200, "GET", base+"/ledger.xlsx", nil)
		f, err := excelize.OpenReader(bytes.NewReader(xlsx.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("整改台账")
		f.Close()
		if len(rows) != 1+2+1 || rows[1][2] != "提高低保标准" {
			t.Fatalf("ledger rows = %q", rows)
		}
		ua.Must(t, 403, "GET", base+"/ledger.xlsx", nil)
	})
}

// TestDemoReportRoundTrip loads the demo campaign through its workflows,
// generates its report in every format, and reads the Markdown and DOCX
// back with the text importer: the seed's 39 titles in order. The demo's
// ledger re-imports (dry run) into the same problems and measures.
func TestDemoReportRoundTrip(t *testing.T) {
	st := storetest.SQLite(t)
	anon, svc := newServerAndService(t, &activities.Activities{Store: st})
	ctx := context.Background()
	start := time.Now()
	if err := demo.Load(ctx, svc, st, "demo-password", slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo loaded in %s", time.Since(start).Round(time.Millisecond))
	leader := anon.As(anon.Login(t, "leader", "demo-password"))
	doc, err := reporttext.Parse(strings.NewReader(demo.SeedReport))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range doc.Problems {
		want = append(want, p.Title)
	}
	var campaigns struct {
		Items []domain.Campaign `json:"items"`
	}
	leader.Must(t, 200, "GET", "/api/v1/campaigns", nil).Decode(t, &campaigns)
	cid := campaigns.Items[0].ID
	base := "/api/v1/campaigns/" + id(cid)
	for _, tc := range []struct{ format, file string }{{"md", "report.md"}, {"html", ""}, {"docx", "report.docx"}} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			began := time.Now()
			if err := svc.WriteReport(ctx, domain.User{Role: domain.RoleLeader}, cid, tc.format, &buf); err != nil {
				t.Fatal(err)
			}
			t.Logf("report %s: %d bytes in %s (service: store reads + rendering)", tc.format, buf.Len(), time.Since(began))
			r := leader.Must(t, 200, "GET", base+"/report?format="+tc.format, nil)
			if tc.file == "" {
				return
			}
			plan, err := importer.Read(tc.file, bytes.NewReader(r.Body), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range plan.Problems {
				got = append(got, p.Title)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("titles after the round trip:\n%q\nwant\n%q", got, want)
			}
			if tc.format == "md" && (!strings.Contains(string(r.Body), "（一）关于“统筹谋划民政事业高质量发展不到位”问题的整改情况。\n\n完成情况：一是") ||
				!strings.Contains(string(r.Body), "整改完成率2.6%")) {
				t.Errorf("the report does not say which problem is complete")
			}
		})
	}
	t.Run("Alive", func(t *testing.T) {
		// The demo leaves every queue with something in it and the lights
		// mixed. A deadline cannot be set in the past, so the red of the
		// measures due today shows from midnight China time: checked at
		// tomorrow's light.
		var stats domain.CampaignStats
		leader.Must(t, 200, "GET", base+"/stats", nil).Decode(t, &stats)
		if stats.ByLight[domain.LightYellow] == 0 || stats.ByLight[domain.LightGreen] == 0 {
			t.Errorf("lights = %v, want yellow and green ones", stats.ByLight)
		}
		var verify, returned, extension, lookback, redTomorrow int
		deadline := time.Now().Add(time.Minute)
		for {
			problems, err := st.CampaignProblems(ctx, cid)
			if err != nil {
				t.Fatal(err)
			}
			verify, returned, extension, lookback, redTomorrow = 0, 0, 0, 0, 0
			for _, p := range problems {
				switch {
				case p.Stage == domain.StageVerify:
					verify++
				case p.Stage == domain.StageLookback:
					lookback++
				case p.Stage == domain.StageExecute && p.Closure.Status == domain.ClosureRejected:
					returned++
				}
				for _, e := range p.Extensions {
					if e.Status == domain.ExtensionPending {
						extension++
					}
				}
				if p.LightAt(time.Now().Add(24*time.Hour)) == domain.LightRed {
					redTomorrow++
				}
			}
			if lookback > 0 || time.Now().After(deadline) {
				break // the look-back puts its problems under review in the background
			}
			time.Sleep(200 * time.Millisecond)
		}
		if verify != 1 || returned != 1 || extension != 1 || lookback != 1 || redTomorrow == 0 {
			t.Errorf("demo: %d in verify, %d returned, %d pending extensions, %d under look-back, %d red tomorrow; want 1, 1, 1, 1, some",
				verify, returned, extension, lookback, redTomorrow)
		}
		var lbs struct {
			Items []domain.Lookback `json:"items"`
		}
		leader.Must(t, 200, "GET", "/api/v1/lookbacks", nil).Decode(t, &lbs)
		if len(lbs.Items) != 1 {
			t.Errorf("look-backs = %+v, want the demo's one", lbs.Items)
		}
	})
	t.Run("LedgerRoundTrip", func(t *testing.T) {
		xlsx := leader.Must(t, 200, "GET", base+"/ledger.xlsx", nil)
		var res importResult
		upload(t, leader, cid, "?dry_run=true", "ledger.xlsx", xlsx.Body).Decode(t, &res)
		problems, err := st.CampaignProblems(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) != 39 || len(res.Skipped) != 39 || len(res.Created) != 0 {
			t.Fatalf("re-import found %d problems, %d skipped", len(res.Problems), len(res.Skipped))
		}
		for i, p := range problems {
			got := res.Problems[i]
			if got.Number != p.Number || got.Title != p.Title || len(got.Measures) != len(p.Measures) {
				t.Fatalf("problem %d: %+v, want %d %q with %d measures", i, got, p.Number, p.Title, len(p.Measures))
			}
			for j, m := range got.Measures {
				if m.Title != p.Measures[j].Title || m.Kind != p.Measures[j].Kind || m.Deadline != p.Measures[j].Deadline {
					t.Fatalf("problem %d measure %d: %+v, want %+v", p.Number, j+1, m, p.Measures[j])
				}
			}
		}
	})
}
