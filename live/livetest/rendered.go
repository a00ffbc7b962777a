package livetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// clientLine is a phoenix_live_view client line; the diff formats it
// understands differ (PROTOCOL.md §6.2, §10).
type clientLine int

const (
	line10 clientLine = iota // "d" comprehensions, "p" only on comprehensions
	line11                   // keyed "k" comprehensions, "p" anywhere
	line12                   // as 1.1; keyed moves need "km" (1.2.8+)
)

func (l clientLine) String() string {
	switch l {
	case line10:
		return "1.0"
	case line11:
		return "1.1"
	}
	return "1.2"
}

// rendered is the client's copy of a view's rendered tree, merged exactly as
// phoenix_live_view's rendered.js does for the chosen line, plus the part
// of the DOM that the tree does not keep: the rows of stream containers.
type rendered struct {
	line   clientLine
	tree   map[string]any
	stream map[string][]streamRow // by stream ref, in DOM order
	// cids referenced by the last render (tree and stream rows).
	seen map[int]bool
}

type streamRow struct {
	id   string
	html string
	cids []int
}

// renderError is a diff the client of this line cannot merge or render.
type renderError struct{ msg string }

func (e *renderError) Error() string { return e.msg }

func fail(format string, args ...any) { panic(&renderError{fmt.Sprintf(format, args...)}) }

