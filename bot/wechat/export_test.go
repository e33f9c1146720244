package wechat

import "github.com/eatmoreapple/openwechat"

// SetHook makes fn run before each message the adapter handles (before
// Start).
func SetHook(a *Adapter, fn func(*openwechat.Message)) { a.hook = fn }
