package movies_test

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/cortex-cinegraph/golive/movies"
)

func TestParseQuery(t *testing.T) {
	ip := func(n int) *int { return &n }
	cases := []struct {
		raw     string
		invalid string // the parameter reported invalid, "" = valid
		check   func(q movies.Query) bool
	}{
		{"", "", func(q movies.Query) bool { return q.Page == 1 && q.SortParam == "" && q.ActiveSort().Default }},
		{"page=0", "page", nil},
		{"page=-3", "page", nil},
		{"page=x", "", func(q movies.Query) bool { return q.Page == 1 }},
		{"page=2x", "", func(q movies.Query) bool { return q.Page == 2 }},
		{"page=3", "", func(q movies.Query) bool { return q.Page == 3 }},
		{"per_page=500", "", func(q movies.Query) bool { return q.Params.Get("per_page") == "500" }},
		{"decade=abc", "", func(q movies.Query) bool { return q.Decade == nil }},
		{"decade=1995", "", func(q movies.Query) bool { return reflect.DeepEqual(q.Decade, ip(1995)) }},
		{"decade=0", "decade", nil},
		{"sort=bogus", "sort", nil},
		{"sort=box_office", "sort", nil},
		{"sort=balanced", "sort", nil},
		{"sort=", "", func(q movies.Query) bool { return q.ActiveSort().Default }},
		{"search=%20%20", "", func(q movies.Query) bool { return q.Search == "" }},
		{"search=%20blade%20runner%20", "", func(q movies.Query) bool { return q.Search == "blade runner" }},
		{"rating_preset=amazing", "rating_preset", nil},
		{"rating_preset=%20", "", func(q movies.Query) bool { return q.RatingPreset == "" }},
		{"rating_preset=highly_rated", "", func(q movies.Query) bool { return q.RatingPreset == "highly_rated" }},
		{"max_age=100", "max_age", nil},
		{"max_age=-1", "max_age", nil},
		{"max_age=abc", "", func(q movies.Query) bool { return q.MaxAge == nil }},
		{"max_age=12", "", func(q movies.Query) bool { return *q.MaxAge == 12 }},
		{"rating_min=11", "rating_min", nil},
		{"rating_min=7.5", "", func(q movies.Query) bool { return *q.RatingMin == 7.5 }},
		{"year_from=2000&year_to=1990", "year_from", nil},
		{"year_from=1990&year_to=2000", "", nil},
		{"runtime_min=-5", "runtime_min", nil},
		{"show_unreleased=yes", "show_unreleased", nil},
		{"show_unreleased=true", "", func(q movies.Query) bool { return q.ShowUnreleased }},
		{"show_unreleased=1", "", func(q movies.Query) bool { return q.ShowUnreleased }},
		{"show_unreleased=false", "", func(q movies.Query) bool { return !q.ShowUnreleased }},
		{"show_unreleased=0", "", func(q movies.Query) bool { return !q.ShowUnreleased }},
		{"people_match=some", "people_match", nil},
		{"people_match=all&people=a,b", "", func(q movies.Query) bool { return q.PeopleMatchAll && len(q.People) == 2 }},
		{"people_role=actor", "people_role", nil},
		{"people_role=director", "", func(q movies.Query) bool { return q.PeopleRole == "director" }},
		{"award_status=maybe", "award_status", nil},
		{"discovery_preset=x", "discovery_preset", nil},
		{"award_preset=x", "award_preset", nil},
		{"genres[]=drama&genres[]=18", "", func(q movies.Query) bool { return reflect.DeepEqual(q.Genres, []string{"drama", "18"}) }},
		{"genres=drama,%20comedy,,", "", func(q movies.Query) bool { return reflect.DeepEqual(q.Genres, []string{"drama", "comedy"}) }},
		{"people_ids=1,2&people=x", "", func(q movies.Query) bool { return q.PeopleFromIDs && reflect.DeepEqual(q.People, []string{"1", "2"}) }},
		{"people_search%5Bpeople_ids%5D=3", "", func(q movies.Query) bool { return q.PeopleFromIDs && q.People[0] == "3" }},
		{"sort=title&sort=score_desc", "", func(q movies.Query) bool { return q.SortParam == "score_desc" }},
		{"production_company_ids=4", "", func(q movies.Query) bool { return q.Companies[0] == "4" }},
	}
	for _, c := range cases {
		q := movies.ParseQuery(params(t, c.raw))
		if c.invalid == "" {
			if !q.Valid() {
				t.Errorf("%q: unexpected errors %v", c.raw, q.Err())
			}
		} else {
			if q.Valid() || q.Errors[0].Param != c.invalid {
				t.Errorf("%q: want %s invalid, got %v", c.raw, c.invalid, q.Errors)
			}
			if q.Err() == nil || q.Err().Error() == "" {
				t.Errorf("%q: no error message", c.raw)
			}
		}
		if c.check != nil && !c.check(q) {
			t.Errorf("%q: parsed as %+v", c.raw, q)
		}
	}
}

