package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/store/storetest"
)

// TestWorkbenchInBrowser works through 我的待办 as a unit user would: one
// compact row per thing to do, grouped by what comes next; each row opens
// its forms in place; after an action the page comes back to the same row
// with a note naming the measure; a refusal shows at the top and beside
// its field, in view; closure is offered only once every measure is done
// and evidenced; a closure sent back shows with its reason.
func TestWorkbenchInBrowser(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	b := newBrowser(t, e.URL)
	ctx := context.Background()
	unit := e.units["社会救助处"]
	c, err := e.svc.CreateCampaign(ctx, e.users["leader1"], domain.Campaign{Title: "待办流程"})
	must(t, err)
	p, err := e.svc.CreateProblem(ctx, e.users["leader1"], domain.NewProblem{CampaignID: c.ID, Title: "临时救助资金发放不及时"})
	must(t, err)
	future := domain.DateOf(time.Now().AddDate(0, 2, 0))
	e.act(t, p.ID, "leader1", domain.Command{Action: domain.ActionSubmitPlan, Plan: &domain.PlanInput{LeadUnitID: unit.ID, Measures: []domain.MeasureInput{
		{Title: "清理积压申请", Kind: domain.KindDeadline, LeadUnitID: unit.ID, Deadline: future, HandlerID: e.users["ua"].ID},
		{Title: "修订发放规程", Kind: domain.KindDeadline, LeadUnitID: unit.ID, Deadline: future},
	}}})
	e.act(t, p.ID, "leader2", domain.Command{Action: domain.ActionApprovePlan})
	row1 := fmt.Sprintf("#row-%d-1", p.ID)
	row2 := fmt.Sprintf("#row-%d-2", p.ID)

	b.login("ua")
	b.wantStatus("workbench", b.open("/workbench"), 200)
	if n := b.count(`#wb-ack ` + row1 + `, #wb-ack ` + row2); n != 2 {
		t.Fatalf("%d of the problem's measures are to acknowledge, want 2", n)
	}
	b.screenshot("wb-1-acknowledge")

	// 签收 from the row: back on the same row, the note names the measure.
	b.wantStatus("acknowledge", b.submit(`#wb-ack `+row1, "acknowledge-1"), 200)
	if loc := b.location(); !strings.HasSuffix(loc, row1) {
		t.Fatalf("after 签收 at %s, want the row %s", loc, row1)
	}
	if f := b.text(`.flash`); !strings.Contains(f, "签收") || !strings.Contains(f, "清理积压申请") {
		t.Fatalf("the note after 签收 = %q, want it to name the measure", f)
	}
	// The problem runs once every measure is acknowledged.
	b.wantStatus("acknowledge", b.submit(`#wb-ack `+row2, "acknowledge-2"), 200)
	if got := b.text(`#wb-progress ` + row1); !strings.Contains(got, "我经办") {
		t.Fatalf("the handler's measure in 报告进展 reads %q", got)
	}
	if n := b.count(`#wb-progress ` + row2 + `.just-done`); n != 1 {
		t.Fatal("the row just acted on is not marked")
	}

	// A refused report: the message at the top and beside the field, the
	// field in view, what was typed kept.
	b.click(`#wb-progress ` + row1 + ` details.wb-forms summary`)
	form := row1 + ` form[data-form="report_progress-1"]`
	b.unrequire(form + ` textarea[name=text]`)
	b.set(form+` input[name=percent]`, "40")
	b.wantStatus("empty progress", b.submit(`#wb-progress `+row1, "report_progress-1"), 400)
	if h := b.text(`h1`); h != "我的待办" {
		t.Fatalf("a refusal on the workbench shows the page %q", h)
	}
	top := b.refusal(`#refusal`)
	beside := b.refusal(`#field-error`)
	if top == "" || !strings.Contains(top, beside) {
		t.Fatalf("the top says %q, beside the field %q", top, beside)
	}
	if got := b.value(form + ` input[name=percent]`); got != "40" {
		t.Fatalf("the refused form kept percent %q, want 40", got)
	}
	inView, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const f = document.querySelector('#field-error'); const r = f.getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight && document.activeElement.getAttribute("aria-invalid") === "true"; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if !inView {
		t.Fatal("the message beside the refused field is off-screen, or the field has not the focus")
	}
	b.screenshot("wb-2-refused")

	b.set(form+` textarea[name=text]`, "已清理积压申请32件")
	b.wantStatus("progress", b.submit(`#wb-progress `+row1, "report_progress-1"), 200)
	if f := b.text(`.flash`); !strings.Contains(f, "报告进展") || !strings.Contains(f, "措施1") {
		t.Fatalf("the note after the report = %q", f)
	}
	if got := b.text(`#wb-progress ` + row1); !strings.Contains(got, "40%") {
		t.Fatalf("the row after the report reads %q, want 40%%", got)
	}

	// Completed without evidence: the row moves to 上传佐证; closure is not
	// offered, although every measure could soon be done.
	b.click(`#wb-progress ` + row1 + ` details.wb-forms summary`)
	b.set(row1+` form[data-form="complete_measure-1"] textarea[name=summary]`, "积压申请全部办结")
	b.wantStatus("complete", b.submit(`#wb-progress `+row1, "complete_measure-1"), 200)
	if n := b.count(`#wb-evidence ` + row1); n != 1 {
		t.Fatal("a measure completed without evidence is not under 上传佐证")
	}
	e.act(t, p.ID, "ua", domain.Command{Action: domain.ActionCompleteMeasure, MeasureID: 2, Text: "规程已修订"})
	b.open("/workbench")
	if n := b.count(`#wb-closure .wb-row`); n != 0 {
		t.Fatal("closure is offered while the measures have no evidence")
	}
	b.screenshot("wb-3-evidence")

	// Evidence from the rows: each goes up and the row leaves the group.
	pdf := filepath.Join(t.TempDir(), "办结清单.pdf")
	must(t, os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), 0o644))
	for _, m := range []struct {
		row string
		id  int
	}{{row1, 1}, {row2, 2}} {
		b.click(`#wb-evidence ` + m.row + ` details.wb-forms summary`)
		ev := fmt.Sprintf(`%s form[data-form="evidence-%d"]`, m.row, m.id)
		if err := chromedp.Do(b.ctx, chromedp.SetUploadFiles(ev+` input[type=file]`, []string{pdf})); err != nil {
			t.Fatal(err)
		}
		b.wantStatus("upload", b.submit(`#wb-evidence `+m.row, fmt.Sprintf("evidence-%d", m.id)), 200)
		if f := b.text(`.flash`); !strings.Contains(f, "上传佐证材料") || !strings.Contains(f, fmt.Sprintf("措施%d", m.id)) {
			t.Fatalf("the note after the upload = %q", f)
		}
	}
	if n := b.count(`#wb-evidence`); n != 0 {
		t.Fatal("上传佐证 still lists measures that have evidence")
	}
	closeRow := fmt.Sprintf("#closure-%d", p.ID)
	if n := b.count(`#wb-closure ` + closeRow); n != 1 {
		t.Fatal("closure is not offered once every measure is done and evidenced")
	}
	b.screenshot("wb-4-closure")
	b.click(closeRow + ` details.wb-forms summary`)
	b.set(`form[data-form=request_closure] textarea[name=summary]`, "两项措施均已完成")
	b.wantStatus("closure request", b.submit(closeRow, "request_closure"), 200)
	if n := b.count(`#wb-verify .wb-row`); n != 1 {
		t.Fatal("the problem under review is not under 审核中")
	}
	b.logout()

	// The supervisor sends it back: the unit sees why, at the top.
	e.act(t, p.ID, "super", domain.Command{Action: domain.ActionRejectClosure, Text: "发放台账未附银行回单"})
	b.login("ua")
	b.open("/workbench")
	if got := b.text(fmt.Sprintf(`#wb-returned #returned-%d`, p.ID)); !strings.Contains(got, "发放台账未附银行回单") || !strings.Contains(got, "赵督办") {
		t.Fatalf("the returned row reads %q, want the reason and who sent it back", got)
	}
	b.screenshot("wb-5-returned")

	// The problem page names people, not logins, and its 办理记录 shows the
	// uploads among the decisions.
	b.open(fmt.Sprintf("/problems/%d", p.ID))
	records := b.text(`.side-col .events`)
	for _, want := range []string{"上传佐证材料", "办结清单", "救助处张三", "赵督办"} {
		if !strings.Contains(records, want) {
			t.Errorf("办理记录 lacks %q:\n%s", want, records)
		}
	}
	if strings.Contains(records, "stage.") {
		t.Errorf("办理记录 shows an untranslated stage:\n%s", records)
	}
	if strings.Contains(records, "super ·") || strings.Contains(records, "ua ·") {
		t.Errorf("办理记录 names logins:\n%s", records)
	}
	b.screenshot("wb-6-problem-records")
}
