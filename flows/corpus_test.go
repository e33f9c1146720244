package flows

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"
)

// The conversation corpus (testdata/corpus/*.toml) is a set of realistic
// complaint intakes, each played through State.Receive and State.Answer
// with a fixed clock, and checked: the facts the bot ends up with, the
// emotion, the risks, the language and script of its replies, and, for
// every conversation, the properties the bot must never break (it never
// asks for a fact it already has, never says it corrected something when
// nothing changed, never shows a key or a template error, keeps Chinese
// typography). The state is checked through its JSON, the form it is stored
// in, so the corpus reads the fact sheet as the bot stores it.
//
// Play one conversation and print it with:
//
//	go test ./flows -run TestCorpus -corpus.show=<name>

var corpusShow = flag.String("corpus.show", "", "print the transcript of the corpus conversations whose name contains this")

// corpusFile is one file of the corpus.
type corpusFile struct {
	Conv []corpusConv `toml:"conv"`
}

// corpusConv is one conversation: the customer's bursts and what the bot
// must make of them.
type corpusConv struct {
	Name    string       `toml:"name"`
	Classes []string     `toml:"classes"`
	Now     string       `toml:"now"` // RFC 3339; default Monday 2026-11-23 10:00 Shanghai
	Turns   []corpusTurn `toml:"turn"`
	Want    corpusWant   `toml:"want"`
}

// corpusTurn is one burst and what the reply to it must do.
type corpusTurn struct {
	Say []string `toml:"say"`
	// Has and Lacks are words the reply must (not) contain, compared after
	// FoldText (case and script do not matter).
	Has   []string `toml:"has"`
	Lacks []string `toml:"lacks"`
	// Keys and NotKeys are catalogue keys whose wording must (not) be in
	// the reply (any variant, without data).
	Keys    []string `toml:"keys"`
	NotKeys []string `toml:"not_keys"`
	// Asks is the slot the reply asks for ("" not checked, "none" for no
	// slot question).
	Asks string `toml:"asks"`
	// Phase is the phase after the turn.
	Phase string `toml:"phase"`
	// End is how the intake ends with this turn ("" not checked).
	End string `toml:"end"`
	// Script is the script the reply must be written in: "hans" or "hant".
	Script string `toml:"script"`
	// Lang is the language the reply must be in.
	Lang string `toml:"lang"`
}

// corpusWant is what the intake must end with.
type corpusWant struct {
	// Facts checks the fact sheet: slot → field → want. A field is a JSON
	// field of Fact (value, number, product, date, approx, kinds, amount,
	// currency, skipped, or any field added later); the want is compared
	// exactly, except that "<field>_has" wants substrings, "<field>_lacks"
	// forbids them, "kinds_has" wants at least those kinds and
	// "known = false" wants no value.
	Facts map[string]map[string]any `toml:"facts"`
	// Emotion lists the emotions allowed at the end (State.Emotion).
	Emotion []string `toml:"emotion"`
	// Risks is the exact set of risks, when set (an empty list wants none).
	Risks *[]string `toml:"risks"`
	// RisksHas wants at least these risks.
	RisksHas []string `toml:"risks_has"`
	Lang     string   `toml:"lang"`
	// State checks other fields of the state's JSON, as Facts does.
	State map[string]any `toml:"state"`
	// AlsoEmpty wants nothing kept as unplaced text (State.Also).
	AlsoEmpty bool `toml:"also_empty"`
	// NeverAsks lists slots the bot must never ask for in this
	// conversation.
	NeverAsks []string `toml:"never_asks"`
	// CloseHas and CloseLacks check the closing words (State.Close).
	CloseHas   []string `toml:"close_has"`
	CloseLacks []string `toml:"close_lacks"`
	// SummaryHas and SummaryLacks check the case summary (CaseSummary).
	SummaryHas   []string `toml:"summary_has"`
	SummaryLacks []string `toml:"summary_lacks"`
}

// corpusBase is the default clock: Monday 2026-11-23 10:00 in Shanghai.
var corpusBase = time.Date(2026, 11, 23, 10, 0, 0, 0, shanghai)

func loadCorpus(tb testing.TB) []corpusConv {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.toml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no corpus files: %v", err)
	}
	sort.Strings(files)
	var all []corpusConv
	seen := map[string]bool{}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		var f corpusFile
		md, err := toml.Decode(string(b), &f)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		if undec := md.Undecoded(); len(undec) > 0 {
			tb.Fatalf("%s: unknown keys %v", name, undec)
		}
		for _, c := range f.Conv {
			if c.Name == "" || seen[c.Name] {
				tb.Fatalf("%s: conversation name %q is empty or used twice", name, c.Name)
			}
			seen[c.Name] = true
			all = append(all, c)
		}
	}
	return all
}

