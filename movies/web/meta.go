package web

import (
	"strings"
	"unicode/utf8"

	"github.com/cortex-cinegraph/golive/live"
)

// SiteName is the og:site_name of the pages and the suffix of their titles.
const SiteName = "Cinegraph"

// descriptionRunes bounds meta descriptions: search engines show about
// 160 characters; a little more leaves them room to cut at a word.
const descriptionRunes = 200

// pageMeta is the SEO metadata of a dead render (MOVIES.md §8: "SEO meta
// tags are assigned"): description, canonical link and Open Graph tags.
// ogType is "website", "video.movie" or "profile"; image may be "".
func pageMeta(s *live.Socket, title, description, path, ogType, image string) live.Meta {
	canonical := absURL(s, path)
	m := live.Meta{
		Description: description,
		Canonical:   canonical,
		Properties: []live.MetaProperty{
			{Property: "og:site_name", Content: SiteName},
			{Property: "og:title", Content: title},
			{Property: "og:description", Content: description},
			{Property: "og:type", Content: ogType},
			{Property: "og:url", Content: canonical},
		},
	}
	if image != "" {
		m.Properties = append(m.Properties, live.MetaProperty{Property: "og:image", Content: image})
	}
	return m
}

// absURL makes path absolute with the scheme and host the page was
// requested with (canonical links and og:url must be absolute). Behind a
// TLS-terminating proxy the scheme is the proxy's request's, http.
func absURL(s *live.Socket, path string) string {
	u := s.URL()
	if u == nil || u.Host == "" {
		return path
	}
	scheme := u.Scheme
	if scheme == "" {
		scheme = "http"
	}
	return scheme + "://" + u.Host + path
}

// summary is text on one line, cut at a word boundary to at most n runes
// (with "…" when cut).
func summary(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:—-") + "…"
}
