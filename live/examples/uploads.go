package examples

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// Limits of the uploads example, exported for its tests.
const (
	UploadsAutoMaxEntries   = 3
	UploadsAutoMaxSize      = 200_000
	UploadsAutoChunk        = 16_000
	UploadsManualMaxEntries = 2
	UploadsManualMaxSize    = 4_000_000
	UploadsExternalMaxSize  = 1_000_000
)

// UploadsAutoAccept is what the auto-upload field accepts.
var UploadsAutoAccept = []string{".txt", ".csv", "image/*"}

// Consumed is one file the example has consumed: its name, size and
// SHA-256, computed from the uploaded bytes.
type Consumed struct {
	Field, Name string
	Size        int64
	SHA256      string
}

// UploadsDemo is /examples/uploads: an auto-upload field with a drop
// target, a manual field uploaded on submit, and an external field
// uploaded by a client-side uploader ("PutUpload" in assets/js) to a PUT
// endpoint of this server, each with progress bars, errors and cancel
// buttons, and the list of consumed files.
type UploadsDemo struct {
	store    *putStore
	auto     *live.Upload
	manual   *live.Upload
	external *live.Upload
	consumed []Consumed
}

// Mount implements live.View.
func (v *UploadsDemo) Mount(s *live.Socket, _ live.Params) error {
	s.SetTitle("Uploads")
	var err error
	consumeDone := func(s *live.Socket, u *live.Upload, e *live.UploadEntry) error {
		if !e.Done {
			return nil
		}
		return s.ConsumeUploadedEntry(u.Name, e.Ref, v.consume(u.Name))
	}
	if v.auto, err = s.AllowUpload("auto", live.UploadConfig{
		Accept: UploadsAutoAccept, MaxEntries: UploadsAutoMaxEntries, MaxFileSize: UploadsAutoMaxSize,
		ChunkSize: UploadsAutoChunk, AutoUpload: true, Progress: consumeDone,
	}); err != nil {
		return err
	}
	if v.manual, err = s.AllowUpload("manual", live.UploadConfig{
		MaxEntries: UploadsManualMaxEntries, MaxFileSize: UploadsManualMaxSize,
	}); err != nil {
		return err
	}
	v.external, err = s.AllowUpload("external", live.UploadConfig{
		MaxEntries: 2, MaxFileSize: UploadsExternalMaxSize, AutoUpload: true, Progress: consumeDone,
		External: func(_ *live.Socket, e *live.UploadEntry) (map[string]any, error) {
			url, err := v.store.presign(e.UUID, e.ClientSize)
			if err != nil {
				return nil, err
			}
			return map[string]any{"uploader": "PutUpload", "url": url}, nil
		},
	})
	return err
}

// consume records an entry of field: a channel upload from its temporary
// file, an external one from the PUT store.
func (v *UploadsDemo) consume(field string) func(path string, e *live.UploadEntry) error {
	return func(path string, e *live.UploadEntry) error {
		c := Consumed{Field: field, Name: e.ClientName}
		if path == "" {
			obj, ok := v.store.take(e.UUID)
			if !ok {
				return fmt.Errorf("%s: the external upload never arrived", e.ClientName)
			}
			c.Size, c.SHA256 = obj.size, obj.sha
		} else {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			h := sha256.New()
			if c.Size, err = io.Copy(h, f); err != nil {
				return err
			}
			c.SHA256 = hex.EncodeToString(h.Sum(nil))
		}
		v.consumed = append(v.consumed, c)
		return nil
	}
}

// HandleEvent implements live.EventHandler.
func (v *UploadsDemo) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "validate":
		// The entries are already on the uploads; nothing else to check.
	case "save-manual":
		return s.ConsumeUploadedEntries("manual", v.consume("manual"))
	case "cancel-upload":
		return s.CancelUpload(e.Value.Get("field"), e.Value.Get("ref"))
	}
	return nil
}