// decodeJSON decodes with json.Number so cids and indexes stay exact.
func decodeJSON(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// extracted is what Rendered.extract takes off the top of a diff.
type extracted struct {
	title    *string
	reply    json.RawMessage
	events   []Event
	hasReply bool
}

// extract removes the top-level "r", "e" and "t" keys (never merged).
func extract(diff map[string]any) (extracted, error) {
	var x extracted
	if t, ok := diff["t"]; ok {
		s, ok := t.(string)
		if !ok {
			return x, fmt.Errorf(`title "t" is %T, not a string`, t)
		}
		x.title = &s
	}
	if r, ok := diff["r"]; ok {
		b, err := json.Marshal(r)
		if err != nil {
			return x, err
		}
		x.reply, x.hasReply = b, true
	}
	if e, ok := diff["e"]; ok {
		list, ok := e.([]any)
		if !ok {
			return x, fmt.Errorf(`events "e" is %T, not a list`, e)
		}
		for _, it := range list {
			ev, ok := it.([]any)
			if !ok || len(ev) < 2 {
				return x, fmt.Errorf(`event entry %v is not [name, payload(, true)]`, it)
			}
			name, _ := ev[0].(string)
			p, err := json.Marshal(ev[1])
			if err != nil {
				return x, err
			}
			before := len(ev) > 2 && ev[2] == true
			x.events = append(x.events, Event{Name: name, Payload: p, BeforePatch: before})
		}
	}
	delete(diff, "r")
	delete(diff, "e")
	delete(diff, "t")
	return x, nil
}

// merge applies a diff (already extracted) as Rendered.mergeDiff does.
func (r *rendered) merge(diff map[string]any) (err error) {
	defer catch(&err)
	newc, _ := diff["c"].(map[string]any)
	delete(diff, "c")
	if _, ok := diff["s"]; ok || r.tree == nil {
		r.tree = diff
	} else {
		r.doMerge(r.tree, diff)
	}
	oldc, _ := r.tree["c"].(map[string]any)
	if oldc == nil {
		oldc = map[string]any{}
	}
	r.tree["c"] = oldc
	if newc != nil {
		cache := map[string]map[string]any{}
		resolved := map[string]map[string]any{}
		for cid := range newc {
			resolved[cid] = r.findComponent(cid, newc, oldc, cache)
		}
		for cid, c := range resolved {
			oldc[cid] = c
		}
	}
	return nil
}

func catch(err *error) {
	if v := recover(); v != nil {
		re, ok := v.(*renderError)
		if !ok {
			panic(v)
		}
		*err = re
	}
}

// findComponent is cachedFindComponent: "s" may be a cid whose statics
// (and values) this component starts from.
func (r *rendered) findComponent(cid string, newc, oldc map[string]any, cache map[string]map[string]any) map[string]any {
	if c, ok := cache[cid]; ok {
		return c
	}
	cdiff, ok := newc[cid].(map[string]any)
	if !ok {
		fail("component %s in \"c\" is %T, not an object", cid, newc[cid])
	}
	var out map[string]any
	if n, ok := cdiff["s"].(json.Number); ok {
		scid, err := n.Int64()
		if err != nil {
			fail("component %s: \"s\" %v is not a cid", cid, n)
		}
		var base map[string]any
		if scid > 0 {
			if _, ok := newc[strconv.FormatInt(scid, 10)]; !ok {
				fail("component %s shares statics with component %d, which is not in this diff", cid, scid)
			}
			base = r.findComponent(strconv.FormatInt(scid, 10), newc, oldc, cache)
		} else {
			base, _ = oldc[strconv.FormatInt(-scid, 10)].(map[string]any)
		}
		if base == nil {
			fail("component %s shares statics with component %d, which the client does not have", cid, scid)
		}
		stat := base["s"]
		out = r.cloneMerge(base, cdiff)
		out["s"] = stat
	} else if _, has := cdiff["s"]; has || oldc[cid] == nil {
		if !has {
			fail("component %s is new to the client but was sent without statics", cid)
		}
		out = cdiff
	} else {
		out = r.cloneMerge(oldc[cid].(map[string]any), cdiff)
	}
	cache[cid] = out
	return out
}

func (r *rendered) cloneMerge(target, source map[string]any) map[string]any {
	if _, ok := source["k"]; ok {
		if r.line == line10 {
			fail(`keyed comprehension ("k") sent to a 1.0 client, which only understands "d" lists: %s`, compact(source))
		}
		merged := deepClone(target).(map[string]any)
		r.mergeKeyed(merged, source)
		return merged
	}
	merged := make(map[string]any, len(target)+len(source))
	for k, v := range target {
		merged[k] = v
	}
	for k, v := range source {
		merged[k] = v
	}
	for k := range merged {
		sv, sok := source[k].(map[string]any)
		tv, tok := target[k].(map[string]any)
		switch {
		case sok && tok && !hasStatics(sv):
			merged[k] = r.cloneMerge(tv, sv)
		case !sok && tok && source[k] == nil:
			merged[k] = r.cloneMerge(tv, map[string]any{})
		}
	}
	return merged
}

func hasStatics(m map[string]any) bool { _, ok := m["s"]; return ok }

// doMerge is doMutableMerge: objects without "s" merge key by key, anything
// else replaces.
func (r *rendered) doMerge(target, source map[string]any) {
	if _, ok := source["k"]; ok {
		if r.line == line10 {
			fail(`keyed comprehension ("k") sent to a 1.0 client, which only understands "d" lists: %s`, compact(source))
		}
		r.mergeKeyed(target, source)
		return
	}
	if _, ok := source["d"]; ok && r.line != line10 {
		fail(`"d" comprehension sent to a %s client, which only understands keyed ("k") lists: %s`, r.line, compact(source))
	}
	for k, v := range source {
		sv, sok := v.(map[string]any)
		tv, tok := target[k].(map[string]any)
		if sok && tok && !hasStatics(sv) {
			r.doMerge(tv, sv)
		} else {
			target[k] = v
		}
	}
}

// mergeKeyed applies a keyed diff. Moved rows read from a copy of the rows
// taken before any change: 1.1 always takes it, 1.2 only when "km" is set
// (and crashes on a move without it).
func (r *rendered) mergeKeyed(target, source map[string]any) {
	sk, ok := source["k"].(map[string]any)
	if !ok {
		fail(`"k" is %T, not an object`, source["k"])
	}
	tk, ok := target["k"].(map[string]any)
	if !ok {
		fail(`keyed diff %s merged into a node that is not a keyed comprehension`, compact(source))
	}
	km := sk["km"] == true
	var old map[string]any
	if r.line == line11 || km {
		old = deepClone(tk).(map[string]any)
	}
	keys := make([]string, 0, len(sk))
	for k := range sk {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	moved := func(i string) {
		if old == nil {
			fail(`keyed entry %s moves a row without "km": true; clients from 1.2.8 crash on it: %s`, i, compact(source))
		}
	}
	for _, i := range keys {
		if i == "kc" || i == "km" {
			continue
		}
		switch e := sk[i].(type) {
		case []any:
			moved(i)
			if len(e) != 2 {
				fail("keyed entry %s: %v is not [old_index, diff]", i, e)
			}
			rm, ok := deepClone(old[numKey(e[0])]).(map[string]any)
			if !ok {
				fail("keyed entry %s moves row %v, which the client does not have", i, e[0])
			}
			dm, ok := e[1].(map[string]any)
			if !ok {
				fail("keyed entry %s: diff %v is not an object", i, e[1])
			}
			r.doMerge(rm, dm)
			tk[i] = rm
		case json.Number:
			moved(i)
			row, ok := old[e.String()]
			if !ok {
				fail("keyed entry %s moves row %s, which the client does not have", i, e)
			}
			tk[i] = deepClone(row)
		case map[string]any:
			cur, ok := tk[i].(map[string]any)
			if !ok {
				cur = map[string]any{}
				tk[i] = cur
			}
			r.doMerge(cur, e)
		}
	}
	kc, ok := sk["kc"].(json.Number)
	if !ok {
		fail(`keyed diff without "kc": %s`, compact(source))
	}
	n, _ := kc.Int64()
	if oldN, ok := tk["kc"].(json.Number); ok {
		on, _ := oldN.Int64()
		for i := n; i < on; i++ {
			delete(tk, strconv.FormatInt(i, 10))
		}
	}
	tk["kc"] = kc
	if st, ok := source["stream"]; ok {
		target["stream"] = st
	}
	if p, ok := source["p"]; ok {
		target["p"] = p
	}
}

func numKey(v any) string {
	n, ok := v.(json.Number)
	if !ok {
		fail("index %v is not a number", v)
	}
	return n.String()
}

func deepClone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepClone(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepClone(e)
		}
		return s
	}
	return v
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 300 {
		b = append(b[:300], "…"...)
	}
	return string(b)
}

