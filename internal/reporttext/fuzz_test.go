package reporttext

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks the invariants callers rely on whatever text is pasted
// in: no panic, problems numbered 1..n in order, and non-empty valid UTF-8
// titles (they end up in a database and in generated reports).
func FuzzParse(f *testing.F) {
	f.Add(readSeed(f))
	for _, s := range []string{
		"",
		"标题\n（一）关于“甲”问题的整改情况\n推进情况：一是加强领导。成立专班。二是完善制度。\n",
		"标题\n(一)关于\"丙\"问题的整改情况。\n推进情况:一是甲。乙。\n",
		"标题\n二、整改进展情况\n(一)在“党的领导”方面\n1.关于“X”问题\n完成情况:一是A。a。\n(1)关于“Y”\n一是B。\n2、关于“Z”问题的整改\n",
		"标题\n(五)关于“戊。己”问题的整改情况。\n(七)关于 “落实“两个维护”不到位” 问题 。\n",
		"标题\n(一)关于“甲”问题\n三、下一步整改工作打算\n(一)进一步加强党的领导。一是学习。\n",
		"标题\n(一)关于“甲”问题\n先说明。一是短句；二是第二项。内容。十一是末项\n",
		"\uFEFF发布日期: 2024-10-25\r\n(一)关于“甲”问题\r\n",
		"(一)关于“\xff”问题\n一是\xfe。\n",
		"标题\n反馈问题3个，已完成整改1个、正在整改2个，整改完成率33.3%；建立完善制度2项，追缴资金1.5万元，处理4人。\n" +
			"(一)在“党的建设”方面\n1.关于“甲”问题\n（1）关于“乙”问题\n整改情况：一是A，二是B；三是C。\n（2）“丙”问题\n①D。②E。\n2.丁问题\n",
		"问题一：干部管理不严。推进情况：(1)完善办法。(2)开展检查。\n问题三：关于“戊”\n第一、关于己的问题\n一是“一是”。\n",
		"一、关于“甲”问题\n１．关于“乙”问题\n１．关于“丙”问题\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d, err := Parse(strings.NewReader(in))
		if err != nil {
			if !errors.Is(err, ErrNoProblems) {
				t.Fatalf("unexpected error: %v", err)
			}
			if d != nil {
				t.Fatal("document returned with error")
			}
			return
		}
		if len(d.Problems) == 0 {
			t.Fatal("no problems and no error")
		}
		for _, s := range []string{d.Title, d.Date} {
			if !utf8.ValidString(s) {
				t.Errorf("invalid UTF-8 in header %q", s)
			}
		}
		for _, w := range d.Warnings {
			if w == "" || !utf8.ValidString(w) {
				t.Errorf("bad warning %q", w)
			}
		}
		for i, g := range d.Groups {
			if g.Number != i+1 || strings.TrimSpace(g.Title) == "" || !utf8.ValidString(g.Title) {
				t.Errorf("bad group %d: %+v", i+1, g)
			}
		}
		for i, p := range d.Problems {
			if p.Parent != nil && (p.Parent.Number < 1 || p.Parent.Number > len(d.Groups) || d.Groups[p.Parent.Number-1].Title != p.Parent.Title) {
				t.Errorf("problem %d: parent %+v names no group", i+1, p.Parent)
			}
			if p.Number != i+1 {
				t.Fatalf("problem %d has Number %d", i+1, p.Number)
			}
			if strings.TrimSpace(p.Title) == "" || !utf8.ValidString(p.Title) {
				t.Errorf("problem %d: bad title %q", p.Number, p.Title)
			}
			if p.Label == "" || !utf8.ValidString(p.Label) || !utf8.ValidString(p.Section) {
				t.Errorf("problem %d: bad label %q or section %q", p.Number, p.Label, p.Section)
			}
			for _, m := range p.Measures {
				if m.Title == "" || utf8.RuneCountInString(m.Title) > maxMeasureTitle ||
					!utf8.ValidString(m.Title) || !utf8.ValidString(m.Text) {
					t.Errorf("problem %d: bad measure %q", p.Number, m)
				}
			}
		}
	})
}
