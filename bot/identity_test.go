package bot_test

import (
	"context"
	"slices"
	"testing"

	"github.com/complaintbot/complaintbot/bot"
	"github.com/complaintbot/complaintbot/bot/redisstore"
	"github.com/complaintbot/complaintbot/flows"
	"github.com/complaintbot/complaintbot/scheduler/redistest"
)

// TestIdentities walks the recognition rules login by login, on a real
// redis-server: each step is a login (its friends) and a contact who
// writes, with who the rules must say it is.
func TestIdentities(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	ids := bot.NewIdentities(redisstore.New(srv.Client(t), redisstore.Options{}), "wechat")
	ctx := context.Background()
	users := map[string]string{} // the test's names → the ids the rules gave
	wang := bot.Contact{Nick: "王女士", Avatar: "a1"}
	wang2 := bot.Contact{Nick: "小王", Avatar: "a2"} // wang's nickname since L4, another avatar
	dan := bot.Contact{Nick: "Dan", Avatar: "d1"}
	eve := bot.Contact{Nick: "Eve", Avatar: "e1"}
	at := func(c bot.Contact, addr string) bot.Contact { c.Address = addr; return c }

	for _, step := range []struct {
		name    string
		login   string
		friends []bot.Contact
		writer  bot.Contact
		want    string // a name in users, "new:<name>" for a new customer, "doubt" for a question
		answer  string // for a doubt: "same N" or "new", then want names who it is
	}{
		{"a first message makes a customer", "L1", []bot.Contact{at(wang, "@w"), at(dan, "@d"), at(eve, "@e")}, at(wang, "@w"), "new:wang", ""},
		{"Eve", "L1", nil, at(eve, "@e"), "new:eve", ""},
		{"the same address is the same customer", "L1", nil, at(wang, "@w"), "wang", ""},
		{"Dan is someone else", "L1", nil, at(dan, "@d"), "new:dan", ""},
		{"a new login: nickname and avatar", "L2", []bot.Contact{at(wang, "@w2"), at(dan, "@d2")}, at(wang, "@w2"), "wang", ""},
		{"a remark is recorded", "L3", []bot.Contact{at(bot.Contact{Nick: "王女士", Avatar: "a1", Remark: "CB-1"}, "@w3"), at(dan, "@d3")},
			at(bot.Contact{Nick: "王女士", Avatar: "a1", Remark: "CB-1"}, "@w3"), "wang", ""},
		{"the remark wins over a new look", "L4", []bot.Contact{at(bot.Contact{Nick: "小王", Avatar: "zz", Remark: "CB-1"}, "@w4"), at(dan, "@d4")},
			at(bot.Contact{Nick: "小王", Avatar: "zz", Remark: "CB-1"}, "@w4"), "wang", ""},
		{"a look shared by two friends is a question", "L5", []bot.Contact{at(dan, "@d5"), at(eve, "@e5"), at(eve, "@x5")}, at(eve, "@x5"), "doubt", "new"},
		{"the answer 'new' makes a new customer", "L5", nil, at(eve, "@x5"), "new:eve-twin", ""},
		{"the same nickname, another avatar is a question", "L6", []bot.Contact{at(wang2, "@v6"), at(dan, "@d6")}, at(wang2, "@v6"), "doubt", "new"},
		{"Dan in L6", "L6", nil, at(dan, "@d6"), "dan", ""},
		{"changed nickname and avatar after a login is a question", "L7", []bot.Contact{at(wang2, "@v7"), at(bot.Contact{Nick: "Daniel", Avatar: "d9"}, "@d7")},
			at(bot.Contact{Nick: "Daniel", Avatar: "d9"}, "@d7"), "doubt", "same 1"},
	} {
		t.Run(step.name, func(t *testing.T) {
			if step.friends != nil {
				if err := ids.Login(ctx, step.login, step.friends); err != nil {
					t.Fatal(err)
				}
			}
			rec, err := ids.Recognise(ctx, step.login, step.writer, "你好")
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case step.want == "doubt":
				if rec.Doubt == nil || rec.User != "" {
					t.Fatalf("Recognise = %+v; want a question", rec)
				}
				first, err := ids.Hold(ctx, rec.Doubt, bot.Inbound{ID: "m:" + step.login, Text: "held"})
				if err != nil || !first {
					t.Fatalf("Hold = %v, %v", first, err)
				}
				for _, c := range rec.Doubt.Candidates {
					if _, held, _ := ids.Address(ctx, step.login, c.User); !held {
						t.Errorf("candidate %s is not held", c.User)
					}
				}
				text := "new " + rec.Doubt.Code
				if step.answer == "same 1" {
					text = "same " + rec.Doubt.Code + " 1"
				}
				held, ok, err := ids.Answer(ctx, text)
				if err != nil || !ok || len(held) != 1 || held[0].User == "" {
					t.Fatalf("Answer = %+v, %v, %v", held, ok, err)
				}
				if step.answer == "same 1" && held[0].User != rec.Doubt.Candidates[0].User {
					t.Errorf("'same 1' gave %s, want %s", held[0].User, rec.Doubt.Candidates[0].User)
				}
				for _, c := range rec.Doubt.Candidates {
					if _, held, _ := ids.Address(ctx, step.login, c.User); held {
						t.Errorf("candidate %s is still held after the answer", c.User)
					}
				}
				if step.answer == "same 1" && users["dan"] != held[0].User {
					t.Errorf("Daniel merged with %s, want Dan %s", held[0].User, users["dan"])
				}
				users["answer:"+step.login] = held[0].User
			case len(step.want) > 4 && step.want[:4] == "new:":
				if !rec.New && step.want != "new:eve-twin" {
					t.Fatalf("Recognise = %+v; want a new customer", rec)
				}
				for name, u := range users {
					if u == rec.User && name != "answer:"+step.login {
						t.Fatalf("%s is %s already", rec.User, name)
					}
				}
				users[step.want[4:]] = rec.User
			default:
				if rec.User != users[step.want] || rec.User == "" {
					t.Fatalf("Recognise = %+v; want %s (%s)", rec, step.want, users[step.want])
				}
			}
		})
	}
	// After a login, a customer is reached before they write when a friend
	// of the login is surely them.
	if err := ids.Login(ctx, "L8", []bot.Contact{at(bot.Contact{Nick: "小王", Avatar: "zz", Remark: "CB-1"}, "@w8")}); err != nil {
		t.Fatal(err)
	}
	if addr, held, err := ids.Address(ctx, "L8", users["wang"]); addr != "@w8" || held || err != nil {
		t.Errorf("Address = %q, %v, %v; want @w8 by the remark", addr, held, err)
	}
}

