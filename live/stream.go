package live

import (
	"context"
	"strconv"

	"github.com/cortex-cinegraph/golive/live/tree"
)

// Stream is a LiveView stream: a list whose items the server sends once and
// then forgets; the client keeps them in the DOM. Render it with a for loop
// over Items(ctx) inside an element with phx-update="stream", giving each
// row's root element id={ item.DOMID }:
//
//	<ul id="rows" phx-update="stream">
//		for _, it := range v.rows.Items(ctx) {
//			<li id={ it.DOMID }>{ it.Item.Name }</li>
//		}
//	</ul>
type Stream[T any] struct {
	domID   func(T) string
	ref     string
	pending []StreamItem[T]
	inserts []tree.StreamInsert
	deletes []string
	reset   bool
}

// StreamItem is one item to render, with the dom id its root must carry.
type StreamItem[T any] struct {
	DOMID string
	Item  T
}

// NewStream returns an empty stream; domID gives each item's DOM id.
func NewStream[T any](domID func(T) string) *Stream[T] {
	return &Stream[T]{domID: domID}
}

// InsertOpts tune an insert.
type InsertOpts struct {
	// At is the position: -1 appends (the default via Append), 0 prepends,
	// n inserts at index n.
	At int
	// Limit keeps at most this many items: positive keeps the first N,
	// negative the last N. Zero means no limit.
	Limit int
	// UpdateOnly updates an existing element and never adds one (client
	// 1.1+; older clients insert).
	UpdateOnly bool
}

// Append inserts item at the end.
func (s *Stream[T]) Append(item T) { s.Insert(item, InsertOpts{At: -1}) }

// Prepend inserts item at the top.
func (s *Stream[T]) Prepend(item T) { s.Insert(item, InsertOpts{At: 0}) }

// Insert inserts (or, if its dom id is present, updates) item.
func (s *Stream[T]) Insert(item T, o InsertOpts) {
	id := s.domID(item)
	var limit *int
	if o.Limit != 0 {
		l := o.Limit
		limit = &l
	}
	s.pending = append(s.pending, StreamItem[T]{DOMID: id, Item: item})
	s.inserts = append(s.inserts, tree.StreamInsert{DOMID: id, At: o.At, Limit: limit, UpdateOnly: o.UpdateOnly})
}

// Delete removes item (by its dom id) from the client.
func (s *Stream[T]) Delete(item T) { s.DeleteID(s.domID(item)) }

// DeleteID removes the element with the given dom id.
func (s *Stream[T]) DeleteID(domID string) { s.deletes = append(s.deletes, domID) }

// Reset empties the stream on the client, then inserts items (appended in
// order).
func (s *Stream[T]) Reset(items ...T) {
	s.pending, s.inserts, s.deletes, s.reset = nil, nil, nil, true
	for _, it := range items {
		s.Append(it)
	}
}

// Items returns the items to render now and hands the stream's
// instructions to the renderer; after this render the server keeps none of
// them. Call it exactly once per render, as the loop's range expression.
func (s *Stream[T]) Items(ctx context.Context) []StreamItem[T] {
	if s.ref == "" {
		s.ref = nextStreamRef(ctx)
	}
	items := s.pending
	meta := &tree.Stream{Ref: s.ref, Inserts: s.inserts, Deletes: s.deletes, Reset: s.reset}
	s.pending, s.inserts, s.deletes, s.reset = nil, nil, nil, false
	tree.From(ctx).MarkStream(meta)
	return items
}

// nextStreamRef numbers streams per view ("0", "1", …), and per component
// as "<cid>-<n>".
func nextStreamRef(ctx context.Context) string {
	s := SocketFrom(ctx)
	if s == nil {
		return "0"
	}
	n := s.streamRefs
	s.streamRefs++
	if cid, ok := ctx.Value(cidKey{}).(int); ok {
		return strconv.Itoa(cid) + "-" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
