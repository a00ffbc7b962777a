package live

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live/tree"
)

// Component is a stateful live component: it lives inside a view, keeps its
// own state in its fields, handles events sent to it with phx-target, and
// is re-rendered (and diffed) on its own. Its markup must have exactly one
// root element (the client marks it with data-phx-component).
type Component interface {
	Render() templ.Component
}

// ComponentMounter components initialise themselves once, when first
// rendered.
type ComponentMounter interface {
	Mount(s *Socket) error
}

// ComponentUpdater components receive the props of every parent render.
type ComponentUpdater interface {
	Update(s *Socket, props any) error
}

// ComponentEventHandler components handle events targeted at them
// (phx-target={ live.Myself(ctx) }).
type ComponentEventHandler interface {
	HandleEvent(s *Socket, e Event) error
}

type compState struct {
	cid      int
	id       string
	comp     Component
	last     *tree.Node
	seen     uint64 // render pass that last rendered it
	doomed   uint64 // pass at which the client announced its removal
	rendered *tree.Node
}

// components is a view's component registry.
type components struct {
	byID  map[string]*compState
	byCID map[int]*compState
	next  int
	pass  uint64
	dirty []*compState // rendered during the current pass, in order
}

type cidKey struct{}

// Myself is the phx-target value of the component being rendered (its cid),
// for events the component handles itself.
func Myself(ctx context.Context) string {
	if cid, ok := ctx.Value(cidKey{}).(int); ok {
		return strconv.Itoa(cid)
	}
	return ""
}

// LiveComponent renders a stateful component identified by id within the
// view. newComp makes it the first time; props reach Update on every
// render of the parent.
func LiveComponent(id string, newComp func() Component, props any) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		s := SocketFrom(ctx)
		if s == nil {
			return io.ErrUnexpectedEOF
		}
		reg := s.comps
		if reg == nil {
			// Dead render: the component renders inline, numbered in render
			// order as the join will number it, so phx-target values match.
			s.deadCIDs++
			c := newComp()
			if err := mountComp(s, c, props); err != nil {
				return err
			}
			return c.Render().Render(context.WithValue(ctx, cidKey{}, s.deadCIDs), w)
		}
		cs := reg.byID[id]
		if cs == nil {
			reg.next++
			cs = &compState{cid: reg.next, id: id, comp: newComp()}
			if err := mountComp(s, cs.comp, props); err != nil {
				return err
			}
			reg.byID[id] = cs
			reg.byCID[cs.cid] = cs
		} else if u, ok := cs.comp.(ComponentUpdater); ok {
			if err := u.Update(s, props); err != nil {
				return err
			}
		}
		if err := reg.render(ctx, cs); err != nil {
			return err
		}
		if r := tree.From(ctx); r != nil {
			r.Component(w, cs.cid)
			return nil
		}
		// Not recording (the component is inside something rendered to
		// its own writer): fall back to its HTML.
		_, err := io.WriteString(w, cs.rendered.HTML())
		return err
	})
}

func mountComp(s *Socket, c Component, props any) error {
	if m, ok := c.(ComponentMounter); ok {
		if err := m.Mount(s); err != nil {
			return err
		}
	}
	if u, ok := c.(ComponentUpdater); ok {
		return u.Update(s, props)
	}
	return nil
}

// render renders one component into its own tree, within the current pass.
func (reg *components) render(ctx context.Context, cs *compState) error {
	if cs.seen == reg.pass && cs.rendered != nil {
		return nil // rendered twice in one pass: same id, same component
	}
	n, err := tree.Render(context.WithValue(ctx, cidKey{}, cs.cid), cs.comp.Render())
	if err != nil {
		return err
	}
	cs.rendered = n
	cs.seen = reg.pass
	reg.dirty = append(reg.dirty, cs)
	return nil
}

// encode returns the "c" map of the components rendered in this pass, or
// nil when none changed. With full, every one is sent whole: the client
// drops its component map when the view's root is replaced.
func (reg *components) encode(enc tree.Encoding, full bool) []byte {
	var out []byte
	for _, cs := range reg.dirty {
		var d []byte
		if full || cs.last == nil || cs.last.FP != cs.rendered.FP {
			d = enc.Full(cs.rendered)
			d = tree.AppendMember(d, "r", []byte("1"))
		} else {
			d = enc.Diff(cs.last, cs.rendered)
		}
		cs.last = cs.rendered
		cs.rendered = nil
		if d == nil {
			continue
		}
		out = tree.AppendMember(out, strconv.Itoa(cs.cid), d)
	}
	reg.dirty = reg.dirty[:0]
	return out
}

// destroy forgets cids the client removed, unless a render since the
// announcement brought them back. It returns the cids actually deleted.
func (reg *components) destroy(cids []int) []int {
	deleted := []int{}
	for _, cid := range cids {
		cs := reg.byCID[cid]
		if cs == nil {
			deleted = append(deleted, cid)
			continue
		}
		if cs.doomed != 0 && cs.seen > cs.doomed {
			continue
		}
		delete(reg.byCID, cid)
		delete(reg.byID, cs.id)
		deleted = append(deleted, cid)
	}
	return deleted
}

func (reg *components) willDestroy(cids []int) {
	for _, cid := range cids {
		if cs := reg.byCID[cid]; cs != nil {
			cs.doomed = reg.pass
		}
	}
}
