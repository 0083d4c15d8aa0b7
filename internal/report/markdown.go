package report

import (
	"bufio"
	"io"
)

// WriteMarkdown writes the report as Markdown: the title and parts as
// headings, each problem as a third-level heading, paragraphs between.
func (d Document) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("# " + d.Title + "\n\n" + d.DateLine + "\n")
	for _, b := range d.Blocks {
		switch b.Kind {
		case BlockPart:
			bw.WriteString("\n## " + b.Text + "\n")
		case BlockProblem, BlockSection, BlockGroup:
			bw.WriteString("\n### " + b.Text + "\n")
		default:
			bw.WriteString("\n" + b.Text + "\n")
		}
	}
	return bw.Flush()
}
