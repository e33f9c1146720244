package bot

import (
	"context"
	"slices"
)

// IsStaff reports whether name may run staff commands.
func (e *Engine) IsStaff(name string) bool {
	return slices.Contains(e.cfg.Staff, name) || e.IsSupervisor(name)
}

// IsSupervisor reports whether name is a supervisor.
func (e *Engine) IsSupervisor(name string) bool { return slices.Contains(e.cfg.Supervisors, name) }

func (e *Engine) handleStaff(ctx context.Context, in Inbound, dedupe string) (Receipt, error) {
	if !e.IsStaff(in.User) {
		return Receipt{}, Errorf(EFORBIDDEN, "staff message", "%q is not on the staff list", in.User)
	}
	return Receipt{ID: in.ID}, nil
}
