package wecom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// client calls WeCom's HTTP API. The access token is kept in Redis, shared
// by every replica: one replica fetches it (under a lease) and the others
// read it. A call answered 40014 or 42001 (the token is wrong or expired)
// drops the token and is made once more with a fresh one.
type client struct {
	base     string
	http     *http.Client
	corpID   string
	secret   string
	state    State
	replica  string
	tokenKey string
	log      *slog.Logger
}

// apiError is a WeCom answer with a non-zero errcode. Its text never
// carries a token or a secret.
type apiError struct {
	Code int
	Msg  string
	API  string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("wecom %s: errcode %d: %s", e.API, e.Code, e.Msg)
}

// errCode returns the errcode of a WeCom refusal in err, or 0.
func errCode(err error) int {
	var e *apiError
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// Token errcodes: the access token is invalid, or expired.
const (
	codeBadToken     = 40014
	codeTokenExpired = 42001
)

// accessToken returns the shared access token, fetching one when none is
// kept.
func (c *client) accessToken(ctx context.Context) (string, error) {
	for wait := 0; ; wait++ {
		tok, err := c.state.State(ctx, c.tokenKey)
		if err != nil {
			return "", err
		}
		if tok != "" {
			return tok, nil
		}
		ok, err := c.state.Lease(ctx, c.tokenKey+":refresh", c.replica, 10*time.Second)
		if err != nil {
			return "", err
		}
		if ok || wait >= 60 {
			defer func() { _ = c.state.Release(context.WithoutCancel(ctx), c.tokenKey+":refresh", c.replica) }()
			return c.fetchToken(ctx)
		}
		// Another replica is fetching it: read what it keeps.
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// fetchToken gets a new token from gettoken and keeps it until 5 minutes
// before WeCom says it expires.
func (c *client) fetchToken(ctx context.Context) (string, error) {
	q := url.Values{"corpid": {c.corpID}, "corpsecret": {c.secret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/cgi-bin/gettoken?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	var ans struct {
		ErrCode     int    `json:"errcode"`
		ErrMsg      string `json:"errmsg"`
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := c.do(req, "gettoken", &ans); err != nil {
		return "", err
	}
	if ans.ErrCode != 0 {
		return "", &apiError{Code: ans.ErrCode, Msg: ans.ErrMsg, API: "gettoken"}
	}
	if ans.AccessToken == "" {
		return "", errors.New("wecom gettoken: no access_token in the answer")
	}
	ttl := time.Duration(ans.ExpiresIn)*time.Second - 5*time.Minute
	if ttl < time.Minute {
		ttl = time.Minute
	}
	if err := c.state.SetState(ctx, c.tokenKey, ans.AccessToken, ttl); err != nil {
		return "", err
	}
	c.log.Info("wecom: new access token", "expires_in", ans.ExpiresIn)
	return ans.AccessToken, nil
}

// call POSTs body as JSON to the API (path such as "/cgi-bin/kf/sync_msg")
// and decodes the answer into out, which must have errcode and errmsg
// fields read by check. A token WeCom refuses is dropped and the call made
// once more.
func (c *client) call(ctx context.Context, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	for try := 0; ; try++ {
		tok, err := c.accessToken(ctx)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path+"?access_token="+url.QueryEscape(tok), bytes.NewReader(b))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		var raw json.RawMessage
		if err := c.do(req, path, &raw); err != nil {
			return err
		}
		var head struct {
			ErrCode int    `json:"errcode"`
			ErrMsg  string `json:"errmsg"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return fmt.Errorf("wecom %s: %w", path, err)
		}
		if head.ErrCode == codeBadToken || head.ErrCode == codeTokenExpired {
			if err := c.state.DropState(ctx, c.tokenKey, tok); err != nil {
				return err
			}
			if try == 0 {
				c.log.Info("wecom: the access token was refused; getting a new one", "errcode", head.ErrCode)
				continue
			}
		}
		if head.ErrCode != 0 {
			return &apiError{Code: head.ErrCode, Msg: head.ErrMsg, API: path}
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(raw, out)
	}
}

// do sends a request and decodes a 200 answer's JSON. Errors name the API,
// never the URL (which carries the token or the secret).
func (c *client) do(req *http.Request, api string, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("wecom %s: %w", api, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("wecom %s: %w", api, err)
	}
	if resp.StatusCode != http.StatusOK {
		return &httpError{Status: resp.StatusCode, API: api}
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("wecom %s: %w", api, err)
	}
	return nil
}

// httpError is an answer that is not 200.
type httpError struct {
	Status int
	API    string
}

func (e *httpError) Error() string { return fmt.Sprintf("wecom %s: HTTP %d", e.API, e.Status) }
