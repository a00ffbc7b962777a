package examples

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// Lab exercises the engine's features for the end-to-end tests: a keyed
// list (add at top/bottom, remove, reorder), live components with
// phx-target and updated with SendUpdate, flash, title, patch, navigation
// within and across live_sessions, and redirect.
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
	case "tally-reset":
		s.SendUpdate(live.ComponentID("c1"), TallyCount{0})
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

// TallyCount sets a tally's count: the lab's reset button and a tally's
// "double later" send it with SendUpdate (Phoenix's send_update).
type TallyCount struct{ N int }

// TallyDelay is how long a tally's "double later" takes.
const TallyDelay = 300 * time.Millisecond

func newTally() live.Component { return &Tally{} }

// Update takes the name from the parent and a count sent with
// SendUpdate. The parent's props never change, so its renders leave the
// count alone.
func (t *Tally) Update(s *live.Socket, props any) error {
	switch p := props.(type) {
	case string:
		t.name = p
	case TallyCount:
		t.count = p.N
	}
	return nil
}

// HandleEvent bumps the count, or doubles it later by sending the
// component an update (by its cid) after TallyDelay.
func (t *Tally) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "bump":
		t.count++
	case "double-later":
		s.SendUpdateAfter(TallyDelay, live.ComponentCID(e.CID), TallyCount{2 * t.count})
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
