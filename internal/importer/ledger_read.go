package importer

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/rectify/rectify/internal/domain"
)

// The ledger template: one row per measure, the header in the first
// non-empty row, columns in any order. Rows with the same problem number are
// that problem's measures; a row without a measure only names the problem.
// Each column accepts the names below (spaces and a note in brackets, as in
// 整改时限(当前), are ignored), so the ledger Rectify exports reads back in.
type column int

const (
	colNumber column = iota
	colSection
	colTitle
	colDescription
	colMeasure
	colKind
	colLeadUnit
	colCoUnits
	colLeader
	colDeadline
	colParent
	numColumns
)

var columnNames = [numColumns][]string{
	colNumber:      {"问题编号", "编号", "序号", "问题序号", "number", "no"},
	colSection:     {"所属方面", "方面", "问题类别", "section"},
	colParent:      {"所属问题", "上级问题", "parent"},
	colTitle:       {"问题", "问题标题", "问题名称", "反馈问题", "title", "problem"},
	colDescription: {"问题描述", "具体表现", "description"},
	colMeasure:     {"整改措施", "措施", "measure"},
	colKind:        {"类型", "整改类型", "措施类型", "kind"},
	colLeadUnit:    {"牵头单位", "责任单位", "leadunit", "lead_unit"},
	colCoUnits:     {"配合单位", "协办单位", "counits", "co_units"},
	colLeader:      {"责任领导", "leader", "responsible_leader"},
	colDeadline:    {"整改时限", "完成时限", "deadline"},
}

// TemplateHeader is the header row of the documented template, in order.
var TemplateHeader = []string{"问题编号", "所属方面", "问题", "问题描述", "整改措施", "类型", "牵头单位", "配合单位", "责任领导", "整改时限"}

// kindNames maps what a ledger writes in 类型 to a measure kind.
var kindNames = map[string]domain.MeasureKind{
	"立行立改": domain.KindImmediate, "immediate": domain.KindImmediate,
	"限期整改": domain.KindDeadline, "deadline": domain.KindDeadline,
	"长期坚持": domain.KindLongTerm, "long_term": domain.KindLongTerm, "长期": domain.KindLongTerm,
}

// Zip limits for .xlsx and .docx: a small archive may inflate enormously.
const (
	maxUnzipped    = 200 << 20
	maxUnzippedXML = 64 << 20
)

func readXLSX(data []byte, now time.Time) (*Plan, error) {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, domain.Errorf(domain.EInvalid, "the file is not an xlsx workbook (it is not a zip archive; save it from Excel or WPS as .xlsx)").WithKey("import_xlsx_not_zip").WithField("file")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "the xlsx file is damaged (its zip archive cannot be opened)").WithKey("import_xlsx_damaged").WithField("file")
	}
	if err := checkSharedStrings(zr); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzippedXML,
	})
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "the xlsx file cannot be read as a workbook").WithKey("import_xlsx_damaged").WithField("file")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, domain.Errorf(domain.EInvalid, "the workbook has no sheets").WithKey("import_xlsx_no_sheets").WithField("file")
	}
	sheet := sheets[0]
	for _, name := range sheets {
		if name == "整改台账" {
			sheet = name
		}
	}
	// Raw values: a date cell gives its serial number, not text in some
	// locale's format.
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "sheet %q cannot be read", sheet).WithKey("import_sheet_unreadable", "sheet", sheet).WithField("file")
	}
	defer rows.Close()
	var records [][]string
	for rows.Next() {
		if len(records) > MaxRows+1 {
			return nil, domain.Errorf(domain.EInvalid, "the ledger has more than %d rows", MaxRows).WithKey("import_too_many_rows", "max", MaxRows).WithField("file")
		}
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, domain.Errorf(domain.EInvalid, "sheet %q cannot be read", sheet).WithKey("import_sheet_unreadable", "sheet", sheet).WithField("file")
		}
		records = append(records, cols)
	}
	if rows.Error() != nil {
		return nil, domain.Errorf(domain.EInvalid, "sheet %q cannot be read", sheet).WithKey("import_sheet_unreadable", "sheet", sheet).WithField("file")
	}
	return readLedger(records, now)
}

