package socketload

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// ServerMem is what cmd/echoserver's /debug/mem answers.
type ServerMem struct {
	GCForced    bool   `json:"gc_forced"`
	HeapInuse   uint64 `json:"HeapInuse"`
	HeapAlloc   uint64 `json:"HeapAlloc"`
	HeapObjects uint64 `json:"HeapObjects"`
	StackInuse  uint64 `json:"StackInuse"`
	Sys         uint64 `json:"Sys"`
	NumGC       uint32 `json:"NumGC"`
	PauseTotal  uint64 `json:"PauseTotalNs"`
	TotalAlloc  uint64 `json:"TotalAlloc"`
	Mallocs     uint64 `json:"Mallocs"`
	Goroutines  int    `json:"NumGoroutine"`
	// RSSBytes is VmRSS from /proc/self/status (0 where unavailable).
	RSSBytes uint64 `json:"VmRSS"`
	// Stats is transport.Server.Stats().
	Stats map[string]int64 `json:"Stats"`
}

// FetchMem asks an echoserver at base (http://host:port) for its memory,
// after a forced GC when gc is set (and returning freed memory to the OS
// when free is set, so RSS is comparable between readings).
func FetchMem(ctx context.Context, base string, gc, free bool) (ServerMem, error) {
	q := []string{}
	if gc {
		q = append(q, "gc=1")
	}
	if free {
		q = append(q, "free=1")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/debug/mem?"+strings.Join(q, "&"), nil)
	if err != nil {
		return ServerMem{}, err
	}
	// A fresh connection each time, so the reading does not depend on the
	// load's connection pool.
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return ServerMem{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return ServerMem{}, err
	}
	if res.StatusCode != http.StatusOK {
		return ServerMem{}, fmt.Errorf("/debug/mem: %s: %.200s", res.Status, data)
	}
	var m ServerMem
	if err := json.Unmarshal(data, &m); err != nil {
		return ServerMem{}, fmt.Errorf("/debug/mem: %v", err)
	}
	return m, nil
}

// ProcRSS reads VmRSS of a process from /proc/<pid>/status, in bytes.
func ProcRSS(pid int) (uint64, error) {
	return procStatusField("/proc/"+strconv.Itoa(pid)+"/status", "VmRSS:")
}

// SelfRSS is ProcRSS for this process.
func SelfRSS() uint64 {
	n, _ := procStatusField("/proc/self/status", "VmRSS:")
	return n
}

func procStatusField(path, field string) (uint64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				break
			}
			n, err := strconv.ParseUint(f[0], 10, 64)
			if err != nil {
				return 0, err
			}
			if len(f) > 1 && f[1] == "kB" {
				n *= 1024
			}
			return n, nil
		}
	}
	return 0, fmt.Errorf("%s: no %s line", path, field)
}
