package flows

// State is a guided intake in progress. It is plain data, stored between
// messages as JSON; every function of this package takes one and returns the
// next.
type State struct {
	Phase Phase `json:"phase"`
	Lang  Lang  `json:"lang"`
	Facts Facts `json:"facts"`
}

// Phase is where an intake is.
type Phase string
