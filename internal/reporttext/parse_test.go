package reporttext

import (
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
)

const seedPath = "../demo/seed_report.txt"

// seedTitles are the 39 problem titles of the seed report, copied by hand
// from the file so that a parser regression cannot silently agree with
// itself.
var seedTitles = []string{
	"统筹谋划民政事业高质量发展不到位",
	"低保救助‘提标扩围’力度不大",
	"城乡及区域间民生保障均衡性不足",
	"部分发展目标设定不合理",
	"推进立新农场转型发展进展缓慢",
	"提升民政康复医院运营质态能力不足",
	"推动省伤残人康复中心事企改革举措不实",
	"内部信息系统整合度低",
	"外部数据共享效能不高",
	"法定职能履行有缺位",
	"政策创制主动突破能力不足",
	"困难残疾人生活补贴发放不精准",
	"残疾人‘两项补贴’资金使用效率不高",
	"困境儿童生活保障水平不高",
	"困境儿童关爱保护能力不足",
	"养老服务模式把握不精准",
	"居家养老上门服务重形式、轻实效",
	"社区养老重硬件建设、轻服务管理",
	"养老服务机构存在安全隐患",
	"对养老服务外包工作缺乏全流程监管",
	"片面强调基层养老工作考核达标率",
	"社会组织发展规划不够",
	"引导社会组织功能发挥不足",
	"对社会组织活动监管不力",
	"班子自身建设不力",
	"违反中央八项规定精神问题突出",
	"巡察工作质效不高",
	"派驻监督履责不力",
	"机关纪委力量薄弱",
	"党组议事规则不完善",
	"大额资金存放管理不到位",
	"采购管控不严格",
	"机关中层正职配备不齐",
	"直属事业单位领导班子配备不全",
	"机关基层党组织建设不到位",
	"党建工作存在短板弱项。对社会组织党建工作重视不足",
	"意识形态工作责任制落实有欠缺",
	"巡视整改不到位",
	"审计整改有差距",
}

func readSeed(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatalf("reading seed report: %v", err)
	}
	return string(b)
}

