package livetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/cortex-cinegraph/golive/transport"
)

// File is a file to upload, as a browser's File object describes it.
type File struct {
	Name string
	Type string
	// Data is the content; or Reader, read chunk by chunk, with Size.
	Data   []byte
	Reader io.Reader
	// Size is the size the client announces; 0 means len(Data).
	Size         int64
	LastModified int64
}

func (f File) size() int64 {
	if f.Size != 0 || f.Reader != nil {
		return f.Size
	}
	return int64(len(f.Data))
}

func (f File) reader() io.Reader {
	if f.Reader != nil {
		return f.Reader
	}
	return bytes.NewReader(f.Data)
}

// Selection is the files picked in a live file input, with the refs the
// client gave them.
type Selection struct {
	Name      string // the input's name
	UploadRef string
	Auto      bool
	Refs      []string // one per file, in order
	Files     []File
}

// SelectFiles does what picking files in the live file input named name
// does: the form's phx-change event, with the files' descriptions under
// "uploads". The view's reply shows the entries (and their errors).
func (v *View) SelectFiles(name string, files ...File) (*Selection, error) {
	v.t.Helper()
	op := fmt.Sprintf("SelectFiles(%q)", name)
	v.ready(op)
	d := v.doc()
	in := d.one(op, `input[type="file"][name="`+name+`"][data-phx-upload-ref]`)
	f := formOf(d.root, in)
	if f == nil {
		v.t.Fatalf("livetest: %s: the file input is not in a form", op)
	}
	sel := &Selection{Name: name, UploadRef: attr(in, "data-phx-upload-ref"), Auto: hasAttr(in, "data-phx-auto-upload"), Files: files}
	var entries []map[string]any
	for _, file := range files {
		v.fileRefs++
		ref := strconv.Itoa(v.fileRefs - 1)
		sel.Refs = append(sel.Refs, ref)
		entries = append(entries, entryPayload(ref, file))
	}
	event := attr(f, "phx-change")
	if event == "" {
		v.t.Fatalf("livetest: %s: the form has no phx-change (uploads need one)", op)
	}
	_, encoded := v.fillForm(op, formFields(d.root, f, nil), nil)
	payload := map[string]any{
		"type": "form", "event": event, "value": encoded, "meta": map[string]any{"_target": name},
		"uploads": map[string]any{sel.UploadRef: entries},
	}
	if _, err := v.call(op, "event", payload); err != nil {
		return nil, err
	}
	return sel, nil
}

func entryPayload(ref string, f File) map[string]any {
	return map[string]any{
		"ref": ref, "name": f.Name, "relative_path": "", "type": f.Type, "size": f.size(),
		"last_modified": f.LastModified,
	}
}

// Preflight is the view's answer to allow_upload.
type Preflight struct {
	Ref string
	// Tokens are the entry tokens for channel uploads, by entry ref.
	Tokens map[string]string
	// Meta is the External metadata for client-side uploaders, by ref.
	Meta         map[string]map[string]any
	ChunkSize    int
	ChunkTimeout int // milliseconds
	// Error is the refusal ([ref, reason] pairs); the client uploads
	// nothing then.
	Error [][2]string
}

// Preflight sends allow_upload for the selected files, as the client does
// on submit (or at once for auto uploads).
func (v *View) Preflight(sel *Selection) (*Preflight, error) {
	v.t.Helper()
	op := fmt.Sprintf("Preflight(%q)", sel.Name)
	v.ready(op)
	var entries []map[string]any
	for i, f := range sel.Files {
		entries = append(entries, entryPayload(sel.Refs[i], f))
	}
	ref := v.nextRef()
	v.send(v.joinRef, ref, "allow_upload", map[string]any{"ref": sel.UploadRef, "entries": entries, "cid": nil})
	rep, err := v.await(op, ref)
	if err != nil {
		return nil, err
	}
	if rep.status != "ok" {
		return nil, &ReplyError{Op: op, Response: rep.response}
	}
	var r struct {
		Ref     string                     `json:"ref"`
		Entries map[string]json.RawMessage `json:"entries"`
		Config  struct {
			ChunkSize    int `json:"chunk_size"`
			ChunkTimeout int `json:"chunk_timeout"`
		} `json:"config"`
		Error [][2]string     `json:"error"`
		Diff  json.RawMessage `json:"diff"`
	}
	if err := json.Unmarshal(rep.response, &r); err != nil {
		v.t.Fatalf("livetest: %s: malformed reply %s", op, rep.response)
	}
	if r.Diff != nil {
		v.applyDiff(op+" reply", r.Diff)
	}
	p := &Preflight{Ref: r.Ref, Tokens: map[string]string{}, Meta: map[string]map[string]any{},
		ChunkSize: r.Config.ChunkSize, ChunkTimeout: r.Config.ChunkTimeout, Error: r.Error}
	for ref, raw := range r.Entries {
		var tok string
		if json.Unmarshal(raw, &tok) == nil {
			p.Tokens[ref] = tok
			continue
		}
		var meta map[string]any
		if json.Unmarshal(raw, &meta) == nil {
			p.Meta[ref] = meta
		}
	}
	return p, nil
}

