package bot

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"
)

// This file is the recognition of customers on a platform that gives no
// stable id (WeChat's web protocol: a contact's UserName changes at every
// login, the avatar id when the picture changes). The adapter reports what
// the platform shows of a contact; the rules below decide who it is, and an
// uncertain match is never merged: it becomes a question to the team.

// Contact is what a platform without stable ids shows of a person in one
// login: their address in that login (a WeChat UserName), the remark name
// staff set on the phone, the nickname and the avatar id.
type Contact struct {
	Address string `json:"address"`
	Remark  string `json:"remark,omitempty"`
	Nick    string `json:"nick,omitempty"`
	Avatar  string `json:"avatar,omitempty"`
}

// IdentityStore keeps a platform's identity map: one flat map of string
// fields per platform. bot/redisstore implements it on a Redis hash.
type IdentityStore interface {
	// IdentityFields returns the values of fields ("" for a missing one).
	IdentityFields(ctx context.Context, platform string, fields ...string) ([]string, error)
	// SetIdentityFields writes fields (an empty value deletes the field).
	SetIdentityFields(ctx context.Context, platform string, kv map[string]string) error
	// AddIdentityField sets field to value unless it is set already, and
	// returns the value it holds now, in one atomic step.
	AddIdentityField(ctx context.Context, platform, field, value string) (string, error)
}

// Recognition is who a contact is.
type Recognition struct {
	// User is the customer's stable id on the platform ("" when in doubt).
	User string
	// New says that User was made now: nobody known looks like the contact.
	New bool
	// Doubt, when set, is the question the contact raised: User is "" and
	// nothing may be sent to the contact or the candidates until a person
	// answers it (Identities.Answer).
	Doubt *Doubt
	// Settled is the open question about the contact that the facts they
	// gave answered now (User is the candidate they named); Released are
	// the messages it held, with their customer, to accept before this one.
	Settled  *Doubt
	Released []Inbound
	// ByFacts, when set, is the known customer the facts the contact gave
	// named, though their look is new: the team is told, so that a person
	// can see it.
	ByFacts *Candidate
}

// Doubt is a contact who may be one of several known customers.
type Doubt struct {
	// Code names the question in the team's answer ("same 3 K7Q2").
	Code string `json:"code"`
	// Contact is who wrote.
	Contact Contact `json:"contact"`
	// Candidates are the known customers the contact may be.
	Candidates []Candidate `json:"candidates"`
	// Login is the login the contact's address belongs to.
	Login string `json:"login"`
}

// Candidate is a known customer a contact may be.
type Candidate struct {
	User string `json:"user"`
	Nick string `json:"nick"`
	// Remark is the remark name staff gave them, "" if none.
	Remark string `json:"remark,omitempty"`
}

// Identities recognises a platform's contacts login after login (see
// Recognise). It is safe for concurrent use; one process drives a platform
// account, so its writes do not race with another's.
type Identities struct {
	store    IdentityStore
	platform string

	mu sync.Mutex
	// login is the current login; looks counts, for it, the contacts that
	// share a nickname and avatar (their "look"), and byAddr caches who each
	// address is.
	login   string
	looks   map[string]int
	remarks map[string]bool
	byAddr  map[string]string
	// contacts are this login's friends by "r:"+remark and "l:"+look.
	contacts map[string]Contact
	// notes are the facts already indexed (noteFacts).
	notes factNotes
}

// NewIdentities returns the identity map of platform, kept in store.
func NewIdentities(store IdentityStore, platform string) *Identities {
	return &Identities{store: store, platform: platform, looks: map[string]int{}, byAddr: map[string]string{}}
}

func look(c Contact) string { return strings.TrimSpace(c.Nick) + "\x00" + c.Avatar }

