package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/apitest"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// evidenceTestLimit is the evidence size limit of the test servers.
const evidenceTestLimit = 64 << 10

// uploadEvidence posts a multipart evidence form; file may be nil for text
// evidence; header holds extra header names and values.
func uploadEvidence(t *testing.T, c apitest.Client, path, title, note, fileName string, file []byte, header ...string) apitest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("title", title)
	if note != "" {
		_ = w.WriteField("note", note)
	}
	if file != nil {
		fw, err := w.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	w.Close()
	req, _ := http.NewRequest("POST", c.BaseURL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.Token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return apitest.Response{Status: resp.StatusCode, Body: data, Header: resp.Header}
}

func TestEvidence(t *testing.T) {
	st := storetest.SQLite(t)
	anon := newServer(t, st)
	admin := anon.As(anon.Login(t, "admin", "admin-password"))
	var ua, ub domain.Unit
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "规划财务处"}).Decode(t, &ua)
	admin.Must(t, 201, "POST", "/api/v1/units", map[string]any{"name": "办公室"}).Decode(t, &ub)
	for _, u := range []map[string]any{
		{"username": "leader2", "password": "password20", "role": "leader"},
		{"username": "fa", "password": "password30", "role": "unit", "unit_id": ua.ID},
		{"username": "fa2", "password": "password30", "role": "unit", "unit_id": ua.ID},
		{"username": "of", "password": "password40", "role": "unit", "unit_id": ub.ID},
	} {
		admin.Must(t, 201, "POST", "/api/v1/users", u)
	}
	leader2 := anon.As(anon.Login(t, "leader2", "password20"))
	fa := anon.As(anon.Login(t, "fa", "password30"))
	fa2 := anon.As(anon.Login(t, "fa2", "password30"))
	of := anon.As(anon.Login(t, "of", "password40"))
	var campaign domain.Campaign
	admin.Must(t, 201, "POST", "/api/v1/campaigns", map[string]any{"title": "佐证", "policy": map[string]any{"endorse_closure": false}}).Decode(t, &campaign)
	var p domain.Problem
	admin.Must(t, 201, "POST", "/api/v1/campaigns/"+id(campaign.ID)+"/problems", map[string]any{"title": "大额资金存放管理不到位"}).Decode(t, &p)
	pp := "/api/v1/problems/" + id(p.ID)
	admin.Must(t, 200, "POST", pp+"/plan", map[string]any{"lead_unit_id": ua.ID, "measures": []map[string]any{
		{"title": "修订资金存放管理办法", "kind": "deadline", "lead_unit_id": ua.ID, "deadline": time.Now().AddDate(0, 2, 0).Format("2006-01-02")},
	}})
	leader2.Must(t, 200, "POST", pp+"/plan/approve", nil)
	fa.Must(t, 200, "POST", pp+"/measures/1/acknowledge", nil)

	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("整改报告内容 "), 200)...)
	sum := sha256.Sum256(pdf)
	var ev domain.Evidence
	r := uploadEvidence(t, fa, pp+"/measures/1/evidence", "资金存放管理办法(修订)", "厅党组会审议通过", "资金管理办法.pdf", pdf)
	if r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &ev)
	if ev.ID == 0 || ev.SHA256 != hex.EncodeToString(sum[:]) || ev.OriginalName != "资金管理办法.pdf" || ev.Size != int64(len(pdf)) || ev.ContentType != "application/pdf" {
		t.Fatalf("evidence = %+v", ev)
	}

	t.Run("DownloadRoundTrip", func(t *testing.T) {
		for _, c := range []apitest.Client{fa, leader2, admin} {
			d := c.Must(t, 200, "GET", "/api/v1/evidence/"+id(ev.ID), nil)
			got := sha256.Sum256(d.Body)
			if got != sum || d.Header.Get("Content-Type") != "application/pdf" || d.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("download: %d bytes, type %q", len(d.Body), d.Header.Get("Content-Type"))
			}
			if cd := d.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=utf-8''%E8%B5%84%E9%87%91") || !strings.HasPrefix(cd, "attachment") {
				t.Fatalf("Content-Disposition %q", cd)
			}
		}
		of.Must(t, 403, "GET", "/api/v1/evidence/"+id(ev.ID), nil) // another unit's problem
		fa.Must(t, 404, "GET", "/api/v1/evidence/999", nil)
	})

	refusals := []struct {
		name   string
		client apitest.Client
		path   string
		title  string
		file   string
		body   []byte
		status int
	}{
		{"SpoofedExe", fa, pp + "/measures/1/evidence", "t", "report.pdf", append([]byte("MZ\x90\x00"), make([]byte, 100)...), 400},
		{"ZipAsJpeg", fa, pp + "/measures/1/evidence", "t", "photo.jpg", []byte("PK\x03\x04rest"), 400},
		{"Exe", fa, pp + "/measures/1/evidence", "t", "setup.exe", []byte("MZ"), 400},
		{"Traversal", fa, pp + "/measures/1/evidence", "t", "../../etc/passwd.txt", []byte("x"), 400},
		{"Empty", fa, pp + "/measures/1/evidence", "t", "empty.pdf", []byte{}, 400},
		{"Oversize", fa, pp + "/measures/1/evidence", "t", "big.pdf", append([]byte("%PDF-"), make([]byte, evidenceTestLimit)...), 413},
		{"NoTitle", fa, pp + "/measures/1/evidence", " ", "a.pdf", pdf, 400},
		{"MissingMeasure", fa, pp + "/measures/9/evidence", "t", "a.pdf", pdf, 404},
		{"WrongUnit", of, pp + "/measures/1/evidence", "t", "a.pdf", pdf, 403},
		{"Leader", leader2, pp + "/measures/1/evidence", "t", "a.pdf", pdf, 403},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			r := uploadEvidence(t, tc.client, tc.path, tc.title, "", tc.file, tc.body)
			if r.Status != tc.status || r.ErrorCode() == "" {
				t.Fatalf("status %d (%s), want %d", r.Status, r.Body, tc.status)
			}
		})
	}
	var items struct {
		Items []domain.Evidence `json:"items"`
	}
	fa.Must(t, 200, "GET", pp+"/evidence", nil).Decode(t, &items)
	if len(items.Items) != 1 {
		t.Fatalf("after the refusals %d evidence rows, want 1: nothing half-stored", len(items.Items))
	}

	t.Run("RetryWithSameKey", func(t *testing.T) {
		// A retry (the answer was lost) with the same Idempotency-Key
		// answers the first upload's evidence and adds no row; another key,
		// or the same key of another user, is another upload.
		count := func() int {
			var items struct {
				Items []domain.Evidence `json:"items"`
			}
			fa.Must(t, 200, "GET", pp+"/evidence", nil).Decode(t, &items)
			return len(items.Items)
		}
		before := count()
		var first, again, other, byOther domain.Evidence
		up := func(c apitest.Client, key string, into *domain.Evidence) {
			t.Helper()
			r := uploadEvidence(t, c, pp+"/measures/1/evidence", "会议纪要", "", "纪要.pdf", pdf, "Idempotency-Key", key)
			if r.Status != 201 {
				t.Fatalf("upload with key %s: %d %s", key, r.Status, r.Body)
			}
			r.Decode(t, into)
		}
		up(fa, "upload-1", &first)
		up(fa, "upload-1", &again)
		if again != first {
			t.Fatalf("the retry answered %+v, want the first upload %+v", again, first)
		}
		if n := count(); n != before+1 {
			t.Fatalf("%d evidence rows after an upload and its retry, want %d", n, before+1)
		}
		up(fa, "upload-2", &other)
		up(fa2, "upload-1", &byOther)
		if other.ID == first.ID || byOther.ID == first.ID || other.ID == byOther.ID {
			t.Fatalf("ids %d, %d, %d: want three uploads", first.ID, other.ID, byOther.ID)
		}
		if n := count(); n != before+3 {
			t.Fatalf("%d evidence rows, want %d", n, before+3)
		}
		// Out of the way of the closure review below.
		fa.Must(t, 200, "POST", "/api/v1/evidence/"+id(first.ID)+"/withdraw", nil)
		fa.Must(t, 200, "POST", "/api/v1/evidence/"+id(other.ID)+"/withdraw", nil)
		fa2.Must(t, 200, "POST", "/api/v1/evidence/"+id(byOther.ID)+"/withdraw", nil)
	})

	t.Run("FieldsInAnyOrder", func(t *testing.T) {
		// Some HTTP clients send the file part before the title.
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		fw, _ := w.CreateFormFile("file", "会议纪要.pdf")
		fw.Write(pdf)
		_ = w.WriteField("title", "专题会议纪要")
		_ = w.WriteField("note", "文件在前")
		w.Close()
		r := fa.Do(t, "POST", pp+"/measures/1/evidence", body.String(), "Content-Type", w.FormDataContentType())
		var got domain.Evidence
		if r.Status != 201 {
			t.Fatalf("file before title: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &got)
		if got.Title != "专题会议纪要" || got.Note != "文件在前" || got.SHA256 != ev.SHA256 {
			t.Fatalf("evidence = %+v", got)
		}
		fa.Must(t, 200, "POST", "/api/v1/evidence/"+id(got.ID)+"/withdraw", nil)

		// Over the limit while kept aside: refused as well.
		body.Reset()
		w = multipart.NewWriter(&body)
		fw, _ = w.CreateFormFile("file", "big.pdf")
		fw.Write(append([]byte("%PDF-"), make([]byte, evidenceTestLimit)...))
		_ = w.WriteField("title", "过大")
		w.Close()
		if r := fa.Do(t, "POST", pp+"/measures/1/evidence", body.String(), "Content-Type", w.FormDataContentType()); r.Status != 413 {
			t.Fatalf("oversize file before title: %d %s, want 413", r.Status, r.Body)
		}
	})

	t.Run("NotMultipart", func(t *testing.T) {
		r := fa.Do(t, "POST", pp+"/measures/1/evidence", `{"title":"x"}`)
		if r.Status != 415 || r.ErrorCode() != domain.EUnsupportedMedia {
			t.Fatalf("JSON evidence: %d %s, want 415 unsupported_media_type", r.Status, r.Body)
		}
	})

	t.Run("TextEvidenceAndWithdraw", func(t *testing.T) {
		var text domain.Evidence
		uploadEvidence(t, fa2, pp+"/measures/1/evidence", "会议纪要", "2024年3月厅党组会议研究资金存放问题", "", nil).Decode(t, &text)
		if text.ID == 0 || text.SHA256 != "" {
			t.Fatalf("text evidence = %+v", text)
		}
		d := fa.Must(t, 200, "GET", "/api/v1/evidence/"+id(text.ID), nil)
		if !strings.Contains(string(d.Body), "厅党组会议") {
			t.Errorf("text evidence download %q", d.Body)
		}
		fa.Must(t, 403, "POST", "/api/v1/evidence/"+id(text.ID)+"/withdraw", nil) // not the uploader
		var w domain.Evidence
		fa2.Must(t, 200, "POST", "/api/v1/evidence/"+id(text.ID)+"/withdraw", nil).Decode(t, &w)
		if !w.Withdrawn {
			t.Errorf("withdrawn = %+v", w)
		}
		fa2.Must(t, 409, "POST", "/api/v1/evidence/"+id(text.ID)+"/withdraw", nil)
		fa.Must(t, 200, "GET", "/api/v1/evidence/"+id(text.ID), nil) // nothing is deleted
	})

	t.Run("ClosureReviews", func(t *testing.T) {
		fa.Must(t, 200, "POST", pp+"/measures/1/complete", map[string]any{"summary": "办法已印发"})
		fa.Must(t, 200, "POST", pp+"/closure-request", map[string]any{"summary": "申请销号"})
		fa.Must(t, 403, "GET", "/api/v1/reviews/closures", nil)
		var reviews struct {
			Items []struct {
				Problem  domain.Problem    `json:"problem"`
				Evidence []domain.Evidence `json:"evidence"`
				Missing  []int64           `json:"measures_without_evidence"`
			} `json:"items"`
		}
		admin.Must(t, 200, "GET", "/api/v1/reviews/closures?campaign_id="+id(campaign.ID), nil).Decode(t, &reviews)
		if len(reviews.Items) != 1 || len(reviews.Items[0].Evidence) != 1 || reviews.Items[0].Evidence[0].ID != ev.ID || len(reviews.Items[0].Missing) != 0 {
			t.Fatalf("closure reviews = %+v", reviews.Items)
		}
		fa.Must(t, 409, "POST", "/api/v1/evidence/"+id(ev.ID)+"/withdraw", nil) // too late once closure is requested
	})

	t.Run("Outcomes", func(t *testing.T) {
		fa.Must(t, 201, "POST", pp+"/outcomes", map[string]any{"kind": "regulation", "name": "资金存放管理办法", "doc_number": "苏民财〔2024〕3号", "date": "2024-05-01"})
		fa.Must(t, 201, "POST", pp+"/outcomes", map[string]any{"kind": "money", "amount": 125000.5})
		fa.Must(t, 201, "POST", pp+"/outcomes", map[string]any{"kind": "people", "name": "诫勉谈话", "count": 2})
		fa.Must(t, 400, "POST", pp+"/outcomes", map[string]any{"kind": "money"})
		fa.Must(t, 400, "POST", pp+"/outcomes", map[string]any{"kind": "bribes"})
		of.Must(t, 403, "POST", pp+"/outcomes", map[string]any{"kind": "money", "amount": 1})
		var stats domain.CampaignStats
		leader2.Must(t, 200, "GET", "/api/v1/campaigns/"+id(campaign.ID)+"/stats", nil).Decode(t, &stats)
		if stats.Outcomes.Regulations != 1 || stats.Outcomes.MoneyYuan != 125000.5 || stats.Outcomes.PeopleHandled != 2 {
			t.Errorf("outcome totals = %+v", stats.Outcomes)
		}
	})
}
