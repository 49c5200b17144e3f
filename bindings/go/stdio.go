package bluechip

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// StdioOptions start the bridge as a child process (`bluechip serve --stdio`): the desktop carrier.
type StdioOptions struct {
	// Command runs this bridge instead of the embedded one, e.g. {"bluechip", "serve", "--stdio"}.
	Command []string
	// Node is the node executable for the embedded bridge (default: "node" on PATH).
	Node string
	// Args are added after `serve --stdio` (e.g. "--drain-timeout", "5").
	Args []string
	// Env is the bridge's environment (default: this process's).
	Env []string
	// CloseTimeout bounds Close's wait for the bridge to exit before killing it (default 60 s).
	CloseTimeout time.Duration
	// MaxMessageBytes bounds one line from the bridge (default 8 MiB); a longer one ends the connection.
	MaxMessageBytes int
	// Stderr, when set, gets a copy of the bridge's log lines (its stderr), each at most 1000 bytes. The
	// last lines are kept in any case for the errors of a bridge that ended.
	Stderr io.Writer
}

const defaultMaxMessage = 8 << 20

// stdioStream is a bridge child process: one JSON message per line each way.
type stdioStream struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  *bufio.Reader
	max     int
	timeout time.Duration
	stderr  *tail
	exited  chan struct{}
	waitErr error
	// stdoutDone closes when stdout reached its end: Wait may close the pipes only after that.
	stdoutDone chan struct{}
	stdoutOnce sync.Once
}

func startStdio(options StdioOptions) (*stdioStream, error) {
	argv := options.Command
	if len(argv) == 0 {
		path, err := bundlePath()
		if err != nil {
			return nil, err
		}
		node := options.Node
		if node == "" {
			node = "node"
		}
		argv = append([]string{node, path, "serve", "--stdio"}, options.Args...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = options.Env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bluechip: starting the bridge (%s): %w", strings.Join(argv, " "), err)
	}
	s := &stdioStream{
		cmd: cmd, stdin: stdin, stdout: bufio.NewReaderSize(stdout, 64<<10),
		max: options.MaxMessageBytes, timeout: options.CloseTimeout,
		stderr: newTail(64, options.Stderr), exited: make(chan struct{}), stdoutDone: make(chan struct{}),
	}
	if s.max <= 0 {
		s.max = defaultMaxMessage
	}
	if s.timeout <= 0 {
		s.timeout = 60 * time.Second
	}
	stderrDone := make(chan struct{})
	go func() {
		// Read stderr to the end, or the bridge could block on a full pipe.
		s.stderr.consume(stderr)
		close(stderrDone)
	}()
	go func() {
		<-stderrDone
		<-s.stdoutDone
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

// writeDeadliner is the pipe to the bridge's stdin (an *os.File underneath, pollable on every platform
// Go runs a child on): a deadline interrupts a write the bridge does not read.
type writeDeadliner interface {
	SetWriteDeadline(time.Time) error
}

var longAgo = time.Unix(1, 0)

// write writes one line; when ctx ends first, the write is interrupted. A line cut in the middle would
// glue itself to the next one, so the stream is then closed (the bridge drains and exits).
func (s *stdioStream) write(ctx context.Context, message []byte) error {
	line := make([]byte, 0, len(message)+1)
	line = append(append(line, message...), '\n')
	pipe, ok := s.stdin.(writeDeadliner)
	if ok && ctx.Done() != nil {
		interrupted := make(chan struct{})
		stop := context.AfterFunc(ctx, func() {
			_ = pipe.SetWriteDeadline(longAgo)
			close(interrupted)
		})
		defer func() {
			if !stop() {
				<-interrupted
				_ = pipe.SetWriteDeadline(time.Time{})
			}
		}()
	}
	n, err := s.stdin.Write(line)
	switch {
	case err == nil:
		return nil
	case n == 0:
		return notWritten{err}
	default:
		_ = s.stdin.Close()
		return err
	}
}

var errLineTooLong = errors.New("a line from the bridge exceeds MaxMessageBytes")

func (s *stdioStream) read() ([]byte, error) {
	for {
		line, err := s.readLine()
		if err != nil {
			s.stdoutOnce.Do(func() { close(s.stdoutDone) })
			return nil, err
		}
		line = trimLine(line)
		if len(line) > 0 {
			return line, nil
		}
	}
}

// readLine reads one line without holding more than max bytes of it.
func (s *stdioStream) readLine() ([]byte, error) {
	var line []byte
	for {
		chunk, err := s.stdout.ReadSlice('\n')
		if len(line)+len(chunk) > s.max {
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		if err == nil {
			return line, nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			if errors.Is(err, io.EOF) {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

func trimLine(line []byte) []byte {
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line
}

// close closes the bridge's stdin: it lets running calls settle, closes its terminals and exits 0.
func (s *stdioStream) close() error {
	_ = s.stdin.Close()
	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	select {
	case <-s.exited:
	case <-timer.C:
		_ = s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("bluechip: the bridge did not exit within %s and was killed", s.timeout)
	}
	if s.waitErr != nil {
		return fmt.Errorf("bluechip: the bridge exited: %w (stderr: %s)", s.waitErr, s.stderr.String())
	}
	return nil
}

func (s *stdioStream) describe(err error) string {
	text := "the bridge process ended"
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		text = err.Error()
	}
	if tail := s.stderr.String(); tail != "" {
		text += "; stderr: " + tail
	}
	return text
}

// pid is the bridge's process id (tests kill it).
func (s *stdioStream) pid() int { return s.cmd.Process.Pid }

// tail keeps the last lines of the bridge's stderr for error messages; bounded in lines and line length.
type tail struct {
	mu    sync.Mutex
	lines []string
	max   int
	echo  io.Writer
}

func newTail(max int, echo io.Writer) *tail { return &tail{max: max, echo: echo} }

func (t *tail) consume(r io.Reader) {
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 4096), 64<<10)
	for {
		if !scanner.Scan() {
			if scanner.Err() == nil {
				return
			}
			// A line over the bound: drop it and go on reading, never stop draining the pipe.
			_, _ = io.Copy(io.Discard, r)
			return
		}
		line := scanner.Text()
		if len(line) > 1000 {
			line = line[:1000] + "…"
		}
		if t.echo != nil {
			_, _ = fmt.Fprintln(t.echo, line)
		}
		t.mu.Lock()
		t.lines = append(t.lines, line)
		if len(t.lines) > t.max {
			t.lines = t.lines[len(t.lines)-t.max:]
		}
		t.mu.Unlock()
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(t.lines)
	if n > 5 {
		return strings.Join(t.lines[n-5:], " | ")
	}
	return strings.Join(t.lines, " | ")
}
