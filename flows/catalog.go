package flows

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed catalog/*.toml
var catalogFiles embed.FS

// Catalog holds every sentence the bot says, in Chinese and English, each
// with one or more variants so that the bot does not say the same sentence
// twice in a row. Sentences are go-i18n messages whose text is a Go
// template; plural forms ("1 minute", "15 minutes") use go-i18n's plural
// rules.
//
// The defaults are embedded (flows/catalog/zh*.toml and en*.toml). An override
// file replaces whole entries; see ParseOverrides for its format.
type Catalog struct {
	bundle   *i18n.Bundle
	local    map[Lang]*i18n.Localizer
	variants map[Lang]map[string]int // key → number of variants
	plural   map[string]bool         // keys with plural forms
}

// entry is one catalogue entry as written in TOML: a sentence, a list of
// variant sentences, or a table of plural forms.
type entry struct {
	variants []string
	plural   map[string]string // one, other, …
}

// NewCatalog returns the default catalogue with the overrides applied, in
// order. Each override maps a language to entries; an entry replaces the
// default entry of the same key completely (all its variants).
func NewCatalog(overrides ...map[Lang]map[string]any) (*Catalog, error) {
	entries := map[Lang]map[string]entry{}
	for _, lang := range []Lang{ZH, EN} {
		// zh.toml, zh.case.toml, zh.time.toml …: one file per part of
		// the product; a key may be defined in only one of them.
		names, err := fs.Glob(catalogFiles, "catalog/"+string(lang)+"*.toml")
		if err != nil {
			return nil, err
		}
		entries[lang] = map[string]entry{}
		for _, name := range names {
			base := path.Base(name)
			if base != string(lang)+".toml" && !strings.HasPrefix(base, string(lang)+".") {
				continue
			}
			b, err := catalogFiles.ReadFile(name)
			if err != nil {
				return nil, err
			}
			var raw map[string]any
			if _, err := toml.NewDecoder(bytes.NewReader(b)).Decode(&raw); err != nil {
				return nil, fmt.Errorf("catalog %s: %w", base, err)
			}
			m, err := parseEntries(raw)
			if err != nil {
				return nil, fmt.Errorf("catalog %s: %w", base, err)
			}
			for k, e := range m {
				if _, dup := entries[lang][k]; dup {
					return nil, fmt.Errorf("catalog %s: %q is defined twice", base, k)
				}
				entries[lang][k] = e
			}
		}
	}
	for _, o := range overrides {
		for lang, raw := range o {
			if entries[lang] == nil {
				return nil, fmt.Errorf("wording override: unknown language %q (use zh or en)", lang)
			}
			m, err := parseEntries(raw)
			if err != nil {
				return nil, fmt.Errorf("wording override %s: %w", lang, err)
			}
			for k, e := range m {
				if _, ok := entries[lang][k]; !ok {
					return nil, fmt.Errorf("wording override %s: unknown key %q", lang, k)
				}
				entries[lang][k] = e
			}
		}
	}

	c := &Catalog{
		bundle:   i18n.NewBundle(language.English),
		local:    map[Lang]*i18n.Localizer{},
		variants: map[Lang]map[string]int{},
		plural:   map[string]bool{},
	}
	for lang, m := range entries {
		tag := language.English
		if lang == ZH {
			tag = language.SimplifiedChinese
		}
		c.variants[lang] = map[string]int{}
		for key, e := range m {
			if e.plural != nil {
				msg := &i18n.Message{ID: key + "#1", One: e.plural["one"], Other: e.plural["other"]}
				if msg.Other == "" {
					return nil, fmt.Errorf("catalog %s: %s: plural entry needs \"other\"", lang, key)
				}
				if err := c.bundle.AddMessages(tag, msg); err != nil {
					return nil, err
				}
				c.variants[lang][key] = 1
				c.plural[key] = true
				continue
			}
			for i, v := range e.variants {
				if err := c.bundle.AddMessages(tag, &i18n.Message{ID: fmt.Sprintf("%s#%d", key, i+1), Other: v}); err != nil {
					return nil, err
				}
			}
			c.variants[lang][key] = len(e.variants)
		}
		c.local[lang] = i18n.NewLocalizer(c.bundle, tag.String())
	}
	// Every key must exist in both languages: a sentence missing in one
	// would leave a customer without an answer.
	for k := range c.variants[ZH] {
		if c.variants[EN][k] == 0 {
			return nil, fmt.Errorf("catalog: %q has Chinese wording but no English", k)
		}
	}
	for k := range c.variants[EN] {
		if c.variants[ZH][k] == 0 {
			return nil, fmt.Errorf("catalog: %q has English wording but no Chinese", k)
		}
	}
	// Render every sentence once with empty data, so a broken template in
	// an override fails at start-up, not in front of a customer.
	for lang, m := range c.variants {
		for k, n := range m {
			for i := 1; i <= n; i++ {
				if _, err := c.render(lang, k, i, nil); err != nil {
					return nil, fmt.Errorf("catalog %s: %s: %w", lang, k, err)
				}
			}
		}
	}
	return c, nil
}

// MustCatalog returns the default catalogue and panics if it is broken; the
// defaults are tested, so it does not.
func MustCatalog() *Catalog {
	c, err := NewCatalog()
	if err != nil {
		panic(err)
	}
	return c
}

// ParseOverrides reads a wording override file: TOML with a [zh] and/or an
// [en] table whose keys are catalogue keys and whose values are a sentence,
// a list of variant sentences, or a table of plural forms:
//
//	[en]
//	"ask.order" = ["What's the order number?", "Which order is it?"]
//	[zh]
//	"thanks" = "谢谢您告诉我们。"
func ParseOverrides(data []byte) (map[Lang]map[string]any, error) {
	var raw map[string]map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil {
		return nil, fmt.Errorf("wording override: %w", err)
	}
	out := map[Lang]map[string]any{}
	for k, v := range raw {
		out[Lang(k)] = v
	}
	return out, nil
}

func parseEntries(raw map[string]any) (map[string]entry, error) {
	out := make(map[string]entry, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = entry{variants: []string{v}}
		case []any:
			var vs []string
			for _, x := range v {
				s, ok := x.(string)
				if !ok {
					return nil, fmt.Errorf("%s: variants must be strings", k)
				}
				vs = append(vs, s)
			}
			if len(vs) == 0 {
				return nil, fmt.Errorf("%s: no wording", k)
			}
			out[k] = entry{variants: vs}
		case map[string]any:
			p := map[string]string{}
			for form, x := range v {
				s, ok := x.(string)
				if !ok {
					return nil, fmt.Errorf("%s.%s: must be a string", k, form)
				}
				p[form] = s
			}
			out[k] = entry{plural: p}
		default:
			return nil, fmt.Errorf("%s: want a sentence, a list of sentences or plural forms", k)
		}
	}
	return out, nil
}

// Keys returns every catalogue key, sorted.
func (c *Catalog) Keys() []string {
	var keys []string
	for k := range c.variants[EN] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Variants returns how many variants a key has in lang (0 if unknown).
func (c *Catalog) Variants(lang Lang, key string) int { return c.variants[norm(lang)][key] }

// Text returns variant n (1-based, wrapped around) of key in lang, filled
// with data. Chinese is typeset as Chinese is (zhTypography: a space around
// Latin words such as a colleague's name, full-width punctuation). A key
// the catalogue does not have renders as the key itself in brackets, which
// tests catch.
func (c *Catalog) Text(lang Lang, key string, n int, data map[string]any) string {
	lang = norm(lang)
	count := c.variants[lang][key]
	if count == 0 {
		return "[" + key + "]"
	}
	if n < 1 {
		n = 1
	}
	n = (n-1)%count + 1
	s, err := c.render(lang, key, n, data)
	if err != nil {
		return "[" + key + "]"
	}
	if lang == ZH {
		s = zhTypography(s)
	}
	return s
}

func (c *Catalog) render(lang Lang, key string, n int, data map[string]any) (string, error) {
	cfg := &i18n.LocalizeConfig{MessageID: fmt.Sprintf("%s#%d", key, n), TemplateData: data}
	if count, ok := data["Count"]; ok && c.plural[key] {
		cfg.PluralCount = count
	}
	return c.local[lang].Localize(cfg)
}

func norm(l Lang) Lang {
	if l == ZH {
		return ZH
	}
	return EN
}

// Duration words a duration as a person would in chat: "15 minutes",
// "1 hour 30 minutes", "2 days"; "15 分钟", "1 小时 30 分钟".
func (c *Catalog) Duration(lang Lang, d time.Duration) string {
	if d < time.Minute {
		d = time.Minute
	}
	d = d.Round(time.Minute)
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	hours := int(d / time.Hour)
	d -= time.Duration(hours) * time.Hour
	mins := int(d / time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, c.Text(lang, "unit.days", 1, map[string]any{"Count": days}))
	}
	if hours > 0 {
		parts = append(parts, c.Text(lang, "unit.hours", 1, map[string]any{"Count": hours}))
	}
	if mins > 0 && days == 0 {
		parts = append(parts, c.Text(lang, "unit.minutes", 1, map[string]any{"Count": mins}))
	}
	return strings.Join(parts, " ")
}
