package live

import (
	"context"
	"io"
	"reflect"
	"strconv"
	"sync"

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

// ComponentUpdater components receive props from their parent and values
// sent with [Socket.SendUpdate].
//
// As in Phoenix, where a parent's re-render updates only the components
// whose assigns changed, Update runs when the component first renders and
// then on a parent render only if the props differ from the last ones the
// parent gave: state set since (by events or SendUpdate) survives an
// unrelated render of the parent. Props made of plain values (numbers,
// strings, booleans, and arrays and structs of them) are compared with ==;
// any other props (pointers, slices, maps, interfaces, funcs) may have
// changed behind the same value, so Update runs on every parent render
// for them.
//
// A SendUpdate value reaches Update as props too, and only it: a
// component tells the two apart by their types.
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
	props    any    // the props of the parent's last render
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
// view. newComp makes it the first time; props reach Update then and on
// every render of the parent that passes changed props (see
// [ComponentUpdater]).
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
			cs = &compState{cid: reg.next, id: id, comp: newComp(), props: props}
			if err := mountComp(s, cs.comp, props); err != nil {
				return err
			}
			reg.byID[id] = cs
			reg.byCID[cs.cid] = cs
		} else if u, ok := cs.comp.(ComponentUpdater); ok && propsChanged(cs.props, props) {
			cs.props = props
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

// propsChanged reports whether a parent render's props may differ from
// the last ones: only props of plain-value types can be compared (a
// pointer or slice may point at changed data).
func propsChanged(last, next any) bool {
	if last == nil && next == nil {
		return false
	}
	if last == nil || next == nil {
		return true
	}
	t := reflect.TypeOf(next)
	if reflect.TypeOf(last) != t || !plainValue(t) {
		return true
	}
	return last != next
}

var plainTypes sync.Map // reflect.Type -> bool

// plainValue reports whether values of t hold no references, so that ==
// compares everything they contain.
func plainValue(t reflect.Type) bool {
	if v, ok := plainTypes.Load(t); ok {
		return v.(bool)
	}
	var plain bool
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		plain = true
	case reflect.Array:
		plain = plainValue(t.Elem())
	case reflect.Struct:
		plain = true
		for i := range t.NumField() {
			if !plainValue(t.Field(i).Type) {
				plain = false
				break
			}
		}
	}
	plainTypes.Store(t, plain)
	return plain
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
