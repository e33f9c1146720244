package flows

import (
	_ "embed"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// Chinese has no spaces between words, so finding "the thing the customer
// bought" (这款筋膜枪, 买的小太阳取暖器) needs a segmenter that knows where
// words end and which words are nouns. github.com/go-ego/gse (jieba's
// algorithm in pure Go, with part-of-speech tags) does that. Its own
// dictionary costs about 2 s and 135 MB to load, so it is given the trimmed
// word list segment_zh.dict (see segment_gen.go): about 0.2 s and 15 MB,
// loaded once, the first time a Chinese text needs segmenting (or at
// Prepare). Segmenting a sentence then costs about 10 µs.

//go:embed segment_zh.dict
var segmentDict string

var (
	segmenterOnce sync.Once
	segmenter     *gse.Segmenter
)

// Prepare loads the Chinese word list now, so that the first Chinese
// message does not wait for it (about 0.2 s and 15 MB of heap), and
// compiles the English expressions of the fallback date parser (about
// 20 ms; they compile on first use, see dates_fallback.go). It is safe to
// call from several goroutines, and more than once; a program that never
// calls it loads both on the first text that needs them.
func Prepare() {
	chineseSegmenter()
	PrepareDates()
}

// PrepareDates loads only the date parser's English expressions (some
// 20–75 ms and 8 MB), leaving the Chinese word list (some 0.1–0.2 s and
// 28 MB) to the first Chinese message: a bot that serves only English
// customers never pays for it, and an idle bot stays small.
func PrepareDates() {
	searchDates("on Tuesday the 4th of November, 3 days ago", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
}

// chineseSegmenter returns the segmenter, loading it on first use. It is
// nil if the word list could not be loaded, which the tests rule out.
func chineseSegmenter() *gse.Segmenter {
	segmenterOnce.Do(func() {
		seg := &gse.Segmenter{SkipLog: true, NotLoadHMM: true}
		if err := seg.LoadDictStr(segmentDict); err != nil {
			return
		}
		// The product nouns of the lexicon are words, whatever the
		// dictionary says (扫地机器人 is one thing, not 扫地 + 机器人).
		for _, g := range lexGroupsZH {
			if g.sense != senseProduct {
				continue
			}
			for _, w := range strings.Split(g.words, "|") {
				if utf8.RuneCountInString(w) >= 2 {
					_ = seg.AddToken(w, 1000, "n")
				}
			}
		}
		for _, w := range extraNounsZH {
			_ = seg.AddToken(w, 1000, "n")
		}
		segmenter = seg
	})
	return segmenter
}

// extraNounsZH are things people buy that the trimmed word list splits.
var extraNounsZH = []string{"筋膜枪", "电动牙刷", "生日蛋糕", "取暖器", "电暖器", "电热毯", "小太阳", "年卡", "月卡", "会员卡", "健身卡",
	"网课", "京东", "羊绒大衣", "婴儿米粉", "扫地机", "空气炸锅", "蓝牙耳机", "智能门锁", "电热水壶", "洗碗机", "烘干机", "净水器"}

// word is one word of a segmented text: its byte range in the text and its
// part of speech (jieba's tags: n noun, v verb, a adjective, m numeral, q
// classifier, r pronoun, uj 的, ul 了, p preposition, d adverb, t time,
// x unknown …).
type word struct {
	start, end int
	pos        string
}

// maxSegmentBytes bounds the text handed to the segmenter; a longer text
// is segmented up to here (at a character boundary).
const maxSegmentBytes = 4 << 10

// segmentWords splits s into words with their parts of speech. It returns
// nil when the segmenter is not available.
func segmentWords(s string) []word {
	seg := chineseSegmenter()
	if seg == nil || s == "" {
		return nil
	}
	if len(s) > maxSegmentBytes {
		cut := maxSegmentBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	segs := seg.ModeSegment([]byte(s), false)
	out := make([]word, 0, len(segs))
	for _, sg := range segs {
		if sg.End() <= sg.Start() || sg.End() > len(s) {
			continue
		}
		pos := ""
		if t := sg.Token(); t != nil {
			pos = t.Pos()
		}
		out = append(out, word{start: sg.Start(), end: sg.End(), pos: pos})
	}
	return out
}
