package sample

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// table is one COPY target: its columns and, for the generated part, the
// rows that hang off movie i (or person i for people tables).
type table struct {
	name string
	cols []string
	// perMovie returns the rows of generated movie i; perPerson those of
	// generated person i; ref the fixed reference rows. One of them is set.
	perMovie  func(seed uint64, i int64) [][]any
	perPerson func(seed uint64, i int64) [][]any
	ref       func() [][]any
}

// PeopleFor returns how many people a load of n movies generates: movie i
// references only people 1..i/2+50.
func PeopleFor(n int64) int64 { return n/2 + 50 }

func ts() time.Time { return stamp }

func jsonb(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func dateVal(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

var tables = []table{
	{name: "genres", cols: []string{"id", "tmdb_id", "name", "inserted_at", "updated_at"}, ref: func() [][]any {
		var rows [][]any
		for _, g := range Genres {
			rows = append(rows, []any{g.ID, g.TmdbID, g.Name, ts(), ts()})
		}
		return rows
	}},
	{name: "movie_lists", cols: []string{"id", "source_key", "name", "source_type", "source_url", "category", "active", "slug", "short_name", "display_order", "inserted_at", "updated_at"}, ref: func() [][]any {
		var rows [][]any
		for _, l := range Lists {
			rows = append(rows, []any{l.ID, l.SourceKey, l.Name, "sample", "https://example.invalid/lists/" + l.SourceKey, "canon", l.Active, str(l.Slug), l.Name, int(l.ID), ts(), ts()})
		}
		return rows
	}},
	{name: "festival_organizations", cols: []string{"id", "name", "abbreviation", "country", "slug", "prestige_tier", "win_score", "nom_score", "inserted_at", "updated_at"}, ref: func() [][]any {
		var rows [][]any
		for _, f := range Festivals {
			rows = append(rows, []any{f.ID, f.Name, f.Abbr, nil, str(f.Slug), int(1 + f.ID%3), 1.0, 0.25, ts(), ts()})
		}
		return rows
	}},
	{name: "festival_ceremonies", cols: []string{"id", "organization_id", "year", "name", "date", "inserted_at", "updated_at"}, ref: func() [][]any {
		var rows [][]any
		for _, f := range Festivals {
			for y := CeremonyFirstYear; y <= CeremonyLastYear; y++ {
				rows = append(rows, []any{CeremonyID(f.ID, y), f.ID, y, fmt.Sprintf("%s %d", f.Abbr, y), *date(y, 3, 1), ts(), ts()})
			}
		}
		return rows
	}},
	{name: "festival_categories", cols: []string{"id", "organization_id", "name", "category_type", "tracks_person", "inserted_at", "updated_at"}, ref: func() [][]any {
		var rows [][]any
		for _, f := range Festivals {
			for k, c := range f.Categories {
				person := strings.Contains(c, "Direct") || strings.Contains(c, "Act")
				rows = append(rows, []any{CategoryID(f.ID, k), f.ID, c, map[bool]string{true: "person", false: "film"}[person], person, ts(), ts()})
			}
		}
		return rows
	}},
	{name: "metric_weight_profiles", cols: []string{"id", "name", "description", "category_weights", "active", "is_default", "inserted_at", "updated_at"}, ref: func() [][]any {
		var rows [][]any
		for _, p := range Profiles {
			rows = append(rows, []any{p.ID, p.Name, p.Name + " weighting", jsonb(p.Weights), p.Active, p.ID == 1, ts(), ts()})
		}
		return rows
	}},
	{name: "production_companies", cols: []string{"id", "tmdb_id", "name", "slug", "inserted_at", "updated_at"}, ref: func() [][]any {
		var rows [][]any
		for _, c := range Companies {
			rows = append(rows, []any{c.ID, int(5000 + c.ID), c.Name, Slugify(c.Name), ts(), ts()})
		}
		return rows
	}},
	{name: "production_countries", cols: []string{"id", "iso_3166_1", "name", "inserted_at", "updated_at"}, ref: func() [][]any {
		var rows [][]any
		for _, c := range Countries {
			rows = append(rows, []any{c.ID, c.ISO, c.Name, ts(), ts()})
		}
		return rows
	}},
	{name: "people", cols: []string{"id", "tmdb_id", "imdb_id", "name", "slug", "profile_path", "known_for_department", "popularity", "gender", "inserted_at", "updated_at"}, perPerson: personRows},
	{name: "person_metrics", cols: []string{"person_id", "metric_type", "score", "calculated_at", "inserted_at", "updated_at"}, perPerson: func(seed uint64, i int64) [][]any {
		r := stream(seed, "person_metrics", i)
		if !r.chance(0.3) {
			return nil
		}
		return [][]any{{i, "quality_score", round1(clamp(r.normal(60, 15), 5, 99)), ts(), ts(), ts()}}
	}},
	{name: "movies", cols: []string{"id", "tmdb_id", "imdb_id", "title", "original_title", "overview", "release_date", "runtime", "status", "tagline", "original_language", "adult", "poster_path", "backdrop_path", "origin_country", "import_status", "canonical_sources", "slug", "inserted_at", "updated_at"}, perMovie: movieRows},
	{name: "movie_genres", cols: []string{"movie_id", "genre_id"}, perMovie: func(seed uint64, i int64) [][]any {
		r := stream(seed, "movie_genres", i)
		n := 1
		if x := r.float(); x > 0.8 {
			n = 3
		} else if x > 0.4 {
			n = 2
		}
		var rows [][]any
		seen := map[int64]bool{}
		for len(rows) < n {
			g := Genres[weighted(r, genreWeights)].ID
			if !seen[g] {
				seen[g] = true
				rows = append(rows, []any{i, g})
			}
		}
		return rows
	}},
	{name: "external_metrics", cols: []string{"movie_id", "source", "metric_type", "value", "text_value", "fetched_at", "inserted_at", "updated_at"}, perMovie: metricRows},
	{name: "movie_release_dates", cols: []string{"movie_id", "country_code", "certification", "release_date", "release_type", "inserted_at", "updated_at"}, perMovie: releaseRows},
	{name: "movie_credits", cols: []string{"movie_id", "person_id", "credit_id", "credit_type", "department", "job", "character", "cast_order", "inserted_at", "updated_at"}, perMovie: creditRows},
	{name: "movie_score_caches", cols: []string{"movie_id", "mob_score", "critics_score", "festival_recognition_score", "time_machine_score", "auteurs_score", "box_office_score", "overall_score", "score_confidence", "disparity_score", "disparity_category", "calculated_at", "calculation_version", "inserted_at", "updated_at"}, perMovie: scoreRows},
	{name: "festival_nominations", cols: []string{"ceremony_id", "category_id", "movie_id", "person_id", "won", "prize_name", "inserted_at", "updated_at"}, perMovie: nominationRows},
	{name: "movie_production_companies", cols: []string{"movie_id", "production_company_id"}, perMovie: func(seed uint64, i int64) [][]any {
		r := stream(seed, "movie_production_companies", i)
		var rows [][]any
		n := r.intn(3)
		seen := map[int64]bool{}
		for k := 0; k < n; k++ {
			c := Companies[int(math.Pow(r.float(), 2)*float64(len(Companies)))].ID
			if !seen[c] {
				seen[c] = true
				rows = append(rows, []any{i, c})
			}
		}
		return rows
	}},
	{name: "movie_production_countries", cols: []string{"movie_id", "production_country_id"}, perMovie: func(seed uint64, i int64) [][]any {
		r := stream(seed, "movie_production_countries", i)
		first := Countries[weighted(r, countryWeights)].ID
		rows := [][]any{{i, first}}
		if r.chance(0.2) {
			if c := Countries[r.intn(len(Countries))].ID; c != first {
				rows = append(rows, []any{i, c})
			}
		}
		return rows
	}},
}

var countryWeights = []float64{40, 10, 9, 6, 7, 5, 4, 4, 5, 2, 2, 2}

func weighted(r *rng, w []float64) int {
	var total float64
	for _, x := range w {
		total += x
	}
	x := r.float() * total
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

var nameSpace = uint64(len(firstNames) * len(lastNames) * len(initials) * len(nameSuffixes))

// PersonName returns generated person i's name.
func PersonName(i int64) string {
	k := permute(uint64(i-1)%nameSpace, nameSpace)
	f := k % uint64(len(firstNames))
	k /= uint64(len(firstNames))
	l := k % uint64(len(lastNames))
	k /= uint64(len(lastNames))
	m := k % uint64(len(initials))
	k /= uint64(len(initials))
	s := k % uint64(len(nameSuffixes))
	return firstNames[f] + " " + initials[m] + lastNames[l] + nameSuffixes[s]
}

func personRows(seed uint64, i int64) [][]any {
	r := stream(seed, "people", i)
	name := PersonName(i)
	slug := Slugify(name)
	if uint64(i) > nameSpace {
		slug += fmt.Sprintf("-%d", i)
	}
	dept := []string{"Acting", "Acting", "Acting", "Acting", "Acting", "Acting", "Acting", "Directing", "Writing", "Camera"}[r.intn(10)]
	var profile any
	if r.chance(0.7) {
		profile = fmt.Sprintf("/pp%x.jpg", r.next()>>40)
	}
	pop := round1(math.Exp(r.normal(1, 1.2)))
	return [][]any{{i, int(2_000_000 + i), fmt.Sprintf("nm%07d", i), name, slug, profile, dept, pop, r.intn(3), ts(), ts()}}
}

func movieRows(seed uint64, i int64) [][]any {
	m := CoreMovie(seed, i)
	r := stream(seed, "movies.detail", i)
	var runtime any
	if r.chance(0.98) {
		runtime = r.between(60, 200)
	}
	status := "full"
	if !m.Full {
		status = []string{"partial", "pending"}[r.intn(2)]
	}
	var poster, backdrop any
	if r.chance(0.9) {
		poster = fmt.Sprintf("/p%010x.jpg", r.next()>>24)
		backdrop = fmt.Sprintf("/b%010x.jpg", r.next()>>24)
	}
	country := Countries[weighted(r, countryWeights)]
	lang := country.LanguageID
	canon := map[string]any{}
	p := 0.03
	if m.Release != nil && m.Release.Year() < 1980 && m.Release.Year() > 1 {
		p = 0.12
	}
	if r.chance(p) {
		for _, l := range Lists {
			if r.chance(0.45) {
				canon[l.SourceKey] = map[string]any{"rank": r.between(1, 1000), "source": "sample"}
			}
		}
		if len(canon) == 0 {
			canon[Lists[0].SourceKey] = map[string]any{"rank": r.between(1, 1000), "source": "sample"}
		}
	}
	overview := overviewBits[r.intn(len(overviewBits))] + " " + overviewEnds[r.intn(len(overviewEnds))]
	return [][]any{{i, int(1_000_000 + i), fmt.Sprintf("tt%07d", 1_000_000+i), m.Title, m.Title, overview, dateVal(m.Release),
		runtime, "Released", nil, lang, false, poster, backdrop, []string{country.ISO}, status, jsonb(canon), m.Slug, ts(), ts()}}
}

func metric(i int64, source, typ string, v float64) []any {
	return []any{i, source, typ, v, nil, ts(), ts(), ts()}
}

func metricRows(seed uint64, i int64) [][]any {
	r := stream(seed, "external_metrics", i)
	var rows [][]any
	quality := r.normal(6.4, 1.1)
	if r.chance(0.95) {
		votes := math.Floor(math.Exp(r.normal(5, 2.2)))
		rows = append(rows,
			metric(i, "tmdb", "rating_average", round1(clamp(quality+r.normal(0, 0.4), 1, 9.8))),
			metric(i, "tmdb", "rating_votes", votes),
			metric(i, "tmdb", "popularity_score", round1(math.Exp(r.normal(1.5, 1.5)))))
	}
	if r.chance(0.7) {
		rows = append(rows,
			metric(i, "imdb", "rating_average", round1(clamp(quality+r.normal(0, 0.5), 1, 9.8))),
			metric(i, "imdb", "rating_votes", math.Floor(math.Exp(r.normal(7, 2)))))
	}
	if r.chance(0.25) {
		rows = append(rows, metric(i, "rotten_tomatoes", "tomatometer", math.Round(clamp((quality-3)*18+r.normal(0, 12), 0, 100))))
	}
	if r.chance(0.2) {
		rows = append(rows, metric(i, "metacritic", "metascore", math.Round(clamp((quality-2)*13+r.normal(0, 10), 0, 100))))
	}
	if r.chance(0.4) {
		ratings := []string{"G", "PG", "PG-13", "R", "R", "NC-17", "NOT RATED", "TV-MA", "Rated PG-13", " pg ", "Unrated", "APPROVED"}
		rows = append(rows, []any{i, "omdb", "content_rating", nil, ratings[r.intn(len(ratings))], ts(), ts(), ts()})
	}
	return rows
}

func releaseRows(seed uint64, i int64) [][]any {
	r := stream(seed, "movie_release_dates", i)
	m := CoreMovie(seed, i)
	var rel any
	if m.Release != nil && m.Release.Year() > 1 {
		rel = *m.Release
	}
	certs := []string{"G", "PG", "PG", "PG-13", "PG-13", "R", "R", "NC-17", "", "NR"}
	var rows [][]any
	if r.chance(0.5) {
		rows = append(rows, []any{i, "US", certs[r.intn(len(certs))], rel, 3, ts(), ts()})
		if r.chance(0.15) {
			rows = append(rows, []any{i, "US", certs[r.intn(len(certs))], rel, 4, ts(), ts()})
		}
	}
	if r.chance(0.3) {
		rows = append(rows, []any{i, "GB", []string{"U", "PG", "12A", "15", "18"}[r.intn(5)], rel, 3, ts(), ts()})
	}
	return rows
}

// Director returns the person id of generated movie i's director.
func Director(seed uint64, i int64) int64 {
	r := stream(seed, "movie_credits", i)
	return pickPerson(r, i)
}

// pickPerson picks one of people 1..i/2+50, skewed towards low ids so that
// popular people have many films (at 100k movies the busiest person has a
// few hundred credits, like the real data's most prolific actors).
func pickPerson(r *rng, i int64) int64 {
	n := i/2 + 50
	return 1 + int64(math.Pow(r.float(), 1.3)*float64(n))
}

func creditRows(seed uint64, i int64) [][]any {
	r := stream(seed, "movie_credits", i)
	director := pickPerson(r, i)
	rows := [][]any{{i, director, fmt.Sprintf("m%dd", i), "crew", "Directing", "Director", nil, nil, ts(), ts()}}
	if r.chance(0.5) {
		rows = append(rows, []any{i, pickPerson(r, i), fmt.Sprintf("m%dw", i), "crew", "Writing", []string{"Screenplay", "Writer", "Novel"}[r.intn(3)], nil, nil, ts(), ts()})
	}
	n := r.between(3, 10)
	seen := map[int64]bool{}
	for k := 0; k < n; k++ {
		p := pickPerson(r, i)
		if seen[p] {
			continue
		}
		seen[p] = true
		rows = append(rows, []any{i, p, fmt.Sprintf("m%dc%d", i, k), "cast", "Acting", nil, characterNames[r.intn(len(characterNames))], k, ts(), ts()})
	}
	return rows
}

func scoreRows(seed uint64, i int64) [][]any {
	r := stream(seed, "movie_score_caches", i)
	if !r.chance(0.8) {
		return nil
	}
	lens := make([]any, 6)
	var sum float64
	var n int
	for k := range lens {
		switch x := r.float(); {
		case x < 0.6:
			v := round1(clamp(r.normal(6, 1.5), 0.1, 10))
			lens[k], sum, n = v, sum+v, n+1
		case x < 0.8:
			lens[k] = 0.0
		default:
			lens[k] = nil
		}
	}
	var overall, conf any
	if n > 0 && r.chance(0.95) {
		overall = math.Round(sum/float64(n)*100) / 100
		conf = math.Round(float64(n)/6*100) / 100
	}
	version := "6"
	if r.chance(0.1) {
		version = "5"
	}
	disp := []any{nil, "critics_darling", "audience_favorite", "consensus"}[r.intn(4)]
	return [][]any{{i, lens[0], lens[1], lens[2], lens[3], lens[4], lens[5], overall, conf, round1(r.float() * 3), disp, ts(), version, ts(), ts()}}
}

func nominationRows(seed uint64, i int64) [][]any {
	r := stream(seed, "festival_nominations", i)
	if !r.chance(0.05) {
		return nil
	}
	m := CoreMovie(seed, i)
	if m.Release == nil || m.Release.Year() < CeremonyFirstYear-1 || m.Release.Year() >= CeremonyLastYear {
		return nil
	}
	year := m.Release.Year() + 1
	var rows [][]any
	seen := map[[2]int64]bool{}
	for k, n := 0, r.between(1, 3); k < n; k++ {
		f := Festivals[r.intn(len(Festivals))]
		cat := CategoryID(f.ID, r.intn(len(f.Categories)))
		key := [2]int64{f.ID, cat}
		if seen[key] {
			continue
		}
		seen[key] = true
		var person any
		if r.chance(0.3) {
			person = Director(seed, i)
		}
		won := r.chance(0.3)
		var prize any
		if won {
			prize = "Winner"
		}
		rows = append(rows, []any{CeremonyID(f.ID, year), cat, i, person, won, prize, ts(), ts()})
	}
	return rows
}
