package status

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/status/symbiont"
)

// App is the status app's configuration, shared by its views.
type App struct {
	Checker      *Checker
	Client       *symbiont.Client
	TaskPassword string
	// HostInterval is how often host metrics refresh; default 2 s.
	HostInterval time.Duration
	// PollInterval is how often a task's progress is polled; default 1 s.
	PollInterval time.Duration

	// recent is the recent-task list the dashboard shows.
	recent taskLog
}

// Register mounts / and /mission-control on mux in the live_session
// "status".
func (a *App) Register(e *live.Engine, mux *http.ServeMux) {
	ls := e.Session("status")
	ls.Handle(mux, "GET /{$}", "status.index", func() live.View { return &StatusView{app: a} })
	ls.Handle(mux, "GET /mission-control", "status.mission_control", func() live.View { return &MissionControl{app: a} })
}

// StatusView is the live status page.
type StatusView struct {
	app    *App
	update Update
	host   HostMetrics
}

type hostTick struct{}

// Mount shows the last known state; once connected it subscribes to
// service updates and starts the host-metrics timer.
func (v *StatusView) Mount(s *live.Socket, p live.Params) error {
	s.SetTitle("Cortex status")
	v.update = v.app.Checker.Last()
	v.host = ReadHost(s.Context())
	if s.Connected() {
		s.Subscribe(Topic)
		s.SendAfter(v.app.hostInterval(), hostTick{})
	}
	return nil
}

func (a *App) hostInterval() time.Duration {
	if a.HostInterval > 0 {
		return a.HostInterval
	}
	return 2 * time.Second
}

// HandleInfo applies service updates and refreshes host metrics.
func (v *StatusView) HandleInfo(s *live.Socket, msg any) error {
	switch m := msg.(type) {
	case Update:
		v.update = m
	case hostTick:
		v.host = ReadHost(s.Context())
		s.SendAfter(v.app.hostInterval(), hostTick{})
	}
	return nil
}

// Render implements live.View.
func (v *StatusView) Render() templ.Component { return statusPage(v) }

// MissionControl is the password-gated task runner. Before unlocking it
// holds and renders nothing sensitive; the dead render is always locked.
type MissionControl struct {
	app        *App
	unlocked   bool
	gateError  string
	prompt     string
	submitting bool
	taskErr    string
	taskID     string
	status     string
	progress   string
	result     string
	pollErr    string
	polling    bool
	timer      *live.Timer
	taskSeq    int // the task's entry in the recent-task list
}

type pollTick struct{ id string }

type submitted struct {
	id, prompt string
	err        error
}

type polled struct {
	id  string
	p   symbiont.Progress
	err error
}

// Mount implements live.View.
func (v *MissionControl) Mount(s *live.Socket, p live.Params) error {
	s.SetTitle("Mission control")
	return nil
}

// HandleEvent handles the gate, the prompt form and logout.
func (v *MissionControl) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "unlock":
		if v.app.TaskPassword == "" {
			v.gateError = "The gate is closed: TASK_PASSWORD is not set on the server."
			return nil
		}
		if subtle.ConstantTimeCompare([]byte(e.Value.Get("password")), []byte(v.app.TaskPassword)) != 1 {
			v.gateError = "Invalid password"
			return nil
		}
		v.unlocked, v.gateError = true, ""
	case "logout":
		v.stopPolling()
		*v = MissionControl{app: v.app}
	case "prompt":
		if v.unlocked {
			v.prompt = e.Value.Get("prompt")
		}
	case "submit":
		if !v.unlocked || v.submitting {
			return nil
		}
		v.prompt = e.Value.Get("prompt")
		if strings.TrimSpace(v.prompt) == "" {
			v.taskErr = "Write a prompt first."
			return nil
		}
		v.stopPolling()
		v.submitting, v.taskErr, v.taskID, v.result, v.pollErr, v.status, v.progress = true, "", "", "", "", "", ""
		prompt, client, ctx := v.prompt, v.app.Client, s.Context()
		// The API call runs off the view's goroutine; its result comes
		// back through the mailbox (and is dropped if the view ended).
		go func() {
			id, err := client.Submit(ctx, prompt)
			s.Send(submitted{id: id, prompt: prompt, err: err})
		}()
	}
	return nil
}

// HandleInfo receives API results and poll ticks.
func (v *MissionControl) HandleInfo(s *live.Socket, msg any) error {
	switch m := msg.(type) {
	case submitted:
		// The recent-task list shows what the API was asked, whatever
		// became of this view.
		var seq int
		if m.err != nil {
			v.app.recent.start(TaskRecord{Prompt: m.prompt, Status: "submit failed", Error: m.err.Error()})
		} else {
			seq = v.app.recent.start(TaskRecord{ID: m.id, Prompt: m.prompt, Status: "submitted"})
		}
		if !v.unlocked || !v.submitting {
			// Locked (logout) while the call ran: a late answer must not
			// bring task state back or leave a task "polling" that never
			// polls.
			return nil
		}
		v.submitting = false
		if m.err != nil {
			v.taskErr = "Task failed: " + m.err.Error()
			return nil
		}
		v.taskID, v.status, v.polling, v.taskSeq = m.id, "submitted", true, seq
		v.timer = s.SendAfter(v.app.pollInterval(), pollTick{id: m.id})
	case pollTick:
		if !v.unlocked || m.id != v.taskID {
			return nil
		}
		client, ctx := v.app.Client, s.Context()
		go func() {
			p, err := client.Progress(ctx, m.id)
			s.Send(polled{id: m.id, p: p, err: err})
		}()
	case polled:
		if m.id != v.taskID || !v.polling {
			return nil
		}
		if m.err != nil {
			// Bad data or a failed call is shown; polling continues.
			v.pollErr = m.err.Error()
			v.app.recent.update(v.taskSeq, func(r *TaskRecord) { r.Error = m.err.Error() })
		} else {
			v.pollErr = ""
			v.status = m.p.Status
			if m.p.Progress != nil {
				v.progress = fmt.Sprintf("%.0f%%", *m.p.Progress*100)
			}
			status, progress, perr := v.status, v.progress, m.p.Error
			v.app.recent.update(v.taskSeq, func(r *TaskRecord) { r.Status, r.Progress, r.Error = status, progress, perr })
			if m.p.Done() {
				v.polling = false
				v.result = resultText(m.p.Result)
				if m.p.Status == symbiont.Failed {
					v.result = "Task failed: " + m.p.Error
				}
				return nil
			}
		}
		v.timer = s.SendAfter(v.app.pollInterval(), pollTick{id: m.id})
	}
	return nil
}

func (a *App) pollInterval() time.Duration {
	if a.PollInterval > 0 {
		return a.PollInterval
	}
	return time.Second
}

func (v *MissionControl) stopPolling() {
	v.polling = false
	if v.timer != nil {
		v.timer.Stop()
		v.timer = nil
	}
}

// Render implements live.View.
func (v *MissionControl) Render() templ.Component { return missionControl(v) }

// Ping checks the Symbiont API (used by the dashboard page).
func (a *App) Ping(ctx context.Context) error {
	_, err := a.Client.Status(ctx)
	return err
}

// resultText shows a task result: a JSON string as its text, anything else
// as the JSON itself.
func resultText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
