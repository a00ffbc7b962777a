package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

// uploads: live file uploads into cmd/liveserver's /examples/uploads/big
// (one manual upload field; saving consumes the file and shows its size
// and SHA-256). Two figures:
//
//   - throughput: one client uploads Size bytes over WebSocket, then over
//     LongPoll, on loopback, in the client's default 64 000-byte chunks
//     (socketload.UploadFile sends them as the JS client does, each
//     awaiting its reply); MB/s from the first chunk to the last reply;
//   - memory: Clients clients upload ConcSize bytes each at once over
//     WebSocket while the server's VmRSS is sampled every 50 ms; the
//     figure is the peak minus the RSS before. Chunks go to temporary
//     files, so it should stay far below Clients × ConcSize.
//
// Every upload's submit reply must show its size and SHA-256, and the
// server's upload directory (a temp dir of the bench) must be empty after
// each part: consumed files are removed. Each part runs on a fresh server
// and is bounded by uploadPartTimeout.
const (
	uploadsScenario   = "uploads"
	uploadPartTimeout = 10 * time.Minute
	uploadChunk       = 64_000
)

// uploadOptions are the scenario's sizes.
type uploadOptions struct {
	Size     int64 // throughput: bytes of the one file per transport
	Clients  int   // memory: concurrent clients
	ConcSize int64 // memory: bytes each of them uploads
}

func defaultUploadOptions() uploadOptions {
	return uploadOptions{Size: 100 << 20, Clients: 20, ConcSize: 100 << 20}
}

func (u *uploadOptions) quick() { *u = uploadOptions{Size: 1 << 20, Clients: 3, ConcSize: 1 << 20} }

// uploadRun is one throughput measurement.
type uploadRun struct {
	Transport string  `json:"transport"`
	Bytes     int64   `json:"bytes"`
	Seconds   float64 `json:"seconds"`
	MBps      float64 `json:"mb_per_s"` // 10^6 bytes per second
}

// uploadMem is the concurrent part.
type uploadMem struct {
	Clients     int     `json:"clients"`
	BytesEach   int64   `json:"bytes_each"`
	Completed   int     `json:"completed"`
	WallSeconds float64 `json:"wall_seconds"`
	// AggregateMBps is all the bytes over the wall time.
	AggregateMBps float64 `json:"aggregate_mb_per_s"`
	RSSBefore     uint64  `json:"rss_before"`
	RSSPeak       uint64  `json:"rss_peak"`
	RSSAfter      uint64  `json:"rss_after"`
	Samples       int     `json:"rss_samples"`
}

// uploadsResult is the scenario's outcome.
type uploadsResult struct {
	Options  uploadOptions `json:"options"`
	Runs     []uploadRun   `json:"throughput"`
	Mem      *uploadMem    `json:"memory,omitempty"`
	Problems []string      `json:"problems,omitempty"`
}

// runUploads builds cmd/liveserver unless o.LiveServerBin names one and
// runs both parts. Problems (a wrong checksum, files left) are in the
// result; the error is for a part that could not run.
func runUploads(ctx context.Context, o options) (*uploadsResult, error) {
	logf := func(format string, args ...any) { fmt.Fprintf(o.Log, format+"\n", args...) }
	tmp, err := os.MkdirTemp("", "golive-bench-uploads-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := o.LiveServerBin
	if bin == "" {
		logf("building cmd/liveserver…")
		if bin, err = buildCommand(ctx, tmp, "liveserver"); err != nil {
			return nil, err
		}
	}
	u := o.Upload
	r := &uploadsResult{Options: u}
	for _, tr := range []string{socketload.WebSocket, socketload.LongPoll} {
		logf("uploads: one %s file over %s…", mb(u.Size), tr)
		run, err := uploadThroughput(ctx, bin, tmp, tr, u.Size, r)
		if err != nil {
			return r, fmt.Errorf("%s: %w", tr, err)
		}
		r.Runs = append(r.Runs, run)
	}
	logf("uploads: %d clients × %s at once over WebSocket, sampling the server's RSS…", u.Clients, mb(u.ConcSize))
	if r.Mem, err = uploadConcurrent(ctx, bin, tmp, u, r); err != nil {
		return r, fmt.Errorf("concurrent: %w", err)
	}
	return r, nil
}

// withUploadServer runs f against a fresh liveserver whose uploads go to
// a new directory under tmp, and checks afterwards that it is empty.
func withUploadServer(ctx context.Context, bin, tmp string, r *uploadsResult, part string, f func(*server) error) error {
	dir, err := os.MkdirTemp(tmp, "up-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	err = withServer(ctx, bin, append(liveServerArgs(false), "-upload-dir", dir), f)
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%s: %d temporary files left in the upload directory", part, len(ents)))
	}
	return err
}

// uploadOne uploads size pseudo-random bytes (seeded by seed) and checks
// that the submit reply shows their size and SHA-256.
func uploadOne(ctx context.Context, base, transport string, size int64, seed byte) (socketload.UploadResult, error) {
	sum := sha256.New()
	src := io.TeeReader(io.LimitReader(rand.NewChaCha8([32]byte{seed}), size), sum)
	res, err := socketload.UploadFile(ctx, socketload.UploadConfig{
		Base: base, Path: "/examples/uploads/big?chunk=" + strconv.Itoa(uploadChunk),
		Input: "file", Change: "validate", Submit: "save", Transport: transport,
	}, "bench.bin", size, src)
	if err != nil {
		return res, err
	}
	want := hex.EncodeToString(sum.Sum(nil))
	if rep := string(res.SubmitReply); !strings.Contains(rep, want) || !strings.Contains(rep, strconv.FormatInt(size, 10)) {
		return res, fmt.Errorf("the submit reply does not show the file's size %d and SHA-256 %s: %.300s", size, want, rep)
	}
	return res, nil
}

func uploadThroughput(ctx context.Context, bin, tmp, transport string, size int64, r *uploadsResult) (uploadRun, error) {
	run := uploadRun{Transport: transport}
	ctx, cancel := context.WithTimeout(ctx, uploadPartTimeout)
	defer cancel()
	err := withUploadServer(ctx, bin, tmp, r, transport, func(s *server) error {
		res, err := uploadOne(ctx, s.Base, transport, size, 1)
		if err != nil {
			return err
		}
		run.Bytes, run.Seconds = res.Bytes, res.Duration.Seconds()
		if run.Seconds > 0 {
			run.MBps = float64(res.Bytes) / 1e6 / run.Seconds
		}
		return nil
	})
	return run, err
}

func uploadConcurrent(ctx context.Context, bin, tmp string, u uploadOptions, r *uploadsResult) (*uploadMem, error) {
	m := &uploadMem{Clients: u.Clients, BytesEach: u.ConcSize}
	ctx, cancel := context.WithTimeout(ctx, uploadPartTimeout)
	defer cancel()
	err := withUploadServer(ctx, bin, tmp, r, "concurrent", func(s *server) error {
		m.RSSBefore = procRSS(s.Pid)
		m.RSSPeak = m.RSSBefore
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					m.RSSPeak = max(m.RSSPeak, procRSS(s.Pid))
					m.Samples++
				}
			}
		}()
		var wg sync.WaitGroup
		errs := make([]error, u.Clients)
		t0 := time.Now()
		for i := range u.Clients {
			wg.Go(func() {
				_, errs[i] = uploadOne(ctx, s.Base, socketload.WebSocket, u.ConcSize, byte(i+2))
			})
		}
		wg.Wait()
		m.WallSeconds = time.Since(t0).Seconds()
		close(stop)
		<-sampled
		m.RSSPeak = max(m.RSSPeak, procRSS(s.Pid))
		m.RSSAfter = procRSS(s.Pid)
		var first error
		for _, err := range errs {
			if err == nil {
				m.Completed++
			} else if first == nil {
				first = err
			}
		}
		if m.WallSeconds > 0 {
			m.AggregateMBps = float64(int64(m.Completed)*u.ConcSize) / 1e6 / m.WallSeconds
		}
		if first != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("concurrent: %d of %d uploads failed; first: %v", u.Clients-m.Completed, u.Clients, first))
		}
		return nil
	})
	return m, err
}

