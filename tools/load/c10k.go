//go:build linux

package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"epolltutorial/tools/benchdata"
)

// C10KConfig is the C10K demonstration: Idle connections that send
// nothing, then hey beside them for Duration.
type C10KConfig struct {
	Idle     int
	Backlog  int // the server's -backlog, so the queue is not what is tested
	Workers  int
	Duration time.Duration
	Timeout  time.Duration
}

// C10KResult is what the demonstration measured.
type C10KResult struct {
	Chapter            string
	Asked, Established int // idle connections asked for and set up (client side)
	Accepted           int // of those, how many the server accepted
	DialFailures       int
	OpenTime           time.Duration
	RSSBefore          int64 // KiB
	RSSAfter           int64 // KiB
	Active             Summary
	Listen             ListenDeltas // during the hey run
	FileSoft, FileHard int64        // the server's RLIMIT_NOFILE
}

// PerConnection is the server's resident memory per accepted idle
// connection, in bytes, or NaN if it accepted none.
func (r C10KResult) PerConnection() float64 {
	if r.Accepted == 0 {
		return math.NaN()
	}
	return float64(r.RSSAfter-r.RSSBefore) * 1024 / float64(r.Accepted)
}

// Bounds on the idle phase: each dial waits at most dialTimeout; dialing
// stops after dialers dials in a row have failed (the server is not taking
// connections), and after idleBudget in all.
const (
	dialers     = 64
	dialTimeout = 2 * time.Second
	idleBudget  = 40 * time.Second
)

// RaiseFileLimit raises this process's soft RLIMIT_NOFILE to the hard
// limit and returns both. Go's runtime raises its own soft limit at start-up
// but hands the original one to the processes it starts; setting it here
// explicitly makes hey and the servers inherit the raised limit too.
func RaiseFileLimit() (soft, hard uint64, err error) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return 0, 0, os.NewSyscallError("getrlimit", err)
	}
	lim.Cur = lim.Max
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return 0, 0, os.NewSyscallError("setrlimit", err)
	}
	return lim.Cur, lim.Max, nil
}

// C10K opens cfg.Idle idle connections to chapter, then runs hey beside
// them and reports who kept serving and what the idle connections cost.
func C10K(ctx context.Context, e *Env, chapter string, cfg C10KConfig) (C10KResult, error) {
	r := C10KResult{Chapter: chapter, Asked: cfg.Idle}
	p, err := e.Chapter(ctx, chapter)
	if err != nil {
		return r, err
	}
	soft, hard, err := RaiseFileLimit()
	if err != nil {
		return r, err
	}
	// Leave room for hey's sockets and the driver's own files.
	if room := int(hard) - 2*cfg.Workers - 200; cfg.Idle > room {
		e.Logf("RLIMIT_NOFILE hard limit %d leaves room for %d idle connections, not %d", hard, room, cfg.Idle)
		cfg.Idle = max(room, 0)
		r.Asked = cfg.Idle
	}
	e.Printf("C10K: %s, %d idle connections, then hey -c %d for %v\nmachine: %s\n", chapter, cfg.Idle, cfg.Workers, cfg.Duration, Machine(e.Root))
	e.Printf("driver RLIMIT_NOFILE: soft %d (raised to the hard limit), hard %d; net.core.somaxconn = %d\n\n",
		soft, hard, ReadSysctl("net.core.somaxconn"))

	s, err := Start(p, nil, "-backlog", strconv.Itoa(cfg.Backlog))
	if err != nil {
		return r, err
	}
	defer s.Stop(s.PID())
	if r.FileSoft, r.FileHard, err = ReadFileLimit(s.PID()); err != nil {
		return r, err
	}
	// A few requests first, so that RSS "before" includes what serving costs
	// without idle connections (buffers, the runtime's first allocations).
	warm := Load{URL: s.URL(), Requests: 20, Workers: 2, Timeout: 2 * time.Second}
	if _, _, err := e.Hey.Run(ctx, warm); err != nil {
		return r, err
	}
	if r.RSSBefore, err = ReadRSS(s.PID()); err != nil {
		return r, err
	}

	e.Logf("opening %d idle connections to %s (pid %d), %d dials at a time", cfg.Idle, s.Addr, s.PID(), dialers)
	begun := time.Now()
	conns, failures, why := openIdle(ctx, e, s.Addr, cfg.Idle)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	r.OpenTime = time.Since(begun)
	r.Established, r.DialFailures = len(conns), failures
	e.Logf("%d idle connections up in %.1f s, %d dials failed%s", len(conns), r.OpenTime.Seconds(), failures, why)
	if ctx.Err() != nil {
		return r, ctx.Err()
	}

	// Wait until the server's socket count stops growing: all accepted, or
	// (ch2) the server is stuck on the first one.
	r.Accepted = waitAccepted(s.PID(), len(conns))
	if r.RSSAfter, err = ReadRSS(s.PID()); err != nil {
		return r, err
	}
	e.Logf("the server accepted %d; RSS %d → %d KiB", r.Accepted, r.RSSBefore, r.RSSAfter)

	load := Load{URL: s.URL(), Workers: cfg.Workers, Duration: cfg.Duration, Timeout: cfg.Timeout}
	e.Logf("%s, beside the idle connections", e.Hey.Command(load, false))
	before, err := ReadNetstat()
	if err != nil {
		return r, err
	}
	stop := e.Ticking("hey")
	r.Active, _, err = e.Hey.RunSummary(ctx, load)
	stop()
	if err != nil {
		return r, err
	}
	after, err := ReadNetstat()
	if err != nil {
		return r, err
	}
	r.Listen = before.ListenDeltas(after)
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	if err := s.Stop(s.PID()); err != nil {
		return r, err
	}

	data := C10KData([]C10KResult{r})
	FromData(data).WriteText(e.Stdout)
	e.Printf("\n%s", c10kReading(r))
	// One table for every chapter run so far: this run's column replaces
	// the chapter's earlier one.
	if earlier, err := benchdata.ReadDataFile(filepath.Join(e.Out, "c10k.csv")); err == nil {
		data = earlier.Merge(data)
	}
	var paths []string
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"c10k.csv", data.WriteCSV},
		{"c10k.md", FromData(data).WriteMarkdown},
	} {
		path, err := e.WriteResult(f.name, f.write)
		if err != nil {
			return r, err
		}
		paths = append(paths, path)
	}
	e.Printf("\nwrote %s (columns: %s)\n", strings.Join(paths, ", "), strings.Join(data.Header[1:], ", "))
	return r, nil
}

// openIdle dials n connections that never send a byte.
func openIdle(ctx context.Context, e *Env, addr string, n int) (conns []net.Conn, failures int, why string) {
	ctx, cancel := context.WithTimeout(ctx, idleBudget)
	defer cancel()
	var (
		mu       sync.Mutex
		inARow   int // failures since the last success
		lastErr  error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, dialers)
		reported = 0
	)
	d := net.Dialer{Timeout: dialTimeout}
	for i := 0; i < n; i++ {
		mu.Lock()
		giveUp := inARow >= dialers
		mu.Unlock()
		if giveUp {
			why = fmt.Sprintf("; stopped after %d failures in a row (%v)", dialers, lastErr)
			break
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			why = fmt.Sprintf("; stopped after %v", idleBudget)
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			c, err := d.DialContext(ctx, "tcp4", addr)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures++
				inARow++
				lastErr = err
				if errors.Is(err, unix.EMFILE) {
					inARow = dialers // out of fds: no point in going on
				}
				return
			}
			inARow = 0
			conns = append(conns, c)
			if len(conns)/1000 > reported {
				reported = len(conns) / 1000
				e.Logf("  %d idle connections up", len(conns))
			}
		}()
	}
	wg.Wait()
	return conns, failures, why
}

