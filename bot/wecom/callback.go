package wecom

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// CallbackPath is where WeCom posts its notices, on the web server.
const CallbackPath = "/wecom/callback"

// Routes returns the callback's endpoint, to mount on the web server.
func (a *Adapter) Routes() map[string]http.Handler {
	return map[string]http.Handler{CallbackPath: http.HandlerFunc(a.serveCallback)}
}

// maxBody bounds a notice.
const maxBody = 64 << 10

// aesKey decodes the 43-character EncodingAESKey.
func aesKey(s string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(s + "=")
	if err != nil || len(k) != 32 {
		return nil, errors.New("not an EncodingAESKey")
	}
	return k, nil
}

// envelope is the outer XML of a notice.
type envelope struct {
	ToUserName string `xml:"ToUserName"`
	Encrypt    string `xml:"Encrypt"`
}

// notice is the decrypted notice: something new for an account, and the
// token to pull it with (valid 10 minutes).
type notice struct {
	ToUserName string `xml:"ToUserName"`
	MsgType    string `xml:"MsgType"`
	Event      string `xml:"Event"`
	Token      string `xml:"Token"`
	OpenKfID   string `xml:"OpenKfId"`
}

// serveCallback answers WeCom: the GET of the URL check (the decrypted
// echostr), and the POST of a notice (verified, decrypted, "success"),
// after which the messages are pulled in the background. A signature that
// does not match gets 401 and changes nothing. The answer does not wait
// for the pull: WeCom wants it within 5 s and the pull may page.
func (a *Adapter) serveCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sig, ts, nonce := q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce")
	switch r.Method {
	case http.MethodGet:
		echo := q.Get("echostr")
		if !a.signedBy(sig, ts, nonce, echo) {
			a.refuse(w, r)
			return
		}
		_, plain, err := util.DecryptMsg(a.o.CorpID, echo, a.o.AESKey)
		if err != nil {
			a.refuse(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(plain)
	case http.MethodPost:
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			writeErr(w, http.StatusRequestEntityTooLarge, "too_large", "the body is over 64 KiB")
			return
		}
		var env envelope
		if xml.Unmarshal(body, &env) != nil || env.Encrypt == "" {
			writeErr(w, http.StatusBadRequest, "invalid", "not a WeCom notice")
			return
		}
		if !a.signedBy(sig, ts, nonce, env.Encrypt) {
			a.refuse(w, r)
			return
		}
		_, plain, err := util.DecryptMsg(a.o.CorpID, env.Encrypt, a.o.AESKey)
		var n notice
		if err != nil || xml.Unmarshal(plain, &n) != nil {
			a.refuse(w, r)
			return
		}
		if n.Event == "kf_msg_or_event" && (n.OpenKfID == "" || n.OpenKfID == a.o.KfID) {
			a.noticed(r.Context(), n.Token)
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("success"))
	default:
		w.Header().Set("Allow", "GET, POST")
		writeErr(w, http.StatusMethodNotAllowed, "method_not_allowed", "use GET or POST")
	}
}

// signedBy reports whether sig is WeCom's signature of the request: the
// SHA-1 of the sorted token, timestamp, nonce and payload.
func (a *Adapter) signedBy(sig, ts, nonce, payload string) bool {
	if sig == "" || ts == "" || nonce == "" || payload == "" {
		return false
	}
	want := util.Signature(a.o.Token, ts, nonce, payload)
	return subtle.ConstantTimeCompare([]byte(want), []byte(sig)) == 1
}

func (a *Adapter) refuse(w http.ResponseWriter, r *http.Request) {
	a.log.Warn("wecom: callback refused: bad signature or undecryptable", "method", r.Method)
	writeErr(w, http.StatusUnauthorized, "unauthorized", "the request's WeCom signature is missing or wrong")
}

func writeErr(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// syncTokenTTL is how long a notice's token is used for sync_msg: WeCom
// accepts it for 10 minutes.
const syncTokenTTL = 9 * time.Minute