func readCSV(data []byte, now time.Time) (*Plan, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, domain.Errorf(domain.EInvalid, "the file is a zip archive (an xlsx workbook?), not a csv text: name it .xlsx").WithKey("import_csv_is_zip").WithField("file")
	}
	if !utf8.Valid(data) {
		// Excel in a Chinese locale saves csv as GB18030 (GBK).
		decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(decoded) {
			return nil, domain.Errorf(domain.EInvalid, "the csv file is neither UTF-8 nor GBK text").WithKey("import_csv_encoding").WithField("file")
		}
		data = decoded
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, domain.Errorf(domain.EInvalid, "the csv file holds binary data, not text").WithKey("import_csv_binary").WithField("file")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	// Rows are numbered as a spreadsheet shows the file: encoding/csv
	// skips blank lines (which are rows) and a quoted line break does not
	// start a row, so a record's row is its first line less the quoted
	// line breaks before it.
	var records [][]string
	embedded := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			line, _ := r.FieldPos(0)
			for len(records) < line-embedded-1 {
				records = append(records, nil)
			}
			for _, field := range rec {
				embedded += strings.Count(field, "\n")
			}
		}
		if err != nil {
			line := len(records) + 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, domain.Errorf(domain.EInvalid, "the csv file is malformed at line %d", line).WithKey("import_csv_malformed", "line", line).WithField("file")
		}
		if len(records) > MaxRows+1 {
			return nil, domain.Errorf(domain.EInvalid, "the ledger has more than %d rows", MaxRows).WithKey("import_too_many_rows", "max", MaxRows).WithField("file")
		}
		records = append(records, rec)
	}
	return readLedger(records, now)
}

// readLedger turns a sheet's records (row i is spreadsheet row i+1) into a
// plan, collecting every rejected row.
func readLedger(records [][]string, now time.Time) (*Plan, error) {
	head := -1
	for i, rec := range records {
		if !blank(rec) {
			head = i
			break
		}
	}
	if head < 0 {
		return nil, domain.Errorf(domain.EInvalid, "the ledger is empty").WithKey("import_ledger_empty").WithField("file")
	}
	cols, err := mapHeader(records[head])
	if err != nil {
		return nil, err
	}
	plan := &Plan{Format: FormatLedger, Groups: []Group{}, Warnings: []string{}}
	byNumber := map[int]int{}  // number → index in plan.Problems
	groups := map[string]int{} // group title → number, in order of appearance
	var rej rejections
	for i := head + 1; i < len(records); i++ {
		rec, row := records[i], i+1
		if blank(rec) {
			continue
		}
		get := func(c column) string {
			if cols[c] < 0 || cols[c] >= len(rec) {
				return ""
			}
			return cleanCell(rec[cols[c]])
		}
		before := len(rej)
		number, ok := parseNumber(get(colNumber))
		if !ok {
			rej.add(row, "问题编号 %q is not a whole number between 1 and 100000", get(colNumber)).WithKey("import_number_invalid", "value", get(colNumber))
		}
		np := domain.NewProblem{Number: number, Section: get(colSection), Title: get(colTitle), Description: get(colDescription)}
		if parent := get(colParent); parent != "" {
			// Checked here; numbered below, by order of appearance.
			np.ParentNumber, np.ParentTitle = 1, parent
		}
		if err := np.Validate(); err != nil {
			rej.addErr(row, err)
		}
		m, hasMeasure := readMeasure(&rej, row, get, now)
		if len(rej) > before {
			continue
		}
		idx, seen := byNumber[number]
		if !seen {
			idx = len(plan.Problems)
			byNumber[number] = idx
			plan.Problems = append(plan.Problems, Problem{
				Number: number, Section: np.Section, Title: np.Title, Description: np.Description,
				Measures: []Measure{}, Row: row,
			})
			if parent := get(colParent); parent != "" {
				n, ok := groups[parent]
				if !ok {
					n = len(plan.Groups) + 1
					groups[parent] = n
					plan.Groups = append(plan.Groups, Group{Number: n, Section: np.Section, Title: parent})
				}
				plan.Problems[idx].Parent = &Parent{Number: n, Title: parent}
			}
		}
		p := &plan.Problems[idx]
		switch {
		case p.Title != np.Title:
			rej.add(row, "problem %d is titled %q in row %d but %q here", number, p.Title, p.Row, np.Title).WithKey("import_title_differs", "n", number, "first", p.Title, "row", p.Row, "value", np.Title)
			continue
		case np.Section != "" && p.Section != "" && p.Section != np.Section:
			rej.add(row, "problem %d is in section %q in row %d but %q here", number, p.Section, p.Row, np.Section).WithKey("import_section_differs", "n", number, "first", p.Section, "row", p.Row, "value", np.Section)
			continue
		}
		if p.Section == "" {
			p.Section = np.Section
		}
		if p.Description == "" {
			p.Description = np.Description
		}
		if hasMeasure {
			if len(p.Measures) == domain.MaxMeasures {
				rej.add(row, "problem %d has more than %d measures", number, domain.MaxMeasures).WithKey("import_too_many_measures", "n", number, "max", domain.MaxMeasures)
				continue
			}
			p.Measures = append(p.Measures, m)
		}
	}
	if err := rej.err(); err != nil {
		return nil, err
	}
	if len(plan.Problems) == 0 {
		return nil, domain.Errorf(domain.EInvalid, "the ledger has a header but no problem rows").WithKey("import_no_rows").WithField("file")
	}
	return plan, nil
}

