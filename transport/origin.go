package transport

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Origin checks for the WebSocket upgrade and every LongPoll request
// (PROTOCOL.md §3). Origins are never compared as strings: browsers
// serialize "https://example.com" without ":443", so a string compare
// against a configured "https://example.com:443" refuses every browser.
// Both sides are parsed into (scheme, host, port) with the scheme's
// default port filled in, and compared field by field per mode.

// Origin is an Origin (or Referer) header reduced to what origin checks
// compare.
type Origin struct {
	Scheme string // lower-cased; "" when the text had none ("//example.com")
	Host   string // lower-cased; IPv6 without brackets
	Port   int    // explicit port, else the scheme's default; 0 = unknown
}

// errOriginNoHost marks origins such as "null", "file://" or "" that can
// never match a host-based rule.
var errOriginNoHost = errors.New("no host")

// ParseOrigin parses s the way Phoenix does (Elixir URI.parse): scheme and
// host are lower-cased, a missing port is filled from the scheme (http/ws
// 80, https/wss 443), and text without a scheme leaves the port unknown (0).
// Any path, query or user info is ignored. Text with no host ("null",
// "file://", "", "example.com:443") is an error.
func ParseOrigin(s string) (Origin, error) {
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the whole input; we already quote it
		}
		return Origin{}, fmt.Errorf("origin %q cannot be parsed: %w", s, err)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return Origin{}, fmt.Errorf("origin %q has %w", s, errOriginNoHost)
	}
	o := Origin{Scheme: strings.ToLower(u.Scheme), Host: host}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Origin{}, fmt.Errorf("origin %q has invalid port %q", s, p)
		}
		o.Port = n
	} else {
		o.Port = originDefaultPort(o.Scheme)
	}
	return o, nil
}

// String serializes o like a browser does: the scheme's default port is
// left out, so ParseOrigin(o.String()) gives o back. Without a scheme the
// result is scheme-relative ("//example.com").
func (o Origin) String() string {
	host := o.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	s := "//" + host
	if o.Scheme != "" {
		s = o.Scheme + ":" + s
	}
	if o.Port != 0 && o.Port != originDefaultPort(o.Scheme) {
		s += ":" + strconv.Itoa(o.Port)
	}
	return s
}

func originDefaultPort(scheme string) int {
	switch scheme {
	case "http", "ws":
		return 80
	case "https", "wss":
		return 443
	}
	return 0
}

type originMode int

const (
	// originSameAsRequest is the zero value so that a zero (or nil)
	// OriginPolicy is strict without any configuration, never open.
	originSameAsRequest originMode = iota
	originHostOnly
	originAllowList
	originOff
)

// OriginPolicy decides which origins may open a socket. Build one with
// NewOriginPolicy (from CHECK_ORIGIN / PHX_HOST) or one of the Origin*
// constructors. A nil or zero OriginPolicy behaves like
// OriginSameAsRequest. It is immutable and safe for concurrent use.
type OriginPolicy struct {
	mode  originMode
	host  string        // originHostOnly
	allow []originEntry // originAllowList
	note  string        // where the policy came from, for String
}

// originEntry is one allow-list entry. A zero scheme or port means "any".
type originEntry struct {
	raw      string // as configured, for messages
	o        Origin
	wildcard bool // entry was "*.X"; o.Host holds X
}

func (e originEntry) matches(o Origin) bool {
	return (e.o.Scheme == "" || e.o.Scheme == o.Scheme) &&
		(e.o.Port == 0 || e.o.Port == o.Port) &&
		e.matchesHost(o.Host)
}

func (e originEntry) matchesHost(host string) bool {
	if e.wildcard {
		// "*.X" covers X itself and its subdomains, but not "prefix-X".
		return host == e.o.Host || strings.HasSuffix(host, "."+e.o.Host)
	}
	return host == e.o.Host
}

// OriginAllowList allows origins matching any entry. Entries look like
// "https://example.com" (that scheme, port 443 only), "//example.com" (any
// scheme and port), "//*.example.com" (example.com and its subdomains, any
// scheme and port) or "http://localhost:4000". Schemes are compared
// literally: "wss://x" does not match a browser's "https://x".
func OriginAllowList(entries ...string) (*OriginPolicy, error) {
	if len(entries) == 0 {
		return nil, errors.New("origin allow list is empty")
	}
	p := &OriginPolicy{mode: originAllowList}
	for _, raw := range entries {
		e, err := parseOriginEntry(raw)
		if err != nil {
			return nil, err
		}
		p.allow = append(p.allow, e)
	}
	return p, nil
}

