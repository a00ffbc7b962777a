package sample

import (
	"fmt"
	"time"
)

// GoldenBase is the id offset of golden movies and golden people: golden
// movie k has id GoldenBase+k, so it never collides with a generated one.
const GoldenBase int64 = 900_000_000

// Golden people.
const (
	GoldenAda = GoldenBase + 1 // "Ada Golden", cast in G7 and G8
	GoldenBo  = GoldenBase + 2 // "Bo Golden", cast in G7 and G9
	GoldenCy  = GoldenBase + 3 // "Cy Golden", directs G7, G9 and G29
)

// GoldenMovie is a hand-written edge case.
type GoldenMovie struct {
	N        int64 // id = GoldenBase + N
	Title    string
	Slug     string
	Release  *time.Time
	Runtime  any // int or nil
	Status   string
	Genres   []int64
	Lists    []string
	Metrics  []GoldenMetric
	Certs    []GoldenCert
	Cast     []int64
	Director int64
	Score    *GoldenScore
	Noms     []GoldenNom
	Company  int64
	Country  int64
	Why      string
}

// GoldenMetric is one external_metrics row (Value or Text).
type GoldenMetric struct {
	Source, Type string
	Value        any
	Text         any
}

// GoldenCert is one movie_release_dates row.
type GoldenCert struct {
	Country, Cert string
	Type          int
}

// GoldenScore is a movie_score_caches row: the six lenses (nil = NULL),
// overall score and calculation version.
type GoldenScore struct {
	Lenses  [6]any
	Overall any
	Conf    any
	Version string
}

// GoldenNom is a festival nomination.
type GoldenNom struct {
	Org      int64
	Category int
	Year     int
	Won      bool
}

// ID returns the movie's id.
func (g GoldenMovie) ID() int64 { return GoldenBase + g.N }

func tmdb(rating, votes, pop float64) []GoldenMetric {
	return []GoldenMetric{{"tmdb", "rating_average", rating, nil}, {"tmdb", "rating_votes", votes, nil}, {"tmdb", "popularity_score", pop, nil}}
}

func omdb(rating string) GoldenMetric { return GoldenMetric{"omdb", "content_rating", nil, rating} }

