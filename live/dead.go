package live

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live/tree"
	"github.com/cortex-cinegraph/golive/transport"
)

// Cookies the client sets before a full navigation (PROTOCOL.md §5.4, §9).
const (
	flashCookie  = "__phoenix_flash__"
	reloadCookie = "__phoenix_reload_status__"
)

// serveDead renders a live route over plain HTTP: the whole page, readable
// without JavaScript, with the signed tokens the client joins with.
func (e *Engine) serveDead(w http.ResponseWriter, r *http.Request, rt *route) {
	e.stats.DeadRenders.Add(1)
	sess := e.cfg.Sessions.Ensure(w, r)
	reqID := requestID(r)
	flash := e.takeFlashCookie(w, r)
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	if r.TLS != nil {
		u.Scheme = "https"
	}
	if pu := e.cfg.PublicURL; pu != nil {
		u.Scheme, u.Host = pu.Scheme, pu.Host
	}
	id := newViewID()
	s := &Socket{e: e, id: id, ctx: r.Context(), url: &u, session: sess.Values, requestID: reqID, flash: flash, liveSession: rt.ls.name}
	view := rt.factory()
	params := allParams(pathParams(r, rt), &u)
	status := http.StatusOK
	err := callSafe(func() error {
		if rt.ls.OnMount != nil {
			if err := rt.ls.OnMount(s, params); err != nil {
				return err
			}
		}
		if err := view.Mount(s, params); err != nil {
			return err
		}
		if ph, ok := view.(ParamsHandler); ok && s.nav == nil {
			return ph.HandleParams(s, &u, params)
		}
		return nil
	})
	if nav := s.nav; nav != nil {
		if nav.kind != navPatch || err == nil {
			if len(s.flash) > 0 {
				e.setFlashCookie(w, r, s.flash)
			}
			http.Redirect(w, r, nav.to, http.StatusFound)
			return
		}
	}
	if err != nil {
		e.stats.MountErrors.Add(1)
		e.limiter.Log(e.log, "dead:"+rt.name+":"+err.Error(), slog.LevelError, "live view mount failed in dead render",
			"view", rt.name, "path", r.URL.Path, "request_id", reqID, "error", err)
		if IsCrash(err) {
			crashPage(w, reqID)
			return
		}
		view = &errorView{err: err, requestID: reqID, view: rt.name}
		status = statusOf(err)
	}
	ctx := context.WithValue(r.Context(), socketKey{}, s)
	var n *tree.Node
	if rerr := callSafe(func() (err error) { n, err = tree.Render(ctx, view.Render()); return err }); rerr != nil {
		e.log.Error("live view render failed in dead render", "view", rt.name, "request_id", reqID, "error", rerr)
		if IsCrash(rerr) {
			// A child view's mount crashed.
			crashPage(w, reqID)
			return
		}
		view = &errorView{err: rerr, requestID: reqID, view: rt.name}
		n, _ = tree.Render(ctx, view.Render())
		status = http.StatusInternalServerError
	}
	sessTok, err1 := e.tokens.sign(sessionClaims{ID: id, View: rt.name, LiveSession: rt.ls.name, Session: s.session})
	staticTok, err2 := e.static.sign(staticClaims{ID: id, Flash: s.flash})
	if err := errors.Join(err1, err2); err != nil {
		http.Error(w, "signing tokens: "+err.Error(), http.StatusInternalServerError)
		return
	}
	body := templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<div id="`+id+`" data-phx-main data-phx-session="`+sessTok+`" data-phx-static="`+staticTok+`">`)
		if err == nil {
			_, err = io.WriteString(w, n.HTML())
		}
		if err == nil {
			_, err = io.WriteString(w, `</div>`)
		}
		return err
	})
	page := Page{
		Title: s.title, Meta: s.meta, CSRFToken: transport.MaskCSRF(sess.CSRF), Script: e.cfg.Script,
		Stylesheet: e.cfg.Stylesheet, Body: body, Request: r,
	}
	var buf bytes.Buffer
	if err := e.cfg.Layout(page).Render(ctx, &buf); err != nil {
		http.Error(w, "rendering layout: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Request-Id", reqID)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// crashPage answers a dead render whose mount crashed ([ErrCrash]): a
// bare 500 page, without the layout (whose scripts would connect and
// mount again), as Phoenix's error page.
func crashPage(w http.ResponseWriter, reqID string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Request-Id", reqID)
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, "Internal Server Error\n")
}

// StatusError lets Mount choose the HTTP status of the dead render (e.g.
// 404 for an unknown slug).
type StatusError struct {
	Status int
	Err    error
}

func (e *StatusError) Error() string { return e.Err.Error() }
func (e *StatusError) Unwrap() error { return e.Err }

func statusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) && se.Status >= 400 {
		return se.Status
	}
	return http.StatusInternalServerError
}

func callSafe(f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v}
		}
	}()
	return f()
}

func (e *Engine) takeFlashCookie(w http.ResponseWriter, r *http.Request) map[string]string {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, Secure: e.secureCookies(r)})
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return nil
	}
	var fc flashClaims
	if e.flash.verify(v, flashMaxAge, &fc) != nil {
		return nil
	}
	return fc.Flash
}

// RedirectWithFlash answers a plain HTTP request with a redirect to `to`
// that shows flash there (kind → message), for handlers outside live views
// (e.g. a lookup that fails before any view mounts).
func (e *Engine) RedirectWithFlash(w http.ResponseWriter, r *http.Request, to string, flash map[string]string) {
	e.setFlashCookie(w, r, flash)
	http.Redirect(w, r, to, http.StatusFound)
}

func (e *Engine) setFlashCookie(w http.ResponseWriter, r *http.Request, flash map[string]string) {
	tok, err := e.flash.sign(flashClaims{Flash: flash})
	if err != nil {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: tok, Path: "/", MaxAge: 60, HttpOnly: true, Secure: e.secureCookies(r), SameSite: http.SameSiteLaxMode})
}

// secureCookies reports whether cookies must be Secure: the request came
// over TLS, or the public URL is https (behind a TLS proxy the request
// itself is plain HTTP).
func (e *Engine) secureCookies(r *http.Request) bool {
	return r != nil && r.TLS != nil || e.cfg.PublicURL != nil && e.cfg.PublicURL.Scheme == "https"
}

// defaultLayout is a minimal page for apps that bring no layout.
func defaultLayout(p Page) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		title := p.Title
		if title == "" {
			title = "golive"
		}
		_, err := io.WriteString(w, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`+
			`<meta name="viewport" content="width=device-width, initial-scale=1">`+
			`<meta name="csrf-token" content="`+html.EscapeString(p.CSRFToken)+`">`+
			`<title>`+html.EscapeString(title)+`</title>`+metaTags(p.Meta)+
			`<link phx-track-static rel="stylesheet" href="`+html.EscapeString(p.Stylesheet)+`">`+
			`<script defer phx-track-static type="text/javascript" src="`+html.EscapeString(p.Script)+`"></script>`+
			`</head><body>`)
		if err != nil {
			return err
		}
		if err := p.Body.Render(ctx, w); err != nil {
			return err
		}
		_, err = io.WriteString(w, `</body></html>`)
		return err
	})
}

