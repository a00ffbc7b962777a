package main

import (
	"strings"
	"testing"
)

// The report's heading and server line name what ran: an uploads-only
// run once said "Socket benchmark … cmd/echoserver".
func TestReportHeadingNamesWhatRan(t *testing.T) {
	uploads := (&report{Options: options{Scenarios: []string{uploadsScenario}}}).markdown()
	if !strings.HasPrefix(uploads, "# Benchmark: uploads\n") {
		t.Errorf("uploads-only heading: %q", firstLine(uploads))
	}
	for _, bad := range []string{"echoserver", "Socket benchmark", "## Summary"} {
		if strings.Contains(uploads, bad) {
			t.Errorf("uploads-only report mentions %q:\n%s", bad, uploads)
		}
	}
	sock := (&report{Options: options{Scenarios: []string{"ws-mem"}}, WSMem: &memResult{}}).markdown()
	if !strings.HasPrefix(sock, "# Benchmark: transport + echo channel\n") || !strings.Contains(sock, "`cmd/echoserver` as its own process") {
		t.Errorf("socket report heading or server line wrong:\n%s", sock)
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }
