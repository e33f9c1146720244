package web

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// pageHTML is the page at /: one static file, with its script and style
// inline and no data of ours in it. It gets everything it shows from the
// JSON API and builds the DOM with textContent only.
//
//go:embed page.html
var pageHTML []byte

// pageCSP is the page's Content-Security-Policy. The inline script and style
// are allowed by their hashes, so no other script can run even if some text
// were ever rendered as markup; 'unsafe-inline' is there only for browsers
// too old for hashes (those that know hashes ignore it).
var pageCSP = func() string {
	return fmt.Sprintf("default-src 'none'; script-src %s 'unsafe-inline'; style-src %s 'unsafe-inline'; "+
		"connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
		inlineHashes("script"), inlineHashes("style"))
}()

// inlineHashes returns the CSP hash sources of the page's inline elements
// of one tag ('sha256-…' …).
func inlineHashes(tag string) string {
	re := regexp.MustCompile(`(?s)<` + tag + `>(.*?)</` + tag + `>`)
	var hs []string
	for _, m := range re.FindAllSubmatch(pageHTML, -1) {
		sum := sha256.Sum256(m[1])
		hs = append(hs, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	return strings.Join(hs, " ")
}

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Cache-Control", "no-cache")
	_, _ = w.Write(pageHTML)
}
