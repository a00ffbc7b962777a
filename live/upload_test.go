package live_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/cortex-cinegraph/golive/live"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

// upView is a form with one live file input; "save" consumes the entries
// and lists them with their size and SHA-256.
type upView struct {
	cfg      live.UploadConfig
	up       *live.Upload
	consumed []string
	paths    []string
	progress int // Progress callback calls
}

func (v *upView) Mount(s *live.Socket, _ live.Params) error {
	cfg := v.cfg
	cfg.Progress = func(*live.Socket, *live.Upload, *live.UploadEntry) error { v.progress++; return nil }
	var err error
	v.up, err = s.AllowUpload("docs", cfg)
	return err
}

func (v *upView) HandleEvent(s *live.Socket, e live.Event) error {
	switch e.Name {
	case "save":
		return s.ConsumeUploadedEntries("docs", func(path string, en *live.UploadEntry) error {
			if path == "" {
				v.consumed = append(v.consumed, fmt.Sprintf("%s:external:%v", en.ClientName, en.Meta["key"]))
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			v.paths = append(v.paths, path)
			v.consumed = append(v.consumed, fmt.Sprintf("%s:%d:%s", en.ClientName, len(b), hex.EncodeToString(sum[:8])))
			return nil
		})
	case "cancel-upload":
		return s.CancelUpload("docs", e.Value.Get("ref"))
	}
	return nil
}

func (v *upView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		var b strings.Builder
		b.WriteString(`<form id="f" phx-change="validate" phx-submit="save"><div id="drop" phx-drop-target="` + v.up.Ref + `">`)
		if err := live.FileInput(v.up, templ.Attributes{"class": "in"}).Render(ctx, &b); err != nil {
			return err
		}
		b.WriteString(`</div><ul id="entries">`)
		for _, e := range v.up.Entries {
			fmt.Fprintf(&b, `<li id="e-%s" data-progress="%d" data-done="%t">%s %d <span class="err">%s</span><button id="cancel-%s" phx-click="cancel-upload" phx-value-ref="%s">x</button></li>`,
				e.Ref, e.Progress, e.Done, html.EscapeString(e.ClientName), e.ClientSize,
				strings.Join(v.up.EntryErrors(e), ","), e.Ref, e.Ref)
		}
		b.WriteString(`</ul><p id="uerr">` + strings.Join(v.up.Errors(), ",") + `</p><ul id="consumed">`)
		for _, c := range v.consumed {
			b.WriteString(`<li>` + html.EscapeString(c) + `</li>`)
		}
		b.WriteString(`</ul></form>`)
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// logBuf collects log lines for checks of what was logged.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

// upEnv serves an upView with cfg at /u; temporary files go to a fresh
// directory, returned for checks that none is left.
func upEnv(t *testing.T, cfg live.UploadConfig, opts ...livetest.Option) (*livetest.Env, string, *logBuf) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	logs := &logBuf{}
	opts = append(opts, livetest.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		e.Session("t").Handle(mux, "GET /u", "t.u", func() live.View { return &upView{cfg: cfg} })
	}, opts...)
	return env, dir, logs
}

