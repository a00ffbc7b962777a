// Package dashboard is the live operations dashboard mounted at /dashboard
// (the role of Phoenix LiveDashboard) for any app on the live engine.
//
// # What it owns
//
//   - The live view at /dashboard and /dashboard/{page}, in its own
//     live_session "dashboard", with a menu of pages; moving between pages
//     is live navigation (no page load).
//   - The built-in pages: home (Go version, uptime, goroutines, memory,
//     GC), connections (sockets by transport, channels, live views, join and
//     leave rates, failures by cause), metrics (HTTP requests/s, live
//     events/s, diff bytes/s), cluster (every node of the cluster with its
//     state, uptime, heartbeat age and connections by transport; totals and
//     connected views per view name across the nodes alive; this node's
//     PubSub link; from [Config.Cluster], or this node alone with an
//     in-process PubSub) and database (pool statistics, only when a pool
//     is configured).
//   - The custom pages API: an app registers a [Page] with a menu title and
//     a Render made of four blocks, [Card], [Table], [Row] and [Columns].
//     Pages refresh live on a timer of the view (default every second).
//   - The one [Sampler] goroutine (started by [Dashboard.Start] with a
//     context, ended with it) that keeps the last ~120 samples of the
//     runtime, socket and engine counters in a ring; views only read it,
//     so a hundred open dashboards add no sampling work. Metrics over time
//     are drawn as small inline SVG charts.
//   - [CountRequests], the middleware that counts HTTP requests for the
//     metrics page.
//   - Authentication: HTTP Basic checked server-side. With a password it
//     is always required; in production (Auth.Production) without a
//     password the dashboard is disabled with a clear message, never open;
//     in development without a password it is open and a warning is
//     logged. Ten wrong passwords from one address within five minutes
//     lock that address out (429) until the window ends.
//
// It reads the engine's and the socket server's counters (live.Stats,
// transport.Server.Stats and FailureCounts) and knows nothing of the apps
// that register pages.
//
// # Use
//
//	d, err := dashboard.New(dashboard.Config{
//		Engine: st.Engine, Socket: st.Socket,
//		Auth:   dashboard.Auth{Password: os.Getenv("DASHBOARD_PASSWORD"), Production: prod},
//	})
//	d.AddPage(dashboard.Page{Path: "services", Title: "Services", Render: func(ctx context.Context) dashboard.Block {
//		return dashboard.Columns(dashboard.Card("Up", "3"), &dashboard.Table{ID: "services", …})
//	}})
//	d.Register(mux)    // GET /dashboard, GET /dashboard/{page}, behind the auth
//	d.Start(ctx)       // the sampler goroutine; it ends with ctx
//	http.ListenAndServe(addr, dashboard.CountRequests(mux))
//
// # What the engine cannot tell yet
//
// The engine counts joins but not leaves: leaves are derived as
// successful joins minus connected views (see [Sample.Leaves]).
package dashboard
