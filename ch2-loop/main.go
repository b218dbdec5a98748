//go:build linux

package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// A request ends at its first empty line. Like the article, accept a bare
// "\n\n" as well as the "\r\n\r\n" that HTTP asks for.
var (
	eol1 = []byte("\n\n")
	eol2 = []byte("\n\r\n")
)

// The article's response, byte for byte: HTTP/1.0, so the connection closes
// after it and the client needs no keep-alive logic. Every connection starts
// from this slice; send only re-slices it, never writes to it.
var response = []byte("HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\n" +
	"Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n" +
	"Hello, world!")

func main() {
	bindAddr := parseFlags()
	if err := serve(bindAddr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func serve(bindAddr *unix.SockaddrInet4) error {
	// The listening socket. CLOEXEC keeps it out of any child process.
	serverFD, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return os.NewSyscallError("socket", err)
	}
	defer closeFD(serverFD)
	// Rebind at once after a restart, even while old connections sit in TIME_WAIT.
	setOption(serverFD, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err := unix.Bind(serverFD, bindAddr); err != nil {
		return os.NewSyscallError("bind", err)
	}
	if err := unix.Listen(serverFD, *backlog); err != nil {
		return os.NewSyscallError("listen", err)
	}
	if err := announce(serverFD); err != nil {
		return err
	}

	// Python's try/finally: on SIGINT or SIGTERM, closeOnSignal closes the
	// listening socket and the connection in hand, and exits.
	open := closeOnSignal(serverFD)
	for {
		// One client at a time: while recv waits for this one, the next waits
		// in the listen queue (backlog+1 of them; the kernel drops the rest).
		connFD, address, err := accept(serverFD, unix.SOCK_CLOEXEC)
		if err != nil {
			report(err)
			continue
		}
		open.add(connFD)
		request := []byte{}
		for requestEnd(request) < 0 && err == nil {
			request, err = recv(connFD, request)
		}
		if end := requestEnd(request); end >= 0 {
			if !*quiet {
				fmt.Println(strings.Repeat("-", 40) + "\n" + printable(request[:end-2]))
			}
			out := response
			for err = nil; len(out) > 0 && err == nil; {
				out, err = send(connFD, out)
			}
		}
		if err != nil {
			dropped(address, err)
		}
		open.close(connFD)
	}
}
