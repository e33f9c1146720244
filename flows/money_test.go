package flows

import "testing"

func TestMoneyHanNumbers(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"十", 10, true}, {"十五", 15, true}, {"二十", 20, true}, {"二十三", 23, true}, {"三百", 300, true},
		{"三百五十", 350, true}, {"三百五", 350, true}, {"两千五", 2500, true}, {"两千五百", 2500, true},
		{"一千零五", 1005, true}, {"一万二", 12000, true}, {"十万", 100000, true}, {"一万五千", 15000, true},
		{"二〇二六", 2026, true}, {"1,299.50", 1299.5, true}, {"300", 300, true},
		{"", 0, false}, {"万", 0, false}, {"二三十", 0, false}, {"abc", 0, false}, {"三个", 0, false},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, ok := parseHanNumber(c.in)
			if ok != c.ok || ok && got != c.want {
				t.Fatalf("parseHanNumber(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestMoneyAmounts(t *testing.T) {
	cases := []struct {
		text     string
		value    string
		amount   float64
		currency string
	}{
		{"花了300元", "¥300", 300, "CNY"},
		{"300块", "¥300", 300, "CNY"},
		{"300块钱", "¥300", 300, "CNY"},
		{"三百块", "¥300", 300, "CNY"},
		{"1.5万", "¥15000", 15000, "CNY"},
		{"1.1万元", "¥11000", 11000, "CNY"},
		{"2千元", "¥2000", 2000, "CNY"},
		{"¥1,299.00", "¥1299", 1299, "CNY"},
		{"￥88", "¥88", 88, "CNY"},
		{"RMB 300", "¥300", 300, "CNY"},
		{"cny300", "¥300", 300, "CNY"},
		{"人民币500", "¥500", 500, "CNY"},
		{"$300", "$300", 300, "USD"},
		{"$12.50", "$12.50", 12.5, "USD"},
		{"300 dollars", "$300", 300, "USD"},
		{"50 bucks", "$50", 50, "USD"},
		{"USD 300", "$300", 300, "USD"},
		{"$2k", "$2000", 2000, "USD"},
		{"€50", "€50", 50, "EUR"},
		{"20 euros", "€20", 20, "EUR"},
		{"£20", "£20", 20, "GBP"},
		{"20 quid", "£20", 20, "GBP"},
		{"HK$300", "HK$300", 300, "HKD"},
		{"300港币", "HK$300", 300, "HKD"},
		{"100美元", "$100", 100, "USD"},
		{"花了3,999元", "¥3999", 3999, "CNY"},
		{"300 yuan", "¥300", 300, "CNY"},
		{"多收了我两块", "¥2", 2, "CNY"},
		{"你们收了我五块", "¥5", 5, "CNY"},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			got := analyze(c.text, Context{Now: monday}).Found(Impact)
			if len(got) != 1 {
				t.Fatalf("want one amount, got %+v", got)
			}
			f := got[0]
			if f.Kind != ImpactMoney || f.Value != c.value || f.Amount != c.amount || f.Currency != c.currency {
				t.Fatalf("got %+v, want %s %v %s", f, c.value, c.amount, c.currency)
			}
		})
	}
}

func TestMoneyNotMoney(t *testing.T) {
	for _, text := range []string{
		"买了三块蛋糕",
		"今天用的时候把我的头发烧焦了一块",
		"墙上撞掉一块，沙发没事",
		"屏幕上裂了两块",
		"订单号B300元",
		"版本v1.5万",
		"跑了1.5万公里",
		"我有3万粉丝",
		"it costs a lot",
		"usdt wallet 300",
		"300",
	} {
		t.Run(text, func(t *testing.T) {
			for _, f := range analyze(text, Context{Now: monday}).Findings {
				if f.Slot == Impact && f.Kind == ImpactMoney {
					t.Fatalf("read money %+v", f)
				}
			}
		})
	}
}
