package report_test

import (
	"archive/zip"
	"bytes"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rectify/rectify/internal/demo"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/importer"
	"github.com/rectify/rectify/internal/report"
	"github.com/rectify/rectify/internal/reporttext"
)

var campaign = domain.Campaign{
	ID: 1, Title: "省委第四巡视组反馈意见整改", InspectedBody: "省民政厅党组", InspectionTeam: "省委第四巡视组",
	InspectionStart: "2023-11-13", InspectionEnd: "2023-12-29", FeedbackDate: "2024-02-26",
}

// seedInput is the seed report's problems as records: the completed ones
// closed with completion summaries, the others with latest progress.
func seedInput(t testing.TB) report.Input {
	t.Helper()
	doc, err := reporttext.Parse(strings.NewReader(demo.SeedReport))
	if err != nil {
		t.Fatal(err)
	}
	in := report.Input{Campaign: campaign, Date: "2024-10-25", Narrative: domain.Narrative{
		Organization: "省民政厅党组切实提高政治站位。\n\n强化组织领导。",
		NextSteps:    "（一）进一步加强党的领导。深入学习。\n（二）进一步加强党的建设。",
		Contact:      "电话：025-83590463",
	}}
	for _, rp := range doc.Problems {
		p := domain.Problem{ID: int64(rp.Number), Number: rp.Number, Section: rp.Section, Title: rp.Title, Stage: domain.StageExecute}
		closed := rp.Status == reporttext.StatusCompleted
		if closed {
			p.Stage = domain.StageClosed
		}
		for i, m := range rp.Measures {
			dm := domain.Measure{ID: int64(i + 1), Title: m.Title, Kind: domain.KindDeadline}
			if closed {
				dm.Completed, dm.CompletionSummary = true, m.Text
			} else {
				dm.LatestProgress = m.Text
			}
			p.Measures = append(p.Measures, dm)
		}
		in.Problems = append(in.Problems, p)
	}
	return in
}

