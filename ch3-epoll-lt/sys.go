//go:build linux

// This file is the same in every chapter: `make sync` copies it from
// ch1-blocking, and `make test` fails if a copy drifts. It holds what the
// article gets from Python for free (flag parsing, the socket methods' error
// handling) so that main.go can stay a line-by-line port of the listing.

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// The command line of every chapter.
var (
	listenAddr = flag.String("addr", "0.0.0.0:8080", "listen on `HOST:PORT` (an IPv4 address; port 0 picks a free port)")
	backlog    = flag.Int("backlog", 1, "length of the listen queue; the article uses 1")
	quiet      = flag.Bool("quiet", false, "do not echo requests to stdout")
	split      = flag.Int("split", 1, "write the response in `N` pieces, one per send (to watch TCP_CORK at work)")
)

// A request that grows past maxRequest without ending is dropped, so that
// one client cannot make the server hold an unbounded buffer.
const maxRequest = 64 << 10

var (
	errTooLarge  = fmt.Errorf("request over %d KiB without an empty line", maxRequest>>10)
	errEarlyEOF  = errors.New("the client closed the connection before its request ended")
	errShortSend = errors.New("send wrote nothing")
)

// parseFlags reads the command line and returns the address to bind. Bad input
// is a usage error: a line naming it, the usage, and exit status 2, as flag does.
func parseFlags() *unix.SockaddrInet4 {
	flag.Parse()
	addr, err := parseAddr(*listenAddr)
	switch {
	case err != nil:
		usage("-addr: %v", err)
	case *backlog < 0:
		usage("-backlog: %d is negative", *backlog)
	case *split < 1 || *split > 64:
		usage("-split: %d is not between 1 and 64", *split)
	case flag.NArg() > 0:
		usage("unexpected argument %q", flag.Arg(0))
	}
	reserveFD()
	return addr
}

func usage(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	flag.Usage()
	os.Exit(2)
}

// parseAddr turns "HOST:PORT" into a socket address. HOST is an IPv4 literal,
// "localhost", or empty for every interface, like the article's '0.0.0.0'.
func parseAddr(s string) (*unix.SockaddrInet4, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return nil, fmt.Errorf("%q is not HOST:PORT", s)
	}
	host, port := s[:i], s[i+1:]
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("%q is not a port number from 0 to 65535", port)
	}
	ip := netip.IPv4Unspecified()
	switch host {
	case "":
	case "localhost":
		ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	default:
		ip, err = netip.ParseAddr(host)
		if err != nil || !ip.Is4() {
			return nil, fmt.Errorf("%q is not an IPv4 address", host)
		}
	}
	return &unix.SockaddrInet4{Port: int(p), Addr: ip.As4()}, nil
}

// sockaddrString formats an IPv4 socket address as HOST:PORT.
func sockaddrString(sa unix.Sockaddr) string {
	if sa4, ok := sa.(*unix.SockaddrInet4); ok {
		return netip.AddrPortFrom(netip.AddrFrom4(sa4.Addr), uint16(sa4.Port)).String()
	}
	return fmt.Sprintf("%v", sa)
}

// announce writes the one line that tells a reader (and the tests) that the
// server is ready, with the port the kernel really bound: -addr may say 0.
func announce(serverFD int) error {
	sa, err := unix.Getsockname(serverFD)
	if err != nil {
		return os.NewSyscallError("getsockname", err)
	}
	fmt.Fprintf(os.Stderr, "listening on %s\n", sockaddrString(sa))
	return nil
}

// setOption sets an integer socket option. Every option the chapters set
// (SO_REUSEADDR, TCP_NODELAY, TCP_CORK) is a hint the server can run without,
// so a failure is reported on stderr and the server carries on.
func setOption(fd, level, option, value int) {
	if err := unix.SetsockoptInt(fd, level, option, value); err != nil {
		report(fmt.Errorf("setsockopt %s=%d on fd %d: %w", optionNames[option], value, fd, err))
	}
}

var optionNames = map[int]string{
	unix.SO_REUSEADDR: "SO_REUSEADDR",
	unix.TCP_NODELAY:  "TCP_NODELAY",
	unix.TCP_CORK:     "TCP_CORK",
}

// spare is an fd held in reserve for accept's EMFILE handling.
var spare = -1

