//go:build linux

package load

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"epolltutorial/tools/benchdata"
)

// The sweep is recorded in seconds, with the band columns named after this
// kernel's schedule, and laid out as the results page shows it.
func TestBacklogData(t *testing.T) {
	rows := []BacklogRow{
		{Backlog: 1, Stats: Stats{RPS: 24.3, P50: 0.0013, P99: 7.82, Max: 7.82, Failed: 73, Bands: Bands{74, 12, 0, 0}, Resent: 57},
			Listen: ListenDeltas{1061, 1061, 141}},
		{Backlog: 128, Stats: Stats{RPS: 1677, P50: 0.0229, P99: 0.191, Max: 0.208}},
	}
	d := BacklogData(rows, SynSchedule(4))
	var csv bytes.Buffer
	if err := d.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	want := "backlog,requests_per_second,p50_s,p99_s,max_s,failed,ListenOverflows,ListenDrops,SyncookiesSent," +
		"connect_1s,connect_2s,connect_3s,connect_4s_or_more,request_resent\n" +
		"1,24,0.0013,7.82,7.82,73,1061,1061,141,74,12,0,0,57\n" +
		"128,1677,0.0229,0.191,0.208,0,0,0,0,0,0,0,0,0\n"
	if csv.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", csv.String(), want)
	}
	var md bytes.Buffer
	FromData(d).WriteMarkdown(&md)
	for _, line := range []string{
		"| backlog | req/s | p50 | p99 | max | failed | ListenOverflows | ListenDrops | SyncookiesSent | connect ~1 s | ~2 s | ~3 s | ≥4 s | request resent |",
		"| 1 | 24 | 1.3 ms | 7.82 s | 7.82 s | 73 | 1061 | 1061 | 141 | 74 | 12 | 0 | 0 | 57 |",
	} {
		if !strings.Contains(md.String(), line+"\n") {
			t.Errorf("Markdown lacks\n%s\n%s", line, md.String())
		}
	}
	// The classic schedule names its bands after its own times.
	if k := BacklogData(nil, SynSchedule(0)).Header[9:13]; strings.Join(k, " ") != "connect_1s connect_3s connect_7s connect_15s_or_more" {
		t.Errorf("classic band keys %q", k)
	}
}

// Each chapter's C10K run is a column; a second chapter's run adds its
// column to the first's file, and running a chapter again replaces its own.
func TestC10KData(t *testing.T) {
	stuck := C10KResult{Chapter: "ch2-loop", Asked: 10000, Established: 4098, Accepted: 1, DialFailures: 128,
		OpenTime: 4900 * time.Millisecond, RSSBefore: 2458, RSSAfter: 2458, FileSoft: 20000, FileHard: 20000,
		Active: Summary{Errors: map[string]int{"timeout": 150}, Total: 5}, Listen: ListenDeltas{Overflows: 600}}
	serving := C10KResult{Chapter: "ch3-epoll-lt", Asked: 10000, Established: 10000, Accepted: 10000,
		OpenTime: 1100 * time.Millisecond, RSSBefore: 2662, RSSAfter: 7578, FileSoft: 20000, FileHard: 20000,
		Active: Summary{Statuses: map[int]int{200: 17092}, Total: 5.005, Slowest: 0.207,
			Percentiles: map[int]float64{50: 0.0114, 99: 0.0752}}}

	dir := t.TempDir()
	path := filepath.Join(dir, "c10k.csv")
	for _, r := range []C10KResult{stuck, serving, serving} {
		d := C10KData([]C10KResult{r})
		if earlier, err := benchdata.ReadDataFile(path); err == nil {
			d = earlier.Merge(d)
		}
		var b bytes.Buffer
		if err := d.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := benchdata.ReadDataFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(d.Header, ",") != "measure,ch2-loop,ch3-epoll-lt" {
		t.Fatalf("header %q", d.Header)
	}
	for _, c := range []struct {
		row, col string
		want     float64
	}{
		{"active_answered", "ch3-epoll-lt", 17092}, {"active_failed", "ch2-loop", 150},
		{"answered_per_second", "ch3-epoll-lt", 3415}, {"p99_s", "ch3-epoll-lt", 0.0752},
		{"rss_per_connection_b", "ch3-epoll-lt", 503}, {"listen_overflows", "ch2-loop", 600},
	} {
		got, _, err := d.Lookup(c.row, c.col)
		if err != nil || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s %s = %v, %v; want %v", c.row, c.col, got, err, c.want)
		}
	}
	// Nothing to tell for the chapter that answered nothing.
	for _, row := range []string{"p50_s", "rss_per_connection_b"} {
		if _, _, err := d.Lookup(row, "ch2-loop"); err == nil || !strings.Contains(err.Error(), "not measured") {
			t.Errorf("%s for ch2-loop: %v, want not measured", row, err)
		}
	}
	var md bytes.Buffer
	FromData(d).WriteMarkdown(&md)
	for _, line := range []string{"| p99 | – | 75.2 ms |", "| time to open them | 4.9 s | 1.1 s |", "| server RSS after | 2.4 MiB | 7.4 MiB |"} {
		if !strings.Contains(md.String(), line+"\n") {
			t.Errorf("Markdown lacks %s:\n%s", line, md.String())
		}
	}
}

// writeData writes each table's CSV and one Markdown file with all of them.
func TestWriteData(t *testing.T) {
	e := &Env{Out: t.TempDir()}
	a := benchdata.Data{Header: []string{"arrival", "arrival_median_s"}}
	a.Add("never_removed", 0.204)
	b := benchdata.Data{Header: []string{"nodelay", "round_trips"}}
	b.Add("nodelay_on", 50)
	paths, err := writeData(e, "both", named{"a", a}, named{"b", b})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 3 || filepath.Base(paths[2]) != "both.md" {
		t.Fatalf("paths %q", paths)
	}
	csv, _ := os.ReadFile(filepath.Join(e.Out, "a.csv"))
	md, _ := os.ReadFile(filepath.Join(e.Out, "both.md"))
	if string(csv) != "arrival,arrival_median_s\nnever_removed,0.204\n" {
		t.Errorf("a.csv:\n%s", csv)
	}
	want := "| cork | median arrival |\n|---|---:|\n| set, never removed | 204 ms |\n\n" +
		"| server's TCP_NODELAY | round trips |\n|---|---:|\n| on | 50 |\n"
	if string(md) != want {
		t.Errorf("both.md:\n%s\nwant:\n%s", md, want)
	}
}
