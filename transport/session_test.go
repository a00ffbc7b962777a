package transport

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var sessionTestSecret = []byte("test-secret-key-base-0123456789abcdef0123456789abcdef0123456789")

// newTestSessions returns a Sessions whose clock the test controls.
func newTestSessions(t *testing.T, secret []byte, opts ...SessionOption) (*Sessions, *time.Time) {
	t.Helper()
	clock := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	s := NewSessions(secret, opts...)
	s.now = func() time.Time { return clock }
	return s, &clock
}

// sessionCookie returns the cookie named name set on rec, or fails.
func sessionCookie(t *testing.T, rec *httptest.ResponseRecorder, name string) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %q cookie in Set-Cookie %q", name, rec.Header().Values("Set-Cookie"))
	return nil
}

func requestWithCookie(c *http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/live/websocket", nil)
	if c != nil {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return r
}

// freshCookie runs Ensure on a cookieless request and returns what it set.
func freshCookie(t *testing.T, s *Sessions) (Session, *http.Cookie) {
	t.Helper()
	rec := httptest.NewRecorder()
	sess := s.Ensure(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	return sess, sessionCookie(t, rec, s.name)
}

func TestMaskCSRFRoundTrip(t *testing.T) {
	state := csrfRandomToken()
	if len(state) != 24 {
		t.Fatalf("state %q has length %d, want 24", state, len(state))
	}
	tok := MaskCSRF(state)
	if len(tok) != 56 {
		t.Fatalf("token %q has length %d, want 56", tok, len(tok))
	}
	if !ValidCSRF(state, tok) {
		t.Fatalf("ValidCSRF(%q, MaskCSRF(state)=%q) = false", state, tok)
	}
}

func TestMaskCSRFFreshMaskEachCall(t *testing.T) {
	state := csrfRandomToken()
	seen := map[string]bool{}
	for range 20 {
		tok := MaskCSRF(state)
		if seen[tok] {
			t.Fatalf("MaskCSRF returned %q twice", tok)
		}
		seen[tok] = true
		if !ValidCSRF(state, tok) {
			t.Fatalf("token %q does not validate", tok)
		}
	}
}

func TestMaskWithKnownVectors(t *testing.T) {
	// Worked by hand: XOR the ASCII bytes, then base64url the 24 results.
	tests := []struct {
		name, state, mask, want string
	}{{
		// 'A'^'B' = 0x03; 03 03 03 -> 000000 110000 001100 000011 = "AwMD".
		name:  "uniform",
		state: strings.Repeat("A", 24),
		mask:  strings.Repeat("B", 24),
		want:  strings.Repeat("AwMD", 8) + strings.Repeat("B", 24),
	}, {
		// 'a'^'-' = 0x4c ('L'); base64("LLL") = "TExM".
		name:  "mask with url char",
		state: strings.Repeat("a", 24),
		mask:  strings.Repeat("-", 24),
		want:  strings.Repeat("TExM", 8) + strings.Repeat("-", 24),
	}, {
		// "AB"^"AA" gives 00 03 00 | 03 00 03 | ... ; 00 03 00 -> "AAMA",
		// 03 00 03 -> "AwAD". Catches byte-order mistakes.
		name:  "alternating",
		state: strings.Repeat("AB", 12),
		mask:  strings.Repeat("A", 24),
		want:  strings.Repeat("AAMAAwAD", 4) + strings.Repeat("A", 24),
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := maskWith(tc.state, tc.mask); got != tc.want {
				t.Errorf("maskWith(%q, %q) = %q, want %q", tc.state, tc.mask, got, tc.want)
			}
			if !ValidCSRF(tc.state, tc.want) {
				t.Errorf("ValidCSRF rejects the known vector %q", tc.want)
			}
		})
	}
}

func TestValidCSRFOtherState(t *testing.T) {
	state, other := csrfRandomToken(), csrfRandomToken()
	if ValidCSRF(other, MaskCSRF(state)) {
		t.Fatal("token masked for one state validated against another")
	}
	if got := csrfCheck(other, MaskCSRF(state)); got != CSRFOtherSession {
		t.Fatalf("csrfCheck = %v, want %v", got, CSRFOtherSession)
	}
}

func TestValidCSRFTampered(t *testing.T) {
	state := strings.Repeat("A", 24)
	tok := maskWith(state, strings.Repeat("B", 24))
	flip := func(i int) string {
		b := []byte(tok)
		if b[i] == 'Q' {
			b[i] = 'R'
		} else {
			b[i] = 'Q'
		}
		return string(b)
	}
	for _, i := range []int{0, 10, 31, 32, 45, 55} {
		if bad := flip(i); ValidCSRF(state, bad) {
			t.Errorf("token with char %d changed (%q) validated", i, bad)
		}
	}
	// A non-base64url mask character is malformed, not just mismatched.
	if got := csrfCheck(state, tok[:40]+"!"+tok[41:]); got != CSRFMalformedToken {
		t.Errorf("mask with '!': csrfCheck = %v, want %v", got, CSRFMalformedToken)
	}
	if got := csrfCheck(state, "*"+tok[1:]); got != CSRFMalformedToken {
		t.Errorf("head with '*': csrfCheck = %v, want %v", got, CSRFMalformedToken)
	}
}

func TestValidCSRFWrongLength(t *testing.T) {
	state := csrfRandomToken()
	tok := MaskCSRF(state)
	for _, bad := range []string{"", tok[:55], tok + "A", tok[:32], tok[32:], state} {
		if ValidCSRF(state, bad) {
			t.Errorf("token of length %d validated", len(bad))
		}
		if got := csrfCheck(state, bad); got != CSRFMalformedToken {
			t.Errorf("length %d: csrfCheck = %v, want %v", len(bad), got, CSRFMalformedToken)
		}
	}
	// Padding or a line break inside the head decodes to fewer than 24
	// bytes and must not pass as a short match.
	for _, bad := range []string{tok[:30] + "==" + tok[32:], tok[:31] + "\n" + tok[32:]} {
		if got := csrfCheck(state, bad); got != CSRFMalformedToken {
			t.Errorf("%q: csrfCheck = %v, want %v", bad, got, CSRFMalformedToken)
		}
	}
}

func TestValidCSRFStandardBase64Head(t *testing.T) {
	state := csrfRandomToken()
	// Find a token whose head uses a url-only char, so the standard
	// spelling really differs.
	// Each head has 32 chars with a 1/32 chance each, so 200 tries
	// failing means MaskCSRF is not using fresh random masks.
	var tok string
	for range 200 {
		if tok = MaskCSRF(state); strings.ContainsAny(tok[:32], "-_") {
			break
		}
	}
	if !strings.ContainsAny(tok[:32], "-_") {
		t.Fatalf("no token with '-' or '_' in its head after 200 tries, last %q", tok)
	}
	std := strings.NewReplacer("-", "+", "_", "/").Replace(tok[:32]) + tok[32:]
	if _, err := base64.RawURLEncoding.DecodeString(std[:32]); err == nil {
		t.Fatalf("test setup: %q is still valid base64url", std[:32])
	}
	if !ValidCSRF(state, std) {
		t.Fatalf("standard-base64 head %q rejected (url form %q)", std, tok)
	}
	if ValidCSRF(csrfRandomToken(), std) {
		t.Fatal("standard-base64 head validated against another state")
	}
}

func TestSessionCookieRoundTrip(t *testing.T) {
	s, _ := newTestSessions(t, sessionTestSecret)
	sess, c := freshCookie(t, s)

	if c.Name != "_golive_key" || c.Path != "/" || !c.HttpOnly || c.Secure ||
		c.SameSite != http.SameSiteLaxMode || c.MaxAge != 14*24*3600 {
		t.Errorf("cookie attributes = %+v", c)
	}
	if len(sess.CSRF) != 24 || sess.Values == nil {
		t.Fatalf("fresh session = %+v", sess)
	}
	if err := c.Valid(); err != nil {
		t.Errorf("cookie not valid: %v", err)
	}

	got, err := s.Load(requestWithCookie(c))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got.CSRF != sess.CSRF {
		t.Errorf("Load CSRF = %q, want %q", got.CSRF, sess.CSRF)
	}

	// Ensure on a request that has the cookie returns it and sets nothing.
	rec := httptest.NewRecorder()
	if again := s.Ensure(rec, requestWithCookie(c)); again.CSRF != sess.CSRF {
		t.Errorf("Ensure with cookie gave CSRF %q, want %q", again.CSRF, sess.CSRF)
	}
	if h := rec.Header().Values("Set-Cookie"); len(h) != 0 {
		t.Errorf("Ensure with valid cookie set %q", h)
	}

	// Values survive a Save/Load round trip.
	sess.Values["user_id"] = "42"
	sess.Values["odd"] = `"; =,\ é`
	rec = httptest.NewRecorder()
	s.Save(rec, httptest.NewRequest(http.MethodGet, "/", nil), sess)
	c = sessionCookie(t, rec, s.name)
	if err := c.Valid(); err != nil {
		t.Errorf("cookie with values not valid: %v", err)
	}
	got, err = s.Load(requestWithCookie(c))
	if err != nil {
		t.Fatalf("Load after Save: %v", err)
	}
	if got.CSRF != sess.CSRF || len(got.Values) != 2 || got.Values["user_id"] != "42" || got.Values["odd"] != sess.Values["odd"] {
		t.Errorf("Load after Save = %+v, want %+v", got, sess)
	}
}

func TestSaveSecureOnlyOverTLS(t *testing.T) {
	s, _ := newTestSessions(t, sessionTestSecret, WithCookieName("sid"), WithMaxAge(time.Hour))
	r := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
	r.TLS = &tls.ConnectionState{}
	rec := httptest.NewRecorder()
	s.Ensure(rec, r)
	c := sessionCookie(t, rec, "sid")
	if !c.Secure || c.MaxAge != 3600 {
		t.Errorf("TLS cookie = %+v, want Secure and MaxAge 3600", c)
	}
}

func TestLoadNoCookie(t *testing.T) {
	s, _ := newTestSessions(t, sessionTestSecret)
	r := requestWithCookie(&http.Cookie{Name: "other", Value: "x"})
	if _, err := s.Load(r); !errors.Is(err, ErrNoSessionCookie) {
		t.Fatalf("Load = %v, want ErrNoSessionCookie", err)
	}
}

func TestLoadTamperedCookie(t *testing.T) {
	s, _ := newTestSessions(t, sessionTestSecret)
	_, c := freshCookie(t, s)
	payload, sig, _ := strings.Cut(c.Value, ".")
	flip := func(v string) string {
		if v[0] == 'e' {
			return "f" + v[1:]
		}
		return "e" + v[1:]
	}
	for name, v := range map[string]string{
		"payload changed":   flip(payload) + "." + sig,
		"signature changed": payload + "." + flip(sig),
		"no signature":      payload,
		"empty signature":   payload + ".",
		"signature not b64": payload + "." + sig[:len(sig)-1] + "*",
		"empty":             "",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Load(requestWithCookie(&http.Cookie{Name: c.Name, Value: v}))
			if !errors.Is(err, ErrBadSessionCookie) {
				t.Fatalf("Load = %v, want ErrBadSessionCookie", err)
			}
		})
	}
}

