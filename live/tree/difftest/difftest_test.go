package difftest

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/live/tree"
)

var (
	flagSeed  = flag.Int64("difftest.seed", 1, "first seed of the random sequences (sequence i uses seed+i)")
	flagSeqs  = flag.Int("difftest.seqs", 40, "sequences of the main scenario (others in proportion)")
	flagSteps = flag.Int("difftest.steps", 15, "steps per sequence")
	flagOnly  = flag.String("difftest.only", "", "run only this sequence, scenario:seed (as printed on failure)")
)

// rendered is one step of a sequence: the recorded tree and templ's HTML.
type rendered struct {
	op, data, html string
	node           *tree.Node
}

type sequence struct {
	scenario string
	seed     int64
	states   []rendered
}

func (s *sequence) id() string { return fmt.Sprintf("%s:%d", s.scenario, s.seed) }

// generate renders one sequence. Each state is rendered before the next
// change (the data is mutated in place).
func generate(t *testing.T, sc scenario, seed int64, steps int) *sequence {
	t.Helper()
	h := fnv.New64a()
	h.Write([]byte(sc.name))
	r := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
	next := sc.start(r)
	seq := &sequence{scenario: sc.name, seed: seed}
	for i := 0; i <= steps; i++ {
		st := next(i)
		html, err := plainHTML(st.comp)
		if err != nil {
			t.Fatalf("%s step %d: templ render: %v", seq.id(), i, err)
		}
		n, err := tree.Render(context.Background(), st.comp)
		if err != nil {
			t.Fatalf("%s step %d: recorded render: %v", seq.id(), i, err)
		}
		if got := n.HTML(); got != html {
			t.Fatalf("%s step %d: the tree's HTML is not templ's (recorder bug)\n%s", seq.id(), i, firstDiff(html, got))
		}
		seq.states = append(seq.states, rendered{op: st.op, data: st.data, html: html, node: n})
	}
	return seq
}

// encode turns a sequence into what the server would send: the join's
// rendered, then a diff (or nothing) per step.
func (s *sequence) encode(enc tree.Encoding, line string) replaySeq {
	rs := replaySeq{
		Name: s.id() + "/" + encName(enc),
		Line: line,
		Join: enc.FullRoot(s.states[0].node),
		HTML: s.states[0].html,
	}
	for i := 1; i < len(s.states); i++ {
		rs.Steps = append(rs.Steps, replayStep{Diff: enc.DiffRoot(s.states[i-1].node, s.states[i].node), HTML: s.states[i].html})
	}
	return rs
}

// TestClientMergesDiffsToTemplHTML is the differential test: seeded random
// data changes on real components, encoded for each client line, merged by
// that line's own rendered.js, must give templ's HTML at every step.
func TestClientMergesDiffsToTemplHTML(t *testing.T) {
	node, script := nodeEnv(t)
	start := time.Now()
	seqs, steps := *flagSeqs, *flagSteps
	if testing.Short() {
		seqs = max(1, seqs/4)
	}
	var all []*sequence
	for _, sc := range scenarios {
		n := max(1, seqs*sc.share/40)
		for i := range n {
			seed := *flagSeed + int64(i)
			if *flagOnly != "" && *flagOnly != fmt.Sprintf("%s:%d", sc.name, seed) {
				continue
			}
			all = append(all, generate(t, sc, seed, steps))
		}
	}
	if len(all) == 0 {
		t.Fatalf("no sequence matches -difftest.only=%q", *flagOnly)
	}
	byName := map[string]*sequence{}
	byLine := map[string][]replaySeq{}
	diffs, bytesOut := map[string]int{}, map[string]int{}
	counted := map[tree.Encoding]bool{}
	for _, line := range lineOrder {
		for _, enc := range encodingsFor[line] {
			count := !counted[enc] // each encoding's sizes once
			counted[enc] = true
			for _, s := range all {
				rs := s.encode(enc, line)
				byName[rs.Name] = s
				byLine[line] = append(byLine[line], rs)
				if count {
					for _, st := range rs.Steps {
						if st.Diff != nil {
							diffs[encName(enc)]++
							bytesOut[encName(enc)] += len(st.Diff)
						}
					}
				}
			}
		}
	}
	gen := time.Since(start)
	results := runLines(t, node, script, byLine, 3)
	t.Logf("%d sequences × %d steps (seeds from %d), generated in %v, replayed in %v", len(all), steps, *flagSeed, gen.Round(time.Millisecond), (time.Since(start) - gen).Round(time.Millisecond))
	for _, e := range []tree.Encoding{tree.Neutral, tree.DList, tree.Keyed} {
		if n := diffs[encName(e)]; n > 0 {
			t.Logf("encoding %-7s: %d diffs, %d bytes (mean %d)", encName(e), n, bytesOut[encName(e)], bytesOut[encName(e)]/n)
		}
	}
	for _, line := range lineOrder {
		res := results[line]
		st := res.Lines[line]
		t.Logf("client %s (%s %s): %d sequences, %d steps, %d diffs merged, %d failures", line, clientPackages[line], st.Version, st.Sequences, st.Steps, st.Diffs, len(res.Failures))
		if st.Sequences != len(byLine[line]) && len(res.Failures) == 0 {
			t.Errorf("client %s: replayed %d of %d sequences", line, st.Sequences, len(byLine[line]))
		}
		for i, f := range res.Failures {
			reportFailure(t, node, script, f, byName, i == 0)
		}
	}
}

