package bluechip_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	bluechip "github.com/bluechip-ws/bluechip-ws/bindings/go"
)

// A sale over stdio, the bridge embedded in the package (docs/bindings-go.md). Compiled by go vet and
// go test; not run (it needs a terminal).
func Example() {
	ctx := context.Background()
	terminal, err := bluechip.Open(ctx, bluechip.Options{Terminal: bluechip.TerminalOpenParams{
		URL: "ws://192.168.1.50:50000", JournalDir: "/var/lib/pos/journal"}})
	if err != nil {
		log.Fatal(err)
	}
	defer terminal.Close(ctx)
	outcome, err := terminal.Sale(ctx, bluechip.SaleParams{Amount: 1234, IdempotencyKey: "order-42"})
	var unknown *bluechip.OutcomeUnknownError
	switch {
	case errors.As(err, &unknown):
		log.Printf("outcome unknown (%s): retry with the same key", unknown.Data.Code)
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(outcome.Kind) // approved, declined, cancelled…
	}
}
