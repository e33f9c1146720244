// The page in a real headless browser. It needs Debian's chromium, which
// the test installs with apt-get when it is missing, as the tests install
// redis-server (as root or through password-less sudo). Only where it
// cannot be installed is the test skipped, saying why.

package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// chromium returns the browser binary, installing Debian's package when
// there is none; it skips the test, saying why, only when it cannot.
func chromium(t *testing.T) string {
	t.Helper()
	find := func() string {
		for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
			if p != "" {
				if _, err := os.Stat(p); err == nil {
					return p
				}
			}
		}
		return ""
	}
	if p := find(); p != "" {
		return p
	}
	err := redistest.InstallPackage("chromium", func() bool { return find() != "" },
		"cmd/complaintbot: chromium is missing; installing Debian's chromium package with apt-get for the page's browser test")
	if p := find(); p != "" {
		return p
	}
	t.Skipf("the page's browser test needs chromium, which is missing and could not be installed: %v (install Debian's chromium, or set CHROMIUM to a Chrome binary)", err)
	return ""
}

// TestBrowserCustomerChat: the page gets a guest session by itself, a
// customer's message typed and sent reaches the bot, the bot's answer shows
// in the chat, the zone of the times is named, and a reload keeps the same
// customer (the session is kept in the page).
func TestBrowserCustomerChat(t *testing.T) {
	b := startBot(t, map[string]string{"WEB_ADDR": "127.0.0.1:0", "QUIET_WINDOW": "200ms", "TICK": "100ms", "TZ": "Asia/Shanghai", "STAFF": "alice"})
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	step := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if _, err := chromedp.Run(ctx, a); err != nil {
			t.Fatalf("browser: %s: %v\nbot log:\n%s", what, err, b.stderr)
		}
	}
	read := func(what string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("browser: %s: %v\nbot log:\n%s", what, err, b.stderr)
		}
		return v
	}
	hasSession := chromedp.Poll[bool](`document.getElementById('cid').value.startsWith('guest-')`, chromedp.WithPollingTimeout(20*time.Second))
	step("open the page", chromedp.Navigate(b.base+"/"))
	if _, err := chromedp.Run(ctx, hasSession); err != nil {
		t.Fatalf("the page got no session: %v", err)
	}
	id := read("the customer id", chromedp.Value("#cid"))
	step("type", chromedp.SendKeys("#ctext", "My kettle arrived with a cracked lid. I want a refund."))
	step("send", chromedp.Click("#csend"))
	step("the bot's answer", chromedp.WaitVisible(`#chat .msg.bot`))
	answer := read("the bot's answer", chromedp.Text(`#chat .msg.bot`))
	zone := read("the zone", chromedp.Text(`#tzlabel`))
	step("reload", chromedp.Reload())
	if _, err := chromedp.Run(ctx, hasSession); err != nil {
		t.Fatalf("the page got no session after a reload: %v", err)
	}
	idAfter := read("the customer id after a reload", chromedp.Value("#cid"))
	if len(id) != len("guest-")+32 {
		t.Errorf("customer id %q, want guest- and 32 hex digits", id)
	}
	if !strings.Contains(answer, "sorry") && !strings.Contains(answer, "Sorry") {
		t.Errorf("the bot's answer in the page: %q", answer)
	}
	if !strings.Contains(zone, "Asia/Shanghai") || !strings.Contains(zone, "+08:00") {
		t.Errorf("the page names the zone as %q", zone)
	}
	if idAfter != id {
		t.Errorf("after a reload the customer is %q, was %q", idAfter, id)
	}
	if strings.Contains(b.stderr.String(), "level=ERROR") {
		t.Errorf("errors in the bot's log:\n%s", b.stderr)
	}
}