// Bare title/release_date/runtime sort ascending, the rest descending
// (§3.2); the active sort is what the page must show.
func TestParseSort(t *testing.T) {
	cases := map[string]movies.Sort{
		"":                     {Criteria: "discovery_score", Desc: true, Default: true},
		"title":                {Criteria: "title"},
		"release_date":         {Criteria: "release_date"},
		"runtime":              {Criteria: "runtime"},
		"release_date_desc":    {Criteria: "release_date", Desc: true},
		"title_desc":           {Criteria: "title", Desc: true},
		"score":                {Criteria: "score", Desc: true},
		"score_asc":            {Criteria: "score"},
		"mob":                  {Criteria: "mob", Desc: true},
		"popularity":           {Criteria: "popularity", Desc: true},
		"discovery_score":      {Criteria: "discovery_score", Desc: true},
		"hidden_gems_asc":      {Criteria: "hidden_gems"},
		"festival_recognition": {Criteria: "festival_recognition", Desc: true},
		"cinegraph_editorial":  {Criteria: "cinegraph_editorial", Desc: true},
		"critics_choice_desc":  {Criteria: "critics_choice", Desc: true},
		"time_machine_asc":     {Criteria: "time_machine"},
		"auteurs_desc":         {Criteria: "auteurs", Desc: true},
		"rating":               {Criteria: "rating", Desc: true},
		"crowd_pleaser":        {Criteria: "crowd_pleaser", Desc: true},
		"award_season_asc":     {Criteria: "award_season"},
		"critics":              {Criteria: "critics", Desc: true},
		"discovery_score_asc":  {Criteria: "discovery_score"},
	}
	for v, want := range cases {
		got, ok := movies.ParseSort(v)
		if !ok || got != want {
			t.Errorf("ParseSort(%q) = %+v, %v; want %+v", v, got, ok, want)
		}
	}
	for _, v := range []string{"box_office", "balanced", "title_up", "score_asc_desc", "SCORE"} {
		if _, ok := movies.ParseSort(v); ok {
			t.Errorf("ParseSort(%q) accepted", v)
		}
	}
	if v := (movies.Sort{Criteria: "title"}).Value(); v != "title_asc" {
		t.Errorf("Value = %s", v)
	}
}

// fakeResolver knows a few genres, lists, festivals and people.
type fakeResolver struct{}

func (fakeResolver) GenreSlug(v string) (string, bool) {
	m := map[string]string{"18": "drama", "drama": "drama", "35": "comedy", "comedy": "comedy", "Science Fiction": "science-fiction", "science-fiction": "science-fiction"}
	s, ok := m[v]
	return s, ok
}
func (fakeResolver) ListSlug(v string) (string, bool) {
	m := map[string]string{"1001_movies": "1001-movies", "1001-movies": "1001-movies", "criterion": "criterion"}
	s, ok := m[v]
	return s, ok
}
func (fakeResolver) FestivalSlug(v string) (string, bool) {
	m := map[string]string{"1": "oscars", "oscars": "oscars", "2": "cannes", "cannes": "cannes"} // 8 has no slug
	s, ok := m[v]
	return s, ok
}
func (fakeResolver) PersonSlug(v string) (string, bool) {
	m := map[string]string{"1": "ada-golden", "ada-golden": "ada-golden", "2": "bo-golden", "bo-golden": "bo-golden"}
	s, ok := m[v]
	return s, ok
}

