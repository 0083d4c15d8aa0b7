package importer

import (
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/rectify/rectify/internal/domain"
)

// skippedElements hold no report text: a saved web page's navigation,
// scripts, styles and forms.
var skippedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Nav: true, atom.Header: true,
	atom.Footer: true, atom.Aside: true, atom.Form: true, atom.Select: true, atom.Button: true,
	atom.Iframe: true, atom.Template: true, atom.Svg: true, atom.Object: true,
}

// blockElements end a line, so each paragraph, heading, list item, table
// row and line break is a line of its own.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Section: true, atom.Article: true, atom.Blockquote: true, atom.Pre: true, atom.Table: true,
	atom.Ul: true, atom.Ol: true, atom.Dd: true, atom.Dt: true, atom.Hr: true, atom.Body: true, atom.Center: true, atom.Title: true,
}

// maxSkipDepth bounds the skipped elements counted while nested, so that a
// page of millions of unclosed <nav> tags costs nothing more than a counter.
const maxSkipDepth = 1 << 20

// HTMLText returns the text of a web page saved as HTML: one line per
// paragraph, with the navigation, scripts and styles dropped. It streams
// the page through a tokenizer and builds no tree, so memory stays at the
// size of the text.
func HTMLText(page string) (string, error) {
	z := html.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return b.String(), nil
			}
			return "", domain.Errorf(domain.EInvalid, "the HTML page cannot be read").WithKey("import_html_unreadable").WithField("file")
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skippedElements[a] && tt == html.StartTagToken && a != atom.Br {
				if skip < maxSkipDepth {
					skip++
				}
				continue
			}
			if skip == 0 && blockElements[a] {
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skippedElements[a] {
				if skip > 0 {
					skip--
				}
				continue
			}
			if skip == 0 && blockElements[a] {
				b.WriteByte('\n')
			}
		case html.TextToken:
			if skip == 0 {
				b.WriteString(foldBreaks(string(z.Text())))
			}
		}
	}
}

// foldBreaks joins the source lines of a paragraph, as a browser shows
// them: a line break between two Chinese characters disappears, any other
// becomes a space.
func foldBreaks(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			l = strings.TrimLeftFunc(l, unicode.IsSpace)
			prev, _ := utf8.DecodeLastRuneInString(b.String())
			next, _ := utf8.DecodeRuneInString(l)
			if !(isWide(prev) && isWide(next)) {
				b.WriteByte(' ')
			}
		}
		if i < len(lines)-1 {
			l = strings.TrimRightFunc(l, unicode.IsSpace)
		}
		b.WriteString(l)
	}
	return b.String()
}

// isWide reports CJK characters and full-width punctuation, between which
// no space is written.
func isWide(r rune) bool { return r >= 0x2E80 }