// growth is the peak RSS minus the RSS before, in bytes.
func (m *uploadMem) growth() int64 { return int64(m.RSSPeak) - int64(m.RSSBefore) }

func mb(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

func (r *uploadsResult) markdown() string {
	if r == nil || len(r.Runs) == 0 {
		return ""
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("\n## Live uploads (uploads)\n\n")
	w("`cmd/liveserver`'s /examples/uploads/big on loopback, a fresh server per part; the client is this process "+
		"(socketload.UploadFile: %d-byte chunks, each awaiting its reply, and a progress event per percent, as the JS "+
		"client sends them). Each upload is checked by the size and SHA-256 the view shows after consuming it.\n\n", uploadChunk)
	w("| transport | file | time | throughput |\n|---|---|---|---|\n")
	for _, x := range r.Runs {
		w("| %s | %s | %.2f s | %.1f MB/s |\n", x.Transport, mb(x.Bytes), x.Seconds, x.MBps)
	}
	if m := r.Mem; m != nil {
		w("\n%d clients uploading %s each at once over WebSocket: %d completed in %.2f s (%.1f MB/s together). "+
			"Server VmRSS (sampled every 50 ms, %d samples): %s before, %s at peak (growth %.1f MiB, "+
			"%.2f%% of the %s uploaded), %s after.\n",
			m.Clients, mb(m.BytesEach), m.Completed, m.WallSeconds, m.AggregateMBps, m.Samples,
			mib(m.RSSBefore), mib(m.RSSPeak), float64(m.growth())/(1<<20),
			100*float64(m.growth())/float64(int64(m.Clients)*m.BytesEach), mb(int64(m.Clients)*m.BytesEach), mib(m.RSSAfter))
	}
	for _, p := range r.Problems {
		w("\n**Problem:** %s\n", p)
	}
	w("\n")
	return b.String()
}

// runUploadsIfAsked runs uploads after the other scenarios when it is
// among them.
func runUploadsIfAsked(ctx context.Context, o options, rep *report, err error) (*uploadsResult, error) {
	if err != nil || rep == nil || !o.has(uploadsScenario) {
		return nil, err
	}
	r, uerr := runUploads(ctx, o)
	if uerr != nil {
		rep.Failures = append(rep.Failures, uploadsScenario+": "+uerr.Error())
	}
	if r != nil {
		for _, p := range r.Problems {
			rep.Failures = append(rep.Failures, uploadsScenario+": "+p)
		}
	}
	rep.Seconds = time.Since(rep.Started).Seconds()
	return r, ctx.Err()
}

// withoutUploads is o for the common scenarios.
func withoutUploads(o options) options {
	o.Scenarios = slices.DeleteFunc(slices.Clone(o.Scenarios), func(s string) bool { return s == uploadsScenario })
	return o
}

func (r *uploadsResult) addJSON(data []byte) []byte {
	if r == nil {
		return data
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return data
	}
	m["uploads"], _ = json.Marshal(r)
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return data
	}
	return out
}