func render(t testing.TB, format string, in report.Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := report.Write(&buf, format, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBuild(t *testing.T) {
	in := seedInput(t)
	d := report.Build(in)
	if d.Title != "省民政厅党组关于巡视整改进展情况的通报" || d.DateLine != "发布日期：2024-10-25" {
		t.Fatalf("title %q, date %q", d.Title, d.DateLine)
	}
	text := func(k report.BlockKind) []string {
		var out []string
		for _, b := range d.Blocks {
			if b.Kind == k {
				out = append(out, b.Text)
			}
		}
		return out
	}
	if got := strings.Join(text(report.BlockPart), "|"); got != "一、整改工作组织情况|二、整改进展情况及成效|三、下一步整改工作打算" {
		t.Fatalf("parts = %s", got)
	}
	opening := d.Blocks[0].Text
	for _, want := range []string{"2023年11月13日至12月29日", "省委第四巡视组对省民政厅党组开展了巡视", "2024年2月26日", "反馈了巡视意见"} {
		if !strings.Contains(opening, want) {
			t.Errorf("opening %q lacks %q", opening, want)
		}
	}
	problems := text(report.BlockProblem)
	if len(problems) != 39 || problems[0] != "（一）关于“统筹谋划民政事业高质量发展不到位”问题的整改情况。" ||
		problems[38] != "（三十九）关于“审计整改有差距”问题的整改情况。" {
		t.Fatalf("problem headings: %d, first %q, last %q", len(problems), problems[0], problems[len(problems)-1])
	}
	all := strings.Join(text(report.BlockPara), "\n")
	for _, want := range []string{
		"巡视反馈的39个问题中，已完成整改1个，正在推进38个，整改完成率2.6%",
		"完成情况：一是高位谋划部署。提请省政府召开",
		"推进情况：一是强化工作部署。制定《2024年社会救助工作要点》",
		"省民政厅党组切实提高政治站位。\n强化组织领导。",
		"（二）进一步加强党的建设。",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if last := d.Blocks[len(d.Blocks)-1]; last.Kind != report.BlockClosing || !strings.HasSuffix(last.Text, "联系方式：电话：025-83590463") {
		t.Errorf("closing = %+v", last)
	}
}

func TestBuildEdges(t *testing.T) {
	cases := []struct {
		name string
		in   report.Input
		want []string
		not  []string
	}{
		{"EmptyCampaign", report.Input{Campaign: domain.Campaign{Title: "某轮巡视"}, Date: "2025-01-01"},
			[]string{"某轮巡视整改进展情况的通报", "巡视反馈的0个问题中", "整改完成率0%", "由整改工作领导小组填写"}, []string{"关于“"}},
		{"ProblemWithoutMeasures", report.Input{Campaign: campaign, Problems: []domain.Problem{{Number: 1, Title: "甲", Stage: domain.StagePlan}}},
			[]string{"（一）关于“甲”问题的整改情况。", "推进情况：正在研究制定整改措施。"}, nil},
		{"LineBreaksFolded", report.Input{Campaign: campaign, Problems: []domain.Problem{{Number: 1, Title: "甲\n乙", Stage: domain.StageExecute,
			Measures: []domain.Measure{{Title: "措施。", LatestProgress: "第一行\n三、不是标题"}}}}},
			[]string{"关于“甲乙”问题", "推进情况：一是措施。第一行三、不是标题。"}, []string{"\n三、不是"}},
		{"CompletionSummaryWins", report.Input{Campaign: campaign, Problems: []domain.Problem{{Number: 1, Title: "甲", Stage: domain.StageClosed,
			Measures: []domain.Measure{{Title: "措施", Completed: true, CompletionSummary: "已完成", LatestProgress: "尚在推进的旧话"}}}}},
			[]string{"完成情况：一是措施。已完成。", "整改完成率100%"}, []string{"尚在推进的旧话"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			md := string(render(t, report.FormatMarkdown, tc.in))
			for _, w := range tc.want {
				if !strings.Contains(md, w) {
					t.Errorf("markdown lacks %q:\n%s", w, md)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(md, w) {
					t.Errorf("markdown has %q", w)
				}
			}
		})
	}
}

// TestRoundTrip feeds each generated format back to the text importer: the
// same 39 titles in the same order.
func TestRoundTrip(t *testing.T) {
	in := seedInput(t)
	var want []string
	for _, p := range in.Problems {
		want = append(want, p.Title)
	}
	for _, tc := range []struct{ format, file string }{
		{report.FormatMarkdown, "report.md"},
		{report.FormatDOCX, "report.docx"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			plan, err := importer.Read(tc.file, bytes.NewReader(render(t, tc.format, in)), time.Now())
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
		})
	}
}

func TestHTML(t *testing.T) {
	in := seedInput(t)
	in.Problems[0].Title = `<script>alert("x")</script>`
	html := string(render(t, report.FormatHTML, in))
	for _, want := range []string{
		`<html lang="zh-CN">`, "size: A4", "FangSong", "break-inside: avoid", "page-break-after: avoid",
		"<h1>省民政厅党组关于巡视整改进展情况的通报</h1>", "<h2>二、整改进展情况及成效</h2>",
		`<h3>（二）关于“低保救助‘提标扩围’力度不大”问题的整改情况。</h3>`, "&lt;script&gt;",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if strings.Contains(html, "<script>") {
		t.Error("html does not escape a title")
	}
	if n := strings.Count(html, `<section class="problem">`); n != 39 {
		t.Errorf("%d problem sections, want 39", n)
	}
}

// TestDOCX reads the document back as Word would find it: a zip whose
// parts are all well-formed XML, A4, styled headings, and the text in order.
func TestDOCX(t *testing.T) {
	data := render(t, report.FormatDOCX, seedInput(t))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		parts[f.Name] = string(b)
		if err := wellFormed(b); err != nil {
			t.Errorf("%s is not well-formed XML: %v", f.Name, err)
		}
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels"} {
		if _, ok := parts[name]; !ok {
			t.Errorf("docx lacks %s", name)
		}
	}
	doc := parts["word/document.xml"]
	for _, want := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `<w:pStyle w:val="Title"/>`, `<w:pStyle w:val="Heading2"/>`} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	text, err := importer.DocxText(data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if lines[0] != "省民政厅党组关于巡视整改进展情况的通报" || lines[1] != "发布日期：2024-10-25" || lines[3] != "一、整改工作组织情况" {
		t.Fatalf("first lines: %q", lines[:4])
	}
	if !strings.Contains(text, "（三十九）关于“审计整改有差距”问题的整改情况。\n推进情况：一是") {
		t.Error("docx text lacks the last problem's block")
	}
}

func TestUnknownFormat(t *testing.T) {
	err := report.Write(io.Discard, "pdf", report.Input{})
	if !domain.IsCode(err, domain.EInvalid) {
		t.Fatalf("err = %v", err)
	}
}

// BenchmarkReport times each format for the seed's 39 problems.
func BenchmarkReport(b *testing.B) {
	in := seedInput(b)
	for _, format := range []string{report.FormatMarkdown, report.FormatHTML, report.FormatDOCX} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				if err := report.Write(io.Discard, format, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestRoundTripNested: a report of three levels (sections, groups of
// sub-problems, problems) reads back with every problem's section and
// group, from each format.
func TestRoundTripNested(t *testing.T) {
	problems := []domain.Problem{
		{Number: 1, Section: "在“党的领导”方面", Title: "学习贯彻不深入", Stage: domain.StageExecute,
			Measures: []domain.Measure{{ID: 1, Title: "完善学习制度"}, {ID: 2, Title: "开展专题研讨"}}},
		{Number: 2, Section: "在“党的领导”方面", ParentNumber: 1, ParentTitle: "落实决策部署有差距", Title: "重点任务推进慢", Stage: domain.StageClosed,
			Measures: []domain.Measure{{ID: 1, Title: "建立任务台账", Completed: true, CompletionSummary: "已建立台账并逐月调度"}}},
		{Number: 3, Section: "在“党的领导”方面", ParentNumber: 1, ParentTitle: "落实决策部署有差距", Title: "督查问责不严", Stage: domain.StagePlan},
		{Number: 4, Section: "在“作风建设”方面", Title: "文山会海问题", Stage: domain.StageExecute,
			Measures: []domain.Measure{{ID: 1, Title: "精简会议"}}},
		{Number: 5, Section: "在“作风建设”方面", ParentNumber: 2, ParentTitle: "形式主义", Title: "调研走过场", Stage: domain.StageExecute,
			Measures: []domain.Measure{{ID: 1, Title: "改进调研方式"}}},
	}
	in := report.Input{Campaign: domain.Campaign{Title: "测试轮次", InspectedBody: "某局党组"}, Problems: problems, Date: "2025-03-01"}
	type row struct {
		Title, Section, Parent string
		Measures               int
	}
	var want []row
	for _, p := range problems {
		want = append(want, row{p.Title, p.Section, p.ParentTitle, max(len(p.Measures), 1)})
	}
	// A problem without measures reads back as the one sentence its
	// paragraph holds (正在研究制定整改措施): no 一是, so no measure.
	want[2].Measures = 0
	for _, tc := range []struct{ format, file string }{
		{report.FormatMarkdown, "report.md"},
		{report.FormatDOCX, "report.docx"},
		{report.FormatHTML, "report.html"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			plan, err := importer.Read(tc.file, bytes.NewReader(render(t, tc.format, in)), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, p := range plan.Problems {
				r := row{Title: p.Title, Section: p.Section, Measures: len(p.Measures)}
				if p.Parent != nil {
					r.Parent = p.Parent.Title
				}
				got = append(got, r)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("after the round trip:\n%+v\nwant\n%+v", got, want)
			}
			if len(plan.Groups) != 2 || plan.Groups[1].Title != "形式主义" {
				t.Errorf("groups = %+v", plan.Groups)
			}
			if s := plan.Summary; s.Problems == nil || *s.Problems != 5 || s.Completed == nil || *s.Completed != 1 {
				t.Errorf("summary = %+v, want 5 problems, 1 completed", s)
			}
		})
	}
}

// TestMarkdownEscapes: what people typed reads as itself in the Markdown
// 通报 (no HTML, no heading, no list of theirs) and still imports as typed.
func TestMarkdownEscapes(t *testing.T) {
	in := seedInput(t)
	hostile := []string{`<script>alert("x")</script>`, "# injected heading", "- 列表项", "1. 编号", "[链接](javascript:alert(1))", "a|b*c*_d_"}
	in.Narrative.Organization = strings.Join(hostile, "\n")
	in.Problems[0].Title = `<img src=x onerror=alert(1)>标题#1`
	md := string(render(t, report.FormatMarkdown, in))
	unescaped := regexp.MustCompile(`(^|[^\\])[<\[]`)
	for _, line := range strings.Split(md, "\n") {
		for _, bad := range []string{"# injected", "- 列表项", "1. 编号"} {
			if strings.HasPrefix(line, bad) {
				t.Errorf("line %q reads as Markdown (%q)", line, bad)
			}
		}
		if unescaped.MatchString(line) {
			t.Errorf("line %q has an unescaped < or [", line)
		}
	}
	if !strings.Contains(md, `\# injected heading`) || !strings.Contains(md, `\<script\>`) {
		t.Errorf("Markdown does not escape the narrative:\n%s", md[:min(len(md), 600)])
	}
	plan, err := importer.Read("report.md", strings.NewReader(md), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if got := plan.Problems[0].Title; got != in.Problems[0].Title {
		t.Errorf("title after the round trip %q, want %q", got, in.Problems[0].Title)
	}
}

// TestLedBy: the 通报 says when a problem's lead unit changed, from
// approved changes only.
func TestLedBy(t *testing.T) {
	in := seedInput(t)
	in.Units = map[int64]string{1: "社会救助处", 2: "办公室"}
	in.Problems[0].Reassignments = []domain.Reassignment{
		{ID: 1, FromUnitID: 1, ToUnitID: 2, Status: domain.ReassignApproved, DecidedAt: time.Date(2024, 5, 6, 10, 0, 0, 0, time.UTC)},
		{ID: 2, FromUnitID: 2, ToUnitID: 1, Status: "requested"},
	}
	md := string(render(t, report.FormatMarkdown, in))
	if !strings.Contains(md, "（2024年5月6日起牵头单位由社会救助处调整为办公室。）") {
		t.Fatalf("the 通报 does not say who led when:\n%s", md[:min(len(md), 1500)])
	}
	if strings.Count(md, "牵头单位由") != 1 {
		t.Fatal("a change not approved is reported")
	}
}
