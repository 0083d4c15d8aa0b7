// Package reporttext extracts the problem list from the plain text of a
// published 巡视整改 (inspection rectification) progress report, so that a
// campaign can be seeded from the document the public actually saw rather
// than from hand-typed data.
//
// Real reports are not machine-generated: numbering styles, quote styles and
// heading suffixes vary between issuers, so the parser recognises the shapes
// that occur in practice and ignores everything else instead of failing.
package reporttext

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxInputSize bounds what Parse will read. Published reports are tens of
// kilobytes; the cap keeps a wrong file or hostile upload from exhausting
// memory.
const MaxInputSize = 20 << 20

// Sentinel errors, exported so callers can tell "not a report" and "too big"
// apart from I/O failures with errors.Is.
var (
	ErrNoProblems = errors.New("reporttext: no problems found in report")
	ErrTooLarge   = errors.New("reporttext: report too large")
)

// Status values, matching the 完成情况/推进情况 paragraph prefixes.
const (
	StatusCompleted  = "completed"
	StatusInProgress = "in_progress"
)

// Document is what a report says about itself and its problems.
type Document struct {
	Title    string // first non-empty line, e.g. 省民政厅党组关于巡视整改进展情况的通报
	Date     string // YYYY-MM-DD from a 发布日期 line or a date near the top, else ""
	Problems []Problem
}

// Problem is one 关于“…”问题 block of the report.
type Problem struct {
	Number   int    // 1-based position in document order
	Label    string // the label as written, e.g. "(十二)", "1." or "(1)"
	Section  string // enclosing section heading without its label, e.g. 在“党的领导”方面, else ""
	Title    string // exact text inside the quotes
	Status   string // StatusCompleted, StatusInProgress or ""
	Measures []Measure
}

// Measure is one 一是/二是… item of a problem's progress paragraph.
//
// Most items open with a short heading sentence (一是高位谋划部署。…). When
// an item has none (a single sentence, or a first sentence longer than
// maxMeasureTitle runes), Title is cut from the item at a clause boundary
// and Text keeps the whole item, so no reported detail is lost.
type Measure struct {
	Title string // heading: text after the marker up to the first 。 (without it)
	Text  string // the rest of the item after the heading, trimmed
}

// labelKind is the numbering style of a heading. The order is the usual
// nesting order in official documents (一、 > (一) > 1. > (1)), and the
// value doubles as the nesting level.
type labelKind int

const (
	kindNone        labelKind = iota
	kindPart                  // 一、
	kindParenHan              // (一) or （一）
	kindArabic                // 1. or 1、 or 1．
	kindParenArabic           // (1) or （1）
	numKinds
)

// Parse reads a report and returns its title, date and problems in document
// order. It returns ErrNoProblems (and no Document) if nothing shaped like
// a problem heading is found, since such a file is not a progress report
// and should not seed a campaign, and an error wrapping ErrTooLarge if the
// input exceeds MaxInputSize.
func Parse(r io.Reader) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputSize+1))
	if err != nil {
		return nil, fmt.Errorf("reporttext: reading report: %w", err)
	}
	if len(data) > MaxInputSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxInputSize)
	}
	lines := splitLines(string(data))

	p := &parser{doc: &Document{}}
	for _, line := range lines {
		p.line(line)
	}
	p.flush()

	if len(p.doc.Problems) == 0 {
		return nil, ErrNoProblems
	}
	p.doc.Title = firstNonEmpty(lines)
	p.doc.Date = findHeaderDate(lines)
	return p.doc, nil
}

// splitLines normalises the text (BOM, CRLF, invalid UTF-8) and splits it
// into trimmed lines, because reports arrive copied from web pages and
// word processors with all of these.
func splitLines(s string) []string {
	s = strings.TrimPrefix(s, "\uFEFF")
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return lines
}

// parser holds the state of a single pass over the lines.
type parser struct {
	doc      *Document
	sections [numKinds]string // open section heading per level
	cur      *Problem         // problem whose body is being collected
	curLevel labelKind
	paras    []string // body paragraphs of cur
}