func sha8(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:8]) }

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// waitEmpty waits until dir holds no file (files go when a channel ends,
// on its own goroutine).
func waitEmpty(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(tempFiles(t, dir)) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("temporary files left: %v", tempFiles(t, dir))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestUploadConsume(t *testing.T) {
	for _, line := range livetest.Lines {
		t.Run(line, func(t *testing.T) {
			env, dir, _ := upEnv(t, live.UploadConfig{MaxEntries: 3, ChunkSize: 1000, Accept: []string{".txt", "image/*"}}, livetest.WithClient(line))
			v := env.Live("/u")
			a := bytes.Repeat([]byte("a"), 2500)
			b := []byte("tiny")
			in := v.Attrs("input[type=file]", "data-phx-upload-ref")
			if len(in) != 1 || in[0] == "" || v.Attrs("#drop", "phx-drop-target")[0] != in[0] {
				t.Fatalf("file input/drop target: %s", v.HTML())
			}
			if v.Attrs("input[type=file]", "accept")[0] != ".txt,image/*" || !v.Has("input[type=file][multiple]") {
				t.Fatalf("accept/multiple: %s", v.Element("input[type=file]"))
			}
			sel, err := v.SelectFiles("docs", livetest.File{Name: "a.txt", Type: "text/plain", Data: a}, livetest.File{Name: "b.png", Type: "image/png", Data: b})
			if err != nil {
				t.Fatal(err)
			}
			if got := v.Attrs("input[type=file]", "data-phx-active-refs")[0]; got != strings.Join(sel.Refs, ",") {
				t.Fatalf("active refs %q, want %v", got, sel.Refs)
			}
			if v.Text("#e-"+sel.Refs[0]) != "a.txt 2500 x" {
				t.Fatalf("entry: %q", v.Text("#e-"+sel.Refs[0]))
			}
			if err := v.UploadSelection(sel); err != nil {
				t.Fatal(err)
			}
			// The 1.0 client gets a manual upload's progress with the
			// submit's reply (see deferUploadDiff).
			for _, r := range sel.Refs {
				if line == "1.0" {
					break
				}
				if v.Attrs("#e-"+r, "data-done")[0] != "true" || v.Attrs("#e-"+r, "data-progress")[0] != "100" {
					t.Fatalf("entry %s not done: %s", r, v.Element("#e-"+r))
				}
			}
			if got := v.Attrs("input[type=file]", "data-phx-done-refs")[0]; line != "1.0" && got != strings.Join(sel.Refs, ",") || line == "1.0" && got != "" {
				t.Fatalf("done refs %q", got)
			}
			if len(tempFiles(t, dir)) != 2 {
				t.Fatalf("want 2 temporary files while uploaded, have %v", tempFiles(t, dir))
			}
			if err := v.Submit("#f", nil); err != nil {
				t.Fatal(err)
			}
			want := []string{"a.txt:2500:" + sha8(a), "b.png:4:" + sha8(b)}
			if got := v.Texts("#consumed li"); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("consumed %v, want %v", got, want)
			}
			if v.Count("#entries li") != 0 {
				t.Fatalf("entries left after consume: %s", v.HTML())
			}
			waitEmpty(t, dir)
		})
	}
}

func TestUploadValidation(t *testing.T) {
	env, dir, _ := upEnv(t, live.UploadConfig{MaxEntries: 2, MaxFileSize: 10, Accept: []string{".txt"}})
	v := env.Live("/u")
	sel, err := v.SelectFiles("docs",
		livetest.File{Name: "big.txt", Type: "text/plain", Data: make([]byte, 11)},
		livetest.File{Name: "x.exe", Type: "application/octet-stream", Data: []byte("MZ")},
		livetest.File{Name: "ok.txt", Type: "text/plain", Data: []byte("ok")})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#e-" + sel.Refs[0] + " .err"); got != "too_large" {
		t.Fatalf("big: %q", got)
	}
	if got := v.Text("#e-" + sel.Refs[1] + " .err"); got != "not_accepted" {
		t.Fatalf("exe: %q", got)
	}
	if got := v.Text("#uerr"); got != "too_many_files" {
		t.Fatalf("upload errors: %q", got)
	}
	if got := v.Attrs("input[type=file]", "data-phx-error-refs"); len(got) != 1 || !strings.Contains(got[0], sel.Refs[0]) {
		t.Fatalf("error refs: %v", got)
	}
	// A manual upload with errors is refused as a whole.
	p, err := v.Preflight(sel)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tokens) != 0 || len(p.Error) != 3 {
		t.Fatalf("preflight: %+v", p)
	}
	// Cancelling the bad ones clears the errors; the rest uploads.
	for _, r := range sel.Refs[:2] {
		if err := v.Click("#cancel-" + r); err != nil {
			t.Fatal(err)
		}
	}
	if v.Text("#uerr") != "" || v.Count("#entries li") != 1 {
		t.Fatalf("after cancels: %s", v.HTML())
	}
	ok := &livetest.Selection{Name: "docs", UploadRef: sel.UploadRef, Refs: sel.Refs[2:], Files: sel.Files[2:]}
	if err := v.UploadSelection(ok); err != nil {
		t.Fatal(err)
	}
	if err := v.Submit("#f", nil); err != nil {
		t.Fatal(err)
	}
	if got := v.Texts("#consumed li"); len(got) != 1 || !strings.HasPrefix(got[0], "ok.txt:2:") {
		t.Fatalf("consumed %v", got)
	}
	waitEmpty(t, dir)
}

