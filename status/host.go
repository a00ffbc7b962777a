package status

import (
	"context"
	"runtime"

	"github.com/shirou/gopsutil/v4/disk"
	"github.com/shirou/gopsutil/v4/load"
	"github.com/shirou/gopsutil/v4/mem"
)

// HostMetrics is what the status page shows of the machine.
type HostMetrics struct {
	// Load1PerCore is the 1-minute load average divided by the core count
	// (0–1 means the cores keep up).
	Load1PerCore float64
	Cores        int
	MemTotal     uint64
	MemUsed      uint64
	MemPercent   float64
	Disks        []DiskUse
	Err          string // what could not be read, shown instead of a number
}

// DiskUse is one mount's use.
type DiskUse struct {
	Mount   string
	Total   uint64
	Percent float64
}

// ReadHost reads the host metrics from the kernel through gopsutil.
func ReadHost(ctx context.Context) HostMetrics {
	h := HostMetrics{Cores: runtime.NumCPU()}
	if l, err := load.AvgWithContext(ctx); err == nil {
		h.Load1PerCore = l.Load1 / float64(h.Cores)
	} else {
		h.Err = "load: " + err.Error()
	}
	if m, err := mem.VirtualMemoryWithContext(ctx); err == nil {
		h.MemTotal, h.MemUsed, h.MemPercent = m.Total, m.Used, m.UsedPercent
	} else {
		h.Err = "memory: " + err.Error()
	}
	parts, err := disk.PartitionsWithContext(ctx, false)
	if err != nil {
		h.Err = "disks: " + err.Error()
		return h
	}
	seen := map[string]bool{}
	for _, p := range parts {
		if seen[p.Mountpoint] {
			continue
		}
		seen[p.Mountpoint] = true
		u, err := disk.UsageWithContext(ctx, p.Mountpoint)
		if err != nil || u.Total == 0 {
			continue
		}
		h.Disks = append(h.Disks, DiskUse{Mount: p.Mountpoint, Total: u.Total, Percent: u.UsedPercent})
	}
	return h
}
