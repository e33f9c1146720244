package fakeslack

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// disconnectGrace is how long a connection told to disconnect may stay open
// before the fake closes it.
const disconnectGrace = 2 * time.Second

// Conn is one Socket Mode WebSocket connection.
type Conn struct {
	f       *Server
	id      int
	ws      *websocket.Conn
	writeMu sync.Mutex
	pinging atomic.Bool
	closed  chan struct{}
	once    sync.Once
}

// ID is the connection's number: 1 for the first connection the fake
// accepted, 2 for the next, and so on.
func (c *Conn) ID() int { return c.id }

// Closed reports whether the connection has closed.
func (c *Conn) Closed() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

// StopPings stops the WebSocket PINGs on this connection, so slack-go's ping
// watchdog gives up on it and reconnects.
func (c *Conn) StopPings() { c.pinging.Store(false) }

// Drop closes the connection abruptly, with no disconnect message.
func (c *Conn) Drop() { c.drop() }

// Disconnect sends {"type":"disconnect","reason":reason} (refresh_requested,
// warning, link_disabled, too_many_websockets…), stops routing envelopes to
// the connection and closes it when the client has not within 2 s.
func (c *Conn) Disconnect(reason string) {
	f := c.f
	f.mu.Lock()
	f.open = slices.DeleteFunc(f.open, func(o *Conn) bool { return o == c })
	f.notifyLocked()
	if f.closed {
		f.mu.Unlock()
		return
	}
	f.wg.Add(1)
	f.mu.Unlock()
	go func() {
		defer f.wg.Done()
		msg := map[string]any{"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": c.host()}}
		if err := c.write(msg); err != nil {
			c.drop()
			return
		}
		t := time.NewTimer(disconnectGrace)
		defer t.Stop()
		select {
		case <-c.closed:
		case <-t.C:
			c.drop()
		case <-f.done:
		}
	}()
}

// WaitClosed waits until the connection has closed.
func (c *Conn) WaitClosed() {
	c.f.tb.Helper()
	c.f.WaitUntil(fmt.Sprintf("connection %d to close", c.id), c.Closed)
}

func (c *Conn) host() string { return fmt.Sprintf("applink-fakeslack-%d", c.id) }

func (c *Conn) write(v any) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.writeLocked(v)
}

func (c *Conn) writeLocked(v any) error {
	c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, mustJSON(v))
}

func (c *Conn) drop() {
	c.once.Do(func() {
		close(c.closed)
		c.ws.Close()
		f := c.f
		f.mu.Lock()
		f.open = slices.DeleteFunc(f.open, func(o *Conn) bool { return o == c })
		f.notifyLocked()
		f.mu.Unlock()
	})
}

func (c *Conn) pingLoop(interval time.Duration) {
	defer c.f.wg.Done()
	ping := func() bool {
		if !c.pinging.Load() {
			return true
		}
		return c.ws.WriteControl(websocket.PingMessage, []byte("fakeslack"), time.Now().Add(5*time.Second)) == nil
	}
	if !ping() {
		c.drop()
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-c.closed:
			return
		case <-c.f.done:
			return
		case <-t.C:
			if !ping() {
				c.drop()
				return
			}
		}
	}
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveWebSocket accepts a Socket Mode connection with a ticket from
// apps.connections.open (each ticket works once), says hello, pings, and
// reads acks until the connection ends.
func (f *Server) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	f.mu.Lock()
	valid := f.tickets[ticket]
	delete(f.tickets, ticket)
	if f.closed {
		f.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	f.wg.Add(1)
	f.mu.Unlock()
	defer f.wg.Done()
	if !valid {
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &Conn{f: f, ws: ws, closed: make(chan struct{})}
	c.pinging.Store(true)
	// The connection is open for envelopes as soon as it is registered, but
	// holding the write lock until hello is out keeps hello the first frame.
	c.writeMu.Lock()
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		c.writeMu.Unlock()
		ws.Close()
		return
	}
	c.id = len(f.conns) + 1
	f.conns = append(f.conns, c)
	f.open = append(f.open, c)
	hello := map[string]any{
		"type":            "hello",
		"num_connections": len(f.open),
		"debug_info":      map[string]any{"host": c.host(), "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": f.cfg.appID},
	}
	f.wg.Add(1)
	f.notifyLocked()
	f.mu.Unlock()
	err = c.writeLocked(hello)
	c.writeMu.Unlock()
	if err != nil {
		c.drop()
	}
	go c.pingLoop(f.cfg.pingInterval)

	defer c.drop()
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		f.receiveAck(c, data)
	}
}

// Conns returns the open connections that envelopes may go to, oldest first.
func (f *Server) Conns() []*Conn {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.open)
}

// ConnCount is how many connections the fake has accepted so far, open or not.
func (f *Server) ConnCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.conns)
}