// readMeasure reads a row's measure columns; a row without a measure title
// must leave them all empty.
func readMeasure(rej *rejections, row int, get func(column) string, now time.Time) (Measure, bool) {
	m := Measure{
		Title: get(colMeasure), LeadUnit: get(colLeadUnit), CoUnits: splitUnits(get(colCoUnits)),
		Leader: get(colLeader), Row: row,
	}
	kindText, deadlineText := get(colKind), get(colDeadline)
	if m.Title == "" {
		if m.LeadUnit != "" || len(m.CoUnits) > 0 || m.Leader != "" || kindText != "" || deadlineText != "" {
			rej.add(row, "整改措施 is empty but the row names a unit, leader, kind or deadline").WithKey("import_measure_missing")
		}
		return Measure{}, false
	}
	before := len(*rej)
	if utf8.RuneCountInString(m.Title) > domain.MaxTextLen {
		rej.add(row, "整改措施 is too long (at most %d characters)", domain.MaxTextLen).WithKey("import_measure_too_long", "max", domain.MaxTextLen)
	}
	kind, ok := kindNames[strings.ToLower(kindText)]
	switch {
	case kindText == "":
		rej.add(row, "类型 is required (立行立改, 限期整改 or 长期坚持)").WithKey("import_kind_required")
	case !ok:
		rej.add(row, "类型 %q is not 立行立改, 限期整改 or 长期坚持", kindText).WithKey("import_kind_invalid", "value", kindText)
	}
	m.Kind = kind
	switch {
	case m.LeadUnit == "":
		rej.add(row, "牵头单位 is required").WithKey("import_lead_required")
	case utf8.RuneCountInString(m.LeadUnit) > domain.MaxNameLen:
		rej.add(row, "牵头单位 is too long").WithKey("import_lead_too_long")
	case slices.Contains(m.CoUnits, m.LeadUnit):
		rej.add(row, "%s is both the lead unit and a co-unit", m.LeadUnit).WithKey("import_lead_is_co", "unit", m.LeadUnit)
	}
	if len(m.CoUnits) > 50 {
		rej.add(row, "配合单位 names more than 50 units").WithKey("import_too_many_co_units", "max", 50)
	}
	for _, u := range m.CoUnits {
		if utf8.RuneCountInString(u) > domain.MaxNameLen {
			rej.add(row, "配合单位 %q is too long", u).WithKey("import_co_unit_too_long", "unit", u)
		}
	}
	if utf8.RuneCountInString(m.Leader) > domain.MaxNameLen {
		rej.add(row, "责任领导 is too long").WithKey("import_leader_too_long")
	}
	if deadlineText != "" && kindNames[deadlineText] == domain.KindLongTerm {
		deadlineText = "" // 整改时限 written as 长期坚持
	}
	if deadlineText != "" {
		d, ok := parseDeadline(deadlineText)
		switch {
		case !ok:
			rej.add(row, "整改时限 %q is not a date (use YYYY-MM-DD)", deadlineText).WithKey("import_deadline_not_date", "value", deadlineText)
		case kind != domain.KindLongTerm && !d.DueAt().After(now):
			rej.add(row, "整改时限 %s has passed", d).WithKey("import_deadline_passed", "deadline", string(d))
		default:
			m.Deadline = d
		}
	} else if ok && kind != domain.KindLongTerm {
		rej.add(row, "整改时限 is required unless the measure is 长期坚持").WithKey("import_deadline_required")
	}
	return m, len(*rej) == before
}

