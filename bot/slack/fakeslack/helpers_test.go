package fakeslack_test

import (
	"context"
	"errors"
	"io"
	"log"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/complaintbot/complaintbot/bot/slack/fakeslack"
)

const (
	customer = "U0CUSTOMER1"
	alice    = "U0ALICE0001"
	bob      = "U0BOB000001"
	team     = "C0TEAM00001"
)

// newFake is a fake with a customer, two staff and the team channel.
func newFake(t *testing.T, opts ...fakeslack.Option) *fakeslack.Server {
	t.Helper()
	base := []fakeslack.Option{
		fakeslack.WithUser(fakeslack.User{ID: customer, Name: "liwei", RealName: "Li Wei", DisplayName: "李伟"}),
		fakeslack.WithUser(fakeslack.User{ID: alice, Name: "alice", RealName: "Alice Smith", DisplayName: "alice"}),
		fakeslack.WithUser(fakeslack.User{ID: bob, Name: "bob", RealName: "Bob Jones", DisplayName: "bob"}),
		fakeslack.WithChannel(fakeslack.Channel{ID: team, Name: "support-team", Members: []string{alice, bob}}),
	}
	return fakeslack.New(t, append(base, opts...)...)
}

// socketBot is a real socketmode.Client running against the fake, with its
// events forwarded to a channel the test reads.
type socketBot struct {
	*socketmode.Client
	events chan socketmode.Event
	done   chan error
}

func startSocket(t *testing.T, api *slack.Client, opts ...socketmode.Option) *socketBot {
	t.Helper()
	quiet := socketmode.OptionLog(log.New(io.Discard, "", 0))
	sm := socketmode.New(api, append([]socketmode.Option{quiet}, opts...)...)
	ctx, cancel := context.WithCancel(context.Background())
	b := &socketBot{Client: sm, events: make(chan socketmode.Event, 100), done: make(chan error, 1)}
	go func() { b.done <- sm.RunContext(ctx) }()
	go func() {
		for {
			select {
			case e := <-sm.Events:
				select {
				case b.events <- e:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-b.done:
		case <-time.After(5 * time.Second):
			t.Error("socketmode client did not stop")
		}
	})
	return b
}

// next returns the next event of type typ, skipping others.
func (b *socketBot) next(t *testing.T, typ socketmode.EventType) socketmode.Event {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-b.events:
			if e.Type == typ {
				return e
			}
			if e.Type == socketmode.EventTypeErrorBadMessage {
				t.Fatalf("slack-go could not parse a frame: %v", e.Data.(*socketmode.ErrorBadMessage).Cause)
			}
		case <-timeout:
			t.Fatalf("no %s event within 5 s", typ)
		}
	}
}

func (b *socketBot) ack(t *testing.T, e socketmode.Event, payload ...any) {
	t.Helper()
	if err := b.Ack(*e.Request, payload...); err != nil {
		t.Fatalf("Ack: %v", err)
	}
}

func slackErr(t *testing.T, err error, want string) {
	t.Helper()
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != want {
		t.Fatalf("error = %v (%T), want SlackErrorResponse %q", err, err, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func card(caseID string) []slack.Block {
	return []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Case "+caseID+"*: parcel lost", false, false), nil, nil),
		slack.NewActionBlock("case_actions",
			slack.NewButtonBlockElement("claim", caseID, slack.NewTextBlockObject(slack.PlainTextType, "Claim", false, false)),
			slack.NewButtonBlockElement("escalate", caseID, slack.NewTextBlockObject(slack.PlainTextType, "Escalate", false, false)),
		),
	}
}
