package bot

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/complaintbot/complaintbot/flows"
)

// RoleStaff and RoleSupervisor are the roles a person can have.
const (
	RoleStaff      = "staff"
	RoleSupervisor = "supervisor"
)

// AnyPlatform is the handle key of a person configured by name only
// (STAFF, SUPERVISORS): the name is their handle on every platform where
// no handle of their own is set.
const AnyPlatform = "*"

// Person is one member of the team: one display name, a role, and a handle
// on each platform they use (a Slack user id, a WeChat group nickname or
// remark name, a web name).
type Person struct {
	// ID is the stable key cases and history record (Case.Owner): the
	// configured name, or "<platform>:<handle>" for a person a platform
	// reported (a member of the Slack team channel).
	ID string
	// Name is what customers see.
	Name string
	// Role is RoleStaff or RoleSupervisor.
	Role string
	// Handles maps a platform to the person's handle there.
	Handles map[string]string
	// learned marks a person a platform reported, not one configured.
	learned bool
}

// Supervisor reports whether the person is a supervisor (supervisors are
// staff too).
func (p *Person) Supervisor() bool { return p.Role == RoleSupervisor }

// Handle returns the person's handle on platform: their own handle there,
// or the handle they have everywhere (AnyPlatform); "" when neither.
func (p *Person) Handle(platform string) string {
	if h := p.Handles[platform]; h != "" {
		return h
	}
	return p.Handles[AnyPlatform]
}

// Directory is the team: who may run staff commands, who supervises, and
// how each person is known on each platform. Commands, mentions and
// hand-over targets resolve through it. It is safe for concurrent use:
// adapters add the people their platform reports while the engine reads.
type Directory struct {
	mu     sync.RWMutex
	people map[string]*Person // by ID
	// byHandle maps platform → handle → ID; AnyPlatform holds the names
	// of people configured by name only. Handles match exactly: they are
	// identities (a Slack user id, the name a web page signs in with).
	byHandle map[string]map[string]string
	byName   map[string]string // folded name → ID
	// closed is set when people were configured: a platform's members are
	// then staff only if the configuration names them.
	closed bool
}

// NewDirectory returns a directory of the configured people. Names must be
// unique (without regard to case), and so must each platform's handles.
// People configured by name only get their name as their handle on every
// platform. With nobody configured the directory is open: people a
// platform reports (Learn) become staff.
func NewDirectory(people []Person) (*Directory, error) {
	d := &Directory{people: map[string]*Person{}, byHandle: map[string]map[string]string{}, byName: map[string]string{}}
	for _, p := range people {
		p.Name = strings.TrimSpace(p.Name)
		if p.ID == "" {
			p.ID = p.Name
		}
		switch {
		case p.Name == "":
			return nil, fmt.Errorf("a person without a name")
		case strings.ContainsAny(p.ID, " \t\n,"):
			return nil, fmt.Errorf("person %q: a name used as an id must be one word", p.ID)
		}
		if p.Role == "" {
			p.Role = RoleStaff
		}
		if p.Role != RoleStaff && p.Role != RoleSupervisor {
			return nil, fmt.Errorf("person %q: role %q is not staff or supervisor", p.Name, p.Role)
		}
		if prev, ok := d.byName[fold(p.Name)]; ok {
			// The same name twice (in STAFF and SUPERVISORS): the
			// stronger role wins, handles merge.
			q := d.people[prev]
			if p.Role == RoleSupervisor {
				q.Role = RoleSupervisor
			}
			for pl, h := range p.Handles {
				if err := d.addHandle(q, pl, h); err != nil {
					return nil, err
				}
			}
			continue
		}
		if _, ok := d.people[p.ID]; ok {
			return nil, fmt.Errorf("person id %q is used twice", p.ID)
		}
		q := &Person{ID: p.ID, Name: p.Name, Role: p.Role, Handles: map[string]string{}}
		d.people[q.ID] = q
		d.byName[fold(q.Name)] = q.ID
		handles := p.Handles
		if len(handles) == 0 {
			handles = map[string]string{AnyPlatform: q.ID}
		}
		for pl, h := range handles {
			if err := d.addHandle(q, pl, h); err != nil {
				return nil, err
			}
		}
	}
	d.closed = len(d.people) > 0
	return d, nil
}

