package importer

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/reporttext"
)

// markdownMarks are the markdown decorations a generated report (or one
// pasted from a web page) puts around its lines: headings and bold.
var markdownMarks = regexp.MustCompile(`(?m)^[ \t]*#{1,6}[ \t]+|\*\*`)

// readText finds the problems of a published report's text.
func readText(text string) (*Plan, error) {
	text = markdownMarks.ReplaceAllString(text, "")
	doc, err := reporttext.Parse(strings.NewReader(text))
	if errors.Is(err, reporttext.ErrNoProblems) {
		return nil, domain.Errorf(domain.EInvalid, "no problems were recognised in the text: a report lists each as a line such as (一)关于“…”问题的整改情况")
	} else if errors.Is(err, reporttext.ErrTooLarge) {
		return nil, TooLarge()
	} else if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "the text could not be read")
	}
	plan := &Plan{Format: FormatText, Problems: make([]Problem, 0, len(doc.Problems))}
	var rej rejections
	for _, rp := range doc.Problems {
		np := domain.NewProblem{Number: rp.Number, Section: rp.Section, Title: rp.Title, Description: describe(rp.Measures)}
		if err := np.Validate(); err != nil {
			rej.add(0, "problem %d (%s): %s", rp.Number, rp.Label, domain.ErrorMessage(err))
			continue
		}
		p := Problem{Number: np.Number, Section: np.Section, Title: np.Title, Description: np.Description, Measures: []Measure{}}
		for _, m := range rp.Measures {
			p.Measures = append(p.Measures, Measure{Title: m.Title, Text: m.Text})
		}
		plan.Problems = append(plan.Problems, p)
	}
	if err := rej.err(); err != nil {
		return nil, err
	}
	return plan, nil
}

// describe writes a text-imported problem's measures into its description
// (一是…。二是…。), since a text import submits no plan: the leader drafts
// the plan from it.
func describe(ms []reporttext.Measure) string {
	var b strings.Builder
	for i, m := range ms {
		item := m.Title + "。"
		if m.Text != "" {
			item += m.Text
		}
		fmt.Fprintf(&b, "%s是%s", reporttext.ChineseNumeral(i+1), item)
	}
	s := b.String()
	if utf8.RuneCountInString(s) > domain.MaxTextLen {
		s = string([]rune(s)[:domain.MaxTextLen-1]) + "…"
	}
	return s
}
