package bluechip

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
)

func TestSaleOverStdioWithProgress(t *testing.T) {
	terminal := openSimulated(t, TerminalOpenParamsSimulator{EventDelayMs: ptr[int64](10)})
	var mu sync.Mutex
	var progress []FlowProgressType
	outcome, err := terminal.Sale(testContext(t), SaleParams{Amount: 1234, IdempotencyKey: "order-1"},
		WithProgress(func(p FlowProgress) {
			mu.Lock()
			progress = append(progress, p.Type)
			mu.Unlock()
		}))
	if err != nil {
		t.Fatalf("Sale: %v", err)
	}
	if outcome.Kind != OutcomeKindApproved || outcome.Result == nil || outcome.Result.TotalAmount == nil || *outcome.Result.TotalAmount != 1234 {
		t.Fatalf("outcome: %+v", outcome)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(progress) == 0 || progress[0] != FlowProgressTypeStarted {
		t.Fatalf("progress: %v", progress)
	}
	if terminal.ID() != "t1" || terminal.Opened.Journal != TerminalOpenResultJournalMemory {
		t.Fatalf("opened: %+v", terminal.Opened)
	}
}

func TestDeclinedCardIsAnOutcomeNotAnError(t *testing.T) {
	terminal := openSimulated(t, TerminalOpenParamsSimulator{EventDelayMs: ptr[int64](10)})
	outcome, err := terminal.Sale(testContext(t), SaleParams{Amount: 200})
	if err != nil || outcome.Kind != OutcomeKindDeclined {
		t.Fatalf("a 2.00 sale: %+v, %v", outcome, err)
	}
}

func TestInvalidParamsAreTyped(t *testing.T) {
	terminal := openSimulated(t, TerminalOpenParamsSimulator{})
	_, err := terminal.Sale(testContext(t), SaleParams{Amount: -1})
	var invalid *InvalidParamsError
	if !errors.As(err, &invalid) {
		t.Fatalf("want *InvalidParamsError, got %T %v", err, err)
	}
	if invalid.Code != CodeInvalidParams || invalid.Data.Path != "params.amount" || invalid.Data.Code == "" || invalid.Data.Action == "" {
		t.Fatalf("error: %+v", invalid.RPCError)
	}
	var rpc *RPCError
	if !errors.As(err, &rpc) || rpc.Method != "sale" {
		t.Fatalf("errors.As *RPCError: %v", err)
	}
}

func TestBusyIsTyped(t *testing.T) {
	// 2.04: the simulator never answers, so the first sale runs on; with one call allowed per connection
	// (--max-pending 1) the second is refused busy, nothing sent.
	terminal := openSimulated(t, TerminalOpenParamsSimulator{}, func(o *Options) { o.Stdio = stdioOptions(t, "--max-pending", "1") })
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	started := make(chan struct{})
	var once sync.Once
	go func() {
		_, _ = terminal.Sale(ctx, SaleParams{Amount: 204}, WithProgress(func(FlowProgress) { once.Do(func() { close(started) }) }))
	}()
	select {
	case <-started:
	case <-ctx.Done():
		t.Fatal("the first sale never started")
	}
	_, err := terminal.Sale(testContext(t), SaleParams{Amount: 500})
	var busy *BusyError
	if !errors.As(err, &busy) || busy.OutcomeUnknown() {
		t.Fatalf("want *BusyError with nothing sent, got %T %v", err, err)
	}
}

func TestFlowTimeoutIsOutcomeUnknown(t *testing.T) {
	terminal := openSimulated(t, TerminalOpenParamsSimulator{})
	_, err := terminal.Sale(testContext(t), SaleParams{Amount: 204, Timeouts: &Timeouts{FlowMs: ptr[int64](300)}})
	var unknown *OutcomeUnknownError
	if !errors.As(err, &unknown) || !unknown.OutcomeUnknown() || unknown.FlowID() == "" {
		t.Fatalf("want *OutcomeUnknownError with a flow id, got %T %v", err, err)
	}
	if unknown.Data.Code != "flow_timeout" {
		t.Fatalf("data.code %q", unknown.Data.Code)
	}
}

func TestCancellingTheContextSendsCancelRequest(t *testing.T) {
	var mu sync.Mutex
	var notifications []string
	terminal := openSimulated(t, TerminalOpenParamsSimulator{}, func(o *Options) {
		o.OnNotification = func(method string, _ json.RawMessage) {
			mu.Lock()
			notifications = append(notifications, method)
			mu.Unlock()
		}
	})
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	_, err := terminal.Sale(ctx, SaleParams{Amount: 204}, WithProgress(func(p FlowProgress) {
		if p.Type == FlowProgressTypeStarted {
			cancel()
		}
	}))
	var aborted *AbortedError
	if !errors.As(err, &aborted) {
		t.Fatalf("want *AbortedError, got %T %v", err, err)
	}
	// The bridge's own -32800 answer to $/cancelRequest (this binding's fallback has no flow id).
	if !aborted.OutcomeUnknown() || aborted.Data.Code != "aborted" || aborted.FlowID() == "" {
		t.Fatalf("aborted: %+v", aborted.RPCError)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("errors.Is(err, context.Canceled) should hold: %v", err)
	}
	// The terminal is still usable: the flow goes on at the terminal, the waiting stopped.
	status, err := terminal.Status(testContext(t))
	if err != nil || status.TerminalID != "t1" {
		t.Fatalf("status after cancel: %+v %v", status, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notifications) == 0 {
		t.Fatal("OnNotification got nothing (terminal.state at least)")
	}
}

func TestRawCallAndDiscover(t *testing.T) {
	terminal := openSimulated(t, TerminalOpenParamsSimulator{})
	document, err := terminal.Discover(testContext(t))
	if err != nil || len(document) == 0 {
		t.Fatalf("Discover: %v", err)
	}
	raw, err := terminal.Call(testContext(t), "terminal.status", json.RawMessage(`{}`))
	if err != nil {
		t.Fatalf("Call: %v", err)
	}
	var status TerminalStatusResult
	if err := json.Unmarshal(raw, &status); err != nil || status.TerminalID != "t1" {
		t.Fatalf("raw status %s: %v", raw, err)
	}
	_, err = terminal.Call(testContext(t), "no.such.method", json.RawMessage(`{}`))
	var missing *MethodNotFoundError
	if !errors.As(err, &missing) {
		t.Fatalf("want *MethodNotFoundError, got %T %v", err, err)
	}
}

func TestOptionsNamingTwoCarriersAreRefused(t *testing.T) {
	_, err := Open(testContext(t), Options{Stdio: &StdioOptions{}, WebSocket: &WebSocketOptions{}})
	if err == nil {
		t.Fatal("two carriers accepted")
	}
}

// The default stdio carrier: the bridge embedded by go generate, run with node. A checkout without the
// bundle (it is a build output) skips this, saying so; every other test runs the built CLI.
func TestEmbeddedBridge(t *testing.T) {
	if !EmbeddedBridge() {
		t.Skip("no embedded bridge in this build: run go generate after building packages/cli/dist/bluechip.mjs")
	}
	terminal, err := Open(testContext(t), Options{Terminal: TerminalOpenParams{Simulator: &TerminalOpenParamsSimulator{}}})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	outcome, err := terminal.Sale(testContext(t), SaleParams{Amount: 1500})
	if err != nil || outcome.Kind != OutcomeKindApproved {
		t.Fatalf("sale: %+v %v", outcome, err)
	}
	if err := terminal.Close(testContext(t)); err != nil {
		t.Fatalf("Close: %v", err)
	}
}
