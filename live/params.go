package live

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Params are decoded parameters: path and query parameters, event values,
// and form fields with Plug's nesting rules ("a[b]=1" is a nested map,
// "a[]=1" a list). Values are string, []string or Params.
type Params map[string]any

// Get returns the string at key (the first element for a list), or "".
func (p Params) Get(key string) string {
	switch v := p[key].(type) {
	case string:
		return v
	case []string:
		if len(v) > 0 {
			return v[0]
		}
	case float64, bool, int:
		return fmt.Sprint(v)
	}
	return ""
}

// Strings returns the list at key (a single string as a one-element list).
func (p Params) Strings(key string) []string {
	switch v := p[key].(type) {
	case []string:
		return v
	case string:
		return []string{v}
	}
	return nil
}

// Map returns the nested Params at key, or an empty Params.
func (p Params) Map(key string) Params {
	if m, ok := p[key].(Params); ok {
		return m
	}
	return Params{}
}

// Has reports whether key is present.
func (p Params) Has(key string) bool {
	_, ok := p[key]
	return ok
}

// Keys returns the sorted keys.
func (p Params) Keys() []string {
	ks := make([]string, 0, len(p))
	for k := range p {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// DecodeForm decodes an application/x-www-form-urlencoded string with
// Plug's nested key rules.
func DecodeForm(s string) (Params, error) {
	p := Params{}
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("form key %q: %w", k, err)
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("form value for %q: %w", key, err)
		}
		p.put(KeyPath(key), val)
	}
	return p, nil
}

// KeyPath splits a form field name into its path: "user[name]" is
// ["user", "name"], "tags[]" is ["tags", ""].
func KeyPath(name string) []string {
	i := strings.IndexByte(name, '[')
	if i <= 0 {
		return []string{name}
	}
	path := []string{name[:i]}
	rest := name[i:]
	for strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			// Unbalanced: Plug keeps the remainder as part of the last key.
			path[len(path)-1] += rest
			return path
		}
		path = append(path, rest[1:end])
		rest = rest[end+1:]
	}
	return path
}

// put stores val at path; an empty segment appends to a list.
func (p Params) put(path []string, val string) {
	cur := p
	for i, seg := range path {
		last := i == len(path)-1
		if last {
			cur[seg] = val
			return
		}
		if path[i+1] == "" && i+1 == len(path)-1 {
			list, _ := cur[seg].([]string)
			cur[seg] = append(list, val)
			return
		}
		next, ok := cur[seg].(Params)
		if !ok {
			next = Params{}
			cur[seg] = next
		}
		cur = next
	}
}

// fromJSON converts a decoded JSON object (event values) to Params.
func fromJSON(m map[string]any) Params {
	p := make(Params, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case map[string]any:
			p[k] = fromJSON(x)
		case []any:
			ss := make([]string, 0, len(x))
			for _, e := range x {
				ss = append(ss, fmt.Sprint(e))
			}
			p[k] = ss
		default:
			p[k] = v
		}
	}
	return p
}
