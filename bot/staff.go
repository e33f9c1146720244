package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/complaintbot/complaintbot/flows"
)

// IsStaff reports whether handle on platform is a member of the team: a
// person of the staff directory who may run staff commands.
func (e *Engine) IsStaff(platform, handle string) bool {
	_, ok := e.cfg.People.ByHandle(platform, handle)
	return ok
}

// People returns the engine's staff directory.
func (e *Engine) People() *Directory { return e.cfg.People }

// IsSupervisor reports whether the person with the id is a supervisor.
func (e *Engine) IsSupervisor(id string) bool { return e.cfg.People.IsSupervisor(id) }

// nameOf is a person's display name: what customers see.
func (e *Engine) nameOf(id string) string { return e.cfg.People.Name(id) }

// mention writes a person as staff see them in the team channel: the
// platform's own mention (Slack "<@U123>") when it has one and the person
// a handle there, else the display name.
func (e *Engine) mention(id string) string { return e.mentionOn(e.cfg.Team, id) }

func (e *Engine) mentionOn(platform, id string) string {
	p, ok := e.cfg.People.Get(id)
	if !ok {
		return e.nameOf(id)
	}
	if f := e.cfg.Platforms[platform].Mention; f != nil && p.Handles[platform] != "" {
		return f(p)
	}
	return p.Name
}

// handleOf is a person's handle on the team platform, for direct messages
// and private notices.
func (e *Engine) handleOf(id string) string { return e.handleOn(e.cfg.Team, id) }

func (e *Engine) handleOn(platform, id string) string {
	if p, ok := e.cfg.People.Get(id); ok {
		if h := p.Handle(platform); h != "" {
			return h
		}
	}
	return id
}

// staffScope is the key under which what a staff member is told privately
// is committed when it changes no case: usage, refusals, listings. Keeping
// those off the case's customer means a crowd of losing claims does not
// contend with the one that wins.
func staffScope(id string) string { return "staff:" + id }

// briefVerbs are the commands whose answer carries the whole case: their
// snapshot holds the transcript and the customer's other cases.
func briefVerb(v Verb) bool { return v == CmdClaim || v == CmdHandover || v == CmdShow }

// handleStaff applies one message from a staff member: a command, typed or
// structured (a button, a menu, a slash command), or plain text in a case's
// thread. Only people of the staff directory get here; a customer's text
// never reaches the command parser.
func (e *Engine) handleStaff(ctx context.Context, in Inbound, dedupe string) (Receipt, error) {
	who, ok := e.cfg.People.ByHandle(in.Channel, in.User)
	if !ok {
		return Receipt{}, Errorf(EFORBIDDEN, "staff message", "%q is not on the staff list", in.User)
	}
	now := e.now().In(e.cfg.Location)
	if in.Thread == "" && in.ThreadRef != "" {
		id, err := e.store.CaseOfRef(ctx, in.Channel, in.ThreadRef)
		if err != nil {
			return Receipt{}, err
		}
		in.Thread = id
	}
	var cmd Command
	var uerr *UsageError
	if in.Command != nil {
		cmd, uerr = CheckCommand(*in.Command, in.Thread, now)
		if cmd.Lang == "" {
			cmd.Lang = e.cfg.TeamLang
		}
	} else {
		cmd, uerr = ParseCommand(in.Text, in.Thread, now, e.cfg.Location)
	}
	st := &staffMsg{in: in, who: who}
	if uerr != nil {
		return e.private(ctx, st, dedupe, cmd.Case, e.usageText(cmd.Lang, uerr))
	}
	switch cmd.Verb {
	case CmdList, CmdMine, CmdHelp:
		text, err := e.listing(ctx, who.ID, cmd, now)
		if err != nil {
			return Receipt{}, err
		}
		return e.private(ctx, st, dedupe, "", text)
	}
	customer, err := e.store.CustomerOf(ctx, cmd.Case)
	if ErrorCode(err) == ENOTFOUND {
		return e.private(ctx, st, dedupe, "", e.say(cmd.Lang, "notice.no_case", map[string]any{"ID": cmd.Case}))
	}
	if err != nil {
		return Receipt{}, err
	}
	var private []Outbound
	q := LoadQuery{Customer: customer, Case: cmd.Case, Dedupe: dedupe, Transcript: briefVerb(cmd.Verb), Cases: briefVerb(cmd.Verb)}
	dup, err := e.update(ctx, "staff "+string(cmd.Verb), q, func(snap *Snapshot, now time.Time) (*Change, error) {
		private = nil
		if snap.Case == nil || snap.Case.ID != cmd.Case {
			private = []Outbound{e.notice(st, "", e.say(cmd.Lang, "notice.no_case", map[string]any{"ID": cmd.Case}), now)}
			return nil, nil
		}
		a := &act{e: e, snap: snap, st: st, in: in, who: who, cmd: cmd, conv: snap.Conv, c: snap.Case, ch: &Change{WakeUps: map[string]time.Time{}}, now: now}
		a.run()
		if !a.dirty {
			private = a.private
			return nil, nil
		}
		a.ch.Outbox = append(a.ch.Outbox, a.private...)
		if a.convUsed && snap.Conv != nil {
			a.ch.Conv = snap.Conv
		}
		return a.ch, nil
	})
	if err != nil || dup {
		return Receipt{ID: in.ID, Duplicate: dup}, err
	}
	if len(private) > 0 {
		dup, err = e.update(ctx, "staff notice", LoadQuery{Customer: staffScope(who.ID), Dedupe: dedupe}, func(*Snapshot, time.Time) (*Change, error) {
			return &Change{Outbox: private}, nil
		})
	}
	return Receipt{ID: in.ID, Duplicate: dup}, err
}

