//go:build linux

package load

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// BenchConfig is the efficiency benchmark.
type BenchConfig struct {
	Requests       int // hey -n per measured run
	Workers        int // hey -c
	Rounds         int // interleaved rounds; medians are reported
	StraceRequests int // hey -n in the run under strace -c; 0 skips it
}

// The goal the benchmark reports against, for the epoll chapters (3 to 6).
const (
	goalRatio     = 0.55 // at most this times net/http's CPU per request
	goalUserShare = 0.10 // at most this share of that CPU in user space
)

// BenchRow is one server's medians.
type BenchRow struct {
	Name       string
	CPUPerReq  float64 // seconds of server CPU (user+system) per response
	UserShare  float64 // user / (user+system)
	RPS        float64
	Syscalls   float64          // per request, under strace -c (NaN: not measured)
	PerSyscall map[string]int64 // calls by name, under strace
	Ratio      float64          // CPUPerReq / net/http's
}

// Bench measures, for chapters 2 to 6 and a net/http server with the same
// response, the server's CPU time per request under hey, in interleaved
// rounds, and (when strace is installed) the system calls per request.
func Bench(ctx context.Context, e *Env, cfg BenchConfig) error {
	var programs []Program
	for _, ch := range []string{"ch2-loop", "ch3-epoll-lt", "ch4-epoll-et", "ch5-tcpcork", "ch6-nodelay"} {
		p, err := e.Chapter(ctx, ch)
		if err != nil {
			return err
		}
		programs = append(programs, p)
	}
	base, err := e.Baseline(ctx)
	if err != nil {
		return err
	}
	programs = append(programs, base)
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

	rows := make([]BenchRow, len(programs))
	for i, p := range programs {
		col := func(f func(sample) float64) float64 {
			var v []float64
			for _, s := range samples[p.Name] {
				v = append(v, f(s))
			}
			return Median(v)
		}
		rows[i] = BenchRow{Name: p.Name, CPUPerReq: col(func(s sample) float64 { return s.perReq }),
			UserShare: col(func(s sample) float64 { return s.user }), RPS: col(func(s sample) float64 { return s.rps }),
			Syscalls: nanValue}
	}
	baseCPU := rows[len(rows)-1].CPUPerReq
	for i := range rows {
		rows[i].Ratio = rows[i].CPUPerReq / baseCPU
	}

	strace, lookErr := exec.LookPath("strace")
	switch {
	case cfg.StraceRequests <= 0:
	case lookErr != nil:
		e.Printf("strace is not installed, so the syscall columns are left out; to add them: apt-get install strace\n\n")
	default:
		for i, p := range programs {
			calls, err := straceRun(ctx, e, strace, p, cfg)
			if err != nil {
				return fmt.Errorf("%s under strace: %w", p.Name, err)
			}
			total := int64(0)
			for _, n := range calls {
				total += n
			}
			rows[i].Syscalls = float64(total) / float64(cfg.StraceRequests)
			rows[i].PerSyscall = calls
		}
	}

	t := BenchTable(rows, cfg.StraceRequests)
	t.WriteText(e.Stdout)
	e.Printf("\n%s", benchReading(rows, cfg))
	csvPath, err := e.WriteResult("bench.csv", t.WriteCSV)
	if err != nil {
		return err
	}
	mdPath, err := e.WriteResult("bench.md", func(w io.Writer) error {
		if err := t.WriteMarkdown(w); err != nil {
			return err
		}
		if rows[0].PerSyscall != nil {
			io.WriteString(w, "\n")
			return SyscallTable(rows, cfg.StraceRequests).WriteMarkdown(w)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if rows[0].PerSyscall != nil {
		e.Printf("\nSystem calls per request, by name (strace -f -c, %d requests):\n", cfg.StraceRequests)
		SyscallTable(rows, cfg.StraceRequests).WriteText(e.Stdout)
	}
	e.Printf("\nwrote %s, %s\n", csvPath, mdPath)
	return nil
}

var nanValue = Percentile(nil, 50)

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

// BenchTable lays out the medians.
func BenchTable(rows []BenchRow, straceN int) Table {
	t := Table{Header: []string{"server", "CPU per request", "× net/http", "user share", "req/s"}}
	traced := len(rows) > 0 && rows[0].PerSyscall != nil
	if traced {
		t.Header = append(t.Header, "syscalls per request", "futex per request")
	}
	t.Header = append(t.Header, fmt.Sprintf("goal (≤%.2f×, user ≤%.0f%%)", goalRatio, goalUserShare*100))
	for _, r := range rows {
		cells := []any{r.Name, fmt.Sprintf("%.1f µs", r.CPUPerReq*1e6), fmt.Sprintf("%.2f", r.Ratio),
			fmt.Sprintf("%.1f%%", r.UserShare*100), fmt.Sprintf("%.0f", r.RPS)}
		if traced {
			cells = append(cells, fmt.Sprintf("%.1f", r.Syscalls), fmt.Sprintf("%.2f", float64(r.PerSyscall["futex"])/float64(straceN)))
		}
		cells = append(cells, goal(r))
		t.Add(cells...)
	}
	return t
}

func goal(r BenchRow) string {
	switch r.Name {
	case "ch3-epoll-lt", "ch4-epoll-et", "ch5-tcpcork", "ch6-nodelay":
	default:
		return "–"
	}
	var missed []string
	if r.Ratio > goalRatio {
		missed = append(missed, "CPU")
	}
	if r.UserShare > goalUserShare {
		missed = append(missed, "user share")
	}
	if len(missed) == 0 {
		return "met"
	}
	return "missed: " + strings.Join(missed, ", ")
}

// SyscallTable shows, per server, the calls per request of the system calls
// that any server makes at least 0.05 times per request.
func SyscallTable(rows []BenchRow, straceN int) Table {
	names := map[string]bool{}
	for _, r := range rows {
		for name, n := range r.PerSyscall {
			if float64(n)/float64(straceN) >= 0.05 {
				names[name] = true
			}
		}
	}
	var list []string
	for name := range names {
		list = append(list, name)
	}
	slices.Sort(list)
	t := Table{Header: append([]string{"syscall"}, func() []string {
		var h []string
		for _, r := range rows {
			h = append(h, r.Name)
		}
		return h
	}()...)}
	for _, name := range list {
		cells := []any{name}
		for _, r := range rows {
			cells = append(cells, fmt.Sprintf("%.2f", float64(r.PerSyscall[name])/float64(straceN)))
		}
		t.Add(cells...)
	}
	return t
}

func benchReading(rows []BenchRow, cfg BenchConfig) string {
	var b strings.Builder
	base := rows[len(rows)-1]
	fmt.Fprintf(&b, "net/http spends %.1f µs of CPU per request (%.0f%% of it in user space). ", base.CPUPerReq*1e6, base.UserShare*100)
	b.WriteString("Goal for the epoll chapters: at most " +
		fmt.Sprintf("%.2f× that, with at most %.0f%% in user space.\n", goalRatio, goalUserShare*100))
	for _, r := range rows[:len(rows)-1] {
		fmt.Fprintf(&b, "  %-13s %.2f× net/http, %.1f%% user: %s\n", r.Name, r.Ratio, r.UserShare*100, goal(r))
	}
	if rows[0].PerSyscall != nil {
		futex := 0.0
		for _, r := range rows[:len(rows)-1] {
			futex = max(futex, float64(r.PerSyscall["futex"])/float64(cfg.StraceRequests))
		}
		fmt.Fprintf(&b, "The Go runtime shows in the futex column (up to %.2f per request in the chapters): when a goroutine\n"+
			"stays in a blocking system call (epoll_wait, accept, read) for more than about 20 µs, the runtime's\n"+
			"sysmon thread takes its processor away and hands it to another thread, which it wakes with futex; on\n"+
			"return the syscall must get a processor back. strace slows every system call down, which makes\n"+
			"hand-offs more frequent than in the untraced runs.\n", futex)
	}
	return b.String()
}
