package flows

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests name zones; CI machines may lack a zone database
)

// mustZone loads a time zone or fails the test.
func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// at returns 10:00 on the day in Asia/Shanghai.
func at(tb testing.TB, y int, m time.Month, d int) time.Time {
	tb.Helper()
	return time.Date(y, m, d, 10, 0, 0, 0, mustZone(tb, "Asia/Shanghai"))
}

// whenOf returns the When findings of text said at now, not negated.
func whenOf(text string, now time.Time) []Finding {
	return analyze(text, Context{Now: now}).Found(When)
}

// checkWhen asserts that text, said at now, gives exactly one date: want
// ("" for none), with the approx flag given.
func checkWhen(t *testing.T, text string, now time.Time, want string, approx bool) {
	t.Helper()
	got := whenOf(text, now)
	if want == "" {
		if len(got) != 0 {
			t.Fatalf("%q at %s: want no date, got %+v", text, now.Format("Mon 2006-01-02"), got)
		}
		return
	}
	if len(got) != 1 {
		t.Fatalf("%q at %s: want one date %s, got %+v", text, now.Format("Mon 2006-01-02"), want, got)
	}
	f := got[0]
	if f.Value != want || f.Approx != approx {
		t.Fatalf("%q at %s: want %s (approx %v), got %s (approx %v, span %q)", text, now.Format("Mon 2006-01-02"), want, approx, f.Value, f.Approx, f.Span)
	}
	if f.Date.Format("2006-01-02") != want || f.Date.Hour() != 0 || f.Date.Minute() != 0 || f.Date.Location() != now.Location() {
		t.Fatalf("%q: Date %v is not midnight of %s in %v", text, f.Date, want, now.Location())
	}
	if f.Slot != When || f.Span == "" {
		t.Fatalf("%q: bad finding %+v", text, f)
	}
}

