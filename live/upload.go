package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/transport"
)

// UploadConfig configures one named upload (see [Socket.AllowUpload]).
// Zero fields take Phoenix's defaults.
type UploadConfig struct {
	// Accept lists what may be uploaded: extensions (".jpg"), MIME types
	// ("image/png") or the wildcards "image/*", "audio/*", "video/*".
	// Empty accepts anything.
	Accept []string
	// MaxEntries is how many files may be selected at once. Default 1.
	MaxEntries int
	// MaxFileSize bounds each file, in bytes. Default 8 000 000.
	MaxFileSize int64
	// ChunkSize is the size of the chunks the client sends. Default
	// 64 000. It must stay below the transport's MaxFrameBytes (1 MiB by
	// default), which refuses larger frames.
	ChunkSize int
	// ChunkTimeout ends an upload whose client sends nothing for this long.
	// Default 10 s.
	ChunkTimeout time.Duration
	// AutoUpload starts uploading as soon as files are selected, instead
	// of on form submit.
	AutoUpload bool
	// External, when set, makes the client upload elsewhere (e.g. straight
	// to object storage): it runs at preflight for each entry and returns
	// the metadata the client-side uploader gets. The metadata must name
	// that uploader under "uploader" (a key of the LiveSocket's uploaders
	// option). An error refuses the entry with err.Error() as its reason.
	External func(s *Socket, e *UploadEntry) (meta map[string]any, err error)
	// Progress, when set, runs on the view's goroutine each time the
	// client reports progress for an entry (and once at 100, when Done).
	Progress func(s *Socket, u *Upload, e *UploadEntry) error
}

// Upload error reasons, as Phoenix names them; entries and uploads carry
// them (see [Upload.Errors], [Upload.EntryErrors]).
const (
	UploadTooLarge       = "too_large"
	UploadNotAccepted    = "not_accepted"
	UploadTooManyFiles   = "too_many_files"
	UploadExternalFailed = "external_client_failure"
	// UploadChunkTimeout: the client stopped sending mid-upload.
	UploadChunkTimeout = "chunk_timeout"
	// UploadSizeExceeded: the client sent more bytes than it announced.
	UploadSizeExceeded = "file_size_limit_exceeded"
	// UploadWriterError: the server could not store the file.
	UploadWriterError = "writer_error"
)

// ErrPostpone, returned by a consume function, keeps the entry for a
// later consume instead of removing it.
var ErrPostpone = errors.New("live: upload consumption postponed")

// Upload is the state of one allowed upload, for templates: its entries
// with their progress and errors. Keep the pointer [Socket.AllowUpload]
// returns in the view; it is updated in place on the view's goroutine.
type Upload struct {
	Name string
	// Ref identifies the upload on the page (the file input's id).
	Ref     string
	Entries []*UploadEntry

	cfg    UploadConfig
	errors []uploadError
	types  map[string]bool // accepted MIME types and wildcards
	exts   map[string]bool // accepted extensions, lower case with the dot
}

type uploadError struct{ ref, reason string }

// UploadEntry is one selected file.
type UploadEntry struct {
	Ref                string // the client's ref for the file
	UUID               string // a random id, e.g. for storage names
	UploadName         string
	ClientName         string
	ClientRelativePath string
	ClientType         string
	ClientSize         int64
	ClientLastModified int64
	ClientMeta         json.RawMessage
	// Progress is the percentage the client reports.
	Progress int
	// Preflighted: the client asked to upload it. Valid: it passed the
	// checks. Done: the upload finished (ready to consume).
	Preflighted, Valid, Done bool
	// Meta is what UploadConfig.External returned for it.
	Meta map[string]any

	file *uploadFile // nil until its upload channel joins; nil for external
}

// MaxEntries is the configured limit on selected files.
func (u *Upload) MaxEntries() int { return u.cfg.MaxEntries }

