package fakewechat_test

import (
	"context"
	"fmt"
	"time"

	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
	"github.com/eatmoreapple/openwechat"
)

func Example() {
	fake := fakewechat.New(fakewechat.WithAutoConfirm())
	defer fake.Close()
	_ = fake.AddContact(fakewechat.Contact{ID: "alice", NickName: "王女士"})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // stops the bot before the fake closes
	bot := fake.NewBot(ctx)
	bot.MessageHandler = func(m *openwechat.Message) {
		if m.IsText() && m.IsSendByFriend() {
			_, _ = m.ReplyText("收到：" + m.Content)
		}
	}
	if err := bot.Login(); err != nil {
		fmt.Println(err)
		return
	}
	_, _ = fake.PushText("alice", "我的订单没到")
	sent, err := fake.WaitSent(1, 5*time.Second)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sent[0].To, sent[0].ToNickName, sent[0].Content)
	// Output: alice 王女士 收到：我的订单没到
}
