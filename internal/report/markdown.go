package report

import (
	"bufio"
	"io"
	"regexp"
	"strings"
)

// WriteMarkdown writes the report as Markdown: the title and parts as
// headings, each problem as a third-level heading, paragraphs between.
// Every text is escaped, since much of it is what people typed: a line of
// theirs never becomes a heading, a list or HTML.
func (d Document) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("# " + escapeMarkdown(d.Title) + "\n\n" + escapeMarkdown(d.DateLine) + "\n")
	for _, b := range d.Blocks {
		switch b.Kind {
		case BlockPart:
			bw.WriteString("\n## " + escapeMarkdown(b.Text) + "\n")
		case BlockProblem, BlockSection, BlockGroup:
			bw.WriteString("\n### " + escapeMarkdown(b.Text) + "\n")
		default:
			bw.WriteString("\n" + escapeMarkdown(b.Text) + "\n")
		}
	}
	return bw.Flush()
}

// markdownSpecial are the characters that start Markdown or HTML syntax
// anywhere in a line.
const markdownSpecial = "\\`*_[]<>#|~&!"

// listStart matches what makes a line a list item or a setext underline.
var listStart = regexp.MustCompile(`^([ \t]*)([-+=]|\d+)([.)]?)`)

// escapeMarkdown backslash-escapes text so that it reads as itself
// (CommonMark: any ASCII punctuation may be escaped). The importer removes
// the escapes again, so a report still imports as it was written.
func escapeMarkdown(text string) string {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		var b strings.Builder
		for _, r := range line {
			if r < 0x80 && strings.ContainsRune(markdownSpecial, r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		line = b.String()
		if m := listStart.FindStringSubmatchIndex(line); m != nil {
			switch {
			case line[m[4]:m[5]] == "-" || line[m[4]:m[5]] == "+" || line[m[4]:m[5]] == "=":
				line = line[:m[4]] + "\\" + line[m[4]:]
			case m[6] < m[7]: // "1." or "1)"
				line = line[:m[6]] + "\\" + line[m[6]:]
			}
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}
