package transport

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// originReq builds a LongPoll GET as the server sees it: host is r.Host,
// isTLS says whether the connection itself is TLS.
func originReq(host string, isTLS bool, headers map[string]string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/live/longpoll?vsn=2.0.0", nil)
	r.Host = host
	r.TLS = nil
	if isTLS {
		r.TLS = &tls.ConnectionState{}
	}
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return r
}

func mustOriginPolicy(t *testing.T, checkOrigin, phxHost string) *OriginPolicy {
	t.Helper()
	p, err := NewOriginPolicy(checkOrigin, phxHost)
	if err != nil {
		t.Fatalf("NewOriginPolicy(%q, %q): %v", checkOrigin, phxHost, err)
	}
	return p
}

func TestParseOrigin(t *testing.T) {
	tests := []struct {
		in      string
		want    Origin
		wantErr string
	}{
		{in: "https://example.com", want: Origin{"https", "example.com", 443}},
		{in: "https://example.com:443", want: Origin{"https", "example.com", 443}},
		{in: "https://example.com:", want: Origin{"https", "example.com", 443}},
		{in: "https://example.com:8443", want: Origin{"https", "example.com", 8443}},
		{in: "http://localhost:4000", want: Origin{"http", "localhost", 4000}},
		{in: "http://localhost", want: Origin{"http", "localhost", 80}},
		{in: "ws://example.com", want: Origin{"ws", "example.com", 80}},
		{in: "wss://example.com", want: Origin{"wss", "example.com", 443}},
		{in: "HTTPS://Example.COM", want: Origin{"https", "example.com", 443}},
		{in: "//example.com", want: Origin{"", "example.com", 0}},
		{in: "//example.com:888", want: Origin{"", "example.com", 888}},
		{in: "//*.example.com", want: Origin{"", "*.example.com", 0}},
		{in: "http://[::1]:4000", want: Origin{"http", "::1", 4000}},
		{in: "chrome-extension://abcdef", want: Origin{"chrome-extension", "abcdef", 0}},
		{in: "https://user@example.com/path?q=1", want: Origin{"https", "example.com", 443}},
		{in: "null", wantErr: `origin "null" has no host`},
		{in: "file://", wantErr: `origin "file://" has no host`},
		{in: "", wantErr: `origin "" has no host`},
		{in: "example.com", wantErr: "has no host"},
		{in: "example.com:443", wantErr: "has no host"},
		{in: "http://example.com:99999", wantErr: "invalid port"},
		{in: "http://example.com:0", wantErr: "invalid port"},
		{in: "http://example.com:abc", wantErr: "cannot be parsed"},
		{in: "https://exa mple.com", wantErr: "cannot be parsed"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseOrigin(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseOrigin(%q) = %+v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseOrigin(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestOriginString(t *testing.T) {
	tests := []struct {
		o    Origin
		want string
	}{
		{Origin{"https", "example.com", 443}, "https://example.com"},
		{Origin{"https", "example.com", 8443}, "https://example.com:8443"},
		{Origin{"http", "localhost", 4000}, "http://localhost:4000"},
		{Origin{"http", "example.com", 443}, "http://example.com:443"},
		{Origin{"", "example.com", 0}, "//example.com"},
		{Origin{"", "example.com", 888}, "//example.com:888"},
		{Origin{"http", "::1", 4000}, "http://[::1]:4000"},
	}
	for _, tt := range tests {
		if got := tt.o.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.o, got, tt.want)
		}
		back, err := ParseOrigin(tt.want)
		if err != nil || back != tt.o {
			t.Errorf("ParseOrigin(%q) = %+v, %v; want round trip to %+v", tt.want, back, err, tt.o)
		}
	}
}

// TestOriginCheckMatrix is the configuration × request → allow/deny matrix.
func TestOriginCheckMatrix(t *testing.T) {
	allow := func(entries ...string) *OriginPolicy {
		t.Helper()
		p, err := OriginAllowList(entries...)
		if err != nil {
			t.Fatalf("OriginAllowList(%q): %v", entries, err)
		}
		return p
	}
	phxExample := mustOriginPolicy(t, "", "example.com")
	phxLocalhost := mustOriginPolicy(t, "", "localhost")
	same := OriginSameAsRequest()
	wild := allow("//*.example.com")
	o := func(origin string) map[string]string { return map[string]string{"Origin": origin} }

	tests := []struct {
		name    string
		policy  *OriginPolicy
		host    string // r.Host
		tls     bool
		headers map[string]string
		allowed bool
		source  string
	}{
		// Default ports are filled on both sides before comparing.
		{"entry with :443 allows browser origin", allow("https://example.com:443"), "example.com", false, o("https://example.com"), true, "Origin"},
		{"entry without port allows explicit :443", allow("https://example.com"), "example.com", false, o("https://example.com:443"), true, "Origin"},
		{"entry without port means 443 not 8443", allow("https://example.com"), "example.com", false, o("https://example.com:8443"), false, "Origin"},
		{"entry scheme https refuses http", allow("https://example.com"), "example.com", false, o("http://example.com"), false, "Origin"},
		{"entry http://localhost:4000 allows it", allow("http://localhost:4000"), "localhost:4000", false, o("http://localhost:4000"), true, "Origin"},
		{"entry http://localhost:4000 refuses :4001", allow("http://localhost:4000"), "localhost:4000", false, o("http://localhost:4001"), false, "Origin"},
		{"scheme-relative entry allows any scheme and port", allow("//example.com"), "x", false, o("http://example.com:8080"), true, "Origin"},
		{"scheme-relative entry with port pins the port", allow("//example.com:888"), "x", false, o("https://example.com:888"), true, "Origin"},
		{"scheme-relative entry with port refuses default", allow("//example.com:888"), "x", false, o("https://example.com"), false, "Origin"},
		{"scheme-relative entry is not a wildcard", allow("//example.com"), "x", false, o("https://a.example.com"), false, "Origin"},
		{"second entry matches", allow("https://a.test", "//example.com"), "x", false, o("https://example.com"), true, "Origin"},
		{"ipv6 entry", allow("http://[::1]:4000"), "x", false, o("http://[::1]:4000"), true, "Origin"},

		// PHX_HOST: host only, scheme and port ignored (TLS proxy friendly).
		{"PHX_HOST allows browser https origin", phxExample, "example.com:4000", false, o("https://example.com"), true, "Origin"},
		{"PHX_HOST allows other scheme and port", phxExample, "example.com:4000", false, o("http://example.com:8080"), true, "Origin"},
		{"PHX_HOST refuses other host", phxExample, "example.com:4000", false, o("https://evil.example.net"), false, "Origin"},
		{"PHX_HOST refuses subdomain", phxExample, "example.com:4000", false, o("https://a.example.com"), false, "Origin"},
		{"PHX_HOST with port uses host only", mustOriginPolicy(t, "", "example.com:443"), "x", false, o("https://example.com"), true, "Origin"},
		{"CHECK_ORIGIN=true uses PHX_HOST", mustOriginPolicy(t, "true", "example.com"), "x", false, o("http://example.com:8080"), true, "Origin"},

		// Wildcards.
		{"wildcard allows nested subdomain", wild, "x", false, o("https://a.b.example.com"), true, "Origin"},
		{"wildcard allows bare domain", wild, "x", false, o("https://example.com"), true, "Origin"},
		{"wildcard allows any scheme and port", wild, "x", false, o("http://a.example.com:8080"), true, "Origin"},
		{"wildcard refuses prefix-domain", wild, "x", false, o("https://prefix-example.com"), false, "Origin"},
		{"wildcard refuses suffix trick", wild, "x", false, o("https://example.com.evil.net"), false, "Origin"},
		{"https wildcard refuses http", allow("https://*.example.com"), "x", false, o("http://a.example.com"), false, "Origin"},

		// Origins without a host.
		{"null refused by host-only", phxExample, "example.com", false, o("null"), false, "Origin"},
		{"null refused by allow list", wild, "example.com", false, o("null"), false, "Origin"},
		{"null refused by same-as-request", same, "localhost:4000", false, o("null"), false, "Origin"},
		{"file:// refused", phxExample, "example.com", false, o("file://"), false, "Origin"},
		{"empty Origin header refused", phxExample, "example.com", false, o(""), false, "Origin"},
		{"garbage Origin refused", phxExample, "example.com", false, o("https://exa mple.com"), false, "Origin"},

		// Host case.
		{"uppercase host, host-only", phxExample, "example.com", false, o("https://EXAMPLE.COM"), true, "Origin"},
		{"uppercase host, allow list", allow("https://example.com"), "x", false, o("HTTPS://Example.Com"), true, "Origin"},
		{"uppercase entry", allow("https://EXAMPLE.com"), "x", false, o("https://example.com"), true, "Origin"},
		{"uppercase PHX_HOST", mustOriginPolicy(t, "", "Example.COM"), "x", false, o("https://example.com"), true, "Origin"},
		{"uppercase host, same-as-request", same, "LocalHost:4000", false, o("http://LOCALHOST:4000"), true, "Origin"},

		// No Origin header: the LongPoll GET incident.
		{"no Origin, same-origin GET from 127.0.0.1 with PHX_HOST=localhost", phxLocalhost, "127.0.0.1:4000", false,
			map[string]string{"Sec-Fetch-Site": "same-origin", "Referer": "http://127.0.0.1:4000/movies"}, false, "Referer"},
		{"no Origin, same-origin GET from localhost", phxLocalhost, "localhost:4000", false,
			map[string]string{"Sec-Fetch-Site": "same-origin", "Referer": "http://localhost:4000/x"}, true, "Referer"},
		{"no Origin, Referer only", phxLocalhost, "localhost:4000", false,
			map[string]string{"Referer": "http://127.0.0.1:4000/movies"}, false, "Referer"},
		{"no Origin, unusable Referer", phxLocalhost, "localhost:4000", false,
			map[string]string{"Referer": "/movies"}, false, "Referer"},
		{"no Origin or Referer, same-origin from localhost", phxLocalhost, "localhost:4000", false,
			map[string]string{"Sec-Fetch-Site": "same-origin"}, true, "Sec-Fetch-Site"},
		{"no Origin or Referer, same-origin from 127.0.0.1", phxLocalhost, "127.0.0.1:4000", false,
			map[string]string{"Sec-Fetch-Site": "same-origin"}, false, "Sec-Fetch-Site"},
		{"no Origin or Referer, same-origin, same-as-request", same, "localhost:4000", false,
			map[string]string{"Sec-Fetch-Site": "same-origin"}, true, "Sec-Fetch-Site"},
		{"no Origin or Referer, same-origin, allow list needs https", allow("https://example.com"), "example.com", true,
			map[string]string{"Sec-Fetch-Site": "same-origin"}, true, "Sec-Fetch-Site"},
		{"no Origin or Referer, cross-site", phxLocalhost, "localhost:4000", false,
			map[string]string{"Sec-Fetch-Site": "cross-site"}, false, "Sec-Fetch-Site"},
		{"no Origin or Referer, same-site", phxLocalhost, "localhost:4000", false,
			map[string]string{"Sec-Fetch-Site": "same-site"}, false, "Sec-Fetch-Site"},
		{"no Origin or Referer, unknown Sec-Fetch-Site", phxLocalhost, "localhost:4000", false,
			map[string]string{"Sec-Fetch-Site": "elsewhere"}, false, "Sec-Fetch-Site"},
		{"no Origin or Referer, user navigation", phxLocalhost, "localhost:4000", false,
			map[string]string{"Sec-Fetch-Site": "none"}, true, "none"},
		{"cross-site with matching Referer is judged by Referer", phxLocalhost, "localhost:4000", false,
			map[string]string{"Sec-Fetch-Site": "cross-site", "Referer": "http://localhost:4000/"}, true, "Referer"},
		{"Origin wins over Referer", phxLocalhost, "localhost:4000", false,
			map[string]string{"Origin": "https://evil.test", "Referer": "http://localhost:4000/"}, false, "Origin"},
		{"no headers, host-only", phxLocalhost, "localhost:4000", false, nil, true, "none"},
		{"no headers, allow list", wild, "localhost:4000", false, nil, true, "none"},
		{"no headers, same-as-request", same, "localhost:4000", false, nil, true, "none"},

		// Same as request (Phoenix :conn).
		{"same-as-request exact", same, "localhost:4000", false, o("http://localhost:4000"), true, "Origin"},
		{"same-as-request other scheme", same, "localhost:4000", false, o("https://localhost"), false, "Origin"},
		{"same-as-request default port 80 is not 4000", same, "localhost:4000", false, o("http://localhost"), false, "Origin"},
		{"same-as-request other host", same, "localhost:4000", false, o("http://127.0.0.1:4000"), false, "Origin"},
		{"same-as-request TLS default port", same, "example.com", true, o("https://example.com"), true, "Origin"},
		{"same-as-request TLS explicit :443", same, "example.com:443", true, o("https://example.com"), true, "Origin"},
		{"same-as-request TLS refuses http", same, "example.com", true, o("http://example.com"), false, "Origin"},
		{"same-as-request plain Host without port is 80", same, "example.com", false, o("http://example.com"), true, "Origin"},
		{"same-as-request empty Host", same, "", false, o("http://localhost"), false, "Origin"},
		{"TLS proxy, same-as-request", same, "example.com:4000", false, o("https://example.com"), false, "Origin"},
		{"TLS proxy, forwarded headers not trusted", same, "example.com:4000", false, map[string]string{
			"Origin": "https://example.com", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "example.com", "X-Forwarded-Port": "443"}, false, "Origin"},
		{"X-Forwarded-Proto not trusted", same, "example.com", false, map[string]string{
			"Origin": "https://example.com", "X-Forwarded-Proto": "https"}, false, "Origin"},
		{"X-Forwarded-Host not trusted", same, "backend", false, map[string]string{
			"Origin": "http://example.com", "X-Forwarded-Host": "example.com"}, false, "Origin"},
		{"TLS proxy, host-only", phxExample, "example.com:4000", false, o("https://example.com"), true, "Origin"},
		{"nil policy is same-as-request, allowed", nil, "localhost:4000", false, o("http://localhost:4000"), true, "Origin"},
		{"nil policy is same-as-request, refused", nil, "localhost:4000", false, o("https://evil.test"), false, "Origin"},
		{"zero policy is same-as-request", &OriginPolicy{}, "localhost:4000", false, o("https://evil.test"), false, "Origin"},

		// Off.
		{"off allows null", OriginOff(), "localhost:4000", false, o("null"), true, "Origin"},
		{"off allows foreign origin", OriginOff(), "localhost:4000", false, o("https://evil.test"), true, "Origin"},
		{"off allows cross-site without Origin", OriginOff(), "localhost:4000", false,
			map[string]string{"Sec-Fetch-Site": "cross-site"}, true, "Sec-Fetch-Site"},
		{"off allows unusable Referer", OriginOff(), "localhost:4000", false,
			map[string]string{"Referer": "/x"}, true, "Referer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.policy.Check(originReq(tt.host, tt.tls, tt.headers))
			if d.Allowed != tt.allowed {
				t.Errorf("Allowed = %v, want %v (policy %s; decision %+v)", d.Allowed, tt.allowed, tt.policy, d)
			}
			if d.Source != tt.source {
				t.Errorf("Source = %q, want %q", d.Source, tt.source)
			}
			if (d.Reason == "") != d.Allowed {
				t.Errorf("Reason = %q with Allowed = %v; want a reason exactly when refused", d.Reason, d.Allowed)
			}
		})
	}
}

// TestOriginDecisionDetails pins what ends up in the log line.
func TestOriginDecisionDetails(t *testing.T) {
	tests := []struct {
		name    string
		policy  *OriginPolicy
		host    string
		tls     bool
		headers map[string]string
		want    OriginDecision
	}{
		{"host-only refusal", OriginHostOnly("localhost"), "127.0.0.1:4000", false,
			map[string]string{"Origin": "http://127.0.0.1:4000"},
			OriginDecision{Origin: "http://127.0.0.1:4000", Source: "Origin",
				Reason: `origin "http://127.0.0.1:4000" has host "127.0.0.1", server allows host "localhost"`}},
		{"Referer reduced to its origin", OriginHostOnly("localhost"), "127.0.0.1:4000", false,
			map[string]string{"Referer": "http://user@127.0.0.1:4000/movies?page=2", "Sec-Fetch-Site": "same-origin"},
			OriginDecision{Origin: "http://127.0.0.1:4000", Source: "Referer",
				Reason: `origin "http://127.0.0.1:4000" has host "127.0.0.1", server allows host "localhost"`}},
		{"Referer allowed", OriginHostOnly("localhost"), "localhost:4000", false,
			map[string]string{"Referer": "http://localhost:4000/x"},
			OriginDecision{Allowed: true, Origin: "http://localhost:4000", Source: "Referer"}},
		{"Sec-Fetch-Site builds origin from the request", OriginHostOnly("localhost"), "localhost:4000", true,
			map[string]string{"Sec-Fetch-Site": "same-origin"},
			OriginDecision{Allowed: true, Origin: "https://localhost:4000", Source: "Sec-Fetch-Site"}},
		{"cross-site without Origin", OriginHostOnly("localhost"), "localhost:4000", false,
			map[string]string{"Sec-Fetch-Site": "cross-site"},
			OriginDecision{Source: "Sec-Fetch-Site",
				Reason: "browser says cross-origin request (Sec-Fetch-Site: cross-site) but sent no Origin or Referer"}},
		{"no headers", OriginHostOnly("localhost"), "localhost:4000", false, nil,
			OriginDecision{Allowed: true, Source: "none"}},
		{"null", OriginHostOnly("localhost"), "localhost:4000", false,
			map[string]string{"Origin": "null"},
			OriginDecision{Origin: "null", Source: "Origin", Reason: `origin "null" has no host`}},
		{"allow-list near miss on port", mustAllowList(t, "https://example.com"), "x", false,
			map[string]string{"Origin": "https://example.com:8443"},
			OriginDecision{Origin: "https://example.com:8443", Source: "Origin",
				Reason: `origin "https://example.com:8443" is not in the allow list [https://example.com]; entry "https://example.com" needs port 443`}},
		{"allow-list near miss on scheme and port", mustAllowList(t, "https://example.com"), "x", false,
			map[string]string{"Origin": "http://example.com:8080"},
			OriginDecision{Origin: "http://example.com:8080", Source: "Origin",
				Reason: `origin "http://example.com:8080" is not in the allow list [https://example.com]; entry "https://example.com" needs scheme https and port 443`}},
		{"allow-list miss", mustAllowList(t, "https://example.com", "//*.example.org"), "x", false,
			map[string]string{"Origin": "https://evil.test"},
			OriginDecision{Origin: "https://evil.test", Source: "Origin",
				Reason: `origin "https://evil.test" is not in the allow list [https://example.com //*.example.org]`}},
		{"TLS proxy", OriginSameAsRequest(), "example.com:4000", false,
			map[string]string{"Origin": "https://example.com"},
			OriginDecision{Origin: "https://example.com", Source: "Origin",
				Reason: `origin "https://example.com" is not the request's own "http://example.com:4000" (scheme and port differ); behind a TLS proxy? set PHX_HOST`}},
		{"same-as-request other host", OriginSameAsRequest(), "localhost:4000", false,
			map[string]string{"Origin": "http://127.0.0.1:4000"},
			OriginDecision{Origin: "http://127.0.0.1:4000", Source: "Origin",
				Reason: `origin "http://127.0.0.1:4000" is not the request's own "http://localhost:4000" (host differ)`}},
		{"off still reports what it saw", OriginOff(), "localhost:4000", false,
			map[string]string{"Origin": "null"},
			OriginDecision{Allowed: true, Origin: "null", Source: "Origin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.policy.Check(originReq(tt.host, tt.tls, tt.headers))
			if got != tt.want {
				t.Errorf("Check =\n  %+v\nwant\n  %+v", got, tt.want)
			}
		})
	}
}

func mustAllowList(t *testing.T, entries ...string) *OriginPolicy {
	t.Helper()
	p, err := OriginAllowList(entries...)
	if err != nil {
		t.Fatalf("OriginAllowList(%q): %v", entries, err)
	}
	return p
}

func TestNewOriginPolicy(t *testing.T) {
	tests := []struct {
		checkOrigin, phxHost string
		want                 string // String() of the policy
		wantOff              bool
		wantErr              string
	}{
		{"", "", "origin must equal the request's own scheme, host and port (PHX_HOST and CHECK_ORIGIN unset)", false, ""},
		{"  ", " ", "origin must equal the request's own scheme, host and port (PHX_HOST and CHECK_ORIGIN unset)", false, ""},
		{"", "example.com", `origin must have host "example.com" (any scheme and port; set CHECK_ORIGIN to change)`, false, ""},
		{"", "Example.com:443", `origin must have host "example.com" (any scheme and port; set CHECK_ORIGIN to change)`, false, ""},
		{"", "[::1]:4000", `origin must have host "::1" (any scheme and port; set CHECK_ORIGIN to change)`, false, ""},
		{"", "::1", `origin must have host "::1" (any scheme and port; set CHECK_ORIGIN to change)`, false, ""},
		{"", "https://example.com", `origin must have host "example.com" (any scheme and port; set CHECK_ORIGIN to change)`, false, ""},
		{"true", "example.com", `origin must have host "example.com" (any scheme and port; CHECK_ORIGIN=true)`, false, ""},
		{"TRUE", "example.com:4000", `origin must have host "example.com" (any scheme and port; CHECK_ORIGIN=true)`, false, ""},
		{"false", "example.com", "origin check OFF (development only)", true, ""},
		{"off", "", "origin check OFF (development only)", true, ""},
		{"conn", "example.com", "origin must equal the request's own scheme, host and port (CHECK_ORIGIN=conn)", false, ""},
		{":conn", "", "origin must equal the request's own scheme, host and port (CHECK_ORIGIN=conn)", false, ""},
		{"https://example.com", "", "origin must be one of [https://example.com]", false, ""},
		{"https://example.com, //*.example.com", "ignored.test", "origin must be one of [https://example.com //*.example.com]", false, ""},
		{" http://localhost:4000 ,, //example.com:888 ", "", "origin must be one of [http://localhost:4000 //example.com:888]", false, ""},
		{"true", "", "", false, "PHX_HOST is empty"},
		{"true", "   ", "", false, "PHX_HOST is empty"},
		{"", "exa mple.com", "", false, "PHX_HOST"},
		{"", "*.example.com", "", false, "wildcards need an allow list"},
		{"", "example.com:abc", "", false, "PHX_HOST"},
		{"example.com", "", "", false, `entry "example.com" has no host; write "//example.com"`},
		{"https://example.com,localhost:4000", "", "", false, `entry "localhost:4000" has no host`},
		{"null", "", "", false, "has no host"},
		{"https://exa mple.com", "", "", false, "cannot be parsed"},
		{"https://example.com:99999", "", "", false, "invalid port"},
		{"//*", "", "", false, `"*" is only allowed`},
		{"//*.", "", "", false, `"*" is only allowed`},
		{"//a*.example.com", "", "", false, `"*" is only allowed`},
		{",", "", "", false, "allow list is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.checkOrigin+"|"+tt.phxHost, func(t *testing.T) {
			p, err := NewOriginPolicy(tt.checkOrigin, tt.phxHost)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NewOriginPolicy(%q, %q) = %v, %v; want error containing %q", tt.checkOrigin, tt.phxHost, p, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewOriginPolicy(%q, %q): %v", tt.checkOrigin, tt.phxHost, err)
			}
			if got := p.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if p.IsOff() != tt.wantOff {
				t.Errorf("IsOff() = %v, want %v", p.IsOff(), tt.wantOff)
			}
		})
	}
}

