package examples

import (
	"fmt"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// NestedCrash is what a nested counter panics with on "crash me".
const NestedCrash = "nested counter asked to crash"

// nestedKinds are the child view kinds of one engine's nested pages.
type nestedKinds struct {
	counter *live.ChildView // a nested counter (child-a, child-b)
	sticky  *live.ChildView // the sticky counter of both pages
}

func registerNested(e *live.Engine) nestedKinds {
	return nestedKinds{
		counter: e.Child("examples.nested.counter", func() live.View { return &NestedCounter{} }),
		sticky:  e.Child("examples.nested.sticky", func() live.View { return &StickyCounter{} }),
	}
}

// NestedDemo is /examples/nested: a parent counter with two child live
// views (each its own counter, with a "crash me" button and a message to
// the parent) and a sticky counter that survives live navigation to
// /examples/nested2.
type NestedDemo struct {
	kinds   nestedKinds
	count   int
	message string // the last message a child sent
	resets  int
}

// childHello is what a nested counter sends its parent.
type childHello struct {
	from  string
	count int
}

// childReset is what the parent sends a child.
type childReset struct{}

// Mount implements live.View.
func (v *NestedDemo) Mount(s *live.Socket, _ live.Params) error {
	s.SetTitle("Nested views")
	v.message = "none"
	return nil
}

// HandleEvent counts, and resets the children through messages.
func (v *NestedDemo) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "inc":
		v.count++
	case "reset-children":
		v.resets++
		s.SendChild("child-a", childReset{})
		s.SendChild("child-b", childReset{})
	}
	return nil
}

// HandleInfo shows what a child said.
func (v *NestedDemo) HandleInfo(s *live.Socket, msg any) error {
	if m, ok := msg.(childHello); ok {
		v.message = fmt.Sprintf("%s says hello at %d", m.from, m.count)
	}
	return nil
}

// Render implements live.View.
func (v *NestedDemo) Render() templ.Component { return nestedPage(v) }

// NestedCounter is a child view: its own counter, a "crash me" button and
// a message to its parent.
type NestedCounter struct {
	id    string
	label string
	count int
}

// Mount implements live.View; the label comes from the session the
// parent gave it.
func (c *NestedCounter) Mount(s *live.Socket, _ live.Params) error {
	c.id, c.label = s.ID(), s.Session()["label"]
	return nil
}

// HandleEvent implements live.EventHandler.
func (c *NestedCounter) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "inc":
		c.count++
	case "hello":
		return s.SendParent(childHello{from: c.label, count: c.count})
	case "crash":
		panic(NestedCrash)
	}
	return nil
}

// HandleInfo implements live.InfoHandler: the parent resets the counter.
func (c *NestedCounter) HandleInfo(s *live.Socket, msg any) error {
	if _, ok := msg.(childReset); ok {
		c.count = 0
	}
	return nil
}

// Render implements live.View.
func (c *NestedCounter) Render() templ.Component { return nestedCounter(c) }

// StickyCounter is the sticky child of both nested pages.
type StickyCounter struct{ count int }

// Mount implements live.View.
func (c *StickyCounter) Mount(*live.Socket, live.Params) error { return nil }

// HandleEvent implements live.EventHandler.
func (c *StickyCounter) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "inc" {
		c.count++
	}
	return nil
}

// Render implements live.View.
func (c *StickyCounter) Render() templ.Component { return stickyCounter(c) }

// NestedSecond is /examples/nested2: another view of the live_session
// with the same sticky counter.
type NestedSecond struct{ kinds nestedKinds }

// Mount implements live.View.
func (v *NestedSecond) Mount(s *live.Socket, _ live.Params) error {
	s.SetTitle("Nested views, page 2")
	return nil
}

// Render implements live.View.
func (v *NestedSecond) Render() templ.Component { return nestedSecond(v) }
