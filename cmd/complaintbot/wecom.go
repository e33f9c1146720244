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
	{Env: "WECOM_RECEPTION", Default: "off", Help: "on: the account also uses WeCom's own reception (接待人员): a case's owner with a wecom handle (their WeCom userid, in STAFF_FILE) is handed the customer's session and answers in WeCom's client; the bot stays quiet until resolve ends the session"},
}

func init() { settings = append(settings, wecomSettings...) }

// parseWeCom reads the WECOM_* settings into c.WeCom, refusing a
// combination that cannot work (naming the setting, never its value).
func parseWeCom(get func(string) string, c *config) error {
	var reception bool
	switch v := strings.ToLower(get("WECOM_RECEPTION")); v {
	case "on", "true", "1", "yes":
		reception = true
	case "off", "", "false", "0", "no":
	default:
		return fmt.Errorf("WECOM_RECEPTION: %q is neither on nor off", get("WECOM_RECEPTION"))
	}
	o := wecom.Options{CorpID: get("WECOM_CORP_ID"), Secret: get("WECOM_SECRET"), Token: get("WECOM_TOKEN"),
		AESKey: get("WECOM_AES_KEY"), KfID: get("WECOM_KF_ID"), APIURL: get("WECOM_API_URL")}
	if o.CorpID == "" && o.Secret == "" && o.Token == "" && o.AESKey == "" && o.KfID == "" {
		if reception {
			return fmt.Errorf("WECOM_RECEPTION: on, but WeCom is off (set WECOM_CORP_ID, WECOM_SECRET, WECOM_TOKEN, WECOM_AES_KEY and WECOM_KF_ID)")
		}
		return nil
	}
	if err := wecom.CheckOptions(o); err != nil {
		return err
	}
	if strings.EqualFold(get("TEAM_CHANNEL"), wecom.Channel) {
		return fmt.Errorf("TEAM_CHANNEL: wecom serves customers only; keep the team on web, slack or another platform")
	}
	if reception && !hasHandle(c.People, wecom.Channel) {
		return fmt.Errorf(`WECOM_RECEPTION: on, but nobody in the staff directory has a wecom handle, so no session would ever be handed over (give each receptionist their WeCom userid in STAFF_FILE: wecom = "zhangsan")`)
	}
	c.WeCom, c.WeComReception = o, reception
	return nil
}

// hasHandle reports whether someone in the directory has a handle of
// their own on the platform (a name alone is no WeCom userid).
func hasHandle(d *bot.Directory, platform string) bool {
	if d == nil {
		return false
	}
	for _, p := range d.People() {
		if p.Handles[platform] != "" {
			return true
		}
	}
	return false
}

// wecomPlatform is the platforms table's entry for WeCom.
var wecomPlatform = platform{
	name: wecom.Channel, enabledBy: "set WECOM_CORP_ID, WECOM_SECRET, WECOM_TOKEN, WECOM_AES_KEY and WECOM_KF_ID",
	enabled:   func(c *config) bool { return c.WeCom.CorpID != "" },
	limits:    wecom.Limits,
	reception: func(c *config) bool { return c.WeComReception },
	start:     startWeCom,
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
