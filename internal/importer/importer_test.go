package importer_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/rectify/rectify/internal/demo"
	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/importer"
	"github.com/rectify/rectify/internal/reporttext"
)

// now is the clock of every test: deadlines in 2026 lie ahead.
var now = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

// seedTitles are the seed report's titles as the parser reads them.
func seedTitles(t *testing.T) []string {
	t.Helper()
	doc, err := reporttext.Parse(strings.NewReader(demo.SeedReport))
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, p := range doc.Problems {
		titles = append(titles, p.Title)
	}
	return titles
}

func titles(p *importer.Plan) []string {
	var out []string
	for _, pr := range p.Problems {
		out = append(out, pr.Title)
	}
	return out
}

// docx builds a minimal Word document with one paragraph per line.
func docx(t testing.TB, text string) []byte {
	t.Helper()
	var doc bytes.Buffer
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, line := range strings.Split(text, "\n") {
		doc.WriteString(`<w:p><w:pPr><w:jc w:val="both"/></w:pPr>`)
		// Word splits a paragraph into several runs; so does this.
		runes := []rune(line)
		for len(runes) > 0 {
			n := min(len(runes), 17)
			doc.WriteString(`<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">`)
			_ = xml.EscapeText(&doc, []byte(string(runes[:n])))
			doc.WriteString(`</w:t></w:r>`)
			runes = runes[n:]
		}
		doc.WriteString(`</w:p>`)
	}
	doc.WriteString(`</w:body></w:document>`)
	return zipOf(t, map[string]string{"word/document.xml": doc.String(), "[Content_Types].xml": "<Types/>"})
}

func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	return zipWith(t, files, nil)
}