// Progress reports an entry's progress (a percentage, or
// map[string]any{"error": reason}) as the client does after each chunk.
func (v *View) Progress(uploadRef, entryRef string, progress any) error {
	v.t.Helper()
	_, err := v.call(fmt.Sprintf("Progress(%q)", entryRef), "progress",
		map[string]any{"event": nil, "ref": uploadRef, "entry_ref": entryRef, "progress": progress, "cid": nil})
	return err
}

// UploadConn is the "lvu:<entry ref>" channel of one entry.
type UploadConn struct {
	v       *View
	topic   string
	joinRef string
	closed  bool
}

// JoinUpload joins an entry's upload channel with its token. A refusal
// is a *ReplyError whose response has the reason (e.g. invalid_token).
func (v *View) JoinUpload(entryRef, token string) (*UploadConn, error) {
	v.t.Helper()
	c := &UploadConn{v: v, topic: "lvu:" + entryRef}
	delete(v.uploadsClosed, c.topic) // a new channel on the topic
	c.joinRef = v.nextRef()
	rep, err := c.push("JoinUpload("+entryRef+")", "phx_join", c.joinRef, map[string]any{"token": token}, false)
	if err != nil {
		return nil, err
	}
	if rep.status != "ok" {
		return nil, &ReplyError{Op: "JoinUpload(" + entryRef + ")", Response: rep.response}
	}
	return c, nil
}

// Chunk sends one binary chunk and waits for its reply.
func (c *UploadConn) Chunk(p []byte) error {
	c.v.t.Helper()
	op := "Chunk(" + c.topic + ")"
	rep, err := c.push(op, "chunk", c.v.nextRef(), p, true)
	if err != nil {
		return err
	}
	if rep.status != "ok" {
		return &ReplyError{Op: op, Response: rep.response}
	}
	return nil
}

// Closed reports whether the server closed the channel (phx_close), as it
// does once the entry is consumed, cancelled or failed.
func (c *UploadConn) Closed() bool { return c.closed || c.v.uploadsClosed[c.topic] }

// Await waits until the server closes the channel or d passes.
func (c *UploadConn) Await(d time.Duration) bool {
	c.v.t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for !c.Closed() {
		select {
		case b := <-c.v.conn.Frames():
			c.frame(b, "")
		case <-deadline.C:
			return false
		case <-c.v.conn.Done():
			return c.Closed()
		}
	}
	return true
}

func (c *UploadConn) push(op, event, ref string, payload any, binary bool) (reply, error) {
	v := c.v
	v.t.Helper()
	m := transport.Message{JoinRef: transport.Str(c.joinRef), Ref: transport.Str(ref), Topic: c.topic, Event: event, Binary: binary}
	if binary {
		m.Payload = payload.([]byte)
	} else {
		b, err := json.Marshal(payload)
		if err != nil {
			v.t.Fatalf("livetest: %s: %v", op, err)
		}
		m.Payload = b
	}
	v.conn.Send(m)
	timer := time.NewTimer(v.env.cfg.timeout)
	defer timer.Stop()
	for {
		select {
		case b := <-v.conn.Frames():
			if rep, ok := c.frame(b, ref); ok {
				return rep, nil
			}
		case <-v.conn.Done():
			return reply{}, ErrSocketClosed
		case <-timer.C:
			v.t.Fatalf("livetest: %s: no reply within %v", op, v.env.cfg.timeout)
		}
	}
}

