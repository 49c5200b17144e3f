package bluechip

import (
	"context"
	"errors"
	"os"
	"regexp"
	"sync"
	"syscall"
	"testing"
)

// The bridge (stdio) is killed with SIGKILL mid-sale: the next Open on the same journal recovers the
// outcome, and a retry with the same idempotency key replays it; the simulator (its own process, so it
// outlives the bridge) saw one sale.
func TestBridgeKilledMidSaleRecoveredByTheNextOpen(t *testing.T) {
	sim := startSimulator(t)
	journal := t.TempDir()
	const amount, key = 204, "order-88" // 2.04: started, then no event: the flow is open when the bridge dies
	open := func() *Terminal {
		terminal, err := Open(testContext(t), Options{
			Stdio:    stdioOptions(t),
			Terminal: TerminalOpenParams{URL: sim.url, JournalDir: journal, TerminalID: "pos", Reconnect: ptr(false)},
		})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return terminal
	}

	first := open()
	started := make(chan struct{})
	var once sync.Once
	saleErr := make(chan error, 1)
	go func() {
		_, err := first.Sale(testContext(t), SaleParams{Amount: amount, IdempotencyKey: key},
			WithProgress(func(p FlowProgress) {
				if p.Type == FlowProgressTypeStarted {
					once.Do(func() { close(started) })
				}
			}))
		saleErr <- err
	}()
	select {
	case <-started:
	case err := <-saleErr:
		t.Fatalf("the sale ended before it started: %v", err)
	}
	process, err := os.FindProcess(first.stdio.pid())
	if err != nil {
		t.Fatal(err)
	}
	if err := process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}

	// The call in flight fails closed, outcome unknown.
	err = <-saleErr
	var closed *ClosedError
	if !errors.As(err, &closed) || !closed.OutcomeUnknown() {
		t.Fatalf("want *ClosedError with outcomeUnknown, got %T %v", err, err)
	}
	_ = first.Close(context.Background())
	// The simulator records the sale when it sees the link drop; the next bridge asks it then.
	sim.stderr.waitFor(t, regexp.MustCompile(`link_dropped_mid_flow`), 0)

	next := open()
	defer func() {
		if err := next.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	report := next.Opened.Reconciled
	if report == nil || len(report.Flows) != 1 || report.Flows[0].Verdict != ReconcileReportFlowVerdictRecovered ||
		report.Flows[0].IdempotencyKey != key {
		t.Fatalf("reconciled on open: %+v", report)
	}
	record, err := next.OutcomeGet(testContext(t), OutcomeGetParams{IdempotencyKey: key})
	if err != nil || record == nil || record.State != OutcomeGetResultStateRecovered || record.Outcome == nil ||
		record.Outcome.Kind != OutcomeKindApproved {
		t.Fatalf("outcome.get: %+v %v", record, err)
	}
	retry, err := next.Sale(testContext(t), SaleParams{Amount: amount, IdempotencyKey: key})
	if err != nil || retry.Kind != OutcomeKindApproved || retry.Replayed == nil || !*retry.Replayed {
		t.Fatalf("retry: %+v %v", retry, err)
	}
	if n := sim.sales(amount); n != 1 {
		t.Fatalf("the simulator saw %d sales of %d, want 1", n, amount)
	}
}