// pendingStream is one comprehension's stream instruction with the rows
// rendered for it in this pass.
type pendingStream struct {
	ref     string
	inserts map[string]streamInsert
	deletes []string
	reset   bool
	rows    []streamRow
}

type streamInsert struct {
	at         int
	limit      *int
	updateOnly bool
}

type out struct {
	b       strings.Builder
	cids    []int
	streams []*pendingStream
	refs    map[string]bool // stream refs rendered this pass
}

// render renders the tree to the view's inner HTML, then applies the
// stream instructions to the kept stream rows as the DOM patch does, and
// clears the stream rows from the tree as the client does.
func (r *rendered) render() (s string, err error) {
	defer catch(&err)
	comps, _ := r.tree["c"].(map[string]any)
	o := &out{refs: map[string]bool{}}
	// First pass: collect the stream instructions (and clear the rows).
	r.toBuffer(r.tree, nil, comps, o, false)
	for _, ps := range o.streams {
		r.applyStream(ps)
	}
	for ref := range r.stream {
		if !o.refs[ref] {
			delete(r.stream, ref) // its container left the page
		}
	}
	// Second pass: the HTML with the stream containers' current rows.
	o2 := &out{refs: map[string]bool{}}
	r.toBuffer(r.tree, nil, comps, o2, false)
	r.seen = map[int]bool{}
	for _, c := range o2.cids {
		r.seen[c] = true
	}
	for _, rows := range r.stream {
		for _, row := range rows {
			for _, c := range row.cids {
				r.seen[c] = true
			}
		}
	}
	return o2.b.String(), nil
}

