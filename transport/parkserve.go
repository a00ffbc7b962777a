package transport

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// A LongPoll request that arrives on a parked connection is served on the
// parked goroutine itself, through the http.Server's own handler, instead
// of going back to net/http through Accept. Given back, a connection is a
// new one to net/http: it allocates a connection, 4 KiB read and write
// buffers and a response, and a hijack never returns them to net/http's
// pools (it also allocates a fresh 4 KiB writer). That was half of the
// bytes a LongPoll click allocated. Served here, a request costs a pooled
// reader and the parsed request. Only plain LongPoll requests take this
// path (HTTP/1.1 GET, POST or OPTIONS on a path ending in /longpoll, no
// Expect, Upgrade or Transfer-Encoding); anything else goes back to
// net/http with the bytes read replayed.

// headerReadTimeout bounds reading a request's head on a parked
// connection when the http.Server sets no ReadHeaderTimeout.
const headerReadTimeout = 10 * time.Second

// maxDiscardBody is how much of a body the handler left unread is read
// away to keep the connection; past it the connection is closed, as
// net/http does.
const maxDiscardBody = 256 << 10

var parkReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}

// fastWriter is the http.ResponseWriter of a request served on a parked
// connection. The handler's answer is buffered and written with its
// length when the handler returns, unless the handler hijacks the
// connection (a poll or a POST parking again).
type fastWriter struct {
	conn     net.Conn
	br       *bufio.Reader
	header   http.Header
	status   int
	body     bytes.Buffer
	hijacked bool
	escaped  bool // br went to a hijacker outside this package: not pooled
}

func (fw *fastWriter) Header() http.Header { return fw.header }

func (fw *fastWriter) WriteHeader(code int) {
	if fw.status == 0 && !fw.hijacked {
		fw.status = code
	}
}

func (fw *fastWriter) Write(p []byte) (int, error) {
	if fw.hijacked {
		return 0, http.ErrHijacked
	}
	if fw.status == 0 {
		fw.status = http.StatusOK
	}
	return fw.body.Write(p)
}

// Hijack is for a hijacker other than parking (the middleware of an app
// may have one); parking takes the connection through takeOver.
func (fw *fastWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if fw.hijacked {
		return nil, nil, http.ErrHijacked
	}
	fw.hijacked, fw.escaped = true, true
	return fw.conn, bufio.NewReadWriter(fw.br, bufio.NewWriter(fw.conn)), nil
}

// takeOver hands the connection to parking, with the bytes read past the
// request.
func (fw *fastWriter) takeOver() (net.Conn, []byte) {
	fw.hijacked = true
	return fw.conn, buffered(fw.br)
}

// fastWriterOf finds the fastWriter under w's wrappers, as
// http.ResponseController does; nil when w is net/http's own.
func fastWriterOf(w http.ResponseWriter) *fastWriter {
	for {
		switch v := w.(type) {
		case *fastWriter:
			return v
		case interface{ Unwrap() http.ResponseWriter }:
			w = v.Unwrap()
		default:
			return nil
		}
	}
}

// serveNext serves the request that has started to arrive on pc's
// connection (its first bytes are pc.pre). True when it was answered here
// and the connection is pc's again, to park until the next request; false
// when the connection went elsewhere: hijacked by the handler (parked
// anew, on a goroutine of its own), given back to net/http, or closed.
func (pc *parkedConn) serveNext() bool {
	conn := withPrefix(pc.conn, pc.pre)
	pc.conn, pc.pre = conn, nil
	srv := pc.srv
	if srv == nil || srv.Handler == nil {
		pc.ln.giveBack(conn)
		return false
	}
	br := parkReaders.Get().(*bufio.Reader)
	br.Reset(conn)
	timeout := srv.ReadHeaderTimeout
	if timeout <= 0 {
		timeout = headerReadTimeout
	}
	conn.SetReadDeadline(time.Now().Add(timeout))
	ok := fastRequest(br)
	conn.SetReadDeadline(time.Time{})
	if !ok {
		pre := buffered(br)
		releaseReader(br)
		pc.ln.giveBack(withPrefix(conn, pre))
		return false
	}
	req, err := http.ReadRequest(br)
	if err != nil {
		releaseReader(br)
		conn.SetWriteDeadline(time.Now().Add(parkWriteTimeout))
		io.WriteString(conn, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request")
		conn.Close()
		return false
	}
	ctx, cancel := context.WithCancel(context.WithValue(context.WithValue(context.Background(),
		http.ServerContextKey, srv), http.LocalAddrContextKey, conn.LocalAddr()))
	defer cancel()
	req = req.WithContext(ctx)
	req.RemoteAddr = conn.RemoteAddr().String()
	fw := &fastWriter{conn: conn, br: br, header: make(http.Header, 8)}
	pc.ln.srv.stats.ParkServed.Add(1)
	ok = pc.ln.srv.serveFast(srv, fw, req)
	if fw.hijacked {
		// Parked anew (whole even if a middleware panicked after that),
		// or taken by another hijacker.
		if !fw.escaped {
			releaseReader(br)
		}
		return false
	}
	if !ok {
		// The handler panicked: what it wrote is not an answer.
		releaseReader(br)
		conn.Close()
		return false
	}
	keep := !req.Close && fw.header.Get("Connection") != "close"
	if req.Body != nil && req.Body != http.NoBody {
		if n, _ := io.CopyN(io.Discard, req.Body, maxDiscardBody+1); n > maxDiscardBody {
			keep = false
		}
	}
	pc.pre = buffered(br)
	releaseReader(br)
	if err := fw.finish(keep); err != nil || !keep {
		conn.Close()
		return false
	}
	return true
}

// serveFast runs the http.Server's handler for a request served on a
// parked connection; false when it panicked (logged as net/http logs it,
// http.ErrAbortHandler silently).
func (s *Server) serveFast(srv *http.Server, w http.ResponseWriter, r *http.Request) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			ok = false
			if v != http.ErrAbortHandler {
				s.log.Error("http handler panicked on a parked LongPoll connection", "path", r.URL.Path, "panic", v)
			}
		}
	}()
	srv.Handler.ServeHTTP(w, r)
	return true
}

