package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

var (
	moviesCSRF = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)
	moviesMain = regexp.MustCompile(`<div id="(phx-[^"]+)" data-phx-main data-phx-session="([^"]+)" data-phx-static="([^"]*)"`)
)

// moviesLive is one connected /movies view (closed loop: one call at a time).
type moviesLive struct {
	conn    *websocket.Conn
	topic   string
	ref     int
	pushes  int
	joinLen int
	hbStop  chan struct{} // closes the heartbeat goroutine, when started
}

// heartbeat sends phoenix.js's heartbeat every period until close, as a
// browser tab does: a view that only waits for pushes (the soak's outage)
// would otherwise be closed by the server's idle timeout. Its replies are
// skipped by call and awaitPush like any frame not waited for.
func (l *moviesLive) heartbeat(period time.Duration) {
	l.hbStop = make(chan struct{})
	go func() {
		t := time.NewTicker(period)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-l.hbStop:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			frame := `[null,"hb` + strconv.Itoa(n) + `","phoenix","heartbeat",{}]`
			err := l.conn.Write(ctx, websocket.MessageText, []byte(frame))
			cancel()
			if err != nil {
				return
			}
		}
	}()
}

type moviesReply struct {
	Status string          `json:"status"`
	Resp   json.RawMessage `json:"response"`
}

func moviesJoin(ctx context.Context, base string) (*moviesLive, error) {
	return liveJoinWS(ctx, base, "/movies", nil)
}

// liveJoinWS GETs a live page (with its own cookie jar, on a fresh
// connection so the server keeps no idle one), connects a WebSocket and
// joins the page's view, as a browser tab does. dial, when not nil, opens
// the WebSocket's TCP connection.
func liveJoinWS(ctx context.Context, base, path string, dial func(ctx context.Context, network, addr string) (net.Conn, error)) (*moviesLive, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Transport: &http.Transport{DisableKeepAlives: true}}
	pageURL := base + path
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	res, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	m := moviesCSRF.FindSubmatch(body)
	c := moviesMain.FindSubmatch(body)
	if m == nil || c == nil {
		return nil, fmt.Errorf("GET %s (%s): no csrf meta or data-phx-main container", path, res.Status)
	}
	csrf, id, sess, stat := string(m[1]), string(c[1]), string(c[2]), string(c[3])
	q := url.Values{"_csrf_token": {csrf}, "_lv_vsn": {socketload.DefaultLiveVsn}, "vsn": {"2.0.0"}}
	h := http.Header{}
	pu, _ := url.Parse(pageURL)
	for _, ck := range jar.Cookies(pu) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	opts := &websocket.DialOptions{HTTPHeader: h, CompressionMode: websocket.CompressionDisabled}
	if dial != nil {
		opts.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: dial}}
	}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/live/websocket?"+q.Encode(), opts)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	conn.SetReadLimit(16 << 20)
	l := &moviesLive{conn: conn, topic: "lv:" + id}
	payload, _ := json.Marshal(map[string]any{
		"url": pageURL, "session": sess, "static": stat,
		"params": map[string]any{"_csrf_token": csrf, "_mounts": 0, "_mount_attempts": 0, "_lv_vsn": socketload.DefaultLiveVsn},
	})
	rep, _, err := l.call(ctx, "phx_join", payload)
	if err != nil {
		conn.CloseNow()
		return nil, fmt.Errorf("join: %w", err)
	}
	if rep.Status != "ok" {
		conn.CloseNow()
		return nil, fmt.Errorf("join refused: %s", rep.Resp)
	}
	var jr struct {
		Rendered json.RawMessage `json:"rendered"`
	}
	_ = json.Unmarshal(rep.Resp, &jr)
	l.joinLen = len(jr.Rendered)
	return l, nil
}

// call sends one frame and reads until its reply; it returns the reply and
// the whole reply frame's size.
func (l *moviesLive) call(ctx context.Context, event string, payload []byte) (moviesReply, int, error) {
	l.ref++
	ref := strconv.Itoa(l.ref)
	frame, _ := json.Marshal([]any{"1", ref, l.topic, event, json.RawMessage(payload)})
	if err := l.conn.Write(ctx, websocket.MessageText, frame); err != nil {
		return moviesReply{}, 0, err
	}
	for {
		_, data, err := l.conn.Read(ctx)
		if err != nil {
			return moviesReply{}, 0, err
		}
		var msg []json.RawMessage
		if json.Unmarshal(data, &msg) != nil || len(msg) != 5 {
			continue
		}
		var r, ev string
		_ = json.Unmarshal(msg[1], &r)
		_ = json.Unmarshal(msg[3], &ev)
		if ev != "phx_reply" || r != ref {
			l.pushes++
			continue
		}
		var rep moviesReply
		if err := json.Unmarshal(msg[4], &rep); err != nil {
			return rep, len(data), err
		}
		return rep, len(data), nil
	}
}