// WaitConn waits until the n-th connection (1-based) has opened, and
// returns it; it may have closed since.
func (f *Server) WaitConn(n int) *Conn {
	f.tb.Helper()
	var c *Conn
	f.WaitUntil(fmt.Sprintf("Socket Mode connection %d", n), func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		if len(f.conns) < n {
			return false
		}
		c = f.conns[n-1]
		return slices.Contains(f.open, c) || c.Closed()
	})
	return c
}

// WaitOpen waits until exactly n connections are open and returns them.
func (f *Server) WaitOpen(n int) []*Conn {
	f.tb.Helper()
	var open []*Conn
	f.WaitUntil(fmt.Sprintf("%d open Socket Mode connections", n), func() bool {
		open = f.Conns()
		return len(open) == n
	})
	return open
}

// DisconnectAll sends disconnect with reason to every open connection.
func (f *Server) DisconnectAll(reason string) {
	for _, c := range f.Conns() {
		c.Disconnect(reason)
	}
}

// Payload is what Push can deliver: an Event (events_api), an Interaction
// (interactive) or a Command (slash_commands).
type Payload interface {
	envelope() envelope
}

type envelope struct {
	typ     string
	payload json.RawMessage
	accepts bool
	channel string // for an ack payload of a slash command
	user    string
	viewID  string // for an ack payload of a view_submission
}

// Attempt is one delivery of an envelope.
type Attempt struct {
	EnvelopeID   string
	Conn         int // the connection's ID; 0 when no connection was open
	RetryAttempt int
	RetryReason  string
	Time         time.Time
}

// Ack is an acknowledgement a client sent.
type Ack struct {
	EnvelopeID string
	Conn       int
	Payload    json.RawMessage // nil when the ack had none
	Time       time.Time
	Latency    time.Duration // since the envelope was sent; 0 for an unknown envelope
	Delivery   int           // the delivery it settles; 0 for an unknown envelope
}

type delivery struct {
	id       int
	env      envelope
	to       *Conn
	retryTo  *Conn
	attempts []Attempt
	sentAt   map[string]time.Time
	ack      *Ack
	timer    *time.Timer
	dropped  bool
}

// PushOption steers a delivery.
type PushOption func(*delivery)

// ToConn sends the first attempt to c (to a random open connection if c has
// closed by then).
func ToConn(c *Conn) PushOption { return func(d *delivery) { d.to = c } }

// RedeliverTo sends the redeliveries of an un-acked events_api envelope to c.
func RedeliverTo(c *Conn) PushOption { return func(d *delivery) { d.retryTo = c } }

// Push delivers a payload over Socket Mode, as Slack does, to ONE open
// connection chosen at random unless ToConn says which. An events_api
// envelope that is not acked within the ack timeout is redelivered, with a
// new envelope_id, retry_attempt+1 and retry_reason "timeout", to any open
// connection, up to the retry limit; with no connection open the attempt is
// counted and the retry waits for one. An interactive or slash_commands
// envelope is delivered once: with no connection open it is dropped, as
// Slack shows the user an error.
func (f *Server) Push(p Payload, opts ...PushOption) *Delivery {
	d := &delivery{env: p.envelope(), sentAt: map[string]time.Time{}}
	for _, o := range opts {
		o(d)
	}
	f.mu.Lock()
	d.id = len(f.deliveries) + 1
	f.deliveries = append(f.deliveries, d)
	f.mu.Unlock()
	f.attempt(d, "")
	return &Delivery{f: f, d: d}
}

func (f *Server) attempt(d *delivery, reason string) {
	f.mu.Lock()
	if f.closed || d.ack != nil {
		f.mu.Unlock()
		return
	}
	n := len(d.attempts)
	target := d.to
	if n > 0 {
		target = d.retryTo
	}
	envID := f.uuidLocked()
	f.envelopes[envID] = d
	c := f.pickLocked(target, nil)
	// The attempt is recorded before the write, so that an ack cannot arrive
	// for an attempt the fake does not know yet.
	a := Attempt{EnvelopeID: envID, RetryAttempt: n, RetryReason: reason, Time: time.Now()}
	if c != nil {
		a.Conn = c.id
	}
	d.attempts = append(d.attempts, a)
	d.sentAt[envID] = a.Time
	f.notifyLocked()
	f.mu.Unlock()

	frame := map[string]any{
		"envelope_id":              envID,
		"type":                     d.env.typ,
		"accepts_response_payload": d.env.accepts,
		"payload":                  d.env.payload,
		"retry_attempt":            n,
		"retry_reason":             reason,
	}
	var exclude []*Conn
	for c != nil && c.write(frame) != nil {
		c.drop()
		exclude = append(exclude, c)
		f.mu.Lock()
		c = f.pickLocked(nil, exclude)
		d.attempts[n].Conn = 0
		if c != nil {
			d.attempts[n].Conn = c.id
		}
		f.mu.Unlock()
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case d.env.typ != "events_api":
		d.dropped = c == nil
	case d.ack == nil && !f.closed && f.cfg.ackTimeout > 0 && n < f.cfg.maxRetries:
		d.timer = time.AfterFunc(f.cfg.ackTimeout, func() { f.attempt(d, "timeout") })
	}
	f.notifyLocked()
}

