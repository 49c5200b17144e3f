package bluechip

// The shared conformance vectors (bindings/vectors/*.json, format in its README), run unchanged through
// this binding: terminal.open through the generated TerminalOpenParams, each call through Terminal.Call,
// cancellation through the call's context (which sends $/cancelRequest), frames from terminal.frame.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
)

// vectorsDir is bindings/vectors, or $BLUECHIP_VECTORS_DIR.
func vectorsDir() string {
	if dir := os.Getenv("BLUECHIP_VECTORS_DIR"); dir != "" {
		return dir
	}
	return filepath.Join(repoRoot, "bindings", "vectors")
}

type vectorCase struct {
	Name    string            `json:"name"`
	About   string            `json:"about"`
	Open    json.RawMessage   `json:"open"`
	Journal bool              `json:"journal"`
	Steps   []json.RawMessage `json:"steps"`
	Frames  []any             `json:"frames"`
}

type vectorStep struct {
	About   string          `json:"about"`
	Call    string          `json:"call"`
	Params  json.RawMessage `json:"params"`
	As      string          `json:"as"`
	Wait    *bool           `json:"wait"`
	WaitFor string          `json:"waitFor"`
	Of      string          `json:"of"`
	Cancel  string          `json:"cancel"`
	Await   string          `json:"await"`
	Expect  json.RawMessage `json:"expect"`
}

type vectorExpect struct {
	Outcome  *string      `json:"outcome"`
	Replayed *bool        `json:"replayed"`
	Result   any          `json:"result"`
	Error    *vectorError `json:"error"`
}

type vectorError struct {
	Code           *int    `json:"code"`
	DataCode       *string `json:"dataCode"`
	Path           *string `json:"path"`
	OutcomeUnknown *bool   `json:"outcomeUnknown"`
}

func TestSharedVectors(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(vectorsDir(), "*.json"))
	if len(files) == 0 {
		// The vectors arrive with the bundle-python branch; until then there is nothing to run.
		t.Skipf("no vectors in %s", vectorsDir())
	}
	sort.Strings(files)
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var c vectorCase
		if err := strictUnmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		t.Run(c.Name, func(t *testing.T) { runVector(t, c) })
	}
}

// strictUnmarshal refuses fields this runner does not know: a newer format must not pass silently.
func strictUnmarshal(data []byte, into any) error {
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	return decoder.Decode(into)
}

type pendingVectorCall struct {
	cancel  context.CancelFunc
	started chan struct{}
	done    chan struct{}
	result  json.RawMessage
	err     error
}

