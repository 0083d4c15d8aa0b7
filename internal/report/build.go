// Package report writes a campaign's published progress report (通报) from
// its records, in the structure of the seed report: a title and date line,
// the opening paragraph, 一、整改工作组织情况, 二、整改进展情况及成效 with one
// "（N）关于“…”问题的整改情况。" block per problem, 三、下一步整改工作打算 and
// the contact line. It is pure: it takes domain data and writes bytes, as
// Markdown, print-ready HTML or DOCX, all from one Document so the three
// always say the same thing.
package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/reporttext"
)

// Formats a report can be written in.
const (
	FormatMarkdown = "md"
	FormatHTML     = "html"
	FormatDOCX     = "docx"
)

// ContentType returns the media type and file extension of a format, and
// false for an unknown format.
func ContentType(format string) (string, string, bool) {
	switch format {
	case FormatMarkdown:
		return "text/markdown; charset=utf-8", ".md", true
	case FormatHTML:
		return "text/html; charset=utf-8", ".html", true
	case FormatDOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", true
	}
	return "", "", false
}

// SecurityPolicy is the Content-Security-Policy every served report carries:
// a report holds text people typed, so opened in a browser it runs nothing
// and loads nothing (its own inline styles only).
const SecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"

// Input is everything a report is made of.
type Input struct {
	Campaign  domain.Campaign
	Narrative domain.Narrative
	// Problems in report order (by number), with their measures.
	Problems []domain.Problem
	// Date is the report's date (发布日期).
	Date domain.Date
	// Outcomes are the campaign's counted results.
	Outcomes domain.OutcomeTotals
	// Units name units by ID (who led when, after a change of lead unit).
	Units map[int64]string
}

// BlockKind says how a block is set.
type BlockKind int

// Kinds of blocks, in the order of a report's hierarchy.
const (
	BlockPart    BlockKind = iota + 1 // 一、整改工作组织情况
	BlockProblem                      // （一）关于“…”问题的整改情况。
	BlockPara                         // body text
	BlockClosing                      // the contact line
	BlockSection                      // （一）在“…”方面: a section of problems
	BlockGroup                        // 1.关于“…”问题: a problem made of sub-problems
)

// Block is one line of the report.
type Block struct {
	Kind BlockKind
	Text string
}

// Document is a report laid out as lines, before any format.
type Document struct {
	Title    string
	DateLine string
	Blocks   []Block
}

// Part headings, as the seed writes them.
const (
	PartOrganization = "一、整改工作组织情况"
	PartProgress     = "二、整改进展情况及成效"
	PartNextSteps    = "三、下一步整改工作打算"
)

// Build lays the report out.
func Build(in Input) Document {
	c := in.Campaign
	d := Document{Title: title(c), DateLine: "发布日期：" + string(in.Date)}
	add := func(k BlockKind, text string) { d.Blocks = append(d.Blocks, Block{Kind: k, Text: text}) }
	add(BlockPara, opening(c))

	add(BlockPart, PartOrganization)
	addParagraphs(&d, in.Narrative.Organization, "（整改工作组织情况由整改工作领导小组填写。）")

	add(BlockPart, PartProgress)
	add(BlockPara, headline(in.Problems, in.Outcomes))
	addProblems(&d, in.Problems, in.Units)

	add(BlockPart, PartNextSteps)
	addParagraphs(&d, in.Narrative.NextSteps, "（下一步整改工作打算由整改工作领导小组填写。）")
	closing := "欢迎广大干部群众对巡视整改落实情况进行监督。如有意见建议，请及时向我们反映。"
	if contact := oneLine(in.Narrative.Contact); contact != "" {
		closing += "联系方式：" + contact
	}
	add(BlockClosing, closing)
	return d
}

