//go:build linux

package load

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Percentile returns the p-th percentile (0 < p <= 100) of values by the
// nearest-rank method: the smallest value with at least p% of the values at
// or below it. It returns NaN for no values. values need not be sorted.
func Percentile(values []float64, p float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Median is the 50th percentile, by the same rule.
func Median(values []float64) float64 { return Percentile(values, 50) }

// Edges are the times at which the bands of connect times start: the
// moments a client's connect completes when its first, second, third and
// fourth SYN went unanswered. The client sends a SYN again when its
// retransmission timer fires: classically after 1 s, then 2 s, then 4 s
// (doubling), so a connect that needed k retransmissions took 1, 3, 7 or
// 15 s. Since Linux 6.5 the first net.ipv4.tcp_syn_linear_timeouts (4 by
// default) retransmissions come 1 s apart instead: 1, 2, 3, 4 s, then 6 s.
type Edges [4]float64

// SynSchedule returns the edges for a kernel whose first linear SYN
// retransmissions use a constant 1 s timeout (0 for the classic schedule).
func SynSchedule(linear int) Edges {
	var e Edges
	t, rto := 0.0, 1.0
	for k := range e {
		t += rto
		e[k] = t
		if k+1 >= linear {
			rto *= 2
		}
	}
	return e
}

// KernelEdges reads net.ipv4.tcp_syn_linear_timeouts (absent before Linux
// 6.5: the classic schedule) and returns this kernel's edges.
func KernelEdges() (Edges, int) {
	linear := max(ReadSysctl("net.ipv4.tcp_syn_linear_timeouts"), 0)
	return SynSchedule(linear), linear
}

// Labels name the bands: "~1 s", "~3 s", "~7 s", "≥15 s".
func (e Edges) Labels() [4]string {
	var l [4]string
	for i, t := range e {
		l[i] = "~" + trimZeros(fmt.Sprintf("%.1f", t)) + " s"
	}
	l[3] = "≥" + l[3][len("~"):]
	return l
}

// Keys name the bands' columns in the recorded data: connect_1s,
// connect_3s, connect_7s, connect_15s_or_more (benchdata says them in words).
func (e Edges) Keys() [4]string {
	var k [4]string
	for i, t := range e {
		k[i] = "connect_" + trimZeros(fmt.Sprintf("%.1f", t)) + "s"
	}
	k[3] += "_or_more"
	return k
}

// String lists the edges: "1, 3, 7, 15 s".
func (e Edges) String() string {
	return fmt.Sprintf("%g, %g, %g, %g s", e[0], e[1], e[2], e[3])
}

// Bands counts requests by the number of SYNs their connection needed:
// Bands[0] those that connected in about Edges[0] (one SYN lost), Bands[1]
// in about Edges[1], Bands[2] in about Edges[2], Bands[3] in Edges[3] or
// more.
type Bands [len(Edges{})]int

// bandSlack allows for the microseconds before the first SYN leaves: a
// band starts at 95% of its time.
const bandSlack = 0.95

// CountBands sorts each request's connect time into the bands. Connects
// faster than the first band are not counted.
func CountBands(reqs []Request, edges Edges) Bands {
	var b Bands
	for _, r := range reqs {
		for i := len(edges) - 1; i >= 0; i-- {
			if r.Connect >= edges[i]*bandSlack {
				b[i]++
				break
			}
		}
	}
	return b
}

// Total is how many requests fell in any band.
func (b Bands) Total() int {
	n := 0
	for _, c := range b {
		n += c
	}
	return n
}

// resendThreshold: a response that took this long to start, on loopback,
// means the request itself was sent again. When the handshake's last ACK
// arrives at a full accept queue, the server drops it (ListenOverflows)
// but the client's connect has already returned; the request then goes
// unanswered until a retransmission finds room, after the client's
// retransmission timeout: 200 ms at least on Linux, doubling each time.
// Without drops, the wait is a few milliseconds.
const resendThreshold = 0.18

// Stats summarises one hey run.
type Stats struct {
	Sent     int     // requests asked for (0 when the run was timed: unknown)
	OK       int     // responses received
	Non200   int     // responses with another status than 200
	Failed   int     // Sent - OK (0 when unknown)
	Seconds  float64 // wall time of the run
	RPS      float64 // OK / Seconds
	P50, P99 float64 // of the response time, seconds
	Max      float64
	Bands    Bands // connect times in the SYN-retransmit bands
	Resent   int   // waited ≥ 0.18 s for the first byte: the request was resent
	// ConnectP99 and WaitP99 split the p99 response time into its two
	// main parts: getting a connection and waiting for the answer.
	ConnectP99, WaitP99 float64
}

// Summarize computes Stats for a run of sent requests (0 if timed) that
// returned reqs in elapsed wall time, with connect times banded by edges.
func Summarize(sent int, reqs []Request, elapsed time.Duration, edges Edges) Stats {
	s := Stats{Sent: sent, OK: len(reqs), Seconds: elapsed.Seconds()}
	if sent > 0 {
		s.Failed = sent - len(reqs)
	}
	if s.Seconds > 0 {
		s.RPS = float64(s.OK) / s.Seconds
	}
	total := make([]float64, len(reqs))
	connect := make([]float64, len(reqs))
	wait := make([]float64, len(reqs))
	for i, r := range reqs {
		total[i], connect[i], wait[i] = r.Total, r.Connect, r.Wait
		if r.Status != 200 {
			s.Non200++
		}
		if r.Wait >= resendThreshold {
			s.Resent++
		}
	}
	s.P50 = Percentile(total, 50)
	s.P99 = Percentile(total, 99)
	s.Max = Percentile(total, 100)
	s.ConnectP99 = Percentile(connect, 99)
	s.WaitP99 = Percentile(wait, 99)
	s.Bands = CountBands(reqs, edges)
	return s
}
