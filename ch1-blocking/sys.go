//go:build linux

// This file is the same in every chapter: `make sync` copies it from
// ch1-blocking, and `make test` fails if a copy drifts. It holds what the
// article's Python gets from its standard library (flag parsing, the socket
// methods' error handling, print) so that main.go can stay a line-by-line
// port of the article's listing.

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
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

// stdout is where main.go echoes requests, as the article's print does:
// os.Stdout, io.Discard under -quiet, and in the epoll chapters a queue that
// never blocks the event loop (see stopOnSignal).
var stdout io.Writer = os.Stdout

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
	if *quiet {
		stdout = io.Discard
	}
	must("open", reserveFD())
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

// named gives a bare errno, as x/sys/unix returns it, the name of the system
// call that failed. nil stays nil, and an error that already says where it
// comes from (or is one of this file's own) is returned as it is.
func named(call string, err error) error {
	if errno, ok := err.(unix.Errno); ok {
		return os.NewSyscallError(call, errno)
	}
	return err
}

// must ends the program when a call it cannot go on without has failed: the
// set-up of the listening socket and the epoll instance, or epoll_wait
// itself. It writes one line naming the call and exits with status 1; the
// kernel closes every fd of an exiting process.
func must(call string, err error) {
	if err != nil {
		logf("%v", named(call, err))
		os.Exit(1)
	}
}

// report writes a failed call on stderr, one line, and the server goes on.
// EAGAIN is not a failure: it only says "not now", so it is not reported.
func report(call string, err error) {
	if err != nil && err != unix.EAGAIN {
		logf("%v", named(call, err))
	}
}

// stderrMu serialises the lines on stderr. closeOnSignal takes it for good
// before it closes a blocking chapter's fds, so "closing down" is the last
// line: a loop that meets its fds closed under it (EBADF) waits here for
// the exit instead of reporting the closed fd again and again.
var stderrMu sync.Mutex

// logf writes one line on stderr.
func logf(format string, args ...any) {
	stderrMu.Lock()
	defer stderrMu.Unlock()
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

// dropped reports on stderr why the server gave up on a client, if it did.
func dropped(address unix.Sockaddr, why error) {
	if why != nil {
		logf("%s: dropped: %v", sockaddrString(address), why)
	}
}

// announce writes the one line that tells a reader (and the tests) that the
// server is ready, with the port the kernel really bound: -addr may say 0.
// Every chapter calls it once its signal handling is in place, so a signal
// sent as soon as the line appears is handled like any other.
func announce(serverFD int) {
	sa, err := unix.Getsockname(serverFD)
	must("getsockname", err)
	logf("listening on %s", sockaddrString(sa))
}

// setOption sets an integer socket option. Every option the chapters set
// (SO_REUSEADDR, TCP_NODELAY, TCP_CORK) is a hint the server can run without,
// so a failure is reported on stderr and the server carries on.
func setOption(fd, level, option, value int) {
	if err := unix.SetsockoptInt(fd, level, option, value); err != nil {
		report("setsockopt", fmt.Errorf("setsockopt %s=%d on fd %d: %w", optionNames[option], value, fd, err))
	}
}

var optionNames = map[int]string{
	unix.SO_REUSEADDR: "SO_REUSEADDR",
	unix.TCP_NODELAY:  "TCP_NODELAY",
	unix.TCP_CORK:     "TCP_CORK",
}

// interest is the event that epoll_ctl takes: the events to watch fd for,
// and the fd itself as the data that epoll_wait hands back with them. It is
// built with named fields because its layout differs by architecture.
func interest(fd int, events uint32) *unix.EpollEvent {
	return &unix.EpollEvent{Events: events, Fd: int32(fd)}
}

// spare is an fd held in reserve for accept's EMFILE handling. It is taken
// at start-up, where failing to take it ends the program (a server with no
// fd to spare could not run for long), and taken back each time shed has
// used it, which cannot fail: shed has just closed an fd of its own.
var spare = -1

func reserveFD() error {
	fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return named("open /dev/null", err)
	}
	spare = fd
	return nil
}

