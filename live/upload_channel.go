package live

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"time"

	"github.com/cortex-cinegraph/golive/live/tree"
	"github.com/cortex-cinegraph/golive/transport"
)

// uploadTokenMaxAge bounds the per-entry tokens of the allow_upload reply:
// the client joins with them at once, and the entry must still exist in a
// live view on the same socket anyway.
const uploadTokenMaxAge = time.Hour

// maxClientEntries bounds the entries one message may announce, so that a
// hostile client cannot make a view hold millions of them.
const maxClientEntries = 1000

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// uploadClaims is what an entry's upload token binds: the view, the upload
// and the entry. The "lvu:<entry ref>" channel joins with it.
type uploadClaims struct {
	View   string `json:"v"`
	Upload string `json:"u"`
	Entry  string `json:"e"`
}

// clientEntry is a file as the client describes it (in "uploads" of a
// form event and in allow_upload).
type clientEntry struct {
	Ref          string          `json:"ref"`
	Name         string          `json:"name"`
	RelativePath string          `json:"relative_path"`
	Type         string          `json:"type"`
	Size         float64         `json:"size"`
	LastModified float64         `json:"last_modified"`
	Meta         json.RawMessage `json:"meta"`
}

type uploadEvent struct {
	Ref      string          `json:"ref"`
	Entries  []clientEntry   `json:"entries"`
	EntryRef string          `json:"entry_ref"`
	Progress json.RawMessage `json:"progress"`
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// putEntries adds the client's entries to u, checking size and type, as
// Phoenix's put_entries. ok is false when the upload cannot go ahead
// (manual uploads with any error); errs are then the [ref, reason] pairs
// the client expects in the allow_upload reply.
func (c *viewChannel) putEntries(u *Upload, entries []clientEntry) (errs [][2]string, ok bool) {
	if len(entries) > maxClientEntries {
		c.e.limiter.Log(c.e.log, "upload:entries:"+c.s.id, slog.LevelWarn, "upload: client announced too many entries; extra ones ignored",
			"view", c.rt.name, "upload", u.Name, "entries", len(entries), "limit", maxClientEntries)
		entries = entries[:maxClientEntries]
	}
	if u.cfg.MaxEntries == 1 && len(u.Entries) == 1 && len(entries) == 1 && u.Entries[0].Ref != entries[0].Ref {
		u.drop(u.Entries[0]) // a single-file input replaces its file
	}
	for _, ce := range entries {
		if ce.Ref == "" || len(ce.Ref) > 64 {
			c.e.limiter.Log(c.e.log, "upload:ref:"+c.s.id, slog.LevelWarn, "upload: entry without a usable ref ignored",
				"view", c.rt.name, "upload", u.Name)
			continue
		}
		if u.Entry(ce.Ref) != nil {
			continue
		}
		e := &UploadEntry{
			Ref: ce.Ref, UploadName: u.Name, ClientName: clip(ce.Name, 1024), ClientRelativePath: clip(ce.RelativePath, 4096),
			ClientType: clip(ce.Type, 255), ClientSize: int64(ce.Size), ClientLastModified: int64(ce.LastModified),
		}
		if len(ce.Meta) <= 4096 {
			e.ClientMeta = ce.Meta
		}
		reason := ""
		switch {
		case ce.Size < 0 || ce.Size != math.Trunc(ce.Size) || ce.Size > float64(u.cfg.MaxFileSize):
			reason = UploadTooLarge
		case !u.accepted(e):
			reason = UploadNotAccepted
		}
		e.Valid = reason == ""
		if e.Valid {
			e.UUID = randomID()
		}
		u.Entries = append(u.Entries, e)
		if reason != "" {
			u.putError(e.Ref, reason)
		}
	}
	tooMany := len(u.Entries) > u.cfg.MaxEntries
	if tooMany {
		u.putError(u.Ref, UploadTooManyFiles)
	}
	if u.cfg.AutoUpload || !tooMany && len(u.errors) == 0 {
		return nil, true
	}
	for _, e := range u.errors {
		errs = append(errs, [2]string{e.ref, e.reason})
	}
	return errs, false
}

// applyFormUploads records the files a form event announces ("uploads"),
// before the view's HandleEvent sees the event, so that it can show them.
func (c *viewChannel) applyFormUploads(uploads map[string][]clientEntry) {
	for ref, entries := range uploads {
		u := c.s.uploadRefs[ref]
		if u == nil {
			c.e.limiter.Log(c.e.log, "upload:unknown:"+c.s.id, slog.LevelWarn, "upload: form event for an upload the view did not allow",
				"view", c.rt.name, "ref", clip(ref, 64))
			continue
		}
		c.putEntries(u, entries)
	}
}

// allowUpload answers the preflight: a token per entry to upload over a
// channel (or the External metadata), the client config, and the errors.
func (c *viewChannel) allowUpload(ev uploadEvent) map[string]any {
	u := c.s.uploadRefs[ev.Ref]
	if u == nil {
		c.e.limiter.Log(c.e.log, "upload:unknown:"+c.s.id, slog.LevelWarn, "upload: preflight for an upload the view did not allow",
			"view", c.rt.name, "ref", clip(ev.Ref, 64))
		return map[string]any{"ref": ev.Ref, "error": [][2]string{{ev.Ref, "disallowed"}}}
	}
	var out map[string]any
	if errs, ok := c.putEntries(u, ev.Entries); !ok {
		out = map[string]any{"ref": u.Ref, "error": errs}
	} else {
		out = c.preflight(u, ev.Entries)
	}
	if c.deferUploadDiff(u) {
		return out
	}
	for k, v := range c.afterCallback(nil) {
		out[k] = v
	}
	return out
}

// deferUploadDiff reports whether replies about u's upload must carry no
// diff: the 1.0 client locks a submitted form's file input during a
// manual upload and throws when a patch reaches it then (its locked
// clone has no hook), which stalls the upload. The changes go out with
// the next diff instead, the submit's reply.
func (c *viewChannel) deferUploadDiff(u *Upload) bool {
	return c.enc == tree.DList && !u.cfg.AutoUpload
}

func (c *viewChannel) preflight(u *Upload, asked []clientEntry) map[string]any {
	want := map[string]bool{}
	for _, ce := range asked {
		want[ce.Ref] = true
	}
	var todo []*UploadEntry
	for i, e := range u.Entries {
		if want[e.Ref] && i < u.cfg.MaxEntries && !e.Preflighted {
			e.Preflighted = true
			todo = append(todo, e)
		}
	}
	config := map[string]any{
		"max_file_size": u.cfg.MaxFileSize, "max_entries": u.cfg.MaxEntries,
		"chunk_size": u.cfg.ChunkSize, "chunk_timeout": u.cfg.ChunkTimeout.Milliseconds(),
	}
	entries := map[string]any{}
	errs := map[string]any{}
	for _, e := range todo {
		if !e.Valid && (u.cfg.External == nil || u.cfg.AutoUpload) {
			errs[e.Ref] = u.EntryErrors(e)
			continue
		}
		if u.cfg.External == nil {
			tok, err := c.e.uploadTokens.sign(uploadClaims{View: c.s.id, Upload: u.Ref, Entry: e.Ref})
			if err != nil {
				c.e.log.Error("upload: signing an entry token", "view", c.rt.name, "error", err)
				continue
			}
			entries[e.Ref] = tok
			continue
		}
		var meta map[string]any
		err := c.call(func() (err error) { meta, err = u.cfg.External(c.s, e); return err })
		if err == nil && meta["uploader"] == nil {
			err = errors.New("UploadConfig.External returned metadata without \"uploader\"")
			c.e.log.Error("upload: external preflight", "view", c.rt.name, "upload", u.Name, "error", err)
		}
		if err != nil {
			reason := err.Error()
			e.Valid = false
			u.putError(e.Ref, reason)
			if !u.cfg.AutoUpload {
				return map[string]any{"ref": u.Ref, "error": [][2]string{{e.Ref, reason}}}
			}
			errs[e.Ref] = []map[string]string{{"reason": reason}}
			continue
		}
		e.Meta = meta
		entries[e.Ref] = meta
	}
	return map[string]any{"ref": u.Ref, "config": config, "entries": entries, "errors": errs}
}

// uploadProgress records the progress the client reports for an entry
// (or the failure of a client-side upload).
func (c *viewChannel) uploadProgress(ev uploadEvent) map[string]any {
	u := c.s.uploadRefs[ev.Ref]
	var e *UploadEntry
	if u != nil {
		e = u.Entry(ev.EntryRef)
	}
	if e == nil {
		// Normal after a cancel races the client's last report; logged
		// once in case it is not.
		c.e.limiter.Log(c.e.log, "upload:progress:"+c.s.id, slog.LevelInfo, "upload: progress for an unknown entry ignored",
			"view", c.rt.name, "ref", clip(ev.Ref, 64), "entry_ref", clip(ev.EntryRef, 64))
		return map[string]any{}
	}
	var n float64
	if err := json.Unmarshal(ev.Progress, &n); err != nil {
		var fail struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(ev.Progress, &fail) != nil || fail.Error == "" {
			return map[string]any{}
		}
		reason := clip(fail.Error, 64)
		if u.cfg.External != nil {
			reason = UploadExternalFailed
		}
		c.e.limiter.Log(c.e.log, "upload:clientfail:"+c.s.id+":"+reason, slog.LevelWarn, "upload: the client reports a failed upload",
			"view", c.rt.name, "upload", u.Name, "entry", e.Ref, "reason", clip(fail.Error, 64))
		c.failEntry(u, e, reason)
		return c.afterCallback(nil)
	}
	p := int(math.Max(0, math.Min(100, n)))
	if p == 100 && u.cfg.External == nil && (e.file == nil || !e.file.isComplete()) {
		c.e.limiter.Log(c.e.log, "upload:early:"+c.s.id, slog.LevelWarn, "upload: client reports 100% before the server has the whole file; ignored",
			"view", c.rt.name, "upload", u.Name, "entry", e.Ref)
		p = 99
	}
	if p <= e.Progress && !(p == 100 && !e.Done) {
		return map[string]any{}
	}
	e.Progress = p
	e.Done = p == 100
	var err error
	if u.cfg.Progress != nil {
		err = c.call(func() error { return u.cfg.Progress(c.s, u, e) })
	}
	if c.deferUploadDiff(u) {
		if err != nil {
			c.e.log.Error("upload Progress callback failed", "view", c.rt.name, "upload", u.Name, "error", err)
		}
		return map[string]any{}
	}
	return c.afterCallback(err)
}

// failEntry marks an entry failed with reason and removes its file.
func (c *viewChannel) failEntry(u *Upload, e *UploadEntry, reason string) {
	e.Valid = false
	if e.file != nil {
		e.file.discard()
	}
	u.putError(e.Ref, reason)
}

// registerUpload runs on the view's goroutine when an entry's upload
// channel joins: it checks the entry may upload and gives it a file.
func (c *viewChannel) registerUpload(cl uploadClaims, ch *transport.Channel) (*uploadFile, time.Duration, string) {
	u := c.s.uploadRefs[cl.Upload]
	var e *UploadEntry
	if u != nil {
		e = u.Entry(cl.Entry)
	}
	switch {
	case e == nil || !e.Valid || !e.Preflighted || u.cfg.External != nil:
		return nil, 0, "disallowed"
	case e.file != nil:
		return nil, 0, "already_registered"
	}
	f, err := newUploadFile(c.e.cfg.UploadDir, e.ClientSize)
	if err != nil {
		c.e.log.Error("upload: cannot create the temporary file", "view", c.rt.name, "upload", u.Name, "error", err)
		u.putError(e.Ref, UploadWriterError)
		e.Valid = false
		c.pushRender()
		return nil, 0, UploadWriterError
	}
	f.ch = ch
	e.file = f
	return f, u.cfg.ChunkTimeout, ""
}

// uploadEnded runs on the view's goroutine when an entry's upload channel
// has ended: a failure shows on the entry; otherwise an entry whose
// channel went away (the client left) leaves the upload, as in Phoenix.
func (c *viewChannel) uploadEnded(f *uploadFile, failure string) {
	for _, u := range c.s.uploads {
		for _, e := range u.Entries {
			if e.file != f {
				continue
			}
			if failure != "" {
				c.failEntry(u, e, failure)
			} else {
				u.drop(e)
			}
			c.pushRender()
			return
		}
	}
}

// uploadChannel is the "lvu:<entry ref>" channel: one entry's chunks,
// written to its temporary file on this channel's own goroutine.
type uploadChannel struct {
	e       *Engine
	ch      *transport.Channel
	vc      *viewChannel
	file    *uploadFile
	timeout time.Duration
	timer   *transport.Timer
	armed   int // generation of the current chunk timer (see chunkTimeout)
	failure string
	told    bool // the view has been told the upload ended (uploadEnded)
	log     *slog.Logger
}

// chunkTimeout is a chunk timer's expiry. Stopping a timer cannot recall
// an expiry already in the mailbox, so each carries its generation and
// only the current one counts.
type chunkTimeout struct{ gen int }

// arm (re)starts the chunk timer.
func (uc *uploadChannel) arm(ch *transport.Channel) {
	if uc.timer != nil {
		uc.timer.Stop()
	}
	uc.armed++
	uc.timer = ch.SendAfter(uc.timeout, chunkTimeout{gen: uc.armed})
}

func (uc *uploadChannel) Join(ch *transport.Channel, raw json.RawMessage) transport.Reply {
	uc.ch = ch
	uc.log = uc.e.log.With("topic", ch.Topic, "socket", ch.Socket.ID, "transport", ch.Socket.Transport)
	refuse := func(reason, why string, args ...any) transport.Reply {
		uc.e.limiter.Log(uc.log, "lvu:"+reason+":"+ch.Socket.ID, slog.LevelWarn, "upload channel join refused: "+why,
			append(args, "reason", reason)...)
		return transport.ErrorReason(reason)
	}
	var p struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal(raw, &p)
	var cl uploadClaims
	if err := uc.e.uploadTokens.verify(p.Token, uploadTokenMaxAge, &cl); err != nil {
		return refuse("invalid_token", "entry token", "error", err)
	}
	if "lvu:"+cl.Entry != ch.Topic {
		return refuse("invalid_token", "token is for another entry")
	}
	v, ok := uc.e.views.Load(cl.View)
	if !ok {
		return refuse("disallowed", "the view is gone")
	}
	vc := v.(*viewChannel)
	if vc.ch.Socket != ch.Socket {
		return refuse("disallowed", "the view is on another socket")
	}
	type result struct {
		f       *uploadFile
		timeout time.Duration
		reason  string
	}
	res := make(chan result, 1)
	if !vc.ch.Call(func() {
		f, d, reason := vc.registerUpload(cl, ch)
		res <- result{f, d, reason}
	}) {
		return refuse("disallowed", "the view is gone")
	}
	var r result
	select {
	case r = <-res:
	case <-vc.ch.Context().Done():
		return refuse("disallowed", "the view ended")
	case <-ch.Context().Done():
		return refuse("disallowed", "the socket ended")
	}
	if r.reason != "" {
		return refuse(r.reason, "entry cannot upload", "entry", cl.Entry)
	}
	uc.vc, uc.file, uc.timeout = vc, r.f, r.timeout
	if !r.f.isComplete() {
		uc.arm(ch)
	}
	return transport.OK(nil)
}

func (uc *uploadChannel) HandleIn(ch *transport.Channel, msg transport.Message) *transport.Reply {
	reply := func(r transport.Reply) *transport.Reply { return &r }
	if msg.Event != "chunk" {
		return reply(transport.ErrorReason("unknown event"))
	}
	if !msg.Binary {
		uc.e.limiter.Log(uc.log, "lvu:text:"+ch.Socket.ID, slog.LevelWarn, "upload chunk not sent as a binary frame")
		return reply(transport.ErrorReason("chunk must be a binary frame"))
	}
	if uc.timer != nil {
		uc.timer.Stop()
	}
	uc.armed++ // an expiry already queued is stale: this chunk came first
	err := uc.file.write(msg.Payload)
	switch {
	case err == nil:
		if !uc.file.isComplete() {
			uc.arm(ch)
		}
		return reply(transport.OK(nil))
	case errors.Is(err, errSizeExceeded):
		uc.e.limiter.Log(uc.log, "lvu:size:"+ch.Socket.ID, slog.LevelWarn, "upload: client sent more than the announced size; upload ended",
			"limit", uc.file.size)
		uc.fail(UploadSizeExceeded)
		return reply(transport.Error(map[string]any{"reason": UploadSizeExceeded, "limit": uc.file.size}))
	case errors.Is(err, errUploadGone):
		ch.Close()
		return reply(transport.ErrorReason("disallowed"))
	default:
		uc.log.Error("upload: writing a chunk failed; upload ended", "error", err)
		uc.fail(UploadWriterError)
		return reply(transport.ErrorReason(UploadWriterError))
	}
}

// fail ends the upload: the file goes at once, the channel after the
// reply under way (phx_close), and the view shows reason on the entry.
// The view is told before the channel ends, so that whatever the client
// sends the view after it saw phx_close finds the entry failed (the
// view's mailbox is in order; Terminate runs only after phx_close went).
func (uc *uploadChannel) fail(reason string) {
	uc.failure = reason
	uc.tellView()
	uc.file.discard()
}

// tellView posts uploadEnded to the view, once.
func (uc *uploadChannel) tellView() {
	if uc.told {
		return
	}
	uc.told = true
	f, failure, vc := uc.file, uc.failure, uc.vc
	vc.ch.Call(func() { vc.uploadEnded(f, failure) })
}

func (uc *uploadChannel) HandleInfo(ch *transport.Channel, msg any) {
	if m, ok := msg.(chunkTimeout); ok && m.gen == uc.armed && !uc.file.isComplete() {
		uc.e.limiter.Log(uc.log, "lvu:timeout:"+ch.Socket.ID, slog.LevelWarn, "upload: no chunk within the chunk timeout; upload ended",
			"timeout", uc.timeout.String())
		uc.fail(UploadChunkTimeout)
	}
}

func (uc *uploadChannel) Terminate(ch *transport.Channel, reason error) {
	if uc.file == nil {
		return
	}
	uc.file.discard()
	uc.tellView()
}