func parseOriginEntry(raw string) (originEntry, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return originEntry{}, errors.New("origin allow-list entry is empty")
	}
	o, err := ParseOrigin(s)
	if errors.Is(err, errOriginNoHost) {
		// The usual mistake is a bare "example.com" or "localhost:4000",
		// which URI parsing reads as a path or a scheme.
		return originEntry{}, fmt.Errorf(`origin allow-list entry %q has no host; write "//%s" for any scheme and port, or "https://%s"`, s, s, s)
	}
	if err != nil {
		return originEntry{}, fmt.Errorf("origin allow-list entry %q: %w", s, err)
	}
	e := originEntry{raw: s, o: o}
	if rest, ok := strings.CutPrefix(o.Host, "*."); ok {
		e.wildcard, e.o.Host = true, rest
	}
	if e.o.Host == "" || strings.Contains(e.o.Host, "*") {
		return originEntry{}, fmt.Errorf(`origin allow-list entry %q: "*" is only allowed as a leading "*." before a domain`, s)
	}
	return e, nil
}

// OriginHostOnly allows origins whose host equals host (case-insensitive),
// whatever their scheme and port. This is Phoenix's default
// (check_origin: true against the endpoint url host) and what keeps a TLS
// proxy on 443 in front of an app on another port working. A port or
// scheme in host ("example.com:443", "https://example.com") is dropped.
func OriginHostOnly(host string) *OriginPolicy {
	h, err := originNormalizeHost(host)
	if err != nil {
		// Cannot report it here; such a host simply matches no origin.
		// NewOriginPolicy validates before calling us.
		h = strings.ToLower(strings.TrimSpace(host))
	}
	return &OriginPolicy{mode: originHostOnly, host: h}
}

// OriginSameAsRequest allows origins equal to the request's own scheme
// (https iff the connection is TLS), host and port, as Phoenix's
// check_origin: :conn. X-Forwarded-* headers are not trusted, so behind a
// TLS-terminating proxy this refuses browsers; use OriginHostOnly there.
func OriginSameAsRequest() *OriginPolicy {
	return &OriginPolicy{mode: originSameAsRequest}
}

// OriginOff allows every request. For development only: it lets any web
// page open a socket with the visitor's cookies.
func OriginOff() *OriginPolicy {
	return &OriginPolicy{mode: originOff}
}

// NewOriginPolicy builds the policy from the CHECK_ORIGIN and PHX_HOST
// environment values:
//
//   - CHECK_ORIGIN "false" or "off": OriginOff.
//   - CHECK_ORIGIN "true": OriginHostOnly(PHX_HOST); PHX_HOST is required.
//   - CHECK_ORIGIN "conn": OriginSameAsRequest.
//   - other CHECK_ORIGIN: a comma-separated OriginAllowList.
//   - CHECK_ORIGIN empty, PHX_HOST set: OriginHostOnly(PHX_HOST).
//   - both empty: OriginSameAsRequest (local development).
//
// PHX_HOST may carry a port ("example.com:443"); only the host is used.
func NewOriginPolicy(checkOrigin, phxHost string) (*OriginPolicy, error) {
	checkOrigin = strings.TrimSpace(checkOrigin)
	phxHost = strings.TrimSpace(phxHost)
	switch strings.ToLower(checkOrigin) {
	case "":
		if phxHost == "" {
			p := OriginSameAsRequest()
			p.note = "PHX_HOST and CHECK_ORIGIN unset"
			return p, nil
		}
		return originHostPolicy(phxHost, "set CHECK_ORIGIN to change")
	case "false", "off":
		return OriginOff(), nil
	case "true":
		if phxHost == "" {
			return nil, errors.New("CHECK_ORIGIN=true compares the origin host with PHX_HOST, but PHX_HOST is empty")
		}
		return originHostPolicy(phxHost, "CHECK_ORIGIN=true")
	case "conn", ":conn":
		p := OriginSameAsRequest()
		p.note = "CHECK_ORIGIN=conn"
		return p, nil
	}
	var entries []string
	for _, e := range strings.Split(checkOrigin, ",") {
		if e = strings.TrimSpace(e); e != "" {
			entries = append(entries, e)
		}
	}
	p, err := OriginAllowList(entries...)
	if err != nil {
		return nil, fmt.Errorf("CHECK_ORIGIN: %w", err)
	}
	return p, nil
}