func (p *parser) line(t string) {
	if t == "" {
		return
	}
	kind, label, rest := parseLabel(t)
	switch {
	case kind == kindNone:
		if p.cur != nil {
			p.paras = append(p.paras, t)
		}
		return
	case kind == kindPart:
		// 一、/二、/三、 parts (e.g. 三、下一步整改工作打算) end everything.
		p.flush()
		p.closeSections(kindNone + 1)
		return
	}

	if title, body, ok := parseProblemHeading(rest); ok {
		p.flush()
		p.closeSections(kind)
		p.cur = &Problem{
			Number:  len(p.doc.Problems) + 1,
			Label:   label,
			Section: p.enclosingSection(kind),
			Title:   title,
		}
		p.curLevel = kind
		if body != "" {
			p.paras = append(p.paras, body)
		}
		return
	}

	if p.cur != nil && kind > p.curLevel {
		// A deeper numbered line inside a problem is part of its body,
		// e.g. "1.强化部署。…" under "(一)关于“…”问题".
		p.paras = append(p.paras, t)
		return
	}

	// A heading at the same or an outer level that is not a problem: it
	// closes the current problem and may open a section. (1)-level
	// headings cannot enclose anything, so they never become sections.
	p.flush()
	p.closeSections(kind)
	if kind < kindParenArabic {
		p.sections[kind] = sectionTitle(rest)
	}
}

// closeSections forgets sections at level k and deeper, because a heading
// at level k ends them.
func (p *parser) closeSections(k labelKind) {
	for i := k; i < numKinds; i++ {
		p.sections[i] = ""
	}
}

// enclosingSection is the innermost open section outside level k.
func (p *parser) enclosingSection(k labelKind) string {
	for i := k - 1; i > kindNone; i-- {
		if p.sections[i] != "" {
			return p.sections[i]
		}
	}
	return ""
}

// flush finishes the current problem, if any.
func (p *parser) flush() {
	if p.cur == nil {
		return
	}
	for _, para := range p.paras {
		para, status := stripStatus(para)
		if p.cur.Status == "" {
			p.cur.Status = status
		}
		p.cur.Measures = append(p.cur.Measures, splitMeasures(para)...)
	}
	p.doc.Problems = append(p.doc.Problems, *p.cur)
	p.cur = nil
	p.paras = p.paras[:0]
}

// parseLabel splits a leading heading label off a trimmed line. label is the
// label exactly as written so that callers can echo it back.
func parseLabel(t string) (kind labelKind, label, rest string) {
	r, size := utf8.DecodeRuneInString(t)
	switch {
	case r == '(' || r == '（':
		i := skipSpace(t, size)
		j := i
		han := false
		for j < len(t) {
			c, n := utf8.DecodeRuneInString(t[j:])
			if isNumeralRune(c) {
				han = true
			} else if !isASCIIDigit(c) {
				break
			}
			j += n
		}
		num := t[i:j]
		k := skipSpace(t, j)
		c, n := utf8.DecodeRuneInString(t[k:])
		if c != ')' && c != '）' {
			return kindNone, "", t
		}
		end := k + n
		if han {
			if _, ok := ParseChineseNumeral(num); ok {
				return kindParenHan, t[:end], t[end:]
			}
		} else if arabicOK(num) {
			return kindParenArabic, t[:end], t[end:]
		}
	case isASCIIDigit(r):
		j := 0
		for j < len(t) && isASCIIDigit(rune(t[j])) {
			j++
		}
		c, n := utf8.DecodeRuneInString(t[j:])
		if c != '.' && c != '．' && c != '、' {
			break
		}
		// "1.79万个" opens a body sentence with a decimal, not a label.
		if next, _ := utf8.DecodeRuneInString(t[j+n:]); isASCIIDigit(next) {
			break
		}
		if arabicOK(t[:j]) {
			return kindArabic, t[:j+n], t[j+n:]
		}
	case isNumeralRune(r):
		j := 0
		for j < len(t) {
			c, n := utf8.DecodeRuneInString(t[j:])
			if !isNumeralRune(c) {
				break
			}
			j += n
		}
		c, n := utf8.DecodeRuneInString(t[j:])
		if c != '、' {
			break
		}
		if _, ok := ParseChineseNumeral(t[:j]); ok {
			return kindPart, t[:j+n], t[j+n:]
		}
	}
	return kindNone, "", t
}

