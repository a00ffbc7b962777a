// Package live serves stateful Phoenix LiveViews written in Go with plain
// templ components, to the unmodified phoenix_live_view JavaScript client
// (lines 1.0, 1.1 and 1.2).
//
// # What it owns
//
// The dead render (a live route rendered over plain HTTP with signed
// session and static tokens), the "lv:<id>" channel (token checks, routing,
// mount on the view's own goroutine, events, patches, navigation, flash,
// title, components, streams, hook replies), and the mount-failure
// handling that shows errors to the person instead of looping (or, for a
// mount error marked [ErrCrash], refuses the join as Phoenix does when a
// mount raises, so that the client reloads or retries). It knows
// nothing of the apps that use it; it uses package transport for sockets
// and package tree for rendering and diffs.
//
// # The API
//
// A view is a Go value with its state in its fields: Mount and Render
// (a templ.Component) are required; HandleParams, HandleEvent, HandleInfo
// and Terminate are optional interfaces. Every callback of one view runs
// on that view's goroutine, in order; timers (Socket.SendAfter), PubSub
// messages (Socket.Subscribe) and other goroutines (Socket.Send) reach it
// only through its mailbox, and all of them end with the view. Live
// components are updated from outside their parent's render the same way
// ([Socket.SendUpdate], [Socket.SendUpdateAfter]: Phoenix's send_update),
// and a parent's render updates only those whose props changed. Async work
// ([AssignAsync] into an [AsyncResult], [Socket.StartAsync] answered by
// HandleAsync) runs on goroutines of its own with a context that ends with
// the view, which waits for them; outcomes come back through the mailbox.
//
// Uploads ([Socket.AllowUpload], [FileInput], [Socket.ConsumeUploadedEntries])
// speak the client's upload protocol: the allow_upload preflight answers
// each entry with a signed token, the entry's "lvu:<ref>" channel writes
// its binary chunks to a temporary file (UploadDir) on its own goroutine,
// and the file goes when the entry is consumed or cancelled, its upload
// fails (size, chunk timeout) or the view ends. External uploads hand the
// presign metadata to a client-side uploader instead.
//
// Routes mount on a standard http.ServeMux, grouped in live sessions:
//
//	e, _ := live.New(live.Config{...})
//	ls := e.Session("default")
//	ls.Handle(mux, "GET /movies/{slug}", "movies.show", func() live.View { return &Show{} })
//
// Live navigation works between routes of one live session; across live
// sessions the join is answered "unauthorized" and the client loads the
// page.
//
// # Rendering: plain templ in, fine-grained diffs out
//
// templ renders into an io.Writer and cannot tell markup from values at
// run time. cmd/templlive post-processes the Go code templ generates
// (package templgen) so that, under a recorder, every literal write is
// known to be static and every if/switch, component call and for loop is
// bracketed; the recorder (package tree) then builds the LiveView rendered
// tree: statics fingerprinted by their content, dynamics exactly as templ
// escaped them, nested nodes for branches and components, comprehensions
// for loops with rows keyed by their root element's id. Anything the
// rewrite does not bracket is dynamic text — templ's own output — so the
// tree's HTML is byte-for-byte what templ renders, and the dead render is
// that same tree. Diffs compare the new tree with the last one sent:
// unchanged values are never resent, a changed branch resends only its
// subtree, and lists send changed rows only, encoded per client line
// (1.0 "d" lists, 1.1+ keyed "k" lists with "km" on moves, or a
// version-neutral form when the line is unknown). The page's app.js reports
// its client version in the socket params.
//
// Authors annotate nothing: a loop keyed by row ids (id={ "movie-" + id })
// diffs by key; without ids rows diff by position.
package live
