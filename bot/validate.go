package bot

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a message may carry. Anything over them is refused with a
// clear error before anything is stored.
const (
	// MaxText is the largest message text accepted, in bytes of UTF-8.
	MaxText = 16 << 10
	// MaxID is the longest customer, staff or message id accepted, in bytes.
	MaxID = 128
	// MaxAttachments is how many attachments one message may carry.
	MaxAttachments = 10
	// MaxURL is the longest attachment URL accepted, in bytes.
	MaxURL = 2048
	// MaxName is the longest display name kept; longer names are cut.
	MaxName = 64
)

// Normalize checks an inbound message and returns it cleaned: invalid UTF-8
// replaced (never rejected), control characters other than new lines and
// tabs removed, surrounding space trimmed, the display name shortened. It
// returns an EINVALID or ETOOLARGE *Error, naming the problem, when the
// message cannot be accepted.
func Normalize(in Inbound) (Inbound, error) {
	const op = "message"
	if in.Channel == "" {
		return in, Errorf(EINVALID, op, "channel is required")
	}
	if err := CheckID("customer id", in.User); err != nil && (in.Role == CustomerRole || in.Role == ReceptionRole) {
		return in, err
	}
	if in.Role == ReceptionRole {
		if err := CheckID("servicer", in.Servicer); err != nil {
			return in, err
		}
		if in.Command != nil {
			return in, Errorf(EINVALID, op, "a reception message carries no command")
		}
	}
	if in.Role == StaffRole && strings.TrimSpace(in.User) == "" {
		return in, Errorf(EINVALID, op, "staff name is required")
	}
	if in.ID != "" {
		if err := CheckID("message id", in.ID); err != nil {
			return in, err
		}
	}
	if in.Thread != "" {
		if err := CheckID("thread", in.Thread); err != nil {
			return in, err
		}
	}
	in.Text = CleanText(in.Text)
	if len(in.Text) > MaxText {
		return in, Errorf(ETOOLARGE, op, "text is %d bytes; the limit is %d bytes (16 KiB)", len(in.Text), MaxText)
	}
	if len(in.Attachments) > MaxAttachments {
		return in, Errorf(EINVALID, op, "%d attachments; at most %d per message", len(in.Attachments), MaxAttachments)
	}
	for i, a := range in.Attachments {
		switch a.Kind {
		case Image, Voice, File, Video:
		default:
			return in, Errorf(EINVALID, op, "attachment %d: kind %q is not one of image, voice, file, video", i+1, a.Kind)
		}
		if len(a.URL) > MaxURL {
			return in, Errorf(EINVALID, op, "attachment %d: url is longer than %d bytes", i+1, MaxURL)
		}
		if strings.IndexFunc(a.URL, unicode.IsControl) >= 0 || !utf8.ValidString(a.URL) {
			return in, Errorf(EINVALID, op, "attachment %d: url contains control characters or invalid UTF-8", i+1)
		}
		in.Attachments[i].Name = clipRunes(CleanText(a.Name), 200)
	}
	if in.Text == "" && len(in.Attachments) == 0 && in.Command == nil {
		return in, Errorf(EINVALID, op, "a message needs text or an attachment")
	}
	if in.Command != nil && in.Role == CustomerRole && in.Command.Verb != CmdPick {
		return in, Errorf(EFORBIDDEN, op, "a customer may only pick an option, not %q", in.Command.Verb)
	}
	if in.ThreadRef != "" {
		if err := CheckID("thread reference", in.ThreadRef); err != nil {
			return in, err
		}
	}
	if in.Place != "" {
		if err := CheckID("place", in.Place); err != nil {
			return in, err
		}
	}
	if in.Address != "" {
		if err := CheckID("address", in.Address); err != nil {
			return in, err
		}
	}
	in.Name = clipRunes(strings.Join(strings.Fields(CleanText(in.Name)), " "), MaxName)
	return in, nil
}

// CheckID returns an EINVALID error unless id is a usable identifier: not
// empty, at most MaxID bytes, valid UTF-8, with no control characters.
func CheckID(what, id string) error {
	switch {
	case id == "":
		return Errorf(EINVALID, what, "%s is required", what)
	case len(id) > MaxID:
		return Errorf(EINVALID, what, "%s is %d bytes; the limit is %d", what, len(id), MaxID)
	case !utf8.ValidString(id):
		return Errorf(EINVALID, what, "%s is not valid UTF-8", what)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return Errorf(EINVALID, what, "%s contains control characters", what)
	case strings.TrimSpace(id) != id:
		return Errorf(EINVALID, what, "%s has leading or trailing spaces", what)
	}
	return nil
}

// CleanText makes text safe to keep: invalid UTF-8 becomes U+FFFD, control
// characters other than new line and tab are dropped, and surrounding white
// space is trimmed. Nothing else is changed: what the customer said is kept
// as they said it.
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, isDroppedControl) >= 0 {
		s = strings.Map(func(r rune) rune {
			if isDroppedControl(r) {
				return -1
			}
			return r
		}, s)
	}
	return strings.TrimSpace(s)
}

func isDroppedControl(r rune) bool {
	return (unicode.IsControl(r) && r != '\n' && r != '\t') || r == '\u2028' || r == '\u2029'
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// quoteForLog shortens customer text for a log line; logs never hold whole
// messages.
func quoteForLog(s string) string { return fmt.Sprintf("%q", clipRunes(s, 40)) }
