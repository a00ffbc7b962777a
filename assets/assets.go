// Package assets serves the browser bundles built from npm packages by
// build.mjs (esbuild): the real phoenix and phoenix_live_view clients, the
// app's hooks and diagnostics, and the CSS. They are embedded so a binary
// is self-contained.
package assets

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed dist
var dist embed.FS

// FS is the built files (app.js, app-1.1.js, app-1.0.js, phoenix.js,
// app.css).
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err)
	}
	return sub
}

// Built reports whether the bundles were built (make assets) before this
// binary was compiled.
func Built() bool {
	_, err := fs.Stat(FS(), "app.js")
	return err == nil
}

// Handler serves the bundles; mount it with http.StripPrefix("/assets", …).
func Handler() http.Handler {
	files := http.FileServerFS(FS())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" || r.URL.Path == "/README" || strings.Contains(r.URL.Path, "..") {
			http.NotFound(w, r)
			return
		}
		// Bundles change with every build and are small; let the
		// browser revalidate rather than cache blindly.
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}
