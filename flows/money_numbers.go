package flows

import (
	"strconv"
	"strings"
)

// hanDigits are the Chinese digits with their values.
var hanDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// parseHanNumber reads a whole number written in Chinese numerals, as
// people write them in chat: 十五, 二十三, 三百, 两千五 (2,500), 一万二
// (12,000), 三百五 (350), 一千零五 (1,005), and the digit by digit form of
// years (二〇二六). It also reads ASCII digits. It reports false for
// anything else, and for values of 10¹² or more.
func parseHanNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	if v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64); err == nil {
		return v, v >= 0 && v < 1e12
	}
	var (
		total, section, num float64
		lastUnit            float64 // the last unit met (10, 100, 1000, 10000 …)
		digits              []int   // consecutive digits with no unit between
		sawZero             bool    // a 零 since the last unit: no shorthand
		sawUnit             bool
	)
	for _, r := range s {
		if d, ok := hanDigits[r]; ok {
			if d == 0 && sawUnit {
				sawZero = true // 一千零五
				continue
			}
			digits = append(digits, d)
			num = float64(d)
			if d == 0 {
				sawZero = true
			}
			continue
		}
		var unit float64
		switch r {
		case '十':
			unit = 10
		case '百':
			unit = 100
		case '千':
			unit = 1000
		case '万':
			unit = 1e4
		case '亿':
			unit = 1e8
		default:
			return 0, false
		}
		if len(digits) > 1 {
			return 0, false // 二三十: not a number we read
		}
		if len(digits) == 0 && unit == 10 {
			num = 1 // 十五 is fifteen
		}
		if len(digits) == 0 && unit != 10 && section == 0 && total == 0 {
			return 0, false // 万 alone
		}
		sawUnit = true
		if unit >= 1e4 {
			total = (total + section + num) * unit
			section = 0
		} else {
			section += num * unit
		}
		num, digits, sawZero, lastUnit = 0, nil, false, unit
	}
	if !sawUnit {
		// Digit by digit: 二〇二六.
		v := 0.0
		for _, d := range digits {
			v = v*10 + float64(d)
		}
		return v, len(digits) > 0
	}
	if len(digits) > 1 {
		return 0, false
	}
	if len(digits) == 1 && !sawZero && lastUnit >= 100 {
		num *= lastUnit / 10 // 两千五 is 2,500
	}
	v := total + section + num
	return v, v < 1e12
}
