package status

import (
	"sync"
	"time"
	"unicode/utf8"
)

// maxRecentTasks is how many tasks the recent-task list keeps.
const maxRecentTasks = 20

// TaskRecord is one task mission control ran (or failed to submit), as the
// dashboard's Symbiont page lists it.
type TaskRecord struct {
	Seq       int    // unique per process, for row ids
	ID        string // the API's task id; "" when the submission failed
	Prompt    string // shortened
	Status    string // submitted, queued, running, completed, failed, "submit failed"
	Progress  string
	Error     string // the last error seen for this task
	Submitted time.Time
	Updated   time.Time
}

// taskLog is the in-memory recent-task list, newest first.
type taskLog struct {
	mu   sync.Mutex
	seq  int
	list []TaskRecord
}

// start records a new task (or failed submission) and returns its Seq.
func (l *taskLog) start(r TaskRecord) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	r.Seq = l.seq
	r.Prompt = shorten(r.Prompt, 80)
	if r.Submitted.IsZero() {
		r.Submitted = time.Now()
	}
	r.Updated = r.Submitted
	l.list = append([]TaskRecord{r}, l.list...)
	if len(l.list) > maxRecentTasks {
		l.list = l.list[:maxRecentTasks]
	}
	return r.Seq
}

// update changes the record seq, if it is still kept.
func (l *taskLog) update(seq int, f func(*TaskRecord)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.list {
		if l.list[i].Seq == seq {
			f(&l.list[i])
			l.list[i].Updated = time.Now()
			return
		}
	}
}

func (l *taskLog) snapshot() []TaskRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]TaskRecord(nil), l.list...)
}

// RecentTasks returns the last tasks mission control ran, newest first.
func (a *App) RecentTasks() []TaskRecord { return a.recent.snapshot() }

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
