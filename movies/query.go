package movies

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// PerPage is the page size of the movies index (always 24; a per_page URL
// parameter is ignored but carried through).
const PerPage = 24

// FieldError says which URL parameter is invalid and why (fixing bug B5:
// the page can tell the user instead of showing a silent empty state).
type FieldError struct {
	Param   string // URL parameter name, e.g. "sort"
	Value   string // the value as given
	Message string // human sentence, e.g. "is not a known sort"
}

func (e FieldError) Error() string { return fmt.Sprintf("%s=%q %s", e.Param, e.Value, e.Message) }

// InvalidQueryError is returned by Store.Search for a query with
// validation errors. Like the original, the whole search fails (no partial
// results; the count is 0), but the error names each invalid parameter.
type InvalidQueryError struct{ Errors []FieldError }

func (e *InvalidQueryError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, f := range e.Errors {
		parts[i] = f.Error()
	}
	return "invalid query: " + strings.Join(parts, "; ")
}

// Query is a /movies request as parsed from its URL parameters (MOVIES.md
// §3). Parsing never fails: invalid parameters are collected in Errors
// (see Valid), values that the original silently drops are dropped, and
// slugs and ids are kept as given (Store.Search resolves them; unknown
// slugs then drop out). Params keeps the parameters as given, for
// canonicalisation and for carrying unknown parameters through.
type Query struct {
	Search    string // trimmed; "" = no search
	SortParam string // the sort parameter as given; "" = absent (default ordering)
	Page      int    // ≥ 1 when valid

	Genres    []string // genre slugs or ids, ALL semantics
	Decade    *int     // release_date in [Decade-01-01, (Decade+9)-12-31]
	Lists     []string // list slugs or source_keys, ANY semantics
	Festivals []string // festival organization slugs or ids, ANY semantics
	// People are person slugs or ids; PeopleFromIDs is set when they came
	// from the legacy people_ids parameter (or people_search[people_ids]).
	People         []string
	PeopleFromIDs  bool
	PeopleMatchAll bool   // people_match=all: every person credited
	PeopleRole     string // URL-only: any|director|cast|writer|producer|cinematographer|composer|editor
	RatingPreset   string // highly_rated | well_reviewed | critically_acclaimed
	MaxAge         *int   // 0–99, US certification age
	ShowUnreleased bool

	// URL-only filters (honoured, never produced by the UI).
	Year, YearFrom, YearTo                 *int
	RuntimeMin, RuntimeMax                 *int
	RatingMin                              *float64
	Countries                              []int64
	Languages                              []string
	Companies                              []string // slugs or ids (companies / production_company_ids)
	AwardStatus                            string   // any_nomination|won|nominated_only|multiple_awards
	FestivalID, AwardCategoryID            *int
	AwardYearFrom, AwardYearTo             *int
	DiscoveryPreset                        string // award_winners|popular_favorites|hidden_gems|critically_acclaimed
	AwardPreset                            string // recent_awards|2010s|2000s|classic
	FestivalRecognitionMin, TimeMachineMin *float64
	AuteursMin                             *float64
	Disparity                              string // movie_score_caches.disparity_category
	Preset                                 string // weight profile slug used with sort=score_*

	Params url.Values
	Errors []FieldError
}

// Valid reports whether the query has no validation errors.
func (q Query) Valid() bool { return len(q.Errors) == 0 }

// Err returns an *InvalidQueryError, or nil when the query is valid.
func (q Query) Err() error {
	if q.Valid() {
		return nil
	}
	return &InvalidQueryError{Errors: q.Errors}
}

// Sort criteria accepted in the sort parameter (each bare or with _asc /
// _desc). box_office is a lens but, as in the original, not a valid sort.
var SortCriteria = []string{"title", "release_date", "runtime", "rating", "popularity", "discovery_score", "score",
	"mob", "critics", "festival_recognition", "time_machine", "auteurs",
	"cinegraph_editorial", "critics_choice", "crowd_pleaser", "award_season", "hidden_gems"}

// PresetSorts are the weight-profile sorts that validate (the profile's
// name lower-cased with spaces → "_").
var PresetSorts = []string{"cinegraph_editorial", "critics_choice", "crowd_pleaser", "award_season", "hidden_gems"}

// LensSorts are the sorts whose cards show lens badges.
var LensSorts = []string{"mob", "critics", "festival_recognition", "time_machine", "auteurs"}

var (
	ratingPresets    = []string{"highly_rated", "well_reviewed", "critically_acclaimed"}
	discoveryPresets = []string{"award_winners", "popular_favorites", "hidden_gems", "critically_acclaimed"}
	awardPresets     = []string{"recent_awards", "2010s", "2000s", "classic"}
	awardStatuses    = []string{"any_nomination", "won", "nominated_only", "multiple_awards"}
	peopleRoles      = []string{"any", "director", "cast", "writer", "producer", "cinematographer", "composer", "editor"}
)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Sort is an ordering as applied by the query layer.
type Sort struct {
	Criteria string // e.g. "discovery_score", "release_date", "mob"
	Desc     bool   // the direction actually applied
	// Default is set when the URL has no sort parameter: the ordering is
	// discovery_score descending (bug B2: the original UI highlighted "Most
	// recent" for it; the page should show the truth).
	Default bool
}

