package movies

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// The show page's connections (§8 "key collaborations and related
// movies"), defined here because the original's definitions are not in the
// specification. Both start from the movie's key people: its directors
// (crew credits with job 'Director') and its top-billed cast (cast_order
// 0–9). Other movies count only when they are in the catalogue
// (import_status 'full', as the index lists), so every link leads to a
// listed film. Both queries are bounded by the key people's own credits,
// which the index movie_credits (person_id, job) serves.
const (
	// topBilled is how many cast members (by cast_order) are key people.
	topBilled = 10
	// MaxCollabs and MaxRelated bound the two lists.
	MaxCollabs = 6
	MaxRelated = 6
	// collabTitles is how many of a pair's other films a Collab names.
	collabTitles = 3
)

// FilmRef is a movie as a link on another page.
type FilmRef struct {
	ID          int64
	Slug        string
	Title       string
	ReleaseDate *time.Time
	PosterPath  string
}

// Href is the movie's page: /movies/<slug>, or /movies/<id> without a slug.
func (f FilmRef) Href() string {
	if f.Slug != "" {
		return "/movies/" + url.PathEscape(f.Slug)
	}
	return "/movies/" + strconv.FormatInt(f.ID, 10)
}

// Year is the release year, "" without a date.
func (f FilmRef) Year() string {
	if f.ReleaseDate == nil {
		return ""
	}
	return strconv.Itoa(f.ReleaseDate.Year())
}

// PosterURL is the small (w185) poster, "" without one.
func (f FilmRef) PosterURL() string { return tmdbImage("w185", f.PosterPath) }

// CollabPerson is one side of a Collab: a key person of the movie and
// their role in it.
type CollabPerson struct {
	ID        int64
	Name      string
	Slug      string
	Director  bool   // a director of this movie (else top-billed cast)
	Character string // the cast role, when not a director
}

// Href is the person's page: /people/<slug>, or /people/<id>.
func (p CollabPerson) Href() string { return PersonHref(p.ID, p.Slug) }

// Collab is a key collaboration: two key people of the movie who are also
// both credited (in any role) on at least one other catalogue movie.
type Collab struct {
	// A is the higher billed of the two: directors first, then cast by
	// cast_order (person id breaks ties).
	A, B CollabPerson
	// Films is how many films they share, this one included (≥ 2).
	Films int
	// Others are up to three of the other shared films, newest first.
	Others []FilmRef
}

// RelatedMovie is a catalogue movie that shares key people with the movie.
type RelatedMovie struct {
	FilmRef
	SharedPeople int // the movie's key people credited on it (any role)
	SharedGenres int
}

// Connections are the show page's Collabs and related movies.
type Connections struct {
	// Collabs are at most MaxCollabs pairs, most shared films first, then
	// by the billing of A, then of B.
	Collabs []Collab
	// Related are at most MaxRelated other catalogue movies on which at
	// least one key person of the movie is credited: most shared key
	// people first, then most shared genres, then newest (no date last),
	// then id. Movies that share only genres are not candidates (that
	// would rank a large part of the catalogue).
	Related []RelatedMovie
}

// keyPeopleSQL is the key people of movie $1 with their billing rank
// (directors 0, cast 1+cast_order) and role.
var keyPeopleSQL = `key AS (
	SELECT person_id,
		min(CASE WHEN credit_type = 'crew' THEN 0 ELSE 1 + cast_order END) AS rank,
		bool_or(credit_type = 'crew') AS director,
		COALESCE(min(character) FILTER (WHERE credit_type = 'cast'), '') AS character
	FROM movie_credits
	WHERE movie_id = $1 AND ((credit_type = 'crew' AND job = 'Director')
		OR (credit_type = 'cast' AND cast_order >= 0 AND cast_order < ` + strconv.Itoa(topBilled) + `))
	GROUP BY person_id)`