// mapHeader finds each template column in the header row.
func mapHeader(header []string) ([numColumns]int, error) {
	var cols [numColumns]int
	for i := range cols {
		cols[i] = -1
	}
	deadlineCurrent := false
	for i, cell := range header {
		name, note := headerName(cell)
		for c, names := range columnNames {
			if !slices.Contains(names, name) {
				continue
			}
			col := column(c)
			// Of 整改时限(原定) and 整改时限(当前), the current one counts.
			current := col == colDeadline && (strings.Contains(note, "当前") || strings.Contains(note, "现"))
			if cols[col] < 0 || (current && !deadlineCurrent) {
				cols[col] = i
				deadlineCurrent = deadlineCurrent || current
			}
		}
	}
	var missing []string
	for _, c := range []column{colNumber, colTitle} {
		if cols[c] < 0 {
			missing = append(missing, columnNames[c][0])
		}
	}
	if cols[colMeasure] >= 0 {
		for _, c := range []column{colKind, colLeadUnit, colDeadline} {
			if cols[c] < 0 {
				missing = append(missing, columnNames[c][0])
			}
		}
	}
	if len(missing) > 0 {
		return cols, domain.Errorf(domain.EInvalid, "the header row (row 1 of the sheet) lacks the column(s) %s; the template's columns are %s",
			strings.Join(missing, ", "), strings.Join(TemplateHeader, ", ")).WithKey("import_header_missing", "missing", strings.Join(missing, "、"), "columns", strings.Join(TemplateHeader, "、"))
	}
	return cols, nil
}

// headerName normalises a header cell: no spaces, lower case, and a note in
// brackets split off.
func headerName(cell string) (name, note string) {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, cell)
	s = strings.NewReplacer("（", "(", "）", ")").Replace(s)
	if i := strings.IndexByte(s, '('); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// cleanCell trims a cell and drops its inner line breaks (Alt+Enter in
// Excel): Chinese text runs on without spaces, and a title or unit name
// must be one line.
func cleanCell(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.NewReplacer("\r\n", "", "\r", "", "\n", "", "\x00", "").Replace(s)
	return strings.TrimSpace(s)
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseNumber reads a problem number; spreadsheets may store 3 as "3.0".
func parseNumber(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && f >= 1 && f <= 100000 {
		return int(f), true
	}
	return 0, false
}

// splitUnits splits 配合单位 at the separators people type between names.
func splitUnits(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("、,，;；/|", r) || unicode.IsSpace(r)
	})
	var out []string
	for _, p := range parts {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

var dateShapes = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$`)

// parseDeadline accepts 2024-10-25, 2024/10/25, 2024.10.25, 2024年10月25日
// and an Excel date serial number.
func parseDeadline(s string) (domain.Date, bool) {
	if m := dateShapes.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
			return "", false
		}
		return domain.Date(t.Format("2006-01-02")), true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 && f < 2958466 {
		t, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return "", false
		}
		return domain.Date(t.Format("2006-01-02")), true
	}
	return "", false
}
