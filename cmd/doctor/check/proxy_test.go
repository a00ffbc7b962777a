package check

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
)

// httputilProxy is the reverse proxy the broken-deployment tests put in
// front of a real server: it passes WebSocket upgrades (httputil does)
// unless told to refuse them, and can drop the cookie on some paths, as a
// misconfigured proxy would.
type httputilProxy struct {
	target           *url.URL
	blockUpgrade     bool
	stripCookieUnder string
	rp               *httputil.ReverseProxy
}

func (p *httputilProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.rp == nil {
		p.rp = httputil.NewSingleHostReverseProxy(p.target)
	}
	if p.blockUpgrade && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		http.Error(w, "upgrades not allowed here", http.StatusBadRequest)
		return
	}
	if p.stripCookieUnder != "" && strings.HasPrefix(r.URL.Path, p.stripCookieUnder) {
		r.Header.Del("Cookie")
	}
	p.rp.ServeHTTP(w, r)
}
