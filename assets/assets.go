// Package assets serves the browser bundles built from npm packages by
// build.mjs (esbuild): the real phoenix and phoenix_live_view clients, the
// app's hooks and diagnostics, and the CSS. They are embedded so a binary
// is self-contained.
//
// Each file is also served under a digested name, its content's hash in
// the name (app.js as app-3f2a9c1d0b.js): pages link to those ([Path]),
// which are cached for a year, since a new build gives new names. The plain
// names stay, revalidated on every use, for tools and for pages rendered
// by an older build.
package assets

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
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

// digestLen is how many hex digits of the SHA-256 go into a name: enough
// that two builds never collide in a cache.
const digestLen = 10

type file struct {
	name string // the plain name
	data []byte
}

type manifest struct {
	digested map[string]string // plain name -> digested name
	files    map[string]file   // digested name -> file
}

// index hashes the embedded files once, at first use.
var index = sync.OnceValue(func() manifest {
	m := manifest{digested: map[string]string{}, files: map[string]file{}}
	entries, _ := fs.ReadDir(FS(), ".")
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == "README" {
			continue
		}
		data, err := fs.ReadFile(FS(), name)
		if err != nil {
			continue
		}
		sum := sha256.Sum256(data)
		ext := path.Ext(name)
		d := strings.TrimSuffix(name, ext) + "-" + hex.EncodeToString(sum[:])[:digestLen] + ext
		m.digested[name] = d
		m.files[d] = file{name: name, data: data}
	}
	return m
})

// Path is the URL path pages use for the built file name: its digested
// name under /assets/, or the plain one when the file was not built (the
// page then says so with a 404 rather than pointing nowhere).
func Path(name string) string {
	if d, ok := index().digested[name]; ok {
		return "/assets/" + d
	}
	return "/assets/" + name
}

// Immutable is the Cache-Control of digested names.
const Immutable = "public, max-age=31536000, immutable"

// Handler serves the bundles; mount it with http.StripPrefix("/assets", …).
func Handler() http.Handler {
	files := http.FileServerFS(FS())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		if f, ok := index().files[p]; ok {
			w.Header().Set("Cache-Control", Immutable)
			http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.data))
			return
		}
		if p == "" || p == "README" || strings.Contains(p, "..") {
			http.NotFound(w, r)
			return
		}
		// Plain names change with every build: revalidate.
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}
