// Command overhead is the Go side of bindings/go/bench/overhead.mjs: it opens a terminal over stdio, prints
// "ready <Go version>" and, for each line "N" on stdin, makes N sales and prints the median time of one sale
// in nanoseconds.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	bluechip "github.com/bluechip-ws/bluechip-ws/bindings/go"
)

func main() {
	url := flag.String("url", "", "the simulator's ws:// URL")
	bridge := flag.String("bridge", "", "command of a stdio bridge (default: the embedded one)")
	flag.Parse()
	ctx := context.Background()
	reconnect := false
	terminal, err := bluechip.Open(ctx, bluechip.Options{
		Stdio:    &bluechip.StdioOptions{Command: strings.Fields(*bridge)},
		Terminal: bluechip.TerminalOpenParams{URL: *url, Reconnect: &reconnect},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer terminal.Close(ctx)
	fmt.Println("ready", runtime.Version())
	input := bufio.NewScanner(os.Stdin)
	for input.Scan() {
		n, err := strconv.Atoi(strings.TrimSpace(input.Text()))
		if err != nil || n < 1 || n > 100_000 {
			log.Fatalf("not a count: %q", input.Text())
		}
		times := make([]int64, 0, n)
		for range n {
			start := time.Now()
			outcome, err := terminal.Sale(ctx, bluechip.SaleParams{Amount: 1234})
			if err != nil || outcome.Kind != bluechip.OutcomeKindApproved {
				log.Fatalf("sale: %+v %v", outcome, err)
			}
			times = append(times, time.Since(start).Nanoseconds())
		}
		slices.Sort(times)
		fmt.Println(times[len(times)/2])
	}
}