// staffMsg is who wrote a staff message, and where: private notices go
// back to the platform and thread it came from.
type staffMsg struct {
	in  Inbound
	who Person
}

// notice returns a private notice for the writer of a staff message, in
// the thread they wrote in (or the channel), on their platform.
func (e *Engine) notice(st *staffMsg, caseID, text string, now time.Time) Outbound {
	m := e.toTeam(caseID, st.in.Thread, KindNotice, text, now)
	m.Channel = st.in.Channel
	m.To, m.ToHandle, m.Place = st.who.ID, st.in.User, st.in.Place
	return m
}

// private tells the staff member who wrote in something only they see.
func (e *Engine) private(ctx context.Context, st *staffMsg, dedupe, caseID, text string) (Receipt, error) {
	dup, err := e.update(ctx, "staff notice", LoadQuery{Customer: staffScope(st.who.ID), Dedupe: dedupe}, func(_ *Snapshot, now time.Time) (*Change, error) {
		return &Change{Outbox: []Outbound{e.notice(st, caseID, text, now)}}, nil
	})
	return Receipt{ID: st.in.ID, Duplicate: dup}, err
}

// usageText words a usage error with the command's usage line.
func (e *Engine) usageText(lang flows.Lang, u *UsageError) string {
	text := e.say(lang, u.Reason, u.Data)
	if u.Verb != "" && u.Verb != CmdSay {
		return text + "\n" + e.say(lang, "usage."+string(u.Verb), nil)
	}
	return text + "\n" + e.say(lang, "notice.try_help", nil)
}

// act is one staff command being applied to one case. Everything it reads
// is in the snapshot: deciding again after a conflict is safe.
type act struct {
	e    *Engine
	snap *Snapshot
	st   *staffMsg
	in   Inbound
	who  Person
	cmd  Command
	conv *Conversation
	c    *Case
	ch   *Change
	now  time.Time
	// private are notices for the person who typed the command.
	private []Outbound
	// dirty is set when the case changed and the change must be committed.
	dirty    bool
	convUsed bool
}

func (a *act) run() {
	switch a.cmd.Verb {
	case CmdClaim:
		a.claim()
	case CmdSay:
		if a.who.ID == a.c.Owner {
			a.relay(a.cmd.Text)
		} else {
			a.note(a.cmd.Text, true)
		}
	case CmdNote:
		a.note(a.cmd.Text, false)
	case CmdReply:
		if a.mustOwn(false) {
			a.relay(a.cmd.Text)
		}
	case CmdOffer:
		a.offer()
	case CmdHandover:
		a.handover()
	case CmdEscalate:
		a.escalate()
	case CmdPromise:
		a.promise()
	case CmdResolve:
		a.resolve()
	case CmdReopen:
		a.reopen()
	case CmdShow:
		a.tell(a.e.brief(a.snap, a.c, a.cmd.Lang))
	}
}

