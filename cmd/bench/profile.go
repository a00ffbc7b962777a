package main

import (
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
)

// attribution is in-use heap bytes per socket, by owner.
type attribution struct {
	Owner          string  `json:"owner"`
	BytesPerSocket float64 `json:"bytes_per_socket"`
}

// attributeHeap reads a heap profile's stacks (go tool pprof -traces) and
// charges each in-use allocation to the innermost frame that says who keeps
// it: the transport package or coder/websocket by function, net/http's
// per-connection bufio buffers, the rest of net/http, goroutine
// descriptors. Sorted by size.
func attributeHeap(ctx context.Context, bin, file string, sockets int) ([]attribution, float64, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, 0, err
	}
	out, err := exec.CommandContext(ctx, goBin, "tool", "pprof", "-traces", "-sample_index=inuse_space", bin, file).Output()
	if err != nil {
		return nil, 0, fmt.Errorf("go tool pprof -traces: %v", err)
	}
	sums := map[string]float64{}
	var total float64
	for _, block := range strings.Split(string(out), "-----------+-------------------------------------------------------") {
		var frames []string
		var value float64
		for _, line := range strings.Split(block, "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) == 0 || strings.HasPrefix(strings.TrimSpace(line), "bytes:"):
			case len(frames) == 0 && len(f) >= 2 && !strings.HasSuffix(f[0], ":"):
				v, ok := parseSize(f[0])
				if !ok {
					continue
				}
				value = v
				frames = append(frames, f[1])
			case len(frames) > 0:
				frames = append(frames, f[0])
			}
		}
		if len(frames) == 0 || value == 0 {
			continue
		}
		total += value
		sums[owner(frames)] += value
	}
	var res []attribution
	for k, v := range sums {
		res = append(res, attribution{Owner: k, BytesPerSocket: v / float64(sockets)})
	}
	sort.Slice(res, func(i, j int) bool { return res[i].BytesPerSocket > res[j].BytesPerSocket })
	return res, total / float64(sockets), nil
}

const transportPkg = "github.com/cortex-cinegraph/golive/transport."

func owner(frames []string) string {
	has := func(s string) bool {
		for _, f := range frames {
			if strings.Contains(f, s) {
				return true
			}
		}
		return false
	}
	if strings.HasPrefix(frames[0], "bufio.") && has("net/http.(*conn).serve") {
		if has("net/http.(*conn).readRequest") {
			return "net/http: response bufio.Writer (2 KiB per request in flight)"
		}
		return "net/http: connection bufio.Reader/Writer (4 KiB each per TCP connection)"
	}
	for _, f := range frames {
		switch {
		case strings.HasPrefix(f, "github.com/coder/websocket."):
			return "coder/websocket: " + strings.TrimPrefix(f, "github.com/coder/websocket.")
		case strings.HasPrefix(f, transportPkg):
			return "transport: " + strings.TrimPrefix(f, transportPkg)
		}
	}
	for _, f := range frames {
		if strings.HasPrefix(f, "net/http.") {
			return "net/http: " + strings.TrimPrefix(f, "net/http.")
		}
	}
	if has("runtime.malg") {
		return "runtime: goroutine descriptors"
	}
	for _, f := range frames {
		if strings.HasPrefix(f, "net.") {
			return "net: " + strings.TrimPrefix(f, "net.")
		}
	}
	return "other: " + frames[0]
}

// parseSize reads pprof's "4.50kB" style values.
func parseSize(s string) (float64, bool) {
	mult := 1.0
	for _, u := range []struct {
		suffix string
		m      float64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"kB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.m
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return v * mult, true
}