func TestLoadRejectsOversizeCookie(t *testing.T) {
	s, _ := newTestSessions(t, sessionTestSecret)
	// Correctly signed, so only the size limit can reject it.
	data, err := json.Marshal(sessionPayload{
		CSRF:     csrfRandomToken(),
		Values:   map[string]string{"big": strings.Repeat("x", 4096)},
		IssuedAt: s.now().Unix(),
	})
	if err != nil {
		t.Fatal(err)
	}
	payload := base64.RawURLEncoding.EncodeToString(data)
	v := payload + "." + base64.RawURLEncoding.EncodeToString(s.sign(payload))
	_, err = s.Load(requestWithCookie(&http.Cookie{Name: s.name, Value: v}))
	if !errors.Is(err, ErrBadSessionCookie) || !strings.Contains(err.Error(), "4 KiB") {
		t.Fatalf("Load of %d-byte cookie = %v, want ErrBadSessionCookie (over 4 KiB)", len(v), err)
	}
}

func TestLoadRejectsOtherKeys(t *testing.T) {
	s, _ := newTestSessions(t, sessionTestSecret)
	other, _ := newTestSessions(t, []byte("another-secret-key-base"))
	_, c := freshCookie(t, other)
	if _, err := s.Load(requestWithCookie(c)); !errors.Is(err, ErrBadSessionCookie) {
		t.Fatalf("cookie from another secret: Load = %v, want ErrBadSessionCookie", err)
	}

	// Same secret, different cookie name: the name is part of the MAC.
	renamed, _ := newTestSessions(t, sessionTestSecret, WithCookieName("alt"))
	_, c = freshCookie(t, renamed)
	c.Name = s.name
	if _, err := s.Load(requestWithCookie(c)); !errors.Is(err, ErrBadSessionCookie) {
		t.Fatalf("cookie from another name: Load = %v, want ErrBadSessionCookie", err)
	}
}

