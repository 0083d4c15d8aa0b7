package report

import (
	"html/template"
	"io"
)

// The HTML is meant to be printed or saved as PDF from a browser: A4 pages
// with the margins of official documents (GB/T 9704), Chinese fonts in the
// order Windows, macOS and Linux have them, headings kept with what follows
// and a problem's block not split across pages when it fits on one.
var htmlTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
@page { size: A4; margin: 37mm 26mm 35mm 28mm; @bottom-center { content: counter(page); } }
html { font-family: "FangSong", "仿宋", "FangSong_GB2312", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif; font-size: 16pt; line-height: 1.75; color: #000; }
body { max-width: 156mm; margin: 2em auto; }
h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 22pt; font-weight: normal; text-align: center; margin: 0 0 .5em; line-height: 1.4; }
.date { text-align: center; font-family: "KaiTi", "楷体", "STKaiti", "Noto Serif CJK SC", serif; margin: 0 0 1.5em; }
h2 { font-family: "SimHei", "黑体", "STHeiti", "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal; margin: 1em 0 0; text-indent: 2em; }
h3 { font-family: "KaiTi", "楷体", "STKaiti", "Noto Serif CJK SC", serif; font-size: 16pt; font-weight: bold; margin: .5em 0 0; text-indent: 2em; }
p { margin: 0; text-indent: 2em; text-align: justify; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
section.problem { break-inside: avoid; page-break-inside: avoid; }
p { orphans: 2; widows: 2; }
.closing { margin-top: 1em; }
@media print { body { margin: 0; max-width: none; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="date">{{.DateLine}}</p>
{{- range .Sections}}
{{- if .Part}}
<h2>{{.Part}}</h2>
{{- end}}
{{- if .Problem}}
<section class="problem">
<h3>{{.Problem}}</h3>
{{- range .Paras}}
<p>{{.}}</p>
{{- end}}
</section>
{{- else}}
{{- range .Paras}}
<p>{{.}}</p>
{{- end}}
{{- end}}
{{- end}}
{{- if .Closing}}
<p class="closing">{{.Closing}}</p>
{{- end}}
</body>
</html>
`))

type htmlSection struct {
	Part, Problem string
	Paras         []string
}

// WriteHTML writes the report as one print-ready HTML page.
func (d Document) WriteHTML(w io.Writer) error {
	data := struct {
		Title, DateLine, Closing string
		Sections                 []*htmlSection
	}{Title: d.Title, DateLine: d.DateLine}
	cur := &htmlSection{}
	data.Sections = append(data.Sections, cur)
	for _, b := range d.Blocks {
		switch b.Kind {
		case BlockPart:
			cur = &htmlSection{Part: b.Text}
			data.Sections = append(data.Sections, cur)
		case BlockProblem, BlockSection, BlockGroup:
			cur = &htmlSection{Problem: b.Text}
			data.Sections = append(data.Sections, cur)
		case BlockClosing:
			data.Closing = b.Text
		default:
			cur.Paras = append(cur.Paras, b.Text)
		}
	}
	return htmlTemplate.Execute(w, data)
}
