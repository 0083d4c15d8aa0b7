// Package reporttext extracts the problem list from the plain text of a
// published 巡视整改 (inspection rectification) progress report, so that a
// campaign can be seeded from the document the public actually saw rather
// than from hand-typed data.
//
// Real reports are not machine-generated: numbering styles, quote styles and
// heading suffixes vary between issuers, so the parser recognises the shapes
// that occur in practice and ignores everything else instead of failing.
// It reads a report as an outline (numbered headings and the text under
// them), then decides which headings are sections (方面), which are problems
// and which are groups of sub-problems.
package reporttext

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
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

// LookedFor names the heading shapes the parser recognises, for the message
// that tells a person why nothing was found.
const LookedFor = "(一)关于“…”问题的整改情况, 1.关于“…”问题, （1）关于…的问题, ①…问题, 第一、…问题, 问题一：…, " +
	"a heading ending in 问题, or a heading followed by 完成情况：/推进情况：/整改情况：; sections such as (一)在“…”方面"

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
	// Groups are the problems that consist of sub-problems: kept as
	// headings, never as problems of their own.
	Groups []Group
	// Summary is what the report's headline states about itself.
	Summary Summary
	// Warnings are plain sentences (Chinese) about what looks wrong: the
	// headline's count against the problems found, a problem without
	// measures, numbering that skips or repeats.
	Warnings []string
}

// Problem is one problem block of the report.
type Problem struct {
	Number   int    // 1-based position in document order
	Label    string // the label as written, e.g. "(十二)", "1." or "(1)"
	Section  string // enclosing section heading without its label, e.g. 在“党的领导”方面, else ""
	Title    string // exact text inside the quotes, or the heading's text
	Status   string // StatusCompleted, StatusInProgress or ""
	Parent   *Parent
	Measures []Measure
}

// Parent names the group a sub-problem belongs to.
type Parent struct {
	Number int    // the group's 1-based position among the document's groups
	Title  string // the group's title
}

// Group is a problem heading whose body is only sub-problems.
type Group struct {
	Number  int
	Label   string
	Section string
	Title   string
}

// Measure is one 一是/二是… (or ①②…, (1)(2)…) item of a problem's body.
//
// Most items open with a short heading sentence (一是高位谋划部署。…). When
// an item has none (a single sentence, or a first sentence longer than
// maxMeasureTitle runes), Title is cut from the item at a clause boundary
// and Text keeps the whole item, so no reported detail is lost.
type Measure struct {
	Title string // heading: text after the marker up to the first 。 (without it)
	Text  string // the rest of the item after the heading, trimmed
}

// Parse reads a report and returns its title, date, problems in document
// order, groups, headline and warnings. It returns ErrNoProblems (and no
// Document) if nothing shaped like a problem heading is found, since such a
// file is not a progress report and should not seed a campaign, and an
// error wrapping ErrTooLarge if the input exceeds MaxInputSize.
func Parse(r io.Reader) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputSize+1))
	if err != nil {
		return nil, fmt.Errorf("reporttext: reading report: %w", err)
	}
	if len(data) > MaxInputSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxInputSize)
	}
	lines := splitLines(string(data))
	doc := &Document{}
	root := buildOutline(lines)
	c := &classifier{doc: doc}
	c.walk(root, "", nil)
	if len(doc.Problems) == 0 {
		return nil, ErrNoProblems
	}
	doc.Title = firstNonEmpty(lines)
	doc.Date = findHeaderDate(lines)
	doc.Summary = findSummary(lines[:c.firstLine(len(lines))])
	doc.Warnings = append(c.warnings(), summaryWarnings(doc)...)
	return doc, nil
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