// accept takes the next connection off the listen queue. flags go to
// accept4(2): a new socket does not inherit O_NONBLOCK from the listening
// socket, so the epoll chapters ask for SOCK_NONBLOCK here. EINTR (a signal)
// and ECONNABORTED (a client that gave up while queued) are retried; EAGAIN,
// from a non-blocking listening socket whose queue is empty, comes back bare.
//
// When the process is out of file descriptors (EMFILE, or ENFILE for the whole
// system), the connection stays queued and the listening socket stays
// readable: a level-triggered loop would wake up at once, fail again, and
// spin, and a blocking one would leave the client waiting. Instead accept
// sheds: it gives up its spare fd, takes the connection, closes it (the
// client sees the connection closed), reports it on stderr, and takes the
// spare back. A non-blocking listening socket is shed until its queue is
// empty (EAGAIN); a blocking one, one connection per call.
func accept(serverFD, flags int) (int, unix.Sockaddr, error) {
	for {
		connFD, address, err := unix.Accept4(serverFD, flags)
		switch {
		case err == nil:
			return connFD, address, nil
		case err == unix.EAGAIN:
			return -1, nil, err // the queue is empty: bare, like recv's
		case err == unix.EINTR || err == unix.ECONNABORTED:
		case err == unix.EMFILE || err == unix.ENFILE:
			if err := shed(serverFD, err); err != nil {
				return -1, nil, err
			}
		default:
			return -1, nil, named("accept4", err)
		}
	}
}

// shed closes the spare fd, accepts one connection in its place and closes
// that, then takes the spare back. It returns nil when it shed a connection
// or accept4 was only interrupted (accept then tries again), EAGAIN when the
// queue is empty, and any other failure named.
func shed(serverFD int, cause error) error {
	if spare < 0 && reserveFD() != nil {
		return named("accept4", cause) // reported; the next EMFILE tries again
	}
	closeFD(spare)
	spare = -1
	connFD, address, err := unix.Accept4(serverFD, unix.SOCK_CLOEXEC)
	if err == nil {
		report("accept4", fmt.Errorf("accept4: %w: closed the connection from %s", cause, sockaddrString(address)))
		closeFD(connFD)
	}
	report("open", reserveFD())
	switch err {
	case nil, unix.EINTR, unix.ECONNABORTED:
		return nil
	case unix.EAGAIN:
		return err
	}
	return named("accept4", err)
}

// recv reads what has arrived, at most 1024 bytes as in the article, and
// returns request with it appended. The errors are:
//   - EAGAIN, bare: nothing to read now (non-blocking sockets only);
//   - errEarlyEOF: read returned 0, the client sent FIN;
//   - errTooLarge: request has grown past maxRequest;
//   - anything else, such as ECONNRESET, named "read".
func recv(fd int, request []byte) ([]byte, error) {
	var buf [1024]byte
	n, err := retryEINTR(func() (int, error) { return unix.Read(fd, buf[:]) })
	switch {
	case err == unix.EAGAIN:
		return request, err
	case err != nil:
		return request, named("read", err)
	case n == 0:
		return request, errEarlyEOF
	}
	request = append(request, buf[:n]...)
	if len(request) > maxRequest {
		return request, errTooLarge
	}
	return request, nil
}

// requestEnd returns the length of the request up to and including its first
// end marker, eol1 or eol2 (the article's EOL1 and EOL2), or -1 when neither
// has arrived. The caller has looked at request[:seen] before and found no
// marker there, so only the bytes from seen on, and the few before them that
// a marker split across two reads may start with, are searched: a request
// that trickles in one byte at a time costs linear time, not quadratic.
func requestEnd(request []byte, seen int, eol1, eol2 []byte) int {
	end := -1
	for _, eol := range [][]byte{eol1, eol2} {
		start := max(seen-len(eol)+1, 0)
		if i := bytes.Index(request[start:], eol); i >= 0 && (end < 0 || start+i+len(eol) < end) {
			end = start + i + len(eol)
		}
	}
	return end
}

// send writes what it can of unsent and returns the part not yet written.
// EAGAIN comes back bare; EPIPE and ECONNRESET are named "write".
//
// With -split N, one call writes at most up to the next Nth of the chapter's
// response: the pieces end at k×len/N bytes for k = 1 … N, so the response
// takes exactly N writes (ch5 shows what TCP_CORK does to them). That makes
// send depend on main.go's response; every chapter sends only that.
func send(fd int, unsent []byte) ([]byte, error) {
	piece := unsent[:pieceEnd(len(response), len(response)-len(unsent), *split)]
	n, err := retryEINTR(func() (int, error) { return unix.Write(fd, piece) })
	switch {
	case err == unix.EAGAIN:
		return unsent, err
	case err != nil:
		return unsent, named("write", err)
	case n == 0:
		return unsent, errShortSend
	}
	return unsent[n:], nil
}

// pieceEnd returns how many bytes, from byte sent of a whole of total bytes,
// are left before the end of the current piece when the whole is cut into
// pieces at k×total/pieces (k = 1 … pieces).
func pieceEnd(total, sent, pieces int) int {
	for k := 1; k <= pieces; k++ {
		if end := k * total / pieces; end > sent {
			return end - sent
		}
	}
	return total - sent
}

// closeFD closes fd and reports a failure. EINTR is not retried: Linux has
// released the fd before close returns, and a second close could close an fd
// that another accept has just been given (see Go's internal/poll).
func closeFD(fd int) {
	report("close", unix.Close(fd))
}

