package bot

import (
	"time"

	"github.com/complaintbot/complaintbot/flows"
)

// Card is a case as the team channel shows it: posted when the case opens,
// replaced in place whenever it changes.
type Card struct {
	Case       string           `json:"case"`
	Status     Status           `json:"status"`
	Priority   Priority         `json:"priority"`
	Urgent     bool             `json:"urgent"`
	Risks      []flows.Risk     `json:"risks"`
	Emotion    flows.Emotion    `json:"emotion"`
	Complainer flows.Complainer `json:"complainer_type"`
	Tip        string           `json:"tip"`
	Channel    string           `json:"channel"`
	Customer   string           `json:"customer"` // display name
	Lang       flows.Lang       `json:"language"`
	Summary    string           `json:"summary"`
	Facts      flows.Facts      `json:"facts"`
	Outcome    string           `json:"outcome"` // the outcome the customer wants, readable
	Incomplete bool             `json:"incomplete,omitempty"`
	Opened     time.Time        `json:"opened"`
	Due        time.Time        `json:"first_response_due"`
	Owner      string           `json:"owner,omitempty"`
}
