// Package web is the cinegraph movies pages on the live engine: /movies
// (the V2 index of MOVIES.md §2–§4), /movies/:slug (the read-only show
// page of §8, with its Watch, Video, Keywords, Collabs and Related
// sections) and /people/:slug (a
// read-only person page the show page's names link to), all in one live
// session, with the routes, redirects and headers of §1 ([Register]).
// Each page sets its SEO metadata (description, canonical URL, Open
// Graph) for the dead render through live.Socket.SetMeta.
//
// The index's state is its URL. Every sort, filter, chip and pagination
// control is a real link, or a GET form, to the canonical URL of §3.4
// (decision §12.1): with the live connection up the client turns the links
// into live patches (data-phx-link="patch") and the forms into events that
// push a patch, so [Index.HandleParams] runs the search; with it down the
// same links and forms navigate, and a form submission (marked by the
// hidden _f field) is answered with a redirect to its canonical URL. The
// §4 events are handled too, with the same URLs. The filter drawer and the
// scoring modal are the only state outside the URL: live state when
// connected, and the :target of #filters / #scoring otherwise.
//
// The people autocomplete is a live component ([peopleSearch]); its
// no-JavaScript form sends people_q, which the page answers with matches.
//
// A failed or slow search (the store's query timeout) shows an error state
// in the page with a Retry link and, when connected, an automatic retry
// with a growing delay; it is logged with its parameters. Invalid
// parameters show which parameter is wrong (bug B5 fixed). Connected views
// subscribe to the store's PubSub topic (movies:changed) and refresh their
// results on a data change.
//
// The show page's Watch section is for the region of ?region=, else of the
// browser's locale (the browser_locale connect param, live.Socket.
// ConnectParam), else US; its region menu patches ?region= live and is a
// GET form otherwise.
//
// Deviations from the Elixir page are listed in docs/MOVIES-COMPAT.md.
package web