// tell adds a notice for the person who typed the command.
func (a *act) tell(text string) {
	a.private = append(a.private, a.e.notice(a.st, a.c.ID, text, a.now))
}

// tellKey words a catalogue entry in the command's language and tells it.
func (a *act) tellKey(key string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["ID"] = a.c.ID
	a.tell(a.e.say(a.cmd.Lang, key, data))
}

// thread posts text to the case's thread, in the team's language.
func (a *act) thread(key string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["ID"], data["Who"] = a.c.ID, a.e.mention(a.who.ID)
	a.ch.Outbox = append(a.ch.Outbox, a.e.inThread(a.c, a.e.teamSay(key, data), a.now))
}

// customer tells the customer a catalogue entry, in their language, varied.
func (a *act) customer(key string, data map[string]any) {
	a.convUsed = true
	a.e.caseSaysVaried(a.conv, a.c, a.ch, key, data, a.now)
	a.c.NewsAt = a.now
}

// changed commits the case with an event and its card updated.
func (a *act) changed(what, detail string) {
	a.dirty = true
	a.e.changed(a.c, a.ch, a.now, a.who.ID, what, detail)
}

// mustOwn reports whether the person may act as the case's owner; when not,
// they are told why. Supervisors may act on any case when sup is set.
func (a *act) mustOwn(sup bool) bool {
	c := a.c
	switch {
	case a.who.ID == c.Owner:
	case sup && a.who.Supervisor() && c.Owner != "":
	case c.Owner == "":
		a.tellKey("notice.claim_first", nil)
		return false
	default:
		a.tellKey("notice.not_owner", map[string]any{"Owner": a.e.mentionOn(a.in.Channel, c.Owner)})
		return false
	}
	return true
}

// mustBeActive reports whether the case is still being worked on.
func (a *act) mustBeActive() bool {
	if a.c.Status.Active() {
		return true
	}
	a.tellKey("notice.not_active", map[string]any{"Status": a.e.say(a.cmd.Lang, "status."+string(a.c.Status), nil)})
	return false
}

// claim makes the person the case's owner, if nobody is (P6).
func (a *act) claim() {
	c := a.c
	switch {
	case c.Owner == a.who.ID:
		a.tellKey("notice.already_yours", nil)
		return
	case c.Owner != "":
		a.tellKey("notice.owned", map[string]any{"Owner": a.e.mentionOn(a.in.Channel, c.Owner)})
		return
	case !a.mustBeActive():
		return
	}
	c.Owner, c.Status = a.who.ID, Claimed
	if c.ClaimedAt.IsZero() {
		c.ClaimedAt = a.now
	}
	a.thread("team.claimed", nil)
	a.ch.Outbox = append(a.ch.Outbox, a.e.inThread(c, a.e.brief(a.snap, c, a.e.cfg.TeamLang), a.now))
	a.customer("case.claimed", map[string]any{"Owner": a.who.Name, "ID": c.ID})
	a.e.holdSession(c, a.ch, a.now)
	a.changed(EvClaimed, "")
}

