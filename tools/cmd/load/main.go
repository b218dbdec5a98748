//go:build linux

// Command load drives a chapter of the tutorial with hey and reports what
// happened. Each chapter's load.sh runs it with the chapter's number:
//
//	load -ch 1                 chapter 1: one request served, the rest fail
//	load -ch 3                 the backlog sweep (chapters 2 to 6)
//	load -ch 3 c10k            ten thousand idle connections, then load
//	load cork                  TCP_CORK: chapter 3 against chapter 5
//	load nodelay               TCP_NODELAY: a ping-pong demo, chapter 3 against 6
//	load bench                 CPU per request: chapters 2-6 against C and net/http
//
// Flags may come before or after the scenario's name. Results are printed
// and written into the results folder at the repository root.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"epolltutorial/tools/layout"
	"epolltutorial/tools/load"
)

var scenarios = map[string]string{
	"once":    "chapter 1: the first request is served, the server exits, the rest fail",
	"backlog": "sweep -backlog at fixed concurrency: latency, failures, listen-queue drops",
	"c10k":    "open -idle idle connections, then run hey: who keeps serving",
	"cork":    "TCP_CORK: segments per response in ch3 and ch5 with -split 4; the 200 ms ceiling",
	"nodelay": "TCP_NODELAY: a keep-alive ping-pong with and without it; ch3 against ch6",
	"bench":   "server CPU per request, user share and syscalls: ch2-ch6 against a C floor and net/http",
}

func main() {
	flags := flag.NewFlagSet("load", flag.ExitOnError)
	var (
		ch       = flags.Int("ch", 0, "chapter `N` (1 to 6); its default scenario is once (ch1) or backlog")
		out      = flags.String("out", "", "results `DIR` (default: results/ at the repository root)")
		workers  = flags.Int("c", 0, "concurrent clients (default: backlog 100, c10k 50, once 1, bench 50)")
		requests = flags.Int("n", 0, "requests per run (default: backlog 500, once 5, bench 20000, nodelay 2000)")
		timeout  = flags.Int("t", 0, "hey's per-request timeout in `seconds` (default: backlog 8, c10k 2, once 5)")
		backlogs = flags.String("backlogs", "1,8,16,32,50,64,100,128", "backlog sweep: comma-separated `list`")
		idle     = flags.Int("idle", 10000, "c10k: idle connections to open")
		listenQ  = flags.Int("backlog", 4096, "c10k: the server's -backlog (somaxconn caps it)")
		duration = flags.Duration("z", 5*time.Second, "c10k: how long hey runs beside the idle connections")
		rounds   = flags.Int("rounds", 3, "bench: interleaved rounds (the median is reported)")
		straceN  = flags.Int("strace-n", 2000, "bench: requests in the run under strace -c (0 skips it)")
		extra    = flags.String("extra", "", "bench: one more server to measure, `[NAME=]COMMAND`, run with sh -c; it must\n"+
			"listen on 127.0.0.1 at the port given in $PORT (or in place of {port}), answer\n"+
			"HTTP/1.0 requests and close, and stop on SIGTERM, e.g.\n"+
			"-extra 'python=python3 saved_example3.py'")
	)
	flags.Usage = func() {
		w := flags.Output()
		fmt.Fprintf(w, "usage: load [flags] [scenario] [flags]\n\nscenarios:\n")
		for _, name := range []string{"once", "backlog", "c10k", "cork", "nodelay", "bench"} {
			fmt.Fprintf(w, "  %-8s %s\n", name, scenarios[name])
		}
		fmt.Fprintf(w, "\nflags:\n")
		flags.PrintDefaults()
	}
	// Flags before and after the scenario's name.
	flags.Parse(os.Args[1:])
	scenario := ""
	if flags.NArg() > 0 {
		scenario = flags.Arg(0)
		flags.Parse(flags.Args()[1:])
		if flags.NArg() > 0 {
			fail(2, "unexpected argument %q", flags.Arg(0))
		}
	}

	chapter := ""
	if *ch != 0 {
		if *ch < 1 || *ch > len(layout.Chapters) {
			fail(2, "-ch %d: the chapters are 1 to %d", *ch, len(layout.Chapters))
		}
		chapter = layout.Chapters[*ch-1]
	}
	if scenario == "" {
		switch {
		case *ch == 1:
			scenario = "once"
		case *ch > 1:
			scenario = "backlog"
		default:
			flags.Usage()
			os.Exit(2)
		}
	}
	if _, ok := scenarios[scenario]; !ok {
		fail(2, "no scenario %q (try -h)", scenario)
	}
	needChapter := scenario == "once" || scenario == "backlog" || scenario == "c10k"
	if needChapter && chapter == "" {
		fail(2, "%s needs a chapter: -ch N", scenario)
	}
	if scenario == "once" && *ch != 1 || (scenario == "backlog" || scenario == "c10k") && *ch == 1 {
		fail(2, "%s: chapter 1 serves one connection and exits; run once with -ch 1, %s with -ch 2 to 6", scenario, scenario)
	}

	root, err := layout.Root()
	if err != nil {
		fail(1, "no go.work above the working directory: run from inside the repository")
	}
	if *out == "" {
		*out = filepath.Join(root, "results")
	} else if !filepath.IsAbs(*out) {
		*out = filepath.Join(root, *out)
	}

	// Ctrl-C stops hey and the servers (they get SIGINT too) and removes
	// the scratch folder.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	env, err := load.NewEnv(ctx, root, *out, os.Stderr, os.Stdout)
	if err != nil {
		fail(1, "%v", err)
	}
	defer env.Close()

	or := func(v, def int) int {
		if v > 0 {
			return v
		}
		return def
	}
	switch scenario {
	case "once":
		err = load.Once(ctx, env, chapter, load.OnceConfig{
			Requests: or(*requests, 5), Workers: or(*workers, 1), Timeout: time.Duration(or(*timeout, 5)) * time.Second})
	case "backlog":
		var list []int
		list, err = parseList(*backlogs)
		if err == nil {
			edges, _ := load.KernelEdges()
			_, err = load.Backlog(ctx, env, chapter, load.BacklogConfig{Backlogs: list, Edges: edges,
				Workers: or(*workers, 100), Requests: or(*requests, 500), Timeout: time.Duration(or(*timeout, 8)) * time.Second})
		}
	case "c10k":
		_, err = load.C10K(ctx, env, chapter, load.C10KConfig{Idle: *idle, Backlog: *listenQ,
			Workers: or(*workers, 50), Duration: *duration, Timeout: time.Duration(or(*timeout, 2)) * time.Second})
	case "cork":
		err = load.Cork(ctx, env, load.CorkConfig{Connections: or(*requests, 20), Split: 4, Rounds: 5})
	case "nodelay":
		err = load.Nodelay(ctx, env, load.NodelayConfig{RoundTrips: 50, Requests: or(*requests, 2000), Workers: or(*workers, 50)})
	case "bench":
		err = load.Bench(ctx, env, load.BenchConfig{Requests: or(*requests, 20000), Workers: or(*workers, 50),
			Rounds: *rounds, StraceRequests: *straceN, Extra: *extra})
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			fmt.Fprintln(os.Stderr, "load: interrupted")
		} else {
			fmt.Fprintln(os.Stderr, "load:", err)
		}
		env.Close()
		os.Exit(1)
	}
}

func parseList(s string) ([]int, error) {
	var list []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("-backlogs: %q is not a backlog", f)
		}
		list = append(list, n)
	}
	return list, nil
}

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "load: "+format+"\n", args...)
	os.Exit(code)
}