func (r *rendered) statics(node map[string]any, templates map[string]any) []any {
	switch s := node["s"].(type) {
	case []any:
		return s
	case json.Number:
		if templates != nil {
			if t, ok := templates[s.String()].([]any); ok {
				node["s"] = t
				return t
			}
		}
		if r.line == line10 {
			fail(`statics template %s not found (a 1.0 client resolves "s": <int> only from "p" of an enclosing comprehension)`, s)
		}
		fail(`statics template %s not found in any enclosing "p"`, s)
	case nil:
		fail("rendered node without statics: %s", compact(node))
	}
	fail(`statics "s" is %T: %s`, node["s"], compact(node))
	return nil
}

func (r *rendered) toBuffer(node map[string]any, templates, comps map[string]any, o *out, inComp bool) {
	if _, ok := node["k"]; ok && r.line != line10 {
		r.keyedToBuffer(node, templates, comps, o, inComp)
		return
	}
	if _, ok := node["d"]; ok && r.line == line10 {
		r.dToBuffer(node, templates, comps, o, inComp)
		return
	}
	if p, ok := node["p"].(map[string]any); ok && r.line != line10 {
		templates = p
		delete(node, "p")
	}
	st := r.statics(node, templates)
	r.dynamics(node, st, templates, comps, o, inComp)
}

func (r *rendered) dynamics(node map[string]any, st []any, templates, comps map[string]any, o *out, inComp bool) {
	for i := range st {
		s, ok := st[i].(string)
		if !ok {
			fail("static %d is %T, not a string", i, st[i])
		}
		o.b.WriteString(s)
		if i < len(st)-1 {
			d, ok := node[strconv.Itoa(i)]
			if !ok {
				fail("dynamic %d missing from node %s", i, compact(node))
			}
			r.dynamic(d, templates, comps, o, inComp)
		}
	}
}

func (r *rendered) dynamic(d any, templates, comps map[string]any, o *out, inComp bool) {
	switch v := d.(type) {
	case string:
		o.b.WriteString(v)
	case json.Number:
		cid, err := v.Int64()
		if err != nil || cid <= 0 {
			fail("dynamic %v is not a component id", v)
		}
		r.component(int(cid), comps, o)
	case map[string]any:
		r.toBuffer(v, templates, comps, o, inComp)
	default:
		fail("dynamic of type %T: %v", d, d)
	}
}

func (r *rendered) component(cid int, comps map[string]any, o *out) {
	c, ok := comps[strconv.Itoa(cid)].(map[string]any)
	if !ok {
		fail("no component for CID %d (the client throws \"Cannot continue render due to missing component\")", cid)
	}
	o.cids = append(o.cids, cid)
	sub := &out{refs: o.refs}
	r.toBuffer(c, nil, comps, sub, true)
	o.cids = append(o.cids, sub.cids...)
	o.streams = append(o.streams, sub.streams...)
	h := sub.b.String()
	// 1.0 marks every component root; 1.1+ only "r" roots.
	if _, root := c["r"]; root || r.line == line10 {
		h = injectAttr(h, `data-phx-component="`+strconv.Itoa(cid)+`"`, cid)
	}
	o.b.WriteString(h)
}

// injectAttr adds attr to the first tag of h, as modifyRoot does.
func injectAttr(h, attr string, cid int) string {
	i := 0
	for i < len(h) {
		if strings.HasPrefix(h[i:], "<!--") {
			end := strings.Index(h[i:], "-->")
			if end < 0 {
				break
			}
			i += end + 3
			continue
		}
		if h[i] == '<' {
			j := i + 1
			for j < len(h) && !strings.ContainsRune("> \n\t\r", rune(h[j])) {
				j++
			}
			return h[:j] + " " + attr + h[j:]
		}
		i++
	}
	fail("malformed html: component %d renders no root tag: %q", cid, h)
	return ""
}

