package examples

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// RefCounter is /examples/refcounter: the counter page of phoenix-ref
// (the Phoenix 1.7 / LiveView 1.0 reference app, PhoenixRef.CounterLive)
// rendered and handled the same way, so that `make bench-vs-phoenix`
// compares like with like: the count, an "inc" click, the "filter" form,
// n items (?n=, default 10, at most 100,000) kept in the state as the
// Elixir view keeps them in its assigns, and a patch link adding 5.
// The /examples/counter page differs in small ways (a flash, a label, a
// submit button, the title).
type RefCounter struct {
	count     int
	filter    string
	n         int
	transport string
	items     []refItem
}

type refItem struct {
	id    int
	label string
}

const refMaxN = 100_000

// Mount implements live.View.
func (c *RefCounter) Mount(s *live.Socket, p live.Params) error { return nil }

// HandleParams reads n and transport, and recomputes the items.
func (c *RefCounter) HandleParams(s *live.Socket, u *url.URL, p live.Params) error {
	c.n = 10
	if n, err := strconv.Atoi(p.Get("n")); err == nil && n >= 0 {
		c.n = min(n, refMaxN)
	}
	c.transport = ""
	if p.Get("transport") == "longpoll" {
		c.transport = "longpoll"
	}
	c.items = refItems(c.n, c.filter)
	return nil
}

// HandleEvent handles "inc" and the "filter" form.
func (c *RefCounter) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "inc":
		c.count++
	case "filter":
		c.filter = e.Value.Get("q")
		c.items = refItems(c.n, c.filter)
	}
	return nil
}

// Render implements live.View.
func (c *RefCounter) Render() templ.Component { return refCounterPage(c) }

func (c *RefCounter) patchPath() string {
	p := "/examples/refcounter?n=" + strconv.Itoa(c.n+5)
	if c.transport != "" {
		p += "&transport=" + c.transport
	}
	return p
}

func refItems(n int, filter string) []refItem {
	var out []refItem
	for i := 1; i <= n; i++ {
		label := "item " + strconv.Itoa(i)
		if filter == "" || strings.Contains(label, filter) {
			out = append(out, refItem{id: i, label: label})
		}
	}
	return out
}
