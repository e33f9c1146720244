package fakewechat

import (
	"bytes"
	"encoding/json"
	"net/url"
	"sync"

	"github.com/eatmoreapple/openwechat"
)

// MemoryStorage is an openwechat.HotReloadStorage in memory, safe for concurrent use
// (the library writes it from its sync goroutine). Each Write replaces the whole
// content: openwechat writes one JSON document per Write. Reads go through the
// content of the last Write from the start; a second login attempt on the same storage
// (HotLogin failed, now PushLogin) needs Rewind first, or it reads EOF.
type MemoryStorage struct {
	mu     sync.Mutex
	data   []byte
	r      *bytes.Reader
	writes int
}

// NewMemoryStorage returns a storage holding seed (nil for an empty one).
func NewMemoryStorage(seed []byte) *MemoryStorage {
	return &MemoryStorage{data: bytes.Clone(seed)}
}

// Read reads the stored document; an empty storage answers openwechat.ErrInvalidStorage,
// so openwechat.NewRetryLoginOption falls back to a QR login.
func (m *MemoryStorage) Read(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.data) == 0 {
		return 0, openwechat.ErrInvalidStorage
	}
	if m.r == nil {
		m.r = bytes.NewReader(m.data)
	}
	return m.r.Read(p)
}

// Write replaces the stored document and rewinds.
func (m *MemoryStorage) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data = bytes.Clone(p)
	m.r = nil
	m.writes++
	return len(p), nil
}

// Rewind makes the next Read start from the beginning again.
func (m *MemoryStorage) Rewind() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.r = nil
}

// Bytes returns a copy of the stored document.
func (m *MemoryStorage) Bytes() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return bytes.Clone(m.data)
}

// Writes counts the Write calls so far (openwechat writes after login and after every
// webwxsync).
func (m *MemoryStorage) Writes() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.writes
}

// SeedHotLogin starts a login session as if the account had logged in earlier (ending
// the current one), and returns the hot-reload document openwechat would have stored
// for it, for bot.HotLogin. Its jar is what openwechat v1.4.10 writes: name and value
// only, under "https://<domain>", so after the reload the cookies are host-only and
// file.<domain> has no webwx_data_ticket (the upload bug of the research notes).
func (s *Server) SeedHotLogin() ([]byte, error) {
	s.mu.Lock()
	sess := s.newSessionLocked()
	sess.deviceID = "e" + randDigits(15)
	uin, domain, seq := s.uin, s.cfg.domain, s.seq
	s.mu.Unlock()

	jar := openwechat.NewJar()
	base := &url.URL{Scheme: "https", Host: domain, Path: "/"}
	jar.SetCookies(base, sessionCookies(sess, uin, domain))
	key := makeSyncKey(seq)
	sk := &openwechat.SyncKey{Count: key.Count}
	for _, kv := range key.List {
		sk.List = append(sk.List, struct{ Key, Val int64 }{kv.Key, kv.Val})
	}
	item := openwechat.HotReloadStorageItem{
		Jar:          jar,
		BaseRequest:  &openwechat.BaseRequest{Uin: uin, Sid: sess.sid, Skey: sess.skey, DeviceID: sess.deviceID},
		LoginInfo:    &openwechat.LoginInfo{WxUin: uin, IsGrayScale: 1, SKey: sess.skey, WxSid: sess.sid, PassTicket: sess.passTicket},
		WechatDomain: openwechat.WechatDomain(domain),
		SyncKey:      sk,
		UUID:         "seeded" + randHex(4),
	}
	b, err := json.Marshal(item)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func randDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0' + byte(randUint32()%10)
	}
	return string(b)
}
