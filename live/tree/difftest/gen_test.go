package difftest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/live/tree/internal/fixture"
)

// A scenario produces random data sequences on one real component. start
// returns the stepper of one sequence: step 0 is the initial data, every
// later step changes it at random and returns the component to render, what
// changed and the data (for the report).
type scenario struct {
	name  string
	share int // sequences per 40 of -difftest.seqs
	start func(r *rand.Rand) func(step int) state
}

type state struct {
	comp templ.Component
	op   string
	data string
}

var scenarios = []scenario{
	{name: "page", share: 40, start: startPage},
	{name: "todo", share: 15, start: startTodo},
	{name: "fixture", share: 10, start: startFixture},
	{name: "counter", share: 10, start: startCounter},
}

// texts are the values rows and attributes take: HTML special characters,
// non-ASCII (including astral and the JSON-special U+2028), whitespace,
// things that look like markup, control characters and invalid UTF-8
// (which the JSON encoding turns into U+FFFD, as a browser decoding the
// dead render would).
var texts = []string{
	"a", "b", "c", "Zoë", "漢字", "😀 emoji", `<b>&"'`, "a & b", "", " ", "x\ny",
	"\u2028", "</li>", `back\slash`, `{"k":1}`, "naïve café", "tab\tsep", "€100",
	"<!-- c -->", "d'Artagnan", "<script>x</script>", "&amp;", "ü>ö",
	"nul\x00ctl\x1f", "bad\xffutf8",
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func text(r *rand.Rand) string {
	t := pick(r, texts)
	if r.IntN(3) == 0 {
		t += strconv.Itoa(r.IntN(100))
	}
	return t
}

func texts0(r *rand.Rand, max int) []string {
	var out []string
	for n := r.IntN(max + 1); n > 0; n-- {
		out = append(out, text(r))
	}
	return out
}

// mutateList applies one random list change: insert at the top, middle or
// bottom, delete, move, swap, shuffle, reverse, change one or several
// entries, clear, refill.
func mutateList[T any](r *rand.Rand, s *[]T, mk func() T, change func(*T) string) string {
	n := len(*s)
	switch k := r.IntN(12); {
	case k == 0:
		*s = slices.Insert(*s, 0, mk())
		return "insert top"
	case k == 1:
		i := r.IntN(n + 1)
		*s = slices.Insert(*s, i, mk())
		return fmt.Sprintf("insert at %d", i)
	case k == 2:
		*s = append(*s, mk())
		return "insert bottom"
	case k == 3 && n > 0:
		i := r.IntN(n)
		*s = slices.Delete(*s, i, i+1)
		return fmt.Sprintf("delete %d", i)
	case k == 4 && n > 1:
		from, to := r.IntN(n), r.IntN(n-1)
		v := (*s)[from]
		*s = slices.Insert(slices.Delete(*s, from, from+1), to, v)
		return fmt.Sprintf("move %d->%d", from, to)
	case k == 5 && n > 1:
		i, j := r.IntN(n), r.IntN(n)
		(*s)[i], (*s)[j] = (*s)[j], (*s)[i]
		return fmt.Sprintf("swap %d,%d", i, j)
	case k == 6 && n > 1:
		r.Shuffle(n, func(i, j int) { (*s)[i], (*s)[j] = (*s)[j], (*s)[i] })
		return "shuffle"
	case k == 7 && n > 1:
		slices.Reverse(*s)
		return "reverse"
	case k == 8 && n > 0:
		i := r.IntN(n)
		return fmt.Sprintf("change %d (%s)", i, change(&(*s)[i]))
	case k == 9 && n > 0:
		var ds []string
		for range 1 + r.IntN(3) {
			i := r.IntN(n)
			ds = append(ds, fmt.Sprintf("%d (%s)", i, change(&(*s)[i])))
		}
		return "change " + strings.Join(ds, ", ")
	case k == 10 && n > 0:
		*s = nil
		return "clear"
	case k == 11:
		*s = nil
		for range 1 + r.IntN(6) {
			*s = append(*s, mk())
		}
		return fmt.Sprintf("refill %d", len(*s))
	}
	*s = append(*s, mk())
	return "insert bottom"
}

func changeText(r *rand.Rand) func(*string) string {
	return func(s *string) string {
		*s = text(r)
		return "text"
	}
}

type pageGen struct {
	r    *rand.Rand
	p    Page
	next int
}

func (g *pageGen) id() string {
	g.next++
	return strconv.Itoa(g.next)
}

func (g *pageGen) row(id string) Row {
	r := g.r
	return Row{ID: id, Name: text(r), Note: text(r), Kind: r.IntN(3), Done: r.IntN(4) == 0, Cells: texts0(r, 2)}
}

func (g *pageGen) changeRow(row *Row) string {
	r := g.r
	switch r.IntN(7) {
	case 0:
		row.Name = text(r)
		return "name"
	case 1:
		row.Note = text(r)
		return "note"
	case 2:
		row.Kind = r.IntN(3)
		return fmt.Sprintf("kind %d", row.Kind)
	case 3:
		row.Done = !row.Done
		return fmt.Sprintf("done %v", row.Done)
	case 4:
		row.Cells = nil
		return "cells clear"
	default:
		return "cells " + mutateList(r, &row.Cells, func() string { return text(r) }, changeText(r))
	}
}

func (g *pageGen) keyedRow() Row { return g.row(g.id()) }
func (g *pageGen) plainRow() Row { return g.row("") }
func (g *pageGen) dupRow() Row   { return g.row(pick(g.r, []string{"a", "b", "c", "d"})) }
func (g *pageGen) gridRow() GridRow {
	return GridRow{ID: g.id(), Cells: texts0(g.r, 3)}
}

func (g *pageGen) group() Group {
	gr := Group{ID: g.id(), Name: text(g.r)}
	for range g.r.IntN(3) {
		gr.Items = append(gr.Items, g.keyedRow())
	}
	return gr
}

func (g *pageGen) changeGrid(row *GridRow) string {
	if g.r.IntN(4) == 0 {
		row.Cells = nil
		return "cells clear"
	}
	return "cells " + mutateList(g.r, &row.Cells, func() string { return text(g.r) }, changeText(g.r))
}

func (g *pageGen) changeGroup(gr *Group) string {
	switch g.r.IntN(4) {
	case 0:
		gr.Name = text(g.r)
		return "name"
	case 1:
		gr.Items = nil
		return "items clear"
	default:
		return "items " + mutateList(g.r, &gr.Items, g.keyedRow, g.changeRow)
	}
}

func (g *pageGen) scalar() string {
	r, p := g.r, &g.p
	switch r.IntN(9) {
	case 7:
		p.Shape = r.IntN(4)
		return fmt.Sprintf("shape %d", p.Shape)
	case 0:
		p.Title = text(r)
		return "title"
	case 1:
		p.Class = pick(r, []string{"", "a", "b c", `x"y`, "ü"})
		return "class"
	case 2:
		p.Attr = text(r)
		return "attr"
	case 3:
		p.Mode = r.IntN(4)
		return fmt.Sprintf("mode %d", p.Mode)
	case 4:
		p.Flag = !p.Flag
		return fmt.Sprintf("flag %v", p.Flag)
	case 5:
		p.Disabled = !p.Disabled
		return fmt.Sprintf("disabled %v", p.Disabled)
	case 6:
		p.Widget = r.IntN(3)
		return fmt.Sprintf("widget %d", p.Widget)
	default:
		p.Limit = r.IntN(8)
		return fmt.Sprintf("limit %d", p.Limit)
	}
}

func (g *pageGen) mutate() string {
	p := &g.p
	switch k := g.r.IntN(18); {
	case k < 5:
		return "keyed " + mutateList(g.r, &p.Keyed, g.keyedRow, g.changeRow)
	case k < 7:
		return "plain " + mutateList(g.r, &p.Plain, g.plainRow, g.changeRow)
	case k < 9:
		return "dup " + mutateList(g.r, &p.Dup, g.dupRow, func(row *Row) string {
			if g.r.IntN(2) == 0 {
				row.ID = pick(g.r, []string{"a", "b", "c", "d", "e"})
				return "id " + row.ID
			}
			return g.changeRow(row)
		})
	case k < 11:
		return "comp " + mutateList(g.r, &p.Comp, g.keyedRow, g.changeRow)
	case k < 13:
		return "grid " + mutateList(g.r, &p.Grid, g.gridRow, g.changeGrid)
	case k < 15:
		return "groups " + mutateList(g.r, &p.Groups, g.group, g.changeGroup)
	case k < 16:
		return "words " + mutateList(g.r, &p.Words, func() string { return text(g.r) }, changeText(g.r))
	}
	return g.scalar()
}

func startPage(r *rand.Rand) func(int) state {
	g := &pageGen{r: r}
	g.p = Page{Title: text(r), Attr: text(r), Mode: r.IntN(4), Flag: r.IntN(2) == 0, Widget: r.IntN(3), Limit: r.IntN(8), Shape: r.IntN(4)}
	for range r.IntN(7) {
		g.p.Keyed = append(g.p.Keyed, g.keyedRow())
	}
	for range r.IntN(4) {
		g.p.Plain = append(g.p.Plain, g.plainRow())
		g.p.Dup = append(g.p.Dup, g.dupRow())
		g.p.Comp = append(g.p.Comp, g.keyedRow())
		g.p.Grid = append(g.p.Grid, g.gridRow())
		g.p.Groups = append(g.p.Groups, g.group())
		g.p.Words = append(g.p.Words, text(r))
	}
	return func(step int) state {
		op := "initial"
		if step > 0 {
			op = multi(r, g.mutate)
		}
		return state{comp: PageView(g.p), op: op, data: jsonOf(g.p)}
	}
}

// multi applies 1 to 3 changes, or (one step in ten) none.
func multi(r *rand.Rand, mutate func() string) string {
	if r.IntN(10) == 0 {
		return "no change"
	}
	var ops []string
	for range 1 + r.IntN(3) {
		ops = append(ops, mutate())
	}
	return strings.Join(ops, "; ")
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// startTodo varies the §6.4 template: items from a small alphabet, so the
// keyed variant (ids = items) sees duplicates, moves and replacements.
func startTodo(r *rand.Rand) func(int) state {
	alphabet := []string{"a", "b", "c", "d", "e", "f", "<x>", "é"}
	var items []string
	for range r.IntN(5) {
		items = append(items, pick(r, alphabet))
	}
	keyed := r.IntN(2) == 0
	title := "Todo"
	return func(step int) state {
		op := "initial"
		if step > 0 {
			op = multi(r, func() string {
				switch r.IntN(12) {
				case 0:
					keyed = !keyed
					return fmt.Sprintf("keyed %v", keyed)
				case 1:
					title = text(r)
					return "title"
				}
				return mutateList(r, &items, func() string { return pick(r, alphabet) }, func(s *string) string {
					*s = pick(r, alphabet)
					return *s
				})
			})
		}
		data := jsonOf(map[string]any{"keyed": keyed, "title": title, "items": items})
		if keyed {
			return state{comp: KeyedTodo(title, items), op: op, data: data}
		}
		return state{comp: Todo(title, items), op: op, data: data}
	}
}

// startFixture drives the tree package's own fixtures, switching the root
// component now and then (a root fingerprint change: full re-render).
func startFixture(r *rand.Rand) func(int) state {
	root := r.IntN(3)
	count, q, n := r.IntN(10), text(r), r.IntN(8)
	var items []fixture.Item
	next := 0
	newItem := func() fixture.Item {
		next++
		return fixture.Item{ID: next, Name: text(r)}
	}
	var rows [][]string
	return func(step int) state {
		op := "initial"
		if step > 0 {
			op = multi(r, func() string {
				switch r.IntN(9) {
				case 0:
					root = r.IntN(3)
					return fmt.Sprintf("root %d", root)
				case 1:
					count = r.IntN(120)
					return fmt.Sprintf("count %d", count)
				case 2:
					q = text(r)
					return "q"
				case 3:
					n = r.IntN(8)
					return fmt.Sprintf("n %d", n)
				case 4, 5:
					return "rows " + mutateList(r, &rows, func() []string { return texts0(r, 3) }, func(row *[]string) string {
						return mutateList(r, row, func() string { return text(r) }, changeText(r))
					})
				}
				return "items " + mutateList(r, &items, newItem, func(it *fixture.Item) string {
					it.Name = text(r)
					return "name"
				})
			})
		}
		var c templ.Component
		switch root {
		case 0:
			c = fixture.Counter(count, items, q)
		case 1:
			c = fixture.Wrap(n)
		default:
			c = fixture.Nested(rows)
		}
		return state{comp: c, op: op, data: jsonOf(map[string]any{"root": root, "count": count, "q": q, "n": n, "items": items, "rows": rows})}
	}
}

// startCounter drives examples.Counter through its own event and params
// handlers (none of which touch the socket).
func startCounter(r *rand.Rand) func(int) state {
	c := &examples.Counter{}
	n := r.IntN(20)
	if err := c.HandleParams(nil, nil, live.Params{"n": strconv.Itoa(n)}); err != nil {
		panic(err)
	}
	return func(step int) state {
		op := "initial"
		if step > 0 {
			op = multi(r, func() string {
				switch r.IntN(4) {
				case 0:
					q := pick(r, []string{"", "1", "2", "item 1", "x", "<"})
					_ = c.HandleEvent(nil, live.Event{Name: "filter", Value: live.Params{"q": q}})
					return fmt.Sprintf("filter %q", q)
				case 1:
					n = r.IntN(20)
					_ = c.HandleParams(nil, nil, live.Params{"n": strconv.Itoa(n)})
					return fmt.Sprintf("n %d", n)
				}
				_ = c.HandleEvent(nil, live.Event{Name: "inc"})
				return "inc"
			})
		}
		return state{comp: c.Render(), op: op, data: op}
	}
}
