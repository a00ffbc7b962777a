package main

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the bench ran.
type machine struct {
	NumCPU     int    `json:"nproc"`
	CPUModel   string `json:"cpu_model"`
	GoVersion  string `json:"go_version"`
	Kernel     string `json:"kernel"`
	MemTotal   string `json:"mem_total"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	// BusyBefore is the share of all CPUs busy during the second before
	// the bench started (other processes on the machine).
	BusyBefore float64 `json:"busy_before"`
}

func describeMachine() machine {
	m := machine{NumCPU: runtime.NumCPU(), GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if f := strings.Fields(v); len(f) > 0 {
					if kb, err := strconv.ParseFloat(f[0], 64); err == nil {
						m.MemTotal = strconv.FormatFloat(kb/(1<<20), 'f', 1, 64) + " GiB"
					}
				}
			}
		}
	}
	m.BusyBefore = machineBusy(time.Second)
	return m
}

// machineBusy is the share of all CPUs busy over d.
func machineBusy(d time.Duration) float64 {
	a := readCPU(0)
	time.Sleep(d)
	b := readCPU(0)
	if t := b.total - a.total; t > 0 {
		return float64(b.busy-a.busy) / float64(t)
	}
	return 0
}

// waitQuiet waits, up to limit, for the machine to be under 15% busy (other
// workloads sharing these CPUs wreck latency figures). It returns the last
// reading and how long it waited.
func waitQuiet(ctx context.Context, limit time.Duration) (busy float64, waited time.Duration) {
	start := time.Now()
	for {
		busy = machineBusy(500 * time.Millisecond)
		if busy < 0.15 || time.Since(start) >= limit || ctx.Err() != nil {
			return busy, time.Since(start)
		}
	}
}

// clkTck is USER_HZ, 100 on every Linux configuration Go supports here.
const clkTck = 100

// cpuSample is machine-wide and per-process CPU time, in clock ticks.
type cpuSample struct {
	at          time.Time
	total, busy uint64 // all CPUs, from /proc/stat
	server      uint64 // utime+stime of the server process
	self        uint64 // utime+stime of this process (the client)
}

func readCPU(serverPid int) cpuSample {
	s := cpuSample{at: time.Now()}
	if data, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(data), "\n")
		f := strings.Fields(line)
		if len(f) > 5 && f[0] == "cpu" {
			var vals []uint64
			for _, x := range f[1:] {
				n, _ := strconv.ParseUint(x, 10, 64)
				vals = append(vals, n)
			}
			// user nice system idle iowait irq softirq steal [guest…]
			for i, v := range vals {
				if i >= 8 {
					break // guest time is already in user
				}
				s.total += v
				if i != 3 && i != 4 {
					s.busy += v
				}
			}
		}
	}
	s.self = procCPU("self")
	if serverPid > 0 {
		s.server = procCPU(strconv.Itoa(serverPid))
	}
	return s
}

func procCPU(pid string) uint64 {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// Fields after the parenthesised command name; utime and stime are
	// fields 14 and 15 of the whole line.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	return u + st
}

// cpuUse is average cores used between two samples.
type cpuUse struct {
	Server float64 `json:"server_cores"`
	Client float64 `json:"client_cores"`
	Other  float64 `json:"other_cores"` // everything else on the machine
}

func cpuBetween(a, b cpuSample) cpuUse {
	secs := b.at.Sub(a.at).Seconds()
	if secs <= 0 {
		return cpuUse{}
	}
	cores := func(ticks uint64) float64 { return float64(ticks) / clkTck / secs }
	u := cpuUse{Server: cores(b.server - a.server), Client: cores(b.self - a.self)}
	u.Other = max(0, cores(b.busy-a.busy)-u.Server-u.Client)
	return u
}
