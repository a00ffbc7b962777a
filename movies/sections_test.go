package movies_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cortex-cinegraph/golive/movies"
	"github.com/cortex-cinegraph/golive/movies/sample"
)

// The hand-written golden sections: best trailer first (official before
// the newer fan trailer, both before the older teaser), Vimeo skipped,
// keywords by name; US offers grouped in the page's order with the
// offer's priority or else the provider's, and the link; GB without a
// link; DE empty.
func TestSectionsGolden(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{})
	ctx := context.Background()
	m, err := s.Media(ctx, sample.GoldenSections)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range m.Videos {
		got = append(got, fmt.Sprintf("%s:%s:%v", v.Key, v.Type, v.Official))
	}
	if want := []string{"goldtrailer:Trailer:true", "goldfantrlr:Trailer:false", "goldteaser1:Teaser:true"}; !slices.Equal(got, want) {
		t.Errorf("videos %v, want %v", got, want)
	}
	if v := m.Videos[0]; v.WatchURL() != "https://www.youtube.com/watch?v=goldtrailer" || v.Name != "Official Trailer" ||
		v.PublishedAt == nil || v.PublishedAt.Year() != 2010 || !strings.Contains(v.ThumbnailURL(), "/goldtrailer/") {
		t.Errorf("trailer %+v", v)
	}
	var kw []string
	for _, k := range m.Keywords {
		kw = append(kw, k.Name)
	}
	if want := []string{"friendship", "time travel"}; !slices.Equal(kw, want) {
		t.Errorf("keywords %v, want %v", kw, want)
	}

	a, err := s.Availability(ctx, sample.GoldenSections, "US")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := offerSummary(a), "flatrate[Reelstream:1 Lanternflix:2] rent[Marquee Rent:4] buy[Cinebox Store:3]"; got != want {
		t.Errorf("US offers %q, want %q", got, want)
	}
	if a.Link != "https://www.themoviedb.org/movie/900000007/watch?locale=US" || a.RegionName() != "United States of America" || a.Empty() {
		t.Errorf("US: link %q name %q", a.Link, a.RegionName())
	}
	if a.Groups[0].Offers[0].LogoURL() != "https://image.tmdb.org/t/p/w92/p/reelstream.png" || a.Groups[0].Label() != "Stream" {
		t.Errorf("logo %q label %q", a.Groups[0].Offers[0].LogoURL(), a.Groups[0].Label())
	}
	var regions []string
	for _, r := range a.Regions {
		regions = append(regions, r.ISO)
	}
	if want := []string{"BR", "FR", "DE", "JP", "GB", "US"}; !slices.Equal(regions, want) {
		t.Errorf("regions %v, want %v (active, by name)", regions, want)
	}
	a, err = s.Availability(ctx, sample.GoldenSections, "GB")
	if err != nil || offerSummary(a) != "free[Northlight+:7]" || a.Link != "" || a.Groups[0].Offers[0].LogoURL() != "" {
		t.Errorf("GB: %q link %q %v", offerSummary(a), a.Link, err)
	}
	a, err = s.Availability(ctx, sample.GoldenSections, "DE")
	if err != nil || !a.Empty() || a.RegionName() != "Germany" {
		t.Errorf("DE: %+v %v", a, err)
	}
	for _, bad := range []string{"", "us", "USA", "U1", "'; --"} {
		if _, err := s.Availability(ctx, sample.GoldenSections, bad); !errors.Is(err, movies.ErrBadRegion) {
			t.Errorf("region %q: %v, want ErrBadRegion", bad, err)
		}
	}
	// A movie without any rows.
	m, err = s.Media(ctx, golden("golden-2003"))
	if err != nil || len(m.Videos) != 0 || len(m.Keywords) != 0 {
		t.Errorf("golden-2003 media %+v %v", m, err)
	}
}

func offerSummary(a *movies.Availability) string {
	var parts []string
	for _, g := range a.Groups {
		var os []string
		for _, o := range g.Offers {
			p := "-"
			if o.Priority != nil {
				p = fmt.Sprint(*o.Priority)
			}
			os = append(os, o.Name+":"+p)
		}
		parts = append(parts, g.Type+"["+strings.Join(os, " ")+"]")
	}
	return strings.Join(parts, " ")
}

