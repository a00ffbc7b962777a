package web

import (
	"strconv"

	"github.com/cortex-cinegraph/golive/movies"
)

// The Tailwind classes built from Go code are spelled out in full here so
// that the Tailwind build (assets/css/app.css @source) finds them.

// posterTiles are the gradient tiles shown behind (and instead of) a
// poster, picked by movie id.
var posterTiles = []string{
	"from-stone-700 via-stone-800 to-stone-950",
	"from-rose-900 via-stone-800 to-stone-950",
	"from-indigo-900 via-slate-800 to-slate-950",
	"from-emerald-900 via-stone-800 to-stone-950",
	"from-amber-800 via-stone-800 to-stone-950",
	"from-violet-900 via-slate-800 to-slate-950",
	"from-sky-900 via-slate-800 to-slate-950",
}

func tileClass(id int64) string {
	if id < 0 {
		id = -id
	}
	return posterTiles[id%int64(len(posterTiles))]
}

const (
	segmentClass       = "inline-flex items-center gap-1 whitespace-nowrap rounded-full px-3 py-1.5 text-sm font-medium text-stone-600 transition hover:bg-stone-100 hover:text-stone-900"
	segmentActiveClass = "inline-flex items-center gap-1 whitespace-nowrap rounded-full bg-stone-900 px-3 py-1.5 text-sm font-medium text-white shadow-sm"
	chipClass          = "inline-flex items-center gap-1 whitespace-nowrap rounded-full border border-stone-300 bg-white px-3 py-1 text-sm text-stone-700 transition hover:border-stone-500"
	chipActiveClass    = "inline-flex items-center gap-1 whitespace-nowrap rounded-full border border-stone-900 bg-stone-900 px-3 py-1 text-sm text-white"
	pillClass          = "rounded-full border border-stone-300 bg-white px-3 py-1 text-sm text-stone-700 transition hover:border-stone-500"
	pillActiveClass    = "rounded-full border border-violet-600 bg-violet-600 px-3 py-1 text-sm text-white"
	menuItemClass      = "flex-1 rounded-lg px-3 py-1.5 text-sm text-stone-700 hover:bg-stone-100"
	menuItemActive     = "flex-1 rounded-lg bg-stone-900 px-3 py-1.5 text-sm text-white"
	lensChipClass      = "rounded-full bg-stone-100 px-1.5 py-0.5 text-[10px] font-medium text-stone-600"
	lensChipActive     = "rounded-full bg-violet-100 px-1.5 py-0.5 text-[10px] font-semibold text-violet-800"
	ratingClass        = "flex flex-col items-center rounded-xl border border-stone-300 bg-white px-2 py-2 text-center transition hover:border-stone-500"
	ratingActiveClass  = "flex flex-col items-center rounded-xl border border-violet-600 bg-violet-50 px-2 py-2 text-center ring-1 ring-violet-600"
)

func pick(active bool, on, off string) string {
	if active {
		return on
	}
	return off
}

func sortID(criteria string) string {
	if criteria == "" {
		return "sort-discover"
	}
	return "sort-" + criteria
}

func oneDecimal(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', 1, 64)
}

func cardID(c movies.Card) string { return "movie-" + strconv.FormatInt(c.ID, 10) }

func lensPercent(c movies.Card) string {
	if c.LensPercent == nil {
		return ""
	}
	return strconv.Itoa(*c.LensPercent) + "%"
}
