package socketload

import (
	"encoding/json"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"

	"github.com/cortex-cinegraph/golive/transport"
)

// MemHandler serves GET /debug/mem for the benchmark servers: runtime
// memory after an optional forced GC (?gc=1) or GC plus returning pages to
// the OS (?free=1, so VmRSS readings compare), process CPU time, and the
// socket server's stats.
func MemHandler(srv *transport.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		gc := q.Get("gc") == "1"
		switch {
		case q.Get("free") == "1":
			debug.FreeOSMemory() // includes a GC
			gc = true
		case gc:
			runtime.GC()
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		rss, _ := ProcRSS(os.Getpid())
		out := struct {
			GCForced     bool   `json:"gc_forced"`
			HeapInuse    uint64 `json:"HeapInuse"`
			HeapAlloc    uint64 `json:"HeapAlloc"`
			HeapObjects  uint64 `json:"HeapObjects"`
			StackInuse   uint64 `json:"StackInuse"`
			Sys          uint64 `json:"Sys"`
			NumGC        uint32 `json:"NumGC"`
			PauseTotalNs uint64 `json:"PauseTotalNs"`
			TotalAlloc   uint64 `json:"TotalAlloc"`
			Mallocs      uint64 `json:"Mallocs"`
			NumGoroutine int    `json:"NumGoroutine"`
			VmRSS        uint64 `json:"VmRSS"`
			CPUNs        int64  `json:"CPUNs"`
			Stats        transport.StatsSnapshot
		}{gc, ms.HeapInuse, ms.HeapAlloc, ms.HeapObjects, ms.StackInuse, ms.Sys, ms.NumGC, ms.PauseTotalNs,
			ms.TotalAlloc, ms.Mallocs, runtime.NumGoroutine(), rss, cpuNanos(), srv.Stats()}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
	})
}

// cpuNanos is this process's user+system CPU time.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