// Connections loads the Collabs and related movies of movie id, in one
// round trip under the store's query timeout.
func (s *Store) Connections(ctx context.Context, id int64) (*Connections, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	c := &Connections{}
	b := &pgx.Batch{}
	// other: each key person's other catalogue films; a pair shares the
	// films both appear in.
	b.Queue(`WITH `+keyPeopleSQL+`,
		other AS (
			SELECT DISTINCT mc.person_id, mc.movie_id
			FROM movie_credits mc JOIN key k ON k.person_id = mc.person_id
			JOIN movies m ON m.id = mc.movie_id AND m.import_status = 'full'
			WHERE mc.movie_id <> $1),
		pairs AS (
			SELECT oa.person_id AS a, ob.person_id AS b, oa.movie_id
			FROM other oa JOIN other ob ON ob.movie_id = oa.movie_id
			JOIN key ka ON ka.person_id = oa.person_id
			JOIN key kb ON kb.person_id = ob.person_id
			WHERE (ka.rank, ka.person_id) < (kb.rank, kb.person_id))
		SELECT ka.person_id, pa.name, COALESCE(pa.slug, ''), ka.director, ka.character,
			kb.person_id, pb.name, COALESCE(pb.slug, ''), kb.director, kb.character,
			count(*) + 1,
			(array_agg(m.id ORDER BY m.release_date DESC NULLS LAST, m.id))[1:$2],
			(array_agg(COALESCE(m.slug, '') ORDER BY m.release_date DESC NULLS LAST, m.id))[1:$2],
			(array_agg(m.title ORDER BY m.release_date DESC NULLS LAST, m.id))[1:$2],
			(array_agg(m.release_date ORDER BY m.release_date DESC NULLS LAST, m.id))[1:$2],
			(array_agg(COALESCE(m.poster_path, '') ORDER BY m.release_date DESC NULLS LAST, m.id))[1:$2]
		FROM pairs
		JOIN key ka ON ka.person_id = pairs.a JOIN key kb ON kb.person_id = pairs.b
		JOIN people pa ON pa.id = pairs.a JOIN people pb ON pb.id = pairs.b
		JOIN movies m ON m.id = pairs.movie_id
		GROUP BY ka.person_id, pa.name, pa.slug, ka.director, ka.character, ka.rank,
			kb.person_id, pb.name, pb.slug, kb.director, kb.character, kb.rank
		ORDER BY count(*) DESC, ka.rank, ka.person_id, kb.rank, kb.person_id
		LIMIT $3`, id, collabTitles, MaxCollabs).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var cb Collab
			var ids []int64
			var slugs, titles, posters []string
			var dates []*time.Time
			if err := rows.Scan(&cb.A.ID, &cb.A.Name, &cb.A.Slug, &cb.A.Director, &cb.A.Character,
				&cb.B.ID, &cb.B.Name, &cb.B.Slug, &cb.B.Director, &cb.B.Character,
				&cb.Films, &ids, &slugs, &titles, &dates, &posters); err != nil {
				return err
			}
			for i := range ids {
				cb.Others = append(cb.Others, FilmRef{ID: ids[i], Slug: slugs[i], Title: titles[i], ReleaseDate: dates[i], PosterPath: posters[i]})
			}
			c.Collabs = append(c.Collabs, cb)
		}
		return rows.Err()
	})
	b.Queue(`WITH `+keyPeopleSQL+`,
		cand AS (
			SELECT mc.movie_id, count(DISTINCT mc.person_id) AS people
			FROM movie_credits mc JOIN key k ON k.person_id = mc.person_id
			WHERE mc.movie_id <> $1
			GROUP BY mc.movie_id)
		SELECT m.id, COALESCE(m.slug, ''), m.title, m.release_date, COALESCE(m.poster_path, ''), cand.people,
			(SELECT count(*) FROM movie_genres g JOIN movie_genres mine ON mine.genre_id = g.genre_id AND mine.movie_id = $1
				WHERE g.movie_id = m.id) AS genres
		FROM cand JOIN movies m ON m.id = cand.movie_id AND m.import_status = 'full'
		ORDER BY cand.people DESC, genres DESC, m.release_date DESC NULLS LAST, m.id
		LIMIT $2`, id, MaxRelated).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var r RelatedMovie
			if err := rows.Scan(&r.ID, &r.Slug, &r.Title, &r.ReleaseDate, &r.PosterPath, &r.SharedPeople, &r.SharedGenres); err != nil {
				return err
			}
			c.Related = append(c.Related, r)
		}
		return rows.Err()
	})
	if err := s.db.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("movies: connections of movie %d: %w", id, err)
	}
	return c, nil
}