func TestUploadAutoTooMany(t *testing.T) {
	env, dir, _ := upEnv(t, live.UploadConfig{MaxEntries: 2, AutoUpload: true})
	v := env.Live("/u")
	if !v.Has("input[data-phx-auto-upload]") {
		t.Fatal("no data-phx-auto-upload")
	}
	files := []livetest.File{{Name: "1", Data: []byte("1")}, {Name: "2", Data: []byte("22")}, {Name: "3", Data: []byte("333")}}
	sel, err := v.SelectFiles("docs", files...)
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Preflight(sel)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tokens) != 2 || p.Tokens[sel.Refs[2]] != "" || len(p.Error) != 0 {
		t.Fatalf("auto preflight must give tokens to the first 2 only: %+v", p)
	}
	if v.Text("#uerr") != "too_many_files" {
		t.Fatalf("upload errors %q", v.Text("#uerr"))
	}
	if err := v.Click("#cancel-" + sel.Refs[2]); err != nil {
		t.Fatal(err)
	}
	if v.Text("#uerr") != "" {
		t.Fatalf("too_many_files stays after cancel: %s", v.HTML())
	}
	waitEmpty(t, dir)
}

func TestUploadForgedAndExpiredToken(t *testing.T) {
	env, dir, logs := upEnv(t, live.UploadConfig{})
	v := env.Live("/u")
	sel, err := v.SelectFiles("docs", livetest.File{Name: "a", Data: []byte("abc")})
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Preflight(sel)
	if err != nil {
		t.Fatal(err)
	}
	tok := p.Tokens[sel.Refs[0]]
	reason := func(err error) string {
		var ue *livetest.ReplyError
		if !errors.As(err, &ue) {
			t.Fatalf("want a refused join, got %v", err)
		}
		return string(ue.Response)
	}
	forged := tok[:len(tok)-3] + "AAA"
	if _, err := v.JoinUpload(sel.Refs[0], forged); !strings.Contains(reason(err), `"invalid_token"`) {
		t.Fatalf("forged: %v", err)
	}
	if _, err := v.JoinUpload("999", tok); !strings.Contains(reason(err), `"invalid_token"`) {
		t.Fatalf("token for another entry: %v", err)
	}
	env.Engine.SetUploadClock(func() time.Time { return time.Now().Add(2 * time.Hour) })
	if _, err := v.JoinUpload(sel.Refs[0], tok); !strings.Contains(reason(err), `"invalid_token"`) {
		t.Fatalf("expired: %v", err)
	}
	env.Engine.SetUploadClock(time.Now)
	c, err := v.JoinUpload(sel.Refs[0], tok)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Chunk([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	if n := logs.count("upload channel join refused"); n != 1 {
		// Rate-limited per cause and socket: the forged and expired joins
		// log one line between them.
		t.Fatalf("join refusals logged %d times, want once:\n%s", n, logs.b.String())
	}
	v.Close()
	waitEmpty(t, dir)
}

func TestUploadChunkPastSize(t *testing.T) {
	env, dir, logs := upEnv(t, live.UploadConfig{})
	v := env.Live("/u")
	other := env.Live("/u")
	sel, err := v.SelectFiles("docs", livetest.File{Name: "a", Data: []byte("0123456789")})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := v.Preflight(sel)
	c, err := v.JoinUpload(sel.Refs[0], p.Tokens[sel.Refs[0]])
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Chunk([]byte("0123456789!")); err == nil || !strings.Contains(err.Error(), `"reason":"file_size_limit_exceeded"`) || !strings.Contains(err.Error(), `"limit":10`) {
		t.Fatalf("chunk past the size: %v", err)
	}
	if !c.Await(5 * time.Second) {
		t.Fatal("the upload channel stays open after the size was exceeded")
	}
	waitEmpty(t, dir)
	if err := v.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#e-" + sel.Refs[0] + " .err"); got != "file_size_limit_exceeded" {
		t.Fatalf("entry error %q", got)
	}
	if n := logs.count("more than the announced size"); n != 1 {
		t.Fatalf("logged %d times", n)
	}
	// The other view is undisturbed.
	if _, err := other.Upload("docs", livetest.File{Name: "b", Data: []byte("b")}); err != nil {
		t.Fatal(err)
	}
	if err := other.Submit("#f", nil); err != nil || other.Count("#consumed li") != 1 {
		t.Fatalf("other view: %v %s", err, other.HTML())
	}
}

func TestUploadChunkTimeout(t *testing.T) {
	env, dir, logs := upEnv(t, live.UploadConfig{ChunkSize: 2, ChunkTimeout: 50 * time.Millisecond})
	v := env.Live("/u")
	sel, _ := v.SelectFiles("docs", livetest.File{Name: "a", Data: []byte("abcd")})
	p, _ := v.Preflight(sel)
	if p.ChunkSize != 2 || p.ChunkTimeout != 50 {
		t.Fatalf("config %+v", p)
	}
	c, err := v.JoinUpload(sel.Refs[0], p.Tokens[sel.Refs[0]])
	if err != nil {
		t.Fatal(err)
	}
	// On a loaded machine the 50ms may pass before this first chunk is
	// read: then the timeout (the one under test) has ended the upload
	// already, and the rest holds all the same.
	if err := c.Chunk([]byte("ab")); err != nil && !c.Closed() {
		t.Fatal(err)
	}
	// The client stops here.
	if !c.Await(5 * time.Second) {
		t.Fatal("no phx_close after the chunk timeout")
	}
	waitEmpty(t, dir)
	if err := v.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#e-" + sel.Refs[0] + " .err"); got != "chunk_timeout" {
		t.Fatalf("entry error %q: %s", got, v.HTML())
	}
	if n := logs.count("no chunk within the chunk timeout"); n != 1 {
		t.Fatalf("logged %d times", n)
	}
}

