package movies_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/sample"
)

// The golden people: Cy directs G7, G9 and G29; Ada is cast in G7 and G8;
// Bo in G7 and G9. So on G7 Cy and Bo are the one pair with another film
// together (G9).
func TestConnectionsGolden(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{})
	ctx := context.Background()
	c, err := s.Connections(ctx, golden("golden-trio-genres-2010"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Collabs) != 1 {
		t.Fatalf("trio collabs: %+v", c.Collabs)
	}
	cb := c.Collabs[0]
	if cb.A.ID != sample.GoldenCy || !cb.A.Director || cb.A.Slug != "cy-golden" || cb.A.Href() != "/people/cy-golden" ||
		cb.B.ID != sample.GoldenBo || cb.B.Director || cb.B.Character != "Golden Role" || cb.Films != 2 {
		t.Errorf("trio collab: %+v", cb)
	}
	if len(cb.Others) != 1 || cb.Others[0].Slug != "golden-solo-comedy-2012" || cb.Others[0].Title != "Golden Solo Comedy" ||
		cb.Others[0].Year() != "2012" || cb.Others[0].Href() != "/movies/golden-solo-comedy-2012" {
		t.Errorf("trio collab films: %+v", cb.Others)
	}
	// G9 shares Cy and Bo (and comedy), G8 Ada (and drama, comedy), G29 Cy.
	if got := relatedSlugs(c); !slices.Equal(got, []string{"golden-solo-comedy-2012:2:1", "golden-duo-genres-2011:1:2", "golden-cannes-winner:1:0"}) {
		t.Errorf("trio related: %v", got)
	}
	c, err = s.Connections(ctx, golden("golden-duo-genres-2011"))
	if err != nil || len(c.Collabs) != 0 || !slices.Equal(relatedSlugs(c), []string{"golden-trio-genres-2010:1:2"}) {
		t.Errorf("duo: %+v %v", c, err)
	}
	c, err = s.Connections(ctx, golden("golden-2003"))
	if err != nil || len(c.Collabs) != 0 || len(c.Related) != 0 {
		t.Errorf("no credits: %+v %v", c, err)
	}
}

func relatedSlugs(c *movies.Connections) []string {
	var out []string
	for _, r := range c.Related {
		out = append(out, fmt.Sprintf("%s:%d:%d", r.Slug, r.SharedPeople, r.SharedGenres))
	}
	return out
}

// catalogue is the sample database read back whole, for the oracles.
type catalogue struct {
	movies  map[int64]oMovie
	credits []oCredit
	genres  map[int64]map[int64]bool
	names   map[int64]string
}

type oMovie struct {
	id    int64
	slug  string
	title string
	full  bool
	date  *time.Time
}

type oCredit struct {
	movie, person int64
	cast          bool
	job, char     string
	order         *int
}

