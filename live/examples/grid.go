package examples

import (
	"fmt"
	"strconv"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// Grid is the benchmark page: a 24-card grid shaped like the movies page's
// result grid, plus a 100-row list. Events: change-one (one card's rating),
// replace-all (24 new cards), insert-top (a row above the 100).
type Grid struct {
	cards []card
	rows  []int
	gen   int
	next  int
}

type card struct {
	ID     int
	Title  string
	Year   int
	Rating string
	Genres []string
}

var genreNames = []string{"Drama", "Comedy", "Thriller", "Documentary", "Animation", "Horror", "Romance", "Sci-Fi"}

func makeCard(id int) card {
	return card{
		ID:     id,
		Title:  fmt.Sprintf("The Film Number %d: A Long Enough Title", id),
		Year:   1950 + id%75,
		Rating: strconv.FormatFloat(5+float64(id%50)/10, 'f', 1, 64),
		Genres: []string{genreNames[id%8], genreNames[(id+3)%8]},
	}
}

// Mount implements live.View.
func (g *Grid) Mount(s *live.Socket, p live.Params) error {
	n := 24
	if v, err := strconv.Atoi(p.Get("cards")); err == nil && v >= 0 && v <= 500 {
		n = v
	}
	for i := 0; i < n; i++ {
		g.next++
		g.cards = append(g.cards, makeCard(g.next))
	}
	for i := 1; i <= 100; i++ {
		g.rows = append(g.rows, i)
	}
	s.SetTitle("Grid")
	return nil
}

// HandleEvent implements live.EventHandler.
func (g *Grid) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "change-one":
		if len(g.cards) > 0 {
			c := &g.cards[g.gen%len(g.cards)]
			c.Rating = strconv.FormatFloat(5+float64((g.gen*7)%50)/10, 'f', 1, 64)
		}
		g.gen++
	case "replace-all":
		for i := range g.cards {
			g.next++
			g.cards[i] = makeCard(g.next)
		}
		g.gen++
	case "insert-top":
		g.rows = append([]int{len(g.rows) + 1}, g.rows...)
	}
	return nil
}

// Render implements live.View.
func (g *Grid) Render() templ.Component { return gridPage(g) }
