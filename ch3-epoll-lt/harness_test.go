//go:build linux

// The test harness, the same in every chapter (`make sync` copies it from
// ch1-blocking). The tests run the chapter as a real process: the test binary
// starts itself again with serverEnv set, and then runs main instead of the
// tests. Every wait below ends on an event (a line, a read, a file in /proc)
// or fails after a generous deadline; none of them sleeps for a guess.

package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const serverEnv = "EPOLL_TUTORIAL_SERVE"

// patience bounds every wait: far longer than anything should take, so that
// a slow shared machine does not fail a test, while a hang still does. The
// mutation tests in tools/mutants, which expect failures, shorten it through
// EPOLL_TUTORIAL_PATIENCE.
var patience = func() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("EPOLL_TUTORIAL_PATIENCE")); err == nil && d > 0 {
		return d
	}
	return 20 * time.Second
}()

func TestMain(m *testing.M) {
	if os.Getenv(serverEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The article's response, as a client must receive it.
const wantResponse = "HTTP/1.0 200 OK\r\n" +
	"Date: Mon, 1 Jan 1996 01:01:01 GMT\r\n" +
	"Content-Type: text/plain\r\n" +
	"Content-Length: 13\r\n" +
	"\r\n" +
	"Hello, world!"

const simpleRequest = "GET / HTTP/1.0\r\nHost: test\r\n\r\n"

// requestWithBody is a request that does not end at its empty line: 3,000
// bytes of body follow, in the same write.
var requestWithBody = "POST / HTTP/1.0\r\nContent-Length: 3000\r\n\r\n" + strings.Repeat("b", 3000)

// TCP states (include/net/tcp_states.h), as TCP_INFO gives them. Once the
// server has shut down and closed its side in order, the client's socket is
// in CLOSE_WAIT; a reset moves it to CLOSE.
const (
	tcpClose     = 7
	tcpCloseWait = 8
)

// serverCommand returns the command that runs the chapter with args.
func serverCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	// Under -race the runtime waits a second before exiting; not needed here.
	cmd.Env = append(os.Environ(), serverEnv+"=1", "GORACE=atexit_sleep_ms=0")
	return cmd
}

// server is a chapter binary running under test.
type server struct {
	t      testing.TB
	cmd    *exec.Cmd
	addr   string // 127.0.0.1:PORT, from the "listening on" line
	stdout *lines
	stderr *lines
	exited chan struct{}
	err    error // from cmd.Wait, valid once exited is closed
}

// start runs the chapter on a free loopback port with extra flags, and
// returns once it has printed its "listening on" line. The server is stopped
// with SIGKILL when the test ends, if it is still running then.
func start(t testing.TB, flags ...string) *server {
	t.Helper()
	return startWith(t, nil, flags...)
}

// startWith is start with the server's stdout given: nil for a pipe that the
// test reads into s.stdout, or a file of the test's choosing.
func startWith(t testing.TB, stdoutFile *os.File, flags ...string) *server {
	t.Helper()
	args := append([]string{"-addr", "127.0.0.1:0"}, flags...)
	s := &server{t: t, stdout: newLines(), stderr: newLines(), exited: make(chan struct{})}
	s.cmd = serverCommand(args...)
	var stdout io.Reader = strings.NewReader("")
	if stdoutFile != nil {
		s.cmd.Stdout = stdoutFile
	} else {
		pipe, err := s.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout = pipe
	}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var copying sync.WaitGroup
	copying.Add(2)
	go func() { defer copying.Done(); s.stdout.readFrom(stdout) }()
	go func() { defer copying.Done(); s.stderr.readFrom(stderr) }()
	go func() {
		copying.Wait() // Wait closes the pipes: read them to the end first
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.exited
		if out := s.stderr.String(); strings.Contains(out, "DATA RACE") || strings.Contains(out, "panic:") {
			t.Errorf("server stderr:\n%s", out)
		}
	})
	line := s.stderr.waitFor(t, "listening on ")
	s.addr = strings.TrimPrefix(line, "listening on ")
	if !strings.HasPrefix(s.addr, "127.0.0.1:") || strings.HasSuffix(s.addr, ":0") {
		t.Fatalf("listening line %q does not name the bound loopback port", line)
	}
	return s
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// wait waits for the server to exit and returns its exit code (-1 when a
// signal killed it).
func (s *server) wait(t testing.TB) int {
	t.Helper()
	select {
	case <-s.exited:
	case <-time.After(patience):
		t.Fatalf("server still running after %v; stderr:\n%s", patience, s.stderr)
	}
	var exit *exec.ExitError
	if errors.As(s.err, &exit) {
		return exit.ExitCode()
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	return 0
}

// signal sends sig to the server.
func (s *server) signal(t testing.TB, sig unix.Signal) {
	t.Helper()
	if err := unix.Kill(s.pid(), sig); err != nil {
		t.Fatal(err)
	}
}

// threads lists the server's thread ids.
func (s *server) threads(t testing.TB) []int {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", s.pid()))
	if err != nil {
		return nil // the server has exited; the test will say why
	}
	var tids []int
	for _, e := range entries {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids
}

// blockedWritingStdout reports whether a thread of the server is in the
// write system call on fd 1 (/proc/PID/task/TID/syscall: number, then args).
func (s *server) blockedWritingStdout(t testing.TB) bool {
	want := fmt.Sprintf("%d 0x1 ", unix.SYS_WRITE)
	for _, tid := range s.threads(t) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/syscall", s.pid(), tid))
		if err == nil && strings.HasPrefix(string(data), want) {
			return true
		}
	}
	return false
}

// dial opens a client connection.
func (s *server) dial(t testing.TB) *net.TCPConn {
	t.Helper()
	conn, err := net.DialTimeout("tcp4", s.addr, patience)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn.(*net.TCPConn)
}

// get sends one request on a new connection and returns all that comes back.
func (s *server) get(t testing.TB, request string) string {
	t.Helper()
	conn := s.dial(t)
	write(t, conn, request)
	return readAll(t, conn)
}

// fetch is get for goroutines other than the test's own, which must not call
// t.Fatal: it returns what went wrong instead.
func (s *server) fetch(request string) (string, error) {
	conn, err := net.DialTimeout("tcp4", s.addr, patience)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(patience))
	if _, err := io.WriteString(conn, request); err != nil {
		return "", err
	}
	data, err := io.ReadAll(conn)
	return string(data), err
}

func write(t testing.TB, conn net.Conn, data string) {
	t.Helper()
	if _, err := io.WriteString(conn, data); err != nil {
		t.Fatal(err)
	}
}

// readAll reads until EOF: the server has closed or shut down its side.
func readAll(t testing.TB, conn net.Conn) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(patience))
	data, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the response: %v (got %q)", err, data)
	}
	return string(data)
}