// relay sends the owner's words to the customer under the owner's name.
// When the customer's platform no longer lets the business write to them
// (its reply window closed, its message budget spent), the owner is told
// so, privately, and the words are kept as a note: nothing is sent into a
// refusal, nor dropped silently.
//
// While the owner holds the customer's session in the platform's own
// client (Case.HeldBy), the words are kept as a note and the owner told to
// answer there.
func (a *act) relay(text string) {
	c := a.c
	if c.held() {
		a.tellKey("notice.held_reply", map[string]any{"Platform": c.Channel, "Holder": a.e.mentionOn(a.in.Channel, c.HeldBy)})
		a.note(text, false)
		return
	}
	if lim, ok := a.e.policy().limits[c.Channel]; ok {
		if until, left := c.reach(lim); left == 0 || (!until.IsZero() && !a.now.Before(until)) {
			a.tellKey("notice.out_of_reach", map[string]any{"Platform": c.Channel, "Until": a.e.teamTime(until), "Closed": !until.IsZero() && !a.now.Before(until)})
			a.note(text, false)
			return
		}
	}
	a.ch.Outbox = append(a.ch.Outbox, Outbound{ID: newID(), Channel: c.Channel, Audience: ToCustomer, Customer: c.Customer, Case: c.ID, Kind: KindText, Text: text,
		Staff: a.who.Name, StaffID: a.who.ID, At: a.now})
	c.SentSince += a.e.policy().limits[c.Channel].messages(text)
	a.ch.Transcript = append(a.ch.Transcript, TranscriptAppend{Session: c.Session, Entries: []Entry{{At: a.now, From: FromStaff, Staff: a.who.ID, ID: a.in.ID, Text: text}}})
	if a.in.Thread != c.ID {
		// Written outside the thread: the thread shows it too.
		a.thread("team.replied", map[string]any{"Text": text})
	}
	first := c.FirstReplyAt.IsZero()
	if first {
		c.FirstReplyAt = a.now
	}
	c.WaitingSince, c.NewsAt = time.Time{}, a.now
	a.dirty = true
	if first {
		a.e.changed(c, a.ch, a.now, a.who.ID, "first_reply", "")
	} else {
		a.e.save(c, a.ch, a.now)
	}
}

// note keeps an internal note on the case; the customer never sees it.
// hint says the note was plain text in the thread from someone who is not
// the owner: they are told, once per case, that it stayed internal.
func (a *act) note(text string, hint bool) {
	c := a.c
	a.ch.Transcript = append(a.ch.Transcript, TranscriptAppend{Session: c.Session, Entries: []Entry{{At: a.now, From: FromStaff, Staff: a.who.ID, ID: a.in.ID, Text: text, Internal: true}}})
	if a.in.Thread != c.ID {
		a.thread("team.noted", map[string]any{"Text": text})
	}
	if hint && !slices.Contains(c.NoteHinted, a.who.ID) {
		c.NoteHinted = append(c.NoteHinted, a.who.ID)
		if c.Owner == "" {
			a.tellKey("notice.note_hint_unclaimed", nil)
		} else {
			a.tellKey("notice.note_hint", map[string]any{"Owner": a.e.mentionOn(a.in.Channel, c.Owner)})
		}
	}
	a.dirty = true
	a.e.save(c, a.ch, a.now)
}

// offer proposes numbered options to the customer, who answers with a
// number or in words; the pick is read in the customer's next burst.
func (a *act) offer() {
	if !a.mustOwn(false) || !a.mustBeActive() {
		return
	}
	c := a.c
	if c.held() {
		// The options would not reach the customer: the owner offers them
		// in the platform's client.
		a.tellKey("notice.held_offer", map[string]any{"Platform": c.Channel, "Holder": a.e.mentionOn(a.in.Channel, c.HeldBy)})
		return
	}
	c.Offer = &Offer{Options: a.cmd.Options, Kinds: a.cmd.Kinds, By: a.who.ID, At: a.now}
	c.Awaiting, c.AskedAt = AskPick, a.now
	a.customer("case.offer", map[string]any{"Owner": a.who.Name, "Options": a.e.optionLines(c, c.Lang)})
	a.e.asks(c, a.ch, AskPick)
	a.thread("team.offered", map[string]any{"Options": a.e.offeredLines(c)})
	a.changed(EvOffered, strings.Join(a.cmd.Options, " | "))
}

// optionLines words an offer's options, numbered, one per line.
func (e *Engine) optionLines(c *Case, lang flows.Lang) string {
	var b strings.Builder
	for i := range c.Offer.Options {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%d. %s", i+1, e.optionWords(c, i, lang))
	}
	return b.String()
}

// offeredLines lists an offer's options for staff, numbered, in the words
// the owner offered them: staff read what the customer was offered.
func (e *Engine) offeredLines(c *Case) string {
	var b strings.Builder
	for i, o := range c.Offer.Options {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%d. %s", i+1, o)
	}
	return b.String()
}

