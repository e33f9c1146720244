package flows

import "testing"

func TestPhoneNumbers(t *testing.T) {
	cases := []struct {
		name, text string
		expect     Slot
		want       string // E.164, or "" for no phone
	}{
		{"cn mobile alone", "13812345678", "", "+8613812345678"},
		{"cn mobile in a sentence", "有事打我手机13812345678", "", "+8613812345678"},
		{"cn mobile spaced", "手机 138 1234 5678", "", "+8613812345678"},
		{"cn mobile with +86", "+86 138 1234 5678", "", "+8613812345678"},
		{"cn mobile with dashes", "138-1234-5678", "", "+8613812345678"},
		{"shanghai landline", "电话021-12345678", "", "+862112345678"},
		{"shenzhen landline", "0755 8888 8888", "", "+8675588888888"},
		{"us with +1", "+1 415 867 5309", "", "+14158675309"},
		{"us formatted with cue", "call me at (415) 867-5309", "", "+14158675309"},
		{"us dashed", "my number is 415-867-5309", "", "+14158675309"},
		{"uk with +44", "+44 20 7946 0958", "", "+442079460958"},
		{"uk mobile in english, no country code", "you can reach me at 07911 123456", "", "+447911123456"},
		{"uk landline in english, no country code", "my number is 020 7946 0958", "", "+442079460958"},
		{"after an order word it is an order", "订单号13812345678", "", ""},
		{"after order in english it is an order", "order 13812345678", "", ""},
		{"tracking number", "快递单号13812345678", "", ""},
		{"answer to the order question", "13812345678", Order, ""},
		{"bare ten digits in english without a cue", "4158675309", "", ""},
		{"bare ten digits as a contact answer", "4158675309", Contact, "+14158675309"},
		{"too short", "电话12345", "", ""},
		{"hotline without a cue", "400-800-1234", "", ""},
		{"inside a longer token", "SN13812345678X", "", ""},
		{"a date is no phone", "2026-11-03", "", ""},
		{"a price is no phone", "¥13812345678", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := analyze(c.text, Context{Now: monday, Expect: c.expect})
			var phones []string
			for _, f := range a.Findings {
				if f.Slot == Contact && f.Kind == ContactPhone {
					phones = append(phones, f.Value)
				}
			}
			if c.want == "" {
				if len(phones) != 0 {
					t.Fatalf("want no phone, got %v", phones)
				}
				return
			}
			if len(phones) != 1 || phones[0] != c.want {
				t.Fatalf("want %s, got %v\n%s", c.want, phones, describe(a))
			}
		})
	}
}

func TestPhoneChecksAreBounded(t *testing.T) {
	text := ""
	for i := 0; i < 100; i++ {
		text += "手机13812345678 "
	}
	a := analyze(text, Context{Now: monday})
	if n := len(a.Found(Contact)); n != 1 {
		t.Fatalf("one number said a hundred times is one contact, got %d", n)
	}
}
