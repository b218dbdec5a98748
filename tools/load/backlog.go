//go:build linux

package load

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"epolltutorial/tools/benchdata"
)

// BacklogConfig is the backlog experiment: the same load against the
// chapter started with each listen backlog in turn.
type BacklogConfig struct {
	Backlogs []int
	Workers  int           // hey -c: concurrent clients (the article: 100)
	Requests int           // hey -n, per backlog
	Timeout  time.Duration // hey -t: a request that takes longer fails
	Edges    Edges         // the SYN-retransmit bands (KernelEdges)
}

// BacklogRow is the outcome for one backlog.
type BacklogRow struct {
	Backlog int
	Stats   Stats
	Listen  ListenDeltas
	Dropped int // connections the server gave up on (it says so on stderr)
}

// Backlog runs the sweep against chapter, prints a row per backlog as it
// goes and the table at the end, and writes backlog-CHAPTER.{csv,md} and
// its chart in each language (ChartName) into the results folder. The CSV
// is BacklogData's, the format of the recorded sweeps in docs/data that the
// results pages' tables and charts are made from.
func Backlog(ctx context.Context, e *Env, chapter string, cfg BacklogConfig) ([]BacklogRow, error) {
	p, err := e.Chapter(ctx, chapter)
	if err != nil {
		return nil, err
	}
	somaxconn := ReadSysctl("net.core.somaxconn")
	e.Printf("Backlog sweep: %s, %d concurrent clients, %d requests per backlog, timeout %v\n",
		chapter, cfg.Workers, cfg.Requests, cfg.Timeout)
	e.Printf("machine: %s\n", Machine(e.Root))
	e.Printf("net.core.somaxconn = %d (caps any backlog), net.ipv4.tcp_syncookies = %d\n",
		somaxconn, ReadSysctl("net.ipv4.tcp_syncookies"))
	e.Printf("a connect that lost 1, 2, 3, 4 SYNs completes after %s (net.ipv4.tcp_syn_linear_timeouts = %d)\n\n",
		cfg.Edges, max(ReadSysctl("net.ipv4.tcp_syn_linear_timeouts"), 0))

	var rows []BacklogRow
	for _, b := range cfg.Backlogs {
		row, err := backlogOnce(ctx, e, p, b, cfg)
		if err != nil {
			return rows, fmt.Errorf("backlog %d: %w", b, err)
		}
		rows = append(rows, row)
		s := row.Stats
		e.Logf("backlog %3d: %6.0f req/s  p50 %-8s p99 %-8s max %-8s failed %-4d overflows %-5d drops %-5d cookies %-4d  connects in bands %v",
			b, s.RPS, formatSeconds(s.P50), formatSeconds(s.P99), formatSeconds(s.Max), s.Failed,
			row.Listen.Overflows, row.Listen.Drops, row.Listen.Cookies, s.Bands)
	}

	data := BacklogData(rows, cfg.Edges)
	table := FromData(data)
	e.Printf("\n")
	table.WriteText(e.Stdout)
	e.Printf("\n%s\n", BacklogReading(rows, cfg))

	base := "backlog-" + chapter
	type file struct {
		name  string
		write func(io.Writer) error
	}
	files := []file{{base + ".csv", data.WriteCSV}, {base + ".md", table.WriteMarkdown}}
	// A chart per language, drawn from the data as `make docs FIX=1` draws
	// the recorded ones, so a copied run shows the same pictures.
	for _, lang := range benchdata.Languages() {
		chart, err := BacklogChart(chapter, data, lang)
		if err != nil {
			return rows, err
		}
		files = append(files, file{ChartName(base, lang), chart.WriteSVG})
	}
	var paths []string
	for _, f := range files {
		path, err := e.WriteResult(f.name, f.write)
		if err != nil {
			return rows, err
		}
		paths = append(paths, path)
	}
	e.Printf("\nwrote %s\n", strings.Join(paths, ", "))
	return rows, nil
}

