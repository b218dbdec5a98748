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

// FuzzRequestEnd checks requestEnd against its specification, and that a
// request read in two pieces ends where the whole one does. The seeds run in
// every `go test`; `go test -fuzz FuzzRequestEnd` searches further.
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
		if got := requestEnd(buf); got != want {
			t.Fatalf("requestEnd(%q) = %d, want %d", buf, got, want)
		}
		// The loops call requestEnd on every prefix as bytes arrive: it must
		// not see an end before the whole marker is there.
		k := int(cut) % (len(buf) + 1)
		got := requestEnd(buf[:k])
		if want >= 0 && k >= want && got != want || (want < 0 || k < want) && got != -1 {
			t.Fatalf("requestEnd(%q[:%d]) = %d, whole ends at %d", buf, k, got, want)
		}
	})
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

func TestSendSplitsTheResponse(t *testing.T) {
	a, b := socketPair(t)
	defer func(n int) { *split = n }(*split)
	*split = 4
	rest, err := send(a, response)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(response) - (len(response)+3)/4; len(rest) != want {
		t.Fatalf("-split 4: %d bytes left after one send, want %d", len(rest), want)
	}
	sends := 1
	for len(rest) > 0 && err == nil {
		rest, err = send(a, rest)
		sends++
	}
	if sends != 4 {
		t.Fatalf("-split 4: the response took %d sends, want 4", sends)
	}
	buf := make([]byte, 1024)
	n, _ := unix.Read(b, buf)
	if string(buf[:n]) != string(response) {
		t.Fatalf("received %q", buf[:n])
	}
	unix.Close(b)
	if _, err := send(a, []byte("x")); !errors.Is(err, unix.EPIPE) || !strings.HasPrefix(err.Error(), "write: ") {
		t.Fatalf("send to a closed peer: %v, want write: broken pipe", err)
	}
}