func readCatalogue(t *testing.T, dsn string) *catalogue {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	c := &catalogue{movies: map[int64]oMovie{}, genres: map[int64]map[int64]bool{}, names: map[int64]string{}}
	rows, _ := conn.Query(ctx, `SELECT id, COALESCE(slug, ''), title, import_status = 'full', release_date FROM movies`)
	var m oMovie
	if _, err := pgx.ForEachRow(rows, []any{&m.id, &m.slug, &m.title, &m.full, &m.date}, func() error {
		c.movies[m.id] = m
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rows, _ = conn.Query(ctx, `SELECT movie_id, person_id, credit_type = 'cast', COALESCE(job, ''), COALESCE(character, ''), cast_order FROM movie_credits`)
	var cr oCredit
	if _, err := pgx.ForEachRow(rows, []any{&cr.movie, &cr.person, &cr.cast, &cr.job, &cr.char, &cr.order}, func() error {
		c.credits = append(c.credits, cr)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rows, _ = conn.Query(ctx, `SELECT movie_id, genre_id FROM movie_genres`)
	var mid, gid int64
	if _, err := pgx.ForEachRow(rows, []any{&mid, &gid}, func() error {
		if c.genres[mid] == nil {
			c.genres[mid] = map[int64]bool{}
		}
		c.genres[mid][gid] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rows, _ = conn.Query(ctx, `SELECT id, name FROM people`)
	var pid int64
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&pid, &name}, func() error {
		c.names[pid] = name
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

// newest orders films newest first, no date last, then by id.
func (c *catalogue) newest(a, b int64) int {
	da, db := c.movies[a].date, c.movies[b].date
	switch {
	case da != nil && db != nil && !da.Equal(*db):
		return db.Compare(*da)
	case da != nil && db == nil:
		return -1
	case da == nil && db != nil:
		return 1
	}
	return cmp.Compare(a, b)
}

// connections computes the definitions of movies.Connections in Go.
func (c *catalogue) connections(id int64) (collabs, related []string) {
	type key struct {
		rank     int
		director bool
	}
	keys := map[int64]key{}
	for _, cr := range c.credits {
		if cr.movie != id {
			continue
		}
		var k key
		switch {
		case !cr.cast && cr.job == "Director":
			k = key{0, true}
		case cr.cast && cr.order != nil && *cr.order >= 0 && *cr.order < 10:
			k = key{1 + *cr.order, false}
		default:
			continue
		}
		if old, ok := keys[cr.person]; !ok || k.rank < old.rank {
			k.director = k.director || ok && old.director
			keys[cr.person] = k
		} else if k.director {
			old.director = true
			keys[cr.person] = old
		}
	}
	films := map[int64]map[int64]bool{} // key person -> other catalogue films
	for _, cr := range c.credits {
		if _, ok := keys[cr.person]; ok && cr.movie != id && c.movies[cr.movie].full {
			if films[cr.person] == nil {
				films[cr.person] = map[int64]bool{}
			}
			films[cr.person][cr.movie] = true
		}
	}
	var people []int64
	for p := range keys {
		people = append(people, p)
	}
	slices.SortFunc(people, func(a, b int64) int {
		return cmp.Or(cmp.Compare(keys[a].rank, keys[b].rank), cmp.Compare(a, b))
	})
	type pair struct {
		a, b   int64
		shared []int64
	}
	var pairs []pair
	for i, a := range people {
		for _, b := range people[i+1:] {
			var shared []int64
			for f := range films[a] {
				if films[b][f] {
					shared = append(shared, f)
				}
			}
			if len(shared) > 0 {
				slices.SortFunc(shared, c.newest)
				pairs = append(pairs, pair{a, b, shared})
			}
		}
	}
	slices.SortStableFunc(pairs, func(x, y pair) int { return cmp.Compare(len(y.shared), len(x.shared)) })
	for _, p := range pairs[:min(len(pairs), movies.MaxCollabs)] {
		var titles []string
		for _, f := range p.shared[:min(len(p.shared), 3)] {
			titles = append(titles, c.movies[f].title)
		}
		collabs = append(collabs, fmt.Sprintf("%s(%v)+%s(%v):%d:%s", c.names[p.a], keys[p.a].director, c.names[p.b], keys[p.b].director,
			len(p.shared)+1, strings.Join(titles, "|")))
	}
	type cand struct {
		id             int64
		people, genres int
	}
	shared := map[int64]map[int64]bool{}
	for p, fs := range films {
		for f := range fs {
			if shared[f] == nil {
				shared[f] = map[int64]bool{}
			}
			shared[f][p] = true
		}
	}
	var cands []cand
	for f, ps := range shared {
		g := 0
		for x := range c.genres[f] {
			if c.genres[id][x] {
				g++
			}
		}
		cands = append(cands, cand{f, len(ps), g})
	}
	slices.SortFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(y.people, x.people), cmp.Compare(y.genres, x.genres), c.newest(x.id, y.id))
	})
	for _, x := range cands[:min(len(cands), movies.MaxRelated)] {
		related = append(related, fmt.Sprintf("%s:%d:%d", c.movies[x.id].slug, x.people, x.genres))
	}
	return collabs, related
}

// Every movie of the sample set against the Go oracle.
func TestConnectionsOracle(t *testing.T) {
	dsn := seededDSN(t)
	s := openStore(t, dsn, movies.Config{})
	cat := readCatalogue(t, dsn)
	ctx := context.Background()
	var withCollabs, withRelated int
	for id := range cat.movies {
		c, err := s.Connections(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var collabs []string
		for _, cb := range c.Collabs {
			var titles []string
			for _, f := range cb.Others {
				titles = append(titles, f.Title)
			}
			collabs = append(collabs, fmt.Sprintf("%s(%v)+%s(%v):%d:%s", cb.A.Name, cb.A.Director, cb.B.Name, cb.B.Director, cb.Films, strings.Join(titles, "|")))
		}
		wantCollabs, wantRelated := cat.connections(id)
		if !slices.Equal(collabs, wantCollabs) {
			t.Errorf("movie %d collabs:\n got %q\nwant %q", id, collabs, wantCollabs)
		}
		if got := relatedSlugs(c); !slices.Equal(got, wantRelated) {
			t.Errorf("movie %d related:\n got %q\nwant %q", id, got, wantRelated)
		}
		if len(c.Collabs) > 0 {
			withCollabs++
		}
		if len(c.Related) > 0 {
			withRelated++
		}
	}
	// The oracle must have had something to compare.
	if withCollabs < 50 || withRelated < 200 {
		t.Errorf("only %d movies with collabs and %d with related movies", withCollabs, withRelated)
	}
	t.Logf("%d movies: %d with collabs, %d with related movies", len(cat.movies), withCollabs, withRelated)
}

func TestPerson(t *testing.T) {
	dsn := seededDSN(t)
	s := openStore(t, dsn, movies.Config{})
	ctx := context.Background()
	p, err := s.Person(ctx, "cy-golden")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != sample.GoldenCy || p.Name != "Cy Golden" || p.KnownFor != "Directing" || p.ProfileURL() != "" || len(p.Cast) != 0 || len(p.Crew) != 0 {
		t.Errorf("cy: %+v", p)
	}
	if got := creditLine(p.Directing); got != "golden-cannes-winner 2014 Director|golden-solo-comedy-2012 2012 Director|golden-trio-genres-2010 2010 Director" {
		t.Errorf("cy directing: %s", got)
	}
	p, err = s.Person(ctx, fmt.Sprint(sample.GoldenAda))
	if err != nil || p.Slug != "ada-golden" || len(p.Directing) != 0 || p.Films() != 2 {
		t.Fatalf("ada by id: %+v %v", p, err)
	}
	if got := creditLine(p.Cast); got != "golden-duo-genres-2011 2011 Golden Role|golden-trio-genres-2010 2010 Golden Role" {
		t.Errorf("ada cast: %s", got)
	}
	if _, err := s.Person(ctx, "nobody-at-all"); !errors.Is(err, movies.ErrPersonNotFound) {
		t.Errorf("unknown person: %v", err)
	}
	if got := movies.PersonHref(7, ""); got != "/people/7" {
		t.Errorf("PersonHref without a slug: %s", got)
	}
	// Generated people against the Go oracle: the busiest ones have
	// films in every group.
	cat := readCatalogue(t, dsn)
	for id := int64(1); id <= 40; id++ {
		p, err := s.Person(ctx, fmt.Sprint(id))
		if err != nil {
			t.Fatal(err)
		}
		want := [3][]string{}
		groups := map[[2]int64]map[string]bool{} // (group, movie) -> roles
		for _, cr := range cat.credits {
			if cr.person != id || !cat.movies[cr.movie].full {
				continue
			}
			g, role := int64(2), cr.job
			switch {
			case cr.cast:
				g, role = 1, cr.char
			case cr.job == "Director":
				g = 0
			}
			k := [2]int64{g, cr.movie}
			if groups[k] == nil {
				groups[k] = map[string]bool{}
			}
			if role != "" {
				groups[k][role] = true
			}
		}
		var keys [][2]int64
		for k := range groups {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b [2]int64) int {
			return cmp.Or(cmp.Compare(a[0], b[0]), cat.newestTitle(a[1], b[1]))
		})
		for _, k := range keys {
			var roles []string
			for r := range groups[k] {
				roles = append(roles, r)
			}
			slices.Sort(roles)
			m := cat.movies[k[1]]
			y := ""
			if m.date != nil {
				y = fmt.Sprint(m.date.Year())
			}
			want[k[0]] = append(want[k[0]], strings.TrimSpace(m.slug+" "+y)+" "+strings.Join(roles, ", "))
		}
		for g, got := range [][]movies.PersonCredit{p.Directing, p.Cast, p.Crew} {
			if w := strings.Join(want[g], "|"); creditLine(got) != w {
				t.Errorf("person %d group %d:\n got %s\nwant %s", id, g, creditLine(got), w)
			}
		}
	}
}

// newestTitle is newest, with the title before the id.
func (c *catalogue) newestTitle(a, b int64) int {
	da, db := c.movies[a].date, c.movies[b].date
	if (da == nil) == (db == nil) && (da == nil || da.Equal(*db)) {
		if x := cmp.Compare(c.movies[a].title, c.movies[b].title); x != 0 {
			return x
		}
	}
	return c.newest(a, b)
}

func creditLine(cs []movies.PersonCredit) string {
	var out []string
	for _, c := range cs {
		out = append(out, strings.TrimSpace(c.Film.Slug+" "+c.Film.Year())+" "+c.Role)
	}
	return strings.Join(out, "|")
}
