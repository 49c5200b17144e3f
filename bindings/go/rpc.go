package bluechip

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// messageStream carries whole JSON-RPC messages: a line of the bridge's stdout, a WebSocket text message.
type messageStream interface {
	write(ctx context.Context, message []byte) error
	// read blocks for the next message; an error ends the stream.
	read() ([]byte, error)
	close() error
	// describe adds what the carrier knows about a failure (the bridge's stderr tail).
	describe(err error) string
}

// defaultCancelWait bounds the wait for the bridge's answer to $/cancelRequest (it answers at once).
const defaultCancelWait = 10 * time.Second

type reply struct {
	result json.RawMessage
	err    json.RawMessage
}

type pendingCall struct {
	replies  chan reply
	progress func(FlowProgress)
}

// rpcConn multiplexes calls over a message stream: one writer lock, one reader goroutine, a map
// id → pending call. Notifications go to the call's progress callback (flow.progress) or onNotify.
type rpcConn struct {
	stream   messageStream
	onNotify func(method string, params json.RawMessage)

	// writeSlot holds one token: the right to write. A channel rather than a mutex, so that a caller whose
	// context ends while another write is stuck stops waiting.
	writeSlot chan struct{}
	mu        sync.Mutex
	nextID    int64
	pending   map[int64]*pendingCall
	failure   error // why the stream ended; set once, before done closes
	done      chan struct{}
	// cancelWait: defaultCancelWait (tests shorten it).
	cancelWait time.Duration
}

func newRPCConn(stream messageStream, onNotify func(string, json.RawMessage)) *rpcConn {
	c := &rpcConn{stream: stream, onNotify: onNotify, pending: map[int64]*pendingCall{}, done: make(chan struct{}), cancelWait: defaultCancelWait, writeSlot: make(chan struct{}, 1)}
	go c.readLoop()
	return c
}

