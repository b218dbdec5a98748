//go:build linux

package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"epolltutorial/tools/benchdata"
)

// BenchConfig is the efficiency benchmark.
type BenchConfig struct {
	Requests       int // hey -n per measured run
	Workers        int // hey -c
	Rounds         int // interleaved rounds; medians are reported
	StraceRequests int // hey -n in the run under strace -c; 0 skips it
	// Extra is a server command to measure beside the others, such as a
	// saved copy of the article's example 3: "NAME=COMMAND" or "COMMAND"
	// (then named after its first word). See ParseExtra.
	Extra string
}

// ParseExtra reads -extra's value: "NAME=COMMAND", or a bare COMMAND named
// after the base name of its program ("python3 ex3.py" and
// "env QUIET=1 python3 ex3.py" are both python3). The command runs as
// sh -c "exec COMMAND", so that the process measured is the server: set
// variables with env, which execs too.
func ParseExtra(value string) (Program, error) {
	value = strings.TrimSpace(value)
	name, command, ok := strings.Cut(value, "=")
	if !ok || strings.ContainsAny(name, " \t\"'") || name == "" {
		command, name = value, ""
		for _, word := range strings.Fields(value) {
			if word != "env" && !strings.Contains(word, "=") {
				name = filepath.Base(word)
				break
			}
		}
		if name == "" {
			return Program{}, fmt.Errorf("-extra %q: no command", value)
		}
	}
	command = strings.TrimSpace(command)
	if command == "" {
		return Program{}, fmt.Errorf("-extra %q: no command after the name", value)
	}
	return Program{Name: name, Command: command}, nil
}