// TestFactKeysIn: the facts that tell people apart, normalised so that a
// phone written two ways is one key; what is negated, too short to be
// anybody's, or no fact at all gives none.
func TestFactKeysIn(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string
		want []string
	}{
		{"我电话是13812345678", []string{"phone:+8613812345678"}},
		{"我的手机号：138 1234 5678，订单号JD20260312001", []string{"order:JD20260312001", "phone:+8613812345678"}},
		{"my email is Wang@Example.com", []string{"email:wang@example.com"}},
		{"我的qq是12345678", []string{"contact:qq12345678"}},
		{"order #88812345 still not here", []string{"order:88812345"}},
		{"不是13812345678", nil},
		{"订单号A12", nil},
		{"你好，在吗", nil},
		{"", nil},
	} {
		got := bot.FactKeysIn(c.text)
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("FactKeysIn(%q) = %v, want %v", c.text, got, want)
		}
	}
	f := flows.Facts{}
	f[flows.Contact] = flows.Fact{Value: "+8613812345678"}
	f[flows.Order] = flows.Fact{Number: "jd20260312001"}
	if got := bot.FactKeys(f); !slices.Equal(got, []string{"phone:+8613812345678", "order:JD20260312001"}) {
		t.Errorf("FactKeys = %v", got)
	}
}