// Render implements live.View.
func (v *UploadsDemo) Render() templ.Component { return uploadsPage(v) }

// UploadErrorText is how the example words an upload error code.
func UploadErrorText(code string) string {
	switch code {
	case live.UploadTooLarge:
		return "File too large"
	case live.UploadNotAccepted:
		return "File type not accepted"
	case live.UploadTooManyFiles:
		return "Too many files selected"
	case live.UploadChunkTimeout:
		return "Upload stalled"
	case live.UploadExternalFailed:
		return "Upload to storage failed"
	}
	return code
}

// putStore is the example's pretend object storage: a presign registers
// a key, one PUT to its URL stores the size and SHA-256 of the body
// (not the bytes), and consuming takes it out.
type putStore struct {
	mu      sync.Mutex
	pending map[string]int64 // key → announced size
	objects map[string]putObject
}

type putObject struct {
	size int64
	sha  string
}

// putStoreLimit bounds the keys the store holds, so that abandoned
// presigns cannot grow it without bound.
const putStoreLimit = 1000

func newPutStore() *putStore {
	return &putStore{pending: map[string]int64{}, objects: map[string]putObject{}}
}

func (p *putStore) presign(key string, size int64) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending)+len(p.objects) >= putStoreLimit {
		return "", errors.New("storage busy")
	}
	p.pending[key] = size
	return "/examples/uploads/put/" + key, nil
}

func (p *putStore) take(key string) (putObject, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	o, ok := p.objects[key]
	delete(p.objects, key)
	return o, ok
}

// ServeHTTP takes the PUT of a presigned key.
func (p *putStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	p.mu.Lock()
	size, ok := p.pending[key]
	delete(p.pending, key)
	p.mu.Unlock()
	if !ok {
		http.Error(w, "unknown or used upload URL", http.StatusNotFound)
		return
	}
	h := sha256.New()
	n, err := io.Copy(h, http.MaxBytesReader(w, r.Body, size))
	if err != nil || n != size {
		http.Error(w, "body does not match the announced size", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.objects[key] = putObject{size: n, sha: hex.EncodeToString(h.Sum(nil))}
	p.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func entryID(u *live.Upload, e *live.UploadEntry) string { return "entry-" + u.Name + "-" + e.Ref }

func errorsText(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = UploadErrorText(c)
	}
	return strings.Join(out, "; ")
}

// UploadsBigMaxSize bounds the file of /examples/uploads/big.
const UploadsBigMaxSize = 1 << 30

// BigUploadDemo is /examples/uploads/big: one manual field for one large
// file (up to UploadsBigMaxSize), with the chunk size from ?chunk= (1 KB
// to 1 MB, default 64 000), for the memory test and the uploads
// benchmark. Saving consumes it and shows its size and SHA-256.
type BigUploadDemo struct {
	file     *live.Upload
	consumed []Consumed
}

// Mount implements live.View.
func (v *BigUploadDemo) Mount(s *live.Socket, p live.Params) error {
	s.SetTitle("Big upload")
	chunk := 64_000
	if n, err := strconv.Atoi(p.Get("chunk")); err == nil && n >= 1000 && n <= 1<<20 {
		chunk = n
	}
	var err error
	v.file, err = s.AllowUpload("file", live.UploadConfig{MaxFileSize: UploadsBigMaxSize, ChunkSize: chunk, ChunkTimeout: 30 * time.Second})
	return err
}

// HandleEvent implements live.EventHandler.
func (v *BigUploadDemo) HandleEvent(s *live.Socket, e live.Event) error {
	if e.Name == "save" {
		d := &UploadsDemo{}
		err := s.ConsumeUploadedEntries("file", d.consume("file"))
		v.consumed = append(v.consumed, d.consumed...)
		return err
	}
	return nil
}

// Render implements live.View.
func (v *BigUploadDemo) Render() templ.Component { return bigUploadPage(v) }
