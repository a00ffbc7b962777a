package movies

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
)

// The show page's Video, keyword and Watch sections (MOVIES.md §8): the
// rows cinegraph imports from TMDb into movie_videos, movie_keywords and
// movie_watch_providers, read as they are.

// MaxVideos bounds the videos Media returns.
const MaxVideos = 6

// Video is one of a movie's YouTube videos.
type Video struct {
	Key         string // YouTube's video id
	Name        string
	Type        string // Trailer, Teaser, Clip, Featurette, …
	Official    bool
	PublishedAt *time.Time
}

// WatchURL is the video's YouTube page.
func (v Video) WatchURL() string { return "https://www.youtube.com/watch?v=" + url.QueryEscape(v.Key) }

// ThumbnailURL is YouTube's still of the video.
func (v Video) ThumbnailURL() string {
	return "https://i.ytimg.com/vi/" + url.PathEscape(v.Key) + "/hqdefault.jpg"
}

// Keyword is one of a movie's TMDb keywords.
type Keyword struct {
	ID   int64
	Name string
}

// Media is a movie's videos and keywords.
type Media struct {
	// Videos are YouTube's only (the page links and shows their
	// thumbnails), best trailer first: official trailers, other
	// trailers, teasers, then the rest; newest first within each; at most
	// MaxVideos.
	Videos []Video
	// Keywords by name.
	Keywords []Keyword
}

// videoRankSQL orders videos: the best trailer first.
const videoRankSQL = `CASE WHEN type = 'Trailer' AND official IS TRUE THEN 0 WHEN type = 'Trailer' THEN 1
	WHEN type = 'Teaser' THEN 2 ELSE 3 END`

// Media loads movie id's videos and keywords in one round trip under the
// store's query timeout.
func (s *Store) Media(ctx context.Context, id int64) (*Media, error) {
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	m := &Media{}
	b := &pgx.Batch{}
	b.Queue(`SELECT key, name, type, official IS TRUE, published_at FROM movie_videos
		WHERE movie_id = $1 AND site = 'YouTube' AND key <> ''
		ORDER BY `+videoRankSQL+`, published_at DESC NULLS LAST, id LIMIT $2`, id, MaxVideos).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var v Video
			if err := rows.Scan(&v.Key, &v.Name, &v.Type, &v.Official, &v.PublishedAt); err != nil {
				return err
			}
			m.Videos = append(m.Videos, v)
		}
		return rows.Err()
	})
	b.Queue(`SELECT k.id, k.name FROM movie_keywords mk JOIN keywords k ON k.id = mk.keyword_id
		WHERE mk.movie_id = $1 ORDER BY k.name, k.id`, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var k Keyword
			if err := rows.Scan(&k.ID, &k.Name); err != nil {
				return err
			}
			m.Keywords = append(m.Keywords, k)
		}
		return rows.Err()
	})
	if err := s.db.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("movies: media of movie %d: %w", id, err)
	}
	return m, nil
}

// OfferTypes are TMDb's monetization types in the order the Watch section
// lists them.
var OfferTypes = []string{"flatrate", "rent", "buy", "free", "ads"}

// OfferTypeLabel is how the page names an offer type.
func OfferTypeLabel(t string) string {
	switch t {
	case "flatrate":
		return "Stream"
	case "rent":
		return "Rent"
	case "buy":
		return "Buy"
	case "free":
		return "Free"
	case "ads":
		return "Free with ads"
	}
	return t
}

// Offer is one provider offering a movie in a region.
type Offer struct {
	ProviderID int64
	Name       string
	LogoPath   string
	// Priority is the offer's display priority (lower first), or the
	// provider's for the region when the offer has none; nil without
	// either.
	Priority *int
}

// LogoURL is the provider's small logo, "" without one.
func (o Offer) LogoURL() string { return tmdbImage("w92", o.LogoPath) }

// OfferGroup is the offers of one type.
type OfferGroup struct {
	Type   string // one of OfferTypes
	Offers []Offer
}