// Login starts a login: contacts are every friend the platform lists in it,
// so that a look shared by two friends of this login is known to be
// ambiguous, and a customer of the previous login who is no longer among
// them (a changed nickname and avatar) is known to have vanished.
func (ids *Identities) Login(ctx context.Context, login string, contacts []Contact) error {
	ids.mu.Lock()
	if ids.login != login {
		ids.byAddr = map[string]string{}
	}
	ids.login = login
	ids.looks = map[string]int{}
	ids.remarks = map[string]bool{}
	ids.contacts = map[string]Contact{}
	for _, c := range contacts {
		ids.looks[look(c)]++
		ids.contacts["l:"+look(c)] = c
		if c.Remark != "" {
			ids.remarks[c.Remark] = true
			ids.contacts["r:"+c.Remark] = c
		}
	}
	ids.mu.Unlock()
	vals, err := ids.store.IdentityFields(ctx, ids.platform, "login:current", "login:prev")
	if err != nil || vals[0] == login {
		return err
	}
	kv := map[string]string{"login:current": login}
	if vals[0] != "" {
		kv["login:prev"] = vals[0]
	}
	if vals[1] != "" && vals[1] != login {
		// Two logins back: no rule reads who was seen then any more.
		kv["users:"+vals[1]] = ""
	}
	return ids.store.SetIdentityFields(ctx, ids.platform, kv)
}

// record is what is kept of a known customer.
type record struct {
	Remark string `json:"remark,omitempty"`
	Nick   string `json:"nick,omitempty"`
	Avatar string `json:"avatar,omitempty"`
	// Login and Address are where they were last seen.
	Login   string `json:"login,omitempty"`
	Address string `json:"address,omitempty"`
}

// Recognise says who contact c of login is, who wrote said, in this order
// of signals:
//
//  1. the address already recognised in this login;
//  2. the remark name, when one is set and known;
//  3. the nickname together with the avatar id, when exactly one known
//     customer has that look and only one friend of this login has it;
//  4. the facts said gives (a phone number, an e-mail address, an order
//     number) when the intake collected them from one customer only, who
//     is not someone else of this login, and no other known customer has
//     the contact's nickname;
//  5. otherwise, when known customers share the nickname (another avatar,
//     or the look is shared) or the facts point at customers, a Doubt
//     listing them: never a guess;
//  6. otherwise, when customers of the previous login are missing from this
//     one (they may have changed both nickname and avatar), a Doubt listing
//     them;
//  7. otherwise a new customer.
//
// A contact already in doubt stays so until the team answers, or until
// they give a fact that certainly names one of the candidates (Settled).
// A certain recognition records the contact's current address, so that
// messages to the customer reach them in this login (Address).
func (ids *Identities) Recognise(ctx context.Context, login string, c Contact, said string) (Recognition, error) {
	ids.mu.Lock()
	if u, ok := ids.byAddr[c.Address]; ok && ids.login == login {
		ids.mu.Unlock()
		return Recognition{User: u}, nil
	}
	shared := ids.looks[look(c)] > 1
	ids.mu.Unlock()

	nick := strings.TrimSpace(c.Nick)
	vals, err := ids.store.IdentityFields(ctx, ids.platform, "a:"+login+":"+c.Address, "r:"+c.Remark, "n:"+nick, "doubt:"+login+":"+c.Address)
	if err != nil {
		return Recognition{}, err
	}
	if vals[0] != "" {
		ids.cache(login, c.Address, vals[0])
		return Recognition{User: vals[0]}, nil
	}
	if vals[3] != "" {
		var d Doubt
		if json.Unmarshal([]byte(vals[3]), &d) == nil {
			user, named, err := ids.byFacts(ctx, login, c, said)
			if err != nil || user == "" || !slices.ContainsFunc(d.Candidates, func(k Candidate) bool { return k.User == user }) {
				return Recognition{Doubt: &d}, err
			}
			held, err := ids.settle(ctx, &d, user)
			if err != nil {
				return Recognition{}, err
			}
			return Recognition{User: user, Settled: &d, Released: held, ByFacts: &named[0]}, nil
		}
	}
	if c.Remark != "" && vals[1] != "" {
		return Recognition{User: vals[1]}, ids.bind(ctx, login, vals[1], c)
	}
	var users []string
	_ = json.Unmarshal([]byte(vals[2]), &users)
	cands, recs, err := ids.candidates(ctx, login, c, users)
	if err != nil {
		return Recognition{}, err
	}
	var exact []string
	for i, r := range recs {
		if r.Avatar == c.Avatar && c.Avatar != "" {
			exact = append(exact, cands[i].User)
		}
	}
	if len(exact) == 1 && !shared {
		return Recognition{User: exact[0]}, ids.bind(ctx, login, exact[0], c)
	}
	certain, byFacts, err := ids.byFacts(ctx, login, c, said)
	if err != nil {
		return Recognition{}, err
	}
	if certain != "" && (len(cands) == 0 || len(cands) == 1 && cands[0].User == certain) {
		return Recognition{User: certain, ByFacts: &byFacts[0]}, ids.bind(ctx, login, certain, c)
	}
	for _, k := range byFacts {
		if !slices.ContainsFunc(cands, func(h Candidate) bool { return h.User == k.User }) {
			cands = append(cands, k)
		}
	}
	switch {
	case len(cands) == 0:
		if cands, err = ids.vanished(ctx, login); err != nil {
			return Recognition{}, err
		}
	}
	switch {
	case len(cands) > 0:
		d := &Doubt{Code: doubtCode(login, c.Address), Contact: c, Candidates: cands, Login: login}
		b, _ := json.Marshal(d)
		return Recognition{Doubt: d}, ids.store.SetIdentityFields(ctx, ids.platform, map[string]string{
			"doubt:" + login + ":" + c.Address: string(b), "q:" + d.Code: string(b)})
	}
	u := newID()
	return Recognition{User: u, New: true}, ids.bind(ctx, login, u, c)
}