// MaxFileSize is the configured limit on each file's size.
func (u *Upload) MaxFileSize() int64 { return u.cfg.MaxFileSize }

// AutoUpload reports whether files upload as soon as they are selected.
func (u *Upload) AutoUpload() bool { return u.cfg.AutoUpload }

// Accept is the input's accept attribute ("" for anything).
func (u *Upload) Accept() string { return strings.Join(u.cfg.Accept, ",") }

// Errors are the upload's own errors (e.g. too_many_files), as opposed to
// those of one entry.
func (u *Upload) Errors() []string { return u.errorsOf(u.Ref) }

// EntryErrors are the errors of one entry (too_large, not_accepted, …).
func (u *Upload) EntryErrors(e *UploadEntry) []string { return u.errorsOf(e.Ref) }

func (u *Upload) errorsOf(ref string) []string {
	var out []string
	for _, e := range u.errors {
		if e.ref == ref {
			out = append(out, e.reason)
		}
	}
	return out
}

// Entry returns the entry with the given ref, or nil.
func (u *Upload) Entry(ref string) *UploadEntry {
	for _, e := range u.Entries {
		if e.Ref == ref {
			return e
		}
	}
	return nil
}

// refs joins the refs of entries matching keep, for the data-phx-*-refs
// attributes of the file input.
func (u *Upload) refs(keep func(*UploadEntry) bool) string {
	var b strings.Builder
	for _, e := range u.Entries {
		if keep(e) {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(e.Ref)
		}
	}
	return b.String()
}

