package live

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/cortex-cinegraph/golive/transport"
)

// AsyncResult is the state of a value loaded in the background with
// [AssignAsync] (or driven by hand from HandleAsync after
// [Socket.StartAsync]): loading, ok (with its result) or failed (with its
// error). Keep it in a field of the view and read it from the template:
//
//	if v.Org.Loading() { <p>Loading…</p> }
//	if v.Org.Failed() { <p>{ v.Org.Err().Error() }</p> }
//	if v.Org.OK() { <p>{ v.Org.Result().Name }</p> }
//
// OK means a result has been set at least once: while reloading or after
// a failed reload the previous result stays readable, as with Phoenix's
// AsyncResult. The zero value is idle: neither loading, ok nor failed.
type AsyncResult[T any] struct {
	result  T
	err     error
	loading bool
	ok      bool
}

// Loading reports whether a load is under way.
func (a AsyncResult[T]) Loading() bool { return a.loading }

// OK reports whether a result has been set at least once.
func (a AsyncResult[T]) OK() bool { return a.ok }

// Failed reports whether the last load failed (see Err).
func (a AsyncResult[T]) Failed() bool { return a.err != nil }

// Err is why the last load failed: the function's error, a *PanicError if
// it panicked, or an error matching ErrAsyncCanceled after cancellation.
// It is nil unless Failed.
func (a AsyncResult[T]) Err() error { return a.err }

// Result is the last successful result (the zero T before the first).
func (a AsyncResult[T]) Result() T { return a.result }

// SetLoading marks a load as under way and clears a failure; a previous
// result stays. To drop it too, assign the zero AsyncResult first.
func (a *AsyncResult[T]) SetLoading() { a.loading, a.err = true, nil }

// SetOK sets the result: no longer loading or failed.
func (a *AsyncResult[T]) SetOK(v T) { a.result, a.ok, a.loading, a.err = v, true, false, nil }

// SetFailed marks the load as failed with err (a nil err is recorded as
// errors.New("failed")), no longer loading; a previous result stays.
func (a *AsyncResult[T]) SetFailed(err error) {
	if err == nil {
		err = errors.New("failed")
	}
	a.err, a.loading = err, false
}

// AsyncHandler views receive the outcome of [Socket.StartAsync] on the
// view's goroutine, like any other callback, after which the view is
// rendered and the diff pushed. err is the function's error, a *PanicError
// if it panicked, or an error matching ErrAsyncCanceled after
// [Socket.CancelAsync]; v is the function's value.
type AsyncHandler interface {
	HandleAsync(s *Socket, name string, v any, err error) error
}

// ErrAsyncCanceled is the error of a task ended by [Socket.CancelAsync] or
// [CancelAssignAsync] (wrapped with the reason given, if any).
var ErrAsyncCanceled = errors.New("live: async task canceled")

// Causes of a task context's end other than the view's end (see
// context.Cause).
var (
	errAsyncReplaced = errors.New("live: async task replaced by a newer one with the same key")
	errAsyncViewEnd  = errors.New("live: the view ended")
)

// asyncGrace bounds how long a view's end waits for the async tasks it
// cancelled. A function that honours its context returns at once; one that
// does not is logged, since Go cannot stop it.
var asyncGrace = 5 * time.Second

// AssignAsync loads r in the background: r is set loading at once and, on
// a connected socket, fn runs on its own goroutine. Its outcome reaches r
// on the view's goroutine (SetOK with the value, SetFailed with the error
// or a *PanicError), after which the view is rendered and the diff pushed.
// During the dead render nothing runs, so the page shows the loading state
// and the load starts when the browser connects, as in Phoenix.
//
// ctx ends when the view ends, when the load is cancelled
// ([CancelAssignAsync]), or when AssignAsync is called again for the same
// r, which replaces the load (the older outcome is dropped). The view's
// end waits for fn to return, so fn must honour ctx. fn must not touch
// the view or the Socket: give it copies of what it needs.
//
// r must point into the view (or a live component of it) and stay there.
// To load several values together, make T a struct.
func AssignAsync[T any](s *Socket, r *AsyncResult[T], fn func(ctx context.Context) (T, error)) {
	r.SetLoading()
	s.startAsync(r, "assign", func(ctx context.Context) (any, error) { return fn(ctx) }, func(v any, err error) {
		if err != nil {
			r.SetFailed(err)
			return
		}
		val, _ := v.(T) // a nil interface T comes back as a nil any
		r.SetOK(val)
	})
}

