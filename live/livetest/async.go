package livetest

import (
	"context"
)

// AwaitAsync waits until the view has handled the outcome of all its
// async work (live.AssignAsync, Socket.StartAsync, and what their outcomes
// start in turn) and applies the diffs it pushed, as Phoenix's
// render_async does. The test fails if that takes longer than the Env's
// timeout ([WithTimeout]); the error is for what the server did, as for
// [View.Sync].
func (v *View) AwaitAsync() error {
	v.t.Helper()
	v.ready("AwaitAsync")
	ctx, cancel := context.WithTimeout(context.Background(), v.env.cfg.timeout)
	defer cancel()
	if err := v.env.Engine.AwaitAsync(ctx, v.id); err != nil {
		if ctx.Err() != nil {
			v.t.Fatalf("livetest: AwaitAsync: async work of %s still running after %s", v.url.RequestURI(), v.env.cfg.timeout)
		}
		// The view ended: Sync reports how (crash, close).
		if serr := v.Sync(); serr != nil {
			return serr
		}
		return err
	}
	return v.Sync()
}
