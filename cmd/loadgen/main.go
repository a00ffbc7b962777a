// Command loadgen opens many Phoenix sockets against a server running the
// echo channel (cmd/echoserver, or any server with echo on "echo:*"),
// joins "echo:<i>" on each, optionally drives open-loop "ping" push/reply
// traffic at a fixed aggregate rate, and reports round-trip latency.
//
//	loadgen -url http://127.0.0.1:4000/socket -transport websocket \
//	        -sockets 1000 -rate 5000 -duration 10s [-json]
//
// With -rate 0 the sockets stay open and idle for -hold, then close. Every
// run is bounded: -timeout caps the whole run.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cortex-cinegraph/golive/cmd/internal/socketload"
)

func main() {
	var (
		url         = flag.String("url", "http://127.0.0.1:4000/socket", "socket mount URL (…/websocket or …/longpoll is appended)")
		transport   = flag.String("transport", "websocket", "websocket or longpoll")
		sockets     = flag.Int("sockets", 100, "sockets to open, each joining echo:<i>")
		concurrency = flag.Int("concurrency", 200, "sockets being opened at once")
		rate        = flag.Float64("rate", 0, "aggregate ping rate, msgs/s (0: idle sockets)")
		duration    = flag.Duration("duration", 10*time.Second, "measured traffic duration")
		warmup      = flag.Duration("warmup", time.Second, "traffic before the measurement (not counted)")
		payload     = flag.Int("payload", 0, "pad ping payloads to about this many bytes")
		tick        = flag.Duration("tick", 0, "schedule granularity (default 1/rate, at least 100µs)")
		hold        = flag.Duration("hold", 0, "with -rate 0: keep the sockets open this long")
		timeout     = flag.Duration("timeout", 5*time.Minute, "hard limit for the whole run")
		asJSON      = flag.Bool("json", false, "print the results as JSON")
	)
	flag.Parse()
	if *sockets <= 0 {
		fmt.Fprintln(os.Stderr, "loadgen: -sockets must be positive")
		os.Exit(2)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	out := struct {
		Open    socketload.OpenResult     `json:"open"`
		Traffic *socketload.TrafficResult `json:"traffic,omitempty"`
		Error   string                    `json:"error,omitempty"`
	}{}
	code := 0
	fail := func(err error) {
		out.Error = err.Error()
		code = 1
	}

	load, open, err := socketload.Open(ctx, socketload.Config{
		URL:         *url,
		Transport:   *transport,
		Sockets:     *sockets,
		Concurrency: *concurrency,
	})
	out.Open = open
	if !*asJSON {
		fmt.Println(open.Text())
	}
	switch {
	case err != nil:
		fail(err)
	case open.Joined == 0:
		fail(fmt.Errorf("no socket joined"))
	case *rate > 0:
		tr, err := load.Traffic(ctx, socketload.TrafficConfig{
			Rate: *rate, Duration: *duration, Warmup: *warmup, PayloadBytes: *payload, Tick: *tick,
		})
		out.Traffic = &tr
		if err != nil {
			fail(err)
		} else if tr.Errors > 0 {
			code = 1
		}
		if !*asJSON {
			fmt.Print(tr.Text())
		}
	case *hold > 0:
		select {
		case <-time.After(*hold):
		case <-ctx.Done():
		}
	}
	if load != nil {
		load.Close()
	}
	if open.OpenErrors+open.JoinErrors > 0 {
		code = 1
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	} else if out.Error != "" {
		fmt.Fprintln(os.Stderr, "loadgen:", out.Error)
	}
	os.Exit(code)
}