// awaitPush reads frames until a push (a frame that is not a reply)
// matches, or ctx ends.
func (l *moviesLive) awaitPush(ctx context.Context, match func([]byte) bool) error {
	for {
		_, data, err := l.conn.Read(ctx)
		if err != nil {
			return err
		}
		var msg []json.RawMessage
		if json.Unmarshal(data, &msg) != nil || len(msg) != 5 {
			continue
		}
		var ev string
		_ = json.Unmarshal(msg[3], &ev)
		if ev != "phx_reply" && match(data) {
			return nil
		}
	}
}

// moviesShallowPage is the last page counted as shallow in the report's
// split of the page events (the mix itself is unchanged).
const moviesShallowPage = 10

// moviesPatchPage is the page of client c's i-th live_patch target (1 for
// sort and filter events).
func moviesPatchPage(c, i int) int {
	if i%3 != 2 {
		return 1
	}
	if c >= moviesLiveClients {
		// The paced phase's clients: pages between the closed-loop
		// phase's, as deep, never the same.
		return 2 + i/3 + (c-moviesLiveClients)*50 + 25
	}
	return 2 + i/3 + c*50
}

// moviesPatchURL is client c's i-th live_patch target: a sort change, a
// genre filter, the next page, in turn, each URL new to that client.
func moviesPatchURL(base string, c, i int) (kind, u string) {
	sorts := []string{"title_asc", "rating_desc", "popularity_desc", "runtime_asc", "release_date_asc", "title_desc"}
	genres := []string{"drama", "comedy", "action", "thriller", "romance", "horror", "crime", "documentary"}
	round := i / 3
	s := sorts[(c+round)%len(sorts)]
	g := genres[(c+round)%len(genres)]
	page := moviesPatchPage(c, i)
	switch i % 3 {
	case 0:
		return "sort", fmt.Sprintf("%s/movies?sort=%s", base, s)
	case 1:
		return "filter", fmt.Sprintf("%s/movies?genres=%s&sort=%s", base, g, s)
	default:
		return "page", fmt.Sprintf("%s/movies?genres=%s&page=%d&sort=%s", base, g, page, s)
	}
}

func moviesLiveRun(ctx context.Context, base string, r *moviesResult) error {
	r.LiveClients = moviesLiveClients
	var views []*moviesLive
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < moviesLiveClients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			l, err := moviesJoin(jctx, base)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				r.JoinErrors++
				if r.JoinFirstErr == "" {
					r.JoinFirstErr = err.Error()
				}
				return
			}
			views = append(views, l)
		}()
	}
	wg.Wait()
	defer func() {
		for _, v := range views {
			v.conn.Close(websocket.StatusNormalClosure, "")
		}
	}()
	if len(views) == 0 {
		return fmt.Errorf("no client joined: %s", r.JoinFirstErr)
	}
	r.JoinBytes = views[0].joinLen

	samples, firstErr, elapsed := moviesEvents(ctx, base, views, 0, 0, r)
	r.LiveSeconds = elapsed.Seconds()
	agg := func(kind string, keep func(moviesSample) bool) *moviesKind {
		k := &moviesKind{Kind: kind}
		var lats []time.Duration
		var diff, frame int
		for ci, ss := range samples {
			if kind == "all" {
				k.Pushes += views[ci].pushes
			}
			for _, s := range ss {
				if !keep(s) {
					continue
				}
				if s.err {
					k.Errors++
					continue
				}
				lats = append(lats, s.lat)
				diff += s.diff
				frame += s.frame
			}
		}
		k.Events = len(lats)
		k.P50Ms, k.P99Ms, k.MaxMs = moviesPct(lats)
		if len(lats) > 0 {
			k.MeanDiffBytes = float64(diff) / float64(len(lats))
			k.MeanFrame = float64(frame) / float64(len(lats))
		}
		return k
	}
	r.All = agg("all", func(moviesSample) bool { return true })
	for _, k := range []string{"sort", "filter", "page"} {
		r.Kinds = append(r.Kinds, agg(k, func(s moviesSample) bool { return s.kind == k }))
	}
	// The page events split by depth: a separate view of the same events
	// (pages 2–10 come from one client's first rounds; the rest are deep).
	r.PageSplit = append(r.PageSplit,
		agg(fmt.Sprintf("page 2–%d", moviesShallowPage), func(s moviesSample) bool { return s.kind == "page" && s.page <= moviesShallowPage }),
		agg(fmt.Sprintf("page > %d", moviesShallowPage), func(s moviesSample) bool { return s.kind == "page" && s.page > moviesShallowPage }))
	if firstErr != "" {
		r.Problems = append(r.Problems, "first event error: "+firstErr)
	}

	// Then the same mix at a steady rate well below saturation: the round
	// trip an event gets on a server that is not already queueing.
	paced, pacedErr, pacedElapsed := moviesEvents(ctx, base, views, moviesLiveClients, moviesPacedEvery, nil)
	samples = paced
	r.Paced = agg("paced", func(moviesSample) bool { return true })
	r.PacedSeconds = pacedElapsed.Seconds()
	if pacedErr != "" {
		r.Problems = append(r.Problems, "paced: first event error: "+pacedErr)
	}
	return nil
}