// candidates returns those of users whom contact c of login may be, with
// their records: not someone else of this very login, and not told apart
// by staff with another remark name.
func (ids *Identities) candidates(ctx context.Context, login string, c Contact, users []string) ([]Candidate, []record, error) {
	if len(users) == 0 {
		return nil, nil, nil
	}
	fields := make([]string, len(users))
	for i, u := range users {
		fields[i] = "u:" + u
	}
	raws, err := ids.store.IdentityFields(ctx, ids.platform, fields...)
	if err != nil {
		return nil, nil, err
	}
	var cands []Candidate
	var recs []record
	for i, raw := range raws {
		var r record
		if json.Unmarshal([]byte(raw), &r) != nil {
			continue
		}
		if r.Login == login && r.Address != c.Address {
			continue // someone else of this very login
		}
		if c.Remark != "" && r.Remark != "" && r.Remark != c.Remark {
			continue // staff told them apart
		}
		cands = append(cands, Candidate{User: users[i], Nick: r.Nick, Remark: r.Remark})
		recs = append(recs, r)
	}
	return cands, recs, nil
}

// vanished returns the customers seen in the login before login whom no
// friend of login looks like any more.
func (ids *Identities) vanished(ctx context.Context, login string) ([]Candidate, error) {
	vals, err := ids.store.IdentityFields(ctx, ids.platform, "login:prev")
	if err != nil || vals[0] == "" || vals[0] == login {
		return nil, err
	}
	lv, err := ids.store.IdentityFields(ctx, ids.platform, "users:"+vals[0])
	if err != nil {
		return nil, err
	}
	var users []string
	_ = json.Unmarshal([]byte(lv[0]), &users)
	if len(users) == 0 {
		return nil, nil
	}
	fields := make([]string, len(users))
	for i, u := range users {
		fields[i] = "u:" + u
	}
	recs, err := ids.store.IdentityFields(ctx, ids.platform, fields...)
	if err != nil {
		return nil, err
	}
	ids.mu.Lock()
	defer ids.mu.Unlock()
	var out []Candidate
	for i, raw := range recs {
		var r record
		if json.Unmarshal([]byte(raw), &r) != nil || r.Login == login {
			continue
		}
		if ids.looks[look(Contact{Nick: r.Nick, Avatar: r.Avatar})] > 0 || (r.Remark != "" && ids.remarks[r.Remark]) {
			continue // still there, under their old look or remark
		}
		out = append(out, Candidate{User: users[i], Nick: r.Nick, Remark: r.Remark})
	}
	return out, nil
}