func originHostPolicy(phxHost, note string) (*OriginPolicy, error) {
	h, err := originNormalizeHost(phxHost)
	if err != nil {
		return nil, fmt.Errorf("PHX_HOST: %w", err)
	}
	p := OriginHostOnly(h)
	p.note = note
	return p, nil
}

// originNormalizeHost reduces "Example.com", "example.com:443",
// "https://example.com" or "[::1]:4000" to the lower-cased bare host.
func originNormalizeHost(s string) (string, error) {
	s = strings.TrimSpace(s)
	text := s
	if !strings.Contains(s, "://") {
		if strings.Count(s, ":") > 1 && !strings.HasPrefix(s, "[") {
			text = "[" + s + "]" // bare IPv6 address
		}
		text = "//" + text
	}
	o, err := ParseOrigin(text)
	if err != nil {
		return "", fmt.Errorf("host %q cannot be parsed", s)
	}
	if strings.Contains(o.Host, "*") {
		return "", fmt.Errorf("host %q: wildcards need an allow list (CHECK_ORIGIN=//*.example.com)", s)
	}
	return o.Host, nil
}

// IsOff reports whether the policy allows every origin.
func (p *OriginPolicy) IsOff() bool {
	return p != nil && p.mode == originOff
}

// String states the effective rule in plain words, for the start-up log.
func (p *OriginPolicy) String() string {
	if p == nil {
		p = &OriginPolicy{}
	}
	switch p.mode {
	case originOff:
		return "origin check OFF (development only)"
	case originHostOnly:
		s := fmt.Sprintf("origin must have host %q (any scheme and port", p.host)
		if p.note != "" {
			s += "; " + p.note
		}
		return s + ")"
	case originAllowList:
		return "origin must be one of " + p.allowString()
	}
	s := "origin must equal the request's own scheme, host and port"
	if p.note != "" {
		s += " (" + p.note + ")"
	}
	return s
}

func (p *OriginPolicy) allowString() string {
	raws := make([]string, len(p.allow))
	for i, e := range p.allow {
		raws[i] = e.raw
	}
	return "[" + strings.Join(raws, " ") + "]"
}

// OriginDecision is the outcome of OriginPolicy.Check, with enough detail
// to log why a browser was refused.
type OriginDecision struct {
	Allowed bool
	Origin  string // the origin that was judged, as seen ("" if none could be determined)
	Source  string // where it came from: "Origin", "Referer", "Sec-Fetch-Site", or "none"
	Reason  string // short plain-words reason when refused; "" when allowed
}

// Check judges the request's origin. Call it on the WebSocket upgrade and
// on every LongPoll request (GET, POST and OPTIONS alike).
//
// Browsers omit Origin on same-origin GETs (such as the LongPoll poll), so
// allowing every Origin-less request as Phoenix does would let a GET open a
// session whose POSTs, which do carry Origin, are then refused. Without an
// Origin header the origin is therefore taken from Referer, or from the
// request itself when Sec-Fetch-Site says same-origin. A request that
// carries none of these headers comes from a non-browser client, which
// could forge them anyway, and is allowed.
func (p *OriginPolicy) Check(r *http.Request) OriginDecision {
	if p == nil {
		p = &OriginPolicy{}
	}
	d, o, judge, err := originSeen(r)
	if p.mode == originOff {
		d.Allowed, d.Reason = true, ""
		return d
	}
	if !judge {
		return d
	}
	if err != nil {
		d.Reason = err.Error()
		return d
	}
	d.Reason = p.refusal(r, d.Origin, o)
	d.Allowed = d.Reason == ""
	return d
}

