// Package bluechip drives Bluefin Bluechip (Ingenico TSI) payment terminals through the bluechip bridge
// (JSON-RPC 2.0, docs/bridge.md): over stdio (the bridge embedded in this package, run with node), over
// WebSocket (`bluechip serve --listen`) or over NATS (`bluechip agent`, docs/fleet.md).
//
// Types and the operation methods are generated from the bridge's OpenRPC document
// (bindings/codegen/go.mjs); this file and the carriers are the hand-written runtime.
package bluechip

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// Options say which carrier reaches the bridge and which terminal to open. At most one of Stdio,
// WebSocket and NATS is set; with none, the embedded bridge runs over stdio.
type Options struct {
	// Terminal is what terminal.open gets (stdio and WebSocket): the terminal's URL or a simulator, the
	// journal directory (use one in production), timeouts…
	Terminal TerminalOpenParams
	// The carrier.
	Stdio     *StdioOptions
	WebSocket *WebSocketOptions
	NATS      *NATSOptions
	// OnNotification gets every notification (terminal.state, outcome.unclaimed, …), on the carrier's
	// reader: keep it short. Progress of a call goes to its WithProgress callback (and here too).
	OnNotification func(method string, params json.RawMessage)
}

// carrier is what a Terminal calls through.
type carrier interface {
	call(ctx context.Context, method string, params json.RawMessage, config callConfig) (json.RawMessage, error)
}

// Terminal is one payment terminal behind a bridge. Its methods are safe for concurrent use; the
// terminal itself runs one flow at a time (further calls wait in its queue, then fail busy).
type Terminal struct {
	id      string
	carrier carrier
	rpc     *rpcConn // stdio and WebSocket
	stdio   *stdioStream
	nats    *natsCarrier
	// Opened is terminal.open's answer (with the reconciliation it ran); zero over NATS.
	Opened TerminalOpenResult
}

// Open starts or reaches the bridge and opens the terminal. Over stdio and WebSocket it sends
// terminal.open (which reconciles a journal left open by a crash: see Opened.Reconciled); over NATS it
// checks that an agent serves the terminal (terminal.status).
func Open(ctx context.Context, options Options) (*Terminal, error) {
	carriers := 0
	for _, set := range []bool{options.Stdio != nil, options.WebSocket != nil, options.NATS != nil} {
		if set {
			carriers++
		}
	}
	if carriers > 1 {
		return nil, errors.New("bluechip: Options names more than one carrier")
	}
	if options.NATS != nil {
		nc, err := dialNATS(*options.NATS, options.OnNotification)
		if err != nil {
			return nil, err
		}
		t := &Terminal{id: options.NATS.Terminal, carrier: nc, nats: nc}
		if _, err := t.Status(ctx); err != nil {
			nc.shut()
			return nil, err
		}
		return t, nil
	}
	t := &Terminal{}
	var stream messageStream
	if options.WebSocket != nil {
		ws, err := dialWebSocket(ctx, *options.WebSocket)
		if err != nil {
			return nil, fmt.Errorf("bluechip: connecting to the bridge: %w", err)
		}
		stream = ws
	} else {
		stdio, err := startStdio(derefStdio(options.Stdio))
		if err != nil {
			return nil, err
		}
		t.stdio, stream = stdio, stdio
	}
	t.rpc = newRPCConn(stream, options.OnNotification)
	t.carrier = t.rpc
	if err := t.call(ctx, "terminal.open", options.Terminal, callShape{}, &t.Opened, nil); err != nil {
		_ = t.rpc.close()
		return nil, err
	}
	t.id = t.Opened.TerminalID
	return t, nil
}

func derefStdio(options *StdioOptions) StdioOptions {
	if options == nil {
		return StdioOptions{}
	}
	return *options
}

// ID is the terminal's id at the bridge (or the agent's terminal name over NATS).
func (t *Terminal) ID() string { return t.id }

// Close closes the terminal and the carrier: over stdio, the bridge lets running calls settle, closes
// its journal and exits. A NATS connection passed in NATSOptions.Conn stays open.
func (t *Terminal) Close(ctx context.Context) error {
	if t.nats != nil {
		t.nats.shut()
		return nil
	}
	var closed TerminalCloseResult
	closeErr := t.call(ctx, "terminal.close", struct{}{}, callShape{withTerminal: true}, &closed, nil)
	var gone *ClosedError
	if errors.As(closeErr, &gone) {
		closeErr = nil // the bridge went first: nothing left to close
	}
	return errors.Join(closeErr, t.rpc.close())
}

// CallOption adjusts one call.
type CallOption func(*callConfig)

type callConfig struct {
	progress func(FlowProgress)
	// sent runs once the request is written to the carrier (the conformance vectors' runner orders
	// calls that do not wait by it).
	sent func()
}

// WithProgress gets the flow's progress (started, proceed) while the call runs, on the carrier's
// reader: keep it short.
func WithProgress(callback func(FlowProgress)) CallOption {
	return func(c *callConfig) { c.progress = callback }
}

// callShape says how a method's params reach the wire.
type callShape struct {
	// withTerminal: the method names its terminal; the Terminal adds terminalId to the params.
	withTerminal bool
}

// Call calls any bridge method by name with raw params (terminalId is added when absent and the
// method takes one) and returns the raw result. The typed methods are the normal way; Call serves
// tools and conformance vectors.
func (t *Terminal) Call(ctx context.Context, method string, params json.RawMessage, options ...CallOption) (json.RawMessage, error) {
	var result json.RawMessage
	err := t.call(ctx, method, params, callShape{withTerminal: method != "rpc.discover"}, &result, options)
	return result, err
}

func (t *Terminal) call(ctx context.Context, method string, params any, shape callShape, result any, options []CallOption) error {
	var config callConfig
	for _, option := range options {
		option(&config)
	}
	raw, isRaw := params.(json.RawMessage)
	if !isRaw {
		var err error
		if raw, err = json.Marshal(params); err != nil {
			return fmt.Errorf("bluechip: %s params: %w", method, err)
		}
	}
	if shape.withTerminal {
		// Generated params structs have no terminalId field; raw params may name one.
		raw = withTerminalID(raw, t.id, isRaw)
	}
	answer, err := t.carrier.call(ctx, method, raw, config)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(answer, result); err != nil {
		return carrierError(method, "the bridge's result does not fit the OpenRPC document", true, err)
	}
	return nil
}

// withTerminalID adds "terminalId" to a params object that has none (the first key wins in the bridge's
// decoder is not relied on: a params object that names its terminal is left as it is).
func withTerminalID(params json.RawMessage, id string, probe bool) json.RawMessage {
	if len(params) < 2 || params[0] != '{' {
		return params
	}
	if probe {
		var named struct {
			TerminalID *string `json:"terminalId"`
		}
		if json.Unmarshal(params, &named) != nil || named.TerminalID != nil {
			return params
		}
	}
	quoted, _ := json.Marshal(id)
	out := make([]byte, 0, len(params)+len(quoted)+16)
	out = append(out, `{"terminalId":`...)
	out = append(out, quoted...)
	rest := params[1:]
	if len(trimSpace(rest)) > 0 && trimSpace(rest)[0] != '}' {
		out = append(out, ',')
	}
	return append(out, rest...)
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n' || b[0] == '\t' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}