func doubtCode(login, address string) string {
	sum := sha1.Sum([]byte(login + "\x00" + address))
	return strings.ToUpper(hex.EncodeToString(sum[:])[:4])
}

func (ids *Identities) cache(login, address, user string) {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if ids.login == login {
		ids.byAddr[address] = user
	}
}

// bind records that c, in login, is user.
func (ids *Identities) bind(ctx context.Context, login, user string, c Contact) error {
	nick := strings.TrimSpace(c.Nick)
	vals, err := ids.store.IdentityFields(ctx, ids.platform, "n:"+nick, "u:"+user, "users:"+login)
	if err != nil {
		return err
	}
	var seen []string
	_ = json.Unmarshal([]byte(vals[2]), &seen)
	var users []string
	_ = json.Unmarshal([]byte(vals[0]), &users)
	if !slices.Contains(users, user) {
		users = append(users, user)
	}
	var old record
	_ = json.Unmarshal([]byte(vals[1]), &old)
	r := record{Remark: c.Remark, Nick: nick, Avatar: c.Avatar, Login: login, Address: c.Address}
	if r.Remark == "" {
		r.Remark = old.Remark
	}
	nb, _ := json.Marshal(users)
	rb, _ := json.Marshal(r)
	kv := map[string]string{"a:" + login + ":" + c.Address: user, "u:" + user: string(rb), "n:" + nick: string(nb)}
	if !slices.Contains(seen, user) {
		sb, _ := json.Marshal(append(seen, user))
		kv["users:"+login] = string(sb)
	}
	if c.Remark != "" {
		kv["r:"+c.Remark] = user
	}
	if old.Nick != "" && old.Nick != nick {
		// The nickname changed: the old one no longer points here.
		ov, err := ids.store.IdentityFields(ctx, ids.platform, "n:"+old.Nick)
		if err == nil {
			var os []string
			_ = json.Unmarshal([]byte(ov[0]), &os)
			os = slices.DeleteFunc(os, func(s string) bool { return s == user })
			b, _ := json.Marshal(os)
			kv["n:"+old.Nick] = string(b)
			if len(os) == 0 {
				kv["n:"+old.Nick] = ""
			}
		}
	}
	if err := ids.store.SetIdentityFields(ctx, ids.platform, kv); err != nil {
		return err
	}
	ids.cache(login, c.Address, user)
	return nil
}

// Address returns where user can be reached in login: the address they were
// recognised at in it, or else the address of the friend of this login
// whom Recognise certainly takes for them (by remark, or by a look no one
// else has); "" when there is none yet. It also returns whether the
// customer is held by an open question.
func (ids *Identities) Address(ctx context.Context, login, user string) (addr string, held bool, err error) {
	vals, err := ids.store.IdentityFields(ctx, ids.platform, "u:"+user, "held:"+user)
	if err != nil {
		return "", false, err
	}
	held = vals[1] != ""
	var r record
	_ = json.Unmarshal([]byte(vals[0]), &r)
	if r.Login == login || held {
		return r.Address, held, nil
	}
	ids.mu.Lock()
	c, ok := ids.contacts["r:"+r.Remark]
	if !ok || r.Remark == "" {
		c, ok = ids.contacts["l:"+look(Contact{Nick: r.Nick, Avatar: r.Avatar})]
	}
	current := ids.login == login
	ids.mu.Unlock()
	if !ok || !current {
		return "", false, nil
	}
	rec, err := ids.Recognise(ctx, login, c, "")
	if err != nil || rec.User != user {
		return "", rec.Doubt != nil, err
	}
	return c.Address, false, nil
}

