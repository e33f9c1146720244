package wechat_test

import (
	"context"
	"strings"
	"testing"

	"github.com/complaintbot/complaintbot/bot/wechat/fakewechat"
)

// TestFactsRecogniseAChangedCustomer: the third signal. A customer whose
// case holds her phone and order number changes both nickname and avatar;
// after a re-login she writes her phone, and the conversation goes on with
// her without a question (the team is told how she was recognised). After
// another change, a message without facts raises the question, and her
// order number in the next message answers it: both messages reach her
// case, in order.
func TestFactsRecogniseAChangedCustomer(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	h.driving()
	id := h.intake("wang", "我在网上买的电饭煲送来就是坏的，订单号JD20261101888，电话13812345678")
	wang := h.userOf(h.f.UserName("wang"))
	if wang == "" {
		t.Fatal("wang was not recognised")
	}

	must(t, h.f.UpdateContact("wang", func(c *fakewechat.Contact) { c.NickName, c.AvatarSeq = "Wendy", "777" }))
	h.relogin()
	team, said := len(h.said("team")), len(h.said("wang"))
	h.say("wang", "我是之前投诉电饭煲的，电话13812345678，怎么还没人联系我")
	n := h.waitSaid("team", team, "Wendy", "王女士")
	if strings.Contains(n.Content, "13812345678") {
		t.Errorf("the team notice repeats the customer's phone: %q", n.Content)
	}
	if u := h.userOf(h.f.UserName("wang")); u != wang {
		t.Fatalf("after the change wang is %q, was %q", u, wang)
	}
	waitFor(t, "an answer at the new UserName", func() bool { return len(h.said("wang")) > said })
	if c := h.conversation(wang); c.Conv == nil || c.Conv.Case != id {
		t.Fatalf("wang's conversation lost case %s: %+v", id, c.Conv)
	}

	must(t, h.f.UpdateContact("wang", func(c *fakewechat.Contact) { c.NickName, c.AvatarSeq = "芳芳", "888" }))
	h.relogin()
	team, said = len(h.said("team")), len(h.said("wang"))
	h.say("wang", "还在吗")
	q := h.waitSaid("team", team, "芳芳", "Wendy")
	code := codeIn(t, q.Content)
	if h.userOf(h.f.UserName("wang")) != "" || len(h.said("wang")) != said {
		t.Fatal("merged or answered before the question was settled")
	}
	h.say("wang", "订单号JD20261101888")
	h.waitSaid("team", team+1, code, "Wendy")
	waitFor(t, "wang recognised by her order number", func() bool { return h.userOf(h.f.UserName("wang")) == wang })
	waitFor(t, "the held message answered", func() bool { return len(h.said("wang")) > said })
	order := func() (held, settling int) {
		snap := h.conversation(wang)
		tr, err := h.r[0].store.Transcript(context.Background(), snap.Customer, snap.Conv.Session)
		must(t, err)
		held, settling = -1, -1
		for i, e := range tr {
			switch e.Text {
			case "还在吗":
				held = i
			case "订单号JD20261101888":
				settling = i
			}
		}
		return held, settling
	}
	waitFor(t, "both messages on the transcript", func() bool { _, k := order(); return k >= 0 })
	if i, k := order(); i < 0 || k < i {
		t.Errorf("the held message (at %d) is not on the transcript before the one that settled the question (at %d)", i, k)
	}
}

// TestFactsNeverMergeWrongly: a friend still present in the login with his
// own look gives another customer's phone (her husband, say): that is a
// question, never a merge; and a phone two customers gave recognises
// neither.
func TestFactsNeverMergeWrongly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	must(t, h.f.AddContact(fakewechat.Contact{ID: "li", NickName: "李先生", AvatarSeq: "3333"}))
	must(t, h.f.AddContact(fakewechat.Contact{ID: "zhao", NickName: "赵女士", AvatarSeq: "4444"}))
	must(t, h.f.AddContact(fakewechat.Contact{ID: "kim", NickName: "Kim", AvatarSeq: "5555"}))
	h.driving()
	h.intake("wang", "我在网上买的电饭煲送来就是坏的，电话13812345678")
	h.intake("li", "你们的快递员把我的包裹弄丢了，电话13900001111")
	h.intake("zhao", "我家的快递也丢了，联系电话13900001111")
	wang, li, zhao := h.userOf(h.f.UserName("wang")), h.userOf(h.f.UserName("li")), h.userOf(h.f.UserName("zhao"))
	h.relogin()

	// Wang's husband, a new friend of this login, writes her phone while
	// she is still there under her own look.
	must(t, h.f.AddContact(fakewechat.Contact{ID: "husband", NickName: "老张", AvatarSeq: "6666"}))
	h.relogin()
	team := len(h.said("team"))
	h.say("husband", "我爱人的电话13812345678，她的电饭煲怎么样了")
	q := h.waitSaid("team", team, "老张", "王女士")
	if h.userOf(h.f.UserName("husband")) != "" || len(h.said("husband")) != 0 {
		t.Fatal("the husband was merged or answered before the team said who he is")
	}
	h.sayInGroup("bob", "新 "+codeIn(t, q.Content))
	waitFor(t, "the husband answered as someone new", func() bool { return len(h.said("husband")) > 0 })
	if u := h.userOf(h.f.UserName("husband")); u == "" || u == wang {
		t.Fatalf("the husband is %q (wang is %q)", u, wang)
	}

	// Kim gives the phone Li and Zhao share: it names neither of them.
	h.say("kim", "电话13900001111，我的快递也丢了")
	waitFor(t, "kim recognised", func() bool { return h.userOf(h.f.UserName("kim")) != "" })
	if u := h.userOf(h.f.UserName("kim")); u == li || u == zhao {
		t.Fatalf("kim was merged with a customer who gave the same phone (%q)", u)
	}
}
