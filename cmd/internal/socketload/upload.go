package socketload

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/cortex-cinegraph/golive/transport"
)

// UploadConfig says where an [UploadFile] goes: a live page with one
// manual live file input (such as /examples/uploads/big) in a form whose
// phx-change is Change and phx-submit Submit.
type UploadConfig struct {
	Base      string // e.g. "http://127.0.0.1:4000"
	Path      string // the page, e.g. "/examples/uploads/big?chunk=64000"
	Input     string // the file input's name
	Change    string // the form's phx-change event
	Submit    string // the form's phx-submit event
	Transport string // WebSocket (default) or LongPoll
	Vsn       string // the client version announced; default DefaultLiveVsn
}

// UploadResult is what one upload did.
type UploadResult struct {
	Bytes    int64
	Duration time.Duration // from the first chunk to the last chunk's reply
	// SubmitReply is the response of the submit's reply (its diff shows
	// what the view did with the file).
	SubmitReply json.RawMessage
}

var (
	uploadRefAttr   = regexp.MustCompile(`data-phx-upload-ref="([^"]+)"`)
	joinedUploadRef = regexp.MustCompile(`data-phx-upload-ref=\\"([^"\\]+)\\"`)
)

// UploadFile uploads size bytes from r as one file named name, as the
// phoenix_live_view client does for a manual upload: the page, a socket
// on cfg.Transport, the join, phx-change announcing the file,
// allow_upload, the entry's "lvu:" channel with the chunks (binary
// frames of the size the server asks for, each awaiting its reply) and a
// progress event per percent, then the submit.
func UploadFile(ctx context.Context, cfg UploadConfig, name string, size int64, r io.Reader) (UploadResult, error) {
	if cfg.Vsn == "" {
		cfg.Vsn = DefaultLiveVsn
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	pageURL := cfg.Base + cfg.Path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return UploadResult{}, err
	}
	res, err := hc.Do(req)
	if err != nil {
		return UploadResult{}, err
	}
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		return UploadResult{}, fmt.Errorf("GET %s: %v %v", cfg.Path, res.Status, err)
	}
	tok, err := ParsePage(page)
	if err != nil {
		return UploadResult{}, err
	}
	m := uploadRefAttr.FindSubmatch(page)
	if m == nil {
		return UploadResult{}, errors.New("no live file input in the page")
	}
	uploadRef := string(m[1])
	q := url.Values{"_csrf_token": {tok.CSRF}, "_lv_vsn": {cfg.Vsn}, "vsn": {"2.0.0"}}
	var conn frameConn
	if cfg.Transport == LongPoll {
		conn, err = dialUploadLP(ctx, hc, cfg.Base+"/live/longpoll?"+q.Encode())
	} else {
		conn, err = dialUploadWS(ctx, hc, jar, cfg.Base, q.Encode())
	}
	if err != nil {
		return UploadResult{}, err
	}
	defer conn.close()
	c := &uploadClient{conn: conn, waiting: map[string]chan transport.Message{}}
	go c.read()
	lv := "lv:" + tok.ID
	join := map[string]any{"url": pageURL, "session": tok.Session, "static": tok.Static,
		"params": map[string]any{"_csrf_token": tok.CSRF, "_mounts": 0, "_lv_vsn": cfg.Vsn}}
	lvJoin, rep, err := c.join(ctx, lv, join)
	if err != nil {
		return UploadResult{}, err
	}
	// The connected mount allows the upload afresh, under a new ref.
	if m := joinedUploadRef.FindSubmatch(rep); m != nil {
		uploadRef = string(m[1])
	}
	entry := map[string]any{"ref": "0", "name": name, "relative_path": "", "type": "application/octet-stream", "size": size, "last_modified": 0}
	if _, err := c.call(ctx, lvJoin, lv, "event", map[string]any{"type": "form", "event": cfg.Change, "value": "",
		"meta": map[string]any{"_target": cfg.Input}, "uploads": map[string]any{uploadRef: []any{entry}}, "cid": nil}); err != nil {
		return UploadResult{}, err
	}
	rep, err = c.call(ctx, lvJoin, lv, "allow_upload", map[string]any{"ref": uploadRef, "entries": []any{entry}, "cid": nil})
	if err != nil {
		return UploadResult{}, err
	}
	var pre struct {
		Entries map[string]string `json:"entries"`
		Config  struct {
			ChunkSize int `json:"chunk_size"`
		} `json:"config"`
		Error json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(rep, &pre); err != nil || pre.Entries["0"] == "" || pre.Config.ChunkSize <= 0 {
		return UploadResult{}, fmt.Errorf("allow_upload refused: %.300s", rep)
	}
	up := "lvu:0"
	upJoin, _, err := c.join(ctx, up, map[string]any{"token": pre.Entries["0"]})
	if err != nil {
		return UploadResult{}, err
	}
	buf := make([]byte, pre.Config.ChunkSize)
	var sent int64
	last := -1
	start := time.Now()
	for sent < size {
		n, rerr := io.ReadFull(r, buf[:min(int64(len(buf)), size-sent)])
		if n > 0 {
			if _, err := c.callBinary(ctx, upJoin, up, "chunk", buf[:n]); err != nil {
				return UploadResult{}, fmt.Errorf("chunk at %d: %w", sent, err)
			}
			sent += int64(n)
		}
		if rerr != nil && sent < size {
			return UploadResult{}, fmt.Errorf("reading the file at %d: %w", sent, rerr)
		}
		if p := int(sent * 100 / size); p > last {
			last = p
			if _, err := c.call(ctx, lvJoin, lv, "progress", map[string]any{"event": nil, "ref": uploadRef, "entry_ref": "0", "progress": p, "cid": nil}); err != nil {
				return UploadResult{}, err
			}
		}
	}
	result := UploadResult{Bytes: sent, Duration: time.Since(start)}
	result.SubmitReply, err = c.call(ctx, lvJoin, lv, "event", map[string]any{"type": "form", "event": cfg.Submit, "value": "", "meta": map[string]any{}, "cid": nil})
	return result, err
}