// Golden are the golden movies. Tests refer to them by slug.
var Golden = []GoldenMovie{
	{N: 1, Title: "Golden Tie", Slug: "golden-tie-a", Release: date(2001, 5, 5), Runtime: 100, Genres: []int64{7}, Metrics: append(tmdb(7, 500, 10), GoldenMetric{"imdb", "rating_average", 7.0, nil}), Company: 1, Why: "complete tie with G2, G3: id breaks it"},
	{N: 2, Title: "Golden Tie", Slug: "golden-tie-b", Release: date(2001, 5, 5), Runtime: 100, Genres: []int64{7}, Metrics: append(tmdb(7, 500, 10), GoldenMetric{"imdb", "rating_average", 7.0, nil}), Company: 1, Why: "tie"},
	{N: 3, Title: "Golden Tie", Slug: "golden-tie-c", Release: date(2001, 5, 5), Runtime: 100, Genres: []int64{7}, Metrics: append(tmdb(7, 500, 10), GoldenMetric{"imdb", "rating_average", 7.0, nil}), Company: 1, Why: "tie"},
	{N: 4, Title: "Golden No Date", Slug: "golden-no-date", Runtime: 90, Genres: []int64{7}, Metrics: tmdb(8, 1000, 50), Why: "NULL release date: hidden unless show_unreleased (one rule, B9)"},
	{N: 5, Title: "Golden Future", Slug: "golden-future-2099", Release: date(2099, 1, 1), Runtime: 120, Genres: []int64{7}, Metrics: tmdb(6, 5, 200), Why: "unreleased"},
	{N: 6, Title: "Golden Sentinel", Slug: "golden-sentinel-1", Release: date(1, 1, 1), Runtime: 80, Genres: []int64{7}, Metrics: tmdb(5, 20, 1), Why: "sentinel date (exp clamp)"},
	{N: 7, Title: "Golden Trio Genres", Slug: "golden-trio-genres-2010", Release: date(2010, 1, 1), Runtime: 110, Genres: []int64{7, 4, 14}, Cast: []int64{GoldenAda, GoldenBo}, Director: GoldenCy, Country: 3, Metrics: tmdb(7.2, 300, 12), Why: "drama+comedy+romance; Ada and Bo together"},
	{N: 8, Title: "Golden Duo Genres", Slug: "golden-duo-genres-2011", Release: date(2011, 1, 1), Runtime: 105, Genres: []int64{7, 4}, Cast: []int64{GoldenAda}, Metrics: tmdb(6.5, 300, 8), Why: "drama+comedy; Ada only"},
	{N: 9, Title: "Golden Solo Comedy", Slug: "golden-solo-comedy-2012", Release: date(2012, 1, 1), Runtime: 95, Genres: []int64{4}, Cast: []int64{GoldenBo}, Director: GoldenCy, Metrics: tmdb(5.5, 300, 6), Why: "comedy only; Bo only"},
	{N: 10, Title: "100% Golden Percent", Slug: "100-golden-percent-2012", Release: date(2012, 2, 2), Runtime: 90, Genres: []int64{6}, Why: "search '100%' matches this…"},
	{N: 11, Title: "1000 Golden Thousand", Slug: "1000-golden-thousand-2012", Release: date(2012, 3, 3), Runtime: 90, Genres: []int64{6}, Why: "…and not this (escaped %)"},
	{N: 12, Title: "Golden_Under", Slug: "golden-under-2013", Release: date(2013, 1, 1), Runtime: 90, Genres: []int64{6}, Why: "search 'n_U' matches this…"},
	{N: 13, Title: "GoldenXUnder", Slug: "goldenxunder-2013", Release: date(2013, 1, 2), Runtime: 90, Genres: []int64{6}, Why: "…and not this (escaped _)"},
	{N: 14, Title: `Golden \ Backslash`, Slug: "golden-backslash-2013", Release: date(2013, 1, 3), Runtime: 90, Genres: []int64{6}, Why: `search '\' is literal`},
	{N: 15, Title: "Café Golden Ü", Slug: "cafe-golden-u-2014", Release: date(2014, 1, 1), Runtime: 90, Genres: []int64{6}, Why: "non-ASCII title, case-insensitive search"},
	{N: 16, Title: "Golden Cert OMDb PG", Slug: "golden-cert-omdb-pg", Release: date(2015, 1, 1), Runtime: 90, Genres: []int64{8}, Metrics: []GoldenMetric{omdb("PG")}, Certs: []GoldenCert{{"US", "R", 3}}, Why: "OMDb PG wins over US R: in max_age=12"},
	{N: 17, Title: "Golden Cert Not Rated", Slug: "golden-cert-not-rated", Release: date(2015, 1, 2), Runtime: 90, Genres: []int64{8}, Metrics: []GoldenMetric{omdb("NOT RATED")}, Certs: []GoldenCert{{"US", "PG", 3}}, Why: "OMDb NOT RATED excludes even though US PG"},
	{N: 18, Title: "Golden Cert US PG And R", Slug: "golden-cert-us-pg-r", Release: date(2015, 1, 3), Runtime: 90, Genres: []int64{8}, Certs: []GoldenCert{{"US", "PG", 3}, {"US", "R", 4}}, Why: "no OMDb; a disallowed US R excludes it below 17"},
	{N: 19, Title: "Golden Cert US PG-13", Slug: "golden-cert-us-pg13", Release: date(2015, 1, 4), Runtime: 90, Genres: []int64{8}, Certs: []GoldenCert{{"US", "PG-13", 3}, {"GB", "15", 3}}, Why: "no OMDb; US PG-13: in 16 and 99, not 12"},
	{N: 20, Title: "Golden Cert Rated PG-13", Slug: "golden-cert-rated-pg13", Release: date(2015, 1, 5), Runtime: 90, Genres: []int64{8}, Metrics: []GoldenMetric{omdb("Rated PG-13")}, Why: "OMDb 'Rated PG-13' normalised"},
	{N: 21, Title: "Golden Cert Lower G", Slug: "golden-cert-lower-g", Release: date(2015, 1, 6), Runtime: 90, Genres: []int64{8}, Metrics: []GoldenMetric{omdb(" g ")}, Why: "OMDb ' g ' normalised to G: in max_age=6"},
	{N: 22, Title: "Golden TMDb Only Eight", Slug: "golden-tmdb-only-8", Release: date(2016, 1, 1), Runtime: 90, Genres: []int64{9}, Metrics: tmdb(8, 50, 5), Why: "single source 8.0: highly_rated (B10 fixed)"},
	{N: 23, Title: "Golden IMDb Only Seven", Slug: "golden-imdb-only-7", Release: date(2016, 1, 2), Runtime: 90, Genres: []int64{9}, Metrics: []GoldenMetric{{"imdb", "rating_average", 7.0, nil}}, Why: "single source 7.0: well_reviewed, not highly_rated"},
	{N: 24, Title: "Golden Metascore", Slug: "golden-metascore-75", Release: date(2016, 1, 3), Runtime: 90, Genres: []int64{9}, Metrics: []GoldenMetric{{"metacritic", "metascore", 75.0, nil}}, Why: "critically_acclaimed by metascore"},
	{N: 25, Title: "Golden Tomatometer", Slug: "golden-tomatometer-85", Release: date(2016, 1, 4), Runtime: 90, Genres: []int64{9}, Metrics: []GoldenMetric{{"rotten_tomatoes", "tomatometer", 85.0, nil}}, Why: "critically_acclaimed by tomatometer"},
	{N: 26, Title: "Golden Low Critics", Slug: "golden-low-critics", Release: date(2016, 1, 5), Runtime: 90, Genres: []int64{9}, Metrics: []GoldenMetric{{"metacritic", "metascore", 50.0, nil}, {"rotten_tomatoes", "tomatometer", 60.0, nil}}, Why: "not critically_acclaimed"},
	{N: 27, Title: "Golden Two Lists", Slug: "golden-two-lists", Release: date(1960, 1, 1), Runtime: 90, Genres: []int64{10}, Lists: []string{"1001_movies", "criterion"}, Why: "in two lists (ANY)"},
	{N: 28, Title: "Golden Inactive List", Slug: "golden-inactive-list", Release: date(1961, 1, 1), Runtime: 90, Genres: []int64{10}, Lists: []string{"afi_top_100"}, Why: "only in the inactive list"},
	{N: 29, Title: "Golden Cannes Winner", Slug: "golden-cannes-winner", Release: date(2014, 5, 1), Runtime: 90, Genres: []int64{10}, Director: GoldenCy, Noms: []GoldenNom{{2, 0, 2015, true}, {1, 0, 2015, false}}, Why: "won at Cannes, nominated at the Oscars"},
	{N: 30, Title: "Golden Spirit Nominee", Slug: "golden-spirit-nominee", Release: date(2015, 5, 1), Runtime: 90, Genres: []int64{10}, Noms: []GoldenNom{{8, 1, 2016, false}}, Why: "nominated by the festival with a NULL slug"},
	{N: 31, Title: "Golden Null Runtime", Slug: "golden-null-runtime", Release: date(2017, 1, 1), Runtime: nil, Genres: []int64{11}, Why: "NULL runtime, no ratings: last in rating/popularity/runtime sorts (B6)"},
	{N: 32, Title: "Golden Partial", Slug: "golden-partial", Release: date(2017, 1, 2), Runtime: 90, Status: "partial", Genres: []int64{11}, Metrics: tmdb(9.5, 100000, 900), Why: "import_status partial: never listed"},
	{N: 33, Title: "Golden Two Lenses", Slug: "golden-two-lenses", Release: date(2018, 1, 1), Runtime: 90, Genres: []int64{12}, Score: &GoldenScore{[6]any{7.0, 8.0, nil, nil, nil, nil}, 7.5, 0.33, "6"}, Why: "limited"},
	{N: 34, Title: "Golden One Lens", Slug: "golden-one-lens", Release: date(2018, 1, 2), Runtime: 90, Genres: []int64{12}, Score: &GoldenScore{[6]any{9.0, nil, nil, nil, nil, nil}, 9.0, 0.17, "6"}, Why: "insufficient evidence"},
	{N: 35, Title: "Golden Version Five", Slug: "golden-version-five", Release: date(2018, 1, 3), Runtime: 90, Genres: []int64{12}, Score: &GoldenScore{[6]any{8.0, 8.0, 8.0, 8.0, nil, nil}, 8.0, 0.67, "5"}, Why: "old calculation version: insufficient on the plain score path"},
	{N: 36, Title: "Golden Explicit Zeros", Slug: "golden-explicit-zeros", Release: date(2018, 1, 4), Runtime: 90, Genres: []int64{12}, Score: &GoldenScore{[6]any{6.0, 0.0, 0.0, 0.0, 0.0, 0.0}, 6.0, 0.17, "6"}, Why: "zeros are missing lenses"},
	{N: 37, Title: "Golden Six Lenses", Slug: "golden-six-lenses", Release: date(2018, 1, 5), Runtime: 90, Genres: []int64{12}, Score: &GoldenScore{[6]any{9.0, 9.0, 8.5, 8.5, 9.0, 8.8}, 8.8, 1.0, "6"}, Why: "scoreable, high confidence"},
	{N: 38, Title: "Golden Two Thousand Three", Slug: "golden-2003", Release: date(2003, 6, 1), Runtime: 90, Genres: []int64{13}, Why: "decade=1995 means 1995-2004"},
}