// Open makes the directory open even with people configured: a platform's
// reported members (Learn) become staff. Use it when only supervisors are
// configured, so that, say, the members of the Slack team channel are the
// staff and SUPERVISORS picks who among them supervises.
func (d *Directory) Open() {
	d.mu.Lock()
	d.closed = false
	d.mu.Unlock()
}

// MustDirectory is NewDirectory for tests and fixed configurations: it
// panics on an error.
func MustDirectory(people []Person) *Directory {
	d, err := NewDirectory(people)
	if err != nil {
		panic(err)
	}
	return d
}

// StaffDirectory returns the directory of people configured by name only:
// staff and supervisors (STAFF, SUPERVISORS).
func StaffDirectory(staff, supervisors []string) (*Directory, error) {
	var people []Person
	for _, n := range staff {
		people = append(people, Person{Name: n, Role: RoleStaff})
	}
	for _, n := range supervisors {
		people = append(people, Person{Name: n, Role: RoleSupervisor})
	}
	return NewDirectory(people)
}

func (d *Directory) addHandle(p *Person, platform, handle string) error {
	handle = strings.TrimSpace(handle)
	if handle == "" {
		return nil
	}
	m := d.byHandle[platform]
	if m == nil {
		m = map[string]string{}
		d.byHandle[platform] = m
	}
	if other, ok := m[handle]; ok && other != p.ID {
		return fmt.Errorf("handle %q on %s belongs to both %s and %s", handle, platform, other, p.ID)
	}
	if old := p.Handles[platform]; old != "" && old != handle {
		delete(m, old)
	}
	m[handle] = p.ID
	p.Handles[platform] = handle
	return nil
}

func fold(s string) string { return flows.FoldText(strings.TrimSpace(s)) }

