package web_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/complaintbot/complaintbot/bot/web"
)

// TestRequestsNetHTTPRejectsGetJSON: what net/http refuses before any
// handler runs is answered as JSON, with net/http's status; ordinary
// answers pass through untouched.
func TestRequestsNetHTTPRejectsGetJSON(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: e.web.Handler(), MaxHeaderBytes: 4096, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(web.JSONErrors(ln))
	t.Cleanup(func() { srv.Close() })

	for _, tc := range []struct {
		name, request string
		status        int
		code          string
	}{
		{"raw space in the path", "GET /api/cases/a b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid"},
		{"no host", "GET / HTTP/1.1\r\n\r\n", 400, "invalid"},
		{"garbage", "HELLO\r\n\r\n", 400, "invalid"},
		{"headers too large", "GET / HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 8192) + "\r\n\r\n", 431, "too_large"},
		{"unknown transfer encoding", "POST /api/sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zip\r\n\r\n", 501, "not_implemented"},
		{"an ordinary 404", "GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 404, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			io.WriteString(c, tc.request)
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			var b struct {
				Error struct{ Code, Message string }
			}
			if res.StatusCode != tc.status || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
				json.Unmarshal(body, &b) != nil || b.Error.Code != tc.code || b.Error.Message == "" {
				t.Errorf("= %d %q %s, want %d JSON with code %s", res.StatusCode, res.Header.Get("Content-Type"), body, tc.status, tc.code)
			}
		})
	}
}