// expectClosed reads until the server closes the connection, by FIN or RST,
// and fails if the server sends any data first.
func expectClosed(t testing.TB, conn net.Conn) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(patience))
	data, err := io.ReadAll(conn)
	if err != nil && !errors.Is(err, unix.ECONNRESET) {
		t.Fatalf("waiting for the server to close: %v", err)
	}
	if len(data) > 0 {
		t.Fatalf("server sent %q, want the connection closed without a reply", data)
	}
}

// resetOnClose makes Close send RST instead of FIN.
func resetOnClose(t testing.TB, conn *net.TCPConn) {
	t.Helper()
	if err := conn.SetLinger(0); err != nil {
		t.Fatal(err)
	}
}

// fds lists the server's open file descriptors.
func (s *server) fds(t testing.TB) []string {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", s.pid())
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var fds []string
	for _, e := range entries {
		target, err := os.Readlink(dir + "/" + e.Name())
		if err != nil {
			continue // closed while we looked
		}
		fds = append(fds, e.Name()+" -> "+target)
	}
	return fds
}

// lowestFreeFD returns the number the server's next fd would get.
func (s *server) lowestFreeFD(t testing.TB) int {
	t.Helper()
	used := map[string]bool{}
	for _, fd := range s.fds(t) {
		num, _, _ := strings.Cut(fd, " -> ")
		used[num] = true
	}
	n := 0
	for used[strconv.Itoa(n)] {
		n++
	}
	return n
}

// waitUntilIdle waits until the server holds no connection open, and returns
// its fds then. The server closes a connection a moment after the client has
// read EOF (EPOLLHUP comes one turn of the loop after the shutdown).
func (s *server) waitUntilIdle(t testing.TB) []string {
	t.Helper()
	var fds []string
	eventually(t, func() bool {
		var busy bool
		fds, busy = s.connections(t)
		return !busy
	}, func() string { return "the server still holds connections:\n" + strings.Join(fds, "\n") })
	return fds
}