func TestDatesChineseOnMonday(t *testing.T) {
	mon := at(t, 2026, 11, 23) // Monday
	cases := []struct {
		name, text, want string
		approx           bool
	}{
		{"last week's Wednesday", "我上周三在南京西路店买的", "2026-11-18", false},
		{"上星期三", "上星期三买的", "2026-11-18", false},
		{"上礼拜三", "上礼拜三买的", "2026-11-18", false},
		{"上个星期三", "上个星期三买的", "2026-11-18", false},
		{"上周日 is the day before today", "上周日送到的", "2026-11-22", false},
		{"上上周五", "上上周五下的单", "2026-11-13", false},
		{"这周一 is today", "这周一买的", "2026-11-23", false},
		{"本周一", "本周一收到", "2026-11-23", false},
		{"这周三 is still to come", "这周三再说", "", false},
		{"bare 周三 is the last Wednesday", "周三买的", "2026-11-18", false},
		{"bare 周一 on a Monday is a week ago", "周一买的", "2026-11-16", false},
		{"礼拜天", "礼拜天去的店里", "2026-11-22", false},
		{"星期日", "星期日买的", "2026-11-22", false},
		{"昨天", "昨天收到的衣柜", "2026-11-22", false},
		{"昨晚", "昨晚开始漏水", "2026-11-22", false},
		{"前天", "前天买的", "2026-11-21", false},
		{"大前天", "大前天买的", "2026-11-20", false},
		{"今天早上", "今天早上坏的", "2026-11-23", false},
		{"刚才", "刚才又坏了", "2026-11-23", false},
		{"今天 as a deadline is no date", "今天必须给我退款", "", false},
		{"3月5日", "3月5日买的", "2026-03-05", false},
		{"3月5号", "3月5号买的", "2026-03-05", false},
		{"full-width digits", "３月５日买的", "2026-03-05", false},
		{"12月20日 rolls back a year", "12月20日买的", "2025-12-20", false},
		{"Chinese numerals", "十二月二十号买的", "2025-12-20", false},
		{"with the year", "2026年3月5日买的", "2026-03-05", false},
		{"year in Chinese digits", "二〇二五年十二月一日买的", "2025-12-01", false},
		{"去年 with a day", "去年12月20日买的", "2025-12-20", false},
		{"a year after tomorrow is dropped", "2027年1月1日", "", false},
		{"上个月15号", "上个月15号买的", "2026-10-15", false},
		{"上月15日", "上月15日买的", "2026-10-15", false},
		{"这个月3号", "这个月3号买的", "2026-11-03", false},
		{"本月30号 is still to come", "本月30号", "", false},
		{"15号 this month", "15号买的", "2026-11-15", false},
		{"25号 is last month's", "25号买的", "2026-10-25", false},
		{"十五号", "十五号下的单", "2026-11-15", false},
		{"3号店 is a store", "在3号店买的", "", false},
		{"三天前", "三天前买的", "2026-11-20", false},
		{"3天前", "3天前买的", "2026-11-20", false},
		{"两天前", "两天前买的", "2026-11-21", false},
		{"两周前", "两周前买的", "2026-11-09", true},
		{"一个多月前", "一个多月前买的", "2026-10-23", true},
		{"半个月前", "半个月前买的", "2026-11-08", true},
		{"几天前", "几天前买的", "2026-11-20", true},
		{"前几天", "前几天买的", "2026-11-20", true},
		{"上个月", "上个月买的", "2026-10-01", true},
		{"上上个月", "上上个月买的", "2026-09-01", true},
		{"上周", "上周买的", "2026-11-16", true},
		{"这周", "这周买的", "2026-11-23", true},
		{"去年", "去年买的", "2025-01-01", true},
		{"双十一", "双十一买的", "2026-11-11", false},
		{"去年双十一", "去年双十一买的", "2025-11-11", false},
		{"月初", "月初买的", "2026-11-01", true},
		{"上个月底", "上个月底买的", "2026-10-21", true},
		{"3月份", "3月份买的", "2026-03-01", true},
		{"上周末", "上周末去的", "2026-11-21", true},
		{"每周三 is no date", "每周三都有活动", "", false},
		{"一周一次 is no date", "一周一次", "", false},
		{"traditional 上週三", "我上週三買的", "2026-11-18", false},
		{"traditional 上個月15號", "上個月15號買的", "2026-10-15", false},
		{"traditional 禮拜天", "禮拜天買的", "2026-11-22", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkWhen(t, c.text, mon, c.want, c.approx) })
	}
}

