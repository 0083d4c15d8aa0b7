package reporttext

import (
	"fmt"
	"strings"
)

// maxOutlineDepth bounds how deep headings nest; real reports use four
// levels at most, and the bound keeps a hostile text from building a deep
// tree that the recursive walk would follow.
const maxOutlineDepth = 8

// node is a numbered heading and what is written under it: paragraphs
// first, then deeper headings.
type node struct {
	label    label
	rest     string // the heading's text after its label
	line     int    // index of the heading's line
	paras    []string
	children []*node
	// heading and problems cache readHeading and hasProblems, which the
	// walk asks of a node more than once.
	heading  *heading
	problems *bool
}

// text is the heading line as written.
func (n *node) text() string { return n.label.text + n.rest }

// buildOutline reads the lines into a tree of headings. A heading of a
// style already open closes everything opened after it (it is a sibling);
// a style not yet open nests under the current heading. Lines without a
// label are paragraphs of the current heading.
func buildOutline(lines []string) *node {
	root := &node{line: -1}
	stack := []*node{root}
	for i, t := range lines {
		if t == "" {
			continue
		}
		lb, rest := parseLabel(t)
		top := stack[len(stack)-1]
		if lb.kind == kindNone {
			top.paras = append(top.paras, t)
			continue
		}
		n := &node{label: lb, rest: rest, line: i}
		depth := len(stack)
		for d := 1; d < len(stack); d++ {
			if stack[d].label.kind == lb.kind {
				depth = d
				break
			}
		}
		if depth == len(stack) && depth > maxOutlineDepth {
			// Too deep to be a heading: keep it as text.
			top.paras = append(top.paras, t)
			continue
		}
		stack = stack[:depth]
		parent := stack[depth-1]
		parent.children = append(parent.children, n)
		stack = append(stack, n)
	}
	return root
}

// classifier walks the outline and fills the document.
type classifier struct {
	doc       *Document
	firstProb int // line of the first problem or group heading; -1 none
	numbering []string
	measureNo []string
	started   bool
}

// firstLine is the line of the first problem or group heading, or n.
func (c *classifier) firstLine(n int) int {
	if !c.started {
		return n
	}
	return c.firstProb
}

func (c *classifier) mark(line int) {
	if !c.started || line < c.firstProb {
		c.firstProb, c.started = line, true
	}
}

// heading is a node's reading as a problem heading.
type heading struct {
	title, body string
	ok          bool
}

func readHeading(n *node) heading {
	if n.heading == nil {
		h := readHeadingOnce(n)
		n.heading = &h
	}
	return *n.heading
}

func readHeadingOnce(n *node) heading {
	t, b, ok := problemHeading(n.label.kind, n.rest)
	if ok {
		return heading{t, b, true}
	}
	// A heading with no 问题 in it is still a problem when its text opens
	// with 完成情况：/推进情况：/整改情况： (1.干部管理不严。推进情况：…).
	head, body := cutHeading(strings.TrimSpace(n.rest))
	if head == "" || isSectionText(head) || isPartTitle(head) || len(n.children) > 0 {
		return heading{}
	}
	first := body
	if first == "" && len(n.paras) > 0 {
		first = n.paras[0]
	}
	if _, _, found := stripStatus(first); found {
		return heading{unquote(head), body, true}
	}
	return heading{}
}

// hasProblems reports whether a node or anything under it is a problem.
func hasProblems(n *node) bool {
	if n.problems == nil {
		found := readHeading(n).ok
		for _, ch := range n.children {
			if found {
				break
			}
			found = hasProblems(ch)
		}
		n.problems = &found
	}
	return *n.problems
}

// walk classifies the children of n, which lie in section and, when they
// are sub-problems, in group.
func (c *classifier) walk(n *node, section string, group *Parent) {
	c.checkNumbering(n)
	for _, ch := range n.children {
		h := readHeading(ch)
		switch {
		case h.ok:
			c.problemOrGroup(ch, h, section, group)
		case hasProblems(ch):
			inner := section
			if ch.label.kind != kindPart || isSectionText(ch.rest) {
				inner = sectionTitle(ch.rest)
			}
			c.walk(ch, inner, group)
		}
	}
}