// corpusMinimumPassing is how many conversations must pass; -1 wants
// every one. Before the fixes of issue 11 (the code of main at 6255a49),
// 22 of the first 162 conversations passed, and 23 of all 182; the 20 of
// 10_heldout.toml, written after the fixes for the first nine files,
// passed 16 of 20 when written.
const corpusMinimumPassing = -1

func TestCorpus(t *testing.T) {
	convs := loadCorpus(t)
	cat := MustCatalog()
	passed := 0
	classes := map[string]int{}
	var failures []string
	for _, c := range convs {
		for _, cl := range c.Classes {
			classes[cl]++
		}
		problems, transcript := playCorpus(t, cat, c)
		if *corpusShow != "" && strings.Contains(c.Name, *corpusShow) {
			t.Logf("%s\n%s", c.Name, transcript)
		}
		if len(problems) == 0 {
			passed++
			continue
		}
		failures = append(failures, fmt.Sprintf("%s:\n    %s\n  transcript:\n%s", c.Name, strings.Join(problems, "\n    "), transcript))
	}
	t.Logf("corpus: %d of %d conversations pass (%.1f%%)", passed, len(convs), 100*float64(passed)/float64(len(convs)))
	var names []string
	for cl := range classes {
		names = append(names, cl)
	}
	sort.Strings(names)
	for _, cl := range names {
		t.Logf("  class %-12s %3d conversations", cl, classes[cl])
	}
	if len(convs) < 150 {
		t.Errorf("the corpus has %d conversations, want at least 150", len(convs))
	}
	for _, cl := range names {
		if classes[cl] < 10 {
			t.Errorf("class %s has %d conversations, want at least 10", cl, classes[cl])
		}
	}
	if corpusMinimumPassing >= 0 {
		if passed < corpusMinimumPassing {
			t.Errorf("%d conversations pass, fewer than the %d recorded", passed, corpusMinimumPassing)
		}
		for _, f := range failures {
			t.Log(f)
		}
		return
	}
	for _, f := range failures {
		t.Error(f)
	}
}

