package examples

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// Counter is the counter page: /examples/counter?n=N.
type Counter struct {
	count int
	n     int
	q     string
}

// Mount implements live.View.
func (c *Counter) Mount(s *live.Socket, p live.Params) error {
	s.SetTitle("Counter")
	return nil
}

// HandleParams reads n (default 10) from the URL.
func (c *Counter) HandleParams(s *live.Socket, u *url.URL, p live.Params) error {
	c.n = 10
	if n, err := strconv.Atoi(p.Get("n")); err == nil && n >= 0 && n <= 10000 {
		c.n = n
	}
	return nil
}

// HandleEvent handles the click and the filter form.
func (c *Counter) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "inc":
		c.count++
	case "filter":
		c.q = e.Value.Get("q")
	}
	return nil
}

// Render implements live.View.
func (c *Counter) Render() templ.Component { return counterPage(c) }

func (c *Counter) shown() []int {
	out := make([]int, 0, c.n)
	for i := 1; i <= c.n; i++ {
		if c.q == "" || strings.Contains("item "+strconv.Itoa(i), c.q) {
			out = append(out, i)
		}
	}
	return out
}

func (c *Counter) moreURL() string {
	return "/examples/counter?n=" + strconv.Itoa(c.n+5)
}
