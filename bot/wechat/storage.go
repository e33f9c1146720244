package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/eatmoreapple/openwechat"
)

// storage is the library's hot-reload storage, kept in Redis so that any
// replica can take over the session. It also undoes openwechat v1.4.10's
// cookie loss without touching the live jar: the library saves its jar by
// host, without domains, so after a hot login the file. and webpush.
// hosts have no cookies (uploads fail with "webwx_data_ticket not found",
// and a service that checks cookies logs the session out). On Read the
// base host's cookies are listed for those hosts too; on Write a jar that
// came out empty is replaced by the last good one, so "Jar": null is never
// stored.
//
// The library reads and writes it from one goroutine at a time (login,
// then the sync goroutine); the mutex covers Stop racing with a write.
type storage struct {
	ctx   context.Context
	store Store
	name  string
	ttl   time.Duration
	log   *slog.Logger

	mu      sync.Mutex
	reading *bytes.Reader
	lastJar json.RawMessage
	empty   bool
}

var _ openwechat.HotReloadStorage = (*storage)(nil)

// has reports whether a session is saved.
func (s *storage) has() bool {
	b, err := s.store.Session(s.ctx, s.name)
	return err == nil && len(b) > 0
}

// rewind makes the next Read start from the saved session again.
func (s *storage) rewind() {
	s.mu.Lock()
	s.reading = nil
	s.mu.Unlock()
}

// blank returns the storage reading as empty (for a QR login that saves
// into it).
func (s *storage) blank() *storage {
	return &storage{ctx: s.ctx, store: s.store, name: s.name, ttl: s.ttl, log: s.log, empty: true}
}

func (s *storage) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.empty {
		return 0, openwechat.ErrInvalidStorage
	}
	if s.reading == nil {
		raw, err := s.store.Session(s.ctx, s.name)
		if err != nil {
			return 0, err
		}
		if len(raw) == 0 {
			return 0, openwechat.ErrInvalidStorage
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(raw, &doc); err != nil {
			return 0, openwechat.ErrInvalidStorage
		}
		var domain string
		var jar map[string]json.RawMessage
		_ = json.Unmarshal(doc["WechatDomain"], &domain)
		_ = json.Unmarshal(doc["Jar"], &jar)
		if base, ok := jar["https://"+domain]; ok {
			jar["https://file."+domain], jar["https://webpush."+domain] = base, base
		}
		if len(jar) > 0 {
			doc["Jar"], _ = json.Marshal(jar)
			s.lastJar = doc["Jar"]
		}
		fixed, _ := json.Marshal(doc)
		s.reading = bytes.NewReader(append(fixed, '\n'))
	}
	return s.reading.Read(p)
}

func (s *storage) Write(p []byte) (int, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(p, &doc); err != nil {
		return 0, err
	}
	var jar map[string]json.RawMessage
	_ = json.Unmarshal(doc["Jar"], &jar)
	s.mu.Lock()
	if len(jar) == 0 {
		if s.lastJar == nil {
			s.mu.Unlock()
			// Nothing good to keep: rather the previous session than a
			// document that cannot log in.
			return len(p), nil
		}
		doc["Jar"] = s.lastJar
	} else {
		s.lastJar = doc["Jar"]
	}
	s.mu.Unlock()
	fixed, _ := json.Marshal(doc)
	// The session outlives the request: save it even while stopping.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), 5*time.Second)
	defer cancel()
	if err := s.store.SaveSession(ctx, s.name, fixed, s.ttl); err != nil {
		s.log.Error("wechat: could not save the session for a hot login", "err", err)
		return 0, err
	}
	return len(p), nil
}
