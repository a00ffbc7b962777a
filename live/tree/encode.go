package tree

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Encoding is the wire form of comprehensions, which differs by client line
// (PROTOCOL.md §6.2): 1.0 understands only "d" lists, 1.1 and later only
// keyed "k" lists. Neutral avoids both and works on every line.
type Encoding int

const (
	// Neutral encodes lists as plain nodes (statics of len+1 empty strings).
	Neutral Encoding = iota
	// DList is the LiveView 1.0 form: {"s":…,"d":[[…],…]}, all rows resent.
	DList
	// Keyed is the LiveView 1.1+ form: {"s":…,"k":{…,"kc":n,"km":true}},
	// only changed or new rows sent, moves by index.
	Keyed
)

// EncodingFor picks the encoding for a phoenix_live_view client version;
// an unknown or missing version gets Neutral.
func EncodingFor(version string) Encoding {
	major, rest, ok := strings.Cut(version, ".")
	if !ok || major != "1" {
		return Neutral
	}
	minor, _, _ := strings.Cut(rest, ".")
	m, err := strconv.Atoi(minor)
	switch {
	case err != nil:
		return Neutral
	case m == 0:
		return DList
	default:
		return Keyed
	}
}

func (e Encoding) String() string {
	switch e {
	case DList:
		return "1.0 (d lists)"
	case Keyed:
		return "1.1+ (keyed lists)"
	}
	return "neutral"
}

// Full returns the complete rendered form of n, statics included.
func (e Encoding) Full(n *Node) []byte {
	w := writer{enc: e, b: make([]byte, 0, 256)}
	w.fullNode(n)
	return w.b
}

// Diff returns the diff that turns old into new, or nil if nothing changed.
// A nil old (or a changed root fingerprint) yields the full render.
func (e Encoding) Diff(old, new *Node) []byte {
	w := writer{enc: e, b: make([]byte, 0, 64)}
	if old == nil || old.FP != new.FP {
		w.fullNode(new)
		return w.b
	}
	if !w.diffNode(old, new) {
		return nil
	}
	return w.b
}

// FullRoot is Full for a view's root render. On the keyed (1.1+) line it
// shares statics through a top-level "p" map: every full node refers to its
// template by index, so a diff that adds many rows of the same shape (a
// page of new cards) carries each template once. Components use Full.
func (e Encoding) FullRoot(n *Node) []byte {
	w := writer{enc: e, b: make([]byte, 0, 256)}
	w.share()
	w.fullNode(n)
	return w.withTemplates()
}

// DiffRoot is Diff for a view's root render, sharing templates like
// FullRoot.
func (e Encoding) DiffRoot(old, new *Node) []byte {
	w := writer{enc: e, b: make([]byte, 0, 64)}
	w.share()
	if old == nil || old.FP != new.FP {
		w.fullNode(new)
		return w.withTemplates()
	}
	if !w.diffNode(old, new) {
		return nil
	}
	return w.withTemplates()
}

// templates collects the statics a root diff refers to by index.
type templates struct {
	index map[uint64]int
	list  [][]string
}

// share turns on template sharing where the client line supports "p" on
// any node (1.1+).
func (w *writer) share() {
	if w.enc == Keyed {
		w.tpl = &templates{index: map[uint64]int{}}
	}
}

func (w *writer) withTemplates() []byte {
	if w.tpl == nil || len(w.tpl.list) == 0 {
		return w.b
	}
	p := make([]byte, 0, 256)
	p = append(p, '{')
	for i, st := range w.tpl.list {
		if i > 0 {
			p = append(p, ',')
		}
		p = append(p, '"')
		p = strconv.AppendInt(p, int64(i), 10)
		p = append(p, '"', ':')
		sw := writer{b: p}
		sw.statics(st)
		p = sw.b
	}
	p = append(p, '}')
	return AppendMember(w.b, "p", p)
}

