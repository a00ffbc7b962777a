package status

import (
	"context"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/dashboard"
)

// DashboardPages are the status app's pages of /dashboard: "Services" (the
// services table, a row per service with its state as class) and
// "Symbiont" (API health and the recent tasks). Both read state the app
// already keeps (the checker's last result, the recent-task list), so a
// refresh costs no API call.
func (a *App) DashboardPages() []dashboard.Page {
	return []dashboard.Page{
		{Path: "services", Title: "Services", Render: a.servicesPage},
		{Path: "symbiont", Title: "Symbiont", Render: a.symbiontPage},
	}
}

func (a *App) servicesPage(context.Context) dashboard.Block {
	u := a.Checker.Last()
	count := map[string]int{}
	for _, s := range u.Services {
		count[s.State]++
	}
	n := func(state string) string { return strconv.Itoa(count[state]) }
	cards := []dashboard.Block{
		dashboard.Card("Services", strconv.Itoa(len(u.Services))),
		dashboard.Card("Up", n("up")),
		dashboard.Card("Degraded", n("degraded")),
		dashboard.Card("Down", n("down")),
		dashboard.Card("Unknown", n("unknown")),
		dashboard.Card("Last check", checkedAt(u.At)),
	}
	if u.Err != "" {
		cards = append(cards, dashboard.Card("Last check failed", u.Err))
	}
	return dashboard.Blocks(
		dashboard.Row(cards...),
		dashboard.Table{
			ID:    "dash-services",
			Title: "Services",
			Columns: []dashboard.Column{
				{Header: "Service", Value: func(r any) string { return r.(Service).Name }},
				{Header: "State", Value: func(r any) string { return r.(Service).State }},
				{Header: "Last check", Value: func(r any) string { return FormatTime(r.(Service).CheckedAt) }},
				{Header: "Error", Value: func(r any) string { return r.(Service).Error }},
			},
			Rows: dashboard.Rows(u.Services),
			RowAttrs: func(r any) templ.Attributes {
				s := r.(Service)
				return templ.Attributes{"id": "dash-svc-" + s.Name, "class": "state-" + s.State, "data-state": s.State}
			},
		},
	)
}

func checkedAt(t time.Time) string {
	if t.IsZero() {
		return "not yet"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// health is the API's health as the last service check saw it.
func (a *App) health() string {
	u := a.Checker.Last()
	switch {
	case u.At.IsZero():
		return "not checked yet"
	case u.Err != "":
		return "down: " + u.Err
	}
	return "up"
}

func (a *App) symbiontPage(context.Context) dashboard.Block {
	u := a.Checker.Last()
	token := "not set"
	if a.Client.Token != "" {
		token = "set"
	}
	tasks := a.RecentTasks()
	return dashboard.Blocks(
		dashboard.Columns(
			dashboard.Card("API", a.Client.BaseURL),
			dashboard.Card("Health", a.health()),
			dashboard.Card("Last check", checkedAt(u.At)),
			dashboard.Card("Token", token),
		),
		dashboard.Table{
			ID:    "dash-tasks",
			Title: "Recent tasks",
			Columns: []dashboard.Column{
				{Header: "Task", Value: func(r any) string { return orDash(r.(TaskRecord).ID) }},
				{Header: "Status", Value: func(r any) string { return r.(TaskRecord).Status }},
				{Header: "Progress", Value: func(r any) string { return r.(TaskRecord).Progress }},
				{Header: "Prompt", Value: func(r any) string { return r.(TaskRecord).Prompt }},
				{Header: "Submitted", Value: func(r any) string { return r.(TaskRecord).Submitted.UTC().Format("15:04:05") }},
				{Header: "Updated", Value: func(r any) string { return r.(TaskRecord).Updated.UTC().Format("15:04:05") }},
				{Header: "Error", Value: func(r any) string { return r.(TaskRecord).Error }},
			},
			Rows: dashboard.Rows(tasks),
			RowAttrs: func(r any) templ.Attributes {
				t := r.(TaskRecord)
				return templ.Attributes{"id": "recent-task-" + strconv.Itoa(t.Seq), "class": "state-" + stateClass(t.Status), "data-task": t.ID}
			},
		},
	)
}

func stateClass(status string) string {
	if status == "submit failed" {
		return "failed"
	}
	return status
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
