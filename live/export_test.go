package live

import "time"

// SetAsyncGrace sets how long a view's end waits for its async tasks, for
// tests of a task that ignores its context; it returns the restore.
func SetAsyncGrace(d time.Duration) (restore func()) {
	old := asyncGrace
	asyncGrace = d
	return func() { asyncGrace = old }
}

// SetUploadClock sets the clock of the upload token signer, for tests of
// expired tokens.
func (e *Engine) SetUploadClock(now func() time.Time) { e.uploadTokens.now = now }