// Bench measures, for chapters 2 to 6, the C floor (when there is a C
// compiler), a net/http server with the same response and an extra server
// if given, the server's CPU time per request under hey, in interleaved
// rounds, and (when strace is installed) the system calls per request.
func Bench(ctx context.Context, e *Env, cfg BenchConfig) error {
	var programs []Program
	kinds := map[string]string{}
	for _, ch := range []string{"ch2-loop", "ch3-epoll-lt", "ch4-epoll-et", "ch5-tcpcork", "ch6-nodelay"} {
		p, err := e.Chapter(ctx, ch)
		if err != nil {
			return err
		}
		programs = append(programs, p)
		kinds[p.Name] = benchdata.Chapter
	}
	floor, err := e.Floor(ctx)
	switch {
	case errors.Is(err, ErrNoCompiler):
		e.Printf("%v: the C floor is left out (install one, e.g. apt-get install gcc)\n", err)
	case err != nil:
		return err
	default:
		programs = append(programs, floor)
		kinds[floor.Name] = benchdata.Floor
	}
	base, err := e.Baseline(ctx)
	if err != nil {
		return err
	}
	programs = append(programs, base)
	kinds[base.Name] = benchdata.Baseline
	if cfg.Extra != "" {
		extra, err := ParseExtra(cfg.Extra)
		if err != nil {
			return err
		}
		if kinds[extra.Name] != "" {
			return fmt.Errorf("-extra: the name %q is taken; name it with NAME=COMMAND", extra.Name)
		}
		programs = append(programs, extra)
		kinds[extra.Name] = benchdata.Extra
	}
	e.Printf("Efficiency: server CPU per request, hey -n %d -c %d, %d interleaved rounds (medians)\nmachine: %s\n\n",
		cfg.Requests, cfg.Workers, cfg.Rounds, Machine(e.Root))

	type sample struct{ perReq, user, rps float64 }
	samples := map[string][]sample{}
	for round := range cfg.Rounds {
		for i := range programs {
			// Rotate the order each round, so that no server always runs
			// first (or right after the same neighbour).
			p := programs[(i+round)%len(programs)]
			cpu, ok, rps, err := benchOnce(ctx, e, p, cfg)
			if err != nil {
				return fmt.Errorf("%s: %w", p.Name, err)
			}
			if ok == 0 || cpu.User+cpu.System == 0 {
				return fmt.Errorf("%s: no responses or no CPU time measured", p.Name)
			}
			s := sample{cpu.Seconds() / float64(ok), float64(cpu.User) / float64(cpu.User+cpu.System), rps}
			samples[p.Name] = append(samples[p.Name], s)
			e.Logf("round %d/%d %-13s %6.1f µs CPU per request, %4.1f%% user, %6.0f req/s",
				round+1, cfg.Rounds, p.Name, s.perReq*1e6, s.user*100, s.rps)
		}
	}

	rows := make([]benchdata.Row, len(programs))
	for i, p := range programs {
		col := func(f func(sample) float64) float64 {
			var v []float64
			for _, s := range samples[p.Name] {
				v = append(v, f(s))
			}
			return Median(v)
		}
		rows[i] = benchdata.Row{Server: p.Name, Kind: kinds[p.Name], CPU: col(func(s sample) float64 { return s.perReq }) * 1e6,
			UserShare: col(func(s sample) float64 { return s.user }), RPS: col(func(s sample) float64 { return s.rps }),
			Syscalls: math.NaN(), Futex: math.NaN()}
	}

	var calls *benchdata.Syscalls
	strace, lookErr := exec.LookPath("strace")
	switch {
	case cfg.StraceRequests <= 0:
	case lookErr != nil:
		e.Printf("strace is not installed, so the syscall columns are left out; to add them: apt-get install strace\n\n")
	default:
		// An extra server is left out: the start-up of an interpreter
		// would swamp its counts in a run this short.
		calls = &benchdata.Syscalls{Calls: map[string][]float64{}}
		traced := slices.DeleteFunc(slices.Clone(programs), func(p Program) bool { return p.Command != "" })
		for i, p := range traced {
			counted, err := straceRun(ctx, e, strace, p, cfg)
			if err != nil {
				return fmt.Errorf("%s under strace: %w", p.Name, err)
			}
			perReq := func(n int64) float64 { return float64(n) / float64(cfg.StraceRequests) }
			total := int64(0)
			for name, n := range counted {
				total += n
				if calls.Calls[name] == nil {
					calls.Calls[name] = make([]float64, len(traced))
				}
				calls.Calls[name][i] = perReq(n)
			}
			calls.Servers = append(calls.Servers, p.Name)
			r := &rows[slices.IndexFunc(rows, func(r benchdata.Row) bool { return r.Server == p.Name })]
			r.Syscalls = perReq(total)
			r.Futex = perReq(counted["futex"])
		}
	}

	results := benchdata.Results(rows, "en")
	FromBench(results).WriteText(e.Stdout)
	e.Printf("\n%s", benchReading(rows, calls != nil))
	if calls != nil {
		e.Printf("\nSystem calls per request, by name (strace -f -c, %d requests):\n", cfg.StraceRequests)
		FromBench(benchdata.SyscallTable(*calls, "en")).WriteText(e.Stdout)
	}
	csvPath, err := e.WriteResult("bench.csv", func(w io.Writer) error { return benchdata.WriteCSV(w, rows) })
	if err != nil {
		return err
	}
	written := []string{csvPath}
	if calls != nil {
		path, err := e.WriteResult("bench-syscalls.csv", calls.WriteCSV)
		if err != nil {
			return err
		}
		written = append(written, path)
	}
	mdPath, err := e.WriteResult("bench.md", func(w io.Writer) error {
		io.WriteString(w, results.Markdown())
		if calls != nil {
			io.WriteString(w, "\n"+benchdata.SyscallTable(*calls, "en").Markdown())
		}
		return nil
	})
	if err != nil {
		return err
	}
	written = append(written, mdPath)
	e.Printf("\nwrote %s\nTo record this run for the results pages: cp %s docs/data/ && make docs FIX=1\n",
		strings.Join(written, ", "), strings.Join(written[:len(written)-1], " "))
	return nil
}

// benchOnce starts p, warms it up, and measures its CPU time across one
// hey run.
func benchOnce(ctx context.Context, e *Env, p Program, cfg BenchConfig) (cpu CPUTime, ok int, rps float64, err error) {
	s, err := Start(p, nil, "-backlog", "128")
	if err != nil {
		return cpu, 0, 0, err
	}
	defer s.Stop(s.PID())
	warm := Load{URL: s.URL(), Requests: 1000, Workers: cfg.Workers, Timeout: 10e9}
	if _, _, err := e.Hey.Run(ctx, warm); err != nil {
		return cpu, 0, 0, err
	}
	before, err := ReadCPU(s.PID())
	if err != nil {
		return cpu, 0, 0, err
	}
	load := Load{URL: s.URL(), Requests: cfg.Requests, Workers: cfg.Workers, Timeout: 10e9}
	reqs, elapsed, err := e.Hey.Run(ctx, load)
	if err != nil {
		return cpu, 0, 0, err
	}
	after, err := ReadCPU(s.PID())
	if err != nil {
		return cpu, 0, 0, err
	}
	return after.Sub(before), len(reqs), float64(len(reqs)) / elapsed.Seconds(), s.Stop(s.PID())
}