// originSeen finds the origin to judge. When judge is false the decision
// is already final and needs no policy.
func originSeen(r *http.Request) (d OriginDecision, o Origin, judge bool, err error) {
	// Presence, not value, decides: an empty or "null" Origin is judged
	// (and refused), never treated as absent.
	if v := r.Header.Values("Origin"); len(v) > 0 {
		d = OriginDecision{Origin: v[0], Source: "Origin"}
		o, err = ParseOrigin(v[0])
		return d, o, true, err
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		d = OriginDecision{Origin: ref, Source: "Referer"}
		u, perr := url.Parse(ref)
		if perr != nil || u.Host == "" {
			return d, Origin{}, true, fmt.Errorf("no Origin, and Referer %q has no usable origin", ref)
		}
		d.Origin = u.Scheme + "://" + u.Host // drop path, query, user info
		o, err = ParseOrigin(d.Origin)
		return d, o, true, err
	}
	switch site := r.Header.Get("Sec-Fetch-Site"); strings.ToLower(strings.TrimSpace(site)) {
	case "same-origin":
		d = OriginDecision{Origin: originRequestScheme(r) + "://" + r.Host, Source: "Sec-Fetch-Site"}
		o, err = ParseOrigin(d.Origin)
		return d, o, true, err
	case "", "none":
		// No browser origin headers at all (a non-browser client), or a
		// user-initiated navigation ("none"), which a page cannot forge.
		return OriginDecision{Allowed: true, Source: "none"}, Origin{}, false, nil
	case "cross-site", "same-site":
		return OriginDecision{Source: "Sec-Fetch-Site",
			Reason: fmt.Sprintf("browser says cross-origin request (Sec-Fetch-Site: %s) but sent no Origin or Referer", site)}, Origin{}, false, nil
	default:
		// An unknown value still comes from something claiming to be a
		// browser; fail closed rather than guess.
		return OriginDecision{Source: "Sec-Fetch-Site",
			Reason: fmt.Sprintf("unknown Sec-Fetch-Site %q and no Origin or Referer", site)}, Origin{}, false, nil
	}
}

// originRequestScheme is the scheme the server itself sees. X-Forwarded-Proto
// is deliberately ignored: any client can send it.
func originRequestScheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// refusal returns why o (seen as text) is refused, or "" if it is allowed.
func (p *OriginPolicy) refusal(r *http.Request, text string, o Origin) string {
	switch p.mode {
	case originHostOnly:
		if o.Host == p.host {
			return ""
		}
		return fmt.Sprintf("origin %q has host %q, server allows host %q", text, o.Host, p.host)
	case originAllowList:
		for _, e := range p.allow {
			if e.matches(o) {
				return ""
			}
		}
		s := fmt.Sprintf("origin %q is not in the allow list %s", text, p.allowString())
		// Explain the near miss: right host, wrong scheme or port is the
		// classic default-port mistake.
		for _, e := range p.allow {
			if !e.matchesHost(o.Host) {
				continue
			}
			var need []string
			if e.o.Scheme != "" && e.o.Scheme != o.Scheme {
				need = append(need, "scheme "+e.o.Scheme)
			}
			if e.o.Port != 0 && e.o.Port != o.Port {
				need = append(need, "port "+strconv.Itoa(e.o.Port))
			}
			return s + fmt.Sprintf("; entry %q needs %s", e.raw, strings.Join(need, " and "))
		}
		return s
	}
	// originSameAsRequest
	selfText := originRequestScheme(r) + "://" + r.Host
	self, err := ParseOrigin(selfText)
	if err != nil {
		return fmt.Sprintf("origin %q cannot be compared: request Host %q is unusable", text, r.Host)
	}
	var diff []string
	if o.Scheme != self.Scheme {
		diff = append(diff, "scheme")
	}
	if o.Host != self.Host {
		diff = append(diff, "host")
	}
	if o.Port != self.Port {
		diff = append(diff, "port")
	}
	if len(diff) == 0 {
		return ""
	}
	s := fmt.Sprintf("origin %q is not the request's own %q (%s differ)", text, selfText, originJoin(diff))
	if o.Scheme == "https" && self.Scheme == "http" {
		s += "; behind a TLS proxy? set PHX_HOST"
	}
	return s
}

// originJoin lists words in plain English: "a", "a and b", "a, b and c".
func originJoin(w []string) string {
	if len(w) <= 1 {
		return strings.Join(w, "")
	}
	return strings.Join(w[:len(w)-1], ", ") + " and " + w[len(w)-1]
}
