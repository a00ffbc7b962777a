package sample

import (
	"fmt"
	"time"
)

// The show page's Watch, Video and keyword sections (issue #13): fixed
// keywords, providers and regions, and per generated movie its keywords,
// videos and offers, each from its own stream so that movie i's rows do not
// depend on N.

// Keyword is one reference keyword.
type Keyword struct {
	ID     int64
	TmdbID int
	Name   string
}

// Keywords are the reference keywords (ids 1..len).
var Keywords = func() []Keyword {
	names := []string{"based on novel or book", "time travel", "heist", "coming of age", "dystopia",
		"road trip", "small town", "revenge", "friendship", "world war ii", "artificial intelligence",
		"haunted house", "courtroom", "biography", "space", "investigation", "family relationships",
		"musical", "survival", "new york city", "paris, france", "serial killer", "love triangle",
		"sports", "independent film", "female protagonist", "satire", "post-apocalyptic future",
		"whodunit", "martial arts"}
	out := make([]Keyword, len(names))
	for i, n := range names {
		out[i] = Keyword{ID: int64(i + 1), TmdbID: 9000 + i*7, Name: n}
	}
	return out
}()

// Provider is one reference watch provider (TMDb's shape: a numeric
// provider id, a logo path, a display priority per region).
type Provider struct {
	ID       int64
	TmdbID   int
	Name     string
	Logo     string
	Priority int
}

// Providers are the reference watch providers; the names are made up.
var Providers = []Provider{
	{1, 8001, "Reelstream", "/p/reelstream.png", 1},
	{2, 8002, "Cinebox Store", "/p/cinebox.png", 2},
	{3, 8003, "Lanternflix", "/p/lanternflix.png", 3},
	{4, 8004, "Marquee Rent", "/p/marquee.png", 4},
	{5, 8005, "Freeview Films", "/p/freeview.png", 5},
	{6, 8006, "AdReel", "/p/adreel.png", 6},
	{7, 8007, "Northlight+", "", 7}, // no logo: the page shows the name alone
}

// Region is one watch-provider region.
type Region struct {
	ID       int64
	ISO      string
	English  string
	Native   string
	Inactive bool
}

// Regions are the reference regions; ZZ is inactive (never offered in the
// region menu).
var Regions = []Region{
	{1, "US", "United States of America", "United States", false},
	{2, "GB", "United Kingdom", "United Kingdom", false},
	{3, "DE", "Germany", "Deutschland", false},
	{4, "FR", "France", "France", false},
	{5, "JP", "Japan", "日本", false},
	{6, "BR", "Brazil", "Brasil", false},
	{7, "ZZ", "Nowhere", "", true},
}

// OfferTypes are TMDb's monetization types.
var OfferTypes = []string{"flatrate", "rent", "buy", "free", "ads"}

var videoTypes = []string{"Trailer", "Teaser", "Clip", "Featurette", "Behind the Scenes"}

func keywordRefs() [][]any {
	var rows [][]any
	for _, k := range Keywords {
		rows = append(rows, []any{k.ID, k.TmdbID, k.Name, ts(), ts()})
	}
	return rows
}

func providerRefs() [][]any {
	var rows [][]any
	for _, p := range Providers {
		prio := map[string]int{}
		for _, r := range Regions {
			prio[r.ISO] = p.Priority + int(r.ID)%3
		}
		rows = append(rows, []any{p.ID, "tmdb", fmt.Sprint(p.TmdbID), p.TmdbID, p.Name, str(p.Logo), jsonb(prio), true, ts(), "{}", ts(), ts()})
	}
	return rows
}

func regionRefs() [][]any {
	var rows [][]any
	for _, r := range Regions {
		rows = append(rows, []any{r.ID, r.ISO, r.English, str(r.Native), "tmdb", !r.Inactive, ts(), "{}", ts(), ts()})
	}
	return rows
}

// ~70 % of movies have 1–5 keywords.
func keywordRows(seed uint64, i int64) [][]any {
	r := stream(seed, "movie_keywords", i)
	if !r.chance(0.7) {
		return nil
	}
	var rows [][]any
	seen := map[int64]bool{}
	for n := r.between(1, 5); len(rows) < n; {
		k := Keywords[r.intn(len(Keywords))].ID
		if !seen[k] {
			seen[k] = true
			rows = append(rows, []any{i, k})
		}
	}
	return rows
}

// ~60 % of movies have 1–4 YouTube videos (and a few a Vimeo one, which
// the page does not embed).
func videoRows(seed uint64, i int64) [][]any {
	r := stream(seed, "movie_videos", i)
	if !r.chance(0.6) {
		return nil
	}
	var rows [][]any
	for k, n := 0, r.between(1, 4); k < n; k++ {
		typ := videoTypes[r.intn(len(videoTypes))]
		if k == 0 && r.chance(0.7) {
			typ = "Trailer"
		}
		site := "YouTube"
		if r.chance(0.05) {
			site = "Vimeo"
		}
		var pub any
		if r.chance(0.9) {
			pub = stamp.AddDate(-r.intn(30), -r.intn(12), -r.intn(28)).Truncate(time.Second)
		}
		key := fmt.Sprintf("k%06dv%d", i, k) // 11 characters like YouTube's
		name := fmt.Sprintf("%s %d", typ, k+1)
		size := []int{360, 480, 720, 1080, 2160}[r.intn(5)]
		rows = append(rows, []any{videoID(i, k), i, fmt.Sprintf("v%d-%d", i, k), name, key, site, size, typ,
			r.chance(0.75), pub, ts(), ts()})
	}
	return rows
}

