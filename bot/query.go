package bot

import "context"

// CaseView is a case with its whole transcript, as staff and tools see it.
type CaseView struct {
	*Case
	Transcript []Entry `json:"transcript"`
}

// Case returns a case with its transcript, or an ENOTFOUND *Error.
func (e *Engine) Case(ctx context.Context, id string) (*CaseView, error) {
	if err := CheckID("case id", id); err != nil {
		return nil, err
	}
	c, err := e.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	tx, err := e.store.Transcript(ctx, c.Customer, c.Session)
	if err != nil {
		return nil, err
	}
	if tx == nil {
		tx = []Entry{}
	}
	return &CaseView{Case: c, Transcript: tx}, nil
}

// Cases lists cases with the given statuses, oldest first; every case when
// none are given. An unknown status is an EINVALID *Error.
func (e *Engine) Cases(ctx context.Context, statuses ...Status) ([]*Case, error) {
	for _, s := range statuses {
		if !validStatus(s) {
			return nil, Errorf(EINVALID, "cases", "unknown status %q (use one of open, claimed, resolved, confirmed, closed, withdrawn)", s)
		}
	}
	return e.store.Cases(ctx, statuses...)
}

func validStatus(s Status) bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Query answers a read-only staff command at once, without queuing
// anything: cases, mine, help and case 42, typed as in the team channel
// (a slash command's text). It is for platforms that want the answer in
// their reply to the request (a Slack slash command's acknowledgement).
// ok is false when text is not one of those commands, or does not parse:
// the caller then hands the message to Accept like any other. A handle
// that is not staff gets EFORBIDDEN.
func (e *Engine) Query(ctx context.Context, platform, handle, text string) (answer string, ok bool, err error) {
	who, known := e.cfg.People.ByHandle(platform, handle)
	if !known {
		return "", false, Errorf(EFORBIDDEN, "staff query", "%q is not on the staff list", handle)
	}
	now := e.now().In(e.cfg.Location)
	cmd, uerr := ParseCommand(CleanText(text), "", now, e.cfg.Location)
	if uerr != nil {
		return "", false, nil
	}
	switch cmd.Verb {
	case CmdList, CmdMine, CmdHelp:
		text, err := e.listing(ctx, who.ID, cmd, now)
		return text, err == nil, err
	case CmdShow:
		customer, err := e.store.CustomerOf(ctx, cmd.Case)
		if ErrorCode(err) == ENOTFOUND {
			return e.say(cmd.Lang, "notice.no_case", map[string]any{"ID": cmd.Case}), true, nil
		}
		if err != nil {
			return "", false, err
		}
		snap, err := e.store.Load(ctx, LoadQuery{Customer: customer, Case: cmd.Case, Transcript: true, Cases: true})
		if err != nil {
			return "", false, err
		}
		if snap.Case == nil || snap.Case.ID != cmd.Case {
			return e.say(cmd.Lang, "notice.no_case", map[string]any{"ID": cmd.Case}), true, nil
		}
		return e.brief(snap, snap.Case, cmd.Lang), true, nil
	}
	return "", false, nil
}
