package movies

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Genre is a genre filter option.
type Genre struct {
	ID     int64
	TmdbID int
	Name   string
	Slug   string // lower-case name, non-alphanumerics → "-"
	Emoji  string // per TMDb genre id (§2 genre chips)
}

// List is a canonical list filter option.
type List struct {
	ID        int64
	SourceKey string // the key in movies.canonical_sources
	Slug      string // "" when the row has none (then URLs use SourceKey)
	Name      string
	Active    bool
}

// URLValue returns the value the canonical URL uses for the list.
func (l List) URLValue() string {
	if l.Slug != "" {
		return l.Slug
	}
	return l.SourceKey
}

// Festival is a festival organization filter option.
type Festival struct {
	ID           int64
	Name         string
	Slug         string // "" = none (such festivals drop out of canonical URLs)
	Abbreviation string
}

// Choice is a fixed option: the URL value and the label the UI shows.
type Choice struct {
	Value string
	Label string
}

// Preset is a weight-profile sort.
type Preset struct {
	Slug    string             // sort criteria, e.g. "critics_choice"
	Name    string             // profile name, e.g. "Critics Choice"
	Weights map[string]float64 // lens → weight (mob, critics, festival_recognition, time_machine, auteurs, box_office)
}

// FilterOptions are the options the filters and sort menu need, cached for
// Config.OptionsTTL (§5: 24 h by default).
type FilterOptions struct {
	Genres      []Genre    // all genres, by name (chips: first 10, then "+ K more")
	Lists       []List     // active lists, by name (the drawer)
	AllLists    []List     // every list, active or not (URL resolution)
	Festivals   []Festival // all organizations, by name
	Decades     []int      // current decade down to 1900
	AgeRatings  []Choice   // "", 6, 12, 16, 99 with their labels
	Ratings     []Choice   // "", highly_rated, well_reviewed, critically_acclaimed
	Presets     []Preset   // active profiles whose slug validates as a sort (bug B4 fixed)
	AllProfiles []Preset   // every active profile (preset= URL parameter)
	LoadedAt    time.Time
}

// genreEmoji is the chip emoji per TMDb genre id.
var genreEmoji = map[int]string{28: "💥", 12: "🧭", 16: "🎨", 35: "😂", 80: "🕵️", 99: "📽️", 18: "🎭", 10751: "👨‍👩‍👧",
	14: "🧙", 36: "📜", 27: "👻", 10402: "🎵", 9648: "🔍", 10749: "💕", 878: "🚀", 10770: "📺", 53: "😱", 10752: "⚔️", 37: "🤠"}

// Slugify lower-cases s and turns every run of characters other than a–z
// and 0–9 into one "-", trimmed (the genre/person slug rule).
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

// presetSlug is a profile's sort slug: its name lower-cased, spaces → "_".
func presetSlug(name string) string { return strings.ReplaceAll(strings.ToLower(name), " ", "_") }

// AgeLabel returns the label of a max_age value (§2 active strip).
func AgeLabel(age int) string {
	switch age {
	case 6:
		return "All ages"
	case 12:
		return "7+"
	case 16:
		return "13+"
	case 99:
		return "17+"
	}
	return "up to " + strconv.Itoa(age)
}

// RatingPresetLabel returns the label of a rating_preset value.
func RatingPresetLabel(v string) string {
	switch v {
	case "highly_rated":
		return "Highly rated (7.5+)"
	case "well_reviewed":
		return "Well reviewed (6.0+)"
	case "critically_acclaimed":
		return "Critically acclaimed"
	}
	return v
}

