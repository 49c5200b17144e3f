// Command pos-sale is a minimal POS sale through the Go binding, in the shape `bluechip certify
// --pos-command` runs: one sale, then one JSON line on stdout and an exit code (0 approved, 2 declined,
// 3 cancelled or timed out on the customer, 4 outcome unknown, 5 terminal busy, 6 partially approved,
// 1 anything else).
//
//	go run ./examples/pos-sale --terminal ws://127.0.0.1:50000 --amount 5.00 --order order-42 \
//	    --journal /var/lib/pos/journal
//
// The order id is the idempotency key and the journal directory survives the process, so a retry of an
// order whose outcome was unknown (a dropped link) reconciles instead of charging twice.
//
// The bridge is the one embedded in the package (go generate), or the command in --bridge or
// $BLUECHIP_BRIDGE_COMMAND (split on white space), e.g. "node packages/cli/dist/bin.js serve --stdio".
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	bluechip "github.com/bluechip-ws/bluechip-ws/bindings/go"
)

var exitCodes = map[bluechip.OutcomeKind]int{
	bluechip.OutcomeKindApproved:          0,
	bluechip.OutcomeKindDeclined:          2,
	bluechip.OutcomeKindNotFound:          2,
	bluechip.OutcomeKindCancelled:         3,
	bluechip.OutcomeKindTimedOut:          3,
	bluechip.OutcomeKindPartiallyApproved: 6,
}

type report struct {
	Order   string       `json:"order"`
	Outcome string       `json:"outcome"`
	FlowID  string       `json:"flowId,omitempty"`
	Amount  *int64       `json:"amount,omitempty"`
	Error   *errorReport `json:"error,omitempty"`
}

type errorReport struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func main() {
	terminalURL := flag.String("terminal", "", "ws://host:port of the terminal (required)")
	amount := flag.String("amount", "", "amount in currency units, e.g. 5.00 (required)")
	order := flag.String("order", "", "order id: the idempotency key (required)")
	journal := flag.String("journal", "", "journal directory kept across runs")
	mode := flag.String("endpoint-mode", "multi", "multi or single")
	bridge := flag.String("bridge", os.Getenv("BLUECHIP_BRIDGE_COMMAND"), "command of a stdio bridge (default: the embedded one)")
	flag.Parse()
	if *terminalURL == "" || *order == "" {
		usage("--terminal, --amount and --order are required")
	}
	cents, err := parseCents(*amount)
	if err != nil {
		usage(err.Error())
	}
	if *mode != "multi" && *mode != "single" {
		usage("--endpoint-mode is multi or single")
	}

	// SIGTERM/SIGINT (certify's --command-timeout) cancel the call: the binding sends $/cancelRequest.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	out, code := sale(ctx, bluechip.Options{
		Stdio: &bluechip.StdioOptions{Command: strings.Fields(*bridge)},
		Terminal: bluechip.TerminalOpenParams{
			URL:          *terminalURL,
			JournalDir:   *journal,
			EndpointMode: bluechip.TerminalOpenParamsEndpointMode(*mode),
		},
	}, cents, *order)
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
	os.Exit(code)
}

func sale(ctx context.Context, options bluechip.Options, cents int64, order string) (report, int) {
	out := report{Order: order}
	terminal, err := bluechip.Open(ctx, options)
	if err != nil {
		return failed(out, err)
	}
	defer terminal.Close(context.Background())
	outcome, err := terminal.Sale(ctx, bluechip.SaleParams{Amount: cents, IdempotencyKey: order})
	if err != nil {
		return failed(out, err)
	}
	out.Outcome, out.FlowID = string(outcome.Kind), outcome.FlowID
	if outcome.Result != nil {
		out.Amount = outcome.Result.TotalAmount
	}
	code, known := exitCodes[outcome.Kind]
	if !known {
		code = 1
	}
	return out, code
}

func failed(out report, err error) (report, int) {
	var rpc *bluechip.RPCError
	if !errors.As(err, &rpc) {
		out.Outcome, out.Error = "error", &errorReport{Code: "error", Message: err.Error()}
		return out, 1
	}
	out.Error = &errorReport{Code: rpc.Data.Code, Message: err.Error()}
	var busy *bluechip.BusyError
	switch {
	case errors.As(err, &busy):
		out.Outcome = "busy"
		return out, 5
	case rpc.OutcomeUnknown():
		// A lost link mid-sale: the retry with the same order reconciles.
		out.Outcome = "unknown"
		return out, 4
	default:
		out.Outcome = "error"
		return out, 1
	}
}

// parseCents reads a decimal amount into integer cents exactly (never through a float).
func parseCents(text string) (int64, error) {
	whole, fraction, _ := strings.Cut(text, ".")
	if whole == "" || len(fraction) > 2 || len(whole) > 6 {
		return 0, fmt.Errorf("not an amount in cents: %q", text)
	}
	fraction += strings.Repeat("0", 2-len(fraction))
	var cents int64
	for _, digit := range whole + fraction {
		if digit < '0' || digit > '9' {
			return 0, fmt.Errorf("not an amount in cents: %q", text)
		}
		cents = cents*10 + int64(digit-'0')
	}
	return cents, nil
}

func usage(message string) {
	fmt.Fprintln(os.Stderr, "pos-sale:", message)
	flag.Usage()
	os.Exit(1)
}