// staticsRef writes a node's statics: inline, or as an index into the
// shared templates.
func (w *writer) staticsRef(st []string, fp uint64) {
	if w.tpl == nil {
		w.statics(st)
		return
	}
	i, ok := w.tpl.index[fp]
	if !ok {
		i = len(w.tpl.list)
		w.tpl.index[fp] = i
		w.tpl.list = append(w.tpl.list, st)
	}
	w.b = strconv.AppendInt(w.b, int64(i), 10)
}

// AppendMember adds "key":value to the JSON object obj (which must end in
// '}'), for the extra top-level keys of a diff (title, events, reply).
func AppendMember(obj []byte, key string, value []byte) []byte {
	if len(obj) == 0 {
		obj = []byte("{}")
	}
	obj = obj[:len(obj)-1]
	if len(obj) > 1 {
		obj = append(obj, ',')
	}
	obj = AppendString(obj, key)
	obj = append(obj, ':')
	obj = append(obj, value...)
	return append(obj, '}')
}

type writer struct {
	enc Encoding
	b   []byte
	tpl *templates // shared statics of a root diff (1.1+), or nil
}

// obj tracks commas while writing one JSON object.
type obj struct {
	w     *writer
	n     int
	start int
}

func (w *writer) open() obj {
	start := len(w.b)
	w.b = append(w.b, '{')
	return obj{w: w, start: start}
}

// key writes a member key and reports where the member began, so the caller
// can take it back with drop.
func (o *obj) key(k string) int {
	mark := len(o.w.b)
	if o.n > 0 {
		o.w.b = append(o.w.b, ',')
	}
	o.w.b = append(o.w.b, '"')
	o.w.b = append(o.w.b, k...)
	o.w.b = append(o.w.b, '"', ':')
	o.n++
	return mark
}

func (o *obj) drop(mark int) {
	o.w.b = o.w.b[:mark]
	o.n--
}

func (o *obj) close() { o.w.b = append(o.w.b, '}') }

// abandon removes the whole object if it has no members; it reports whether
// anything was written.
func (o *obj) closeOrAbandon() bool {
	if o.n == 0 {
		o.w.b = o.w.b[:o.start]
		return false
	}
	o.close()
	return true
}

func (w *writer) statics(s []string) {
	w.b = append(w.b, '[')
	for i, st := range s {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = AppendString(w.b, st)
	}
	w.b = append(w.b, ']')
}

func (w *writer) fullNode(n *Node) {
	o := w.open()
	for i, d := range n.Dyns {
		o.key(strconv.Itoa(i))
		w.fullDyn(d)
	}
	o.key("s")
	w.staticsRef(n.Statics, n.FP)
	o.close()
}

func (w *writer) fullDyn(d Dyn) {
	switch d.kind() {
	case refNode:
		w.fullNode(d.Node())
	case refList:
		w.fullList(d.List())
	case refCID:
		w.b = strconv.AppendInt(w.b, int64(d.CID()), 10)
	default:
		w.b = AppendString(w.b, d.Text)
	}
}

func (w *writer) neutral(l *List) bool { return w.enc == Neutral || l.Statics == nil }

func (w *writer) fullList(l *List) {
	if l.Stream != nil {
		w.streamList(l, true)
		return
	}
	if w.neutral(l) {
		o := w.open()
		for i, r := range l.Rows {
			o.key(strconv.Itoa(i))
			w.fullNode(r)
		}
		o.key("s")
		w.b = append(w.b, '[')
		for i := 0; i <= len(l.Rows); i++ {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.b = append(w.b, '"', '"')
		}
		w.b = append(w.b, ']')
		o.close()
		return
	}
	o := w.open()
	o.key("s")
	w.staticsRef(l.Statics, l.FP)
	w.allRows(&o, l)
	o.close()
}

