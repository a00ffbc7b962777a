package main

import (
	"math/rand/v2"
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// keyedLive is /keyed-comprehension: two tables of random rows, keyed
// three ways upstream (all, rows only, none). In this engine a row of a
// comprehension is keyed by its root element's id, so the keyed tabs give
// their rows ids (per table, as DOM ids must be unique) and the unkeyed
// one does not.
type keyedLive struct {
	tab         string
	count, size int
	items       []keyedItem
}

type keyedItem struct {
	ID    int `json:"id"`
	Entry struct {
		Other string `json:"other"`
		Foo   struct {
			Bar string `json:"bar"`
		} `json:"foo"`
	} `json:"entry"`
}

func randomItems(size int) []keyedItem {
	ids := rand.Perm(2 * size)[:size]
	out := make([]keyedItem, size)
	for i, n := range ids {
		out[i].ID = n + 1
		out[i].Entry.Other = "hey"
		out[i].Entry.Foo.Bar = "New" + strconv.Itoa(n+2)
	}
	return out
}

func (v *keyedLive) Mount(*live.Socket, live.Params) error {
	v.size = 10
	v.items = randomItems(v.size)
	return nil
}

func (v *keyedLive) HandleParams(_ *live.Socket, _ *url.URL, p live.Params) error {
	switch t := p.Get("tab"); t {
	case "all_keyed", "rows_keyed", "no_keyed":
		v.tab = t
	default:
		v.tab = "all_keyed"
	}
	return nil
}

func (v *keyedLive) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "sandbox:eval":
		return sandboxEval(s, v, e)
	case "randomize":
		v.items = randomItems(v.size)
		v.count++
	case "change_size":
		n, _ := strconv.Atoi(e.Value.Get("size"))
		v.size = max(n, 0)
		v.items = randomItems(v.size)
		v.count++
	case "change_0":
		first := keyedItem{ID: 2000}
		first.Entry.Other, first.Entry.Foo.Bar = "hey", elixirUnique()
		if len(v.items) > 0 {
			v.items = append([]keyedItem{first}, v.items[1:]...)
		}
	case "change_other":
		for i := range v.items {
			v.items[i].Entry.Other = "hey " + elixirUnique()
		}
	}
	return nil
}

func (v *keyedLive) assign(name string) (any, bool) {
	if name == "items" {
		return v.items, true
	}
	return nil, false
}

func (v *keyedLive) Render() templ.Component { return keyedPage(v) }

func (v *keyedLive) rowID(table, id int) string {
	if v.tab == "no_keyed" {
		return ""
	}
	return "t" + strconv.Itoa(table) + "-row-" + strconv.Itoa(id)
}