func TestLoadExpired(t *testing.T) {
	s, clock := newTestSessions(t, sessionTestSecret, WithMaxAge(time.Hour))
	sess, c := freshCookie(t, s)

	*clock = clock.Add(time.Hour)
	if _, err := s.Load(requestWithCookie(c)); err != nil {
		t.Fatalf("at exactly max age: Load = %v, want ok", err)
	}
	*clock = clock.Add(time.Second)
	if _, err := s.Load(requestWithCookie(c)); !errors.Is(err, ErrBadSessionCookie) {
		t.Fatalf("past max age: Load = %v, want ErrBadSessionCookie", err)
	}

	// Ensure replaces the expired cookie with a fresh state.
	rec := httptest.NewRecorder()
	fresh := s.Ensure(rec, requestWithCookie(c))
	if fresh.CSRF == sess.CSRF || len(fresh.CSRF) != 24 {
		t.Errorf("Ensure on expired cookie kept CSRF %q", fresh.CSRF)
	}
	if _, err := s.Load(requestWithCookie(sessionCookie(t, rec, s.name))); err != nil {
		t.Errorf("replacement cookie: Load = %v", err)
	}
}

func TestLoadPrefersValidDuplicate(t *testing.T) {
	s, _ := newTestSessions(t, sessionTestSecret)
	sess, c := freshCookie(t, s)
	r := httptest.NewRequest(http.MethodGet, "/live/websocket", nil)
	r.AddCookie(&http.Cookie{Name: c.Name, Value: "stale.value"})
	r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	got, err := s.Load(r)
	if err != nil || got.CSRF != sess.CSRF {
		t.Fatalf("Load = %+v, %v; want the valid second cookie", got, err)
	}
}

