package bot

import (
	"strconv"
	"strings"
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
	// Owner is the owner's display name; OwnerID their Person.ID and
	// OwnerHandle their handle on the team's platform, for its mention.
	Owner       string `json:"owner,omitempty"`
	OwnerID     string `json:"owner_id,omitempty"`
	OwnerHandle string `json:"owner_handle,omitempty"`
	// Notes are the customer's remarks that are no facts.
	Notes []string `json:"notes,omitempty"`
	// Fields are the known facts, worded for staff in the team's language.
	Fields []CardField `json:"fields"`
	// ReachUntil is when the customer's platform stops letting the team
	// write to them (a reply window), zero when it does not; ReachLeft how
	// many more messages it allows, -1 for any number.
	ReachUntil time.Time `json:"reach_until,omitzero"`
	ReachLeft  int       `json:"reach_left"`
	// HeldBy is the display name of the person of the platform's own
	// reception who holds the customer's session (WeCom's client), ""
	// while the bot does; HeldByID is their Person.ID.
	HeldBy   string `json:"held_by,omitempty"`
	HeldByID string `json:"held_by_id,omitempty"`
	// Rev numbers the card's versions: it changes whenever the case does.
	// A button on the card carries it, so that clicking the same button
	// twice is one action (ActionID).
	Rev int `json:"rev"`
	// Actions are what staff can do from the card now, in the order to
	// show them: claim while nobody owns it; resolve, hand over and
	// escalate while it is worked on; reopen once it is no longer open.
	Actions []Verb `json:"actions"`
}

// cardActions lists what staff can do from a case's card.
func cardActions(c *Case) []Verb {
	switch {
	case c.Status == Open && c.Owner == "":
		return []Verb{CmdClaim, CmdEscalate}
	case c.Status == Open || c.Status == Claimed:
		return []Verb{CmdResolve, CmdHandover, CmdEscalate}
	}
	return []Verb{CmdReopen}
}

// ActionID is the message id of a click on a card's button: the same
// person clicking the same button of the same version of a card twice
// makes one action, which the engine de-duplicates.
func ActionID(caseID string, rev int, verb Verb, handle string) string {
	return "act:" + caseID + ":" + strconv.Itoa(rev) + ":" + string(verb) + ":" + handle
}

// cardOf returns the card of a case.
func (e *Engine) cardOf(c *Case) *Card {
	st := flows.State{Facts: c.Facts, Lang: c.Lang}
	card := &Card{
		Case:       c.ID,
		Status:     c.Status,
		Priority:   c.Priority,
		Urgent:     c.Urgent,
		Risks:      c.Risks,
		Emotion:    c.Emotion,
		Complainer: c.Complainer,
		Tip:        c.Tip,
		Channel:    c.Channel,
		Customer:   c.DisplayName(),
		Lang:       c.Lang,
		Summary:    c.Summary,
		Facts:      c.Facts,
		Outcome:    st.OutcomeWords(e.cfg.Catalog, e.cfg.TeamLang),
		Incomplete: c.Incomplete,
		Opened:     c.Opened,
		Due:        c.FirstResponseDue,
		Owner:      e.nameOf(c.Owner),
		OwnerID:    c.Owner,
		Fields:     e.cardFields(c),
		ReachLeft:  -1,
		Notes:      c.Notes,
		Rev:        len(c.History),
		Actions:    cardActions(c),
	}
	if lim, ok := e.policy().limits[c.Channel]; ok {
		card.ReachUntil, card.ReachLeft = c.reach(lim)
	}
	if c.held() {
		card.HeldBy, card.HeldByID = e.nameOf(c.HeldBy), c.HeldBy
	}
	if c.Owner != "" {
		card.OwnerHandle = e.handleOf(c.Owner)
	} else {
		card.Owner = ""
	}
	return card
}

// DisplayName is the customer's name as staff see it: the display name, or
// the id on the channel.
func (c *Case) DisplayName() string {
	if c.CustomerName != "" {
		return c.CustomerName
	}
	return c.CustomerID
}

// card returns the outbound message that posts a case's card to the team
// channel (update false) or replaces the card already posted (update true).
func (e *Engine) card(c *Case, now time.Time, update bool) Outbound {
	m := e.toTeam(c.ID, "", KindCard, e.cardText(c), now)
	m.Card = e.cardOf(c)
	if update {
		m.Edits = "card:" + c.ID
	} else {
		m.Ref = "card:" + c.ID
	}
	return m
}

