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