// GoldenBySlug returns the golden movie with slug s.
func GoldenBySlug(s string) GoldenMovie {
	for _, g := range Golden {
		if g.Slug == s {
			return g
		}
	}
	panic("no golden movie " + s)
}

var goldenPeople = []struct {
	ID   int64
	Name string
	Dept string
	Pop  float64
}{
	{GoldenAda, "Ada Golden", "Acting", 50},
	{GoldenBo, "Bo Golden", "Acting", 40},
	{GoldenCy, "Cy Golden", "Directing", 30},
}

// goldenRows returns the golden rows of one table.
func goldenRows(name string) [][]any {
	if rows := goldenSections(name); rows != nil {
		return rows
	}
	var rows [][]any
	switch name {
	case "people":
		for _, p := range goldenPeople {
			rows = append(rows, []any{p.ID, int(p.ID), nil, p.Name, Slugify(p.Name), nil, p.Dept, p.Pop, 0, ts(), ts()})
		}
	case "person_metrics":
		rows = append(rows, []any{GoldenCy, "quality_score", 90.0, ts(), ts(), ts()})
	}
	for _, g := range Golden {
		id := g.ID()
		switch name {
		case "movies":
			status := g.Status
			if status == "" {
				status = "full"
			}
			canon := map[string]any{}
			for _, l := range g.Lists {
				canon[l] = map[string]any{"rank": 1, "source": "golden"}
			}
			country := Countries[0]
			if g.Country != 0 {
				country = Countries[g.Country-1]
			}
			rows = append(rows, []any{id, int(id), nil, g.Title, g.Title, g.Why, dateVal(g.Release), g.Runtime, "Released", nil,
				country.LanguageID, false, fmt.Sprintf("/golden%d.jpg", g.N), nil, []string{country.ISO}, status, jsonb(canon), g.Slug, ts(), ts()})
		case "movie_genres":
			for _, gid := range g.Genres {
				rows = append(rows, []any{id, gid})
			}
		case "external_metrics":
			for _, m := range g.Metrics {
				rows = append(rows, []any{id, m.Source, m.Type, m.Value, m.Text, ts(), ts(), ts()})
			}
		case "movie_release_dates":
			for _, c := range g.Certs {
				rows = append(rows, []any{id, c.Country, c.Cert, dateVal(g.Release), c.Type, ts(), ts()})
			}
		case "movie_credits":
			if g.Director != 0 {
				rows = append(rows, []any{id, g.Director, fmt.Sprintf("g%dd", g.N), "crew", "Directing", "Director", nil, nil, ts(), ts()})
			}
			for k, p := range g.Cast {
				rows = append(rows, []any{id, p, fmt.Sprintf("g%dc%d", g.N, k), "cast", "Acting", nil, "Golden Role", k, ts(), ts()})
			}
		case "movie_score_caches":
			if s := g.Score; s != nil {
				rows = append(rows, []any{id, s.Lenses[0], s.Lenses[1], s.Lenses[2], s.Lenses[3], s.Lenses[4], s.Lenses[5], s.Overall, s.Conf, nil, nil, ts(), s.Version, ts(), ts()})
			}
		case "festival_nominations":
			for _, n := range g.Noms {
				var prize any
				if n.Won {
					prize = "Winner"
				}
				rows = append(rows, []any{CeremonyID(n.Org, n.Year), CategoryID(n.Org, n.Category), id, nil, n.Won, prize, ts(), ts()})
			}
		case "movie_production_companies":
			if g.Company != 0 {
				rows = append(rows, []any{id, g.Company})
			}
		case "movie_production_countries":
			c := int64(1)
			if g.Country != 0 {
				c = g.Country
			}
			rows = append(rows, []any{id, c})
		}
	}
	return rows
}