// CancelAssignAsync cancels the load of r started by [AssignAsync]: its
// context ends with reason as cause, and r fails at once with an error
// matching ErrAsyncCanceled (and reason). It reports whether a load was
// under way.
func CancelAssignAsync[T any](s *Socket, r *AsyncResult[T], reason error) bool {
	return s.cancelAsync(r, reason)
}

// StartAsync runs fn on its own goroutine, on a connected socket, and
// delivers its outcome to the view's HandleAsync ([AsyncHandler]) with
// name. Starting a task with the name of one still running replaces it:
// the older task's context ends and its outcome is dropped. During the
// dead render nothing runs.
//
// ctx ends when the view ends, when the task is cancelled
// ([Socket.CancelAsync]) or replaced; the view's end waits for fn to
// return, so fn must honour ctx. fn must not touch the view or the
// Socket. Outcomes always go to the view, also for tasks a live component
// starts.
func (s *Socket) StartAsync(name string, fn func(ctx context.Context) (any, error)) {
	s.startAsync(name, name, fn, nil)
}

// CancelAsync cancels the task started with [Socket.StartAsync] under
// name: its context ends with reason as cause and HandleAsync receives an
// error matching ErrAsyncCanceled (and reason) through the view's
// mailbox, as Phoenix's handle_async gets {:exit, reason}. It reports
// whether such a task was running.
func (s *Socket) CancelAsync(name string, reason error) bool {
	return s.cancelAsync(name, reason)
}

// asyncState is a Socket's async work. Only the view's goroutine uses it.
type asyncState struct {
	// tasks is the current task per key: the *AsyncResult of an
	// AssignAsync, the name of a StartAsync.
	tasks map[any]*asyncTask
	// running holds every task whose goroutine may not have returned yet,
	// replaced and cancelled ones included: the view's end waits for them.
	running []*asyncTask
}

type asyncTask struct {
	key    any
	name   string
	apply  func(v any, err error) // AssignAsync: sets the result; nil for StartAsync
	cancel context.CancelCauseFunc
	done   chan struct{} // closed when the goroutine returns

	once   sync.Once
	posted chan struct{} // closed once the outcome is in the mailbox (or never will be)
}

// asyncMessage is what async work puts in the view's mailbox; HandleInfo
// hands it to handleAsync instead of the view.
type asyncMessage interface{ asyncMessage() }

// asyncDone is a task's outcome.
type asyncDone struct {
	t   *asyncTask
	v   any
	err error
}

// asyncProbe asks the view which of its current tasks have not posted
// their outcome (for Engine.AwaitAsync).
type asyncProbe struct{ reply chan []<-chan struct{} }

func (asyncDone) asyncMessage()  {}
func (asyncProbe) asyncMessage() {}

func (s *Socket) startAsync(key any, name string, fn func(context.Context) (any, error), apply func(any, error)) {
	if s.ch == nil {
		return // the dead render: the load starts on the connected mount
	}
	st := &s.async
	if st.tasks == nil {
		st.tasks = map[any]*asyncTask{}
	}
	if old := st.tasks[key]; old != nil {
		old.cancel(errAsyncReplaced)
	}
	ctx, cancel := context.WithCancelCause(s.ctx)
	t := &asyncTask{key: key, name: name, apply: apply, cancel: cancel, done: make(chan struct{}), posted: make(chan struct{})}
	st.tasks[key] = t
	live := st.running[:0]
	for _, r := range st.running {
		select {
		case <-r.done:
		default:
			live = append(live, r)
		}
	}
	st.running = append(live, t)
	e, ch, id := s.e, s.ch, s.id
	e.stats.AsyncTasks.Add(1)
	go func() {
		defer close(t.done)
		defer e.stats.AsyncTasks.Add(-1)
		defer t.once.Do(func() { close(t.posted) })
		v, err := runTask(ctx, fn, func(p any, stack []byte) {
			e.log.Error("live view async task panicked", "id", id, "task", name, "panic", fmt.Sprint(p), "stack", string(stack))
		})
		if ctx.Err() != nil {
			return // replaced, cancelled or the view ended: nobody wants it
		}
		t.post(ch, asyncDone{t: t, v: v, err: err})
	}()
}

// runTask calls fn, turning a panic into a *PanicError.
func runTask(ctx context.Context, fn func(context.Context) (any, error), logPanic func(any, []byte)) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			logPanic(p, debug.Stack())
			v, err = nil, &PanicError{Value: p}
		}
	}()
	return fn(ctx)
}

