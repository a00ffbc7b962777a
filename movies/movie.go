package movies

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// MovieDetail is what the read-only show page (§8) displays from the movie's
// own query; its connections, videos and keywords, and watch providers come
// from Store.Connections, Store.Media and Store.Availability.
type MovieDetail struct {
	ID                 int64
	TmdbID             int
	ImdbID             string
	Slug               string
	Title              string
	OriginalTitle      string
	Overview           string
	Tagline            string
	Homepage           string
	Status             string
	OriginalLanguage   string
	ReleaseDate        *time.Time
	Runtime            *int
	PosterPath         string
	BackdropPath       string
	OriginCountry      []string
	ImportStatus       string
	NowPlayingLastSeen *time.Time
	// Theaters is the "In theaters" state, by the database's clock at the
	// time of the query (decision §12.6: one clock).
	Theaters Theaters

	Genres        []Genre
	Score         *ScoreDetail // nil without a score cache
	Scoreability  Scoreability
	Ratings       []Rating // latest value per source and metric
	ContentRating string   // OMDb content rating, normalised ("PG-13")
	Certification string   // best US certification (OMDb first, then TMDb release dates)
	Directors     []Credit
	Cast          []Credit // by cast_order
	Crew          []Credit // by department, job
	Nominations   []Nomination
	Lists         []ListAppearance
	Companies     []Company
	ReleaseDates  []ReleaseDate
}

// PosterURL returns the w500 poster URL ("" without one).
func (m MovieDetail) PosterURL() string { return tmdbImage("w500", m.PosterPath) }

// ScoreDetail is the movie's score cache row.
type ScoreDetail struct {
	Lenses             map[string]*float64 // mob, critics, festival_recognition, time_machine, auteurs, box_office
	Overall            *float64
	Confidence         *float64
	DisparityCategory  string
	CalculationVersion string
	CalculatedAt       time.Time
}

// Scoreability is the movie's movie_scoreability_view row.
type Scoreability struct {
	PresentLenses   int
	PresentLabels   []string
	State           string
	ConfidenceLabel string
	DisplayScore    *float64
}

// Rating is one external metric.
type Rating struct {
	Source, Metric string
	Value          *float64
	Text           string
	FetchedAt      time.Time
}

// Credit is one movie credit.
type Credit struct {
	PersonID    int64
	Name        string
	Slug        string
	ProfilePath string
	CreditType  string // cast | crew
	Department  string
	Job         string
	Character   string
	Order       *int
}

// Nomination is a festival nomination or win.
type Nomination struct {
	Festival   Festival
	Year       int
	Category   string
	Won        bool
	Prize      string
	PersonName string
	PersonSlug string
}

// ListAppearance is a canonical list the movie is on.
type ListAppearance struct {
	List List
	Data string // the canonical_sources value (JSON)
}

// Company is a production company.
type Company struct {
	ID   int64
	Name string
	Slug string
}

// ReleaseDate is a movie_release_dates row.
type ReleaseDate struct {
	Country       string
	Certification string
	Date          *time.Time
	Type          *int
}