// playCorpus plays one conversation and returns what it got wrong and the
// transcript.
func playCorpus(t *testing.T, cat *Catalog, c corpusConv) (problems []string, transcript string) {
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var tr strings.Builder
	defer func() {
		if r := recover(); r != nil {
			fail("panic: %v", r)
			transcript = tr.String()
		}
	}()
	now := corpusBase
	if c.Now != "" {
		var err error
		if now, err = time.Parse(time.RFC3339, c.Now); err != nil {
			t.Fatalf("%s: now: %v", c.Name, err)
		}
		now = now.In(shanghai)
	}
	cfg := Config{Catalog: cat, Quiet: 3 * time.Second, Window: 15 * time.Minute}
	var st State
	n := 0
	never := map[Slot]bool{}
	for _, s := range c.Want.NeverAsks {
		never[Slot(s)] = true
	}
	var replies []string
	for ti, turn := range c.Turns {
		if !st.Open() && st.Phase != "" {
			fail("turn %d: the intake had already ended", ti+1)
			break
		}
		before := factsJSON(st.Facts)
		knownBefore := map[Slot]bool{}
		for _, slot := range Slots {
			knownBefore[slot] = st.given(slot)
		}
		alsoBefore := len(st.Also)
		for _, m := range turn.Say {
			n++
			now = now.Add(time.Second)
			st.Receive(Message{ID: fmt.Sprintf("m%02d", n), Text: m, At: now}, cfg)
			fmt.Fprintf(&tr, "    customer: %s\n", m)
		}
		now = now.Add(cfg.Quiet)
		got := st.Answer(now, cfg)
		now = now.Add(20 * time.Second)
		reply := got.Reply
		if got.End != "" {
			reply = strings.TrimSpace(reply + " " + st.Close("1", cfg))
		}
		replies = append(replies, reply)
		fmt.Fprintf(&tr, "    bot:      %s\n", reply)
		where := fmt.Sprintf("turn %d", ti+1)

		folded := FoldText(reply)
		for _, w := range turn.Has {
			if !strings.Contains(folded, FoldText(w)) {
				fail("%s: reply lacks %q", where, w)
			}
		}
		for _, w := range turn.Lacks {
			if strings.Contains(folded, FoldText(w)) {
				fail("%s: reply has %q", where, w)
			}
		}
		lang := st.lang()
		for _, k := range turn.Keys {
			if !saysKey(cat, lang, k, reply) {
				fail("%s: reply does not say %s", where, k)
			}
		}
		for _, k := range turn.NotKeys {
			if saysKey(cat, lang, k, reply) {
				fail("%s: reply says %s", where, k)
			}
		}
		if turn.Asks != "" {
			want := turn.Asks
			if want == "none" {
				want = ""
			}
			if string(st.Expect) != want || got.End != "" && want != "" {
				fail("%s: asks %q, want %q", where, st.Expect, want)
			}
		}
		if turn.Phase != "" && string(st.Phase) != turn.Phase {
			fail("%s: phase %q, want %q", where, st.Phase, turn.Phase)
		}
		if turn.End != "" && string(got.End) != turn.End {
			fail("%s: end %q, want %q", where, got.End, turn.End)
		}
		if turn.Lang != "" && replyLang(reply) != Lang(turn.Lang) {
			fail("%s: reply is not in %s", where, turn.Lang)
		}
		if turn.Script != "" {
			if s := replyScript(reply); s != turn.Script {
				fail("%s: reply is written in %s, want %s", where, s, turn.Script)
			}
		}

		// What must hold on every turn.
		if got.End == "" && st.Expect != "" {
			if knownBefore[st.Expect] || st.given(st.Expect) {
				fail("%s: asks for %s, which the customer already gave (%q)", where, st.Expect, st.Facts[st.Expect].Value)
			}
			if never[st.Expect] {
				fail("%s: asks for %s, which was told in the customer's words", where, st.Expect)
			}
		}
		after := factsJSON(st.Facts)
		if claimsCorrection(cat, lang, reply) && before == after {
			fail("%s: says it corrected something, but no fact changed", where)
		}
		if st.Phase == Confirming && len(st.Also) > alsoBefore && claimsCorrection(cat, lang, reply) {
			fail("%s: a correction was appended as extra text: %q", where, st.Also[len(st.Also)-1])
		}
		for _, p := range replyProblems(reply, lang) {
			fail("%s: %s", where, p)
		}
	}
	for slot, k := range st.Asked {
		if k > 1 {
			fail("%s was asked %d times", slot, k)
		}
	}
	if st.RepeatAsks != 0 {
		fail("RepeatAsks = %d", st.RepeatAsks)
	}
	for i := 1; i < len(replies); i++ {
		if replies[i] != "" && replies[i] == replies[i-1] {
			fail("said the same thing twice in a row: %q", replies[i])
		}
	}
	problems = append(problems, checkWant(cat, &st, c.Want)...)
	fmt.Fprintf(&tr, "    facts:    %s\n    state:    emotion=%s risks=%v lang=%s also=%q side=%q", factsJSON(st.Facts), st.Emotion, st.Risks, st.Lang, st.Also, st.Side)
	if notes := stateField(&st, "notes"); notes != nil {
		fmt.Fprintf(&tr, " notes=%v", notes)
	}
	return problems, tr.String()
}

// checkWant checks the end of a conversation.
func checkWant(cat *Catalog, st *State, w corpusWant) (problems []string) {
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	var facts map[string]map[string]any
	b, _ := json.Marshal(st.Facts)
	_ = json.Unmarshal(b, &facts)
	for slot, fields := range w.Facts {
		got := facts[slot]
		for field, want := range fields {
			for _, p := range checkField(got, field, want) {
				fail("%s.%s", slot, p)
			}
		}
	}
	for field, want := range w.State {
		var m map[string]any
		b, _ := json.Marshal(st)
		_ = json.Unmarshal(b, &m)
		for _, p := range checkField(m, field, want) {
			fail("state.%s", p)
		}
	}
	if len(w.Emotion) > 0 && !contains(w.Emotion, st.Emotion.String()) {
		fail("emotion %s, want one of %v", st.Emotion, w.Emotion)
	}
	var risks []string
	for _, r := range st.Risks {
		risks = append(risks, string(r))
	}
	sort.Strings(risks)
	if w.Risks != nil {
		want := append([]string{}, *w.Risks...)
		sort.Strings(want)
		if strings.Join(want, ",") != strings.Join(risks, ",") {
			fail("risks %v, want %v", risks, want)
		}
	}
	for _, r := range w.RisksHas {
		if !contains(risks, r) {
			fail("risks %v lack %s", risks, r)
		}
	}
	if w.Lang != "" && string(st.Lang) != w.Lang {
		fail("lang %q, want %q", st.Lang, w.Lang)
	}
	if w.AlsoEmpty && len(st.Also) > 0 {
		fail("kept as extra text: %q", st.Also)
	}
	cfg := Config{Catalog: cat, Quiet: 3 * time.Second, Window: 15 * time.Minute}
	if len(w.CloseHas)+len(w.CloseLacks) > 0 {
		closing := FoldText(st.Close("1", cfg))
		for _, s := range w.CloseHas {
			if !strings.Contains(closing, FoldText(s)) {
				fail("closing words lack %q", s)
			}
		}
		for _, s := range w.CloseLacks {
			if strings.Contains(closing, FoldText(s)) {
				fail("closing words have %q", s)
			}
		}
	}
	summary := FoldText(st.CaseSummary(cat))
	for _, s := range w.SummaryHas {
		if !strings.Contains(summary, FoldText(s)) {
			fail("case summary %q lacks %q", st.CaseSummary(cat), s)
		}
	}
	for _, s := range w.SummaryLacks {
		if strings.Contains(summary, FoldText(s)) {
			fail("case summary %q has %q", st.CaseSummary(cat), s)
		}
	}
	return problems
}

