package reporttext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// quotePairs lists the quote styles seen around problem titles.
var quotePairs = []struct{ open, close rune }{
	{'“', '”'},
	{'"', '"'},
	{'「', '」'},
	{'‘', '’'},
	{'『', '』'},
}

// headingSuffixes follow 问题 in problem headings; longest first so that
// 的整改情况 is not cut at 的整改.
var headingSuffixes = []string{"的整改进展情况", "的整改落实情况", "的整改完成情况", "的整改情况", "的整改", "整改情况"}

// partTitles are the standing parts of a report, never problems.
var partTitles = []string{"整改工作组织情况", "整改进展情况", "整改工作进展", "下一步", "整改成效", "主要成效", "工作打算"}

// problemHeading recognises a problem heading in the text after a label:
// 关于“…”问题的整改情况, 关于…的问题, “…”问题, …不到位问题, or anything
// after a 问题一： label. title is the problem's title; body is what the
// line goes on with after the heading, which some reports do.
func problemHeading(kind labelKind, rest string) (title, body string, ok bool) {
	s := strings.TrimLeftFunc(rest, unicode.IsSpace)
	if t, b, ok := quotedHeading(s); ok {
		return t, b, true
	}
	if opensQuote(strings.TrimLeftFunc(strings.TrimPrefix(s, "关于"), unicode.IsSpace)) {
		// An empty or unclosed quoted title is no title.
		return "", "", false
	}
	head, body := cutHeading(s)
	if isSectionText(head) || isPartTitle(head) {
		return "", "", false
	}
	about := strings.HasPrefix(head, "关于")
	if about {
		head = strings.TrimLeftFunc(strings.TrimPrefix(head, "关于"), unicode.IsSpace)
	}
	head = trimHeadingSuffix(head)
	bare, endsInProblem := strings.CutSuffix(head, "问题")
	switch {
	case kind == kindProblemWord:
		if endsInProblem && about {
			head = bare
		}
	case about && endsInProblem:
		head = bare
	case endsInProblem && utf8.RuneCountInString(bare) >= 4:
		// "（一）落实主体责任不到位问题": the heading names the problem.
		head = bare
	default:
		return "", "", false
	}
	head = strings.TrimRightFunc(strings.TrimSuffix(strings.TrimRightFunc(head, unicode.IsSpace), "的"), unicode.IsSpace)
	head = unquote(head)
	if head == "" {
		return "", "", false
	}
	return head, body, true
}

// quotedHeading recognises (关于)“title”问题… with any quote style.
func quotedHeading(s string) (title, body string, ok bool) {
	s, about := strings.CutPrefix(s, "关于")
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
		t, isProblem := strings.CutPrefix(tail, "问题")
		if !isProblem {
			t, isProblem = strings.CutPrefix(tail, "的问题")
		}
		if isProblem {
			tail = strings.TrimLeftFunc(t, unicode.IsSpace)
			for _, suf := range headingSuffixes {
				if t, found := strings.CutPrefix(tail, suf); found {
					tail = t
					break
				}
			}
		} else if !about || strings.HasPrefix(tail, "方面") {
			// “…”方面 is a section; a quote without 关于 or 问题 is
			// just a quotation.
			return "", "", false
		}
		body = strings.TrimLeftFunc(tail, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("。.:：,，;；", r)
		})
		return title, body, true
	}
	return "", "", false
}

func opensQuote(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	for _, q := range quotePairs {
		if r == q.open {
			return true
		}
	}
	return false
}

// cutHeading splits a heading line at its first 。 or ：, because some
// reports run the heading and its first paragraph together on one line.
func cutHeading(s string) (head, body string) {
	i := strings.IndexAny(s, "。：:")
	if i < 0 {
		return strings.TrimSpace(s), ""
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	body = strings.TrimSpace(s[i+n:])
	return strings.TrimSpace(s[:i]), body
}

func trimHeadingSuffix(s string) string {
	for _, suf := range headingSuffixes {
		if t, ok := strings.CutSuffix(s, suf); ok {
			return strings.TrimRightFunc(t, unicode.IsSpace)
		}
	}
	return s
}

// unquote drops quotes that enclose a whole title.
func unquote(s string) string {
	for _, q := range quotePairs {
		if r, n := utf8.DecodeRuneInString(s); r == q.open && len(s) > n {
			if end := matchQuote(s[n:], q.open, q.close); end == len(s)-n-utf8.RuneLen(q.close) && end > 0 {
				return s[n : n+end]
			}
		}
	}
	return s
}

// isSectionText reports a section heading: 在“党的领导”方面, 党的建设方面存在的问题.
func isSectionText(s string) bool {
	return strings.Contains(s, "方面")
}

func isPartTitle(s string) bool {
	for _, p := range partTitles {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
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

// sectionTitle is a section heading's text up to its first 。.
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

// statusPrefixes map the paragraph prefixes reports use to status values;
// the ones without a status still open a problem's body.
var statusPrefixes = []struct{ prefix, status string }{
	{"完成情况", StatusCompleted},
	{"推进情况", StatusInProgress},
	{"进展情况", StatusInProgress},
	{"整改进展情况", ""},
	{"整改情况", ""},
	{"整改进展", ""},
	{"整改措施", ""},
}

// stripStatus removes a leading 完成情况:/推进情况: so that the first item
// marker is at the start of the paragraph, and reports which one it was.
func stripStatus(para string) (rest, status string, found bool) {
	for _, sp := range statusPrefixes {
		if rest, ok := strings.CutPrefix(para, sp.prefix); ok {
			rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
			r, n := utf8.DecodeRuneInString(rest)
			if r != ':' && r != '：' {
				continue
			}
			return rest[n:], sp.status, true
		}
	}
	return para, "", false
}
