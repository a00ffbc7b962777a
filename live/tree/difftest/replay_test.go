package difftest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live/tree"
)

// The client lines and the npm package holding each (assets/package.json).
var clientPackages = map[string]string{
	"1.0": "phoenix_live_view_1_0",
	"1.1": "phoenix_live_view_1_1",
	"1.2": "phoenix_live_view",
}

var lineOrder = []string{"1.0", "1.1", "1.2"}

// encodingsFor are the encodings each client line understands: Neutral
// everywhere, "d" lists on 1.0, keyed lists on 1.1 and later.
var encodingsFor = map[string][]tree.Encoding{
	"1.0": {tree.Neutral, tree.DList},
	"1.1": {tree.Neutral, tree.Keyed},
	"1.2": {tree.Neutral, tree.Keyed},
}

func encName(e tree.Encoding) string {
	switch e {
	case tree.DList:
		return "dlist"
	case tree.Keyed:
		return "keyed"
	}
	return "neutral"
}

// replayStep and replaySeq are the JSON lines rendered_replay.mjs reads.
type replayStep struct {
	Diff json.RawMessage `json:"diff"` // nil: nothing sent
	HTML string          `json:"html"`
}

type replaySeq struct {
	Name  string          `json:"name"`
	Line  string          `json:"line"`
	Join  json.RawMessage `json:"join"`
	HTML  string          `json:"html"`
	Steps []replayStep    `json:"steps"`
}

type replayFailure struct {
	Name  string  `json:"name"`
	Line  string  `json:"line"`
	Step  int     `json:"step"`
	Diff  *string `json:"diff"`
	Prev  *string `json:"prev"`
	Want  string  `json:"want"`
	Got   *string `json:"got"`
	Error string  `json:"error"`
}

type lineStats struct {
	Version   string `json:"version"`
	Sequences int    `json:"sequences"`
	Steps     int    `json:"steps"`
	Diffs     int    `json:"diffs"`
}

type replayResult struct {
	Lines    map[string]lineStats `json:"lines"`
	Failures []replayFailure      `json:"failures"`
}

// nodeEnv finds node, the replay script and the npm packages. Missing
// pieces fail the test, except under -short, where they skip it.
func nodeEnv(t *testing.T) (node, script string) {
	t.Helper()
	assets, err := filepath.Abs(filepath.Join("..", "..", "..", "assets"))
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	node, err = exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node (not in PATH)")
	}
	script = filepath.Join(assets, "e2e", "rendered_replay.mjs")
	need := []string{script, filepath.Join(assets, "node_modules", "esbuild", "package.json")}
	for _, pkg := range clientPackages {
		need = append(need, filepath.Join(assets, "node_modules", pkg, "assets", "js", "phoenix_live_view", "rendered.js"))
	}
	for _, f := range need {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		msg := "the client differential test needs node and the npm packages (cd assets && npm ci); missing:\n  " + strings.Join(missing, "\n  ")
		if testing.Short() {
			t.Skip(msg)
		}
		t.Fatal(msg)
	}
	return node, script
}

// runReplay writes seqs as JSON lines into dir and runs
// rendered_replay.mjs on them once.
func runReplay(node, script, dir string, seqs []replaySeq, maxFailures int) (replayResult, error) {
	var res replayResult
	f, err := os.CreateTemp(dir, "replay-*.jsonl")
	if err != nil {
		return res, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, s := range seqs {
		if s.Steps == nil {
			s.Steps = []replayStep{}
		}
		if err := enc.Encode(s); err != nil {
			// Encode checks every raw diff: invalid JSON is an engine bug.
			return res, fmt.Errorf("sequence %s: cannot encode (invalid JSON from the engine?): %v", s.Name, err)
		}
	}
	if err := w.Flush(); err != nil {
		return res, err
	}
	if err := f.Close(); err != nil {
		return res, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, f.Name(), "--max-failures", fmt.Sprint(maxFailures))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return res, fmt.Errorf("node %s: %v\nstderr:\n%s", filepath.Base(script), err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return res, fmt.Errorf("rendered_replay output: %v\nstdout: %.2000s\nstderr: %.2000s", err, stdout.String(), stderr.String())
	}
	return res, nil
}

// runLines runs one replay per client line, concurrently.
func runLines(t *testing.T, node, script string, byLine map[string][]replaySeq, maxFailures int) map[string]replayResult {
	t.Helper()
	dir := t.TempDir()
	out := make(map[string]replayResult)
	errs := make(map[string]error)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for line, seqs := range byLine {
		if len(seqs) == 0 {
			continue
		}
		wg.Go(func() {
			res, err := runReplay(node, script, dir, seqs, maxFailures)
			mu.Lock()
			defer mu.Unlock()
			out[line], errs[line] = res, err
		})
	}
	wg.Wait()
	for _, line := range lineOrder {
		if errs[line] != nil {
			t.Fatalf("client %s: %v", line, errs[line])
		}
	}
	return out
}

// plainHTML is templ's own render, without a recorder.
func plainHTML(c templ.Component) (string, error) {
	var b bytes.Buffer
	err := c.Render(context.Background(), &b)
	return b.String(), err
}

// firstDiff describes where two strings first differ, with context.
func firstDiff(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	lo := max(0, i-80)
	hiW, hiG := min(len(want), i+80), min(len(got), i+80)
	return fmt.Sprintf("first difference at byte %d (want %d bytes, got %d):\n  want …%q…\n  got  …%q…", i, len(want), len(got), want[lo:hiW], got[lo:hiG])
}

func deref(s *string) string {
	if s == nil {
		return "<none>"
	}
	return *s
}