func runVector(t *testing.T, c vectorCase) {
	var open TerminalOpenParams
	if err := strictUnmarshal(c.Open, &open); err != nil {
		t.Fatalf("open does not fit TerminalOpenParams: %v", err)
	}
	if c.Journal {
		open.JournalDir = t.TempDir()
	}
	var mu sync.Mutex
	var frames []any
	terminal, err := Open(testContext(t), Options{
		Stdio:    stdioOptions(t),
		Terminal: open,
		OnNotification: func(method string, params json.RawMessage) {
			if method != NotificationTerminalFrame {
				return
			}
			var frame TerminalFrame
			if json.Unmarshal(params, &frame) != nil || frame.Direction != "out" {
				return
			}
			summary := summariseFrame(frame.Text)
			mu.Lock()
			frames = append(frames, summary)
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	calls := map[string]*pendingVectorCall{}
	start := func(step vectorStep) *pendingVectorCall {
		ctx, cancel := context.WithCancel(testContext(t))
		call := &pendingVectorCall{cancel: cancel, started: make(chan struct{}), done: make(chan struct{})}
		var once sync.Once
		sent := make(chan struct{})
		params := step.Params
		if len(params) == 0 {
			params = json.RawMessage(`{}`)
		}
		go func() {
			defer close(call.done)
			call.result, call.err = terminal.Call(ctx, step.Call, params,
				WithProgress(func(p FlowProgress) {
					if p.Type == FlowProgressTypeStarted {
						once.Do(func() { close(call.started) })
					}
				}),
				func(config *callConfig) { config.sent = func() { close(sent) } })
		}()
		// The next step starts once this request is on the wire, as the format says.
		select {
		case <-sent:
		case <-call.done:
		}
		return call
	}
	for i, raw := range c.Steps {
		var step vectorStep
		if err := strictUnmarshal(raw, &step); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		where := fmt.Sprintf("step %d %s", i, strings.TrimSpace(string(raw)))
		switch {
		case step.Call != "" && step.Wait != nil && !*step.Wait:
			calls[step.As] = start(step)
		case step.Call != "":
			call := start(step)
			<-call.done
			call.cancel()
			checkVector(t, where, step.Expect, call.result, call.err)
		case step.WaitFor == "started":
			call := mustCall(t, calls, step.Of, where)
			select {
			case <-call.started:
			case <-call.done:
				t.Fatalf("%s: the call ended before it started: %v", where, call.err)
			}
		case step.Cancel != "":
			mustCall(t, calls, step.Cancel, where).cancel()
		case step.Await != "":
			call := mustCall(t, calls, step.Await, where)
			<-call.done
			checkVector(t, where, step.Expect, call.result, call.err)
		default:
			t.Fatalf("%s: a step this runner does not know", where)
		}
	}
	if err := terminal.Close(testContext(t)); err != nil {
		t.Errorf("Close: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if c.Frames != nil && !contains(c.Frames, frames) {
		got, _ := json.Marshal(frames)
		want, _ := json.Marshal(c.Frames)
		t.Errorf("frames: got %s, want %s", got, want)
	}
}

func mustCall(t *testing.T, calls map[string]*pendingVectorCall, name, where string) *pendingVectorCall {
	call, ok := calls[name]
	if !ok {
		t.Fatalf("%s: no call named %q", where, name)
	}
	return call
}

// summariseFrame is { message: the frame's one top-level key, resource: that member's resource }.
func summariseFrame(text string) any {
	var frame map[string]json.RawMessage
	if json.Unmarshal([]byte(text), &frame) != nil || len(frame) != 1 {
		return map[string]any{"message": "unreadable", "text": text}
	}
	for key, member := range frame {
		summary := map[string]any{"message": key}
		var body struct {
			Resource any `json:"resource"`
		}
		if json.Unmarshal(member, &body) == nil && body.Resource != nil {
			summary["resource"] = body.Resource
		}
		return summary
	}
	return nil
}

func checkVector(t *testing.T, where string, rawExpect json.RawMessage, result json.RawMessage, callErr error) {
	t.Helper()
	var expect vectorExpect
	if len(rawExpect) > 0 {
		if err := strictUnmarshal(rawExpect, &expect); err != nil {
			t.Fatalf("%s: expect: %v", where, err)
		}
	}
	if expect.Error != nil {
		var rpc *RPCError
		if !errors.As(callErr, &rpc) {
			t.Errorf("%s: want an error, got %s (%v)", where, result, callErr)
			return
		}
		e := expect.Error
		switch {
		case e.Code != nil && rpc.Code != *e.Code,
			e.DataCode != nil && rpc.Data.Code != *e.DataCode,
			e.Path != nil && rpc.Data.Path != *e.Path,
			e.OutcomeUnknown != nil && rpc.OutcomeUnknown() != *e.OutcomeUnknown:
			t.Errorf("%s: got %v", where, callErr)
		}
		return
	}
	if callErr != nil {
		t.Errorf("%s: %v", where, callErr)
		return
	}
	var decoded any
	if err := json.Unmarshal(result, &decoded); err != nil {
		t.Errorf("%s: result %s: %v", where, result, err)
		return
	}
	object, _ := decoded.(map[string]any)
	if expect.Outcome != nil && (object == nil || object["kind"] != *expect.Outcome) {
		t.Errorf("%s: kind %v, want %s", where, object["kind"], *expect.Outcome)
	}
	if expect.Replayed != nil {
		replayed, _ := object["replayed"].(bool)
		if replayed != *expect.Replayed {
			t.Errorf("%s: replayed %v", where, object["replayed"])
		}
	}
	if expect.Result != nil && !contains(expect.Result, decoded) {
		t.Errorf("%s: result %s does not contain the expected value", where, result)
	}
}

// contains is the format's rule: an object has the listed keys with contained values, an array has the
// same length and contains each element in order, anything else is equal.
func contains(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for key, value := range w {
			member, present := g[key]
			if !present || !contains(value, member) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !contains(w[i], g[i]) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(want, got)
	}
}
