// Package ledger writes a campaign's ledger (整改台账) as an xlsx workbook:
// one row per measure with its responsibility list, deadline, status and
// latest progress, overdue rows in red and rows due within three days in
// yellow, and a summary sheet of counts by stage and by lead unit. It is
// pure: it takes domain data and a clock. The sheet's header is one the
// importer reads, so an exported ledger imports again.
package ledger

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/rectify/rectify/internal/domain"
)

// Sheet names.
const (
	SheetLedger  = "整改台账"
	SheetSummary = "汇总"
)

// Header is the ledger's header row. 所属方面 and 所属问题 (the section and
// the group of sub-problems a problem is under: the report's upper two
// levels) come last, after the columns people read most.
var Header = []string{
	"序号", "问题", "整改措施", "类型", "责任领导", "牵头单位", "配合单位",
	"整改时限(原定)", "整改时限(当前)", "状态", "最新进展", "佐证材料数", "销号日期", "所属方面", "所属问题",
	"牵头单位调整",
}

// Column widths (in Excel's units, about one Latin character; a Chinese
// character takes two): at least the header's, at most these, so long text
// wraps instead of making a column a page wide.
var maxWidths = []float64{8, 36, 50, 10, 14, 18, 24, 14, 14, 10, 60, 12, 12, 24, 30, 40}

// Input is what a ledger is made of.
type Input struct {
	Campaign domain.Campaign
	// Problems in ledger order (by number), with their measures.
	Problems []domain.Problem
	// Units names every unit by ID.
	Units map[int64]string
	// Now is the clock the red and yellow rows are computed against.
	Now time.Time
	// Evidence counts live evidence per (problem ID, measure ID).
	Evidence map[[2]int64]int
}

// Light is a row's warning colour.
type Light int

// Lights (红黄灯预警).
const (
	LightNone Light = iota
	LightYellow
	LightRed
)

// LightOf is a measure's row colour: the domain's light, with the
// problem's warning window.
func LightOf(p domain.Problem, m domain.Measure, now time.Time) Light {
	switch domain.MeasureLight(m, p.Stage, p.Policy.WithDefaults().WarningWindow, now) {
	case domain.LightRed:
		return LightRed
	case domain.LightYellow:
		return LightYellow
	}
	return LightNone
}

// StageName is a stage in the UI's words.
func StageName(s domain.Stage) string {
	switch s {
	case domain.StagePlan:
		return "制定措施"
	case domain.StageAssign:
		return "交办签收"
	case domain.StageExecute:
		return "整改落实"
	case domain.StageVerify:
		return "审核销号"
	case domain.StageClosed:
		return "已销号"
	case domain.StageLookback:
		return "回头看"
	}
	return string(s)
}

func kindName(k domain.MeasureKind) string {
	switch k {
	case domain.KindImmediate:
		return "立行立改"
	case domain.KindDeadline:
		return "限期整改"
	case domain.KindLongTerm:
		return "长期坚持"
	}
	return string(k)
}

// measureStatus is a measure's state as a ledger reader says it.
func measureStatus(p domain.Problem, m domain.Measure) string {
	switch {
	case p.Stage == domain.StageClosed:
		return "已销号"
	case p.Stage == domain.StageVerify:
		return "待审核销号"
	case m.Completed:
		return "已完成"
	case m.Kind == domain.KindLongTerm && m.Acknowledged:
		return "长期坚持"
	case m.Acknowledged:
		return "整改中"
	case p.Stage == domain.StagePlan:
		return "待审批"
	}
	return "待签收"
}

// Write writes the ledger workbook to w.
func Write(w io.Writer, in Input) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetLedger); err != nil {
		return err
	}
	styles, err := newStyles(f)
	if err != nil {
		return err
	}
	rows := ledgerRows(in)
	if err := writeLedgerSheet(f, styles, rows); err != nil {
		return err
	}
	if err := writeSummary(f, styles, in, rows); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

type row struct {
	cells []string
	light Light
	lead  string
	done  bool
}

