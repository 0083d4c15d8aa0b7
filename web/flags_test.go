package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/service"
	"github.com/rectify/rectify/internal/store/storetest"
)

// The 风险线索 page lists a reused file for the discipline group, refuses
// a dismissal without a reason with the message on the page, and shows
// the dismissal after one with a reason; the problem page shows the flag.
func TestFlagsPage(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("会议纪要 "), 100)...)
	for _, up := range []struct {
		user string
		p    domain.Problem
	}{{"ua", e.p1}, {"ub", e.p2}} {
		_, err := e.svc.AddEvidence(ctx, e.users[up.user], service.EvidenceUpload{ProblemID: up.p.ID, MeasureID: 1, Title: "党组会议纪要",
			FileName: "纪要.pdf", Body: bytes.NewReader(pdf)}, 1<<20)
		must(t, err)
	}
	flags, err := e.svc.ProblemFlags(ctx, e.users["disc"], e.p2.ID)
	must(t, err)
	if len(flags) != 1 || flags[0].Kind != domain.FlagEvidenceReused {
		t.Fatalf("flags of p2 = %+v", flags)
	}
	flagID := flags[0].ID

	c := browserClient(t)
	_, tok := login(t, e, c, "disc")
	resp, body := get(t, c, e.URL+"/flags")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`id="flag-%d"`, flagID)) ||
		!strings.Contains(body, "材料重复使用") || !strings.Contains(body, "与此前提交的1份材料内容完全相同") || !strings.Contains(body, `id="nav-flags"`) {
		t.Fatalf("flags page: %d\n%s", resp.StatusCode, body)
	}
	if _, body := get(t, c, e.URL+"/flags?kind=copied_text"); strings.Contains(body, fmt.Sprintf(`id="flag-%d"`, flagID)) {
		t.Error("the kind filter keeps a reused file under copied_text")
	}
	dismiss := e.URL + fmt.Sprintf("/flags/%d/dismiss", flagID)
	resp, body = post(t, c, dismiss, url.Values{"csrf_token": {tok}, "request_id": {"d-1"}, "back": {"/flags"}, "reason": {" "}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "请填写理由") {
		t.Fatalf("dismissal without a reason: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = post(t, c, dismiss, url.Values{"csrf_token": {tok}, "request_id": {"d-2"}, "back": {"/flags"}, "reason": {"同一次会议的纪要，两项问题共用"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=dismiss_flag") {
		t.Fatalf("dismissal: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := get(t, c, e.URL+"/flags"); !strings.Contains(body, "同一次会议的纪要，两项问题共用") || !strings.Contains(body, "纪检组钱五") && !strings.Contains(body, "disc") {
		t.Errorf("no dismissal on the page:\n%s", body)
	}
	if _, body := get(t, c, fmt.Sprintf("%s/problems/%d", e.URL, e.p2.ID)); !strings.Contains(body, `id="flags"`) || !strings.Contains(body, "材料重复使用") {
		t.Errorf("no flags on the problem page")
	}

	unit := browserClient(t)
	login(t, e, unit, "ua")
	if resp, body := get(t, unit, e.URL+"/flags"); resp.StatusCode != http.StatusForbidden || strings.Contains(body, `id="nav-flags"`) {
		t.Errorf("a unit user on the flags page: %d", resp.StatusCode)
	}
}
