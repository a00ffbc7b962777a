package live

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTokenRoundTripAndRefusals(t *testing.T) {
	s := newSigner([]byte("0123456789abcdef0123456789abcdef"), "session")
	tok, err := s.sign(sessionClaims{ID: "phx-abc", View: "v", LiveSession: "ls", Session: map[string]string{"user": "7"}})
	if err != nil {
		t.Fatal(err)
	}
	var c sessionClaims
	if err := s.verify(tok, time.Hour, &c); err != nil || c.ID != "phx-abc" || c.View != "v" || c.LiveSession != "ls" || c.Session["user"] != "7" {
		t.Fatalf("round trip: %v %+v", err, c)
	}
	if strings.ContainsAny(tok, "+/= \"<>&") {
		t.Fatalf("token not attribute-safe: %q", tok)
	}

	other := newSigner([]byte("another secret, another secret!!"), "session")
	if err := other.verify(tok, time.Hour, &c); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("token from another secret: %v", err)
	}
	static := newSigner([]byte("0123456789abcdef0123456789abcdef"), "static")
	if err := static.verify(tok, time.Hour, &c); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("session token accepted as a static token: %v", err)
	}
	tampered := tok[:5] + string(rune(tok[5]^1)) + tok[6:]
	if err := s.verify(tampered, time.Hour, &c); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("tampered token: %v", err)
	}
	for _, bad := range []string{"", "nodot", "a.b", "....", tok + "x"} {
		if err := s.verify(bad, time.Hour, &c); err == nil {
			t.Fatalf("malformed token %q accepted", bad)
		}
	}

	s.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if err := s.verify(tok, time.Hour, &c); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("expired token: %v", err)
	}
}

func TestDecodeFormNested(t *testing.T) {
	p, err := DecodeForm("q=star+wars&filters%5Blists%5D%5B%5D=a&filters%5Blists%5D%5B%5D=b&filters%5Byear%5D=1999&_unused_q=&empty=")
	if err != nil {
		t.Fatal(err)
	}
	if p.Get("q") != "star wars" {
		t.Fatalf("q = %q", p.Get("q"))
	}
	f := p.Map("filters")
	if got := f.Strings("lists"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("filters[lists][] = %v", got)
	}
	if f.Get("year") != "1999" || !p.Has("_unused_q") || !p.Has("empty") {
		t.Fatalf("params = %#v", p)
	}
	if _, err := DecodeForm("a=%zz"); err == nil {
		t.Fatal("bad escape accepted")
	}
}

func TestKeyPath(t *testing.T) {
	for in, want := range map[string]string{
		"q":                "q",
		"user[name]":       "user,name",
		"filters[lists][]": "filters,lists,",
		"a[b][c]":          "a,b,c",
		"broken[x":         "broken[x",
		"[leading]":        "[leading]",
	} {
		if got := strings.Join(KeyPath(in), ","); got != want {
			t.Errorf("KeyPath(%q) = %q, want %q", in, got, want)
		}
	}
}
