//go:build linux

// Unit tests of the helpers in sys.go. sys.go is the same file in every
// chapter (tools/layout checks it), so these tests live here alone.

package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// naiveRequestEnd is requestEnd's specification: the shortest prefix of buf
// that ends with "\n\n" or "\n\r\n".
func naiveRequestEnd(buf []byte) int {
	for n := 2; n <= len(buf); n++ {
		if bytes.HasSuffix(buf[:n], eol1) || bytes.HasSuffix(buf[:n], eol2) {
			return n
		}
	}
	return -1
}

// FuzzRequestEnd checks requestEnd against its specification, both on the
// whole buffer and fed as a loop feeds it: the bytes arrive in two pieces, and
// the second call is told how much the first one saw. The seeds run in every
// `go test`; `go test -fuzz FuzzRequestEnd` searches further.
func FuzzRequestEnd(f *testing.F) {
	for _, seed := range []string{
		"", "\n", "\n\n", "\r\n\r\n", "\n\r\n", "\r\n\r",
		"GET / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.0\r\nHost: a\r\n\r\nextra",
		"a\n\r\n\n", "a\n\n\r\n", "\n\r\r\n\n", "\r\n\n",
	} {
		f.Add([]byte(seed), uint8(1))
	}
	f.Fuzz(func(t *testing.T, buf []byte, cut uint8) {
		want := naiveRequestEnd(buf)
		if got := requestEnd(buf, 0, eol1, eol2); got != want {
			t.Fatalf("requestEnd(%q) = %d, want %d", buf, got, want)
		}
		// The first piece must not show an end before the whole marker is
		// there; if it shows none, the second call finds the whole's end.
		k := int(cut) % (len(buf) + 1)
		got := requestEnd(buf[:k], 0, eol1, eol2)
		if want >= 0 && k >= want && got != want || (want < 0 || k < want) && got != -1 {
			t.Fatalf("requestEnd(%q[:%d]) = %d, whole ends at %d", buf, k, got, want)
		}
		if got < 0 {
			if got := requestEnd(buf, k, eol1, eol2); got != want {
				t.Fatalf("requestEnd(%q, seen %d) = %d, want %d", buf, k, got, want)
			}
		}
	})
}

// requestEnd looks only at what it has not seen, plus the bytes a marker split
// by the last read may begin with: a request that trickles in byte by byte is
// scanned once, not once per byte. A marker wholly inside the part already
// seen is not looked for again (the caller would have found it then).
func TestRequestEndScansOnlyNewBytes(t *testing.T) {
	buf := []byte("GET /\n\nxyz")
	if got := requestEnd(buf, 7, eol1, eol2); got != -1 {
		t.Fatalf("requestEnd(%q, seen 7) = %d: it scanned bytes seen before", buf, got)
	}
	// Split markers: "\n" seen, "\n" new; "\n\r" seen, "\n" new.
	for _, c := range []struct {
		buf  string
		seen int
	}{{"GET /\n\n", 6}, {"GET /\n\r\n", 7}, {"GET /\n\r\n", 6}} {
		if got := requestEnd([]byte(c.buf), c.seen, eol1, eol2); got != len(c.buf) {
			t.Errorf("requestEnd(%q, seen %d) = %d, want %d", c.buf, c.seen, got, len(c.buf))
		}
	}
}

