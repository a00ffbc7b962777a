// Command doctor diagnoses a deployment's live connection from outside, the
// way a person with a browser's network panel would: fetch the page, read
// its tokens, try the WebSocket upgrade and LongPoll with the page's origin,
// join the view, and report every step with pass/fail, timing and, for each
// failure, the precise fix.
//
//	doctor [-origin https://example.com] [-json] [-timeout 10s] https://host/movies
//
// It exits 1 when any step fails (for deploy checks).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/doctor/check"
)

func main() {
	origin := flag.String("origin", "", "Origin header to send (default: the URL's scheme://host)")
	asJSON := flag.Bool("json", false, "print the report as JSON")
	timeout := flag.Duration("timeout", 10*time.Second, "timeout for each step")
	socketPath := flag.String("socket", "/live", "the socket mount path")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: doctor [flags] URL")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	u, err := url.Parse(flag.Arg(0))
	if err != nil || u.Host == "" {
		fmt.Fprintln(os.Stderr, "doctor: give a full URL, e.g. https://example.com/movies")
		os.Exit(2)
	}
	jar, _ := cookiejar.New(nil)
	c := &check.Checker{
		Client:     &http.Client{Jar: jar, Timeout: *timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return nil }},
		Origin:     *origin,
		SocketPath: *socketPath,
		Timeout:    *timeout,
	}
	rep := c.Run(context.Background(), u)
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		print(os.Stdout, rep)
	}
	if !rep.OK {
		os.Exit(1)
	}
}

func print(w io.Writer, rep check.Report) {
	fmt.Fprintf(w, "doctor: %s (origin %s)\n", rep.URL, rep.Origin)
	for _, s := range rep.Steps {
		mark := "PASS"
		if !s.OK {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  [%s] %-24s %6.1f ms  %s\n", mark, s.Name, s.Millis, s.Detail)
		if s.Fix != "" {
			fmt.Fprintf(w, "         fix: %s\n", strings.ReplaceAll(s.Fix, "\n", "\n              "))
		}
	}
	if rep.OK {
		fmt.Fprintln(w, "result: the live connection works")
	} else {
		fmt.Fprintln(w, "result: FAILED")
	}
}