// CardField is one fact of a card, worded for staff.
type CardField struct {
	Slot  flows.Slot `json:"slot"`
	Label string     `json:"label"`
	Value string     `json:"value"`
}

// cardFields words the case's known facts (besides the grievance and the
// outcome, which the summary says) for staff, in the team's language.
func (e *Engine) cardFields(c *Case) []CardField {
	lang := e.cfg.TeamLang
	var out []CardField
	for _, slot := range flows.Slots {
		if slot == flows.Grievance || slot == flows.Outcome {
			continue
		}
		f := c.Facts[slot]
		if !f.Known() {
			continue
		}
		v := f.Value
		if slot == flows.When && f.Date != "" {
			v = f.Date
		}
		switch slot {
		case flows.Where:
			v = flows.WhereWords(e.cfg.Catalog, lang, v)
		case flows.Order:
			v = flows.OrderWords(e.cfg.Catalog, lang, f)
		}
		out = append(out, CardField{Slot: slot, Label: e.say(lang, "fact."+string(slot), nil), Value: v})
	}
	return out
}

// outcomeWords is what the customer wants, in the team's language; "" when
// unknown.
func (e *Engine) outcomeWords(c *Case) string {
	st := flows.State{Facts: c.Facts}
	return st.OutcomeWords(e.cfg.Catalog, e.cfg.TeamLang)
}

// cardText renders a case's card as plain text, in the team's language, for
// platforms without structured cards and for the web feed's "text".
func (e *Engine) cardText(c *Case) string {
	lang := e.cfg.TeamLang
	word := func(key string) string { return e.say(lang, key, nil) }
	var risks []string
	for _, r := range c.Risks {
		risks = append(risks, word("risk."+string(r)))
	}
	var facts []string
	for _, f := range e.cardFields(c) {
		facts = append(facts, e.say(lang, "team.facts", map[string]any{"Label": f.Label, "Value": f.Value}))
	}
	owner := word("team.nobody")
	if c.Owner != "" {
		owner = e.mention(c.Owner)
	}
	// The summary holds what happened; what the customer wants is said
	// once, in the team's language.
	outcome := e.outcomeWords(c)
	if outcome == "" {
		outcome = word("team.none")
	}
	sep := " · "
	text := e.say(lang, "team.card", map[string]any{
		"ID":         c.ID,
		"Urgent":     c.Urgent,
		"Priority":   word("priority." + string(c.Priority)),
		"Status":     word("status." + string(c.Status)),
		"Risks":      strings.Join(risks, ", "),
		"Incomplete": c.Incomplete,
		"Customer":   c.DisplayName(),
		"Channel":    c.Channel,
		"Lang":       string(c.Lang),
		"Emotion":    word("emotion." + c.Emotion.String()),
		"Type":       word("type." + string(c.Complainer)),
		"Tip":        c.Tip,
		"Summary":    c.Summary,
		"Outcome":    outcome,
		"Facts":      strings.Join(facts, sep),
		"Opened":     c.Opened.In(e.cfg.Location).Format("2006-01-02 15:04"),
		"Due":        c.FirstResponseDue.In(e.cfg.Location).Format("2006-01-02 15:04"),
		"Owner":      owner,
		"Claim":      c.Owner == "" && c.Status == Open,
	})
	if len(c.Notes) > 0 {
		text += "\n" + e.say(lang, "team.notes", map[string]any{"Notes": strings.Join(c.Notes, " / ")})
	}
	if lim, ok := e.policy().limits[c.Channel]; ok {
		until, left := c.reach(lim)
		text += "\n" + e.say(lang, "team.reach", map[string]any{"Platform": c.Channel, "Until": e.teamTime(until), "Window": !until.IsZero(), "Counted": left >= 0, "Left": left})
	}
	switch {
	case c.held():
		text += "\n" + e.say(lang, "team.held", map[string]any{"Platform": c.Channel, "Holder": e.mention(c.HeldBy), "Since": e.teamTime(c.HeldAt)})
	case c.SessionEnded:
		text += "\n" + e.say(lang, "team.session_ended", map[string]any{"Platform": c.Channel})
	}
	return text
}
