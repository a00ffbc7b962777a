package movies

import (
	"encoding/json"
	"slices"
	"time"
)

// NowPlayingWindow is how fresh a now-playing stamp must be for the movie
// to count as in theaters: cinegraph's sweep staleness window (its
// NowPlayingSweeper stamps every 6 hours; the pages trust a stamp for 3
// days).
const NowPlayingWindow = 3 * 24 * time.Hour

// Theaters is the show page's "In theaters" state, decided as cinegraph's
// Movies.currently_in_theaters?: when the per-region stamps
// (now_playing_region_last_seen) are present they decide alone, a region
// counting when its stamp is within the window; without them the global
// now_playing_last_seen does.
type Theaters struct {
	Now     bool
	Regions []string // the regions with a fresh stamp, sorted; empty when only the global stamp says so
}

// theatersAt decides the state at clock now from the movie's two columns
// (regions is the raw jsonb, nil for NULL).
func theatersAt(lastSeen *time.Time, regions []byte, now time.Time) Theaters {
	cutoff := now.Add(-NowPlayingWindow)
	// Anything but a JSON object (NULL, an array, garbage) counts as no
	// per-region data, as the Elixir page's is_map check.
	var stamps map[string]any
	if len(regions) > 0 && json.Unmarshal(regions, &stamps) == nil && len(stamps) > 0 {
		var t Theaters
		for region, v := range stamps {
			// Written by the sweeper as ISO 8601 with an offset; a stamp
			// without one, or not a string, is not fresh (as
			// DateTime.from_iso8601 refusing it).
			s, ok := v.(string)
			if !ok {
				continue
			}
			ts, err := time.Parse(time.RFC3339Nano, s)
			if err == nil && !ts.Before(cutoff) {
				t.Regions = append(t.Regions, region)
			}
		}
		slices.Sort(t.Regions)
		t.Now = len(t.Regions) > 0
		return t
	}
	return Theaters{Now: lastSeen != nil && !lastSeen.Before(cutoff)}
}