func TestUploadCancelAndViewEnd(t *testing.T) {
	env, dir, _ := upEnv(t, live.UploadConfig{MaxEntries: 2, ChunkSize: 2})
	v := env.Live("/u")
	sel, _ := v.SelectFiles("docs", livetest.File{Name: "a", Data: []byte("abcd")}, livetest.File{Name: "b", Data: []byte("efgh")})
	p, _ := v.Preflight(sel)
	c, err := v.JoinUpload(sel.Refs[0], p.Tokens[sel.Refs[0]])
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Chunk([]byte("ab")); err != nil {
		t.Fatal(err)
	}
	if len(tempFiles(t, dir)) != 1 {
		t.Fatalf("temp files %v", tempFiles(t, dir))
	}
	if err := v.Click("#cancel-" + sel.Refs[0]); err != nil {
		t.Fatal(err)
	}
	if v.Has("#e-"+sel.Refs[0]) || !c.Await(5*time.Second) {
		t.Fatal("cancelled entry stays or its channel stays open")
	}
	waitEmpty(t, dir)
	if err := c.Chunk([]byte("cd")); err == nil {
		t.Fatal("chunk accepted after cancel")
	}
	// The view ends mid-upload: its files go.
	c2, err := v.JoinUpload(sel.Refs[1], p.Tokens[sel.Refs[1]])
	if err != nil {
		t.Fatal(err)
	}
	if err := c2.Chunk([]byte("ef")); err != nil {
		t.Fatal(err)
	}
	v.Close()
	waitEmpty(t, dir)
}