// BenchmarkTrickle feeds requestEnd a 64 KiB request one byte at a time, as a
// slow client can: linear in the request's size.
func BenchmarkTrickle(b *testing.B) {
	request := append(bytes.Repeat([]byte("x"), maxRequest-4), "\r\n\r\n"...)
	for b.Loop() {
		for n := 1; n <= len(request); n++ {
			if requestEnd(request[:n], n-1, eol1, eol2) >= 0 && n != len(request) {
				b.Fatal("early end")
			}
		}
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"GET / HTTP/1.0\r\n":       "GET / HTTP/1.0\r\n",
		"tab\there":                "tab\there",
		"caf\xc3\xa9 \xe6\x97\xa5": "café 日",
		"\xff\xfe":                 "\uFFFD\uFFFD",
		"\xe6\x97":                 "\uFFFD\uFFFD", // a cut-off rune
		"\x1b[31mred":              `\x1b[31mred`,
		"bell\a del\x7f":           `bell\x07 del\x7f`,
		"c1 \xc2\x9b":              `c1 \x9b`,
	} {
		if got := printable([]byte(in)); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseAddr(t *testing.T) {
	for in, want := range map[string]string{
		"0.0.0.0:8080":   "0.0.0.0:8080",
		":8080":          "0.0.0.0:8080",
		"localhost:0":    "127.0.0.1:0",
		"127.0.0.2:9999": "127.0.0.2:9999",
	} {
		sa, err := parseAddr(in)
		if err != nil {
			t.Errorf("parseAddr(%q): %v", in, err)
			continue
		}
		if got := sockaddrString(sa); got != want {
			t.Errorf("parseAddr(%q) = %s, want %s", in, got, want)
		}
	}
	for _, in := range []string{"", "8080", "host:80", "::1:80", "[::1]:80", "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3:80"} {
		if sa, err := parseAddr(in); err == nil {
			t.Errorf("parseAddr(%q) = %v, want an error", in, sockaddrString(sa))
		}
	}
}

// socketPair returns two connected, non-blocking stream sockets.
func socketPair(t *testing.T) (int, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

func TestRecv(t *testing.T) {
	a, b := socketPair(t)
	if _, err := recv(a, nil); err != unix.EAGAIN {
		t.Fatalf("recv on an empty socket: %v, want bare EAGAIN", err)
	}
	if _, err := unix.Write(b, bytes.Repeat([]byte("x"), 3000)); err != nil {
		t.Fatal(err)
	}
	request, err := recv(a, []byte("ab"))
	if err != nil || len(request) != 2+1024 || string(request[:3]) != "abx" {
		t.Fatalf("recv = %d bytes %q…, %v; want the 2 given plus 1024 read", len(request), request[:3], err)
	}
	unix.Shutdown(b, unix.SHUT_WR)
	for err == nil {
		request, err = recv(a, request)
	}
	if err != errEarlyEOF || len(request) != 3002 {
		t.Fatalf("recv to the end: %d bytes, %v; want 3002 and errEarlyEOF", len(request), err)
	}
}

func TestRecvCapsTheRequest(t *testing.T) {
	a, b := socketPair(t)
	if _, err := unix.Write(b, []byte("y")); err != nil {
		t.Fatal(err)
	}
	request, err := recv(a, make([]byte, maxRequest))
	if err != errTooLarge || len(request) != maxRequest+1 {
		t.Fatalf("recv past the cap: %d bytes, %v; want errTooLarge", len(request), err)
	}
}

func TestRecvNamesTheSyscall(t *testing.T) {
	_, err := recv(-1, nil)
	if !errors.Is(err, unix.EBADF) || !strings.HasPrefix(err.Error(), "read: ") {
		t.Fatalf("recv(-1) = %v, want read: bad file descriptor", err)
	}
}

// -split N writes the response in exactly N pieces, for every N the flag
// takes, each piece one send; what arrives is the response.
func TestSendSplitsTheResponse(t *testing.T) {
	defer func(n int) { *split = n }(*split)
	for n := 1; n <= 64; n++ {
		*split = n
		a, b := socketPair(t)
		rest, sends := response, 0
		var err error
		for len(rest) > 0 && err == nil {
			rest, err = send(a, rest)
			sends++
		}
		if err != nil || sends != n {
			t.Errorf("-split %d: the response took %d sends (%v), want %d", n, sends, err, n)
		}
		buf := make([]byte, 1024)
		if got, _ := unix.Read(b, buf); string(buf[:max(got, 0)]) != string(response) {
			t.Errorf("-split %d: received %q", n, buf[:max(got, 0)])
		}
	}
	a, b := socketPair(t)
	unix.Close(b)
	if _, err := send(a, []byte("x")); !errors.Is(err, unix.EPIPE) || !strings.HasPrefix(err.Error(), "write: ") {
		t.Fatalf("send to a closed peer: %v, want write: broken pipe", err)
	}
}

// Out of fds, accept sheds every connection queued on a non-blocking
// listening socket, one line on stderr each, and returns EAGAIN only once
// the queue is empty; the spare fd is back in reserve after.
func TestAcceptShedsTheQueueWhenOutOfFDs(t *testing.T) {
	server, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(server)
	if err := unix.Bind(server, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(server, 8); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(server)
	if err != nil {
		t.Fatal(err)
	}
	var clients []int
	for range 3 {
		c, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(c)
		if err := unix.Connect(c, sa); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	if err := reserveFD(); err != nil {
		t.Fatal(err)
	}
	defer func() { unix.Close(spare); spare = -1 }()
	// No room for one more fd in this process while accept runs.
	var limit unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &limit); err != nil {
		t.Fatal(err)
	}
	probe, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(probe)
	full := limit
	full.Cur = uint64(probe)
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &full); err != nil {
		t.Fatal(err)
	}
	_, _, err = accept(server, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &limit); err != nil {
		t.Fatal(err)
	}
	if err != unix.EAGAIN {
		t.Fatalf("accept out of fds = %v, want EAGAIN once every connection is shed", err)
	}
	if fd, _, err := unix.Accept4(server, unix.SOCK_CLOEXEC); err != unix.EAGAIN {
		unix.Close(fd)
		t.Fatalf("accept returned with connections still queued (accept4: %v)", err)
	}
	if spare < 0 {
		t.Fatal("the spare fd was not taken back")
	}
	for i, c := range clients {
		// Each client was accepted and closed: it reads EOF (or a reset).
		buf := make([]byte, 1)
		if n, err := unix.Read(c, buf); n != 0 || err != nil && err != unix.ECONNRESET {
			t.Errorf("client %d: read = %d, %v; want the connection closed", i, n, err)
		}
	}
}