// reportFailure prints a mismatch, with the data before and after the step
// and, when it reproduces from a fresh join of the previous data, that
// two-state repro.
func reportFailure(t *testing.T, node, script string, f replayFailure, byName map[string]*sequence, full bool) {
	t.Helper()
	s := byName[f.Name]
	var b strings.Builder
	encPart := f.Name[strings.LastIndex(f.Name, "/")+1:]
	fmt.Fprintf(&b, "MISMATCH client %s, encoding %s, sequence %s, ", f.Line, encPart, s.id())
	if f.Step < 0 {
		fmt.Fprintf(&b, "at the join\n")
	} else {
		fmt.Fprintf(&b, "step %d of %d (op: %s)\n", f.Step+1, len(s.states)-1, s.states[f.Step+1].op)
	}
	fmt.Fprintf(&b, "rerun: go test ./live/tree/difftest -run TestClientMergesDiffsToTemplHTML -difftest.only=%s -difftest.steps=%d\n", s.id(), len(s.states)-1)
	if f.Error != "" {
		fmt.Fprintf(&b, "client error: %s\n", f.Error)
	}
	fmt.Fprintf(&b, "diff: %s\n", deref(f.Diff))
	if f.Got != nil {
		b.WriteString(firstDiff(f.Want, *f.Got) + "\n")
	}
	if f.Step >= 0 {
		fmt.Fprintf(&b, "data before: %s\ndata after:  %s\n", s.states[f.Step].data, s.states[f.Step+1].data)
	}
	if full {
		fmt.Fprintf(&b, "want HTML: %q\n", f.Want)
		fmt.Fprintf(&b, "got HTML:  %q\n", deref(f.Got))
		if f.Prev != nil {
			fmt.Fprintf(&b, "HTML before the step (client): %q\n", *f.Prev)
		}
	}
	if f.Step >= 0 {
		var enc tree.Encoding
		for _, e := range []tree.Encoding{tree.Neutral, tree.DList, tree.Keyed} {
			if encName(e) == encPart {
				enc = e
			}
		}
		prev, cur := s.states[f.Step], s.states[f.Step+1]
		pair := replaySeq{
			Name:  "repro",
			Line:  f.Line,
			Join:  enc.FullRoot(prev.node),
			HTML:  prev.html,
			Steps: []replayStep{{Diff: enc.DiffRoot(prev.node, cur.node), HTML: cur.html}},
		}
		res := runLines(t, node, script, map[string][]replaySeq{f.Line: {pair}}, 1)[f.Line]
		if len(res.Failures) > 0 {
			fmt.Fprintf(&b, "two-state repro (fresh join of the data before, then the diff) also fails:\n  join: %s\n  diff: %s\n", pair.Join, pair.Steps[0].Diff)
		} else {
			b.WriteString("two-state repro passes: the failure depends on the client state built by the earlier diffs of the sequence\n")
		}
	}
	t.Error(b.String())
}
