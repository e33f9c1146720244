package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// runHealthcheck is `complaintbot healthcheck`: it asks the bot listening
// on WEB_ADDR for /readyz (or --path) and returns an error unless the
// answer is 200. It is the container's HEALTHCHECK, since the image has no
// shell and no curl.
func runHealthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("complaintbot healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("web-addr", getenv("WEB_ADDR"), "address the bot listens on (WEB_ADDR)")
	path := fs.String("path", "/readyz", "what to ask: /readyz (readiness) or /healthz (liveness)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *addr == "" {
		*addr = "127.0.0.1:8080"
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("healthcheck --web-addr: %q is not host:port", *addr)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1" // listening on every interface: ask over loopback
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+*path, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d: %s", *path, res.StatusCode, body)
	}
	fmt.Fprintf(stdout, "%s", body)
	return nil
}