func TestDatesEnglishOnMonday(t *testing.T) {
	mon := at(t, 2026, 11, 23)
	cases := []struct {
		name, text, want string
		approx           bool
	}{
		{"yesterday", "it arrived yesterday", "2026-11-22", false},
		{"last night", "it broke last night", "2026-11-22", false},
		{"the day before yesterday", "I bought it the day before yesterday", "2026-11-21", false},
		{"today", "it stopped today", "2026-11-23", false},
		{"this morning", "delivered this morning", "2026-11-23", false},
		{"last Tuesday", "I bought it last Tuesday", "2026-11-17", false},
		{"on Tuesday", "I bought it on Tuesday", "2026-11-17", false},
		{"bare weekday", "Tuesday it broke", "2026-11-17", false},
		{"last Monday", "last Monday", "2026-11-16", false},
		{"on Monday is a week ago", "I ordered on Monday", "2026-11-16", false},
		{"this Monday is today", "this Monday it broke", "2026-11-23", false},
		{"this Friday is still to come", "this Friday", "", false},
		{"next Friday is no date", "I will be home next Friday", "", false},
		{"abbreviation after on", "ordered on Wed", "2026-11-18", false},
		{"sun alone is a word", "the sun was out", "", false},
		{"the Tuesday before last", "the Tuesday before last", "2026-11-10", false},
		{"two days ago", "two days ago it broke", "2026-11-21", false},
		{"3 days ago", "3 days ago", "2026-11-20", false},
		{"3 days back", "I bought it 3 days back", "2026-11-20", false},
		{"a week ago", "a week ago", "2026-11-16", true},
		{"about two weeks ago", "about two weeks ago", "2026-11-09", true},
		{"a couple of days ago", "a couple of days ago", "2026-11-21", true},
		{"a month ago", "a month ago", "2026-10-23", true},
		{"a fortnight ago", "a fortnight ago", "2026-11-09", true},
		{"on November 3rd", "on November 3rd", "2026-11-03", false},
		{"Nov 3", "it was Nov 3", "2026-11-03", false},
		{"Nov. 3", "ordered Nov. 3", "2026-11-03", false},
		{"3rd of November", "the 3rd of November", "2026-11-03", false},
		{"3 Nov 2025", "bought 3 Nov 2025", "2025-11-03", false},
		{"November 3, 2025", "November 3, 2025", "2025-11-03", false},
		{"December 20 rolls back", "December 20", "2025-12-20", false},
		{"on the 12th", "on the 12th", "2026-11-12", false},
		{"on the 25th is last month's", "on the 25th", "2026-10-25", false},
		{"last week", "last week", "2026-11-16", true},
		{"this week", "this week", "2026-11-23", true},
		{"last month", "last month", "2026-10-01", true},
		{"last year", "last year", "2025-01-01", true},
		{"last weekend", "last weekend", "2026-11-21", true},
		{"in March", "I bought it in March", "2026-03-01", true},
		{"last November", "last November", "2025-11-01", true},
		{"mid-October", "mid-October", "2026-10-11", true},
		{"October 2025 (go-dateparser)", "the invoice is from October 2025", "2025-10-01", true},
		{"ISO date", "2026-11-03", "2026-11-03", false},
		{"slashes with year", "2026/11/3", "2026-11-03", false},
		{"month/day", "3/5", "2026-03-05", false},
		{"month/day rolls back", "12/20", "2025-12-20", false},
		{"day/month when the first is over 12", "25/12", "2025-12-25", false},
		{"with a short year", "3/5/26", "2026-03-05", false},
		{"24/7 is no date", "your 24/7 support", "", false},
		{"may the verb", "I may want a refund", "", false},
		{"now", "now", "", false},
		{"a second time", "a second time", "", false},
		{"upper case", "LAST TUESDAY", "2026-11-17", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkWhen(t, c.text, mon, c.want, c.approx) })
	}
}

