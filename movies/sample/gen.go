package sample

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// DefaultSeed is the seed of the committed small set.
const DefaultSeed = 1

// SmallSet is the number of generated movies in the committed small set.
const SmallSet = 300

// Anchor is the fixed "now" of the generator: every timestamp it writes is
// this instant, and no generated release date falls between it and
// FutureFrom (so which films are "released" only changes on FutureFrom).
var Anchor = time.Date(2026, 6, 12, 0, 0, 0, 0, time.UTC)

// FutureFrom is the first year of the generator's future-dated films.
const FutureFrom = 2031

var stamp = Anchor

// Genre is a reference genre: the 19 TMDb genres with their TMDb ids.
type Genre struct {
	ID     int64
	TmdbID int
	Name   string
}

// Genres are the reference genres; ID is the database id.
var Genres = []Genre{
	{1, 28, "Action"}, {2, 12, "Adventure"}, {3, 16, "Animation"}, {4, 35, "Comedy"},
	{5, 80, "Crime"}, {6, 99, "Documentary"}, {7, 18, "Drama"}, {8, 10751, "Family"},
	{9, 14, "Fantasy"}, {10, 36, "History"}, {11, 27, "Horror"}, {12, 10402, "Music"},
	{13, 9648, "Mystery"}, {14, 10749, "Romance"}, {15, 878, "Science Fiction"},
	{16, 10770, "TV Movie"}, {17, 53, "Thriller"}, {18, 10752, "War"}, {19, 37, "Western"},
}

// genre weights (Zipf-ish: drama and comedy dominate), by Genres index.
var genreWeights = []float64{8, 4, 3, 14, 6, 4, 20, 3, 3, 2, 6, 2, 3, 7, 4, 1, 8, 1.5, 1}

// List is a reference canonical list.
type List struct {
	ID        int64
	SourceKey string
	Slug      string // "" = NULL
	Name      string
	Active    bool
}

// Lists are the reference canonical lists (the last is inactive; criterion
// has a NULL slug, so canonical URLs fall back to its source_key).
var Lists = []List{
	{1, "1001_movies", "1001-movies", "1001 Movies You Must See Before You Die", true},
	{2, "criterion", "", "The Criterion Collection", true},
	{3, "sight_sound_critics_2022", "sight-sound-2022", "Sight & Sound Critics' Poll 2022", true},
	{4, "national_film_registry", "national-film-registry", "National Film Registry", true},
	{5, "afi_top_100", "afi-top-100", "AFI's 100 Years...100 Movies", false},
}

// Festival is a reference festival organization.
type Festival struct {
	ID         int64
	Name, Abbr string
	Slug       string // "" = NULL
	Categories []string
}

// Festivals are the reference festival organizations (one has a NULL slug).
var Festivals = []Festival{
	{1, "Academy Awards", "AMPAS", "oscars", []string{"Best Picture", "Best Director", "Best Actress", "Best Original Screenplay", "Best Cinematography"}},
	{2, "Cannes Film Festival", "Cannes", "cannes", []string{"Palme d'Or", "Grand Prix", "Best Director"}},
	{3, "Sundance Film Festival", "Sundance", "sundance", []string{"Grand Jury Prize", "Audience Award", "Directing Award", "Special Jury Prize"}},
	{4, "Venice International Film Festival", "Venice", "venice", []string{"Golden Lion", "Silver Lion", "Volpi Cup"}},
	{5, "Berlin International Film Festival", "Berlinale", "berlinale", []string{"Golden Bear", "Silver Bear Grand Jury Prize", "Silver Bear for Best Director", "Teddy Award"}},
	{6, "Toronto International Film Festival", "TIFF", "tiff", []string{"People's Choice Award", "Platform Prize", "FIPRESCI Prize"}},
	{7, "BAFTA Film Awards", "BAFTA", "bafta", []string{"Best Film", "Best Director", "Outstanding British Film", "Best Actor", "Best Adapted Screenplay"}},
	{8, "Independent Spirit Awards", "Spirit", "", []string{"Best Feature", "Best First Feature", "John Cassavetes Award"}},
}

// Ceremonies exist for every festival and every year in this range.
const (
	CeremonyFirstYear = 1950
	CeremonyLastYear  = 2026
)

// CeremonyID returns the id of festival org's ceremony of year.
func CeremonyID(org int64, year int) int64 {
	return (org-1)*(CeremonyLastYear-CeremonyFirstYear+1) + int64(year-CeremonyFirstYear) + 1
}

// CategoryID returns the id of category k (0-based) of festival org.
func CategoryID(org int64, k int) int64 {
	var id int64
	for _, f := range Festivals {
		if f.ID == org {
			return id + int64(k) + 1
		}
		id += int64(len(f.Categories))
	}
	panic("unknown festival")
}

// Profile is a reference metric weight profile.
type Profile struct {
	ID      int64
	Name    string
	Weights map[string]float64
	Active  bool
}

