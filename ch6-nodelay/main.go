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
	// accept must never block the loop: the socket is non-blocking.
	if err := unix.SetNonblock(serverFD, true); err != nil {
		return os.NewSyscallError("fcntl", err)
	}
	// Accepted sockets inherit TCP_NODELAY: small writes leave at once, no Nagle.
	setOption(serverFD, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)

	// The epoll instance, and the listening socket in its interest list:
	// EPOLLIN on a listening socket means a connection is waiting in the queue.
	epollFD, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return os.NewSyscallError("epoll_create1", err)
	}
	defer closeFD(epollFD)
	if err := epollCtl(epollFD, unix.EPOLL_CTL_ADD, serverFD, unix.EPOLLIN); err != nil {
		return err
	}

	// Python's try/finally: SIGINT or SIGTERM ends the loop, and the deferred
	// calls release the fds. Each connection's state lives in maps keyed by fd.
	stop := stopOnSignal()
	connections := map[int]unix.Sockaddr{}
	requests := map[int][]byte{}
	responses := map[int][]byte{}
	// drop forgets a connection: out of the interest list first (once closed,
	// the fd number goes to the next accept), then closed, then out of every
	// map. why, when not nil, is reported on stderr with the client's address.
	drop := func(fd int, why error) {
		dropped(connections[fd], why)
		report(epollCtl(epollFD, unix.EPOLL_CTL_DEL, fd, 0))
		closeFD(fd)
		delete(connections, fd)
		delete(requests, fd)
		delete(responses, fd)
	}
	defer func() {
		for fd := range connections {
			drop(fd, nil)
		}
		report(epollCtl(epollFD, unix.EPOLL_CTL_DEL, serverFD, 0))
	}()
	if err := announce(serverFD); err != nil {
		return err
	}

	events := make([]unix.EpollEvent, 64)
	for !stop.Load() {
		// Wait at most 1000 ms (the article's one second) for events.
		n, err := epollWait(epollFD, events, 1000)
		if err != nil {
			return err
		}
		for _, event := range events[:n] {
			fd := int(event.Fd)
			switch {
			// The listening socket: a new connection, made non-blocking by accept4.
			case fd == serverFD:
				connFD, address, err := accept(serverFD, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
				if err != nil {
					report(err)
					continue
				}
				if err := epollCtl(epollFD, unix.EPOLL_CTL_ADD, connFD, unix.EPOLLIN); err != nil {
					report(err)
					closeFD(connFD)
					continue
				}
				connections[connFD] = address
				requests[connFD] = []byte{}
				responses[connFD] = response

			// Data to read. A request that ends switches the socket to EPOLLOUT.
			// EOF, ECONNRESET or an oversized request drop the connection.
			case event.Events&unix.EPOLLIN != 0:
				var err error
				requests[fd], err = recv(fd, requests[fd])
				if end := requestEnd(requests[fd]); end >= 0 {
					if err := epollCtl(epollFD, unix.EPOLL_CTL_MOD, fd, unix.EPOLLOUT); err != nil {
						drop(fd, err)
						continue
					}
					if !*quiet {
						fmt.Println(strings.Repeat("-", 40) + "\n" + printable(requests[fd][:end-2]))
					}
				} else if err != nil && err != unix.EAGAIN {
					drop(fd, err)
				}

			// Room to write. Once the whole response is out, stop watching
			// (events 0) and shut the socket down; EPOLLHUP follows.
			case event.Events&unix.EPOLLOUT != 0:
				var err error
				responses[fd], err = send(fd, responses[fd])
				if err != nil && err != unix.EAGAIN {
					drop(fd, err)
				} else if len(responses[fd]) == 0 {
					if err := epollCtl(epollFD, unix.EPOLL_CTL_MOD, fd, 0); err != nil {
						drop(fd, err)
					} else if err := shutdown(fd); err != nil {
						drop(fd, err)
					}
				}

			// EPOLLHUP (and EPOLLERR) are reported even with no events asked
			// for. Here it follows the server's own shutdown: close and forget.
			case event.Events&(unix.EPOLLHUP|unix.EPOLLERR) != 0:
				drop(fd, nil)
			}
		}
	}
	return nil
}