// streamList writes a stream comprehension: only the inserted rows (always
// whole: the client drops stream rows after patching) and the "stream"
// instructions. Streams need a list format, so Neutral uses the keyed one.
func (w *writer) streamList(l *List, withStatics bool) {
	o := w.open()
	if withStatics {
		o.key("s")
		if l.Statics != nil {
			w.staticsRef(l.Statics, l.FP)
		} else {
			w.b = append(w.b, `[""]`...)
		}
	}
	w.allRows(&o, l)
	o.key("stream")
	st := l.Stream
	w.b = append(w.b, '[')
	w.b = AppendString(w.b, st.Ref)
	w.b = append(w.b, ",["...)
	for i, in := range st.Inserts {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, '[')
		w.b = AppendString(w.b, in.DOMID)
		w.b = append(w.b, ',')
		w.b = strconv.AppendInt(w.b, int64(in.At), 10)
		w.b = append(w.b, ',')
		if in.Limit != nil {
			w.b = strconv.AppendInt(w.b, int64(*in.Limit), 10)
		} else {
			w.b = append(w.b, "null"...)
		}
		if w.enc != DList {
			// The fourth element (update_only) arrived in 1.1.
			w.b = append(w.b, ',')
			w.b = strconv.AppendBool(w.b, in.UpdateOnly)
		}
		w.b = append(w.b, ']')
	}
	w.b = append(w.b, "],["...)
	for i, id := range st.Deletes {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = AppendString(w.b, id)
	}
	w.b = append(w.b, ']')
	if st.Reset {
		w.b = append(w.b, ",true"...)
	}
	w.b = append(w.b, ']')
	o.close()
}

// allRows writes every row of l whole, as "d" (1.0) or "k" (1.1+) member
// of the comprehension object o.
func (w *writer) allRows(o *obj, l *List) {
	if w.enc == DList {
		o.key("d")
		w.dRows(l)
		return
	}
	o.key("k")
	k := w.open()
	for i, r := range l.Rows {
		k.key(strconv.Itoa(i))
		w.fullRow(r)
	}
	k.key("kc")
	w.b = strconv.AppendInt(w.b, int64(len(l.Rows)), 10)
	k.close()
}

func (w *writer) dRows(l *List) {
	w.b = append(w.b, '[')
	for i, r := range l.Rows {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, '[')
		for j, d := range r.Dyns {
			if j > 0 {
				w.b = append(w.b, ',')
			}
			w.fullDyn(d)
		}
		w.b = append(w.b, ']')
	}
	w.b = append(w.b, ']')
}

// fullRow writes a keyed row: its dynamics by index, no statics.
func (w *writer) fullRow(r *Node) {
	o := w.open()
	for i, d := range r.Dyns {
		o.key(strconv.Itoa(i))
		w.fullDyn(d)
	}
	o.close()
}

// diffNode writes {changed dynamics} for two nodes of the same fingerprint
// and reports whether anything changed (writing nothing if not).
func (w *writer) diffNode(old, new *Node) bool {
	o := w.open()
	for i, d := range new.Dyns {
		mark := o.key(strconv.Itoa(i))
		if !w.diffDyn(old.Dyns[i], d) {
			o.drop(mark)
		}
	}
	return o.closeOrAbandon()
}

func (w *writer) diffDyn(old, new Dyn) bool {
	switch new.kind() {
	case refNode:
		if on, nn := old.Node(), new.Node(); on != nil && on.FP == nn.FP {
			return w.diffNode(on, nn)
		}
		w.fullNode(new.Node())
	case refList:
		if ol := old.List(); ol != nil {
			return w.diffList(ol, new.List())
		}
		w.fullList(new.List())
	case refCID:
		if old.CID() == new.CID() {
			return false
		}
		w.b = strconv.AppendInt(w.b, int64(new.CID()), 10)
	default:
		if old.IsText() && old.Text == new.Text {
			return false
		}
		w.b = AppendString(w.b, new.Text)
	}
	return true
}