// arabicOK accepts 1..999 written with at most three digits; longer runs are
// years or amounts, not labels.
func arabicOK(s string) bool {
	if len(s) == 0 || len(s) > 3 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n > 0
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

// skipSpace returns the index of the first non-space rune at or after i.
func skipSpace(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}

// quotePairs lists the quote styles seen around problem titles.
var quotePairs = []struct{ open, close rune }{
	{'“', '”'},
	{'"', '"'},
	{'「', '」'},
}

// headingSuffixes follow 问题 in problem headings; longest first so that
// 的整改情况 is not cut at 的整改.
var headingSuffixes = []string{"的整改进展情况", "的整改落实情况", "的整改情况", "的整改"}

// parseProblemHeading recognises the 关于“…”问题的整改情况 shape in the text
// after a label. title is the exact quoted text; body is anything written
// on the same line after the heading, which some reports do.
func parseProblemHeading(rest string) (title, body string, ok bool) {
	s := strings.TrimLeftFunc(rest, unicode.IsSpace)
	s, found := strings.CutPrefix(s, "关于")
	if !found {
		return "", "", false
	}
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	open, n := utf8.DecodeRuneInString(s)
	for _, q := range quotePairs {
		if open != q.open {
			continue
		}
		end := matchQuote(s[n:], q.open, q.close)
		if end < 0 {
			return "", "", false
		}
		title = s[n : n+end]
		if strings.TrimSpace(title) == "" {
			return "", "", false
		}
		tail := strings.TrimLeftFunc(s[n+end+utf8.RuneLen(q.close):], unicode.IsSpace)
		if t, found := strings.CutPrefix(tail, "问题"); found {
			tail = t
			for _, suf := range headingSuffixes {
				if t, found := strings.CutPrefix(tail, suf); found {
					tail = t
					break
				}
			}
		}
		body = strings.TrimLeftFunc(tail, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("。.:：,，;；", r)
		})
		return title, body, true
	}
	return "", "", false
}

// matchQuote returns the byte offset in s of the quote closing an already
// opened one, honouring nesting when open and close differ (titles such as
// 落实“两个确立”不到位 may themselves contain quotes). It returns -1 if the
// quote is never closed on this line.
func matchQuote(s string, open, close rune) int {
	depth := 0
	for i, r := range s {
		switch {
		case r == close && depth == 0:
			return i
		case r == close:
			depth--
		case r == open:
			depth++
		}
	}
	return -1
}

// sectionTitle is a section heading's text up to its first 。, because some
// reports run the heading and its first paragraph together on one line.
func sectionTitle(rest string) string {
	s, _, _ := strings.Cut(rest, "。")
	return trimPunct(s)
}

// trimPunct trims spaces and the separators that end clauses.
func trimPunct(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("。:：,，;；、", r)
	})
}

// statusPrefixes map the paragraph prefixes reports use to status values.
var statusPrefixes = []struct{ prefix, status string }{
	{"完成情况", StatusCompleted},
	{"推进情况", StatusInProgress},
}

// stripStatus removes a leading 完成情况:/推进情况: so that the first item
// marker is at the start of the paragraph, and reports which one it was.
func stripStatus(para string) (string, string) {
	for _, sp := range statusPrefixes {
		if rest, ok := strings.CutPrefix(para, sp.prefix); ok {
			rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
			if r, n := utf8.DecodeRuneInString(rest); r == ':' || r == '：' {
				rest = rest[n:]
			}
			return rest, sp.status
		}
	}
	return para, ""
}

// maxMeasureTitle bounds a measure title. Reports usually open an item
// with a short heading sentence (一是高位谋划部署。…); when the first
// sentence is longer than this it is narrative, not a heading.
const maxMeasureTitle = 40

// splitMeasures cuts a paragraph at 一是/二是/… markers that start a
// sentence or clause. Text before the first marker is context, not a
// measure, and is dropped.
func splitMeasures(para string) []Measure {
	type span struct{ start, end int } // marker start, item start
	var marks []span
	atStart := true
	for i := 0; i < len(para); {
		r, n := utf8.DecodeRuneInString(para[i:])
		switch {
		case unicode.IsSpace(r):
			// spaces keep the current sentence-start state
		case strings.ContainsRune("。；;：:！!？?", r):
			atStart = true
		case atStart && isNumeralRune(r):
			if end, ok := markerAt(para, i); ok {
				marks = append(marks, span{i, end})
				i = end
				atStart = false
				continue
			}
			atStart = false
		default:
			atStart = false
		}
		i += n
	}

	var out []Measure
	for k, m := range marks {
		end := len(para)
		if k+1 < len(marks) {
			end = marks[k+1].start
		}
		if ms, ok := newMeasure(para[m.end:end]); ok {
			out = append(out, ms)
		}
	}
	return out
}

// markerAt reports whether para[i:] starts with a numeral (一 … 九十九)
// followed by 是, returning the offset just after 是.
func markerAt(para string, i int) (int, bool) {
	j := i
	for count := 0; j < len(para) && count < 3; count++ {
		r, n := utf8.DecodeRuneInString(para[j:])
		if !isNumeralRune(r) {
			break
		}
		j += n
	}
	if _, ok := ParseChineseNumeral(para[i:j]); !ok {
		return 0, false
	}
	rest, ok := strings.CutPrefix(para[j:], "是")
	if !ok {
		return 0, false
	}
	return len(para) - len(rest), true
}

// isSeparator reports clause separators that may end an item before the
// next marker (…意见和建议；二是…) and so belong to neither item.
func isSeparator(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(",，;；、:：", r)
}