func (u *Upload) errorRefs() string {
	var refs []string
	for _, e := range u.errors {
		if !contains(refs, e.ref) {
			refs = append(refs, e.ref)
		}
	}
	return strings.Join(refs, ",")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (u *Upload) putError(ref, reason string) {
	if reason == UploadTooManyFiles {
		u.dropErrors(func(e uploadError) bool { return e.ref == ref && e.reason == reason })
	}
	u.errors = append(u.errors, uploadError{ref, reason})
}

func (u *Upload) dropErrors(drop func(uploadError) bool) {
	kept := u.errors[:0]
	for _, e := range u.errors {
		if !drop(e) {
			kept = append(kept, e)
		}
	}
	u.errors = kept
}

// recalc clears too_many_files once few enough entries remain.
func (u *Upload) recalc() {
	if len(u.Entries) <= u.cfg.MaxEntries {
		u.dropErrors(func(e uploadError) bool { return e.ref == u.Ref && e.reason == UploadTooManyFiles })
	}
}

// drop removes an entry, its errors and its file.
func (u *Upload) drop(e *UploadEntry) {
	for i, x := range u.Entries {
		if x == e {
			u.Entries = append(u.Entries[:i:i], u.Entries[i+1:]...)
			break
		}
	}
	u.dropErrors(func(x uploadError) bool { return x.ref == e.Ref })
	if e.file != nil {
		e.file.discard()
	}
	u.recalc()
}

func (u *Upload) accepted(e *UploadEntry) bool {
	if len(u.cfg.Accept) == 0 {
		return true
	}
	t := strings.ToLower(e.ClientType)
	if i := strings.IndexByte(t, '/'); i > 0 && u.types[t[:i]+"/*"] {
		return true
	}
	return u.types[t] || u.exts[strings.ToLower(path.Ext(e.ClientName))]
}

// AllowUpload allows an upload named name (the file input's name) and
// returns its state, to keep in the view for the template ([FileInput]).
// Calling it again for the same name replaces the upload, which must have
// no entries left. It returns an error for an invalid configuration.
func (s *Socket) AllowUpload(name string, cfg UploadConfig) (*Upload, error) {
	if name == "" {
		return nil, errors.New("live: AllowUpload needs a name")
	}
	if old := s.uploads[name]; old != nil && len(old.Entries) > 0 {
		return nil, fmt.Errorf("live: AllowUpload(%q): the upload still has entries; consume or cancel them first", name)
	}
	if cfg.MaxEntries == 0 {
		cfg.MaxEntries = 1
	}
	if cfg.MaxFileSize == 0 {
		cfg.MaxFileSize = 8_000_000
	}
	if cfg.ChunkSize == 0 {
		cfg.ChunkSize = 64_000
	}
	if cfg.ChunkTimeout == 0 {
		cfg.ChunkTimeout = 10 * time.Second
	}
	if cfg.MaxEntries < 0 || cfg.MaxFileSize < 0 || cfg.ChunkSize < 0 || cfg.ChunkTimeout < 0 {
		return nil, fmt.Errorf("live: AllowUpload(%q): limits must be positive", name)
	}
	u := &Upload{Name: name, Ref: "phx-" + randomID(), cfg: cfg, types: map[string]bool{}, exts: map[string]bool{}}
	for _, a := range cfg.Accept {
		a = strings.ToLower(strings.TrimSpace(a))
		switch {
		case strings.HasPrefix(a, "."):
			u.exts[a] = true
			if t := mime.TypeByExtension(a); t != "" {
				t, _, _ = strings.Cut(t, ";")
				u.types[t] = true
			}
		case strings.Count(a, "/") == 1 && !strings.HasSuffix(a, "/"):
			if strings.HasSuffix(a, "/*") && a != "image/*" && a != "audio/*" && a != "video/*" {
				return nil, fmt.Errorf("live: AllowUpload(%q): wildcard %q not supported (image/*, audio/*, video/*)", name, a)
			}
			u.types[a] = true
		default:
			return nil, fmt.Errorf("live: AllowUpload(%q): accept %q is neither an extension nor a MIME type", name, a)
		}
	}
	if s.uploads == nil {
		s.uploads = map[string]*Upload{}
		s.uploadRefs = map[string]*Upload{}
	}
	if old := s.uploads[name]; old != nil {
		delete(s.uploadRefs, old.Ref)
	}
	s.uploads[name] = u
	s.uploadRefs[u.Ref] = u
	return u, nil
}

// Upload returns the upload allowed under name, or nil.
func (s *Socket) Upload(name string) *Upload { return s.uploads[name] }

// DisallowUpload removes an upload with no entries left.
func (s *Socket) DisallowUpload(name string) error {
	u := s.uploads[name]
	if u == nil {
		return nil
	}
	if len(u.Entries) > 0 {
		return fmt.Errorf("live: DisallowUpload(%q): the upload still has entries", name)
	}
	delete(s.uploads, name)
	delete(s.uploadRefs, u.Ref)
	return nil
}

// CancelUpload cancels one entry (e.g. from a phx-click="cancel-upload"
// with phx-value-ref): an upload under way stops, its temporary file is
// removed, and the entry leaves the upload.
func (s *Socket) CancelUpload(name, entryRef string) error {
	u := s.uploads[name]
	if u == nil {
		return fmt.Errorf("live: CancelUpload: no upload %q", name)
	}
	e := u.Entry(entryRef)
	if e == nil {
		return fmt.Errorf("live: CancelUpload: no entry %q in upload %q", entryRef, name)
	}
	u.drop(e)
	return nil
}

// UploadedEntries returns the entries of name that are done and those
// still in progress.
func (s *Socket) UploadedEntries(name string) (done, inProgress []*UploadEntry) {
	if u := s.uploads[name]; u != nil {
		for _, e := range u.Entries {
			if e.Done {
				done = append(done, e)
			} else {
				inProgress = append(inProgress, e)
			}
		}
	}
	return done, inProgress
}

// ConsumeUploadedEntries hands each finished entry of name to fn, with
// the path of its temporary file ("" for external uploads, whose
// metadata is e.Meta), then removes the file and the entry, whatever fn
// returns, unless it returns ErrPostpone. The file is valid only during
// fn: copy or move it (os.Rename) to keep it. It fails without consuming
// anything while entries are still in progress; fn's errors are joined.
func (s *Socket) ConsumeUploadedEntries(name string, fn func(path string, e *UploadEntry) error) error {
	u := s.uploads[name]
	if u == nil {
		return fmt.Errorf("live: ConsumeUploadedEntries: no upload %q", name)
	}
	done, busy := s.UploadedEntries(name)
	if len(busy) > 0 {
		return fmt.Errorf("live: ConsumeUploadedEntries(%q): %d entries still in progress", name, len(busy))
	}
	var errs []error
	for _, e := range done {
		errs = append(errs, consume(u, e, fn))
	}
	return errors.Join(errs...)
}

// ConsumeUploadedEntry is ConsumeUploadedEntries for one finished entry.
func (s *Socket) ConsumeUploadedEntry(name, entryRef string, fn func(path string, e *UploadEntry) error) error {
	u := s.uploads[name]
	if u == nil {
		return fmt.Errorf("live: ConsumeUploadedEntry: no upload %q", name)
	}
	e := u.Entry(entryRef)
	if e == nil || !e.Done {
		return fmt.Errorf("live: ConsumeUploadedEntry(%q, %q): no finished entry with that ref", name, entryRef)
	}
	return consume(u, e, fn)
}

func consume(u *Upload, e *UploadEntry, fn func(string, *UploadEntry) error) error {
	var err error
	if e.file == nil {
		err = fn("", e)
	} else {
		err = e.file.consume(func(p string) error { return fn(p, e) })
	}
	if errors.Is(err, ErrPostpone) {
		return nil
	}
	u.drop(e)
	return err
}

// endUploads removes every temporary file of the view and ends their
// upload channels; it runs when the view ends.
func (s *Socket) endUploads() {
	for _, u := range s.uploads {
		for _, e := range u.Entries {
			if e.file != nil {
				e.file.discard()
			}
		}
	}
}

// uploadFile is the temporary file of one channel upload. It is shared by
// the upload channel's goroutine (which writes the chunks) and the view's
// (which consumes or cancels), hence the lock.
type uploadFile struct {
	mu       sync.Mutex
	path     string
	f        *os.File
	size     int64 // the size the client announced
	written  int64
	complete bool
	gone     bool // removed: consumed, cancelled, failed or the view ended
	ch       *transport.Channel
}

var errUploadGone = errors.New("upload cancelled")

func newUploadFile(dir string, size int64) (*uploadFile, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "golive-upload-*")
	if err != nil {
		return nil, err
	}
	uf := &uploadFile{path: f.Name(), f: f, size: size}
	if size == 0 {
		uf.complete = true
		err = f.Close()
		uf.f = nil
	}
	return uf, err
}