// Hold keeps a message of a contact in doubt until the question is
// answered, and marks every candidate held: nothing is sent to them
// meanwhile. It reports whether this is the doubt's first message (post
// the question then).
func (ids *Identities) Hold(ctx context.Context, d *Doubt, in Inbound) (first bool, err error) {
	vals, err := ids.store.IdentityFields(ctx, ids.platform, "hq:"+d.Code)
	if err != nil {
		return false, err
	}
	var held []Inbound
	_ = json.Unmarshal([]byte(vals[0]), &held)
	for _, h := range held {
		if h.ID == in.ID && in.ID != "" {
			return false, nil
		}
	}
	held = append(held, in)
	b, _ := json.Marshal(held)
	kv := map[string]string{"hq:" + d.Code: string(b)}
	for _, c := range d.Candidates {
		kv["held:"+c.User] = d.Code
	}
	return len(held) == 1, ids.store.SetIdentityFields(ctx, ids.platform, kv)
}

// Answer applies a person's answer to a doubt, written in the team channel
// as "same <code> <n>" (同一 <code> <n>: the contact is candidate n) or
// "new <code>" (新 <code>: somebody else). It returns the held messages,
// now with their customer, for the adapter to accept in order; ok is false
// when text is no answer to an open question.
func (ids *Identities) Answer(ctx context.Context, text string) (held []Inbound, ok bool, err error) {
	f := strings.Fields(text)
	if len(f) < 2 {
		return nil, false, nil
	}
	verb := strings.ToLower(f[0])
	if verb != "same" && verb != "同一" && verb != "new" && verb != "新" {
		return nil, false, nil
	}
	code := strings.ToUpper(f[1])
	vals, err := ids.store.IdentityFields(ctx, ids.platform, "q:"+code)
	if err != nil || vals[0] == "" {
		return nil, false, err
	}
	var d Doubt
	if json.Unmarshal([]byte(vals[0]), &d) != nil {
		return nil, false, nil
	}
	var user string
	switch verb {
	case "same", "同一":
		n := 1
		if len(f) > 2 {
			n = 0
			for _, r := range f[2] {
				if r < '0' || r > '9' {
					return nil, false, nil
				}
				n = n*10 + int(r-'0')
			}
		} else if len(d.Candidates) > 1 {
			return nil, false, nil
		}
		if n < 1 || n > len(d.Candidates) {
			return nil, false, nil
		}
		user = d.Candidates[n-1].User
	default:
		user = newID()
	}
	held, err = ids.settle(ctx, &d, user)
	return held, err == nil, err
}

// settle closes question d: its contact is user. It returns the messages
// it held, now with their customer.
func (ids *Identities) settle(ctx context.Context, d *Doubt, user string) (held []Inbound, err error) {
	if err := ids.bind(ctx, d.Login, user, d.Contact); err != nil {
		return nil, err
	}
	vals, err := ids.store.IdentityFields(ctx, ids.platform, "hq:"+d.Code)
	if err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(vals[0]), &held)
	kv := map[string]string{"q:" + d.Code: "", "hq:" + d.Code: "", "doubt:" + d.Login + ":" + d.Contact.Address: ""}
	for _, c := range d.Candidates {
		kv["held:"+c.User] = ""
	}
	if err := ids.store.SetIdentityFields(ctx, ids.platform, kv); err != nil {
		return nil, err
	}
	for i := range held {
		held[i].User = user
	}
	return held, nil
}

// PostTeam posts text to the team channel once per id, whichever replica
// or retry posts it: a platform's notices (a login, a logout, a question
// about who a customer is).
func (e *Engine) PostTeam(ctx context.Context, id, text string) error {
	_, err := e.update(ctx, "post team", LoadQuery{Customer: TeamKey, Dedupe: "post:" + id}, func(_ *Snapshot, now time.Time) (*Change, error) {
		return &Change{Outbox: []Outbound{e.toTeam("", "", KindText, text, now)}}, nil
	})
	return err
}