func (r *rendered) keyedToBuffer(node map[string]any, templates, comps map[string]any, o *out, inComp bool) {
	st := r.statics(node, templates)
	rowT := templates
	if rowT == nil {
		rowT, _ = node["p"].(map[string]any)
	}
	delete(node, "p")
	k := node["k"].(map[string]any)
	n := 0
	if kc, ok := k["kc"].(json.Number); ok {
		n64, _ := kc.Int64()
		n = int(n64)
	}
	rows := make([]map[string]any, n)
	for i := range n {
		row, ok := k[strconv.Itoa(i)].(map[string]any)
		if !ok {
			fail("keyed comprehension has kc %d but no row %d: %s", n, i, compact(node))
		}
		rows[i] = row
	}
	r.comprehension(node, st, rows, rowT, comps, o, inComp, func() { node["k"] = map[string]any{"kc": json.Number("0")} })
}

func (r *rendered) dToBuffer(node map[string]any, templates, comps map[string]any, o *out, inComp bool) {
	st := r.statics(node, templates)
	rowT := templates
	if rowT == nil {
		rowT, _ = node["p"].(map[string]any)
	}
	d, ok := node["d"].([]any)
	if !ok {
		fail(`"d" is %T, not a list`, node["d"])
	}
	rows := make([]map[string]any, len(d))
	for i, row := range d {
		dyns, ok := row.([]any)
		if !ok {
			fail(`"d" row %d is %T, not a list`, i, row)
		}
		m := make(map[string]any, len(dyns))
		for j, v := range dyns {
			m[strconv.Itoa(j)] = v
		}
		rows[i] = m
	}
	r.comprehension(node, st, rows, rowT, comps, o, inComp, func() { node["d"] = []any{} })
}

// comprehension writes the rows; a stream comprehension instead records its
// instruction (once: the client then drops the rows) and writes the rows
// its container holds.
func (r *rendered) comprehension(node map[string]any, st []any, rows []map[string]any, rowT, comps map[string]any, o *out, inComp bool, clear func()) {
	raw, isStream := node["stream"]
	ref, _ := node["__stream_ref"].(string)
	if !isStream && ref == "" {
		for _, row := range rows {
			r.dynamics(row, st, rowT, comps, o, inComp)
		}
		return
	}
	if isStream {
		ps := parseStream(raw)
		ref = ps.ref
		node["__stream_ref"] = ref
		if len(rows) > 0 || len(ps.deletes) > 0 || ps.reset {
			for _, row := range rows {
				sub := &out{refs: o.refs}
				r.dynamics(row, st, rowT, comps, sub, inComp)
				o.streams = append(o.streams, sub.streams...)
				h := sub.b.String()
				ps.rows = append(ps.rows, streamRow{id: rootID(h), html: h, cids: sub.cids})
			}
			o.streams = append(o.streams, ps)
			delete(node, "stream")
			clear()
		}
	}
	o.refs[ref] = true
	for _, row := range r.stream[ref] {
		o.b.WriteString(row.html)
		o.cids = append(o.cids, row.cids...)
	}
}

func parseStream(raw any) *pendingStream {
	a, ok := raw.([]any)
	if !ok || len(a) < 3 {
		fail(`"stream" %v is not [ref, inserts, deletes(, reset)]`, raw)
	}
	ps := &pendingStream{inserts: map[string]streamInsert{}}
	ps.ref, ok = a[0].(string)
	if !ok {
		fail("stream ref %v is not a string", a[0])
	}
	ins, ok := a[1].([]any)
	if !ok {
		fail("stream inserts %v is not a list", a[1])
	}
	for _, it := range ins {
		e, ok := it.([]any)
		if !ok || len(e) < 3 {
			fail("stream insert %v is not [dom_id, at, limit(, update_only)]", it)
		}
		id, _ := e[0].(string)
		var in streamInsert
		at, ok := e[1].(json.Number)
		if !ok {
			fail("stream insert %v: at is not a number", it)
		}
		a64, _ := at.Int64()
		in.at = int(a64)
		if l, ok := e[2].(json.Number); ok {
			l64, _ := l.Int64()
			li := int(l64)
			in.limit = &li
		}
		if len(e) > 3 {
			in.updateOnly = e[3] == true
		}
		ps.inserts[id] = in
	}
	dels, ok := a[2].([]any)
	if !ok {
		fail("stream deletes %v is not a list", a[2])
	}
	for _, d := range dels {
		s, _ := d.(string)
		ps.deletes = append(ps.deletes, s)
	}
	ps.reset = len(a) > 3 && a[3] == true
	return ps
}

