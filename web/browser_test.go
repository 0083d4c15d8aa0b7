package web_test

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rectify/rectify/internal/domain"
)

// chromiumPath finds Debian's chromium. Without it the browser test skips,
// except under CI=true, where it fails: CI must run it.
func chromiumPath(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	msg := "chromium not found at /usr/bin/chromium: install it with `apt-get install -y chromium` to run the browser test"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// browser drives one headless Chromium for a test.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	shot string // screenshot directory
}

func newBrowser(t *testing.T, base string) *browser {
	path := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("lang", "zh-CN"),
		// Accept-Language as a Chinese browser sends it; English is tested by its switch.
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 768),
	}
	// The whole browser test stays well under this (every screenshot is
	// taken at two widths and checked by axe).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	b := &browser{t: t, ctx: bctx, base: base, shot: artifactsDir(t)}
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Logf("screenshots in %s", b.shot)
	return b
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// open loads path and returns the HTTP status of the page.
func (b *browser) open(path string) int64 {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// submit clicks the submit button of the form data-form=name (within scope,
// a CSS prefix) and waits for the page that answers; it returns its status.
func (b *browser) submit(scope, name string) int64 {
	b.t.Helper()
	sel := strings.TrimSpace(scope + ` form[data-form="` + name + `"] button[type=submit]`)
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(css(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("submit %s: %v", name, err)
	}
	return resp.Status
}

// click clicks the visible element sel (a <summary> that opens a row's
// forms, say).
func (b *browser) click(sel string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Click(css(sel), chromedp.NodeVisible)); err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
}

func (b *browser) set(sel, value string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.SetValue(css(sel), value)); err != nil {
		b.t.Fatalf("set %s: %v", sel, err)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	// Pages are rendered by then: waiting long only hides a missing element.
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(css(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// englishSentence is three English words in a row: on a Chinese page a
// refusal that holds one was not translated.
var englishSentence = regexp.MustCompile(`[A-Za-z]{2,}(?:[ ,;:'"-]+[A-Za-z]{2,}){2,}`)

// refusal returns the refusal shown at sel and fails when there is none or
// when it holds an English sentence (the pages under test are Chinese).
func (b *browser) refusal(sel string) string {
	b.t.Helper()
	msg := b.text(sel)
	if msg == "" {
		b.t.Fatalf("no refusal at %s", sel)
	}
	if m := englishSentence.FindString(msg); m != "" {
		b.t.Fatalf("the refusal at %s on a Chinese page reads in English (%q): %q", sel, m, msg)
	}
	return msg
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(css(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

func (b *browser) count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if err != nil {
		b.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

func (b *browser) location() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// The widths every page is looked at: an office desktop and a phone.
var widths = []struct {
	name          string
	width, height int64
}{{"desktop", 1366, 768}, {"phone", 390, 844}}

// screenshot keeps the whole page at both widths, as name-desktop.png and
// name-phone.png, and checks it with axe-core at each: a serious or
// critical accessibility violation fails the test.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	// The viewport the test is in (a phone test stays on a phone).
	was, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int64](`[window.innerWidth, window.innerHeight]`))
	if err != nil || len(was) != 2 {
		b.t.Fatalf("viewport before %s: %v", name, err)
	}
	for _, w := range widths {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(w.width, w.height)); err != nil {
			b.t.Fatalf("viewport %s: %v", w.name, err)
		}
		b.accessible(name + " (" + w.name + ")")
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(b.shot, name+"-"+w.name+".png"), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(was[0], was[1])); err != nil {
		b.t.Fatalf("viewport: %v", err)
	}
}

//go:embed testdata/axe/axe.min.js
var axeSource string

// accessible runs axe-core (from npm, testdata/axe) on the page for the
// WCAG 2 A and AA rules and fails on any serious or critical violation,
// naming the rule and the elements.
func (b *browser) accessible(what string) {
	b.t.Helper()
	loaded, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`typeof window.axe !== "undefined"`))
	if err != nil {
		b.t.Fatalf("axe on %s: %v", what, err)
	}
	if !loaded {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			b.t.Fatalf("load axe on %s: %v", what, err)
		}
	}
	const run = `(async () => {
  const r = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]});
  return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.slice(0, 5).map(n => n.target.join(" ")).join(", "));
})()`
	found, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe on %s: %v", what, err)
	}
	if len(found) > 0 {
		b.t.Errorf("accessibility of %s:\n%s", what, strings.Join(found, "\n"))
	}
}