func TestSaveRefusesOversizeCookie(t *testing.T) {
	s, _ := newTestSessions(t, sessionTestSecret)
	sess := Session{CSRF: csrfRandomToken(), Values: map[string]string{"big": strings.Repeat("x", 4096)}}
	rec := httptest.NewRecorder()
	s.Save(rec, httptest.NewRequest(http.MethodGet, "/", nil), sess)
	if h := rec.Header().Values("Set-Cookie"); len(h) != 0 {
		t.Fatalf("oversize session was written: %d bytes", len(h[0]))
	}
}

func TestEnsureReplacesMalformedState(t *testing.T) {
	s, _ := newTestSessions(t, sessionTestSecret)
	rec := httptest.NewRecorder()
	s.Save(rec, httptest.NewRequest(http.MethodGet, "/", nil), Session{CSRF: "short"})
	c := sessionCookie(t, rec, s.name)
	if _, err := s.Load(requestWithCookie(c)); !errors.Is(err, ErrBadSessionCookie) {
		t.Fatalf("Load of session with bad state = %v, want ErrBadSessionCookie", err)
	}
	rec = httptest.NewRecorder()
	if got := s.Ensure(rec, requestWithCookie(c)); len(got.CSRF) != 24 {
		t.Fatalf("Ensure kept bad state %q", got.CSRF)
	}
}

func TestCheckCSRF(t *testing.T) {
	s, _ := newTestSessions(t, sessionTestSecret)
	sess, c := freshCookie(t, s)
	good := MaskCSRF(sess.CSRF)
	bad := &http.Cookie{Name: c.Name, Value: "x" + c.Value}

	tests := []struct {
		name   string
		cookie *http.Cookie
		token  string
		want   CSRFResult
	}{
		{"ok", c, good, CSRFOK},
		{"no cookie", nil, good, CSRFNoCookie},
		{"bad cookie", bad, good, CSRFBadCookie},
		{"missing token", c, "", CSRFMissingToken},
		{"malformed token", c, good[:50], CSRFMalformedToken},
		{"other session", c, MaskCSRF(csrfRandomToken()), CSRFOtherSession},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, res := s.CheckCSRF(requestWithCookie(tc.cookie), tc.token)
			if res != tc.want {
				t.Fatalf("CheckCSRF = %v, want %v", res, tc.want)
			}
			if res == CSRFOK && got.CSRF != sess.CSRF {
				t.Errorf("CheckCSRF session CSRF = %q, want %q", got.CSRF, sess.CSRF)
			}
			if res != CSRFOK && (got.CSRF != "" || got.Values != nil) {
				t.Errorf("failed check returned session %+v, want zero", got)
			}
		})
	}
}

func TestCSRFResultString(t *testing.T) {
	want := map[CSRFResult]string{
		CSRFOK:             "ok",
		CSRFNoCookie:       "no session cookie",
		CSRFBadCookie:      "bad session cookie",
		CSRFMissingToken:   "missing csrf token",
		CSRFMalformedToken: "malformed csrf token",
		CSRFOtherSession:   "csrf token for another session",
		CSRFResult(99):     "CSRFResult(99)",
	}
	for r, w := range want {
		if got := r.String(); got != w {
			t.Errorf("CSRFResult(%d).String() = %q, want %q", int(r), got, w)
		}
	}
}

func TestNewSessionsPanicsOnMisconfiguration(t *testing.T) {
	for name, f := range map[string]func(){
		"empty secret": func() { NewSessions(nil) },
		"bad name":     func() { NewSessions(sessionTestSecret, WithCookieName("a b")) },
		"empty name":   func() { NewSessions(sessionTestSecret, WithCookieName("")) },
		"zero max age": func() { NewSessions(sessionTestSecret, WithMaxAge(0)) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}
