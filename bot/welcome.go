package bot

import (
	"context"

	"github.com/complaintbot/complaintbot/flows"
)

// Welcome returns the bot's greeting for a customer who just opened a
// chat and has written nothing yet (WeCom's enter-session event, which
// allows one welcome message within 20 s). It is in the customer's
// language when an earlier conversation tells it (and, while their case
// is open, says where it stands), and in Chinese and English otherwise. It reads the customer's conversation and changes
// nothing: the greeting is not part of any intake, and the customer's
// first words start one as usual.
func (e *Engine) Welcome(ctx context.Context, channel, user string) (string, error) {
	snap, err := e.store.Load(ctx, LoadQuery{Customer: CustomerKey(channel, user)})
	if err != nil {
		return "", err
	}
	if c := snap.Conv; c != nil && c.Lang != "" {
		key, data := "welcome", map[string]any{}
		if k := snap.Case; k != nil && k.ID == c.Case && k.Status.Active() {
			// Back while their case is open: where it stands, not a new start.
			key, data = "welcome.case", map[string]any{"ID": k.ID, "Owner": e.nameOf(k.Owner)}
		}
		text := e.say(c.Lang, key, data)
		if c.Lang == flows.ZH {
			text = flows.ToScript(text, c.Script)
		}
		return text, nil
	}
	return e.say(flows.ZH, "welcome", nil) + "\n" + e.say(flows.EN, "welcome", nil), nil
}
