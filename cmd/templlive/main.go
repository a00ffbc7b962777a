// Command templlive adds LiveView recording calls to the Go files that
// `templ generate` wrote, so plain templ components render as fine-grained
// LiveView trees (see package live/templgen). Run it right after templ
// generate; it rewrites *_templ.go files in place and is idempotent.
//
//	go tool templ generate && go run ./cmd/templlive ./...
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cortex-cinegraph/golive/live/templgen"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: templlive [dir|dir/...]...")
		flag.PrintDefaults()
	}
	flag.Parse()
	roots := flag.Args()
	if len(roots) == 0 {
		roots = []string{"./..."}
	}
	n := 0
	for _, root := range roots {
		dir, recursive := strings.CutSuffix(root, "/...")
		if dir == "" || dir == "." && recursive {
			dir = "."
		}
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != dir && (!recursive || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, "_templ.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if templgen.Transformed(src) {
				return nil
			}
			out, err := templgen.Transform(path, src)
			if errors.Is(err, templgen.ErrNotTempl) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			n++
			return os.WriteFile(path, out, 0o644)
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "templlive:", err)
			os.Exit(1)
		}
	}
	if n > 0 {
		fmt.Fprintf(os.Stderr, "templlive: rewrote %d file(s)\n", n)
	}
}
