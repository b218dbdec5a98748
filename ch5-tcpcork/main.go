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
	// The listening socket, as in chapter 2.
	serverFD, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	must("socket", err)
	defer closeFD(serverFD)
	setOption(serverFD, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	must("bind", unix.Bind(serverFD, bindAddr))
	must("listen", unix.Listen(serverFD, *backlog))
	// accept must never block the loop: the socket is non-blocking.
	must("fcntl", unix.SetNonblock(serverFD, true))

	// The epoll instance, and the listening socket in its interest list:
	// EPOLLIN on a listening socket means a connection is waiting in the queue.
	epollFD, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	must("epoll_create1", err)
	defer closeFD(epollFD)
	must("epoll_ctl", unix.EpollCtl(epollFD, unix.EPOLL_CTL_ADD, serverFD, interest(serverFD, unix.EPOLLIN)))

	// Python's try/finally: SIGINT or SIGTERM ends the loop, and the deferred
	// calls release the fds. Each connection's state lives in maps keyed by fd.
	stop := stopOnSignal()
	connections, requests, responses := map[int]unix.Sockaddr{}, map[int][]byte{}, map[int][]byte{}
	// drop forgets a connection: out of the interest list first (once closed,
	// the fd number goes to the next accept), then closed, then out of every
	// map. why, when not nil, is reported on stderr with the client's address.
	drop := func(fd int, why error) {
		dropped(connections[fd], why)
		report("epoll_ctl", unix.EpollCtl(epollFD, unix.EPOLL_CTL_DEL, fd, nil))
		closeFD(fd)
		delete(connections, fd)
		delete(requests, fd)
		delete(responses, fd)
	}
	defer func() {
		for fd := range connections {
			drop(fd, nil)
		}
		report("epoll_ctl", unix.EpollCtl(epollFD, unix.EPOLL_CTL_DEL, serverFD, nil))
		flushEcho()
	}()
	announce(serverFD)

	events := make([]unix.EpollEvent, 64)
	for !stop.Load() {
		// Wait at most 1000 ms (the article's one second) for events. A signal,
		// often the Go runtime's own SIGURG, interrupts the wait: wait again.
		n, err := unix.EpollWait(epollFD, events, 1000)
		if err == unix.EINTR {
			continue
		}
		must("epoll_wait", err)
		for _, event := range events[:n] {
			fd := int(event.Fd)
			switch {
			// The listening socket: a new connection, made non-blocking by accept4.
			case fd == serverFD:
				connFD, address, err := accept(serverFD, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
				if err != nil {
					report("accept4", err)
					continue
				}
				connections[connFD] = address
				requests[connFD] = []byte{}
				responses[connFD] = response
				if err := unix.EpollCtl(epollFD, unix.EPOLL_CTL_ADD, connFD, interest(connFD, unix.EPOLLIN)); err != nil {
					drop(connFD, named("epoll_ctl", err))
				}

			// Data to read. A request that ends switches the socket to EPOLLOUT.
			// EOF, ECONNRESET or an oversized request drop the connection.
			case event.Events&unix.EPOLLIN != 0:
				seen := len(requests[fd])
				requests[fd], err = recv(fd, requests[fd])
				if end := requestEnd(requests[fd], seen, eol1, eol2); end >= 0 {
					err = named("epoll_ctl", unix.EpollCtl(epollFD, unix.EPOLL_CTL_MOD, fd, interest(fd, unix.EPOLLOUT)))
					// Cork the socket: hold partial segments until the cork comes out.
					setOption(fd, unix.IPPROTO_TCP, unix.TCP_CORK, 1)
					fmt.Fprintln(stdout, strings.Repeat("-", 40)+"\n"+printable(requests[fd][:end-2]))
				}
				if err != nil && err != unix.EAGAIN {
					drop(fd, err)
				}

			// Room to write. A failed send drops the connection. Once the whole
			// response is out, stop watching (events 0) and shut the socket down;
			// if either fails, only report it: EPOLLHUP follows, even after a reset.
			case event.Events&unix.EPOLLOUT != 0:
				responses[fd], err = send(fd, responses[fd])
				if err != nil && err != unix.EAGAIN {
					drop(fd, err)
				} else if len(responses[fd]) == 0 {
					// Uncork: what is held leaves now, in as few segments as it fits.
					setOption(fd, unix.IPPROTO_TCP, unix.TCP_CORK, 0)
					report("epoll_ctl", unix.EpollCtl(epollFD, unix.EPOLL_CTL_MOD, fd, interest(fd, 0)))
					shutdown(fd)
				}

			// EPOLLHUP (and EPOLLERR) are reported even with no events asked
			// for. Here it follows the server's own shutdown: close and forget.
			case event.Events&(unix.EPOLLHUP|unix.EPOLLERR) != 0:
				drop(fd, nil)
			}
		}
	}
}
