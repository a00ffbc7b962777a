package transport

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Session cookie and CSRF token errors returned by [Sessions.Load].
var (
	ErrNoSessionCookie  = errors.New("transport: no session cookie")
	ErrBadSessionCookie = errors.New("transport: bad session cookie")
)

const (
	defaultSessionCookie = "_golive_key"
	defaultSessionMaxAge = 14 * 24 * time.Hour

	// sessionKeyLabel is the HKDF info string. A fixed label lets the same
	// SECRET_KEY_BASE feed other derived keys without any of them being
	// usable to forge session cookies.
	sessionKeyLabel = "golive/transport session cookie v1"

	// Browsers drop cookies whose name plus value exceed 4096 bytes, so a
	// larger one could never round-trip; refuse it on both ends.
	maxSessionCookieSize = 4096

	csrfRandBytes = 18                // entropy of a state or a mask
	csrfStateLen  = 24                // base64url of 18 bytes
	csrfMaskedLen = 32 + csrfStateLen // base64(state XOR mask) ++ mask
	csrfURLChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)

// Sessions signs and reads the session cookie shared by pages and the socket.
//
// Pages and the /live/* socket must use the same Sessions (same secret,
// cookie name and path); otherwise every socket connect fails the CSRF
// check, LiveView joins come back "stale" and the browser reloads forever.
type Sessions struct {
	key    []byte
	name   string
	maxAge time.Duration
	secure bool
	now    func() time.Time // injectable for expiry tests
}

// SessionOption configures [NewSessions].
type SessionOption func(*Sessions)

// WithCookieName sets the session cookie name (default "_golive_key").
func WithCookieName(name string) SessionOption {
	return func(s *Sessions) { s.name = name }
}

// WithMaxAge sets how long a session lives (default 14 days). It bounds both
// the cookie's Max-Age and the signed issued-at time, so a cookie replayed
// after the browser would have dropped it is still rejected.
func WithMaxAge(d time.Duration) SessionOption {
	return func(s *Sessions) { s.maxAge = d }
}

// WithSecureCookies marks the cookie Secure on every response, not only
// on requests that came over TLS: behind a TLS-terminating proxy the
// server sees plain HTTP while the browser is on https.
func WithSecureCookies() SessionOption {
	return func(s *Sessions) { s.secure = true }
}

