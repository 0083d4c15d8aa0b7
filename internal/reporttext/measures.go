package reporttext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxMeasureTitle bounds a measure title. Reports usually open an item
// with a short heading sentence (一是高位谋划部署。…); when the first
// sentence is longer than this it is narrative, not a heading.
const maxMeasureTitle = 40

// markerFamily is a style of item enumeration inside a problem's body.
type markerFamily int

const (
	famHan    markerFamily = iota + 1 // 一是 二是
	famCircle                         // ① ②
	famParen                          // (1) （2）
	famLine                           // 1. 2、 at the start of a line
)

// marker is one item marker found in a paragraph.
type marker struct {
	fam        markerFamily
	start, end int // the marker's bytes; the item starts at end
	value      int
}

// splitMeasures cuts a problem's body paragraphs into measures at item
// markers that start a sentence or clause (after 。；;，,：: or a line
// break), outside quotes and 《》. The first style of marker found is the
// measure level; other styles inside an item are its text (一是 inside
// "1.强化部署。一是…"). Text before the first marker of a paragraph is
// context, not a measure, and is dropped. values are the items' numbers in
// order, for the numbering check.
func splitMeasures(paras []string) ([]Measure, []int) {
	found := make([][]marker, len(paras))
	var fam markerFamily
	for i, para := range paras {
		found[i] = findMarkers(para)
		if fam == 0 && len(found[i]) > 0 {
			fam = found[i][0].fam
		}
	}
	var out []Measure
	var values []int
	for i, para := range paras {
		var marks []marker
		for _, m := range found[i] {
			if m.fam == fam {
				marks = append(marks, m)
			}
		}
		for k, m := range marks {
			end := len(para)
			if k+1 < len(marks) {
				end = marks[k+1].start
			}
			if ms, ok := newMeasure(para[m.end:end]); ok {
				out = append(out, ms)
				values = append(values, m.value)
			}
		}
	}
	return out, values
}

// quoteOpen and quoteClose pair the quotes and brackets inside which a
// marker is part of a quotation or a document's name.
const (
	quoteOpen  = "“‘「『《〈"
	quoteClose = "”’」』》〉"
)

// findMarkers lists the item markers of a paragraph at clause starts.
func findMarkers(para string) []marker {
	var out []marker
	if lb, rest := parseLabel(para); lb.kind == kindArabic {
		out = append(out, marker{famLine, 0, len(para) - len(rest), lb.value})
	}
	atStart, depth, straight := true, 0, false
	for i := 0; i < len(para); {
		r, n := utf8.DecodeRuneInString(para[i:])
		switch {
		case unicode.IsSpace(r):
			// spaces keep the current clause-start state
		case strings.ContainsRune(quoteOpen, r):
			depth++
			atStart = false
		case strings.ContainsRune(quoteClose, r):
			if depth > 0 {
				depth--
			}
			atStart = false
		case r == '"':
			straight = !straight
			atStart = false
		case strings.ContainsRune("。；;，,：:！!？?", r):
			atStart = true
		case atStart && depth == 0 && !straight:
			atStart = false
			if m, ok := markerAt(para, i); ok {
				out = append(out, m)
				i = m.end
				continue
			}
		default:
			atStart = false
		}
		i += n
	}
	return out
}

// markerAt reads an item marker at para[i:]: 一是 (a numeral 一 … 九十九
// followed by 是), ①, or (1).
func markerAt(para string, i int) (marker, bool) {
	r, n := utf8.DecodeRuneInString(para[i:])
	switch {
	case isNumeralRune(r):
		j, v, ok := numeralAt(para, i)
		if !ok || !strings.HasPrefix(para[j:], "是") {
			return marker{}, false
		}
		return marker{famHan, i, j + len("是"), v}, true
	case r >= '①' && r <= '⑳':
		return marker{famCircle, i, i + n, int(r-'①') + 1}, true
	case r == '(' || r == '（':
		lb, rest := parseLabel(para[i:])
		if lb.kind == kindParenArabic {
			return marker{famParen, i, len(para) - len(rest), lb.value}, true
		}
	}
	return marker{}, false
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
