package bluechip

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// fakeStream is a bridge in memory: what the binding writes goes to sent, what the test pushes is read.
type fakeStream struct {
	sent     chan []byte
	incoming chan []byte
}

func newFakeStream() *fakeStream {
	return &fakeStream{sent: make(chan []byte, 16), incoming: make(chan []byte, 16)}
}

func (f *fakeStream) write(_ context.Context, message []byte) error {
	f.sent <- append([]byte(nil), message...)
	return nil
}

func (f *fakeStream) read() ([]byte, error) {
	message, ok := <-f.incoming
	if !ok {
		return nil, io.ErrUnexpectedEOF
	}
	return message, nil
}

func (f *fakeStream) close() error          { return nil }
func (f *fakeStream) describe(error) string { return "fake" }

// request is the next message the binding wrote, decoded.
func (f *fakeStream) request(t *testing.T) wireMessage {
	t.Helper()
	var m wireMessage
	if err := json.Unmarshal(<-f.sent, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestInvalidUTF8FromTheBridgeEndsTheConnection(t *testing.T) {
	stream := newFakeStream()
	conn := newRPCConn(stream, nil)
	done := make(chan error, 1)
	go func() {
		_, err := conn.call(testContext(t), "sale", json.RawMessage(`{}`), callConfig{})
		done <- err
	}()
	stream.request(t)
	stream.incoming <- []byte("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"\xff\"}")
	err := <-done
	var closed *ClosedError
	if !errors.As(err, &closed) || !closed.OutcomeUnknown() || !errors.Is(err, errInvalidUTF8) {
		t.Fatalf("want *ClosedError (invalid UTF-8, outcome unknown), got %T %v", err, err)
	}
	if _, err := conn.call(testContext(t), "terminal.status", json.RawMessage(`{}`), callConfig{}); !errors.As(err, &closed) || closed.OutcomeUnknown() {
		t.Fatalf("a call after the end: want *ClosedError, nothing sent, got %v", err)
	}
}

func TestAnswersAreRoutedByIDAndStrayOnesIgnored(t *testing.T) {
	stream := newFakeStream()
	var notified []string
	conn := newRPCConn(stream, func(method string, _ json.RawMessage) { notified = append(notified, method) })
	done := make(chan json.RawMessage, 1)
	go func() {
		result, err := conn.call(testContext(t), "terminal.status", json.RawMessage(`{}`), callConfig{})
		if err != nil {
			t.Error(err)
		}
		done <- result
	}()
	request := stream.request(t)
	id := string(request.ID)
	for _, hostile := range []string{
		`{"jsonrpc":"2.0","id":999,"result":"not ours"}`,
		`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`,
		`{"jsonrpc":"2.0","id":"1","result":"a string id"}`,
		`not json`,
		`[1,2,3]`,
		`{"__proto__":{"polluted":true},"id":{"nested":[[[[]]]]}}`,
	} {
		stream.incoming <- []byte(hostile)
	}
	// A batch inside a batch is not JSON-RPC: its answer is not routed (and a deep one costs no work).
	stream.incoming <- []byte(`[[{"jsonrpc":"2.0","id":` + id + `,"result":"nested"}]]`)
	// A batch answer: the notification in it reaches onNotify, the answer its call.
	stream.incoming <- []byte(`[{"jsonrpc":"2.0","method":"terminal.state","params":{}},{"jsonrpc":"2.0","id":` + id + `,"result":{"terminalId":"t1"}}]`)
	if result := <-done; string(result) != `{"terminalId":"t1"}` {
		t.Fatalf("result %s", result)
	}
	if len(notified) != 1 || notified[0] != "terminal.state" {
		t.Fatalf("notifications: %v", notified)
	}
}

func TestErrorsAreTypedByCodeWhateverTheirData(t *testing.T) {
	cases := map[string]func(error) bool{
		`{"code":-32001,"message":"busy","data":{"code":"busy","action":"retry later"}}`: func(err error) bool {
			var e *BusyError
			return errors.As(err, &e) && e.Data.Code == "busy"
		},
		`{"code":-32002,"message":"unknown","data":"not an object"}`: func(err error) bool {
			var e *OutcomeUnknownError
			return errors.As(err, &e) && e.Data.Code == ""
		},
		`{"code":-31999,"message":"a code from a newer bridge"}`: func(err error) bool {
			var e *RPCError
			return errors.As(err, &e) && e.Code == -31999
		},
		`"not an error object"`: func(err error) bool {
			var e *ClosedError
			return errors.As(err, &e)
		},
	}
	for wire, check := range cases {
		if err := rpcError("sale", json.RawMessage(wire)); !check(err) {
			t.Errorf("%s: got %T %v", wire, err, err)
		}
	}
	// data.action is filled in from x-errors when the bridge left it out.
	err := rpcError("sale", json.RawMessage(`{"code":-32001,"message":"busy","data":{"code":"busy"}}`))
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Data.Action == "" {
		t.Fatalf("action: %v", err)
	}
}

func TestStdioLinesAreBounded(t *testing.T) {
	long := strings.Repeat("x", 300) + "\n"
	s := &stdioStream{stdout: bufio.NewReaderSize(strings.NewReader("{\"ok\":1}\r\n\n"+long), 16), max: 100, stdoutDone: make(chan struct{})}
	first, err := s.read()
	if err != nil || string(first) != `{"ok":1}` {
		t.Fatalf("first line %q %v", first, err)
	}
	if _, err := s.read(); !errors.Is(err, errLineTooLong) {
		t.Fatalf("a 300-byte line with a 100-byte bound: %v", err)
	}
}

func TestTerminalIDIsAddedUnlessNamed(t *testing.T) {
	cases := []struct{ in, probe, out string }{
		{`{}`, "", `{"terminalId":"t1"}`},
		{`{"amount":5}`, "", `{"terminalId":"t1","amount":5}`},
		{` { } `, "", ` { } `}, // not starting with '{': left for the bridge to refuse
		{`{"terminalId":"other","amount":5}`, "probe", `{"terminalId":"other","amount":5}`},
		{`{"amount":5}`, "probe", `{"terminalId":"t1","amount":5}`},
		{`[1]`, "probe", `[1]`},
	}
	for _, c := range cases {
		if got := string(withTerminalID(json.RawMessage(c.in), "t1", c.probe != "")); got != c.out {
			t.Errorf("%s: got %s, want %s", c.in, got, c.out)
		}
	}
}

// A cancelled context sends $/cancelRequest with the call's id; the bridge's -32800 answer is the error.
func TestCancelSendsCancelRequestForTheCall(t *testing.T) {
	stream := newFakeStream()
	conn := newRPCConn(stream, nil)
	ctx, cancel := context.WithCancel(testContext(t))
	done := make(chan error, 1)
	go func() {
		_, err := conn.call(ctx, "sale", json.RawMessage(`{}`), callConfig{})
		done <- err
	}()
	request := stream.request(t)
	cancel()
	cancelled := stream.request(t)
	var params struct {
		ID json.RawMessage `json:"id"`
	}
	if cancelled.Method != "$/cancelRequest" || json.Unmarshal(cancelled.Params, &params) != nil || string(params.ID) != string(request.ID) || cancelled.ID != nil {
		t.Fatalf("want the notification $/cancelRequest {id: %s}, got %+v", request.ID, cancelled)
	}
	stream.incoming <- []byte(`{"jsonrpc":"2.0","id":` + string(request.ID) + `,"error":{"code":-32800,"message":"cancelled","data":{"code":"aborted","outcomeUnknown":true,"flowId":"123"}}}`)
	err := <-done
	var aborted *AbortedError
	if !errors.As(err, &aborted) || aborted.FlowID() != "123" || !aborted.OutcomeUnknown() || !errors.Is(err, context.Canceled) {
		t.Fatalf("want the bridge's *AbortedError wrapping context.Canceled, got %T %v", err, err)
	}
}

// A bridge that does not answer the cancel: the call still ends, aborted with the outcome unknown.
func TestCancelWithoutAnAnswerStillEnds(t *testing.T) {
	stream := newFakeStream()
	conn := newRPCConn(stream, nil)
	conn.cancelWait = time.Millisecond
	ctx, cancel := context.WithCancel(testContext(t))
	done := make(chan error, 1)
	go func() {
		_, err := conn.call(ctx, "sale", json.RawMessage(`{}`), callConfig{})
		done <- err
	}()
	stream.request(t)
	cancel()
	if m := stream.request(t); m.Method != "$/cancelRequest" {
		t.Fatalf("want $/cancelRequest, got %+v", m)
	}
	err := <-done
	var aborted *AbortedError
	if !errors.As(err, &aborted) || !aborted.OutcomeUnknown() || !errors.Is(err, context.Canceled) {
		t.Fatalf("want *AbortedError (outcome unknown), got %T %v", err, err)
	}
}

// A bridge that stops reading its stdin (hung, or stopped): a call whose request does not fit the pipe
// still ends when its context does, and so do the calls queued behind it.
func TestCancelEndsACallStuckWritingToAHungBridge(t *testing.T) {
	stream, err := startStdio(StdioOptions{Command: []string{"sleep", "3600"}, CloseTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stream.close() })
	conn := newRPCConn(stream, nil)
	big := json.RawMessage(`{"pad":"` + strings.Repeat("x", 1<<20) + `"}`) // far more than a pipe holds
	ctx, cancel := context.WithCancel(testContext(t))
	stuck := make(chan error, 1)
	queued := make(chan error, 1)
	sent := make(chan struct{})
	go func() {
		_, err := conn.call(ctx, "sale", big, callConfig{sent: func() { close(sent) }})
		stuck <- err
	}()
	go func() {
		_, err := conn.call(ctx, "terminal.status", json.RawMessage(`{}`), callConfig{})
		queued <- err
	}()
	cancel()
	for _, done := range []chan error{stuck, queued} {
		select {
		case err := <-done:
			var aborted *AbortedError
			var closed *ClosedError
			if !errors.As(err, &aborted) && !errors.As(err, &closed) {
				t.Fatalf("want the call aborted, got %T %v", err, err)
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("errors.Is(err, context.Canceled) should hold: %v", err)
			}
		case <-time.After(testWait):
			t.Fatal("a cancelled call is still blocked writing to a bridge that does not read")
		}
	}
	select {
	case <-sent:
		t.Fatal("a request that could not be written was reported sent")
	default:
	}
}
