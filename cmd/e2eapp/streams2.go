package main

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// named is an item with an id and a name.
type named struct{ id, name string }

func namedStream() *live.Stream[named] {
	return live.NewStream(func(n named) string { return "items-" + n.id })
}

func names(ids ...string) []named {
	out := make([]named, len(ids))
	for i, id := range ids {
		out[i] = named{id, string(rune('A' + (id[0] - 'a')))}
	}
	return out
}

// elixirUnique stands in for System.unique_integer(): distinct and, as
// Elixir's usually are, negative (so "a" <> it reads "a-123").
func elixirUnique() string { return strconv.FormatInt(-uniqueInt.Add(1), 10) }

// healthyLive is /healthy/{category}: a stream reset by handle_params on
// patch.
type healthyLive struct {
	category string
	items    *live.Stream[named]
}

var healthy = map[string][]named{
	"fruits":  {{"1", "Apples"}, {"2", "Oranges"}},
	"veggies": {{"3", "Carrots"}, {"4", "Tomatoes"}},
}

func (v *healthyLive) Mount(*live.Socket, live.Params) error {
	v.items = namedStream()
	return nil
}
func (v *healthyLive) HandleParams(_ *live.Socket, _ *url.URL, p live.Params) error {
	v.category = p.Get("category")
	v.items.Reset(healthy[v.category]...)
	return nil
}
func (v *healthyLive) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "load-more" {
		v.items.Append(named{"5", "Pumpkins"})
		v.items.Append(named{"6", "Melons"})
	}
	return nil
}
func (v *healthyLive) Render() templ.Component { return healthyPage(v) }
func (v *healthyLive) other() string {
	if v.category == "fruits" {
		return "/healthy/veggies"
	}
	return "/healthy/fruits"
}
func (v *healthyLive) title() string {
	if v.category == "" {
		return ""
	}
	return string(v.category[0]-'a'+'A') + v.category[1:]
}

// streamResetLive is /stream/reset: resets, reorders and inserts at
// positions, of new and existing items.
type streamResetLive struct {
	items     *live.Stream[named]
	phxRemove bool
}

func (v *streamResetLive) Mount(_ *live.Socket, p live.Params) error {
	v.items = namedStream()
	for _, n := range names("a", "b", "c", "d") {
		v.items.Append(n)
	}
	v.phxRemove = p.Has("phx-remove")
	return nil
}

func (v *streamResetLive) HandleEvent(_ *live.Socket, e live.Event) error {
	fresh := func() named { return named{"a" + elixirUnique(), elixirUnique()} }
	c := named{"c", "C"}
	switch e.Name {
	case "filter":
		v.items.Reset(names("b", "c", "d")...)
	case "reorder":
		v.items.Reset(names("b", "a", "c", "d")...)
	case "reset":
		v.items.Reset(names("a", "b", "c", "d")...)
	case "prepend":
		v.items.Insert(fresh(), live.InsertOpts{At: 0})
	case "append":
		v.items.Insert(fresh(), live.InsertOpts{At: -1})
	case "bulk-insert":
		for _, n := range names("g", "f", "e") {
			v.items.Insert(n, live.InsertOpts{At: 1})
		}
	case "insert-at-one":
		v.items.Insert(fresh(), live.InsertOpts{At: 1})
	case "insert-existing-at-one":
		v.items.Insert(c, live.InsertOpts{At: 1})
	case "delete-insert-existing-at-one":
		v.items.DeleteID("items-c")
		v.items.Insert(c, live.InsertOpts{At: 1})
	case "prepend-existing":
		v.items.Insert(c, live.InsertOpts{At: 0})
	case "append-existing":
		v.items.Insert(c, live.InsertOpts{At: -1})
	case "new-update-only":
		v.items.Insert(named{"e", "E"}, live.InsertOpts{At: -1, UpdateOnly: true})
	case "existing-update-only":
		v.items.Insert(named{"c", "C " + elixirUnique()}, live.InsertOpts{At: -1, UpdateOnly: true})
	}
	return nil
}
func (v *streamResetLive) Render() templ.Component { return streamResetPage(v) }

// streamResetLCLive is /stream/reset-lc: live components as the stream's
// direct children, reordered by a reset.
type streamResetLCLive struct{ items *live.Stream[named] }

func (v *streamResetLCLive) Mount(*live.Socket, live.Params) error {
	v.items = namedStream()
	for _, n := range names("a", "b", "c", "d") {
		v.items.Append(n)
	}
	return nil
}
func (v *streamResetLCLive) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "reorder" {
		v.items.Reset(names("e", "a", "f", "g")...)
	}
	return nil
}
func (v *streamResetLCLive) Render() templ.Component { return streamResetLCPage(v) }

