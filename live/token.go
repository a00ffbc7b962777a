package live

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Token errors. A join with any of them is answered "stale": the client
// reloads the page, which issues fresh tokens.
var (
	ErrTokenInvalid = errors.New("token invalid (bad signature or encoding)")
	ErrTokenExpired = errors.New("token expired")
)

// signer makes HMAC-SHA256 tokens: base64url(JSON) "." base64url(MAC). Each
// purpose has its own key derived from the secret, so a token of one kind
// (a flash) can never be replayed as another (a session).
type signer struct {
	key []byte
	now func() time.Time
}

func newSigner(secret []byte, purpose string) *signer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("golive/live token/" + purpose))
	return &signer{key: m.Sum(nil), now: time.Now}
}

type envelope struct {
	IssuedAt int64           `json:"iat"`
	Data     json.RawMessage `json:"d"`
}

func (s *signer) sign(v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(envelope{IssuedAt: s.now().Unix(), Data: data})
	if err != nil {
		return "", err
	}
	p := base64.RawURLEncoding.EncodeToString(body)
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(p))
	return p + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

func (s *signer) verify(tok string, maxAge time.Duration, v any) error {
	p, sig, ok := strings.Cut(tok, ".")
	if !ok {
		return ErrTokenInvalid
	}
	want, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return ErrTokenInvalid
	}
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(p))
	if !hmac.Equal(m.Sum(nil), want) {
		return ErrTokenInvalid
	}
	body, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return ErrTokenInvalid
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return ErrTokenInvalid
	}
	age := s.now().Sub(time.Unix(env.IssuedAt, 0))
	if age > maxAge || age < -time.Minute {
		return ErrTokenExpired
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		return ErrTokenInvalid
	}
	return nil
}

// sessionClaims is what data-phx-session binds: the view id (the topic),
// the view, its live_session and the selected session data.
type sessionClaims struct {
	ID          string            `json:"id"`
	View        string            `json:"view"`
	LiveSession string            `json:"ls"`
	Session     map[string]string `json:"s,omitempty"`
}

// staticClaims is what data-phx-static binds: the same id and the flash of
// the dead render.
type staticClaims struct {
	ID    string            `json:"id"`
	Flash map[string]string `json:"f,omitempty"`
}

// flashClaims carry flash across a navigation.
type flashClaims struct {
	Flash map[string]string `json:"f"`
}
