package flows

import (
	"testing"
	"time"
	_ "time/tzdata"
)

// promiseNow is Friday 2026-11-27 15:04 in Shanghai: the afternoon of the
// last working day of a week, when "Friday 10:00" has passed and "next
// Monday" is three days on.
func promiseNow(tb testing.TB) time.Time {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	return time.Date(2026, 11, 27, 15, 4, 0, 0, loc)
}

func TestParseTime(t *testing.T) {
	now := promiseNow(t)
	tests := []struct {
		name, text string
		want       string // "2006-01-02 15:04" in Shanghai; "" for no time
	}{
		// A day and a time.
		{"tomorrow 24h", "tomorrow 18:00", "2026-11-28 18:00"},
		{"tomorrow pm", "tomorrow 6pm", "2026-11-28 18:00"},
		{"tomorrow capitalised", "Tomorrow 6 PM", "2026-11-28 18:00"},
		{"tomorrow p.m.", "tomorrow 6 p.m.", "2026-11-28 18:00"},
		{"time then day", "6pm tomorrow", "2026-11-28 18:00"},
		{"tomorrow half past", "10:30am tomorrow", "2026-11-28 10:30"},
		{"by tomorrow", "by tomorrow 6pm", "2026-11-28 18:00"},
		{"tomorrow typo", "tomorow 5pm", "2026-11-28 17:00"},
		{"tmrw", "tmrw 11am", "2026-11-28 11:00"},
		{"明天下午6点", "明天下午6点", "2026-11-28 18:00"},
		{"明天下午6點 traditional", "明天下午6點", "2026-11-28 18:00"},
		{"明天18:00", "明天18:00", "2026-11-28 18:00"},
		{"明天 full-width colon", "明天18：00", "2026-11-28 18:00"},
		{"明天 full-width digits", "明天１８：３０", "2026-11-28 18:30"},
		{"明天晚上8点半", "明天晚上8点半", "2026-11-28 20:30"},
		{"明天上午十点", "明天上午十点", "2026-11-28 10:00"},
		{"明天10点一刻", "明天10点一刻", "2026-11-28 10:15"},
		{"明天6点 bare hour is afternoon", "明天6点", "2026-11-28 18:00"},
		{"明早8点", "明早8点", "2026-11-28 08:00"},
		{"后天上午", "后天上午", "2026-11-29 12:00"},
		{"後天下午3點 traditional", "後天下午3點", "2026-11-29 15:00"},
		{"大后天", "大后天", "2026-11-30 18:00"},
		{"day after tomorrow", "the day after tomorrow 9am", "2026-11-29 09:00"},
		{"ISO", "2026-12-01 10:00", "2026-12-01 10:00"},
		{"ISO slashes", "2026/12/01 10:00", "2026-12-01 10:00"},
		{"ISO dots no time", "2026.12.1", "2026-12-01 18:00"},
		{"年月日", "2026年12月1日 下午3点", "2026-12-01 15:00"},
		{"12月1日 10点", "12月1日 10点", "2026-12-01 10:00"},
		{"12月1号 no time", "12月1号", "2026-12-01 18:00"},
		{"十二月一日", "十二月一日", "2026-12-01 18:00"},
		{"12/1 10:00", "12/1 10:00", "2026-12-01 10:00"},
		{"month/day passed is next year", "3/2", "2027-03-02 18:00"},
		{"dec 1", "Dec 1", "2026-12-01 18:00"},
		{"1 dec", "1 dec 9am", "2026-12-01 09:00"},
		{"december 1st", "December 1st 10am", "2026-12-01 10:00"},
		{"day of month", "30号", "2026-11-30 18:00"},
		{"day of month passed", "15号上午", "2026-12-15 12:00"},
		{"the 30th", "by the 30th", "2026-11-30 18:00"},

		// Weekdays. Today is Friday.
		{"周一", "周一", "2026-11-30 18:00"},
		{"星期一 traditional", "星期一", "2026-11-30 18:00"},
		{"周一10点 digits after weekday", "周一10点", "2026-11-30 10:00"},
		{"周三十点 numeral after weekday", "周三十点", "2026-12-02 10:00"},
		{"下周一上午10点", "下周一上午10点", "2026-11-30 10:00"},
		{"下週一上午10點 traditional", "下週一上午10點", "2026-11-30 10:00"},
		{"下下周一", "下下周一", "2026-12-07 18:00"},
		{"周五上午10点 passed is next week", "周五上午10点", "2026-12-04 10:00"},
		{"週五 later today", "週五下午5点", "2026-11-27 17:00"},
		{"这周五 stays this week", "这周五", "2026-11-27 18:00"},
		{"本周五上午 past", "本周五上午10点", "2026-11-27 10:00"},
		{"礼拜天", "礼拜天", "2026-11-29 18:00"},
		{"next Monday 10am", "next Monday 10am", "2026-11-30 10:00"},
		{"Monday", "Monday", "2026-11-30 18:00"},
		{"mon 9am", "mon 9am", "2026-11-30 09:00"},
		{"on tuesday", "on tuesday 5:30pm", "2026-12-01 17:30"},
		{"friday today", "friday", "2026-11-27 18:00"},
		{"fri 3pm passed", "fri 3pm", "2026-12-04 15:00"},
		{"next friday", "next friday", "2026-12-04 18:00"},
		{"this friday 10am past", "this friday 10am", "2026-11-27 10:00"},

		// Offsets.
		{"in 2 hours", "in 2 hours", "2026-11-27 17:04"},
		{"in 2h", "in 2h", "2026-11-27 17:04"},
		{"in an hour", "in an hour", "2026-11-27 16:04"},
		{"in half an hour", "in half an hour", "2026-11-27 15:34"},
		{"in 1.5 hours", "in 1.5 hours", "2026-11-27 16:34"},
		{"in 90 min", "in 90 min", "2026-11-27 16:34"},
		{"within 3 days", "within 3 days", "2026-11-30 15:04"},
		{"2 hours from now", "2 hours from now", "2026-11-27 17:04"},
		{"bare 2 hours", "2 hours", "2026-11-27 17:04"},
		{"bare 48h", "48h", "2026-11-29 15:04"},
		{"in 2 weeks", "in 2 weeks", "2026-12-11 15:04"},
		{"2小时后", "2小时后", "2026-11-27 17:04"},
		{"两个小时后", "两个小时后", "2026-11-27 17:04"},
		{"兩個小時後 traditional", "兩個小時後", "2026-11-27 17:04"},
		{"半小时后", "半小时后", "2026-11-27 15:34"},
		{"一个半小时后", "一个半小时后", "2026-11-27 16:34"},
		{"半天内", "半天内", "2026-11-28 03:04"},
		{"十分钟后", "十分钟后", "2026-11-27 15:14"},
		{"3天内", "3天内", "2026-11-30 15:04"},
		{"三天内", "三天内", "2026-11-30 15:04"},
		{"24小时内", "24小时内", "2026-11-28 15:04"},
		{"两周内", "两周内", "2026-12-11 15:04"},
		{"bare 3天", "3天", "2026-11-30 15:04"},
		{"3 business days", "within 3 business days", "2026-12-02 18:00"},
		{"1 working day skips the weekend", "1 working day", "2026-11-30 18:00"},
		{"3个工作日内", "3个工作日内", "2026-12-02 18:00"},

		// Parts of the day: a promise falls due at the end of the part.
		{"tonight", "tonight", "2026-11-27 21:00"},
		{"tonight at 8", "tonight at 8", "2026-11-27 20:00"},
		{"今晚", "今晚", "2026-11-27 21:00"},
		{"今晚8点", "今晚8点", "2026-11-27 20:00"},
		{"晚上12点 is midnight", "今天晚上12点", "2026-11-27 23:59"},
		{"today 17:00", "today 17:00", "2026-11-27 17:00"},
		{"today 9:00 has passed", "today 9:00", "2026-11-27 09:00"},
		{"今天下午5点", "今天下午5点", "2026-11-27 17:00"},
		{"今天下午 ends at six", "今天下午", "2026-11-27 18:00"},
		{"下午 alone", "下午", "2026-11-27 18:00"},
		{"上午 alone has passed", "上午", "2026-11-28 12:00"},
		{"tomorrow morning", "tomorrow morning", "2026-11-28 12:00"},
		{"tomorrow afternoon is not noon", "tomorrow afternoon", "2026-11-28 18:00"},
		{"tomorrow evening", "tomorrow evening", "2026-11-28 21:00"},
		{"明天中午", "明天中午", "2026-11-28 12:00"},
		{"中午1点", "明天中午1点", "2026-11-28 13:00"},
		{"明晚", "明晚", "2026-11-28 21:00"},
		{"end of day", "end of day", "2026-11-27 18:00"},
		{"eod", "EOD", "2026-11-27 18:00"},
		{"close of business tomorrow", "close of business tomorrow", "2026-11-28 18:00"},
		{"今天下班前", "今天下班前", "2026-11-27 18:00"},
		{"明天下班前", "明天下班前", "2026-11-28 18:00"},
		{"end of the week", "end of the week", "2026-11-27 18:00"},
		{"本周内", "本周内", "2026-11-27 18:00"},
		{"下周末前 is next week's Friday", "下周末前", "2026-12-04 18:00"},
		{"before next weekend", "before next weekend", "2026-12-04 18:00"},
		{"月底", "月底", "2026-11-30 18:00"},

		// A time alone: today, or tomorrow when it has passed.
		{"18:30", "18:30", "2026-11-27 18:30"},
		{"15:00 has passed", "15:00", "2026-11-28 15:00"},
		{"6点 is this evening", "6点", "2026-11-27 18:00"},
		{"6点半", "6点半", "2026-11-27 18:30"},
		{"06:00 with a leading zero is morning", "06:00", "2026-11-28 06:00"},
		{"10点15分", "10点15分", "2026-11-28 10:15"},
		{"十八点", "十八点", "2026-11-27 18:00"},
		{"18時 traditional", "18時", "2026-11-27 18:00"},
		{"早上8点", "早上8点", "2026-11-28 08:00"},
		{"凌晨2点", "凌晨2点", "2026-11-28 02:00"},
		{"at 5", "at 5", "2026-11-27 17:00"},
		{"5 o'clock", "5 o'clock", "2026-11-27 17:00"},
		{"by 5pm", "by 5pm", "2026-11-27 17:00"},
		{"noon", "noon", "2026-11-28 12:00"},
		{"midnight", "midnight", "2026-11-27 23:59"},
		{"24:00", "24:00", "2026-11-27 23:59"},

		// No time.
		{"empty", "", ""},
		{"spaces", "   ", ""},
		{"garbage", "asdf", ""},
		{"words", "we will sort it out", ""},
		{"number", "42", ""},
		{"bare hour", "6", ""},
		{"bad month", "2026-13-01", ""},
		{"bad day", "2月30日", ""},
		{"yesterday", "yesterday", ""},
		{"昨天", "昨天", ""},
		{"next week is too vague", "next week", ""},
		{"下周 is too vague", "下周", ""},
		{"周末 is too vague", "周末", ""},
		{"month alone", "5月", ""},
		{"zero offset", "in 0 hours", ""},
		{"month inside a word", "market 5", ""},
		{"am inside a word", "6 amazing", ""},
		{"soon", "soon", ""},
		{"尽快", "尽快", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseTime(tt.text, now)
			if tt.want == "" {
				if ok {
					t.Fatalf("ParseTime(%q) = %s, want no time", tt.text, got.Format(time.DateTime))
				}
				return
			}
			if !ok {
				t.Fatalf("ParseTime(%q) = no time, want %s", tt.text, tt.want)
			}
			if s := got.Format("2006-01-02 15:04"); s != tt.want {
				t.Errorf("ParseTime(%q) = %s (%s), want %s", tt.text, s, got.Weekday(), tt.want)
			}
			if got.Location() != now.Location() {
				t.Errorf("ParseTime(%q) is in %s, want %s", tt.text, got.Location(), now.Location())
			}
		})
	}
}

// TestParseTimeDST checks that days are counted on the calendar and offsets
// on the clock across the end of daylight saving time in New York
// (2026-11-01 02:00 EDT becomes 01:00 EST).
func TestParseTimeDST(t *testing.T) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err) // time/tzdata is linked in: the zone is always there
	}
	now := time.Date(2026, 10, 31, 12, 0, 0, 0, loc)
	tests := []struct {
		text string
		want time.Time
	}{
		{"tomorrow 6pm", time.Date(2026, 11, 1, 18, 0, 0, 0, loc)},
		{"tomorrow", time.Date(2026, 11, 1, 18, 0, 0, 0, loc)},
		{"Monday 9am", time.Date(2026, 11, 2, 9, 0, 0, 0, loc)},
		{"in 24 hours", time.Date(2026, 11, 1, 11, 0, 0, 0, loc)}, // 24 h of clock time: one hour is repeated
	}
	for _, tt := range tests {
		got, ok := ParseTime(tt.text, now)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %s, %v; want %s", tt.text, got, ok, tt.want)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"tomorrow 18:00", "明天下午6点", "2026-12-01 10:00", "周五上午10点", "in 2 hours", "2小时后", "3个工作日内",
		"12/1 10:00", "今晚", "晚上12点", "24:00", "一个半小时后", "Dec 31", "2月29日", "the 31st", "", "\xff\xfe"} {
		f.Add(s)
	}
	now := promiseNow(f)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseTime(s, now)
		if !ok {
			if !got.IsZero() {
				t.Fatalf("ParseTime(%q) = %s with false, want the zero time", s, got)
			}
			return
		}
		if got.Location() != now.Location() {
			t.Fatalf("ParseTime(%q) is in %s", s, got.Location())
		}
		if got.Second() != 0 || got.Nanosecond() != 0 {
			t.Fatalf("ParseTime(%q) = %s, want whole minutes", s, got)
		}
	})
}
