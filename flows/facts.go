package flows

// Fact is one item of a case's fact sheet, with the messages it came from.
type Fact struct {
	// Value is what the customer said, normalised and readable.
	Value string `json:"value,omitempty"`
	// Kinds are the sub-kinds found (outcome: refund, apology; impact:
	// money, injury; where: store, online; …).
	Kinds []string `json:"kinds,omitempty"`
	// Date is the day meant (YYYY-MM-DD), for When.
	Date string `json:"date,omitempty"`
	// Approx is set when the customer named a span, not a day.
	Approx bool `json:"approx,omitempty"`
	// Amount and Currency are the money lost, for Impact.
	Amount   float64 `json:"amount,omitempty"`
	Currency string  `json:"currency,omitempty"`
	// Source lists the ids of the messages the fact was read from.
	Source []string `json:"source,omitempty"`
	// Number and Product are the parts of an Order fact: the order, model,
	// serial or tracking number, and the product's name.
	Number  string `json:"number,omitempty"`
	Product string `json:"product,omitempty"`
	// Damaged names what the product damaged besides itself, for Impact
	// (kind damage): "木地板", "kitchen floor".
	Damaged string `json:"damaged,omitempty"`
	// Skipped is set when the customer could not say ("不知道", "skip");
	// the bot does not ask again.
	Skipped bool `json:"skipped,omitempty"`
}

// Known reports whether the fact has a value.
func (f Fact) Known() bool { return f.Value != "" }

// Facts is a fact sheet, keyed by slot.
type Facts map[Slot]Fact
