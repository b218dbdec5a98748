//go:build linux

package main

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// A request ends at its first empty line. Like the article, accept a bare
// "\n\n" as well as the "\r\n\r\n" that HTTP asks for.
var eol1 = []byte("\n\n")
var eol2 = []byte("\n\r\n")

// The article's response, byte for byte: HTTP/1.0, so the connection closes
// after it and the client needs no keep-alive logic. Every connection starts
// from this slice; send only re-slices it, never writes to it.
var response = []byte("HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\n" +
	"Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n" +
	"Hello, world!")

func main() {
	bindAddr := parseFlags()
	// The listening socket. CLOEXEC keeps it out of any child process.
	serverFD, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	must("socket", err)
	defer closeFD(serverFD)
	// Rebind at once after a restart, even while old connections sit in TIME_WAIT.
	setOption(serverFD, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	must("bind", unix.Bind(serverFD, bindAddr))
	must("listen", unix.Listen(serverFD, *backlog))

	// Python's try/finally: on SIGINT or SIGTERM, closeOnSignal closes the
	// listening socket and the connection in hand, and exits. It is in place
	// before the listening line, which tells a client the server is ready.
	open := closeOnSignal(serverFD)
	announce(serverFD)
	for {
		// One client at a time: while recv waits for this one, the next waits
		// in the listen queue (backlog+1 of them; the kernel drops the rest).
		connFD, address, err := accept(serverFD, unix.SOCK_CLOEXEC)
		if err != nil {
			report("accept4", err)
			continue
		}
		open.add(connFD)
		request, end := []byte{}, -1
		for end < 0 && err == nil {
			seen := len(request)
			request, err = recv(connFD, request)
			end = requestEnd(request, seen, eol1, eol2)
		}
		if end >= 0 {
			fmt.Fprintln(stdout, strings.Repeat("-", 40)+"\n"+printable(request[:end-2]))
			for out := response; len(out) > 0 && err == nil; {
				out, err = send(connFD, out)
			}
		}
		dropped(address, err)
		open.close(connFD)
	}
}
