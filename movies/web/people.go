package web

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/movies"
)

// peopleSearch is the Cast & Crew autocomplete of the drawer, a live
// component (the original's people-search-v2). Its state is the text typed
// and the matches; the selection is the URL's (people=<slugs>), so picking
// or removing a person is a link to the canonical URL with or without that
// person, which works with or without the live connection. Without it,
// the search box is a GET form whose people_q parameter the page answers
// with the matches.
type peopleSearch struct {
	v       *Index
	query   string
	results []movies.Person
	err     error
	selKey  string // the selection the matches were made for
}

func newPeopleSearch() live.Component { return &peopleSearch{} }

func selectionKey(people []movies.Person) string {
	var b strings.Builder
	for _, p := range people {
		b.WriteString(strconv.FormatInt(p.ID, 10))
		b.WriteByte(',')
	}
	return b.String()
}

// Update receives the page on every render of it. A changed selection
// (a person picked or removed) clears the search box.
func (c *peopleSearch) Update(s *live.Socket, props any) error {
	v, ok := props.(*Index)
	if !ok {
		return nil
	}
	first := c.v == nil
	c.v = v
	key := selectionKey(v.people)
	switch {
	case first:
		c.selKey = key
		if v.peopleQ != "" {
			c.search(s.Context(), v.peopleQ)
		}
	case key != c.selKey:
		c.selKey = key
		c.query, c.results, c.err = "", nil, nil
	}
	return nil
}

// HandleEvent handles the events targeted at the component (§4): search
// (the form's people_q, or {value} as the original's keyup sent it),
// select_person, remove_person and clear_search.
func (c *peopleSearch) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "search":
		text := e.Value.Get(paramPeopleQ)
		if !e.Value.Has(paramPeopleQ) {
			text = e.Value.Get("value")
		}
		c.search(s.Context(), text)
	case "select_person":
		id, _ := strconv.ParseInt(e.Value.Get("person_id"), 10, 64)
		for _, p := range c.results {
			if p.ID == id {
				c.v.patch(s, c.addHref(p))
			}
		}
	case "remove_person":
		id, _ := strconv.ParseInt(e.Value.Get("person_id"), 10, 64)
		for _, p := range c.v.people {
			if p.ID == id {
				c.v.patch(s, c.removeHref(p))
			}
		}
	case "clear_search":
		c.query, c.results, c.err = "", nil, nil
	}
	return nil
}

// search looks people up (two characters at least; the store caches
// answers for 30 s) and drops those already selected.
func (c *peopleSearch) search(ctx context.Context, text string) {
	c.query, c.results, c.err = text, nil, nil
	if len([]rune(strings.TrimSpace(text))) < 2 {
		return
	}
	found, err := c.v.store.SearchPeople(ctx, text, 10)
	if err != nil {
		c.err = err
		c.v.log.Error("movies page: people search failed", "query", text, "err", err)
		return
	}
	for _, p := range found {
		if !slices.ContainsFunc(c.v.people, func(x movies.Person) bool { return x.ID == p.ID }) {
			c.results = append(c.results, p)
		}
	}
}

func (c *peopleSearch) addHref(p movies.Person) string {
	return c.v.peopleTo(append(slices.Clone(c.v.people), p))
}

func (c *peopleSearch) removeHref(p movies.Person) string {
	return c.v.peopleTo(slices.DeleteFunc(slices.Clone(c.v.people), func(x movies.Person) bool { return x.ID == p.ID }))
}

// searched reports whether the box holds a query long enough to search.
func (c *peopleSearch) searched() bool { return len([]rune(strings.TrimSpace(c.query))) >= 2 }

// Render implements live.Component.
func (c *peopleSearch) Render() templ.Component { return peopleSearchView(c) }

// initials is the avatar placeholder of a person without a profile image.
func initials(name string) string {
	var b strings.Builder
	for _, f := range strings.Fields(name) {
		r := []rune(f)
		b.WriteRune(r[0])
		if b.Len() >= 2 {
			break
		}
	}
	return strings.ToUpper(b.String())
}