// connections returns the server's fds, and whether any of them is a socket
// other than its listening socket: a connection it still holds.
func (s *server) connections(t testing.TB) (fds []string, busy bool) {
	t.Helper()
	var listener string
	for _, sock := range tcpSockets(t) {
		if sock.local == s.addr && sock.remote == "0.0.0.0:0" {
			listener = "socket:[" + sock.inode + "]"
		}
	}
	fds = s.fds(t)
	for _, fd := range fds {
		if _, link, _ := strings.Cut(fd, " -> "); strings.HasPrefix(link, "socket:") && link != listener {
			busy = true
		}
	}
	return fds, busy
}

// eventually polls cond until it holds; it fails with what() at the deadline.
func eventually(t testing.TB, cond func() bool, what func() string) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(what())
		}
		time.Sleep(time.Millisecond)
	}
}

// A TCP socket as /proc/net/tcp shows it.
type tcpSocket struct {
	local, remote string
	state         int // TCP_ESTABLISHED, TCP_FIN_WAIT2, … (include/net/tcp_states.h)
	rxQueue       int
	inode         string
}

func tcpSockets(t testing.TB) []tcpSocket {
	t.Helper()
	data, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Fatal(err)
	}
	var sockets []tcpSocket
	for _, line := range strings.Split(string(data), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 10 {
			continue
		}
		_, rx, _ := strings.Cut(f[4], ":")
		n, _ := strconv.ParseInt(rx, 16, 64)
		state, _ := strconv.ParseInt(f[3], 16, 64)
		sockets = append(sockets, tcpSocket{local: hexAddr(f[1]), remote: hexAddr(f[2]), state: int(state), rxQueue: int(n), inode: f[9]})
	}
	return sockets
}

// hexAddr turns /proc/net/tcp's "0100007F:1F90" into "127.0.0.1:8080".
func hexAddr(s string) string {
	ip, port, _ := strings.Cut(s, ":")
	a, _ := strconv.ParseUint(ip, 16, 32)
	p, _ := strconv.ParseUint(port, 16, 16)
	return fmt.Sprintf("%d.%d.%d.%d:%d", byte(a), byte(a>>8), byte(a>>16), byte(a>>24), p)
}

// serverSide finds the server's end of a client connection in /proc/net/tcp.
// It exists from the end of the handshake on, accepted or still queued.
func serverSide(t testing.TB, conn net.Conn) tcpSocket {
	t.Helper()
	sock, ok := findServerSide(t, conn)
	if !ok {
		t.Fatalf("no server-side socket for %v", conn.LocalAddr())
	}
	return sock
}

// findServerSide is serverSide for a socket that may be gone: after a reset,
// or once the server has closed it and the kernel has let it go.
func findServerSide(t testing.TB, conn net.Conn) (tcpSocket, bool) {
	t.Helper()
	for _, sock := range tcpSockets(t) {
		if sock.local == conn.RemoteAddr().String() && sock.remote == conn.LocalAddr().String() {
			return sock, true
		}
	}
	return tcpSocket{}, false
}

// waitUntilRead waits until the server has read everything sent on conn, so
// that the next write reaches the server as a separate read: the server's
// kernel has acknowledged every byte (none is still on its way), and none is
// left in the server socket's receive queue.
func waitUntilRead(t testing.TB, conn *net.TCPConn) {
	t.Helper()
	eventually(t, func() bool { return allAcked(t, conn) && serverSide(t, conn).rxQueue == 0 },
		func() string { return fmt.Sprintf("server never read the data sent on %v", conn.LocalAddr()) })
}

// allAcked reports whether everything written on conn has been sent and
// acknowledged by the peer (TCP_INFO: nothing unsent, nothing in flight).
func allAcked(t testing.TB, conn *net.TCPConn) bool {
	t.Helper()
	info := clientInfo(t, conn)
	return info.Unacked == 0 && info.Notsent_bytes == 0
}