func TestOriginAllowListErrors(t *testing.T) {
	tests := []struct {
		entries []string
		wantErr string
	}{
		{nil, "allow list is empty"},
		{[]string{""}, "entry is empty"},
		{[]string{"https://example.com", " "}, "entry is empty"},
		{[]string{"example.com"}, "has no host"},
		{[]string{"file://"}, "has no host"},
		{[]string{"http://example.com:0"}, "invalid port"},
		{[]string{"//*"}, `"*" is only allowed`},
	}
	for _, tt := range tests {
		p, err := OriginAllowList(tt.entries...)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("OriginAllowList(%q) = %v, %v; want error containing %q", tt.entries, p, err, tt.wantErr)
		}
	}
}

func TestOriginPolicyString(t *testing.T) {
	tests := []struct {
		p    *OriginPolicy
		want string
		off  bool
	}{
		{OriginHostOnly("Example.com:443"), `origin must have host "example.com" (any scheme and port)`, false},
		{mustAllowList(t, "https://example.com", " //*.example.com "), "origin must be one of [https://example.com //*.example.com]", false},
		{OriginSameAsRequest(), "origin must equal the request's own scheme, host and port", false},
		{OriginOff(), "origin check OFF (development only)", true},
		{nil, "origin must equal the request's own scheme, host and port", false},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
		if got := tt.p.IsOff(); got != tt.off {
			t.Errorf("%q: IsOff() = %v, want %v", tt.want, got, tt.off)
		}
	}
}

