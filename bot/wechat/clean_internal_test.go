package wechat

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestCleanKeepsSecretsOut: the library's errors quote request URLs, whose
// queries carry the session (skey, sid, uin, pass_ticket); clean cuts them
// out of the message and keeps the error for errors.As.
func TestCleanKeepsSecretsOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: the request fails with a *url.Error
	_, err = http.Get("http://" + addr + "/cgi-bin/mmwebwx-bin/synccheck?skey=@crypt_secret&sid=S3CR3T&uin=123&pass_ticket=P4SS")
	if err == nil {
		t.Fatal("the request to a closed port succeeded")
	}
	if !strings.Contains(err.Error(), "S3CR3T") {
		t.Fatalf("the raw error %q does not quote the URL; the test proves nothing", err)
	}
	c := clean(err)
	for _, secret := range []string{"@crypt_secret", "S3CR3T", "P4SS", "uin=123"} {
		if strings.Contains(c.Error(), secret) {
			t.Errorf("clean(err) = %q still carries %s", c, secret)
		}
	}
	var opErr *net.OpError
	if !errors.As(c, &opErr) {
		t.Errorf("clean lost the error's chain: %v", c)
	}
	if clean(nil) != nil {
		t.Error("clean(nil) != nil")
	}
}
