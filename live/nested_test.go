package live_test

import (
	"errors"
	"net/http"
	"testing"

	"go.uber.org/goleak"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

// A child ends with its parent, and nothing of either is left running.
func TestNestedChildEndsWithParent(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) { examples.Register(e, mux) })
	v := env.Live("/examples/nested")
	a, err := v.Child("child-a")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Click("#child-a-inc"); err != nil {
		t.Fatal(err)
	}
	if err := v.Navigate("/examples/counter"); err != nil {
		t.Fatal(err)
	}
	if err := a.AwaitEnd(); !errors.Is(err, livetest.ErrViewClosed) {
		t.Fatalf("child after its parent left: %v, want ErrViewClosed", err)
	}
	env.Close()
}