// metaTags is m as head tags, for the default layout.
func metaTags(m Meta) string {
	var b strings.Builder
	if m.Description != "" {
		b.WriteString(`<meta name="description" content="` + html.EscapeString(m.Description) + `">`)
	}
	if m.Canonical != "" {
		b.WriteString(`<link rel="canonical" href="` + html.EscapeString(m.Canonical) + `">`)
	}
	for _, p := range m.Properties {
		b.WriteString(`<meta property="` + html.EscapeString(p.Property) + `" content="` + html.EscapeString(p.Content) + `">`)
	}
	return b.String()
}

// errorView replaces a view whose Mount, HandleParams or Render failed, so
// the person sees the failure (with a request id to quote) instead of an
// endless progress bar. For transient errors it counts down to a retry.
type errorView struct {
	err       error
	requestID string
	view      string
	retryIn   int // seconds until the next mount attempt; 0: no retry
}

func (v *errorView) Mount(*Socket, Params) error { return nil }

func (v *errorView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		kind, title := "mount", "This page could not be loaded"
		if IsUnavailable(v.err) {
			kind, title = "unavailable", "A service this page needs is unavailable"
		}
		var b strings.Builder
		b.WriteString(`<div class="live-error" role="alert" data-live-error="` + kind + `">`)
		msg := v.err.Error()
		var pe *PanicError
		if errors.As(v.err, &pe) {
			// A panic's text is for the log, not the page.
			msg = "An internal error occurred."
		}
		b.WriteString(`<h2>` + html.EscapeString(title) + `</h2><p>` + html.EscapeString(msg) + `</p>`)
		if v.retryIn > 0 {
			b.WriteString(`<p>Retrying in <span id="live-retry-in">` + strconv.Itoa(v.retryIn) + `</span> s…</p>`)
		}
		b.WriteString(`<p>Request id: <code>` + html.EscapeString(v.requestID) + `</code></p></div>`)
		_, err := io.WriteString(w, b.String())
		return err
	})
}