func mustParse(t *testing.T, s string) *Document {
	t.Helper()
	d, err := Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

func TestParseSeed(t *testing.T) {
	d := mustParse(t, readSeed(t))

	t.Run("header", func(t *testing.T) {
		if got, want := d.Title, "省民政厅党组关于巡视整改进展情况的通报"; got != want {
			t.Errorf("Title = %q, want %q", got, want)
		}
		if got, want := d.Date, "2024-10-25"; got != want {
			t.Errorf("Date = %q, want %q", got, want)
		}
	})

	t.Run("titles", func(t *testing.T) {
		if len(d.Problems) != len(seedTitles) {
			t.Fatalf("got %d problems, want %d", len(d.Problems), len(seedTitles))
		}
		for i, p := range d.Problems {
			if p.Title != seedTitles[i] {
				t.Errorf("problem %d title = %q, want %q", i+1, p.Title, seedTitles[i])
			}
		}
	})

	t.Run("numbers and labels", func(t *testing.T) {
		for i, p := range d.Problems {
			if p.Number != i+1 {
				t.Errorf("problem %d: Number = %d", i+1, p.Number)
			}
			if want := "(" + ChineseNumeral(i+1) + ")"; p.Label != want {
				t.Errorf("problem %d: Label = %q, want %q", i+1, p.Label, want)
			}
			if p.Section != "" {
				t.Errorf("problem %d: Section = %q, want none", i+1, p.Section)
			}
		}
		for _, c := range []struct {
			n     int
			label string
		}{{12, "(十二)"}, {21, "(二十一)"}, {39, "(三十九)"}} {
			if got := d.Problems[c.n-1].Label; got != c.label {
				t.Errorf("problem %d: Label = %q, want %q", c.n, got, c.label)
			}
		}
	})

	t.Run("statuses", func(t *testing.T) {
		counts := map[string]int{}
		for _, p := range d.Problems {
			counts[p.Status]++
		}
		want := map[string]int{StatusCompleted: 1, StatusInProgress: 38}
		if !reflect.DeepEqual(counts, want) {
			t.Errorf("status counts = %v, want %v", counts, want)
		}
		for n, status := range map[int]string{1: StatusCompleted, 2: StatusInProgress, 20: StatusInProgress, 39: StatusInProgress} {
			if got := d.Problems[n-1].Status; got != status {
				t.Errorf("problem %d: Status = %q, want %q", n, got, status)
			}
		}
	})

	t.Run("measures", func(t *testing.T) {
		total := 0
		for _, p := range d.Problems {
			if len(p.Measures) == 0 {
				t.Errorf("problem %d %q has no measures", p.Number, p.Title)
			}
			for j, m := range p.Measures {
				if m.Title == "" || len([]rune(m.Title)) > maxMeasureTitle {
					t.Errorf("problem %d measure %d: bad title %q", p.Number, j+1, m.Title)
				}
			}
			total += len(p.Measures)
		}
		// 119 is the number of sentence-initial 一是/二是… markers between
		// 二、 and 三、 in the file.
		if total != 119 {
			t.Errorf("total measures = %d, want 119", total)
		}

		first := d.Problems[0].Measures
		wantTitles := []string{"高位谋划部署", "融入大局扛责", "强化规划牵引"}
		var gotTitles []string
		for _, m := range first {
			gotTitles = append(gotTitles, m.Title)
		}
		if !reflect.DeepEqual(gotTitles, wantTitles) {
			t.Errorf("problem 1 measure titles = %q, want %q", gotTitles, wantTitles)
		}
		if !strings.HasPrefix(first[0].Text, "提请省政府召开全省基本民生保障与安全稳定工作调度会") ||
			!strings.HasSuffix(first[0].Text, "组织保障等。") {
			t.Errorf("problem 1 measure 1 text = %q", first[0].Text)
		}

		// Problem 11 numbers its items 一二三三; both 三是 items are kept.
		if got := len(d.Problems[10].Measures); got != 4 {
			t.Errorf("problem 11: %d measures, want 4", got)
		}
		// Problem 33 separates its items with ；, not 。.
		p33 := d.Problems[32].Measures
		if len(p33) != 3 || p33[0].Title != "深入厅机关各处室调研,征求对干部队伍建设工作的意见和建议" {
			t.Errorf("problem 33 measures = %q", p33)
		}
		// The 三、下一步 section must not leak into the last problem.
		for _, m := range d.Problems[38].Measures {
			if strings.Contains(m.Text, "下一步") || strings.Contains(m.Text, "进一步加强党的领导") {
				t.Errorf("problem 39 measure picked up later text: %q", m.Text)
			}
		}
	})
}

func TestParseSynthetic(t *testing.T) {
	type want struct {
		label, section, title, status string
		parent                        *Parent
		measures                      []Measure
	}
	tests := []struct {
		name string
		in   string
		want []want
	}{
		{
			name: "full-width parentheses and colon",
			in: "某某党组关于巡视整改进展情况的通报\n" +
				"（一）关于“甲问题”问题的整改情况\n" +
				"推进情况：一是加强领导。成立专班。二是完善制度。印发办法。\n" +
				"（二）关于“乙问题”问题的整改情况\n" +
				"完成情况：一是立行立改。已完成。\n",
			want: []want{
				{"（一）", "", "甲问题", StatusInProgress, nil, []Measure{{"加强领导", "成立专班。"}, {"完善制度", "印发办法。"}}},
				{"（二）", "", "乙问题", StatusCompleted, nil, []Measure{{"立行立改", "已完成。"}}},
			},
		},
		{
			name: "ASCII quotes",
			in:   "标题\n(一)关于\"丙\"问题的整改情况。\n推进情况:一是甲。乙。\n",
			want: []want{{"(一)", "", "丙", StatusInProgress, nil, []Measure{{"甲", "乙。"}}}},
		},
		{
			name: "nested sections with Arabic numbering",
			in: "标题\n二、整改进展情况\n" +
				"(一)在“党的领导”方面\n" +
				"1.关于“X”问题\n完成情况:一是措施A。内容A。\n" +
				"(1)关于“Y”\n一是措施B。内容B。\n" +
				"2、关于“Z”问题的整改\n推进情况:一是措施C。\n" +
				"(二)在“作风建设”方面存在的问题。\n" +
				"1．关于“W”问题\n",
			want: []want{
				{"1.", "在“党的领导”方面", "X", StatusCompleted, nil, []Measure{{"措施A", "内容A。"}}},
				{"(1)", "在“党的领导”方面", "Y", "", nil, []Measure{{"措施B", "内容B。"}}},
				{"2、", "在“党的领导”方面", "Z", StatusInProgress, nil, []Measure{{"措施C", "措施C。"}}},
				{"1．", "在“作风建设”方面存在的问题", "W", "", nil, nil},
			},
		},
		{
			name: "full-width (1) items under a problem",
			in:   "标题\n1.关于“X”问题\n（1）关于“Y”问题。一是措施。内容。\n（2）关于“Z”\n",
			want: []want{
				{label: "（1）", title: "Y", parent: &Parent{1, "X"}, measures: []Measure{{"措施", "内容。"}}},
				{label: "（2）", title: "Z", parent: &Parent{1, "X"}},
			},
		},
		{
			name: "suffix variants",
			in: "标题\n" +
				"(一)关于“甲”问题的整改情况。\n" +
				"(二)关于“乙”问题的整改。\n" +
				"(三)关于“丙”问题\n" +
				"(四)关于“丁” 问题的整改情况。\n" +
				"(五)关于“戊。己”问题的整改情况。\n" +
				"(六)关于“庚”\n" +
				"(七)关于 “落实“两个维护”不到位” 问题 。\n" +
				"　　(八)关于“辛”问题的整改进展情况\n",
			want: []want{
				{"(一)", "", "甲", "", nil, nil},
				{"(二)", "", "乙", "", nil, nil},
				{"(三)", "", "丙", "", nil, nil},
				{"(四)", "", "丁", "", nil, nil},
				{"(五)", "", "戊。己", "", nil, nil},
				{"(六)", "", "庚", "", nil, nil},
				{"(七)", "", "落实“两个维护”不到位", "", nil, nil},
				{"(八)", "", "辛", "", nil, nil},
			},
		},
		{
			name: "next-steps section is not problems",
			in: "标题\n二、整改进展情况及成效\n" +
				"(一)关于“甲”问题的整改情况。\n推进情况:一是做了。详情。\n" +
				"三、下一步整改工作打算\n下一步,将继续整改。\n" +
				"(一)进一步加强党的领导。一是学习。深入学习。\n" +
				"(二)进一步加强党的建设。\n",
			want: []want{{"(一)", "", "甲", StatusInProgress, nil, []Measure{{"做了", "详情。"}}}},
		},
		{
			name: "item markers",
			in: "标题\n(一)关于“甲”问题\n" +
				"推进情况:先说明背景。一是短句没有句号；二是第二项。内容二。 三是第三项\n" +
				"统一是原则。一是新段落。第二段。\n" +
				"十一是十一项。内容。\n",
			want: []want{{"(一)", "", "甲", StatusInProgress, nil, []Measure{
				{"短句没有句号", "短句没有句号"},
				{"第二项", "内容二。"},
				{"第三项", "第三项"},
				{"新段落", "第二段。"},
				{"十一项", "内容。"},
			}}},
		},
		{
			name: "long items get a clause-cut title",
			in: "标题\n(一)关于“甲”问题\n" +
				"一是" + strings.Repeat("长", 30) + ",第二分句" + strings.Repeat("长", 30) + "。\n" +
				"一是" + strings.Repeat("无", 50) + "\n",
			want: []want{{"(一)", "", "甲", "", nil, []Measure{
				{strings.Repeat("长", 30), strings.Repeat("长", 30) + ",第二分句" + strings.Repeat("长", 30) + "。"},
				{strings.Repeat("无", 40), strings.Repeat("无", 50)},
			}}},
		},
		{
			name: "deeper numbered lines are body text",
			in:   "标题\n(一)关于“甲”问题\n1.强化部署。一是开会。会议。\n(1)细化。\n(二)关于“乙”问题\n",
			want: []want{
				{"(一)", "", "甲", "", nil, []Measure{{"强化部署", "一是开会。会议。"}}},
				{"(二)", "", "乙", "", nil, nil},
			},
		},
		{
			name: "decimal at line start is not a label",
			in:   "标题\n(一)关于“甲”问题\n1.79万个站点。一是建站。已建。\n",
			want: []want{{"(一)", "", "甲", "", nil, []Measure{{"建站", "已建。"}}}},
		},
		{
			name: "CRLF and BOM",
			in:   "\uFEFF标题\r\n(一)关于“甲”问题\r\n推进情况:一是做了。\r\n",
			want: []want{{"(一)", "", "甲", StatusInProgress, nil, []Measure{{"做了", "做了。"}}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, tc.in)
			if len(d.Problems) != len(tc.want) {
				for _, p := range d.Problems {
					t.Logf("got %s %q section %q", p.Label, p.Title, p.Section)
				}
				t.Fatalf("got %d problems, want %d", len(d.Problems), len(tc.want))
			}
			for i, w := range tc.want {
				p := d.Problems[i]
				if p.Number != i+1 || p.Label != w.label || p.Section != w.section || p.Title != w.title || p.Status != w.status {
					t.Errorf("problem %d = {%d %q %q %q %q}, want {%d %q %q %q %q}",
						i+1, p.Number, p.Label, p.Section, p.Title, p.Status,
						i+1, w.label, w.section, w.title, w.status)
				}
				if !reflect.DeepEqual(p.Parent, w.parent) {
					t.Errorf("problem %d parent = %+v, want %+v", i+1, p.Parent, w.parent)
				}
				if !reflect.DeepEqual(p.Measures, w.measures) {
					t.Errorf("problem %d measures = %q, want %q", i+1, p.Measures, w.measures)
				}
			}
		})
	}
}

func TestParseHeader(t *testing.T) {
	const body = "(一)关于“甲”问题\n"
	tests := []struct {
		name, in, title, date string
	}{
		{"publication line", "\n\n  标题一  \n发布日期: 2024-10-25 15:39 来源:办公室\n" + body, "标题一", "2024-10-25"},
		{"Chinese date line", "标题二\n2024年3月5日\n" + body, "标题二", "2024-03-05"},
		{"slash date", "标题三\n时间 2023/12/01\n" + body, "标题三", "2023-12-01"},
		{"invalid date ignored", "标题四\n2024-02-30\n" + body, "标题四", ""},
		{"narrative date ignored", "标题五\n根据省委统一部署,2023年11月13日至12月29日,省委第四巡视组对省民政厅党组开展了巡视,现将整改情况予以公布。\n" + body, "标题五", ""},
		{"no date", "标题六\n" + body, "标题六", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, tc.in)
			if d.Title != tc.title || d.Date != tc.date {
				t.Errorf("got title %q date %q, want %q %q", d.Title, d.Date, tc.title, tc.date)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   io.Reader
		want error
	}{
		{"empty", strings.NewReader(""), ErrNoProblems},
		{"blank lines", strings.NewReader("\n \n\t\n"), ErrNoProblems},
		{"no problems", strings.NewReader("标题\n一、整改工作组织情况\n(一)进一步加强党的领导。\n一是学习。\n"), ErrNoProblems},
		{"empty quotes", strings.NewReader("标题\n(一)关于“ ”问题\n"), ErrNoProblems},
		{"unclosed quote", strings.NewReader("标题\n(一)关于“甲问题\n"), ErrNoProblems},
		{"oversize", io.MultiReader(strings.NewReader("标题\n(一)关于“甲”问题\n"), strings.NewReader(strings.Repeat("x", MaxInputSize))), ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if d != nil {
				t.Errorf("got a document alongside error %v", err)
			}
		})
	}

	t.Run("exactly at the cap", func(t *testing.T) {
		head := "标题\n(一)关于“甲”问题\n"
		in := head + strings.Repeat(" ", MaxInputSize-len(head))
		if _, err := Parse(strings.NewReader(in)); err != nil {
			t.Fatalf("input of exactly MaxInputSize bytes: %v", err)
		}
	})
}

func TestChineseNumeral(t *testing.T) {
	t.Run("round trip 1..99", func(t *testing.T) {
		seen := map[string]bool{}
		for n := 1; n <= 99; n++ {
			s := ChineseNumeral(n)
			if seen[s] {
				t.Errorf("ChineseNumeral(%d) = %q repeats", n, s)
			}
			seen[s] = true
			if got, ok := ParseChineseNumeral(s); !ok || got != n {
				t.Errorf("ParseChineseNumeral(ChineseNumeral(%d) = %q) = %d, %v", n, s, got, ok)
			}
		}
	})

	t.Run("known values", func(t *testing.T) {
		for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 12: "十二", 20: "二十", 21: "二十一", 39: "三十九", 99: "九十九", 0: "0", 100: "100", -3: "-3"} {
			if got := ChineseNumeral(n); got != want {
				t.Errorf("ChineseNumeral(%d) = %q, want %q", n, got, want)
			}
		}
	})

	t.Run("parse rejects", func(t *testing.T) {
		for _, s := range []string{"", "零", "十十", "一二", "二十十", "一百", "两", "十零", "1", "一十一十", "x十", "十x", "x十一"} {
			if n, ok := ParseChineseNumeral(s); ok || n != 0 {
				t.Errorf("ParseChineseNumeral(%q) = %d, %v; want rejection", s, n, ok)
			}
		}
	})

	t.Run("parse accepts 一十X", func(t *testing.T) {
		if n, ok := ParseChineseNumeral("一十二"); !ok || n != 12 {
			t.Errorf("ParseChineseNumeral(一十二) = %d, %v", n, ok)
		}
	})
}