// Profiles are the reference weight profiles: the five that validate as
// sorts, plus "Balanced", active but not a valid sort (bug B4).
var Profiles = []Profile{
	{1, "Cinegraph Editorial", map[string]float64{"mob": 0.15, "critics": 0.25, "festival_recognition": 0.2, "time_machine": 0.2, "auteurs": 0.15, "box_office": 0.05}, true},
	{2, "Critics Choice", map[string]float64{"mob": 0.1, "critics": 0.5, "festival_recognition": 0.2, "time_machine": 0.1, "auteurs": 0.1, "box_office": 0}, true},
	{3, "Crowd Pleaser", map[string]float64{"mob": 0.5, "critics": 0.1, "festival_recognition": 0.05, "time_machine": 0.05, "auteurs": 0.05, "box_office": 0.25}, true},
	{4, "Award Season", map[string]float64{"mob": 0.05, "critics": 0.25, "festival_recognition": 0.5, "time_machine": 0.05, "auteurs": 0.15, "box_office": 0}, true},
	{5, "Hidden Gems", map[string]float64{"mob": 0.2, "critics": 0.4, "festival_recognition": 0.1, "time_machine": 0.0, "auteurs": 0.3, "box_office": -0.2}, true},
	{6, "Balanced", map[string]float64{"mob": 1.0 / 6, "critics": 1.0 / 6, "festival_recognition": 1.0 / 6, "time_machine": 1.0 / 6, "auteurs": 1.0 / 6, "box_office": 1.0 / 6}, true},
}

// Company is a reference production company.
type Company struct {
	ID   int64
	Name string
}

// Companies are the reference production companies (slug = Slugify(Name)).
var Companies = func() []Company {
	a := []string{"Northlight", "Bluebird", "Granite", "Paper Moon", "Redwood", "Lantern", "Harbor", "Silverline",
		"Foxglove", "Meridian"}
	b := []string{"Pictures", "Films", "Studios", "Entertainment"}
	var out []Company
	for i, x := range a {
		for j, y := range b {
			out = append(out, Company{int64(i*len(b) + j + 1), x + " " + y})
		}
	}
	return out
}()

// Country is a reference production country.
type Country struct {
	ID         int64
	ISO, Name  string
	LanguageID string
}

// Countries are the reference production countries.
var Countries = []Country{
	{1, "US", "United States of America", "en"}, {2, "GB", "United Kingdom", "en"}, {3, "FR", "France", "fr"},
	{4, "DE", "Germany", "de"}, {5, "JP", "Japan", "ja"}, {6, "IT", "Italy", "it"}, {7, "ES", "Spain", "es"},
	{8, "KR", "South Korea", "ko"}, {9, "IN", "India", "hi"}, {10, "SE", "Sweden", "sv"}, {11, "MX", "Mexico", "es"},
	{12, "BR", "Brazil", "pt"},
}

// Slugify lower-cases s and turns every run of characters other than a–z
// and 0–9 into one "-", trimmed at both ends (cinegraph's slug rule).
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	return b.String()
}

// Movie is the core of a generated movie (the columns other tables depend on).
type Movie struct {
	ID          int64
	Title, Slug string
	Release     *time.Time
	Full        bool
}

func date(y, m, d int) *time.Time {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return &t
}

var titleSpace = uint64(len(articles) * len(adjectives) * len(nouns) * len(places) * len(suffixes))

// CoreMovie returns movie i's title, slug, release date and import status.
func CoreMovie(seed uint64, i int64) Movie {
	r := stream(seed, "movies", i)
	k := permute(uint64(i-1)%titleSpace, titleSpace)
	a := k % uint64(len(adjectives))
	k /= uint64(len(adjectives))
	n := k % uint64(len(nouns))
	k /= uint64(len(nouns))
	p := k % uint64(len(places))
	k /= uint64(len(places))
	s := k % uint64(len(suffixes))
	k /= uint64(len(suffixes))
	title := articles[k%uint64(len(articles))] + adjectives[a] + " " + nouns[n] + places[p] + suffixes[s]
	switch x := r.float(); {
	case x < 0.01:
		title = "100% " + title
	case x < 0.015:
		title = strings.ReplaceAll(title, " ", "_")
	case x < 0.025:
		title = []string{"Café ", "Über ", "Ñandú ", "東京 ", "Żywot "}[r.intn(5)] + title
	case x < 0.028:
		title = title + ": " + strings.Repeat("An Exceedingly Long and Winding Subtitle That Goes On ", 3) + "Forever"
	}
	var rel *time.Time
	switch x := r.float(); {
	case x < 0.01:
		rel = nil
	case x < 0.012:
		rel = date(1, 1, 1) // sentinel date
	case x < 0.032:
		rel = date(FutureFrom+r.intn(5), 1+r.intn(12), 1+r.intn(28))
	default:
		// Skewed towards recent decades, never after Anchor.
		back := math.Pow(r.float(), 2.2) * 125
		y := Anchor.Year() - int(back)
		d := date(y, 1+r.intn(12), 1+r.intn(28))
		if d.After(Anchor) {
			d = date(y-1, int(d.Month()), d.Day())
		}
		rel = d
	}
	year := "tba"
	if rel != nil {
		year = fmt.Sprint(rel.Year())
	}
	slug := Slugify(title) + "-" + year
	if uint64(i) > titleSpace {
		slug += fmt.Sprintf("-%d", i)
	}
	return Movie{ID: i, Title: title, Slug: slug, Release: rel, Full: r.float() < 0.97}
}