// clientInfo reads TCP_INFO of the test's end of a connection.
func clientInfo(t testing.TB, conn *net.TCPConn) *unix.TCPInfo {
	t.Helper()
	raw, err := conn.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var info *unix.TCPInfo
	if err := raw.Control(func(fd uintptr) {
		info, err = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(os.NewSyscallError("getsockopt TCP_INFO", err))
	}
	return info
}

// waitUntilQueued waits until n bytes sent on conn sit unread at the server.
func waitUntilQueued(t testing.TB, conn net.Conn, n int) {
	t.Helper()
	eventually(t, func() bool { return serverSide(t, conn).rxQueue == n },
		func() string { return fmt.Sprintf("want %d bytes queued at the server for %v", n, conn.LocalAddr()) })
}

// serverSocket returns a duplicate, in this process, of the socket that the
// server accepted for conn (pidfd_getfd(2), Linux 5.6). Socket options read
// through it are the server socket's own. It waits for the accept.
func (s *server) serverSocket(t testing.TB, conn net.Conn) int {
	t.Helper()
	target := -1
	eventually(t, func() bool {
		// A socket still in the accept queue has no inode yet: it gets one
		// when accept gives it an fd.
		inode := "socket:[" + serverSide(t, conn).inode + "]"
		if inode == "socket:[0]" {
			return false
		}
		for _, fd := range s.fds(t) {
			if num, link, _ := strings.Cut(fd, " -> "); link == inode {
				target, _ = strconv.Atoi(num)
				return true
			}
		}
		return false
	}, func() string { return "the server never accepted " + conn.LocalAddr().String() })
	pidfd, err := unix.PidfdOpen(s.pid(), 0)
	if err != nil {
		t.Fatal(os.NewSyscallError("pidfd_open", err))
	}
	defer unix.Close(pidfd)
	fd, err := unix.PidfdGetfd(pidfd, target, 0)
	if err != nil {
		t.Fatal(os.NewSyscallError("pidfd_getfd", err))
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd
}

// tcpOption reads an IPPROTO_TCP option of a socket, such as one that
// serverSocket returned.
func tcpOption(t testing.TB, fd, option int) int {
	t.Helper()
	value, err := unix.GetsockoptInt(fd, unix.IPPROTO_TCP, option)
	if err != nil {
		t.Fatal(os.NewSyscallError("getsockopt", err))
	}
	return value
}

// dataSegmentsOut returns how many segments carrying data a socket has sent
// (tcpi_data_segs_out in TCP_INFO).
func dataSegmentsOut(t testing.TB, fd int) uint32 {
	t.Helper()
	info, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO)
	if err != nil {
		t.Fatal(os.NewSyscallError("getsockopt TCP_INFO", err))
	}
	return info.Data_segs_out
}

// lines collects what the server writes to stdout or stderr, line by line.
type lines struct {
	mu      sync.Mutex
	all     []string
	done    bool
	changed chan struct{} // closed at each new line, then replaced
}

func newLines() *lines { return &lines{changed: make(chan struct{})} }

func (l *lines) readFrom(r io.Reader) {
	scan := bufio.NewScanner(r)
	scan.Buffer(nil, 1<<20)
	for scan.Scan() {
		l.mu.Lock()
		l.all = append(l.all, scan.Text())
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
	}
	io.Copy(io.Discard, r)
	l.mu.Lock()
	l.done = true
	close(l.changed)
	l.mu.Unlock()
}

// count returns how many lines contain substr.
func (l *lines) count(substr string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.all {
		if strings.Contains(line, substr) {
			n++
		}
	}
	return n
}

// waitFor returns the first line that contains substr, waiting for it.
func (l *lines) waitFor(t testing.TB, substr string) string {
	t.Helper()
	l.waitForCount(t, substr, 1)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.all {
		if strings.Contains(line, substr) {
			return line
		}
	}
	panic("unreachable")
}

// waitForCount waits until n lines contain substr.
func (l *lines) waitForCount(t testing.TB, substr string, n int) {
	t.Helper()
	timeout := time.After(patience)
	for {
		l.mu.Lock()
		changed, done := l.changed, l.done
		l.mu.Unlock()
		if l.count(substr) >= n {
			return
		}
		if done {
			t.Fatalf("output ended before %d lines with %q:\n%s", n, substr, l)
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("no %d lines with %q after %v:\n%s", n, substr, patience, l)
		}
	}
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.all, "\n")
}