func TestDatesOnOtherDays(t *testing.T) {
	sun := at(t, 2026, 11, 29)
	thu := at(t, 2026, 11, 26)
	mar1 := at(t, 2026, 3, 1)
	jan5 := at(t, 2026, 1, 5)
	cases := []struct {
		name string
		now  time.Time
		text string
		want string
	}{
		{"上周三 on a Sunday", sun, "上周三买的", "2026-11-18"},
		{"周三 on a Sunday", sun, "周三买的", "2026-11-25"},
		{"这周三 on a Sunday", sun, "这周三买的", "2026-11-25"},
		{"上周日 on a Sunday", sun, "上周日买的", "2026-11-22"},
		{"周日 on a Sunday is a week ago", sun, "周日买的", "2026-11-22"},
		{"this Sunday on a Sunday", sun, "this Sunday", "2026-11-29"},
		{"last Tuesday on a Sunday", sun, "last Tuesday", "2026-11-17"},
		{"last Tuesday on a Thursday", thu, "last Tuesday", "2026-11-17"},
		{"on Tuesday on a Thursday", thu, "on Tuesday", "2026-11-24"},
		{"上周四 on a Thursday", thu, "上周四买的", "2026-11-19"},
		{"这周二 on a Thursday", thu, "这周二买的", "2026-11-24"},
		{"周四 on a Thursday", thu, "周四买的", "2026-11-19"},
		{"上个月15号 in March", mar1, "上个月15号", "2026-02-15"},
		{"昨天 on 1 March", mar1, "昨天", "2026-02-28"},
		{"上个月30号 does not exist", mar1, "上个月30号", ""},
		{"29号 on 1 March", mar1, "29号", "2026-01-29"},
		{"上周三 across the year", jan5, "上周三买的", "2025-12-31"},
		{"12月20日 in January", jan5, "12月20日买的", "2025-12-20"},
		{"last week across the year", jan5, "last week", "2025-12-29"},
		{"上个月 across the year", jan5, "上个月", "2025-12-01"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := whenOf(c.text, c.now)
			if c.want == "" {
				if len(got) != 0 {
					t.Fatalf("want no date, got %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Value != c.want {
				t.Fatalf("%q on %s: want %s, got %+v", c.text, c.now.Format("Mon 2006-01-02"), c.want, got)
			}
		})
	}
}

func TestDatesAcrossDaylightSaving(t *testing.T) {
	ny := mustZone(t, "America/New_York")
	now := time.Date(2026, 3, 9, 0, 30, 0, 0, ny) // the night after clocks went forward
	for _, c := range []struct{ text, want string }{
		{"yesterday", "2026-03-08"},
		{"two days ago", "2026-03-07"},
		{"last Sunday", "2026-03-08"},
	} {
		t.Run(c.text, func(t *testing.T) {
			got := whenOf(c.text, now)
			if len(got) != 1 || got[0].Value != c.want {
				t.Fatalf("want %s, got %+v", c.want, got)
			}
			if d := got[0].Date; d.Hour() != 0 || d.Location() != ny {
				t.Fatalf("Date %v is not midnight in New York", d)
			}
		})
	}
}

func TestDatesWithoutMessageTime(t *testing.T) {
	if got := whenOf("昨天买的", time.Time{}); len(got) != 0 {
		t.Fatalf("a relative date needs the message time, got %+v", got)
	}
	got := whenOf("2026-11-03 买的", time.Time{})
	if len(got) != 1 || got[0].Value != "2026-11-03" {
		t.Fatalf("a full date needs no message time, got %+v", got)
	}
	got = whenOf("2026年3月5日买的", time.Time{})
	if len(got) != 1 || got[0].Value != "2026-03-05" {
		t.Fatalf("a full Chinese date needs no message time, got %+v", got)
	}
}

func TestDatesCorrectionIsNegated(t *testing.T) {
	mon := at(t, 2026, 11, 23)
	a := analyze("不是上周三,是上周四", Context{Now: mon})
	var neg, pos []string
	for _, f := range a.Findings {
		if f.Slot != When {
			continue
		}
		if f.Negated {
			neg = append(neg, f.Value)
		} else {
			pos = append(pos, f.Value)
		}
	}
	if len(neg) != 1 || neg[0] != "2026-11-18" || len(pos) != 1 || pos[0] != "2026-11-19" {
		t.Fatalf("want 2026-11-18 negated and 2026-11-19 kept, got negated %v kept %v", neg, pos)
	}
	a = analyze("It wasn't on Tuesday, it was Wednesday", Context{Now: mon})
	if got := a.Found(When); len(got) != 1 || got[0].Value != "2026-11-18" {
		t.Fatalf("want only Wednesday 2026-11-18 kept, got %+v", a.Findings)
	}
	a = analyze("不是上周三在南京西路店,是上周四在徐家汇店", Context{Now: mon})
	for _, f := range a.Findings {
		inFirst := f.Span == "上周三" || f.Span == "南京西路店"
		if (f.Slot == When || f.Slot == Where) && f.Negated != inFirst {
			t.Fatalf("every fact of the rejected clause, and only those, must be negated: %s", describe(a))
		}
	}
	a = analyze("not working since yesterday", Context{Now: mon})
	if got := a.Found(When); len(got) != 1 || got[0].Value != "2026-11-22" {
		t.Fatalf("a long clause starting with not must not negate the date, got %+v", a.Findings)
	}
	a = analyze("it's not working since yesterday", Context{Now: mon})
	if got := a.Found(When); len(got) != 1 || got[0].Value != "2026-11-22" {
		t.Fatalf("a not elsewhere in the clause must not negate the date, got %+v", a.Findings)
	}
}