// finish writes the buffered answer with its length.
func (fw *fastWriter) finish(keep bool) error {
	status := fw.status
	if status == 0 {
		status = http.StatusOK
	}
	h := fw.header
	if fw.body.Len() > 0 && h.Get("Content-Type") == "" {
		h.Set("Content-Type", http.DetectContentType(fw.body.Bytes()))
	}
	var b bytes.Buffer
	b.Grow(256 + fw.body.Len())
	b.WriteString("HTTP/1.1 ")
	b.WriteString(strconv.Itoa(status))
	b.WriteByte(' ')
	b.WriteString(http.StatusText(status))
	b.WriteString("\r\n")
	h.Del("Content-Length")
	h.Del("Connection")
	h.Del("Transfer-Encoding")
	if err := h.Write(&b); err != nil {
		return err
	}
	b.WriteString("Date: ")
	b.Write(time.Now().UTC().AppendFormat(nil, http.TimeFormat))
	b.WriteString("\r\n")
	if bodyAllowed(status) {
		b.WriteString("Content-Length: ")
		b.WriteString(strconv.Itoa(fw.body.Len()))
		b.WriteString("\r\n")
	}
	if !keep {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	if bodyAllowed(status) {
		b.Write(fw.body.Bytes())
	}
	fw.conn.SetWriteDeadline(time.Now().Add(parkWriteTimeout))
	_, err := fw.conn.Write(b.Bytes())
	fw.conn.SetWriteDeadline(time.Time{})
	return err
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

func releaseReader(br *bufio.Reader) {
	br.Reset(nil)
	parkReaders.Put(br)
}

var errHeadTooLarge = errors.New("request head past the reader's buffer")

// fastRequest reads a request's head into br's buffer without consuming it
// and says whether it is one to serve on the parked connection: HTTP/1.1
// GET, POST or OPTIONS whose path ends in /longpoll, without Expect,
// Upgrade or Transfer-Encoding (what net/http does for those is not
// redone here). A head that does not fit the buffer, or a read that
// fails, is left to net/http.
func fastRequest(br *bufio.Reader) bool {
	head, err := peekHead(br)
	if err != nil {
		return false
	}
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	method, target, ok := bytes.Cut(line, []byte(" "))
	if !ok {
		return false
	}
	target, proto, ok := bytes.Cut(target, []byte(" "))
	if !ok || string(proto) != "HTTP/1.1" {
		return false
	}
	switch string(method) {
	case http.MethodGet, http.MethodPost, http.MethodOptions:
	default:
		return false
	}
	path, _, _ := bytes.Cut(target, []byte("?"))
	if !bytes.HasPrefix(path, []byte("/")) || !bytes.HasSuffix(path, []byte("/longpoll")) {
		return false
	}
	for len(rest) > 0 {
		var l []byte
		l, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, _, _ := bytes.Cut(l, []byte(":"))
		for _, refused := range [...]string{"Expect", "Upgrade", "Transfer-Encoding"} {
			if bytes.EqualFold(bytes.TrimSpace(name), []byte(refused)) {
				return false
			}
		}
	}
	return true
}

// peekHead returns the request head (up to the blank line, without it)
// from br's buffer, reading more as needed, without consuming it.
func peekHead(br *bufio.Reader) ([]byte, error) {
	for {
		buf, _ := br.Peek(br.Buffered())
		if i := bytes.Index(buf, []byte("\r\n\r\n")); i >= 0 {
			return buf[:i], nil
		}
		if br.Buffered() == br.Size() {
			return nil, errHeadTooLarge
		}
		if _, err := br.Peek(br.Buffered() + 1); err != nil {
			return nil, err
		}
	}
}
