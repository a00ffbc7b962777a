package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/movies"
)

// PeoplePath is the prefix of the people pages.
const PeoplePath = "/people"

// personShort is how many films of a group show before "Show all".
const personShort = 24

// Person is the read-only person page /people/:slug: the name, profile
// photo, known-for department and the person's catalogue films grouped as
// Directing, Cast (with the character) and other Crew (with the jobs),
// newest first, each a live link to the movie. It is in the movies live
// session, so show page ↔ person page is live navigation. An unknown
// person is a 404; a database failure is an "unavailable" mount error.
type Person struct {
	store *movies.Store
	log   *slog.Logger

	slug   string
	path   string
	params url.Values
	p      *movies.PersonDetail
}

// personGroup is one group of films as the page shows it.
type personGroup struct {
	Key, Label string
	Credits    []movies.PersonCredit // the ones shown
	Total      int
	All        bool // the full list is shown (the group's "?<key>=all")
}

// Mount loads the person.
func (v *Person) Mount(s *live.Socket, p live.Params) error {
	v.slug = p.Get("slug")
	if err := v.load(s); err != nil {
		return err
	}
	if s.Connected() {
		s.Subscribe(v.store.Config().Topic)
	}
	return nil
}

func (v *Person) load(s *live.Socket) error {
	p, err := v.store.Person(s.Context(), v.slug)
	if errors.Is(err, movies.ErrPersonNotFound) {
		return &live.StatusError{Status: http.StatusNotFound, Err: fmt.Errorf("person not found: %q", v.slug)}
	}
	if err != nil {
		v.log.Error("person page: loading the person failed", "slug", v.slug, "request_id", s.RequestID(), "err", err)
		return fmt.Errorf("loading person %q: %w: %w", v.slug, live.ErrUnavailable, err)
	}
	v.p = p
	s.SetTitle(p.Name + " · " + SiteName)
	s.SetMeta(pageMeta(s, p.Name, v.description(), movies.PersonHref(p.ID, p.Slug), "profile", p.LargeProfileURL()))
	return nil
}

// HandleParams reads the group toggles (?directing=all, ?cast=all,
// ?crew=all), links as on the show page.
func (v *Person) HandleParams(_ *live.Socket, u *url.URL, _ live.Params) error {
	v.path = u.Path
	v.params = u.Query()
	return nil
}

// HandleInfo reloads after a data change; a failed reload keeps what the
// page shows.
func (v *Person) HandleInfo(s *live.Socket, _ any) error {
	old := v.p
	if err := v.load(s); err != nil {
		v.p = old
	}
	return nil
}

// Render implements live.View.
func (v *Person) Render() templ.Component { return personPage(v) }

// groups are the non-empty groups, in page order.
func (v *Person) groups() []personGroup {
	var out []personGroup
	for _, g := range []struct {
		key, label string
		credits    []movies.PersonCredit
	}{{"directing", "Directing", v.p.Directing}, {"cast", "Cast", v.p.Cast}, {"crew", "Crew", v.p.Crew}} {
		if len(g.credits) == 0 {
			continue
		}
		pg := personGroup{Key: g.key, Label: g.label, Credits: g.credits, Total: len(g.credits), All: v.params.Get(g.key) == "all"}
		if !pg.All && len(pg.Credits) > personShort {
			pg.Credits = pg.Credits[:personShort]
		}
		out = append(out, pg)
	}
	return out
}

func (v *Person) toggleHref(key string) string {
	p := cloneValues(v.params)
	if p.Get(key) == "all" {
		p.Del(key)
	} else {
		p.Set(key, "all")
	}
	path := v.path
	if path == "" {
		path = PeoplePath + "/" + url.PathEscape(v.slug)
	}
	return movies.EncodeParams(path, p)
}

// description names the department, the film count and the first few
// films of the page.
func (v *Person) description() string {
	var b strings.Builder
	b.WriteString(v.p.Name)
	if v.p.KnownFor != "" {
		b.WriteString(" (" + v.p.KnownFor + ")")
	}
	n := v.p.Films()
	if n == 0 {
		b.WriteString(" on " + SiteName + ".")
		return summary(b.String(), descriptionRunes)
	}
	b.WriteString(": " + plural(n, "film", "films") + " on " + SiteName + ", including ")
	var titles []string
	seen := map[int64]bool{}
	for _, g := range [][]movies.PersonCredit{v.p.Directing, v.p.Cast, v.p.Crew} {
		for _, c := range g {
			if len(titles) < 3 && !seen[c.Film.ID] {
				seen[c.Film.ID] = true
				titles = append(titles, filmLabel(c.Film))
			}
		}
	}
	b.WriteString(strings.Join(titles, ", ") + ".")
	return summary(b.String(), descriptionRunes)
}

func personFilmID(key string, c movies.PersonCredit) string {
	return key + "-film-" + strconv.FormatInt(c.Film.ID, 10)
}