func videoID(i int64, k int) int64 { return i*8 + int64(k) }

// Offers: each active region has ~50 % of movies on offer, with 1–4
// provider/offer-type pairs; most carry TMDb's watch link for the region.
func offerRows(seed uint64, i int64) [][]any {
	r := stream(seed, "movie_watch_providers", i)
	var rows [][]any
	for _, reg := range Regions {
		if reg.Inactive || !r.chance(0.5) {
			continue
		}
		var link any
		if r.chance(0.85) {
			link = fmt.Sprintf("https://www.themoviedb.org/movie/%d/watch?locale=%s", i, reg.ISO)
		}
		seen := map[[2]int]bool{}
		for k, n := 0, r.between(1, 4); k < n; k++ {
			p, o := r.intn(len(Providers)), r.intn(len(OfferTypes))
			if seen[[2]int{p, o}] {
				continue
			}
			seen[[2]int{p, o}] = true
			var prio any
			if r.chance(0.9) {
				prio = Providers[p].Priority + r.intn(3)
			}
			rows = append(rows, []any{offerID(i, reg.ID, len(rows)), i, Providers[p].ID, reg.ISO, OfferTypes[o], prio, link,
				"tmdb", ts(), ts().AddDate(0, 0, 7), "{}", ts(), ts()})
		}
	}
	return rows
}

func offerID(i, region int64, k int) int64 { return i*256 + region*32 + int64(k) }

var sectionTables = []table{
	{name: "keywords", cols: []string{"id", "tmdb_id", "name", "inserted_at", "updated_at"}, ref: keywordRefs},
	{name: "watch_providers", cols: []string{"id", "source", "source_provider_id", "tmdb_provider_id", "name", "logo_path", "display_priorities", "active", "last_seen_at", "metadata", "inserted_at", "updated_at"}, ref: providerRefs},
	{name: "watch_provider_regions", cols: []string{"id", "iso_3166_1", "english_name", "native_name", "source", "active", "last_seen_at", "metadata", "inserted_at", "updated_at"}, ref: regionRefs},
	{name: "movie_keywords", cols: []string{"movie_id", "keyword_id"}, perMovie: keywordRows},
	{name: "movie_videos", cols: []string{"id", "movie_id", "tmdb_id", "name", "key", "site", "size", "type", "official", "published_at", "inserted_at", "updated_at"}, perMovie: videoRows},
	{name: "movie_watch_providers", cols: []string{"id", "movie_id", "watch_provider_id", "region", "monetization_type", "display_priority", "tmdb_link", "source", "fetched_at", "stale_after", "metadata", "inserted_at", "updated_at"}, perMovie: offerRows},
}

// The section tables come after the movies they hang off.
func init() { tables = append(tables, sectionTables...) }

// GoldenSections is the golden movie whose Watch, Video and keyword rows
// are written by hand, so page tests know them: an official trailer that
// leads although published after a teaser, a Vimeo video the page skips,
// US offers of three types with TMDb's link, GB offers without a link, and
// nothing in the other regions.
const GoldenSections int64 = GoldenBase + 7

// GoldenSectionKeywords are GoldenSections's keywords (ids into Keywords).
var GoldenSectionKeywords = []int64{2, 9}

func goldenSections(name string) [][]any {
	id := GoldenSections
	switch name {
	case "movie_keywords":
		var rows [][]any
		for _, k := range GoldenSectionKeywords {
			rows = append(rows, []any{id, k})
		}
		return rows
	case "movie_videos":
		at := func(y int) time.Time { return time.Date(y, 3, 1, 12, 0, 0, 0, time.UTC) }
		return [][]any{
			{videoID(id, 0), id, "golden-v0", "Golden Teaser", "goldteaser1", "YouTube", 1080, "Teaser", true, at(2009), ts(), ts()},
			{videoID(id, 1), id, "golden-v1", "Official Trailer", "goldtrailer", "YouTube", 1080, "Trailer", true, at(2010), ts(), ts()},
			{videoID(id, 2), id, "golden-v2", "Fan Trailer", "goldfantrlr", "YouTube", 720, "Trailer", false, at(2011), ts(), ts()},
			{videoID(id, 3), id, "golden-v3", "Vimeo Clip", "12345678", "Vimeo", 720, "Clip", true, at(2011), ts(), ts()},
		}
	case "movie_watch_providers":
		link := "https://www.themoviedb.org/movie/900000007/watch?locale=US"
		offer := func(k int, provider int64, region, typ string, prio any, link any) []any {
			return []any{offerID(id, 1, k), id, provider, region, typ, prio, link, "tmdb", ts(), ts().AddDate(0, 0, 7), "{}", ts(), ts()}
		}
		return [][]any{
			offer(0, 3, "US", "flatrate", 2, link),
			offer(1, 1, "US", "flatrate", 1, link),
			offer(2, 4, "US", "rent", 4, link),
			offer(3, 2, "US", "buy", nil, link),
			offer(4, 7, "GB", "free", 7, nil),
		}
	}
	return nil
}