func reserveFD() {
	fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		report(os.NewSyscallError("open /dev/null", err))
		return
	}
	spare = fd
}

// accept takes the next connection off the listen queue. flags go to
// accept4(2): a new socket does not inherit O_NONBLOCK from the listening
// socket, so the epoll chapters ask for SOCK_NONBLOCK here.
//
// When the process is out of file descriptors (EMFILE, or ENFILE for the whole
// system), the connection stays queued and the listening socket stays
// readable: a level-triggered loop would wake up at once, fail again, and spin.
// Instead accept gives up its spare fd, takes the connection, closes it (the
// client sees the connection closed), reports it on stderr and tries again,
// until the queue is empty.
func accept(serverFD, flags int) (int, unix.Sockaddr, error) {
	for {
		connFD, address, err := unix.Accept4(serverFD, flags)
		switch {
		case err == nil:
			return connFD, address, nil
		case err == unix.EAGAIN:
			return -1, nil, err // the queue is empty: bare, like recv's
		case err == unix.EINTR || err == unix.ECONNABORTED:
			// Interrupted by a signal, or the client gave up while queued.
		case (err == unix.EMFILE || err == unix.ENFILE) && spare >= 0:
			// accept4 fails this way before it looks at the queue, so stop
			// as soon as there is nothing left to shed.
			if !shed(serverFD, err) {
				return -1, nil, unix.EAGAIN
			}
		default:
			return -1, nil, os.NewSyscallError("accept4", err)
		}
	}
}

// shed closes the spare fd, accepts one connection with it and closes that.
// It reports whether there was a connection to shed.
func shed(serverFD int, cause error) bool {
	closeFD(spare)
	spare = -1
	connFD, address, err := unix.Accept4(serverFD, unix.SOCK_CLOEXEC)
	if err == nil {
		report(fmt.Errorf("accept4: %w: closed the connection from %s", cause, sockaddrString(address)))
		closeFD(connFD)
	}
	reserveFD()
	return err == nil
}

// recv reads what has arrived, at most 1024 bytes as in the article, and
// returns request with it appended. The errors are:
//   - EAGAIN, bare: nothing to read now (non-blocking sockets only);
//   - errEarlyEOF: read returned 0, the client sent FIN;
//   - errTooLarge: request has grown past maxRequest;
//   - anything else, such as ECONNRESET, wrapped with the syscall's name.
func recv(fd int, request []byte) ([]byte, error) {
	var buf [1024]byte
	n, err := retryEINTR(func() (int, error) { return unix.Read(fd, buf[:]) })
	switch {
	case err == unix.EAGAIN:
		return request, err
	case err != nil:
		return request, os.NewSyscallError("read", err)
	case n == 0:
		return request, errEarlyEOF
	}
	request = append(request, buf[:n]...)
	if len(request) > maxRequest {
		return request, errTooLarge
	}
	return request, nil
}

// send writes what it can of unsent and returns the part not yet written.
// With -split N it writes at most one Nth of the article's response per call,
// so that a response goes out in pieces (ch5 shows what TCP_CORK does to them).
// EAGAIN comes back bare; EPIPE and ECONNRESET are wrapped.
func send(fd int, unsent []byte) ([]byte, error) {
	piece := unsent
	if size := (len(response) + *split - 1) / *split; len(piece) > size {
		piece = piece[:size] // a piece of the whole response, not of what is left
	}
	n, err := retryEINTR(func() (int, error) { return unix.Write(fd, piece) })
	switch {
	case err == unix.EAGAIN:
		return unsent, err
	case err != nil:
		return unsent, os.NewSyscallError("write", err)
	case n == 0:
		return unsent, errShortSend
	}
	return unsent[n:], nil
}

// epollCtl adds, modifies or deletes fd in the interest list of epollFD.
// The event is built with named fields: its layout differs by architecture.
func epollCtl(epollFD, op, fd int, events uint32) error {
	event := unix.EpollEvent{Events: events, Fd: int32(fd)}
	return os.NewSyscallError("epoll_ctl", unix.EpollCtl(epollFD, op, fd, &event))
}