// Value returns the canonical sort parameter value, e.g. "title_asc".
func (s Sort) Value() string {
	if s.Desc {
		return s.Criteria + "_desc"
	}
	return s.Criteria + "_asc"
}

// IsLens reports whether s is one of the lens sorts.
func (s Sort) IsLens() bool { return contains(LensSorts, s.Criteria) }

// IsPreset reports whether s is a weight-profile sort.
func (s Sort) IsPreset() bool { return contains(PresetSorts, s.Criteria) }

// ParseSort parses a sort parameter. Bare title, release_date and runtime
// sort ascending, every other bare criteria descending (the original's
// query behaviour, kept so each URL keeps its ordering — bug B3 is fixed in
// the UI by showing this direction). ok is false for an unknown value.
func ParseSort(v string) (s Sort, ok bool) {
	if v == "" {
		return Sort{Criteria: "discovery_score", Desc: true, Default: true}, true
	}
	c, dir := v, ""
	if strings.HasSuffix(v, "_asc") {
		c, dir = strings.TrimSuffix(v, "_asc"), "asc"
	} else if strings.HasSuffix(v, "_desc") {
		c, dir = strings.TrimSuffix(v, "_desc"), "desc"
	}
	if !contains(SortCriteria, c) {
		return Sort{}, false
	}
	switch dir {
	case "asc":
		return Sort{Criteria: c}, true
	case "desc":
		return Sort{Criteria: c, Desc: true}, true
	}
	return Sort{Criteria: c, Desc: !(c == "title" || c == "release_date" || c == "runtime")}, true
}

// ActiveSort returns the ordering the query applies (the default
// discovery ordering when the sort parameter is absent or invalid).
func (q Query) ActiveSort() Sort {
	s, ok := ParseSort(q.SortParam)
	if !ok {
		s, _ = ParseSort("")
	}
	return s
}

// last returns the last value of key (Phoenix keeps the last of repeated
// scalar parameters).
func last(p url.Values, key string) (string, bool) {
	vs, ok := p[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

// listParam returns the values of a list parameter: key[] (all values) if
// present, else key split on commas; trimmed, empties dropped.
func listParam(p url.Values, key string) ([]string, bool) {
	var raw []string
	if vs, ok := p[key+"[]"]; ok {
		raw = vs
	} else if v, ok := last(p, key); ok {
		raw = strings.Split(v, ",")
	} else {
		return nil, false
	}
	var out []string
	for _, v := range raw {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out, true
}

// parseIntPrefix parses like Elixir's Integer.parse: an optional sign and
// leading digits; anything after them is ignored.
func parseIntPrefix(s string) (int, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i || j-i > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:j])
	return n, err == nil
}

// parseFloatPrefix parses like Elixir's Float.parse: digits, optional
// fraction and exponent; anything after is ignored.
func parseFloatPrefix(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	d := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == d {
		return 0, false
	}
	if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
		}
	}
	f, err := strconv.ParseFloat(s[:i], 64)
	return f, err == nil
}

// isID reports whether v is a whole integer (Integer.parse with no rest).
func isID(v string) (int64, bool) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || strings.HasPrefix(v, "+") {
		return 0, false
	}
	return n, true
}

