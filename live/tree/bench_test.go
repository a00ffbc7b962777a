package tree_test

import (
	"context"
	"testing"

	"github.com/cortex-cinegraph/golive/live/tree"
	"github.com/cortex-cinegraph/golive/live/tree/internal/fixture"
)

// BenchmarkCounterEvent is the engine's core work for one counter click:
// render the component to a tree and diff it against the previous one.
func BenchmarkCounterEvent(b *testing.B) {
	its := make([]fixture.Item, 10)
	for i := range its {
		its[i] = fixture.Item{ID: i + 1, Name: "x"}
	}
	ctx := context.Background()
	prev, _ := tree.Render(ctx, fixture.Counter(0, its, "q"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n, err := tree.Render(ctx, fixture.Counter(i+1, its, "q"))
		if err != nil {
			b.Fatal(err)
		}
		if d := tree.Keyed.Diff(prev, n); d == nil {
			b.Fatal("no diff")
		}
		prev = n
	}
}
