//go:build linux

// Not part of the chapter: `make exercise` adds this file to a learner's
// copy (it lives in tools/mutants/testdata) for the exercises whose bug is a
// busy loop. A test that only waits for the connection to close fails such a
// server by timing out; these tests see the spin itself. A server at rest has
// its event loop asleep in epoll_wait: the thread is blocked in the
// epoll_pwait system call, and /proc/PID/task/TID/syscall says so. A loop
// that epoll keeps waking, for a socket the server never lets go of, is
// never found there, and the process burns CPU time while it goes round.
// The file sorts before the chapter's tests, so that it runs first.

package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// spinCPU is the CPU time after which a server that has not finished with
// a connection is taken to be spinning. A server at rest uses next to none.
const spinCPU = 500 * time.Millisecond

// A client sends half a request, then half-closes: the server's next recv
// returns 0 bytes, and EPOLLIN stays up for as long as the socket is
// registered. The server must drop the connection and go back to sleep.
func TestLoopSleepsAfterEndOfStream(t *testing.T) {
	s := start(t, "-quiet")
	conn := s.dial(t)
	write(t, conn, "GET / HTTP/1.0\r\n")
	waitUntilRead(t, conn)
	before := s.cpuTime(t)
	conn.CloseWrite()
	s.expectAsleep(t, before, "the client half-closed", "drop the connection (a \"dropped:\" line on stderr)",
		func() bool { return s.stderr.count("dropped:") > 0 })
	expectClosed(t, conn)
}

// After the response, the server shuts the socket down, and epoll reports
// EPOLLHUP for it, even with no events asked for, until it is closed. The
// server must close it and go back to sleep.
func TestLoopSleepsAfterAResponse(t *testing.T) {
	s := start(t, "-quiet")
	before := s.cpuTime(t)
	if got := s.get(t, simpleRequest); got != wantResponse {
		t.Fatalf("response %q", got)
	}
	s.expectAsleep(t, before, "the request", "close the connection it has answered",
		func() bool { _, busy := s.connections(t); return !busy })
}

// expectAsleep polls until done holds and the event loop is asleep in
// epoll_wait. It fails as soon as the server has used spinCPU of CPU time
// since before (the CPU time it had used at the moment that since names),
// or at the deadline.
func (s *server) expectAsleep(t *testing.T, before time.Duration, since, goal string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	looks, asleepLooks := 0, 0
	for {
		select {
		case <-s.exited:
			t.Fatalf("the server exited; stderr:\n%s", s.stderr)
		default:
		}
		finished, asleep := done(), s.loopAsleep(t)
		looks++
		if asleep {
			asleepLooks++
		}
		if finished && asleep {
			return
		}
		used := s.cpuTime(t) - before
		if used >= spinCPU {
			t.Fatalf("the event loop is spinning: the server has used %v of CPU since %s, and its loop was asleep "+
				"in epoll_wait in %d of %d looks. epoll reports the socket again on every wait, and the server "+
				"never lets go of it. It should %s.", used, since, asleepLooks, looks, goal)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v after %s, the server did not %s; its loop was asleep in epoll_wait in %d of %d looks, "+
				"and it used %v of CPU", patience, since, goal, asleepLooks, looks, used)
		}
		time.Sleep(time.Millisecond)
	}
}

// loopAsleep reports whether a thread of the server is blocked in the
// chapter's epoll_wait: the epoll_pwait system call with 64 events and the
// one-second timeout (Go's runtime has an epoll_pwait of its own, with other
// arguments). /proc/PID/task/TID/syscall shows "running" for a thread that
// is not blocked, and the call's number and arguments for one that is.
func (s *server) loopAsleep(t *testing.T) bool {
	t.Helper()
	for _, tid := range s.threads(t) {
		path := fmt.Sprintf("/proc/%d/task/%d/syscall", s.pid(), tid)
		data, err := os.ReadFile(path)
		if os.IsPermission(err) {
			t.Fatalf("%v: this check needs to read the server's system calls (as strace would)", err)
		}
		f := strings.Fields(string(data))
		if len(f) > 4 && f[0] == strconv.Itoa(unix.SYS_EPOLL_PWAIT) && f[3] == "0x40" && f[4] == "0x3e8" {
			return true
		}
	}
	return false
}

// cpuTime returns the CPU time the server has used so far, user and system
// (/proc/PID/stat, in clock ticks of 10 ms).
func (s *server) cpuTime(t *testing.T) time.Duration {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.pid()))
	if err != nil {
		t.Fatalf("the server is gone: %v; stderr:\n%s", err, s.stderr)
	}
	// The fields after the command name, which is in parentheses: state is
	// the first, utime the 12th, stime the 13th.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