func (w *writer) diffList(old, new *List) bool {
	if new.Stream != nil {
		if len(new.Rows) == 0 && old.Statics != nil {
			// Keep the row statics the client has, for the next insert.
			new.Statics, new.FP = old.Statics, old.FP
		}
		if new.Stream.Empty() {
			return false
		}
		w.streamList(new, old.Stream == nil || old.FP != new.FP)
		return true
	}
	if old.FP != new.FP || w.neutral(new) && len(old.Rows) != len(new.Rows) {
		w.fullList(new)
		return true
	}
	switch {
	case w.neutral(new):
		o := w.open()
		for i, r := range new.Rows {
			mark := o.key(strconv.Itoa(i))
			if !w.diffNode(old.Rows[i], r) {
				o.drop(mark)
			}
		}
		return o.closeOrAbandon()
	case w.enc == DList:
		// 1.0 replaces the whole row list on any change.
		changed := len(old.Rows) != len(new.Rows)
		for i := 0; !changed && i < len(new.Rows); i++ {
			changed = !sameDyns(old.Rows[i], new.Rows[i])
		}
		if !changed {
			return false
		}
		o := w.open()
		o.key("d")
		w.dRows(new)
		o.close()
		return true
	}
	return w.keyedDiff(old, new)
}

// keyedDiff writes {"k":{…}} for LiveView 1.1+: rows matched by key; an
// unchanged row in place is omitted, a moved one is its old index (plus a
// diff when it also changed), a new one is sent whole.
func (w *writer) keyedDiff(old, new *List) bool {
	// Rows match by id when both lists have ids, by position when neither
	// has; when one has and the other not, every row is new.
	var oldIdx map[string]int
	if old.Keys != nil && new.Keys != nil {
		oldIdx = make(map[string]int, len(old.Keys))
		for i, k := range old.Keys {
			oldIdx[k] = i
		}
	}
	match := func(i int) (int, bool) {
		switch {
		case oldIdx != nil:
			j, ok := oldIdx[new.Keys[i]]
			return j, ok
		case old.Keys == nil && new.Keys == nil:
			return i, i < len(old.Rows)
		}
		return 0, false
	}
	o := w.open()
	o.key("k")
	k := w.open()
	moved := false
	for i, r := range new.Rows {
		j, ok := match(i)
		if !ok {
			k.key(strconv.Itoa(i))
			w.fullRow(r)
			continue
		}
		if j == i {
			mark := k.key(strconv.Itoa(i))
			if !w.diffNode(old.Rows[j], r) {
				k.drop(mark)
			}
			continue
		}
		moved = true
		k.key(strconv.Itoa(i))
		at := len(w.b)
		w.b = append(w.b, '[')
		w.b = strconv.AppendInt(w.b, int64(j), 10)
		w.b = append(w.b, ',')
		if !w.diffNode(old.Rows[j], r) {
			w.b = strconv.AppendInt(w.b[:at], int64(j), 10)
		} else {
			w.b = append(w.b, ']')
		}
	}
	if k.n == 0 && len(old.Rows) == len(new.Rows) {
		w.b = w.b[:o.start]
		return false
	}
	k.key("kc")
	w.b = strconv.AppendInt(w.b, int64(len(new.Rows)), 10)
	if moved {
		// Clients from 1.2.8 snapshot old rows only when km is set.
		k.key("km")
		w.b = append(w.b, "true"...)
	}
	k.close()
	o.close()
	return true
}

func sameDyns(a, b *Node) bool {
	if a.FP != b.FP || len(a.Dyns) != len(b.Dyns) {
		return false
	}
	w := writer{enc: Neutral}
	return !w.diffNode(a, b)
}

// AppendString appends s as a JSON string. Only what JSON requires is
// escaped (HTML characters travel as they are), and invalid UTF-8 becomes
// U+FFFD so the frame is always valid JSON.
func AppendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
