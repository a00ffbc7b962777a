package main

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/pgtest"
	"github.com/cortex-cinegraph/golive/pubsub"
)

// At start the server searches the default browse and the primary sorts
// once, so their first visitors hit the cache; MOVIES_WARM=off skips it,
// MOVIES_WARM=all adds every plain sort in both directions.
func TestOpenStoreWarmsPrimarySearches(t *testing.T) {
	dsn := pgtest.Seeded(t, func(ctx context.Context, dsn string) error {
		_, err := movies.Migrate(ctx, dsn, nil)
		return err
	})
	t.Setenv("DATABASE_URL", dsn)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		env  string
		want int
	}{{"", len(warmQueries)}, {"off", 0}, {"all", len(warmAll)}} {
		t.Setenv("MOVIES_WARM", tc.env)
		store, stop, err := openStore(context.Background(), pubsub.NewLocal(), log)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for store.Stats().Entries < tc.want && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // nothing more arrives
		st := store.Stats()
		stop()
		if st.Entries != tc.want || st.Queries != uint64(tc.want) {
			t.Errorf("MOVIES_WARM=%q: %d cached results after %d queries, want %d", tc.env, st.Entries, st.Queries, tc.want)
		}
	}
}

// warmAll is what MOVIES_WARM=all searches: each a search of its own.
var warmAll = func() []string {
	l, err := warmList("all")
	if err != nil {
		panic(err)
	}
	return l
}()

func TestWarmList(t *testing.T) {
	if _, err := warmList("everything"); err == nil {
		t.Error(`MOVIES_WARM="everything": no error`)
	}
	all, _ := warmList("all")
	for _, q := range []string{"", "sort=score_desc", "sort=title_asc", "sort=title_desc", "sort=runtime_asc"} {
		if !slices.Contains(all, q) {
			t.Errorf("MOVIES_WARM=all lacks %q: %v", q, all)
		}
	}
	if len(all) != len(slices.Compact(slices.Sorted(slices.Values(all)))) {
		t.Errorf("MOVIES_WARM=all repeats a search: %v", all)
	}
}