// write appends one chunk, writing straight from the frame's buffer so
// that an upload holds no more than the chunk in flight in memory.
func (u *uploadFile) write(p []byte) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	switch {
	case u.gone:
		return errUploadGone
	case u.written+int64(len(p)) > u.size || u.complete:
		return errSizeExceeded
	}
	if _, err := u.f.Write(p); err != nil {
		return err
	}
	u.written += int64(len(p))
	if u.written == u.size {
		u.complete = true
		f := u.f
		u.f = nil
		return f.Close()
	}
	return nil
}

var errSizeExceeded = errors.New("more bytes than the entry's announced size")

func (u *uploadFile) isComplete() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.complete && !u.gone
}

// consume runs fn with the finished file, then removes it. The lock is
// held meanwhile, so the upload channel ending cannot remove it under fn.
func (u *uploadFile) consume(fn func(path string) error) error {
	u.mu.Lock()
	if u.gone || !u.complete {
		u.mu.Unlock()
		return errors.New("live: upload file not available")
	}
	err := fn(u.path)
	if errors.Is(err, ErrPostpone) {
		u.mu.Unlock()
		return err
	}
	u.removeLocked()
	ch := u.ch
	u.mu.Unlock()
	if ch != nil {
		ch.Close() // the client sees phx_close, as when Phoenix consumes
	}
	return err
}

