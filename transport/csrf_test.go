package transport_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"

	"github.com/cortex-cinegraph/golive/transport"
)

// TestConnectCSRF connects with a valid and with broken session cookies and
// tokens, over both transports. Phoenix connects the socket in every case;
// only the ConnInfo (seen by the Connect hook) says whether the session
// may be used, and each failure cause is logged with its own hint.
func TestConnectCSRF(t *testing.T) {
	sessions := transport.NewSessions([]byte("csrf test secret, at least a few bytes"))
	var mu sync.Mutex
	var infos []*transport.ConnInfo
	e := newEnv(t, func(c *transport.Config) {
		c.Sessions = sessions
		c.Connect = func(info *transport.ConnInfo) error {
			mu.Lock()
			infos = append(infos, info)
			mu.Unlock()
			return nil
		}
	})
	lastInfo := func() *transport.ConnInfo {
		mu.Lock()
		defer mu.Unlock()
		if len(infos) == 0 {
			t.Fatal("Connect hook not called")
		}
		return infos[len(infos)-1]
	}

	// A page render: the session cookie and a masked token for it.
	newSession := func(user string) (*http.Cookie, transport.Session) {
		rec := httptest.NewRecorder()
		sess := transport.Session{CSRF: sessions.Ensure(rec, httptest.NewRequest("GET", "/", nil)).CSRF,
			Values: map[string]string{"user_id": user}}
		rec = httptest.NewRecorder()
		sessions.Save(rec, httptest.NewRequest("GET", "/", nil), sess)
		cookies := rec.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies: %v", cookies)
		}
		return cookies[0], sess
	}
	cookie, sess := newSession("42")
	_, otherSess := newSession("43")
	token := transport.MaskCSRF(sess.CSRF)
	if transport.MaskCSRF(sess.CSRF) == token {
		t.Fatal("masks must differ per render")
	}
	tampered := *cookie
	tampered.Value = strings.Replace(tampered.Value, ".", ".x", 1)

	cases := []struct {
		name   string
		cookie *http.Cookie
		token  string
		want   transport.CSRFResult
	}{
		{"valid", cookie, token, transport.CSRFOK},
		{"another mask of the same state", cookie, transport.MaskCSRF(sess.CSRF), transport.CSRFOK},
		{"no cookie", nil, token, transport.CSRFNoCookie},
		{"bad cookie", &tampered, token, transport.CSRFBadCookie},
		{"missing token", cookie, "", transport.CSRFMissingToken},
		{"malformed token", cookie, "not-a-token", transport.CSRFMalformedToken},
		{"token for another session", cookie, transport.MaskCSRF(otherSess.CSRF), transport.CSRFOtherSession},
	}
	failures := 0
	for _, tc := range cases {
		for _, tr := range []string{"websocket", "longpoll"} {
			q := url.Values{"vsn": {"2.0.0"}}
			if tc.token != "" {
				q.Set("_csrf_token", tc.token)
			}
			hdr := http.Header{}
			if tc.cookie != nil {
				hdr.Set("Cookie", tc.cookie.String())
			}
			if tr == "websocket" {
				c := e.dialWith(q.Encode(), &websocket.DialOptions{HTTPHeader: hdr})
				// The socket connects whatever the CSRF outcome.
				c.heartbeat("1")
			} else {
				req := e.lpRequest("GET", q.Encode()+"&", "", "", nil)
				req.Header = hdr
				if r := e.lpDo(req); r.Status != 410 || r.Token == "" {
					t.Fatalf("%s over longpoll: %s, want a new session", tc.name, r.raw)
				}
			}
			info := lastInfo()
			if info.Transport != tr {
				t.Fatalf("%s: ConnInfo.Transport %q, want %q", tc.name, info.Transport, tr)
			}
			if info.CSRF != tc.want {
				t.Errorf("%s over %s: CSRF = %v, want %v", tc.name, tr, info.CSRF, tc.want)
			}
			if tc.want == transport.CSRFOK {
				if info.Session.CSRF != sess.CSRF || info.Session.Values["user_id"] != "42" {
					t.Errorf("%s over %s: session %+v, want the cookie's session", tc.name, tr, info.Session)
				}
			} else {
				failures++
				if info.Session.CSRF != "" || len(info.Session.Values) != 0 {
					t.Errorf("%s over %s: session %+v, want none", tc.name, tr, info.Session)
				}
			}
		}
	}
	if n := e.srv.Stats().CSRFFailures; n != int64(failures) {
		t.Errorf("CSRFFailures = %d, want %d", n, failures)
	}
	if n := e.srv.Stats().Refused; n != 0 {
		t.Errorf("Refused = %d: CSRF failures must not refuse the socket", n)
	}
	// One line per distinct cause (rate-limited per cause), each naming
	// its cause and a hint.
	lines := e.logs.lines("socket CSRF check failed")
	if len(lines) != 5 {
		t.Errorf("%d CSRF log lines, want 5 (one per cause):\n%s", len(lines), strings.Join(lines, "\n"))
	}
	seenHints := map[string]bool{}
	for _, tc := range cases[2:] {
		got := e.logs.lines("socket CSRF check failed", `cause="`+tc.want.String()+`"`)
		if len(got) != 1 {
			t.Errorf("cause %q logged %d times, want once", tc.want, len(got))
			continue
		}
		i := strings.Index(got[0], "hint=")
		if i < 0 {
			t.Errorf("no hint in %s", got[0])
			continue
		}
		hint := got[0][i:]
		if seenHints[hint] {
			t.Errorf("hint repeated for another cause: %s", hint)
		}
		seenHints[hint] = true
	}
}