type wireRequest struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      *int64          `json:"id,omitempty"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// notWritten is a send that ended before any byte of the message was written: nothing reached the bridge.
type notWritten struct{ cause error }

func (e notWritten) Error() string { return e.cause.Error() }
func (e notWritten) Unwrap() error { return e.cause }

// send writes one message, giving up when ctx ends (the carriers' writes honour ctx too).
func (c *rpcConn) send(ctx context.Context, request wireRequest) error {
	request.JSONRPC = "2.0"
	message, err := json.Marshal(request)
	if err != nil {
		return notWritten{err}
	}
	select {
	case c.writeSlot <- struct{}{}:
	case <-ctx.Done():
		return notWritten{ctx.Err()}
	case <-c.done:
		return notWritten{errors.New("the bridge connection is closed")}
	}
	defer func() { <-c.writeSlot }()
	if ctx.Err() != nil {
		return notWritten{ctx.Err()}
	}
	return c.stream.write(ctx, message)
}

func (c *rpcConn) call(ctx context.Context, method string, params json.RawMessage, config callConfig) (json.RawMessage, error) {
	c.mu.Lock()
	if c.failure != nil {
		c.mu.Unlock()
		return nil, carrierError(method, "the bridge connection is closed", false, c.failure)
	}
	c.nextID++
	id := c.nextID
	call := &pendingCall{replies: make(chan reply, 1), progress: config.progress}
	c.pending[id] = call
	c.mu.Unlock()
	defer c.forget(id)

	if err := c.send(ctx, wireRequest{ID: &id, Method: method, Params: params}); err != nil {
		var unsent notWritten
		written := !errors.As(err, &unsent)
		if ctx.Err() != nil {
			// Cancelled while writing: nothing to $/cancelRequest (the bridge has no whole request).
			return nil, abortedError(method, written, ctx.Err())
		}
		// A partial write may have reached the bridge.
		return nil, carrierError(method, "could not write to the bridge", written, err)
	}
	if config.sent != nil {
		config.sent()
	}
	select {
	case r := <-call.replies:
		return settle(method, r)
	case <-c.done:
		return c.drained(method, call)
	case <-ctx.Done():
	}
	// Stop the bridge's waiting; the flow goes on and its outcome is journaled (bridge.md).
	// The cancel and the wait for its answer share one bound: a bridge that stopped reading does not
	// hold the caller either.
	timer := time.NewTimer(c.cancelWait)
	defer timer.Stop()
	bounded, stop := context.WithTimeout(context.Background(), c.cancelWait)
	defer stop()
	_ = c.send(bounded, wireRequest{Method: "$/cancelRequest", Params: json.RawMessage(`{"id":` + strconv.FormatInt(id, 10) + `}`)})
	select {
	case r := <-call.replies:
		result, err := settle(method, r)
		var rpc *RPCError
		if errors.As(err, &rpc) && rpc.cause == nil {
			rpc.cause = ctx.Err() // errors.Is(err, context.Canceled) holds
		}
		// An answer that raced the cancel is kept: a sale that completed is reported as such.
		return result, err
	case <-c.done:
		return c.drained(method, call)
	case <-timer.C:
		return nil, abortedError(method, true, ctx.Err())
	}
}

// drained answers a call whose stream ended: a reply that got in first still counts.
func (c *rpcConn) drained(method string, call *pendingCall) (json.RawMessage, error) {
	select {
	case r := <-call.replies:
		return settle(method, r)
	default:
		return nil, carrierError(method, "the bridge connection closed before the answer: "+c.stream.describe(c.failure), true, c.failure)
	}
}

func settle(method string, r reply) (json.RawMessage, error) {
	if r.err != nil {
		return nil, rpcError(method, r.err)
	}
	return r.result, nil
}

func (c *rpcConn) forget(id int64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func (c *rpcConn) notify(ctx context.Context, method string, params json.RawMessage) error {
	return c.send(ctx, wireRequest{Method: method, Params: params})
}

// errInvalidUTF8 ends a stream that sent invalid UTF-8: its answers cannot be trusted to route.
var errInvalidUTF8 = errors.New("the bridge sent invalid UTF-8")

func (c *rpcConn) readLoop() {
	var failure error
	for {
		message, err := c.stream.read()
		if err != nil {
			failure = err
			break
		}
		if !utf8.Valid(message) {
			failure = errInvalidUTF8
			break
		}
		c.dispatch(message)
	}
	c.mu.Lock()
	c.failure = failure
	c.mu.Unlock()
	close(c.done)
}

type wireMessage struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
}

func (c *rpcConn) dispatch(message []byte) {
	if len(message) > 0 && message[0] == '[' {
		var batch []json.RawMessage
		if json.Unmarshal(message, &batch) == nil {
			for _, one := range batch {
				// One level only: a batch in a batch is not JSON-RPC, and nesting would re-parse the payload
				// once per level.
				if len(one) > 0 && one[0] != '[' {
					c.dispatchOne(one)
				}
			}
		}
		return
	}
	c.dispatchOne(message)
}

func (c *rpcConn) dispatchOne(message []byte) {
	var m wireMessage
	if json.Unmarshal(message, &m) != nil {
		return // not JSON-RPC: nothing to route it to
	}
	if m.Method != "" {
		c.notification(m.Method, m.Params)
		return
	}
	id, err := strconv.ParseInt(string(m.ID), 10, 64)
	if err != nil {
		return // null id: an answer to a message we could not have sent
	}
	c.mu.Lock()
	call := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if call == nil {
		return
	}
	if m.Result == nil && m.Error == nil {
		m.Result = json.RawMessage("null")
	}
	call.replies <- reply{result: m.Result, err: m.Error}
}

func (c *rpcConn) notification(method string, params json.RawMessage) {
	if method == NotificationFlowProgress {
		var progress FlowProgress
		if json.Unmarshal(params, &progress) == nil {
			if id, err := strconv.ParseInt(string(progress.RequestID), 10, 64); err == nil {
				c.mu.Lock()
				call := c.pending[id]
				c.mu.Unlock()
				if call != nil && call.progress != nil {
					call.progress(progress)
				}
			}
		}
	}
	if c.onNotify != nil {
		c.onNotify(method, params)
	}
}

func (c *rpcConn) close() error {
	return c.stream.close()
}
