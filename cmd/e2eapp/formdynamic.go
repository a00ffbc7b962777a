package main

import (
	"slices"
	"strconv"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// formUser is one nested user form of /form/dynamic-inputs: its index in
// the list (the field names), its persistent id (the DOM ids) and name.
type formUser struct {
	index int
	pid   string
	name  string
}

// formDynamicLive is /form/dynamic-inputs (upstream's
// FormDynamicInputsLive): a form of users added and removed through the
// sort and drop parameters, as Ecto's sort_param/drop_param do, with
// buttons (or, ?checkboxes=1, checkboxes) that change the form.
type formDynamicLive struct {
	name       string
	users      []formUser
	checkboxes bool
	submitted  bool
}

func (v *formDynamicLive) Mount(_ *live.Socket, p live.Params) error {
	v.checkboxes = p.Get("checkboxes") == "1"
	return nil
}

func (v *formDynamicLive) HandleEvent(_ *live.Socket, e live.Event) error {
	switch e.Name {
	case "validate":
		v.assign(e.Value.Map("my_form"))
	case "save":
		v.assign(e.Value.Map("my_form"))
		v.submitted = true
	}
	return nil
}

// assign rebuilds the form from its parameters: users listed in sort
// (but not in drop) in that order, a new empty one for a key not among
// them ("new"), then the other users not dropped, by key; then each gets
// its index and keeps its persistent id (a new one gets the first free).
func (v *formDynamicLive) assign(p live.Params) {
	v.name = p.Get("name")
	value := p.Map("users")
	pending := map[string]live.Params{}
	for k := range value {
		pending[k] = value.Map(k)
	}
	drop := p.Strings("users_drop")
	sort := slices.Clone(p.Strings("users_sort"))
	for _, d := range drop {
		// List subtraction: each dropped key removes one occurrence.
		if i := slices.Index(sort, d); i >= 0 {
			sort = slices.Delete(sort, i, i+1)
		}
	}
	var items []live.Params
	for _, k := range sort {
		it, ok := pending[k]
		if !ok {
			it = live.Params{}
		}
		delete(pending, k)
		items = append(items, it)
	}
	for _, d := range drop {
		delete(pending, d)
	}
	rest := make([]string, 0, len(pending))
	for k := range pending {
		rest = append(rest, k)
	}
	slices.SortFunc(rest, compareKeys)
	for _, k := range rest {
		items = append(items, pending[k])
	}

	v.users = v.users[:0]
	seen := map[string]bool{}
	for _, it := range items {
		if pid := it.Get("_persistent_id"); it.Has("_persistent_id") {
			seen[pid] = true
		}
	}
	for i, it := range items {
		pid := it.Get("_persistent_id")
		if !it.Has("_persistent_id") {
			pid = nextPersistentID(len(seen), seen)
		}
		seen[pid] = true
		v.users = append(v.users, formUser{index: i, pid: pid, name: it.Get("name")})
	}
}

// compareKeys orders map keys as Elixir terms: integers (by value) before
// strings.
func compareKeys(a, b string) int {
	na, ea := strconv.Atoi(a)
	nb, eb := strconv.Atoi(b)
	switch {
	case ea == nil && eb == nil:
		return na - nb
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

func nextPersistentID(n int, seen map[string]bool) string {
	for seen[strconv.Itoa(n)] {
		n++
	}
	return strconv.Itoa(n)
}

func (v *formDynamicLive) Render() templ.Component { return formDynamicPage(v) }
