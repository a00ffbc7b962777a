package movies

import (
	"net/url"
	"sort"
	"strings"
)

// Resolver maps the values found in URL parameters (ids, slugs, source
// keys) to their canonical slugs. ok is false for unknown values, which
// canonicalisation drops. Store.Resolver returns one backed by the
// database; tests can use their own.
type Resolver interface {
	GenreSlug(v string) (slug string, ok bool)
	ListSlug(v string) (slug string, ok bool)     // list slug, or its source_key when it has no slug
	FestivalSlug(v string) (slug string, ok bool) // organizations without a slug are dropped
	PersonSlug(v string) (slug string, ok bool)
}

// CanonicalParams rewrites params as the original does when an event
// builds a new URL (MOVIES.md §3.4): genres, festivals and lists mapped to
// sorted, de-duplicated slugs; people to sorted slugs (or the legacy
// people_ids kept as given); people_match kept only as "all" with two or
// more people; people_search* and key[] forms removed; empty values
// dropped. Every other parameter, known or not, is carried through (its
// last value). params is not modified.
func CanonicalParams(params url.Values, r Resolver) url.Values {
	out := url.Values{}
	for k, vs := range params {
		if len(vs) == 0 || strings.HasPrefix(k, "people_search") {
			continue
		}
		if strings.HasSuffix(k, "[]") {
			switch strings.TrimSuffix(k, "[]") {
			case "genres", "festivals", "lists", "people", "people_ids":
				continue // folded into the plain key below
			}
			out[k] = append([]string(nil), vs...)
			continue
		}
		out.Set(k, vs[len(vs)-1])
	}
	slugs := func(key string, f func(string) (string, bool)) {
		vs, ok := listParam(params, key)
		out.Del(key)
		if !ok {
			return
		}
		seen := map[string]bool{}
		var list []string
		for _, v := range vs {
			if s, ok := f(v); ok && s != "" && !seen[s] {
				seen[s] = true
				list = append(list, s)
			}
		}
		sort.Strings(list)
		if len(list) > 0 {
			out.Set(key, strings.Join(list, ","))
		}
	}
	slugs("genres", r.GenreSlug)
	slugs("festivals", r.FestivalSlug)
	slugs("lists", r.ListSlug)

	// People.
	var people []string
	_, hasIDs := params["people_ids"]
	if !hasIDs {
		_, hasIDs = params["people_ids[]"]
	}
	var raw []string
	if vs, ok := listParam(params, "people_ids"); ok {
		raw = vs
	} else if vs, ok := listParam(params, "people"); ok {
		raw = vs
	} else if vs, ok := listParam(params, "people_search[people_ids]"); ok {
		raw = vs
	}
	seen := map[string]bool{}
	for _, v := range raw {
		if s, ok := r.PersonSlug(v); ok && s != "" && !seen[s] {
			seen[s] = true
			people = append(people, s)
		}
	}
	sort.Strings(people)
	if len(people) == 0 {
		for _, k := range []string{"people", "people_ids", "people_role", "people_match"} {
			out.Del(k)
		}
	} else {
		if hasIDs {
			if v, ok := last(params, "people_ids"); ok {
				out.Set("people_ids", v)
			} else {
				out.Set("people_ids", strings.Join(params["people_ids[]"], ","))
			}
			out.Del("people")
		} else {
			out.Set("people", strings.Join(people, ","))
		}
		if out.Get("people_match") != "all" || len(people) < 2 {
			out.Del("people_match")
		}
	}
	for k, vs := range out {
		keep := vs[:0]
		for _, v := range vs {
			if v != "" {
				keep = append(keep, v)
			}
		}
		if len(keep) == 0 {
			delete(out, k)
		} else {
			out[k] = keep
		}
	}
	return out
}

// EncodeParams encodes params as path?query with keys in alphabetical
// order, spaces as "+" and literal commas (MOVIES.md §3.4 step 7; §12.3).
// An empty query gives path alone.
func EncodeParams(path string, params url.Values) string {
	if len(params) == 0 {
		return path
	}
	return path + "?" + strings.ReplaceAll(params.Encode(), "%2C", ",")
}

// Canonicalize is EncodeParams(path, CanonicalParams(params, r)): the URL
// an event pushes. Initial loads and back/forward navigation are never
// rewritten; only URLs built by events go through this.
func Canonicalize(path string, params url.Values, r Resolver) string {
	return EncodeParams(path, CanonicalParams(params, r))
}

// ActiveFilterCount is the number on the Filters button and in the drawer
// footer (§3.4): the present keys among genres, decade, lists, festivals,
// companies, people (or people_ids), rating_preset, max_age and
// show_unreleased, plus one if sort is present and not release_date_desc.
// search is not counted.
func ActiveFilterCount(params url.Values) int {
	has := func(k string) bool {
		for _, key := range []string{k, k + "[]"} {
			for _, v := range params[key] {
				if v != "" {
					return true
				}
			}
		}
		return false
	}
	n := 0
	for _, k := range []string{"genres", "decade", "lists", "festivals", "companies", "rating_preset", "max_age", "show_unreleased"} {
		if has(k) {
			n++
		}
	}
	if has("people") || has("people_ids") {
		n++
	}
	if s, _ := last(params, "sort"); s != "" && s != "release_date_desc" {
		n++
	}
	return n
}

// ClearFilters returns params with only search and sort kept and page=1
// (the "Clear all" / "Clear filters" event).
func ClearFilters(params url.Values) url.Values {
	out := url.Values{}
	for _, k := range []string{"search", "sort"} {
		if v, ok := last(params, k); ok && v != "" {
			out.Set(k, v)
		}
	}
	out.Set("page", "1")
	return out
}
