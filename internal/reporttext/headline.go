package reporttext

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Summary is what a report's headline states about itself ("反馈问题25个，
// 已完成整改19个、正在整改6个，整改完成率76%；建立完善制度12项，追缴资金
// 7.132万元"). A nil field was not stated.
type Summary struct {
	Problems       *int     `json:"problems,omitempty"`
	Completed      *int     `json:"completed,omitempty"`
	InProgress     *int     `json:"in_progress,omitempty"`
	CompletionRate *float64 `json:"completion_rate,omitempty"` // percent, as written
	Regulations    *int     `json:"regulations,omitempty"`
	MoneyYuan      *float64 `json:"money_yuan,omitempty"`
	People         *int     `json:"people,omitempty"`
}

// Stated reports whether the headline stated anything.
func (s Summary) Stated() bool { return s != Summary{} }

// num is an Arabic number as reports write it, ASCII or full-width.
const num = `([0-9０-９]+(?:[.．][0-9０-９]+)?)`

// headlinePatterns find each figure; the first pattern that matches wins.
var (
	reProblems = []*regexp.Regexp{
		regexp.MustCompile(`(?:反馈|指出|交办)(?:的)?(?:各类|具体)?问题(?:共)?(?:计)?` + num + `个`),
		regexp.MustCompile(`(?:反馈|指出|交办)(?:的)?(?:各类|具体)?` + num + `个(?:具体)?问题`),
		regexp.MustCompile(`共(?:有)?` + num + `个问题`),
	}
	reCompleted = []*regexp.Regexp{
		regexp.MustCompile(`已(?:经)?(?:完成整改|整改完成|完成|办结|销号)(?:问题)?` + num + `个`),
		regexp.MustCompile(num + `个(?:问题)?已(?:完成整改|整改完成|完成|销号)`),
	}
	reInProgress = []*regexp.Regexp{
		regexp.MustCompile(`(?:正在(?:整改|推进)|持续(?:整改|推进)|基本完成|尚未完成|未完成)(?:整改)?(?:问题)?` + num + `个`),
		regexp.MustCompile(num + `个(?:问题)?(?:正在(?:整改|推进)|持续推进)`),
	}
	reRate        = regexp.MustCompile(`完成率(?:为|达)?(?:到)?` + num + `\s*[%％]`)
	reRegulations = regexp.MustCompile(`(?:建立|修订|完善|出台|制定|新建|健全)[^，。；,;]{0,12}?(?:制度|规章|规范|机制)[^，。；,;0-9０-９]{0,8}?` + num + `(?:项|个|件|部|份)`)
	reMoney       = regexp.MustCompile(`(?:追缴|挽回|退还|追回|收回|清退|整改|节约|盘活|返还)[^，。；,;0-9０-９]{0,12}?(?:资金|款项|金额|经济损失|损失)[^，。；,;0-9０-９]{0,6}?` + num + `\s*(万|亿)?元`)
	rePeople      = regexp.MustCompile(`(?:处理|问责|处分|追责|谈话提醒|组织处理|诫勉)[^，。；,;0-9０-９]{0,10}?` + num + `\s*(?:人|名)`)
)

// findSummary reads the headline figures from the text before the first
// problem, where reports state them.
func findSummary(lines []string) Summary {
	text := strings.Join(lines, "\n")
	var s Summary
	s.Problems = firstInt(text, reProblems)
	s.Completed = firstInt(text, reCompleted)
	s.InProgress = firstInt(text, reInProgress)
	if m := reRate.FindStringSubmatch(text); m != nil {
		s.CompletionRate = parseFloat(m[1])
	}
	if m := reRegulations.FindStringSubmatch(text); m != nil {
		s.Regulations = parseInt(m[1])
	}
	if m := reMoney.FindStringSubmatch(text); m != nil {
		if v := parseFloat(m[1]); v != nil {
			yuan := *v
			switch m[2] {
			case "万":
				yuan *= 1e4
			case "亿":
				yuan *= 1e8
			}
			yuan = math.Round(yuan*100) / 100
			s.MoneyYuan = &yuan
		}
	}
	if m := rePeople.FindStringSubmatch(text); m != nil {
		s.People = parseInt(m[1])
	}
	return s
}

func firstInt(text string, res []*regexp.Regexp) *int {
	for _, re := range res {
		if m := re.FindStringSubmatch(text); m != nil {
			if v := parseInt(m[1]); v != nil {
				return v
			}
		}
	}
	return nil
}

// asciiDigits maps full-width digits and point to ASCII.
var asciiDigits = strings.NewReplacer("０", "0", "１", "1", "２", "2", "３", "3", "４", "4",
	"５", "5", "６", "6", "７", "7", "８", "8", "９", "9", "．", ".")

func parseInt(s string) *int {
	v, err := strconv.Atoi(asciiDigits.Replace(s))
	if err != nil || v > 1e9 {
		return nil
	}
	return &v
}

func parseFloat(s string) *float64 {
	v, err := strconv.ParseFloat(asciiDigits.Replace(s), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}

// summaryWarnings compare what the headline states with what was found.
func summaryWarnings(d *Document) []string {
	var out []string
	s := d.Summary
	if s.Problems != nil && *s.Problems != len(d.Problems) {
		out = append(out, fmt.Sprintf("通报开头称反馈问题%d个，但识别出%d个问题，请核对。", *s.Problems, len(d.Problems)))
	}
	if s.Problems != nil && s.Completed != nil && s.InProgress != nil && *s.Completed+*s.InProgress != *s.Problems {
		out = append(out, fmt.Sprintf("通报开头的数字不一致：已完成%d个加正在整改%d个不等于问题总数%d个。", *s.Completed, *s.InProgress, *s.Problems))
	}
	completed := 0
	stated := 0
	for _, p := range d.Problems {
		if p.Status == StatusCompleted {
			completed++
		}
		if p.Status != "" {
			stated++
		}
	}
	if s.Completed != nil && stated == len(d.Problems) && *s.Completed != completed {
		out = append(out, fmt.Sprintf("通报开头称已完成整改%d个，但写明“完成情况”的问题有%d个。", *s.Completed, completed))
	}
	return out
}