// Label is the group's heading.
func (g OfferGroup) Label() string { return OfferTypeLabel(g.Type) }

// WatchRegion is a region the providers are known for.
type WatchRegion struct {
	ISO  string // ISO 3166-1 alpha-2
	Name string // English name
}

// Availability is where a movie can be watched in one region.
type Availability struct {
	Region string
	// Groups are in OfferTypes order, only those with offers; within a
	// group by priority (none last), then name.
	Groups []OfferGroup
	// Link is TMDb's watch page for the movie in the region (which links
	// on to JustWatch), "" when no offer carries one.
	Link string
	// Regions are the active regions, by name, for the region menu.
	Regions []WatchRegion
}

// Empty reports whether nothing is on offer in the region.
func (a *Availability) Empty() bool { return len(a.Groups) == 0 }

// RegionName is the English name of the availability's region, or its code.
func (a *Availability) RegionName() string {
	for _, r := range a.Regions {
		if r.ISO == a.Region {
			return r.Name
		}
	}
	return a.Region
}

// ErrBadRegion is returned by Availability for a region that is not two
// letters A–Z.
var ErrBadRegion = errors.New("movies: a region is an ISO 3166-1 code of two capital letters")

// ValidRegion reports whether r is two letters A–Z.
func ValidRegion(r string) bool {
	return len(r) == 2 && r[0] >= 'A' && r[0] <= 'Z' && r[1] >= 'A' && r[1] <= 'Z'
}

// Availability loads movie id's offers in region (an ISO 3166-1 code, upper
// case) from active providers, and the active regions, in one round trip
// under the store's query timeout.
func (s *Store) Availability(ctx context.Context, id int64, region string) (*Availability, error) {
	if !ValidRegion(region) {
		return nil, fmt.Errorf("%w: %q", ErrBadRegion, region)
	}
	ctx, cancel := s.timeout(ctx)
	defer cancel()
	a := &Availability{Region: region}
	byType := map[string]*OfferGroup{}
	b := &pgx.Batch{}
	b.Queue(`SELECT o.monetization_type, p.id, p.name, COALESCE(p.logo_path, ''),
			COALESCE(o.display_priority, CASE WHEN jsonb_typeof(p.display_priorities -> o.region) = 'number'
				THEN (p.display_priorities ->> o.region)::numeric::int END), COALESCE(o.tmdb_link, '')
		FROM movie_watch_providers o JOIN watch_providers p ON p.id = o.watch_provider_id AND p.active
		WHERE o.movie_id = $1 AND o.region = $2 AND o.monetization_type = ANY($3::text[])
		ORDER BY 5 NULLS LAST, p.name, p.id`, id, region, OfferTypes).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var typ, link string
			var o Offer
			if err := rows.Scan(&typ, &o.ProviderID, &o.Name, &o.LogoPath, &o.Priority, &link); err != nil {
				return err
			}
			g := byType[typ]
			if g == nil {
				g = &OfferGroup{Type: typ}
				byType[typ] = g
			}
			// One provider can carry the same type twice (two sources).
			dup := false
			for _, x := range g.Offers {
				dup = dup || x.ProviderID == o.ProviderID
			}
			if !dup {
				g.Offers = append(g.Offers, o)
			}
			if a.Link == "" {
				a.Link = link
			}
		}
		return rows.Err()
	})
	b.Queue(`SELECT DISTINCT iso_3166_1, english_name FROM watch_provider_regions
		WHERE active ORDER BY english_name, iso_3166_1`).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var r WatchRegion
			if err := rows.Scan(&r.ISO, &r.Name); err != nil {
				return err
			}
			a.Regions = append(a.Regions, r)
		}
		return rows.Err()
	})
	if err := s.db.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("movies: availability of movie %d in %s: %w", id, region, err)
	}
	for _, t := range OfferTypes {
		if g := byType[t]; g != nil {
			a.Groups = append(a.Groups, *g)
		}
	}
	return a, nil
}
