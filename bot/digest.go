package bot

import (
	"context"
	"time"
)

// PostDigest posts the daily digest of open cases to the team channel
// (DIGEST_CRON): open, unclaimed, breaching, oldest, by owner.
func (e *Engine) PostDigest(ctx context.Context, now time.Time) error { return nil }

// PostReview posts the week's voice of the customer to the team channel
// (REVIEW_CRON): counts by category and root cause, median time to claim
// and to resolve, satisfaction average, reopen rate.
func (e *Engine) PostReview(ctx context.Context, now time.Time) error { return nil }

// Reconcile repairs open cases (and conversations in intake) whose wake-up
// is missing, and returns how many it repaired.
func (e *Engine) Reconcile(ctx context.Context, now time.Time) (int, error) { return 0, nil }