// ParseQuery parses /movies URL parameters (MOVIES.md §3.1–3.3).
func ParseQuery(p url.Values) Query {
	q := Query{Params: p, Page: 1}
	bad := func(param, value, msg string) {
		q.Errors = append(q.Errors, FieldError{Param: param, Value: value, Message: msg})
	}
	intParam := func(key string) *int {
		v, ok := last(p, key)
		if !ok || v == "" {
			return nil
		}
		n, ok := parseIntPrefix(v)
		if !ok {
			return nil // non-numeric: silently dropped
		}
		return &n
	}
	floatParam := func(key string) *float64 {
		v, ok := last(p, key)
		if !ok || v == "" {
			return nil
		}
		f, ok := parseFloatPrefix(v)
		if !ok {
			return nil
		}
		return &f
	}
	enum := func(key string, allowed []string) string {
		v, _ := last(p, key)
		v = strings.TrimSpace(v)
		if v != "" && allowed != nil && !contains(allowed, v) {
			bad(key, v, "is not one of "+strings.Join(allowed, ", "))
		}
		return v
	}

	q.Search, _ = last(p, "search")
	q.Search = strings.TrimSpace(q.Search)

	if v, ok := last(p, "sort"); ok && v != "" {
		q.SortParam = v
		if _, ok := ParseSort(v); !ok {
			bad("sort", v, "is not a known sort")
		}
	}
	if v, ok := last(p, "page"); ok && v != "" {
		if n, ok := parseIntPrefix(v); ok {
			q.Page = n
			if n < 1 {
				bad("page", v, "must be 1 or more")
			}
		}
	}

	q.Genres, _ = listParam(p, "genres")
	q.Lists, _ = listParam(p, "lists")
	q.Festivals, _ = listParam(p, "festivals")
	// People: people_ids first (legacy), else people_search[people_ids],
	// else people.
	if vs, ok := listParam(p, "people_ids"); ok {
		q.People, q.PeopleFromIDs = vs, true
	} else if vs, ok := listParam(p, "people_search[people_ids]"); ok {
		q.People, q.PeopleFromIDs = vs, true
	} else {
		q.People, _ = listParam(p, "people")
	}
	switch m := enum("people_match", []string{"any", "all"}); m {
	case "all":
		q.PeopleMatchAll = true
	}
	q.PeopleRole = enum("people_role", peopleRoles)
	if q.PeopleRole == "" {
		if r, ok := last(p, "people_search[role_filter]"); ok && strings.TrimSpace(r) != "" {
			q.PeopleRole = strings.TrimSpace(r)
			if !contains(peopleRoles, q.PeopleRole) {
				bad("people_search[role_filter]", r, "is not one of "+strings.Join(peopleRoles, ", "))
			}
		}
	}
	if q.PeopleRole == "any" {
		q.PeopleRole = ""
	}

	q.Decade = intParam("decade")
	if q.Decade != nil && (*q.Decade < 1 || *q.Decade > 9990) {
		bad("decade", fmt.Sprint(*q.Decade), "is out of range")
	}
	q.RatingPreset = enum("rating_preset", ratingPresets)
	q.MaxAge = intParam("max_age")
	if q.MaxAge != nil && (*q.MaxAge < 0 || *q.MaxAge > 99) {
		bad("max_age", fmt.Sprint(*q.MaxAge), "must be between 0 and 99")
	}
	if v, ok := last(p, "show_unreleased"); ok {
		switch v {
		case "true", "1":
			q.ShowUnreleased = true
		case "false", "0", "":
		default:
			bad("show_unreleased", v, "must be true or false")
		}
	}

	for _, k := range []struct {
		key string
		dst **int
	}{{"year", &q.Year}, {"year_from", &q.YearFrom}, {"year_to", &q.YearTo}} {
		*k.dst = intParam(k.key)
		if v := *k.dst; v != nil && (*v < 1 || *v > 9999) {
			bad(k.key, fmt.Sprint(*v), "is out of range")
		}
	}
	if q.YearFrom != nil && q.YearTo != nil && *q.YearFrom > *q.YearTo {
		bad("year_from", fmt.Sprint(*q.YearFrom), "must be before or equal to year_to")
	}
	q.RuntimeMin, q.RuntimeMax = intParam("runtime_min"), intParam("runtime_max")
	if q.RuntimeMin != nil && *q.RuntimeMin < 0 {
		bad("runtime_min", fmt.Sprint(*q.RuntimeMin), "must be 0 or more")
	}
	if q.RuntimeMax != nil && *q.RuntimeMax < 0 {
		bad("runtime_max", fmt.Sprint(*q.RuntimeMax), "must be 0 or more")
	}
	q.RatingMin = floatParam("rating_min")
	if q.RatingMin != nil && (*q.RatingMin < 0 || *q.RatingMin > 10) {
		bad("rating_min", fmt.Sprint(*q.RatingMin), "must be between 0 and 10")
	}
	if vs, ok := listParam(p, "countries"); ok {
		for _, v := range vs {
			if n, ok := parseIntPrefix(v); ok {
				q.Countries = append(q.Countries, int64(n))
			}
		}
	}
	q.Languages, _ = listParam(p, "languages")
	if vs, ok := listParam(p, "companies"); ok {
		q.Companies = vs
	} else {
		q.Companies, _ = listParam(p, "production_company_ids")
	}
	q.AwardStatus = enum("award_status", awardStatuses)
	q.FestivalID = intParam("festival_id")
	q.AwardCategoryID = intParam("award_category_id")
	q.AwardYearFrom, q.AwardYearTo = intParam("award_year_from"), intParam("award_year_to")
	q.DiscoveryPreset = enum("discovery_preset", discoveryPresets)
	q.AwardPreset = enum("award_preset", awardPresets)
	q.FestivalRecognitionMin = floatParam("festival_recognition_min")
	q.TimeMachineMin = floatParam("time_machine_min")
	q.AuteursMin = floatParam("auteurs_min")
	q.Disparity = enum("disparity", nil)
	q.Preset = enum("preset", nil)
	return q
}