// straceRun runs p under strace -f -c for one hey run and returns the
// system calls it made, by name.
func straceRun(ctx context.Context, e *Env, strace string, p Program, cfg BenchConfig) (map[string]int64, error) {
	out := e.TempPath("strace-" + strings.ReplaceAll(p.Name, "/", "-") + ".txt")
	s, err := Start(p, []string{strace, "-f", "-c", "-o", out}, "-backlog", "128")
	if err != nil {
		return nil, err
	}
	child, err := s.Child()
	if err != nil {
		s.Stop(s.PID())
		return nil, err
	}
	load := Load{URL: s.URL(), Requests: cfg.StraceRequests, Workers: cfg.Workers, Timeout: 10e9}
	e.Logf("%s under strace -f -c: %s", p.Name, e.Hey.Command(load, true))
	_, _, herr := e.Hey.Run(ctx, load)
	// Stop the server, not strace: strace writes its summary when the
	// traced process exits.
	serr := s.Stop(child)
	if herr != nil {
		return nil, herr
	}
	if serr != nil {
		return nil, serr
	}
	f, err := os.Open(out)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseStraceSummary(f)
}

// ParseStraceSummary reads the table that strace -c writes: one line per
// system call with "% time, seconds, usecs/call, calls, [errors,] syscall",
// between dashed rules, and a total line that is skipped.
func ParseStraceSummary(r io.Reader) (map[string]int64, error) {
	calls := map[string]int64{}
	scan := bufio.NewScanner(r)
	for scan.Scan() {
		f := strings.Fields(scan.Text())
		if len(f) < 5 || f[0] == "%" || strings.HasPrefix(f[0], "-") {
			continue
		}
		name := f[len(f)-1]
		if name == "total" {
			continue
		}
		if _, err := strconv.ParseFloat(f[0], 64); err != nil {
			continue
		}
		n, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("strace -c: calls for %s: %q", name, f[3])
		}
		calls[name] += n
	}
	if err := scan.Err(); err != nil {
		return nil, err
	}
	if len(calls) == 0 {
		return nil, fmt.Errorf("strace -c: no system calls in the summary")
	}
	return calls, nil
}

// benchReading says, under the table, what the ratios mean for the goal.
func benchReading(rows []benchdata.Row, traced bool) string {
	var b strings.Builder
	var floor, base, extra *benchdata.Row
	for i := range rows {
		switch rows[i].Kind {
		case benchdata.Floor:
			floor = &rows[i]
		case benchdata.Baseline:
			base = &rows[i]
		case benchdata.Extra:
			extra = &rows[i]
		}
	}
	if floor != nil {
		fmt.Fprintf(&b, "The C floor (chapter 3's loop in C) spends %.1f µs of CPU per request; net/http %.1f µs.\n", floor.CPU, base.CPU)
	} else {
		fmt.Fprintf(&b, "net/http spends %.1f µs of CPU per request; without the C floor there is no goal to check.\n", base.CPU)
	}
	if extra != nil {
		fmt.Fprintf(&b, "%s spends %.1f µs.\n", extra.Server, extra.CPU)
	}
	if floor != nil || extra != nil {
		fmt.Fprintf(&b, "Goal for the epoll chapters: at most %.2f× the C floor", benchdata.GoalFloor)
		if extra != nil {
			fmt.Fprintf(&b, " and at most %.2f× %s", benchdata.GoalExtra, extra.Server)
		}
		b.WriteString(".\n")
		for _, r := range rows {
			if g := benchdata.Goal(r, floor, extra, "en"); g != "–" {
				fmt.Fprintf(&b, "  %-13s", r.Server)
				if floor != nil {
					fmt.Fprintf(&b, " %.2f× C", r.CPU/floor.CPU)
				}
				if extra != nil {
					if floor != nil {
						b.WriteString(",")
					}
					fmt.Fprintf(&b, " %.2f× %s", r.CPU/extra.CPU, extra.Server)
				}
				fmt.Fprintf(&b, ": %s\n", g)
			}
		}
	}
	if traced {
		b.WriteString("The Go runtime shows in the futex column: when a goroutine stays in a blocking system\n" +
			"call (epoll_wait, accept, read), the runtime's sysmon thread may hand its processor to\n" +
			"another thread, which it wakes with futex. strace slows every system call down, which\n" +
			"makes hand-offs more frequent than in the untraced runs.\n")
	}
	return b.String()
}
