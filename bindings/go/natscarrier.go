package bluechip

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nuid"
)

// NATSOptions reach a terminal served by `bluechip agent` (docs/fleet.md): the fleet carrier. The agent's
// config owns the terminal (no terminal.open); Options.Terminal is not used.
type NATSOptions struct {
	// Conn is a connection the caller owns; or URL, to have Open connect (and Close disconnect).
	Conn *nats.Conn
	URL  string
	// Site and Terminal name the subjects: bluechip.<site>.<terminal>.<method>.
	Site     string
	Terminal string
	// RequestTimeout bounds the wait for the agent's answer when the call's context has no earlier
	// deadline (default 200 s, the agent's own default bound on a call); past it the outcome is unknown.
	RequestTimeout time.Duration
}

const defaultNATSRequestTimeout = 200 * time.Second

// Agent subject layout (packages/fleet/src/subjects.ts).
const (
	callIDHeader = "Bluechip-Call-Id"
	requestRoot  = "bluechip"
	eventsRoot   = "bluechip-events"
)

var subjectToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Agent event subjects → the bridge's notification names.
var agentEvents = map[string]string{
	"state":      NotificationTerminalState,
	"diagnostic": NotificationTerminalDiagnostic,
	"unclaimed":  NotificationOutcomeUnclaimed,
	"reconciled": NotificationTerminalReconciled,
}

type natsCarrier struct {
	conn     *nats.Conn
	owned    bool
	site     string
	terminal string
	subs     []*nats.Subscription
	timeout  time.Duration

	mu       sync.Mutex
	progress map[string]func(FlowProgress) // call id → the caller's progress callback
}

func dialNATS(options NATSOptions, onNotify func(string, json.RawMessage)) (*natsCarrier, error) {
	if !subjectToken.MatchString(options.Site) || !subjectToken.MatchString(options.Terminal) {
		return nil, fmt.Errorf("bluechip: NATS site and terminal must be 1 to 64 characters of A-Z a-z 0-9 _ -, got %q and %q", options.Site, options.Terminal)
	}
	c := &natsCarrier{conn: options.Conn, site: options.Site, terminal: options.Terminal, progress: map[string]func(FlowProgress){}, timeout: options.RequestTimeout}
	if c.timeout <= 0 {
		c.timeout = defaultNATSRequestTimeout
	}
	if c.conn == nil {
		conn, err := nats.Connect(options.URL, nats.Name("bluechip-go"))
		if err != nil {
			return nil, fmt.Errorf("bluechip: connecting to NATS: %w", err)
		}
		c.conn, c.owned = conn, true
	}
	prefix := eventsRoot + "." + c.site + "." + c.terminal + "."
	sub, err := c.conn.Subscribe(prefix+"flow.*", c.onProgress)
	if err != nil {
		c.shut()
		return nil, err
	}
	c.subs = append(c.subs, sub)
	if onNotify != nil {
		for kind, method := range agentEvents {
			sub, err := c.conn.Subscribe(prefix+kind, func(msg *nats.Msg) {
				if utf8.Valid(msg.Data) && json.Valid(msg.Data) {
					onNotify(method, msg.Data)
				}
			})
			if err != nil {
				c.shut()
				return nil, err
			}
			c.subs = append(c.subs, sub)
		}
	}
	// The subscriptions must reach the server before a call's progress can be published.
	if err := c.conn.Flush(); err != nil {
		c.shut()
		return nil, err
	}
	return c, nil
}

func (c *natsCarrier) onProgress(msg *nats.Msg) {
	var progress FlowProgress
	if !utf8.Valid(msg.Data) || json.Unmarshal(msg.Data, &progress) != nil {
		return
	}
	var id string
	if json.Unmarshal(progress.RequestID, &id) != nil {
		return
	}
	c.mu.Lock()
	callback := c.progress[id]
	c.mu.Unlock()
	if callback != nil {
		callback(progress)
	}
}

func (c *natsCarrier) call(ctx context.Context, method string, params json.RawMessage, config callConfig) (json.RawMessage, error) {
	id := nuid.Next()
	if config.progress != nil {
		c.mu.Lock()
		c.progress[id] = config.progress
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			delete(c.progress, id)
			c.mu.Unlock()
		}()
	}
	msg := nats.NewMsg(requestRoot + "." + c.site + "." + c.terminal + "." + method)
	msg.Header.Set(callIDHeader, id)
	msg.Data = params
	bounded, stop := context.WithTimeout(ctx, c.timeout)
	defer stop()
	answer, err := c.conn.RequestMsgWithContext(bounded, msg)
	switch {
	case errors.Is(err, nats.ErrNoResponders):
		unknown := false
		return nil, &ConnectFailedError{&RPCError{
			Code: CodeConnectFailed, Method: method, cause: err,
			Message: fmt.Sprintf("no agent serves %s/%s", c.site, c.terminal),
			Data:    ErrorData{Code: "unreachable", Action: "Nothing was sent: start the agent or check its config, then retry.", OutcomeUnknown: &unknown},
		}}
	case ctx.Err() != nil:
		// No cancel reaches an agent: the flow goes on there and its outcome is recorded in the stream.
		return nil, abortedError(method, true, ctx.Err())
	case bounded.Err() != nil:
		return nil, carrierError(method, fmt.Sprintf("no answer from the agent within %s", c.timeout), true, bounded.Err())
	case err != nil:
		return nil, carrierError(method, "the NATS request failed", true, err)
	}
	if !utf8.Valid(answer.Data) {
		return nil, carrierError(method, "the agent's answer is not UTF-8", true, errInvalidUTF8)
	}
	var m wireMessage
	if err := json.Unmarshal(answer.Data, &m); err != nil {
		return nil, carrierError(method, "the agent's answer is not JSON-RPC", true, err)
	}
	if m.Error != nil {
		return nil, rpcError(method, m.Error)
	}
	if m.Result == nil {
		return json.RawMessage("null"), nil
	}
	return m.Result, nil
}

func (c *natsCarrier) shut() {
	for _, sub := range c.subs {
		_ = sub.Unsubscribe()
	}
	if c.owned {
		c.conn.Close()
	}
}
