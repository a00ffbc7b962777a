package dashboard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// Block is one building block of a page: [Card], [Table], [Row] or
// [Columns] (and the built-in pages' charts). Blocks are plain values built
// anew on every refresh; the live engine sends only what changed.
type Block interface {
	component() templ.Component
}

// card is a value with a title.
type card struct{ title, value string }

// Card is a value with a title, e.g. Card("Services up", "3").
func Card(title, value string) Block { return card{title: title, value: value} }

func (c card) component() templ.Component { return cardBlock(c) }

// Column is one column of a [Table]: a header and the cell text of a row.
type Column struct {
	Header string
	Value  func(row any) string
}

// Table is a table of rows: each row is any value the columns read. ID is
// the table element's id (give one per table of a page; rows are keyed by
// the "id" their RowAttrs give, else by position). RowAttrs, when set,
// computes the attributes of each row's <tr> from the row, e.g.
//
//	RowAttrs: func(r any) templ.Attributes {
//		s := r.(Service)
//		return templ.Attributes{"id": "svc-" + s.Name, "class": "state-" + s.State}
//	}
type Table struct {
	ID       string
	Title    string
	Columns  []Column
	Rows     []any
	RowAttrs func(row any) templ.Attributes
}

func (t Table) component() templ.Component { return tableBlock(&t) }

func (t *Table) attrs(row any) templ.Attributes {
	if t.RowAttrs == nil {
		return nil
	}
	return t.RowAttrs(row)
}

func (t *Table) cell(c Column, row any) string {
	if c.Value == nil {
		return ""
	}
	return c.Value(row)
}

// Rows converts a typed slice to the []any a [Table] takes.
func Rows[T any](rows []T) []any {
	out := make([]any, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out
}

// layout is a Row or Columns.
type layout struct {
	class  string
	blocks []Block
}

// Row lays blocks out side by side, wrapping when the page is narrow.
func Row(blocks ...Block) Block { return layout{class: "dash-row", blocks: blocks} }

// Columns lays blocks out in equal columns (one column per block).
func Columns(blocks ...Block) Block {
	return layout{class: "dash-columns dash-columns-" + strconv.Itoa(len(blocks)), blocks: blocks}
}

func (l layout) component() templ.Component { return layoutBlock(l) }

// Blocks stacks blocks vertically (what a page's Render returns when it
// has several sections).
func Blocks(blocks ...Block) Block { return layout{class: "dash-stack", blocks: blocks} }

// chart is a small line chart of a series over time (the built-in pages').
type chart struct {
	id, title, unit string
	values          []float64
	format          func(float64) string
	window          string // the time the series spans, e.g. "2m0s"
}

func (c chart) span() string { return c.window }

const chartW, chartH = 240.0, 48.0

// points is the polyline of the series scaled into the chart's box, the
// newest value on the right.
func (c chart) points() string {
	if len(c.values) == 0 {
		return ""
	}
	hi := c.max()
	if hi <= 0 {
		hi = 1
	}
	var b strings.Builder
	n := len(c.values)
	step := chartW / float64(max(n-1, 1))
	x0 := chartW - step*float64(n-1)
	for i, v := range c.values {
		if i > 0 {
			b.WriteByte(' ')
		}
		y := chartH - 1 - (v/hi)*(chartH-2)
		fmt.Fprintf(&b, "%.1f,%.1f", x0+step*float64(i), y)
	}
	return b.String()
}

func (c chart) max() float64 {
	hi := 0.0
	for _, v := range c.values {
		hi = max(hi, v)
	}
	return hi
}

func (c chart) show(v float64) string {
	if c.format != nil {
		return c.format(v)
	}
	return trimFloat(v) + c.unit
}

func (c chart) now() string {
	if len(c.values) == 0 {
		return "–"
	}
	return c.show(c.values[len(c.values)-1])
}

func (c chart) component() templ.Component { return chartBlock(c) }

func trimFloat(v float64) string {
	switch {
	case v == float64(int64(v)):
		return strconv.FormatInt(int64(v), 10)
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