// optionWords words one option for the customer: as the owner wrote it when that is in
// lang ("full refund today" says more than "a refund"), else the outcome
// it names, in lang.
func (e *Engine) optionWords(c *Case, i int, lang flows.Lang) string {
	o := c.Offer.Options[i]
	if flows.HasHan(o) == (lang == flows.ZH) {
		return o
	}
	if i < len(c.Offer.Kinds) && c.Offer.Kinds[i] != "" {
		return e.say(lang, "outcome."+c.Offer.Kinds[i], nil)
	}
	return o
}

// handover passes the case to another staff member with a reason; the new
// owner gets the whole case and the customer is told the new name.
func (a *act) handover() {
	c := a.c
	to, known := a.e.cfg.People.Resolve(a.in.Channel, a.cmd.To)
	switch {
	case !a.mustBeActive():
		return
	case !known:
		a.tellKey("notice.unknown_staff", map[string]any{"Name": a.cmd.To})
		return
	case to.ID == c.Owner:
		a.tellKey("notice.already_owner", map[string]any{"Owner": a.e.mentionOn(a.in.Channel, to.ID)})
		return
	case c.Owner == "" && !a.who.Supervisor():
		a.tellKey("notice.claim_first", nil)
		return
	case c.Owner != "" && !a.mustOwn(true):
		return
	}
	from := c.Owner
	c.Owner = to.ID
	if c.Status == Open {
		c.Status = Claimed
	}
	if c.ClaimedAt.IsZero() {
		c.ClaimedAt = a.now
	}
	if from != "" {
		c.Handovers++
	}
	a.thread("team.handover", map[string]any{"To": a.e.mention(to.ID), "Reason": a.cmd.Text})
	dm := a.e.teamSay("dm.handover", map[string]any{"ID": c.ID, "From": a.e.mention(a.who.ID), "Reason": a.cmd.Text}) + "\n\n" + a.e.brief(a.snap, c, a.e.cfg.TeamLang)
	a.ch.Outbox = append(a.ch.Outbox, a.e.toStaff(to.ID, c.ID, dm, a.now))
	a.e.releaseSession(c, a.ch, a.now)
	a.customer("case.handover", map[string]any{"Owner": to.Name})
	a.e.holdSession(c, a.ch, a.now)
	a.changed(EvHandover, fmt.Sprintf("%s → %s: %s", from, to.ID, a.cmd.Text))
}

// escalate alerts the supervisors with the case and the reason.
func (a *act) escalate() {
	c := a.c
	c.Escalations++
	if c.Priority == Normal || c.Priority == Low {
		c.Priority = High
	}
	a.e.alertSupervisors(c, a.ch, a.e.teamSay("team.escalated", map[string]any{
		"ID": c.ID, "Who": a.e.mention(a.who.ID), "Reason": a.cmd.Text, "Summary": c.Summary, "Outcome": a.e.outcomeWords(c), "Owner": a.e.ownerWords(c),
	}), a.now)
	sups := a.e.cfg.People.Supervisors()
	if len(sups) == 0 {
		a.tellKey("notice.no_supervisors", nil)
	} else {
		var names []string
		for _, p := range sups {
			names = append(names, a.e.mentionOn(a.in.Channel, p.ID))
		}
		a.tellKey("notice.escalated", map[string]any{"Supervisors": strings.Join(names, ", ")})
	}
	a.changed(EvEscalated, a.cmd.Text)
}

// promise records a resolution time and tells the customer, in their
// language and time zone words.
func (a *act) promise() {
	if !a.mustOwn(false) || !a.mustBeActive() {
		return
	}
	c := a.c
	due := a.cmd.Due.In(a.e.cfg.Location)
	c.Promise = &Promise{Due: due, Text: a.cmd.DueText, By: a.who.ID, At: a.now}
	if c.held() {
		a.tellKey("notice.held_promise", map[string]any{"Platform": c.Channel, "When": a.e.clockWords(a.cmd.Lang, due, a.now)})
	}
	a.customer("case.promise", map[string]any{"Owner": a.e.nameOf(c.Owner), "When": a.e.clockWords(c.Lang, due, a.now)})
	a.thread("team.promised", map[string]any{"When": a.e.clockWords(a.e.cfg.TeamLang, due, a.now)})
	a.changed(EvPromised, due.Format(time.RFC3339))
}

