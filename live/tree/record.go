// Package tree turns a render of plain templ components into the rendered
// tree the LiveView clients understand (statics, dynamics, nested nodes and
// keyed lists) and computes diffs between two trees, encoded for each client
// line.
//
// How templ output becomes a tree, without annotations: cmd/templlive
// post-processes the code `templ generate` writes. It changes no output: it
// routes every literal write through [Recorder.WriteString] and brackets
// every if/switch statement and component call that writes with
// Open/Close, and every for loop that writes with ListOpen/Row/ListClose.
// With no Recorder in the context those calls are plain templ writes. With
// one, the Recorder sees which bytes are literal markup (statics) and which
// were produced by expressions (dynamics), and where the nested structure
// is. Everything the generator does not bracket is just dynamic text, which
// is always correct because it is exactly what templ wrote. The HTML of the
// tree is therefore byte-for-byte templ's own output.
package tree

import (
	"context"
	"io"
	"sync"

	"github.com/a-h/templ"
	templruntime "github.com/a-h/templ/runtime"
)

type ctxKey struct{}

// WithRecorder returns a context under which generated components record
// into r.
func WithRecorder(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// From returns the Recorder of ctx, or nil. Generated code calls it once per
// component; every Recorder method is a plain write on a nil Recorder.
func From(ctx context.Context) *Recorder {
	r, _ := ctx.Value(ctxKey{}).(*Recorder)
	return r
}

type evKind uint8

const (
	evStatic evKind = iota
	evOpen
	evClose
	evListOpen
	evRow
	evListClose
	evCID
	evStream
	evDyn
)

type event struct {
	kind evKind
	pos  int    // offset in buf
	n    int    // cid, or stream index
	s    string // the static
}

// Recorder is the io.Writer a live render writes into. It keeps the
// dynamic bytes, and events that place the statics between them and say
// where nodes begin and end.
type Recorder struct {
	buf     []byte
	evs     []event
	streams []*Stream
	ss      []string // Build's scratch stacks
	ds      []Dyn
}

// Write appends dynamic (or flushed) bytes.
func (r *Recorder) Write(p []byte) (int, error) {
	r.buf = append(r.buf, p...)
	return len(p), nil
}

// mine reports whether w writes into r (through templ's buffer) and flushes
// that buffer, so positions in r.buf are current. Output that goes to some
// other writer (a component rendering into its own buffer) is left alone.
func (r *Recorder) mine(w io.Writer) bool {
	if r == nil {
		return false
	}
	b, ok := w.(*templruntime.Buffer)
	if !ok || b.Underlying != io.Writer(r) {
		return w == io.Writer(r)
	}
	_ = b.Flush()
	return true
}

// WriteString writes a literal from the template: a static.
func (r *Recorder) WriteString(w io.Writer, index int, s string) error {
	if !r.mine(w) {
		return templruntime.WriteString(w, index, s)
	}
	// Statics are kept as the literal strings, not copied into buf.
	r.evs = append(r.evs, event{kind: evStatic, pos: len(r.buf), s: s})
	return nil
}

func (r *Recorder) mark(w io.Writer, k evKind) {
	if r.mine(w) {
		r.evs = append(r.evs, event{kind: k, pos: len(r.buf)})
	}
}

// Dyn marks the start of an expression's output: it is one dynamic slot,
// even if it writes nothing.
func (r *Recorder) Dyn(w io.Writer) { r.mark(w, evDyn) }

// Open starts a nested node (an if or switch statement, or a component).
func (r *Recorder) Open(w io.Writer) { r.mark(w, evOpen) }

// Close ends the node Open started.
func (r *Recorder) Close(w io.Writer) { r.mark(w, evClose) }

// ListOpen starts a comprehension (a for loop).
func (r *Recorder) ListOpen(w io.Writer) { r.mark(w, evListOpen) }

// Row starts the next row of the current comprehension, ending the previous
// one (so a `continue` in the loop body needs no matching call).
func (r *Recorder) Row(w io.Writer) { r.mark(w, evRow) }

// ListClose ends the comprehension.
func (r *Recorder) ListClose(w io.Writer) { r.mark(w, evListClose) }

// Component records a live component's cid as a dynamic of the current
// node; the component's own tree travels separately (the "c" map).
func (r *Recorder) Component(w io.Writer, cid int) {
	if r.mine(w) {
		r.evs = append(r.evs, event{kind: evCID, pos: len(r.buf), n: cid})
	}
}

// MarkStream makes the comprehension being opened a stream with meta. It
// is called from the loop's range expression (Stream.Items(ctx)), right
// after ListOpen.
func (r *Recorder) MarkStream(meta *Stream) {
	if r == nil {
		return
	}
	r.streams = append(r.streams, meta)
	r.evs = append(r.evs, event{kind: evStream, pos: len(r.buf), n: len(r.streams) - 1})
}

// recorders are reused: a built tree keeps nothing of its recorder.
var recorders = sync.Pool{New: func() any { return &Recorder{buf: make([]byte, 0, 1024), evs: make([]event, 0, 128)} }}

// Render renders c with recording and returns its tree.
func Render(ctx context.Context, c templ.Component) (*Node, error) {
	r := recorders.Get().(*Recorder)
	defer func() {
		if cap(r.buf) <= 64<<10 && cap(r.evs) <= 8192 {
			r.buf, r.evs, r.streams = r.buf[:0], r.evs[:0], nil
			recorders.Put(r)
		}
	}()
	if err := c.Render(WithRecorder(ctx, r), r); err != nil {
		return nil, err
	}
	return r.Build(), nil
}
