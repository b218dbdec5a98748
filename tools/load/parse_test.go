//go:build linux

package load

import (
	"math"
	"strings"
	"testing"
	"time"
)

// Three requests as hey v0.1.5 prints them with -o csv (columns: total,
// connect, DNS, write, wait, read, status, offset).
const heyCSV = `response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
0.0012,0.0003,0.0000,0.0001,0.0007,0.0001,200,0.0021
1.0154,1.0121,0.0000,0.0000,0.0030,0.0003,200,0.0100
3.4102,0.0002,0.0000,0.0001,3.4097,0.0002,200,0.0205
`

func TestParseCSV(t *testing.T) {
	reqs, err := ParseCSV(strings.NewReader(heyCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	want := Request{Total: 1.0154, Connect: 1.0121, DNS: 0, Write: 0, Wait: 0.0030, Read: 0.0003, Status: 200, Offset: 0.0100}
	if reqs[1] != want {
		t.Errorf("row 2 = %+v, want %+v", reqs[1], want)
	}
	if reqs[2].Wait != 3.4097 {
		t.Errorf("row 3 Response-delay = %v, want 3.4097", reqs[2].Wait)
	}
}

func TestParseCSVRejectsOtherOutput(t *testing.T) {
	for name, input := range map[string]string{
		"empty":          "",
		"summary output": "\nSummary:\n  Total:\t0.0110 secs\n",
		"columns swapped": "DNS+dialup,response-time,DNS,Request-write,Response-delay,Response-read,status-code,offset\n" +
			"0.1,0.2,0,0,0,0,200,0\n",
		"short row":  strings.SplitN(heyCSV, "\n", 2)[0] + "\n0.1,0.2,0\n",
		"not number": strings.SplitN(heyCSV, "\n", 2)[0] + "\n0.1,x,0,0,0,0,200,0\n",
		"bad status": strings.SplitN(heyCSV, "\n", 2)[0] + "\n0.1,0.1,0,0,0,0,2.5,0\n",
	} {
		if _, err := ParseCSV(strings.NewReader(input)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// The end of hey's default output, as printed by v0.1.5 (percent signs
// doubled, as the program really prints them).
const heySummary = `
Summary:
  Total:	10.0123 secs
  Slowest:	7.7399 secs
  Fastest:	0.0001 secs
  Average:	0.3310 secs
  Requests/sec:	49.9386

Latency distribution:
  10%% in 0.0004 secs
  50%% in 0.0011 secs
  99%% in 7.7399 secs

Status code distribution:
  [200]	479 responses
  [503]	2 responses

Error distribution:
  [21]	Get "http://127.0.0.1:8080/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)
  [3]	Get "http://127.0.0.1:8080/": dial tcp 127.0.0.1:8080: connect: connection refused
`

func TestParseSummary(t *testing.T) {
	s, err := ParseSummary(strings.NewReader(heySummary))
	if err != nil {
		t.Fatal(err)
	}
	if s.OK() != 481 || s.Statuses[503] != 2 {
		t.Errorf("statuses %v, want 479×200 and 2×503", s.Statuses)
	}
	if s.Failed() != 24 {
		t.Errorf("failed %d, want 24: %v", s.Failed(), s.Errors)
	}
	refused := `Get "http://127.0.0.1:8080/": dial tcp 127.0.0.1:8080: connect: connection refused`
	if s.Errors[refused] != 3 {
		t.Errorf("errors %v, want 3 refused", s.Errors)
	}
	if s.Total != 10.0123 || s.Slowest != 7.7399 {
		t.Errorf("total %v, slowest %v", s.Total, s.Slowest)
	}
	if s.Percentile(50) != 0.0011 || s.Percentile(99) != 7.7399 || !math.IsNaN(s.Percentile(95)) {
		t.Errorf("percentiles %v", s.Percentiles)
	}
}

func TestPercentile(t *testing.T) {
	values := []float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6} // 1..10, shuffled
	for _, c := range []struct{ p, want float64 }{
		{0, 1}, {10, 1}, {11, 2}, {50, 5}, {90, 9}, {99, 10}, {100, 10},
	} {
		if got := Percentile(values, c.p); got != c.want {
			t.Errorf("Percentile(1..10, %v) = %v, want %v", c.p, got, c.want)
		}
	}
	if values[0] != 5 {
		t.Error("Percentile sorted its argument")
	}
	if !math.IsNaN(Percentile(nil, 50)) {
		t.Error("Percentile of nothing is not NaN")
	}
	if got := Median([]float64{3, 1, 2, 4}); got != 2 {
		t.Errorf("Median(1..4) = %v, want 2 (nearest rank)", got)
	}
}

func TestSynSchedule(t *testing.T) {
	for _, c := range []struct {
		linear int
		want   Edges
		labels string
	}{
		{0, Edges{1, 3, 7, 15}, "~1 s ~3 s ~7 s ≥15 s"}, // classic: 1 s, doubling
		{4, Edges{1, 2, 3, 4}, "~1 s ~2 s ~3 s ≥4 s"},   // Linux ≥ 6.5 default
		{2, Edges{1, 2, 4, 8}, "~1 s ~2 s ~4 s ≥8 s"},
	} {
		got := SynSchedule(c.linear)
		if got != c.want {
			t.Errorf("SynSchedule(%d) = %v, want %v", c.linear, got, c.want)
		}
		l := got.Labels()
		if labels := strings.Join(l[:], " "); labels != c.labels {
			t.Errorf("labels %q, want %q", labels, c.labels)
		}
	}
}

func TestCountBands(t *testing.T) {
	connects := []float64{0.0002, 0.5, 0.96, 1.0121, 2.1, 2.9, 3.0, 6.8, 7.04, 14.5, 15.3, 31.0}
	var reqs []Request
	for _, c := range connects {
		reqs = append(reqs, Request{Connect: c})
	}
	// Classic: ~1 s: .96 1.01 2.1; ~3 s: 2.9 3.0; ~7 s: 6.8 7.04; ≥15 s: 14.5 15.3 31.
	if got, want := CountBands(reqs, SynSchedule(0)), (Bands{3, 2, 2, 3}); got != want {
		t.Errorf("classic: CountBands = %v, want %v", got, want)
	}
	// Linear: ~1 s: .96 1.01; ~2 s: 2.1; ~3 s: 2.9 3.0; ≥4 s: the other five.
	got := CountBands(reqs, SynSchedule(4))
	if want := (Bands{2, 1, 2, 5}); got != want {
		t.Errorf("linear: CountBands = %v, want %v", got, want)
	}
	if got.Total() != 10 {
		t.Errorf("Total = %d, want 10", got.Total())
	}
}

func TestSummarize(t *testing.T) {
	reqs, err := ParseCSV(strings.NewReader(heyCSV))
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize(5, reqs, 2*time.Second, SynSchedule(0))
	if s.OK != 3 || s.Failed != 2 || s.RPS != 1.5 {
		t.Errorf("OK %d failed %d rps %v, want 3, 2, 1.5", s.OK, s.Failed, s.RPS)
	}
	if s.P50 != 1.0154 || s.Max != 3.4102 {
		t.Errorf("p50 %v max %v", s.P50, s.Max)
	}
	if s.Bands != (Bands{1, 0, 0, 0}) || s.Resent != 1 {
		t.Errorf("bands %v resent %d, want [1 0 0 0] and 1", s.Bands, s.Resent)
	}
}

// Two groups as /proc/net/netstat has them (trimmed).
const netstat = `TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops
TcpExt: 12 3 859 861
IpExt: InNoRoutes InTruncatedPkts
IpExt: 0 7
`

func TestParseNetstat(t *testing.T) {
	before, err := ParseNetstat(strings.NewReader(netstat))
	if err != nil {
		t.Fatal(err)
	}
	if before["TcpExt"]["ListenDrops"] != 861 || before["IpExt"]["InTruncatedPkts"] != 7 {
		t.Errorf("parsed %v", before)
	}
	after, err := ParseNetstat(strings.NewReader(strings.Replace(netstat, "12 3 859 861", "20 3 900 905", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if d := before.ListenDeltas(after); d != (ListenDeltas{Overflows: 41, Drops: 44, Cookies: 8}) {
		t.Errorf("deltas %+v", d)
	}
	if d := before.Delta(after, "TcpExt", "NoSuchCounter"); d != 0 {
		t.Errorf("missing counter delta %d", d)
	}
	for name, bad := range map[string]string{
		"count mismatch": "TcpExt: A B\nTcpExt: 1\n",
		"group mismatch": "TcpExt: A\nIpExt: 1\n",
		"no values":      "TcpExt: A B\n",
		"not a number":   "TcpExt: A\nTcpExt: x\n",
		"no group":       "A B\n1 2\n",
	} {
		if _, err := ParseNetstat(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseStat(t *testing.T) {
	// The command name may hold spaces and parentheses.
	stat := "4242 (ch3 (epoll) lt) S 1 4242 4242 0 -1 4194560 312 0 0 0 137 29 0 0 20 0 5 0 123 0 0"
	got, err := ParseStat(stat)
	if err != nil {
		t.Fatal(err)
	}
	if got != (CPUTime{User: 137, System: 29}) {
		t.Errorf("ParseStat = %+v, want user 137 system 29", got)
	}
	if s := got.Sub(CPUTime{100, 20}).Seconds(); math.Abs(s-0.46) > 1e-9 {
		t.Errorf("Seconds = %v, want 0.46", s)
	}
	if _, err := ParseStat("4242 (x) S 1 2"); err == nil {
		t.Error("short stat: no error")
	}
}

func TestParseStatusAndLimits(t *testing.T) {
	status := "Name:\tch3-epoll-lt\nVmPeak:\t 1236 kB\nVmRSS:\t    7436 kB\nThreads:\t5\n"
	if kb, err := ParseStatusKB(status, "VmRSS"); err != nil || kb != 7436 {
		t.Errorf("VmRSS = %d, %v; want 7436", kb, err)
	}
	if _, err := ParseStatusKB(status, "VmSwap"); err == nil {
		t.Error("missing VmSwap: no error")
	}
	limits := "Limit                     Soft Limit           Hard Limit           Units     \n" +
		"Max processes             unlimited            unlimited            processes \n" +
		"Max open files            1024                 524288               files     \n"
	soft, hard, err := ParseLimit(limits, "Max open files")
	if err != nil || soft != 1024 || hard != 524288 {
		t.Errorf("Max open files = %d/%d, %v", soft, hard, err)
	}
	if soft, _, _ := ParseLimit(limits, "Max processes"); soft != -1 {
		t.Errorf("unlimited = %d, want -1", soft)
	}
}

func TestParseProcNetTCP(t *testing.T) {
	text := "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0\n" +
		"   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 31338 1 0000000000000000 20 4 30 10 -1\n"
	got, err := ParseProcNetTCP(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := []TCPEntry{
		{Local: "127.0.0.1:8080", Remote: "0.0.0.0:0", State: 10, Inode: "31337"},
		{Local: "127.0.0.1:8080", Remote: "127.0.0.1:54321", State: 1, Inode: "31338"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// strace -c's summary (strace 6), with and without an errors column.
const straceSummary = `% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 31.20    0.012480           6      2000           epoll_ctl
 25.00    0.010000          20       500       120 futex
 20.00    0.008000           8      1000           accept4
  0.10    0.000040          40         1           getsockname
------ ----------- ----------- --------- --------- ----------------
100.00    0.040000          11      3501       120 total
`

func TestParseStraceSummary(t *testing.T) {
	got, err := ParseStraceSummary(strings.NewReader(straceSummary))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"epoll_ctl": 2000, "futex": 500, "accept4": 1000, "getsockname": 1}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s: %d calls, want %d", name, got[name], n)
		}
	}
	if _, err := ParseStraceSummary(strings.NewReader("strace: exec: No such file\n")); err == nil {
		t.Error("no table: no error")
	}
}

func TestHeyVersionAndLoadArgs(t *testing.T) {
	l := Load{URL: "http://127.0.0.1:1/", Requests: 600, Workers: 100, Timeout: 10 * time.Second}
	if got := strings.Join(l.args(), " "); got != "-disable-keepalive -c 100 -t 10 -n 600 http://127.0.0.1:1/" {
		t.Errorf("args %q", got)
	}
	if l.Bound() != 60*time.Second {
		t.Errorf("bound %v, want 6 requests per worker × 10 s", l.Bound())
	}
	z := Load{URL: "u", Workers: 50, Duration: 5 * time.Second, Timeout: 500 * time.Millisecond}
	if got := strings.Join(z.args(), " "); got != "-disable-keepalive -c 50 -t 1 -z 5s u" {
		t.Errorf("timed args %q (hey's -t is whole seconds, at least 1)", got)
	}
}