// resolve records how the case was solved (P16) and asks the customer
// whether it is solved for them. The internal account never reaches them.
func (a *act) resolve() {
	c := a.c
	if !a.mustOwn(false) || !a.mustBeActive() {
		return
	}
	if c.Status == Resolved {
		a.tellKey("notice.already_resolved", nil)
		return
	}
	c.Resolution = &Resolution{Category: a.cmd.Category, Cause: a.cmd.Cause, Done: a.cmd.Text, Action: a.cmd.Action, By: a.who.ID, At: a.now}
	c.Status, c.ResolvedAt = Resolved, a.now
	c.Awaiting, c.AskedAt = AskSolved, a.now
	c.WaitingSince = time.Time{}
	// The question fits what was done: "has the refund reached you?"
	key, data := flows.ResolveAskKey(c.Facts[flows.Outcome].Kinds), map[string]any{"Owner": a.e.nameOf(c.Owner)}
	if c.held() {
		// The session ends with the question as its closing message.
		a.convUsed = true
		text := a.e.say(c.Lang, key, data)
		if a.conv != nil {
			text = a.e.sayVaried(a.conv, c.Lang, key, data)
		}
		a.e.endSession(c, a.ch, text, AskSolved, a.now)
		c.NewsAt = a.now
	} else {
		a.customer(key, data)
		a.e.asks(c, a.ch, AskSolved)
	}
	a.thread("team.resolved", map[string]any{
		"Category": a.e.teamSay("category."+a.cmd.Category, nil),
		"Cause":    a.e.teamSay("cause."+a.cmd.Cause, nil),
		"Done":     a.cmd.Text,
		"Action":   a.cmd.Action,
	})
	a.changed(EvResolved, a.cmd.Category+"/"+a.cmd.Cause+": "+a.cmd.Text)
}

// reopen puts a case back to work, with its owner if it had one.
func (a *act) reopen() {
	c := a.c
	if c.Status == Open || c.Status == Claimed {
		a.tellKey("notice.already_open", nil)
		return
	}
	a.convUsed = true
	a.e.reopen(a.conv, c, a.ch, a.now, a.who.ID, "")
	a.dirty = true
}

// reopen puts a case back to work with the same owner (P6), alerts the
// owner, tells the customer and records who did it. reason is the
// customer's words when they reopened it.
func (e *Engine) reopen(conv *Conversation, c *Case, ch *Change, now time.Time, who, reason string) {
	c.Status = Open
	if c.Owner != "" {
		c.Status = Claimed
	} else {
		// Nobody owns it: the first-response clock starts again.
		c.FirstResponseDue = e.firstResponseDue(now)
	}
	c.Reopens++
	c.Awaiting, c.AskedAt = "", time.Time{}
	c.ResolvedAt, c.ClosedAt = time.Time{}, time.Time{}
	c.CustomerConfirmed = false
	c.WaitingSince = now
	whoWords := who
	if who != "customer" {
		whoWords = e.mention(who)
	}
	text := e.teamSay("team.reopened", map[string]any{"ID": c.ID, "Who": whoWords, "Owner": e.ownerWords(c), "Reason": reason})
	ch.Outbox = append(ch.Outbox, e.inThread(c, text, now))
	if c.Owner != "" && c.Owner != who {
		ch.Outbox = append(ch.Outbox, e.toStaff(c.Owner, c.ID, text, now))
	}
	e.releaseSession(c, ch, now)
	if c.Owner != "" {
		e.caseSaysVaried(conv, c, ch, "case.reopened", map[string]any{"Owner": e.nameOf(c.Owner), "ID": c.ID}, now)
	} else {
		e.caseSaysVaried(conv, c, ch, "case.reopened_waiting", map[string]any{"ID": c.ID}, now)
	}
	e.holdSession(c, ch, now)
	c.NewsAt = now
	if conv != nil {
		ch.Conv = conv
	}
	e.changed(c, ch, now, who, EvReopened, reason)
}

// ownerWords is the case's owner, or "nobody yet", in the team's language.
func (e *Engine) ownerWords(c *Case) string {
	if c.Owner == "" {
		return e.teamSay("team.nobody", nil)
	}
	return e.mention(c.Owner)
}