// moviesSample is one live_patch round trip.
type moviesSample struct {
	kind  string
	page  int
	lat   time.Duration
	diff  int
	frame int
	err   bool
}

// moviesEvents has every view send live_patch events for moviesPhase:
// back to back when pace is 0, else one every pace per client. Client ci
// walks the URLs of client ci+offset. r, when not nil, gets the first
// page-change diff as a sample.
func moviesEvents(ctx context.Context, base string, views []*moviesLive, offset int, pace time.Duration, r *moviesResult) ([][]moviesSample, string, time.Duration) {
	samples := make([][]moviesSample, len(views))
	var firstErr string
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(moviesPhase)
	for ci, v := range views {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := start
			if pace > 0 {
				// Spread the clients over the interval.
				next = start.Add(pace * time.Duration(ci) / time.Duration(len(views)))
			}
			for i := 0; time.Now().Before(end) && ctx.Err() == nil; i++ {
				sched := time.Time{}
				if pace > 0 {
					time.Sleep(time.Until(next))
					sched, next = next, next.Add(pace)
				}
				kind, u := moviesPatchURL(base, ci+offset, i)
				payload, _ := json.Marshal(map[string]string{"url": u})
				cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				t := time.Now()
				if !sched.IsZero() {
					// Open loop: count from when the event was due, so
					// a slow reply that delays the next send is not hidden.
					t = sched
				}
				rep, n, err := v.call(cctx, "live_patch", payload)
				lat := time.Since(t)
				cancel()
				if err == nil && rep.Status != "ok" {
					err = fmt.Errorf("reply %s: %s", rep.Status, rep.Resp)
				}
				if err != nil {
					mu.Lock()
					if firstErr == "" {
						firstErr = err.Error()
					}
					mu.Unlock()
					samples[ci] = append(samples[ci], moviesSample{kind: kind, page: moviesPatchPage(ci+offset, i), err: true})
					if ctx.Err() != nil || cctx.Err() != nil {
						return
					}
					continue
				}
				var d struct {
					Diff json.RawMessage `json:"diff"`
				}
				_ = json.Unmarshal(rep.Resp, &d)
				samples[ci] = append(samples[ci], moviesSample{kind: kind, page: moviesPatchPage(ci+offset, i), lat: lat, diff: len(d.Diff), frame: n})
				if kind == "page" && ci == 0 && r != nil && r.PageSample == "" {
					mu.Lock()
					s := string(d.Diff)
					r.PageDiffBytes = len(d.Diff)
					r.PageStatics = strings.Count(s, `"s":[`)
					var top struct {
						P map[string]json.RawMessage `json:"p"`
					}
					_ = json.Unmarshal(d.Diff, &top)
					r.PageShared = len(top.P)
					if len(s) > 600 {
						s = s[:600] + "…"
					}
					r.PageSample = s
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	wg.Wait()
	return samples, firstErr, time.Since(start)
}