// addProblems writes the problems. Flat, each is "（N）关于“…”问题的整改情况。".
// With sections or groups, the report has three levels, numbered so that
// the text importer reads them back as they were: sections （一）, problems
// and groups 1. within a section, sub-problems （1） within a group (without
// sections: groups and problems （一）, sub-problems 1.).
func addProblems(d *Document, problems []domain.Problem, units map[int64]string) {
	add := func(k BlockKind, text string) { d.Blocks = append(d.Blocks, Block{Kind: k, Text: text}) }
	nested := false
	for _, p := range problems {
		if p.Section != "" || p.ParentTitle != "" {
			nested = true
		}
	}
	heading := func(label, title string) string {
		return fmt.Sprintf("%s关于“%s”问题的整改情况。", label, oneLine(title))
	}
	if !nested {
		for i, p := range problems {
			add(BlockProblem, heading("（"+reporttext.ChineseNumeral(i+1)+"）", p.Title))
			add(BlockPara, progress(p)+ledBy(p, units))
		}
		return
	}
	withSections := false
	for _, p := range problems {
		if p.Section != "" {
			withSections = true
		}
	}
	// Labels per level: level 1 under sections is 1., else （一）; a
	// sub-problem is one level deeper.
	topLabel := func(n int) string { return "（" + reporttext.ChineseNumeral(n) + "）" }
	subLabel := func(n int) string { return strconv.Itoa(n) + "." }
	if withSections {
		topLabel = func(n int) string { return strconv.Itoa(n) + "." }
		subLabel = func(n int) string { return "（" + strconv.Itoa(n) + "）" }
	}
	section, sections := "\x00", 0
	group, groupNumber := "", 0
	top, sub := 0, 0
	for _, p := range problems {
		if withSections && p.Section != section {
			section = p.Section
			sections++
			top, group, groupNumber = 0, "", 0
			name := p.Section
			if name == "" {
				name = "其他问题"
			}
			add(BlockSection, "（"+reporttext.ChineseNumeral(sections)+"）"+oneLine(name))
		}
		if p.ParentTitle != "" && (p.ParentTitle != group || p.ParentNumber != groupNumber) {
			group, groupNumber = p.ParentTitle, p.ParentNumber
			top++
			sub = 0
			add(BlockGroup, heading(topLabel(top), group))
		} else if p.ParentTitle == "" {
			group, groupNumber = "", 0
		}
		if p.ParentTitle != "" {
			sub++
			add(BlockProblem, heading(subLabel(sub), p.Title))
		} else {
			top++
			add(BlockProblem, heading(topLabel(top), p.Title))
		}
		add(BlockPara, progress(p)+ledBy(p, units))
	}
}

func title(c domain.Campaign) string {
	if c.InspectedBody != "" {
		return c.InspectedBody + "关于巡视整改进展情况的通报"
	}
	return c.Title + "整改进展情况的通报"
}

// opening is the first paragraph: who inspected whom, when, and when the
// feedback was given.
func opening(c domain.Campaign) string {
	team, body := or(c.InspectionTeam, "巡视组"), or(c.InspectedBody, "我单位")
	var b strings.Builder
	b.WriteString("根据统一部署，")
	switch {
	case !c.InspectionStart.IsZero() && !c.InspectionEnd.IsZero():
		b.WriteString(chineseDate(c.InspectionStart, "") + "至" + chineseDate(c.InspectionEnd, c.InspectionStart) + "，")
	case !c.InspectionStart.IsZero():
		b.WriteString(chineseDate(c.InspectionStart, "") + "起，")
	}
	fmt.Fprintf(&b, "%s对%s开展了巡视。", team, body)
	if !c.FeedbackDate.IsZero() {
		b.WriteString(chineseDate(c.FeedbackDate, "") + "，")
	}
	fmt.Fprintf(&b, "%s向%s反馈了巡视意见。按照巡视工作有关要求，现将巡视整改进展情况予以公布。", team, body)
	return b.String()
}

