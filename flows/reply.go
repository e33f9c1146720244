package flows

import (
	"strconv"
	"strings"
	"time"
)

// reply builds one chat message from catalogue sentences, choosing for each
// key the variant after the one used last time, so the bot does not say the
// same sentence twice in a row.
type reply struct {
	s     *State
	cat   *Catalog
	parts []string
	keys  []string // the keys said, in order
}

func (r *reply) say(key string) { r.sayWith(key, nil) }

func (r *reply) sayWith(key string, data map[string]any) {
	if r.s.Said == nil {
		r.s.Said = map[string]int{}
	}
	lang := r.s.lang()
	n := r.s.Said[key] + 1
	if v := r.cat.Variants(lang, key); v > 0 && n > v {
		n = 1
	}
	r.s.Said[key] = n
	r.keys = append(r.keys, key)
	r.add(r.cat.Text(lang, key, n, data))
}

func (r *reply) add(text string) {
	if text = strings.TrimSpace(text); text != "" {
		r.parts = append(r.parts, text)
	}
}

// media acknowledges the attachments of a burst.
func (r *reply) media(b *burst) {
	if b.media == 1 {
		kind := b.kinds[0]
		switch kind {
		case "image", "voice", "video":
		default:
			kind = "file"
		}
		r.say("media." + kind)
		return
	}
	r.sayWith("media.many", map[string]any{"Count": b.media})
}

// String joins the sentences: with a space in English, directly in Chinese,
// whose full-width punctuation already separates them; Chinese is written
// in the customer's script.
func (r *reply) String() string {
	if r.s.lang() == ZH {
		return ToScript(strings.Join(r.parts, ""), r.s.Script)
	}
	return strings.Join(r.parts, " ")
}

// summaryData is the fact sheet, worded for the summary templates.
func (s *State) summaryData(cat *Catalog) map[string]any {
	lang := s.lang()
	d := map[string]any{}
	if g := s.Facts[Grievance].Value; g != "" {
		d["Grievance"] = strings.TrimRight(g, "。.!！ ")
	} else {
		d["Grievance"] = cat.Text(lang, "summary.none", 1, nil)
	}
	if f := s.Facts[Order]; f.Value != "" {
		d["Order"] = OrderWords(cat, lang, f)
	}
	if f := s.Facts[When]; f.Known() {
		d["When"] = s.dateWords(cat, f)
	}
	if v := s.Facts[Where].Value; v != "" {
		d["Where"] = WhereWords(cat, lang, v)
	}
	if f := s.Facts[Impact]; len(f.Kinds) > 0 {
		var parts []string
		for _, k := range f.Kinds {
			if k == ImpactMoney {
				if f.Amount > 0 {
					parts = append(parts, cat.Text(lang, "impact.money", 1, map[string]any{"Amount": money(f.Amount, f.Currency)}))
				}
				continue
			}
			if k == ImpactDamage {
				if f.Damaged != "" {
					parts = append(parts, cat.Text(lang, "impact.damage", 1, map[string]any{"What": f.Damaged}))
				}
				continue
			}
			parts = append(parts, cat.Text(lang, "impact."+k, 1, nil))
		}
		if len(parts) > 0 {
			d["Impact"] = joinList(cat, lang, parts)
		}
	}
	if f := s.Facts[Outcome]; len(f.Kinds) > 0 {
		var parts []string
		for _, k := range f.Kinds {
			if k == OtherOutcome {
				if f.Value != "" && len(f.Kinds) == 1 {
					parts = append(parts, f.Value)
				}
				continue
			}
			parts = append(parts, cat.Text(lang, "outcome."+k, 1, nil))
		}
		if len(parts) > 0 {
			d["Outcome"] = joinList(cat, lang, parts)
		}
	}
	if f := s.Facts[Deadline]; f.Known() {
		d["Deadline"] = cat.Text(lang, "summary.deadline", 1, map[string]any{"When": s.dateWords(cat, f)})
	}
	if v := s.Facts[Contact].Value; v != "" {
		d["Contact"] = v
	}
	if also := append(append([]string{}, s.Side...), s.Also...); len(also) > 0 {
		sep := "; "
		if lang == ZH {
			sep = "；"
		}
		d["Also"] = strings.Join(also, sep)
	}
	return d
}

// OutcomeWords words the outcome the customer wants, in lang: "a refund and
// an apology", "退款和道歉"; "" when unknown.
func (s *State) OutcomeWords(cat *Catalog, lang Lang) string {
	saved := s.Lang
	s.Lang = lang
	defer func() { s.Lang = saved }()
	v, _ := s.summaryData(cat)["Outcome"].(string)
	return v
}

func joinList(cat *Catalog, lang Lang, parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], cat.Text(lang, "list.sep", 1, nil)) +
		cat.Text(lang, "list.and", 1, nil) + parts[len(parts)-1]
}

var zhWeekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// dateWords words a When fact: "Wednesday 18 November", "11月18日(周三)".
func (s *State) dateWords(cat *Catalog, f Fact) string {
	d, err := time.Parse(time.DateOnly, f.Date)
	if err != nil {
		return f.Value
	}
	lang := s.lang()
	data := map[string]any{"Day": d.Day(), "Year": d.Year()}
	if lang == ZH {
		data["Weekday"] = zhWeekdays[d.Weekday()]
		data["Month"] = int(d.Month())
	} else {
		data["Weekday"] = d.Weekday().String()
		data["Month"] = d.Month().String()
	}
	key := "date.day"
	switch {
	case f.Approx:
		key = "date.approx"
	case !s.LastHeard.IsZero() && d.Year() != s.LastHeard.Year():
		key = "date.year"
	}
	return cat.Text(lang, key, 1, data)
}

var currencySymbols = map[string]string{"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "JP¥"}

// money writes an amount with its currency: "¥300", "$12.50", "300 CHF".
func money(amount float64, currency string) string {
	n := strconv.FormatFloat(amount, 'f', 2, 64)
	n = strings.TrimSuffix(n, ".00")
	if currency == "" {
		return n // said without a currency
	}
	if sym, ok := currencySymbols[currency]; ok {
		return sym + n
	}
	return n + " " + currency
}

// WhereWords words a Where fact in lang: the understanding keeps "online"
// and "online (京东)" language-neutral; the customer reads "网上(京东)".
func WhereWords(cat *Catalog, lang Lang, v string) string {
	switch v {
	case "online":
		return cat.Text(lang, "where.online", 1, nil)
	case WhereHome:
		return cat.Text(lang, "where.home", 1, nil)
	}
	if p, ok := strings.CutPrefix(v, "online ("); ok && strings.HasSuffix(p, ")") {
		return cat.Text(lang, "where.online_at", 1, map[string]any{"Platform": strings.TrimSuffix(p, ")")})
	}
	return v
}

// OrderWords words an Order fact in lang: the number with the product in
// the language's brackets, "B77 (wardrobe)", "B77（衣柜）".
func OrderWords(cat *Catalog, lang Lang, f Fact) string {
	if f.Number != "" && f.Product != "" {
		return cat.Text(lang, "order.with_product", 1, map[string]any{"Number": f.Number, "Product": f.Product})
	}
	return f.Value
}
