package web

import (
	"net/url"
	"testing"

	"github.com/cortex-cinegraph/golive/movies"
)

func TestFormatting(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 24567: "24,567", 1150321: "1,150,321", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	for in, want := range map[string]string{
		"Drama":                            "Drama",
		"123456789012345678901234567890":   "123456789012345678901234567890",
		"1234567890123456789012345678901":  "1234567890123456789012345678…",
		"Comédie, Drame, Romance, Guerre!": "Comédie, Drame, Romance, Gue…",
	} {
		if got := truncate(in); got != want {
			t.Errorf("truncate(%q) = %q, want %q", in, got, want)
		}
	}
	if plural(1, "person", "people") != "1 person" || plural(3, "company", "companies") != "3 companies" {
		t.Error("plural")
	}
}

// The active-filter strip: order and labels of §2 item 5, unknown values
// raw, with no database (the identity resolver and fixed options).
func TestActiveChips(t *testing.T) {
	p, _ := url.ParseQuery("show_unreleased=true&max_age=12&rating_preset=critically_acclaimed&people=a,b&companies=x&festivals=cannes&lists=criterion&decade=1990&genres=drama,999&sort=title_asc&search=x")
	v := &Index{path: IndexPath, params: p, resolver: identity{}, opts: &movies.FilterOptions{
		Genres:    []movies.Genre{{ID: 4, Name: "Drama", Slug: "drama"}},
		AllLists:  []movies.List{{SourceKey: "criterion", Slug: "criterion", Name: "The Criterion Collection"}},
		Festivals: []movies.Festival{{ID: 2, Name: "Cannes Film Festival", Slug: "cannes"}},
	}}
	v.q = movies.ParseQuery(p)
	var got []string
	for _, c := range v.activeChips() {
		got = append(got, c.Label+": "+c.Value)
	}
	want := []string{"Sort: Title ↑", "Genres: Drama, 999", "Decade: 1990s", "Lists: The Criterion Collection",
		"Festivals: Cannes Film Festival", "Companies: 1 company", "Cast & Crew: 2 people", "Rating: Critically acclaimed",
		"Age: 7+", "Unreleased: Yes"}
	if len(got) != len(want) {
		t.Fatalf("chips %q\nwant %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("chip %d: %q, want %q", i, got[i], want[i])
		}
	}
	// release_date_desc has no sort chip; an unknown sort shows raw.
	v.params, _ = url.ParseQuery("sort=release_date_desc")
	if cs := v.activeChips(); len(cs) != 0 {
		t.Errorf("release_date_desc: chips %v", cs)
	}
}
