package live

import (
	"strconv"
	"time"
)

// ComponentRef names a live component of a view for [Socket.SendUpdate]:
// by the id it was rendered with ([ComponentID]) or by its cid
// ([ComponentCID], the value of [Myself] or [Event.CID]).
type ComponentRef struct {
	id  string
	cid int
}

// ComponentID refers to the component rendered with
// LiveComponent(id, ...).
func ComponentID(id string) ComponentRef { return ComponentRef{id: id} }

// ComponentCID refers to a component by its cid.
func ComponentCID(cid int) ComponentRef { return ComponentRef{cid: cid} }

func (r ComponentRef) String() string {
	if r.id != "" || r.cid == 0 {
		return strconv.Quote(r.id)
	}
	return "cid " + strconv.Itoa(r.cid)
}

// componentUpdate is SendUpdate's message in the view's mailbox.
type componentUpdate struct {
	to ComponentRef
	u  any
}

// SendUpdate asks the view to update one of its live components, as
// Phoenix's send_update does: on the view's goroutine, after what is
// already in its mailbox, the component's Update receives u (and nothing
// else: its other state stays as it is), then only that component is
// re-rendered and its diff pushed. It is safe to call from any goroutine
// (another view, a PubSub handler, a task: keep the Socket from Mount)
// and reports false once the view has ended. A component the view does
// not have (any more) is logged at debug level and skipped, as in
// Phoenix: it may have been removed just before the update arrived.
func (s *Socket) SendUpdate(to ComponentRef, u any) bool {
	if s.ch == nil {
		return false
	}
	return s.ch.Send(componentUpdate{to, u})
}

// SendUpdateAfter is [Socket.SendUpdate] after d. The timer ends with the
// view; during the dead render it does nothing.
func (s *Socket) SendUpdateAfter(d time.Duration, to ComponentRef, u any) *Timer {
	if s.ch == nil {
		return &Timer{}
	}
	return &Timer{t: s.ch.SendAfter(d, componentUpdate{to, u})}
}

// SendUpdate is [Socket.SendUpdate] to the connected view with the given
// id ([Socket.ID]); it reports false if no such view is connected to this
// engine.
func (e *Engine) SendUpdate(viewID string, to ComponentRef, u any) bool {
	vc, ok := e.views.Load(viewID)
	return ok && vc.(*viewChannel).ch.Send(componentUpdate{to, u})
}

func (reg *components) lookup(r ComponentRef) *compState {
	if r.id != "" {
		return reg.byID[r.id]
	}
	return reg.byCID[r.cid]
}

// handleUpdate runs a SendUpdate on the view's goroutine.
func (c *viewChannel) handleUpdate(m componentUpdate) {
	cs := c.s.comps.lookup(m.to)
	if cs == nil {
		c.e.log.Debug("send_update: the view has no such component (never rendered, or removed)",
			"view", c.rt.name, "id", c.s.id, "component", m.to.String())
		return
	}
	u, ok := cs.comp.(ComponentUpdater)
	if !ok {
		c.e.log.Warn("send_update to a component without Update; ignored",
			"view", c.rt.name, "id", c.s.id, "component", m.to.String())
		return
	}
	// A component the client announced it removes stays doomed: its own
	// re-render here does not bring it back (Phoenix keeps the mark too).
	seen := cs.seen
	err := c.call(func() error { return u.Update(c.s, m.u) })
	alone := err == nil && c.s.nav == nil // else the whole view renders
	resp := c.afterComponent(cs, err)
	if alone && cs.doomed != 0 && seen <= cs.doomed {
		cs.seen = seen
	}
	c.push(resp)
}
