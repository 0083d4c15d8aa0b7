package reporttext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// labelKind is the numbering style of a heading. Which style nests inside
// which is read from the document itself (see buildOutline), because
// issuers differ: one numbers problems 1. under (一) sections, another
// numbers them (一) under 一、 parts.
type labelKind int

const (
	kindNone        labelKind = iota
	kindPart                  // 一、
	kindParenHan              // (一) or （一）
	kindOrdinal               // 第一、 第一，
	kindProblemWord           // 问题一： 问题1：
	kindArabic                // 1. or 1、 or １．
	kindParenArabic           // (1) or （1）
	kindCircled               // ①
)

// label is a parsed heading label.
type label struct {
	kind  labelKind
	text  string // as written, e.g. "（十二）"
	value int    // the number it stands for
}

// parseLabel splits a leading heading label off a trimmed line.
func parseLabel(t string) (label, string) {
	r, size := utf8.DecodeRuneInString(t)
	switch {
	case r == '(' || r == '（':
		i := skipSpace(t, size)
		j := i
		han := false
		for j < len(t) && j-i < 12 {
			c, n := utf8.DecodeRuneInString(t[j:])
			if isNumeralRune(c) {
				han = true
			} else if _, ok := digitOf(c); !ok {
				break
			}
			j += n
		}
		num := t[i:j]
		k := skipSpace(t, j)
		c, n := utf8.DecodeRuneInString(t[k:])
		if c != ')' && c != '）' {
			break
		}
		end := k + n
		if han {
			if v, ok := ParseChineseNumeral(num); ok {
				return label{kindParenHan, t[:end], v}, t[end:]
			}
		} else if v, ok := arabicValue(num); ok {
			return label{kindParenArabic, t[:end], v}, t[end:]
		}
	case isDigitRune(r):
		j := 0
		for j < len(t) {
			c, n := utf8.DecodeRuneInString(t[j:])
			if !isDigitRune(c) {
				break
			}
			j += n
		}
		c, n := utf8.DecodeRuneInString(t[j:])
		if c != '.' && c != '．' && c != '、' {
			break
		}
		// "1.79万个" opens a body sentence with a decimal, not a label.
		if next, _ := utf8.DecodeRuneInString(t[j+n:]); isDigitRune(next) {
			break
		}
		if v, ok := arabicValue(t[:j]); ok {
			return label{kindArabic, t[:j+n], v}, t[j+n:]
		}
	case r >= '①' && r <= '⑳':
		return label{kindCircled, t[:size], int(r-'①') + 1}, t[size:]
	case r == '第':
		j, v, ok := numeralAt(t, size)
		if !ok {
			break
		}
		c, n := utf8.DecodeRuneInString(t[j:])
		switch {
		case strings.ContainsRune("、，,：:．.", c):
			return label{kindOrdinal, t[:j+n], v}, t[j+n:]
		case strings.HasPrefix(t[j:], "关于"):
			return label{kindOrdinal, t[:j], v}, t[j:]
		}
	case strings.HasPrefix(t, "问题"):
		j := skipSpace(t, len("问题"))
		var v int
		var ok bool
		end := j
		if c, _ := utf8.DecodeRuneInString(t[j:]); isDigitRune(c) {
			for end < len(t) {
				c, n := utf8.DecodeRuneInString(t[end:])
				if !isDigitRune(c) {
					break
				}
				end += n
			}
			v, ok = arabicValue(t[j:end])
		} else {
			end, v, ok = numeralAt(t, j)
		}
		if !ok {
			break
		}
		c, n := utf8.DecodeRuneInString(t[end:])
		if strings.ContainsRune("、，,：:．.", c) {
			return label{kindProblemWord, t[:end+n], v}, t[end+n:]
		}
		if unicode.IsSpace(c) {
			return label{kindProblemWord, t[:end], v}, t[end:]
		}
	case isNumeralRune(r):
		j, v, ok := numeralAt(t, 0)
		if !ok {
			break
		}
		c, n := utf8.DecodeRuneInString(t[j:])
		if c == '、' || c == '．' {
			return label{kindPart, t[:j+n], v}, t[j+n:]
		}
	}
	return label{}, t
}

// numeralAt reads a Chinese numeral (一 … 九十九) at s[i:], returning the
// offset after it and its value.
func numeralAt(s string, i int) (int, int, bool) {
	j := i
	for count := 0; j < len(s) && count < 3; count++ {
		c, n := utf8.DecodeRuneInString(s[j:])
		if !isNumeralRune(c) {
			break
		}
		j += n
	}
	v, ok := ParseChineseNumeral(s[i:j])
	return j, v, ok
}

// digitOf returns the value of an ASCII or full-width digit.
func digitOf(r rune) (int, bool) {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0'), true
	case r >= '０' && r <= '９':
		return int(r - '０'), true
	}
	return 0, false
}

func isDigitRune(r rune) bool { _, ok := digitOf(r); return ok }

// arabicValue accepts 1..999 written with at most three (ASCII or
// full-width) digits; longer runs are years or amounts, not labels.
func arabicValue(s string) (int, bool) {
	n, count := 0, 0
	for _, r := range s {
		d, ok := digitOf(r)
		if !ok {
			return 0, false
		}
		n = n*10 + d
		count++
	}
	if count == 0 || count > 3 || n == 0 {
		return 0, false
	}
	return n, true
}

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

// skipSpace returns the index of the first non-space rune at or after i.
func skipSpace(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}
