package examples

import (
	"strconv"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// streamLimit is how many rows the stream keeps on the client.
const streamLimit = 20

// StreamDemo is /examples/stream: a stream with inserts at the top and
// bottom, a limit, and a reset. The server keeps only the counter.
type StreamDemo struct {
	rows  *live.Stream[int]
	total int
}

// Mount implements live.View.
func (v *StreamDemo) Mount(s *live.Socket, p live.Params) error {
	v.rows = live.NewStream(func(n int) string { return "row-" + strconv.Itoa(n) })
	s.SetTitle("Stream")
	return nil
}

// HandleEvent implements live.EventHandler.
func (v *StreamDemo) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "prepend":
		v.total++
		v.rows.Insert(v.total, live.InsertOpts{At: 0, Limit: streamLimit})
	case "append":
		v.total++
		v.rows.Insert(v.total, live.InsertOpts{At: -1, Limit: -streamLimit})
	case "reset":
		v.rows.Reset()
	}
	return nil
}

// Render implements live.View.
func (v *StreamDemo) Render() templ.Component { return streamPage(v) }
