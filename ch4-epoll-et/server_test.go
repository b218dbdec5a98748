//go:build linux

// The behaviour every chapter shares, tested the same way in each (`make sync`
// copies this file from ch1-blocking). What sets a chapter apart is in its
// main_test.go: the chapter value below and the tests of its own lesson.

package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// traits describes a chapter to the shared tests.
type traits struct {
	// oneShot: the server serves one connection and exits (chapter 1).
	oneShot bool
	// dashes: each echoed request follows a line of 40 dashes.
	dashes bool
	// blocking: one connection at a time, no epoll (chapters 1 and 2).
	blocking bool
}

// fresh returns a server for one more connection: a new one for a one-shot
// chapter, the same one otherwise.
func fresh(t *testing.T, s *server, flags ...string) *server {
	if s == nil || chapter.oneShot {
		return start(t, flags...)
	}
	return s
}

func TestListeningLineNamesTheBoundPort(t *testing.T) {
	s := start(t) // start fails unless the line names a real port, not 0
	if got := s.get(t, simpleRequest); got != wantResponse {
		t.Fatalf("response from %s = %q", s.addr, got)
	}
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-addr", "nowhere"},
		{"-addr", "127.0.0.1:99999"},
		{"-addr", "[::1]:8080"},
		{"-backlog", "-1"},
		{"-split", "0"},
		{"surplus"},
	} {
		cmd := serverCommand(args...)
		out, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != 2 {
			t.Errorf("%v: exit code %d (%v), want 2; output:\n%s", args, code, err, out)
		}
		if first, _, _ := strings.Cut(string(out), "\n"); !strings.Contains(first, args[0]) && !strings.Contains(first, args[len(args)-1]) {
			t.Errorf("%v: first line %q does not name the bad argument", args, first)
		}
	}
}

func TestResponseIsTheArticlesBytes(t *testing.T) {
	s := start(t)
	for _, request := range []string{
		"GET / HTTP/1.0\r\n\r\n",         // ends with EOL2, "\n\r\n"
		"GET / HTTP/1.0\n\n",             // ends with EOL1, "\n\n"
		"GET / HTTP/1.0\r\nA: b\r\n\r\n", // headers before the end
	} {
		s = fresh(t, s)
		if got := s.get(t, request); got != wantResponse {
			t.Errorf("request %q: response %q, want %q", request, got, wantResponse)
		}
	}
}

func TestRequestSplitOverSeveralWrites(t *testing.T) {
	s := start(t)
	conn := s.dial(t)
	pieces := []string{"GET / HT", "TP/1.0\r\nHost: split\r\n", "\r", "\n"}
	for _, piece := range pieces[:len(pieces)-1] {
		write(t, conn, piece)
		// Each piece reaches the server as a read of its own: the request end
		// ("\n\r\n") is split across the last two reads.
		waitUntilRead(t, conn)
	}
	write(t, conn, pieces[len(pieces)-1])
	if got := readAll(t, conn); got != wantResponse {
		t.Fatalf("response %q", got)
	}
	s.stdout.waitFor(t, "Host: split")
}

// -split 4 makes every send write a quarter of the response at most, as a
// full socket buffer or a signal can make a real send do. The article calls
// send once and forgets the rest; every chapter here sends the rest.
// sys_test.go's TestSendSplitsTheResponse counts the writes for every N.
func TestResponseWrittenInPieces(t *testing.T) {
	for _, n := range []string{"4", "64"} {
		var s *server
		for range 3 {
			s = fresh(t, s, "-split", n)
			if got := s.get(t, simpleRequest); got != wantResponse {
				t.Fatalf("-split %s: response %q", n, got)
			}
		}
	}
}

func TestNetHTTPClientReadsTheResponse(t *testing.T) {
	s := start(t)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: patience}
	for range 3 {
		s = fresh(t, s)
		resp, err := client.Get("http://" + s.addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || resp.Proto != "HTTP/1.0" || string(body) != "Hello, world!" ||
			resp.Header.Get("Content-Type") != "text/plain" || resp.ContentLength != 13 {
			t.Fatalf("got %s %d, headers %v, body %q", resp.Proto, resp.StatusCode, resp.Header, body)
		}
	}
}

