package status

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/dashboard"
	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
	"github.com/cortex-cinegraph/golive/status/symbiont"
	"github.com/cortex-cinegraph/golive/status/symbiont/standin"
)

// env starts the stand-in and the app with its dashboard pages (open, as
// in development).
func env(t *testing.T) (*livetest.Env, *App, *standin.Server) {
	t.Helper()
	api := standin.New()
	api.SlowFor = 300 * time.Millisecond
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	var a *App
	e := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		client := &symbiont.Client{BaseURL: srv.URL, Timeout: 2 * time.Second}
		a = &App{
			Checker:      &Checker{Client: client, PubSub: e.PubSub()},
			Client:       client,
			TaskPassword: "pw",
			PollInterval: 20 * time.Millisecond,
		}
		a.Register(e, mux)
		d, err := dashboard.New(dashboard.Config{Engine: e, Refresh: 20 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range a.DashboardPages() {
			d.AddPage(p)
		}
		d.Register(mux)
	})
	return e, a, api
}

func eventually(t *testing.T, what string, f func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !f(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestServicesPage(t *testing.T) {
	e, a, api := env(t)
	a.Checker.CheckOnce(context.Background())
	v := e.Live("/dashboard/services")
	if got := fmt.Sprint(v.Attrs("#dash-services tbody tr", "id")); got != "[dash-svc-api dash-svc-scheduler dash-svc-worker]" {
		t.Errorf("row ids = %s", got)
	}
	if got := fmt.Sprint(v.Attrs("#dash-services tbody tr", "class")); got != "[state-up state-degraded state-up]" {
		t.Errorf("row classes = %s", got)
	}
	api.SetServices([]standin.Service{{Name: "api", State: "down", CheckedAt: "yesterday", Error: "boom"}})
	a.Checker.CheckOnce(context.Background())
	eventually(t, "the page to show api down", func() bool {
		_ = v.Sync()
		return fmt.Sprint(v.Attrs("#dash-services tbody tr", "class")) == "[state-down]"
	})
	if got := v.Texts("#dash-svc-api td"); fmt.Sprint(got) != "[api down yesterday boom]" {
		t.Errorf("cells = %q (an unparsable time is shown raw)", got)
	}
	if got := v.Text(`[data-card="Down"] .dash-card-value`); got != "1" {
		t.Errorf("Down card = %q", got)
	}
}

// TestSymbiontPageListsRecentTasks: a task run in mission control appears
// on the Symbiont page with its final status; a failed submission too.
func TestSymbiontPageListsRecentTasks(t *testing.T) {
	e, a, api := env(t)
	a.Checker.CheckOnce(context.Background())
	mc := e.Live("/mission-control")
	if err := mc.Submit("#gate", url.Values{"password": {"pw"}}); err != nil {
		t.Fatal(err)
	}
	if err := mc.Submit("#task-form", url.Values{"prompt": {"write a haiku"}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the task to complete", func() bool {
		_ = mc.Sync()
		return mc.Has("#task-status") && mc.Text("#task-status") == "completed"
	})
	api.SetMode(standin.EpSubmit, standin.HTTP500)
	if err := mc.Submit("#task-form", url.Values{"prompt": {"second"}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the submit error", func() bool { _ = mc.Sync(); return mc.Has("#task-error") })

	v := e.Live("/dashboard/symbiont")
	if got := v.Text(`[data-card="Health"] .dash-card-value`); got != "up" {
		t.Errorf("health = %q", got)
	}
	rows := v.Texts("#dash-tasks tbody tr td:nth-child(2)")
	if fmt.Sprint(rows) != "[submit failed completed]" {
		t.Errorf("task statuses (newest first) = %q", rows)
	}
	if got := v.Attrs("#dash-tasks tbody tr", "class"); fmt.Sprint(got) != "[state-failed state-completed]" {
		t.Errorf("row classes = %q", got)
	}
	if got := v.Text(`#dash-tasks tr[data-task="task-1"] td:nth-child(4)`); got != "write a haiku" {
		t.Errorf("prompt cell = %q", got)
	}
	if got := v.Text("#dash-tasks tbody tr:first-child td:nth-child(7)"); !strings.HasPrefix(got, "HTTP 500") {
		t.Errorf("error cell = %q", got)
	}
}

// TestLateSubmitAfterLogout: a submission still in flight at logout must
// not unlock task state or start polling when its answer arrives.
func TestLateSubmitAfterLogout(t *testing.T) {
	e, _, api := env(t)
	api.SetMode(standin.EpSubmit, standin.Slow) // answers after 300 ms
	mc := e.Live("/mission-control")
	if err := mc.Submit("#gate", url.Values{"password": {"pw"}}); err != nil {
		t.Fatal(err)
	}
	if err := mc.Submit("#task-form", url.Values{"prompt": {"secret plan"}}); err != nil {
		t.Fatal(err)
	}
	if err := mc.Click("#logout"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // the answer has arrived
	if err := mc.Sync(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // five poll intervals
	if n := api.Calls(standin.EpProgress); n != 0 {
		t.Errorf("%d progress requests after logout", n)
	}
	if !mc.Has("#gate") || strings.Contains(mc.HTML(), "secret plan") || strings.Contains(mc.HTML(), "task-1") {
		t.Errorf("locked page shows task data:\n%s", mc.HTML())
	}
	// Unlocked again, the page starts afresh: no stale task "checking
	// every second" that never checks.
	if err := mc.Submit("#gate", url.Values{"password": {"pw"}}); err != nil {
		t.Fatal(err)
	}
	if mc.Has("#task") || mc.Has("#polling") || !mc.Has("#submit-task:not([disabled])") {
		t.Errorf("after logout and unlock, stale task state:\n%s", mc.HTML())
	}
}

func TestRecentTasksAreBounded(t *testing.T) {
	var l taskLog
	var seqs []int
	for i := range maxRecentTasks + 5 {
		seqs = append(seqs, l.start(TaskRecord{ID: fmt.Sprint(i), Prompt: strings.Repeat("x", 100)}))
	}
	got := l.snapshot()
	if len(got) != maxRecentTasks || got[0].ID != fmt.Sprint(maxRecentTasks+4) || got[len(got)-1].ID != "5" {
		t.Fatalf("kept %d tasks, newest %q, oldest %q", len(got), got[0].ID, got[len(got)-1].ID)
	}
	if r := []rune(got[0].Prompt); len(r) != 81 || r[80] != '…' {
		t.Errorf("prompt not shortened: %q", got[0].Prompt)
	}
	l.update(seqs[0], func(r *TaskRecord) { r.Status = "x" }) // dropped: no-op
	l.update(seqs[len(seqs)-1], func(r *TaskRecord) { r.Status = "completed" })
	if s := l.snapshot()[0].Status; s != "completed" {
		t.Errorf("updated status = %q", s)
	}
}