// brief is everything an owner needs to act without asking the customer
// anything again: the card, the full transcript and the customer's earlier
// cases, read from the snapshot (loaded with LoadQuery.Transcript and
// Cases).
func (e *Engine) brief(snap *Snapshot, c *Case, lang flows.Lang) string {
	var b strings.Builder
	b.WriteString(e.cardText(c))
	b.WriteString("\n\n")
	b.WriteString(e.say(lang, "brief.transcript", nil))
	for _, en := range snap.Transcript {
		b.WriteByte('\n')
		b.WriteString(e.transcriptLine(lang, c, en))
	}
	var earlier []string
	for _, o := range snap.Cases {
		if o.ID == c.ID {
			continue
		}
		owner := ""
		if o.Owner != "" {
			owner = e.mention(o.Owner)
		}
		earlier = append(earlier, e.say(lang, "brief.earlier_case", map[string]any{
			"ID": o.ID, "Opened": o.Opened.In(e.cfg.Location).Format("2006-01-02"),
			"Status": e.say(lang, "status."+string(o.Status), nil), "Summary": o.Summary, "Owner": owner,
		}))
	}
	b.WriteString("\n\n")
	if len(earlier) == 0 {
		b.WriteString(e.say(lang, "brief.no_earlier", nil))
	} else {
		b.WriteString(e.say(lang, "brief.earlier", nil))
		for _, l := range earlier {
			b.WriteString("\n")
			b.WriteString(l)
		}
	}
	if len(c.History) > 0 {
		b.WriteString("\n\n")
		b.WriteString(e.say(lang, "brief.history", nil))
		for _, ev := range c.History {
			b.WriteString("\n")
			who := ev.Who
			if _, ok := e.cfg.People.Get(who); ok {
				who = e.nameOf(who)
			}
			line := ev.At.In(e.cfg.Location).Format("01-02 15:04") + " " + who + " " + ev.What
			if ev.Detail != "" {
				line += ": " + ev.Detail
			}
			b.WriteString(line)
		}
	}
	return b.String()
}

// transcriptLine writes one transcript entry for staff.
func (e *Engine) transcriptLine(lang flows.Lang, c *Case, en Entry) string {
	who := c.DisplayName()
	switch en.From {
	case FromBot:
		who = e.say(lang, "brief.bot", nil)
	case FromStaff:
		who = e.nameOf(en.Staff)
		if en.Internal {
			who += " " + e.say(lang, "brief.internal", nil)
		}
	}
	text := en.Text
	if len(en.Attachments) > 0 {
		text = strings.TrimSpace(text + " " + e.say(lang, "team.attachments", map[string]any{"Count": len(en.Attachments), "Kinds": strings.Join(kinds(en.Attachments), ", ")}))
	}
	return "[" + en.At.In(e.cfg.Location).Format("01-02 15:04") + "] " + who + ": " + text
}

// listing answers cases, mine and help.
func (e *Engine) listing(ctx context.Context, who string, cmd Command, now time.Time) (string, error) {
	lang := cmd.Lang
	if cmd.Verb == CmdHelp {
		return e.say(lang, "help.text", nil), nil
	}
	cases, err := e.store.Cases(ctx, Open, Claimed, Resolved)
	if err != nil {
		return "", err
	}
	var lines []string
	for _, c := range cases {
		if cmd.Verb == CmdMine && c.Owner != who {
			continue
		}
		owner := e.say(lang, "team.nobody", nil)
		if c.Owner != "" {
			owner = e.mention(c.Owner)
		}
		lines = append(lines, e.say(lang, "list.line", map[string]any{
			"ID": c.ID, "Priority": e.say(lang, "priority."+string(c.Priority), nil), "Urgent": c.Urgent,
			"Status": e.say(lang, "status."+string(c.Status), nil), "Owner": owner,
			"Age": e.cfg.Catalog.Duration(lang, now.Sub(c.Opened)), "Customer": c.DisplayName(),
			"Summary": clipRunes(c.Summary, 60),
		}))
	}
	key := "list.cases"
	if cmd.Verb == CmdMine {
		key = "list.mine"
	}
	if len(lines) == 0 {
		return e.say(lang, key+"_none", nil), nil
	}
	return e.say(lang, key, map[string]any{"Count": len(lines)}) + "\n" + strings.Join(lines, "\n"), nil
}