// The canonicaliser itself is compared as exact strings (§12.3).
func TestCanonicalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "/movies"},
		{"genres=comedy,drama&page=1&sort=score_desc", "/movies?genres=comedy,drama&page=1&sort=score_desc"},
		{"sort=score_desc&genres=18,comedy&page=1", "/movies?genres=comedy,drama&page=1&sort=score_desc"},
		{"genres[]=drama&genres[]=35&genres[]=drama", "/movies?genres=comedy,drama"},
		{"genres=unknown,999", "/movies"},
		{"genres=Science%20Fiction", "/movies?genres=science-fiction"},
		{"festivals=2,1,8", "/movies?festivals=cannes,oscars"},
		{"festivals=8", "/movies"},
		{"lists=criterion,1001_movies&page=1", "/movies?lists=1001-movies,criterion&page=1"},
		{"people=2,ada-golden&people_match=all", "/movies?people=ada-golden,bo-golden&people_match=all"},
		{"people=2&people_match=all", "/movies?people=bo-golden"},
		{"people=ada-golden,bo-golden&people_match=any", "/movies?people=ada-golden,bo-golden"},
		{"people_ids=2,1&people=ada-golden&people_match=all", "/movies?people_ids=2,1&people_match=all"},
		{"people_search%5Bpeople_ids%5D=1,2&people_search%5Brole_filter%5D=any", "/movies?people=ada-golden,bo-golden"},
		{"people=nobody&people_role=director&people_match=all", "/movies"},
		{"search=blade%20runner&year=1982&foo=bar,baz", "/movies?foo=bar,baz&search=blade+runner&year=1982"},
		{"search=&decade=&page=2", "/movies?page=2"},
		{"sort=title_asc&sort=release_date_desc", "/movies?sort=release_date_desc"},
		{"search=a%26b%3Dc", "/movies?search=a%26b%3Dc"},
	}
	for _, c := range cases {
		got := movies.Canonicalize("/movies", params(t, c.in), fakeResolver{})
		if got != c.want {
			t.Errorf("Canonicalize(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestActiveFilterCount(t *testing.T) {
	cases := map[string]int{
		"":                                 0,
		"search=x&page=2":                  0,
		"sort=release_date_desc":           0,
		"sort=title_asc":                   1,
		"genres=drama&decade=1990&lists=a": 3,
		"people_ids=1":                     1,
		"people=a&people_ids=1":            1,
		"festivals[]=1&max_age=12":         2,
		"rating_preset=highly_rated&show_unreleased=true&companies=x": 3,
		"genres=": 0,
	}
	for raw, want := range cases {
		if got := movies.ActiveFilterCount(params(t, raw)); got != want {
			t.Errorf("ActiveFilterCount(%q) = %d, want %d", raw, got, want)
		}
	}
	got := movies.ClearFilters(params(t, "search=x&sort=title&genres=drama&page=4"))
	if want := (url.Values{"search": {"x"}, "sort": {"title"}, "page": {"1"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("ClearFilters = %v", got)
	}
}

func TestLabels(t *testing.T) {
	for age, want := range map[int]string{6: "All ages", 12: "7+", 16: "13+", 99: "17+", 10: "up to 10"} {
		if got := movies.AgeLabel(age); got != want {
			t.Errorf("AgeLabel(%d) = %q", age, got)
		}
	}
	for v, want := range map[string]string{"highly_rated": "Highly rated (7.5+)", "well_reviewed": "Well reviewed (6.0+)", "critically_acclaimed": "Critically acclaimed"} {
		if got := movies.RatingPresetLabel(v); got != want {
			t.Errorf("RatingPresetLabel(%s) = %q", v, got)
		}
	}
	if movies.Slugify("Science Fiction") != "science-fiction" || movies.Slugify("  TV  Movie!") != "tv-movie" {
		t.Error("Slugify")
	}
}
