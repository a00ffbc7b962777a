package socketload

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// http1Conn is one keep-alive HTTP/1.1 connection used by one goroutine at a
// time. LongPoll sessions use two, as a browser does: one for the held
// polls, one for POSTs. Talking HTTP directly on the connection (rather
// than through net/http.Client, whose pool hands every request and
// response between goroutines) keeps the client's CPU per request well
// under the server's, so that on a small machine the load generator
// disturbs the figures less.
type http1Conn struct {
	host   string
	header string // extra header lines, each ending in "\r\n"
	c      net.Conn
	br     *bufio.Reader
	buf    []byte
	dead   bool // failed or closed by the server: dial a new one
}

// dialHTTP1 connects to the host of endpoint (an http:// URL); header is
// sent with every request.
func dialHTTP1(ctx context.Context, d *countingDialer, endpoint, header string) (*http1Conn, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("socketload: LongPoll needs an http:// URL, got %s", u.Scheme)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return &http1Conn{host: u.Host, header: header, c: c, br: bufio.NewReaderSize(c, 2048)}, nil
}

// roundTrip sends one request and reads the LongPoll JSON answer. After an
// error, or when the server closes the connection, dead is set.
func (h *http1Conn) roundTrip(ctx context.Context, method, pathQuery string, body []byte, timeout time.Duration) (lpResponse, error) {
	r, closed, err := h.exchange(ctx, method, pathQuery, body, timeout)
	if err != nil || closed {
		h.dead = true
		h.close()
	}
	return r, err
}

func (h *http1Conn) exchange(ctx context.Context, method, pathQuery string, body []byte, timeout time.Duration) (lpResponse, bool, error) {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = h.c.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = h.c.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	b := h.buf[:0]
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, pathQuery...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, h.host...)
	b = append(b, "\r\nUser-Agent: golive-socketload\r\nAccept: application/json\r\n"...)
	b = append(b, h.header...)
	if body != nil {
		b = append(b, "Content-Type: application/x-ndjson\r\nContent-Length: "...)
		b = strconv.AppendInt(b, int64(len(body)), 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, body...)
	h.buf = b[:0]
	if _, err := h.c.Write(b); err != nil {
		return lpResponse{}, true, h.ctxErr(ctx, err)
	}
	res, err := http.ReadResponse(h.br, nil)
	if err != nil {
		return lpResponse{}, true, h.ctxErr(ctx, err)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	res.Body.Close()
	if err != nil {
		return lpResponse{}, true, h.ctxErr(ctx, err)
	}
	if res.StatusCode != http.StatusOK {
		return lpResponse{}, res.Close, fmt.Errorf("HTTP %s (the protocol status belongs in the body, HTTP should be 200)", res.Status)
	}
	r, err := parseLP(data)
	return r, res.Close, err
}

func parseLP(data []byte) (lpResponse, error) {
	var r lpResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return lpResponse{}, fmt.Errorf("longpoll response is not JSON: %v: %.100q", err, data)
	}
	return r, nil
}

// ParseLongPoll reads a LongPoll answer's body as the client does: the
// protocol status (410 with a token opens a session, 200 brings messages,
// 204 none), the token and the frames.
func ParseLongPoll(body []byte) (status int, token string, messages []string, err error) {
	r, err := parseLP(body)
	return r.Status, r.Token, r.Messages, err
}

func (h *http1Conn) ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func (h *http1Conn) close() { _ = h.c.Close() }
