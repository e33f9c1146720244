package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/complaintbot/complaintbot/bot"
)

// staffFileKeys are the keys of a STAFF_FILE entry that are not a handle;
// every other key names a platform and holds the person's handle there.
var staffFileKeys = map[string]bool{"id": true, "name": true, "role": true}

// readStaffFile reads the staff directory's file (STAFF_FILE): a TOML list
// of people,
//
//	[[person]]
//	name = "Alice Wang"     # what customers see (required)
//	id = "alice"            # the key cases record; default: the name, which must then be one word
//	role = "supervisor"     # or "staff" (the default)
//	web = "alice"           # a handle per platform: the web name,
//	slack = "U0123ABCD"     # the Slack user id,
//	wechat = "王小丽"        # the WeChat group nickname or remark name,
//	wecom = "zhangsan"      # the WeCom userid of a receptionist (WECOM_RECEPTION)
//
// A person without handles is known by their id on every platform.
func readStaffFile(path string) ([]bot.Person, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("STAFF_FILE: %w", err)
	}
	var raw struct {
		Person []map[string]any `toml:"person"`
	}
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		return nil, fmt.Errorf("STAFF_FILE: %s: %v", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("STAFF_FILE: %s: unknown key %q (the file is a list of [[person]] tables)", path, und[0].String())
	}
	var out []bot.Person
	for i, e := range raw.Person {
		p := bot.Person{Handles: map[string]string{}}
		str := func(k string) (string, error) {
			v, ok := e[k]
			if !ok {
				return "", nil
			}
			s, ok := v.(string)
			if !ok {
				return "", fmt.Errorf("STAFF_FILE: %s: person %d: %s must be a string", path, i+1, k)
			}
			return strings.TrimSpace(s), nil
		}
		var err error
		if p.Name, err = str("name"); err != nil {
			return nil, err
		}
		if p.ID, err = str("id"); err != nil {
			return nil, err
		}
		if p.Role, err = str("role"); err != nil {
			return nil, err
		}
		if p.Name == "" {
			return nil, fmt.Errorf("STAFF_FILE: %s: person %d has no name", path, i+1)
		}
		keys := make([]string, 0, len(e))
		for k := range e {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if staffFileKeys[k] {
				continue
			}
			h, err := str(k)
			if err != nil {
				return nil, err
			}
			p.Handles[k] = h
		}
		out = append(out, p)
	}
	return out, nil
}

// staffDirectory builds the staff directory from STAFF_FILE, STAFF and
// SUPERVISORS. A name in STAFF or SUPERVISORS that the file already holds
// (by id, name or handle) refers to that person, and SUPERVISORS makes them
// a supervisor; any other name is a person known by that name everywhere.
func staffDirectory(file []bot.Person, staff, supervisors []string) (*bot.Directory, error) {
	people := append([]bot.Person{}, file...)
	known := func(name string) int {
		for i, p := range people {
			if strings.EqualFold(p.ID, name) || strings.EqualFold(p.Name, name) {
				return i
			}
			for _, h := range p.Handles {
				if h == name {
					return i
				}
			}
		}
		return -1
	}
	for _, n := range staff {
		if known(n) < 0 {
			people = append(people, bot.Person{Name: n, Role: bot.RoleStaff})
		}
	}
	for _, n := range supervisors {
		if i := known(n); i >= 0 {
			people[i].Role = bot.RoleSupervisor
		} else {
			people = append(people, bot.Person{Name: n, Role: bot.RoleSupervisor})
		}
	}
	d, err := bot.NewDirectory(people)
	if err != nil {
		if len(file) > 0 {
			return nil, fmt.Errorf("STAFF_FILE/STAFF/SUPERVISORS: %v", err)
		}
		return nil, fmt.Errorf("STAFF/SUPERVISORS: %v", err)
	}
	if len(file) == 0 && len(staff) == 0 {
		// Only supervisors (or nobody) configured: the staff are whoever
		// a platform reports, such as the members of the Slack team
		// channel.
		d.Open()
	}
	return d, nil
}