// NewSessions returns a session store keyed by secret (typically
// SECRET_KEY_BASE). The signing key is derived from secret with a fixed
// purpose label, so secret itself is never used directly as an HMAC key.
//
// It panics on configuration errors (empty secret, a cookie name that is
// not a valid token, a max age under one second): these are programmer
// mistakes that would otherwise surface only as an endless reload loop.
func NewSessions(secret []byte, opts ...SessionOption) *Sessions {
	if len(secret) == 0 {
		panic("transport: NewSessions: empty secret")
	}
	key, err := hkdf.Key(sha256.New, secret, nil, sessionKeyLabel, sha256.Size)
	if err != nil {
		panic("transport: NewSessions: " + err.Error())
	}
	s := &Sessions{
		key:    key,
		name:   defaultSessionCookie,
		maxAge: defaultSessionMaxAge,
		now:    time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	if err := (&http.Cookie{Name: s.name, Value: "x"}).Valid(); err != nil {
		panic(fmt.Sprintf("transport: NewSessions: cookie name %q: %v", s.name, err))
	}
	if s.maxAge < time.Second {
		// Cookie Max-Age has whole-second resolution; 0 would mean
		// "browser session" and a negative value "delete now".
		panic(fmt.Sprintf("transport: NewSessions: max age %v is under one second", s.maxAge))
	}
	return s
}

// Session is the decoded session cookie.
type Session struct {
	CSRF   string            // unmasked CSRF state: base64url (no padding) of 18 random bytes = 24 chars
	Values map[string]string // application session data (e.g. user id)
}

// sessionPayload is the JSON signed into the cookie.
type sessionPayload struct {
	CSRF     string            `json:"csrf"`
	Values   map[string]string `json:"v,omitempty"`
	IssuedAt int64             `json:"iat"` // unix seconds
}

// Load reads and verifies the session cookie. It returns
// [ErrNoSessionCookie] when the request carries none, and an error wrapping
// [ErrBadSessionCookie] (with the reason, for logs) when the signature,
// encoding, size or age is wrong. The returned Values is never nil.
//
// If several cookies share the name (e.g. an old one with a narrower Path),
// the first valid one wins.
func (s *Sessions) Load(r *http.Request) (Session, error) {
	cookies := r.CookiesNamed(s.name)
	if len(cookies) == 0 {
		return Session{}, ErrNoSessionCookie
	}
	var firstErr error
	for _, c := range cookies {
		sess, err := s.decode(c.Value)
		if err == nil {
			return sess, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return Session{}, firstErr
}

// Ensure loads the session or, if there is none or it is invalid, creates a
// fresh one with a new CSRF state and sets it on w. It never fails. Call it
// before writing the response body, since it may add a header.
func (s *Sessions) Ensure(w http.ResponseWriter, r *http.Request) Session {
	if sess, err := s.Load(r); err == nil {
		return sess
	}
	sess := Session{CSRF: csrfRandomToken(), Values: map[string]string{}}
	s.Save(w, r, sess)
	return sess
}

// Save writes sess as the session cookie with a fresh issued-at time
// (Path "/", HttpOnly, SameSite Lax, Secure if the request came over TLS
// or the store was made [WithSecureCookies]).
// Path "/" and Lax are what let the same cookie reach both the page and
// the socket upgrade at /live/*.
//
// sess.CSRF should come from [Sessions.Load] or [Sessions.Ensure]; a
// malformed state is written but later rejected by Load, so Ensure
// replaces it. If the encoded cookie would exceed 4 KiB no cookie is
// written, because the browser would drop it anyway; keep Values small.
func (s *Sessions) Save(w http.ResponseWriter, r *http.Request, sess Session) {
	value, err := s.encode(sess)
	if err != nil {
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     s.name,
		Value:    value,
		Path:     "/",
		MaxAge:   int(s.maxAge / time.Second),
		Expires:  s.now().Add(s.maxAge),
		HttpOnly: true,
		Secure:   s.secure || r != nil && r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
}

// encode returns base64url(JSON) + "." + base64url(HMAC). Both parts use
// only cookie-octets, so no quoting or escaping is ever needed.
func (s *Sessions) encode(sess Session) (string, error) {
	data, err := json.Marshal(sessionPayload{
		CSRF:     sess.CSRF,
		Values:   sess.Values,
		IssuedAt: s.now().Unix(),
	})
	if err != nil {
		return "", err // unreachable for these field types
	}
	payload := base64.RawURLEncoding.EncodeToString(data)
	value := payload + "." + base64.RawURLEncoding.EncodeToString(s.sign(payload))
	if len(s.name)+len(value) > maxSessionCookieSize {
		return "", fmt.Errorf("transport: session cookie is %d bytes, over %d", len(s.name)+len(value), maxSessionCookieSize)
	}
	return value, nil
}

func (s *Sessions) decode(value string) (Session, error) {
	bad := func(reason string) (Session, error) {
		return Session{}, fmt.Errorf("%w: %s", ErrBadSessionCookie, reason)
	}
	if len(s.name)+len(value) > maxSessionCookieSize {
		return bad("over 4 KiB")
	}
	i := strings.IndexByte(value, '.')
	if i < 0 {
		return bad("no signature")
	}
	payload, sigText := value[:i], value[i+1:]
	sig, err := base64.RawURLEncoding.DecodeString(sigText)
	if err != nil {
		return bad("signature encoding")
	}
	// Verify before parsing so unauthenticated bytes never reach the JSON
	// decoder.
	if !hmac.Equal(sig, s.sign(payload)) {
		return bad("signature mismatch")
	}
	data, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return bad("payload encoding")
	}
	var p sessionPayload
	if err := json.Unmarshal(data, &p); err != nil {
		return bad("payload json")
	}
	issued := time.Unix(p.IssuedAt, 0)
	if age := s.now().Sub(issued); age > s.maxAge {
		return bad("expired " + (age - s.maxAge).Round(time.Second).String() + " ago")
	}
	if csrfCheckShape(p.CSRF) != nil {
		return bad("csrf state")
	}
	if p.Values == nil {
		p.Values = map[string]string{}
	}
	return Session{CSRF: p.CSRF, Values: p.Values}, nil
}

// sign MACs the cookie name with the payload so that two Sessions sharing
// a secret but using different cookie names cannot accept each other's
// cookies.
func (s *Sessions) sign(payload string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(s.name + "\x00")) // NUL cannot occur in a cookie name
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// CSRFResult is the outcome of [Sessions.CheckCSRF].
type CSRFResult int

const (
	CSRFOK             CSRFResult = iota
	CSRFNoCookie                  // no session cookie on the socket request (e.g. cookie path/SameSite mismatch)
	CSRFBadCookie                 // cookie present but signature/encoding/expiry invalid
	CSRFMissingToken              // no _csrf_token param
	CSRFMalformedToken            // not a well-formed masked token (wrong length / not base64url)
	CSRFOtherSession              // well-formed, but masked for another session's state
)

// String returns plain words for logs.
func (c CSRFResult) String() string {
	switch c {
	case CSRFOK:
		return "ok"
	case CSRFNoCookie:
		return "no session cookie"
	case CSRFBadCookie:
		return "bad session cookie"
	case CSRFMissingToken:
		return "missing csrf token"
	case CSRFMalformedToken:
		return "malformed csrf token"
	case CSRFOtherSession:
		return "csrf token for another session"
	}
	return "CSRFResult(" + strconv.Itoa(int(c)) + ")"
}

// CheckCSRF verifies a socket connect: the session cookie on r and the
// masked token from the _csrf_token param (pass "" if absent). On any
// result but [CSRFOK] it returns the zero Session, which the caller should
// treat as "no session" (joins then fail as stale, per the protocol).
// Cookie problems are reported before token problems because they are
// usually the real cause (a cookie Path or SameSite that misses /live/*).
func (s *Sessions) CheckCSRF(r *http.Request, token string) (Session, CSRFResult) {
	sess, err := s.Load(r)
	switch {
	case errors.Is(err, ErrNoSessionCookie):
		return Session{}, CSRFNoCookie
	case err != nil:
		return Session{}, CSRFBadCookie
	case token == "":
		return Session{}, CSRFMissingToken
	}
	if res := csrfCheck(sess.CSRF, token); res != CSRFOK {
		return Session{}, res
	}
	return sess, CSRFOK
}

// MaskCSRF returns a fresh masked token for state: base64url(state XOR
// mask) ++ mask, 56 chars, with a new random mask on every call so the
// token on each page differs (defeating BREACH-style compression attacks)
// while all of them validate against the same state.
//
// It panics if state is not 24 bytes: a state that does not come from a
// Session is a bug, and a token for it could never validate.
func MaskCSRF(state string) string {
	return maskWith(state, csrfRandomToken())
}

// maskWith is MaskCSRF with a chosen mask, for known-answer tests.
func maskWith(state, mask string) string {
	if len(state) != csrfStateLen || len(mask) != csrfStateLen {
		panic(fmt.Sprintf("transport: MaskCSRF: state and mask must be %d bytes, got %d and %d", csrfStateLen, len(state), len(mask)))
	}
	x := make([]byte, csrfStateLen)
	for i := range x {
		x[i] = state[i] ^ mask[i]
	}
	return base64.RawURLEncoding.EncodeToString(x) + mask
}

// ValidCSRF reports whether token is a masked token for state. The first
// 32 chars may be base64url or standard base64; the comparison is
// constant-time.
func ValidCSRF(state, token string) bool {
	return csrfCheck(state, token) == CSRFOK
}

// csrfCheck distinguishes a malformed token from one masked for another
// state; ValidCSRF and CheckCSRF both use it.
func csrfCheck(state, token string) CSRFResult {
	if len(token) != csrfMaskedLen {
		return CSRFMalformedToken
	}
	head, mask := token[:32], token[32:]
	if csrfCheckShape(mask) != nil {
		return CSRFMalformedToken
	}
	// 32 chars encode exactly 24 bytes with no padding in either alphabet,
	// so the standard decoder needs no padding handling.
	x, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		x, err = base64.StdEncoding.DecodeString(head)
	}
	// The decoders skip CR/LF and StdEncoding accepts '=' padding, either
	// of which yields fewer than 24 bytes.
	if err != nil || len(x) != csrfStateLen {
		return CSRFMalformedToken
	}
	if len(state) != csrfStateLen {
		return CSRFOtherSession // no token can match a malformed state
	}
	for i := range x {
		x[i] ^= mask[i]
	}
	if subtle.ConstantTimeCompare(x, []byte(state)) != 1 {
		return CSRFOtherSession
	}
	return CSRFOK
}

// csrfCheckShape checks that v looks like a state or mask: 24 base64url
// chars.
func csrfCheckShape(v string) error {
	if len(v) != csrfStateLen {
		return errors.New("wrong length")
	}
	for i := 0; i < len(v); i++ {
		if strings.IndexByte(csrfURLChars, v[i]) < 0 {
			return errors.New("not base64url")
		}
	}
	return nil
}

// csrfRandomToken returns base64url of 18 random bytes (24 chars), the
// form of both a CSRF state and a mask.
func csrfRandomToken() string {
	b := make([]byte, csrfRandBytes)
	rand.Read(b) // never fails since Go 1.24; it crashes instead
	return base64.RawURLEncoding.EncodeToString(b)
}
