// Package examples holds the small demo views served by `make run` under
// /examples: the counter (the smallest live view, also the benchmark page).
package examples

import (
	"net/http"

	"github.com/cortex-cinegraph/golive/live"
)

// Register mounts the examples on mux in the live_session "examples".
func Register(e *live.Engine, mux *http.ServeMux) {
	ls := e.Session("examples")
	ls.Handle(mux, "GET /examples/counter", "examples.counter", func() live.View { return &Counter{} })
	ls.Handle(mux, "GET /examples/refcounter", "examples.refcounter", func() live.View { return &RefCounter{} })
	ls.Handle(mux, "GET /examples/grid", "examples.grid", func() live.View { return &Grid{} })
	ls.Handle(mux, "GET /examples/stream", "examples.stream", func() live.View { return &StreamDemo{} })
	ls.Handle(mux, "GET /examples/hooks", "examples.hooks", func() live.View { return &HooksDemo{} })
	ls.Handle(mux, "GET /examples/async", "examples.async", func() live.View { return &AsyncDemo{} })
	ls.Handle(mux, "GET /examples/bindings", "examples.bindings", func() live.View { return &BindingsDemo{} })
	mux.HandleFunc("POST /examples/bindings/saved", bindingsSaved)
	nk := registerNested(e)
	ls.Handle(mux, "GET /examples/nested", "examples.nested", func() live.View { return &NestedDemo{kinds: nk} })
	ls.Handle(mux, "GET /examples/nested2", "examples.nested2", func() live.View { return &NestedSecond{kinds: nk} })
	store := newPutStore()
	ls.Handle(mux, "GET /examples/uploads", "examples.uploads", func() live.View { return &UploadsDemo{store: store} })
	mux.Handle("PUT /examples/uploads/put/{key}", store)
	ls.Handle(mux, "GET /examples/uploads/big", "examples.uploads.big", func() live.View { return &BigUploadDemo{} })
	ls.Handle(mux, "GET /examples/lab", "examples.lab", newLab("1"))
	ls.Handle(mux, "GET /examples/lab2", "examples.lab2", newLab("2"))
	other := e.Session("other")
	other.Handle(mux, "GET /other/page", "other.page", func() live.View { return &Other{} })
}
