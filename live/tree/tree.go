package tree

import (
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Node is a rendered node: len(Statics) == len(Dyns)+1 and its HTML is
// Statics[0] + Dyns[0] + Statics[1] + … . Two nodes with the same
// fingerprint have the same statics, so a diff between them needs only the
// changed dynamics.
type Node struct {
	kind    refKind // first: see Dyn
	Statics []string
	FP      uint64
	Dyns    []Dyn
}

// Dyn is one dynamic slot: text (already escaped HTML), a nested node, a
// list, or a live component (by cid). It is 24 bytes, a third less than
// separate fields would take, because a view keeps its last tree and a
// page has hundreds of slots: ref points at a Node, a List or a cidRef,
// each of which starts with its refKind.
type Dyn struct {
	Text string
	ref  unsafe.Pointer
}

type refKind uint8

const (
	refNode refKind = iota + 1
	refList
	refCID
)

type cidRef struct {
	kind refKind // first: see Dyn
	cid  int
}

func (d Dyn) kind() refKind {
	if d.ref == nil {
		return 0
	}
	return *(*refKind)(d.ref)
}

// TextDyn is a text slot.
func TextDyn(s string) Dyn { return Dyn{Text: s} }

// NodeDyn is a nested node slot.
func NodeDyn(n *Node) Dyn { n.kind = refNode; return Dyn{ref: unsafe.Pointer(n)} }

// ListDyn is a comprehension slot.
func ListDyn(l *List) Dyn { l.kind = refList; return Dyn{ref: unsafe.Pointer(l)} }

// CIDDyn is a live component slot.
func CIDDyn(cid int) Dyn { return Dyn{ref: unsafe.Pointer(&cidRef{kind: refCID, cid: cid})} }

// Node returns the nested node, or nil.
func (d Dyn) Node() *Node {
	if d.kind() == refNode {
		return (*Node)(d.ref)
	}
	return nil
}

// List returns the comprehension, or nil.
func (d Dyn) List() *List {
	if d.kind() == refList {
		return (*List)(d.ref)
	}
	return nil
}

// CID returns the live component id, or 0.
func (d Dyn) CID() int {
	if d.kind() == refCID {
		return (*cidRef)(d.ref).cid
	}
	return 0
}

// IsText reports whether the slot is text.
func (d Dyn) IsText() bool { return d.ref == nil }

// List is a comprehension. When every row has the same statics (the normal
// case: one loop body) Statics holds them and rows are encoded compactly;
// otherwise Statics is nil and each row is sent as a node of its own.
type List struct {
	kind    refKind // first: see Dyn
	Statics []string
	FP      uint64
	Rows    []*Node
	Keys    []string // a key per row (its root element's id); nil: rows are keyed by position
	// Stream, when set, makes this comprehension a stream: Rows are only
	// the items inserted since the last render (the server keeps no copy).
	Stream *Stream
}

// Stream is the metadata of a stream comprehension (PROTOCOL.md §6.3).
type Stream struct {
	Ref     string
	Inserts []StreamInsert // one per row, in row order
	Deletes []string       // dom ids
	Reset   bool
}

// StreamInsert says where the client puts one inserted row.
type StreamInsert struct {
	DOMID      string
	At         int  // -1 append, 0 prepend, n index
	Limit      *int // keep at most this many children (negative: from the end)
	UpdateOnly bool // only update an existing element (1.1+)
}

// Empty reports whether the stream has nothing to tell the client.
func (s *Stream) Empty() bool { return len(s.Inserts) == 0 && len(s.Deletes) == 0 && !s.Reset }

// Build turns the recorded events into a tree.
func (r *Recorder) Build() *Node {
	// r.buf holds only dynamic bytes (statics are recorded as strings), so
	// one copy of it backs every dynamic text of the tree.
	arena := string(r.buf)
	// The scratch stacks are the recorder's, reused across renders.
	b := &builder{ss: r.ss[:0], ds: r.ds[:0]}
	defer func() { r.ss, r.ds = b.ss[:0], b.ds[:0] }()
	root := b.open()
	b.stack = append(b.stack, frame{node: root})
	pos := 0
	slot := false // an expression's slot is open at pos
	for _, ev := range r.evs {
		if ev.pos > pos || slot {
			b.addDyn(b.top(), TextDyn(arena[pos:ev.pos]))
		}
		pos = ev.pos
		slot = false
		switch ev.kind {
		case evDyn:
			slot = true
		case evStatic:
			b.top().addStatic(ev.s)
		case evOpen:
			b.stack = append(b.stack, frame{node: b.open()})
		case evClose:
			b.closeTo(false)
		case evListOpen:
			b.stack = append(b.stack, frame{list: &listPartial{}})
		case evRow:
			b.row()
		case evListClose:
			b.closeTo(true)
		case evCID:
			b.addDyn(b.top(), CIDDyn(ev.n))
		case evStream:
			if f := &b.stack[len(b.stack)-1]; f.list != nil && f.list.row == nil && len(f.list.rows) == 0 {
				f.list.stream = r.streams[ev.n]
			}
		}
	}
	if pos < len(arena) || slot {
		b.addDyn(b.top(), TextDyn(arena[pos:]))
	}
	for len(b.stack) > 1 {
		b.pop()
	}
	return b.finish(root)
}

// partial is a node being built. Its statics and dynamics live on the
// builder's scratch stacks from s0 and d0 on (open nodes nest, so each one's
// items are contiguous once its children are finished); finish copies them
// out at their exact size, because a view keeps its last tree.
type partial struct {
	s0, d0 int
	cur    string // the static after the last dynamic
}

func (p *partial) addStatic(s string) {
	// templ writes adjacent literals as one string, so concatenation is
	// rare.
	if p.cur == "" {
		p.cur = s
	} else {
		p.cur += s
	}
}

type listPartial struct {
	rows   []*Node
	row    *partial
	stream *Stream
}

type frame struct {
	node *partial
	list *listPartial
}

type builder struct {
	stack []frame
	ss    []string
	ds    []Dyn
}

func (b *builder) open() *partial { return &partial{s0: len(b.ss), d0: len(b.ds)} }

func (b *builder) addDyn(p *partial, d Dyn) {
	b.ss = append(b.ss, p.cur)
	p.cur = ""
	b.ds = append(b.ds, d)
}

func (b *builder) finish(p *partial) *Node {
	n := &Node{}
	n.Statics, n.FP = intern(b.ss[p.s0:], p.cur)
	if k := len(b.ds) - p.d0; k > 0 {
		n.Dyns = make([]Dyn, k)
		copy(n.Dyns, b.ds[p.d0:])
	}
	clear(b.ds[p.d0:])
	b.ss, b.ds = b.ss[:p.s0], b.ds[:p.d0]
	return n
}

// top is the node that receives content: the current node, or the open row
// of the current list (opening one if a list has content before any Row).
func (b *builder) top() *partial {
	f := &b.stack[len(b.stack)-1]
	if f.list != nil {
		if f.list.row == nil {
			f.list.row = b.open()
		}
		return f.list.row
	}
	return f.node
}

func (b *builder) row() {
	f := &b.stack[len(b.stack)-1]
	if f.list == nil {
		return // a Row outside a list: ignore, content stays correct
	}
	if f.list.row != nil {
		f.list.rows = append(f.list.rows, b.finish(f.list.row))
	}
	f.list.row = b.open()
}

// closeTo pops frames until one of the wanted kind is closed. Unbalanced
// marks (which the generator never emits) degrade to coarser nodes, never
// to wrong HTML.
func (b *builder) closeTo(list bool) {
	for len(b.stack) > 1 {
		isList := b.stack[len(b.stack)-1].list != nil
		b.pop()
		if isList == list {
			return
		}
	}
}

func (b *builder) pop() {
	f := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	if f.node != nil {
		n := b.finish(f.node)
		b.addDyn(b.top(), NodeDyn(n))
		return
	}
	l := f.list
	if l.row != nil {
		l.rows = append(l.rows, b.finish(l.row))
	}
	nl := newList(l.rows)
	nl.Stream = l.stream
	b.addDyn(b.top(), ListDyn(nl))
}

// Statics come from template literals, so there are only as many distinct
// arrays as there are template shapes: every tree of every view shares one
// copy of each, found by fingerprint.
var (
	interned     sync.Map // uint64 -> []string
	internedSize atomic.Int64
)

const maxInterned = 1 << 16

// intern returns the statics (pre + last) as a shared slice, and their
// fingerprint.
func intern(pre []string, last string) ([]string, uint64) {
	h := uint64(fnvOffset)
	for _, s := range pre {
		h = fpAdd(h, s)
	}
	h = fpAdd(h, last)
	if v, ok := interned.Load(h); ok {
		st := v.([]string)
		if len(st) == len(pre)+1 && st[len(pre)] == last && equalStrings(st[:len(pre)], pre) {
			return st, h
		}
	}
	st := make([]string, len(pre)+1)
	copy(st, pre)
	st[len(pre)] = last
	if internedSize.Load() < maxInterned {
		if _, loaded := interned.LoadOrStore(h, st); !loaded {
			internedSize.Add(1)
		}
	}
	return st, h
}

func equalStrings(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func newList(rows []*Node) *List {
	l := &List{Rows: rows}
	same := len(rows) > 0
	for i, r := range rows {
		if i > 0 && r.FP != rows[0].FP {
			same = false
		}
	}
	if same {
		l.Statics = rows[0].Statics
		l.FP = rows[0].FP
	} else {
		// Heterogeneous or empty lists are sent as plain nodes; their shape
		// depends on the row count.
		h := fnv.New64a()
		h.Write([]byte("list:" + strconv.Itoa(len(rows))))
		for _, r := range rows {
			h.Write([]byte(strconv.FormatUint(r.FP, 16) + ","))
		}
		l.FP = h.Sum64()
	}
	if len(rows) == 0 {
		return l
	}
	keys := make([]string, len(rows))
	seen := make(map[string]bool, len(rows))
	for i, r := range rows {
		k := rootID(r)
		if k == "" || seen[k] {
			return l // no ids, or duplicates: rows are keyed by position
		}
		seen[k] = true
		keys[i] = k
	}
	l.Keys = keys
	return l
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// fpAdd folds one static into an FNV-1a fingerprint, preceded by its
// length so that ["ab",""] and ["a","b"] differ.
func fpAdd(h uint64, s string) uint64 {
	for n := len(s); ; n >>= 8 {
		h = (h ^ uint64(n&0xff)) * fnvPrime
		if n < 256 {
			break
		}
	}
	h = (h ^ ':') * fnvPrime
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// HTML renders the node.
func (n *Node) HTML() string {
	var sb strings.Builder
	n.writeHTML(&sb, nil)
	return sb.String()
}

// HTMLWith renders the node, resolving component cids with comp.
func (n *Node) HTMLWith(comp func(cid int) *Node) string {
	var sb strings.Builder
	n.writeHTML(&sb, comp)
	return sb.String()
}

func (n *Node) writeHTML(sb *strings.Builder, comp func(int) *Node) {
	sb.WriteString(n.Statics[0])
	for i, d := range n.Dyns {
		d.writeHTML(sb, comp)
		sb.WriteString(n.Statics[i+1])
	}
}

func (d Dyn) writeHTML(sb *strings.Builder, comp func(int) *Node) {
	switch d.kind() {
	case refNode:
		d.Node().writeHTML(sb, comp)
	case refList:
		for _, r := range d.List().Rows {
			r.writeHTML(sb, comp)
		}
	case refCID:
		if comp != nil {
			if c := comp(d.CID()); c != nil {
				c.writeHTML(sb, comp)
			}
		}
	default:
		sb.WriteString(d.Text)
	}
}

// rootID finds the id attribute of the first element of a row, the key
// that lets a reordered or filtered list send only what changed.
func rootID(n *Node) string {
	// The usual shape, <li id={ expr } …>: the key is the expression's text
	// itself (no copy).
	if len(n.Dyns) > 0 && n.Dyns[0].IsText() &&
		strings.HasSuffix(n.Statics[0], ` id="`) && strings.HasPrefix(n.Statics[1], `"`) &&
		strings.Count(n.Statics[0], "<") == 1 && !strings.Contains(n.Statics[0], ">") &&
		strings.HasPrefix(strings.TrimLeft(n.Statics[0], " \t\r\n"), "<") {
		return n.Dyns[0].Text
	}
	// The start tag almost always lies within the first few parts: stop at
	// the first part that closes it.
	if strings.Contains(n.Statics[0], ">") {
		return startTagID(n.Statics[0])
	}
	var sb strings.Builder
	sb.WriteString(n.Statics[0])
	for i := 0; i < len(n.Dyns) && sb.Len() < 4096; i++ {
		var part string
		if !n.Dyns[i].IsText() {
			var nb strings.Builder
			n.Dyns[i].writeHTML(&nb, nil)
			part = nb.String()
		} else {
			part = n.Dyns[i].Text
		}
		sb.WriteString(part)
		sb.WriteString(n.Statics[i+1])
		if strings.Contains(part, ">") || strings.Contains(n.Statics[i+1], ">") {
			break
		}
	}
	return startTagID(sb.String())
}

// startTagID returns the id attribute of the first start tag in s, skipping
// leading whitespace and comments.
func startTagID(s string) string {
	s = strings.TrimLeft(s, " \t\r\n")
	for strings.HasPrefix(s, "<!--") {
		end := strings.Index(s, "-->")
		if end < 0 {
			return ""
		}
		s = strings.TrimLeft(s[end+3:], " \t\r\n")
	}
	if len(s) < 2 || s[0] != '<' || !isLetter(s[1]) {
		return ""
	}
	i := 1
	for i < len(s) && !isSpace(s[i]) && s[i] != '>' && s[i] != '/' {
		i++
	}
	for i < len(s) {
		for i < len(s) && (isSpace(s[i]) || s[i] == '/') {
			i++
		}
		if i >= len(s) || s[i] == '>' {
			return ""
		}
		start := i
		for i < len(s) && !isSpace(s[i]) && s[i] != '=' && s[i] != '>' {
			i++
		}
		name := strings.ToLower(s[start:i])
		val := ""
		if i < len(s) && s[i] == '=' {
			i++
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				q := s[i]
				end := strings.IndexByte(s[i+1:], q)
				if end < 0 {
					return ""
				}
				val = s[i+1 : i+1+end]
				i += end + 2
			} else {
				start := i
				for i < len(s) && !isSpace(s[i]) && s[i] != '>' {
					i++
				}
				val = s[start:i]
			}
		}
		if name == "id" {
			return val
		}
	}
	return ""
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