// applyStream is what the DOM patch does to a phx-update="stream"
// container (dom_patch: reset and deletes first, then each rendered row is
// updated in place or added at its position, then the limit prunes).
func (r *rendered) applyStream(ps *pendingStream) {
	if r.stream == nil {
		r.stream = map[string][]streamRow{}
	}
	rows := r.stream[ps.ref]
	restored := map[string]bool{}
	if ps.reset {
		for _, row := range rows {
			if _, ok := ps.inserts[row.id]; ok {
				restored[row.id] = true
			}
		}
		rows = nil
	}
	for _, id := range ps.deletes {
		found := false
		for i, row := range rows {
			if row.id == id {
				if _, ok := ps.inserts[id]; ok {
					restored[id] = true
				}
				rows = append(rows[:i:i], rows[i+1:]...)
				found = true
				break
			}
		}
		if !found {
			// document.getElementById: a row of another stream.
			for ref, other := range r.stream {
				if ref == ps.ref {
					continue
				}
				for i, row := range other {
					if row.id == id {
						r.stream[ref] = append(other[:i:i], other[i+1:]...)
						break
					}
				}
			}
		}
	}
	for _, row := range ps.rows {
		if row.id == "" {
			fail("stream %s: a row has no id on its root element (every stream item needs id={ item.DOMID }): %q", ps.ref, row.html)
		}
		idx := -1
		for i, cur := range rows {
			if cur.id == row.id {
				idx = i
				break
			}
		}
		if idx >= 0 {
			rows[idx] = row // updated in place, position kept
			continue
		}
		in, ok := ps.inserts[row.id]
		if !ok {
			rows = append(rows, row)
			continue
		}
		if in.updateOnly && !restored[row.id] {
			continue
		}
		switch {
		case in.at == 0:
			rows = append([]streamRow{row}, rows...)
		case in.at < 0 || in.at >= len(rows):
			rows = append(rows, row)
		default:
			rows = append(rows[:in.at], append([]streamRow{row}, rows[in.at:]...)...)
		}
		if in.limit != nil {
			l := *in.limit
			switch {
			case l < 0 && len(rows) > -l:
				rows = rows[len(rows)+l:]
			case l >= 0 && len(rows) > l:
				rows = rows[:l]
			}
		}
	}
	r.stream[ps.ref] = rows
}

// rootID is the id attribute of the first start tag of an HTML fragment
// (tokenized, not parsed, so that rows such as <tr> need no context).
func rootID(h string) string {
	z := html.NewTokenizer(strings.NewReader(h))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			for {
				k, v, more := z.TagAttr()
				if string(k) == "id" {
					return string(v)
				}
				if !more {
					return ""
				}
			}
		}
	}
}

// unseenCIDs are components the client has but no longer renders.
func (r *rendered) unseenCIDs() []int {
	comps, _ := r.tree["c"].(map[string]any)
	var out []int
	for k := range comps {
		cid, err := strconv.Atoi(k)
		if err == nil && !r.seen[cid] {
			out = append(out, cid)
		}
	}
	sort.Ints(out)
	return out
}

func (r *rendered) prune(cids []int) {
	comps, _ := r.tree["c"].(map[string]any)
	for _, c := range cids {
		delete(comps, strconv.Itoa(c))
	}
}
