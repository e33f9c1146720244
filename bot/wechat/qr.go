package wechat

import (
	"crypto/subtle"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"

	qrcode "github.com/skip2/go-qrcode"
)

// This file shows the login QR code: drawn in the terminal, and as an
// image at /wechat/login (refreshed by the page when it changes). The QR
// code logs an account in to this bot: the page needs TEAM_TOKEN when one
// is set.

type qrPhase int

const (
	qrNone qrPhase = iota
	qrWaiting
	qrScanned
	qrLoggedIn
	qrFailed
)

type qrState struct {
	mu    sync.Mutex
	phase qrPhase
	url   string // what the code encodes
	png   []byte
	gen   int
}

func (q *qrState) set(p qrPhase, url string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.phase = p
	if p == qrWaiting {
		q.url, q.png = url, nil
		if b, err := qrcode.Encode(url, qrcode.Medium, 256); err == nil {
			q.png = b
		}
		q.gen++
	} else if p != qrScanned {
		q.url, q.png = "", nil
	}
}

func (q *qrState) get() (qrPhase, []byte, int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.phase, q.png, q.gen
}

// qrURL is what WeChat's QR code for a login uuid encodes.
func qrURL(uuid string) string { return "https://login.weixin.qq.com/l/" + uuid }

// showQR is the library's UUIDCallback: a new code to scan. It never opens
// a browser.
func (a *Adapter) showQR(uuid string) {
	u := qrURL(uuid)
	a.qr.set(qrWaiting, u)
	a.log.Info("wechat: scan the QR code with the support account's WeChat (also at /wechat/login)")
	if a.o.Terminal != nil {
		if q, err := qrcode.New(u, qrcode.Low); err == nil {
			fmt.Fprintln(a.o.Terminal, "WeChat login: scan this with the support account's phone (Me → scan):")
			fmt.Fprint(a.o.Terminal, q.ToSmallString(false))
		}
	}
}

// Routes returns the adapter's HTTP endpoints, for web.Server.Mount:
// the login page and its image.
func (a *Adapter) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /wechat/login":     a.guard(http.HandlerFunc(a.loginPage)),
		"GET /wechat/login.png": a.guard(http.HandlerFunc(a.loginImage)),
	}
}

func (a *Adapter) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.o.Token != "" {
			got := r.URL.Query().Get("token")
			if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
				got = strings.TrimPrefix(auth, "Bearer ")
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(a.o.Token)) != 1 {
				http.Error(w, "a team token is required (?token=… or Authorization: Bearer …)", http.StatusUnauthorized)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

var loginTmpl = template.Must(template.New("login").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>WeChat login</title></head><body style="font-family:sans-serif;text-align:center">
<h1>WeChat</h1><p>{{.Status}}</p>
{{if .Image}}<img src="/wechat/login.png?gen={{.Gen}}{{.Token}}" width="256" height="256" alt="QR code">{{end}}
</body></html>`))

func (a *Adapter) loginPage(w http.ResponseWriter, r *http.Request) {
	phase, png, gen := a.qr.get()
	status := map[qrPhase]string{
		qrNone:     "Not waiting for a login.",
		qrWaiting:  "Scan this code with the support account's WeChat (Me → Scan), then confirm on the phone.",
		qrScanned:  "Scanned: confirm the login on the phone.",
		qrLoggedIn: "Logged in.",
		qrFailed:   "The login failed; a new attempt follows.",
	}[phase]
	if a.Driving() {
		status = "Logged in; this replica drives the account."
	} else if a.StandingBy() {
		status = "Standing by: another replica drives the account (its /wechat/login shows the QR code when one is needed)."
	} else if err := a.Ready(); err != nil && phase == qrNone {
		status = err.Error()
	}
	tok := ""
	if a.o.Token != "" {
		tok = "&token=" + template.URLQueryEscaper(a.o.Token)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = loginTmpl.Execute(w, map[string]any{"Status": status, "Image": len(png) > 0, "Gen": gen, "Token": template.HTML(tok)})
}

func (a *Adapter) loginImage(w http.ResponseWriter, r *http.Request) {
	_, png, _ := a.qr.get()
	if len(png) == 0 {
		http.Error(w, "no QR code to scan now", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(png)
}