func backlogOnce(ctx context.Context, e *Env, p Program, backlog int, cfg BacklogConfig) (BacklogRow, error) {
	row := BacklogRow{Backlog: backlog}
	s, err := Start(p, nil, "-backlog", strconv.Itoa(backlog))
	if err != nil {
		return row, err
	}
	load := Load{URL: s.URL(), Requests: cfg.Requests, Workers: cfg.Workers, Timeout: cfg.Timeout}
	e.Logf("backlog %3d: %s", backlog, e.Hey.Command(load, true))
	before, err := ReadNetstat()
	if err != nil {
		s.Stop(s.PID())
		return row, err
	}
	stop := e.Ticking(fmt.Sprintf("backlog %d", backlog))
	reqs, raw, elapsed, herr := e.Hey.RunRaw(ctx, load)
	stop()
	after, nerr := ReadNetstat()
	serr := s.Stop(s.PID())
	for _, err := range []error{herr, nerr, serr} {
		if err != nil {
			return row, err
		}
	}
	// hey's own rows, for a closer look (results/raw/…).
	name := filepath.Join("raw", fmt.Sprintf("backlog-%s-%d.csv", p.Name, backlog))
	if _, err := e.WriteResult(name, func(w io.Writer) error { _, err := w.Write(raw); return err }); err != nil {
		return row, err
	}
	row.Stats = Summarize(cfg.Requests, reqs, elapsed, cfg.Edges)
	row.Listen = before.ListenDeltas(after)
	for _, line := range s.Stderr() {
		if strings.Contains(line, "dropped") {
			row.Dropped++
		}
	}
	return row, nil
}

// BacklogData is the sweep as recorded data: a row per backlog, the
// latencies in seconds, and a column per SYN band named after its time on
// this kernel (connect_1s … connect_4s_or_more; see Edges.Keys).
func BacklogData(rows []BacklogRow, edges Edges) benchdata.Data {
	keys := edges.Keys()
	d := benchdata.Data{Header: []string{"backlog", "requests_per_second", "p50_s", "p99_s", "max_s", "failed",
		"ListenOverflows", "ListenDrops", "SyncookiesSent", keys[0], keys[1], keys[2], keys[3], "request_resent"}}
	for _, r := range rows {
		s := r.Stats
		d.Add(r.Backlog, fmt.Sprintf("%.0f", s.RPS), s.P50, s.P99, s.Max,
			s.Failed, r.Listen.Overflows, r.Listen.Drops, r.Listen.Cookies,
			s.Bands[0], s.Bands[1], s.Bands[2], s.Bands[3], s.Resent)
	}
	return d
}

// BacklogReading says in words what the rows show: from which backlog on
// the kernel stopped dropping connections, and how the latency moved.
func BacklogReading(rows []BacklogRow, cfg BacklogConfig) string {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	clean := -1
	for i := len(rows) - 1; i >= 0; i-- {
		s := rows[i].Stats
		if rows[i].Listen.Overflows > 0 || s.Bands.Total() > 0 || s.Resent > 0 || s.Failed > 0 {
			break
		}
		clean = i
	}
	first, last := rows[0], rows[len(rows)-1]
	fmt.Fprintf(&b, "How to read it: at backlog %d the kernel dropped %d SYNs or handshake ACKs (ListenOverflows).\n",
		first.Backlog, first.Listen.Overflows)
	fmt.Fprintf(&b, "  %d requests connected late, after a lost SYN was sent again (bands at %s);\n",
		first.Stats.Bands.Total(), cfg.Edges)
	fmt.Fprintf(&b, "  %d waited ≥0.2 s for an answer once connected (\"request resent\"): the server had dropped the\n"+
		"  handshake's last ACK, then the request, on a full queue, and the client sent the request again after\n"+
		"  200 ms, 400 ms, 800 ms … until the queue had room;\n", first.Stats.Resent)
	fmt.Fprintf(&b, "  %d failed (no answer within %v); p99 was %s, against %s at backlog %d.\n",
		first.Stats.Failed, cfg.Timeout, formatSeconds(first.Stats.P99), formatSeconds(last.Stats.P99), last.Backlog)
	b.WriteString("Requests per second fall with the backlog because a run lasts as long as its unluckiest client,\n" +
		"and the server idles while clients wait out their timers.\n")
	switch {
	case clean == 0:
		b.WriteString("No backlog in the sweep overflowed: the server kept up with the clients.\n")
	case clean > 0:
		fmt.Fprintf(&b, "From backlog %d on, nothing overflowed and nothing waited for a retransmission (%d clients; the article\n"+
			"saw trouble below 50 with 100 clients).\n", rows[clean].Backlog, cfg.Workers)
	default:
		b.WriteString("Even the largest backlog saw drops: the clients outran the server, or other programs moved the counters\n" +
			"(they count for the whole network namespace).\n")
	}
	if math.IsNaN(first.Stats.P99) {
		b.WriteString("No request succeeded at the first backlog.\n")
	}
	return b.String()
}