func TestUploadProgressUnknownAndEarlyDone(t *testing.T) {
	env, _, _ := upEnv(t, live.UploadConfig{ChunkSize: 2})
	v := env.Live("/u")
	if err := v.Progress("nope", "0", 50); err != nil {
		t.Fatalf("progress for an unknown upload: %v", err)
	}
	sel, _ := v.SelectFiles("docs", livetest.File{Name: "a", Data: []byte("abcd")})
	// 100% before any byte arrived is not done.
	if err := v.Progress(sel.UploadRef, sel.Refs[0], 100); err != nil {
		t.Fatal(err)
	}
	if v.Attrs("#e-"+sel.Refs[0], "data-done")[0] != "false" {
		t.Fatalf("entry done without its bytes: %s", v.HTML())
	}
	if err := v.Submit("#f", nil); err != nil {
		t.Fatal(err)
	}
	if v.Count("#consumed li") != 0 {
		t.Fatal("consumed an incomplete entry")
	}
}

func TestUploadExternal(t *testing.T) {
	env, dir, _ := upEnv(t, live.UploadConfig{MaxEntries: 2, External: func(s *live.Socket, e *live.UploadEntry) (map[string]any, error) {
		if e.ClientName == "bad" {
			return nil, errors.New("refused by presign")
		}
		return map[string]any{"uploader": "Put", "url": "/put/" + e.UUID, "key": e.UUID[:4]}, nil
	}, AutoUpload: true})
	v := env.Live("/u")
	sel, _ := v.SelectFiles("docs", livetest.File{Name: "x.bin", Data: []byte("xx")}, livetest.File{Name: "bad", Data: []byte("b")})
	p, err := v.Preflight(sel)
	if err != nil {
		t.Fatal(err)
	}
	m := p.Meta[sel.Refs[0]]
	if m["uploader"] != "Put" || !strings.HasPrefix(m["url"].(string), "/put/") || len(p.Tokens) != 0 {
		t.Fatalf("external preflight %+v", p)
	}
	if _, ok := p.Meta[sel.Refs[1]]; ok {
		t.Fatal("refused entry got metadata")
	}
	if got := v.Text("#e-" + sel.Refs[1] + " .err"); got != "refused by presign" {
		t.Fatalf("refused entry error %q", got)
	}
	if err := v.Click("#cancel-" + sel.Refs[1]); err != nil {
		t.Fatal(err)
	}
	if err := v.Progress(sel.UploadRef, sel.Refs[0], 100); err != nil {
		t.Fatal(err)
	}
	if err := v.Submit("#f", nil); err != nil {
		t.Fatal(err)
	}
	if got := v.Texts("#consumed li"); len(got) != 1 || got[0] != "x.bin:external:"+m["key"].(string) {
		t.Fatalf("consumed %v", got)
	}
	// A client-side failure shows as external_client_failure.
	sel2, _ := v.SelectFiles("docs", livetest.File{Name: "y", Data: []byte("y")})
	if _, err := v.Preflight(sel2); err != nil {
		t.Fatal(err)
	}
	if err := v.Progress(sel2.UploadRef, sel2.Refs[0], map[string]any{"error": "boom"}); err != nil {
		t.Fatal(err)
	}
	if got := v.Text("#e-" + sel2.Refs[0] + " .err"); got != "external_client_failure" {
		t.Fatalf("client failure %q", got)
	}
	if len(tempFiles(t, dir)) != 0 {
		t.Fatal("external uploads made temp files")
	}
}

