package bluechip

// Test support: the bridge and the simulator as child processes, the way a POS runs them. The bridge is
// this repository's built CLI (`npx tsc -b`), or $BLUECHIP_BRIDGE_COMMAND (a JSON array of argv), or the
// embedded bundle when the CLI is not built; the tests fail, saying so, when there is none.

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// testWait bounds every wait of a test for an event that should come; far beyond what a loaded machine
// needs, only there so that a broken test ends.
const testWait = 90 * time.Second

var repoRoot = func() string {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	return root
}()

func cliPath() string { return filepath.Join(repoRoot, "packages", "cli", "dist", "bin.js") }

// bridgeArgv is the argv that starts `bluechip` (without `serve --stdio`), or nil for the embedded bundle.
// $BLUECHIP_BRIDGE_COMMAND is the stdio bridge's command, split on white space, as for the Python binding
// and the example POS; it must end with `serve --stdio` (the carrier tests run `serve --listen`, `agent`).
func bridgeArgv(t testing.TB) []string {
	t.Helper()
	if configured := strings.Fields(os.Getenv("BLUECHIP_BRIDGE_COMMAND")); len(configured) > 0 {
		n := len(configured)
		if n < 3 || configured[n-2] != "serve" || configured[n-1] != "--stdio" {
			t.Fatalf("BLUECHIP_BRIDGE_COMMAND must end with `serve --stdio`: %q", configured)
		}
		return configured[:n-2]
	}
	if _, err := os.Stat(cliPath()); err == nil {
		return []string{"node", cliPath()}
	}
	if EmbeddedBridge() {
		return nil
	}
	t.Fatalf("no bridge: build the CLI (npx tsc -b at the repository root), run go generate, or set BLUECHIP_BRIDGE_COMMAND")
	return nil
}

// stdioOptions runs the test's bridge over stdio.
func stdioOptions(t testing.TB, args ...string) *StdioOptions {
	argv := bridgeArgv(t)
	if argv == nil {
		return &StdioOptions{Args: args}
	}
	return &StdioOptions{Command: append(append(argv, "serve", "--stdio"), args...)}
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testWait)
	t.Cleanup(cancel)
	return ctx
}

func ptr[T any](value T) *T { return &value }

// openSimulated opens a terminal on the bridge's built-in simulator, closed when the test ends.
func openSimulated(t *testing.T, simulator TerminalOpenParamsSimulator, extra ...func(*Options)) *Terminal {
	t.Helper()
	options := Options{Stdio: stdioOptions(t), Terminal: TerminalOpenParams{Simulator: &simulator}}
	for _, edit := range extra {
		edit(&options)
	}
	terminal, err := Open(testContext(t), options)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = terminal.Close(context.Background()) })
	return terminal
}

// lines reads a child's output line by line; waitFor returns the first line (seen or to come) matching.
type lines struct {
	mu    sync.Mutex
	all   []string
	grown chan struct{}
	ended bool
}

func newLines() *lines { return &lines{grown: make(chan struct{})} }

func (l *lines) consume(pipe interface{ Read([]byte) (int, error) }) {
	scanner := bufio.NewScanner(pipe)
	scanner.Buffer(make([]byte, 64<<10), 4<<20)
	for scanner.Scan() {
		l.mu.Lock()
		l.all = append(l.all, scanner.Text())
		close(l.grown)
		l.grown = make(chan struct{})
		l.mu.Unlock()
	}
	l.mu.Lock()
	l.ended = true
	close(l.grown)
	l.mu.Unlock()
}

func (l *lines) waitFor(t testing.TB, pattern *regexp.Regexp, from int) (string, int) {
	t.Helper()
	deadline := time.After(testWait)
	for {
		l.mu.Lock()
		for i := from; i < len(l.all); i++ {
			if pattern.MatchString(l.all[i]) {
				line := l.all[i]
				l.mu.Unlock()
				return line, i
			}
		}
		grown, ended := l.grown, l.ended
		l.mu.Unlock()
		if ended {
			t.Fatalf("output ended without a line matching %s: %s", pattern, l.String())
		}
		select {
		case <-grown:
		case <-deadline:
			t.Fatalf("no line matching %s: %s", pattern, l.String())
		}
	}
}

func (l *lines) count(pattern *regexp.Regexp) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.all {
		if pattern.MatchString(line) {
			n++
		}
	}
	return n
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	tail := l.all
	if len(tail) > 20 {
		tail = tail[len(tail)-20:]
	}
	return strings.Join(tail, "\n")
}

// process is a child started for a test (simulator, WebSocket bridge, nats-server, agent), killed at
// the end of the test.
type process struct {
	cmd    *exec.Cmd
	stdout *lines
	stderr *lines
}

func startProcess(t *testing.T, argv ...string) *process {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %v: %v", argv, err)
	}
	p := &process{cmd: cmd, stdout: newLines(), stderr: newLines()}
	go p.stdout.consume(stdout)
	go p.stderr.consume(stderr)
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return p
}

// simulator is `bluechip simulate --port 0` in its own process: it outlives the bridges of a test.
type simulator struct {
	*process
	url string
}

var listening = regexp.MustCompile(`ws://127\.0\.0\.1:\d+`)

func startSimulator(t *testing.T, args ...string) *simulator {
	t.Helper()
	argv := append([]string{"node", filepath.Join(repoRoot, "packages", "simulator", "dist", "bin.js"), "--port", "0"}, args...)
	p := startProcess(t, argv...)
	line, _ := p.stdout.waitFor(t, listening, 0)
	return &simulator{process: p, url: listening.FindString(line)}
}

// sales counts the sale requests (of an amount) the simulator received.
func (s *simulator) sales(amount int) int {
	return s.stdout.count(regexp.MustCompile(`POS->SIM \{"request":.*"type":"sale","amount":"?` + regexp.QuoteMeta(itoa(amount)) + `\b`))
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