// frameConn is a socket as the upload client uses it.
type frameConn interface {
	send(ctx context.Context, data []byte, binary bool) error
	frames() <-chan []byte // text frames from the server; closed at the end
	close()
}

type uploadClient struct {
	conn    frameConn
	mu      sync.Mutex
	ref     int
	waiting map[string]chan transport.Message
}

func (c *uploadClient) read() {
	for f := range c.conn.frames() {
		m, err := transport.DecodeText(f)
		if err != nil || m.Event != "phx_reply" || m.Ref == nil {
			continue
		}
		c.mu.Lock()
		ch := c.waiting[*m.Ref]
		delete(c.waiting, *m.Ref)
		c.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
	c.mu.Lock()
	for ref, ch := range c.waiting {
		close(ch)
		delete(c.waiting, ref)
	}
	c.waiting = nil
	c.mu.Unlock()
}

func (c *uploadClient) next() (string, chan transport.Message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.waiting == nil {
		return "", nil, errors.New("socket closed")
	}
	c.ref++
	ref := strconv.Itoa(c.ref)
	ch := make(chan transport.Message, 1)
	c.waiting[ref] = ch
	return ref, ch, nil
}

// push sends one frame and returns the ok reply's response.
func (c *uploadClient) push(ctx context.Context, joinRef, topic, event string, payload []byte, binary bool) (json.RawMessage, string, error) {
	ref, ch, err := c.next()
	if err != nil {
		return nil, "", err
	}
	if joinRef == "" {
		joinRef = ref
	}
	m := transport.Message{JoinRef: transport.Str(joinRef), Ref: transport.Str(ref), Topic: topic, Event: event, Payload: payload}
	var frame []byte
	if binary {
		if frame, err = transport.EncodeBinaryPush(m); err != nil {
			return nil, "", err
		}
	} else {
		frame = transport.EncodeText(m)
	}
	if err := c.conn.send(ctx, frame, binary); err != nil {
		return nil, "", err
	}
	select {
	case rep, ok := <-ch:
		if !ok {
			return nil, "", errors.New("socket closed before the reply")
		}
		var r struct {
			Status   string          `json:"status"`
			Response json.RawMessage `json:"response"`
		}
		_ = json.Unmarshal(rep.Payload, &r)
		if r.Status != "ok" {
			return nil, "", fmt.Errorf("%s %s: %s reply %.300s", topic, event, r.Status, r.Response)
		}
		return r.Response, joinRef, nil
	case <-ctx.Done():
		return nil, "", ctx.Err()
	}
}

func (c *uploadClient) join(ctx context.Context, topic string, payload any) (string, json.RawMessage, error) {
	b, _ := json.Marshal(payload)
	resp, joinRef, err := c.push(ctx, "", topic, "phx_join", b, false)
	return joinRef, resp, err
}

func (c *uploadClient) call(ctx context.Context, joinRef, topic, event string, payload any) (json.RawMessage, error) {
	b, _ := json.Marshal(payload)
	resp, _, err := c.push(ctx, joinRef, topic, event, b, false)
	return resp, err
}

func (c *uploadClient) callBinary(ctx context.Context, joinRef, topic, event string, data []byte) (json.RawMessage, error) {
	resp, _, err := c.push(ctx, joinRef, topic, event, data, true)
	return resp, err
}

// --- WebSocket ---------------------------------------------------------------

type uploadWS struct {
	ws  *websocket.Conn
	in  chan []byte
	ctx context.Context
	end context.CancelFunc
}

func dialUploadWS(ctx context.Context, hc *http.Client, jar http.CookieJar, base, query string) (*uploadWS, error) {
	u := "ws" + strings.TrimPrefix(base, "http") + "/live/websocket?" + query
	h := http.Header{}
	if bu, err := url.Parse(base); err == nil {
		for _, ck := range jar.Cookies(bu) {
			h.Add("Cookie", ck.Name+"="+ck.Value)
		}
	}
	ws, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: h, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(16 << 20)
	rctx, end := context.WithCancel(context.Background())
	c := &uploadWS{ws: ws, in: make(chan []byte, 64), ctx: rctx, end: end}
	go func() {
		defer close(c.in)
		for {
			typ, data, err := ws.Read(rctx)
			if err != nil {
				return
			}
			if typ == websocket.MessageText {
				c.in <- data
			}
		}
	}()
	return c, nil
}

func (c *uploadWS) send(ctx context.Context, data []byte, binary bool) error {
	typ := websocket.MessageText
	if binary {
		typ = websocket.MessageBinary
	}
	return c.ws.Write(ctx, typ, data)
}

func (c *uploadWS) frames() <-chan []byte { return c.in }

func (c *uploadWS) close() {
	c.end()
	_ = c.ws.Close(websocket.StatusNormalClosure, "")
	for range c.in {
	}
}

// --- LongPoll ----------------------------------------------------------------

type uploadLP struct {
	hc       *http.Client
	endpoint string // with the connect query
	mu       sync.Mutex
	token    string
	in       chan []byte
	ctx      context.Context
	end      context.CancelFunc
	done     chan struct{}
}

func dialUploadLP(ctx context.Context, hc *http.Client, endpoint string) (*uploadLP, error) {
	c := &uploadLP{hc: hc, endpoint: endpoint, in: make(chan []byte, 64), done: make(chan struct{})}
	c.ctx, c.end = context.WithCancel(context.Background())
	status, token, _, err := c.get(ctx, "")
	if err != nil {
		return nil, err
	}
	if status != http.StatusGone || token == "" {
		return nil, fmt.Errorf("longpoll open: status %d", status)
	}
	c.token = token
	go c.poll()
	return c, nil
}

func (c *uploadLP) get(ctx context.Context, token string) (int, string, []string, error) {
	u := c.endpoint
	if token != "" {
		u += "&token=" + url.QueryEscape(token)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, "", nil, err
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return 0, "", nil, err
	}
	return ParseLongPoll(body)
}

func (c *uploadLP) poll() {
	defer close(c.done)
	defer close(c.in)
	for {
		c.mu.Lock()
		tok := c.token
		c.mu.Unlock()
		status, token, msgs, err := c.get(c.ctx, tok)
		if err != nil {
			return
		}
		switch status {
		case http.StatusOK:
			for _, m := range msgs {
				select {
				case c.in <- []byte(m):
				case <-c.ctx.Done():
					return
				}
			}
		case http.StatusNoContent:
		default:
			return
		}
		if token != "" {
			c.mu.Lock()
			c.token = token
			c.mu.Unlock()
		}
	}
}

func (c *uploadLP) send(ctx context.Context, data []byte, binary bool) error {
	line := data
	if binary {
		line = []byte(base64.StdEncoding.EncodeToString(data))
	}
	c.mu.Lock()
	tok := c.token
	c.mu.Unlock()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+"&token="+url.QueryEscape(tok), bytes.NewReader(line))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	res, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("longpoll POST: %s", res.Status)
	}
	return nil
}

func (c *uploadLP) frames() <-chan []byte { return c.in }

func (c *uploadLP) close() {
	c.end()
	for range c.in {
	}
	<-c.done
}