func (f *Server) pickLocked(target *Conn, exclude []*Conn) *Conn {
	var cands []*Conn
	for _, c := range f.open {
		if !slices.Contains(exclude, c) {
			cands = append(cands, c)
		}
	}
	if target != nil && slices.Contains(cands, target) {
		return target
	}
	if len(cands) == 0 {
		return nil
	}
	return cands[f.rnd.IntN(len(cands))]
}

func (f *Server) receiveAck(c *Conn, data []byte) {
	var in struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	json.Unmarshal(data, &in)
	if string(in.Payload) == "null" {
		in.Payload = nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a := Ack{EnvelopeID: in.EnvelopeID, Conn: c.id, Payload: in.Payload, Time: time.Now()}
	if d := f.envelopes[in.EnvelopeID]; d != nil {
		a.Delivery = d.id
		if t, ok := d.sentAt[in.EnvelopeID]; ok {
			a.Latency = a.Time.Sub(t)
		}
		if d.ack == nil {
			first := a
			d.ack = &first
			if d.timer != nil {
				d.timer.Stop()
			}
			f.applyAckLocked(d, in.Payload)
		}
	}
	f.acks = append(f.acks, a)
	f.notifyLocked()
}

// applyAckLocked shows what an ack payload would show: a slash command's
// answer (ephemeral unless response_type is in_channel) or a view_submission's
// response_action.
func (f *Server) applyAckLocked(d *delivery, payload json.RawMessage) {
	switch {
	case d.env.typ == "slash_commands" && len(payload) > 0:
		f.showResponseLocked(d.env.channel, d.env.user, "", payload, "ack")
	case d.env.viewID != "":
		f.applyViewResponseLocked(d.env.viewID, payload)
	}
}

// showResponseLocked posts the answer to a command or action: a message for
// response_type in_channel, else an ephemeral message for user.
func (f *Server) showResponseLocked(channelID, user, threadTS string, payload json.RawMessage, via string) {
	var msg struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		ResponseType string          `json:"response_type"`
		ThreadTS     string          `json:"thread_ts"`
	}
	if json.Unmarshal(payload, &msg) != nil {
		return
	}
	c, ok := f.channels[channelID]
	if !ok {
		return
	}
	if msg.ThreadTS != "" {
		threadTS = msg.ThreadTS
	}
	blocks := nonEmpty(msg.Blocks)
	if msg.ResponseType == "in_channel" {
		c.messages = append(c.messages, &Message{
			Channel: c.ID, TS: f.nextTSLocked(), ThreadTS: threadTS, User: f.cfg.botUserID, BotID: f.cfg.botID,
			Text: msg.Text, Blocks: f.fillBlockIDsLocked(blocks), Posted: time.Now(),
		})
		return
	}
	c.ephemerals = append(c.ephemerals, Ephemeral{
		Channel: c.ID, User: user, TS: f.nextTSLocked(), ThreadTS: threadTS,
		Text: msg.Text, Blocks: blocks, Via: via, Posted: time.Now(),
	})
}

// Acks returns every ack received, oldest first.
func (f *Server) Acks() []Ack {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.acks)
}

// Delivery is a payload Push sent, with its attempts and ack.
type Delivery struct {
	f *Server
	d *delivery
}

// Attempts returns the deliveries made so far, the first one first.
func (d *Delivery) Attempts() []Attempt {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	return slices.Clone(d.d.attempts)
}

// EnvelopeID is the envelope_id of the first attempt.
func (d *Delivery) EnvelopeID() string {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	if len(d.d.attempts) == 0 {
		return ""
	}
	return d.d.attempts[0].EnvelopeID
}

// Acked returns the first ack of any attempt.
func (d *Delivery) Acked() (Ack, bool) {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	if d.d.ack == nil {
		return Ack{}, false
	}
	return *d.d.ack, true
}

// Dropped reports whether an interactive or slash_commands envelope found no
// open connection.
func (d *Delivery) Dropped() bool {
	d.f.mu.Lock()
	defer d.f.mu.Unlock()
	return d.d.dropped
}

// WaitAck waits until an attempt has been acked and returns the ack.
func (d *Delivery) WaitAck() Ack {
	d.f.tb.Helper()
	var a Ack
	d.f.WaitUntil(fmt.Sprintf("an ack of delivery %d", d.d.id), func() bool {
		var ok bool
		a, ok = d.Acked()
		return ok
	})
	return a
}

// WaitAttempt waits for the attempt with retry_attempt n (0 is the first
// delivery) and returns it.
func (d *Delivery) WaitAttempt(n int) Attempt {
	d.f.tb.Helper()
	var a Attempt
	d.f.WaitUntil(fmt.Sprintf("attempt %d of delivery %d", n, d.d.id), func() bool {
		at := d.Attempts()
		if len(at) <= n {
			return false
		}
		a = at[n]
		return true
	})
	return a
}
