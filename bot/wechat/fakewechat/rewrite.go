package fakewechat

// This file is production code: it imports nothing test-only, so the adapter can use
// Rewrite for its WECHAT_ENDPOINT setting.

import (
	"net/http"
	"net/url"
	"strings"
)

// Rewrite returns an http.RoundTripper that sends every request to base instead of the
// host the request names, and passes it on to next (http.DefaultTransport when nil).
//
// openwechat hard-codes its hosts (login.wx.qq.com, login.weixin.qq.com, wx.qq.com or
// wx2.qq.com and their webpush. and file. hosts, always https). The rewritten request
// keeps its path and query, with base's path (if any) put in front; its scheme and
// address become base's, and its Host header stays the WeChat host it was meant for, so
// the server behind base (this package's fake, or an operator's proxy) can tell
// webpush.wx.qq.com from file.wx.qq.com. The header X-Forwarded-Proto carries the
// original scheme.
//
// Install it as the transport of the library's own client,
//
//	bot.Caller.Client.HTTPClient().Transport = fakewechat.Rewrite(base, nil)
//
// which keeps the library's cookie jar: the jar sits above the transport, so it still
// sees the original https://… URLs and cookies keep their production domains.
// Rewrite never changes the request it is given.
func Rewrite(base *url.URL, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	b := *base
	b.Path = strings.TrimSuffix(b.Path, "/")
	b.RawPath = ""
	return &rewriter{base: &b, next: next}
}

type rewriter struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	r.Host = host
	r.Header.Set("X-Forwarded-Proto", req.URL.Scheme)
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	if t.base.Path != "" {
		r.URL.Path = t.base.Path + req.URL.Path
		r.URL.RawPath = ""
	}
	return t.next.RoundTrip(r)
}