// Learn records that a platform reports handle, named name, as a member of
// the team (a member of the Slack team channel). In an open directory
// (nobody configured) the person becomes staff; in a configured one the
// handle is attached to the configured person it names (by handle or by
// name) and nobody else becomes staff. A configured person known only by a
// handle takes the platform's name as display name. It returns the person,
// or nil when the handle is not staff.
func (d *Directory) Learn(platform, handle, name string) *Person {
	handle, name = strings.TrimSpace(handle), strings.TrimSpace(name)
	if handle == "" {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if p := d.byHandleLocked(platform, handle); p != nil {
		if name != "" && (p.learned || p.Name == p.Handle(platform)) {
			d.rename(p, name)
		}
		if p.Handles[platform] == "" {
			// Configured by a name that is this platform's handle (STAFF=U0123):
			// now known there as such, so mentions work.
			_ = d.addHandle(p, platform, handle)
		}
		return clone(p)
	}
	if d.closed {
		if id, ok := d.byName[fold(name)]; ok && name != "" {
			p := d.people[id]
			if d.addHandle(p, platform, handle) == nil {
				return clone(p)
			}
		}
		return nil
	}
	if name == "" {
		name = handle
	}
	p := &Person{ID: platform + ":" + handle, Name: name, Role: RoleStaff, Handles: map[string]string{}, learned: true}
	d.people[p.ID] = p
	if _, taken := d.byName[fold(name)]; !taken {
		d.byName[fold(name)] = p.ID
	}
	_ = d.addHandle(p, platform, handle)
	return clone(p)
}

// rename changes a person's display name, keeping the name index right.
func (d *Directory) rename(p *Person, name string) {
	if d.byName[fold(p.Name)] == p.ID {
		delete(d.byName, fold(p.Name))
	}
	p.Name = name
	if _, taken := d.byName[fold(name)]; !taken {
		d.byName[fold(name)] = p.ID
	}
}

// Forget records that a platform no longer reports handle as a member of
// the team (they left the team channel). A person the platform reported is
// no longer staff; a configured person keeps their role.
func (d *Directory) Forget(platform, handle string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.byHandleLocked(platform, handle)
	if p == nil || !p.learned {
		return
	}
	delete(d.byHandle[platform], handle)
	if d.byName[fold(p.Name)] == p.ID {
		delete(d.byName, fold(p.Name))
	}
	delete(d.people, p.ID)
}

// Promote makes the person ref names (a name, a handle on platform) a
// supervisor, for SUPERVISORS entries that name people a platform reports.
// It reports whether ref named somebody.
func (d *Directory) Promote(platform, ref string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.resolveLocked(platform, ref)
	if p == nil {
		return false
	}
	p.Role = RoleSupervisor
	return true
}

func (d *Directory) byHandleLocked(platform, handle string) *Person {
	if id, ok := d.byHandle[platform][handle]; ok {
		return d.people[id]
	}
	if id, ok := d.byHandle[AnyPlatform][handle]; ok {
		if p := d.people[id]; p != nil && p.Handles[platform] == "" {
			return p
		}
	}
	return nil
}

// ByHandle returns the person whose handle on platform is handle (or who
// is configured by that name, with no handle of their own there).
func (d *Directory) ByHandle(platform, handle string) (Person, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if p := d.byHandleLocked(platform, handle); p != nil {
		return *clone(p), true
	}
	return Person{}, false
}

// Resolve returns the person ref names, as staff write it on platform: a
// display name, an id, a handle, "@name", or a Slack mention "<@U123>" or
// "<@U123|name>". Names and handles match without regard to case.
func (d *Directory) Resolve(platform, ref string) (Person, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if p := d.resolveLocked(platform, ref); p != nil {
		return *clone(p), true
	}
	return Person{}, false
}

func (d *Directory) resolveLocked(platform, ref string) *Person {
	ref = strings.TrimSpace(ref)
	if strings.HasPrefix(ref, "<@") && strings.HasSuffix(ref, ">") {
		ref = strings.TrimSuffix(strings.TrimPrefix(ref, "<@"), ">")
		ref, _, _ = strings.Cut(ref, "|")
	}
	ref = strings.TrimPrefix(strings.TrimPrefix(ref, "@"), "＠")
	if ref == "" {
		return nil
	}
	if p := d.people[ref]; p != nil {
		return p
	}
	if p := d.byHandleLocked(platform, ref); p != nil {
		return p
	}
	if id, ok := d.byName[fold(ref)]; ok {
		return d.people[id]
	}
	// A handle written in another case, or a handle on another platform
	// (a Slack id written in a web command): this platform's first.
	f := fold(ref)
	var other *Person
	for pl, m := range d.byHandle {
		for h, id := range m {
			if fold(h) != f {
				continue
			}
			if pl == platform || pl == AnyPlatform {
				return d.people[id]
			}
			other = d.people[id]
		}
	}
	return other
}

// Get returns the person with the id.
func (d *Directory) Get(id string) (Person, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if p := d.people[id]; p != nil {
		return *clone(p), true
	}
	return Person{}, false
}

// Name returns the display name of the person with the id, or the id
// itself when the directory no longer knows them (a person who left).
func (d *Directory) Name(id string) string {
	if p, ok := d.Get(id); ok {
		return p.Name
	}
	if _, h, ok := strings.Cut(id, ":"); ok {
		return h
	}
	return id
}

// IsSupervisor reports whether the person with the id is a supervisor.
func (d *Directory) IsSupervisor(id string) bool {
	p, ok := d.Get(id)
	return ok && p.Supervisor()
}

// People returns everybody, supervisors first, then by name.
func (d *Directory) People() []Person {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]Person, 0, len(d.people))
	for _, p := range d.people {
		out = append(out, *clone(p))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Supervisor() != out[j].Supervisor() {
			return out[i].Supervisor()
		}
		return fold(out[i].Name) < fold(out[j].Name)
	})
	return out
}

// Supervisors returns the supervisors, by name.
func (d *Directory) Supervisors() []Person {
	return slices.DeleteFunc(d.People(), func(p Person) bool { return !p.Supervisor() })
}

func clone(p *Person) *Person {
	q := *p
	q.Handles = make(map[string]string, len(p.Handles))
	for k, v := range p.Handles {
		q.Handles[k] = v
	}
	return &q
}
