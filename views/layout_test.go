package views

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/cortex-cinegraph/golive/live"
)

func render(t *testing.T, p live.Page) string {
	t.Helper()
	if p.Body == nil {
		p.Body = templ.NopComponent
	}
	var b strings.Builder
	if err := Layout(p).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func attrs(t *testing.T, page, sel, name string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	head := cascadia.MustCompile("head").MatchFirst(doc)
	var out []string
	for _, n := range cascadia.MustCompile(sel).MatchAll(head) {
		for _, a := range n.Attr {
			if a.Key == name {
				out = append(out, a.Val)
			}
		}
	}
	return out
}

// The layout writes the view's head metadata, escaped, in <head>.
func TestLayoutMeta(t *testing.T) {
	const desc = `A "quoted" <b>bold</b> & 'more' </title><script>x()</script>`
	page := render(t, live.Page{
		Title: `T "<i>"`,
		Meta: live.Meta{
			Description: desc,
			Canonical:   "https://example.test/movies/a-b?x=1&y=2",
			Properties: []live.MetaProperty{
				{Property: "og:title", Content: `T "<i>"`},
				{Property: "og:image", Content: "https://img.example.test/p.jpg"},
			},
		},
	})
	if strings.Contains(page, "<script>x()") || strings.Contains(page, "<b>bold") || strings.Contains(page, `"<i>"`) {
		t.Fatalf("unescaped metadata:\n%s", page)
	}
	if got := attrs(t, page, "meta[name=description]", "content"); !slices.Equal(got, []string{desc}) {
		t.Errorf("description %q", got)
	}
	if got := attrs(t, page, "link[rel=canonical]", "href"); !slices.Equal(got, []string{"https://example.test/movies/a-b?x=1&y=2"}) {
		t.Errorf("canonical %q", got)
	}
	if got := attrs(t, page, "meta[property]", "property"); !slices.Equal(got, []string{"og:title", "og:image"}) {
		t.Errorf("properties %q", got)
	}
	if got := attrs(t, page, "meta[property]", "content"); !slices.Equal(got, []string{`T "<i>"`, "https://img.example.test/p.jpg"}) {
		t.Errorf("property contents %q", got)
	}
	// A script URL is not a canonical link.
	page = render(t, live.Page{Meta: live.Meta{Canonical: "javascript:alert(1)"}})
	if got := attrs(t, page, "link[rel=canonical]", "href"); len(got) != 1 || strings.HasPrefix(got[0], "javascript:") {
		t.Errorf("canonical %q", got)
	}
	// Nothing set, no tags.
	page = render(t, live.Page{})
	if strings.Contains(page, `name="description"`) || strings.Contains(page, "canonical") || strings.Contains(page, "property=") {
		t.Errorf("metadata without Meta:\n%s", page)
	}
}