// epollWait waits up to msec milliseconds for events. A signal interrupts
// epoll_wait with EINTR whatever SA_RESTART says, and Go's scheduler sends
// SIGURG to preempt goroutines, so EINTR is common: it counts as no events.
func epollWait(epollFD int, events []unix.EpollEvent, msec int) (int, error) {
	n, err := unix.EpollWait(epollFD, events, msec)
	if err == unix.EINTR {
		return 0, nil
	}
	return n, os.NewSyscallError("epoll_wait", err)
}

// closeFD closes fd and reports a failure. EINTR is not retried: Linux has
// released the fd before close returns, and a second close could close an fd
// that another accept has just been given (see Go's internal/poll).
func closeFD(fd int) {
	if err := unix.Close(fd); err != nil {
		report(os.NewSyscallError("close", err))
	}
}

// shutdown ends both directions of a connection, as the article's
// shutdown(socket.SHUT_RDWR). The peer reads EOF.
func shutdown(fd int) error {
	return os.NewSyscallError("shutdown", unix.Shutdown(fd, unix.SHUT_RDWR))
}

func retryEINTR(call func() (int, error)) (int, error) {
	for {
		n, err := call()
		if err != unix.EINTR {
			if n < 0 {
				n = 0
			}
			return n, err
		}
	}
}

// dropped reports on stderr why the server gave up on a client, if it did.
func dropped(address unix.Sockaddr, why error) {
	if why != nil {
		fmt.Fprintf(os.Stderr, "%s: dropped: %v\n", sockaddrString(address), why)
	}
}

// report writes an error on stderr, one line. EAGAIN is not an error: it only
// says "not now", so it is not reported.
func report(err error) {
	if err != nil && err != unix.EAGAIN {
		fmt.Fprintln(os.Stderr, err)
	}
}

// requestEnd returns the length of the request at the start of buf, up to and
// including the first "\n\n" or "\n\r\n" (the article's EOL1 and EOL2), or -1
// when neither has arrived yet.
func requestEnd(buf []byte) int {
	end := -1
	for _, eol := range [][]byte{eol1, eol2} {
		if i := bytes.Index(buf, eol); i >= 0 && (end < 0 || i+len(eol) < end) {
			end = i + len(eol)
		}
	}
	return end
}

// printable makes request bytes safe to echo on a terminal: bytes that are
// not UTF-8 become U+FFFD (the article's decode() raises on them and the
// server dies), and control characters other than tab, CR and LF are shown
// escaped, so a client cannot send escape sequences to the reader's terminal.
func printable(b []byte) string {
	var out strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size <= 1:
			out.WriteRune(utf8.RuneError)
		case r < 0x20 && r != '\t' && r != '\r' && r != '\n', r >= 0x7f && r < 0xa0:
			fmt.Fprintf(&out, "\\x%02x", r)
		default:
			out.Write(b[:size])
		}
		b = b[size:]
	}
	return out.String()
}

// stopOnSignal returns a flag that turns true on SIGINT or SIGTERM. The epoll
// loops check it every time epoll_wait returns, at least once a second thanks
// to the article's one-second timeout. A second signal kills the process.
func stopOnSignal() *atomic.Bool {
	stop := new(atomic.Bool)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		signal.Stop(signals)
		fmt.Fprintf(os.Stderr, "%v: closing down\n", sig)
		stop.Store(true)
	}()
	return stop
}

// openFDs is the set of fds that a blocking chapter has open. Python's
// KeyboardInterrupt unwinds a blocked accept or recv into the finally block;
// in Go the signal arrives on a channel while the main goroutine stays blocked
// in the system call, so closeOnSignal closes the set itself and exits.
type openFDs struct {
	mu  sync.Mutex
	fds map[int]bool
}

// closeOnSignal starts an fd set with fds in it and, on SIGINT or SIGTERM,
// closes every fd in the set and exits with status 0.
func closeOnSignal(fds ...int) *openFDs {
	set := &openFDs{fds: map[int]bool{}}
	for _, fd := range fds {
		set.fds[fd] = true
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		fmt.Fprintf(os.Stderr, "%v: closing down\n", sig)
		set.mu.Lock() // held until exit: no fd changes hands after this
		for fd := range set.fds {
			closeFD(fd)
		}
		os.Exit(0)
	}()
	return set
}

func (s *openFDs) add(fd int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fds[fd] = true
}

// close removes fd from the set and closes it.
func (s *openFDs) close(fd int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.fds, fd)
	closeFD(fd)
}