func (b *browser) login(user string) {
	b.t.Helper()
	b.open("/login")
	b.set(`input[name=username]`, user)
	b.set(`input[name=password]`, password)
	if st := b.submit("", "login"); st != 200 {
		b.t.Fatalf("login %s: status %d", user, st)
	}
	if !strings.HasPrefix(b.location(), "/dashboard") {
		b.t.Fatalf("after login at %s, want the dashboard", b.location())
	}
}

func (b *browser) logout() {
	b.t.Helper()
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(css(`#logout`), chromedp.NodeVisible)); err != nil {
		b.t.Fatalf("logout: %v", err)
	}
	if loc := b.location(); loc != "/login" {
		b.t.Fatalf("after logout at %s", loc)
	}
}

func (b *browser) wantStatus(what string, got, want int64) {
	b.t.Helper()
	if got != want {
		b.t.Fatalf("%s: status %d, want %d", what, got, want)
	}
}

// testBrowser walks the paths in headless Chromium: a unit user
// reports, completes and requests closure (a refused request keeps its
// text), cannot open another unit's problem, a supervisor approves, the
// dashboard shows the closure; a leader's refused plan keeps its rows.
func testBrowser(t *testing.T, e *env) {
	start := time.Now()
	b := newBrowser(t, e.URL)
	p1 := fmt.Sprintf("/problems/%d", e.p1.ID)

	b.open("/")
	if loc := b.location(); loc != "/login" {
		t.Fatalf("/ went to %s, want /login", loc)
	}
	b.screenshot("01-login")

	// A unit user.
	b.login("ua")
	b.screenshot("02-dashboard-unit")
	b.wantStatus("workbench", b.open("/workbench"), 200)
	if got := b.text(`#wb-progress`); !strings.Contains(got, e.p1.Title) || strings.Contains(got, e.p2.Title) {
		t.Fatalf("workbench lists %q", got)
	}
	b.screenshot("03-workbench")

	b.wantStatus("another unit's problem", b.open(fmt.Sprintf("/problems/%d", e.p2.ID)), 403)
	if h := b.text(`h1`); !strings.Contains(h, "403") || !strings.Contains(h, "无权访问") {
		t.Fatalf("403 page heading %q", h)
	}
	b.screenshot("04-forbidden")

	// Closure before the measure is done: refused, the text stays.
	b.open(p1)
	const summary = "已全部整改到位，申请销号"
	b.set(`form[data-form=request_closure] textarea[name=summary]`, summary)
	b.wantStatus("early closure request", b.submit("", "request_closure"), 409)
	if msg := b.refusal(`form[data-form=request_closure] .error`); !strings.Contains(msg, "措施1“开展专项核查”尚未完成") {
		t.Fatalf("refused closure request says %q", msg)
	}
	if got := b.value(`form[data-form=request_closure] textarea[name=summary]`); got != summary {
		t.Fatalf("refused form kept %q, want %q", got, summary)
	}
	b.screenshot("05-closure-refused")

	b.open(p1)
	b.set(`form[data-form="report_progress-1"] textarea[name=text]`, "已完成第一轮核查，清退不符合条件对象12户")
	b.set(`form[data-form="report_progress-1"] input[name=percent]`, "60")
	b.wantStatus("progress", b.submit("", "report_progress-1"), 200)
	b.set(`form[data-form="complete_measure-1"] textarea[name=summary]`, "专项核查完成")
	b.wantStatus("complete", b.submit("", "complete_measure-1"), 200)
	// Evidence through the upload form (the script sends it with a
	// progress bar), then the closure request.
	pdf := filepath.Join(t.TempDir(), "核查报告.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Click(css(`#measure-1 details.upload-form summary`), chromedp.NodeVisible)); err != nil {
		t.Fatalf("open the upload form: %v", err)
	}
	b.set(`form[data-form="evidence-1"] textarea[name=note]`, "低保对象专项核查报告（盖章扫描件）")
	if err := chromedp.Do(b.ctx, chromedp.SetUploadFiles(`form[data-form="evidence-1"] input[type=file]`, []string{pdf})); err != nil {
		t.Fatalf("choose the file: %v", err)
	}
	if got := b.value(`form[data-form="evidence-1"] input[name=title]`); got != "核查报告" {
		t.Fatalf("the script suggested the title %q, want 核查报告", got)
	}
	b.screenshot("05a-evidence-form")
	b.wantStatus("evidence upload", b.submit("", "evidence-1"), 200)
	if got := b.text(`#evidence-of-1 .evidence-list`); !strings.Contains(got, "核查报告") || !strings.Contains(got, "核查报告.pdf") {
		t.Fatalf("evidence list %q", got)
	}
	if f := b.text(`.flash`); !strings.Contains(f, "上传佐证材料") {
		t.Fatalf("flash after the upload = %q", f)
	}
	b.screenshot("05b-evidence-uploaded")
	b.set(`form[data-form=request_closure] textarea[name=summary]`, summary)
	b.wantStatus("closure request", b.submit("", "request_closure"), 200)
	if st := b.text(`h1 .stage`); st != "审核销号" {
		t.Fatalf("stage after the closure request = %q, want 审核销号", st)
	}
	if f := b.text(`.flash`); !strings.Contains(f, "申请销号") {
		t.Fatalf("flash = %q", f)
	}
	b.logout()

	// The supervisor approves from the queue.
	b.login("super")
	b.wantStatus("review queue", b.open("/review"), 200)
	card := fmt.Sprintf("#review-%d", e.p1.ID)
	if got := b.text(card + " h2"); !strings.Contains(got, e.p1.Title) {
		t.Fatalf("review queue card %q", got)
	}
	if got := b.text(fmt.Sprintf(`#check-%d-1 .ev-link`, e.p1.ID)); got != "核查报告" {
		t.Fatalf("checklist evidence %q", got)
	}
	if n := b.count(card + ` .tag-missing`); n != 0 {
		t.Fatalf("%d measures flagged without evidence, want 0", n)
	}
	b.screenshot("06-review-queue")
	b.set(card+` form[data-form=approve_closure] textarea[name=comment]`, "佐证充分，同意销号")
	b.wantStatus("approve", b.submit(card, "approve_closure"), 200)
	if n := b.count(card); n != 0 {
		t.Fatalf("the approved request is still in the queue")
	}

	// The seeded campaign (the HTTP test may have added a newer one).
	b.open(fmt.Sprintf("/dashboard?campaign_id=%d", e.campaign.ID))
	if got := b.text(`#closed-of`); !strings.Contains(got, "已销号 1 / 共 3") {
		t.Fatalf("dashboard says %q, want 已销号 1 / 共 3", got)
	}
	if got := b.text(`#by-stage td[data-stage=closed]`); got != "1" {
		t.Fatalf("closed count %q", got)
	}
	if n := b.count(`#chart rect.bar`); n != 1 {
		t.Fatalf("chart has %d bars, want 1", n)
	}
	b.screenshot("07-dashboard-closed")
	b.open(p1)
	if got := b.text(`.events`); !strings.Contains(got, "佐证充分，同意销号") || !strings.Contains(got, "同意销号") {
		t.Fatalf("event log lacks the decision: %q", got)
	}
	b.screenshot("08-problem-closed")
	if st := b.text(`.timeline li.todo .label`); st != "回头看" {
		t.Fatalf("a closed problem's timeline has %q ahead, want 回头看", st)
	}
	b.logout()

	testLookback(t, e, b)

	// A leader's plan: refused (a past deadline), every row comes back.
	b.login("leader1")
	plan := fmt.Sprintf("/problems/%d/plan", e.p3.ID)
	b.wantStatus("plan editor", b.open(plan), 200)
	if err := chromedp.Do(b.ctx, chromedp.Click(css(`#add-measure`), chromedp.NodeVisible)); err != nil {
		t.Fatalf("add measure: %v", err)
	}
	if n := b.count(`fieldset.plan-row`); n != 4 {
		t.Fatalf("%d rows after add measure, want 4", n)
	}
	unitA := fmt.Sprint(e.units["养老服务处"].ID)
	b.set(`select[name=lead_unit_id]`, unitA)
	b.set(`textarea[name="m0.title"]`, "开展养老机构安全隐患大排查")
	b.set(`select[name="m0.lead"]`, unitA)
	b.set(`input[name="m0.leader"]`, "分管厅领导")
	b.set(`input[name="m0.deadline"]`, "2020-01-01")
	b.set(`textarea[name="m3.title"]`, "建立隐患整改长效机制")
	b.set(`select[name="m3.kind"]`, string(domain.KindLongTerm))
	b.set(`select[name="m3.lead"]`, unitA)
	b.wantStatus("plan with a past deadline", b.submit("", "submit_plan"), 400)
	if msg := b.refusal(`form[data-form=submit_plan] .error`); !strings.Contains(msg, "2020-01-01") || !strings.Contains(msg, "已过") {
		t.Fatalf("plan error %q", msg)
	}
	if got := b.value(`textarea[name="m0.title"]`); got != "开展养老机构安全隐患大排查" {
		t.Fatalf("refused plan kept title %q", got)
	}
	if got := b.value(`textarea[name="m1.title"]`); got != "建立隐患整改长效机制" {
		t.Fatalf("refused plan kept second row %q", got)
	}
	if got := b.value(`select[name="m1.kind"]`); got != string(domain.KindLongTerm) {
		t.Fatalf("refused plan kept kind %q", got)
	}
	b.screenshot("09-plan-refused")
	b.set(`input[name="m0.deadline"]`, string(domain.DateOf(time.Now().AddDate(0, 3, 0))))
	b.wantStatus("plan", b.submit("", "submit_plan"), 200)
	if loc := b.location(); !strings.HasPrefix(loc, fmt.Sprintf("/problems/%d", e.p3.ID)) {
		t.Fatalf("after the plan at %s", loc)
	}
	if n := b.count(`article.measure`); n != 2 {
		t.Fatalf("the plan has %d measures, want 2", n)
	}

	testDeadlines(t, e, b)

	// The list with a text search, then English.
	b.open(fmt.Sprintf("/problems?campaign_id=%d&q=%s", e.campaign.ID, "低保"))
	if got := b.text(`#list-count`); got != "共 1 个问题" {
		t.Fatalf("search count %q", got)
	}
	b.screenshot("10-problem-list")
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(css(`a.lang`), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if got := b.text(`.nav`); !strings.Contains(got, "Dashboard") {
		t.Fatalf("nav after switching to English: %q", got)
	}
	b.open(fmt.Sprintf("/problems/%d", e.p1.ID))
	b.screenshot("11-problem-en")
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(css(`a.lang`), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}

	// A phone.
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	b.open(fmt.Sprintf("/dashboard?campaign_id=%d", e.campaign.ID))
	b.screenshot("12-dashboard-phone")
	// The phone menu is a real button: folded at first, opened from the
	// keyboard, and the navigation marks the page it is on.
	eval := func(js string) string {
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
		must(t, err)
		return v
	}
	navShown := func() string { return eval(`getComputedStyle(document.getElementById("main-nav")).display`) }
	if d := navShown(); d != "none" {
		t.Fatalf("the phone menu shows before it is opened (%s)", d)
	}
	must(t, chromedp.Do(b.ctx, chromedp.Focus(css(`button.nav-toggle`)), chromedp.KeyEvent("\r")))
	expanded := eval(`document.querySelector("button.nav-toggle").getAttribute("aria-expanded")`)
	current := eval(`document.querySelector('#main-nav a[aria-current="page"]').getAttribute("href")`)
	if d := navShown(); d == "none" || expanded != "true" || current != "/dashboard" {
		t.Fatalf("after Enter on the menu button: nav %s, aria-expanded %s, current page %q", d, expanded, current)
	}
	b.screenshot("12b-menu-open-phone")
	b.open(p1)
	b.screenshot("13-problem-phone")
	t.Logf("browser test took %s", time.Since(start).Round(time.Millisecond))
}

// testDeadlines walks extensions, urging and the inbox: a unit asks for a
// later deadline, a leader approves it from the queue, the measure shows
// the new and the original deadline; a supervisor urges and the unit sees
// the unread badge and the inbox entry; a leader edits the report text.
// It starts and ends with leader1 signed in.
func testDeadlines(t *testing.T, e *env, b *browser) {
	p2 := fmt.Sprintf("/problems/%d", e.p2.ID)
	old := e.p2.Measures[0].Deadline
	later := old.AddDays(30)
	b.logout()

	b.login("ub")
	b.open(p2)
	if got := b.text(`#measure-1 .deadline`); !strings.Contains(got, string(old)) || !strings.Contains(got, "绿灯") {
		t.Fatalf("measure deadline %q, want %s and a green light", got, old)
	}
	if err := chromedp.Do(b.ctx, chromedp.Click(css(`#measure-1 details.ext-form summary`), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	// Refused without a reason: the date stays.
	b.set(`form[data-form="request_extension-1"] input[name=deadline]`, string(later))
	b.unrequire(`form[data-form="request_extension-1"] textarea[name=reason]`)
	b.wantStatus("extension without reason", b.submit("", "request_extension-1"), 400)
	if msg := b.refusal(`form[data-form="request_extension-1"] .error`); msg != "请填写理由" {
		t.Fatalf("refusal message %q", msg)
	}
	if got := b.value(`form[data-form="request_extension-1"] input[name=deadline]`); got != string(later) {
		t.Fatalf("refused extension kept %q", got)
	}
	b.set(`form[data-form="request_extension-1"] textarea[name=reason]`, "涉及跨部门数据对接，需延长一个月")
	b.wantStatus("extension request", b.submit("", "request_extension-1"), 200)
	if got := b.text(`#measure-1 .pending-ext`); !strings.Contains(got, string(later)) || !strings.Contains(got, "待审批") {
		t.Fatalf("pending extension %q", got)
	}
	b.screenshot("14-extension-requested")
	b.logout()

	b.login("leader1")
	b.wantStatus("plan queue", b.open("/plans"), 200)
	card := fmt.Sprintf("#ext-%d-1", e.p2.ID)
	if got := b.text(card); !strings.Contains(got, e.p2.Title) || !strings.Contains(got, string(later)) {
		t.Fatalf("extension queue card %q", got)
	}
	b.screenshot("15-extension-queue")
	b.set(card+` form[data-form="approve_extension-1"] textarea[name=comment]`, "同意延期")
	b.wantStatus("approve extension", b.submit(card, "approve_extension-1"), 200)
	if n := b.count(card); n != 0 {
		t.Fatal("the approved extension is still in the queue")
	}
	b.open(p2)
	got := b.text(`#measure-1 .deadline`)
	if !strings.Contains(got, string(later)) || !strings.Contains(got, "原定时限 "+string(old)) || !strings.Contains(got, "已延期 1 次") {
		t.Fatalf("after the extension the deadline reads %q", got)
	}
	if got := b.text(`#extensions`); !strings.Contains(got, "已同意") || !strings.Contains(got, "同意延期") {
		t.Fatalf("extension history %q", got)
	}
	b.screenshot("16-extension-approved")
	b.logout()

	// A measure due tomorrow is yellow: it is in the supervisor's queue.
	ctx := context.Background()
	p4, err := e.svc.CreateProblem(ctx, e.users["leader1"], domain.NewProblem{CampaignID: e.campaign.ID, Title: "财务报销审核把关不严", Section: "财务管理"})
	must(t, err)
	e.act(t, p4.ID, "leader1", domain.Command{Action: domain.ActionSubmitPlan, Plan: &domain.PlanInput{
		LeadUnitID: e.units["办公室"].ID, Measures: []domain.MeasureInput{{
			Title: "修订报销审核细则", Kind: domain.KindDeadline, LeadUnitID: e.units["办公室"].ID,
			ResponsibleLeader: "分管厅领导", Deadline: domain.DateOf(time.Now()).AddDays(1),
		}},
	}})
	e.act(t, p4.ID, "leader2", domain.Command{Action: domain.ActionApprovePlan})

	// The supervisor urges; the unit gets it in its inbox.
	b.login("super")
	b.wantStatus("review queue", b.open("/review"), 200)
	uq := fmt.Sprintf("#uq-%d", p4.ID)
	if got := b.text(uq); !strings.Contains(got, "财务报销审核把关不严") || !strings.Contains(got, "黄灯") {
		t.Fatalf("urge queue card %q", got)
	}
	if n := b.count(fmt.Sprintf("#uq-%d", e.p2.ID)); n != 0 {
		t.Fatal("a green problem is in the urge queue")
	}
	b.screenshot("17-review-urge-queue")
	b.open(p2)
	b.unrequire(`#urge textarea[name=message]`)
	b.wantStatus("urge without message", b.submit("#urge", "urge"), 400)
	const msg = "请于本周内报送数据对接进展"
	b.set(`#urge textarea[name=message]`, msg)
	b.wantStatus("urge", b.submit("#urge", "urge"), 200)
	if f := b.text(`.flash`); !strings.Contains(f, "催办") {
		t.Fatalf("flash after urging %q", f)
	}
	b.screenshot("18-urged")
	b.logout()

	b.login("ub")
	deadline := time.Now().Add(20 * time.Second)
	for b.count(`#unread-badge`) == 0 || !strings.Contains(b.inbox(), msg) {
		if time.Now().After(deadline) {
			t.Fatalf("no unread badge or urge in the inbox; inbox reads %q", b.inbox())
		}
		time.Sleep(300 * time.Millisecond)
	}
	b.open("/notifications")
	badge := b.text(`#unread-badge`)
	if n := b.count(`.inbox li.unread`); fmt.Sprint(n) != badge {
		t.Fatalf("badge %s, %d unread entries", badge, n)
	}
	if got := b.text(`.inbox li.note-urge`); !strings.Contains(got, msg) || !strings.Contains(got, "催办") {
		t.Fatalf("urge entry %q", got)
	}
	b.screenshot("19-inbox")
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(css(`.inbox li.note-urge.unread form button`), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	if n := b.count(`.inbox li.note-urge.unread`); n != 0 {
		t.Fatal("the urge is still unread after marking it read")
	}
	b.logout()

	b.login("leader1")
	b.open(fmt.Sprintf("/dashboard?campaign_id=%d", e.campaign.ID))
	if got := b.text(`#by-light [data-light=green]`); got == "" || got == "0" {
		t.Fatalf("green count %q", got)
	}
	if got := b.text(`#by-light [data-light=yellow]`); got != "1" {
		t.Fatalf("yellow count %q", got)
	}
	b.screenshot("20-dashboard-lights")
	b.open(fmt.Sprintf("/problems?campaign_id=%d&light=red", e.campaign.ID))
	if got := b.text(`#list-count`); got != "共 0 个问题" {
		t.Fatalf("red list count %q", got)
	}
	b.open(fmt.Sprintf("/problems?campaign_id=%d&light=yellow", e.campaign.ID))
	if got := b.text(`table.problems tbody`); !strings.Contains(got, "财务报销审核把关不严") || !strings.Contains(got, "黄灯") {
		t.Fatalf("yellow list %q", got)
	}
	b.open(fmt.Sprintf("/problems?campaign_id=%d&light=green", e.campaign.ID))

	// The problem still in plan has no light, and the closed one is closed.
	if n := b.count(`table.problems tbody tr`); n != 2 {
		t.Fatalf("green list has %d rows, want 2", n)
	}
	b.screenshot("21-list-green")
	b.wantStatus("reports", b.open(fmt.Sprintf("/campaigns/%d/reports", e.campaign.ID)), 200)
	b.set(`form[data-form=schedule] select[name=cadence_kind]`, "monthly")
	b.set(`form[data-form=schedule] input[name=cadence_arg]`, "40")
	b.wantStatus("bad schedule", b.submit("", "schedule"), 400)
	if got := b.value(`form[data-form=schedule] input[name=cadence_arg]`); got != "40" {
		t.Fatalf("refused schedule kept %q", got)
	}
	if msg := b.refusal(`form[data-form=schedule] .error`); !strings.Contains(msg, "1至28日") {
		t.Fatalf("refused schedule says %q", msg)
	}
	b.set(`form[data-form=narrative] textarea[name=organization]`, "厅党组成立整改工作领导小组，主要负责同志任组长。")
	b.wantStatus("narrative", b.submit("", "narrative"), 200)
	if got := b.value(`form[data-form=narrative] textarea[name=organization]`); !strings.Contains(got, "领导小组") {
		t.Fatalf("narrative after saving %q", got)
	}
	b.screenshot("22-reports")

	// An import preview writes nothing and lists what it found.
	csv := filepath.Join(t.TempDir(), "台账.csv")
	must(t, os.WriteFile(csv, []byte("问题编号,所属方面,问题,问题描述,整改措施,类型,牵头单位,配合单位,责任领导,整改时限\n"+
		"21,党的建设,基层党组织换届不及时,,督促按期换届,限期整改,办公室,,分管厅领导,"+string(later)+"\n"), 0o644))
	if err := chromedp.Do(b.ctx, chromedp.SetUploadFiles(css(`form[data-form=import] input[name=file]`), []string{csv})); err != nil {
		t.Fatal(err)
	}
	b.wantStatus("import preview", b.submit("", "import"), 200)
	if got := b.text(`#import-result`); !strings.Contains(got, "基层党组织换届不及时") || !strings.Contains(got, "1 个问题") {
		t.Fatalf("import preview %q", got)
	}
	b.screenshot("23-import-preview")

	// Pasted text of a nested report: the preview shows the report's own
	// headline, its groups, and warns that the headline's count differs.
	// Into a new campaign: the report numbers its problems from 1, as the
	// first campaign's problems are.
	second, err := e.svc.CreateCampaign(context.Background(), e.users["leader1"], domain.Campaign{
		Title: "区委第三巡察组反馈意见整改", InspectedBody: "区卫健委党组", InspectionTeam: "区委第三巡察组",
	})
	must(t, err)
	b.wantStatus("reports", b.open(fmt.Sprintf("/campaigns/%d/reports", second.ID)), 200)
	b.set(`form[data-form=import] textarea[name=text]`, "某单位党组关于巡视整改进展情况的通报\n"+
		"巡视反馈问题3个，已完成整改1个，整改完成率33%。\n"+
		"（一）在“党的建设”方面\n"+
		"1.关于“基层组织建设薄弱”问题\n"+
		"（1）关于“换届不及时”的问题\n整改情况：一是督促按期换届，二是建立换届提醒机制。\n"+
		"（2）关于“组织生活不规范”的问题\n整改情况：一是开展专项检查；二是通报典型问题。\n")
	st := b.submit("", "import")
	b.screenshot("23b-import-pasted-report")
	b.wantStatus("pasted report preview", st, 200)
	for sel, want := range map[string]string{
		`#import-result h3`:   "2 个问题",
		`#import-summary`:     "3",
		`#import-groups`:      "基层组织建设薄弱",
		`#import-warnings li`: "3",
	} {
		if got := b.text(sel); !strings.Contains(got, want) {
			t.Fatalf("pasted report preview: %s = %q, want %q in it", sel, got, want)
		}
	}
	b.screenshot("23b-import-pasted-report")
	must(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(390, 844)))
	b.screenshot("23c-import-pasted-report-phone")
	must(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(1366, 768)))
}

// inbox reloads the inbox and returns its text.
func (b *browser) inbox() string {
	b.t.Helper()
	b.open("/notifications")
	if b.count(`.inbox`) == 0 {
		return ""
	}
	return b.text(`.inbox`)
}

// unrequire drops a field's required attribute, so that the browser sends
// the form and the server's refusal shows.
func (b *browser) unrequire(sel string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.RemoveAttribute(css(sel), "required")); err != nil {
		b.t.Fatalf("unrequire %s: %v", sel, err)
	}
}

// testLookback: the discipline group starts a look-back on the closed
// problem and asks for material; the unit answers on its problem page; the
// group reopens it with a new deadline; the unit has it back in execute.
// It starts and ends signed out.
func testLookback(t *testing.T, e *env, b *browser) {
	p1 := fmt.Sprintf("/problems/%d", e.p1.ID)
	b.login("disc")
	b.wantStatus("look-backs", b.open("/lookbacks"), 200)
	b.set(`form[data-form=start_lookback] input[name=title]`, "2026年第一批回头看")
	if err := chromedp.Do(b.ctx, chromedp.Click(css(fmt.Sprintf(`input[name=problem_id][value="%d"]`, e.p1.ID)), chromedp.NodeVisible)); err != nil {
		t.Fatalf("choose the problem: %v", err)
	}
	b.screenshot("24-lookback-start")
	b.wantStatus("start look-back", b.submit("", "start_lookback"), 200)
	if loc := b.location(); !strings.HasPrefix(loc, "/lookbacks/") {
		t.Fatalf("after starting at %s", loc)
	}
	lbPage := strings.SplitN(b.location(), "?", 2)[0]
	card := fmt.Sprintf("#lbp-%d", e.p1.ID)
	// The request answers before the problem is under review: the page
	// says so until the start is done.
	for i := 0; strings.Contains(b.text(`#lb-summary`), "正在发起"); i++ {
		if i == 100 {
			t.Fatalf("the look-back's start never ended: %q", b.text(`#lb-summary`))
		}
		time.Sleep(100 * time.Millisecond)
		b.open(lbPage)
	}
	if got := b.text(`#lb-summary`); !strings.Contains(got, "已出结论 0 / 共 1") {
		t.Fatalf("look-back summary %q", got)
	}
	// Problems picked by hand are a census of themselves: nothing checked
	// yet, so nothing is bounded yet.
	if got := b.text(`#lb-assurance`); !strings.Contains(got, "从1个已销号问题中抽查1个，已核查0个") || !strings.Contains(got, "不超过100%") {
		t.Fatalf("look-back assurance %q", got)
	}
	b.set(card+` form[data-form=request_material] textarea[name=text]`, "请报送低保动态管理台账")
	b.wantStatus("request material", b.submit(card, "request_material"), 200)
	b.logout()

	b.login("ua")
	b.open(p1)
	if st := b.text(`h1 .stage`); st != "回头看" {
		t.Fatalf("stage under look-back = %q", st)
	}
	if st := b.text(`.timeline li.current .label`); st != "回头看" {
		t.Fatalf("timeline's current stage %q", st)
	}
	if got := b.text(`#lookback`); !strings.Contains(got, "请报送低保动态管理台账") {
		t.Fatalf("look-back card %q", got)
	}
	b.set(`form[data-form=answer_material] textarea[name=text]`, "已上传2026年1-6月动态管理台账")
	b.wantStatus("answer", b.submit("", "answer_material"), 200)
	b.screenshot("25-lookback-answered")
	b.logout()

	b.login("disc")
	b.open(lbPage)
	if got := b.text(card + ` .material`); !strings.Contains(got, "已上传2026年1-6月动态管理台账") {
		t.Fatalf("the answer is not on the look-back page: %q", got)
	}
	// Reopening without a deadline is refused; the reason stays.
	if err := chromedp.Do(b.ctx, chromedp.Click(css(card+` input[name=result][value=reopened]`), chromedp.NodeVisible)); err != nil {
		t.Fatal(err)
	}
	const reason = "抽查发现仍有3户不符合条件对象未清退"
	b.set(card+` form[data-form=conclude_lookback] textarea[name=reason]`, reason)
	b.wantStatus("reopen without a deadline", b.submit(card, "conclude_lookback"), 400)
	if got := b.value(card + ` form[data-form=conclude_lookback] textarea[name=reason]`); got != reason {
		t.Fatalf("the refused conclusion kept %q", got)
	}
	if msg := b.refusal(card + ` form[data-form=conclude_lookback] .error`); msg != "重新整改须填写新的整改时限（格式：年-月-日）" {
		t.Fatalf("refused conclusion says %q", msg)
	}
	b.screenshot("26-lookback-refused")
	b.set(card+` form[data-form=conclude_lookback] input[name=deadline]`, string(domain.DateOf(time.Now().AddDate(0, 1, 0))))
	b.wantStatus("reopen", b.submit(card, "conclude_lookback"), 200)
	if got := b.text(`#lb-summary`); !strings.Contains(got, "已出结论 1 / 共 1") {
		t.Fatalf("look-back summary after concluding %q", got)
	}
	if got := b.text(card + ` h2 .tag`); got != "重新整改" {
		t.Fatalf("result %q", got)
	}
	b.screenshot("27-lookback-concluded")
	b.open("/lookbacks")
	if got := b.text(`#lookback-list`); !strings.Contains(got, "已出结论 1 / 共 1") {
		t.Fatalf("look-back list %q", got)
	}
	b.screenshot("28-lookbacks")
	b.logout()

	b.login("ua")
	b.open("/workbench")
	if got := b.text(`#wb-progress`); !strings.Contains(got, e.p1.Title) {
		t.Fatalf("the reopened problem is not in the workbench: %q", got)
	}
	b.open(p1)
	if st := b.text(`h1 .stage`); st != "整改落实" {
		t.Fatalf("stage after reopening = %q", st)
	}
	b.logout()
}
