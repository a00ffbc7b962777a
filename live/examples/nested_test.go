package examples_test

import (
	"errors"
	"testing"

	"github.com/cortex-cinegraph/golive/live/livetest"
)

func TestNested(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		p := env.Get("/examples/nested")
		// The dead render has the children's content inline.
		equal(t, "dead child A", p.Text("#child-a-count"), "0")
		equal(t, "dead child B", p.Text("#child-b-count"), "0")
		equal(t, "dead sticky", p.Text("#sticky-count"), "0")

		v := env.Live("/examples/nested")
		equal(t, "parent", v.Text("#parent-count"), "0")
		a, err := v.Child("child-a")
		noErr(t, err)
		b, err := v.Child("child-b")
		noErr(t, err)
		st, err := v.Child("nested-sticky")
		noErr(t, err)
		equal(t, "child A label", a.Text("h2"), "Child A")
		equal(t, "child B label", b.Text("h2"), "Child B")

		noErr(t, a.Click("#child-a-inc"))
		noErr(t, a.Click("#child-a-inc"))
		noErr(t, b.Click("#child-b-inc"))
		noErr(t, v.Click("#parent-inc"))
		noErr(t, st.Click("#sticky-inc"))
		equal(t, "A", a.Text("#child-a-count"), "2")
		equal(t, "B", b.Text("#child-b-count"), "1")
		equal(t, "parent", v.Text("#parent-count"), "1")

		// Child to parent.
		noErr(t, a.Click("#child-a-hello"))
		noErr(t, v.Sync())
		equal(t, "message", v.Text("#parent-message"), "A says hello at 2")

		// Parent to children.
		noErr(t, v.Click("#parent-reset"))
		noErr(t, a.Sync())
		noErr(t, b.Sync())
		equal(t, "A reset", a.Text("#child-a-count"), "0")
		equal(t, "B reset", b.Text("#child-b-count"), "0")
		noErr(t, b.Click("#child-b-inc"))

		// A crash ends child A only.
		if err := a.Click("#child-a-crash"); !errors.Is(err, livetest.ErrViewCrashed) {
			t.Fatalf("crash: %v, want ErrViewCrashed", err)
		}
		noErr(t, b.Click("#child-b-inc"))
		equal(t, "B after A's crash", b.Text("#child-b-count"), "2")
		noErr(t, v.Click("#parent-inc"))
		equal(t, "parent after A's crash", v.Text("#parent-count"), "2")
		noErr(t, a.Rejoin())
		equal(t, "A rejoined", a.Text("#child-a-count"), "0")

		// The sticky child survives live navigation; the nested ones end.
		noErr(t, v.Navigate("/examples/nested2"))
		equal(t, "page 2", v.Text("#nested2-title"), "Nested views, page 2")
		noErr(t, st.Click("#sticky-inc"))
		equal(t, "sticky after navigation", st.Text("#sticky-count"), "2")
		if err := b.AwaitEnd(); !errors.Is(err, livetest.ErrViewClosed) {
			t.Fatalf("child B after its parent left: %v, want ErrViewClosed", err)
		}
	})
}