// newMeasure turns one item's text into a Measure: a short first sentence
// is the heading (一是高位谋划部署。…) and the rest is the detail. Items
// without such a heading keep their whole text and get a title cut from it,
// so nothing the report says is lost.
func newMeasure(item string) (Measure, bool) {
	item = strings.TrimLeftFunc(item, func(r rune) bool { return isSeparator(r) || r == '。' })
	item = strings.TrimRightFunc(item, isSeparator)
	body := strings.TrimRightFunc(item, func(r rune) bool { return isSeparator(r) || r == '。' })
	if body == "" {
		return Measure{}, false
	}
	// A 。 that only terminates the item does not make a heading.
	if head, _, found := strings.Cut(body, "。"); found {
		title := strings.TrimRightFunc(head, isSeparator)
		if title != "" && utf8.RuneCountInString(title) <= maxMeasureTitle {
			text := strings.TrimSpace(item[len(head)+len("。"):])
			return Measure{Title: title, Text: text}, true
		}
	}
	return Measure{Title: shortTitle(body, maxMeasureTitle), Text: item}, true
}

// shortTitle cuts s to at most n runes, preferring to end at a clause
// boundary so the title reads as a phrase rather than a broken word.
func shortTitle(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, lastClause, count := len(s), -1, 0
	for i, r := range s {
		if i > 0 && strings.ContainsRune(",，;；", r) {
			lastClause = i
		}
		if count == n {
			cut = i
			break
		}
		count++
	}
	// Only use the clause boundary if it keeps a meaningful share of the
	// allowance; otherwise a hard cut says more.
	if lastClause >= 0 && utf8.RuneCountInString(s[:lastClause]) >= n/4 {
		cut = lastClause
	}
	return strings.TrimRightFunc(s[:cut], isSeparator)
}

func firstNonEmpty(lines []string) string {
	for _, l := range lines {
		if l != "" {
			return l
		}
	}
	return ""
}

// headerLines is how far into a report the date is looked for; beyond the
// first few lines, dates belong to the narrative (巡视 dates, deadlines).
const headerLines = 6

// maxDateLineRunes keeps narrative paragraphs that merely mention a date
// (2023年11月13日至…) from being taken as the publication date.
const maxDateLineRunes = 30

// findHeaderDate prefers an explicit 发布日期/发布时间/日期 line near the top,
// then any short dated line near the top.
func findHeaderDate(lines []string) string {
	var head []string
	for _, l := range lines {
		if l == "" {
			continue
		}
		if len(head) == headerLines {
			break
		}
		head = append(head, l)
	}
	for _, l := range head {
		for _, key := range []string{"发布日期", "发布时间", "日期"} {
			if _, after, ok := strings.Cut(l, key); ok {
				if d := findDate(after); d != "" {
					return d
				}
			}
		}
	}
	for _, l := range head {
		if utf8.RuneCountInString(l) <= maxDateLineRunes {
			if d := findDate(l); d != "" {
				return d
			}
		}
	}
	return ""
}

// findDate returns the first valid date in s written as 2024-10-25,
// 2024/10/25, 2024.10.25 or 2024年10月25日, formatted as YYYY-MM-DD.
func findDate(s string) string {
	for i := 0; i+4 <= len(s); i++ {
		if i > 0 && isASCIIDigit(rune(s[i-1])) {
			continue
		}
		y, j, ok := digitsAt(s, i, 4, 4)
		if !ok {
			continue
		}
		sep1, n1 := utf8.DecodeRuneInString(s[j:])
		var sep2 rune
		switch sep1 {
		case '-', '/', '.':
			sep2 = sep1
		case '年':
			sep2 = '月'
		default:
			continue
		}
		m, k, ok := digitsAt(s, j+n1, 1, 2)
		if !ok {
			continue
		}
		if r, n := utf8.DecodeRuneInString(s[k:]); r != sep2 {
			continue
		} else {
			k += n
		}
		d, e, ok := digitsAt(s, k, 1, 2)
		if !ok || (e < len(s) && isASCIIDigit(rune(s[e]))) {
			continue
		}
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if y < 1900 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
			continue
		}
		return t.Format("2006-01-02")
	}
	return ""
}

// digitsAt parses between min and max ASCII digits at s[i:], requiring that
// no further digit follows, and returns the value and the end offset.
func digitsAt(s string, i, min, max int) (int, int, bool) {
	v, j := 0, i
	for j < len(s) && isASCIIDigit(rune(s[j])) {
		if j-i == max {
			return 0, 0, false
		}
		v = v*10 + int(s[j]-'0')
		j++
	}
	if j-i < min {
		return 0, 0, false
	}
	return v, j, true
}