// zipWith zips files, then lets more (e.g. a streamed bomb) be written.
func zipWith(t testing.TB, files map[string]string, more func(*zip.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if more != nil {
		if err := more(zw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadText(t *testing.T) {
	want := seedTitles(t)
	if len(want) != 39 {
		t.Fatalf("the seed parses into %d problems, want 39", len(want))
	}
	cases := []struct {
		name string
		file string
		data []byte
	}{
		{"seed txt", "seed_report.txt", []byte(demo.SeedReport)},
		{"seed docx", "seed_report.docx", docx(t, demo.SeedReport)},
		{"seed with CRLF and BOM", "seed.TXT", []byte("\uFEFF" + strings.ReplaceAll(demo.SeedReport, "\n", "\r\n"))},
		{"seed as markdown", "seed.md", []byte(markdownOf(demo.SeedReport))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := importer.Read(tc.file, bytes.NewReader(tc.data), now)
			if err != nil {
				t.Fatal(err)
			}
			if got := titles(plan); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("titles differ:\n%q\nwant\n%q", got, want)
			}
			first := plan.Problems[0]
			if first.Number != 1 || first.Title != "统筹谋划民政事业高质量发展不到位" || len(first.Measures) == 0 ||
				first.Measures[0].Title != "高位谋划部署" || !strings.HasPrefix(first.Description, "一是高位谋划部署。") {
				t.Fatalf("first problem = %+v", first)
			}
			if plan.Problems[38].Number != 39 || plan.Problems[1].Title != "低保救助‘提标扩围’力度不大" {
				t.Fatalf("numbering or quotes wrong: %+v / %+v", plan.Problems[38].Number, plan.Problems[1].Title)
			}
		})
	}
}

// markdownOf dresses the seed up as Markdown: parts as headings, problem
// headings as third-level headings in bold.
func markdownOf(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(line, "一、"), strings.HasPrefix(line, "二、"), strings.HasPrefix(line, "三、"):
			line = "## " + line
		case strings.Contains(line, "关于“") && strings.HasPrefix(line, "("):
			line = "### **" + line + "**"
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

const template = "问题编号,所属方面,问题,问题描述,整改措施,类型,牵头单位,配合单位,责任领导,整改时限\n"

func TestReadLedger(t *testing.T) {
	csvText := template +
		"1,党的领导,统筹谋划不到位,描述一,制定规划,限期整改,规划财务处,办公室、人事处,张三,2026-03-31\n" +
		"1,党的领导,统筹谋划不到位,,建立长效机制,长期坚持,规划财务处,,张三,\n" +
		"\n" + // blank rows are skipped
		"2,,低保“提标扩围”力度不大,,提高标准,立行立改,社会救助处,办公室,李四,2026/1/5\n" +
		"3,,只列问题尚无措施,,,,,,,\n" +
		"2,,低保“提标扩围”力度不大,,\"多行\n措施\",限期整改,社会救助处,,李四,2026年2月1日\n"
	want := []importer.Problem{
		{Number: 1, Section: "党的领导", Title: "统筹谋划不到位", Description: "描述一", Measures: []importer.Measure{
			{Title: "制定规划", Kind: domain.KindDeadline, LeadUnit: "规划财务处", CoUnits: []string{"办公室", "人事处"}, Leader: "张三", Deadline: "2026-03-31", Row: 2},
			{Title: "建立长效机制", Kind: domain.KindLongTerm, LeadUnit: "规划财务处", Leader: "张三", Row: 3},
		}},
		{Number: 2, Title: "低保“提标扩围”力度不大", Measures: []importer.Measure{
			{Title: "提高标准", Kind: domain.KindImmediate, LeadUnit: "社会救助处", CoUnits: []string{"办公室"}, Leader: "李四", Deadline: "2026-01-05", Row: 5},
			{Title: "多行措施", Kind: domain.KindDeadline, LeadUnit: "社会救助处", Leader: "李四", Deadline: "2026-02-01", Row: 7},
		}},
		{Number: 3, Title: "只列问题尚无措施", Measures: []importer.Measure{}},
	}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(csvText)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, file string
		data       []byte
	}{
		{"csv utf-8", "ledger.csv", []byte(csvText)},
		{"csv utf-8 with BOM", "ledger.csv", []byte("\xEF\xBB\xBF" + csvText)},
		{"csv gbk", "台账.CSV", []byte(gbk)},
		{"xlsx", "ledger.xlsx", xlsxOf(t, csvText, nil)},
		{"xlsx with a date cell", "ledger.xlsx", xlsxOf(t, csvText, map[string]time.Time{"J2": time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := importer.Read(tc.file, bytes.NewReader(tc.data), now)
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Problems) != len(want) {
				t.Fatalf("got %d problems, want %d: %+v", len(plan.Problems), len(want), plan.Problems)
			}
			for i, p := range plan.Problems {
				w := want[i]
				if p.Number != w.Number || p.Section != w.Section || p.Title != w.Title || p.Description != w.Description || len(p.Measures) != len(w.Measures) {
					t.Fatalf("problem %d = %+v, want %+v", i, p, w)
				}
				for j, m := range p.Measures {
					wm := w.Measures[j]
					if m.Title != wm.Title || m.Kind != wm.Kind || m.LeadUnit != wm.LeadUnit || strings.Join(m.CoUnits, "|") != strings.Join(wm.CoUnits, "|") ||
						m.Leader != wm.Leader || m.Deadline != wm.Deadline || m.Row != wm.Row {
						t.Errorf("problem %d measure %d = %+v, want %+v", p.Number, j, m, wm)
					}
				}
			}
		})
	}
}

// xlsxOf writes csv text into the first sheet of a workbook; dates puts
// real date cells (numbers with a date format) where named.
func xlsxOf(t testing.TB, csvText string, dates map[string]time.Time) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, line := range splitCSV(t, csvText) {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		row := make([]any, len(line))
		for j, v := range line {
			row[j] = v
		}
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	for cell, d := range dates {
		f.SetCellValue("Sheet1", cell, d)
		f.SetCellStyle("Sheet1", cell, cell, style)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func splitCSV(t testing.TB, s string) [][]string {
	t.Helper()
	// Records go to the rows a spreadsheet shows: blank lines stay rows,
	// a quoted line break does not start one.
	var out [][]string
	r := newCSV(s)
	embedded := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
		line, _ := r.FieldPos(0)
		for len(out) < line-embedded-1 {
			out = append(out, nil)
		}
		for _, f := range rec {
			embedded += strings.Count(f, "\n")
		}
		out = append(out, rec)
	}
}

func TestLedgerRejections(t *testing.T) {
	cases := []struct {
		name string
		rows string // after the template header
		row  int
		want string
	}{
		{"NumberNotANumber", "一,,题,,措施,限期整改,甲处,,,2026-01-01\n", 2, "问题编号"},
		{"NumberZero", "0,,题,,,,,,,\n", 2, "问题编号"},
		{"TitleMissing", "1,,,,,,,,,\n", 2, "title is required"},
		{"KindMissing", "1,,题,,措施,,甲处,,,2026-01-01\n", 2, "类型 is required"},
		{"KindUnknown", "1,,题,,措施,马上,甲处,,,2026-01-01\n", 2, "类型 \"马上\""},
		{"LeadUnitMissing", "1,,题,,措施,限期整改,,,,2026-01-01\n", 2, "牵头单位 is required"},
		{"LeadAlsoCoUnit", "1,,题,,措施,限期整改,甲处,甲处、乙处,,2026-01-01\n", 2, "both the lead unit and a co-unit"},
		{"DeadlineMissing", "1,,题,,措施,限期整改,甲处,,,\n", 2, "整改时限 is required"},
		{"DeadlineGarbage", "1,,题,,措施,限期整改,甲处,,,下个月\n", 2, "is not a date"},
		{"DeadlineImpossible", "1,,题,,措施,限期整改,甲处,,,2026-02-30\n", 2, "is not a date"},
		{"DeadlinePassed", "1,,题,,措施,限期整改,甲处,,,2020-01-01\n", 2, "has passed"},
		{"FieldsWithoutMeasure", "1,,题,,,限期整改,甲处,,,2026-01-01\n", 2, "整改措施 is empty"},
		{"TitleConflict", "1,,题,,,,,,,\n1,,另一个题,,,,,,,\n", 3, "is titled \"题\" in row 2"},
		{"TitleTooLong", "1,," + strings.Repeat("长", 501) + ",,,,,,,\n", 2, "too long"},
		{"LaterRowCounted", "1,,题,,,,,,,\n\n2,,题二,,措施,限期整改,甲处,,,2019-12-31\n", 4, "has passed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := importer.Read("l.csv", strings.NewReader(template+tc.rows), now)
			var rej *importer.Rejected
			if !errors.As(err, &rej) || !domain.IsCode(err, domain.EInvalid) {
				t.Fatalf("err = %v, want a rejection", err)
			}
			found := false
			for _, r := range rej.Rows {
				if r.Row == tc.row && strings.Contains(r.Reason, tc.want) {
					found = true
				}
			}
			if !found {
				t.Fatalf("rows = %+v, want row %d with %q", rej.Rows, tc.row, tc.want)
			}
			if msg := domain.ErrorMessage(err); !strings.Contains(msg, "nothing was written") || !strings.Contains(msg, tc.want) {
				t.Fatalf("message %q does not list the row", msg)
			}
		})
	}
	t.Run("EveryBadRowReported", func(t *testing.T) {
		rows := "1,,,,,,,,,\n2,,题,,措施,,甲处,,,2026-01-01\n3,,好题,,,,,,,\n4,,题四,,措施,限期整改,,,,\n"
		_, err := importer.Read("l.csv", strings.NewReader(template+rows), now)
		var rej *importer.Rejected
		if !errors.As(err, &rej) {
			t.Fatal(err)
		}
		var got []int
		for _, r := range rej.Rows {
			if len(got) == 0 || got[len(got)-1] != r.Row {
				got = append(got, r.Row)
			}
		}
		if len(got) != 3 || got[0] != 2 || got[1] != 3 || got[2] != 5 {
			t.Fatalf("rejected rows %v, want [2 3 5]", got)
		}
	})
}

// hugeCSV streams a ledger of size bytes without holding it in memory.
type hugeCSV struct {
	left int64
	line []byte
	off  int
}

func (h *hugeCSV) Read(p []byte) (int, error) {
	if h.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && h.left > 0 {
		c := copy(p[n:], h.line[h.off:])
		if int64(c) > h.left {
			c = int(h.left)
		}
		n += c
		h.left -= int64(c)
		h.off = (h.off + c) % len(h.line)
	}
	return n, nil
}

func TestBadFiles(t *testing.T) {
	cases := []struct {
		name, file string
		r          io.Reader
		want       string
	}{
		{"NotXLSX", "ledger.xlsx", strings.NewReader(template), "not an xlsx workbook"},
		{"BrokenZipXLSX", "ledger.xlsx", bytes.NewReader(append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0xde, 0xad}, 500)...)), "damaged"},
		{"TruncatedXLSX", "ledger.xlsx", bytes.NewReader(xlsxOf(t, template, nil)[:400]), "damaged"},
		{"ZipButNotWorkbook", "ledger.xlsx", bytes.NewReader(zipOf(t, map[string]string{"a.txt": "x"})), "cannot be read as a workbook"},
		{"HugeCSV", "ledger.csv", &hugeCSV{left: 200 << 20, line: []byte("1,,题,,措施,限期整改,甲处,,,2026-01-01\n")}, "larger than 20 MB"},
		{"HugeText", "report.txt", &hugeCSV{left: 200 << 20, line: []byte("(一)关于“甲”问题\n")}, "larger than 20 MB"},
		{"EmptyCSV", "ledger.csv", strings.NewReader(""), "the file is empty"},
		{"BlankText", "report.txt", strings.NewReader(" \n\t\n"), "the file is empty"},
		{"EmptyXLSX", "ledger.xlsx", strings.NewReader(""), "the file is empty"},
		{"EmptyWorkbook", "ledger.xlsx", bytes.NewReader(xlsxOf(t, "", nil)), "the ledger is empty"},
		{"HeaderOnly", "ledger.csv", strings.NewReader(template), "no problem rows"},
		{"NoHeader", "ledger.csv", strings.NewReader("a,b,c\n1,2,3\n"), "lacks the column(s) 问题编号, 问题"},
		{"BinaryCSV", "ledger.csv", bytes.NewReader([]byte{0xff, 0xfe, 0, 0, 0x80}), "csv"},
		{"XLSXNamedCSV", "ledger.csv", bytes.NewReader(xlsxOf(t, template, nil)), "zip archive"},
		{"TextWithoutProblems", "report.txt", strings.NewReader("省民政厅关于某事的通知\n各处室：\n请于本周五前报送材料。\n"), "no problems were recognised"},
		{"DocxNotZip", "report.docx", strings.NewReader("plain text"), "not a docx document"},
		{"DocxBrokenZip", "report.docx", bytes.NewReader(docx(t, "x")[:100]), "damaged"},
		{"DocxWithoutDocument", "report.docx", bytes.NewReader(zipOf(t, map[string]string{"word/other.xml": "<x/>"})), "no word/document.xml"},
		{"DocxBadXML", "report.docx", bytes.NewReader(zipOf(t, map[string]string{"word/document.xml": "<w:document"})), "not well-formed"},
		{"DocxWithoutProblems", "report.docx", bytes.NewReader(docx(t, "一份通知\n没有问题清单")), "no problems were recognised"},
		{"OldExcel", "ledger.xls", strings.NewReader("x"), "old Office format"},
		{"UnknownType", "ledger.pdf", strings.NewReader("x"), "unsupported file type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			plan, err := importer.Read(tc.file, tc.r, now)
			if err == nil || plan != nil {
				t.Fatalf("got a plan %v, want an error", plan)
			}
			if !domain.IsCode(err, domain.EInvalid) || !strings.Contains(domain.ErrorMessage(err), tc.want) {
				t.Fatalf("err = %v (%s), want invalid with %q", err, domain.ErrorCode(err), tc.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
	t.Run("HugeIsTooLarge", func(t *testing.T) {
		_, err := importer.Read("l.csv", &hugeCSV{left: 200 << 20, line: []byte("x\n")}, now)
		if !errors.Is(err, importer.ErrTooLarge) {
			t.Fatalf("err = %v, want ErrTooLarge", err)
		}
	})
}

// TestTemplateFile keeps the documented template in testdata readable.
func TestTemplateFile(t *testing.T) {
	data, err := os.ReadFile("testdata/template.csv")
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(string(data), "\n"); first != strings.Join(importer.TemplateHeader, ",") {
		t.Fatalf("template header %q, want %q", first, strings.Join(importer.TemplateHeader, ","))
	}
	plan, err := importer.Read("template.csv", bytes.NewReader(data), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Problems) != 2 || len(plan.Problems[0].Measures) != 2 {
		t.Fatalf("template plan = %+v", plan.Problems)
	}
}

// BenchmarkReadSeed times reading the seed report's text into its plan.
func BenchmarkReadSeed(b *testing.B) {
	for b.Loop() {
		if _, err := importer.Read("seed.txt", strings.NewReader(demo.SeedReport), now); err != nil {
			b.Fatal(err)
		}
	}
}