// The oracle: for every generated movie of the small set, Media and
// Availability agree with straightforward SQL over the same tables (per
// region: the active providers' offers of each type, sorted in Go).
func TestSectionsOracle(t *testing.T) {
	dsn := seededDSN(t)
	s := openStore(t, dsn, movies.Config{})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var withVideos, withKeywords, withOffers int
	for id := int64(1); id <= sample.SmallSet; id++ {
		m, err := s.Media(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		type vrow struct {
			id        int64
			key, typ  string
			official  bool
			published *time.Time
		}
		rows, _ := conn.Query(ctx, `SELECT id, key, type, COALESCE(official, false), published_at FROM movie_videos WHERE movie_id = $1 AND site = 'YouTube'`, id)
		vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (vrow, error) {
			var v vrow
			return v, r.Scan(&v.id, &v.key, &v.typ, &v.official, &v.published)
		})
		if err != nil {
			t.Fatal(err)
		}
		rank := func(v vrow) int {
			switch {
			case v.typ == "Trailer" && v.official:
				return 0
			case v.typ == "Trailer":
				return 1
			case v.typ == "Teaser":
				return 2
			}
			return 3
		}
		slices.SortFunc(vs, func(a, b vrow) int {
			if d := rank(a) - rank(b); d != 0 {
				return d
			}
			switch {
			case a.published == nil && b.published != nil:
				return 1
			case a.published != nil && b.published == nil:
				return -1
			case a.published != nil && !a.published.Equal(*b.published):
				return b.published.Compare(*a.published)
			}
			return int(a.id - b.id)
		})
		var want, got []string
		for i, v := range vs {
			if i < movies.MaxVideos {
				want = append(want, v.key)
			}
		}
		for _, v := range m.Videos {
			got = append(got, v.Key)
		}
		if !slices.Equal(got, want) {
			t.Errorf("movie %d videos %v, want %v", id, got, want)
		}
		var kw []string
		if err := conn.QueryRow(ctx, `SELECT COALESCE(array_agg(k.name ORDER BY k.name), '{}') FROM movie_keywords mk JOIN keywords k ON k.id = mk.keyword_id WHERE mk.movie_id = $1`, id).Scan(&kw); err != nil {
			t.Fatal(err)
		}
		var gotKw []string
		for _, k := range m.Keywords {
			gotKw = append(gotKw, k.Name)
		}
		if !slices.Equal(gotKw, kw) {
			t.Errorf("movie %d keywords %v, want %v", id, gotKw, kw)
		}
		if len(got) > 0 {
			withVideos++
		}
		if len(kw) > 0 {
			withKeywords++
		}
		for _, region := range []string{"US", "GB", "JP", "ZZ"} {
			a, err := s.Availability(ctx, id, region)
			if err != nil {
				t.Fatal(err)
			}
			type orow struct {
				typ, name string
				prio      *int
				link      string
			}
			rows, _ := conn.Query(ctx, `SELECT o.monetization_type, p.name, COALESCE(o.display_priority, (p.display_priorities ->> $2)::int), COALESCE(o.tmdb_link, '')
				FROM movie_watch_providers o, watch_providers p WHERE p.id = o.watch_provider_id AND p.active AND o.movie_id = $1 AND o.region = $2`, id, region)
			os, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (orow, error) {
				var o orow
				return o, r.Scan(&o.typ, &o.name, &o.prio, &o.link)
			})
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			link := ""
			for _, typ := range movies.OfferTypes {
				var in []orow
				for _, o := range os {
					if o.typ == typ {
						in = append(in, o)
					}
					if link == "" {
						link = o.link
					}
				}
				if len(in) == 0 {
					continue
				}
				slices.SortStableFunc(in, func(a, b orow) int {
					switch {
					case a.prio == nil && b.prio != nil:
						return 1
					case a.prio != nil && b.prio == nil:
						return -1
					case a.prio != nil && *a.prio != *b.prio:
						return *a.prio - *b.prio
					}
					return strings.Compare(a.name, b.name)
				})
				var names []string
				for _, o := range in {
					p := "-"
					if o.prio != nil {
						p = fmt.Sprint(*o.prio)
					}
					names = append(names, o.name+":"+p)
				}
				parts = append(parts, typ+"["+strings.Join(names, " ")+"]")
			}
			if got, want := offerSummary(a), strings.Join(parts, " "); got != want {
				t.Errorf("movie %d in %s: %q, want %q", id, region, got, want)
			}
			if a.Link != link {
				t.Errorf("movie %d in %s: link %q, want %q", id, region, a.Link, link)
			}
			if region == "US" && !a.Empty() {
				withOffers++
			}
		}
	}
	// The generator's mix: most movies have something in each section.
	if withVideos < 100 || withKeywords < 150 || withOffers < 100 {
		t.Errorf("sample mix: %d with videos, %d with keywords, %d on offer in the US", withVideos, withKeywords, withOffers)
	}
}

// The sections honour the query timeout: a cancelled context fails them
// with the context's error, wrapped.
func TestSectionsContext(t *testing.T) {
	s := openStore(t, seededDSN(t), movies.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Media(ctx, sample.GoldenSections); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "media of movie") {
		t.Errorf("media: %v", err)
	}
	if _, err := s.Availability(ctx, sample.GoldenSections, "US"); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "availability of movie") {
		t.Errorf("availability: %v", err)
	}
}
