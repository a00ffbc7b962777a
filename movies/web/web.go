package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/movies"
)

// Paths of the pages. /movies-v2 is the original's alias, kept for old
// links; unlike the original (bug B13) its controls stay on /movies-v2.
const (
	IndexPath   = "/movies"
	IndexPathV2 = "/movies-v2"
)

// SessionName is the live_session of the movies pages: live navigation
// works between the index, the show pages and the people pages.
const SessionName = "movies"

// Register mounts the movies pages on mux:
//
//	GET /movies, /movies-v2             the index (live view)
//	GET /movies/{slug}, /movies-v2/{slug} the show page (live view)
//	GET /people/{slug}                  the person page (live view)
//	GET /movies/discover                301 to /algorithms, as the original
//	GET /movies/legacy                  302 to /movies (query kept)
//	GET /movies/{slug}/legacy           302 to /movies/{slug}
//	GET /movies/{slug}/metrics          302 to /movies/{slug} with a flash
//
// with the headers of MOVIES.md §1: every HTML response of these routes
// gets "cache-control: private, no-store, no-cache, must-revalidate,
// max-age=0", "pragma: no-cache" and "expires: -1"; and /movies/<digits>
// of a movie with a slug is answered 301 to /movies/<slug> (cache-control
// public, max-age=86400), any other value falling through to the show page
// (which takes it as an id); /people/<digits> likewise.
// log may be nil (slog.Default).
func Register(e *live.Engine, mux *http.ServeMux, store *movies.Store, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	ls := e.Session(SessionName)
	pages := http.NewServeMux()
	index := func(path string) func() live.View {
		return func() live.View { return &Index{store: store, log: log, path: path} }
	}
	show := func() live.View { return &Show{store: store, log: log} }
	person := func() live.View { return &Person{store: store, log: log} }
	ls.Handle(pages, "GET "+IndexPath, "movies.index", index(IndexPath))
	ls.Handle(pages, "GET "+IndexPathV2, "movies.index.v2", index(IndexPathV2))
	ls.Handle(pages, "GET "+IndexPath+"/{slug}", "movies.show", show)
	ls.Handle(pages, "GET "+IndexPathV2+"/{slug}", "movies.show.v2", show)
	ls.Handle(pages, "GET "+PeoplePath+"/{slug}", "movies.person", person)

	h := NoStoreHTML(pages)
	mux.Handle("GET "+IndexPath, h)
	mux.Handle("GET "+IndexPathV2, h)
	mux.Handle("GET "+IndexPath+"/{slug}", slugRedirect(IndexPath, store.SlugForID, log, h))
	mux.Handle("GET "+IndexPathV2+"/{slug}", h)
	mux.Handle("GET "+PeoplePath+"/{slug}", slugRedirect(PeoplePath, store.PersonSlugForID, log, h))
	// Lookups by external id (the original's :show_by_tmdb and
	// :show_by_imdb): found → the show page, else a flash on /movies.
	mux.HandleFunc("GET "+IndexPath+"/tmdb/{id}", func(w http.ResponseWriter, r *http.Request) {
		v := r.PathValue("id")
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !allDigits(v) {
			e.RedirectWithFlash(w, r, IndexPath, map[string]string{"error": "Invalid TMDb ID: " + v})
			return
		}
		externalRedirect(w, r, e, log, "tmdb", v, func() (string, bool, error) { return store.SlugForTMDbID(r.Context(), id) })
	})
	mux.HandleFunc("GET "+IndexPath+"/imdb/{id}", func(w http.ResponseWriter, r *http.Request) {
		v := r.PathValue("id")
		if len(v) < 3 || v[:2] != "tt" || !allDigits(v[2:]) {
			e.RedirectWithFlash(w, r, IndexPath, map[string]string{"error": "Invalid IMDb ID format. IMDb IDs look like tt0111161."})
			return
		}
		externalRedirect(w, r, e, log, "imdb", v, func() (string, bool, error) { return store.SlugForIMDbID(r.Context(), v) })
	})
	// The original's redirect for an old link.
	mux.HandleFunc("GET "+IndexPath+"/discover", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/algorithms", http.StatusMovedPermanently)
	})
	// The original's legacy (v1) pages are not served: each answers 302
	// (not 301: the Elixir app may come back behind the same URLs) to the
	// page that replaced it. The v1 index took the same filter
	// parameters, so its query string is kept.
	mux.HandleFunc("GET "+IndexPath+"/legacy", func(w http.ResponseWriter, r *http.Request) {
		to := IndexPath
		if r.URL.RawQuery != "" {
			to += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, to, http.StatusFound)
	})
	// One pattern for both: "/movies/{slug}/legacy" alone would conflict
	// with "/movies/tmdb/{id}" (neither is more specific).
	mux.HandleFunc("GET "+IndexPath+"/{slug}/{page}", func(w http.ResponseWriter, r *http.Request) {
		show := IndexPath + "/" + url.PathEscape(r.PathValue("slug"))
		switch r.PathValue("page") {
		case "legacy":
			http.Redirect(w, r, show, http.StatusFound)
		case "metrics":
			e.RedirectWithFlash(w, r, show, map[string]string{"info": "The per-movie metrics page is not available here; this is the movie's page."})
		default:
			http.NotFound(w, r)
		}
	})
}

func externalRedirect(w http.ResponseWriter, r *http.Request, e *live.Engine, log *slog.Logger, kind, v string, lookup func() (string, bool, error)) {
	slug, ok, err := lookup()
	switch {
	case err != nil:
		log.Warn("movies: lookup by external id failed", "kind", kind, "id", v, "err", err)
		e.RedirectWithFlash(w, r, IndexPath, map[string]string{"error": "The movie could not be looked up right now; try again."})
	case !ok:
		e.RedirectWithFlash(w, r, IndexPath, map[string]string{"error": "Movie not found (" + kind + " " + v + ")."})
	default:
		http.Redirect(w, r, IndexPath+"/"+slug, http.StatusFound)
	}
}

// slugRedirect answers prefix/<all digits> with a 301 to prefix/<slug>
// when slugFor finds the movie or person and it has a slug (the original's
// SEO plug); other requests go to next.
func slugRedirect(prefix string, slugFor func(context.Context, int64) (string, bool, error), log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.PathValue("slug")
		if !allDigits(v) {
			next.ServeHTTP(w, r)
			return
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err == nil {
			var slug string
			var ok bool
			slug, ok, err = slugFor(r.Context(), id)
			if err == nil && ok {
				w.Header().Set("Cache-Control", "public, max-age=86400")
				http.Redirect(w, r, prefix+"/"+url.PathEscape(slug), http.StatusMovedPermanently)
				return
			}
		}
		if err != nil {
			// The page reports the failure itself.
			log.Warn("movies: slug lookup for the SEO redirect failed", "path", r.URL.Path, "err", err)
		}
		next.ServeHTTP(w, r)
	})
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NoStoreHTML sets the original's cache headers on every text/html
// response of h: HTML embeds per-session CSRF and LiveView tokens, so it
// must never be cached.
func NoStoreHTML(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&noStoreWriter{ResponseWriter: w}, r)
	})
}

type noStoreWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *noStoreWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		h := w.Header()
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			h.Set("Cache-Control", "private, no-store, no-cache, must-revalidate, max-age=0")
			h.Set("Pragma", "no-cache")
			h.Set("Expires", "-1")
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *noStoreWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *noStoreWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