// discard removes the file and ends its channel; idempotent.
func (u *uploadFile) discard() {
	u.mu.Lock()
	u.removeLocked()
	ch := u.ch
	u.mu.Unlock()
	if ch != nil {
		ch.Close()
	}
}

// removeLocked reports whether this call removed the file.
func (u *uploadFile) removeLocked() bool {
	if u.gone {
		return false
	}
	u.gone = true
	if u.f != nil {
		_ = u.f.Close()
		u.f = nil
	}
	_ = os.Remove(u.path)
	return true
}

// FileInput renders the file input of an upload, as Phoenix's
// live_file_input: the client's LiveFileUpload hook and uploader read the
// entry refs from its data attributes. It must sit in a form with
// phx-change (and phx-submit for manual uploads). attrs adds attributes
// (class, required, …); a drop zone is any element with
// phx-drop-target={ u.Ref }.
func FileInput(u *Upload, attrs templ.Attributes) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		var b strings.Builder
		b.WriteString(`<input type="file"`)
		writeAttr(&b, "id", u.Ref)
		writeAttr(&b, "name", u.Name)
		if a := u.Accept(); a != "" {
			writeAttr(&b, "accept", a)
		}
		writeAttr(&b, "data-phx-hook", "Phoenix.LiveFileUpload")
		writeAttr(&b, "data-phx-upload-ref", u.Ref)
		writeAttr(&b, "data-phx-active-refs", u.refs(func(*UploadEntry) bool { return true }))
		writeAttr(&b, "data-phx-done-refs", u.refs(func(e *UploadEntry) bool { return e.Done }))
		writeAttr(&b, "data-phx-preflighted-refs", u.refs(func(e *UploadEntry) bool { return e.Preflighted }))
		if len(u.errors) > 0 {
			writeAttr(&b, "data-phx-error-refs", u.errorRefs())
		}
		if u.cfg.AutoUpload {
			b.WriteString(" data-phx-auto-upload")
		}
		if u.cfg.MaxEntries > 1 {
			b.WriteString(" multiple")
		}
		writeAttrs(&b, attrs)
		b.WriteString(">")
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// ImgPreview renders an <img> that shows entry e of u before it is
// uploaded, as Phoenix's live_img_preview: the client's LiveImgPreview
// hook reads the file from the input named by data-phx-upload-ref and
// sets the image's src, so the server must leave the element alone
// (data-phx-update="ignore"). Its id is "phx-preview-<entry ref>" unless
// attrs gives one (to preview an entry twice on a page).
func ImgPreview(u *Upload, e *UploadEntry, attrs templ.Attributes) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		var b strings.Builder
		b.WriteString("<img")
		if _, ok := attrs["id"]; !ok {
			writeAttr(&b, "id", "phx-preview-"+e.Ref)
		}
		writeAttr(&b, "data-phx-upload-ref", u.Ref)
		writeAttr(&b, "data-phx-entry-ref", e.Ref)
		writeAttr(&b, "data-phx-hook", "Phoenix.LiveImgPreview")
		writeAttr(&b, "data-phx-update", "ignore")
		writeAttrs(&b, attrs)
		b.WriteString(">")
		_, err := io.WriteString(w, b.String())
		return err
	})
}

func writeAttr(b *strings.Builder, name, value string) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteString(`="`)
	b.WriteString(html.EscapeString(value))
	b.WriteByte('"')
}

// writeAttrs writes attrs sorted by name (a stable render, so diffs stay
// small); true booleans are bare attributes, false ones are left out.
func writeAttrs(b *strings.Builder, attrs templ.Attributes) {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := attrs[k].(type) {
		case bool:
			if v {
				b.WriteByte(' ')
				b.WriteString(html.EscapeString(k))
			}
		default:
			writeAttr(b, html.EscapeString(k), fmt.Sprint(v))
		}
	}
}