// ledgerRows is one row per measure; a problem without measures yet (still
// being planned) gets one row, so every problem is on the ledger.
//
// A row without a measure leaves the measure's columns empty, as the
// importer requires of a row that only names a problem.
func ledgerRows(in Input) []row {
	unit := func(id int64) string { return in.Units[id] }
	var out []row
	for _, p := range in.Problems {
		closed := ""
		if !p.ClosedAt.IsZero() {
			closed = string(domain.DateOf(p.ClosedAt))
		}
		if len(p.Measures) == 0 {
			out = append(out, row{cells: []string{
				fmt.Sprint(p.Number), p.Title, "", "", "", "", "", "", "",
				StageName(p.Stage), "", "0", closed, p.Section, p.ParentTitle, ledBy(p, 0, unit),
			}})
			continue
		}
		for _, m := range p.Measures {
			co := make([]string, len(m.CoUnitIDs))
			for i, id := range m.CoUnitIDs {
				co[i] = unit(id)
			}
			latest := m.LatestProgress
			if m.Completed && m.CompletionSummary != "" {
				latest = m.CompletionSummary
			}
			out = append(out, row{
				cells: []string{
					fmt.Sprint(p.Number), p.Title, m.Title, kindName(m.Kind), m.ResponsibleLeader,
					unit(m.LeadUnitID), strings.Join(co, "、"), string(originalDeadline(m)), string(m.Deadline),
					measureStatus(p, m), latest,
					fmt.Sprint(in.Evidence[[2]int64{p.ID, m.ID}]), closed, p.Section, p.ParentTitle,
					ledBy(p, m.ID, unit),
				},
				light: LightOf(p, m, in.Now),
				lead:  unit(m.LeadUnitID),
				done:  m.Completed || p.Stage == domain.StageClosed,
			})
		}
	}
	return out
}

// ledBy says who led when: each approved change of lead unit (调整牵头单位)
// of the problem, or of measure measureID, e.g. "2026-03-02 由社会救助处调整为办公室".
func ledBy(p domain.Problem, measureID int64, unit func(int64) string) string {
	var parts []string
	for _, r := range p.Reassignments {
		if r.Status != domain.ReassignApproved || (r.MeasureID != 0 && r.MeasureID != measureID) {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s 由%s调整为%s", domain.DateOf(r.DecidedAt), unit(r.FromUnitID), unit(r.ToUnitID)))
	}
	return strings.Join(parts, "；")
}

type styleSet struct {
	header, body, red, yellow, title int
	// quoted is each body style with Excel's quote prefix, for cells whose
	// text would otherwise become a formula when edited or saved as CSV.
	quoted map[int]int
}

func newStyles(f *excelize.File) (styleSet, error) {
	border := []excelize.Border{
		{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1},
	}
	font := &excelize.Font{Family: "宋体", Size: 11}
	body := func(fill string) *excelize.Style {
		s := &excelize.Style{
			Border: border, Font: font,
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
		}
		if fill != "" {
			s.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}}
		}
		return s
	}
	var s styleSet
	var err error
	for _, x := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&s.header, &excelize.Style{
			Border: border, Font: &excelize.Font{Family: "黑体", Size: 11, Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		}},
		{&s.body, body("")},
		{&s.red, body("FFC7CE")},
		{&s.yellow, body("FFEB9C")},
		{&s.title, &excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 12, Bold: true}}},
	} {
		if *x.id, err = f.NewStyle(x.style); err != nil {
			return s, err
		}
	}
	s.quoted = map[int]int{}
	quote := true
	for _, fill := range []struct {
		id   int
		fill string
	}{{s.body, ""}, {s.red, "FFC7CE"}, {s.yellow, "FFEB9C"}} {
		// An explicit (default) protection keeps the quoted style from being
		// merged with the plain one; excelize's Style has no quote prefix,
		// so it is set on the cell format itself.
		st := body(fill.fill)
		st.Protection = &excelize.Protection{Locked: true}
		id, err := f.NewStyle(st)
		if err != nil {
			return s, err
		}
		f.Styles.CellXfs.Xf[id].QuotePrefix = &quote
		s.quoted[fill.id] = id
	}
	return s, nil
}