// problemOrGroup adds a problem heading: a group when its own body has no
// measures but it has sub-problems, else a problem whose deeper headings
// that are not problems are its body text.
func (c *classifier) problemOrGroup(n *node, h heading, section string, group *Parent) {
	c.mark(n.line)
	paras := n.paras
	if h.body != "" {
		paras = append([]string{h.body}, paras...)
	}
	var subs, text []*node
	for _, ch := range n.children {
		if hasProblems(ch) {
			subs = append(subs, ch)
		} else {
			text = append(text, ch)
		}
	}
	own, _ := c.measures(paras, nil)
	if len(subs) > 0 && len(own) == 0 {
		g := Group{Number: len(c.doc.Groups) + 1, Label: n.label.text, Section: section, Title: h.title}
		c.doc.Groups = append(c.doc.Groups, g)
		c.walk(n, section, &Parent{Number: g.Number, Title: g.Title})
		return
	}
	p := Problem{
		Number: len(c.doc.Problems) + 1, Label: n.label.text, Section: section,
		Title: h.title, Parent: group,
	}
	body := paras
	for _, ch := range text {
		body = appendText(body, ch)
	}
	p.Measures, p.Status = c.measures(body, &p)
	if len(p.Measures) == 0 {
		c.measureNo = append(c.measureNo, fmt.Sprintf("问题%d“%s”没有识别出整改措施。", p.Number, p.Title))
	}
	c.doc.Problems = append(c.doc.Problems, p)
	if len(subs) > 0 {
		// A problem with its own measures and sub-problems: the
		// sub-problems follow it, in the same group as it.
		c.walk(&node{children: subs}, section, group)
	}
}

// appendText adds a heading that is body text (1.强化部署。…) and
// everything under it, line by line.
func appendText(body []string, n *node) []string {
	body = append(body, n.text())
	body = append(body, n.paras...)
	for _, ch := range n.children {
		body = appendText(body, ch)
	}
	return body
}

// measures splits a problem's body into measures and finds its status.
// With p set, numbering that skips or repeats is noted against it.
func (c *classifier) measures(paras []string, p *Problem) ([]Measure, string) {
	status := ""
	cleaned := make([]string, len(paras))
	for i, para := range paras {
		rest, st, _ := stripStatus(para)
		if status == "" {
			status = st
		}
		cleaned[i] = rest
	}
	ms, values := splitMeasures(cleaned)
	if p != nil {
		if w := numberingProblem(values); w != "" {
			c.numbering = append(c.numbering, fmt.Sprintf("问题%d“%s”的整改措施%s", p.Number, p.Title, w))
		}
	}
	return ms, status
}

// checkNumbering notes problem and section headings whose numbers skip or
// repeat among their siblings of the same style.
func (c *classifier) checkNumbering(n *node) {
	last := map[labelKind]*node{}
	for _, ch := range n.children {
		if !hasProblems(ch) {
			continue
		}
		if prev := last[ch.label.kind]; prev != nil {
			switch v, pv := ch.label.value, prev.label.value; {
			case v == pv:
				c.numbering = append(c.numbering, fmt.Sprintf("编号“%s”重复出现：“%s”与“%s”。", ch.label.text, shorten(prev.text()), shorten(ch.text())))
			case v != pv+1:
				c.numbering = append(c.numbering, fmt.Sprintf("编号不连续：“%s”之后是“%s”。", shorten(prev.text()), shorten(ch.text())))
			}
		}
		last[ch.label.kind] = ch
	}
}

// numberingProblem describes item numbers that skip or repeat, or "".
func numberingProblem(values []int) string {
	for i := 1; i < len(values); i++ {
		switch {
		case values[i] == values[i-1]:
			return fmt.Sprintf("编号重复：第%d项出现两次。", values[i])
		case values[i] != values[i-1]+1:
			return fmt.Sprintf("编号不连续：第%d项之后是第%d项。", values[i-1], values[i])
		}
	}
	return ""
}

// warnings are the structural warnings, in document order of kind:
// numbering first, then problems without measures.
func (c *classifier) warnings() []string {
	out := make([]string, 0, len(c.numbering)+len(c.measureNo))
	out = append(out, c.numbering...)
	return append(out, c.measureNo...)
}

// shorten keeps a heading short enough to quote in a warning.
func shorten(s string) string {
	r := []rune(s)
	if len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}