// Movie loads the show page data for a slug or numeric id (§8). Unknown →
// ErrNotFound. Read-only: nothing is recomputed or enqueued.
func (s *Store) Movie(ctx context.Context, slugOrID string) (*MovieDetail, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	where, arg := "m.slug = $1", any(slugOrID)
	if id, err := strconv.ParseInt(slugOrID, 10, 64); err == nil {
		where, arg = "m.id = $1", id
	}
	m := &MovieDetail{}
	var (
		regions *string
		clock   time.Time
	)
	err := s.db.QueryRow(ctx, `SELECT m.id, m.tmdb_id, COALESCE(m.imdb_id, ''), COALESCE(m.slug, ''), m.title,
		COALESCE(m.original_title, ''), COALESCE(m.overview, ''), COALESCE(m.tagline, ''), COALESCE(m.homepage, ''),
		COALESCE(m.status, ''), COALESCE(m.original_language, ''), m.release_date, m.runtime,
		COALESCE(m.poster_path, ''), COALESCE(m.backdrop_path, ''), COALESCE(m.origin_country, '{}'), m.import_status,
		m.now_playing_last_seen, m.now_playing_region_last_seen::text, now()
		FROM movies m WHERE `+where, arg).Scan(&m.ID, &m.TmdbID, &m.ImdbID, &m.Slug, &m.Title, &m.OriginalTitle,
		&m.Overview, &m.Tagline, &m.Homepage, &m.Status, &m.OriginalLanguage, &m.ReleaseDate, &m.Runtime,
		&m.PosterPath, &m.BackdropPath, &m.OriginCountry, &m.ImportStatus, &m.NowPlayingLastSeen,
		&regions, &clock)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("movies: movie %q: %w", slugOrID, err)
	}
	var raw []byte
	if regions != nil {
		raw = []byte(*regions)
	}
	m.Theaters = theatersAt(m.NowPlayingLastSeen, raw, clock)
	id := m.ID
	b := &pgx.Batch{}
	b.Queue(`SELECT g.id, g.tmdb_id, g.name FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id WHERE mg.movie_id = $1 ORDER BY g.name`, id).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var g Genre
				if err := rows.Scan(&g.ID, &g.TmdbID, &g.Name); err != nil {
					return err
				}
				g.Slug, g.Emoji = Slugify(g.Name), genreEmoji[g.TmdbID]
				m.Genres = append(m.Genres, g)
			}
			return rows.Err()
		})
	b.Queue(`SELECT mob_score, critics_score, festival_recognition_score, time_machine_score, auteurs_score, box_office_score,
		overall_score, score_confidence, COALESCE(disparity_category, ''), calculation_version, calculated_at
		FROM movie_score_caches WHERE movie_id = $1`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			sd := &ScoreDetail{Lenses: map[string]*float64{}}
			var l [6]*float64
			if err := rows.Scan(&l[0], &l[1], &l[2], &l[3], &l[4], &l[5], &sd.Overall, &sd.Confidence,
				&sd.DisparityCategory, &sd.CalculationVersion, &sd.CalculatedAt); err != nil {
				return err
			}
			for i, k := range lensWeightsOrder {
				sd.Lenses[k] = l[i]
			}
			m.Score = sd
		}
		return rows.Err()
	})
	b.Queue(`SELECT present_lens_count, COALESCE(present_lens_labels, '{}'), scoreability_state, score_confidence_label, cinegraph_display_score
		FROM movie_scoreability_view WHERE movie_id = $1`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			sc := &m.Scoreability
			if err := rows.Scan(&sc.PresentLenses, &sc.PresentLabels, &sc.State, &sc.ConfidenceLabel, &sc.DisplayScore); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	b.Queue(`SELECT DISTINCT ON (source, metric_type) source, metric_type, value, COALESCE(text_value, ''), fetched_at
		FROM external_metrics WHERE movie_id = $1 ORDER BY source, metric_type, fetched_at DESC`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var r Rating
			if err := rows.Scan(&r.Source, &r.Metric, &r.Value, &r.Text, &r.FetchedAt); err != nil {
				return err
			}
			m.Ratings = append(m.Ratings, r)
		}
		return rows.Err()
	})
	b.Queue(`SELECT p.id, p.name, COALESCE(p.slug, ''), COALESCE(mc.profile_path, p.profile_path, ''), mc.credit_type,
		COALESCE(mc.department, ''), COALESCE(mc.job, ''), COALESCE(mc.character, ''), mc.cast_order
		FROM movie_credits mc JOIN people p ON p.id = mc.person_id WHERE mc.movie_id = $1
		ORDER BY mc.credit_type, mc.cast_order NULLS LAST, mc.department, mc.job, p.name, mc.id`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var c Credit
			if err := rows.Scan(&c.PersonID, &c.Name, &c.Slug, &c.ProfilePath, &c.CreditType, &c.Department, &c.Job, &c.Character, &c.Order); err != nil {
				return err
			}
			switch {
			case c.CreditType == "cast":
				m.Cast = append(m.Cast, c)
			default:
				if c.Job == "Director" {
					m.Directors = append(m.Directors, c)
				}
				m.Crew = append(m.Crew, c)
			}
		}
		return rows.Err()
	})
	b.Queue(`SELECT fo.id, fo.name, COALESCE(fo.slug, ''), COALESCE(fo.abbreviation, ''), fc.year, fcat.name,
		COALESCE(fn.won, false), COALESCE(fn.prize_name, ''), COALESCE(p.name, ''), COALESCE(p.slug, '')
		FROM festival_nominations fn
		JOIN festival_ceremonies fc ON fc.id = fn.ceremony_id
		JOIN festival_organizations fo ON fo.id = fc.organization_id
		JOIN festival_categories fcat ON fcat.id = fn.category_id
		LEFT JOIN people p ON p.id = fn.person_id
		WHERE fn.movie_id = $1 ORDER BY fc.year DESC, fo.name, fn.won DESC, fcat.name`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var n Nomination
			if err := rows.Scan(&n.Festival.ID, &n.Festival.Name, &n.Festival.Slug, &n.Festival.Abbreviation, &n.Year,
				&n.Category, &n.Won, &n.Prize, &n.PersonName, &n.PersonSlug); err != nil {
				return err
			}
			m.Nominations = append(m.Nominations, n)
		}
		return rows.Err()
	})
	b.Queue(`SELECT ml.id, ml.source_key, COALESCE(ml.slug, ''), ml.name, COALESCE(ml.active, false), (m.canonical_sources -> ml.source_key)::text
		FROM movies m JOIN movie_lists ml ON m.canonical_sources ? ml.source_key
		WHERE m.id = $1 ORDER BY ml.display_order, ml.name`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var la ListAppearance
			if err := rows.Scan(&la.List.ID, &la.List.SourceKey, &la.List.Slug, &la.List.Name, &la.List.Active, &la.Data); err != nil {
				return err
			}
			m.Lists = append(m.Lists, la)
		}
		return rows.Err()
	})
	b.Queue(`SELECT pc.id, pc.name, COALESCE(pc.slug, '') FROM movie_production_companies mpc
		JOIN production_companies pc ON pc.id = mpc.production_company_id WHERE mpc.movie_id = $1 ORDER BY pc.name`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var c Company
			if err := rows.Scan(&c.ID, &c.Name, &c.Slug); err != nil {
				return err
			}
			m.Companies = append(m.Companies, c)
		}
		return rows.Err()
	})
	b.Queue(`SELECT country_code, COALESCE(certification, ''), release_date, release_type FROM movie_release_dates
		WHERE movie_id = $1 ORDER BY country_code, release_type NULLS LAST, id`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var r ReleaseDate
			if err := rows.Scan(&r.Country, &r.Certification, &r.Date, &r.Type); err != nil {
				return err
			}
			m.ReleaseDates = append(m.ReleaseDates, r)
		}
		return rows.Err()
	})
	if err := s.db.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("movies: movie %q: %w", slugOrID, err)
	}
	for _, r := range m.Ratings {
		if r.Source == "omdb" && r.Metric == "content_rating" {
			m.ContentRating = normaliseRating(r.Text)
		}
	}
	m.Certification = m.ContentRating
	if m.Certification == "" {
		for _, r := range m.ReleaseDates {
			if r.Country == "US" && r.Certification != "" {
				m.Certification = r.Certification
				break
			}
		}
	}
	return m, nil
}

func normaliseRating(s string) string {
	return strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "RATED ")
}