// innerItem is a component rendering one stream item as its root <li>.
type innerItem struct {
	id   string
	item named
}

func (c *innerItem) Update(_ *live.Socket, props any) error { c.item = props.(named); return nil }
func (c *innerItem) Render() templ.Component                { return innerItemPage(c) }

// streamLimitLive is /stream/limit: inserts with at and limit, and a
// reconfiguration that resets the stream.
type streamLimitLive struct {
	at, limit, lastID int
	items             *live.Stream[int]
}

func (v *streamLimitLive) Mount(*live.Socket, live.Params) error {
	v.items = live.NewStream(func(n int) string { return "items-" + strconv.Itoa(n) })
	v.configure(-1, -5)
	return nil
}

func (v *streamLimitLive) configure(at, limit int) {
	v.at, v.limit, v.lastID = at, limit, 10
	v.items.Reset()
	for n := 1; n <= 10; n++ {
		v.items.Insert(n, v.opts())
	}
}

func (v *streamLimitLive) opts() live.InsertOpts { return live.InsertOpts{At: v.at, Limit: v.limit} }

func (v *streamLimitLive) HandleEvent(_ *live.Socket, e live.Event) error {
	switch e.Name {
	case "configure":
		at, err1 := strconv.Atoi(e.Value.Get("at"))
		limit, err2 := strconv.Atoi(e.Value.Get("limit"))
		if err1 == nil && err2 == nil {
			v.configure(at, limit)
		}
	case "insert_10":
		for n := 1; n <= 10; n++ {
			v.items.Insert(v.lastID+n, v.opts())
		}
		v.lastID += 10
	case "insert_1":
		v.lastID++
		v.items.Insert(v.lastID, v.opts())
	case "clear":
		v.lastID = 0
		v.items.Reset()
	}
	return nil
}
func (v *streamLimitLive) Render() templ.Component { return streamLimitPage(v) }

// streamInsideForLive is /stream/inside-for: a stream inside a
// comprehension, filled when an async task ends.
type streamInsideForLive struct{ items *live.Stream[named] }

func (v *streamInsideForLive) Mount(s *live.Socket, _ live.Params) error {
	v.items = namedStream()
	s.StartAsync("foo", func(ctx context.Context) (any, error) {
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
		}
		return nil, ctx.Err()
	})
	return nil
}
func (v *streamInsideForLive) HandleAsync(_ *live.Socket, _ string, _ any, err error) error {
	if err == nil {
		for _, n := range names("a", "b", "c", "d") {
			v.items.Append(n)
		}
	}
	return nil
}
func (v *streamInsideForLive) Render() templ.Component { return streamInsideForPage(v) }

// streamNestedComponentResetLive is /stream/nested-component-reset:
// components as stream children, each with a stream of its own.
type streamNestedComponentResetLive struct{ items *live.Stream[named] }

func (v *streamNestedComponentResetLive) Mount(*live.Socket, live.Params) error {
	v.items = namedStream()
	for _, n := range names("a", "b", "c", "d") {
		v.items.Append(n)
	}
	return nil
}
func (v *streamNestedComponentResetLive) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "reorder" {
		v.items.Reset(names("e", "a", "f", "g")...)
	}
	return nil
}
func (v *streamNestedComponentResetLive) Render() templ.Component {
	return streamNestedComponentResetPage(v)
}

// nestedItem is the component with its own stream: filled on its first
// update (other items on the dead render than when connected), then
// only its item changes.
type nestedItem struct {
	id     string
	item   named
	nested *live.Stream[named]
}

func (c *nestedItem) Update(s *live.Socket, props any) error {
	c.item = props.(named)
	if c.nested != nil {
		return nil
	}
	c.nested = live.NewStream(func(n named) string { return "nested-" + n.id })
	suffixes, letters := []string{"a", "b", "c", "d"}, "ABCD"
	if !s.Connected() {
		suffixes, letters = []string{"e", "f", "g", "h"}, "EFGH"
	}
	items := make([]named, 4)
	for i, x := range suffixes {
		items[i] = named{c.id + "-" + x, "N-" + string(letters[i])}
	}
	c.nested.Reset(items...)
	return nil
}
func (c *nestedItem) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "reorder" {
		c.nested.Reset(named{c.id + "-e", "N-E"}, named{c.id + "-a", "N-A"}, named{c.id + "-f", "N-F"}, named{c.id + "-g", "N-G"})
	}
	return nil
}
func (c *nestedItem) Render() templ.Component { return nestedItemPage(c) }
