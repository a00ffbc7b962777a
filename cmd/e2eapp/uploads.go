package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
)

// uploadedDir is where /upload copies consumed files, served back under
// /tmp/lvupload/ for the specs to download (upstream copies them into
// System.tmp_dir!/lvupload and serves the temp dir at /tmp).
var uploadedDir = filepath.Join(os.TempDir(), "golive-e2eapp-lvupload")

// serveUploaded answers /tmp/lvupload/{name} as a download.
func serveUploaded(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeFile(w, r, filepath.Join(uploadedDir, name))
}

// copyFile copies the consumed upload at src to dir/name.
func copyFile(src, dir, name string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// uploadLive is /upload: a manual upload of up to two .txt or .md files
// (automatic with ?auto_upload), consumed on submit into uploadedDir.
type uploadLive struct {
	avatar *live.Upload
	files  []string // URLs of the consumed files
}

func (v *uploadLive) Mount(s *live.Socket, p live.Params) error {
	auto := p.Has("auto_upload")
	var err error
	v.avatar, err = s.AllowUpload("avatar", live.UploadConfig{
		Accept: []string{".txt", ".md"}, MaxEntries: 2, AutoUpload: auto,
	})
	return err
}

func (v *uploadLive) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "cancel-upload":
		return s.CancelUpload("avatar", e.Value.Get("ref"))
	case "save":
		return s.ConsumeUploadedEntries("avatar", func(path string, en *live.UploadEntry) error {
			if err := copyFile(path, uploadedDir, en.UUID); err != nil {
				return err
			}
			v.files = append(v.files, "/tmp/lvupload/"+en.UUID)
			return nil
		})
	}
	return nil
}

func (v *uploadLive) Render() templ.Component { return uploadPage(v) }

// uploadErrorText words an upload error as the suite's views do.
func uploadErrorText(code string) string {
	switch code {
	case live.UploadTooLarge:
		return "Too large"
	case live.UploadTooManyFiles:
		return "You have selected too many files"
	case live.UploadNotAccepted:
		return "You have selected an unacceptable file type"
	}
	return "unknown error"
}

// issue2965: a hook queues twenty files and uploads them a few at a
// time, the next one each time the server reports one done.
type issue2965 struct{ files *live.Upload }

func (v *issue2965) Mount(s *live.Socket, _ live.Params) error {
	var err error
	v.files, err = s.AllowUpload("files", live.UploadConfig{
		MaxEntries: 1500, MaxFileSize: 10_000_000_000, AutoUpload: true,
		// Upstream's 5 MB chunks are above the transport's frame limit;
		// the spec's 100 KB files fit in one chunk either way.
		ChunkSize: 512 * 1024,
		Progress: func(s *live.Socket, _ *live.Upload, e *live.UploadEntry) error {
			if e.Done {
				s.PushEvent("upload_send_next_file", map[string]any{})
			}
			return nil
		},
	})
	return err
}

func (v *issue2965) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "upload_scrub_list":
		s.ReplyHook(map[string]any{"deduped_filenames": e.Value.Strings("file_names")})
	case "cancel-upload":
		return s.CancelUpload("files", e.Value.Get("ref"))
	}
	return nil
}

func (v *issue2965) Render() templ.Component { return issue2965Page(v) }

// pickerDisabled: the file picker is off while an upload is under way.
func (v *issue2965) pickerDisabled() bool {
	for _, e := range v.files.Entries {
		if !e.Done {
			return true
		}
	}
	return false
}

// issue3647: a hook uploads into an input of another form and, right
// after, changes an input of the locked user form.
type issue3647 struct {
	avatar *live.Upload
	name   string
	files  []string
}

func (v *issue3647) Mount(s *live.Socket, _ live.Params) error {
	var err error
	v.avatar, err = s.AllowUpload("avatar", live.UploadConfig{
		Accept: []string{".txt", ".md"}, MaxEntries: 2, AutoUpload: true,
		Progress: func(s *live.Socket, u *live.Upload, e *live.UploadEntry) error {
			if !e.Done {
				return nil
			}
			return s.ConsumeUploadedEntry(u.Name, e.Ref, func(string, *live.UploadEntry) error {
				v.files = append([]string{e.UUID}, v.files...)
				return nil
			})
		},
	})
	return err
}

func (v *issue3647) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "validate-user":
		v.name = e.Value.Map("user").Get("name")
	case "cancel-upload":
		return s.CancelUpload("avatar", e.Value.Get("ref"))
	}
	return nil
}

func (v *issue3647) Render() templ.Component { return issue3647Page(v) }

// issue4078: the file input's disabled and class attributes follow the
// assigns.
type issue4078 struct {
	avatar   *live.Upload
	disabled bool
	class    string
}

func (v *issue4078) Mount(s *live.Socket, _ live.Params) error {
	v.disabled, v.class = true, "initial-class"
	var err error
	v.avatar, err = s.AllowUpload("avatar", live.UploadConfig{
		Accept: []string{".jpg", ".jpeg", ".png", ".txt"}, MaxEntries: 2,
	})
	return err
}

func (v *issue4078) HandleEvent(_ *live.Socket, e live.Event) error {
	switch e.Name {
	case "toggle-disabled":
		v.disabled = !v.disabled
	case "toggle-class":
		if v.class == "initial-class" {
			v.class = "updated-class"
		} else {
			v.class = "initial-class"
		}
	}
	return nil
}

func (v *issue4078) Render() templ.Component { return issue4078Page(v) }