func loadOptions(ctx context.Context, db querier, today *time.Time, now time.Time) (*FilterOptions, error) {
	o := &FilterOptions{LoadedAt: now}
	b := &pgx.Batch{}
	b.Queue(`SELECT id, tmdb_id, name FROM genres ORDER BY name, id`).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var g Genre
			if err := rows.Scan(&g.ID, &g.TmdbID, &g.Name); err != nil {
				return err
			}
			g.Slug, g.Emoji = Slugify(g.Name), genreEmoji[g.TmdbID]
			o.Genres = append(o.Genres, g)
		}
		return rows.Err()
	})
	b.Queue(`SELECT id, source_key, COALESCE(slug, ''), name, COALESCE(active, false) FROM movie_lists ORDER BY name, id`).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var l List
			if err := rows.Scan(&l.ID, &l.SourceKey, &l.Slug, &l.Name, &l.Active); err != nil {
				return err
			}
			o.AllLists = append(o.AllLists, l)
			if l.Active {
				o.Lists = append(o.Lists, l)
			}
		}
		return rows.Err()
	})
	b.Queue(`SELECT id, name, COALESCE(slug, ''), COALESCE(abbreviation, '') FROM festival_organizations ORDER BY name, id`).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var f Festival
			if err := rows.Scan(&f.ID, &f.Name, &f.Slug, &f.Abbreviation); err != nil {
				return err
			}
			o.Festivals = append(o.Festivals, f)
		}
		return rows.Err()
	})
	b.Queue(`SELECT name, COALESCE(category_weights, '{}'::jsonb)::text FROM metric_weight_profiles WHERE active ORDER BY name, id`).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var name, weights string
			if err := rows.Scan(&name, &weights); err != nil {
				return err
			}
			p := Preset{Slug: presetSlug(name), Name: name, Weights: map[string]float64{}}
			var raw map[string]any
			if err := json.Unmarshal([]byte(weights), &raw); err != nil {
				return fmt.Errorf("metric_weight_profiles %q: %w", name, err)
			}
			for k, v := range raw {
				switch x := v.(type) {
				case float64:
					p.Weights[k] = x
				case string:
					if f, err := strconv.ParseFloat(x, 64); err == nil {
						p.Weights[k] = f
					}
				}
			}
			o.AllProfiles = append(o.AllProfiles, p)
			if contains(PresetSorts, p.Slug) {
				o.Presets = append(o.Presets, p)
			}
		}
		return rows.Err()
	})
	var year int
	b.Queue(`SELECT EXTRACT(YEAR FROM COALESCE($1::date, CURRENT_DATE))::int`, today).QueryRow(func(row pgx.Row) error { return row.Scan(&year) })
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("movies: loading filter options: %w", err)
	}
	for d := year / 10 * 10; d >= 1900; d -= 10 {
		o.Decades = append(o.Decades, d)
	}
	o.AgeRatings = []Choice{{"", "All"}, {"6", AgeLabel(6)}, {"12", AgeLabel(12)}, {"16", AgeLabel(16)}, {"99", AgeLabel(99)}}
	o.Ratings = []Choice{{"", "Any rating"}, {"highly_rated", "7.5+ Acclaimed"}, {"well_reviewed", "6.0+ Solid"}, {"critically_acclaimed", "Top tier Critics' picks"}}
	return o, nil
}

// GenreBy returns the genre for an id or slug value.
func (o *FilterOptions) GenreBy(v string) (Genre, bool) {
	if id, ok := isID(v); ok {
		for _, g := range o.Genres {
			if g.ID == id {
				return g, true
			}
		}
		return Genre{}, false
	}
	s := Slugify(v)
	for _, g := range o.Genres {
		if g.Slug == s {
			return g, true
		}
	}
	return Genre{}, false
}

// ListBy returns the list for a source_key or slug value (active or not).
func (o *FilterOptions) ListBy(v string) (List, bool) {
	s := Slugify(v)
	for _, l := range o.AllLists {
		if l.SourceKey == v || (l.Slug != "" && l.Slug == s) {
			return l, true
		}
	}
	return List{}, false
}

// FestivalBy returns the organization for an id or slug value.
func (o *FilterOptions) FestivalBy(v string) (Festival, bool) {
	if id, ok := isID(v); ok {
		for _, f := range o.Festivals {
			if f.ID == id {
				return f, true
			}
		}
		return Festival{}, false
	}
	s := Slugify(v)
	for _, f := range o.Festivals {
		if f.Slug != "" && f.Slug == s {
			return f, true
		}
	}
	return Festival{}, false
}

// Profile returns the active weight profile with sort slug s.
func (o *FilterOptions) Profile(s string) (Preset, bool) {
	for _, p := range o.AllProfiles {
		if p.Slug == s {
			return p, true
		}
	}
	return Preset{}, false
}

// SortOption is an entry of the sort controls.
type SortOption struct {
	Criteria string
	Label    string
	Title    string // tooltip
	Group    string // "" for the primary buttons, else the overflow group
}

// SortOptions returns the sort controls in catalog order (§2 item 3): the
// three primary sorts, then the overflow groups, with one scored preset per
// validating active profile.
func (o *FilterOptions) SortOptions() []SortOption {
	out := []SortOption{
		{"release_date", "📅 Most recent", "Newest releases first", ""},
		{"score", "⭐ Highest rated", "Top of the Cinegraph composite score", ""},
		{"popularity", "🔥 Trending", "What's hot right now (TMDb popularity)", ""},
		{"title", "Title", "Alphabetical by title", "Timeline"},
		{"runtime", "Runtime", "By running time", "Timeline"},
		{"rating", "⭐ Rating", "TMDb average rating", "Quality"},
		{"critics", "🎭 Critics", "Rotten Tomatoes and Metacritic", "Quality"},
		{"mob", "👥 Audience", "IMDb and TMDb audience ratings", "Quality"},
		{"festival_recognition", "🏆 Awards", "Festival wins and nominations", "Quality"},
		{"time_machine", "⏳ All-time canon", "Canonical lists and lasting popularity", "Cinegraph lenses"},
		{"auteurs", "🎬 Director picks", "Quality of the people behind the film", "Cinegraph lenses"},
	}
	ps := append([]Preset(nil), o.Presets...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	for _, p := range ps {
		out = append(out, SortOption{p.Slug, p.Name, "Scored preset: " + p.Name, "Scored presets"})
	}
	return out
}
