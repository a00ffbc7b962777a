package main

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/transport"
)

// errorLive is /errors (the suite's ErrorLive): mounts that crash in the
// dead render, once connected, or in a child view as many times as the
// query says, and buttons that crash the view or its child afterwards.
// A raise in an Elixir mount is a mount error wrapped with live.ErrCrash
// here (the join is refused and the client reloads or, for a child,
// rejoins); a raise in handle_event is a panic (the view crashes and the
// client rejoins it). The page has its own LiveSocket (errorsRoot) with
// short reload jitter and rejoin delays.
//
// Upstream's child asks its parent, from its connected mount, whether to
// fail, and waits for the answer: here too (childMounted). Its
// Process.link to the parent (so that the child's crash takes the parent
// down) is linkedExit: when a linked child ends crashed, it tells its
// parent, which panics.
type errorLive struct {
	child               *live.ChildView
	hasChild, link      bool
	wantFails, hasFails int
	renderedAt          string
}

// renderTime is DateTime.utc_now() as rendered: in Phoenix the expression
// depends on no assign, so it is evaluated on mount only; here the views
// keep the time of their mount.
func renderTime() string { return time.Now().UTC().Format("2006-01-02 15:04:05.000000Z") }

var errBoom = fmt.Errorf("boom: %w", live.ErrCrash)

func registerErrors(e *live.Engine, mux *http.ServeMux) {
	child := e.Child("errors.child", func() live.View { return &errorChild{} })
	e.Session("default").Handle(mux, "GET /errors", "errors", func() live.View { return &errorLive{child: child} })
}

func (v *errorLive) Mount(s *live.Socket, p live.Params) error {
	v.renderedAt = renderTime()
	switch {
	case p.Get("dead-mount") == "raise":
		return errBoom
	case p.Get("connected-mount") == "raise":
		if s.Connected() {
			return errBoom
		}
	case p.Get("connected-child-mount-raise") == "link":
		// Crash once: the parent always mounts, so the client's failsafe
		// would never end a loop of crashes.
		v.hasChild, v.wantFails, v.link = true, 1, true
		if !s.Connected() || s.Mounts() > 0 {
			v.hasFails = 1
		}
	case p.Has("connected-child-mount-raise"):
		n, err := strconv.Atoi(p.Get("connected-child-mount-raise"))
		if err != nil {
			return fmt.Errorf("connected-child-mount-raise: %w", err)
		}
		v.hasChild, v.wantFails = true, n
	case p.Has("child"):
		v.hasChild = true
	}
	return nil
}

// childMounted is the child's question from its connected mount; the
// parent answers on reply.
type childMounted struct{ reply chan<- childVerdict }

type childVerdict struct{ fail, link bool }

// linkedExit is a linked child's crash, reaching its parent.
type linkedExit struct{}

func (v *errorLive) HandleInfo(_ *live.Socket, msg any) error {
	switch m := msg.(type) {
	case childMounted:
		fail := v.hasFails < v.wantFails
		if fail {
			v.hasFails++
		}
		m.reply <- childVerdict{fail: fail, link: v.link}
	case linkedExit:
		panic("linked child view crashed")
	}
	return nil
}

func (v *errorLive) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "boom" {
		panic("boom")
	}
	return nil
}

func (v *errorLive) Render() templ.Component { return errorsPage(v) }

// errorChild is the child view (upstream's ErrorLive.ChildLive).
type errorChild struct {
	linked     bool
	renderedAt string
	connected  bool
}

func (c *errorChild) Mount(s *live.Socket, _ live.Params) error {
	c.renderedAt, c.connected = renderTime(), s.Connected()
	if !s.Connected() {
		return nil
	}
	reply := make(chan childVerdict, 1)
	if err := s.SendParent(childMounted{reply: reply}); err != nil {
		return err
	}
	select {
	case vd := <-reply:
		c.linked = vd.link
		if vd.fail {
			return errBoom
		}
		return nil
	case <-s.Context().Done():
		return s.Context().Err()
	case <-time.After(5 * time.Second):
		return errors.New("the parent did not answer")
	}
}

func (c *errorChild) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "boom" {
		panic("boom")
	}
	return nil
}

// Terminate passes a linked child's crash on to its parent once the
// child's channel has ended, so that the client hears of the child's
// crash (its failed join or phx_error) before the parent's.
func (c *errorChild) Terminate(s *live.Socket, reason error) {
	if !c.linked || reason == nil {
		return
	}
	var pe *transport.PanicError
	if !errors.As(reason, &pe) && !live.IsCrash(reason) {
		return
	}
	go func() {
		<-s.Context().Done()
		_ = s.SendParent(linkedExit{})
	}()
}

func (c *errorChild) Render() templ.Component { return errorChildPage(c) }
