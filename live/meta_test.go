package live_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

// metaView sets a title and head metadata full of characters that need
// escaping.
type metaView struct{}

const (
	metaTitle = `Say "hi" <b>now</b>`
	metaDesc  = `5 < 6 & "quoted" 'single' </title><script>alert(1)</script>`
	metaURL   = `https://example.test/a?b=1&c="2"`
)

func (metaView) Mount(s *live.Socket, _ live.Params) error {
	s.SetTitle(metaTitle)
	s.SetMeta(live.Meta{
		Description: metaDesc,
		Canonical:   metaURL,
		Properties: []live.MetaProperty{
			{Property: "og:title", Content: metaTitle},
			{Property: "og:type", Content: "video.movie"},
			{Property: `og:"x"`, Content: "<y>"},
		},
	})
	return nil
}

func (metaView) Render() templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<p id="body">body</p>`)
		return err
	})
}

// The dead render's head carries the view's metadata, escaped, through the
// default layout.
func TestDeadRenderMeta(t *testing.T) {
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		e.Session("meta").Handle(mux, "GET /meta", "meta", func() live.View { return metaView{} })
	})
	p := env.Get("/meta")
	if p.Status != http.StatusOK {
		t.Fatalf("status %d\n%s", p.Status, p.Body)
	}
	if strings.Contains(p.Body, "<script>alert") || strings.Contains(p.Body, "<b>now") || strings.Contains(p.Body, "<y>") {
		t.Fatalf("unescaped metadata in the page:\n%s", p.Body)
	}
	head := parseHead(t, p.Body)
	if got := head.attr("meta[name=description]", "content"); !slices.Equal(got, []string{metaDesc}) {
		t.Errorf("description %q", got)
	}
	if got := head.attr("link[rel=canonical]", "href"); !slices.Equal(got, []string{metaURL}) {
		t.Errorf("canonical %q", got)
	}
	if got := head.attr("meta[property]", "property"); !slices.Equal(got, []string{"og:title", "og:type", `og:"x"`}) {
		t.Errorf("properties %q", got)
	}
	if got := head.attr("meta[property]", "content"); !slices.Equal(got, []string{metaTitle, "video.movie", "<y>"}) {
		t.Errorf("property contents %q", got)
	}
	if got := p.Title(); got != metaTitle {
		t.Errorf("title %q", got)
	}
	// A view that sets nothing gets no tags.
	env2 := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		e.Session("plain").Handle(mux, "GET /plain", "plain", func() live.View { return plainView{} })
	})
	if body := env2.Get("/plain").Body; strings.Contains(body, `name="description"`) || strings.Contains(body, "canonical") || strings.Contains(body, "property=") {
		t.Errorf("metadata without SetMeta:\n%s", body)
	}
}

type plainView struct{ metaView }

func (plainView) Mount(*live.Socket, live.Params) error { return nil }

type headDoc struct{ n *html.Node }

func parseHead(t *testing.T, body string) headDoc {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	head := cascadia.MustCompile("head").MatchFirst(doc)
	if head == nil {
		t.Fatalf("no head:\n%s", body)
	}
	return headDoc{head}
}

// attr returns attribute name of every element of the head matching sel.
func (h headDoc) attr(sel, name string) []string {
	var out []string
	for _, n := range cascadia.MustCompile(sel).MatchAll(h.n) {
		for _, a := range n.Attr {
			if a.Key == name {
				out = append(out, a.Val)
			}
		}
	}
	return out
}

// urlView puts its own URL, as the socket sees it, in the canonical link.
type urlView struct{ metaView }

func (urlView) Mount(s *live.Socket, _ live.Params) error {
	s.SetMeta(live.Meta{Canonical: s.URL().String()})
	return nil
}

// Behind a TLS proxy the request says http and an inner host; with
// PublicURL set, dead renders see the public scheme and host.
func TestDeadRenderPublicURL(t *testing.T) {
	for _, c := range []struct {
		public string
		want   string
	}{
		{"", "http://"},
		{"https://cinegraph.example", "https://cinegraph.example/u?x=1"},
	} {
		var opts []livetest.Option
		if c.public != "" {
			opts = append(opts, livetest.WithPublicURL(c.public))
		}
		env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
			e.Session("u").Handle(mux, "GET /u", "u", func() live.View { return urlView{} })
		}, opts...)
		got := parseHead(t, env.Get("/u?x=1").Body).attr("link[rel=canonical]", "href")
		if len(got) != 1 || !strings.HasPrefix(got[0], c.want) || !strings.HasSuffix(got[0], "/u?x=1") {
			t.Errorf("PublicURL %q: canonical %q, want %s…/u?x=1", c.public, got, c.want)
		}
	}
}