// TestOriginPhoenixCapture replays the real Phoenix v1.8.12 capture
// (protocol/captures/check_origin.json): Bandit on 127.0.0.1:4001, every
// request with "Host: localhost:4001" over plain HTTP, with and without
// each Origin, over WebSocket and LongPoll. Phoenix allowed when WebSocket
// answered 101 and LongPoll 200 {"status":410}; it refused with 403 and
// 200 {"status":403}. The six configs map onto our modes via the same
// CHECK_ORIGIN / URL host values given to NewOriginPolicy.
func TestOriginPhoenixCapture(t *testing.T) {
	configs := map[string]struct{ checkOrigin, urlHost string }{
		"A": {"true", "localhost"},                  // check_origin: true, url host localhost => HostOnly("localhost")
		"B": {"https://localhost:443", "localhost"}, // list => AllowList
		"C": {"https://localhost", "localhost"},     // list => AllowList
		"D": {"conn", "localhost"},                  // :conn => SameAsRequest
		"E": {"true", "example.com"},                // check_origin: true, url host example.com => HostOnly("example.com")
		"F": {"false", "localhost"},                 // false => Off
	}
	cases := []struct {
		cfg    string
		origin string
		absent bool // no Origin header sent
		ws, lp int  // Phoenix: WebSocket HTTP status, LongPoll JSON status
	}{
		// A_url_https_443_check_origin_true: URL_HOST=localhost URL_PORT=443 URL_SCHEME=https CHECK_ORIGIN=true
		{cfg: "A", absent: true, ws: 101, lp: 410},
		{cfg: "A", origin: "https://localhost", ws: 101, lp: 410},
		{cfg: "A", origin: "https://localhost:443", ws: 101, lp: 410},
		{cfg: "A", origin: "http://localhost:4001", ws: 101, lp: 410},
		{cfg: "A", origin: "http://127.0.0.1:4001", ws: 403, lp: 403},
		{cfg: "A", origin: "http://localhost", ws: 101, lp: 410},
		{cfg: "A", origin: "https://example.com", ws: 403, lp: 403},
		{cfg: "A", origin: "null", ws: 403, lp: 403},
		// B_url_https_443_check_origin_list_with_443: URL_HOST=localhost URL_PORT=443 URL_SCHEME=https CHECK_ORIGIN=https://localhost:443
		{cfg: "B", absent: true, ws: 101, lp: 410},
		{cfg: "B", origin: "https://localhost", ws: 101, lp: 410},
		{cfg: "B", origin: "https://localhost:443", ws: 101, lp: 410},
		{cfg: "B", origin: "http://localhost:4001", ws: 403, lp: 403},
		{cfg: "B", origin: "http://127.0.0.1:4001", ws: 403, lp: 403},
		{cfg: "B", origin: "http://localhost", ws: 403, lp: 403},
		{cfg: "B", origin: "https://example.com", ws: 403, lp: 403},
		{cfg: "B", origin: "null", ws: 403, lp: 403},
		// C_url_https_443_check_origin_list_without_port: URL_HOST=localhost URL_PORT=443 URL_SCHEME=https CHECK_ORIGIN=https://localhost
		{cfg: "C", absent: true, ws: 101, lp: 410},
		{cfg: "C", origin: "https://localhost", ws: 101, lp: 410},
		{cfg: "C", origin: "https://localhost:443", ws: 101, lp: 410},
		{cfg: "C", origin: "http://localhost:4001", ws: 403, lp: 403},
		{cfg: "C", origin: "http://127.0.0.1:4001", ws: 403, lp: 403},
		{cfg: "C", origin: "http://localhost", ws: 403, lp: 403},
		{cfg: "C", origin: "https://example.com", ws: 403, lp: 403},
		{cfg: "C", origin: "null", ws: 403, lp: 403},
		// D_url_https_443_check_origin_conn: URL_HOST=localhost URL_PORT=443 URL_SCHEME=https CHECK_ORIGIN=conn
		{cfg: "D", absent: true, ws: 101, lp: 410},
		{cfg: "D", origin: "https://localhost", ws: 403, lp: 403},
		{cfg: "D", origin: "https://localhost:443", ws: 403, lp: 403},
		{cfg: "D", origin: "http://localhost:4001", ws: 101, lp: 410},
		{cfg: "D", origin: "http://127.0.0.1:4001", ws: 403, lp: 403},
		{cfg: "D", origin: "http://localhost", ws: 403, lp: 403},
		{cfg: "D", origin: "https://example.com", ws: 403, lp: 403},
		{cfg: "D", origin: "null", ws: 403, lp: 403},
		// E_url_host_example_com_check_origin_true: URL_HOST=example.com URL_PORT=443 URL_SCHEME=https CHECK_ORIGIN=true
		{cfg: "E", absent: true, ws: 101, lp: 410},
		{cfg: "E", origin: "https://localhost", ws: 403, lp: 403},
		{cfg: "E", origin: "https://localhost:443", ws: 403, lp: 403},
		{cfg: "E", origin: "http://localhost:4001", ws: 403, lp: 403},
		{cfg: "E", origin: "http://127.0.0.1:4001", ws: 403, lp: 403},
		{cfg: "E", origin: "http://localhost", ws: 403, lp: 403},
		{cfg: "E", origin: "https://example.com", ws: 101, lp: 410},
		{cfg: "E", origin: "null", ws: 403, lp: 403},
		// F_url_https_443_check_origin_false: URL_HOST=localhost URL_PORT=443 URL_SCHEME=https CHECK_ORIGIN=false
		{cfg: "F", absent: true, ws: 101, lp: 410},
		{cfg: "F", origin: "https://localhost", ws: 101, lp: 410},
		{cfg: "F", origin: "https://localhost:443", ws: 101, lp: 410},
		{cfg: "F", origin: "http://localhost:4001", ws: 101, lp: 410},
		{cfg: "F", origin: "http://127.0.0.1:4001", ws: 101, lp: 410},
		{cfg: "F", origin: "http://localhost", ws: 101, lp: 410},
		{cfg: "F", origin: "https://example.com", ws: 101, lp: 410},
		{cfg: "F", origin: "null", ws: 101, lp: 410},
	}
	if len(cases) != 48 {
		t.Fatalf("transcribed %d cases, the capture has 48 (6 configs × 8 origins)", len(cases))
	}
	for _, c := range cases {
		cfg := configs[c.cfg]
		name := c.cfg + "/" + c.origin
		if c.absent {
			name = c.cfg + "/no-Origin"
		}
		t.Run(name, func(t *testing.T) {
			phoenixAllowed := c.ws == 101
			if phoenixAllowed != (c.lp == 410) {
				t.Fatalf("transcription error: ws %d and longpoll %d disagree", c.ws, c.lp)
			}
			headers := map[string]string{}
			if !c.absent {
				headers["Origin"] = c.origin
			}
			p := mustOriginPolicy(t, cfg.checkOrigin, cfg.urlHost)
			d := p.Check(originReq("localhost:4001", false, headers))
			if d.Allowed != phoenixAllowed {
				t.Errorf("policy %s: Allowed = %v, Phoenix allowed = %v (ws %d, longpoll %d); reason %q",
					p, d.Allowed, phoenixAllowed, c.ws, c.lp, d.Reason)
			}
		})
	}
}