// waitAccepted waits until the server holds want connections, or until
// its count of sockets has not moved for two seconds, and returns how many
// connections it holds (its sockets minus the listening one).
func waitAccepted(pid, want int) int {
	last, since := -1, time.Now()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		n, err := CountSockets(pid)
		if err != nil {
			return max(last-1, 0)
		}
		if n-1 >= want {
			return n - 1
		}
		if n != last {
			last, since = n, time.Now()
		} else if time.Since(since) > 2*time.Second {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return max(last-1, 0)
}

// C10KData is one or more results as recorded data: a row per measure,
// a column per chapter. Durations are in seconds, memory in MiB (bytes per
// connection); a cell is empty when there is nothing to tell: no latency
// without an answered request, no memory per connection for fewer than
// 100 accepted (RSS moves by more than that on its own).
func C10KData(results []C10KResult) benchdata.Data {
	d := benchdata.Data{Header: []string{"measure"}}
	for _, r := range results {
		d.Header = append(d.Header, r.Chapter)
	}
	row := func(name string, cell func(C10KResult) any) {
		cells := []any{name}
		for _, r := range results {
			cells = append(cells, cell(r))
		}
		d.Add(cells...)
	}
	answered := func(r C10KResult, v float64) any {
		if r.Active.OK() == 0 {
			return ""
		}
		return v
	}
	row("idle_asked", func(r C10KResult) any { return r.Asked })
	row("idle_set_up", func(r C10KResult) any { return r.Established })
	row("accepted", func(r C10KResult) any { return r.Accepted })
	row("dials_failed", func(r C10KResult) any { return r.DialFailures })
	row("open_time_s", func(r C10KResult) any { return r.OpenTime.Seconds() })
	row("rss_before_mib", func(r C10KResult) any { return float64(r.RSSBefore) / 1024 })
	row("rss_after_mib", func(r C10KResult) any { return float64(r.RSSAfter) / 1024 })
	row("rss_per_connection_b", func(r C10KResult) any {
		if r.Accepted < 100 {
			return ""
		}
		return fmt.Sprintf("%.0f", r.PerConnection())
	})
	row("nofile_soft", func(r C10KResult) any { return r.FileSoft })
	row("nofile_hard", func(r C10KResult) any { return r.FileHard })
	row("active_answered", func(r C10KResult) any { return r.Active.OK() })
	row("active_failed", func(r C10KResult) any { return r.Active.Failed() })
	row("answered_per_second", func(r C10KResult) any {
		if r.Active.Total == 0 {
			return ""
		}
		return fmt.Sprintf("%.0f", float64(r.Active.OK())/r.Active.Total)
	})
	row("p50_s", func(r C10KResult) any { return answered(r, r.Active.Percentile(50)) })
	row("p99_s", func(r C10KResult) any { return answered(r, r.Active.Percentile(99)) })
	row("max_s", func(r C10KResult) any { return answered(r, r.Active.Slowest) })
	row("listen_overflows", func(r C10KResult) any { return r.Listen.Overflows })
	return d
}

func c10kReading(r C10KResult) string {
	if r.Active.OK() == 0 {
		return fmt.Sprintf("%s answered none of the active requests: it is blocked in read on the first idle connection,\n"+
			"so it never calls accept again; the other idle connections fill the listen queue (backlog+1),\n"+
			"and every new SYN is dropped (ListenOverflows) until the client gives up.\n", r.Chapter)
	}
	msg := fmt.Sprintf("%s kept serving beside %d idle connections: epoll_wait reports only the sockets that are ready,\n"+
		"so an idle connection costs a map entry and a kernel socket, not a thread or a turn of the loop.\n", r.Chapter, r.Accepted)
	if per := r.PerConnection(); !math.IsNaN(per) {
		msg += fmt.Sprintf("User-space memory per idle connection: about %.0f bytes (the kernel's socket buffers are not in RSS).\n", per)
	}
	return msg
}
