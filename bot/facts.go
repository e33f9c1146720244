package bot

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/complaintbot/complaintbot/flows"
)

// This file is the third signal of Recognise: the facts the intake
// collected that belong to one person (a phone number, an e-mail address,
// a WeChat or QQ id, an order number). The engine keeps an index of them
// per platform, written after each commit of a case; a contact whose look
// is new but whose message gives one of them may be the customer it
// belongs to.

// factIndexAmbiguous is the index value of a fact two customers gave: it
// recognises nobody.
const factIndexAmbiguous = "*"

// minFactLen is the shortest fact value that tells people apart: an order
// number "B77" is too short to be anybody's.
const minFactLen = 6

// FactKeys returns the facts of a case that tell its customer apart,
// normalised: "phone:+8613812345678", "email:wang@example.com",
// "contact:qq12345678", "order:JD20260312001".
func FactKeys(f flows.Facts) []string {
	var keys []string
	if c := f[flows.Contact]; c.Value != "" && !c.Skipped {
		keys = appendKey(keys, factKey(flows.Contact, c.Value))
	}
	if o := f[flows.Order]; o.Number != "" && !o.Skipped {
		keys = appendKey(keys, factKey(flows.Order, o.Number))
	}
	return keys
}

// FactKeysIn returns the facts text gives that tell people apart, in the
// form FactKeys uses.
func FactKeysIn(text string) []string {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var keys []string
	for _, f := range flows.Analyze(text, flows.Context{Now: time.Now()}).Findings {
		if f.Negated || f.Slot == flows.Order && f.Kind == flows.OrderProduct {
			continue
		}
		if f.Slot == flows.Contact || f.Slot == flows.Order {
			keys = appendKey(keys, factKey(f.Slot, f.Value))
		}
	}
	return keys
}

func appendKey(keys []string, k string) []string {
	if k == "" || len(keys) >= 8 {
		return keys
	}
	for _, have := range keys {
		if have == k {
			return keys
		}
	}
	return append(keys, k)
}

// factKey normalises one fact: a phone number in E.164 as it is, an
// e-mail address in lower case, any other contact or order number as its
// letters and digits (upper case for orders); "" when what is left is too
// short to be anybody's.
func factKey(slot flows.Slot, v string) string {
	v = strings.TrimSpace(v)
	switch {
	case slot == flows.Contact && strings.HasPrefix(v, "+") && len(v) >= 8 && isAllDigits(v[1:]):
		return "phone:" + v
	case slot == flows.Contact && strings.Contains(v, "@"):
		return "email:" + strings.ToLower(v)
	}
	var b strings.Builder
	digits := 0
	for _, r := range flows.FoldText(v) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			if unicode.IsDigit(r) {
				digits++
			}
		}
	}
	s := b.String()
	if len(s) < minFactLen || digits == 0 {
		return ""
	}
	if slot == flows.Order {
		return "order:" + strings.ToUpper(s)
	}
	return "contact:" + strings.ToLower(s)
}

func isAllDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// factNotes remembers which facts this process already indexed for each
// customer, so that a commit that changes no fact costs nothing.
type factNotes struct {
	mu   sync.Mutex
	seen map[string]string
}

// noteFacts indexes user's facts: each fact points at the one customer
// who gave it, or at nobody (factIndexAmbiguous) once a second customer
// gave it too. A first writer wins with HSETNX and a second one makes the
// fact ambiguous, so two replicas noting one fact at once cannot leave it
// pointing at one of two customers.
func (ids *Identities) noteFacts(ctx context.Context, user string, keys []string) error {
	sig := strings.Join(keys, "\x00")
	ids.notes.mu.Lock()
	if ids.notes.seen[user] == sig {
		ids.notes.mu.Unlock()
		return nil
	}
	ids.notes.mu.Unlock()
	for _, k := range keys {
		cur, err := ids.store.AddIdentityField(ctx, ids.platform, "f:"+k, user)
		if err != nil {
			return err
		}
		if cur != user && cur != factIndexAmbiguous {
			if err := ids.store.SetIdentityFields(ctx, ids.platform, map[string]string{"f:" + k: factIndexAmbiguous}); err != nil {
				return err
			}
		}
	}
	ids.notes.mu.Lock()
	defer ids.notes.mu.Unlock()
	if ids.notes.seen == nil || len(ids.notes.seen) > 100_000 {
		ids.notes.seen = map[string]string{}
	}
	ids.notes.seen[user] = sig
	return nil
}

// byFacts reads the facts contact c of login gave in said against the
// index. It returns the customer they certainly are, if any: the facts
// point at one customer only, nobody else, and that customer is not
// someone else of this login (recognised at another address, or a friend
// of it who carries their remark or their look). Otherwise it returns the
// customers the facts point at, as candidates for a question.
func (ids *Identities) byFacts(ctx context.Context, login string, c Contact, said string) (certain string, cands []Candidate, err error) {
	keys := FactKeysIn(said)
	if len(keys) == 0 {
		return "", nil, nil
	}
	fields := make([]string, len(keys))
	for i, k := range keys {
		fields[i] = "f:" + k
	}
	vals, err := ids.store.IdentityFields(ctx, ids.platform, fields...)
	if err != nil {
		return "", nil, err
	}
	var users []string
	ambiguous := false
	for _, v := range vals {
		switch {
		case v == factIndexAmbiguous:
			ambiguous = true
		case v != "" && !slices.Contains(users, v):
			users = append(users, v)
		}
	}
	if len(users) == 0 {
		return "", nil, nil
	}
	cands, recs, err := ids.candidates(ctx, login, c, users)
	if err != nil {
		return "", nil, err
	}
	free := 0
	for i, r := range recs {
		if !ids.presentElsewhere(r, c.Address) {
			free++
			certain = cands[i].User
		}
	}
	if ambiguous || len(cands) != 1 || free != 1 {
		certain = ""
	}
	return certain, cands, nil
}

// presentElsewhere reports whether a friend of the current login other
// than the one at address carries r's remark or r's look: the customer r
// may be that friend.
func (ids *Identities) presentElsewhere(r record, address string) bool {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if r.Remark != "" {
		if c, ok := ids.contacts["r:"+r.Remark]; ok && c.Address != address {
			return true
		}
	}
	l := look(Contact{Nick: r.Nick, Avatar: r.Avatar})
	if c, ok := ids.contacts["l:"+l]; ok && (c.Address != address || ids.looks[l] > 1) {
		return true
	}
	return false
}