func TestSplitMeasures(t *testing.T) {
	tests := []struct {
		name   string
		in     []string
		titles []string
		values []int
	}{
		{"run-on items after commas", []string{"一是健全制度，二是加强监督；三是严肃问责。"}, []string{"健全制度", "加强监督", "严肃问责"}, []int{1, 2, 3}},
		{"circled numbers", []string{"①完善台账。逐项销号。②开展培训。"}, []string{"完善台账", "开展培训"}, []int{1, 2}},
		{"parenthesised numbers in a body", []string{"已采取措施：（1）修订办法。已印发。(2)开展检查，发现问题3个。"}, []string{"修订办法", "开展检查，发现问题3个"}, []int{1, 2}},
		{"numbered lines", []string{"1.强化部署。一是开会。", "2、完善制度。"}, []string{"强化部署", "完善制度"}, []int{1, 2}},
		{"not inside quotes or book titles", []string{"一是学习《关于一是二是的规定》，落实“一是一、二是二”要求。二是整改。"}, []string{"学习《关于一是二是的规定》，落实“一是一、二是二”要求", "整改"}, []int{1, 2}},
		{"not on a word containing 一是", []string{"坚持标准统一是前提。一是统一标准。"}, []string{"统一标准"}, []int{1}},
		{"repeated number kept", []string{"一是甲。二是乙。二是丙。"}, []string{"甲", "乙", "丙"}, []int{1, 2, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms, values := splitMeasures(tc.in)
			var titles []string
			for _, m := range ms {
				titles = append(titles, m.Title)
			}
			if !reflect.DeepEqual(titles, tc.titles) || !reflect.DeepEqual(values, tc.values) {
				t.Errorf("got %q %v, want %q %v", titles, values, tc.titles, tc.values)
			}
		})
	}
}