// frame handles one server frame while waiting on the upload channel:
// the channel's own replies and close, and the view's pushes as usual.
func (c *UploadConn) frame(b []byte, ref string) (reply, bool) {
	v := c.v
	m, err := transport.DecodeText(b)
	if err != nil {
		v.t.Fatalf("livetest: the server sent a malformed frame: %v: %s", err, b)
	}
	if m.Topic != c.topic {
		v.frame(b, "")
		return reply{}, false
	}
	switch m.Event {
	case "phx_close", "phx_error":
		c.closed = true
	case "phx_reply":
		var r struct {
			Status   string          `json:"status"`
			Response json.RawMessage `json:"response"`
		}
		if err := json.Unmarshal(m.Payload, &r); err != nil {
			v.t.Fatalf("livetest: malformed reply: %s", m.Payload)
		}
		if m.Ref != nil && *m.Ref == ref {
			return reply{status: r.Status, response: r.Response}, true
		}
	}
	return reply{}, false
}

// Leave leaves the upload channel, as a client that gives up.
func (c *UploadConn) Leave() {
	c.v.t.Helper()
	if !c.Closed() {
		_, _ = c.push("Leave("+c.topic+")", "phx_leave", c.v.nextRef(), map[string]any{}, false)
		c.closed = true
	}
}

// UploadError is an upload the server refused or failed.
type UploadError struct {
	Entry  string // the entry ref ("" for the whole upload)
	Reason string
	Raw    json.RawMessage
}

func (e *UploadError) Error() string {
	return fmt.Sprintf("livetest: upload of entry %q failed: %s", e.Entry, e.Reason)
}

// Upload selects files in the live file input named name and uploads
// them as the client does: phx-change, allow_upload, then for each entry
// the server accepted, its upload channel, the chunks (of the size the
// server asked for) and the progress reports up to 100. Entries the
// preflight left out are skipped, as the client cancels them. External
// entries (client-side uploaders) are reported done without uploading.
// A refused preflight, join or chunk is an *UploadError.
func (v *View) Upload(name string, files ...File) (*Selection, error) {
	v.t.Helper()
	sel, err := v.SelectFiles(name, files...)
	if err != nil {
		return nil, err
	}
	return sel, v.UploadSelection(sel)
}

// UploadSelection runs the preflight and uploads of files already
// selected (the submit of a manual upload form does this first).
func (v *View) UploadSelection(sel *Selection) error {
	v.t.Helper()
	p, err := v.Preflight(sel)
	if err != nil {
		return err
	}
	if len(p.Error) > 0 {
		return &UploadError{Entry: p.Error[0][0], Reason: p.Error[0][1]}
	}
	for i, ref := range sel.Refs {
		if _, ok := p.Meta[ref]; ok {
			if err := v.Progress(sel.UploadRef, ref, 100); err != nil {
				return err
			}
			continue
		}
		tok, ok := p.Tokens[ref]
		if !ok {
			continue
		}
		if err := v.uploadEntry(sel.UploadRef, ref, tok, sel.Files[i], p.ChunkSize); err != nil {
			return err
		}
	}
	return nil
}

func (v *View) uploadEntry(uploadRef, ref, token string, f File, chunkSize int) error {
	v.t.Helper()
	c, err := v.JoinUpload(ref, token)
	if err != nil {
		return asUploadError(ref, err)
	}
	size := f.size()
	if chunkSize <= 0 {
		chunkSize = 64_000
	}
	r := f.reader()
	buf := make([]byte, chunkSize)
	var sent int64
	last := -1
	for sent < size {
		n, rerr := io.ReadFull(r, buf)
		if n == 0 {
			if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
				return rerr
			}
			break
		}
		if err := c.Chunk(buf[:n]); err != nil {
			return asUploadError(ref, err)
		}
		sent += int64(n)
		if p := int(sent * 100 / size); p > last {
			last = p
			if p > 100 {
				p = 100
			}
			if err := v.Progress(uploadRef, ref, p); err != nil {
				return err
			}
		}
	}
	return nil
}

func asUploadError(ref string, err error) error {
	re, ok := err.(*ReplyError)
	if !ok {
		return err
	}
	var r struct {
		Reason string `json:"reason"`
	}
	_ = json.Unmarshal(re.Response, &r)
	return &UploadError{Entry: ref, Reason: r.Reason, Raw: re.Response}
}
