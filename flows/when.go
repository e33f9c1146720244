package flows

import "time"

// At words a moment for a customer or the team: the day as dateWords
// writes it and the clock time, "Tuesday 1 December 18:00",
// "12月1日(周二) 18:00". t is shown in its own location.
func (c *Catalog) At(lang Lang, t time.Time) string {
	lang = norm(lang)
	data := map[string]any{"Day": t.Day(), "Year": t.Year()}
	if lang == ZH {
		data["Weekday"] = zhWeekdays[t.Weekday()]
		data["Month"] = int(t.Month())
	} else {
		data["Weekday"] = t.Weekday().String()
		data["Month"] = t.Month().String()
	}
	return c.Text(lang, "date.day", 1, data) + " " + t.Format("15:04")
}
