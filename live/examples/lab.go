package examples

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// Lab exercises the engine's features for the end-to-end tests: a keyed
// list (add at top/bottom, remove, reorder), live components with
// phx-target, flash, title, patch, navigation within and across
// live_sessions, and redirect.
type Lab struct {
	page    string
	mountID string
	sort    string
	rows    []labRow
	nextID  int
}

type labRow struct {
	id    int
	label string
}

func newLab(page string) func() live.View {
	return func() live.View { return &Lab{page: page} }
}

// Mount implements live.View.
func (v *Lab) Mount(s *live.Socket, p live.Params) error {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	v.mountID = hex.EncodeToString(b)
	for i := 0; i < 3; i++ {
		v.add(false)
	}
	s.SetTitle("Lab " + v.page)
	return nil
}

// HandleParams reads sort.
func (v *Lab) HandleParams(s *live.Socket, u *url.URL, p live.Params) error {
	v.sort = p.Get("sort")
	if v.sort == "" {
		v.sort = "asc"
	}
	return nil
}

func (v *Lab) add(top bool) {
	v.nextID++
	r := labRow{id: v.nextID, label: "row " + strconv.Itoa(v.nextID)}
	if top {
		v.rows = append([]labRow{r}, v.rows...)
	} else {
		v.rows = append(v.rows, r)
	}
}

// HandleEvent implements live.EventHandler.
func (v *Lab) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "add":
		v.add(e.Value.Get("at") == "top")
	case "remove-first":
		if len(v.rows) > 0 {
			v.rows = v.rows[1:]
		}
	case "reverse":
		slices.Reverse(v.rows)
	case "clear":
		v.rows = nil
	case "flash":
		s.PutFlash("info", "Saved at lab "+v.page)
	case "title":
		s.SetTitle("Retitled " + v.page)
	case "redirect":
		s.PutFlash("info", "Redirected from lab")
		s.Redirect("/examples/counter")
	case "navigate":
		s.PutFlash("info", "Navigated from lab "+v.page)
		s.PushNavigate("/examples/lab2", false)
	}
	return nil
}

// Render implements live.View.
func (v *Lab) Render() templ.Component { return labPage(v) }

// Tally is a live component with its own count.
type Tally struct {
	name  string
	count int
}

func newTally() live.Component { return &Tally{} }

// Update takes the name from the parent.
func (t *Tally) Update(s *live.Socket, props any) error {
	t.name, _ = props.(string)
	return nil
}

// HandleEvent bumps the count.
func (t *Tally) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "bump" {
		t.count++
	}
	return nil
}

// Render implements live.Component.
func (t *Tally) Render() templ.Component { return tallyView(t) }

// Other is a view in another live_session.
type Other struct{}

// Mount implements live.View.
func (*Other) Mount(s *live.Socket, p live.Params) error { s.SetTitle("Other"); return nil }

// Render implements live.View.
func (*Other) Render() templ.Component { return otherPage() }
