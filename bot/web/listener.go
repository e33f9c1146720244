package web

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/complaintbot/complaintbot/bot"
)

// JSONErrors wraps ln so that the answers net/http writes itself, before a
// request reaches any handler (a malformed request line such as a raw
// space in the path, a bad Host header, headers over the limit, an unknown
// transfer encoding), are JSON errors like every other answer of the
// server: {"error": {"code", "message"}} with the same status.
//
// net/http writes each of those answers with one Write call on the raw
// connection, in a fixed shape (the status line, then exactly
// "Content-Type: text/plain; charset=utf-8" and "Connection: close"); a
// handler's answer never has that shape (it carries a Date header), so only
// those are rewritten. It works on plain TCP, where the server's
// connection is the one wrapped; behind TLS terminated in-process it
// would not see them (TLS is terminated by a proxy in front, see
// docs/operations.md).
func JSONErrors(ln net.Listener) net.Listener { return jsonErrorListener{ln} }

type jsonErrorListener struct{ net.Listener }

func (l jsonErrorListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &jsonErrorConn{Conn: c}, nil
}

type jsonErrorConn struct{ net.Conn }

const netHTTPErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

func (c *jsonErrorConn) Write(p []byte) (int, error) {
	if !bytes.HasPrefix(p, []byte("HTTP/1.1 ")) {
		return c.Conn.Write(p)
	}
	line, rest, ok := bytes.Cut(p, []byte(netHTTPErrorHeaders))
	if !ok || bytes.Contains(line, []byte("\r\n")) {
		return c.Conn.Write(p)
	}
	// line is "HTTP/1.1 400 Bad Request[: why]".
	status, _ := strconv.Atoi(string(bytes.Fields(line)[1]))
	if status < 400 || status > 599 {
		return c.Conn.Write(p)
	}
	code := map[int]string{
		http.StatusBadRequest:                  bot.EINVALID,
		http.StatusRequestHeaderFieldsTooLarge: bot.ETOOLARGE,
		http.StatusNotImplemented:              "not_implemented",
	}[status]
	if code == "" {
		code = bot.EINVALID
	}
	msg := strings.TrimSpace(string(rest))
	if msg == "" {
		msg = http.StatusText(status)
	}
	var b errorBody
	b.Error.Code = code
	b.Error.Message = "the request could not be read as HTTP: " + msg
	body, _ := json.Marshal(b)
	out := "HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) +
		"\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\nX-Content-Type-Options: nosniff\r\n\r\n" + string(body)
	if _, err := c.Conn.Write([]byte(out)); err != nil {
		return 0, err
	}
	return len(p), nil
}
