package reporttext

import "strconv"

// digits maps 1..9 to the Chinese digits used in official document numbering.
var digits = [...]string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// ChineseNumeral renders n in the form official reports use for labels such
// as "(十二)" and item markers such as "二十一是": 1..99 become 一 … 九十九.
// Values outside 1..99 are rendered as Arabic digits so that a caller never
// emits an empty label.
func ChineseNumeral(n int) string {
	switch {
	case n < 1 || n > 99:
		return strconv.Itoa(n)
	case n < 10:
		return digits[n]
	}
	tens, ones := n/10, n%10
	s := "十"
	if tens > 1 {
		s = digits[tens] + s
	}
	return s + digits[ones]
}

// ParseChineseNumeral is the inverse of ChineseNumeral. It accepts only the
// canonical forms 一 … 九十九 (plus the occasional 一十X spelling), because
// anything looser would let ordinary words such as 十分 look like labels.
func ParseChineseNumeral(s string) (int, bool) {
	r := []rune(s)
	n := 0
	switch {
	case len(r) == 1 && r[0] == '十':
		n = 10
	case len(r) == 1:
		n = digitValue(r[0])
	case len(r) == 2 && r[0] == '十': // 十X
		if d := digitValue(r[1]); d > 0 {
			n = 10 + d
		}
	case len(r) == 2 && r[1] == '十': // X十
		n = digitValue(r[0]) * 10
	case len(r) == 3 && r[1] == '十': // X十Y
		if d := digitValue(r[2]); d > 0 {
			n = digitValue(r[0])*10 + d
		}
	}
	if n < 10 && len(r) > 1 {
		n = 0 // X十Y with an invalid X
	}
	return n, n > 0
}

// digitValue returns 1..9 for the Chinese digits 一..九 and 0 otherwise.
func digitValue(r rune) int {
	for i := 1; i < len(digits); i++ {
		if string(r) == digits[i] {
			return i
		}
	}
	return 0
}

// isNumeralRune reports whether r can appear in a numeral accepted by
// ParseChineseNumeral; scanners use it to find the extent of a candidate.
func isNumeralRune(r rune) bool {
	return r == '十' || digitValue(r) > 0
}
