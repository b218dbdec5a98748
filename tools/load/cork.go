//go:build linux

package load

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"epolltutorial/tools/benchdata"
)

// The chapters' response, byte for byte, and a request to get it.
const (
	chapterResponse = "HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\n" +
		"Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n" +
		"Hello, world!"
	chapterRequest = "GET / HTTP/1.0\r\nHost: load\r\n\r\n"
)

// CorkConfig is the TCP_CORK scenario.
type CorkConfig struct {
	Connections int // responses to count segments for, per chapter
	Split       int // the chapters' -split: sends per response
	Rounds      int // repetitions of the 200 ms demo
}

// Segments is how one response left the server.
type Segments struct {
	Out int // the server socket's tcpi_data_segs_out (-1: not readable)
	In  int // the client socket's tcpi_data_segs_in
}

// Cork compares the segments per response of chapter 3 and chapter 5, both
// writing the response in cfg.Split sends, then shows what happens when a
// cork is never removed. It writes cork-segments.csv and cork-ceiling.csv
// (the format of the recorded runs in docs/data) and cork.md.
func Cork(ctx context.Context, e *Env, cfg CorkConfig) error {
	e.Printf("TCP_CORK: the response written in %d sends (-split %d), %d connections per chapter\nmachine: %s\n\n",
		cfg.Split, cfg.Split, cfg.Connections, Machine(e.Root))
	segs := benchdata.Data{Header: []string{"chapter", "responses", "segments_out_min", "segments_out_max",
		"segments_in_min", "segments_in_max", "cork"}}
	for _, c := range []struct{ chapter, cork string }{
		{"ch3-epoll-lt", "cork_never"},
		{"ch5-tcpcork", "cork_while_writing"},
	} {
		p, err := e.Chapter(ctx, c.chapter)
		if err != nil {
			return err
		}
		got, err := countSegments(ctx, e, p, cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", c.chapter, err)
		}
		outMin, outMax := spread(got, func(s Segments) int { return s.Out })
		inMin, inMax := spread(got, func(s Segments) int { return s.In })
		segs.Add(c.chapter, len(got), outMin, outMax, inMin, inMax, c.cork)
	}
	FromData(segs).WriteText(e.Stdout)
	e.Printf("\nIn chapter 3 each send leaves at once, or as soon as Nagle's algorithm lets it (the client's ACK of the\n" +
		"piece before); in chapter 5 the cork holds the pieces until it is pulled, and they leave together.\n" +
		"(The client's count includes the FIN when it rides on the last data segment; a segment is a data\n" +
		"segment if it carries at least one byte.)\n\n")

	e.Logf("the 200 ms ceiling: cork a socket, write the response, time its arrival (%d rounds)", cfg.Rounds)
	ceiling := benchdata.Data{Header: []string{"arrival", "arrival_median_s", "min_s", "max_s"}}
	for _, uncork := range []bool{false, true} {
		var times []float64
		for range cfg.Rounds {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			d, err := CorkArrival(uncork)
			if err != nil {
				return err
			}
			times = append(times, d.Seconds())
		}
		name := "never_removed"
		if uncork {
			name = "removed_after_write"
		}
		ceiling.Add(name, Median(times), Percentile(times, 0), Percentile(times, 100))
	}
	FromData(ceiling).WriteText(e.Stdout)
	e.Printf("\nA corked socket sends a partial segment when the cork comes out, or at the latest 200 ms after the\n" +
		"data was queued (tcp(7)): forget to remove the cork and every response is 200 ms late.\n")

	paths, err := writeData(e, "cork", named{"cork-segments", segs}, named{"cork-ceiling", ceiling})
	if err != nil {
		return err
	}
	e.Printf("\nwrote %s\n", strings.Join(paths, ", "))
	return nil
}

// countSegments starts p with -split and, for each connection, reads the
// server socket's TCP_INFO through a duplicate of its fd and the client's
// own, once the response is in.
func countSegments(ctx context.Context, e *Env, p Program, cfg CorkConfig) ([]Segments, error) {
	s, err := Start(p, nil, "-split", strconv.Itoa(cfg.Split), "-backlog", "16")
	if err != nil {
		return nil, err
	}
	defer s.Stop(s.PID())
	e.Logf("%s -split %d: %d requests, one connection each", p.Name, cfg.Split, cfg.Connections)
	var out []Segments
	for range cfg.Connections {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		seg, err := oneResponse(s)
		if err != nil {
			return out, err
		}
		out = append(out, seg)
	}
	return out, s.Stop(s.PID())
}

func oneResponse(s *Server) (Segments, error) {
	seg := Segments{Out: -1}
	c, err := net.DialTimeout("tcp4", s.Addr, 5*time.Second)
	if err != nil {
		return seg, err
	}
	conn := c.(*net.TCPConn)
	defer conn.Close()
	dup, err := serverSocket(s.PID(), conn)
	if err != nil {
		return seg, err
	}
	defer unix.Close(dup)
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, chapterRequest); err != nil {
		return seg, err
	}
	got, err := io.ReadAll(conn)
	if err != nil {
		return seg, err
	}
	if string(got) != chapterResponse {
		return seg, fmt.Errorf("response %q", got)
	}
	in, err := tcpInfo(conn)
	if err != nil {
		return seg, err
	}
	seg.In = int(in.Data_segs_in)
	out, err := unix.GetsockoptTCPInfo(dup, unix.IPPROTO_TCP, unix.TCP_INFO)
	if err != nil {
		return seg, fmt.Errorf("getsockopt TCP_INFO on the server's socket: %w", err)
	}
	seg.Out = int(out.Data_segs_out)
	return seg, nil
}

// spread returns the fewest and the most of the values, as cells (empty
// when there are none).
func spread(segs []Segments, value func(Segments) int) (lo, hi string) {
	if len(segs) == 0 {
		return "", ""
	}
	var v []float64
	for _, s := range segs {
		v = append(v, float64(value(s)))
	}
	return fmt.Sprintf("%.0f", Percentile(v, 0)), fmt.Sprintf("%.0f", Percentile(v, 100))
}

// CorkArrival times the chapters' response from a corked socket to its
// peer, on a fresh loopback connection: with uncork the cork is removed
// right after the write, as chapter 5 does; without, it never is.
func CorkArrival(uncork bool) (time.Duration, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	client, err := net.DialTimeout("tcp4", ln.Addr().String(), 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer client.Close()
	accepted, err := ln.Accept()
	if err != nil {
		return 0, err
	}
	defer accepted.Close()
	server := accepted.(*net.TCPConn)
	// Go turns TCP_NODELAY on for every connection; the chapters do not.
	if err := server.SetNoDelay(false); err != nil {
		return 0, err
	}
	if err := setTCPOption(server, "TCP_CORK", unix.TCP_CORK, 1); err != nil {
		return 0, err
	}
	buf := make([]byte, len(chapterResponse))
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	if _, err := io.WriteString(server, chapterResponse); err != nil {
		return 0, err
	}
	if uncork {
		if err := setTCPOption(server, "TCP_CORK", unix.TCP_CORK, 0); err != nil {
			return 0, err
		}
	}
	if _, err := io.ReadFull(client, buf); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