func TestEchoesEachRequest(t *testing.T) {
	s := start(t)
	s.get(t, "GET /echo HTTP/1.0\r\nHost: echo\r\n\r\n")
	s.stdout.waitFor(t, "Host: echo")
	out := strings.Split(s.stdout.String(), "\n")
	i := indexOf(out, "GET /echo HTTP/1.0")
	if i < 0 || out[i+1] != "Host: echo" {
		t.Fatalf("stdout does not echo the request:\n%s", s.stdout)
	}
	if got := i > 0 && out[i-1] == strings.Repeat("-", 40); got != chapter.dashes {
		t.Fatalf("line of 40 dashes before the request: %v, want %v; stdout:\n%s", got, chapter.dashes, s.stdout)
	}
}

func TestQuietEchoesNothing(t *testing.T) {
	s := start(t, "-quiet")
	s.get(t, simpleRequest)
	if !chapter.oneShot {
		s.signal(t, unix.SIGTERM)
	}
	if code := s.wait(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if out := s.stdout.String(); out != "" {
		t.Fatalf("-quiet server wrote to stdout:\n%s", out)
	}
}

// The article decodes each request as UTF-8 to print it, and an exception
// ends the server. Here invalid bytes become U+FFFD, and control characters
// are escaped so that a client cannot drive the reader's terminal.
func TestEchoIsSafeForTerminals(t *testing.T) {
	s := start(t)
	if got := s.get(t, "GET /\xff\xfe\x1b[2J HTTP/1.0\r\n\r\n"); got != wantResponse {
		t.Fatalf("response %q", got)
	}
	line := s.stdout.waitFor(t, "GET /")
	if want := "GET /\uFFFD\uFFFD\\x1b[2J HTTP/1.0"; line != want {
		t.Fatalf("echo %q, want %q", line, want)
	}
	if !chapter.oneShot {
		if got := s.get(t, simpleRequest); got != wantResponse {
			t.Fatalf("after the bad bytes: %q", got)
		}
	}
}

// A client that ends its side before the request does. The article's
// level-triggered server spins on an EPOLLIN that never ends (recv keeps
// returning b”), and its blocking servers loop on empty reads for ever.
// Here the server drops the connection with one line and goes on.
func TestClientLeavesBeforeTheRequestEnds(t *testing.T) {
	for _, how := range []string{"half-close", "close", "reset"} {
		t.Run(how, func(t *testing.T) {
			s := start(t)
			conn := s.dial(t)
			write(t, conn, "GET / HTTP/1.0\r\n")
			waitUntilRead(t, conn)
			switch how {
			case "half-close":
				conn.CloseWrite()
				expectClosed(t, conn)
			case "close":
				conn.Close()
			case "reset":
				resetOnClose(t, conn)
				conn.Close()
			}
			want := map[string]string{
				"half-close": "dropped: the client closed the connection before its request ended",
				"close":      "dropped: the client closed the connection before its request ended",
				"reset":      "dropped: read: connection reset by peer",
			}[how]
			line := s.stderr.waitFor(t, "dropped:")
			if !strings.HasSuffix(line, want) || !strings.HasPrefix(line, "127.0.0.1:") {
				t.Fatalf("stderr line %q, want the client's address and %q", line, want)
			}
			if chapter.oneShot {
				if code := s.wait(t); code != 0 {
					t.Fatalf("exit code %d after the one connection", code)
				}
				return
			}
			if got := s.get(t, simpleRequest); got != wantResponse {
				t.Fatalf("next request: %q", got)
			}
		})
	}
}

// A client that resets the connection right after its request: whichever
// call sees the reset (read, write or shutdown), the server drops the
// connection and serves the next one. The article's server raises and dies.
func TestResetAfterTheRequest(t *testing.T) {
	if chapter.oneShot {
		t.Skip("chapter 1 serves one connection")
	}
	// A backlog of 32 holds the twenty: none waits out a SYN retransmission.
	s := start(t, "-backlog", "32")
	for range 20 {
		conn := s.dial(t)
		write(t, conn, simpleRequest)
		resetOnClose(t, conn)
		conn.Close()
	}
	if got := s.get(t, simpleRequest); got != wantResponse {
		t.Fatalf("after resets: %q", got)
	}
}

// A request that never ends must not grow the server's buffer without bound.
func TestOversizedRequestIsDropped(t *testing.T) {
	s := start(t)
	conn := s.dial(t)
	go func() {
		// Endless header lines; the write fails once the server has gone.
		line := strings.Repeat("x", 1000) + "\r\n"
		for i := 0; i < 1000; i++ {
			if _, err := io.WriteString(conn, line); err != nil {
				return
			}
		}
	}()
	line := s.stderr.waitFor(t, "dropped:")
	if !strings.HasSuffix(line, "dropped: request over 64 KiB without an empty line") {
		t.Fatalf("stderr line %q", line)
	}
	expectClosed(t, conn)
	if !chapter.oneShot {
		if got := s.get(t, simpleRequest); got != wantResponse {
			t.Fatalf("next request: %q", got)
		}
	}
}

// Signals interrupt system calls with EINTR. Go itself sends SIGURG to
// preempt goroutines; here the test sends a storm of them to every thread of
// the server (a signal sent to the process goes to one thread of the
// kernel's choosing, often not the one in epoll_wait) while it works, and
// every request must still be answered.
func TestSignalStormIsHarmless(t *testing.T) {
	s := start(t, "-quiet")
	stop := make(chan struct{})
	var storm sync.WaitGroup
	storm.Add(1)
	go func() {
		defer storm.Done()
		for {
			select {
			case <-stop:
				return
			default:
				for _, tid := range s.threads(t) {
					unix.Tgkill(s.pid(), tid, unix.SIGURG)
				}
			}
		}
	}()
	defer func() { close(stop); storm.Wait() }()
	n := 100
	if chapter.oneShot {
		n = 1
	}
	for i := range n {
		if got := s.get(t, simpleRequest); got != wantResponse {
			t.Fatalf("request %d: %q", i, got)
		}
	}
}

// After many connections, good and bad, the server holds the fds it started
// with: no connection's fd leaks.
func TestNoFDLeaks(t *testing.T) {
	if chapter.oneShot {
		t.Skip("chapter 1 serves one connection")
	}
	s := start(t, "-quiet")
	s.get(t, simpleRequest) // the runtime opens what it needs on first use
	s.get(t, simpleRequest)
	before := s.waitUntilIdle(t)
	for i := range 150 {
		conn := s.dial(t)
		switch i % 3 {
		case 0:
			write(t, conn, simpleRequest)
			readAll(t, conn)
		case 1:
			write(t, conn, "GET / HTTP/1.0\r\n")
			conn.CloseWrite()
			expectClosed(t, conn)
		case 2:
			resetOnClose(t, conn)
			conn.Close()
		}
	}
	if after := s.waitUntilIdle(t); len(after) != len(before) {
		t.Fatalf("fds before:\n%s\nafter:\n%s", strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
}

// Out of fds, accept fails with EMFILE and leaves the connection queued; a
// loop that only reports the error would retry at once, fail again and spin
// while the client waits for ever. The server closes such a connection
// instead, says so on stderr, and serves again once fds are free.
func TestOutOfFDsDropsNewConnections(t *testing.T) {
	if chapter.oneShot {
		t.Skip("chapter 1 serves one connection")
	}
	s := start(t, "-quiet", "-backlog", "16")
	s.get(t, simpleRequest)
	s.waitUntilIdle(t)
	var limit unix.Rlimit
	if err := unix.Prlimit(s.pid(), unix.RLIMIT_NOFILE, nil, &limit); err != nil {
		t.Fatal(os.NewSyscallError("prlimit", err))
	}
	// No room for one more fd: the next accept fails with EMFILE.
	full := unix.Rlimit{Cur: uint64(s.lowestFreeFD(t)), Max: limit.Max}
	if err := unix.Prlimit(s.pid(), unix.RLIMIT_NOFILE, &full, nil); err != nil {
		t.Fatal(os.NewSyscallError("prlimit", err))
	}
	if chapter.blocking {
		// A blocking accept4 takes its fd before it waits for a client, so
		// the one already waiting may still succeed: give it a client.
		answeredOrClosed(t, s)
	}
	shed := s.stderr.count("too many open files")
	for i := 1; i <= 3; i++ {
		conn := s.dial(t)
		write(t, conn, simpleRequest)
		expectClosed(t, conn)
		s.stderr.waitForCount(t, "too many open files", shed+i)
	}
	if err := unix.Prlimit(s.pid(), unix.RLIMIT_NOFILE, &limit, nil); err != nil {
		t.Fatal(os.NewSyscallError("prlimit", err))
	}
	if chapter.blocking {
		// The blocking accept that sheds the next client may already be
		// waiting, holding the spare fd's slot: give it a client.
		answeredOrClosed(t, s)
	}
	if got := s.get(t, simpleRequest); got != wantResponse {
		t.Fatalf("after the limit: %q; stderr:\n%s", got, s.stderr)
	}
}

// answeredOrClosed sends a request on a new connection and reads until the
// server answers or closes; either will do.
func answeredOrClosed(t *testing.T, s *server) {
	t.Helper()
	conn := s.dial(t)
	write(t, conn, simpleRequest)
	conn.SetReadDeadline(time.Now().Add(patience))
	io.ReadAll(conn)
}

// SIGINT and SIGTERM end the server cleanly: exit status 0, no stack trace,
// and every connection closed, silent ones included.
func TestStopsOnSignal(t *testing.T) {
	if chapter.oneShot {
		t.Skip("chapter 1 serves one connection and exits")
	}
	for _, sig := range []unix.Signal{unix.SIGINT, unix.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			s := start(t)
			s.get(t, simpleRequest)
			idle := s.dial(t)
			partial := s.dial(t)
			write(t, partial, "GET / HTTP/1.0\r\n")
			if !chapter.blocking {
				waitUntilRead(t, partial) // chapter 2 is still reading idle
			}
			s.signal(t, sig)
			if code := s.wait(t); code != 0 {
				t.Fatalf("exit code %d; stderr:\n%s", code, s.stderr)
			}
			expectClosed(t, idle)
			expectClosed(t, partial)
			// Two lines and no more: no stack trace, and no error from closing
			// an fd twice or one that a stale map entry still names.
			want := fmt.Sprintf("listening on %s\n%v: closing down", s.addr, sig)
			if got := s.stderr.String(); got != want {
				t.Fatalf("stderr:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// The listening line means "ready", signal handling included: SIGTERM sent
// the moment it appears ends the server with status 0, not by the signal's
// default action. Ten servers at once, since a gap would be a race.
func TestSignalRightAfterTheListeningLine(t *testing.T) {
	if chapter.oneShot {
		t.Skip("chapter 1 serves one connection and exits")
	}
	for i := range 10 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			t.Parallel()
			s := start(t, "-quiet")
			s.signal(t, unix.SIGTERM)
			if code := s.wait(t); code != 0 {
				t.Fatalf("exit code %d; stderr:\n%s", code, s.stderr)
			}
		})
	}
}

// stdout that nobody reads: a pipe whose reader never reads. The echo is a
// write like any other, and a blocking write to a full pipe waits for ever.
// The epoll chapters queue their echoes (and drop them, with one line on
// stderr, once the queue is full), so the loop goes on serving and still
// stops on SIGTERM. A blocking chapter waits on stdout as on everything
// else: its thread sits in write(1, …) and the next client is not served.
func TestUnreadStdout(t *testing.T) {
	if chapter.oneShot {
		t.Skip("chapter 1 serves one connection")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := startWith(t, w, "-backlog", "8")
	w.Close() // the server has its own copy
	// Each echo is over 16 KiB: a few fill the pipe (64 KiB), and a hundred
	// fill the epoll chapters' queue (1 MiB) as well.
	request := "GET / HTTP/1.0\r\nX-Fill: " + strings.Repeat("f", 16<<10) + "\r\n\r\n"
	if chapter.blocking {
		for range 3 {
			s.get(t, request)
		}
		conn := s.dial(t)
		write(t, conn, request)
		eventually(t, func() bool { return s.blockedWritingStdout(t) },
			func() string { return "the server never blocked writing to stdout" })
	} else {
		for i := range 100 {
			if got := s.get(t, request); got != wantResponse {
				t.Fatalf("request %d: %q", i, got)
			}
		}
		s.stderr.waitFor(t, "stdout is not keeping up")
	}
	s.signal(t, unix.SIGTERM)
	if code := s.wait(t); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, s.stderr)
	}
}

func indexOf(lines []string, line string) int {
	for i, l := range lines {
		if l == line {
			return i
		}
	}
	return -1
}
