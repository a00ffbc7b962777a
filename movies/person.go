package movies

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// ErrPersonNotFound is returned by [Store.Person] for an unknown person.
var ErrPersonNotFound = errors.New("movies: person not found")

// PersonHref is a person's page: /people/<slug>, or /people/<id> when the
// person has no slug.
func PersonHref(id int64, slug string) string {
	if slug != "" {
		return "/people/" + url.PathEscape(slug)
	}
	return "/people/" + strconv.FormatInt(id, 10)
}

// PersonDetail is what the read-only person page shows: the person and
// their catalogue films (import_status 'full', as the index lists) from
// movie_credits, in three groups, each newest first (no date last, then
// title and id).
type PersonDetail struct {
	ID          int64
	TmdbID      int
	ImdbID      string
	Name        string
	Slug        string
	ProfilePath string
	KnownFor    string // known_for_department, e.g. "Acting"
	Popularity  *float64

	Directing []PersonCredit // crew credits with job 'Director'
	Cast      []PersonCredit // cast credits; Role is the character(s)
	Crew      []PersonCredit // other crew credits; Role is the job(s)
}

// PersonCredit is one film in a group of the person page. A person with
// several credits of one group on a film (two characters, or Writer and
// Producer) has one entry whose Role joins them with ", ".
type PersonCredit struct {
	Film FilmRef
	Role string
}

// ProfileURL is the profile photo (TMDb size w185), "" without one.
func (p PersonDetail) ProfileURL() string { return tmdbImage("w185", p.ProfilePath) }

// LargeProfileURL is the larger profile photo (h632) for link previews.
func (p PersonDetail) LargeProfileURL() string { return tmdbImage("h632", p.ProfilePath) }

// Films is how many distinct films the three groups hold.
func (p PersonDetail) Films() int {
	seen := map[int64]bool{}
	for _, g := range [][]PersonCredit{p.Directing, p.Cast, p.Crew} {
		for _, c := range g {
			seen[c.Film.ID] = true
		}
	}
	return len(seen)
}

// Person loads the person page for a slug or numeric id, as [Store.Movie]
// does for movies. Unknown → ErrPersonNotFound.
func (s *Store) Person(ctx context.Context, slugOrID string) (*PersonDetail, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	where, arg := "slug = $1", any(slugOrID)
	if id, err := strconv.ParseInt(slugOrID, 10, 64); err == nil {
		where, arg = "id = $1", id
	}
	p := &PersonDetail{}
	err := s.db.QueryRow(ctx, `SELECT id, tmdb_id, COALESCE(imdb_id, ''), name, COALESCE(slug, ''),
		COALESCE(profile_path, ''), COALESCE(known_for_department, ''), popularity
		FROM people WHERE `+where, arg).Scan(&p.ID, &p.TmdbID, &p.ImdbID, &p.Name, &p.Slug, &p.ProfilePath, &p.KnownFor, &p.Popularity)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrPersonNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("movies: person %q: %w", slugOrID, err)
	}
	rows, err := s.db.Query(ctx, `SELECT grp, m.id, COALESCE(m.slug, ''), m.title, m.release_date, COALESCE(m.poster_path, ''), role
		FROM (
			SELECT movie_id, grp, COALESCE(string_agg(DISTINCT role, ', ' ORDER BY role), '') AS role
			FROM (
				SELECT movie_id,
					CASE WHEN credit_type = 'cast' THEN 1 WHEN job = 'Director' THEN 0 ELSE 2 END AS grp,
					NULLIF(CASE WHEN credit_type = 'cast' THEN character ELSE job END, '') AS role
				FROM movie_credits WHERE person_id = $1) x
			GROUP BY movie_id, grp) c
		JOIN movies m ON m.id = c.movie_id AND m.import_status = 'full'
		ORDER BY grp, m.release_date DESC NULLS LAST, m.title, m.id`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("movies: credits of person %d: %w", p.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var grp int
		var c PersonCredit
		if err := rows.Scan(&grp, &c.Film.ID, &c.Film.Slug, &c.Film.Title, &c.Film.ReleaseDate, &c.Film.PosterPath, &c.Role); err != nil {
			return nil, fmt.Errorf("movies: credits of person %d: %w", p.ID, err)
		}
		switch grp {
		case 0:
			p.Directing = append(p.Directing, c)
		case 1:
			p.Cast = append(p.Cast, c)
		default:
			p.Crew = append(p.Crew, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("movies: credits of person %d: %w", p.ID, err)
	}
	return p, nil
}