func TestAllowUploadConfigErrors(t *testing.T) {
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		e.Session("t").Handle(mux, "GET /u", "t.u", func() live.View {
			return &upView{cfg: live.UploadConfig{Accept: []string{"bogus"}}}
		})
	})
	p := env.Get("/u")
	if !strings.Contains(p.ViewHTML(), "neither an extension nor a MIME type") {
		t.Fatalf("bad accept not reported: %s", p.ViewHTML())
	}
}

// previewView renders an image preview per entry, and its file input
// with a disabled flag and a class the "toggle" event flips.
type previewView struct {
	up       *live.Upload
	disabled bool
}

func (v *previewView) Mount(s *live.Socket, _ live.Params) error {
	v.disabled = true
	var err error
	v.up, err = s.AllowUpload("pics", live.UploadConfig{MaxEntries: 2, Accept: []string{"image/*"}})
	return err
}

func (v *previewView) HandleEvent(_ *live.Socket, e live.Event) error {
	if e.Name == "toggle" {
		v.disabled = !v.disabled
	}
	return nil
}

func (v *previewView) Render() templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		class := "on"
		if v.disabled {
			class = "off"
		}
		if _, err := io.WriteString(w, `<form id="f" phx-change="validate">`); err != nil {
			return err
		}
		if err := live.FileInput(v.up, templ.Attributes{"disabled": v.disabled, "class": class}).Render(ctx, w); err != nil {
			return err
		}
		for i, e := range v.up.Entries {
			attrs := templ.Attributes{"class": "preview"}
			if i == 1 {
				attrs["id"] = "second"
			}
			if err := live.ImgPreview(v.up, e, attrs).Render(ctx, w); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, `</form><button id="t" phx-click="toggle">toggle</button>`)
		return err
	})
}

// TestImgPreview: each entry gets an <img> the client's LiveImgPreview
// hook fills (upload and entry refs, ignored by patches), and the file
// input's own attributes (disabled, class) follow the view's state.
func TestImgPreview(t *testing.T) {
	env := livetest.New(t, func(e *live.Engine, mux *http.ServeMux) {
		e.Session("t").Handle(mux, "GET /p", "t.p", func() live.View { return &previewView{} })
	})
	v := env.Live("/p")
	if !v.Has("input[type=file][disabled].off") || v.Count("img") != 0 {
		t.Fatalf("initial input: %s", v.HTML())
	}
	sel, err := v.SelectFiles("pics", livetest.File{Name: "a.png", Type: "image/png", Data: []byte("png")},
		livetest.File{Name: "b.png", Type: "image/png", Data: []byte("png2")})
	if err != nil {
		t.Fatal(err)
	}
	ref := v.Attrs("input[type=file]", "data-phx-upload-ref")[0]
	img := "#phx-preview-" + sel.Refs[0]
	for attr, want := range map[string]string{"data-phx-upload-ref": ref, "data-phx-entry-ref": sel.Refs[0],
		"data-phx-hook": "Phoenix.LiveImgPreview", "data-phx-update": "ignore", "class": "preview"} {
		if got := v.Attrs(img, attr); len(got) != 1 || got[0] != want {
			t.Errorf("%s %s = %v, want %q: %s", img, attr, got, want, v.HTML())
		}
	}
	if got := v.Attrs("#second", "data-phx-entry-ref"); len(got) != 1 || got[0] != sel.Refs[1] || v.Count("img") != 2 {
		t.Errorf("second preview with its own id: %s", v.HTML())
	}
	if err := v.Click("#t"); err != nil {
		t.Fatal(err)
	}
	if !v.Has("input[type=file].on") || v.Has("input[type=file][disabled]") {
		t.Fatalf("input after toggle: %s", v.Element("input[type=file]"))
	}
}
