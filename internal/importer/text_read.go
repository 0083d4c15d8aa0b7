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

// markdownEscape is a backslash before ASCII punctuation, as a generated
// Markdown report escapes what people typed.
var markdownEscape = regexp.MustCompile("\\\\([!-/:-@\\[-`{-~])")

// readText finds the problems of a published report's text.
func readText(text string) (*Plan, error) {
	text = markdownMarks.ReplaceAllString(text, "")
	text = markdownEscape.ReplaceAllString(text, "$1")
	doc, err := reporttext.Parse(strings.NewReader(text))
	if errors.Is(err, reporttext.ErrNoProblems) {
		return nil, domain.Errorf(domain.EInvalid, "no problems were recognised in the text; looked for headings such as %s", reporttext.LookedFor).WithKey("import_nothing_recognised")
	} else if errors.Is(err, reporttext.ErrTooLarge) {
		return nil, TooLarge()
	} else if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "the text could not be read").WithKey("import_text_unreadable")
	}
	plan := &Plan{
		Format: FormatText, Problems: make([]Problem, 0, len(doc.Problems)), Groups: make([]Group, 0, len(doc.Groups)),
		Summary: doc.Summary, Warnings: append([]string{}, doc.Warnings...),
	}
	for _, g := range doc.Groups {
		plan.Groups = append(plan.Groups, Group{Number: g.Number, Section: g.Section, Title: g.Title})
	}
	var rej rejections
	for _, rp := range doc.Problems {
		np := domain.NewProblem{Number: rp.Number, Section: rp.Section, Title: rp.Title, Description: describe(rp.Measures)}
		if rp.Parent != nil {
			np.ParentNumber, np.ParentTitle = rp.Parent.Number, rp.Parent.Title
		}
		if err := np.Validate(); err != nil {
			rej.addErr(0, err).Label = rp.Label
			rej[len(rej)-1].Reason = fmt.Sprintf("problem %d (%s): %s", rp.Number, rp.Label, domain.ErrorMessage(err))
			continue
		}
		p := Problem{Number: np.Number, Section: np.Section, Title: np.Title, Description: np.Description, Measures: []Measure{}}
		if np.ParentNumber > 0 {
			p.Parent = &Parent{Number: np.ParentNumber, Title: np.ParentTitle}
		}
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
