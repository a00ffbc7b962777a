package symbiont_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cortex-cinegraph/golive/status/symbiont"
	"github.com/cortex-cinegraph/golive/status/symbiont/standin"
)

func setup(t *testing.T) (*standin.Server, *symbiont.Client) {
	t.Helper()
	s := standin.New()
	s.Token = "secret-token"
	s.SlowFor = 2 * time.Second
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, &symbiont.Client{BaseURL: srv.URL, Token: "secret-token", Timeout: 500 * time.Millisecond}
}

func TestSubmitAndPollToCompletion(t *testing.T) {
	_, c := setup(t)
	ctx := context.Background()
	id, err := c.Submit(ctx, "hello")
	if err != nil || id == "" {
		t.Fatalf("submit: %q %v", id, err)
	}
	var seen []string
	for i := 0; i < 5; i++ {
		p, err := c.Progress(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, p.Status)
		if p.Done() {
			break
		}
	}
	if got := strings.Join(seen, ","); got != "queued,running,completed" {
		t.Fatalf("statuses = %s", got)
	}
}

func TestTokenGoesInTheHeader(t *testing.T) {
	var auth, query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, query = r.Header.Get("Authorization"), r.URL.RawQuery
		w.Write([]byte(`{"id":"1"}`))
	}))
	defer srv.Close()
	c := &symbiont.Client{BaseURL: srv.URL, Token: "tok"}
	if _, err := c.Submit(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer tok" || strings.Contains(query, "tok") {
		t.Fatalf("auth %q query %q", auth, query)
	}
}

func TestErrorCases(t *testing.T) {
	cases := []struct {
		mode, ep string
		kind     error
		text     string
	}{
		{standin.HTTP401, standin.EpSubmit, symbiont.ErrStatus, "HTTP 401: {\"detail\":\"Invalid token\"}"},
		{standin.HTTP500, standin.EpSubmit, symbiont.ErrStatus, "HTTP 500: Internal Server Error"},
		{standin.String, standin.EpSubmit, symbiont.ErrBadBody, "expected a JSON object"},
		{standin.Text, standin.EpStatus, symbiont.ErrBadBody, "everything is fine"},
		{standin.Garbage, standin.EpStatus, symbiont.ErrBadBody, "unexpected response"},
		{standin.Slow, standin.EpStatus, symbiont.ErrTimeout, "timed out"},
	}
	for _, tc := range cases {
		t.Run(tc.mode+"/"+tc.ep, func(t *testing.T) {
			s, c := setup(t)
			s.SetMode(tc.ep, tc.mode)
			var err error
			if tc.ep == standin.EpSubmit {
				_, err = c.Submit(context.Background(), "x")
			} else {
				_, err = c.Status(context.Background())
			}
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("err = %v, want kind %v containing %q", err, tc.kind, tc.text)
			}
		})
	}
}

func TestProgressBadDataKeepsKind(t *testing.T) {
	s, c := setup(t)
	id, _ := c.Submit(context.Background(), "x")
	s.SetMode(standin.EpProgress, standin.NoStatus)
	if _, err := c.Progress(context.Background(), id); !errors.Is(err, symbiont.ErrBadBody) || !strings.Contains(err.Error(), "unknown task status") {
		t.Fatalf("err = %v", err)
	}
}

func TestWrongTokenIs401(t *testing.T) {
	_, c := setup(t)
	c.Token = "wrong"
	if _, err := c.Submit(context.Background(), "x"); !errors.Is(err, symbiont.ErrStatus) || !strings.Contains(err.Error(), "401") {
		t.Fatalf("err = %v", err)
	}
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c := &symbiont.Client{BaseURL: url}
	_, err := c.Status(context.Background())
	var se *symbiont.Error
	if !errors.Is(err, symbiont.ErrUnreachable) || !errors.As(err, &se) || !se.Unavailable() ||
		!strings.Contains(err.Error(), "Symbiont API unreachable at "+url) || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v", err)
	}
}
