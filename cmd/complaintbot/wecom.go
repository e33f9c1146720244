package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/wecom"
)

// WeCom customer service (issue 14): on when any WECOM_* setting is set,
// and then every one but WECOM_API_URL is needed. A customer platform
// only: the team works on another (TEAM_CHANNEL).
var wecomSettings = []setting{
	{Env: "WECOM_CORP_ID", Help: "WeCom corp id (ww…); with the four below turns WeCom customer service (微信客服) on"},
	{Env: "WECOM_SECRET", Help: "the customer service (微信客服) API secret", Secret: true},
	{Env: "WECOM_TOKEN", Help: "the callback Token set for " + wecom.CallbackPath + " on WEB_ADDR", Secret: true},
	{Env: "WECOM_AES_KEY", Help: "the callback EncodingAESKey (43 characters)", Secret: true},
	{Env: "WECOM_KF_ID", Help: "the customer service account's open_kfid (wk…)"},
	{Env: "WECOM_API_URL", Default: wecom.DefaultAPIURL, Help: "WeCom's API base URL; for proxies and tests"},
}

func init() { settings = append(settings, wecomSettings...) }

// parseWeCom reads the WECOM_* settings into c.WeCom, refusing a
// combination that cannot work (naming the setting, never its value).
func parseWeCom(get func(string) string, c *config) error {
	o := wecom.Options{CorpID: get("WECOM_CORP_ID"), Secret: get("WECOM_SECRET"), Token: get("WECOM_TOKEN"),
		AESKey: get("WECOM_AES_KEY"), KfID: get("WECOM_KF_ID"), APIURL: get("WECOM_API_URL")}
	if o.CorpID == "" && o.Secret == "" && o.Token == "" && o.AESKey == "" && o.KfID == "" {
		return nil
	}
	if err := wecom.CheckOptions(o); err != nil {
		return err
	}
	if strings.EqualFold(get("TEAM_CHANNEL"), wecom.Channel) {
		return fmt.Errorf("TEAM_CHANNEL: wecom serves customers only; keep the team on web, slack or another platform")
	}
	c.WeCom = o
	return nil
}

// wecomPlatform is the platforms table's entry for WeCom.
var wecomPlatform = platform{
	name: wecom.Channel, enabledBy: "set WECOM_CORP_ID, WECOM_SECRET, WECOM_TOKEN, WECOM_AES_KEY and WECOM_KF_ID",
	enabled: func(c *config) bool { return c.WeCom.CorpID != "" },
	limits:  wecom.Limits,
	start:   startWeCom,
	// A customer platform only: TEAM_CHANNEL=wecom is refused by parseWeCom.
}

// startWeCom mounts the callback on the web server, gets an access token
// (a refused secret stops the bot) and starts pulling.
func startWeCom(ctx context.Context, p *parts) (bot.Channel, func(context.Context), error) {
	o := p.cfg.WeCom
	o.Engine, o.State, o.Replica, o.Logger = p.engine, p.store, p.replica, p.log
	a, err := wecom.New(o)
	if err != nil {
		return nil, nil, err
	}
	for pattern, h := range a.Routes() {
		p.web.Mount(pattern, h)
	}
	if err := a.Start(ctx); err != nil {
		return nil, nil, err
	}
	// Not ready while WeCom refuses the account or its token.
	p.ready(wecom.Channel, func(context.Context) error { return a.Ready() })
	return a, a.Stop, nil
}
