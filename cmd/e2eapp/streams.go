package main

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// user is an item of the stream views.
type user struct {
	id   string
	name string
}

func userStream(prefix string) *live.Stream[user] {
	return live.NewStream(func(u user) string { return prefix + "-" + u.id })
}

// moveUser applies the stream views' shared events to s (DOM ids
// "<prefix>-<id>"): delete, update, move-to-first, move-to-last, move.
func moveUser(s *live.Stream[user], prefix string, e live.Event) bool {
	dom := e.Value.Get("id")
	id, ok := strings.CutPrefix(dom, prefix+"-")
	switch e.Name {
	case "delete":
		s.DeleteID(dom)
	case "update":
		if ok {
			s.Append(user{id, "updated"})
		}
	case "move-to-first":
		s.DeleteID(dom)
		s.Insert(user{id, "updated"}, live.InsertOpts{At: 0})
	case "move-to-last":
		s.DeleteID(dom)
		s.Insert(user{id, "updated"}, live.InsertOpts{At: -1})
	case "move":
		at, err := strconv.Atoi(e.Value.Get("at"))
		if err != nil {
			return true
		}
		s.DeleteID(dom)
		s.Insert(user{id, e.Value.Get("name")}, live.InsertOpts{At: at})
	default:
		return false
	}
	return true
}

// streamLive is /stream (the suite's Support.StreamLive): two streams of
// users, a stream inside a live component, resets.
type streamLive struct {
	users, admins *live.Stream[user]
	count         int
	extraItem     bool
}

func (v *streamLive) Mount(_ *live.Socket, p live.Params) error {
	v.extraItem = p.Has("empty_item")
	v.users = userStream("users")
	v.admins = userStream("admins")
	v.users.Append(user{"1", "chris"})
	v.users.Append(user{"2", "callan"})
	v.admins.Append(user{"1", "chris-admin"})
	v.admins.Append(user{"2", "callan-admin"})
	return nil
}

func (v *streamLive) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "sandbox:eval" {
		return sandboxEval(s, v, e)
	}
	if a, ok := strings.CutPrefix(e.Name, "admin-"); ok {
		e.Name = a
		moveUser(v.admins, "admins", e)
		return nil
	}
	if moveUser(v.users, "users", e) {
		return nil
	}
	switch e.Name {
	case "reset-users":
		v.count++
		v.users.Reset()
	case "reset-users-reorder":
		v.count++
		v.users.Reset(user{"3", "peter"}, user{"1", "chris"}, user{"4", "mona"})
	case "stream-users":
		v.users.Append(user{"1", "chris"})
		v.users.Append(user{"2", "callan"})
	case "append-users":
		v.users.Append(user{"4", "foo"})
		v.users.Append(user{"3", "last_user"})
	}
	return nil
}

func (v *streamLive) Render() templ.Component { return streamPage(v) }

// streamComponent is the suite's Support.StreamComponent. Upstream
// streams its two users in every update; it gets one, the first render
// (the parent never passes it changed assigns), as here; the guard keeps
// the users streamed the first time only should Update run again.
type streamComponent struct{ users *live.Stream[user] }

func (c *streamComponent) Update(*live.Socket, any) error {
	if c.users == nil {
		c.users = userStream("c_users")
		c.users.Append(user{"1", "chris"})
		c.users.Append(user{"2", "callan"})
	}
	return nil
}

func (c *streamComponent) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "reset" {
		c.users.Reset()
		return nil
	}
	moveUser(c.users, "c_users", e)
	return nil
}

func (c *streamComponent) Render() templ.Component { return streamComponentPage(c) }