// checkField checks one field of a JSON object against a want of the
// corpus.
func checkField(obj map[string]any, field string, want any) (problems []string) {
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	base, op := field, ""
	for _, suffix := range []string{"_has", "_lacks"} {
		if strings.HasSuffix(field, suffix) {
			base, op = strings.TrimSuffix(field, suffix), suffix
		}
	}
	got, present := obj[base]
	if base == "known" {
		known := obj["value"] != nil && obj["value"] != ""
		if known != want {
			fail("known = %v, want %v (value %q)", known, want, obj["value"])
		}
		return
	}
	text := func(v any) string {
		switch v := v.(type) {
		case string:
			return FoldText(v)
		case []any:
			var parts []string
			for _, x := range v {
				parts = append(parts, fmt.Sprint(x))
			}
			return FoldText(strings.Join(parts, "|"))
		case nil:
			return ""
		}
		return FoldText(fmt.Sprint(v))
	}
	wants := func() []string {
		switch v := want.(type) {
		case []any:
			var out []string
			for _, x := range v {
				out = append(out, fmt.Sprint(x))
			}
			return out
		}
		return []string{fmt.Sprint(want)}
	}
	switch op {
	case "_has":
		for _, w := range wants() {
			if !strings.Contains(text(got), FoldText(w)) {
				fail("%s = %v, want it to contain %q", base, got, w)
			}
		}
		return
	case "_lacks":
		for _, w := range wants() {
			if strings.Contains(text(got), FoldText(w)) {
				fail("%s = %v, want it without %q", base, got, w)
			}
		}
		return
	}
	switch w := want.(type) {
	case []any:
		var gl []string
		if arr, ok := got.([]any); ok {
			for _, x := range arr {
				gl = append(gl, fmt.Sprint(x))
			}
		}
		var wl []string
		for _, x := range w {
			wl = append(wl, fmt.Sprint(x))
		}
		sort.Strings(gl)
		sort.Strings(wl)
		if !reflect.DeepEqual(gl, wl) && !(len(gl) == 0 && len(wl) == 0) {
			fail("%s = %v, want %v", base, gl, wl)
		}
	case bool:
		g, _ := got.(bool)
		if g != w {
			fail("%s = %v, want %v", base, got, w)
		}
	case float64, int64:
		g, _ := got.(float64)
		if fmt.Sprint(g) != fmt.Sprint(w) {
			fail("%s = %v, want %v", base, got, w)
		}
	default:
		if (!present && fmt.Sprint(w) != "") || text(got) != FoldText(fmt.Sprint(w)) {
			fail("%s = %v, want %v", base, got, w)
		}
	}
	return
}

// factsJSON is the fact sheet as stored, without the message sources, for
// telling whether a turn changed it.
func factsJSON(f Facts) string {
	c := Facts{}
	for k, v := range f {
		v.Source = nil
		c[k] = v
	}
	b, _ := json.Marshal(c)
	return string(b)
}

// stateField returns one field of the state's JSON.
func stateField(st *State, name string) any {
	var m map[string]any
	b, _ := json.Marshal(st)
	_ = json.Unmarshal(b, &m)
	return m[name]
}

