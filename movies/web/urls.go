package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cortex-cinegraph/golive/movies"
)

// Parameters the page's own controls use that never reach a canonical
// URL: people_q is the people search of the no-JavaScript drawer, _f marks
// a plain GET form submission (answered with a redirect to its canonical
// URL).
const (
	paramPeopleQ = "people_q"
	paramForm    = "_f"
)

var uiOnly = []string{paramPeopleQ, paramForm}

func cloneValues(p url.Values) url.Values {
	out := make(url.Values, len(p))
	for k, vs := range p {
		out[k] = slices.Clone(vs)
	}
	return out
}

func withoutUIOnly(p url.Values) url.Values {
	out := cloneValues(p)
	for _, k := range uiOnly {
		delete(out, k)
	}
	return out
}

// identity is the Resolver used when the database cannot resolve values
// (the filter options failed to load): values are kept as given.
type identity struct{}

func (identity) GenreSlug(v string) (string, bool)    { return v, true }
func (identity) ListSlug(v string) (string, bool)     { return v, true }
func (identity) FestivalSlug(v string) (string, bool) { return v, true }
func (identity) PersonSlug(v string) (string, bool)   { return v, true }

// withPeople resolves people through extra (e.g. a person just picked in
// the autocomplete) before falling back to base.
type withPeople struct {
	movies.Resolver
	extra []movies.Person
}

func (r withPeople) PersonSlug(v string) (string, bool) {
	id, err := strconv.ParseInt(v, 10, 64)
	for _, p := range r.extra {
		if (err == nil && p.ID == id) || (err != nil && p.Slug != "" && p.Slug == movies.Slugify(v)) {
			return p.Slug, p.Slug != ""
		}
	}
	return r.Resolver.PersonSlug(v)
}

// listValues returns the values of list parameter key: key[] if present,
// else key split on commas; trimmed, empties dropped.
func listValues(p url.Values, key string) []string {
	var raw []string
	if vs, ok := p[key+"[]"]; ok {
		raw = vs
	} else if vs, ok := p[key]; ok && len(vs) > 0 {
		raw = strings.Split(vs[len(vs)-1], ",")
	}
	var out []string
	for _, v := range raw {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// has reports whether key (or key[]) has a non-empty value.
func has(p url.Values, key string) bool {
	for _, k := range []string{key, key + "[]"} {
		for _, v := range p[k] {
			if v != "" {
				return true
			}
		}
	}
	return false
}

func lastValue(p url.Values, key string) string {
	vs := p[key]
	if len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1]
}

func setList(p url.Values, key string, values []string) {
	delete(p, key+"[]")
	if len(values) == 0 {
		delete(p, key)
		return
	}
	p.Set(key, strings.Join(values, ","))
}

// removeFilter deletes a filter as the chip × does (remove_filter).
func removeFilter(p url.Values, key string) {
	delete(p, key)
	delete(p, key+"[]")
	switch key {
	case "people", "people_ids":
		for k := range p {
			if strings.HasPrefix(k, "people_search") {
				delete(p, k)
			}
		}
		for _, k := range []string{"people", "people[]", "people_ids", "people_ids[]", "people_match"} {
			delete(p, k)
		}
	case "companies":
		delete(p, "production_company_ids")
		delete(p, "production_company_ids[]")
	}
}

// hiddenField is a hidden input of a plain GET form.
type hiddenField struct{ Name, Value string }
