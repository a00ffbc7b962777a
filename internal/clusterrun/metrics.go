package clusterrun

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Metrics are the samples of a node's /metrics, by series as the
// Prometheus text format writes it: `golive_pubsub_link_up`,
// `golive_connections{transport="websocket"}` (labels in the exporter's
// order, which is sorted by name).
type Metrics map[string]float64

// Metrics reads the node's /metrics, directly (not through the proxy).
func (n *Node) Metrics(ctx context.Context) (Metrics, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.URL+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	// A fresh connection each time: a node being restarted must not leave
	// a dead keep-alive connection behind for the next read.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.Name, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: GET /metrics: %s", n.Name, res.Status)
	}
	m, err := ParseMetrics(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.Name, err)
	}
	return m, nil
}

// ParseMetrics reads the Prometheus text exposition format (comments and
// timestamps are ignored).
func ParseMetrics(r io.Reader) (Metrics, error) {
	m := Metrics{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		// Label values may hold spaces: the series ends at its last '}'.
		var series, rest string
		if i := strings.IndexByte(line, '{'); i >= 0 {
			j := strings.LastIndexByte(line, '}')
			if j < i {
				return nil, fmt.Errorf("metrics: malformed line %q", line)
			}
			series, rest = line[:j+1], line[j+1:]
		} else {
			series, rest, _ = strings.Cut(line, " ")
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return nil, fmt.Errorf("metrics: no value in %q", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fmt.Errorf("metrics: %q: %w", line, err)
		}
		m[series] = v
	}
	return m, sc.Err()
}
