package flows

import (
	"strings"
	"sync"

	"github.com/longbridgeapp/opencc"
)

// Script is how a Chinese-writing customer writes: simplified characters
// (the zero value), traditional characters as in Taiwan, or traditional
// characters with Hong Kong forms and Cantonese words. The bot answers in
// the customer's script (issue 11): its wording is written in simplified
// characters and converted, phrase by phrase, by
// github.com/longbridgeapp/opencc v0.3.13 (OpenCC's dictionaries in pure
// Go). Reading stays character by character (hant.go), because the
// understanding needs one rune of the normalised text per rune written.
type Script string

// The scripts.
const (
	Simplified    Script = ""
	Traditional   Script = "hant"    // Taiwan forms (OpenCC s2tw)
	TraditionalHK Script = "hant-hk" // Hong Kong forms (OpenCC s2hk)
)

// cantoneseMarks are characters only written Cantonese uses: a customer
// who writes them is answered with Hong Kong forms.
const cantoneseMarks = "嘅咗唔冇啲嚟佢哋喺嘢咩乜睇攞嗰畀"

// ScriptOf tells the script a text is written in: Traditional when it has
// traditional characters, TraditionalHK when it also has Cantonese words,
// Simplified otherwise (also for text without Chinese).
func ScriptOf(text string) Script {
	trad := false
	for _, r := range text {
		if _, t := hansRune(r); t {
			trad = true
			break
		}
	}
	if !trad {
		return Simplified
	}
	if strings.ContainsAny(text, cantoneseMarks) {
		return TraditionalHK
	}
	return Traditional
}

var (
	converterOnce sync.Map // Script → *sync.Once
	converters    sync.Map // Script → *opencc.OpenCC
)

// converter returns the OpenCC converter for a script, loading it on first
// use (about 70 ms and 8 MB each); nil for Simplified or when it cannot be
// loaded.
func converter(sc Script) *opencc.OpenCC {
	name := map[Script]string{Traditional: "s2tw", TraditionalHK: "s2hk"}[sc]
	if name == "" {
		return nil
	}
	once, _ := converterOnce.LoadOrStore(sc, &sync.Once{})
	once.(*sync.Once).Do(func() {
		if cc, err := opencc.New(name); err == nil {
			converters.Store(sc, cc)
		}
	})
	cc, _ := converters.Load(sc)
	c, _ := cc.(*opencc.OpenCC)
	return c
}

// ToScript writes Chinese text in a script: simplified text is converted
// to traditional characters for Traditional and TraditionalHK, and left as
// it is for Simplified. Text without Chinese characters is returned as it
// is, and so are the customer's own words quoted between “ and ”. It
// never fails: if the conversion cannot be made, the text is returned
// unchanged.
func ToScript(text string, sc Script) (out string) {
	if sc == Simplified || !HasHan(text) {
		return text
	}
	cc := converter(sc)
	if cc == nil {
		return text
	}
	defer func() {
		if recover() != nil {
			out = text
		}
	}()
	var b strings.Builder
	for rest := text; rest != ""; {
		// The customer's own words, quoted back to them between “ and ”,
		// stay as they wrote them.
		open := strings.Index(rest, "“")
		if open < 0 {
			open = len(rest)
		}
		s, err := cc.Convert(rest[:open])
		if err != nil {
			return text
		}
		b.WriteString(s)
		rest = rest[open:]
		if rest == "" {
			break
		}
		end := strings.Index(rest, "”")
		if end < 0 {
			end = len(rest)
		} else {
			end += len("”")
		}
		b.WriteString(rest[:end])
		rest = rest[end:]
	}
	return b.String()
}

// TextIn is Text written in a script: the same sentence, in traditional
// characters for a customer who writes them (see Script). For English, or
// with Simplified, it is Text.
func (c *Catalog) TextIn(lang Lang, sc Script, key string, n int, data map[string]any) string {
	s := c.Text(lang, key, n, data)
	if norm(lang) != ZH {
		return s
	}
	return ToScript(s, sc)
}