// post puts the task's outcome in the mailbox, once.
func (t *asyncTask) post(ch *transport.Channel, m asyncDone) {
	t.once.Do(func() {
		ch.Send(m)
		close(t.posted)
	})
}

func canceled(reason error) error {
	if reason == nil {
		return ErrAsyncCanceled
	}
	return fmt.Errorf("%w: %w", ErrAsyncCanceled, reason)
}

func (s *Socket) cancelAsync(key any, reason error) bool {
	t := s.async.tasks[key]
	if t == nil {
		return false
	}
	err := canceled(reason)
	if t.apply != nil {
		t.cancel(err)
		delete(s.async.tasks, key)
		t.apply(nil, err)
		return true
	}
	// The task stays current until its cancellation reaches HandleAsync,
	// so that CancelAsync followed by StartAsync of the same name drops it.
	// Post before cancelling: once its context ends the goroutine may
	// return at once and use up t.once, and the cancellation would then
	// never be posted (the task current forever, AwaitAsync stuck).
	t.post(s.ch, asyncDone{t: t, err: err})
	t.cancel(err)
	return true
}

// endAsync cancels every task of the view and waits for their goroutines,
// so that none outlives the view; a function that ignores its context past
// asyncGrace is logged instead.
func (s *Socket) endAsync() {
	st := &s.async
	running := st.running
	st.tasks, st.running = nil, nil
	if len(running) == 0 {
		return
	}
	for _, t := range running {
		t.cancel(errAsyncViewEnd)
	}
	grace := time.NewTimer(asyncGrace)
	defer grace.Stop()
	for i, t := range running {
		select {
		case <-t.done:
		case <-grace.C:
			for _, t := range running[i:] {
				select {
				case <-t.done:
				default:
					s.e.log.Error("live view async task ignores its context: still running after its view ended",
						"id", s.id, "task", t.name, "waited", asyncGrace)
				}
			}
			return
		}
	}
}

// handleAsync runs on the view's goroutine for every asyncMessage.
func (c *viewChannel) handleAsync(m asyncMessage) {
	switch m := m.(type) {
	case asyncProbe:
		var pending []<-chan struct{}
		for _, t := range c.s.async.tasks {
			pending = append(pending, t.posted)
		}
		m.reply <- pending
	case asyncDone:
		t := m.t
		if c.s.async.tasks[t.key] != t {
			return // replaced, cancelled, or the view mounted afresh since
		}
		delete(c.s.async.tasks, t.key)
		if t.apply != nil {
			t.apply(m.v, m.err)
			c.pushRender()
			return
		}
		h, ok := c.view.(AsyncHandler)
		if !ok {
			c.e.log.Error("live view has no HandleAsync; StartAsync outcome dropped", "view", c.rt.name, "task", t.name)
			return
		}
		if err := c.call(func() error { return h.HandleAsync(c.s, t.name, m.v, m.err) }); err != nil {
			c.e.log.Error("HandleAsync failed", "view", c.rt.name, "task", t.name, "error", err)
		}
		c.pushRender()
	}
}

// AwaitAsync waits until the connected view with the given id has handled
// the outcome of all its async work ([AssignAsync], [Socket.StartAsync]),
// including work started while handling an outcome, and pushed the
// renders; or until ctx ends. Test helpers use it (live/livetest's
// View.AwaitAsync), like Phoenix's render_async.
func (e *Engine) AwaitAsync(ctx context.Context, viewID string) error {
	for {
		v, ok := e.views.Load(viewID)
		if !ok {
			return fmt.Errorf("live: AwaitAsync: no connected view %s", viewID)
		}
		ch := v.(*viewChannel).ch
		reply := make(chan []<-chan struct{}, 1)
		if !ch.Send(asyncProbe{reply: reply}) {
			return fmt.Errorf("live: AwaitAsync: view %s ended", viewID)
		}
		var pending []<-chan struct{}
		select {
		case pending = <-reply:
		case <-ch.Context().Done():
			return fmt.Errorf("live: AwaitAsync: view %s ended", viewID)
		case <-ctx.Done():
			return ctx.Err()
		}
		if len(pending) == 0 {
			return nil
		}
		for _, p := range pending {
			select {
			case <-p:
			case <-ch.Context().Done():
				return fmt.Errorf("live: AwaitAsync: view %s ended", viewID)
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}
