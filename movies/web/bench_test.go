package web_test

import (
	"testing"

	"github.com/cortex-cinegraph/golive/movies"
)

// BenchmarkDeadRender renders /movies over plain HTTP with a warm cache.
func BenchmarkDeadRender(b *testing.B) {
	for _, path := range []string{"/movies", "/movies?genres=comedy,drama&sort=title_asc&people=ada-golden"} {
		b.Run(path, func(b *testing.B) {
			a := newApp(b, seeded(b), movies.Config{})
			a.env.Get(path)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if p := a.env.Get(path); p.Status != 200 {
					b.Fatal(p.Status)
				}
			}
		})
	}
}
