// Package symbiont is the HTTP client of the Symbiont API (an external
// FastAPI service): service status, task submission and task progress. It
// follows the contract's rules: success is decided by the status code, a
// body that is a string where JSON was expected is reported (never crashed
// on), the token goes in the Authorization header, every call has a
// timeout.
package symbiont

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Client calls one Symbiont API.
type Client struct {
	BaseURL string
	Token   string
	// Timeout bounds each call; default 5 s.
	Timeout time.Duration
	HTTP    *http.Client
	// Paths; defaults "/status", "/task", "/task/{id}".
	StatusPath, TaskPath string
}

// Task statuses.
const (
	Queued    = "queued"
	Running   = "running"
	Completed = "completed"
	Failed    = "failed"
)

// Progress is a task's progress as reported by the API.
type Progress struct {
	ID       string          `json:"id"`
	Status   string          `json:"status"`
	Progress *float64        `json:"progress,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"`
	Error    string          `json:"error,omitempty"`
}

// Done reports whether the task reached a final status.
func (p Progress) Done() bool { return p.Status == Completed || p.Status == Failed }

// Error kinds, for errors.Is: what the page tells the person.
var (
	ErrUnreachable = errors.New("unreachable")
	ErrTimeout     = errors.New("timed out")
	ErrStatus      = errors.New("HTTP error status")
	ErrBadBody     = errors.New("unexpected response body")
)

// Error is a failed call, with what the API answered.
type Error struct {
	Op     string // "status", "submit", "progress"
	URL    string
	Kind   error // one of the Err* above
	Code   int   // HTTP status, for ErrStatus
	Body   string
	Reason string
}

func (e *Error) Error() string {
	switch e.Kind {
	case ErrUnreachable:
		return fmt.Sprintf("Symbiont API unreachable at %s: %s", e.URL, e.Reason)
	case ErrTimeout:
		return fmt.Sprintf("Symbiont API at %s timed out: %s", e.URL, e.Reason)
	case ErrStatus:
		return fmt.Sprintf("HTTP %d: %s", e.Code, strings.TrimSpace(e.Body))
	case ErrBadBody:
		return fmt.Sprintf("unexpected response from %s: %s: %s", e.URL, e.Reason, truncate(e.Body, 200))
	}
	return e.Op + ": " + e.Reason
}

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

// Unavailable marks connection failures and timeouts as a dependency being
// down (live.IsUnavailable).
func (e *Error) Unavailable() bool { return e.Kind == ErrUnreachable || e.Kind == ErrTimeout }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 5 * time.Second
}

func (c *Client) url(path string) string {
	return strings.TrimSuffix(c.BaseURL, "/") + path
}

// do performs one call and decodes a JSON object into out.
func (c *Client) do(ctx context.Context, op, method, path string, body any, out any) error {
	u := c.url(path)
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return &Error{Op: op, URL: u, Kind: ErrBadBody, Reason: err.Error()}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return &Error{Op: op, URL: u, Kind: ErrUnreachable, Reason: err.Error()}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return classify(op, u, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return classify(op, u, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &Error{Op: op, URL: u, Kind: ErrStatus, Code: resp.StatusCode, Body: truncate(string(raw), 500)}
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		// FastAPI may answer a JSON string ("ok") or plain text.
		return &Error{Op: op, URL: u, Kind: ErrBadBody, Body: string(raw), Reason: "expected a JSON object"}
	}
	if err := json.Unmarshal(trimmed, out); err != nil {
		return &Error{Op: op, URL: u, Kind: ErrBadBody, Body: string(raw), Reason: err.Error()}
	}
	return nil
}

func classify(op, u string, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return &Error{Op: op, URL: u, Kind: ErrTimeout, Reason: err.Error()}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{Op: op, URL: u, Kind: ErrUnreachable, Reason: "connection refused"}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &Error{Op: op, URL: u, Kind: ErrUnreachable, Reason: ue.Err.Error()}
	}
	return &Error{Op: op, URL: u, Kind: ErrUnreachable, Reason: err.Error()}
}

// Status fetches the API's service status object.
func (c *Client) Status(ctx context.Context) (map[string]any, error) {
	p := c.StatusPath
	if p == "" {
		p = "/status"
	}
	var out map[string]any
	if err := c.do(ctx, "status", http.MethodGet, p, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Submit posts a prompt and returns the new task's id.
func (c *Client) Submit(ctx context.Context, prompt string) (string, error) {
	p := c.TaskPath
	if p == "" {
		p = "/task"
	}
	var out struct {
		ID     any `json:"id"`
		TaskID any `json:"task_id"`
	}
	if err := c.do(ctx, "submit", http.MethodPost, p, map[string]string{"prompt": prompt}, &out); err != nil {
		return "", err
	}
	id := out.ID
	if id == nil {
		id = out.TaskID
	}
	if id == nil || fmt.Sprint(id) == "" {
		return "", &Error{Op: "submit", URL: c.url(p), Kind: ErrBadBody, Reason: "no task id in the response"}
	}
	return fmt.Sprint(id), nil
}

// Progress fetches a task's progress. A response without a known status is
// ErrBadBody (the caller shows it and keeps polling).
func (c *Client) Progress(ctx context.Context, id string) (Progress, error) {
	p := c.TaskPath
	if p == "" {
		p = "/task"
	}
	path := p + "/" + url.PathEscape(id)
	var out Progress
	if err := c.do(ctx, "progress", http.MethodGet, path, nil, &out); err != nil {
		return Progress{}, err
	}
	switch out.Status {
	case Queued, Running, Completed, Failed:
	default:
		return out, &Error{Op: "progress", URL: c.url(path), Kind: ErrBadBody, Reason: fmt.Sprintf("unknown task status %q", out.Status)}
	}
	if out.ID == "" {
		out.ID = id
	}
	return out, nil
}
