//go:build linux

package load

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The article's response, byte for byte, as the chapters send it.
const articleResponse = "HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\n" +
	"Content-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!"

// buildFloor compiles tools/floor/floor.c, or skips the test without a C
// compiler: the bench then leaves the C row out, and so may the tests.
func buildFloor(t *testing.T) Program {
	t.Helper()
	if _, err := CCompiler(); errors.Is(err, ErrNoCompiler) {
		t.Skipf("skipped: %v; the bench leaves the C floor out without one", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	p, err := BuildFloor(ctx, filepath.Dir(wd), t.TempDir())
	if err != nil {
		t.Fatal(err) // warnings are errors: -Wall -Wextra -Werror
	}
	return p
}

// ask sends request on a new connection and returns all the server sends
// back before it closes the connection.
func ask(t *testing.T, addr string, request ...string) string {
	t.Helper()
	conn, err := net.Dial("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	for _, piece := range request {
		if _, err := io.WriteString(conn, piece); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := io.Copy(&b, conn); err != nil {
		t.Fatalf("reading the answer to %q: %v", strings.Join(request, ""), err)
	}
	return b.String()
}

// The C floor keeps the chapters' contract: the listening line with the
// bound port, the article's bytes for both ways a request may end (also
// when the end arrives in pieces), clients that give up or send too much
// are dropped without harm, and SIGTERM ends it with status 0.
func TestFloorContract(t *testing.T) {
	p := buildFloor(t)
	s, err := Start(p, nil, "-backlog", "16")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop(s.PID())
	if _, port, err := net.SplitHostPort(s.Addr); err != nil || port == "0" || !strings.HasPrefix(s.Addr, "127.0.0.1:") {
		t.Fatalf("listening on %q: want 127.0.0.1 and the port bound", s.Addr)
	}
	for _, request := range [][]string{
		{"GET / HTTP/1.0\r\n\r\n"},
		{"GET / HTTP/1.0\n\n"},
		{"GET / HTTP/1.0\r\nHost: x\r\n", "\r", "\n"},
	} {
		if got := ask(t, s.Addr, request...); got != articleResponse {
			t.Errorf("answer to %q:\n%q\nwant\n%q", strings.Join(request, ""), got, articleResponse)
		}
	}

	// A client that closes before its request ends, and one whose request
	// outgrows the 64 KiB cap, are dropped (the latter with a line on
	// stderr); the server goes on serving.
	conn, err := net.Dial("tcp4", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, "GET / HTTP/1.0\r\n")
	conn.Close()
	big, err := net.Dial("tcp4", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer big.Close()
	big.SetDeadline(time.Now().Add(10 * time.Second))
	// The server drops the connection after 64 KiB; the write may fail
	// with a reset then, which is the point.
	big.Write(bytes.Repeat([]byte("x"), 70<<10))
	if n, err := io.Copy(io.Discard, big); n != 0 || err != nil && !isReset(err) {
		t.Errorf("oversized request: read %d bytes, %v; want the connection closed", n, err)
	}
	if got := ask(t, s.Addr, "GET / HTTP/1.0\r\n\r\n"); got != articleResponse {
		t.Errorf("after the dropped clients: %q", got)
	}
	if err := s.Stop(s.PID()); err != nil {
		t.Errorf("SIGTERM: %v (want exit status 0)", err)
	}
	if !slicesContain(s.Stderr(), "request over 64 KiB") {
		t.Errorf("stderr has no line about the oversized request: %q", s.Stderr())
	}
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}

func slicesContain(lines []string, part string) bool {
	return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, part) })
}