// shutdown ends both directions of a connection, as the article's
// shutdown(socket.SHUT_RDWR): the peer reads EOF, and epoll reports EPOLLHUP.
// ENOTCONN means the peer has reset the connection already; the hang-up is
// then reported anyway, so there is nothing to say on stderr.
func shutdown(fd int) {
	if err := unix.Shutdown(fd, unix.SHUT_RDWR); err != unix.ENOTCONN {
		report("shutdown", err)
	}
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

// stopOnSignal readies an event loop: it returns a flag that turns true on
// SIGINT or SIGTERM, which the loop checks every time epoll_wait returns (at
// least once a second, thanks to the article's one-second timeout); a second
// signal kills the process. Unless -quiet, it also puts an echoQueue between
// the loop and stdout, since a write to a terminal or pipe that nobody reads
// would block the loop and every client with it.
func stopOnSignal() *stopFlag {
	stop := new(stopFlag)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		signal.Stop(signals)
		logf("%v: closing down", sig)
		stop.set.Store(true)
	}()
	if stdout == os.Stdout {
		stdout = newEchoQueue(os.Stdout, maxEchoQueue)
	}
	return stop
}

// stopFlag is the loop's "a signal asked us to stop".
type stopFlag struct {
	set       atomic.Bool
	lastYield time.Time
}

// Load reports whether the loop should stop. The loop asks once a turn, so
// this is also where it lets Go's scheduler run now and then. An event loop's
// goroutine only ever makes system calls and never passes through the
// scheduler, so to the runtime's monitor thread (sysmon) it looks like one
// that has run too long: every 10 ms sysmon preempts it, its processor moves
// to another thread, and sysmon goes back to checking every 20 µs. A yield
// every 2 ms shows that the loop is alive, and costs it less CPU per request
// (docs/en/results.md#runtime has the measurements).
func (s *stopFlag) Load() bool {
	if now := time.Now(); now.Sub(s.lastYield) > 2*time.Millisecond {
		s.lastYield = now
		runtime.Gosched()
	}
	return s.set.Load()
}

// maxEchoQueue bounds the echoes waiting for a slow stdout, in bytes.
const maxEchoQueue = 1 << 20

// echoQueue is an io.Writer that never blocks: each Write is queued, and a
// goroutine writes the queue out. When stdout does not keep up and the queue
// holds max bytes, further echoes are dropped, and stderr says so once, with
// a count when stdout takes writes again.
type echoQueue struct {
	mu      sync.Mutex
	queue   [][]byte
	size    int // bytes in queue
	max     int
	dropped int // echoes dropped since stdout last kept up
	wake    chan struct{}
	idle    chan struct{} // closed and replaced when the queue empties
}

func newEchoQueue(w io.Writer, max int) *echoQueue {
	q := &echoQueue{max: max, wake: make(chan struct{}, 1), idle: make(chan struct{})}
	go q.run(w)
	return q
}

func (q *echoQueue) Write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.size+len(p) > q.max {
		if q.dropped == 0 {
			logf("stdout is not keeping up: requests are not echoed until it does")
		}
		q.dropped++
		return len(p), nil
	}
	q.queue = append(q.queue, bytes.Clone(p))
	q.size += len(p)
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (q *echoQueue) run(w io.Writer) {
	for range q.wake {
		q.mu.Lock()
		batch := q.queue
		q.queue = nil
		q.mu.Unlock()
		for _, p := range batch {
			if _, err := w.Write(p); err != nil {
				report("write stdout", err)
			}
		}
		q.mu.Lock()
		for _, p := range batch {
			q.size -= len(p)
		}
		if q.dropped > 0 && q.size == 0 {
			logf("stdout kept up again: %d requests were not echoed", q.dropped)
			q.dropped = 0
		}
		if len(q.queue) == 0 {
			close(q.idle)
			q.idle = make(chan struct{})
		}
		q.mu.Unlock()
	}
}

// flushEcho gives the echoes still queued when the loop ends up to half a
// second to reach stdout, then lets the server exit without them.
func flushEcho() {
	q, ok := stdout.(*echoQueue)
	if !ok {
		return
	}
	q.mu.Lock()
	empty, idle := q.size == 0, q.idle
	q.mu.Unlock()
	if !empty {
		select {
		case <-idle:
		case <-time.After(500 * time.Millisecond):
		}
	}
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
		set.mu.Lock()   // held until exit: no fd changes hands after this
		stderrMu.Lock() // and no line follows this one
		fmt.Fprintf(os.Stderr, "%v: closing down\n", sig)
		for fd := range set.fds {
			// Not closeFD: its report would wait for stderrMu.
			if err := unix.Close(fd); err != nil {
				fmt.Fprintln(os.Stderr, named("close", err))
			}
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
