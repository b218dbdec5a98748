//go:build linux

package main

import (
	"fmt"
	"os"

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
	// The listening socket. CLOEXEC keeps it out of any child process. The
	// deferred close runs when serve returns, like the article's last line.
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

	// Wait for one client. Without SOCK_NONBLOCK the new socket blocks: recv
	// and send below wait until they can do their work.
	connFD, address, err := accept(serverFD, unix.SOCK_CLOEXEC)
	if err != nil {
		return err
	}
	// Read until the request ends. recv fails if the client leaves first (the
	// article would loop on empty reads for ever) or sends too much.
	request := []byte{}
	for requestEnd(request) < 0 && err == nil {
		request, err = recv(connFD, request)
	}
	if requestEnd(request) >= 0 {
		if !*quiet {
			fmt.Println(printable(request))
		}
		// Even a blocking send may write less than asked: loop until done.
		out := response
		for err = nil; len(out) > 0 && err == nil; {
			out, err = send(connFD, out)
		}
	}
	if err != nil {
		dropped(address, err)
	}
	closeFD(connFD)
	return nil
}