// formulaLike reports whether a spreadsheet would read text as a formula.
func formulaLike(v string) bool {
	return v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0]))
}

func writeLedgerSheet(f *excelize.File, st styleSet, rows []row) error {
	sw, err := f.NewStreamWriter(SheetLedger)
	if err != nil {
		return err
	}
	for col, width := range columnWidths(rows) {
		if err := sw.SetColWidth(col+1, col+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", cells(Header, st.header), excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	for i, r := range rows {
		style := st.body
		switch r.light {
		case LightRed:
			style = st.red
		case LightYellow:
			style = st.yellow
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := cells(r.cells, style)
		for j, v := range r.cells {
			if formulaLike(v) {
				row[j] = excelize.Cell{StyleID: st.quoted[style], Value: v}
			}
		}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func cells(values []string, style int) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = excelize.Cell{StyleID: style, Value: v}
	}
	return out
}

// columnWidths fits each column to its longest line, Chinese characters
// counting double, between the header's width and the column's cap.
func columnWidths(rows []row) []float64 {
	widths := make([]float64, len(Header))
	for i, h := range Header {
		widths[i] = displayWidth(h) + 2
	}
	for _, r := range rows {
		for i, c := range r.cells {
			if w := displayWidth(c) + 2; w > widths[i] {
				widths[i] = min(w, maxWidths[i])
			}
		}
	}
	return widths
}

func displayWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r > unicode.MaxLatin1 {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// writeSummary writes counts of problems by stage and of measures by lead
// unit.
func writeSummary(f *excelize.File, st styleSet, in Input, rows []row) error {
	if _, err := f.NewSheet(SheetSummary); err != nil {
		return err
	}
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(SheetSummary, cell, v); err != nil {
			return err
		}
		return f.SetCellStyle(SheetSummary, cell, cell, style)
	}
	var errs []error
	line := 1
	put := func(style int, values ...any) {
		for i, v := range values {
			cell, _ := excelize.CoordinatesToCellName(i+1, line)
			errs = append(errs, set(cell, v, style))
		}
		line++
	}
	title := in.Campaign.Title
	if title == "" {
		title = "整改台账"
	}
	put(st.title, title+" 汇总（截至"+string(domain.DateOf(in.Now))+"）")
	line++
	put(st.header, "整改阶段", "问题数")
	byStage := map[domain.Stage]int{}
	for _, p := range in.Problems {
		byStage[p.Stage]++
	}
	for _, s := range domain.AllStages() {
		put(st.body, StageName(s), byStage[s])
	}
	put(st.header, "合计", len(in.Problems))
	line++
	put(st.header, "牵头单位", "整改措施数", "已完成", "推进中", "红灯（逾期）", "黄灯（临期）")
	type counts struct{ total, done, red, yellow int }
	byUnit := map[string]*counts{}
	var units []string
	for _, r := range rows {
		if r.cells[2] == "" {
			continue // a problem without measures
		}
		c, ok := byUnit[r.lead]
		if !ok {
			c = &counts{}
			byUnit[r.lead] = c
			units = append(units, r.lead)
		}
		c.total++
		if r.done {
			c.done++
		}
		switch r.light {
		case LightRed:
			c.red++
		case LightYellow:
			c.yellow++
		}
	}
	slices.Sort(units)
	for _, u := range units {
		c := byUnit[u]
		put(st.body, u, c.total, c.done, c.total-c.done, c.red, c.yellow)
	}
	for col, w := range []float64{22, 12, 10, 10, 14, 14} {
		errs = append(errs, f.SetColWidth(SheetSummary, colName(col+1), colName(col+1), w))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func colName(n int) string {
	s, _ := excelize.ColumnNumberToName(n)
	return s
}

// originalDeadline is the deadline of the approved plan, before extensions.
func originalDeadline(m domain.Measure) domain.Date {
	if m.OriginalDeadline != "" {
		return m.OriginalDeadline
	}
	return m.Deadline
}