// saysKey reports whether text holds the wording of key, any variant,
// filled without data; a template with data is matched on its longest
// piece without data.
func saysKey(cat *Catalog, lang Lang, key, text string) bool {
	for i := 1; i <= cat.Variants(lang, key); i++ {
		v := cat.Text(lang, key, i, nil)
		for _, piece := range strings.Split(v, "<no value>") {
			piece = strings.TrimSpace(piece)
			if len([]rune(piece)) >= 4 && strings.Contains(FoldText(text), FoldText(piece)) {
				return true
			}
		}
	}
	return false
}

// claimsCorrection reports whether the reply says it changed a fact: the
// wording of any key "corrected" or "corrected.…".
func claimsCorrection(cat *Catalog, lang Lang, reply string) bool {
	for _, k := range cat.Keys() {
		if k == "corrected" || strings.HasPrefix(k, "corrected.") {
			if saysKey(cat, lang, k, reply) {
				return true
			}
		}
	}
	return false
}

// replyLang is the language a reply is written in.
func replyLang(s string) Lang {
	if HasHan(s) {
		return ZH
	}
	return EN
}

// replyScript tells whether Chinese text is written in simplified ("hans")
// or traditional ("hant") characters: traditional when no character of it
// would change if written in traditional characters; "" for text without
// Chinese. The customer's own words, quoted, are left out: they stay as
// the customer wrote them.
func replyScript(s string) string {
	s = stripQuoted(s)
	if !HasHan(s) {
		return ""
	}
	for _, r := range s {
		if unicode.Is(unicode.Han, r) && isSimplifiedOnly(r) {
			return "hans"
		}
	}
	return "hant"
}

// replyProblems finds what no reply may do: show a catalogue key or a
// template error, say "TA", cheer ("好消息", "太好了", "Good news", "Great!"),
// or, in Chinese, set Latin words against Chinese characters without a
// space or use half-width punctuation between Chinese characters (the
// customer's own words, in quotes, are left alone).
func replyProblems(reply string, lang Lang) []string {
	var out []string
	if strings.Contains(reply, "<no value>") || strings.Contains(reply, "[") && strings.Contains(reply, ".") && strings.Contains(reply, "]") && keyLike(reply) {
		out = append(out, fmt.Sprintf("reply shows a template error or a key: %q", reply))
	}
	for _, w := range []string{"好消息", "太好了", "Good news", "Great!"} {
		if strings.Contains(reply, w) {
			out = append(out, fmt.Sprintf("reply cheers (%q): %q", w, reply))
		}
	}
	for _, w := range []string{"Of course", "Sure", "Got it", "No problem", "好的", "没问题", "收到", "沒問題"} {
		if strings.Count(stripQuoted(reply), w) > 1 {
			out = append(out, fmt.Sprintf("reply says %q twice: %q", w, reply))
		}
	}
	if lang != ZH {
		return out
	}
	own := stripQuoted(reply)
	if strings.Contains(own, "TA") {
		out = append(out, fmt.Sprintf("reply says TA: %q", reply))
	}
	rs := []rune(own)
	for i := 1; i < len(rs); i++ {
		a, b := rs[i-1], rs[i]
		if unicode.Is(unicode.Han, a) && isLatinAlnum(b) || isLatinAlnum(a) && unicode.Is(unicode.Han, b) {
			out = append(out, fmt.Sprintf("no space between %q and %q in %q", a, b, reply))
			break
		}
	}
	for i := 1; i+1 < len(rs); i++ {
		if strings.ContainsRune(",!?:;()", rs[i]) && unicode.Is(unicode.Han, rs[i-1]) {
			out = append(out, fmt.Sprintf("half-width %q after a Chinese character in %q", rs[i], reply))
			break
		}
	}
	return out
}

// isLatinAlnum reports whether r is a Latin letter: names and words in
// Latin letters are set off from Chinese by spaces; digits are not
// ("11月18日", "15 分钟" both read well).
func isLatinAlnum(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }

// keyLike reports whether s shows a bracketed catalogue key, "[ask.order]".
func keyLike(s string) bool {
	for {
		i := strings.IndexByte(s, '[')
		if i < 0 {
			return false
		}
		j := strings.IndexByte(s[i:], ']')
		if j < 0 {
			return false
		}
		k := s[i+1 : i+j]
		if strings.Contains(k, ".") && !strings.ContainsAny(k, " ，。") && strings.ToLower(k) == k {
			return true
		}
		s = s[i+j:]
	}
}

// stripQuoted removes the customer's words quoted in a reply (between “
// and ”, or 「 and 」).
func stripQuoted(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '“', '「':
			depth++
			continue
		case '”', '」':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}
