package examples_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"testing"

	"github.com/cortex-cinegraph/golive/live/examples"
	"github.com/cortex-cinegraph/golive/live/livetest"
)

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func TestUploadsExample(t *testing.T) {
	perLine(t, func(t *testing.T, env *livetest.Env) {
		v := env.Live("/examples/uploads")
		equal(t, "title", v.Title(), "Uploads")
		if !v.Has("#auto-drop[phx-drop-target] input[type=file][data-phx-auto-upload][multiple]") {
			t.Fatalf("auto field: %s", v.Element("#auto-section"))
		}
		// Auto: consumed as soon as done; a too-large and a refused type
		// stay with their errors.
		txt := bytes.Repeat([]byte("golive "), 5000) // 35 000 bytes: 3 chunks
		sel, err := v.Upload("auto",
			livetest.File{Name: "notes.txt", Type: "text/plain", Data: txt},
			livetest.File{Name: "big.png", Type: "image/png", Data: make([]byte, examples.UploadsAutoMaxSize+1)},
			livetest.File{Name: "tool.exe", Type: "application/x-msdownload", Data: []byte("MZ")})
		noErr(t, err)
		equalList(t, "consumed", v.Attrs("#consumed li", "data-name"), []string{"notes.txt"})
		equalList(t, "sha", v.Attrs("#consumed li", "data-sha256"), []string{sum(txt)})
		equal(t, "too large", v.Text("#entry-auto-"+sel.Refs[1]+" .entry-error"), "File too large")
		equal(t, "not accepted", v.Text("#entry-auto-"+sel.Refs[2]+" .entry-error"), "File type not accepted")
		noErr(t, v.Click("#entry-auto-"+sel.Refs[1]+" .cancel"))
		equal(t, "entries left", v.Count("#entries-auto li"), 1)

		// Manual: uploaded on submit, one cancelled first.
		a, b := []byte("first file"), []byte("second file")
		msel, err := v.SelectFiles("manual", livetest.File{Name: "a.bin", Data: a}, livetest.File{Name: "b.bin", Data: b})
		noErr(t, err)
		noErr(t, v.Click("#entry-manual-"+msel.Refs[1]+" .cancel"))
		keep := &livetest.Selection{Name: "manual", UploadRef: msel.UploadRef, Refs: msel.Refs[:1], Files: msel.Files[:1]}
		noErr(t, v.UploadSelection(keep))
		noErr(t, v.Submit("#manual-form", nil))
		equalList(t, "consumed", v.Attrs("#consumed li", "data-name"), []string{"notes.txt", "a.bin"})

		// External: the presigned URL takes one PUT; done, it is consumed.
		x := []byte("external bytes")
		esel, err := v.SelectFiles("external", livetest.File{Name: "x.dat", Data: x})
		noErr(t, err)
		p, err := v.Preflight(esel)
		noErr(t, err)
		meta := p.Meta[esel.Refs[0]]
		equal(t, "uploader", meta["uploader"], any("PutUpload"))
		rec := httptest.NewRecorder()
		env.Mux.ServeHTTP(rec, httptest.NewRequest("PUT", meta["url"].(string), bytes.NewReader(x)))
		equal(t, "PUT status", rec.Code, 204)
		rec = httptest.NewRecorder()
		env.Mux.ServeHTTP(rec, httptest.NewRequest("PUT", meta["url"].(string), bytes.NewReader(x)))
		equal(t, "second PUT status", rec.Code, 404)
		noErr(t, v.Progress(esel.UploadRef, esel.Refs[0], 100))
		equalList(t, "sizes", v.Attrs("#consumed li", "data-size"), []string{"35000", "10", "14"})
		equal(t, "external sha", v.Attrs("#consumed li", "data-sha256")[2], sum(x))
	})
}
