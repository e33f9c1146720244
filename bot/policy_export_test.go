package bot

import (
	"context"
	"time"
)

// EditCase changes case id the way a staff command does, for the timed
// tests: fn changes the case at the engine's now, then changed() records
// the event (what "" records none), updates the card and reschedules the
// case, all in one commit.
func (e *Engine) EditCase(ctx context.Context, id, who, what string, fn func(c *Case, now time.Time)) error {
	customer, err := e.store.CustomerOf(ctx, id)
	if err != nil {
		return err
	}
	_, err = e.update(ctx, "edit case "+id, LoadQuery{Customer: customer, Case: id}, func(snap *Snapshot, now time.Time) (*Change, error) {
		if snap.Case == nil || snap.Case.ID != id {
			return nil, Errorf(ENOTFOUND, "edit case", "no case %s", id)
		}
		ch := &Change{WakeUps: map[string]time.Time{}}
		fn(snap.Case, now)
		e.changed(snap.Case, ch, now, who, what, "")
		return ch, nil
	})
	return err
}
