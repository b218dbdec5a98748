//go:build linux

package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"epolltutorial/tools/benchdata"
)

// NodelayConfig is the TCP_NODELAY scenario.
type NodelayConfig struct {
	RoundTrips int // ping-pong round trips per setting
	Requests   int // hey -n per chapter run
	Workers    int // hey -c
}

// Nodelay shows where TCP_NODELAY matters (a keep-alive exchange whose
// reply is written in two pieces) and that it does not under the
// article's one-request-per-connection load. It writes nodelay-pingpong.csv
// and nodelay-load.csv (the format of the recorded runs in docs/data) and
// nodelay.md.
func Nodelay(ctx context.Context, e *Env, cfg NodelayConfig) error {
	e.Printf("TCP_NODELAY\nmachine: %s\n\n", Machine(e.Root))
	e.Logf("ping-pong on one keep-alive connection, reply in two writes (header, then body): %d round trips per setting", cfg.RoundTrips)
	pp := benchdata.Data{Header: []string{"nodelay", "round_trips", "median_s", "p90_s", "max_s", "total_s"}}
	for _, nodelay := range []bool{false, true} {
		times, err := PingPong(nodelay, cfg.RoundTrips)
		if err != nil {
			return err
		}
		var secs []float64
		total := 0.0
		for _, d := range times {
			secs = append(secs, d.Seconds())
			total += d.Seconds()
		}
		name := "nodelay_off"
		if nodelay {
			name = "nodelay_on"
		}
		pp.Add(name, len(times), Median(secs), Percentile(secs, 90), Percentile(secs, 100), total)
	}
	FromData(pp).WriteText(e.Stdout)
	e.Printf("\nWithout TCP_NODELAY the body waits: Nagle's algorithm holds a small segment while earlier data is\n" +
		"unacknowledged, and the client delays its ACK (up to 40 ms on Linux) because it has nothing to send\n" +
		"until the reply is complete. With TCP_NODELAY the body leaves at once.\n\n")

	type variant struct {
		chapter string
		args    []string
	}
	variants := []variant{
		{"ch3-epoll-lt", nil}, {"ch6-nodelay", nil},
		{"ch3-epoll-lt", []string{"-split", "4"}}, {"ch6-nodelay", []string{"-split", "4"}},
	}
	const rounds = 3
	edges, _ := KernelEdges()
	stats := make([][]Stats, len(variants))
	for round := range rounds {
		for i, v := range variants {
			p, err := e.Chapter(ctx, v.chapter)
			if err != nil {
				return err
			}
			s, err := Start(p, nil, append([]string{"-backlog", "128"}, v.args...)...)
			if err != nil {
				return err
			}
			load := Load{URL: s.URL(), Requests: cfg.Requests, Workers: cfg.Workers, Timeout: 10 * time.Second}
			e.Logf("round %d/%d: %s %s: %s", round+1, rounds, v.chapter, strings.Join(v.args, " "), e.Hey.Command(load, true))
			reqs, elapsed, err := e.Hey.Run(ctx, load)
			if serr := s.Stop(s.PID()); err == nil {
				err = serr
			}
			if err != nil {
				return err
			}
			stats[i] = append(stats[i], Summarize(cfg.Requests, reqs, elapsed, edges))
		}
	}
	hey := benchdata.Data{Header: []string{"chapter", "flags", "requests_per_second", "p50_s", "p99_s", "failed"}}
	for i, v := range variants {
		med := func(f func(Stats) float64) float64 {
			var vals []float64
			for _, s := range stats[i] {
				vals = append(vals, f(s))
			}
			return Median(vals)
		}
		flags := "-backlog 128"
		for _, a := range v.args {
			flags += " " + a
		}
		hey.Add(v.chapter, flags, fmt.Sprintf("%.0f", med(func(s Stats) float64 { return s.RPS })),
			med(func(s Stats) float64 { return s.P50 }), med(func(s Stats) float64 { return s.P99 }),
			fmt.Sprintf("%.0f", med(func(s Stats) float64 { return float64(s.Failed) })))
	}
	e.Printf("hey -n %d -c %d, one request per connection, median of %d interleaved rounds:\n", cfg.Requests, cfg.Workers, rounds)
	FromData(hey).WriteText(e.Stdout)
	e.Printf("\nUnder the article's load the option changes nothing visible: each connection carries one request and\n" +
		"one response, written in one send right after the request arrived, when nothing is in flight, so Nagle\n" +
		"has nothing to wait for; and the server's shutdown sends whatever is still queued at once (a FIN is\n" +
		"never held back). With -split 4 the later pieces could wait for an ACK, but at the start of a\n" +
		"connection Linux ACKs at once (quick-ACK mode), so they do not wait long enough to see.\n")

	paths, err := writeData(e, "nodelay", named{"nodelay-pingpong", pp}, named{"nodelay-load", hey})
	if err != nil {
		return err
	}
	e.Printf("\nwrote %s\n", strings.Join(paths, ", "))
	return nil
}

// The ping-pong exchange: a small request, and a reply written as a header
// and then a body, as a keep-alive HTTP server that does not buffer would.
const (
	pingRequest = "GET / HTTP/1.1\r\nHost: load\r\n\r\n"
	pongHeader  = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
	pongBody    = "Hello, world!"
)

// PingPong times n request/reply round trips on one loopback connection,
// with the server's TCP_NODELAY set as asked (Go sets it by default; the
// chapters do not).
func PingPong(nodelay bool, n int) ([]time.Duration, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		conn := c.(*net.TCPConn)
		if err := conn.SetNoDelay(nodelay); err != nil {
			served <- err
			return
		}
		req := make([]byte, len(pingRequest))
		for {
			if _, err := io.ReadFull(conn, req); err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				served <- err
				return
			}
			if _, err := io.WriteString(conn, pongHeader); err != nil {
				served <- err
				return
			}
			if _, err := io.WriteString(conn, pongBody); err != nil {
				served <- err
				return
			}
		}
	}()
	client, err := net.DialTimeout("tcp4", ln.Addr().String(), 5*time.Second)
	if err != nil {
		return nil, err
	}
	// Bounded: far more than n round trips at 40 ms each.
	client.SetDeadline(time.Now().Add(time.Duration(n)*200*time.Millisecond + 5*time.Second))
	reply := make([]byte, len(pongHeader)+len(pongBody))
	var times []time.Duration
	for range n {
		start := time.Now()
		if _, err := io.WriteString(client, pingRequest); err != nil {
			client.Close()
			return times, err
		}
		if _, err := io.ReadFull(client, reply); err != nil {
			client.Close()
			return times, err
		}
		times = append(times, time.Since(start))
	}
	client.Close()
	return times, <-served
}
