//go:build ignore

// This program writes segment_zh.dict, the word list the Chinese segmenter
// (segment.go) loads, from the simplified-Chinese dictionary that
// github.com/go-ego/gse embeds (data/dict/zh/s_1.txt, derived from jieba's
// dictionary; gse is Apache-2.0 or MIT, jieba MIT).
//
// gse's whole dictionary (352,000 words) takes about 2 s and 135 MB of heap
// to load. The bot segments a sentence only to find the noun a customer
// bought or used, so it keeps the words that matter for that and for
// segmenting the words around them right:
//
//   - every word used at least 100 times in the corpus the frequencies come
//     from (function words, common verbs and nouns);
//   - every single character (so that rare words fall apart into
//     characters with a part of speech, not into unknown bytes);
//   - every noun, whatever its frequency, that ends like the name of a
//     thing people buy (…机, …器, …锅, …灯, …卡, …刷 …).
//
// That is about 54,000 words: about 0.2 s and 15 MB to load, once, on the
// first Chinese message that needs it.
//
// Run it from the flows directory:
//
//	go run segment_gen.go
package main

import (
	"bufio"
	"bytes"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// thingEnds are the endings of nouns kept whatever their frequency.
var thingEnds = regexp.MustCompile(`(机|器|锅|箱|柜|表|灯|车|衣|裤|鞋|包|椅|床|垫|杯|壶|笔|镜|膜|霜|奶|卡|票|仪|屏|线|头|板|桌|扇|具|带|套|帽|煲|炉|灶|` +
	`电脑|手机|耳机|手环|蛋糕|沙发|家具|玩具|首饰|化妆品|刷|枪|粉|液|油|膏|露|茶|酒|水|饭|面|汤|糕|饼|罩|盒|袋|瓶|壳|锁|门|窗|帘|被|枕|毯|席|布|纸|药|` +
	`器材|设备|电器|家电|软件|会员|课|服务)$`)

func main() {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/go-ego/gse").Output()
	if err != nil {
		log.Fatalf("go list: %v", err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "data", "dict", "zh", "s_1.txt")
	f, err := os.Open(src)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	var keep []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			continue
		}
		word, pos := fields[0], fields[2]
		freq, err := strconv.ParseFloat(fields[1], 64)
		if err != nil || seen[word] {
			continue
		}
		noun := pos == "n" || pos == "nz" || pos == "l" || pos == "vn"
		if freq >= 100 || utf8.RuneCountInString(word) == 1 || noun && thingEnds.MatchString(word) {
			seen[word] = true
			keep = append(keep, word+" "+fields[1]+" "+pos)
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	sort.Strings(keep)
	var b bytes.Buffer
	for _, line := range keep {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile("segment_zh.dict", b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %d words", len(keep))
}