// chineseDate writes 2023年11月13日, or 12月29日 when the year is that of
// sameYearAs, as reports do for a span.
func chineseDate(d, sameYearAs domain.Date) string {
	t := d.Time()
	if t.IsZero() {
		return string(d)
	}
	if s := sameYearAs.Time(); !s.IsZero() && s.Year() == t.Year() {
		return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// ledBy says who led the problem when its lead unit was changed (调整牵头单位),
// e.g. "（2026年3月2日起牵头单位由社会救助处调整为办公室。）"; "" when never.
func ledBy(p domain.Problem, units map[int64]string) string {
	var b strings.Builder
	for _, r := range p.Reassignments {
		if r.Status != domain.ReassignApproved || r.MeasureID != 0 {
			continue
		}
		fmt.Fprintf(&b, "（%s起牵头单位由%s调整为%s。）", chineseDate(domain.DateOf(r.DecidedAt), ""), or(units[r.FromUnitID], "原牵头单位"), or(units[r.ToUnitID], "新牵头单位"))
	}
	return b.String()
}

// headline gives the counts the seed opens part two with.
func headline(problems []domain.Problem, outcomes domain.OutcomeTotals) string {
	closed := 0
	for _, p := range problems {
		// A problem under look-back stays closed until it is reopened.
		if p.Stage.Rectified() {
			closed++
		}
	}
	rate := domain.FormatPercent(domain.CompletionPercent(closed, len(problems)))
	// Figures nobody recorded are left out rather than printed as 0.
	var results []string
	if outcomes.Regulations > 0 {
		results = append(results, fmt.Sprintf("修订完善制度规范%d项", outcomes.Regulations))
	}
	if outcomes.MoneyYuan > 0 {
		results = append(results, fmt.Sprintf("追回或退还资金%s万元", strconv.FormatFloat(outcomes.MoneyYuan/10000, 'f', 2, 64)))
	}
	if outcomes.PeopleHandled > 0 {
		results = append(results, fmt.Sprintf("处理%d人次", outcomes.PeopleHandled))
	}
	extra := ""
	if len(results) > 0 {
		extra = strings.Join(results, "，") + "。"
	}
	return fmt.Sprintf("巡视整改以来，坚持边查边改、举一反三，推动整改工作有力有序有效开展。巡视反馈的%d个问题中，已完成整改%d个，正在推进%d个，整改完成率%s%%。%s具体情况如下：",
		len(problems), closed, len(problems)-closed, rate, extra)
}

// progress is a problem's 完成情况/推进情况 paragraph: 一是…二是… from its
// measures, each its title and then its completion summary or latest
// progress.
func progress(p domain.Problem) string {
	var b strings.Builder
	if p.Stage == domain.StageClosed || p.Stage == domain.StageLookback {
		b.WriteString("完成情况：")
	} else {
		b.WriteString("推进情况：")
	}
	if len(p.Measures) == 0 {
		b.WriteString("正在研究制定整改措施。")
		return b.String()
	}
	for i, m := range p.Measures {
		b.WriteString(reporttext.ChineseNumeral(i+1) + "是")
		b.WriteString(sentence(strings.TrimRight(oneLine(m.Title), "。；;，, ")))
		text := m.LatestProgress
		if m.Completed && m.CompletionSummary != "" {
			text = m.CompletionSummary
		}
		if text = oneLine(text); text != "" && text != strings.TrimRight(oneLine(m.Title), "。") {
			b.WriteString(sentence(text))
		}
	}
	return b.String()
}

// sentence ends s with 。 unless it already ends a sentence.
func sentence(s string) string {
	if s == "" {
		return ""
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune("。！？!?", r) {
		return s
	}
	return strings.TrimRight(s, "；;，,：: ") + "。"
}

// oneLine folds line breaks away: a line break inside a measure's text
// would start a new paragraph, which a reader (and the text importer) could
// take for a heading.
func oneLine(s string) string {
	s = strings.NewReplacer("\r\n", "", "\r", "", "\n", "", "\t", " ").Replace(s)
	return strings.TrimSpace(s)
}

// addParagraphs adds one paragraph per non-empty line of text, or the
// placeholder when there is none.
func addParagraphs(d *Document, text, placeholder string) {
	n := 0
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			d.Blocks = append(d.Blocks, Block{Kind: BlockPara, Text: line})
			n++
		}
	}
	if n == 0 {
		d.Blocks = append(d.Blocks, Block{Kind: BlockPara, Text: placeholder})
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Write builds the report and writes it in format.
func Write(w io.Writer, format string, in Input) error {
	d := Build(in)
	switch format {
	case FormatMarkdown:
		return d.WriteMarkdown(w)
	case FormatHTML:
		return d.WriteHTML(w)
	case FormatDOCX:
		return d.WriteDOCX(w)
	}
	return domain.Errorf(domain.EInvalid, "format must be md, html or docx").WithKey("report_format_invalid").WithField("format")
}
