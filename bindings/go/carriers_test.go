package bluechip

import (
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// bluechipProcess runs the test's bridge command with other arguments (serve --listen, agent).
func bluechipProcess(t *testing.T, args ...string) *process {
	t.Helper()
	argv := bridgeArgv(t)
	if argv == nil {
		path, err := bundlePath()
		if err != nil {
			t.Fatal(err)
		}
		argv = []string{"node", path}
	}
	return startProcess(t, append(argv, args...)...)
}

func TestWebSocketCarrierWithToken(t *testing.T) {
	bridge := bluechipProcess(t, "serve", "--listen", "127.0.0.1:0", "--token", "s3cret-token-for-the-go-tests")
	line, _ := bridge.stdout.waitFor(t, regexp.MustCompile(`^listening ws://`), 0)
	url := listening.FindString(line)

	_, err := Open(testContext(t), Options{WebSocket: &WebSocketOptions{URL: url, Token: "wrong"}})
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("a wrong token: want a 401 refusal, got %v", err)
	}

	terminal, err := Open(testContext(t), Options{
		WebSocket: &WebSocketOptions{URL: url, Token: "s3cret-token-for-the-go-tests"},
		Terminal:  TerminalOpenParams{Simulator: &TerminalOpenParamsSimulator{EventDelayMs: ptr[int64](10)}},
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var started bool
	outcome, err := terminal.Sale(testContext(t), SaleParams{Amount: 777}, WithProgress(func(p FlowProgress) {
		started = started || p.Type == FlowProgressTypeStarted
	}))
	if err != nil || outcome.Kind != OutcomeKindApproved || !started {
		t.Fatalf("sale over WebSocket: %+v %v (started: %v)", outcome, err, started)
	}
	if err := terminal.Close(testContext(t)); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port
}

func TestNATSCarrierThroughAnAgent(t *testing.T) {
	if _, err := exec.LookPath("nats-server"); err != nil {
		t.Skip("nats-server not on PATH (.ci/run installs it): the NATS carrier is not tried")
	}
	dir := t.TempDir()
	port := freePort(t)
	server := startProcess(t, "nats-server", "-a", "127.0.0.1", "-p", strconv.Itoa(port), "-js", "-sd", filepath.Join(dir, "js"))
	server.stderr.waitFor(t, regexp.MustCompile(`Server is ready`), 0)
	url := "nats://127.0.0.1:" + strconv.Itoa(port)

	config, _ := json.Marshal(map[string]any{
		"site":      "shop",
		"nats":      map[string]any{"servers": url, "name": "go-test"},
		"terminals": []any{map[string]any{"id": "lane1", "simulator": map[string]any{"eventDelayMs": 10}}},
	})
	configFile := filepath.Join(dir, "agent.json")
	if err := os.WriteFile(configFile, config, 0o600); err != nil {
		t.Fatal(err)
	}
	agent := bluechipProcess(t, "agent", "--config", configFile)
	agent.stdout.waitFor(t, regexp.MustCompile(`^serving`), 0)

	var mu sync.Mutex
	var notified []string
	terminal, err := Open(testContext(t), Options{
		NATS: &NATSOptions{URL: url, Site: "shop", Terminal: "lane1"},
		OnNotification: func(method string, _ json.RawMessage) {
			mu.Lock()
			notified = append(notified, method)
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer terminal.Close(testContext(t))
	var progress []FlowProgressType
	outcome, err := terminal.Sale(testContext(t), SaleParams{Amount: 4242, IdempotencyKey: "nats-order-1"},
		WithProgress(func(p FlowProgress) {
			mu.Lock()
			progress = append(progress, p.Type)
			mu.Unlock()
		}))
	if err != nil || outcome.Kind != OutcomeKindApproved {
		t.Fatalf("sale over NATS: %+v %v", outcome, err)
	}
	mu.Lock()
	if len(progress) == 0 || progress[0] != FlowProgressTypeStarted {
		t.Errorf("progress over NATS: %v", progress)
	}
	mu.Unlock()
	record, err := terminal.OutcomeGet(testContext(t), OutcomeGetParams{IdempotencyKey: "nats-order-1"})
	if err != nil || record == nil || record.State != OutcomeGetResultStateCompleted {
		t.Fatalf("outcome.get over NATS: %+v %v", record, err)
	}

	// A terminal no agent serves: nothing was sent.
	_, err = Open(testContext(t), Options{NATS: &NATSOptions{URL: url, Site: "shop", Terminal: "lane9"}})
	var unreachable *ConnectFailedError
	if !errors.As(err, &unreachable) || unreachable.OutcomeUnknown() {
		t.Fatalf("want *ConnectFailedError with nothing sent, got %T %v", err, err)
	}
	// Subject tokens are checked before anything is sent.
	if _, err := Open(testContext(t), Options{NATS: &NATSOptions{URL: url, Site: "shop.>", Terminal: "lane1"}}); err == nil {
		t.Fatal("a site that is not a subject token was accepted")
	}
}
